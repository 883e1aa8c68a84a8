"""The animated 1-D view: the curve f(x), the iterates on it and the tangent at the current one.

The tangent's slope is f′(xₖ); GD moves xₖ₊₁ = xₖ − α f′(xₖ), so a steep tangent means a big
step. Trace order: 0 curve, 1 known minima, then per run: all iterates (static, faint), path so
far, current point, tangent; last, the step label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from gdviz.field import Window
from gdviz.figures.animation import (
    f32,
    figure,
    frame_count,
    frame_steps,
    frames,
    playback_menus,
)
from gdviz.figures.contour import RunView
from gdviz.figures.layers import Layer, add_layers, start_at, with_notes
from gdviz.figures.look import CURVE, INK, LIGHT_INKS, RIM, TEXT
from gdviz.figures.prepared import typed

TANGENT_FRACTION = 0.12  # half-length of the tangent segment, as a fraction of the x range


def curve_figure(
    value: Callable[[np.ndarray], np.ndarray],
    derivative: Callable[[np.ndarray], np.ndarray],
    window: Window,
    runs: Sequence[RunView],
    *,
    minima: Sequence[float] = (),
    height: int = 520,
    steps: np.ndarray | None = None,
    frame_label: Callable[[int], str] | None = None,
    layers: Sequence[Layer] = (),
    step: int | None = None,
    first_steps: int = 0,
) -> go.Figure:
    """f(x) with each run's iterates animated along it, Play/Pause and a step slider
    (``steps`` and ``frame_label`` as in :func:`gdviz.figures.contour.descent_figure`).

    ``layers`` ride on the same frames (:mod:`gdviz.figures.layers`); the figure shows ``step``
    before Play (default: the last); the first ``first_steps`` steps are frames one by one.
    """
    xs = np.linspace(window.x_min, window.x_max, 600)
    with np.errstate(all="ignore"):
        ys = np.asarray(value(xs[:, None]), dtype=float) * np.ones_like(xs)
        minima_y = np.asarray(value(np.reshape(minima, (-1, 1))), dtype=float) * np.ones(
            len(minima)
        )
    traces = [
        {
            "type": "scatter",
            "x": f32(xs),
            "y": f32(ys),
            "mode": "lines",
            "name": "f(x)",
            "line": {"color": CURVE, "width": 3},
            "hovertemplate": "x = %{x:.4g}<br>f = %{y:.4g}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": list(map(float, minima)),
            "y": f32(minima_y),
            "mode": "markers",
            "name": "known minimum",
            "showlegend": bool(len(minima)),
            "marker": {
                "symbol": "star",
                "size": 15,
                "color": RIM,
                "line": {"color": INK, "width": 1.5},
            },
        },
    ]
    for run in runs:
        traces += _run_traces(run)
    traces.append(
        {
            "type": "scatter",
            "x": [window.x_min],
            "y": [window.y_max],
            "mode": "text",
            "textposition": "bottom right",
            "showlegend": False,
            "hoverinfo": "skip",
            "textfont": {"size": 15, "color": TEXT, "shadow": "auto"},
        }
    )
    if steps is None:
        longest = max(run.trajectory.steps for run in runs)
        steps = frame_steps(longest, frame_count(longest, len(runs)))
        steps = np.union1d(steps, np.arange(min(first_steps, longest + 1)))
    half = TANGENT_FRACTION * (window.x_max - window.x_min)
    slopes = [_slopes(run.trajectory, steps, derivative) for run in runs]
    moving = [i for r in range(len(runs)) for i in (3 + 4 * r, 4 + 4 * r, 5 + 4 * r)]
    moving.append(len(traces) - 1)

    notes = with_notes(lambda step: "", layers)

    def at_step(step: int, note: str) -> list[dict]:
        data = []
        for run, slope in zip(runs, slopes, strict=True):
            t = run.trajectory
            current = min(step, t.steps)
            shown = np.append(steps[steps < current], current)
            x, f = t.points[current, 0], t.values[current]
            s = slope[np.searchsorted(steps, step)]
            data += [
                {"x": f32(t.points[shown, 0]), "y": f32(t.values[shown])},
                {"x": f32([x]), "y": f32([f])},
                {"x": f32([x - half, x + half]), "y": f32([f - s * half, f + s * half])},
            ]
        label = f"step {step}"
        if frame_label is not None:
            label = frame_label(step)
        elif len(runs) == 1:
            t = runs[0].trajectory
            current = min(step, t.steps)
            slope = slopes[0][np.searchsorted(steps, step)]
            label += f" · x = {t.points[current, 0]:.4g}, f′(x) = {slope:.3g}"
        label += note
        return typed(data + [{"text": [f"  {label}" if label else ""]}])

    def traces_at(shown: np.ndarray) -> list[list[dict]]:
        return [at_step(k, note) for k, note in zip(shown.tolist(), notes(shown), strict=True)]

    layout = {
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 30, "b": 100},
        "xaxis": {
            "range": [window.x_min, window.x_max],
            "title": {"text": "x"},
        },
        "yaxis": {
            "range": [window.y_min, window.y_max],
            "title": {"text": "f(x)"},
        },
        "plot_bgcolor": LIGHT_INKS.plot,
        "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"},
        "hovermode": "closest",
        "uirevision": "keep",
    } | playback_menus(steps)
    traces, layout, moving, traces_at = add_layers(traces, layout, moving, traces_at, layers)
    shown = start_at(layout, steps, step)
    for index, patch in zip(moving, traces_at(np.array([shown]))[0], strict=True):
        traces[index].update(patch)
    return figure(traces, layout, frames(steps, traces_at, moving))


def _run_traces(run: RunView) -> list[dict]:
    t = run.trajectory
    return [
        {
            "type": "scatter",
            "x": f32(t.points[:, 0]),
            "y": f32(t.values),
            "mode": "markers",
            "marker": {"size": 5, "color": run.colour, "opacity": 0.3},
            "showlegend": False,
            "hovertemplate": "step %{pointNumber}: x = %{x:.4g}, f = %{y:.4g}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": run.label,
            "line": {"color": run.colour, "width": 1.8, "dash": "dot"},
            "marker": {"size": 7, "color": run.colour, "symbol": run.symbol},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "showlegend": False,
            "hoverinfo": "skip",
            "marker": {
                "size": 15,
                "color": run.colour,
                "symbol": run.symbol,
                "line": {"color": RIM, "width": 2},
            },
        },
        {
            "type": "scatter",
            "mode": "lines",
            "showlegend": False,
            "hoverinfo": "skip",
            "line": {"color": run.colour, "width": 2.8, "dash": run.dash},
        },
    ]


def _slopes(t, steps: np.ndarray, derivative) -> np.ndarray:
    at = t.points[np.minimum(steps, t.steps)]
    with np.errstate(all="ignore"):
        return np.asarray(derivative(at), dtype=float).reshape(len(steps), -1)[:, 0]
