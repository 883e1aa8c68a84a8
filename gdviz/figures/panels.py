"""f, ‖∇f‖ and α against the step, as stacked panels with a marker at the current step.

:func:`metric_panels` is a :class:`~gdviz.figures.layers.Layer`: placed beside the animated
contour (or 1-D curve) in the same figure, its markers move with the frames, so the panels and
the plot always show the same step k. :func:`gdviz.figures.charts.metrics_figure` draws the
same panels on their own (beside the 3-D surface, which does not animate).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdviz.figures.animation import f32, frame_steps
from gdviz.figures.layers import Layer, short

MAX_LINE_POINTS = 1500
PANELS = (("f(θ)", "values"), ("‖∇f(θ)‖", "grad_norms"), ("learning rate α", "learning_rates"))


def thin(n: int, most: int = MAX_LINE_POINTS) -> np.ndarray:
    """Indices 0..n-1, at most ``most`` of them, with the frames' odd stride (zig-zags kept)."""
    return frame_steps(n - 1, most)


def metric_panels(
    runs: Sequence,
    show_learning_rate: bool,
    domain: tuple[float, float] = (0.0, 1.0),
    first_axis: int = 1,
    beside: tuple[float, float] | None = None,
) -> Layer:
    """Panels over the paper's x-range ``domain`` on axes ``first_axis``, ``first_axis + 1``, …;
    one line per run (its colour) and one marker trace per panel (every run's value at the
    step). ``beside``: the x-range the animated plot keeps (its Play and slider go under it)."""
    panels = PANELS if show_learning_rate else PANELS[:2]
    gap, count = 0.08, len(panels)
    span = (1 - gap * (count - 1)) / count
    names = [("" if first_axis + p == 1 else str(first_axis + p)) for p in range(count)]
    layout: dict = {}
    lines, markers, series_of = [], [], []
    for p, ((title, attribute), suffix) in enumerate(zip(panels, names, strict=True)):
        top = 1 - p * (span + gap)
        series = [np.asarray(getattr(run.trajectory, attribute), dtype=float) for run in runs]
        series_of.append(series)
        positive = all(np.all(s[np.isfinite(s)] > 0) for s in series if s.size)
        layout[f"yaxis{suffix}"] = {
            "domain": [max(0.0, top - span), min(1.0, top)],
            "title": {"text": title},
            "type": "log" if positive and attribute != "learning_rates" else "linear",
            "exponentformat": "power",
            "anchor": f"x{suffix}",
        }
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "domain": list(domain),
            "matches": f"x{names[0]}" if p else None,
            "showticklabels": p == count - 1,
            "title": {"text": "step k" if p == count - 1 else ""},
        }
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        for run, values in zip(runs, series, strict=True):
            keep = thin(len(values))
            lines.append(
                {"type": "scatter", "x": keep.astype(np.float32), "y": f32(values[keep]),
                 "mode": "lines", "name": run.label, "showlegend": False,
                 "line": {"color": run.colour, "width": 2},
                 "hovertemplate": f"step %{{x}}: {title} = %{{y:.4g}}<extra></extra>", **axes}
            )  # fmt: skip
        markers.append(
            {"type": "scatter", "mode": "markers", "showlegend": False, "hoverinfo": "skip",
             "marker": {"size": 10, "color": [run.colour for run in runs],
                        "line": {"color": "#FFFFFF", "width": 2}}, **axes}
        )  # fmt: skip

    def at(step: int) -> list[dict]:
        patches = []
        for series in series_of:
            xs = [float(step) if len(values) > step else np.nan for values in series]
            ys = [values[step] if len(values) > step else np.nan for values in series]
            patches.append({"x": short(xs), "y": short(ys)})
        return patches

    if beside is not None:
        layout["xaxis"] = {"domain": list(beside)}  # the animated plot's own axes
    first = len(lines)
    moving = tuple(range(first, first + len(markers)))
    return Layer(tuple(lines + markers), moving, at, layout, beside)
