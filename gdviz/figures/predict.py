"""Figures of the Predict page: the setup before anyone commits, the run after, the answers.

Before a student commits, nothing that gives the answer away is drawn: the contour (or the
curve) and the start θ₀ only, plus the choices that live on the plot (lettered minima for
"Where will it end?", θ* for the data question). After, the usual animated descent plays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from gdviz.field import Window
from gdviz.figures.animation import f32, figure
from gdviz.figures.backdrop import Backdrop
from gdviz.figures.contour import descent_figure, paint
from gdviz.figures.curve import curve_figure

MARK = {
    "symbol": "star",
    "size": 16,
    "color": "#FFFFFF",
    "line": {"color": "#1B1B1E", "width": 1.5},
}
RIGHT, WRONG, OTHER = "#2F9E44", "#C92A2A", "#748FFC"
# No mode bar: on a phone it covers the legend, and these pictures are not for zooming.
NO_MODEBAR = {"modebar": {"remove": ["toImage", "zoom", "pan", "select", "lasso", "zoomIn",
                                     "zoomOut", "autoScale", "resetScale"]}}  # fmt: skip


def _start(point: Sequence[float], window: Window) -> dict:
    """θ₀, labelled on the side that has room."""
    right_half = point[0] > (window.x_min + window.x_max) / 2
    return {
        "type": "scatter",
        "x": [float(point[0])],
        "y": [float(point[1])],
        "mode": "markers+text",
        "text": ["θ₀"],
        "textposition": "top left" if right_half else "top right",
        "textfont": {"size": 15, "color": "#1B1B1E"},
        "name": "start θ₀",
        "showlegend": False,
        "marker": {"symbol": "circle-open", "size": 15, "color": "#1B1B1E", "line": {"width": 3}},
        "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>",
    }


def _marks(marks: Sequence[tuple[str, Sequence[float]]]) -> dict:
    """Labelled points: the lettered minima a student chooses between, or θ*."""
    points = np.array([point for _, point in marks], dtype=float).reshape(len(marks), -1)
    return {
        "type": "scatter",
        "x": points[:, 0].tolist(),
        "y": points[:, 1].tolist(),
        "mode": "markers+text",
        "text": [f"<b>{label}</b>" for label, _ in marks],
        "textposition": "top center",
        "textfont": {"size": 17, "color": "#1B1B1E"},
        "marker": MARK,
        "showlegend": False,
        "hovertemplate": "%{text} at (%{x:.4g}, %{y:.4g})<extra></extra>",
    }


def _sized(layout: dict, height: int | None, bottom: int | None = None) -> dict:
    layout = dict(layout) | NO_MODEBAR
    if height:
        layout["height"] = height
    if bottom is not None:
        layout["margin"] = layout.get("margin", {}) | {"b": bottom}
    return layout


def before_figure(
    background: Backdrop,
    start: Sequence[float],
    marks=(),
    height: int | None = None,
    minima: bool = False,
) -> go.Figure:
    """The contour and the start (and ``marks``; the background's minima if ``minima``): no
    path, no frames, no status."""
    traces = [dict(trace) for trace in background.traces]
    if not minima:
        traces[2] = traces[2] | {"x": [], "y": [], "showlegend": False}
    traces.append(_start(start, background.window))
    if marks:
        traces.append(_marks(marks))
    return figure(traces, _sized(background.layout, height, bottom=50))


def after_figure(
    background: Backdrop, runs, gradient: Callable, marks=(), height: int | None = None
) -> go.Figure:
    """The runs animated on the contour (Play/Pause, step slider), the marks kept."""
    result = descent_figure(background, paint(runs), gradient)
    if marks:
        result.add_trace(go.Scatter(_marks(marks)))
    result.update_layout(NO_MODEBAR)
    if height:
        result.update_layout(height=height + 18 * (len(runs) - 1))
    return result


def before_curve(value: Callable, window: Window, start: float, marks=(), height: int = 420):
    """f(x) and the start on it (1-D), and ``marks`` on the curve."""
    xs = np.linspace(window.x_min, window.x_max, 600)
    with np.errstate(all="ignore"):
        ys = np.asarray(value(xs[:, None]), dtype=float) * np.ones_like(xs)
        f0 = float(np.asarray(value(np.array([[start]])), dtype=float).ravel()[0])
        on_curve = [(label, (p[0], float(np.ravel(value(np.array([[p[0]]])))[0])))
                    for label, p in marks]  # fmt: skip
    traces = [
        {"type": "scatter", "x": f32(xs), "y": f32(ys), "mode": "lines", "name": "f(x)",
         "line": {"color": "#26468C", "width": 3}, "showlegend": False,
         "hovertemplate": "x = %{x:.4g}<br>f = %{y:.4g}<extra></extra>"},
        _start((start, f0), window),
    ]  # fmt: skip
    if marks:
        traces.append(_marks(on_curve))
    layout = {
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 30, "b": 50},
        "xaxis": {"range": [window.x_min, window.x_max], "title": {"text": "x"}},
        "yaxis": {"range": [window.y_min, window.y_max], "title": {"text": "f(x)"}},
        "plot_bgcolor": "#FFFFFF",
        "hovermode": "closest",
        "dragmode": False,
    } | NO_MODEBAR
    return figure(traces, layout)


def after_curve(value, derivative, window: Window, runs, marks=(), height: int = 460):
    minima = [point[0] for _, point in marks]
    result = curve_figure(value, derivative, window, paint(runs), minima=minima, height=height)
    return result.update_layout(NO_MODEBAR)


def answers_figure(
    labels: Sequence[str], counts: Sequence[int], right: Sequence[bool] | None, height: int = 300
) -> go.Figure:
    """How many chose each answer (count and share beside each bar); after the reveal the
    right one is green, the others red."""
    colours = [OTHER] * len(labels) if right is None else [RIGHT if r else WRONG for r in right]
    total, most = max(1, sum(counts)), max(1, max(counts, default=1))
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": list(counts),
        "marker": {"color": colours},
        "text": [f"{c} · {c / total:.0%}" for c in counts],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": 15},
        "hoverinfo": "skip",
    }
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
        "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": 14}},
        "xaxis": {"range": [0, most * 1.35], "dtick": max(1, int(np.ceil(most / 4))),
                  "showgrid": False},
        "plot_bgcolor": "#FFFFFF",
        "bargap": 0.3,
        "dragmode": False,
    } | NO_MODEBAR  # fmt: skip
    return figure([trace], layout)


def guesses_figure(guesses: Sequence[float], truth: float | None, height: int = 300) -> go.Figure:
    """The class's guesses of a learning rate as a dot plot on a log axis (equal guesses, to
    1/20 of a decade, stacked), and the engine's value as a green line once revealed."""
    logs = np.round(np.log10(np.asarray(guesses, dtype=float)) * 20) / 20
    heights = np.zeros(len(logs))
    for i in range(len(logs)):
        heights[i] = np.sum(logs[:i] == logs[i]) + 1
    trace = {
        "type": "scatter",
        "x": (10.0**logs).tolist(),
        "y": heights.tolist(),
        "mode": "markers",
        "marker": {"size": 14, "color": OTHER, "line": {"color": "#FFF", "width": 1}},
        "hovertemplate": "α ≈ %{x:.3g}<extra></extra>",
        "showlegend": False,
    }
    shapes = []
    if truth is not None:
        shapes.append(
            {"type": "line", "xref": "x", "yref": "paper", "x0": truth, "x1": truth, "y0": 0,
             "y1": 1, "line": {"color": RIGHT, "width": 3}}
        )  # fmt: skip
    spread = np.concatenate([logs, [np.log10(truth)] if truth else []])
    low, high = (spread.min() - 0.3, spread.max() + 0.3) if spread.size else (-3, 0)
    layout = {
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 20, "b": 45},
        "xaxis": {"type": "log", "range": [low, high], "title": {"text": "guessed α"}},
        "yaxis": {"title": {"text": "students"}, "rangemode": "tozero", "dtick": 1},
        "plot_bgcolor": "#FFFFFF",
        "shapes": shapes,
        "dragmode": False,
    } | NO_MODEBAR
    return figure([trace], layout)
