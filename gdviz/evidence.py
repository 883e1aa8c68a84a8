r"""What a run's path shows, one fact per function: the evidence :mod:`gdviz.verdicts` weighs.

Each function answers one question from the recorded numbers alone: where did θ, f or ∇f stop
being numbers, are the steps growing or shrinking, is f reaching new highs or lows, is the run
heading somewhere, when did a divergence begin, do the steps flip sign. (What needs more
evaluations of f, around the end point or along a step, is in :mod:`gdviz.probes`.)

Rounding sets the scale of "nothing": a step shorter than ``ROUNDING`` · max(1, ‖θ‖) is no
motion, and values within ``CLOSE`` · |f| of each other are equal. Long runs are read through
windows of ``WINDOW`` steps, so a 2,000,000-step SGD run costs what a 20,000-step one does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUNDING = 1e-12  # steps shorter than this share of max(1, ‖θ‖) are rounding noise
CLOSE = 1e-13  # values this close (relative) are equal
TREND = 1.1  # step lengths that changed by more than 10% over the tail have a trend
FLIPS = 0.75  # oscillating: the sign flips in at least 3 of 4 successive pairs of steps
WINDOW = 10_000  # the most steps read at each end of a long run


def first_undefined(points: np.ndarray, values: np.ndarray, grad_norms: np.ndarray) -> int | None:
    """The first step where θ, f or ‖∇f‖ is not a finite number (None if there is none)."""
    finite = np.isfinite(values) & np.isfinite(grad_norms)
    for column in range(points.shape[-1]):
        finite &= np.isfinite(points[:, column])
    bad = np.flatnonzero(~finite)
    return int(bad[0]) if len(bad) else None


def step_lengths(points: np.ndarray) -> np.ndarray:
    """‖θ_{k+1} − θ_k‖ for every step."""
    moves = np.diff(points, axis=0)
    return np.sqrt(np.einsum("ij,ij->i", moves, moves))


def growth(lengths: np.ndarray) -> float:
    """By what factor the step lengths changed over ``lengths``, from a least-squares line
    through their logarithms; 1.0 when the change is under ``TREND`` or lost in the scatter
    (SGD's noise, a chaotic bounce). Exact for the geometric steps of GD on a quadratic."""
    m = len(lengths)
    if m < 3:
        return 1.0
    logs = np.log(np.maximum(lengths, 1e-300))
    centred = np.arange(m) - (m - 1) / 2
    slope = float(centred @ (logs - logs.mean()) / (centred @ centred))
    change = slope * (m - 1)
    scatter = float(np.std(logs - logs.mean() - slope * centred))
    return float(np.exp(change)) if abs(change) > max(np.log(TREND), 3 * scatter) else 1.0


@dataclass(frozen=True)
class Motion:
    """How the run moved over its tail: the last half of its steps (at least 2, at most
    ``WINDOW``)."""

    growth: float  # factor by which step lengths changed over the tail (1 = no trend)
    rising: bool  # f reached new highs in the tail's second half
    falling: bool  # … new lows, and fell at two steps in three or more (not a chaotic bounce)
    heading: np.ndarray | None  # unit vector of the tail's net move; None when going nowhere
    last_step: float  # ‖θ_n − θ_{n−1}‖ (0 for a run of no steps)
    settled_at: int | None  # the step from which every step was rounding noise


def motion(points: np.ndarray, values: np.ndarray) -> Motion:
    """The tail's trends. A net move under a quarter of the distance walked has no heading: the
    run goes back and forth (cycling, zig-zag) rather than somewhere."""
    n = len(points) - 1
    if n == 0:
        return Motion(1.0, False, False, None, 0.0, None)
    tail = min(n, max(2, n // 2), WINDOW)
    lengths = step_lengths(points[n - tail :])
    recent = values[n - tail :]
    first, second = recent[: (tail + 1) // 2], recent[(tail + 1) // 2 :]
    tol = CLOSE * np.max(np.abs(recent))
    net = points[n] - points[n - tail]
    distance, walked = float(np.sqrt(net @ net)), float(np.sum(lengths))
    floor = ROUNDING * max(1.0, float(np.sqrt(points[n] @ points[n])))
    heading = net / distance if distance > max(0.25 * walked, floor) else None
    return Motion(
        growth(lengths),
        bool(np.max(second) > np.max(first) + tol),
        bool(np.min(second) < np.min(first) - tol and np.mean(np.diff(recent) < 0) >= 2 / 3),
        heading,
        float(lengths[-1]),
        _settled_at(points, floor) if lengths[-1] <= floor else None,
    )


def _settled_at(points: np.ndarray, floor: float) -> int:
    """The step after the last one longer than ``floor``, searched back a window at a time."""
    end = len(points) - 1
    while end > 0:
        begin = max(0, end - WINDOW)
        moving = np.flatnonzero(step_lengths(points[begin : end + 1]) > floor)
        if len(moving):
            return begin + int(moving[-1]) + 1
        end = begin
    return 0


def remaining_descent(values: np.ndarray) -> float:
    """How much more f would fall if |Δf| kept shrinking at its rate over the last ten steps
    (a geometric series, as for any linearly converging method); inf if it is not shrinking."""
    changes = np.abs(np.diff(values[-11:]))
    if not len(changes) or changes[-1] == 0:
        return 0.0
    if len(changes) < 2 or changes[0] == 0:
        return float("inf")
    ratio = (changes[-1] / changes[0]) ** (1 / (len(changes) - 1))
    return float(changes[-1] * ratio / (1 - ratio)) if ratio < 1 else float("inf")


def onset(values: np.ndarray) -> int:
    """The step where divergence began: the one after f's lowest value (its last occurrence),
    so f never comes back down to where it was. For GD on a quadratic f_k is a sum of
    exponentials in k, convex, so after its minimum it rises at every step."""
    finite = np.where(np.isfinite(values), values, np.inf)
    lowest = len(finite) - 1 - int(np.argmin(finite[::-1]))
    return min(lowest + 1, len(values) - 1)


def oscillating(points: np.ndarray, directions: np.ndarray) -> bool:
    """Do successive steps flip sign along one of ``directions`` (rows, unit vectors)?

    Only steps longer than 1e-9 of the longest count, and a step counts along a direction only
    if at least 1e-3 of it lies along it; oscillating means at least ``FLIPS`` of the pairs of
    such successive steps point opposite ways. GD with 1 < αλ < 2 on a quadratic flips every
    step along that eigenvector; SGD's noise flips about half the time and heavy-ball momentum
    rings more slowly, so neither counts. Long runs: the first and last ``WINDOW`` steps.
    """
    if len(points) > 2 * WINDOW + 1:
        ends = (points[: WINDOW + 1], points[-WINDOW - 1 :])
        return any(oscillating(part, directions) for part in ends)
    moves = np.diff(points, axis=0)
    lengths = np.sqrt(np.einsum("ij,ij->i", moves, moves))
    if len(moves) < 3 or not np.all(np.isfinite(lengths)) or lengths.max() == 0:
        return False
    moving = lengths > 1e-9 * lengths.max()
    along = directions @ moves.T  # (directions, steps): each row one direction, contiguous
    counts = np.abs(along) > 1e-3 * lengths
    counts &= moving
    pairs = counts[:, 1:] & counts[:, :-1]
    flips = np.signbit(along[:, 1:]) != np.signbit(along[:, :-1])
    flips &= pairs
    total = pairs.sum(axis=1)
    return bool(np.any((total >= 2) & (flips.sum(axis=1) >= FLIPS * total)))
