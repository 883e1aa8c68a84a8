"""Figures as the plain dicts plotly.js reads, their NumPy arrays encoded once.

:class:`PreparedFigure` is what every figure builder returns (``st.plotly_chart``, ``to_html`` and
``to_json`` only ask it for ``to_dict``); :func:`typed` and :func:`typed_rows` turn arrays into
plotly.js's base64 typed arrays (dtype + ``bdata``) without the copies plotly.py makes.

>>> built = PreparedFigure(typed([{"type": "scatter", "y": np.array([1, 2], np.float32)}]), {})
>>> built.to_dict()["data"][0]["y"]
{'dtype': 'f4', 'bdata': 'AACAPwAAAEA='}
"""

from __future__ import annotations

import binascii

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.basevalidators import CompoundArrayValidator, CompoundValidator
from _plotly_utils.utils import to_typed_array_spec
from plotly.basedatatypes import BaseFigure, BasePlotlyType
from plotly.validator_cache import ValidatorCache


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
