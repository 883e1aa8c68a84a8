"""Playground: type a cost function, choose a variant and a learning rate, watch it descend."""

import streamlit as st

from app_pages import challenges, state, views, widgets
from app_pages.state import PLAYGROUND as FORM
from gdviz.lessons.common import matching_preset, preset_fields, view_window
from gdviz.lessons.learning_rate import setup as lab_settings
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.lessons.playground import runs as pg
from gdviz.lessons.playground.setup import COMPARE_MODES
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS

CLICK = "_last_click"  # where the last click on the chart put θ₀

problems = state.open_form(FORM)
widgets.apply_click("contour", CLICK)
shown = state.display()


def choose_preset():
    state.set_fields(FORM, preset_fields(st.session_state["preset"]))


st.title("Gradient descent playground")
views.lead("θ rolls downhill one step at a time: θₖ₊₁ = θₖ − α ∇J(θₖ).")
for problem in problems:
    st.warning(problem)

with st.sidebar:
    with widgets.group("1 · Cost function J", "function", essential=True):
        st.selectbox(
            "Preset",
            ["", *PRESETS],
            key="preset",
            on_change=choose_preset,
            format_func=lambda n: n or "— my own function —",
            help="A classic test function with a good view, start and learning rate.",
        )
        widgets.function_box("function", placeholder="e.g. x^2 + 3y^2")
        f = widgets.parsed_or_error(st.session_state["function"])
    with widgets.group("2 · Update rule", "optimizer", essential=True):
        name = widgets.optimizer_inputs(rate_label=None)  # α sits above the chart
    with widgets.group("Examples and the preset's lesson", "examples", heading=False):
        widgets.example_pills("function", "preset")
        preset = matching_preset(st.session_state["preset"], st.session_state["function"])
        if preset:
            st.caption(preset.lesson)
    with widgets.group("3 · Start θ₀", "start", help="The first guess. Click the plot to move it."):
        left, right = st.columns(2)
        left.number_input("x₀", *state.bounds(FORM, "start_x"), key="start_x", format="%.4g")
        if f is None or f.dimension == 2:
            right.number_input("y₀", *state.bounds(FORM, "start_y"), key="start_y", format="%.4g")
    with widgets.group("Learning-rate schedule", "schedule", folded=True):
        widgets.schedule_inputs(FORM)
    with widgets.group("4 · Stopping (convergence)", "stopping"):
        widgets.stopping_inputs(FORM)
    with widgets.group("5 · Compare runs", "compare"):
        mode = st.radio("Show", COMPARE_MODES, key="compare", format_func=pg.COMPARE_LABELS.get)
        if mode == "optimizers":
            st.multiselect(
                "Optimizers (same α and schedule)",
                list(OPTIMIZERS),
                key="compare_optimizers",
                max_selections=6,
                format_func=lambda n: OPTIMIZERS[n].display_name,
            )
        if mode == "learning_rates":
            widgets.rates_input("compare_rates")


@st.fragment
def lesson(f, preset) -> None:
    """α, the run and everything drawn from it. Its own rerun when α changes: the sidebar and
    the page's frame stay as they are (a class's server does half the work per change)."""
    if widgets.clicked("contour", CLICK):
        st.rerun()  # the click moves θ₀: the whole page applies it (the sidebar shows θ₀)
    if f is not None:
        widgets.rate_row("playground")
    setup = state.current(FORM)
    state.publish(FORM, setup)
    if f is None:
        st.info("Nothing to draw until the function in the sidebar can be read. Try one of the "
                "examples under the box, or a preset.", icon=":material/arrow_back:")  # fmt: skip
        return
    if setup.compare == "optimizers" and not setup.compare_optimizers:
        st.info("Choose at least one optimizer to compare.")
        return

    runs = views.cached_runs(setup, setup.function)
    window = view_window(f, setup, preset)
    minima = preset.minima if preset else ()
    panels = shown.shows("metrics")  # f, ‖∇f‖ and α: beside the contour, in its own figure
    shares = (5, 2) if panels else (3, 2)
    chart_column, side_column = st.columns(shares, gap="medium")
    with side_column:
        view = views.VIEWS[0]
        if f.dimension == 2:
            view = st.segmented_control("View", views.VIEWS, default=views.VIEWS[0], key="view",
                                        label_visibility="collapsed")  # fmt: skip
        if len(runs) == 1:
            views.status_banner(runs[0].trajectory, found=runs[0].verdict)
        else:
            views.status_list(runs, f)
        seen = views.inspection(setup, runs)  # the inspected run and the step the chart shows
        if shown.shows("math"):
            views.formulas(f, setup.optimizer if setup.compare != "optimizers" else "")
            first = runs[0]  # theory where it went, if that is a minimum
            reached = first.trajectory.final_point if first.verdict.kind == "converged" else None
            hint = pg.learning_rate_hint(f, setup, preset, reached)
            if hint:
                st.caption(hint)
        if panels and view == views.VIEWS[1]:  # the surface does not animate: its panels apart
            views.step_metrics(runs, setup.schedule != "constant", seen)
        if shown.shows("instant"):
            lab_setup = LabSetup(section="instant", preset=setup.preset, function=setup.function,
                                 optimizer=setup.optimizer, learning_rate=setup.learning_rate,
                                 start_x=setup.start_x, start_y=setup.start_y,
                                 max_steps=min(setup.max_steps, 5000),
                                 **setup.hyperparameters)  # fmt: skip
            st.page_link("app_pages/learning_rate.py", icon=":material/tune:",
                         label="Drag α live: this setup in Instant α",
                         query_params=lab_settings.encode(lab_setup))  # fmt: skip
    with chart_column:
        animation = views.descent_view(
            f, runs, window, minima, seen, view or views.VIEWS[0], panels=panels,
            show_learning_rate=setup.schedule != "constant", share=shares[0] / sum(shares),
        )  # fmt: skip
    if shown.shows("inspector"):
        views.step_inspector(runs, seen, f)
    if shown.shows("code"):
        code = st.expander("Generated NumPy code (what the engine runs)", key="code",
                           on_change="rerun")  # fmt: skip
        if code.open:  # lazy, like the step table: the code highlighter loads only when asked for
            code.code(f.numpy_source, language="python")
    if shown.shows("downloads"):
        views.downloads(setup, runs, f, animation)
    if shown.shows("challenge"):
        racers = setup.compare_optimizers if setup.compare == "optimizers" else ()
        kinds = ("race",) * (2 <= len(racers) <= 4) + ("outcome", "steps", "threshold", "basin")
        challenges.maker(vars(setup) | ({"racers": racers} if racers else {}), kinds, "challenge")


lesson(f, preset)
