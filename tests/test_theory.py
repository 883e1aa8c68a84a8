"""Theory: curvature, stability limits, regimes on a parabola — and the engine agrees with them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz import optimizers
from gdviz.engine import descend
from gdviz.problems import seed_example
from gdviz.theory import curvature, regime_1d, stability_limit


class Parabola:
    """f(x) = (c/2)·‖x‖², so f'' = c in every direction (c = 2 is x²)."""

    def __init__(self, second_derivative: float):
        self.c = second_derivative

    def value(self, points):
        return 0.5 * self.c * np.sum(np.asarray(points) ** 2, axis=-1)

    def gradient(self, points):
        return self.c * np.asarray(points, dtype=float)

    def hessian(self, point=None):
        return np.array([[self.c]])


def test_curvature_of_a_diagonal_quadratic():
    found = curvature(np.diag([10.0, 1.0]))
    np.testing.assert_allclose(found.eigenvalues, [1.0, 10.0])  # ascending
    assert (found.smallest, found.largest) == (1.0, 10.0)
    assert found.condition_number == pytest.approx(10.0)
    assert found.stability_limit == pytest.approx(2 / 10)
    assert found.best_learning_rate == pytest.approx(2 / 11)


def test_curvature_of_a_rotated_quadratic():
    angle = 0.3
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    found = curvature(rotation @ np.diag([4.0, 0.5]) @ rotation.T)
    np.testing.assert_allclose(found.eigenvalues, [0.5, 4.0])
    assert found.stability_limit == pytest.approx(0.5)
    assert found.best_learning_rate == pytest.approx(2 / 4.5)


def test_curvature_of_the_seed_example():
    found = curvature(seed_example().hessian())
    assert found.smallest == pytest.approx(0.1257, rel=1e-3)
    assert found.largest == pytest.approx(21.21, rel=1e-3)
    assert found.condition_number == pytest.approx(169, rel=0.01)
    assert found.stability_limit == pytest.approx(0.0943, rel=1e-3)
    assert f"{found.stability_limit:.3g}" == "0.0943"
    assert found.best_learning_rate == pytest.approx(2 / (64 / 3))  # 2/trace: 0.09375


def test_curvature_without_positive_curvature():
    saddle = curvature(np.diag([-1.0, 2.0]))
    assert saddle.condition_number == math.inf
    assert math.isnan(saddle.best_learning_rate)
    assert saddle.stability_limit == pytest.approx(1.0)  # still limited along the curved axis
    concave = curvature(np.diag([-1.0, -2.0]))
    assert concave.stability_limit == math.inf
    broken = curvature(np.array([[np.nan, 0.0], [0.0, 1.0]]))
    assert np.all(np.isnan(broken.eigenvalues))


def test_curvature_of_a_scalar_second_derivative():
    assert curvature(np.array(3.0)).largest == 3.0


def test_stability_limits():
    hessian = np.diag([1.0, 10.0])
    assert stability_limit(hessian) == pytest.approx(2 / 10)
    assert stability_limit(hessian, "gd") == pytest.approx(0.2)
    assert stability_limit(hessian, "momentum", 0.9) == pytest.approx(2 * 1.9 / 10)
    assert stability_limit(hessian, "nesterov", 0.9) == pytest.approx(2 * 1.9 / (2.8 * 10))
    assert stability_limit(hessian, "momentum", 0.0) == pytest.approx(0.2)
    assert stability_limit(hessian, "nesterov", 0.0) == pytest.approx(0.2)
    for adaptive in ("adagrad", "rmsprop", "adam"):
        assert math.isnan(stability_limit(hessian, adaptive))
    assert stability_limit(np.diag([-1.0, -3.0])) == math.inf
    assert stability_limit(seed_example().hessian()) == pytest.approx(0.0943, rel=1e-3)


@pytest.mark.parametrize(
    ("learning_rate", "second_derivative", "regime"),
    [
        (0.1, 2.0, "creeping"),  # αf″ = 0.2: x shrinks by 0.8 per step
        (0.49, 2.0, "creeping"),
        (0.5, 2.0, "optimal"),  # αf″ = 1: one step to the minimum
        (1 / 3, 3.0, "optimal"),  # exactly 1 up to rounding
        (0.51, 2.0, "oscillating"),
        (0.75, 2.0, "oscillating"),
        (0.99, 2.0, "oscillating"),
        (1.0, 2.0, "cycling"),  # αf″ = 2: x → −x forever
        (0.2, 10.0, "cycling"),
        (1.01, 2.0, "diverging"),
        (3.0, 2.0, "diverging"),
        (0.1, -2.0, "diverging"),  # a maximum: GD runs away
        (0.0, 2.0, "stuck"),
    ],
)
def test_regime_1d(learning_rate, second_derivative, regime):
    assert regime_1d(learning_rate, second_derivative) == regime


@pytest.mark.parametrize("learning_rate", [0.1, 0.4, 0.5, 0.7, 0.99, 1.0, 1.01, 1.3])
def test_each_step_multiplies_the_distance_by_one_minus_alpha_f2(learning_rate):
    """GD on x²: x_{k+1} = (1 − 2α)·x_k, and its regime names how that factor behaves."""
    run = descend(Parabola(2.0), [1.0], optimizers.gd(learning_rate), max_steps=6, grad_tol=0)
    factor = 1 - 2 * learning_rate
    np.testing.assert_allclose(run.points[:, 0], factor ** np.arange(7), rtol=1e-12, atol=1e-15)
    regime = regime_1d(learning_rate, 2.0)
    expected = {
        "creeping": 0 < factor < 1,
        "optimal": factor == 0,
        "oscillating": -1 < factor < 0,
        "cycling": factor == -1,
        "diverging": factor < -1,
    }
    assert expected[regime], (regime, factor)


@pytest.mark.parametrize(
    ("learning_rate", "status"), [(0.99, "converged_gradient"), (1.01, "diverged")]
)
def test_gd_on_a_parabola_switches_at_two_over_f2(learning_rate, status):
    """f(x) = x², f″ = 2: theory says α < 2/f″ = 1 converges and α > 1 diverges."""
    assert stability_limit(Parabola(2.0).hessian()) == pytest.approx(1.0)
    run = descend(Parabola(2.0), [1.0], optimizers.gd(learning_rate), max_steps=5000)
    assert run.status == status


@pytest.mark.parametrize(("name", "momentum"), [("gd", 0.0), ("momentum", 0.9), ("nesterov", 0.9)])
@pytest.mark.parametrize("curvature_value", [0.5, 20.0])
def test_stability_limit_is_sharp(name, momentum, curvature_value):
    """2% under the predicted limit converges, 2% over diverges (engine, not theory, decides)."""
    problem = Parabola(curvature_value)
    limit = stability_limit(problem.hessian(), name, momentum)
    spec = optimizers.OPTIMIZERS[name]
    start = np.array([[1.0], [1.0]])
    rates = np.array([0.98 * limit, 1.02 * limit])
    run = descend(problem, start, spec.make(rates, momentum=momentum), max_steps=20_000)
    assert list(run.status) == ["converged_gradient", "diverged"]


def test_best_learning_rate_contracts_fastest():
    """On diag(1, 10), GD shrinks the distance by max|1 − αλ| per step, smallest at α* = 2/11."""

    class Quadratic:
        curvatures = np.array([1.0, 10.0])

        def value(self, points):
            return 0.5 * np.sum(self.curvatures * np.asarray(points) ** 2, axis=-1)

        def gradient(self, points):
            return self.curvatures * np.asarray(points, dtype=float)

    best = curvature(np.diag(Quadratic.curvatures)).best_learning_rate
    rates = best * np.array([0.8, 0.9, 1.0, 1.05])
    run = descend(Quadratic(), np.ones((4, 2)), optimizers.gd(rates), max_steps=200, grad_tol=0)
    distances = np.linalg.norm(run.points, axis=-1)  # (201, 4)
    assert np.argmin(distances[-1]) == 2
    measured = (distances[-1] / distances[-101]) ** (1 / 100)
    predicted = np.max(np.abs(1 - np.outer(rates, Quadratic.curvatures)), axis=1)
    np.testing.assert_allclose(measured, predicted, rtol=1e-3)
    assert predicted[2] == pytest.approx(9 / 11)  # (κ − 1)/(κ + 1) with κ = 10


def test_eigen_at_a_2x2_hessian_matches_numpy():
    from gdviz.theory import _eigen_2x2

    rng = np.random.default_rng(0)
    for _ in range(200):
        a, b, d = rng.normal(size=3) * 10.0 ** rng.integers(-3, 4)
        values, vectors = _eigen_2x2(np.array([[a, b], [b, d]]))
        expected, _ = np.linalg.eigh(np.array([[a, b], [b, d]]))
        np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-12 * abs(expected).max())
        hessian = np.array([[a, b], [b, d]])
        np.testing.assert_allclose(
            hessian @ vectors, vectors * values, atol=1e-9 * abs(values).max()
        )
    values, vectors = _eigen_2x2(np.diag([2.0, 20.0]))
    np.testing.assert_allclose(values, [2.0, 20.0])
    np.testing.assert_allclose(np.abs(vectors), np.eye(2), atol=1e-15)
