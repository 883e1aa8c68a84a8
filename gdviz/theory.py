r"""What theory predicts for a learning rate, from the Hessian.

For a quadratic with Hessian $H$ (eigenvalues $0 < \lambda_{min} \le \lambda_{max}$), gradient
descent converges iff $0 < \alpha < 2/\lambda_{max}$, and the fastest constant step is
$\alpha^* = 2/(\lambda_{min} + \lambda_{max})$. Heavy-ball momentum (PyTorch form) is stable for
$\alpha < 2(1+\mu)/\lambda_{max}$. For any other smooth function these are local estimates, from
the Hessian at (or near) the minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Curvature:
    """Eigenvalues of a Hessian and the learning rates they imply for plain GD."""

    eigenvalues: np.ndarray  # ascending

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def condition_number(self) -> float:
        """$\\kappa = \\lambda_{max} / \\lambda_{min}$ (inf if not positive definite)."""
        return self.largest / self.smallest if self.smallest > 0 else float("inf")

    @property
    def stability_limit(self) -> float:
        """$2/\\lambda_{max}$: larger steps diverge (inf if there is no positive curvature)."""
        return 2.0 / self.largest if self.largest > 0 else float("inf")

    @property
    def best_learning_rate(self) -> float:
        """$2/(\\lambda_{min}+\\lambda_{max})$, the fastest constant step on a quadratic."""
        total = self.smallest + self.largest
        return 2.0 / total if self.smallest > 0 else float("nan")


def curvature(hessian: np.ndarray) -> Curvature:
    """Eigenvalues of a symmetric Hessian (non-finite entries give NaN eigenvalues)."""
    hessian = np.atleast_2d(np.asarray(hessian, dtype=float))
    if not np.all(np.isfinite(hessian)):
        return Curvature(np.full(hessian.shape[0], np.nan))
    return Curvature(np.linalg.eigvalsh((hessian + hessian.T) / 2))


def stability_limit(hessian: np.ndarray, optimizer: str = "gd", momentum: float = 0.0) -> float:
    """The largest stable constant learning rate predicted from ``hessian`` (inf if none).

    gd: $2/\\lambda_{max}$; momentum: $2(1+\\mu)/\\lambda_{max}$; Nesterov (PyTorch form):
    $2(1+\\mu)/((1+2\\mu)\\lambda_{max})$. Adaptive methods rescale steps, so no such limit
    exists for them (NaN).
    """
    return limit_for(curvature(hessian).largest, optimizer, momentum)


def limit_for(largest: float, optimizer: str = "gd", momentum: float = 0.0) -> float:
    """:func:`stability_limit` from the Hessian's largest eigenvalue λmax."""
    if not largest > 0:
        return float("inf")
    factors = {"gd": 1.0, "momentum": 1 + momentum, "nesterov": (1 + momentum) / (1 + 2 * momentum)}
    return 2.0 * factors[optimizer] / largest if optimizer in factors else float("nan")


def regime_1d(learning_rate: float, second_derivative: float) -> str:
    """Name the behaviour of GD on a parabola from $\\alpha f''$ (exact for quadratics).

    ``creeping`` (0 < αf″ < 1: monotone approach), ``optimal`` (αf″ = 1: one step),
    ``oscillating`` (1 < αf″ < 2: overshoots but converges), ``cycling`` (αf″ = 2),
    ``diverging`` (αf″ > 2). Each step multiplies the distance to the minimum by 1 − αf″.
    """
    product = learning_rate * second_derivative
    if product <= 0:
        return "diverging" if product < 0 else "stuck"
    for upper, name in ((1 - 1e-9, "creeping"), (1 + 1e-9, "optimal"), (2 - 1e-9, "oscillating")):
        if product < upper:
            return name
    return "cycling" if product <= 2 + 1e-9 else "diverging"


def is_quadratic(problem) -> bool:
    """Is f a quadratic, so that the limits above are exact rather than local estimates?

    A problem may say so itself (``is_quadratic``, as least squares does); a parsed objective is
    one when every entry of its symbolic Hessian is a constant.
    """
    declared = getattr(problem, "is_quadratic", None)
    if declared is not None:
        return bool(declared)
    exprs = getattr(problem, "hessian_exprs", None)
    return exprs is not None and _constant(exprs)


@lru_cache(maxsize=256)
def _constant(exprs: tuple) -> bool:
    return all(not e.free_symbols for row in exprs for e in row)


def eigen_at(problem, point: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Eigenvalues (ascending) and eigenvectors (columns) of the Hessian at ``point``; None when
    the problem has no Hessian or it is not finite there."""
    if not hasattr(problem, "hessian") or not np.all(np.isfinite(point)):
        return None
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
    if not np.all(np.isfinite(hessian)):
        return None
    if hessian.shape == (2, 2):
        return _eigen_2x2(hessian)
    return np.linalg.eigh((hessian + hessian.T) / 2)


def _eigen_2x2(hessian: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.linalg.eigh`` of a symmetric 2×2 in closed form (a few µs instead of LAPACK's ~10):
    λ = m ± r with m the mean of the diagonal and r = √(((a − d)/2)² + b²); the eigenvector of
    the larger λ is at angle φ = ½·atan2(2b, a − d)."""
    a, d, b = hessian[0, 0], hessian[1, 1], (hessian[0, 1] + hessian[1, 0]) / 2
    mean, radius = (a + d) / 2, math.hypot((a - d) / 2, b)
    angle = 0.5 * math.atan2(2 * b, a - d)
    c, s = math.cos(angle), math.sin(angle)
    return np.array([mean - radius, mean + radius]), np.array([[-s, c], [c, s]])
