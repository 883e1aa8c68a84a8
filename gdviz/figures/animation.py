"""Pieces every animated figure shares: which steps become frames, Play/Pause, the step slider.

Frames move only scatter traces with ``redraw: False`` (smooth, ~33 frames/s in Chromium); the
background never changes (REFERENCE §4). Frames are plain dicts (``go.Frame`` validation is slow)
and carry float32 arrays, encoded once here as plotly.js's compact base64 typed arrays.
"""

from __future__ import annotations

import binascii

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.basevalidators import CompoundArrayValidator, CompoundValidator
from _plotly_utils.utils import to_typed_array_spec
from plotly.basedatatypes import BaseFigure, BasePlotlyType
from plotly.validator_cache import ValidatorCache

from gdviz.figures.look import LIGHT_INKS, PALETTE, STYLE  # noqa: F401  (PALETTE: re-exported)

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


class PreparedFigure(BaseFigure):
    """A plotly figure held as the plain dicts plotly.js reads, arrays already encoded.

    ``st.plotly_chart`` (like ``to_html``, ``to_json`` and ``show``) only asks a figure for
    ``to_dict``. A ``go.Figure`` would build an object per trace, a Layout with a slider step
    per frame, and parent links between them — reference cycles that keep every rerun's figure,
    frames and all, in memory until a full garbage collection — and its ``to_dict`` deep-copies
    every frame and walks everything for arrays again (~6 ms per rerun for a hundred frames). So
    this one skips ``BaseFigure.__init__``: ``to_dict`` shares the frames (callers must not change
    them) and copies data and layout, which :meth:`update_layout` and :meth:`add_trace` may still
    change, as plotly's methods of those names would (the change alone is validated).
    """

    _grid_str = _grid_ref = None  # no make_subplots grid (go.Figure(prepared) reads these)

    def __init__(self, data: list[dict], layout: dict, frames: tuple[dict, ...] = ()):
        self._data, self._layout, self._frames = data, layout, frames

    @property
    def data(self) -> tuple[dict, ...]:
        return tuple(self._data)

    @property
    def layout(self) -> dict:
        return self._layout

    @property
    def frames(self) -> tuple[dict, ...]:
        return self._frames

    def update_layout(self, dict1: dict | None = None, overwrite: bool = False, **kwargs):
        """Change layout entries as plotly does (``margin={"t": 10}`` keeps the other margins;
        ``xaxis_title_text="x"`` reaches inside; ``overwrite`` replaces whole entries)."""
        for changes in (dict1, kwargs):
            if changes:
                _update(self._layout, go.Layout(changes), overwrite)
        return self

    def add_trace(self, trace, row=None, col=None, secondary_y=None, **_) -> PreparedFigure:
        """Append a trace (a ``go.Scatter`` or the like, or a dict, validated as plotly does);
        the figure has no subplot grid, so ``row``, ``col`` and ``secondary_y`` must stay unset."""
        return self.add_traces([trace], row, col, secondary_y)

    def add_traces(self, data, rows=None, cols=None, secondary_ys=None, **_) -> PreparedFigure:
        if (rows, cols, secondary_ys) != (None, None, None):
            raise ValueError("a PreparedFigure has no subplot grid: leave rows/cols unset")
        traces = ValidatorCache.get_validator("", "data").validate_coerce(list(data))
        self._data.extend(typed(trace.to_plotly_json()) for trace in traces)
        return self

    def replaced(self, data: list[dict] | None = None, layout: dict | None = None):
        """A new figure with this one's frames (shared) and ``data`` or ``layout`` instead of
        its own (e.g. :func:`gdviz.figures.look.restyle`); this one is left as it was."""
        data = typed(self._data if data is None else data)  # typed() builds new dicts and lists
        layout = typed(self._layout if layout is None else layout)
        return PreparedFigure(data, layout, self._frames)

    def to_dict(self) -> dict:
        result = {"data": _copied(self._data), "layout": _copied(self._layout)}
        if self._frames:
            result["frames"] = list(self._frames)
        return result

    def __reduce__(self):  # copy.deepcopy and pickle (BaseFigure's rebuilds through __init__)
        return PreparedFigure, (self._data, self._layout, self._frames)


