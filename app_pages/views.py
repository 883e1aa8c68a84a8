"""What the pages show: the one ``chart()``, cached runs and backgrounds, banners and badges,
the step inspector, downloads. Streamlit markup (badges, markdown tables) lives here, not in
the core."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app_pages.browser import screen
from app_pages.state import look
from gdviz.field import sample
from gdviz.figures.charts import surface_figure
from gdviz.figures.contour import backdrop, descent_figure, paint
from gdviz.figures.curve import curve_figure
from gdviz.figures.look import restyle
from gdviz.lessons.common import objective
from gdviz.lessons.playground import runs as pg
from gdviz.optimizers import OPTIMIZERS
from gdviz.verdicts import verdict

CHART_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
BADGES = {  # Streamlit badge colours for the lab's regions and the 1-D regimes
    "slow": "orange", "good": "green", "oscillating": "violet", "diverging": "red",
    "stuck": "gray", "creeping": "orange", "optimal": "green", "cycling": "blue",
}  # fmt: skip


def badge(kind: str, text: str) -> str:
    """Markdown for a coloured badge (Streamlit's ``:color-badge[…]``)."""
    return f":{BADGES.get(kind, 'gray')}-badge[{text}]"


def heading(name: str, verdict) -> str:
    """The run's name in bold and what it did as a badge."""
    return f"**{name}** {badge(verdict.region, verdict.label)}"


def verdict_table(runs, title: str) -> str:
    """A markdown table: each run's name and what it did, as a coloured badge."""
    rows = [f"| **{run.name}** | {badge(run.verdict.region, run.verdict.label)} |" for run in runs]
    return "\n".join([f"| {title} | what happened |", "|---|---|", *rows])


@st.cache_resource(max_entries=32, show_spinner=False)
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


def status_banner(trajectory, label: str = "", problem=None) -> None:
    """The run's message, coloured by its verdict (by the engine's stop rule without a problem)."""
    text = f"**{label}** {trajectory.message}" if label else trajectory.message
    if problem is not None:
        alert = KIND_STYLE[verdict(problem, trajectory).kind][0]
    else:
        status = str(trajectory.status)
        alert = "success" if status.startswith("converged") else (
            "error" if status == "diverged" else "warning")  # fmt: skip
    getattr(st, alert)(text, icon=ICONS[alert])


def status_list(runs, problem) -> None:
    """One compact line per run (compare mode): its verdict as a badge, its name, its message."""
    with st.container(border=True):
        for run in runs:
            found = verdict(problem, run.trajectory)
            name = run.label.split(" — ")[0]
            badge_text = f":{KIND_STYLE[found.kind][1]}-badge[{found.label}]"
            st.markdown(f"{badge_text} **{name}** · {run.trajectory.message}")


@st.fragment
def step_inspector(runs, objective, optimizer: str) -> None:
    """Pick a step k and see the update with its numbers; the full table below."""
    st.subheader("Step inspector", help="What one iteration of the update rule did.")
    run = runs[0]
    if len(runs) > 1:
        labels = [r.label for r in runs]
        run = runs[labels.index(st.selectbox("Run", labels, key="inspect_run"))]
    steps = int(run.trajectory.steps)
    if steps == 0:
        st.info("This run took no steps (it started where a stop rule already holds).")
        return
    # One step leaves nothing to choose (and a slider from 0 to 0 is an error in Streamlit).
    k = st.slider("step k", 0, steps - 1, 0, key="inspect_step") if steps > 1 else 0
    st.latex(pg.step_latex(run.trajectory, objective.gradient, k, optimizer))
    f_k, f_next = run.trajectory.values[k], run.trajectory.values[k + 1]
    st.caption(
        f"f went from {f_k:.6g} to {f_next:.6g} ({'down' if f_next < f_k else 'UP'}); "
        f"‖∇f‖ = {run.trajectory.grad_norms[k]:.4g}."
    )
    table = st.expander("All steps as a table", key="steps_table", on_change="rerun")
    if table.open:  # built only when opened: the table's code stays off the first page load
        table.dataframe(
            pg.trajectory_table(run.trajectory, objective.gradient), hide_index=True, height=260
        )


def downloads(runs, objective, figure) -> None:
    """CSV of every step of every run; the animation as a standalone HTML file."""
    left, right = st.columns(2)
    left.download_button(
        "Download steps (CSV)",
        lambda: pg.runs_csv(runs, objective.gradient),
        file_name="gdviz-trajectory.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_csv",
    )
    right.download_button(
        "Download animation (HTML)",
        lambda: figure.to_html(include_plotlyjs=True, auto_play=False),
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
CONTOUR_CAPTION = ("Colour: f from low (dark) to high (light). Arrow: −∇f, the steepest way down. "
                   "Click to start there; ▶ Play (or space) to watch, ← → to step.")  # fmt: skip
CURVE_CAPTION = ("The line through the current point is the tangent: its slope f′(x) sets the "
                 "step x ← x − α f′(x). ▶ Play (or space) to watch; ← → step.")  # fmt: skip


def lead(text: str) -> None:
    """The line under a page's title (left out in presenter mode: the teacher says it)."""
    if not look().present:
        st.caption(text)


def chart_height(reserved: int = 175, least: int = 380, most: int = 940) -> int:
    """The main chart's height, Play button included: what the window has left below the
    ``reserved`` pixels of page above the chart (40 more in presenter mode's larger type)."""
    reserved += 40 if look().present else 0
    return int(min(max(screen()[0] - reserved, least), most))


def chart_width(share: float = 1.0) -> int:
    """The width of a chart that takes ``share`` of the page's content width."""
    return int(screen()[1] * share)


def formulas(f, optimizer: str = "") -> None:
    """f, ∇f and the update rule in LaTeX: the page shows what the code runs."""
    st.latex(f.latex)
    st.latex(f.gradient_latex)
    if optimizer:
        st.latex(OPTIMIZERS[optimizer].update_latex)
        st.caption(OPTIMIZERS[optimizer].summary)


def descent_view(f, runs, window, minima, view: str = VIEWS[0]):
    """The animated contour (or 3-D surface, or the 1-D curve) of the Playground, sized to fit
    the screen; returns the animated figure (for the HTML download)."""
    dark, height = look().dark, chart_height()
    if len(runs) > 1:  # the legend names them; what each did is in the list beside the chart
        runs = [replace(run, label=run.label.split(" — ")[0]) for run in runs]
    if f.dimension == 1:
        animation = curve_figure(
            f.value, f.gradient, window, runs, minima=[m[0] for m in minima], height=height
        )
        chart(animation, "curve")
        st.caption(CURVE_CAPTION)
        return animation
    background = cached_backdrop(f.text, window, minima, dark, height, chart_width(0.6))
    animation = descent_figure(background, runs, f.gradient)
    if view == VIEWS[1]:
        chart(surface_figure(sample(f.value, window, 120), runs, height, dark), "surface")
        st.caption("Drag to turn the surface. The path is lifted just above it.")
    else:
        chart(animation, "contour", on_select="rerun", selection_mode="points")
        st.caption(CONTOUR_CAPTION)
    return animation
