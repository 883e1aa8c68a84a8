"""What the pages show: the one ``chart()``, cached runs and backgrounds, banners and badges,
the step inspector, downloads. Streamlit markup (badges, markdown tables) lives here, not in
the core."""

from __future__ import annotations

import streamlit as st

from gdviz.field import sample
from gdviz.figures.charts import metrics_figure, surface_figure
from gdviz.figures.contour import backdrop, descent_figure, paint
from gdviz.figures.curve import curve_figure
from gdviz.lessons.common import objective
from gdviz.lessons.playground import runs as pg
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
def cached_backdrop(text: str, window, minima):
    """The contour background of ``text`` over ``window`` (image, level lines, hover grid)."""
    return backdrop(sample(objective(text).value, window, 120), minima)


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
    """A Plotly chart in the app's style (set in the figure itself: ``theme=None``)."""
    return st.plotly_chart(figure, key=key, config=CHART_CONFIG, theme=None, **options)


def descent_charts(f, runs, window, minima, show_learning_rate: bool):
    """The animated contour (or 1-D curve, or 3-D surface) beside f, ‖∇f‖ and α per step.

    Returns the animated figure (for the HTML download).
    """
    chart_col, metrics_col = st.columns([3, 2])
    with chart_col:
        if f.dimension == 2:
            animation = descent_figure(cached_backdrop(f.text, window, minima), runs, f.gradient)
            view = st.segmented_control(
                "View", ["Contour (animated)", "3-D surface"], default="Contour (animated)",
                key="view", label_visibility="collapsed",
            )  # fmt: skip
            if view == "3-D surface":
                chart(surface_figure(sample(f.value, window, 120), runs), "surface")
                st.caption("Drag to turn the surface. The path is lifted just above it.")
            else:
                chart(animation, "contour", on_select="rerun", selection_mode="points")
                st.caption(
                    "Colour: f from low (dark blue) to high (cream). Arrow: −∇f, the steepest "
                    "way down. Click anywhere to start from there; ▶ Play to watch."
                )
        else:
            animation = curve_figure(
                f.value, f.gradient, window, runs, minima=[m[0] for m in minima]
            )
            chart(animation, "curve")
            st.caption(
                "The line through the current point is the tangent: its slope f′(x) sets "
                "the step x ← x − α f′(x). ▶ Play to watch."
            )
    with metrics_col:
        chart(metrics_figure(runs, show_learning_rate), "metrics")
    return animation
