"""The six gradient-descent variants, as pure ``init`` / ``update`` function pairs (optax style).

``init(params) -> state`` and ``update(grads, state) -> (updates, state)``; the engine applies
``params + updates``. All memory (step count, velocity, moment estimates) lives in ``state``.
Arrays carry a leading batch axis: ``params`` of shape ``(runs, d)`` run many descents at once.
Every rule acts coordinate by coordinate, so the same functions also run on plain Python floats,
one coordinate at a time: the engine's fast path for a single run.

Conventions are PyTorch's ``torch.optim`` defaults (float64), see each docstring. Other texts
(Sutskever et al., Ruder) write momentum as ``v <- mu v + lr g``; with a constant learning rate
the two are the same method with the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gdviz.schedules import LearningRate, Schedule, as_schedule


class Optimizer(NamedTuple):
    """A descent variant: its name, hyperparameters, state initialiser, update and schedule."""

    name: str
    hyperparameters: dict[str, float]
    init: Callable[[np.ndarray], tuple]
    update: Callable[[np.ndarray, tuple], tuple[np.ndarray, tuple]]
    learning_rate: Schedule


class Count(NamedTuple):
    count: int  # 0-based step k


class Velocity(NamedTuple):
    count: int
    velocity: np.ndarray


class Accumulator(NamedTuple):
    """AdaGrad's memory: every squared gradient so far, added up."""

    count: int
    sum_of_squares: np.ndarray


class MovingSquares(NamedTuple):
    """RMSProp's memory: a moving mean of squared gradients (it forgets, unlike AdaGrad's sum)."""

    count: int
    mean_of_squares: np.ndarray


class Moments(NamedTuple):
    count: int
    mean: np.ndarray
    mean_of_squares: np.ndarray


def _zeros(params):
    """Zeros shaped like ``params``: an array for arrays, 0.0 for a float (the scalar path)."""
    return params * 0.0


def _sqrt(values):
    """Square root of an array, or of a float without leaving Python floats."""
    return values**0.5


def _rate(schedule: Schedule, step: int) -> float | np.ndarray:
    """The learning rate at ``step``, shaped to broadcast against ``(runs, d)`` arrays."""
    rate = schedule(step)
    return rate[:, None] if isinstance(rate, np.ndarray) and rate.ndim == 1 else rate


def gd(learning_rate: LearningRate = 0.1) -> Optimizer:
    r"""Plain gradient descent: $\theta \leftarrow \theta - \alpha\,\nabla J(\theta)$."""
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        return -_rate(schedule, state.count) * grads, Count(state.count + 1)

    return Optimizer("gd", {}, lambda params: Count(0), update, schedule)


def momentum(learning_rate: LearningRate = 0.01, momentum: float = 0.9) -> Optimizer:
    r"""Heavy-ball momentum, PyTorch convention (dampening 0, $v_0 = 0$ so $v_1 = g$).

    $v \leftarrow \mu v + g$, $\quad \theta \leftarrow \theta - \alpha v$.
    """
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        velocity = momentum * state.velocity + grads
        return -_rate(schedule, state.count) * velocity, Velocity(state.count + 1, velocity)

    init = lambda params: Velocity(0, _zeros(params))  # noqa: E731
    return Optimizer("momentum", {"momentum": momentum}, init, update, schedule)


def nesterov(learning_rate: LearningRate = 0.01, momentum: float = 0.9) -> Optimizer:
    r"""Nesterov momentum in PyTorch's reformulated form (gradient at the current point).

    $v \leftarrow \mu v + g$, $\quad \theta \leftarrow \theta - \alpha\,(g + \mu v)$.
    """
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        velocity = momentum * state.velocity + grads
        step = grads + momentum * velocity
        return -_rate(schedule, state.count) * step, Velocity(state.count + 1, velocity)

    init = lambda params: Velocity(0, _zeros(params))  # noqa: E731
    return Optimizer("nesterov", {"momentum": momentum}, init, update, schedule)


def adagrad(learning_rate: LearningRate = 0.01, eps: float = 1e-10) -> Optimizer:
    r"""AdaGrad (Duchi et al. 2011), PyTorch defaults (initial accumulator 0, no lr decay).

    $s \leftarrow s + g^2$, $\quad \theta \leftarrow \theta - \alpha\,g / (\sqrt{s} + \epsilon)$.
    """
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        total = state.sum_of_squares + grads * grads
        step = grads / (_sqrt(total) + eps)
        return -_rate(schedule, state.count) * step, Accumulator(state.count + 1, total)

    init = lambda params: Accumulator(0, _zeros(params))  # noqa: E731
    return Optimizer("adagrad", {"eps": eps}, init, update, schedule)


def rmsprop(
    learning_rate: LearningRate = 0.01, alpha: float = 0.99, eps: float = 1e-8
) -> Optimizer:
    r"""RMSProp (Hinton 2012), PyTorch convention (not centred, $s_0 = 0$).

    $s \leftarrow \alpha s + (1-\alpha) g^2$, $\quad \theta \leftarrow \theta - \alpha_{lr}\,g /
    (\sqrt{s} + \epsilon)$.
    """
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        average = alpha * state.mean_of_squares + (1 - alpha) * grads * grads
        step = grads / (_sqrt(average) + eps)
        return -_rate(schedule, state.count) * step, MovingSquares(state.count + 1, average)

    init = lambda params: MovingSquares(0, _zeros(params))  # noqa: E731
    return Optimizer("rmsprop", {"alpha": alpha, "eps": eps}, init, update, schedule)


