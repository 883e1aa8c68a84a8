r"""How runs step and stop: the loops :func:`gdviz.engine.descend` chooses between, and the stop
rules they check.

* :func:`vector_loop`: many runs at once on ``(runs, d)`` arrays (any problem, batches of rows);
* :func:`scalar_loop`: one run on Python floats (NumPy's overhead dominates on two numbers);
* :func:`affine_loop`: one least-squares run of gd, momentum or Nesterov, composed as a scan of
  affine maps (:mod:`gdviz.linear_scan`).

Each loop writes a :class:`Path` (the working buffers) and calls :func:`check` on whole blocks of
steps: the rules are tested vectorised, and each run's stop is the first step that met one, in
the order diverged, converged_gradient, converged_value, max_steps.

>>> norm(np.array([[3.0, 4.0], [0.0, 1.0]]))
array([5., 1.])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz import chunking, linear_scan


@dataclass(frozen=True)
class StopRules:
    """When a run ends (the rules: :mod:`gdviz.engine`)."""

    max_steps: int = 1000
    grad_tol: float = 1e-6
    value_tol: float = 0.0
    divergence_threshold: float = 1e12  # relative to max(1, |f(θ₀)|)


@dataclass
class Path:
    """The engine's working buffers: every step's points, values and gradient norms."""

    points: np.ndarray  # (max_steps + 1, runs, d)
    values: np.ndarray  # (max_steps + 1, runs), filled block by block by check
    norms: np.ndarray  # (max_steps + 1, runs) full-data ‖∇f‖
    stop: np.ndarray  # (runs,)
    status: np.ndarray  # (runs,) of str
    exact_norms: bool  # full-data steps: the loop fills ``norms`` from the gradients it used

    def part(self, runs: slice) -> Path:
        """The buffers of some runs only, as views: what the part's loop writes lands here."""
        steps_then_runs = (slice(None), runs)
        return Path(
            self.points[steps_then_runs],
            self.values[steps_then_runs],
            self.norms[steps_then_runs],
            self.stop[runs],
            self.status[runs],
            self.exact_norms,
        )


def affine_loop(problem, optimizer, path, rules, rows) -> None:
    """One least-squares run, ``linear_scan.CHUNK`` steps composed per pass; the stop rules run
    on each chunk, and no chunk is computed once a rule has held."""
    state = linear_scan.initial_state(optimizer, path.points[0, 0])
    d, checked = path.points.shape[-1], 0
    with np.errstate(all="ignore"):
        for first in range(0, max(rules.max_steps, 1), linear_scan.CHUNK):
            last = min(first + linear_scan.CHUNK, rules.max_steps)
            if last > first:
                states = linear_scan.advance(problem, optimizer, rows, state, first, last)
                path.points[first + 1 : last + 1, 0] = states[:, :d]
                state = states[-1]
            check(problem, path, checked, last, rules)
            if path.stop[0] >= 0:
                return
            checked = last + 1


def vector_loop(problem, optimizer, path, rules, check_every, rows) -> None:
    """All runs at once on ``(runs, d)`` arrays; stopped runs are held at their last point.

    On the full data the loop records ‖∇f‖ from the gradient it used, and f too when the problem
    computes both in one pass (``value_and_gradient``); otherwise ``check`` evaluates them.
    """
    params = path.points[0].copy()
    state = optimizer.init(params)
    checked, any_stopped = 0, False
    ends = chunking.block_ends(rules.max_steps, check_every, runs=len(params))
    check_at = next(ends)
    fused = rows is None and hasattr(problem, "value_and_gradient")
    with np.errstate(all="ignore"):
        for step in range(rules.max_steps + 1):
            if rows is not None:
                grad = problem.gradient(params, rows[step % len(rows)])
            else:
                if fused:
                    path.values[step], grad = problem.value_and_gradient(params)
                else:
                    grad = problem.gradient(params)
                norm(grad, out=path.norms[step])
            if step == check_at:
                check_at = next(ends, None)
                check(problem, path, checked, step, rules, evaluate=not fused)
                checked, any_stopped = step + 1, bool(np.any(path.stop >= 0))
                if np.all(path.stop >= 0):
                    break
            updates, state = optimizer.update(grad, state)
            params = np.add(params, updates, out=path.points[step + 1])
            if any_stopped:
                stopped = path.stop >= 0
                params[stopped] = path.points[path.stop[stopped], stopped]


