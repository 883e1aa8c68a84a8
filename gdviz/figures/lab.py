"""Figures of the Learning-rate lab: the style they share, side by side, and the schedules.

Pure builders ``(results) -> plotly Figure``; plain dicts throughout (see
:func:`gdviz.figures.animation.figure`). Region colours: :mod:`gdviz.figures.lab_sweep`. The other
sections have their own modules: :mod:`gdviz.figures.lab_sweep`, :mod:`gdviz.figures.cobweb`
and :mod:`gdviz.figures.basins`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdviz.engine import Trajectory
from gdviz.field import Window
from gdviz.figures.animation import f32, figure, frame_count, frame_steps, grid_height, panels
from gdviz.figures.backdrop import Backdrop, plot_height
from gdviz.figures.charts import thin
from gdviz.figures.contour import RunView, descent_figure
from gdviz.figures.curve import curve_figure
from gdviz.figures.look import LIGHT_INKS, run_colour, run_style
from gdviz.lessons.learning_rate.runs import LabRun
from gdviz.lessons.learning_rate.theory import lowest

LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 12}}


def layout(height: int, top: int, bottom: int, left: int = 70, **entries) -> dict:
    """A template-free layout with the lab's legend above the plot."""
    return {
        "plot_bgcolor": LIGHT_INKS.plot,
        "height": height,
        "margin": {"l": left, "r": 10, "t": top, "b": bottom},
        "legend": LEGEND,
        "hovermode": "closest",
    } | entries


def log_axis(title: str, **entries) -> dict:
    """A logarithmic value axis with powers of ten."""
    return {"type": "log", "exponentformat": "power", "title": {"text": title}} | entries


def legend_entry(name: str, mode: str, **style) -> dict:
    """A trace that only shows in the legend (for shapes and images, which have no entry)."""
    return {"type": "scatter", "x": [None], "y": [None], "mode": mode, "name": name, **style}


def run_views(runs: Sequence[LabRun], full_labels: bool) -> list[RunView]:
    """Each run coloured (and, from five runs on, dashed) by the rank of its α, labelled
    'α = …' (plus its verdict when ``full_labels``)."""
    order = np.argsort(np.argsort([run.learning_rate for run in runs], kind="stable"))
    return [
        RunView(run.label if full_labels else run.name, run.trajectory, run_colour(rank),
                **run_style(rank, len(runs)))
        for run, rank in zip(runs, order, strict=True)
    ]  # fmt: skip


def paths_figure(
    problem,
    window: Window,
    minima,
    views: Sequence[RunView],
    background: Backdrop | None = None,
    steps: np.ndarray | None = None,
    height: int = 520,
    frame_label=None,
) -> go.Figure:
    """The animated paths: on the contour plot (2-D, needs ``background``, which sets the
    height) or the curve (1-D, ``height`` pixels); ``steps`` and ``frame_label``: the frames'
    steps (shared by panels that play together) and their label."""
    if problem.dimension == 2:
        return descent_figure(background, views, problem.gradient, frame_label, steps)
    return curve_figure(problem.value, problem.gradient, window, views,
                        minima=[m[0] for m in minima], height=height, steps=steps,
                        frame_label=frame_label)  # fmt: skip


def side_by_side_size(
    window: Window, dimension: int, count: int, page_width: int, height: int, phone: bool
) -> tuple[int, int, int]:
    """Columns, one panel's width and the figure's height for ``count`` runs side by side on a
    page ``page_width`` pixels wide: up to three a row, or on a phone one a row, each plot as
    tall as its window needs at equal scale (a 1-D curve: 0.6 of its width).

    >>> side_by_side_size(Window(-3, 3, -2, 2), 2, 5, 320, 500, phone=True)
    (1, 320, 1385)
    >>> side_by_side_size(Window(-3, 3, -2, 2), 2, 5, 960, 500, phone=False)
    (3, 320, 500)
    """
    columns = 1 if phone else min(3, count)
    width = page_width // columns
    if phone:
        plot = plot_height(window, width) if dimension == 2 else int(0.6 * width)
        height = grid_height(count, plot)
    return columns, width, height


