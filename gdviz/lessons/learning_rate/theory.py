r"""The Learning-rate lab's core: what one run did (its region) and what theory predicts.

Too small a learning rate crawls, too large overshoots and diverges (the seed note). Here each
run gets one of four *regions*, decided from its path alone (:func:`classify`):

* ``diverging``: the engine stopped it as diverged, or it ran out of steps with f higher than
  where it started;
* ``oscillating``: successive steps reverse along the dominant direction (the top eigenvector
  of the Hessian at the minimum), or f went up at some step;
* ``good``: it converged, every step going the same way;
* ``slow``: it ran out of steps while still creeping monotonically downhill.

On a quadratic with Hessian $H$, plain GD is monotone iff $\alpha < 1/\lambda_{max}$, oscillates
but converges for $1/\lambda_{max} < \alpha < 2/\lambda_{max}$ and diverges above; the tests check
that the classifier draws those boundaries within one grid step of a sweep
(``sweep``). The lab's sections live beside this module in :mod:`gdviz.lessons.learning_rate`:
``runs`` (side by side, schedules, the 1-D parabola), ``sweep`` and ``basins``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.engine import Trajectory, descend
from gdviz.field import Window
from gdviz.lessons.common import matching_preset, objective, start_point, view_window
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.optimizers import OPTIMIZERS
from gdviz.parser import Objective
from gdviz.presets import Preset
from gdviz.theory import Curvature, curvature, stability_limit

REGIONS = ("slow", "good", "oscillating", "diverging")
REGION_NAMES = {
    "slow": "too slow",
    "good": "good",
    "oscillating": "oscillating",
    "diverging": "diverging",
}
GRAD_TOL = 1e-6  # a run has converged once ‖∇f‖ < GRAD_TOL
SIGNIFICANT = 1e-9  # steps shorter than this share of the longest one are rounding noise


def preset_label(name: str) -> str:
    return name or "— my own function —"


def preset_of(setup: LabSetup) -> Preset | None:
    return matching_preset(setup.preset, setup.function)


def known_minima(setup: LabSetup) -> tuple:
    """The preset's minima (none for a function of one's own)."""
    preset = preset_of(setup)
    return preset.minima if preset else ()


def window_of(setup: LabSetup, problem: Objective) -> Window:
    """The preset's view, or a square around the origin that holds the start."""
    return view_window(problem, setup, preset_of(setup))


# --- classifying one run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What one run did, in the lab's four regions, with a few words for a label."""

    region: str
    converged: bool
    steps: int
    label: str


def reversals(points: np.ndarray, values: np.ndarray, direction: np.ndarray | None) -> int:
    """How often the path turned back: sign flips of successive steps along ``direction``
    (or, without one, successive steps at more than 90°), plus the steps where f went up."""
    moves = np.diff(np.asarray(points, dtype=float), axis=0)
    if len(moves) < 2 or not np.all(np.isfinite(moves)):
        return 0
    scale = np.max(np.linalg.norm(moves, axis=-1))
    if scale == 0:
        return 0
    if direction is not None:
        along = moves @ (np.asarray(direction, dtype=float) / np.linalg.norm(direction))
        signs = np.sign(along[np.abs(along) > SIGNIFICANT * scale])
        flips = int(np.sum(signs[1:] != signs[:-1]))
    else:
        norms = np.linalg.norm(moves, axis=-1)
        big = norms > SIGNIFICANT * scale
        turns = np.sum(moves[1:] * moves[:-1], axis=-1) < -1e-9 * norms[1:] * norms[:-1]
        flips = int(np.sum(turns & big[1:] & big[:-1]))
    values = np.asarray(values, dtype=float)
    spread = np.ptp(values) + 1e-14 * np.max(np.abs(values))
    rises = int(np.sum(np.diff(values) > 1e-9 * spread))
    return flips + rises


def classify(trajectory: Trajectory, direction: np.ndarray | None = None) -> Verdict:
    """The region of a single run (see the module docstring) and its label."""
    n, status = int(trajectory.steps), str(trajectory.status)
    converged = status.startswith("converged")
    values = np.asarray(trajectory.values[: n + 1], dtype=float)
    if status == "diverged":
        return Verdict("diverging", False, n, f"diverged at step {n}")
    if not converged and n > 0 and values[-1] > values[0]:
        label = f"diverging: f rose from {values[0]:.3g} to {values[-1]:.3g} in {n} steps"
        return Verdict("diverging", False, n, label)
    oscillates = reversals(trajectory.points[: n + 1], values, direction) >= 2
    if converged:
        label = f"converged in {n} steps"
        return Verdict(
            "oscillating" if oscillates else "good",
            True,
            n,
            f"oscillating, {label}" if oscillates else label,
        )
    if oscillates:
        return Verdict("oscillating", False, n, f"oscillating: not settled after {n} steps")
    return Verdict("slow", False, n, f"too slow: not converged after {n} steps")


# --- theory at the minimum ---------------------------------------------------------------------


