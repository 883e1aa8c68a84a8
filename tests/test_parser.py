"""Parser: what students type is accepted, anything else is a ParseError; derivatives are right."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import time
import timeit
import warnings

import numpy as np
import pytest
import sympy as sp

import gdviz.parser as parser_module
from gdviz.parser import ALLOWED_FUNCTIONS, Objective, ParseError, parse_objective

x, y = sp.symbols("x y", real=True)

# --- accepted input ---------------------------------------------------------------------------

ACCEPTED = [
    ("x^2 + 3y^2", x**2 + 3 * y**2, ("x", "y")),
    ("2x", 2 * x, ("x",)),
    ("sin(x)*cos(y)", sp.sin(x) * sp.cos(y), ("x", "y")),
    ("(1-x)^2 + 100(y - x^2)^2", (1 - x) ** 2 + 100 * (y - x**2) ** 2, ("x", "y")),
    ("exp(-(x^2+y^2))", sp.exp(-(x**2 + y**2)), ("x", "y")),
    ("ln(x^2+1)", sp.log(x**2 + 1), ("x",)),
    ("log(x^2+1)", sp.log(x**2 + 1), ("x",)),
    ("abs(x) + y^2", sp.Abs(x) + y**2, ("x", "y")),
    ("sqrt(x^2+y^2+1)", sp.sqrt(x**2 + y**2 + 1), ("x", "y")),
    ("x^4 - 3x^2 + x", x**4 - 3 * x**2 + x, ("x",)),
    ("x**2", x**2, ("x",)),
    ("2 x y", 2 * x * y, ("x", "y")),
    ("x y", x * y, ("x", "y")),
    ("xy", x * y, ("x", "y")),
    ("0.5x^2", x**2 / 2, ("x",)),
    ("1e-3 x^2", x**2 / 1000, ("x",)),
    (".5x", x / 2, ("x",)),
    ("2(x+1)", 2 * x + 2, ("x",)),
    ("(x+1)(y-1)", (x + 1) * (y - 1), ("x", "y")),
    ("x(y+1)", x * (y + 1), ("x", "y")),
    ("3 sin(x)", 3 * sp.sin(x), ("x",)),
    ("x sin(y)", x * sp.sin(y), ("x", "y")),
    ("-x^2", -(x**2), ("x",)),
    ("x^-2 + 1", x**-2 + 1, ("x",)),
    ("2^-x", 2**-x, ("x",)),
    ("x^2^2", x**4, ("x",)),
    ("--x", x, ("x",)),
    ("1/2x", x / 2, ("x",)),
    ("e^x", sp.exp(x), ("x",)),
    ("exp(x)", sp.exp(x), ("x",)),
    ("xexp(x)", x * sp.exp(x), ("x",)),
    ("pi x^2", sp.pi * x**2, ("x",)),
    ("π x²", sp.pi * x**2, ("x",)),
    ("x² + y³", x**2 + y**3, ("x", "y")),
    ("2·x − 1", 2 * x - 1, ("x",)),
    ("  x^2\t+\n y^2  ", x**2 + y**2, ("x", "y")),
    ("y^2", y**2, ("x", "y")),  # a function of y alone is still 2-D
    ("x + y - y", x, ("x", "y")),
    ("log10(x)", sp.log(x) / sp.log(10), ("x",)),
    ("log2(x) + x", sp.log(x) / sp.log(2) + x, ("x",)),
    ("arcsin(x) + arccos(x) + arctan(x)", sp.asin(x) + sp.acos(x) + sp.atan(x), ("x",)),
    ("tanh(x) + sinh(y) + cosh(x)", sp.tanh(x) + sp.sinh(y) + sp.cosh(x), ("x", "y")),
    ("sec(x) + csc(x) + cot(x)", sp.sec(x) + sp.csc(x) + sp.cot(x), ("x",)),
    ("sign(x) + x", sp.sign(x) + x, ("x",)),
    ("abs(log(x))", sp.Abs(sp.log(x)), ("x",)),
    ("x^100", x**100, ("x",)),
    ("(2x)^10", 1024 * x**10, ("x",)),
    ("x/2 + 10^3 y", x / 2 + 1000 * y, ("x", "y")),
    ("sin(pi/6) x", x / 2, ("x",)),
    ("exp(-0.2sqrt(0.5(x^2+y^2)))", sp.exp(-0.2 * sp.sqrt(0.5 * (x**2 + y**2))), ("x", "y")),
]


@pytest.mark.parametrize(("text", "expected", "variables"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted(text, expected, variables):
    objective = parse_objective(text)
    assert sp.simplify(objective.expr - expected) == 0
    assert objective.variables == variables
    assert objective.dimension == len(variables)
    assert isinstance(objective, Objective)


@pytest.mark.parametrize("name", ALLOWED_FUNCTIONS)
def test_every_allowed_function_parses_and_differentiates(name):
    point = np.array([1.5 if name in ("acosh", "arccosh") else 0.3])
    objective = parse_objective(f"{name}(x)")
    assert objective.gradient(point) == pytest.approx(central_gradient(objective, point), rel=1e-6)


def test_allowed_functions_is_a_tuple_of_names_for_the_help_text():
    assert isinstance(ALLOWED_FUNCTIONS, tuple)
    assert {"sin", "cos", "exp", "log", "ln", "sqrt", "abs", "arctan"} <= set(ALLOWED_FUNCTIONS)
    assert all(name.isalnum() and name.islower() for name in ALLOWED_FUNCTIONS)


def test_text_is_normalised():
    assert parse_objective("  x^2 \n +  y^2 ").text == "x^2 + y^2"
    assert parse_objective("π x²").text == "pi x^2"


# --- rejected input ---------------------------------------------------------------------------

REJECTED = [
    ("", "Type a formula"),
    ("   \t\n", "Type a formula"),
    ("3", "must depend on x"),
    ("pi", "must depend on x"),
    ("x - x", "must depend on x"),
    ("z^2", "Unknown variable 'z': use x (and y)"),
    ("sin(z)", "Unknown variable 'z'"),
    ("foo(x)", "Unknown function 'foo'. Allowed: sin, cos"),
    ("cumsum(x)", "Unknown function 'cumsum'"),
    ("abc + x", "Unknown name 'abc'"),
    ("__import__('os')", "not allowed"),
    ("x.__class__", "not allowed"),
    ("().__class__", "not allowed"),
    ("lambda: 1", "not allowed"),
    ("[x]", "round brackets"),
    ("x if 1 else 2", "Unknown name 'if'"),
    ("x==1", "no '='"),
    ("x; y", "';'"),
    ("9**9**9", "above"),
    ("9^9^9", "above"),
    ("x^(10^10)", "above"),
    ("x^1000", "exponent"),
    ("x^200 + 1", "exponent"),
    ("((2x)^100)^100", "too large"),
    ("(x^10)^20", "too large"),
    ("factorial(1000000)", "Unknown function 'factorial'"),
    ("1000000!", "factorial"),
    ("(" * 1000, "too long"),
    ("(" * 100 + "x" + ")" * 100, "nested parentheses"),
    ("-" * 5000 + "x", "too long"),
    ("-" * 250 + "x", "nested too deeply"),
    ("x" * 1_000_000, "too long"),
    ("x+" * 149 + "x", "too long"),
    ("х^2", "CYRILLIC"),  # Cyrillic х
    ("ｘ^2", "FULLWIDTH"),
    ("x＋1", "FULLWIDTH"),
    ("Symbol('x')", "not allowed"),
    ("(x+1", "The '(' at character 1 is never closed"),
    ("x+1)", "Unmatched ')' at character 4"),
    ("sin()", "sin() at character 1 needs an argument"),
    ("()", "Empty parentheses"),
    ("sin(x, y)", "one argument"),
    ("x, y", "','"),
    ("x^^2", "Unexpected '^' at character 3"),
    ("2**", "ends with '**'"),
    ("x*", "ends with"),
    ("*x", "Unexpected '*'"),
    ("x***2", "Unexpected"),
    ("'x'", "not allowed"),
    ('"x"', "not allowed"),
    ("1e999", "too large"),
    ("1e7 x", "too large"),
    ("10000000x", "too large"),
    ("x @ y", "'@'"),
    ("sin(x=1)", "'='"),
    ("sin(*x)", "Unexpected '*'"),
    ("sin(**x)", "Unexpected"),
    ("exec", "Unknown name 'exec'"),
    ("exec(x)", "Unknown function 'exec'"),
    ("eval(x)", "Unknown function 'eval'"),
    ("open(x)", "Unknown function 'open'"),
    ("x and y", "Unknown name 'and'"),
    ("x or y", "Unknown name 'or'"),
    ("not x", "Unknown name 'not'"),
    ("E^x", "lower case"),
    ("X^2", "lower case"),
    ("Sin(x)", "lower case"),
    ("I*x", "Unknown variable 'I'"),
    ("N(x)", "Unknown function 'N'"),
    ("S(x)", "Unknown function 'S'"),
    ("x/0", "undefined"),
    ("log(0) + x", "undefined"),
    ("sqrt(-1) + x", "not a real number"),
    ("(-8)^(1/3) + x", "not a real number"),
    ("acos(2) x", "not a real number"),
    ("exp(100) x", "above"),
    ("sin x", "needs parentheses"),
    ("sin^2(x)", "needs parentheses"),
    ("x2", "Missing operator before '2'"),
    ("2 3 x", "Missing operator"),
    (".", "Unexpected '.'"),
    ("x.y", "Unexpected '.'"),
    ("1.2.3x", "Missing operator"),
    ("|x|", "abs(x)"),
    ("x{1}", "round brackets"),
    ("x # comment", "'#'"),
    ("x\\y", "not allowed"),
    ("0x10", "Missing operator"),
    ("x_1", "'_'"),
    ("^".join(["x"] * 21), "too complicated"),  # x^x^x^…: derivatives explode
    ("exp(" * 18 + "x y" + ")" * 18, "too complicated"),
    (None, "must be text"),
    (b"x^2", "must be text"),
]


@pytest.mark.parametrize(("text", "phrase"), REJECTED, ids=[repr(r[0])[:40] for r in REJECTED])
def test_rejected_within_one_second(text, phrase):
    start = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        parse_objective(text)
    assert time.perf_counter() - start < 1.0
    assert phrase in str(caught.value)
    assert type(caught.value) is ParseError and isinstance(caught.value, ValueError)


def test_errors_know_where():
    with pytest.raises(ParseError) as caught:
        parse_objective("x + (y")
    assert caught.value.position == 4
    with pytest.raises(ParseError) as caught:
        parse_objective("x^2 + 3z")
    assert caught.value.position == 7 and "At character 8" in str(caught.value)


def test_unknown_names_are_never_split_into_letters():
    for text in ("foo(x)", "xfoo", "sinus(x)", "cumsum(x)"):
        with pytest.raises(ParseError, match="Unknown"):
            parse_objective(text)


def test_module_never_calls_eval_exec_or_sympify():
    tree = ast.parse(inspect.getsource(parser_module))
    forbidden = {"eval", "exec", "sympify", "parse_expr", "S", "__import__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            assert name not in forbidden, ast.unparse(node)
            assert not (isinstance(node.func, ast.Name) and name == "compile")


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


def central_gradient(objective, point, step=1e-6):
    """(f(p + h e_i) - f(p - h e_i)) / 2h, for every i."""
    eye = np.eye(objective.dimension) * step
    return np.array(
        [(objective.value(point + e) - objective.value(point - e)) / (2 * step) for e in eye]
    )


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
