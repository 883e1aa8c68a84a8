"""Basins of attraction: run every start of a grid and colour it by the minimum it ends at.

Each start gets the app's one verdict (its kind: :func:`gdviz.verdict_batches.kinds`). A start whose
verdict is "converged" is coloured by the minimum it converged to, local minima included (the
end points of converged runs are clustered; a preset's minima keep their exact place and order);
every other start by its verdict's kind: stopped at a saddle, too slow, cycling, diverging, …
Raise α past a minimum's own stability limit 2/λmax and that minimum can no longer be reached:
the basins fracture. 40,000 starts run in batched engine calls of :data:`BASIN_CHUNK`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdviz.engine import descend
from gdviz.field import Window
from gdviz.lessons.common import make_optimizer, objective
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.lessons.learning_rate.theory import known_minima, point_text, window_of
from gdviz.messages import KINDS, NAMES
from gdviz.optimizers import Optimizer
from gdviz.theory import stability_limit
from gdviz.verdict_batches import kinds

BASIN_CHUNK = 5_000  # starts per engine call: the engine keeps whole paths in memory
BASIN_GRAD_TOL = 1e-4
MOST_MINIMA = 400  # distinct minima told apart (Rastrigin's window holds 121)


@dataclass(frozen=True)
class BasinMap:
    """For each start on a grid: which minimum it converged to, or else its verdict's kind."""

    window: Window
    xs: np.ndarray  # cell centres, (resolution,)
    ys: np.ndarray
    labels: np.ndarray  # (resolution, resolution): minima 0..M−1, then M + j for KINDS' j-th kind
    converged: np.ndarray  # (resolution, resolution) bools: the verdict is "converged"
    steps: np.ndarray  # (resolution, resolution) steps taken
    minima: np.ndarray  # (M, 2)
    names: tuple[str, ...]  # M + len(KINDS) legend names
    discovered: bool  # minima found from the runs (typed function), not from a preset

    @property
    def kinds(self) -> tuple[str, ...]:
        """The verdict kind of each category of ``names`` ('converged' for every minimum)."""
        return ("converged",) * len(self.minima) + tuple(KINDS)

    def shares(self) -> np.ndarray:
        """Fraction of starts in each category."""
        return np.bincount(self.labels.ravel(), minlength=len(self.names)) / self.labels.size


