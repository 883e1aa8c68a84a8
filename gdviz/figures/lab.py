"""Figures of the Learning-rate lab: the α sweep, the 1-D cobweb, schedules and basin maps.

Pure builders ``(results) -> plotly Figure``; plain dicts throughout (see
:func:`gdviz.figures.animation.figure`). Region colours come from :mod:`gdviz.lab`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdviz.field import Window, png_data_uri
from gdviz.figures.animation import PALETTE, f32, figure, frames, playback_menus
from gdviz.figures.charts import thin
from gdviz.figures.contour import Backdrop, RunView, descent_figure
from gdviz.figures.curve import curve_figure
from gdviz.lab import REGION_COLOURS, REGION_NAMES, REGIONS, BasinMap, LabRun, Sweep

_AXIS = {"showgrid": True, "gridcolor": "#E6E9F0", "zeroline": False, "linecolor": "#9AA3B5"}
_BLANK = {"template": {"data": {}, "layout": {}}, "plot_bgcolor": "#FFFFFF"}
_LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 12}}
LIMIT_COLOUR, BEST_COLOUR, YOURS_COLOUR = "#B3132B", "#1E7B4F", "#1B1B1E"


def _legend_line(name: str, colour: str, dash: str) -> dict:
    """A legend entry for a vertical line drawn as a layout shape."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "lines",
        "name": name,
        "line": {"color": colour, "dash": dash, "width": 2},
    }


def _vertical(x: float, colour: str, dash: str) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "dash": dash, "width": 2},
        "layer": "above",
    }


