"""Static companions of the animation: f, ‖∇f‖ and α against the step, and the 3-D surface."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdviz.field import Field, colour_scale, ranks
from gdviz.figures.animation import f32, figure
from gdviz.figures.backdrop import sample_like
from gdviz.figures.contour import RunView
from gdviz.figures.look import LIGHT_INKS, SURFACE_LINES
from gdviz.figures.panels import metric_panels, thin


def metrics_figure(
    runs: Sequence[RunView], show_learning_rate: bool, height: int = 520, step: int | None = None
) -> go.Figure:
    """Stacked panels sharing the step axis: f (log scale when f > 0), ‖∇f‖ (log), and α; a
    marker at ``step`` on each (none when ``step`` is None)."""
    panels = metric_panels(runs, show_learning_rate)
    layout = {
        "height": height,
        "margin": {"l": 70, "r": 10, "t": 30, "b": 40},
        "showlegend": False,
        "hovermode": "x unified",
        "plot_bgcolor": LIGHT_INKS.plot,
    } | panels.layout
    traces = [dict(trace) for trace in panels.traces]
    if step is not None:
        for index, patch in zip(panels.moving, panels.at(np.array([step]))[0], strict=True):
            traces[index].update(patch)
    return figure(traces, layout)


def clipped_path(points: np.ndarray, values: np.ndarray, window, top: float) -> tuple:
    """x, y, f of a path with every point outside the drawn box (off the window, or above the
    surface's top) a gap: a 3-D scene does not clip, so a diverged run would draw huge planes.

    >>> from gdviz.field import Window
    >>> x, y, f = clipped_path(np.array([[0.0, 0], [5, 0], [1, 1]]), np.array([0.0, 25, 99]),
    ...                        Window(-2, 2, -2, 2), top=50.0)
    >>> x.tolist(), f.tolist()
    ([0.0, nan, nan], [0.0, nan, nan])
    """
    x, y = points[:, 0].astype(float), points[:, 1].astype(float)
    inside = (
        (window.x_min <= x) & (x <= window.x_max) & (window.y_min <= y) & (y <= window.y_max)
    ) & (values <= top)
    gap = np.where(inside, 1.0, np.nan)
    return x * gap, y * gap, values * gap


def surface_figure(
    field: Field, runs: Sequence[RunView], height: int = 560, dark: bool = False
) -> go.Figure:
    """f as a 3-D surface (coloured by rank, like the contour, ``dark`` for the dark theme's
    field) with each run's path on it."""
    coarse = sample_like(field, 60)
    z = coarse.values
    finite = z[np.isfinite(z)]
    top = np.quantile(finite, 0.98) if finite.size else 1.0
    z = np.where(np.isfinite(z), np.minimum(z, top), np.nan)
    bottom = float(finite.min()) if finite.size else 0.0
    lift = 0.01 * (top - bottom)
    traces = [
        {
            "type": "surface",
            "x": f32(coarse.xs),
            "y": f32(coarse.ys),
            "z": f32(z),
            "surfacecolor": f32(ranks(coarse.values)),
            "showscale": False,
            "opacity": 0.92,
            "colorscale": colour_scale(dark, 7),
            "hovertemplate": "x = %{x:.3g}, y = %{y:.3g}<br>f = %{z:.4g}<extra></extra>",
            "contours": {
                "z": {
                    "show": True,
                    "usecolormap": False,
                    "color": SURFACE_LINES,
                    "width": 1,
                    "start": float(np.min(finite)) if finite.size else 0,
                    "end": float(top),
                    "size": float((top - finite.min()) / 15 or 1) if finite.size else 1,
                }
            },
        }
    ]
    for run in runs:
        t = run.trajectory
        keep = thin(len(t.values), 600)
        x, y, z_path = clipped_path(t.points[keep], t.values[keep], field.window, top)
        traces.append(
            {
                "type": "scatter3d",
                "x": f32(x),
                "y": f32(y),
                "z": f32(z_path + lift),
                "mode": "lines+markers",
                "name": run.label,
                "line": {"color": run.colour, "width": 5, "dash": run.dash},
                "marker": {"size": 2.5, "color": run.colour},
            }
        )
    w = field.window
    layout = {
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "showlegend": False,
        "scene": {
            "xaxis": {"title": {"text": "x"}, "range": [w.x_min, w.x_max]},
            "yaxis": {"title": {"text": "y"}, "range": [w.y_min, w.y_max]},
            "zaxis": {"title": {"text": "f"}, "range": [bottom, float(top + 2 * lift)]},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.6},
            "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 1.1}},
        },
        "uirevision": "keep",
    }
    return figure(traces, layout)
