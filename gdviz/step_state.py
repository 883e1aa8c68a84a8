r"""Inside a step: the optimizer's memory before and after every step of a run, replayed.

The engine records the path $\theta_0 \dots \theta_n$, not the optimizer's state. :func:`replay`
runs the run's own optimizer once more (its ``init`` / ``update`` from the registry, the same
hyperparameters and schedule) on the gradients at the recorded points, so every step $k$ comes
with $\theta_k$, $g_k = \nabla J(\theta_k)$, $\alpha_k$, the state before and after it (the
optimizer's own named fields: ``velocity``, ``sum_of_squares``, ``mean``, …) and the update
$\Delta_k$. Because the replay starts each step from the engine's own $\theta_k$,
$\theta_k + \Delta_k$ is the engine's $\theta_{k+1}$ (to rounding: a single run steps on Python
floats there, on arrays here).

>>> from gdviz import descend, optimizers, parse_objective
>>> f = parse_objective("x^2 + 10y^2")
>>> adam = optimizers.adam(0.05)
>>> run = descend(f, [-2.6, 1.2], adam, max_steps=50)
>>> steps = replay(f.gradient, run, adam)
>>> first = steps.step(0)
>>> first.gradient.tolist(), first.after.mean.round(2).tolist()
([-5.2, 24.0], [-0.52, 2.4])
>>> first.update.round(4).tolist()  # Adam's first step is α·sign(g) in every coordinate
[0.05, -0.05]
>>> bool(np.allclose(steps.points[1:], steps.points[:-1] + steps.updates))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gdviz.engine import Trajectory
from gdviz.optimizers import Optimizer


class Step(NamedTuple):
    """One step of a run, from the inside: where it was, what it saw, what it did."""

    k: int
    point: np.ndarray  # θ_k
    gradient: np.ndarray  # g_k = ∇J(θ_k)
    learning_rate: float  # α_k, the schedule's rate at step k
    before: tuple  # the optimizer's state before the step (its own NamedTuple)
    after: tuple  # … and after it
    update: np.ndarray  # Δ_k: θ_{k+1} = θ_k + Δ_k

    @property
    def next_point(self) -> np.ndarray:
        return self.point + self.update


@dataclass(frozen=True)
class Replay:
    """Every step of one run with the optimizer's state: ``memory[name][j]`` is state field
    ``name`` after ``j`` steps (``j = 0``: as ``init`` made it), shape ``(n + 1, d)``."""

    optimizer: str
    hyperparameters: dict
    points: np.ndarray  # (n + 1, d): the engine's θ_0 … θ_n
    gradients: np.ndarray  # (n + 1, d): ∇J at each of them
    learning_rates: np.ndarray  # (n,)
    updates: np.ndarray  # (n, d): Δ_k
    state_type: type
    memory: dict

    @property
    def steps(self) -> int:
        return len(self.updates)

    def state(self, j: int) -> tuple:
        """The optimizer's state after ``j`` steps, as the optimizer's own NamedTuple."""
        fields = (self.memory[name][j] for name in self.state_type._fields[1:])
        return self.state_type(j, *fields)  # every state counts the steps taken so far

    def step(self, k: int) -> Step:
        """Step ``k`` (0 ≤ k < n) with the state before and after it."""
        if not 0 <= k < self.steps:
            raise IndexError(f"step {k} is outside 0 … {self.steps - 1}")
        return Step(
            k,
            self.points[k],
            self.gradients[k],
            float(self.learning_rates[k]),
            self.state(k),
            self.state(k + 1),
            self.updates[k],
        )


def replay(gradient, trajectory: Trajectory, optimizer: Optimizer) -> Replay:
    """Run ``optimizer`` again along ``trajectory``'s recorded points (a single run).

    ``gradient``: ``(..., d) -> (..., d)``, the objective's (or problem's) full gradient, as the
    engine used for a batch run. The learning rate comes from the optimizer's own schedule.
    """
    points = np.asarray(trajectory.points, dtype=float)
    n, d = int(trajectory.steps), points.shape[-1]
    with np.errstate(all="ignore"):
        grads = np.asarray(gradient(points), dtype=float).reshape(len(points), d)
        rates = np.asarray(optimizer.learning_rate(np.arange(n)), dtype=float) * np.ones(n)
    # Every rule acts coordinate by coordinate, so each coordinate replays on Python floats
    # (as the engine's single run does): ~1 µs an update instead of ~10 on tiny arrays.
    states = [optimizer.init(float(value)) for value in points[0]]
    rows, updates = [[tuple(state) for state in states]], []
    for k in range(n):
        row, changes = [], []
        for i, grad in enumerate(grads[k].tolist()):
            try:
                change, states[i] = optimizer.update(grad, states[i])
            except (ArithmeticError, ValueError):  # as the engine: a failed step is NaN
                change = math.nan
            changes.append(change)
            row.append(tuple(states[i]))
        updates.append(changes)
        rows.append(row)
    state_type = type(states[0])
    table = np.array(rows, dtype=float).reshape(n + 1, d, len(state_type._fields))
    memory = {name: table[:, :, f] for f, name in enumerate(state_type._fields) if f > 0}
    return Replay(
        optimizer.name,
        dict(optimizer.hyperparameters),
        points,
        grads,
        rates,
        np.array(updates, dtype=float).reshape(n, d),
        state_type,
        memory,
    )


def bias_corrected(replay: Replay, k) -> tuple[np.ndarray, np.ndarray]:
    r"""Adam's $\hat m = m / (1-\beta_1^t)$ and $\hat v = v / (1-\beta_2^t)$ after step ``k``
    ($t = k + 1$; ``k`` may be an array of steps: one row each)."""
    t = np.add(k, 1)
    beta1, beta2 = replay.hyperparameters["beta1"], replay.hyperparameters["beta2"]
    mean, squares = replay.memory["mean"][t], replay.memory["mean_of_squares"][t]
    return mean / (1 - beta1 ** t[..., None]), squares / (1 - beta2 ** t[..., None])


def direction_and_scale(replay: Replay, k) -> tuple[np.ndarray, np.ndarray]:
    r"""Step ``k``'s update as $\Delta_k = -\alpha_k\,c \odot u$: the direction $u$ the memory
    gives and the per-coordinate scale $c$ (``k`` may be an array of steps: one row each).

    GD: $u = g$, $c = 1$; momentum: $u = v_{k+1}$; Nesterov: $u = g + \mu v_{k+1}$; AdaGrad and
    RMSProp: $u = g$, $c = 1/(\sqrt{s_{k+1}} + \epsilon)$; Adam: $u = \hat m$,
    $c = 1/(\sqrt{\hat v} + \epsilon)$.
    """
    name, gradient, after = replay.optimizer, replay.gradients[k], np.add(k, 1)
    ones = np.ones_like(gradient)
    eps = replay.hyperparameters.get("eps", 0.0)
    with np.errstate(all="ignore"):
        if name in ("momentum", "nesterov"):
            velocity = replay.memory["velocity"][after]
            if name == "nesterov":
                return gradient + replay.hyperparameters["momentum"] * velocity, ones
            return velocity, ones
        if name in ("adagrad", "rmsprop"):
            return gradient, 1 / (np.sqrt(replay.memory[replay.state_type._fields[1]][after]) + eps)
        if name == "adam":
            mean, squares = bias_corrected(replay, k)
            return mean, 1 / (np.sqrt(squares) + eps)
    return gradient, ones
