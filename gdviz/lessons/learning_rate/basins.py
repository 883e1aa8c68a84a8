"""Basins of attraction: run every start of a grid and colour it by the minimum it ends at.

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
from gdviz.optimizers import Optimizer
from gdviz.theory import curvature, stability_limit

BASIN_CHUNK = 5_000  # starts per engine call: the engine keeps whole paths in memory
BASIN_GRAD_TOL = 1e-4


@dataclass(frozen=True)
class BasinMap:
    """For each start on a grid: which minimum it ends at (or none, or diverged)."""

    window: Window
    xs: np.ndarray  # cell centres, (resolution,)
    ys: np.ndarray
    labels: np.ndarray  # (resolution, resolution): minima 0..M−1, M none reached, M+1 diverged
    converged: np.ndarray  # (resolution, resolution) bools
    steps: np.ndarray  # (resolution, resolution) steps taken
    minima: np.ndarray  # (M, 2)
    names: tuple[str, ...]  # M + 2 legend names
    discovered: bool  # minima found from the runs (typed function), not from a preset

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
    status = np.empty(len(starts), dtype=object)
    steps = np.empty(len(starts), dtype=int)
    for first in range(0, len(starts), BASIN_CHUNK):
        chunk = slice(first, first + BASIN_CHUNK)
        batch = descend(
            problem, starts[chunk], optimizer, max_steps=max_steps, grad_tol=BASIN_GRAD_TOL
        )
        ends[chunk], status[chunk], steps[chunk] = batch.final_point, batch.status, batch.steps
        if on_progress:
            on_progress(min(1.0, (first + BASIN_CHUNK) / len(starts)))
    diverged = status == "diverged"
    converged = np.char.startswith(status.astype(str), "converged")
    radius = 0.02 * np.hypot(window.x_max - window.x_min, window.y_max - window.y_min)
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    discovered = not len(minima)
    if discovered:
        minima = cluster_minima(problem, ends[converged], radius)
    labels = np.where(diverged, len(minima) + 1, nearest_minimum(ends, minima, radius))
    shape = (resolution, resolution)
    return BasinMap(
        window,
        xs,
        ys,
        labels.reshape(shape),
        converged.reshape(shape),
        steps.reshape(shape),
        minima,
        (*minimum_names(problem, minima, optimizer), "no minimum reached", "diverged"),
        discovered,
    )


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


def cluster_minima(problem, ends: np.ndarray, radius: float, most: int = 8) -> np.ndarray:
    """Distinct minima among converged end points: cells of size ``radius``, the fullest first,
    merged when closer than ``radius``; saddles (Hessian not positive definite) are dropped."""
    ends = ends[np.all(np.isfinite(ends), axis=-1)]
    if not len(ends):
        return np.empty((0, 2))
    cells, cell_of, counts = np.unique(
        np.round(ends / radius).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    found: list[np.ndarray] = []
    for cell in np.argsort(-counts, kind="stable"):
        if len(found) == most or counts[cell] < max(1, 0.001 * len(ends)):
            break
        centre = ends[cell_of.ravel() == cell].mean(axis=0)
        if any(np.linalg.norm(centre - other) < radius for other in found):
            continue
        with np.errstate(all="ignore"):
            if curvature(problem.hessian(centre)).smallest > 0:
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