def adam(
    learning_rate: LearningRate = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
) -> Optimizer:
    r"""Adam (Kingma & Ba 2015), PyTorch convention ($\epsilon$ added after the square root).

    $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
    $\hat m = m / (1-\beta_1^t)$, $\hat v = v / (1-\beta_2^t)$,
    $\theta \leftarrow \theta - \alpha\,\hat m / (\sqrt{\hat v} + \epsilon)$, with $t = k + 1$,
    computed in PyTorch's order: $\sqrt{v} / \sqrt{1-\beta_2^t} + \epsilon$, then
    $-\frac{\alpha}{1-\beta_1^t} \cdot m / (\ldots)$ (the scalars first: fewer array operations).
    """
    schedule = as_schedule(learning_rate)

    def update(grads, state):
        t = state.count + 1
        mean = beta1 * state.mean + (1 - beta1) * grads
        mean_of_squares = beta2 * state.mean_of_squares + (1 - beta2) * grads * grads
        denominator = _sqrt(mean_of_squares) / (1 - beta2**t) ** 0.5 + eps
        step_size = -_rate(schedule, state.count) / (1 - beta1**t)
        return step_size * (mean / denominator), Moments(t, mean, mean_of_squares)

    init = lambda params: Moments(0, _zeros(params), _zeros(params))  # noqa: E731
    hyperparameters = {"beta1": beta1, "beta2": beta2, "eps": eps}
    return Optimizer("adam", hyperparameters, init, update, schedule)


@dataclass(frozen=True)
class Hyperparameter:
    """One tunable knob, with what a slider needs and a one-line explanation."""

    name: str
    label: str
    default: float
    minimum: float
    maximum: float
    help: str


_MOMENTUM = Hyperparameter(
    "momentum", "momentum μ", 0.9, 0.0, 0.999, "How much of the previous velocity is kept."
)
_EPS = Hyperparameter("eps", "ε", 1e-8, 1e-12, 1e-2, "Added to the root to avoid dividing by zero.")


@dataclass(frozen=True)
class OptimizerSpec:
    """Registry entry: feeds the UI (labels, LaTeX, sliders) and the test tables."""

    name: str
    display_name: str
    factory: Callable[..., Optimizer]
    update_latex: str
    hyperparameters: tuple[Hyperparameter, ...]
    default_learning_rate: float
    summary: str

    def make(self, learning_rate: LearningRate, **hyperparameters: float) -> Optimizer:
        """Build the optimizer, passing only the hyperparameters it knows."""
        known = {h.name for h in self.hyperparameters}
        chosen = {key: value for key, value in hyperparameters.items() if key in known}
        return self.factory(learning_rate, **chosen)


OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec(
            "gd",
            "Gradient descent",
            gd,
            r"\theta_{k+1} = \theta_k - \alpha\,\nabla J(\theta_k)",
            (),
            0.1,
            "Step straight downhill, a step proportional to the slope.",
        ),
        OptimizerSpec(
            "momentum",
            "Momentum",
            momentum,
            r"\begin{aligned} v_{k+1} &= \mu v_k + \nabla J(\theta_k) \\ "
            r"\theta_{k+1} &= \theta_k - \alpha v_{k+1} \end{aligned}",
            (_MOMENTUM,),
            0.01,
            "A heavy ball: velocity builds up along consistent directions, damping zig-zags.",
        ),
        OptimizerSpec(
            "nesterov",
            "Nesterov momentum",
            nesterov,
            r"\begin{aligned} v_{k+1} &= \mu v_k + g_k \\ "
            r"\theta_{k+1} &= \theta_k - \alpha\,(g_k + \mu v_{k+1}) \end{aligned}",
            (_MOMENTUM,),
            0.01,
            "Momentum that looks ahead: it brakes earlier when the slope turns.",
        ),
        OptimizerSpec(
            "adagrad",
            "AdaGrad",
            adagrad,
            r"\begin{aligned} s_{k+1} &= s_k + g_k^2 \\ "
            r"\theta_{k+1} &= \theta_k - \frac{\alpha\,g_k}{\sqrt{s_{k+1}} + \epsilon}"
            r" \end{aligned}",
            (Hyperparameter("eps", "ε", 1e-10, 1e-12, 1e-2, _EPS.help),),
            0.5,
            "Each coordinate gets its own step, shrinking with all past squared gradients.",
        ),
        OptimizerSpec(
            "rmsprop",
            "RMSProp",
            rmsprop,
            r"\begin{aligned} s_{k+1} &= \rho s_k + (1-\rho) g_k^2 \\ "
            r"\theta_{k+1} &= \theta_k - \frac{\alpha\,g_k}{\sqrt{s_{k+1}} + \epsilon}"
            r" \end{aligned}",
            (
                Hyperparameter(
                    "alpha", "decay ρ (alpha)", 0.99, 0.5, 0.9999, "Memory of past squared slopes."
                ),
                _EPS,
            ),
            0.01,
            "Like AdaGrad but forgets old gradients, so steps do not vanish.",
        ),
        OptimizerSpec(
            "adam",
            "Adam",
            adam,
            r"\begin{aligned} m_{k+1} &= \beta_1 m_k + (1-\beta_1) g_k \\ "
            r"v_{k+1} &= \beta_2 v_k + (1-\beta_2) g_k^2 \\ "
            r"\theta_{k+1} &= \theta_k - "
            r"\frac{\alpha\,\hat m_{k+1}}{\sqrt{\hat v_{k+1}} + \epsilon} \end{aligned}",
            (
                Hyperparameter("beta1", "β₁", 0.9, 0.0, 0.999, "Memory of the mean gradient."),
                Hyperparameter(
                    "beta2", "β₂", 0.999, 0.5, 0.99999, "Memory of the squared gradient."
                ),
                _EPS,
            ),
            0.05,
            "Momentum plus per-coordinate scaling, with bias correction for the first steps.",
        ),
    )
}
