r"""Whole least-squares descents at once: the path as a parallel prefix scan of affine maps.

On $J(\theta) = \frac{1}{m}\lVert X\theta - y\rVert^2$ the gradient on a batch $B_k$ is affine in
$\theta$: $g_k = H_k\theta - c_k$ with $H_k = \frac{2}{b}X_{B_k}^\top X_{B_k}$ and
$c_k = \frac{2}{b}X_{B_k}^\top y_{B_k}$ (full data: $H = \frac{2}{m}X^\top X$, $c = H\theta^*$).
So one step of gd, momentum or Nesterov (PyTorch conventions, see :mod:`gdviz.optimizers`) is an
affine map of the state $s$ ($\theta$, or $(\theta, v)$ with momentum):

* gd: $\theta' = (I - \alpha_k H_k)\,\theta + \alpha_k c_k$;
* momentum: $v' = H_k\theta + \mu v - c_k$, $\ \theta' = (I - \alpha_k H_k)\,\theta
  - \alpha_k\mu\,v + \alpha_k c_k$;
* Nesterov: $v'$ as above, $\ \theta' = (I - \alpha_k(1+\mu)H_k)\,\theta - \alpha_k\mu^2 v
  + \alpha_k(1+\mu)\,c_k$.

Writing $s_{k+1} = A_k s_k + a_k$, the composition of two steps is again affine,
$(A_2, a_2)\circ(A_1, a_1) = (A_2A_1,\ A_2a_1 + a_2)$, and composition is associative: every
prefix $s_{k+1} = P_k s_0 + q_k$ follows from a recursive pairwise scan in $O(\log n)$ vectorised
NumPy passes and $O(n)$ work, instead of $n$ Python-level steps (2,000,000 SGD steps on 100,000
points take well under a second instead of half a minute). Steps go in chunks, so memory stays
bounded and a run that has stopped is not computed further. Adaptive optimizers (AdaGrad,
RMSProp, Adam) are not affine in the state; :func:`descend_fast` hands them to the engine's loop.
"""

from __future__ import annotations

import numpy as np

from gdviz.engine import StopRules, Trajectory, descend
from gdviz.optimizers import Optimizer
from gdviz.problems import batch_rows

AFFINE_OPTIMIZERS = ("gd", "momentum", "nesterov")
CHUNK = 1 << 16  # steps composed per pass: bounds memory to a few MB per chunk


def covers(problem, optimizer: Optimizer, start: np.ndarray) -> bool:
    """Whether the scan can run this descent: a least-squares problem, one start point, and
    an optimizer whose step is affine in its state."""
    return (
        optimizer.name in AFFINE_OPTIMIZERS
        and all(hasattr(problem, name) for name in ("X", "y", "solution", "hessian"))
        and np.ndim(start) == 1
        and np.shape(start)[0] == problem.dimension
    )


def affine_path(
    problem, start: np.ndarray, optimizer: Optimizer, rows: np.ndarray | None, steps: int
) -> np.ndarray | None:
    r"""All points $\theta_0, …, \theta_n$ of ``steps`` steps, shape ``(steps + 1, d)``.

    ``rows`` are the batches, ``(steps, b)`` row indices as from
    :func:`gdviz.problems.batch_rows`, or ``None`` for full-data (batch) steps. No stop rules:
    a diverging path simply grows (to inf/NaN). ``None`` when :func:`covers` says no.
    """
    start = np.asarray(start, dtype=float)
    if not covers(problem, optimizer, start):
        return None
    chunks = [start[None]]
    state = _initial_state(optimizer, start)
    for first in range(0, steps, CHUNK):
        states = _advance(problem, optimizer, rows, state, first, min(first + CHUNK, steps))
        chunks.append(states[:, : start.shape[0]])
        state = states[-1]
    return np.concatenate(chunks)


