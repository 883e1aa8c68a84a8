"""The sweep figure: final f − f* and steps to converge against α, regions shaded, theory's
rates and your α as vertical lines (one log α axis shared by both panels)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdviz.figures import look
from gdviz.figures.animation import f32, figure
from gdviz.figures.lab import layout, legend_entry, log_axis
from gdviz.lessons.learning_rate.sweep import Sweep
from gdviz.lessons.learning_rate.theory import REGION_NAMES, REGIONS, Theory

LIMIT_COLOUR, BEST_COLOUR = look.LIMIT, look.BEST  # the stability limit, the best constant step
MONOTONE_COLOUR, YOURS_COLOUR = look.MUTED, look.INK  # 1/λmax, your α

REGION_COLOURS = {region: light for region, (light, _) in look.REGIONS.items()}


def sweep_figure(result: Sweep, height: int = 640) -> go.Figure:
    """Final f − f* (top) and steps to converge (bottom) against α on log axes, with the regions
    shaded and the theory's rates and your α as vertical lines."""
    low, high = result.rates[0], result.rates[-1]
    shapes = [_band(region, start, end) for region, start, end in result.spans]
    traces = _region_markers(result)
    for x, colour, dash, name in _marked_rates(result.theory, result.yours.learning_rate):
        traces.append(legend_entry(name, "lines", line={"color": colour, "dash": dash, "width": 2}))
        if low <= x <= high:
            shapes.append(_vertical(x, colour, dash))
    traces.append({
        "type": "scatter", "x": [low, high], "y": [result.max_steps] * 2, "xaxis": "x2",
        "yaxis": "y2", "mode": "lines", "name": "step budget", "showlegend": False,
        "line": {"color": look.MUTED, "dash": "dot", "width": 1}, "hoverinfo": "skip",
    })  # fmt: skip
    x_range = [float(np.log10(low)), float(np.log10(high))]
    log_alpha = {"type": "log", "range": x_range}
    return figure(
        traces,
        layout(
            height, 80, 50,
            shapes=shapes,
            xaxis=log_alpha | {"anchor": "y", "showticklabels": False},
            xaxis2=log_alpha | {"anchor": "y2", "matches": "x",
                                "title": {"text": "learning rate α (log scale)"}},
            yaxis=log_axis("final f − f*", domain=[0.42, 1]),
            yaxis2={"type": "log", "domain": [0, 0.34],
                    "title": {"text": "steps to converge"}},
        ),
    )  # fmt: skip


def _region_markers(result: Sweep) -> list[dict]:
    """One marker per rate, coloured by its region, in both panels; blown-up runs on top."""
    traces = []
    regions = np.array(result.regions)
    blown = np.isnan(result.gaps)
    finite = result.gaps[~blown]
    ceiling = 10 * float(finite.max()) if finite.size else 1e3  # blown-up runs are drawn here
    gaps = np.where(blown, ceiling, result.gaps)
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
        name = REGION_NAMES[region]
        for axis, values, show in (("", gaps, True), ("2", result.steps, False)):
            traces.append({
                "type": "scatter", "x": f32(result.rates[chosen]), "y": f32(values[chosen]),
                "xaxis": f"x{axis}", "yaxis": f"y{axis}", "mode": "markers",
                "name": name, "legendgroup": region, "showlegend": show,
                "marker": {"color": REGION_COLOURS[region], "size": 7,
                           "symbol": look.REGION_SYMBOLS[region]},
                "hovertemplate": f"α = %{{x:.4g}}<br>%{{y:.4g}}<extra>{name}</extra>",
            })  # fmt: skip
    return traces


def _marked_rates(info: Theory, yours: float) -> list[tuple[float, str, str, str]]:
    """(α, colour, dash, legend name) of the rates theory predicts, and your α."""
    lines = []
    if np.isfinite(info.limit):
        rule = "2(1+μ)/λmax" if np.isnan(info.best) else "2/λmax"
        lines.append(
            (info.limit, LIMIT_COLOUR, "solid", f"stability limit {rule} = {info.limit:.3g}")
        )
    if np.isfinite(info.best):
        lines.append((info.best, BEST_COLOUR, "dash", f"best step 2/(λmin+λmax) = {info.best:.3g}"))
    if np.isfinite(info.monotone):
        lines.append((info.monotone, MONOTONE_COLOUR, "dot", f"1/λmax = {info.monotone:.3g}"))
    return [*lines, (yours, YOURS_COLOUR, "dashdot", f"your α = {yours:g}")]


def _band(region: str, low: float, high: float) -> dict:
    """The α interval of one region, shaded in its colour over both panels."""
    return {
        "type": "rect", "xref": "x", "yref": "paper", "x0": low, "x1": high, "y0": 0, "y1": 1,
        "fillcolor": REGION_COLOURS[region], "opacity": 0.13, "line": {"width": 0},
        "layer": "below",
    }  # fmt: skip


def _vertical(x: float, colour: str, dash: str) -> dict:
    """A vertical line at α = ``x`` through both panels."""
    return {
        "type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
        "line": {"color": colour, "dash": dash, "width": 2}, "layer": "above",
    }  # fmt: skip
