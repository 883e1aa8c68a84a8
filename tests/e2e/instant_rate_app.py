"""A minimal page showing one Instant-α view, for the browser test and the benchmark.

``?example=bowl|parabola|wells|seed&optimizer=gd|momentum|…``. It prints how many times the
script ran, so a test can tell that dragging α ran nothing. ``build`` is the server's whole
work for one view (bench/instant_rate_bench.py times it).
"""

from __future__ import annotations

from functools import cache

from gdviz import parse_objective, seed_example
from gdviz.family import rate_family
from gdviz.figures.instant_rate import auto_window, background, family_view
from gdviz.figures.instant_rate_page import ViewText, plain_formula
from gdviz.presets import PRESETS

PRESET_EXAMPLES = {
    "bowl": "Elongated bowl",
    "parabola": "Parabola (1-D)",
    "wells": "Double well (1-D)",
}
SEED_FORMULA = "J(θ) = (1/m)·‖Xθ − y‖², X = [[1, 2], [1, 3], [1, 4]], y = [2, 5, 9]"


@cache
def setup(example: str):
    """(problem, start, minima, window, names, formula, where the Hessian is taken)."""
    if example == "seed":
        problem = seed_example()
        minimum = tuple(problem.solution)
        return problem, (0.0, 0.0), (minimum,), None, (("θ₀", "θ₁"), "J"), SEED_FORMULA, None
    preset = PRESETS[PRESET_EXAMPLES[example]]
    problem = parse_objective(preset.text)
    names = ", ".join(problem.variables)
    formula = f"f({names}) = {plain_formula(problem.text)}"
    minimum = preset.minima[-1]  # the one the start rolls into
    return problem, preset.start, preset.minima, preset.window, (("x", "y"), "f"), formula, minimum


@cache
def cached_background(example: str) -> tuple:
    """The path plot's background and the window (depends on f and the window only)."""
    problem, start, minima, window, (axes, name), *_ = setup(example)
    if window is None:  # the data problem: a window around the runs of a first family
        window = auto_window(rate_family(problem, start, "gd"), problem, minima)
    return background(problem, window, minima, axis_titles=axes, function_name=name), window


def build(example: str = "bowl", optimizer: str = "gd", learning_rate=0.05, **rules) -> dict:
    """The family (one batched call) and its view: what the server does per setup; ``rules``
    (``max_steps``, ``grad_tol``, …) go to :func:`~gdviz.family.rate_family`."""
    problem, start, minima, _, _, formula, hessian_at = setup(example)
    path, _ = cached_background(example)
    family = rate_family(
        problem, start, optimizer, learning_rate=learning_rate, hessian_at=hessian_at, **rules
    )
    where = "Hessian at the minimum" if hessian_at is not None else "constant Hessian"
    return family_view(family, problem, ViewText.for_family(family, formula, where), path, minima)


def page() -> None:
    import streamlit as st

    from app_pages import instant_rate

    st.set_page_config(layout="wide")
    st.session_state.runs = st.session_state.get("runs", 0) + 1
    st.caption(f"script runs: {st.session_state.runs}")
    example = st.query_params.get("example", "bowl")
    optimizer = st.query_params.get("optimizer", "gd")
    rate = float(st.query_params.get("lr", "0.05"))
    instant_rate.show(build(example, optimizer, rate))


if __name__ == "__main__":
    page()
