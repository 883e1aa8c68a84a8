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
from gdviz.figures.animation import f32, figure
from gdviz.figures.charts import thin
from gdviz.figures.contour import Backdrop, RunView, descent_figure
from gdviz.figures.curve import curve_figure
from gdviz.lessons.learning_rate.runs import LabRun
from gdviz.lessons.learning_rate.theory import lowest

LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 12}}
RATE_COLOURS = ("#2E86AB", "#3D9970", "#B58B00", "#F46036", "#D7263D", "#6A0F49")  # cool → hot
SCHEDULE_COLOURS = ("#1B1B1E", "#2E86AB", "#3D9970", "#F46036", "#7B2CBF")


def layout(height: int, top: int, bottom: int, left: int = 70, **entries) -> dict:
    """A white, template-free layout with the lab's legend above the plot."""
    return {
        "plot_bgcolor": "#FFFFFF",
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
    """Each run coloured by the rank of its α (small α cool, large α hot), labelled 'α = …'
    (plus its verdict when ``full_labels``)."""
    order = np.argsort(np.argsort([run.learning_rate for run in runs], kind="stable"))
    return [
        RunView(run.label if full_labels else run.name, run.trajectory,
                RATE_COLOURS[rank % len(RATE_COLOURS)])
        for run, rank in zip(runs, order, strict=True)
    ]  # fmt: skip


def paths_figure(
    problem,
    window: Window,
    minima,
    views: Sequence[RunView],
    background: Backdrop | None = None,
    compact: bool = False,
) -> go.Figure:
    """The animated paths: on the contour plot (2-D, needs ``background``) or the curve (1-D).

    ``compact``: a small multiple — lower, without a legend (a badge above names the run).
    """
    if problem.dimension == 2:
        result = descent_figure(background, views, problem.gradient)
    else:
        result = curve_figure(problem.value, problem.gradient, window, views,
                              minima=[m[0] for m in minima])  # fmt: skip
    if compact:
        result.update_layout(height=360, showlegend=False, margin={"t": 10})
    return result


def gap_trace(trajectory: Trajectory, f_star: float, name: str, colour: str, **entries) -> dict:
    """f(θₖ) − f* against the step k (thinned for long runs; never below 1e-16)."""
    values = np.asarray(trajectory.values, dtype=float)
    keep = thin(len(values))
    gaps = np.maximum(values[keep] - f_star, 1e-16)
    return {
        "type": "scatter", "x": keep.astype(np.float32), "y": f32(gaps), "mode": "lines",
        "name": name, "line": {"color": colour, "width": 2.2},
    } | entries  # fmt: skip


def losses_figure(views: Sequence[RunView], f_star: float, height: int = 380) -> go.Figure:
    """f(θₖ) − f* on a log scale against the step k, one line per run, with a legend."""
    f_star = lowest(f_star, *(view.trajectory.values for view in views))
    traces = [
        gap_trace(view.trajectory, f_star, view.label, view.colour,
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
        t, colour = run.trajectory, SCHEDULE_COLOURS[i % len(SCHEDULE_COLOURS)]
        line = {"color": colour, "width": 2}
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
