"""The basin map: every start of the grid coloured by the minimum it converged to (or by its
verdict's kind), as ONE image.

A legend of coloured squares (with each category's share of the starts; the largest basins by
name, the other local minima together), the minima as stars, your start as a ring, and an
invisible coarse grid of markers that tells, on hover, where a start ends and after how many
steps. Neighbouring basins never share a colour where the palette allows.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdviz.field import Window, png_data_uri
from gdviz.figures.animation import f32, figure
from gdviz.figures.lab import layout, legend_entry
from gdviz.figures.look import (
    DIVERGED,
    ELSEWHERE,
    EXTRA,
    INK,
    MUTED,
    PALE,
    REGIONS,
    RIM,
    RUNS,
    Look,
)
from gdviz.formatting import steps
from gdviz.lessons.learning_rate.basins import BasinMap
from gdviz.messages import KINDS

# The run colours but black (too near DIVERGED, and it would hide the start ring), then more;
# then one colour per verdict kind for the starts that did not converge to a minimum shown.
BASIN_COLOURS = (*(c for c in RUNS if c != "#000000"), *EXTRA)
NAMED = 8  # minima named in the legend (the largest basins); the others share one entry
KIND_SHADES = {  # greys and dark tones, apart from the basins' colours
    "converged": PALE,  # converged to a minimum that is not shown (rare)
    "saddle": MUTED,
    "too_slow": ELSEWHERE,
    "cycling": REGIONS["cycling"][0],
    "diverging": DIVERGED,
    "unbounded": REGIONS["diverging"][0],
    "undefined": RIM,
    "stalled": REGIONS["too_slow"][0],
}


def basin_colours(result: BasinMap) -> list[str]:
    """One colour per category of ``result.names``: each minimum (greedily, so that the nearest
    minima differ), then each verdict kind."""
    minima, chosen = result.minima, []
    for i in range(len(minima)):
        distance = np.linalg.norm(minima[:i] - minima[i], axis=-1)
        near = np.argsort(distance)[:8]
        used = {chosen[j] for j in near}
        free = [c for c in range(len(BASIN_COLOURS)) if c not in used]
        chosen.append(free[0] if free else i % len(BASIN_COLOURS))
    kinds = [KIND_SHADES[kind] for kind in KINDS]
    return [BASIN_COLOURS[c] for c in chosen] + kinds


def basin_image(result: BasinMap, dark: bool = False) -> np.ndarray:
    """RGBA pixels: each minimum's colour, each other start its verdict kind's colour;
    ``dark``: the dark theme's colours."""
    shade = Look(dark=dark).colour
    palette = np.array([_rgb(shade(c)) for c in basin_colours(result)])
    rgb = palette[result.labels]
    alpha = np.full(rgb.shape[:-1] + (1,), 255.0)
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)[::-1]


def legend(result: BasinMap) -> list[tuple[str, str]]:
    """(name with share, colour) for the legend: the ``NAMED`` largest basins, the other minima
    together, then every verdict kind that some start got."""
    shares, colours, count = result.shares(), basin_colours(result), len(result.minima)
    order = np.argsort(-shares[:count], kind="stable")
    rows = [(f"{result.names[i]} ({100 * shares[i]:.0f} %)", colours[i]) for i in order[:NAMED]]
    if count > NAMED:
        rest = order[NAMED:]
        share = 100 * shares[rest].sum()
        rows.append((f"{len(rest)} more local minima ({share:.0f} %)", colours[rest[0]]))
    for j in range(count, len(result.names)):
        if shares[j] > 0:
            rows.append((f"{result.names[j]} ({100 * shares[j]:.0f} %)", colours[j]))
    return rows


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def basin_figure(
    result: BasinMap, start=None, height: int = 620, hover: int = 50, dark: bool = False
) -> go.Figure:
    """The label grid as ONE layout image (``dark``: in the dark theme's colours), the minima as
    stars, a legend made of markers and an invisible coarse grid (about ``hover`` per side)
    that tells, on hover, where a start ends."""
    w = result.window
    traces = [_square(name, colour) for name, colour in legend(result)]
    traces.append(_hover_grid(result, max(1, len(result.xs) // hover)))
    if len(result.minima):
        traces.append({
            "type": "scatter", "x": result.minima[:, 0], "y": result.minima[:, 1],
            "mode": "markers", "name": "minimum", "showlegend": False,
            "marker": {"symbol": "star", "size": 17 if len(result.minima) <= NAMED else 8,
                       "color": RIM,
                       "line": {"color": INK, "width": 1.5}},
            "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
        })  # fmt: skip
    if start is not None:
        ring = {"symbol": "circle-open", "size": 13, "color": INK, "line": {"width": 2.5}}
        traces.append({"type": "scatter", "x": [start[0]], "y": [start[1]], "mode": "markers",
                       "name": "your start θ₀", "marker": ring})  # fmt: skip
    axis = {"showgrid": False, "zeroline": False, "constrain": "domain"}
    spec = layout(
        height, 70, 50, left=50,
        images=[_stretched(png_data_uri(basin_image(result, dark)), w)],
        xaxis=axis | {"range": [w.x_min, w.x_max], "title": {"text": "start x₀"}},
        yaxis=axis | {"range": [w.y_min, w.y_max], "title": {"text": "start y₀"},
                      "scaleanchor": "x"},
    )  # fmt: skip
    return figure(traces, spec)


def _square(name: str, colour: str) -> dict:
    """A legend entry: a square of ``colour`` (the map itself is an image, without entries)."""
    marker = {
        "symbol": "square",
        "size": 13,
        "color": colour,
        "line": {"color": MUTED, "width": 1},
    }
    return legend_entry(name, "markers", marker=marker)


def _hover_grid(result: BasinMap, step: int) -> dict:
    """Near-transparent markers on every ``step``-th start: where it ends, in how many steps."""
    gx, gy = np.meshgrid(result.xs[::step], result.ys[::step])
    labels = result.labels[::step, ::step]
    words = np.array(result.names, dtype=object)[labels]
    taken = result.steps[::step, ::step]
    text = [f"{word} · {steps(k)}" for word, k in zip(words.ravel(), taken.ravel(), strict=True)]
    return {
        "type": "scatter", "x": f32(gx.ravel()), "y": f32(gy.ravel()), "text": text,
        "mode": "markers", "showlegend": False,
        "marker": {"size": 10, "color": "rgba(0,0,0,0.004)", "line": {"width": 0}},
        "hovertemplate": "start (%{x:.3g}, %{y:.3g})<br>%{text}<extra></extra>",
    }  # fmt: skip


def _stretched(source: str, w: Window) -> dict:
    """A layout image filling the window, below the traces."""
    corner = {"x": w.x_min, "y": w.y_max, "sizex": w.x_max - w.x_min, "sizey": w.y_max - w.y_min}
    return {
        "source": source,
        "xref": "x",
        "yref": "y",
        "sizing": "stretch",
        "layer": "below",
    } | corner
