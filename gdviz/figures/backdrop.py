"""The still part of a 2-D descent plot: the colour field, level lines, the hover/click grid,
the known minima and the axes fixed to the window — everything that depends only on f and the
view, built once and cached (:class:`Backdrop`); :mod:`gdviz.figures.contour` draws runs on it.

>>> plot_height(Window(-3, 3, -2, 2), 360)  # equal scale: 300 px of plot width × 4/6
200
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdviz.field import Field, Window, background_image, contour_levels, level_lines
from gdviz.figures.animation import f32
from gdviz.figures.look import INK, LEVEL_LINES, LIGHT_INKS, RIM
from gdviz.figures.prepared import typed


def aspect_of(window: Window) -> float:
    """The window's height over its width, in its own units."""
    return (window.y_max - window.y_min) / (window.x_max - window.x_min)


def plot_height(window: Window, width: int) -> int:
    """Pixels of plot (margins left out) that show ``window`` at equal scale in a chart
    ``width`` pixels wide (50 + 10 of side margins).

    >>> plot_height(Window(-3, 3, -2, 2), 360)
    200
    """
    return int((width - 60) * aspect_of(window))


def base_layout(
    field: Field,
    height: int,
    axis_titles: tuple[str, str] = ("x", "y"),
    dark: bool = False,
    width: int = 580,
) -> dict:
    """Axes fixed to the window, equal scale when the window is not too elongated; as tall as
    a plot ``width`` pixels wide needs, at most ``height``."""
    w = field.window
    aspect = aspect_of(w)
    yaxis = {
        "range": [w.y_min, w.y_max],
        "title": {"text": axis_titles[1]},
        "showgrid": False,
        "zeroline": False,
    }
    if 0.4 <= aspect <= 2.5:
        yaxis.update(scaleanchor="x", scaleratio=1, constrain="domain")
    return {
        "height": int(np.clip(130 + plot_height(w, width), min(360, height), height)),
        "margin": {"l": 50, "r": 10, "t": 30, "b": 100},
        "xaxis": {
            "range": [w.x_min, w.x_max],
            "title": {"text": axis_titles[0]},
            "showgrid": False,
            "zeroline": False,
            "constrain": "domain",
        },
        "yaxis": yaxis,
        "plot_bgcolor": LIGHT_INKS.plot,
        "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"},
        "hovermode": "closest",
        "dragmode": False,
        "uirevision": "keep",
        "images": [
            {
                "source": background_image(field, dark),
                "xref": "x",
                "yref": "y",
                "x": w.x_min,
                "y": w.y_max,
                "sizex": w.x_max - w.x_min,
                "sizey": w.y_max - w.y_min,
                "sizing": "stretch",
                "layer": "below",
            }
        ],
    }


def static_traces(
    field: Field,
    minima: Sequence[tuple[float, float]],
    grid: int = 18,
    names: tuple[str, str, str, str] = ("x", "y", "f", "known minimum"),
) -> list:
    """Hover/click grid (near-transparent markers), level lines and the known minima.

    ``names``: the two variables, the function and the marked minima, as hover and legend
    texts say them.
    """
    x, y, f, minimum = names
    lines_field = sample_like(field, 56)
    xs, ys = level_lines(lines_field, contour_levels(lines_field.values))
    gx, gy = np.meshgrid(
        np.linspace(*field.xs[[0, -1]], grid), np.linspace(*field.ys[[0, -1]], grid)
    )
    gz = _grid_values(field, gx, gy)
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    return [
        dict(
            type="scatter",
            x=f32(gx.ravel()),
            y=f32(gy.ravel()),
            customdata=f32(gz.ravel()),
            mode="markers",
            marker={"size": 14, "color": "rgba(0,0,0,0.004)", "line": {"width": 0}},
            name="click to start here",
            hovertemplate=f"{x} = %{{x:.3g}}, {y} = %{{y:.3g}}<br>{f} = %{{customdata:.4g}}"
            "<extra></extra>",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=f32(xs),
            y=f32(ys),
            mode="lines",
            line={"color": LEVEL_LINES, "width": 1},
            hoverinfo="skip",
            showlegend=False,
            name="level lines",
        ),
        dict(
            type="scatter",
            x=minima[:, 0],
            y=minima[:, 1],
            mode="markers",
            name=minimum,
            marker={
                "symbol": "star",
                "size": 15,
                "color": RIM,
                "line": {"color": INK, "width": 1.5},
            },
            hovertemplate="minimum at (%{x:.4g}, %{y:.4g})<extra></extra>",
            showlegend=bool(len(minima)),
        ),
    ]


def sample_like(field: Field, size: int) -> Field:
    """The same function on a coarser grid, by bilinear resampling of the fine one."""
    xs, ys = field.window.grid(size)
    return Field(field.window, xs, ys, _grid_values(field, *np.meshgrid(xs, ys)))


def _grid_values(field: Field, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Nearest-sample values of the field at arbitrary points (for hover and resampling)."""
    j = np.clip(np.searchsorted(field.xs, gx), 0, len(field.xs) - 1)
    i = np.clip(np.searchsorted(field.ys, gy), 0, len(field.ys) - 1)
    return field.values[i, j]


@dataclass(frozen=True)
class Backdrop:
    """The parts of the contour plot that depend only on f and the window (cache these)."""

    window: object
    layout: dict
    traces: tuple
    height: int = 580  # the most the whole figure may take


def backdrop(
    field: Field,
    minima: Sequence[tuple[float, float]] = (),
    height: int = 580,
    *,
    axis_titles: tuple[str, str] = ("x", "y"),
    function_name: str = "f",
    minimum_name: str = "known minimum",
    dark: bool = False,
    width: int = 580,
) -> Backdrop:
    """Colour image, level lines, hover/click grid and minima for ``field``; the names are the
    axis titles, the function's in hover texts and the minima's in the legend. ``dark``: the
    colour field for the dark theme (everything else is recoloured by ``look.restyle``);
    ``width``: the chart's width in pixels (with ``height``, the most it may take)."""
    names = (*axis_titles, function_name, minimum_name)
    traces = typed(static_traces(field, minima, names=names))  # encoded once, not per rerun
    layout = base_layout(field, height, axis_titles, dark, width)
    return Backdrop(field.window, layout, tuple(traces), height)
