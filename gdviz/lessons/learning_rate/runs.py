"""Runs the Learning-rate lab shows one by one: side by side, five schedules, the 1-D parabola.

Every group of runs is ONE batched engine call (the rates, or the schedules, along the batch
axis); each run is then classified by :func:`gdviz.lessons.learning_rate.theory.classify`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdviz.engine import Trajectory, descend
from gdviz.family import Family, rate_family
from gdviz.lessons.common import make_optimizer, objective, start_point
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.lessons.learning_rate.theory import GRAD_TOL, Theory, Verdict, classify
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES, make_schedule
from gdviz.theory import regime_1d


@dataclass(frozen=True)
class LabRun:
    """One run as the page shows it: its name ('α = 0.1', 'Cosine'), path and verdict."""

    name: str
    learning_rate: float
    trajectory: Trajectory
    verdict: Verdict

    @property
    def label(self) -> str:
        return f"{self.name} — {self.verdict.label}"


def run_batch(
    setup: LabSetup, learning_rate, runs: int, max_steps: int | None = None
) -> Trajectory:
    """``runs`` runs from the setup's start in ONE batched engine call; ``learning_rate`` gives
    one rate per run (an array, or a schedule returning such an array)."""
    problem = objective(setup.function)
    starts = np.tile(start_point(setup, problem.dimension), (runs, 1))
    optimizer = make_optimizer(setup, learning_rate)
    max_steps = max_steps or setup.max_steps
    return descend(problem, starts, optimizer, max_steps=max_steps, grad_tol=GRAD_TOL)


def run_rates(setup: LabSetup, rates, max_steps: int | None = None) -> Trajectory:
    """All ``rates`` from the same start in ONE batched engine call."""
    rates = np.asarray(rates, dtype=float)
    return run_batch(setup, rates, len(rates), max_steps)


def classified(batch: Trajectory, names, rates, info: Theory) -> list[LabRun]:
    """Run i of ``batch`` named ``names[i]`` (base rate ``rates[i]``), with its verdict."""
    runs = []
    for i, (name, rate) in enumerate(zip(names, rates, strict=True)):
        trajectory = batch.run(i)
        runs.append(LabRun(name, rate, trajectory, classify(trajectory, info.direction)))
    return runs


def side_by_side(setup: LabSetup, info: Theory) -> list[LabRun]:
    """Each of the setup's rates from the same start: what it did, next to the others."""
    names = [f"α = {rate:g}" for rate in setup.rates]
    return classified(run_rates(setup, setup.rates), names, setup.rates, info)


def instant_family(setup: LabSetup, info: Theory) -> Family:
    """Every slider stop of the Instant-α view from the setup's start, in one batched call;
    λmax from the Hessian where the lab's theory found the minimum."""
    problem = objective(setup.function)
    return rate_family(
        problem,
        start_point(setup, problem.dimension),
        setup.optimizer,
        setup.hyperparameters,
        learning_rate=setup.learning_rate,
        hessian_at=info.point,
        max_steps=setup.max_steps,
        grad_tol=GRAD_TOL,
    )


# --- schedules ---------------------------------------------------------------------------------


def schedule_parameters(setup: LabSetup) -> dict[str, dict[str, float]]:
    return {
        "constant": {},
        "step_decay": {"step_size": setup.step_size, "gamma": setup.step_gamma},
        "exponential": {"gamma": setup.exp_gamma},
        "inverse_time": {"decay": setup.decay},
        "cosine": {"total_steps": setup.cosine_steps, "min_learning_rate": 0.0},
    }


def schedule_runs(setup: LabSetup, info: Theory) -> list[LabRun]:
    """The five schedules from the same start and base α, in ONE batched call.

    The learning-rate function returns one rate per run: run i follows schedule i.
    """
    parameters = schedule_parameters(setup)
    chosen = [make_schedule(name, setup.learning_rate, **parameters[name]) for name in SCHEDULES]

    def combined(step):
        return np.stack([np.asarray(s(step), dtype=float) for s in chosen], axis=-1)

    batch = run_batch(setup, _squeeze(combined), len(chosen))
    names = [spec.display_name for spec in SCHEDULES.values()]
    return classified(batch, names, [setup.learning_rate] * len(chosen), info)


def _squeeze(schedule: Callable) -> Callable:
    """Steps of shape ``(n, 1)`` (the engine's table of rates) give ``(n, runs)``."""

    def rates(step):
        out = schedule(step)
        return out[..., 0, :] if np.ndim(step) == 2 else out

    return rates


# --- the 1-D parabola --------------------------------------------------------------------------


class Parabola:
    """f(x) = (c/2)·x², so f″ = c and GD maps x ↦ (1 − αc)·x."""

    def __init__(self, second_derivative: float):
        self.c = float(second_derivative)

    def value(self, points):
        return 0.5 * self.c * np.sum(np.asarray(points, dtype=float) ** 2, axis=-1)

    def gradient(self, points):
        return self.c * np.asarray(points, dtype=float)

    def hessian(self, point=None):
        return np.array([[self.c]])


REGIME_TEXT = {
    "stuck": "α = 0: no step is taken at all.",
    "creeping": "0 < αf″ < 1: every step keeps the same side and shrinks the distance by "
    "the factor 1 − αf″ = {factor:.3g} — a monotone creep towards the minimum.",
    "optimal": "αf″ = 1: the factor 1 − αf″ is 0 — one step lands exactly on the minimum.",
    "oscillating": "1 < αf″ < 2: each step overshoots to the other side, but the factor "
    "1 − αf″ = {factor:.3g} has size below 1 — it oscillates and still converges.",
    "cycling": "αf″ = 2: the factor is −1 — x bounces between +x₀ and −x₀ forever.",
    "diverging": "αf″ > 2: the factor 1 − αf″ = {factor:.3g} has size above 1 — every "
    "overshoot is bigger than the last: it diverges.",
}


def parabola(
    curvature_value: float, rate: float, start: float, max_steps: int = 30
) -> tuple[Trajectory, str, float, str]:
    """GD on (c/2)x² from ``start``: the run, its regime name (e.g. 'oscillating'), and the
    product α·f″ and the sentence that explain it."""
    run = descend(
        Parabola(curvature_value),
        [float(start)],
        OPTIMIZERS["gd"].make(rate),
        max_steps=max_steps,
        grad_tol=1e-9,
    )
    regime = regime_1d(rate, curvature_value)
    product = rate * curvature_value
    sentence = REGIME_TEXT[regime].format(factor=1 - product)
    return run, regime, product, sentence
