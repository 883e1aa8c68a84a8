"""The 1-D intuition figure: GD on the parabola f(x) = (c/2)x² and its cobweb, animated.

Each step multiplies x by 1 − αf″: the left panel shows the iterates bouncing on the parabola,
the right one the same steps as a cobweb of the map x ↦ (1 − αf″)x against the diagonal.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdviz.engine import Trajectory
from gdviz.figures.animation import f32, figure, frames, per_step, playback_menus
from gdviz.figures.lab import LEGEND, layout
from gdviz.figures.look import CURVE, MUTED, PALETTE, RIM, TEXT

CURVE_COLOUR, DIAGONAL_COLOUR = CURVE, MUTED
RIGHT = {"xaxis": "x2", "yaxis": "y2"}  # the cobweb panel
MOVING = [1, 2, 5, 6, 7]  # the traces that the frames update, in the order of ``_at_step``


def _line(**entries) -> dict:
    """A scatter trace without hover (the figure is for watching, not for reading values)."""
    return {"type": "scatter", "hoverinfo": "skip"} | entries


def _dot(colour: str, size: int, **entries) -> dict:
    """The current point: a large dot with a white rim."""
    marker = {"size": size, "color": colour, "line": {"color": RIM, "width": 2}}
    return _line(mode="markers", showlegend=False, marker=marker, **entries)


def intuition_figure(
    run: Trajectory, curvature: float, rate: float, height: int = 470
) -> go.Figure:
    """Left: the iterates bouncing on f(x) = (c/2)x². Right: the cobweb of the map
    x ↦ (1 − αc)x against the diagonal. One Play button drives both."""
    xs = run.points[:, 0]
    reach = max(3.0, 1.15 * abs(xs[0]))
    curve = np.linspace(-reach, reach, 301)
    top = 0.5 * curvature * reach**2
    factor = 1 - rate * curvature
    n, box = int(run.steps), [-reach, reach]
    traces = [
        _line(x=f32(curve), y=f32(0.5 * curvature * curve**2), mode="lines",
              name="f(x) = (f″/2)·x²", line={"color": CURVE_COLOUR, "width": 3}),
        _line(mode="lines+markers", name="iterates xₖ",
              line={"color": PALETTE[0], "width": 1.5, "dash": "dot"},
              marker={"size": 7, "color": PALETTE[0]}),
        _dot(PALETTE[0], 15),
        _line(x=box, y=box, mode="lines", name="diagonal xₖ₊₁ = xₖ",
              line={"color": DIAGONAL_COLOUR, "dash": "dash", "width": 1.5}, **RIGHT),
        _line(x=box, y=[-factor * reach, factor * reach], mode="lines",
              name=f"map xₖ₊₁ = (1 − αf″)·xₖ, slope {factor:.3g}",
              line={"color": CURVE_COLOUR, "width": 3}, **RIGHT),
        _line(mode="lines", name="cobweb", line={"color": PALETTE[2], "width": 2}, **RIGHT),
        _dot(PALETTE[2], 11, **RIGHT),
        _line(x=[-reach], y=[top * 1.08], mode="text", textposition="bottom right",
              showlegend=False, textfont={"size": 15, "color": TEXT, "shadow": "auto"}),
    ]  # fmt: skip

    def at_step(step: int) -> list[dict]:
        return _at_step(xs, min(step, n), step, curvature, factor)

    steps = np.arange(n + 1)
    for index, patch in zip(MOVING, at_step(n), strict=True):
        traces[index].update(patch)
    menus = playback_menus(steps)
    axes = {
        "xaxis": {"domain": [0, 0.47], "range": box, "title": {"text": "x"}},
        "yaxis": {"range": [-0.06 * top, 1.12 * top], "title": {"text": "f(x)"}},
        "xaxis2": {"domain": [0.55, 1], "range": box, "anchor": "y2",
                   "title": {"text": "xₖ"}},
        "yaxis2": {"range": box, "anchor": "x2", "title": {"text": "xₖ₊₁"},
                   "scaleanchor": "x2"},
    }  # fmt: skip
    spec = layout(height, 40, 110, left=55, legend=LEGEND | {"y": 1.04}, hovermode=False,
                  uirevision="keep", **axes, **menus)  # fmt: skip
    return figure(traces, spec, frames(steps, per_step(at_step), MOVING))


def _at_step(xs: np.ndarray, k: int, step: int, curvature: float, factor: float) -> list[dict]:
    """The moving traces after ``k`` steps: path, current point, cobweb, its tip, the label."""
    path = xs[: k + 1]
    corner = np.arange(2 * k + 1)  # (x0,x0) → (x0,x1) → (x1,x1) → (x1,x2) → …
    web_x, web_y = path[corner // 2], path[(corner + 1) // 2]
    here = [path[-1], factor * path[-1]]
    return [
        {"x": f32(path), "y": f32(0.5 * curvature * path**2)},
        {"x": f32(path[-1:]), "y": f32(0.5 * curvature * path[-1:] ** 2)},
        {"x": f32(web_x), "y": f32(web_y)},
        {"x": f32(here[:1]), "y": f32(here[1:])},
        {"text": [f"  step {step} · x = {path[-1]:.4g}"]},
    ]