def run_views(runs: Sequence[LabRun], full_labels: bool) -> list[RunView]:
    """Each run in its palette colour, labelled 'α = …' (plus its verdict when overlaid)."""
    return [
        RunView(run.label if full_labels else f"α = {run.learning_rate:g}", run.trajectory,
                PALETTE[i % len(PALETTE)])
        for i, run in enumerate(runs)
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


def losses_figure(views: Sequence[RunView], f_star: float, height: int = 380) -> go.Figure:
    """f(θₖ) − f* on a log scale against the step k, one line per run, with a legend."""
    traces = []
    for view in views:
        values = np.asarray(view.trajectory.values, dtype=float)
        keep = thin(len(values))
        gaps = np.maximum(values[keep] - f_star, 1e-16)
        traces.append({
            "type": "scatter", "x": keep.astype(np.float32), "y": f32(gaps), "mode": "lines",
            "name": view.label, "line": {"color": view.colour, "width": 2.2},
            "hovertemplate": "step %{x}: f − f* = %{y:.3g}<extra>" + view.label + "</extra>",
        })  # fmt: skip
    layout = _BLANK | {
        "height": height,
        "margin": {"l": 70, "r": 10, "t": 40, "b": 45},
        "legend": _LEGEND,
        "hovermode": "closest",
        "xaxis": {**_AXIS, "title": {"text": "step k"}},
        "yaxis": {**_AXIS, "type": "log", "exponentformat": "power",
                  "title": {"text": "f(θₖ) − f*"}},
    }  # fmt: skip
    return figure(traces, layout)


# --- the sweep ---------------------------------------------------------------------------------


def sweep_figure(result: Sweep, height: int = 560) -> go.Figure:
    """Final f − f* (top) and steps to converge (bottom) against α on log axes, with the regions
    shaded and the theory's rates and your α as vertical lines."""
    info = result.theory
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": low,
            "x1": high,
            "y0": 0,
            "y1": 1,
            "fillcolor": REGION_COLOURS[region],
            "opacity": 0.13,
            "line": {"width": 0},
            "layer": "below",
        }
        for region, low, high in result.spans
    ]
    traces = []
    regions = np.array(result.regions)
    finite = result.gaps[np.isfinite(result.gaps)]
    ceiling = 10 * float(finite.max()) if finite.size else 1e3  # blown-up runs are drawn here
    gaps = np.where(np.isnan(result.gaps), ceiling, result.gaps)
    blown = np.isnan(result.gaps)
    if blown.any():
        traces.append({
            "type": "scatter", "x": f32(result.rates[blown]), "y": f32(gaps[blown]),
            "mode": "markers", "name": "blew up (f > 1e12)",
            "marker": {"color": REGION_COLOURS["diverging"], "size": 7, "symbol": "triangle-up"},
            "hovertemplate": "α = %{x:.4g}: f blew up<extra></extra>",
        })  # fmt: skip
    for region in REGIONS:
        chosen = (regions == region) & ~blown
        if not chosen.any():
            continue
        for axis, values, show in (("", gaps, True), ("2", result.steps, False)):
            traces.append(
                {
                    "type": "scatter",
                    "x": f32(result.rates[chosen]),
                    "y": f32(values[chosen]),
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "mode": "markers",
                    "name": REGION_NAMES[region],
                    "legendgroup": region,
                    "showlegend": show,
                    "marker": {"color": REGION_COLOURS[region], "size": 6, "symbol": "square"},
                    "hovertemplate": "α = %{x:.4g}<br>%{y:.4g}<extra>"
                    + REGION_NAMES[region]
                    + "</extra>",
                }
            )
    lines = []
    momentum_rule = "2(1+μ)/λmax" if np.isfinite(info.limit) and np.isnan(info.best) else ""
    if np.isfinite(info.limit):
        name = f"stability limit {momentum_rule or '2/λmax'} = {info.limit:.3g}"
        lines.append((info.limit, LIMIT_COLOUR, "solid", name))
    if np.isfinite(info.best):
        lines.append((info.best, BEST_COLOUR, "dash", f"best step 2/(λmin+λmax) = {info.best:.3g}"))
    if np.isfinite(info.monotone):
        lines.append((info.monotone, "#6B7385", "dot", f"1/λmax = {info.monotone:.3g}"))
    yours = result.yours.learning_rate
    lines.append((yours, YOURS_COLOUR, "dashdot", f"your α = {yours:g}"))
    low, high = result.rates[0], result.rates[-1]
    for x, colour, dash, name in lines:
        traces.append(_legend_line(name, colour, dash))
        if low <= x <= high:
            shapes.append(_vertical(x, colour, dash))
    traces.append(
        {
            "type": "scatter",
            "x": [low, high],
            "y": [result.max_steps] * 2,
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines",
            "name": "step budget",
            "showlegend": False,
            "line": {"color": "#9AA3B5", "dash": "dot", "width": 1},
            "hoverinfo": "skip",
        }
    )
    x_range = [float(np.log10(low)), float(np.log10(high))]
    layout = _BLANK | {
        "height": height,
        "margin": {"l": 70, "r": 10, "t": 80, "b": 50},
        "legend": _LEGEND,
        "shapes": shapes,
        "hovermode": "closest",
        "xaxis": {**_AXIS, "type": "log", "range": x_range, "anchor": "y", "showticklabels": False},
        "xaxis2": {
            **_AXIS,
            "type": "log",
            "range": x_range,
            "anchor": "y2",
            "matches": "x",
            "title": {"text": "learning rate α (log scale)"},
        },
        "yaxis": {
            **_AXIS,
            "type": "log",
            "domain": [0.42, 1],
            "exponentformat": "power",
            "title": {"text": "final f − f*"},
        },
        "yaxis2": {
            **_AXIS,
            "type": "log",
            "domain": [0, 0.34],
            "title": {"text": "steps to converge"},
        },
    }
    return figure(traces, layout)


# --- 1-D intuition: the parabola and its cobweb ------------------------------------------------


