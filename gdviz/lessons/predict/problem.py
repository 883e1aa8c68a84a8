"""The problem a challenge is about, its runs, and what a run did.

:func:`problem_of` turns a challenge into the function (or the data's least-squares problem) it
asks about, :func:`window_of` the view it is shown in and :func:`minimum_near` where plain GD
settles (the point the theory reads the Hessian at); :func:`run` descends it as the challenge
says; :func:`what_it_did` is the one place where a run becomes an answer choice (the app's
verdict, with "oscillates" split off).

>>> from gdviz.lessons.predict.challenge import Challenge
>>> challenge = Challenge(learning_rate=0.09)
>>> problem = problem_of(challenge)
>>> what_it_did(problem, run(challenge, problem))
'oscillates'
>>> what_it_did(problem, run(challenge, problem, learning_rate=0.01))
'converges'
"""

from __future__ import annotations

import math

import numpy as np

from gdviz import datasets
from gdviz.engine import Trajectory, descend
from gdviz.field import Window
from gdviz.lessons.common import make_optimizer, objective, start_point, view_window
from gdviz.lessons.predict.challenge import Challenge
from gdviz.optimizers import OPTIMIZERS
from gdviz.parser import ParseError
from gdviz.presets import PRESETS, Preset
from gdviz.schedules import make_schedule
from gdviz.theory import curvature
from gdviz.verdicts import verdict

FLIPS = 3  # an oscillating run reverses along the steep direction at least this often
SIGNIFICANT = 1e-6  # steps shorter than this share of the longest one are not counted


class ChallengeError(ValueError):
    """This setup cannot be asked as this question; the message says why, for a student."""


# --- the problem a challenge is about -------------------------------------------------------


def problem_of(challenge: Challenge):
    """The parsed function, or the least-squares problem of the data (``variants``)."""
    if challenge.question == "variants":
        dataset = (
            datasets.generate(challenge.n, 1.0, 2.0, 1.0, 0.0, 10.0, challenge.data_seed)
            if challenge.data == "generated"
            else datasets.seed_dataset()
        )
        return dataset.problem(challenge.standardise)
    try:
        return objective(challenge.function)
    except ParseError as error:
        raise ChallengeError(f"Its function cannot be used: {error}") from None


def start_of(challenge: Challenge, problem) -> np.ndarray:
    return start_point(challenge, getattr(problem, "dimension", 2))


def preset_of(challenge: Challenge) -> Preset | None:
    """The preset whose function this is (same text up to spaces), if any."""
    text = " ".join(challenge.function.split())
    return next((p for p in PRESETS.values() if " ".join(p.text.split()) == text), None)


def window_of(challenge: Challenge, problem) -> Window:
    """The view: the preset's, else a square around the origin holding the start and the
    minimum GD finds from it (the θ-plane around θ* for data)."""
    start = start_of(challenge, problem)
    if hasattr(problem, "solution"):  # data: θ-space around θ*
        centre = np.asarray(problem.solution, dtype=float)
        reach = max(0.5, 1.3 * float(np.max(np.abs(start - centre))))
        return Window(centre[0] - reach, centre[0] + reach, centre[1] - reach, centre[1] + reach)
    preset = preset_of(challenge)
    if preset or problem.dimension == 1:
        return view_window(problem, challenge, preset)
    far = np.abs(np.concatenate([start, minimum_near(challenge, problem)]))
    reach = max(3.0, 1.3 * float(np.max(far[np.isfinite(far)], initial=0.0)))
    return Window(-reach, reach, -reach, reach)


def settle(problem, starts: np.ndarray, rates: np.ndarray) -> Trajectory:
    """Plain GD from each row of ``starts`` at the matching rate, in ONE batched run, long and
    strict enough (3,000 steps, ‖∇f‖ < 1e-8) to reach the minimum it heads for."""
    return descend(problem, starts, OPTIMIZERS["gd"].make(rates), max_steps=3000, grad_tol=1e-8)


