"""f, ‖∇f‖ and α against the step, as stacked panels with a marker at the current step.

:func:`metric_panels` is a :class:`~gdviz.figures.layers.Layer`: placed beside the animated
contour (or 1-D curve) in the same figure, or under it on a phone (:func:`under`), its markers
move with the frames, so the panels and the plot always show the same step k.
:func:`gdviz.figures.charts.metrics_figure` draws the same panels on their own (beside the 3-D
surface, which does not animate).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from gdviz.figures.animation import f32, frame_steps
from gdviz.figures.layers import Layer, listed_rows, rounded
from gdviz.figures.look import RIM, TRANSPARENT

MAX_LINE_POINTS = 1500
PANELS = (("f(θ)", "values"), ("‖∇f(θ)‖", "grad_norms"), ("learning rate α", "learning_rates"))
Box = tuple[tuple[float, float], tuple[float, float]]  # a paper x-range and y-range
WHOLE: Box = ((0.0, 1.0), (0.0, 1.0))
PANEL_PX, GAP_PX, AXIS_PX = 120, 22, 64  # under a plot: a panel, the gap between two, the
# room between the plot and the first panel for the plot's x ticks and title


def thin(n: int, most: int = MAX_LINE_POINTS) -> np.ndarray:
    """Indices 0..n-1, at most ``most`` of them, with the frames' odd stride (zig-zags kept)."""
    return frame_steps(n - 1, most)


def value_range(series: Sequence[np.ndarray], log: bool) -> list[float]:
    """A fixed axis range around every finite value (log axes in decades, as plotly wants):
    fixed ranges keep each frame from re-measuring the axes (REFERENCE §4).

    >>> value_range([np.array([1.0, 100.0, np.nan])], log=True)
    [-0.1, 2.1]
    """
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series] + [np.empty(0)])
    values = values[np.isfinite(values) & (np.abs(values) < 3e38)]
    if log:
        values = np.log10(values[values > 0])
    if not values.size:
        return [0.0, 1.0]
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) if high > low else 0.5
    return [round(low - pad, 6), round(high + pad, 6)]


