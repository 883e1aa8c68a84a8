r"""Evaluations of f beyond the recorded path, where the path alone cannot tell.

Around the end point: is it a minimum, a maximum, a saddle or a plateau (:func:`surroundings`)?
Ahead of it: does f keep falling the way the run was heading (:func:`falls_forever`)? Along a
step: did f overflow (:func:`overflows`), or did the step jump over a pole
(:func:`pole_crossing`)? Each costs from a few dozen to a few thousand evaluations of f, made
once per verdict, never inside the engine's loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from gdviz.evidence import CLOSE, ROUNDING


def directions(dimension: int, eigenvectors: np.ndarray | None = None) -> np.ndarray:
    """Unit vectors to probe along: the axes, the Hessian's eigenvectors, and in 2-D sixteen
    evenly spaced angles (a saddle's downhill cone can be narrow: its eigenvector finds it)."""
    rows = [np.eye(dimension)]
    if eigenvectors is not None and np.all(np.isfinite(eigenvectors)):
        rows.append(np.asarray(eigenvectors, dtype=float).T)
    if dimension == 2:
        angles = np.arange(16) * np.pi / 8
        rows.append(np.column_stack([np.cos(angles), np.sin(angles)]))
    elif dimension > 2:
        rows.append(np.random.default_rng(0).normal(size=(8 * dimension, dimension)))
    unit = np.concatenate(rows)
    return unit / np.linalg.norm(unit, axis=-1, keepdims=True)


@dataclass(frozen=True)
class Surroundings:
    """What f does around a point, probed on circles of shrinking radius."""

    shape: str  # "minimum", "maximum", "saddle" or "plateau"
    radius: float  # minimum: the smallest basin circle (else nan)
    downhill: np.ndarray | None  # the direction of the lowest probe on the smallest circle


def surroundings(problem, point: np.ndarray, toward: np.ndarray, largest: float) -> Surroundings:
    """Probe f on circles (spheres) of radius ``largest``, ``largest``/2, … down to rounding,
    along the unit vectors ``toward`` (±). A *basin* circle has f lower nowhere and higher in
    most directions (equal in a few: a valley of minima, a ring): f, being continuous, then has a
    minimum inside it. A *dome* circle has f lower somewhere and higher nowhere. ``minimum`` if
    some circle is a basin (flat minima like x⁴ show a basin only on circles wider than the
    distance left to their minimum); ``maximum`` if some is a dome; ``saddle`` if f is lower
    somewhere; ``plateau`` otherwise (f the same, to rounding, almost everywhere probed: exp(−x²)
    at x = 40, where it is 0 in floating point).
    Probes outside f's domain (NaN) count as neither higher nor lower."""
    point = np.asarray(point, dtype=float)
    scale = max(1.0, float(np.linalg.norm(point)))
    count = int(np.clip(np.ceil(np.log2(largest / (ROUNDING * scale))), 1, 60))
    radii = largest * 0.5 ** np.arange(count)
    both = np.concatenate([toward, -toward])
    with np.errstate(all="ignore"):
        here = float(problem.value(point))
        around = np.asarray(problem.value(point + radii[:, None, None] * both), dtype=float)
    tol = CLOSE * abs(here)
    lower = np.isfinite(around) & (around < here - tol)
    higher = np.isfinite(around) & (around > here + tol)
    basin = (higher.sum(axis=1) > len(both) / 2) & ~lower.any(axis=1)
    dome = lower.any(axis=1) & ~higher.any(axis=1)
    downhill = None
    if lower.any():
        smallest = np.flatnonzero(lower.any(axis=1))[-1]
        downhill = both[np.nanargmin(np.where(lower[smallest], around[smallest], np.inf))]
    if basin.any():
        return Surroundings("minimum", float(radii[basin].min()), None)
    shape = "maximum" if dome.any() else "saddle" if lower.any() else "plateau"
    return Surroundings(shape, float("nan"), downhill)


def falls_forever(problem, point: np.ndarray, heading: np.ndarray) -> bool:
    """Does f keep falling along ``heading`` from ``point``, out to 10¹² · max(1, ‖θ‖)?

    Probes at doubling distances: f must never come back above f(point) and must end lower.
    A bowl, however far its bottom, rises again; x, exp(−x²) or −x² do not. NaN (the edge of
    f's domain) ends the look and counts as not falling."""
    point = np.asarray(point, dtype=float)
    scale = max(1.0, float(np.linalg.norm(point)))
    distances = scale * 2.0 ** np.arange(-8, 41)
    with np.errstate(all="ignore"):
        here = float(problem.value(point))
        ahead = np.asarray(problem.value(point + distances[:, None] * heading), dtype=float)
    ahead = np.where(np.isneginf(ahead), -np.finfo(float).max, ahead)
    tol = CLOSE * abs(here)
    return bool(np.all(np.isfinite(ahead)) and np.all(ahead <= here + tol) and ahead[-1] < here)


def overflows(problem, before: np.ndarray, after: np.ndarray) -> bool:
    """Did f stop being a number at ``after`` because it grew past what floats hold (exp(1000),
    a huge θ) rather than at a singularity (log(0), a NaN outside the domain)? Bisect the step
    for the edge where f stops being finite: just before an overflow |f| is above 1e300."""
    low, high = 0.0, 1.0
    with np.errstate(all="ignore"):
        for _ in range(60):
            middle = (low + high) / 2
            if np.isfinite(problem.value(before + middle * (after - before))):
                low = middle
            else:
                high = middle
        edge = float(problem.value(before + low * (after - before)))
    return abs(edge) > 1e300


CONTINUOUS = {"sin", "cos", "exp", "sinh", "cosh", "tanh", "atan", "asinh", "Abs", "_RealAbs"}


def may_jump(problem) -> bool:
    """Can f be infinite or jump somewhere? False only for a parsed formula built from
    continuous pieces: +, ×, non-negative integer powers, positive constants to a power, and
    the functions in ``CONTINUOUS`` (|x| has a kink, which is no jump). Anything else — a
    division, a root, log, tan, sign, a problem without a formula — may."""
    expr = getattr(problem, "expr", None)
    return True if expr is None else not _continuous(expr)


@lru_cache(maxsize=256)
def _continuous(expr: sp.Expr) -> bool:
    for node in sp.preorder_traversal(expr):
        if node.is_Pow:
            base, exponent = node.args
            if not (exponent.is_Integer and exponent >= 0) and not base.is_positive:
                return False
        elif isinstance(node, sp.Function) and type(node).__name__ not in CONTINUOUS:
            return False
    return True


def pole_crossing(problem, points: np.ndarray, values: np.ndarray, most: int = 64) -> int | None:
    """The first step that jumped over a point where f is infinite or jumps (None if none).

    Along a step from a to b, f(b) − f(a) = ∫ ∇f · (b − a): the fundamental theorem of
    calculus holds wherever f is continuous and differentiable almost everywhere (kinks such as
    |x| included) and fails across a pole (1/sin(x) crossing 0). Steps whose two-point
    trapezoid misses by more than a quarter of the gradient's variation are checked again on 128
    intervals, the first ``most`` of them; a step fails if a sample is not finite or the integral
    still misses by more than half the variation. An even pole crossed symmetrically (−1/x²
    from −a to a) cancels out and is not seen; such runs are caught by f running off instead.
    """
    if len(points) < 2:
        return None
    with np.errstate(all="ignore"):
        slopes = np.asarray(problem.gradient(points), dtype=float)
    moves = np.diff(points, axis=0)
    start, end = np.sum(slopes[:-1] * moves, axis=-1), np.sum(slopes[1:] * moves, axis=-1)
    change = np.diff(values)
    variation = np.abs(start) + np.abs(end) + np.abs(change)
    suspects = np.flatnonzero(np.abs(change - (start + end) / 2) > 0.25 * variation)[:most]
    if not len(suspects):
        return None
    t = np.linspace(0.0, 1.0, 129)[None, :, None]
    samples = points[suspects][:, None] + t * moves[suspects][:, None]
    with np.errstate(all="ignore"):
        f = np.asarray(problem.value(samples), dtype=float)
        along = np.sum(
            np.asarray(problem.gradient(samples), dtype=float) * moves[suspects][:, None], axis=-1
        )
        integral = np.trapezoid(along, dx=1 / 128, axis=1)
        spread = np.maximum(
            np.trapezoid(np.abs(along), dx=1 / 128, axis=1), np.abs(change[suspects])
        )
    broken = ~np.all(np.isfinite(f), axis=1) | ~np.all(np.isfinite(along), axis=1)
    broken |= ~(np.abs(change[suspects] - integral) <= 0.5 * spread)
    return int(suspects[np.argmax(broken)]) + 1 if broken.any() else None
