"""Data problems: least-squares linear regression, the seed's worked example.

A *problem* is anything with ``value(points)`` and ``gradient(points)`` over parameter arrays of
shape ``(..., d)`` (a parsed :class:`~gdviz.parser.Objective` is one). A data problem also has
``n_samples`` and ``gradient(points, rows)``: the gradient of the loss on those rows only, which
is what SGD and mini-batch descent follow.
"""

from __future__ import annotations

import numpy as np


class LeastSquares:
    r"""$J(\theta) = \frac{1}{m}\lVert X\theta - y\rVert^2$ over the design matrix $X$ as given.

    $\nabla J(\theta) = \frac{2}{m} X^\top (X\theta - y)$ and the Hessian is
    $\frac{2}{m} X^\top X$ (constant). On a batch $B$ of rows the gradient is
    $\frac{2}{|B|} X_B^\top (X_B\theta - y_B)$, an unbiased estimate of the full one.

    Full-data values and gradients use $J(\theta) = J(\theta^*) + \frac{1}{m}\lVert X(\theta -
    \theta^*)\rVert^2$ with the least-squares solution $\theta^*$, so evaluating a whole path
    costs $O(d^2)$ per point whatever $m$ is, without cancellation near the minimum.
    """

    is_quadratic = True  # so theory's learning-rate limits are exact here

    def __init__(self, X: np.ndarray, y: np.ndarray):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float).reshape(-1)
        if X.ndim != 2 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
            raise ValueError(f"X must be (m, d) and y (m,); got {X.shape} and {y.shape}.")
        self.X, self.y = X, y
        self.n_samples, self.dimension = X.shape
        self.solution = np.linalg.lstsq(X, y, rcond=None)[0]
        self.minimum = float(np.mean((X @ self.solution - y) ** 2))
        self._curvature = X.T @ X / self.n_samples  # (1/m) XᵀX

    def value(self, points: np.ndarray) -> np.ndarray:
        """Full-data loss at ``points`` of shape ``(..., d)``."""
        offset = np.asarray(points, dtype=float) - self.solution
        return self.minimum + np.einsum("...i,ij,...j->...", offset, self._curvature, offset)

    def gradient(self, points: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Full-data gradient, or the gradient on ``rows`` (a batch of row indices)."""
        points = np.asarray(points, dtype=float)
        if rows is None:
            return 2.0 * (points - self.solution) @ self._curvature
        X, y = self.X[rows], self.y[rows]
        residuals = points @ X.T - y  # (..., b)
        return (2.0 / len(rows)) * residuals @ X

    def hessian(self, point: np.ndarray | None = None) -> np.ndarray:
        """The constant Hessian $\\frac{2}{m}X^\\top X$."""
        return 2.0 * self._curvature


def seed_example() -> LeastSquares:
    """The seed note's data: X = [[1,2],[1,3],[1,4]] (bias column first), y = [2,5,9]."""
    return LeastSquares(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 4.0]]), np.array([2.0, 5.0, 9.0]))


def batch_rows(n_samples: int, batch_size: int, n_steps: int, seed: int) -> np.ndarray:
    """Row indices of each step's batch: ``(n_steps, batch_size)``.

    Sampling scheme ("random reshuffling", as a PyTorch DataLoader with ``shuffle=True``): each
    epoch visits every row once in a fresh random order drawn from
    ``numpy.random.default_rng(seed)``; consecutive slices of ``batch_size`` rows are the
    batches. When ``batch_size`` does not divide ``n_samples`` the epoch's last batch is filled
    up with the first rows of the next epoch's order, so every step sees exactly ``batch_size``
    rows and one epoch is ``n_samples / batch_size`` steps.
    """
    rng = np.random.default_rng(seed)
    epochs = -(-n_steps * batch_size // n_samples)  # ceil
    order = rng.permuted(np.tile(np.arange(n_samples), (epochs, 1)), axis=1).reshape(-1)
    return order[: n_steps * batch_size].reshape(n_steps, batch_size)
