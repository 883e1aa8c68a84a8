"""Property tests: any text is an Objective or a ParseError; valid formulas differentiate right."""

from __future__ import annotations

import string
import time
import warnings

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdviz.parser import ParseError, parse_objective

SETTINGS = settings(
    max_examples=200,
    deadline=None,  # a property of the result, not a timing (timings live in bench/)
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
POINTS = np.array([[0.3, -0.7], [1.2, 0.4], [-1.5, 2.0], [0.0, 0.0]])


def accept_or_refuse(text: str) -> None:
    """parse_objective must return an Objective or raise ParseError, quickly, nothing else;
    evaluating an accepted formula never raises or warns, whatever the numbers."""
    start = time.perf_counter()
    try:
        objective = parse_objective(text)
    except ParseError:
        objective = None
    assert time.perf_counter() - start < 1.0, text
    if objective is None:
        return
    points = POINTS[:, : objective.dimension]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for batch in (points, points[:1], points[0]):
            assert objective.value(batch).shape == batch.shape[:-1]
            assert objective.gradient(batch).shape == batch.shape
            objective.hessian(batch)


ALPHABET = string.printable + "πх²·−×ｘ\u00a0_'\"[]{}@!;:=<>|&%$#~`"
TOKENS = [
    *"xy0123456789",
    *["pi", "e", "E", "z", "foo", "lambda", "__", "import", ".", ",", " ", "'", ";"],
    *["sin", "cos", "exp", "log", "ln", "sqrt", "abs", "sign", "atan", "tanh", "log10"],
    *["(", ")", "+", "-", "*", "/", "^", "**", "1e-3", "0.5", "1e9", "100", "9**9"],
]


@SETTINGS
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_random_text_is_an_objective_or_a_parse_error(text):
    accept_or_refuse(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_random_token_soup_is_an_objective_or_a_parse_error(text):
    accept_or_refuse(text)


# --- valid formulas from a small grammar of smooth functions -------------------------------------

LEAVES = st.sampled_from(["x", "y", "1", "2", "3", "0.5", "pi", "e", "2x", "x y"])


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda ab: f"({ab[0]}) + ({ab[1]})"),
        pair.map(lambda ab: f"({ab[0]}) - ({ab[1]})"),
        pair.map(lambda ab: f"({ab[0]})({ab[1]})"),
        pair.map(lambda ab: f"({ab[0]}) / (1 + ({ab[1]})^2)"),
        children.map(lambda a: f"-({a})"),
        st.tuples(children, st.sampled_from(["2", "3"])).map(lambda ab: f"({ab[0]})^{ab[1]}"),
        st.tuples(st.sampled_from(["sin", "cos", "tanh", "atan"]), children).map(
            lambda fa: f"{fa[0]}({fa[1]})"
        ),
        children.map(lambda a: f"exp(-({a})^2)"),
        children.map(lambda a: f"sqrt(1 + ({a})^2)"),
        children.map(lambda a: f"log(1 + ({a})^2)"),
    )


FORMULAS = st.recursive(LEAVES, combine, max_leaves=8)


@SETTINGS
@given(FORMULAS, st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2))
def test_valid_formulas_have_gradients_matching_finite_differences(text, coordinates):
    try:
        objective = parse_objective(text)
    except ParseError as error:  # only a constant or an over-complicated formula may be refused
        assert "depend on x" in str(error) or "simpler one" in str(error), (text, error)
        return
    point = np.array(coordinates[: objective.dimension])
    value, gradient = objective.value(point), objective.gradient(point)
    assume(np.isfinite(value) and abs(value) < 1e6 and np.all(np.isfinite(gradient)))
    step = 1e-6
    for axis in range(objective.dimension):
        shift = np.eye(objective.dimension)[axis] * step
        central = (objective.value(point + shift) - objective.value(point - shift)) / (2 * step)
        tolerance = 1e-4 * (1 + abs(gradient[axis])) + 1e-9 * (1 + abs(value)) / step
        assert abs(gradient[axis] - central) <= tolerance, (text, point, gradient, central)
    assert objective.hessian(point).shape == (objective.dimension,) * 2