@dataclass(frozen=True)
class Theory:
    """Curvature at the minimum the runs head for, and the learning rates it predicts."""

    point: np.ndarray
    curvature: Curvature
    limit: float  # largest stable constant α for this optimizer (inf/NaN when none)
    best: float  # 2/(λmin+λmax), plain GD only (NaN otherwise)
    monotone: float  # 1/λmax: below it plain GD never overshoots (NaN otherwise)
    direction: np.ndarray | None  # top eigenvector of the Hessian: where overshoots show
    where: str
    exact: bool  # f is a quadratic: the predictions are exact
    f_star: float

    def sentence(self) -> str:
        """What theory says here, plainly, with its caveat."""
        info = self.curvature
        if not np.isfinite(info.largest):
            return "The Hessian is not finite here, so theory gives no learning-rate limit."
        text = f"Hessian {self.where}: λmax = {info.largest:.4g}"
        if len(info.eigenvalues) > 1:
            text += f", λmin = {info.smallest:.4g}"
        if not np.isfinite(self.limit):
            return text + ". Adaptive methods rescale each step, so there is no 2/λmax limit."
        text += f" → stable for α < {self.limit:.4g}"
        if np.isfinite(self.best):
            text += f", fastest constant step α* = 2/(λmin+λmax) = {self.best:.4g}"
        caveat = (
            "exact here, since f is a quadratic"
            if self.exact
            else "a local estimate, since f is not a quadratic"
        )
        return f"{text}. These are exact for quadratics — {caveat}."


def is_quadratic(problem) -> bool:
    exprs = getattr(problem, "hessian_exprs", None)
    return exprs is not None and all(not e.free_symbols for row in exprs for e in row)


def find_minimum(problem, start: np.ndarray, known=()) -> tuple[np.ndarray, str]:
    """Where plain GD from ``start`` settles, over 25 step sizes in one batched run.

    The lowest converged end point wins (snapped to a known minimum when it is one); without
    one, the known minimum nearest the start, or the start itself.
    """
    rates = np.logspace(-5, 1, 25)
    runs = descend(
        problem,
        np.tile(start, (len(rates), 1)),
        OPTIMIZERS["gd"].make(rates),
        max_steps=2000,
        grad_tol=GRAD_TOL,
    )
    done = np.flatnonzero(runs.converged)
    known = np.asarray(known, dtype=float).reshape(-1, len(start))
    if len(done):
        end = runs.final_point[done[np.argmin(runs.values[-1, done])]]
        if len(known):
            distance = np.linalg.norm(known - end, axis=-1)
            if distance.min() < 1e-3 * (1 + np.linalg.norm(end)):
                end = known[np.argmin(distance)]
        return end, f"at the minimum {point_text(end)} reached from the start"
    if len(known):
        nearest = known[np.argmin(np.linalg.norm(known - start, axis=-1))]
        return nearest, f"at the known minimum {point_text(nearest)}"
    return np.asarray(start, dtype=float), "at the start (no minimum found from there)"


def lowest(*groups) -> float:
    """The smallest finite value in any of ``groups`` (numbers or arrays; inf when there is
    none): the f* that gaps f − f* are measured from, so that they are never negative."""
    values = np.concatenate([np.ravel(np.asarray(group, dtype=float)) for group in groups])
    return float(np.min(values[np.isfinite(values)], initial=np.inf))


def point_text(point) -> str:
    """'(3, 2)': three significant digits, rounding noise below 1e-6 shown as 0."""
    values = np.where(np.abs(np.atleast_1d(point)) < 1e-6, 0.0, np.atleast_1d(point))
    return "(" + ", ".join(f"{v + 0.0:.3g}" for v in values) + ")"


def theory_for(problem, start, optimizer: str, momentum: float = 0.9, known=()) -> Theory:
    """The stability limit, the best constant step and the overshoot direction at the minimum."""
    point, where = find_minimum(problem, np.asarray(start, dtype=float), known)
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
        f_star = float(problem.value(point))
    info = curvature(hessian)
    direction = None
    if np.all(np.isfinite(hessian)):
        direction = np.linalg.eigh((hessian + hessian.T) / 2)[1][:, -1]
    limit = stability_limit(hessian, optimizer, momentum)
    gd = optimizer == "gd" and info.largest > 0
    best = info.best_learning_rate if gd else float("nan")
    monotone = 1 / info.largest if gd else float("nan")
    return Theory(
        point, info, limit, best, monotone, direction, where, is_quadratic(problem), f_star
    )


def theory(setup: LabSetup) -> Theory:
    problem = objective(setup.function)
    start = start_point(setup, problem.dimension)
    return theory_for(problem, start, setup.optimizer, setup.momentum, known_minima(setup))


def suggested_rates(info: Theory, optimizer: str) -> tuple[float, tuple[float, ...]]:
    """A sensible α and a spread of five that shows every region (from the stability limit)."""
    if np.isfinite(info.limit) and info.limit > 0:
        factors, single = (0.02, 0.3, 0.7, 0.95, 1.05), 0.45 * info.limit
        spread = tuple(float(f"{factor * info.limit:.3g}") for factor in factors)
        return float(f"{single:.3g}"), spread
    base = OPTIMIZERS[optimizer].default_learning_rate
    return base, tuple(float(f"{base * factor:.3g}") for factor in (0.01, 0.1, 1, 10, 100))
