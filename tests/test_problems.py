"""Least squares: value, gradients (full and on rows), Hessian, batches, the seed's data."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.problems import LeastSquares, batch_rows, seed_example
from gdviz.theory import curvature


def direct_value(X, y, theta):
    """(1/m)‖Xθ − y‖², written the plain way."""
    return np.mean((X @ theta - y) ** 2)


def direct_gradient(X, y, theta):
    """(2/m)·Xᵀ(Xθ − y)."""
    return 2.0 / len(y) * X.T @ (X @ theta - y)


# (m, d): more rows than columns, square, and fewer rows than columns (many minimisers).
SHAPES = [(20, 3), (4, 4), (3, 5)]


def random_problem(m, d, seed=0):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(m, d)), rng.normal(size=m) * 3
    return X, y, LeastSquares(X, y)


@pytest.mark.parametrize(("m", "d"), SHAPES)
def test_value_and_gradient_match_the_formulas(m, d):
    X, y, problem = random_problem(m, d)
    thetas = np.random.default_rng(1).normal(size=(4, 5, d)) * 4  # batched points (..., d)
    values, gradients = problem.value(thetas), problem.gradient(thetas)
    assert values.shape == (4, 5) and gradients.shape == (4, 5, d)
    for index in np.ndindex(4, 5):
        theta = thetas[index]
        assert values[index] == pytest.approx(direct_value(X, y, theta), rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(
            gradients[index], direct_gradient(X, y, theta), rtol=1e-9, atol=1e-10
        )


def test_single_point_gives_scalar_value_and_vector_gradient():
    X, y, problem = random_problem(10, 2)
    theta = np.array([0.5, -1.0])
    assert np.shape(problem.value(theta)) == ()
    assert problem.value(theta) == pytest.approx(direct_value(X, y, theta))
    np.testing.assert_allclose(problem.gradient(theta), direct_gradient(X, y, theta))


def test_gradient_is_zero_at_the_solution():
    X, y, problem = random_problem(20, 3)
    np.testing.assert_allclose(problem.gradient(problem.solution), 0.0, atol=1e-12)
    assert problem.value(problem.solution) == pytest.approx(problem.minimum)
    assert problem.minimum == pytest.approx(direct_value(X, y, problem.solution))


@pytest.mark.parametrize("rows", [[0], [3, 7], [1, 1, 5], list(range(20))])
def test_gradient_on_rows_is_the_formula_on_the_sub_matrix(rows):
    X, y, problem = random_problem(20, 3)
    thetas = np.random.default_rng(2).normal(size=(6, 3))
    rows = np.array(rows)
    batch = problem.gradient(thetas, rows)
    assert batch.shape == (6, 3)
    for theta, gradient in zip(thetas, batch, strict=True):
        np.testing.assert_allclose(
            gradient, direct_gradient(X[rows], y[rows], theta), rtol=1e-12, atol=1e-12
        )


def test_batch_gradients_average_to_the_full_gradient_over_an_epoch():
    X, y, problem = random_problem(12, 3)
    theta = np.array([1.0, -2.0, 0.5])
    epoch = batch_rows(12, 1, 12, seed=5)  # one row per step, every row once
    mean = np.mean([problem.gradient(theta, rows) for rows in epoch], axis=0)
    np.testing.assert_allclose(mean, problem.gradient(theta), rtol=1e-10)
    epoch = batch_rows(12, 4, 3, seed=5)  # three mini-batches of four
    mean = np.mean([problem.gradient(theta, rows) for rows in epoch], axis=0)
    np.testing.assert_allclose(mean, problem.gradient(theta), rtol=1e-10)


@pytest.mark.parametrize(("m", "d"), SHAPES)
def test_hessian(m, d):
    X, _, problem = random_problem(m, d)
    np.testing.assert_allclose(problem.hessian(), 2.0 / m * X.T @ X, rtol=1e-13)
    np.testing.assert_allclose(problem.hessian(np.ones(d)), 2.0 / m * X.T @ X, rtol=1e-13)
    # The Hessian is the derivative of the gradient: a finite difference along each axis.
    theta, h = np.random.default_rng(3).normal(size=d), 1e-5
    for i in range(d):
        step = np.eye(d)[i] * h
        column = (problem.gradient(theta + step) - problem.gradient(theta - step)) / (2 * h)
        np.testing.assert_allclose(column, problem.hessian()[:, i], rtol=1e-6, atol=1e-8)


def test_rejects_mismatched_data():
    with pytest.raises(ValueError):
        LeastSquares(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError):
        LeastSquares(np.ones(3), np.ones(3))
    with pytest.raises(ValueError):
        LeastSquares(np.ones((0, 2)), np.ones(0))


# batch_rows: random reshuffling, one fresh permutation per epoch.


@pytest.mark.parametrize(("n_samples", "batch_size"), [(6, 1), (6, 2), (6, 6), (5, 2), (7, 3)])
def test_batch_rows_covers_each_row_once_per_epoch(n_samples, batch_size):
    n_steps = 40
    rows = batch_rows(n_samples, batch_size, n_steps, seed=11)
    assert rows.shape == (n_steps, batch_size)
    assert rows.dtype.kind in "iu"
    flat = rows.reshape(-1)
    epochs = len(flat) // n_samples
    assert epochs >= 2
    for epoch in flat[: epochs * n_samples].reshape(epochs, n_samples):
        np.testing.assert_array_equal(np.sort(epoch), np.arange(n_samples))
    # The partial epoch at the end has no repeats either.
    tail = flat[epochs * n_samples :]
    assert len(np.unique(tail)) == len(tail)


def test_batch_rows_reshuffles_each_epoch():
    rows = batch_rows(10, 1, 50, seed=0).reshape(5, 10)
    assert len({tuple(epoch) for epoch in rows}) > 1


def test_batch_rows_is_deterministic_per_seed():
    first, again = batch_rows(9, 2, 30, seed=42), batch_rows(9, 2, 30, seed=42)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, batch_rows(9, 2, 30, seed=43))


def test_batch_rows_prefix_does_not_depend_on_length():
    # A run of 10 steps sees the same batches as the first 10 steps of a longer run.
    np.testing.assert_array_equal(batch_rows(7, 3, 10, seed=1), batch_rows(7, 3, 40, seed=1)[:10])


# The seed's worked example (REFERENCE §2).


def test_seed_example_data():
    problem = seed_example()
    np.testing.assert_array_equal(problem.X, [[1, 2], [1, 3], [1, 4]])
    np.testing.assert_array_equal(problem.y, [2, 5, 9])
    assert (problem.n_samples, problem.dimension) == (3, 2)
    np.testing.assert_allclose(problem.solution, [-31 / 6, 3.5], rtol=1e-12)  # [-5.1667, 3.5]
    # Residuals at the solution are 1/6, −1/3, 1/6, so J* = (1/36 + 1/9 + 1/36)/3 = 1/18.
    assert problem.minimum == pytest.approx(1 / 18, rel=1e-12)
    assert problem.value(np.zeros(2)) == pytest.approx((4 + 25 + 81) / 3)


def test_seed_example_curvature():
    problem = seed_example()
    # (2/3)·XᵀX = (2/3)·[[3, 9], [9, 29]]
    np.testing.assert_allclose(problem.hessian(), [[2, 6], [6, 58 / 3]], rtol=1e-13)
    eigenvalues = curvature(problem.hessian()).eigenvalues
    np.testing.assert_allclose(eigenvalues, [0.1257, 21.21], rtol=1e-3)
    assert eigenvalues[1] / eigenvalues[0] == pytest.approx(169, rel=0.01)
    # Exactly: trace 64/3, determinant 2·58/3 − 36 = 8/3.
    assert eigenvalues.sum() == pytest.approx(64 / 3) and eigenvalues.prod() == pytest.approx(8 / 3)
