"""Learning-rate lab: too small crawls, too large overshoots — see it, predict it, share it."""

import streamlit as st

from app_pages import challenges, state, views, widgets
from app_pages import lab_sections as sections
from app_pages.lab_sections import theory
from app_pages.state import LAB as FORM
from gdviz.lessons.common import preset_fields
from gdviz.lessons.learning_rate import setup as lab_settings
from gdviz.lessons.learning_rate import theory as lab
from gdviz.presets import PRESETS

P, ss, TEXT = FORM.prefix, st.session_state, lab_settings.TEXT
problems = state.open_form(FORM)
shown = state.display()
ss[P + "sweep_range"] = tuple(widgets.nearest_rate(rate) for rate in ss[P + "sweep_range"])


def suggest(spread_only: bool = False, preset: bool = False) -> None:
    """α and five side-by-side rates from the stability limit (after a preset's f and θ₀)."""
    changes = preset_fields(ss[P + "preset"], lab_settings.START_FIELDS) if preset else {}
    if preset and not changes:
        return  # '— my own function —' keeps the function and the rates as they are
    state.set_fields(FORM, changes)
    info = theory(state.current(FORM).theory_key)
    single, spread = lab.suggested_rates(info, ss[P + "optimizer"])
    ss[P + "rates_text"] = ", ".join(f"{r:g}" for r in spread)
    state.set_fields(FORM, {"rates": spread} | ({} if spread_only else {"learning_rate": single}))


def section_controls(group: str) -> None:
    widgets.controls(P, lab_settings.CONTROLS[group])


st.title("Learning-rate lab")
views.lead(TEXT["lead"])
for problem in problems:
    st.warning(problem)
with widgets.part("sections", "lab"):
    section = st.radio("Section", list(lab_settings.SECTIONS), key=P + "section",
                       horizontal=True, format_func=lab_settings.SECTIONS.get,
                       label_visibility="collapsed")  # fmt: skip
dark = state.look().dark
if section == "intuition":
    st.sidebar.caption(TEXT["intuition_sidebar"])
    section_controls(section)
    setup = state.current(FORM)
    state.publish(FORM, setup)
    sections.intuition(setup)
    st.stop()
with st.sidebar:
    with widgets.group("Function and start θ₀", "function", essential=True):
        st.selectbox("Preset", ["", *PRESETS], key=P + "preset", help=TEXT["preset"],
                     on_change=suggest, args=(False, True),
                     format_func=lab.preset_label)  # fmt: skip
        widgets.function_box(P + "function")
        f = widgets.parsed_or_error(ss[P + "function"])
        with widgets.part("start", "lab"):
            left, right = st.columns(2)
            left.number_input("x₀", *state.bounds(FORM, "start_x"), key=P + "start_x",
                              format="%.4g", help=TEXT["start"])  # fmt: skip
            if f is None or f.dimension == 2:
                right.number_input("y₀", *state.bounds(FORM, "start_y"), key=P + "start_y",
                                   format="%.4g")  # fmt: skip
    with widgets.group("Update rule", "optimizer", essential=True):
        own_rate = section in ("sweep", "schedules", "basins", "instant")
        widgets.optimizer_inputs(P, "Your learning rate α" if own_rate else None, TEXT["opt"])
    if section != "basins":  # Basins have their own step budget
        with widgets.group("Step budget", "stopping"):
            section_controls("run")


@st.fragment
def lesson(section: str, f, dark: bool) -> None:
    """The section's own controls, its runs and charts. Its own rerun when they change (the
    side-by-side rates, the sweep's range): the sidebar and the page's frame stay as they are."""
    if section == "side":
        rates_column, spread_column, overlay_column = widgets.part("rate", "lab").columns(
            [3, 1, 1], vertical_alignment="bottom"
        )
        with rates_column:
            widgets.rates_input(P + "rates")
        spread_column.button("Spread", key=P + "spread", on_click=suggest, args=(True,),
                             help=TEXT["spread"], disabled=f is None)  # fmt: skip
        overlay_column.toggle("Overlay", key=P + "overlay", help=TEXT["overlay"])
    elif section == "sweep" and not st.toggle("Automatic range", key=P + "auto_range",
                                              help=TEXT["auto_range"]):  # fmt: skip
        ss[P + "sweep_range"] = st.select_slider(
            "Sweep range", widgets.RATE_CHOICES, ss[P + "sweep_range"], "{:g}".format,
            key=P + "sweep_range_slider", help=TEXT["range"])  # fmt: skip
    elif section == "basins":
        section_controls(section)
    elif section == "schedules":
        with st.expander("Schedule parameters"):
            section_controls(section)

    setup = state.current(FORM)
    state.publish(FORM, setup)
    key = setup.only("section", *lab_settings.USES[section])
    if f is None:
        return
    info = theory(setup.theory_key)
    window, minima = lab.window_of(setup, f), lab.known_minima(setup)
    height = views.chart_height({"side": 310, "schedules": 290}.get(section, 300), least=400)
    sections.DRAW[section](
        sections.Scene(setup, key, f, info, window, minima, height, dark, shown.shows("losses"))
    )
    if shown.shows("math"):
        st.caption(info.sentence(setup.learning_rate if f.dimension == 1 else None))
    st.caption(TEXT["intro"])
    if section in ("side", "sweep") and shown.shows("challenge"):  # the sweep shows your α
        kinds = ("threshold", "outcome", "steps") if section == "sweep" else ("threshold",)
        challenges.maker(vars(setup), kinds, P + "challenge")


lesson(section, f, dark)