def metric_panels(
    runs: Sequence,
    show_learning_rate: bool,
    box: Box = WHOLE,
    first_axis: int = 1,
    plot: Box | None = None,
) -> Layer:
    """Panels stacked in the paper's ``box``, their axes ``first_axis``, ``first_axis + 1``,
    … (ticks, grid and titles only), and every trace on ONE hidden overlay axis pair over the
    whole box (the next number), in paper heights: one line per run and panel (its colour), and
    one marker trace for every panel's value of every run at the step.

    Why one overlay: plotly redraws a frame subplot by subplot, and a subplot whose traces all
    stay still loses them; with every trace in the overlay, the frame moves one marker trace
    and the lines stay. ``plot``: the box the animated plot keeps (its Play and slider go under
    it): beside the panels on a wide screen, above them on a phone (:func:`under`).
    """
    panels = PANELS if show_learning_rate else PANELS[:2]
    domain, (bottom, top_edge) = box
    count = len(panels)
    gap = 0.08 * (top_edge - bottom)
    span = (top_edge - bottom - gap * (count - 1)) / count
    name = lambda n: "" if n == 1 else str(n)  # noqa: E731 (plotly's axis names: x, x2, …)
    names, overlay = [name(first_axis + p) for p in range(count)], name(first_axis + count)
    longest = max([int(run.trajectory.steps) for run in runs] + [1])
    steps = [-0.02 * longest, 1.02 * longest]
    hidden = {"visible": False, "fixedrange": True, "showgrid": False}
    layout: dict = {
        f"xaxis{overlay}": {**hidden, "domain": list(domain), "range": steps,
                            "anchor": f"y{overlay}"},
        f"yaxis{overlay}": {**hidden, "domain": [bottom, top_edge], "range": [bottom, top_edge],
                            "anchor": f"x{overlay}"},  # its heights are paper heights
        "plot_bgcolor": TRANSPARENT,  # the overlay's plot area must not hide the panels
    }  # fmt: skip
    on_overlay = {"xaxis": f"x{overlay}", "yaxis": f"y{overlay}"}
    lines, scales, series_of = [], [], []
    for p, ((title, attribute), suffix) in enumerate(zip(panels, names, strict=True)):
        top = top_edge - p * (span + gap)
        series = [np.asarray(getattr(run.trajectory, attribute), dtype=float) for run in runs]
        positive = all(np.all(s[np.isfinite(s)] > 0) for s in series if s.size)
        log = positive and attribute != "learning_rates"
        scale = ([max(bottom, top - span), min(top_edge, top)], value_range(series, log), log)
        series_of.append(series)
        scales.append(scale)
        layout[f"yaxis{suffix}"] = {
            "domain": scale[0],
            "title": {"text": title},
            "type": "log" if log else "linear",
            "range": scale[1],
            "exponentformat": "power",
            "nticks": 5,  # small panels, large type in presenter mode: labels must not touch
            "anchor": f"x{suffix}",
            "fixedrange": True,
        }
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "domain": list(domain),
            "range": steps,
            "showticklabels": p == count - 1,
            "title": {"text": "step k" if p == count - 1 else ""},
            "fixedrange": True,
        }
        if p:  # the panels below share the first one's steps (plotly would drop a None)
            layout[f"xaxis{suffix}"]["matches"] = f"x{names[0]}"
        lines.append(  # an empty trace makes plotly draw the panel's axes, grid and title
            {"type": "scatter", "x": [None], "y": [None], "xaxis": f"x{suffix}",
             "yaxis": f"y{suffix}", "hoverinfo": "skip", "showlegend": False}
        )  # fmt: skip
        for run, values in zip(runs, series, strict=True):
            keep = thin(len(values))
            lines.append(
                {"type": "scatter", "x": keep.astype(np.float32),
                 "y": f32(panel_height(values[keep], *scale)), "customdata": f32(values[keep]),
                 "mode": "lines", "name": run.label, "showlegend": False,
                 "line": {"color": run.colour, "width": 2, "dash": run.dash}, **on_overlay,
                 "hovertemplate": f"step %{{x}}: {title} = %{{customdata:.4g}}<extra></extra>"}
            )  # fmt: skip
    markers = {
        "type": "scatter", "mode": "markers", "showlegend": False, "hoverinfo": "skip",
        **on_overlay,
        "marker": {"size": 10, "color": [run.colour for run in runs] * count,
                   "line": {"color": RIM, "width": 2}},
    }  # fmt: skip

    @cache  # every step's marker heights (a row per run and panel), made at the first call
    def table() -> tuple[np.ndarray, np.ndarray]:
        rows = [(values, scale) for series, scale in zip(series_of, scales, strict=True)
                for values in series]  # fmt: skip
        heights = np.full((len(rows), longest + 1), np.nan)
        for row, (values, scale) in zip(heights, rows, strict=True):
            row[: len(values)] = panel_height(values[: longest + 1], *scale)
        return rounded(heights), np.array([len(values) for values, _ in rows])

    def at(steps: np.ndarray) -> list[list[dict]]:
        heights, lengths = table()
        inside = (steps >= 0) & (steps < heights.shape[1])
        shown = np.where(inside, steps, 0)
        xs = np.where((lengths[None, :] > shown[:, None]) & inside[:, None], shown[:, None], np.nan)
        ys = np.where(inside[:, None], heights[:, shown].T, np.nan)
        return [[{"x": x, "y": y}] for x, y in zip(listed_rows(xs), listed_rows(ys), strict=True)]

    if plot is not None:  # the animated plot's own axes
        layout["xaxis"], layout["yaxis"] = {"domain": list(plot[0])}, {"domain": list(plot[1])}
    return Layer((*lines, markers), (len(lines),), at, layout, plot and plot[0])


def under(
    plot_height: int, count: int, margins: int = 130, panel: int = PANEL_PX
) -> tuple[int, Box, Box]:
    """A figure's height and the boxes of its plot and of ``count`` panels ``panel`` pixels
    tall under it (a phone's layout), for a plot that alone makes a figure ``plot_height``
    pixels tall with ``margins`` pixels of top and bottom margin: the plot keeps its pixels,
    the panels add theirs.

    >>> under(430, 2)  # 300 px of plot, 64 of axis room, 2 × 120 + 22 of panels
    (756, ((0.0, 1.0), (0.5208, 1.0)), ((0.0, 1.0), (0.0, 0.4185)))
    """
    band = count * panel + (count - 1) * GAP_PX
    height = plot_height + AXIS_PX + band
    area = height - margins
    plot = ((0.0, 1.0), (round((band + AXIS_PX) / area, 4), 1.0))
    return height, plot, ((0.0, 1.0), (0.0, round(band / area, 4)))


def panel_height(value, height: list, values: list, log: bool):
    """Where ``value`` (a number or an array) sits, in paper coordinates, on a panel of paper
    ``height`` range and axis range ``values`` (decades on a log axis): on the panel's ticks.

    >>> float(panel_height(10.0, [0.5, 1.0], [0.0, 2.0], log=True))  # a decade up of two
    0.75
    """
    with np.errstate(all="ignore"):
        position = np.log10(value) if log else value
        share = (np.asarray(position, dtype=float) - values[0]) / (values[1] - values[0])
    return height[0] + share * (height[1] - height[0])
