"""Pieces every animated figure shares: which steps become frames, Play/Pause, the step slider.

Frames move only scatter traces with ``redraw: False`` (smooth, ~33 frames/s in Chromium); the
background never changes (REFERENCE §4). Frames are plain dicts (``go.Frame`` validation is slow)
and carry float32 arrays, encoded once as plotly.js's compact base64 typed arrays
(:mod:`gdviz.figures.prepared`).
"""

from __future__ import annotations

import numpy as np

from gdviz.figures.look import LIGHT_INKS, PALETTE, STYLE  # noqa: F401  (PALETTE: re-exported)
from gdviz.figures.prepared import PreparedFigure, typed

FRAME_MS = 30  # asks for 33 frames/s; ~25-30 are drawn on a 2-core machine
FRAME_BUDGET = 6_000  # path points summed over all frames and runs (payload grows as frames²)


def frame_count(longest: int, runs: int = 1, most: int = 120) -> int:
    """How many frames: every step for short runs, fewer when several runs share the budget."""
    by_budget = int(np.sqrt(2 * FRAME_BUDGET / max(runs, 1)))
    return max(2, min(longest + 1, most, by_budget))


def frame_steps(longest: int, count: int) -> np.ndarray:
    """The steps shown as frames: 0, …, ``longest`` with an odd stride where steps are skipped.

    An odd stride keeps a period-2 zig-zag (GD overshooting) visible as a zig-zag instead of
    aliasing it into a smooth one-sided path.
    """
    if longest + 1 <= count:
        return np.arange(longest + 1)
    stride = int(np.ceil(longest / (count - 1)))
    stride += 1 - stride % 2
    return np.unique(np.append(np.arange(0, longest, stride), longest))


def f32(values) -> np.ndarray:
    """Float32 for compact frames (NaN, inf and huge values become NaN: a gap in the line)."""
    array = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        fits = np.abs(array) < 3e38  # beyond float32's range: a gap too, not an overflow
    return np.where(fits, array, np.nan).astype(np.float32)


def playback_menus(steps: np.ndarray, gap: int = 60, play: str = "▶ Play") -> dict:
    """Layout entries for the Play/Pause buttons and the step slider (frame names = steps),
    ``gap`` pixels below the plot area: clear of the x-axis title however tall the legend makes
    the plot (a paper-relative offset would shrink with it). ``play`` labels the Play button
    (e.g. "▶ Play all" when it moves several panels)."""
    playing = {
        "frame": {"duration": FRAME_MS, "redraw": False},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    buttons = [
        {"label": play, "method": "animate", "args": [None, playing]},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
    ]
    slider_steps = [  # unlabelled: the figure's own text shows the step, and plotly measures
        {  # every label's size on each draw (~20 ms for a hundred steps)
            "label": "",
            "value": str(int(step)),
            "method": "animate",
            "args": [[str(int(step))], {**pause, "transition": {"duration": 0}}],
        }
        for step in steps
    ]
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "buttons": buttons,
                "x": 0.0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": gap, "r": 8},
                "showactive": False,
                "bgcolor": LIGHT_INKS.button,
                "bordercolor": LIGHT_INKS.border,
                "font": {"size": 13},
            }
        ],
        "sliders": [
            {
                "active": len(steps) - 1,
                "steps": slider_steps,
                "x": 0.2,
                "len": 0.8,
                "y": 0,
                "yanchor": "top",
                "pad": {"t": gap, "b": 0},
                "currentvalue": {"visible": False},
                "tickcolor": "rgba(0,0,0,0)",
                "transition": {"duration": 0},
                "ticklen": 0,
                "font": {"size": 9, "color": "rgba(0,0,0,0)"},
            }
        ],
    }


def frames(steps: np.ndarray, traces_at, trace_indices: list[int]) -> list[dict]:
    """One frame per step: ``traces_at(steps)`` gives the moving traces' patches (in
    ``trace_indices``) for every step at once, encoded (:func:`typed`)."""
    return [{"name": str(int(step)), "data": data, "traces": trace_indices}
            for step, data in zip(steps, traces_at(np.asarray(steps)), strict=True)]  # fmt: skip


def per_step(at_step):
    """``traces_at`` for :func:`frames` from a function of one step (patches encoded here)."""
    return lambda steps: [typed(at_step(int(step))) for step in steps]


def figure(data: list[dict], layout: dict, frame_list: list[dict] | None = None) -> PreparedFigure:
    """Plain trace/layout/frame dicts as a figure, in the app's ``STYLE``, every array of data
    and layout encoded once (:func:`typed`); ``st.plotly_chart`` sends them as they are
    (:class:`PreparedFigure`). Frames come encoded (:func:`frames`, ``typed_rows``): a hundred
    of them walked again cost ~5 ms a rerun.

    Validating a hundred frames costs ~150 ms per rerun (plotly.py #1052); none of it is done.
    """
    frames = tuple(frame_list or ())
    return PreparedFigure(typed(data), typed(STYLE | layout), frames)


