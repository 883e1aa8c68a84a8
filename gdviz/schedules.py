"""Learning-rate schedules: the learning rate used at 0-based step ``k``.

A schedule is a plain function ``step -> learning rate``. Every schedule works elementwise, so
``schedule(np.arange(n))`` gives the whole curve at once, and a base learning rate may be an
array of shape ``(runs,)`` (one per run of a batched descent). The formulas follow PyTorch's
``torch.optim.lr_scheduler`` (StepLR, ExponentialLR, CosineAnnealingLR).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Schedule = Callable[[int | np.ndarray], float | np.ndarray]
LearningRate = float | np.ndarray | Schedule


def _rate(learning_rate: float | np.ndarray, step: int | np.ndarray) -> np.ndarray:
    """Broadcast a base rate against steps: ``(runs,)`` rates, ``(n, 1)`` steps -> ``(n, runs)``.

    A single step (the engine's hot loop) returns the rate as it is, without allocating.
    """
    if isinstance(step, int | np.integer):
        if isinstance(learning_rate, int | float):
            return float(learning_rate)
        return np.asarray(learning_rate, dtype=float)
    return np.asarray(learning_rate, dtype=float) * np.ones_like(step, dtype=float)


def constant(learning_rate: float | np.ndarray) -> Schedule:
    r"""$\alpha_k = \alpha$."""
    return lambda step: _rate(learning_rate, step)


def step_decay(learning_rate: float | np.ndarray, step_size: int, gamma: float = 0.5) -> Schedule:
    r"""$\alpha_k = \alpha \, \gamma^{\lfloor k / s \rfloor}$ (PyTorch StepLR)."""
    return lambda step: _rate(learning_rate, step) * gamma ** (np.asarray(step) // int(step_size))


def exponential(learning_rate: float | np.ndarray, gamma: float = 0.99) -> Schedule:
    r"""$\alpha_k = \alpha \, \gamma^{k}$ (PyTorch ExponentialLR)."""
    return lambda step: _rate(learning_rate, step) * gamma ** np.asarray(step, dtype=float)


def inverse_time(learning_rate: float | np.ndarray, decay: float = 0.01) -> Schedule:
    r"""$\alpha_k = \alpha / (1 + d\,k)$."""
    return lambda step: _rate(learning_rate, step) / (1.0 + decay * np.asarray(step, dtype=float))


def cosine(
    learning_rate: float | np.ndarray, total_steps: int, min_learning_rate: float = 0.0
) -> Schedule:
    r"""$\alpha_k = \eta_{min} + (\alpha - \eta_{min})\,\frac{1 + \cos(\pi k / T)}{2}$, $k \le T$.

    PyTorch CosineAnnealingLR; after ``T`` steps the rate stays at $\eta_{min}$.
    """

    def schedule(step):
        progress = np.minimum(np.asarray(step, dtype=float), total_steps) / max(total_steps, 1)
        base = _rate(learning_rate, step)
        return min_learning_rate + (base - min_learning_rate) * (1 + np.cos(np.pi * progress)) / 2

    return schedule


def as_schedule(learning_rate: LearningRate) -> Schedule:
    """A number or an array becomes a constant schedule; a schedule is returned as it is."""
    return learning_rate if callable(learning_rate) else constant(learning_rate)


@dataclass(frozen=True)
class ScheduleSpec:
    """What the UI needs to offer a schedule: its name, formula and extra parameters."""

    name: str
    display_name: str
    factory: Callable[..., Schedule]
    latex: str
    parameters: dict[str, float]
    help: str


SCHEDULES: dict[str, ScheduleSpec] = {
    spec.name: spec
    for spec in (
        ScheduleSpec(
            "constant",
            "Constant",
            constant,
            r"\alpha_k = \alpha",
            {},
            "The same step size at every step: the plain update rule.",
        ),
        ScheduleSpec(
            "step_decay",
            "Step decay",
            step_decay,
            r"\alpha_k = \alpha\,\gamma^{\lfloor k/s \rfloor}",
            {"step_size": 100, "gamma": 0.5},
            "Multiply the rate by γ every s steps: big steps first, fine steps later.",
        ),
        ScheduleSpec(
            "exponential",
            "Exponential",
            exponential,
            r"\alpha_k = \alpha\,\gamma^{k}",
            {"gamma": 0.99},
            "Shrink the rate by a factor γ at every step.",
        ),
        ScheduleSpec(
            "inverse_time",
            "Inverse time",
            inverse_time,
            r"\alpha_k = \dfrac{\alpha}{1 + d\,k}",
            {"decay": 0.01},
            "Decay like 1/k: the classic choice that lets SGD's noise die out.",
        ),
        ScheduleSpec(
            "cosine",
            "Cosine",
            cosine,
            r"\alpha_k = \eta_{min} + (\alpha-\eta_{min})\,\tfrac{1+\cos(\pi k/T)}{2}",
            {"total_steps": 1000, "min_learning_rate": 0.0},
            "Follow half a cosine from α down to η_min over T steps.",
        ),
    )
}


def make_schedule(name: str, learning_rate: float | np.ndarray, **parameters: float) -> Schedule:
    """Build a schedule from the registry by name (unknown parameters are ignored)."""
    spec = SCHEDULES[name]
    known = {key: value for key, value in parameters.items() if key in spec.parameters}
    if "step_size" in known:
        known["step_size"] = max(1, int(known["step_size"]))
    if "total_steps" in known:
        known["total_steps"] = max(1, int(known["total_steps"]))
    return spec.factory(learning_rate, **known)
