"""Learning-rate lab: too small crawls, too large overshoots — see it, predict it, share it."""

import streamlit as st

from app_pages import challenges, instant_rate, state, views, widgets
from app_pages.state import LAB as FORM
from gdviz.figures import basins as basin_figures
from gdviz.figures import cobweb
from gdviz.figures import lab as figures
from gdviz.figures.lab_sweep import sweep_figure
from gdviz.lessons.common import objective, preset_fields
from gdviz.lessons.learning_rate import basins
from gdviz.lessons.learning_rate import runs as lab_runs
from gdviz.lessons.learning_rate import setup as lab_settings
from gdviz.lessons.learning_rate import sweep as lab_sweep
from gdviz.lessons.learning_rate import theory as lab
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS

P, ss, TEXT = FORM.prefix, st.session_state, lab_settings.TEXT
problems = state.open_form(FORM)
ss[P + "sweep_range"] = tuple(widgets.nearest_rate(rate) for rate in ss[P + "sweep_range"])
theory = st.cache_resource(max_entries=64, show_spinner=False)(lab.theory)  # key: setup.theory_key


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(_work, setup: lab_settings.LabSetup):
    """``_work(setup, theory)``, e.g. ``lab_sweep.sweep`` (not hashed: ``setup.section`` is)."""
    return _work(setup, theory(setup.theory_key))


@st.cache_resource(max_entries=36, show_spinner=False)
def side_chart(text: str, window, minima, overlay: bool, drawn: tuple, _views, _background):
    """One side-by-side chart, keyed on what it draws (``drawn``: each path's label, colour and
    points): changing one of five rates rebuilds one chart, not five."""
    f = objective(text)
    return figures.paths_figure(f, window, minima, _views, _background, not overlay)


@st.cache_resource(max_entries=1, show_spinner=False)
def basin_store() -> dict:
    return {}  # setup -> BasinMap, filled below with a progress bar


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
    specs = lab_settings.CONTROLS[group]
    for column, c in zip(st.columns(len(specs)), specs, strict=True):
        widget = column.slider if c.style == "range" else column.number_input
        widget(c.label, c.low, c.high, key=P + c.name, **c.options)


st.title("Learning-rate lab")
st.caption(TEXT["intro"])
for problem in problems:
    st.warning(problem)
section = st.radio("Section", list(lab_settings.SECTIONS), key=P + "section", horizontal=True,
                   format_func=lab_settings.SECTIONS.get, label_visibility="collapsed")  # fmt: skip
if section == "intuition":
    st.sidebar.caption(TEXT["intuition_sidebar"])
    section_controls(section)
    setup = state.current(FORM)
    state.publish(FORM, setup)
    run, regime, product, sentence = lab_runs.parabola(
        setup.curvature, setup.rate_1d, setup.start_1d
    )
    st.markdown(f"{views.badge(regime, f'α·f″ = {product:.3g} → {regime}')} {sentence}")
    chart = cobweb.intuition_figure(run, setup.curvature, setup.rate_1d)
    views.chart(chart, P + "intuition_chart")
    st.caption(TEXT["cobweb"])
    st.stop()
with st.sidebar:
    st.selectbox("Preset", ["", *PRESETS], key=P + "preset", help=TEXT["preset"],
                 on_change=suggest, args=(False, True), format_func=lab.preset_label)  # fmt: skip
    widgets.function_box(P + "function")
    f = widgets.parsed_or_error(ss[P + "function"])
    left, right = st.columns(2)
    left.number_input(
        "x₀", *state.bounds(FORM, "start_x"), key=P + "start_x", format="%.4g", help=TEXT["start"]
    )
    if f is None or f.dimension == 2:
        right.number_input("y₀", *state.bounds(FORM, "start_y"), key=P + "start_y", format="%.4g")
    name = st.selectbox("Optimizer", list(OPTIMIZERS), key=P + "optimizer", help=TEXT["opt"],
                        format_func=lambda n: OPTIMIZERS[n].display_name)  # fmt: skip
    widgets.hyperparameter_inputs(name, P)
    if section in ("sweep", "schedules", "basins", "instant"):
        widgets.learning_rate_input(P + "learning_rate", "Your learning rate α")
    if section != "basins":  # Basins have their own step budget
        section_controls("run")

if section == "side":
    rates_column, spread_column, overlay_column = st.columns([4, 1, 1], vertical_alignment="bottom")
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
    st.stop()
info = theory(setup.theory_key)
st.caption(info.sentence())
window, minima = lab.window_of(setup, f), lab.known_minima(setup)
if section == "side":
    runs = compute(lab_runs.side_by_side, key)
    paths = figures.run_views(runs, setup.overlay)
    background = views.cached_backdrop(setup.function, window, minima) if f.dimension == 2 else None
    groups = [paths] if setup.overlay else [[path] for path in paths]
    columns = st.columns(1 if setup.overlay else min(3, len(runs)))
    for i, (run, group) in enumerate(zip(runs, groups, strict=False)):
        with columns[i % len(columns)]:
            st.markdown("" if setup.overlay else views.heading(run.name, run.verdict))
            drawn = tuple((view.label, view.colour, view.trajectory.points) for view in group)
            chart = side_chart(setup.function, window, minima, setup.overlay, drawn, group,
                               background)  # fmt: skip
            views.chart(chart, f"{P}side_chart_{i}")
    chart = figures.losses_figure(paths, info.f_star)
    views.chart(chart, P + "side_losses")
elif section == "instant":
    family = compute(lab_runs.instant_family, key)
    instant_rate.show_family(family, setup.function, window, minima, f"Hessian {info.where}")
    st.caption(TEXT["instant"])
elif section == "sweep":
    result = compute(lab_sweep.sweep, key)
    st.markdown(views.heading(result.yours.name, result.yours.verdict))
    views.chart(sweep_figure(result), P + "sweep_chart")
    st.caption(TEXT["sweep"].format(count=len(result.rates), steps=setup.max_steps))
elif section == "schedules":
    runs = compute(lab_runs.schedule_runs, key)
    st.markdown(views.verdict_table(runs, "Schedule"))
    chart = figures.schedules_figure(runs, info.f_star)
    views.chart(chart, P + "schedules_chart")
    st.caption(TEXT["schedules"])
elif f.dimension != 2:
    st.info(TEXT["basins_1d"])
else:
    if key not in (store := basin_store()):
        bar = st.progress(0.0, text=f"Running {setup.resolution**2:,} starts…")
        store[key] = basins.basin_map(key, lambda done: bar.progress(done, f"{done:.0%} done"))
        bar.empty()
    store[key] = store.pop(key)  # the most recently used last; only the last 12 are kept
    for old in list(store)[:-12]:
        del store[old]
    chart = basin_figures.basin_figure(store[key], (setup.start_x, setup.start_y))
    views.chart(chart, P + "basin_chart")
    st.caption(TEXT["basins"].format(steps=setup.basin_steps))
if section in ("side", "sweep"):  # the sweep shows your α: it can be asked about too
    kinds = ("threshold", "outcome", "steps") if section == "sweep" else ("threshold",)
    challenges.maker(vars(setup), kinds, P + "challenge")
