"""Learning-rate lab: too small crawls, too large overshoots — see it, predict it, share it."""

import streamlit as st

from gdviz import lab
from gdviz import lab_settings as settings
from gdviz.figures import lab as figures
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS
from pages import common, views

P, ss, CONFIG = settings.PREFIX, st.session_state, common.CHART_CONFIG
url_setup, url_problems = settings.decode(st.query_params.to_dict())
common.seed_state(settings.state_values(url_setup), url_problems, P + "problems")
for key in settings.STATE_KEYS:
    ss[key] = ss[key]  # keep the values of widgets that another section hides
ss[P + "sweep_range"] = tuple(common.nearest_rate(rate) for rate in ss[P + "sweep_range"])
theory = st.cache_resource(max_entries=64, show_spinner=False)(lab.theory)  # key: setup.theory_key


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(kind: str, setup: settings.LabSetup):
    return getattr(lab, kind)(setup, theory(setup.theory_key))


@st.cache_resource(max_entries=1, show_spinner=False)
def basin_store() -> dict:
    return {}  # setup -> BasinMap, filled below with a progress bar


def suggest(spread_only: bool = False, preset: bool = False) -> None:
    """α and five side-by-side rates from the stability limit (after a preset's f and θ₀)."""
    changes = settings.preset_state(ss[P + "preset"]) if preset else {}
    if preset and not changes:
        return  # '— my own function —' keeps the function and the rates as they are
    ss.update(changes)
    setup = settings.from_state(ss)
    single, spread = lab.suggested_rates(theory(setup.theory_key), setup.optimizer)
    ss[P + "rates"], ss[P + "rates_text"] = list(spread), ", ".join(f"{r:g}" for r in spread)
    if not spread_only:
        ss[P + "learning_rate"] = single
        ss.pop(P + "learning_rate_slider", None)


def controls(group: str) -> None:
    specs = settings.CONTROLS[group]
    for column, c in zip(st.columns(len(specs)), specs, strict=True):
        getattr(column, c.kind)(c.label, c.low, c.high, key=P + c.name, **c.options)


st.title("Learning-rate lab")
st.caption(lab.TEXT["intro"])
for problem in ss[P + "problems"]:
    st.warning(problem)
section = st.radio("Section", list(settings.SECTIONS), key=P + "section", horizontal=True,
                   format_func=settings.SECTIONS.get, label_visibility="collapsed")  # fmt: skip
if section == "intuition":
    st.sidebar.caption(lab.TEXT["intuition_sidebar"])
    controls(section)
    setup = settings.from_state(ss)
    st.query_params.from_dict(settings.encode(setup))
    run, regime, sentence = lab.parabola(setup.curvature, setup.rate_1d, setup.start_1d)
    st.markdown(sentence)
    chart = figures.intuition_figure(run, setup.curvature, setup.rate_1d)
    st.plotly_chart(chart, key=P + "intuition_chart", config=CONFIG)
    st.caption(lab.TEXT["cobweb"])
    st.stop()
with st.sidebar:
    st.selectbox("Preset", ["", *PRESETS], key=P + "preset", help=lab.TEXT["preset"],
                 on_change=suggest, args=(False, True), format_func=lab.preset_label)  # fmt: skip
    st.text_input("f(x, y) =", key=P + "function", help=common.FUNCTION_HELP, max_chars=300)
    f = common.parsed_or_error(ss[P + "function"])
    left, right = st.columns(2)
    left.number_input("x₀", -1e6, 1e6, key=P + "start_x", format="%.4g", help=lab.TEXT["start"])
    if f is None or f.dimension == 2:
        right.number_input("y₀", -1e6, 1e6, key=P + "start_y", format="%.4g")
    name = st.selectbox("Optimizer", list(OPTIMIZERS), key=P + "optimizer", help=lab.TEXT["opt"],
                        format_func=lambda n: OPTIMIZERS[n].display_name)  # fmt: skip
    common.hyperparameter_inputs(name, P)
    if section in ("sweep", "schedules", "basins"):
        common.learning_rate_input(P + "learning_rate", "Your learning rate α")
    if section != "basins":  # Basins have their own step budget
        controls("run")

if section == "side":
    rates_column, spread_column, overlay_column = st.columns([4, 1, 1], vertical_alignment="bottom")
    with rates_column:
        common.rates_input(P + "rates")
    spread_column.button("Spread", key=P + "spread", on_click=suggest, args=(True,),
                         help=lab.TEXT["spread"], disabled=f is None)  # fmt: skip
    overlay_column.toggle("Overlay", key=P + "overlay", help=lab.TEXT["overlay"])
elif section == "sweep" and not st.toggle("Automatic range", key=P + "auto_range",
                                          help=lab.TEXT["auto_range"]):  # fmt: skip
    ss[P + "sweep_range"] = st.select_slider(
        "Sweep range", common.RATE_CHOICES, ss[P + "sweep_range"], "{:g}".format,
        key=P + "range_slider", help=lab.TEXT["range"])  # fmt: skip
elif section == "basins":
    controls(section)
elif section == "schedules":
    with st.expander("Schedule parameters"):
        controls(section)

setup = settings.from_state(ss)
st.query_params.from_dict(settings.encode(setup))
key = setup.only(*settings.USES[section])
if f is None:
    st.stop()
info = theory(setup.theory_key)
st.caption(info.sentence())
window, preset = lab.window_of(setup, f), lab.preset_of(setup)
minima = preset.minima if preset else ()
if section == "side":
    runs = compute("side_by_side", key)
    paths = figures.run_views(runs, setup.overlay)
    background = views.cached_backdrop(setup.function, window, minima) if f.dimension == 2 else None
    groups = [paths] if setup.overlay else [[path] for path in paths]
    columns = st.columns(1 if setup.overlay else min(3, len(runs)))
    for i, (run, group) in enumerate(zip(runs, groups, strict=False)):
        with columns[i % len(columns)]:
            st.markdown("" if setup.overlay else run.heading)
            chart = figures.paths_figure(f, window, minima, group, background, not setup.overlay)
            st.plotly_chart(chart, key=f"{P}side_chart_{i}", config=CONFIG)
    chart = figures.losses_figure(paths, info.f_star)
    st.plotly_chart(chart, key=P + "side_losses", config=CONFIG)
elif section == "sweep":
    result = compute("sweep", key)
    st.markdown(result.yours.heading)
    st.plotly_chart(figures.sweep_figure(result), key=P + "sweep_chart", config=CONFIG)
    st.caption(lab.TEXT["sweep"].format(count=len(result.rates), steps=setup.max_steps))
elif section == "schedules":
    runs = compute("schedule_runs", key)
    st.markdown(lab.verdict_table(runs, "Schedule"))
    chart = figures.schedules_figure(runs, info.f_star)
    st.plotly_chart(chart, key=P + "schedules_chart", config=CONFIG)
    st.caption(lab.TEXT["schedules"])
elif f.dimension != 2:
    st.info(lab.TEXT["basins_1d"])
else:
    store = basin_store()
    if key not in store:
        bar = st.progress(0.0, text=f"Running {setup.resolution**2:,} starts…")
        store[key] = lab.basin_map(key, lambda done: bar.progress(done, f"{done:.0%} done"))
        bar.empty()
    store[key] = store.pop(key)  # the most recently used last; only the last 12 are kept
    for old in list(store)[:-12]:
        del store[old]
    chart = figures.basin_figure(store[key], (setup.start_x, setup.start_y))
    st.plotly_chart(chart, key=P + "basin_chart", config=CONFIG)
    st.caption(lab.TEXT["basins"].format(steps=setup.basin_steps))
