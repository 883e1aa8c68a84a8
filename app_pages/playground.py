"""Playground: type a cost function, choose a variant and a learning rate, watch it descend."""

from dataclasses import asdict

import streamlit as st

from app_pages import common, controls, views
from gdviz import playground as pg
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS
from gdviz.settings import COMPARE_MODES, FIELD_NAMES, MAX_STEPS, Setup, decode, encode, with_preset

setup_from_url, url_problems = decode(st.query_params.to_dict())
common.seed_state(asdict(setup_from_url), url_problems, "_playground_url_problems")
common.snap_tolerances()
common.apply_click("contour", "_last_click")


def choose_preset():
    name = st.session_state["preset"]
    if name:
        for key, value in asdict(with_preset(Setup(), name)).items():
            if key in ("function", "optimizer", "learning_rate", "start_x", "start_y", "max_steps"):
                st.session_state[key] = value
        st.session_state.pop("learning_rate_slider", None)


st.title("Gradient descent playground")
st.caption(
    "Pick a cost function J(θ), a start θ₀ and an update rule; θ rolls downhill one "
    "step at a time: θₖ₊₁ = θₖ − α ∇J(θₖ)."
)
for problem in st.session_state["_playground_url_problems"]:
    st.warning(problem)

with st.sidebar:
    st.subheader("1 · Cost function J")
    st.selectbox(
        "Preset",
        ["", *PRESETS],
        key="preset",
        on_change=choose_preset,
        format_func=lambda n: n or "— my own function —",
        help="A classic test function with a good view, start and learning rate.",
    )
    st.text_input(
        "f(x, y) =",
        key="function",
        help=common.FUNCTION_HELP,
        max_chars=300,
        placeholder="e.g. x^2 + 3y^2",
    )
    common.example_pills("function", "preset")
    f = common.parsed_or_error(st.session_state["function"])
    preset = pg.matching_preset(st.session_state["preset"], st.session_state["function"])
    if preset:
        st.caption(preset.lesson)
    st.subheader("2 · Start θ₀", help="Initialisation: the first guess. Click the plot to move it.")
    left, right = st.columns(2)
    left.number_input("x₀", -1e6, 1e6, key="start_x", format="%.4g")
    if f is None or f.dimension == 2:
        right.number_input("y₀", -1e6, 1e6, key="start_y", format="%.4g")
    st.subheader("3 · Update rule")
    name = controls.optimizer_inputs()
    with st.expander("Learning-rate schedule"):
        controls.schedule_inputs()
    st.subheader("4 · Stopping (convergence)")
    common.stopping_inputs(MAX_STEPS)
    st.subheader("5 · Compare runs")
    mode = st.radio(
        "Show", COMPARE_MODES, key="compare", horizontal=False, format_func=pg.COMPARE_LABELS.get
    )
    if mode == "optimizers":
        st.multiselect(
            "Optimizers (same α and schedule)",
            list(OPTIMIZERS),
            key="compare_optimizers",
            max_selections=6,
            format_func=lambda n: OPTIMIZERS[n].display_name,
        )
    if mode == "learning_rates":
        controls.rates_input("compare_rates")

setup = common.current(Setup, FIELD_NAMES)
st.query_params.from_dict(encode(setup))
if f is None:
    st.info("Nothing to draw until the function in the sidebar can be read. Try one of the "
            "examples under the box, or a preset.", icon=":material/arrow_back:")  # fmt: skip
    st.stop()
if setup.compare == "optimizers" and not setup.compare_optimizers:
    st.info("Choose at least one optimizer to compare.")
    st.stop()

math_left, math_right = st.columns(2)
math_left.latex(f.latex)
math_right.latex(f.gradient_latex)
hint = pg.learning_rate_hint(f, setup, preset)
if hint:
    st.caption(hint)

runs = views.cached_runs(setup, setup.function)
if len(runs) == 1:
    views.status_banner(runs[0].trajectory)
else:
    views.status_list(runs)

window = pg.view_window(f, setup, preset)
minima = preset.minima if preset else ()
animation = views.descent_charts(f, runs, window, minima, setup.schedule != "constant")
views.step_inspector(runs, f, setup.optimizer if setup.compare != "optimizers" else "")
code = st.expander("Generated NumPy code (what the engine runs)", key="code", on_change="rerun")
if code.open:  # lazy, like the step table: the code highlighter loads only when asked for
    code.code(f.numpy_source, language="python")
views.downloads(runs, f, animation)
