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
points take about a second instead of half a minute). Steps go in chunks, so memory stays
bounded and a run that has stopped is not computed further. :func:`gdviz.engine.descend` runs
every descent that :func:`covers` this way (with its own stop rules, chunk by chunk); adaptive
optimizers (AdaGrad, RMSProp, Adam) are not affine in the state and run step by step there.
"""

from __future__ import annotations

import numpy as np

from gdviz.optimizers import Optimizer

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
        and np.ndim(optimizer.learning_rate(0)) == 0  # one learning rate, not one per run
    )


def initial_state(optimizer: Optimizer, start: np.ndarray) -> np.ndarray:
    r"""$\theta_0$, followed by the velocity $v_0 = 0$ for the momentum methods."""
    return start.copy() if optimizer.name == "gd" else np.concatenate([start, 0 * start])


def advance(
    problem, optimizer: Optimizer, rows: np.ndarray | None, state: np.ndarray, first: int, end: int
) -> np.ndarray:
    """States after steps ``first … end − 1``, shape ``(end − first, D)``, from ``state``.

    ``rows`` are the batches, ``(steps, b)`` row indices as from
    :func:`gdviz.problems.batch_rows`, or ``None`` for full-data (batch) steps. No stop rules:
    a diverging path simply grows (to inf/NaN).
    """
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
        columns = np.take(problem.X, picked, axis=0).T  # (d, count); take beats X[picked]
        curvatures = 2.0 * columns[:, None, :] * columns[None, :, :]
        targets = 2.0 * columns * np.take(problem.y, picked)
    else:  # mini-batch: H_k = (2/b) X_Bᵀ X_B, c_k = (2/b) X_Bᵀ y_B
        batch = rows[first:end]
        X, y = np.take(problem.X, batch, axis=0), np.take(problem.y, batch)  # (count, b, d)
        scale = 2.0 / batch.shape[1]
        curvatures = (scale * (X.transpose(0, 2, 1) @ X)).transpose(1, 2, 0)
        targets = scale * np.einsum("kbi,kb->ik", X, y)
    momentum = optimizer.name != "gd"
    size = 2 * d if momentum else d
    maps, offsets = np.zeros((size, size, count)), np.empty((size, count))
    mu = float(optimizer.hyperparameters.get("momentum", 0.0))
    pull = 1.0 + mu if optimizer.name == "nesterov" else 1.0  # Nesterov looks ahead by μ
    np.multiply(curvatures, -pull * rates, out=maps[:d, :d])
    np.multiply(targets, pull * rates, out=offsets[:d])
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
