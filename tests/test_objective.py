"""Objective: exact derivatives, evaluation of any batch shape, silent inf/nan, display, speed."""

from __future__ import annotations

import ast
import dataclasses
import timeit
import warnings

import numpy as np
import pytest
import sympy as sp

from gdviz.parser import ALLOWED_FUNCTIONS, parse_objective

x, y = sp.symbols("x y", real=True)


def central_gradient(objective, point, step=1e-6):
    """(f(p + h e_i) - f(p - h e_i)) / 2h, for every i."""
    eye = np.eye(objective.dimension) * step
    return np.array(
        [(objective.value(point + e) - objective.value(point - e)) / (2 * step) for e in eye]
    )


@pytest.mark.parametrize("name", ALLOWED_FUNCTIONS)
def test_every_allowed_function_parses_and_differentiates(name):
    point = np.array([1.5 if name in ("acosh", "arccosh") else 0.3])
    objective = parse_objective(f"{name}(x)")
    assert objective.gradient(point) == pytest.approx(central_gradient(objective, point), rel=1e-6)


# --- derivatives --------------------------------------------------------------------------------

SMOOTH = [
    "x^2 + 3y^2",
    "(1-x)^2 + 100(y - x^2)^2",
    "sin(x)*cos(y)",
    "exp(-(x^2+y^2))",
    "ln(x^2+1) + atan(y)",
    "sqrt(x^2+y^2+1)",
    "x^4 - 3x^2 + x",
    "(x^2+y-11)^2 + (x+y^2-7)^2",
    "-20exp(-0.2sqrt(0.5(x^2+y^2))) - exp(0.5(cos(2pi x)+cos(2pi y))) + e + 20",
    "tanh(x y) + 0.1(x^2 + y^2) + 1e-3 x^3",
    "abs(x - 3) + abs(y + 3)",  # no kink near the sampled points
    "log(1 + exp(-x y)) + sinh(x)/10",
]


@pytest.mark.parametrize("text", SMOOTH)
def test_gradient_and_hessian_match_finite_differences(text):
    objective = parse_objective(text)
    rng = np.random.default_rng(0)
    for point in rng.uniform(-2, 2, size=(5, objective.dimension)):
        gradient = objective.gradient(point)
        assert gradient == pytest.approx(central_gradient(objective, point), rel=1e-5, abs=1e-5)
        step = 1e-6
        eye = np.eye(objective.dimension) * step
        columns = [
            (objective.gradient(point + e) - objective.gradient(point - e)) / (2 * step)
            for e in eye
        ]
        assert objective.hessian(point) == pytest.approx(np.array(columns).T, rel=1e-4, abs=1e-4)


def test_abs_and_sign_derivatives():
    objective = parse_objective("abs(x) + sign(y) + abs(log(x))")
    assert objective.gradient([2.0, 1.0]) == pytest.approx([1 + 1 / 2, 0.0])
    assert parse_objective("abs(x) + sign(y)").gradient([-2.0, 1.0]) == pytest.approx([-1, 0])
    assert objective.hessian([2.0, 1.0]) == pytest.approx(np.array([[-1 / 4, 0], [0, 0]]))
    assert sp.simplify(objective.gradient_exprs[0] - sp.sign(x) - sp.sign(sp.log(x)) / x) == 0


