"""The animated 2-D descent plot: each run's path on a :class:`~gdviz.figures.backdrop.Backdrop`
(the colour field, level lines, minima and axes, built once).

Trace order (frames address the moving ones by index): 0 hover/click grid, 1 level lines,
2 known minima, 3 start points, then per run: full path (static, faint), path so far, current
point, downhill arrow; last, the step label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import plotly.graph_objects as go

from gdviz.engine import Trajectory
from gdviz.figures.animation import (
    f32,
    figure,
    frame_count,
    frame_steps,
    playback_menus,
)
from gdviz.figures.backdrop import Backdrop
from gdviz.figures.layers import Layer, add_layers, start_at, with_notes
from gdviz.figures.look import INK, RIM, TEXT, run_colour, run_style
from gdviz.figures.prepared import typed_rows

ARROW_FRACTION = 0.24  # the longest arrow, as a fraction of the window's diagonal
ARROW_SHORTEST = 0.55  # of that, while the ground is not yet flat (it must stay readable)
LEGEND_ROW = 18  # pixels one legend entry adds above the plot
LAYER_ROW = 25  # … and one of a layer's entries (long names wrap; presenter mode's type is larger)


@dataclass(frozen=True)
class RunView:
    """One single-run trajectory as drawn: its legend label, colour and line dash and marker
    symbol (the second cue when more than four runs share a plot)."""

    label: str
    trajectory: Trajectory
    colour: str
    dash: str = "solid"
    symbol: str = "circle"
    verdict: object = None  # the run's verdict, when it was judged with the run


def paint(runs) -> list[RunView]:
    """Runs (anything with ``label`` and ``trajectory``, perhaps a ``verdict``) in the palette's
    colours, in order; from five runs on, each with a dash and a marker of its own."""
    runs = list(runs)
    styles = [run_style(i, len(runs)) | {"verdict": getattr(run, "verdict", None)}
              for i, run in enumerate(runs)]  # fmt: skip
    return [RunView(run.label, run.trajectory, run_colour(i), **styles[i])
            for i, run in enumerate(runs)]  # fmt: skip


def descent_figure(
    background: Backdrop,
    runs: Sequence[RunView],
    gradient: Callable[[np.ndarray], np.ndarray],
    frame_label: Callable[[int], str] | None = None,
    steps: np.ndarray | None = None,
    *,
    layers: Sequence[Layer] = (),
    step: int | None = None,
    inspected: int | None = None,
    first_steps: int = 0,
) -> go.Figure:
    """Contour background plus an animated path per run, with Play/Pause and a step slider.

    Each frame is labelled ``frame_label(step)``; by default "step k", with "· f = …" for a
    single run. ``steps``: the steps shown as frames (by default chosen from the runs' lengths;
    panels that play together share theirs). ``layers`` ride on the same frames
    (:mod:`gdviz.figures.layers`); the figure shows ``step`` before Play (default: the last);
    run ``inspected`` has no downhill arrow (a layer draws its step instead); the first
    ``first_steps`` steps are frames one by one.
    """
    parts = descent_parts(background, runs, gradient, frame_label, steps, layers=layers,
                          step=step, inspected=inspected, first_steps=first_steps)  # fmt: skip
    return figure(*parts)


def descent_parts(
    background: Backdrop,
    runs: Sequence[RunView],
    gradient: Callable[[np.ndarray], np.ndarray],
    frame_label: Callable[[int], str] | None = None,
    steps: np.ndarray | None = None,
    *,
    layers: Sequence[Layer] = (),
    step: int | None = None,
    inspected: int | None = None,
    first_steps: int = 0,
) -> tuple[list[dict], dict, list[dict]]:
    """The traces, layout and frames of :func:`descent_figure`, as plain dicts to build on."""
    w = background.window
    arrow_length = ARROW_FRACTION * np.hypot(w.x_max - w.x_min, w.y_max - w.y_min)
    if steps is None:
        longest = max(run.trajectory.steps for run in runs)
        steps = frame_steps(longest, frame_count(longest, len(runs)))
        steps = np.union1d(steps, np.arange(min(first_steps, longest + 1)))
    paths = [FramePath(run.trajectory, steps, gradient, arrow_length) for run in runs]
    starts = np.array([run.trajectory.points[0] for run in runs])
    traces = [dict(trace) for trace in background.traces] + [
        dict(
            type="scatter",
            x=starts[:, 0],
            y=starts[:, 1],
            mode="markers",
            name="start θ₀",
            showlegend=False,
            marker={"symbol": "circle-open", "size": 13, "color": INK, "line": {"width": 2}},
            hovertemplate="start (%{x:.4g}, %{y:.4g})<extra></extra>",
        )
    ]
    for run in runs:
        traces += _run_traces(run)
    traces.append(
        dict(
            type="scatter",
            x=[w.x_min],
            y=[w.y_max],
            mode="text",
            textposition="bottom right",
            showlegend=False,
            hoverinfo="skip",
            textfont={"size": 15, "color": TEXT, "shadow": "auto"},  # a halo: readable on f
        )
    )
    keeps = [3 if r != inspected else 2 for r in range(len(runs))]  # the inspected run's arrow
    moving = [5 + 4 * r + i for r, kept in enumerate(keeps) for i in range(kept)]  # stays put
    moving.append(len(traces) - 1)
    label = with_notes(frame_label or partial(_step_label, runs), layers)

    def traces_at(shown: np.ndarray) -> list[list[dict]]:
        frames = np.searchsorted(steps, shown)
        return [[patch for path, kept in zip(paths, keeps, strict=True)
                 for patch in path.at(frame)[:kept]] + [{"text": [f"  {text}" if text else ""]}]
                for frame, text in zip(frames.tolist(), label(shown), strict=True)]  # fmt: skip

    layout = background.layout | playback_menus(steps)
    named = [
        t for layer in layers for t in layer.traces if t.get("name") and t.get("showlegend", 1)
    ]
    grown = layout["height"] + LEGEND_ROW * (len(runs) - 1) + LAYER_ROW * len(named)  # per run
    layout["height"] = min(grown, background.height)  # and layer entry: the plot keeps its size
    traces, layout, moving, traces_at = add_layers(traces, layout, moving, traces_at, layers)
    every = traces_at(steps)  # encoded already: figure() takes them as they are
    shown = int(np.searchsorted(steps, start_at(layout, steps, step)))
    for index, patch in zip(moving, every[shown], strict=True):
        traces[index].update(patch)  # the state shown before Play is pressed
    frame_list = [{"name": str(int(k)), "data": data, "traces": moving}
                  for k, data in zip(steps.tolist(), every, strict=True)]  # fmt: skip
    return traces, layout, frame_list


def _step_label(runs: Sequence[RunView], step: int) -> str:
    """'step k', with the value of f when there is a single run."""
    if len(runs) > 1:
        return f"step {step}"
    t = runs[0].trajectory
    return f"step {step} · f = {t.values[min(step, t.steps)]:.4g}"


def _run_traces(run: RunView) -> list:
    t = run.trajectory
    return [
        dict(
            type="scatter",
            x=f32(t.points[:, 0]),
            y=f32(t.points[:, 1]),
            mode="lines",
            name=run.label,
            line={"color": run.colour, "width": 1.2, "dash": run.dash},
            opacity=0.35,
            showlegend=False,
            hovertemplate="step %{pointNumber}: (%{x:.4g}, %{y:.4g})<extra>"
            + run.label
            + "</extra>",
        ),
        dict(
            type="scatter",
            mode="lines+markers",
            name=run.label,
            line={"color": run.colour, "width": 2.4, "dash": run.dash},
            marker={
                "size": 5 if run.symbol == "circle" else 7,
                "color": run.colour,
                "symbol": run.symbol,
                "line": {"color": RIM, "width": 0.5},
            },
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "size": 13,
                "color": run.colour,
                "symbol": run.symbol,
                "line": {"color": RIM, "width": 2},
            },
        ),
        dict(
            type="scatter",
            mode="lines+markers",
            showlegend=False,
            hoverinfo="skip",
            line={"color": run.colour, "width": 4},
            marker={
                "symbol": ["circle", "arrow"],
                "size": [0, 18],
                "angleref": "previous",
                "color": run.colour,
                "opacity": 1,  # sizes given per point make plotly.js default to 0.7 (a bubble)
                "line": {"color": RIM, "width": 1},
            },
        ),
    ]


class FramePath:
    """One run as the frames show it: the path so far, the current point and the downhill arrow
    at each frame step, encoded once for all frames (float32, plotly.js's typed arrays).

    The path at frame i is the points at the frame steps up to the current one: a prefix of the
    points at every frame step (a run that stopped early stays at its last point, which the
    frame steps after its stop all are)."""

    def __init__(self, t: Trajectory, steps: np.ndarray, gradient, arrow_length: float):
        current = np.minimum(steps, t.steps)  # a run that stopped early stays put
        points = f32(t.points)[current]
        ends = np.searchsorted(steps, current) + 1
        tips = f32(_downhill(t, steps, gradient, arrow_length))
        self.path = [typed_rows(points[:, axis], ends) for axis in (0, 1)]
        self.point = [typed_rows(points[:, axis : axis + 1]) for axis in (0, 1)]
        self.arrow = [typed_rows(np.stack([points[:, axis], tips[:, axis]], 1)) for axis in (0, 1)]

    def at(self, frame: int) -> list[dict]:
        """The moving traces at frame ``frame``: frame steps before the current point, then it."""
        return [
            {"x": self.path[0][frame], "y": self.path[1][frame]},
            {"x": self.point[0][frame], "y": self.point[1][frame]},
            {"x": self.arrow[0][frame], "y": self.arrow[1][frame]},
        ]


def _downhill(t: Trajectory, steps: np.ndarray, gradient, length: float) -> np.ndarray:
    """Arrow tips: from θ_k along −∇f(θ_k), shrinking as ‖∇f‖ shrinks (as √ of its share of
    the run's largest gradient, never below ``ARROW_SHORTEST`` of the longest, so the arrow
    stays readable until the ground is nearly flat, where it goes)."""
    at = t.points[np.minimum(steps, t.steps)]
    with np.errstate(all="ignore"):
        g = np.asarray(gradient(at), dtype=float)
        norm = np.linalg.norm(g, axis=-1, keepdims=True)
        finite = norm[np.isfinite(norm)]
        scale = np.sqrt(norm / finite.max()) if finite.size and finite.max() > 0 else norm * 0
        tips = at - length * np.maximum(scale, ARROW_SHORTEST) * g / norm
    return np.where(scale > 0.03, tips, np.nan)
