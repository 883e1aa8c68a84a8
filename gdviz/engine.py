r"""The descent engine: one NumPy loop for every variant, one start or 100,000 at once.

Each step computes the gradient at $\theta_k$ (on the full data, or on a random batch of rows),
asks the optimizer for the update and applies it: $\theta_{k+1} = \theta_k + \Delta_k$; for plain
gradient descent $\Delta_k = -\alpha_k \nabla J(\theta_k)$. A run stops at the first step $k$ where

* ``diverged``: $f(\theta_k)$ or $\theta_k$ is not finite, or $|f(\theta_k)| >$ the threshold;
* ``converged_gradient``: $\lVert\nabla f(\theta_k)\rVert <$ ``grad_tol``;
* ``converged_value``: $|f(\theta_k) - f(\theta_{k-1})| <$ ``value_tol``;
* ``max_steps``: $k =$ ``max_steps``.

A tolerance of 0 switches its rule off. The rules are checked every ``check_every`` steps on the
whole block at once (vectorised), then the run is cut back to the first step that met one: the
result is exactly that of checking after every step, at a fraction of the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gdviz.optimizers import Optimizer
from gdviz.problems import batch_rows
from gdviz.theory import stability_limit

STATUSES = ("converged_gradient", "converged_value", "max_steps", "diverged")


@dataclass(frozen=True)
class StopRules:
    """When a run ends (see the module docstring)."""

    max_steps: int = 1000
    grad_tol: float = 1e-6
    value_tol: float = 0.0
    divergence_threshold: float = 1e12


@dataclass(frozen=True)
class Trajectory:
    """The result of :func:`descend`.

    Single run: ``points (n+1, d)``, ``values``/``grad_norms (n+1,)``, ``learning_rates (n,)``
    (the rate used at each step), ``status`` and ``steps`` scalars, ``message`` for a student.
    Batched (``start`` of shape ``(k, d)``): an extra run axis after the step axis, ``status``
    and ``steps`` of shape ``(k,)``, ``message`` a summary; a run that stopped early repeats its
    last point. ``run(i)`` gives run ``i`` on its own, with its own message.
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    learning_rates: np.ndarray
    status: str | np.ndarray
    steps: int | np.ndarray
    message: str
    rules: StopRules = field(default_factory=StopRules, repr=False)
    hint: tuple = field(default=(), repr=False, compare=False)  # for run(i)'s divergence message

    @property
    def batched(self) -> bool:
        return self.points.ndim == 3

    @property
    def final_point(self) -> np.ndarray:
        return self.points[-1]

    @property
    def converged(self) -> bool | np.ndarray:
        return np.char.startswith(np.asarray(self.status, dtype=str), "converged")

    def run(self, i: int) -> Trajectory:
        """Run ``i`` of a batched trajectory, cut at its own stop step."""
        if not self.batched:
            raise ValueError("run(i) is for batched trajectories")
        n = int(self.steps[i])
        status = str(self.status[i])
        single = Trajectory(
            self.points[: n + 1, i],
            self.values[: n + 1, i],
            self.grad_norms[: n + 1, i],
            self.learning_rates[:n, i],
            status,
            n,
            "",
            self.rules,
            self.hint,
        )
        return replace(single, message=describe(single, *self.hint))


def describe(trajectory: Trajectory, problem=None, optimizer: Optimizer | None = None) -> str:
    """The one place where stop messages are written, e.g. 'Converged: ‖∇f‖ < 1e-06 after 143
    steps' or 'Diverged at step 12: f exceeded 1e+12. … try α < 0.094'."""
    rules, n, status = trajectory.rules, int(trajectory.steps), str(trajectory.status)
    step_word = "step" if n == 1 else "steps"
    if status == "converged_gradient":
        return f"Converged: ‖∇f‖ < {rules.grad_tol:g} after {n} {step_word}."
    if status == "converged_value":
        return f"Converged: |Δf| < {rules.value_tol:g} after {n} {step_word}."
    if status == "max_steps":
        grad_norm = trajectory.grad_norms[-1]
        return (
            f"Stopped at the step limit ({n} steps) before converging: ‖∇f‖ = {grad_norm:.3g}. "
            "Allow more steps, or try a larger learning rate."
        )
    value, point = trajectory.values[-1], trajectory.points[-1]
    if np.all(np.isfinite(point)) and np.isnan(value):
        cause = "f is undefined there (NaN): the path left the function's domain"
    elif np.isfinite(value):
        cause = f"f exceeded {rules.divergence_threshold:g}"
    else:
        cause = "f overflowed to infinity"
    return f"Diverged at step {n}: {cause}. {_advice(trajectory, problem, optimizer)}"


def _advice(trajectory: Trajectory, problem, optimizer: Optimizer | None) -> str:
    """Suggest a smaller learning rate, with the local stability limit where theory gives one."""
    rate = float(np.ravel(trajectory.learning_rates)[0]) if trajectory.steps else float("nan")
    limit = float("nan")
    if optimizer is not None and hasattr(problem, "hessian"):
        momentum = optimizer.hyperparameters.get("momentum", 0.0)
        limit = stability_limit(problem.hessian(trajectory.points[0]), optimizer.name, momentum)
    if np.isfinite(limit) and limit < rate:
        return f"The learning rate is too large for this function — try α < {limit:.3g}."
    return f"The steps are too large here — try a smaller learning rate (e.g. α = {rate / 10:.3g})."