def side_by_side_figure(
    problem,
    window: Window,
    minima,
    views: Sequence[RunView],
    titles: Sequence[str],
    background: Backdrop | None = None,
    height: int = 480,
    columns: int = 3,
) -> go.Figure:
    """One small panel per run in a grid of up to ``columns``, all moved by ONE "Play all"
    button and one step slider (a shared set of frame steps), each titled."""
    longest = max(view.trajectory.steps for view in views)
    steps = frame_steps(longest, frame_count(longest, len(views)))  # the budget, shared

    def label(first: bool):  # the step, once: every panel is at the same step
        return (lambda step: f"step {step}") if first else (lambda step: "")

    singles = [paths_figure(problem, window, minima, [view], background, steps, height,
                            label(i == 0)) for i, view in enumerate(views)]  # fmt: skip
    return panels(singles, list(titles), min(columns, len(views)), height)


def gap_trace(
    trajectory: Trajectory, f_star: float, name: str, colour: str, dash: str = "solid", **entries
) -> dict:
    """f(θₖ) − f* against the step k (thinned for long runs; never below 1e-16)."""
    values = np.asarray(trajectory.values, dtype=float)
    keep = thin(len(values))
    gaps = np.maximum(values[keep] - f_star, 1e-16)
    return {
        "type": "scatter", "x": keep.astype(np.float32), "y": f32(gaps), "mode": "lines",
        "name": name, "line": {"color": colour, "width": 2.2, "dash": dash},
    } | entries  # fmt: skip


def losses_figure(views: Sequence[RunView], f_star: float, height: int = 380) -> go.Figure:
    """f(θₖ) − f* on a log scale against the step k, one line per run, with a legend."""
    f_star = lowest(f_star, *(view.trajectory.values for view in views))
    traces = [
        gap_trace(view.trajectory, f_star, view.label, view.colour, view.dash,
                  hovertemplate=f"step %{{x}}: f − f* = %{{y:.3g}}<extra>{view.label}</extra>")
        for view in views
    ]  # fmt: skip
    return figure(
        traces,
        layout(
            height, 40, 45,
            xaxis={"title": {"text": "step k"}},
            yaxis=log_axis("f(θₖ) − f*"),
        ),
    )  # fmt: skip


def schedules_figure(runs: Sequence[LabRun], f_star: float, height: int = 560) -> go.Figure:
    """Learning rate α_k (top) and f − f* on a log scale (bottom) against the step k."""
    f_star = lowest(f_star, *(run.trajectory.values for run in runs))
    traces = []
    for i, run in enumerate(runs):
        t, colour = run.trajectory, run_colour(i)
        line = {"color": colour, "width": 2, "dash": run_style(i, len(runs))["dash"]}
        traces += [
            {
                "type": "scatter",
                "x": np.arange(len(t.learning_rates), dtype=np.float32),
                "y": f32(t.learning_rates),
                "mode": "lines",
                "name": run.name,
                "legendgroup": run.name,
                "line": line,
                "hovertemplate": "α = %{y:.4g}",
            },
            gap_trace(t, f_star, run.name, colour, xaxis="x2", yaxis="y2", line=line,
                      legendgroup=run.name, showlegend=False, hovertemplate="f − f* = %{y:.3g}"),
        ]  # fmt: skip
    return figure(
        traces,
        layout(
            height, 40, 50,
            hovermode="x unified",
            xaxis={"anchor": "y", "showticklabels": False},
            xaxis2={"anchor": "y2", "matches": "x", "title": {"text": "step k"}},
            yaxis={"domain": [0.58, 1], "title": {"text": "learning rate αₖ"},
                   "rangemode": "tozero"},
            yaxis2=log_axis("f(θₖ) − f*", domain=[0, 0.5]),
        ),
    )  # fmt: skip