def _copied(value):
    """A copy of nested dicts and lists (their leaves are strings, numbers and typed arrays'
    dicts: nothing ``copy.deepcopy``'s bookkeeping is needed for, at a quarter of its cost).

    >>> layout = {"margin": {"t": 4}, "shapes": [{"x0": 1}]}
    >>> copied = _copied(layout)
    >>> copied["margin"]["t"] = 9; copied["shapes"][0]["x0"] = 2
    >>> layout
    {'margin': {'t': 4}, 'shapes': [{'x0': 1}]}
    """
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(item) for item in value]
    return value


def _update(target: dict, change: BasePlotlyType, overwrite: bool = False) -> None:
    """plotly's update of ``target`` by a validated ``change`` (``BaseFigure._perform_update``):
    objects are merged key by key, a list of objects element by element (cycling through the
    change, which adds any elements beyond the existing ones); anything else is replaced. One
    difference: where the change is the longer list, plotly 7.1 loses its merges into the
    existing elements and only appends; here they are kept."""
    for key, value in change.to_plotly_json().items():
        kind = change._get_prop_validator(key)
        if overwrite:
            target[key] = typed(value)
        elif isinstance(kind, CompoundValidator) and isinstance(target.get(key), dict):
            _update(target[key], change[key])
        elif isinstance(kind, CompoundArrayValidator) and target.get(key):
            elements, updates = [dict(element) for element in target[key]], change[key]
            for index, element in enumerate(elements if updates else ()):
                _update(element, updates[index % len(updates)])
            target[key] = elements + typed(value[len(elements) :])
        else:
            target[key] = typed(value)


_SHORT_NAMES = {"float32": "f4", "float64": "f8", "int32": "i4", "int8": "i1", "uint8": "u1"}
_TYPED = {np.dtype(name): code for name, code in _SHORT_NAMES.items()}  # plotly.js reads these


_NESTED = (dict, list, np.ndarray)


def typed(value):
    """``value`` with its NumPy arrays in plotly.js's typed-array form (dtype + base64), as
    ``to_dict`` would send them.

    ``to_dict`` converts arrays to this form itself, but copies each one first: ~30 ms per rerun
    for a hundred frames, against ~2 ms here for the common case (1-D, a dtype plotly.js reads);
    other arrays take plotly's own conversion.
    """
    if isinstance(value, dict):  # numbers and strings pass without a call: frames hold many
        return {key: typed(item) if isinstance(item, _NESTED) else item
                for key, item in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [typed(item) if isinstance(item, _NESTED) else item for item in value]
    if isinstance(value, np.ndarray):
        code = _TYPED.get(value.dtype)
        if code is None or value.ndim != 1 or not value.size:
            return to_typed_array_spec(value)
        return _encoded(code, np.ascontiguousarray(value))
    return value


def typed_rows(values: np.ndarray, ends: np.ndarray | None = None) -> list[dict]:
    """Row after row of a float32 array in :func:`typed`'s form, or with ``ends`` the first
    ``ends[i]`` entries of a 1-D one (a path so far at frame i): one buffer, sliced, no copies.

    >>> import base64
    >>> rows = typed_rows(np.array([[1, 2], [3, 4]], dtype=np.float32))
    >>> rows[1]["dtype"], np.frombuffer(base64.b64decode(rows[1]["bdata"]), np.float32).tolist()
    ('f4', [3.0, 4.0])
    >>> [len(base64.b64decode(row["bdata"])) for row in typed_rows(np.ones(5, np.float32), [1, 5])]
    [4, 20]
    """
    array = np.ascontiguousarray(values, dtype=np.float32)
    data, width = memoryview(array).cast("B"), array.itemsize
    if ends is None:
        width *= int(np.prod(array.shape[1:]))
        spans = [(i * width, (i + 1) * width) for i in range(len(array))]
    else:
        spans = [(0, int(end) * width) for end in ends]
    return [_encoded("f4", data[a:b]) for a, b in spans]


def _encoded(code: str, buffer) -> dict:
    """plotly.js's typed-array form of a contiguous buffer of dtype ``code``."""
    return {"dtype": code, "bdata": binascii.b2a_base64(buffer, newline=False).decode("ascii")}


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
