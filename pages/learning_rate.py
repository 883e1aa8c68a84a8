"""Learning-rate lab: too small crawls, too large overshoots and diverges — see it and predict it."""

from dataclasses import asdict

import streamlit as st

from gdviz import lab
from gdviz.figures import lab as figures
from gdviz.figures.animation import PALETTE
from gdviz.figures.charts import metrics_figure
from gdviz.figures.contour import RunView, descent_figure
from gdviz.figures.curve import curve_figure
from gdviz.lab_settings import FIELD_NAMES, SECTIONS, USES, LabSetup, decode, encode
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS
from pages import common, views

P, ss, CONFIG = "lr_", st.session_state, common.CHART_CONFIG
url_setup, url_problems = decode(st.query_params.to_dict())
common.seed_state({P + k: v for k, v in asdict(url_setup).items()}, url_problems, P + "problems")
for key in [P + n for n in FIELD_NAMES] + [P + "learning_rate_slider", P + "rates_text"]:
    if key in ss:
        ss[key] = ss[key]  # keep the values of widgets another section hides
ss[P + "sweep_range"] = [common.nearest_rate(rate) for rate in ss[P + "sweep_range"]]
now = lambda: LabSetup(**{n: tuple(v) if isinstance(v := ss[P + n], list) else v for n in FIELD_NAMES})  # noqa: E501, E731
theory = st.cache_resource(max_entries=64, show_spinner=False)(lab.theory)
badge = lambda region, text: st.markdown(f":{lab.REGION_BADGES[region]}-badge[{text}]")  # noqa: E731


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(kind: str, setup: LabSetup):
    return getattr(lab, kind)(setup, theory(setup.only(*USES["sweep"][:-2])))


@st.cache_resource(max_entries=1, show_spinner=False)
def basin_store() -> dict:
    return {}  # setup -> BasinMap, filled below with a progress bar (at most 12 kept)


def suggest(spread_only: bool = False) -> None:
    """α and five side-by-side rates from the stability limit at the minimum."""
    single, spread = lab.suggested_rates(theory(now().only(*USES["sweep"][:-2])), ss[P + "optimizer"])
    ss[P + "rates"], ss[P + "rates_text"] = list(spread), ", ".join(f"{r:g}" for r in spread)
    if not spread_only:
        ss[P + "learning_rate"] = single
        ss.pop(P + "learning_rate_slider", None)


def choose_preset() -> None:
    if preset := PRESETS.get(ss[P + "preset"]):
        ss[P + "function"], ss[P + "start_x"] = preset.text, preset.start[0]
        ss[P + "start_y"] = preset.start[1] if len(preset.start) > 1 else 0.0
        suggest()


st.title("Learning-rate lab")
st.caption(
    "θ ← θ − α∇J(θ): if α is too small the descent crawls; if it is too large each step "
    "overshoots the minimum and the run oscillates or diverges. Theory predicts where."
)
for problem in ss[P + "problems"]:
    st.warning(problem)
section = st.radio("Section", list(SECTIONS), key=P + "section", format_func=SECTIONS.get,
                   horizontal=True, label_visibility="collapsed")  # fmt: skip
with st.sidebar:
    st.selectbox("Preset", ["", *PRESETS], key=P + "preset", on_change=choose_preset,
                 format_func=lambda n: n or "— my own function —", help="A classic test function.")  # fmt: skip
    st.text_input("f(x, y) =", key=P + "function", help=common.FUNCTION_HELP, max_chars=300)
    f = common.parsed_or_error(ss[P + "function"])
    left, right = st.columns(2)
    left.number_input("x₀", -1e6, 1e6, key=P + "start_x", format="%.4g", help="Start point θ₀.")
    if f is None or f.dimension == 2:
        right.number_input("y₀", -1e6, 1e6, key=P + "start_y", format="%.4g")
    name = st.selectbox("Optimizer", list(OPTIMIZERS), key=P + "optimizer",
                        format_func=lambda n: OPTIMIZERS[n].display_name, help="The update rule.")  # fmt: skip
    common.hyperparameter_inputs(name, P)
    if section in ("sweep", "schedules", "basins"):
        common.learning_rate_input(P + "learning_rate", "Your learning rate α")
    if section != "intuition":
        st.number_input("Max steps", 10, 5000, key=P + "max_steps", help="Every run's budget; "
                        "a run has converged when ‖∇f‖ < 1e-6.")  # fmt: skip

if f is None:
    st.query_params.from_dict(encode(now()))
    st.stop()
if section == "side":
    rates_col, spread_col, overlay_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    with rates_col:
        common.rates_input(P + "rates")
    spread_col.button("Spread", key=P + "spread", on_click=suggest, args=(True,),
                      help="Five rates from theory: too slow, good, oscillating, near and past "
                      "the stability limit.")  # fmt: skip
    overlay_col.toggle("Overlay", key=P + "overlay", help="All runs on one plot.")
elif section == "sweep":
    if not st.toggle("Automatic range (from the Hessian)", key=P + "auto_range"):
        st.select_slider("Sweep range", common.RATE_CHOICES, key=P + "sweep_range",
                         format_func=lambda r: f"{r:g}")  # fmt: skip