def descend_fast(
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
    """:func:`gdviz.engine.descend`, with the same arguments and the same result (to rounding),
    computed by the scan when :func:`covers` allows and by the engine's loop otherwise.

    The stop rules are checked chunk by chunk with :func:`first_stop` (the engine's rules, in
    its order of precedence) and the message is the engine's own (``Trajectory.run``), so
    statuses, stop steps and messages agree with ``descend``; once a rule holds, no further
    chunk is computed.
    """
    start = np.asarray(start, dtype=float)
    if not covers(problem, optimizer, start):
        return descend(
            problem,
            start,
            optimizer,
            max_steps=max_steps,
            grad_tol=grad_tol,
            value_tol=value_tol,
            divergence_threshold=divergence_threshold,
            batch_size=batch_size,
            seed=seed,
            check_every=check_every,
        )
    rules = StopRules(int(max_steps), float(grad_tol), float(value_tol), divergence_threshold)
    rows = batches(problem, batch_size, rules.max_steps, seed)
    d = start.shape[0]
    points = np.empty((rules.max_steps + 1, d))
    values, norms = np.empty(rules.max_steps + 1), np.empty(rules.max_steps + 1)
    points[0] = start
    state, filled, checked, stop = _initial_state(optimizer, start), 0, 0, None
    with np.errstate(all="ignore"):
        while stop is None:
            end = min(filled + CHUNK, rules.max_steps)
            if end > filled:
                states = _advance(problem, optimizer, rows, state, filled, end)
                points[filled + 1 : end + 1] = states[:, :d]
                state, filled = states[-1], end
            block = points[checked : filled + 1]
            values[checked : filled + 1] = problem.value(block)
            grads = problem.gradient(block)
            norms[checked : filled + 1] = np.sqrt(np.einsum("...i,...i->...", grads, grads))
            stop = first_stop(points, values, norms, checked, filled, rules)
            checked = filled + 1
        rates = np.asarray(optimizer.learning_rate(np.arange(stop[0])[:, None]), dtype=float)
    n, status = stop
    batched = Trajectory(
        points[: n + 1, None],
        values[: n + 1, None],
        norms[: n + 1, None],
        np.broadcast_to(rates, (n, 1)).astype(float),
        np.array([status]),
        np.array([n]),
        "",
        rules,
        (problem, optimizer),
    )
    return batched.run(0)  # a single run, with the engine's own message


def first_stop(points, values, norms, first: int, last: int, rules: StopRules):
    """The engine's stop rules on steps ``first … last``: ``(step, status)`` of the earliest
    rule met (ties by precedence: diverged, gradient, value, step limit), or ``None``.

    Same rules as :func:`gdviz.engine.descend` (tests compare the two on every status).
    """
    block = slice(first, last + 1)
    previous = values[first - 1] if first > 0 else np.nan
    hits = {
        "diverged": ~(np.abs(values[block]) <= rules.divergence_threshold)  # NaN fails <=
        | ~np.isfinite(points[block]).all(axis=-1),
        "converged_gradient": norms[block] < rules.grad_tol,
        "converged_value": np.abs(np.diff(values[block], prepend=previous)) < rules.value_tol,
        "max_steps": np.arange(first, last + 1) == rules.max_steps,
    }
    found = [(int(np.argmax(hit)) + first, rank) for rank, hit in enumerate(hits.values())
             if hit.any()]  # fmt: skip
    if not found:
        return None
    step, rank = min(found)
    return step, tuple(hits)[rank]


def batches(problem, batch_size: int | None, max_steps: int, seed: int) -> np.ndarray | None:
    """The engine's batches: ``None`` for full-data steps, else :func:`batch_rows`."""
    if batch_size is None:
        return None
    if not 1 <= batch_size <= problem.n_samples:
        raise ValueError(f"batch_size must be between 1 and {problem.n_samples}")
    return batch_rows(problem.n_samples, int(batch_size), max(max_steps, 1), seed)


def _initial_state(optimizer: Optimizer, start: np.ndarray) -> np.ndarray:
    r"""$\theta_0$, followed by the velocity $v_0 = 0$ for the momentum methods."""
    return start.copy() if optimizer.name == "gd" else np.concatenate([start, 0 * start])


def _advance(problem, optimizer, rows, state, first: int, end: int) -> np.ndarray:
    """States after steps ``first … end − 1``, shape ``(end − first, D)``, from ``state``."""
    maps, offsets = step_maps(problem, optimizer, rows, first, end)
    return run_maps(maps, offsets, state)


def step_maps(problem, optimizer: Optimizer, rows, first: int, end: int):
    """The affine maps $(A_k, a_k)$ of steps ``first … end − 1`` (see the module docstring):
    ``(count, D, D)`` and ``(count, D)``, built entry by entry (each entry one vector over k)."""
    count, d = end - first, problem.dimension
    rates = np.broadcast_to(
        np.asarray(optimizer.learning_rate(np.arange(first, end)), dtype=float), (count,)
    )
    if rows is None:  # full data: H = (2/m) XᵀX and c = H θ*, the same at every step
        hessian = problem.hessian()
        curvatures, targets = hessian[:, :, None], (hessian @ problem.solution)[:, None]
    elif rows.shape[1] == 1:  # SGD: H_k = 2 x_k x_kᵀ, c_k = 2 y_k x_k
        picked = rows[first:end, 0]
        columns, y = problem.X.T[:, picked], problem.y[picked]  # (d, count), (count,)
        curvatures = 2.0 * columns[:, None, :] * columns[None, :, :]
        targets = 2.0 * columns * y
    else:  # mini-batch: H_k = (2/b) X_Bᵀ X_B, c_k = (2/b) X_Bᵀ y_B
        batch = rows[first:end]
        X, y = problem.X[batch], problem.y[batch]  # (count, b, d), (count, b)
        scale = 2.0 / batch.shape[1]
        curvatures = (scale * (X.transpose(0, 2, 1) @ X)).transpose(1, 2, 0)
        targets = scale * np.einsum("kbi,kb->ik", X, y)
    momentum = optimizer.name != "gd"
    size = 2 * d if momentum else d
    maps, offsets = np.zeros((size, size, count)), np.empty((size, count))
    mu = float(optimizer.hyperparameters.get("momentum", 0.0))
    pull = 1.0 + mu if optimizer.name == "nesterov" else 1.0  # Nesterov looks ahead by μ
    maps[:d, :d] = (-pull * rates) * curvatures
    offsets[:d] = (pull * rates) * targets
    for i in range(d):
        maps[i, i] += 1.0
    if momentum:
        carry = mu * mu if optimizer.name == "nesterov" else mu
        maps[d:, :d] = curvatures
        offsets[d:] = -targets
        for i in range(d):
            maps[i, d + i] = -carry * rates
            maps[d + i, d + i] = mu
    return maps.transpose(2, 0, 1), offsets.T


def run_maps(maps: np.ndarray, offsets: np.ndarray, state: np.ndarray) -> np.ndarray:
    r"""The states $s_1, …, s_n$ of $s_{k+1} = A_k s_k + a_k$ from $s_0$ = ``state``.

    Pairwise recursion: compose neighbours, $(A_{2j+1}A_{2j},\ A_{2j+1}a_{2j} + a_{2j+1})$,
    run the half-length sequence (giving every second state), then fill in the others with one
    step each, $s_{2j+1} = A_{2j}s_{2j} + a_{2j}$. $O(n)$ work in $\lceil\log_2 n\rceil$
    vectorised levels.
    """
    count = len(maps)
    if count == 1:
        return _apply(maps, state[None]) + offsets
    pairs = count // 2
    even_maps, odd_maps = maps[0 : 2 * pairs : 2], maps[1::2]
    pair_maps = odd_maps @ even_maps
    pair_offsets = _apply(odd_maps, offsets[0 : 2 * pairs : 2]) + offsets[1::2]
    states = np.empty_like(offsets)
    states[1::2] = run_maps(pair_maps, pair_offsets, state)  # s_2, s_4, …
    before = np.concatenate([state[None], states[1 : count - 1 : 2]])  # s_0, s_2, …
    states[0::2] = _apply(maps[0::2], before) + offsets[0::2]
    return states


def _apply(maps: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Batched matrix-vector products ``maps[k] @ vectors[k]``."""
    return np.einsum("kij,kj->ki", maps, vectors)