def basin_grid(window: Window, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell-centre coordinates and the starts ``(resolution², 2)``, rows of constant y."""
    dx = (window.x_max - window.x_min) / resolution
    dy = (window.y_max - window.y_min) / resolution
    xs = window.x_min + dx * (np.arange(resolution) + 0.5)
    ys = window.y_min + dy * (np.arange(resolution) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=-1)


def basins(
    problem,
    window: Window,
    optimizer: Optimizer,
    *,
    resolution: int = 200,
    max_steps: int = 200,
    minima=(),
    on_progress: Callable[[float], None] | None = None,
) -> BasinMap:
    """Run every start of a ``resolution`` × ``resolution`` grid and label where it ends.

    Batched engine calls of :data:`BASIN_CHUNK` starts (the engine keeps whole paths, so
    memory is bounded by the chunk); ``on_progress(fraction)`` after each. A run belongs to the
    known minimum within 2 % of the window's diagonal of its end point; ``converged`` tells
    whether ‖∇f‖ fell below :data:`BASIN_GRAD_TOL` on the way. Without known minima they are
    found from the converged end points (:func:`cluster_minima`).
    """
    xs, ys, starts = basin_grid(window, resolution)
    ends = np.empty_like(starts)
    kind = np.empty(len(starts), dtype=object)
    steps = np.empty(len(starts), dtype=int)
    for first in range(0, len(starts), BASIN_CHUNK):
        chunk = slice(first, first + BASIN_CHUNK)
        batch = descend(
            problem, starts[chunk], optimizer, max_steps=max_steps, grad_tol=BASIN_GRAD_TOL
        )
        ends[chunk], steps[chunk] = batch.final_point, batch.steps
        kind[chunk] = kinds(problem, batch)
        if on_progress:
            on_progress(min(1.0, (first + BASIN_CHUNK) / len(starts)))
    converged = kind == "converged"
    radius = 0.02 * np.hypot(window.x_max - window.x_min, window.y_max - window.y_min)
    known = np.asarray(minima, dtype=float).reshape(-1, 2)
    found = cluster_minima(ends[converged], radius)
    if len(known):  # a preset's minima first, exact and in its order; then the others reached
        away = nearest_minimum(found, known, radius) == len(known)
        found = np.concatenate([known, found[away]])
    minima = found
    labels = len(minima) + np.array([list(KINDS).index(k) for k in kind])
    at = nearest_minimum(ends, minima, radius)
    labels = np.where(converged & (at < len(minima)), at, labels)
    shape = (resolution, resolution)
    return BasinMap(
        window,
        xs,
        ys,
        labels.reshape(shape),
        converged.reshape(shape),
        steps.reshape(shape),
        minima,
        (*minimum_names(problem, minima, optimizer), *_kind_names()),
        not len(known),
    )


def _kind_names() -> list[str]:
    """Legend names of the kinds (a converged run far from every minimum shown is rare)."""
    return [
        "converged (to a minimum not shown)" if kind == "converged" else NAMES[kind]
        for kind in KINDS
    ]


def nearest_minimum(ends: np.ndarray, minima: np.ndarray, radius: float) -> np.ndarray:
    """For each end point the index of the minimum within ``radius`` of it (M when none)."""
    if not len(minima):
        return np.full(len(ends), len(minima))
    with np.errstate(all="ignore"):
        distance = np.linalg.norm(ends[:, None, :] - minima[None], axis=-1)
    nearest = np.argmin(np.nan_to_num(distance, nan=np.inf), axis=-1)
    near = np.take_along_axis(distance, nearest[:, None], axis=-1)[:, 0] <= radius
    return np.where(near, nearest, len(minima))


def minimum_names(problem, minima: np.ndarray, optimizer: Optimizer) -> list[str]:
    """'→ (3, 2), stable for α < 0.0243': each minimum and its own stability limit."""
    momentum = optimizer.hyperparameters.get("momentum", 0.0)
    names = []
    for point in minima:
        with np.errstate(all="ignore"):
            limit = stability_limit(problem.hessian(point), optimizer.name, momentum)
        stable = f", stable for α < {limit:.3g}" if np.isfinite(limit) else ""
        names.append(f"→ {point_text(point)}{stable}")
    return names


def cluster_minima(ends: np.ndarray, radius: float, most: int = MOST_MINIMA) -> np.ndarray:
    """Distinct minima among the end points of converged runs: cells of size ``radius``, the
    fullest first, merged when closer than ``radius`` (the verdict already told minima from
    saddles, so every end point here is at one)."""
    ends = ends[np.all(np.isfinite(ends), axis=-1)]
    if not len(ends):
        return np.empty((0, 2))
    cells, cell_of, counts = np.unique(
        np.round(ends / radius).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    found: list[np.ndarray] = []
    for cell in np.argsort(-counts, kind="stable"):
        if len(found) == most:
            break
        centre = ends[cell_of.ravel() == cell].mean(axis=0)
        if not any(np.linalg.norm(centre - other) < radius for other in found):
            found.append(centre)
    return np.array(found).reshape(-1, 2)


def basin_map(setup: LabSetup, on_progress: Callable[[float], None] | None = None) -> BasinMap:
    """The basins for the setup's function, optimizer and α over its view window."""
    problem = objective(setup.function)
    if problem.dimension != 2:
        raise ValueError("basins of attraction need a function of x and y")
    return basins(
        problem,
        window_of(setup, problem),
        make_optimizer(setup, setup.learning_rate),
        resolution=setup.resolution,
        max_steps=setup.basin_steps,
        minima=known_minima(setup),
        on_progress=on_progress,
    )