def scalar_loop(problem, optimizer, path, rules, check_every) -> None:
    """The same update rule on Python floats, one coordinate at a time (a single run).

    On arrays of two numbers NumPy spends ~0.5 µs per operation on overhead; every optimizer
    works coordinate by coordinate, so a single run steps through ``update`` with floats and the
    problem's ``scalar_gradient`` instead. The stop rules run on the recorded block as usual.
    """
    gradient, update = problem.scalar_gradient, optimizer.update
    params = [float(value) for value in path.points[0, 0]]
    states = [optimizer.init(value) for value in params]
    undefined = (math.nan,) * len(params)
    first, points, grads = 0, [], []
    ends = chunking.block_ends(rules.max_steps, check_every)
    check_at = next(ends)
    for step in range(rules.max_steps + 1):
        try:
            grad = gradient(*params)
        except (ArithmeticError, ValueError):  # math's domain and range errors
            grad = undefined
        points.append(params[:])
        grads.append(grad)
        if step == check_at:
            check_at = next(ends, None)
            path.points[first : step + 1, 0] = _real(points)
            with np.errstate(all="ignore"):
                path.norms[first : step + 1, 0] = norm(np.array(_real(grads)))
                check(problem, path, first, step, rules)
            if path.stop[0] >= 0:
                return
            first, points, grads = step + 1, [], []
        for i, (component, state) in enumerate(zip(grad, states, strict=True)):
            try:
                change, states[i] = update(component, state)
            except (ArithmeticError, ValueError):
                change = math.nan
            params[i] += change


def _real(rows: list) -> list:
    """Rows of floats as they are; complex numbers (a negative base to a fractional power on
    Python floats) become NaN, as NumPy gives on arrays."""
    if all(type(value) is float for row in rows for value in row):
        return rows
    return [[value if isinstance(value, float) else math.nan for value in row] for row in rows]


def check(problem, path: Path, first: int, last: int, rules: StopRules, evaluate=True) -> None:
    """Evaluate steps ``first..last`` (unless the loop did) and apply the stop rules to the runs
    still going."""
    block = path.points[first : last + 1]
    if evaluate:
        path.values[first : last + 1] = problem.value(block)
    values = path.values[first : last + 1]
    start_values = path.values[0]  # f(θ₀) of each run: evaluated in the first block
    allowed = rules.divergence_threshold * np.maximum(1.0, np.abs(start_values))
    if not path.exact_norms:  # batch gradients (or none) were used: compute the full ones
        path.norms[first : last + 1] = norm(problem.gradient(block))
    norms = path.norms[first : last + 1]
    rule_hits = {
        "diverged": ~(np.abs(values - start_values) <= allowed)  # NaN fails <=
        | ~_per_point(np.logical_and, np.isfinite(block)),
    }
    if rules.grad_tol > 0:
        rule_hits["converged_gradient"] = norms < rules.grad_tol
    if rules.value_tol > 0:
        previous = path.values[first - 1 : first] if first > 0 else np.full_like(values[:1], np.nan)
        change = np.abs(np.diff(values, axis=0, prepend=previous))
        rule_hits["converged_value"] = change < rules.value_tol
    if last == rules.max_steps:
        rule_hits["max_steps"] = np.zeros(values.shape, dtype=bool)
        rule_hits["max_steps"][-1] = True
    running, stop, status = path.stop < 0, path.stop, path.status
    for name, hits in rule_hits.items():  # in order of precedence
        hit = hits & running
        found = hit.any(axis=0)
        first_hit = np.where(found, hit.argmax(axis=0) + first, -1)
        earlier = found & ((stop < 0) | (first_hit < stop))
        stop[earlier] = first_hit[earlier]
        status[earlier] = name


def norm(vectors: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """‖v‖ over the last axis."""
    return np.sqrt(_per_point(np.add, vectors * vectors), out=out)


def _per_point(ufunc, array: np.ndarray) -> np.ndarray:
    """Reduce the last (coordinate) axis with a loop over its few columns: several times faster
    than ``ufunc.reduce(axis=-1)`` on millions of 2-vectors."""
    out = array[..., 0]
    for column in range(1, array.shape[-1]):
        out = ufunc(out, array[..., column])
    return out