elif section == "intuition":
    a, c, x = st.columns(3)
    a.slider("Learning rate α", 0.0, 2.5, step=0.01, key=P + "rate_1d", help="Step size.")
    c.slider("Curvature f″", 0.5, 5.0, step=0.5, key=P + "curvature",
             help="f(x) = (f″/2)·x²: the larger f″, the steeper the valley.")  # fmt: skip
    x.slider("Start x₀", -3.0, 3.0, step=0.1, key=P + "start_1d")
elif section == "schedules":
    with st.expander("Schedule parameters"):
        cols = st.columns(5)
        cols[0].number_input("Step decay: every s", 1, 5000, key=P + "step_size")
        cols[1].number_input("Step decay: γ", 0.05, 0.95, key=P + "step_gamma")
        cols[2].number_input("Exponential: γ", 0.5, 0.9999, key=P + "exp_gamma", format="%.4f")
        cols[3].number_input("Inverse time: d", 0.0, 100.0, key=P + "decay", format="%.4g")
        cols[4].number_input("Cosine: T", 1, 5000, key=P + "cosine_steps")
elif f.dimension == 2:
    res, steps = st.columns(2)
    res.slider("Grid of starts", 20, 200, step=10, key=P + "resolution",
               format="%d per side", help="200 per side = 40,000 starts.")  # fmt: skip
    steps.number_input("Steps per start", 10, 2000, key=P + "basin_steps")

setup = now()
st.query_params.from_dict(encode(setup))
key = setup.only(*USES[section])
if section == "intuition":
    run, regime, sentence = lab.parabola(setup.curvature, setup.rate_1d, setup.start_1d)
    product = setup.rate_1d * setup.curvature
    st.markdown(f":{lab.REGIME_BADGES[regime]}-badge[α·f″ = {product:.3g} → {regime}] {sentence}")
    chart = figures.intuition_figure(run, setup.curvature, setup.rate_1d)
    st.plotly_chart(chart, key=P + "intuition_chart", config=CONFIG)
    st.caption("Left: the iterates on the parabola. Right: the cobweb — up to the map line, "
               "across to the diagonal, repeat. Exact for quadratics. ▶ Play to watch.")  # fmt: skip
    st.stop()
info = theory(setup.only(*USES["sweep"][:-2]))
st.caption(info.sentence())
window, preset = lab.window_of(setup, f), lab.preset_of(setup)
minima = preset.minima if preset else ()
if section == "side":
    runs = compute("side_by_side", key)
    view = [RunView(r.label if setup.overlay else f"α = {r.learning_rate:g}", r.trajectory,
                    PALETTE[i % len(PALETTE)]) for i, r in enumerate(runs)]  # fmt: skip
    draw = lambda v: (descent_figure(views.cached_backdrop(setup.function, window, minima), v, f.gradient)  # noqa: E501, E731
                      if f.dimension == 2 else curve_figure(f.value, f.gradient, window, v,
                                                            minima=[m[0] for m in minima]))  # fmt: skip
    if setup.overlay:
        st.plotly_chart(draw(view), key=P + "overlay_chart", config=CONFIG)
    else:
        columns = st.columns(min(3, len(runs)))
        for i, (run, one) in enumerate(zip(runs, view, strict=True)):
            with columns[i % len(columns)]:
                badge(run.verdict.region, f"α = {run.learning_rate:g}: {run.verdict.label}")
                st.plotly_chart(draw([one]), key=f"{P}side_chart_{i}", config=CONFIG)
    st.plotly_chart(metrics_figure(view, False, 420), key=P + "side_metrics", config=CONFIG)
elif section == "sweep":
    result = compute("sweep", key)
    badge(result.yours.verdict.region, result.yours.label)
    st.plotly_chart(figures.sweep_figure(result), key=P + "sweep_chart", config=CONFIG)
    st.caption(f"{len(result.rates)} learning rates, {setup.max_steps} steps each, in one "
               "batched run. Shading: what each α did; lines: what theory predicts.")  # fmt: skip
elif section == "schedules":
    runs = compute("schedule_runs", key)
    for run in runs:
        badge(run.verdict.region, run.label)
    chart = figures.schedules_figure(runs, info.f_star)
    st.plotly_chart(chart, key=P + "schedules_chart", config=CONFIG)
    st.caption("Same start, same base α. A decaying rate can rescue a too-large α, but "
               "shrinks the steps of a good one.")  # fmt: skip
elif f.dimension != 2:
    st.info("Basins of attraction need a function of x and y: pick a 2-D preset.")
else:
    store = basin_store()
    if key not in store:
        bar = st.progress(0.0, text=f"Running {setup.resolution**2:,} starts…")
        store[key] = lab.basin_map(key, lambda done: bar.progress(done, f"{done:.0%} of the starts"))
        bar.empty()
        if len(store) > 12:
            store.pop(next(iter(store)))
    chart = figures.basin_figure(store[key], (setup.start_x, setup.start_y))
    st.plotly_chart(chart, key=P + "basin_chart", config=CONFIG)
    st.caption("Each pixel is a start θ₀, coloured by the minimum it ends at after "
               f"{setup.basin_steps} steps (‖∇f‖ < 1e-4 = converged). Raise α to watch the "
               "basins fracture.")  # fmt: skip
