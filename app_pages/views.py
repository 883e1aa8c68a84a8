"""What the pages show: the one ``chart()``, cached runs and backgrounds, banners and badges,
the step inspector, downloads. Streamlit markup (badges, markdown tables) lives here, not in
the core."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import NamedTuple

import streamlit as st

from app_pages import cursor
from app_pages.browser import screen
from app_pages.state import look
from gdviz.field import sample
from gdviz.figures.backdrop import backdrop
from gdviz.figures.charts import metrics_figure, surface_figure
from gdviz.figures.contour import descent_figure, paint
from gdviz.figures.curve import curve_figure
from gdviz.figures.export import standalone_html
from gdviz.figures.look import restyle
from gdviz.figures.panels import metric_panels, under
from gdviz.figures.step_arrows import step_arrows
from gdviz.lessons.common import objective
from gdviz.lessons.playground import export
from gdviz.lessons.playground import runs as pg
from gdviz.lessons.playground import steps as inside
from gdviz.optimizers import OPTIMIZERS
from gdviz.step_state import replay
from gdviz.verdicts import verdict

FIRST_STEPS = 12  # the first steps are frames one by one, however long the run
CHART_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
BADGES = {  # Streamlit badge colours for the 1-D regimes
    "stuck": "gray", "creeping": "orange", "optimal": "green", "oscillating": "violet",
    "cycling": "blue", "diverging": "red",
}  # fmt: skip


def badge(kind: str, text: str) -> str:
    """Markdown for a coloured badge (Streamlit's ``:color-badge[…]``)."""
    return f":{BADGES.get(kind, 'gray')}-badge[{text}]"


def verdict_badge(found) -> str:
    """A verdict's label as a badge in its kind's colour (as in banners and compare lists)."""
    return f":{KIND_STYLE[found.kind][1]}-badge[{found.label}]"


def heading(name: str, found) -> str:
    """The run's name in bold and what it did (its verdict) as a badge; zig-zag steps too."""
    zig_zag = " :violet-badge[oscillating]" if found.oscillating else ""
    return f"**{name}** {verdict_badge(found)}{zig_zag}"


def verdict_table(runs, title: str) -> str:
    """A markdown table: each run's name, its verdict as a coloured badge, and its message."""
    rows = [f"| **{run.name}** | {verdict_badge(run.verdict)} {run.verdict.message} |"
            for run in runs]  # fmt: skip
    return "\n".join([f"| {title} | what happened |", "|---|---|", *rows])


def shared(most: int):
    """``st.cache_resource(max_entries=most)`` for hashable arguments (a frozen setup, texts,
    numbers), keyed by Python's own hash: Streamlit's hasher walks a setup field by field, ~0.3 ms
    a call, and a Playground rerun made three such calls. One store for every session."""
    return functools.lru_cache(maxsize=most)


@shared(32)
def cached_runs(setup, text: str):
    """Runs for a setup, coloured (the objective is looked up again by its text)."""
    return paint(pg.run_setup(setup, objective(text)))


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_backdrop(text: str, window, minima, dark=False, height: int = 580, width: int = 580):
    """The contour background of ``text`` over ``window`` (image, level lines, hover grid),
    at most ``height`` pixels tall, sized for a chart ``width`` pixels wide."""
    field = sample(objective(text).value, window, 120)
    return backdrop(field, minima, height, dark=dark, width=width)


@st.cache_resource(max_entries=1, show_spinner=False)
def _kept_store() -> dict:
    return {}


def kept(key, work, text: str, most: int = 12):
    """``work(key, progress)`` once per key, with a progress bar, remembered for everyone (the
    ``most`` recently used results; e.g. a 40,000-start basin map)."""
    store = _kept_store()
    if key not in store:
        bar = st.progress(0.0, text=text)
        store[key] = work(key, lambda done: bar.progress(done, f"{done:.0%} done"))
        bar.empty()
    store[key] = store.pop(key)  # the most recently used last
    for old in list(store)[:-most]:
        del store[old]
    return store[key]


KIND_STYLE = {  # how a verdict kind looks: Streamlit alert, badge colour
    "converged": ("success", "green"), "too_slow": ("warning", "orange"),
    "stalled": ("warning", "orange"), "cycling": ("warning", "violet"),
    "saddle": ("warning", "blue"), "diverging": ("error", "red"),
    "unbounded": ("error", "red"), "undefined": ("error", "gray"),
}  # fmt: skip
ICONS = {"success": ":material/check_circle:", "warning": ":material/hourglass_bottom:",
         "error": ":material/error:"}  # fmt: skip


def status_banner(trajectory, label: str = "", problem=None, found=None) -> None:
    """The run's message, coloured by its verdict (``found``, or judged here given ``problem``;
    by the engine's stop rule without either)."""
    if found is None and problem is not None:
        found = verdict(problem, trajectory)
    message = trajectory.message if found is None else found.text
    text = f"**{label}** {message}" if label else message
    if found is not None:
        alert = KIND_STYLE[found.kind][0]
    else:
        status = str(trajectory.status)
        alert = "success" if status.startswith("converged") else (
            "error" if status == "diverged" else "warning")  # fmt: skip
    getattr(st, alert)(text, icon=ICONS[alert])


def status_list(runs, problem) -> None:
    """One compact line per run (compare mode): its verdict as a badge, its name, its message."""
    with st.container(border=True):
        for run in runs:
            found = run.verdict or verdict(problem, run.trajectory)
            name = run.label.split(" — ")[0]
            st.markdown(f"{verdict_badge(found)} **{name}** · {run.trajectory.message}")


class Inspection(NamedTuple):
    """The run whose steps are written out and drawn, its replayed steps, the step shown, and
    the id of the figure the cursor belongs to."""

    index: int
    replay: object
    step: int
    figure: str


def inspection(setup, runs) -> Inspection:
    """Which run to inspect (a choice when several are drawn) and the step the chart shows:
    where it last stopped for this figure, else the end."""
    index = 0
    if len(runs) > 1:
        labels = [run.label for run in runs]
        chosen = st.selectbox("Step arrows and inspector for", labels, key="inspect_run")
        index = labels.index(chosen)
    replay = cached_replay(setup, setup.function, index)
    figure = cursor.figure_id(setup, index)
    end = max(int(run.trajectory.steps) for run in runs)
    step = cursor.reported(figure, end)
    return Inspection(index, replay, end if step is None else step, figure)


@shared(32)
def cached_replay(setup, text: str, index: int):
    """Run ``index``'s steps with the optimizer's state, replayed (see gdviz.step_state)."""
    run = cached_runs(setup, text)[index]
    return replay(objective(text).gradient, run.trajectory, pg.optimizer_of(setup, index))


INSPECTOR_HELP = (
    "One iteration of the update rule with this step's numbers and the optimizer's memory. "
    "k is the step the chart shows: drag its step slider, or pause it."
)


@st.fragment
def step_inspector(runs, seen: Inspection, objective) -> None:
    """Step k written out with its numbers: k is the step the chart shows (one cursor, see
    app_pages/cursor.py); the full table below."""
    end = max(int(run.trajectory.steps) for run in runs)
    k = cursor.reported(seen.figure, end)
    k = end if k is None else k
    cursor.listen(seen.figure, k, "contour" if objective.dimension == 2 else "curve")
    run, steps = runs[seen.index], seen.replay
    with st.container(key=cursor.INSPECTOR):  # dimmed while the chart shows another step
        if k < steps.steps:
            st.subheader(f"Inside step {k} · {inside.name(steps)}", help=INSPECTOR_HELP)
            st.latex(inside.step_latex(steps, k))
            st.caption(inside.step_words(steps, run.trajectory, k))
        else:
            where = "the end of the run" if k == steps.steps else f"run ended at {steps.steps}"
            st.subheader(f"Step {k}: {where}", help=INSPECTOR_HELP)
            st.markdown(run.trajectory.message)
            st.caption(inside.end_words(steps, run.trajectory))
    table = st.expander("All steps as a table", key="steps_table", on_change="rerun")
    if table.open:  # built only when opened: the table's code stays off the first page load
        table.dataframe(pg.trajectory_table(run.trajectory, objective.gradient),
                        hide_index=True, height=260)  # fmt: skip


def downloads(setup, runs, objective, figure) -> None:
    """CSV of every step of every run, the setup on its first lines; the animation as a
    standalone HTML page with the title, formula, setup and verdict (works offline)."""
    left, right = st.columns(2)
    left.download_button(
        "Download steps (CSV)",
        lambda: export.runs_csv(setup, runs, objective),
        file_name="gdviz-trajectory.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_csv",
        help=export.READ_ME.capitalize() + ".",
    )
    right.download_button(
        "Download animation (HTML)",
        lambda: standalone_html(
            figure,
            export.title(setup, objective),
            export.formula_mathml(objective),
            export.setup_rows(setup, objective, runs),
        ),  # fmt: skip
        file_name="gdviz-animation.html",
        mime="text/html",
        on_click="ignore",
        key="download_html",
    )


def chart(figure, key: str, **options):
    """A Plotly chart in the app's style, restyled for the theme and presenter mode (the style
    is set in the figure itself, ``theme=None``: Streamlit's theme re-applied in the browser
    costs ~50 ms per redraw)."""
    styled = restyle(figure, look())
    return st.plotly_chart(styled, key=key, config=CHART_CONFIG, theme=None, **options)


VIEWS = ("Contour", "3-D surface")
CONTOUR_CAPTION = (
    "Colour: f from low (dark) to high (light). At the current step: dashed, −α∇J (plain GD's "
    "step); solid, Δ (the step taken); violet, the optimizer's memory. Click to start there; "
    "▶ Play (or space) to watch, ← → to step."
)
CURVE_CAPTION = ("The line through the current point is the tangent: its slope f′(x) sets the "
                 "step x ← x − α f′(x). ▶ Play (or space) to watch; ← → step.")  # fmt: skip
PLOT_SHARE = 0.62  # of the animated figure's width: the contour (or curve); the panels beside
BESIDE = (((0.0, PLOT_SHARE), (0.0, 1.0)), ((0.72, 1.0), (0.0, 1.0)))  # the plot's, the panels' box
CURVE_ON_A_PHONE = 420  # pixels of a 1-D curve with its panels under it
PRESENT_ROOM = 90  # pixels more for a contour in presenter mode


def lead(text: str) -> None:
    """The line under a page's title (left out in presenter mode: the teacher says it)."""
    if not look().present:
        st.caption(text)


def chart_height(reserved: int = 175, least: int = 380, most: int = 940) -> int:
    """The main chart's height, Play button included: what the window has left below the
    ``reserved`` pixels of page above the chart (40 more in presenter mode's larger type)."""
    reserved += 40 if look().present else 0
    return int(min(max(screen()[0] - reserved, least), most))


NARROW = 600  # content width in pixels under which Streamlit stacks columns (a window under 640)


def on_a_phone() -> bool:
    """Whether the page is narrow enough that Streamlit stacks its columns: charts take the
    whole width, and panels go under the plot, not beside it."""
    return screen()[1] < NARROW


def chart_width(share: float = 1.0) -> int:
    """The width of a chart in a column that takes ``share`` of the page's content width
    (all of it on a phone, where the columns stack)."""
    return int(screen()[1] * (1.0 if on_a_phone() else share))


def formulas(f, optimizer: str = "") -> None:
    """f, ∇f and the update rule in LaTeX: the page shows what the code runs."""
    st.latex(f.latex)
    st.latex(f.gradient_latex)
    if optimizer:
        st.latex(OPTIMIZERS[optimizer].update_latex)
        st.caption(OPTIMIZERS[optimizer].summary)


def descent_view(
    f,
    runs,
    window,
    minima,
    seen: Inspection,
    view: str = VIEWS[0],
    *,
    panels: bool = True,
    show_learning_rate: bool = False,
    share: float = 1.0,
):
    """ONE animated figure, sized to fit the screen: the contour (or 1-D curve) with the
    inspected run's step arrows and, with ``panels``, beside it f, ‖∇f‖ and α per step with a
    marker at the frame's step (α's only with ``show_learning_rate``; one cursor, see
    app_pages/cursor.py); or the 3-D surface (not
    animated: the page draws its panels, marked at the inspected step). ``share``: the part of
    the page's width the chart's column takes. Returns the animated figure (for the HTML
    download)."""
    dark, height, narrow = look().dark, chart_height(), on_a_phone()
    inspected = runs[seen.index]
    if len(runs) > 1:  # the legend names them; what each did is in the list beside the chart
        runs = [replace(run, label=run.label.split(" — ")[0]) for run in runs]
    width = chart_width(share * (PLOT_SHARE if panels and not narrow else 1.0))
    if f.dimension == 1:
        plot_height = min(height, CURVE_ON_A_PHONE) if narrow and panels else height
    else:
        background = cached_backdrop(f.text, window, minima, dark, height, width)
        plot_height = background.layout["height"]
    layers, extra = [], 0  # extra: pixels the panels add under the plot (on a phone)
    if panels:
        count = 3 if show_learning_rate else 2
        taller, plot, box = under(plot_height, count) if narrow else (plot_height, *BESIDE)
        layers.append(metric_panels(runs, show_learning_rate, box, 2, plot=plot))
        extra = taller - plot_height
    if f.dimension == 1:
        animation = curve_figure(f.value, f.gradient, window, runs, layers=layers,
                                 minima=[m[0] for m in minima], height=plot_height,
                                 step=seen.step, first_steps=FIRST_STEPS)  # fmt: skip
        animation.update_layout(meta={"cursor": seen.figure}, height=plot_height + extra)
        chart(animation, "curve")
        st.caption(CURVE_CAPTION + (" The panels follow the step." if panels else ""))
        return animation
    label = OPTIMIZERS[seen.replay.optimizer].display_name
    arrows = step_arrows(seen.replay, inspected.colour, label, window, legend=not look().present)
    layers.insert(0, arrows)  # presenter mode: no legend rows for them (the caption names them)
    animation = descent_figure(background, runs, f.gradient, layers=layers, step=seen.step,
                               inspected=seen.index, first_steps=FIRST_STEPS)  # fmt: skip
    grown = animation.layout["height"] + extra  # the legend's rows are in it already
    animation.update_layout(meta={"cursor": seen.figure}, height=grown)
    if look().present:  # larger type and Play lowered (look.restyle): room for the plot
        grown = min(height, animation.layout["height"] + PRESENT_ROOM)
        animation.update_layout(height=grown)
    if view == VIEWS[1]:
        chart(surface_figure(sample(f.value, window, 120), runs, height, dark), "surface")
        st.caption("Drag to turn the surface. The path is lifted just above it.")
    else:
        chart(animation, "contour", on_select="rerun", selection_mode="points")
        st.caption(CONTOUR_CAPTION)
    return animation


def step_metrics(runs, show_learning_rate: bool, seen: Inspection, height: int = 380) -> None:
    """f, ‖∇f‖ and α per step on their own (beside the 3-D surface, which does not animate),
    marked at the inspected step."""
    chart(metrics_figure(runs, show_learning_rate, height, step=seen.step), "metrics")