def test_reciprocal_trig_of_hyperbolic_functions_stays_real():
    # SymPy's printers rewrite sec(u) with u rewritten too: sec(cosh(x)) became 1/cos(cos(i x))
    objective = parse_objective("sec(cosh(x)) + cot(exp(y)) + csc(x)")
    point = np.array([0.3, 0.4])
    assert np.isfinite(objective.value(point)) and "1j" not in objective.numpy_source
    assert objective.gradient(point) == pytest.approx(central_gradient(objective, point), rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning
        objective.gradient(np.tile(point, (4, 1)))


def test_scalar_gradient_returns_python_floats():
    objective = parse_objective("x^2 + 3y")  # the 3 is a constant component
    assert objective.scalar_gradient(1.0, 2.0) == [2.0, 3.0]
    assert all(type(value) is float for value in objective.scalar_gradient(1.0, 2.0))


def test_hessian_exprs_are_the_second_derivatives():
    objective = parse_objective("x^3 y + y^2")
    assert objective.gradient_exprs == (3 * x**2 * y, x**3 + 2 * y)
    assert objective.hessian_exprs == ((6 * x * y, 3 * x**2), (3 * x**2, 2))


# --- shapes and broadcasting ------------------------------------------------------------------


@pytest.mark.parametrize("batch", [(), (1,), (5,), (3, 4), (0,)])
def test_shapes(batch):
    objective = parse_objective("x^2 + 3y^2")
    points = np.random.default_rng(1).normal(size=batch + (2,))
    assert objective.value(points).shape == batch
    assert objective.gradient(points).shape == batch + (2,)
    assert objective.hessian(points).shape == batch + (2, 2)
    assert objective.value(points).dtype == np.float64
    expected = points[..., 0] ** 2 + 3 * points[..., 1] ** 2
    assert objective.value(points) == pytest.approx(expected)
    assert objective.gradient(points) == pytest.approx(points * [2, 6])


def test_constants_broadcast():
    objective = parse_objective("x + 1")
    assert objective.value(np.zeros((5, 1))).shape == (5,)
    assert objective.gradient(np.zeros((5, 1))) == pytest.approx(np.ones((5, 1)))
    assert objective.gradient(np.zeros((3, 4, 1))).shape == (3, 4, 1)
    quadratic = parse_objective("x^2 + 3y^2")
    assert quadratic.hessian([1.0, 2.0]) == pytest.approx(np.diag([2.0, 6.0]))
    assert quadratic.hessian(np.zeros((7, 2))) == pytest.approx(
        np.tile([[2, 0], [0, 6]], (7, 1, 1))
    )
    assert parse_objective("2x").gradient(np.array([[3.0], [4.0]])) == pytest.approx(
        np.full((2, 1), 2.0)
    )


@pytest.mark.parametrize("text", ["(1-x)^2 + 100(y - x^2)^2", "x + y^2", "2x", "log(x) + y"])
def test_value_and_gradient_in_one_pass_equal_the_separate_ones(text):
    """The engine's many-runs loop evaluates f and ∇f together (shared subexpressions);
    constants broadcast and points outside the domain give NaN, as in value/gradient."""
    objective = parse_objective(text)
    points = np.random.default_rng(3).normal(size=(50, objective.dimension))
    value, gradient = objective.value_and_gradient(points)
    assert value.shape == (50,) and gradient.shape == (50, objective.dimension)
    np.testing.assert_allclose(value, objective.value(points), rtol=1e-14)
    np.testing.assert_allclose(gradient, objective.gradient(points), rtol=1e-14)


def test_one_point_and_batch_agree():
    objective = parse_objective("sin(x)*cos(y) + exp(x) sqrt(abs(y))")
    points = np.random.default_rng(2).normal(size=(10, 2))
    batch = objective.gradient(points)
    one_by_one = np.array([objective.gradient(p[None])[0] for p in points])
    assert one_by_one == pytest.approx(batch, rel=1e-13)


def test_wrong_dimension_is_a_value_error():
    with pytest.raises(ValueError, match="shape"):
        parse_objective("x^2 + y^2").gradient(np.zeros((3, 1)))


def test_accepts_lists_and_integers():
    assert parse_objective("x^2 + y").gradient([[1, 2]]) == pytest.approx(np.array([[2.0, 1.0]]))


# --- numerical trouble is inf/nan, never an exception or a warning ----------------------------

TROUBLE = [
    ("exp(x^2) + y", [[1e3, 0.0], [40.0, 0.0]]),
    ("log(x) + y", [[-1.0, 0.0], [0.0, 0.0]]),
    ("1/x + y", [[0.0, 1.0]]),
    ("x^(1/3) + sqrt(y)", [[-8.0, -1.0]]),
    ("x^100 + y^100", [[1e10, 1e10]]),
    ("asin(x) + acosh(y)", [[2.0, 0.0]]),
    ("x y", [[np.inf, 0.0], [np.nan, 1.0], [1e308, 1e308]]),
    ("abs(x) + sign(y)", [[np.nan, np.nan]]),
]


@pytest.mark.parametrize(("text", "points"), TROUBLE)
def test_overflow_and_domain_errors_give_inf_or_nan_silently(text, points):
    objective = parse_objective(text)
    points = np.array(points)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for batch in (points, points[:1], points[0]):
            value, gradient = objective.value(batch), objective.gradient(batch)
            objective.hessian(batch)
            assert value.dtype == gradient.dtype == np.float64
        assert (
            not np.isfinite(objective.gradient(points)).all()
            or not np.isfinite(objective.value(points)).all()
        )


# --- display --------------------------------------------------------------------------------------


def test_latex_and_numpy_source():
    objective = parse_objective("x^2 + 3y^2")
    assert objective.latex == "f(x, y) = x^{2} + 3 y^{2}"
    assert objective.gradient_latex == (
        r"\nabla f(x, y) = \begin{pmatrix} 2 x \\ 6 y \end{pmatrix}"
    )
    assert "def f(x, y):\n    return x**2 + 3*y**2" in objective.numpy_source
    assert "def grad_f(x, y):\n    return np.array([2*x, 6*y])" in objective.numpy_source
    ast.parse(objective.numpy_source)  # valid Python
    one_d = parse_objective("x^4 - 3x^2 + x")
    assert one_d.latex == "f(x) = x^{4} - 3 x^{2} + x"
    assert one_d.gradient_latex == "f'(x) = 4 x^{3} - 6 x + 1"
    assert "np.exp" in parse_objective("exp(-x^2)").numpy_source
    assert r"\ln" in parse_objective("ln(x^2+1)").latex


def test_objective_is_immutable():
    objective = parse_objective("x^2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        objective.text = "y"


# --- speed --------------------------------------------------------------------------------------


def test_gradient_of_one_point_costs_microseconds():
    objective = parse_objective("(1-x)^2 + 100(y - x^2)^2")
    point = np.array([[0.3, 0.4]])
    seconds = min(timeit.repeat(lambda: objective.gradient(point), number=2000, repeat=3)) / 2000
    assert seconds < 30e-6  # measured ~2 µs; generous for slow CI machines