def intuition_figure(run, curvature: float, rate: float, height: int = 470) -> go.Figure:
    """Left: the iterates bouncing on f(x) = (c/2)x². Right: the cobweb of the map
    x ↦ (1 − αc)x against the diagonal. One Play button drives both."""
    xs = run.points[:, 0]
    reach = max(3.0, 1.15 * abs(xs[0]))
    curve = np.linspace(-reach, reach, 301)
    top = 0.5 * curvature * reach**2
    factor = 1 - rate * curvature
    n = int(run.steps)
    traces = [
        {
            "type": "scatter",
            "x": f32(curve),
            "y": f32(0.5 * curvature * curve**2),
            "mode": "lines",
            "name": "f(x) = (f″/2)·x²",
            "line": {"color": "#26468C", "width": 3},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "iterates xₖ",
            "line": {"color": PALETTE[0], "width": 1.5, "dash": "dot"},
            "marker": {"size": 7, "color": PALETTE[0]},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "showlegend": False,
            "hoverinfo": "skip",
            "marker": {"size": 15, "color": PALETTE[0], "line": {"color": "#FFF", "width": 2}},
        },
        {
            "type": "scatter",
            "x": [-reach, reach],
            "y": [-reach, reach],
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines",
            "name": "diagonal xₖ₊₁ = xₖ",
            "line": {"color": "#9AA3B5", "dash": "dash", "width": 1.5},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": [-reach, reach],
            "y": [-factor * reach, factor * reach],
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines",
            "name": f"map xₖ₊₁ = (1 − αf″)·xₖ, slope {factor:.3g}",
            "line": {"color": "#26468C", "width": 3},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines",
            "name": "cobweb",
            "line": {"color": PALETTE[2], "width": 2},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "markers",
            "showlegend": False,
            "marker": {"size": 11, "color": PALETTE[2], "line": {"color": "#FFF", "width": 2}},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": [-reach],
            "y": [top * 1.08],
            "mode": "text",
            "textposition": "bottom right",
            "showlegend": False,
            "hoverinfo": "skip",
            "textfont": {"size": 14},
        },
    ]

    def traces_at(step: int) -> list[dict]:
        k = min(step, n)
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

    steps = np.arange(n + 1)
    moving = [1, 2, 5, 6, 7]
    for index, patch in zip(moving, traces_at(n), strict=True):
        traces[index].update(patch)
    box = [-reach, reach]
    layout = (
        _BLANK
        | {
            "height": height,
            "margin": {"l": 55, "r": 10, "t": 40, "b": 110},
            "legend": _LEGEND | {"y": 1.04},
            "hovermode": False,
            "xaxis": {**_AXIS, "domain": [0, 0.47], "range": box, "title": {"text": "x"}},
            "yaxis": {**_AXIS, "range": [-0.06 * top, 1.12 * top], "title": {"text": "f(x)"}},
            "xaxis2": {
                **_AXIS,
                "domain": [0.55, 1],
                "range": box,
                "anchor": "y2",
                "title": {"text": "xₖ"},
            },
            "yaxis2": {
                **_AXIS,
                "range": box,
                "anchor": "x2",
                "title": {"text": "xₖ₊₁"},
                "scaleanchor": "x2",
            },
            "uirevision": "keep",
        }
        | playback_menus(steps)
    )
    return figure(traces, layout, frames(steps, traces_at, moving))


def _lowered(menus: dict, y: float) -> dict:
    """Play/Pause and the step slider moved below the x-axis titles."""
    menus["updatemenus"][0]["y"] = menus["sliders"][0]["y"] = y
    return menus


# --- schedules ---------------------------------------------------------------------------------


def schedules_figure(runs: Sequence[LabRun], f_star: float, height: int = 560) -> go.Figure:
    """Learning rate α_k (top) and f − f* on a log scale (bottom) against the step k."""
    finals = [r.trajectory.values for r in runs]
    lowest = min([f_star, *(np.nanmin(np.where(np.isfinite(v), v, np.nan)) for v in finals)])
    traces = []
    for i, run in enumerate(runs):
        t, colour = run.trajectory, PALETTE[i % len(PALETTE)]
        keep = thin(len(t.values))
        name = run.label.split(" — ")[0]
        traces += [
            {
                "type": "scatter",
                "x": np.arange(len(t.learning_rates), dtype=np.float32),
                "y": f32(t.learning_rates),
                "mode": "lines",
                "name": name,
                "legendgroup": name,
                "line": {"color": colour, "width": 2},
                "hovertemplate": "α = %{y:.4g}",
            },
            {
                "type": "scatter",
                "x": keep.astype(np.float32),
                "y": f32(np.maximum(t.values[keep] - lowest, 1e-16)),
                "xaxis": "x2",
                "yaxis": "y2",
                "mode": "lines",
                "name": name,
                "legendgroup": name,
                "showlegend": False,
                "line": {"color": colour, "width": 2},
                "hovertemplate": "f − f* = %{y:.3g}",
            },
        ]
    layout = _BLANK | {
        "height": height,
        "margin": {"l": 70, "r": 10, "t": 40, "b": 50},
        "legend": _LEGEND,
        "hovermode": "x unified",
        "xaxis": {**_AXIS, "anchor": "y", "showticklabels": False},
        "xaxis2": {**_AXIS, "anchor": "y2", "matches": "x", "title": {"text": "step k"}},
        "yaxis": {
            **_AXIS,
            "domain": [0.58, 1],
            "title": {"text": "learning rate αₖ"},
            "rangemode": "tozero",
        },
        "yaxis2": {
            **_AXIS,
            "domain": [0, 0.5],
            "type": "log",
            "exponentformat": "power",
            "title": {"text": "f(θₖ) − f*"},
        },
    }
    return figure(traces, layout)