def descend(
    problem,
    start: np.ndarray,
    optimizer: Optimizer,
    *,
    max_steps: int = 1000,
    grad_tol: float = 1e-6,
    value_tol: float = 0.0,
    divergence_threshold: float = 1e12,
    batch_size: int | None = None,
    seed: int = 0,
    check_every: int = 64,
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` from ``start`` (``(d,)``, or ``(k, d)`` for k runs).

    ``batch_size`` (data problems only): ``None`` = batch GD on all rows, ``1`` = SGD, ``b`` =
    mini-batch, drawn by :func:`gdviz.problems.batch_rows` from ``seed`` (all runs of a batched
    call see the same batches). ``values`` and ``grad_norms`` are always full-data.
    """
    rules = StopRules(int(max_steps), float(grad_tol), float(value_tol), divergence_threshold)
    start = np.asarray(start, dtype=float)
    params = np.atleast_2d(start).copy()
    runs, _ = params.shape
    rows = _batches(problem, batch_size, rules.max_steps, seed)
    points = np.empty((rules.max_steps + 1, *params.shape))
    grads = np.empty_like(points)
    points[0] = params
    stop = np.full(runs, -1)  # step at which each run stopped, -1 while running
    status = np.full(runs, "max_steps", dtype=object)
    state = optimizer.init(params)
    checked, any_stopped = 0, False
    with np.errstate(all="ignore"):
        for step in range(rules.max_steps + 1):
            grads[step] = (
                problem.gradient(params)
                if rows is None
                else problem.gradient(params, rows[step % len(rows)])
            )
            if step - checked + 1 == check_every or step == rules.max_steps:
                _check(problem, points, grads, checked, step, rules, stop, status, rows is None)
                checked, any_stopped = step + 1, bool(np.any(stop >= 0))
                if np.all(stop >= 0):
                    break
            updates, state = optimizer.update(grads[step], state)
            params = params + updates
            if any_stopped:
                stopped = stop >= 0
                params[stopped] = points[stop[stopped], stopped]
            points[step + 1] = params
    return _result(problem, optimizer, points, stop, status, rules, single=start.ndim == 1)


def _batches(problem, batch_size: int | None, max_steps: int, seed: int) -> np.ndarray | None:
    if batch_size is None:
        return None
    if not hasattr(problem, "n_samples"):
        raise ValueError("batch_size needs a data problem such as LeastSquares")
    if not 1 <= batch_size <= problem.n_samples:
        raise ValueError(f"batch_size must be between 1 and {problem.n_samples}")
    return batch_rows(problem.n_samples, int(batch_size), max(max_steps, 1), seed)


def _check(problem, points, grads, first, last, rules, stop, status, exact_grads) -> None:
    """Apply the stop rules to steps ``first..last`` of the runs still going (in place)."""
    block = points[first : last + 1]
    running = stop < 0
    values = problem.value(block)
    if exact_grads:
        norms = np.sqrt(np.sum(grads[first : last + 1] ** 2, axis=-1))
    else:
        norms = np.sqrt(np.sum(problem.gradient(block) ** 2, axis=-1))
    previous = problem.value(points[first - 1]) if first > 0 else np.full(values.shape[1], np.nan)
    change = np.abs(np.diff(values, axis=0, prepend=previous[None]))
    finite = np.isfinite(values) & np.all(np.isfinite(block), axis=-1)
    rule_hits = {
        "diverged": ~finite | (np.abs(values) > rules.divergence_threshold),
        "converged_gradient": norms < rules.grad_tol,
        "converged_value": change < rules.value_tol,
    }
    steps = np.arange(first, last + 1)[:, None]
    rule_hits["max_steps"] = np.broadcast_to(steps == rules.max_steps, values.shape)
    for name in ("diverged", "converged_gradient", "converged_value", "max_steps"):
        hit = rule_hits[name] & running
        first_hit = np.where(hit.any(axis=0), hit.argmax(axis=0) + first, -1)
        earlier = (first_hit >= 0) & ((stop < 0) | (first_hit < stop))
        stop[earlier] = first_hit[earlier]
        status[earlier] = name


def _result(problem, optimizer, points, stop, status, rules, single) -> Trajectory:
    """Trim to the last step any run took, freeze finished runs and compute values and norms."""
    n = int(stop.max())
    points = points[: n + 1]
    steps = np.arange(n + 1)[:, None]
    points = np.where((steps > stop)[..., None], points[stop, np.arange(len(stop))], points)
    with np.errstate(all="ignore"):
        values = problem.value(points)
        grad_norms = np.sqrt(np.sum(problem.gradient(points) ** 2, axis=-1))
        rates = optimizer.learning_rate(np.arange(n)[:, None])
    rates = np.broadcast_to(rates, (n, len(stop))).astype(float)
    trajectory = Trajectory(
        points,
        values,
        grad_norms,
        rates,
        status.astype(str),
        stop.copy(),
        "",
        rules,
        (problem, optimizer),
    )
    if single:
        return trajectory.run(0)
    counts = {name: int(np.sum(trajectory.status == name)) for name in STATUSES}
    summary = ", ".join(
        f"{count} {name.replace('_', ' ')}" for name, count in counts.items() if count
    )
    return replace(trajectory, message=f"{len(stop)} runs: {summary}.")