def minimum_near(challenge: Challenge, problem) -> np.ndarray:
    """Where plain GD from the start settles (the lowest end over 16 rates in one batched
    run), else the preset's minimum nearest the start, else the start."""
    start = start_of(challenge, problem)
    if hasattr(problem, "solution"):
        return np.asarray(problem.solution, dtype=float)
    runs = settle(problem, np.tile(start, (16, 1)), np.logspace(-4, 0.5, 16))
    done = np.flatnonzero(runs.converged)
    done = [i for i in done if lowest_eigenvalue(problem, runs.final_point[i]) > 0]
    if done:
        return runs.final_point[min(done, key=lambda i: runs.values[-1, i])]
    preset = preset_of(challenge)
    if preset and preset.minima:
        known = np.asarray(preset.minima, dtype=float)
        return known[np.argmin(np.linalg.norm(known - start, axis=-1))]
    return start


def optimizer_of(challenge: Challenge, learning_rate=None, name: str | None = None):
    """The challenge's optimizer (or ``name``) on its schedule around ``learning_rate``."""
    rate = challenge.learning_rate if learning_rate is None else learning_rate
    schedule = make_schedule(challenge.schedule, rate, **challenge.schedule_parameters)
    return make_optimizer(challenge, schedule, name)


def run(challenge: Challenge, problem, learning_rate=None, name=None, **rules) -> Trajectory:
    """One run of the setup (or a batch: ``learning_rate`` an array), with its stop rules."""
    start = start_of(challenge, problem)
    if np.ndim(learning_rate) == 1:
        start = np.tile(start, (len(learning_rate), 1))
    stop = {
        "max_steps": challenge.max_steps,
        "grad_tol": challenge.grad_tol,
        "value_tol": challenge.value_tol,
    } | rules
    return descend(problem, start, optimizer_of(challenge, learning_rate, name), **stop)


# --- what a run did -------------------------------------------------------------------------


FROM_VERDICT = {  # gdviz.verdict's kinds (branch ``verdict``) → this lesson's outcome choices
    "converged": "converges",
    "saddle": "saddle",
    "too_slow": "too_slow",
    "cycling": "cycling",
    "diverging": "diverges",
    "unbounded": "unbounded",
    "undefined": "undefined",
    "stalled": "too_slow",  # α decayed to 0 before it got there
}


def what_it_did(problem, trajectory: Trajectory) -> str:
    """The outcome choice a single run earns, from the engine's status, values and steps:
    ``converges``, ``oscillates`` (converges, overshooting the steep direction back and forth),
    ``too_slow`` (the budget ran out while f still fell over its last tenth), ``diverges``
    (f grew), ``unbounded`` (f fell without bound), ``saddle`` (∇f ≈ 0 where the Hessian has a
    negative eigenvalue), or, for runs no outcome question is asked about, ``cycling`` and
    ``undefined``.

    This is the one mapping from a run to an answer: the app's one verdict
    (:func:`gdviz.verdict`) in this lesson's answer choices; "oscillates but converges" is
    the question's own split of ``converged`` (:func:`oscillating`).
    """
    kind = verdict(problem, trajectory).kind
    if kind == "converged" and oscillating(problem, trajectory):
        return "oscillates"  # this question's own split: ≥ FLIPS reversals along the steep axis
    return FROM_VERDICT[kind]


def lowest_eigenvalue(problem, point: np.ndarray) -> float:
    """The Hessian's smallest eigenvalue at ``point`` (NaN where it is not defined)."""
    if not hasattr(problem, "hessian") or not np.all(np.isfinite(point)):
        return math.nan
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
    return curvature(hessian).smallest


def steep_direction(problem, point: np.ndarray) -> np.ndarray:
    """The top eigenvector of the Hessian at ``point`` (the first axis if it is not finite)."""
    d = len(point)
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
    if not np.all(np.isfinite(hessian)):
        return np.eye(d)[0]
    return np.linalg.eigh((hessian + hessian.T) / 2)[1][:, -1]


def oscillating(problem, trajectory: Trajectory) -> bool:
    """Successive steps reverse along the steep direction at least ``FLIPS`` times (GD does so
    at every step when 1 < αλmax < 2; momentum swings past the minimum and back)."""
    moves = np.diff(np.asarray(trajectory.points, dtype=float), axis=0)
    if len(moves) < FLIPS + 1 or not np.all(np.isfinite(moves)):
        return False
    along = moves @ steep_direction(problem, trajectory.points[-1])
    big = np.abs(along) > SIGNIFICANT * np.max(np.abs(along))
    signs = np.sign(along[big])
    return int(np.sum(signs[1:] != signs[:-1])) >= FLIPS