def _raw(built: PreparedFigure) -> dict:
    """A figure's own data, layout and frames, not copied (``to_dict`` copies every array)."""
    return {"data": built.data, "layout": built.layout, "frames": built.frames}


def grid_margins(lines: int) -> tuple[int, int, int]:
    """Pixels above, below and between the rows of a grid of :func:`panels` with titles of
    ``lines`` lines: a title above each panel, Play below the grid, and between two rows the
    tick labels of the panel above, then this row's title."""
    top = 14 + 21 * lines
    return top, 80, top + 40


def grid_height(rows: int, plot: int, lines: int = 2) -> int:
    """The height that gives each of ``rows`` rows of :func:`panels` ``plot`` pixels (a phone's
    one panel a row).

    >>> grid_height(2, 200)  # 56 of title, 2 × 200 of plots, 96 between them, 80 for Play
    632
    """
    top, bottom, row_gap = grid_margins(lines)
    return top + rows * plot + (rows - 1) * row_gap + bottom


def panels(
    figures: list[PreparedFigure],
    titles: list[str],
    columns: int,
    height: int,
    play: str = "▶ Play all",
) -> PreparedFigure:
    """Several animated figures (each on the axes x/y, frames named alike) as ONE figure: a grid
    of ``columns`` panels, each titled, moved by one Play button and one step slider.

    Panel k gets the axes x{k}/y{k}; its traces, images and frames follow. The layout's legend
    is off (the titles name the panels) and the first panel's buttons and slider drive all.
    """
    count = len(figures)
    rows = -(-count // columns)
    lines = max(title.count("<br>") + 1 for title in titles)
    top, bottom, row_gap = grid_margins(lines)
    plot = max(height - top - bottom - row_gap * (rows - 1), 120 * rows)
    gap_x, gap_y = 0.06, row_gap / (plot + row_gap * (rows - 1))
    width = (1 - gap_x * (columns - 1)) / columns
    tall = (1 - gap_y * (rows - 1)) / rows
    specs = [_raw(figure) for figure in figures]
    data, frames_by_name, annotations, images = [], {}, [], []
    layout = {key: value for key, value in specs[0]["layout"].items() if not key.endswith("axis")}
    for k, (spec, title) in enumerate(zip(specs, titles, strict=True)):
        row, column = divmod(k, columns)
        suffix = "" if k == 0 else str(k + 1)
        x0, y1 = column * (width + gap_x), 1 - row * (tall + gap_y)
        offset = len(data)
        for trace in spec["data"]:
            data.append(trace | {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        x_axis, y_axis = spec["layout"].get("xaxis", {}), spec["layout"].get("yaxis", {})
        untitled = {"title": {"text": ""}}  # the panels share their axes' meaning
        layout[f"xaxis{suffix}"] = x_axis | untitled | {"domain": [x0, x0 + width],
                                                         "anchor": f"y{suffix}"}  # fmt: skip
        layout[f"yaxis{suffix}"] = y_axis | untitled | {"domain": [y1 - tall, y1],
                                                         "anchor": f"x{suffix}"}  # fmt: skip
        if "scaleanchor" in y_axis:
            layout[f"yaxis{suffix}"]["scaleanchor"] = f"x{suffix}"
        images += [image | {"xref": f"x{suffix}", "yref": f"y{suffix}"}
                   for image in spec["layout"].get("images", ())]  # fmt: skip
        annotations.append({"text": title, "xref": "paper", "yref": "paper", "x": x0, "y": y1,
                            "xanchor": "left", "yanchor": "bottom", "yshift": 6,
                            "showarrow": False, "align": "left"})  # fmt: skip
        for frame in spec.get("frames", ()):
            merged = frames_by_name.setdefault(frame["name"], {"name": frame["name"], "data": [],
                                                               "traces": []})  # fmt: skip
            merged["data"] += frame["data"]
            merged["traces"] += [index + offset for index in frame["traces"]]
    layout.update(height=height, showlegend=False, annotations=annotations,
                  margin={**layout.get("margin", {}), "t": top, "b": bottom})  # fmt: skip
    if images:  # 1-D panels have none (plotly sends no empty list)
        layout["images"] = images
    menus, sliders, near = layout.get("updatemenus", []), layout.get("sliders", []), {"t": 34}
    if menus:  # Play right under the tick labels: the panels have no axis titles
        buttons = [menus[0]["buttons"][0] | {"label": play}, *menus[0]["buttons"][1:]]
        layout["updatemenus"] = [menus[0] | {"buttons": buttons, "pad": menus[0]["pad"] | near}]
    if sliders:
        layout["sliders"] = [sliders[0] | {"pad": sliders[0]["pad"] | near}]
    return PreparedFigure(data, layout, tuple(frames_by_name.values()))  # encoded already