# --- basins of attraction ----------------------------------------------------------------------

BASIN_COLOURS = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#CCB974",
)
ELSEWHERE, DIVERGED = "#D5D8DE", "#2B2B2B"  # no minimum reached; diverged


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def basin_colours(result: BasinMap) -> list[str]:
    count = len(result.minima)
    return [BASIN_COLOURS[i % len(BASIN_COLOURS)] for i in range(count)] + [ELSEWHERE, DIVERGED]


def basin_image(result: BasinMap) -> np.ndarray:
    """RGBA pixels: each minimum's colour, paler where the run had not converged yet."""
    palette = np.array([_rgb(c) for c in basin_colours(result)])
    rgb = palette[result.labels]
    pale = ~result.converged & (result.labels < len(result.minima))
    rgb[pale] = 0.45 * rgb[pale] + 0.55 * 255
    alpha = np.full(rgb.shape[:-1] + (1,), 255.0)
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)[::-1]


def basin_figure(result: BasinMap, start=None, height: int = 620, hover: int = 50) -> go.Figure:
    """The label grid as ONE layout image, the minima as stars, a legend made of markers and an
    invisible coarse grid that tells, on hover, where a start ends."""
    w, colours = result.window, basin_colours(result)
    shares = result.shares()
    traces = []
    for name, colour, share in zip(result.names, colours, shares, strict=True):
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": f"{name} ({100 * share:.0f} %)",
                "marker": {
                    "symbol": "square",
                    "size": 13,
                    "color": colour,
                    "line": {"color": "#9AA3B5", "width": 1},
                },
            }
        )
    if len(result.minima) and not result.converged.all():
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": "pale: near it, not converged yet",
                "marker": {
                    "symbol": "square",
                    "size": 13,
                    "color": "#EEF0F4",
                    "line": {"color": "#9AA3B5", "width": 1},
                },
            }
        )
    step = max(1, len(result.xs) // hover)
    gx, gy = np.meshgrid(result.xs[::step], result.ys[::step])
    labels = result.labels[::step, ::step]
    settled = result.converged[::step, ::step]
    taken = result.steps[::step, ::step]
    words = np.array(result.names, dtype=object)[labels]
    pale = ~settled & (labels < len(result.minima))
    text = [
        f"{word}{' (not converged)' if unsettled else ''} · {k} steps"
        for word, unsettled, k in zip(words.ravel(), pale.ravel(), taken.ravel(), strict=True)
    ]
    traces.append(
        {
            "type": "scatter",
            "x": f32(gx.ravel()),
            "y": f32(gy.ravel()),
            "text": text,
            "mode": "markers",
            "showlegend": False,
            "marker": {"size": 10, "color": "rgba(0,0,0,0.004)", "line": {"width": 0}},
            "hovertemplate": "start (%{x:.3g}, %{y:.3g})<br>%{text}<extra></extra>",
        }
    )
    if len(result.minima):
        traces.append(
            {
                "type": "scatter",
                "x": result.minima[:, 0],
                "y": result.minima[:, 1],
                "mode": "markers",
                "name": "minimum",
                "showlegend": False,
                "marker": {
                    "symbol": "star",
                    "size": 17,
                    "color": "#FFFFFF",
                    "line": {"color": "#1B1B1E", "width": 1.5},
                },
                "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
    if start is not None:
        traces.append(
            {
                "type": "scatter",
                "x": [start[0]],
                "y": [start[1]],
                "mode": "markers",
                "name": "your start θ₀",
                "marker": {
                    "symbol": "circle-open",
                    "size": 13,
                    "color": "#1B1B1E",
                    "line": {"width": 2.5},
                },
            }
        )
    image = {
        "source": png_data_uri(basin_image(result)),
        "xref": "x",
        "yref": "y",
        "x": w.x_min,
        "y": w.y_max,
        "sizex": w.x_max - w.x_min,
        "sizey": w.y_max - w.y_min,
        "sizing": "stretch",
        "layer": "below",
    }
    layout = _BLANK | {
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 70, "b": 50},
        "legend": _LEGEND,
        "hovermode": "closest",
        "images": [image],
        "xaxis": {
            "range": [w.x_min, w.x_max],
            "title": {"text": "start x₀"},
            "showgrid": False,
            "zeroline": False,
            "constrain": "domain",
        },
        "yaxis": {
            "range": [w.y_min, w.y_max],
            "title": {"text": "start y₀"},
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "constrain": "domain",
        },
    }
    return figure(traces, layout)
