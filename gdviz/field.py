"""The static background of a 2-D descent plot: f sampled on a grid, drawn once.

Plotly deletes or flickers contour/heatmap traces during an animation (REFERENCE §4), so the
colour field is a PNG (encoded here with zlib, no image library) placed as a layout image, and
the level lines are one scatter trace computed by marching squares below. Colours follow the
*rank* of f on the grid, so functions with huge ranges (Rosenbrock) still show their valley.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

import numpy as np

# "Viridis-like" anchors: low values cool and deep, high values warm and pale, lightness rising
# steadily with f (readable in greyscale). The dark theme's field stays dark (CIE L* 7 … 45)
# so that the bright paths of the dark palette stand out on it.
LIGHT_ANCHORS = np.array(
    [
        [48, 88, 152],
        [51, 114, 160],
        [72, 156, 163],
        [122, 190, 150],
        [190, 218, 140],
        [246, 236, 170],
        [253, 246, 226],
    ],
    dtype=float,
)
DARK_ANCHORS = np.array(
    [[12, 20, 42], [20, 40, 76], [26, 60, 90], [34, 80, 94], [58, 100, 88], [88, 112, 84],
     [110, 116, 92]],
    dtype=float,
)  # fmt: skip


@dataclass(frozen=True)
class Window:
    """The visible rectangle of the (x, y) plane."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def grid(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Axis sample points ``xs (size,)``, ``ys (size,)``."""
        return (
            np.linspace(self.x_min, self.x_max, size),
            np.linspace(self.y_min, self.y_max, size),
        )


@dataclass(frozen=True)
class Field:
    """f on a grid: ``values[i, j] = f(xs[j], ys[i])`` (rows are y, as in images)."""

    window: Window
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray


def sample(function, window: Window, size: int = 160) -> Field:
    """Evaluate ``function`` (``(..., 2) -> (...)``) on a ``size`` × ``size`` grid."""
    xs, ys = window.grid(size)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        values = np.asarray(function(np.stack([X, Y], axis=-1)), dtype=float)
    return Field(window, xs, ys, np.broadcast_to(values, X.shape).copy())


def ranks(values: np.ndarray) -> np.ndarray:
    """Each finite value's rank in [0, 1] (NaN stays NaN): an even use of the colour map."""
    finite = np.isfinite(values)
    out = np.full(values.shape, np.nan)
    if finite.any():
        ordered = np.sort(values[finite])
        out[finite] = np.searchsorted(ordered, values[finite]) / max(len(ordered) - 1, 1)
    return out


def colours(levels01: np.ndarray, dark: bool = False) -> np.ndarray:
    """Map ``[0, 1]`` to RGBA bytes along the anchors; NaN becomes grey (light or dark)."""
    anchors = DARK_ANCHORS if dark else LIGHT_ANCHORS
    position = np.nan_to_num(levels01, nan=0.0) * (len(anchors) - 1)
    low = np.clip(np.floor(position).astype(int), 0, len(anchors) - 2)
    weight = (position - low)[..., None]
    rgb = anchors[low] * (1 - weight) + anchors[low + 1] * weight
    rgb[np.isnan(levels01)] = (60, 64, 72) if dark else (225, 225, 225)
    alpha = np.full(rgb.shape[:-1] + (1,), 255.0)
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)


def png_data_uri(rgba: np.ndarray) -> str:
    """Encode an ``(h, w, 4)`` uint8 image as a ``data:image/png`` URI (top row first)."""
    height, width, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def background_image(field: Field, dark: bool = False) -> str:
    """The colour field as a PNG data URI (flipped so that larger y is up)."""
    return png_data_uri(colours(ranks(field.values), dark)[::-1])


def colour_scale(dark: bool = False, stops: int = 4) -> list[list]:
    """The field's colours as a Plotly colour scale (e.g. for the 3-D surface)."""
    levels = np.linspace(0, 1, stops)
    rgb = colours(levels, dark)[:, :3]
    return [
        [float(level), f"#{r:02X}{g:02X}{b:02X}"]
        for level, (r, g, b) in zip(levels, rgb, strict=True)
    ]


def contour_levels(values: np.ndarray, count: int = 14) -> np.ndarray:
    """Level values at evenly spaced quantiles of f on the grid (dense where f is flat)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([])
    levels = np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1] ** 1.5)
    return np.unique(levels)


# Marching squares: corner bits (bottom-left 1, bottom-right 2, top-right 4, top-left 8) → pairs
# of cell edges (0 bottom, 1 right, 2 top, 3 left) that a level line crosses.
_SEGMENTS = {
    1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 5: [(3, 2), (0, 1)], 6: [(0, 2)],
    7: [(3, 2)], 8: [(2, 3)], 9: [(2, 0)], 10: [(0, 3), (1, 2)], 11: [(2, 1)], 12: [(1, 3)],
    13: [(1, 0)], 14: [(0, 3)],
}  # fmt: skip


def level_lines(field: Field, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All level lines as one polyline: ``x`` and ``y`` with NaN between separate pieces."""
    xs_out, ys_out = [], []
    for level in levels:
        for chain in _chains(field.values, level):
            points = np.array([_edge_point(field, level, key) for key in chain])
            xs_out += [points[:, 0], [np.nan]]
            ys_out += [points[:, 1], [np.nan]]
    if not xs_out:
        return np.array([]), np.array([])
    return np.concatenate(xs_out), np.concatenate(ys_out)


def _chains(values: np.ndarray, level: float) -> list[list[tuple]]:
    """Segments of one level, joined into chains of edge keys ``(i, j, edge)``."""
    above = np.nan_to_num(values, nan=-np.inf) > level
    cases = (
        above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8
    )  # cell (i, j) spans rows i..i+1 and columns j..j+1
    neighbours: dict[tuple, list[tuple]] = {}
    for case, pairs in _SEGMENTS.items():
        for i, j in zip(*np.nonzero(cases == case), strict=True):
            for a, b in pairs:
                start, end = _edge_key(i, j, a), _edge_key(i, j, b)
                neighbours.setdefault(start, []).append(end)
                neighbours.setdefault(end, []).append(start)
    chains, seen = [], set()
    ends = [key for key, linked in neighbours.items() if len(linked) == 1]
    for first in ends + list(neighbours):
        if first in seen:
            continue
        chain, current = [first], first
        seen.add(first)
        while True:
            following = [key for key in neighbours[current] if key not in seen]
            if not following:
                break
            current = following[0]
            seen.add(current)
            chain.append(current)
        if len(chain) > 2 and first in neighbours[current]:
            chain.append(first)  # a closed level curve
        if len(chain) > 1:
            chains.append(chain)
    return chains


def _edge_key(i: int, j: int, edge: int) -> tuple:
    """A shared name for a cell edge: ('h', row, col) horizontal, ('v', row, col) vertical."""
    return {0: ("h", i, j), 1: ("v", i, j + 1), 2: ("h", i + 1, j), 3: ("v", i, j)}[edge]


def _edge_point(field: Field, level: float, key: tuple) -> tuple[float, float]:
    """Where the level crosses that edge, by linear interpolation of f."""
    kind, i, j = key
    v = field.values
    if kind == "h":  # from (i, j) to (i, j + 1)
        t = (level - v[i, j]) / (v[i, j + 1] - v[i, j])
        return field.xs[j] + t * (field.xs[j + 1] - field.xs[j]), field.ys[i]
    t = (level - v[i, j]) / (v[i + 1, j] - v[i, j])
    return field.xs[j], field.ys[i] + t * (field.ys[i + 1] - field.ys[i])
