"""Layers an animated figure can carry beside its own traces, moved by the same frames.

A :class:`Layer` is static traces plus the ones every frame moves (``at(step)`` gives their
patches). Because the layer's traces live in the animated figure itself, its frames move them
with the path: the step arrows on the contour and the markers on the f / ‖∇f‖ / α panels follow
Play and the step slider exactly, with no second cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np


class Layer(NamedTuple):
    """Traces added to an animated figure; ``moving`` indexes the ones ``at(steps)`` patches.

    ``at(steps)`` gives, for each step of ``steps`` (an array), the patches of the moving
    traces, already encoded (plain numbers, or :func:`~gdviz.figures.prepared.typed` arrays):
    all frames at once, so a layer computes them with one array operation, not one per frame.
    """

    traces: tuple[dict, ...]
    moving: tuple[int, ...]
    at: Callable[[np.ndarray], list[list[dict]]]
    layout: dict = {}  # merged into the figure's layout one level deep (e.g. extra axes)
    controls: tuple[float, float] | None = None  # paper x-range of Play and the slider
    notes: Callable[[np.ndarray], list[str]] | None = None  # words added to each step's label


Labels = Callable[[np.ndarray], list[str]]
Patches = Callable[[np.ndarray], list[list[dict]]]


def with_notes(label: Callable[[int], str], layers: Sequence[Layer]) -> Labels:
    """The labels of ``steps``: the figure's frame label followed by every layer's note for the
    step (one text trace for all: each text trace a frame moves costs about as much as a path).

    >>> labels = with_notes(lambda k: f"step {k}", [Layer((), (), None, notes=lambda ks: [
    ...     " · late" if k > 1 else "" for k in ks])])
    >>> labels(np.array([1, 2]))
    ['step 1', 'step 2 · late']
    """
    notes = [layer.notes for layer in layers if layer.notes is not None]

    def labels(steps: np.ndarray) -> list[str]:
        said = [label(int(step)) for step in steps]
        for words in (note(steps) for note in notes):
            said = [text + more for text, more in zip(said, words, strict=True)]
        return said

    return labels


def add_layers(
    traces: list[dict],
    layout: dict,
    moving: list[int],
    traces_at: Patches,
    layers: Sequence[Layer],
) -> tuple[list[dict], dict, list[int], Patches]:
    """The figure's traces, layout, moving indices and frame patches (``traces_at(steps)``: a
    list of patches per step) with ``layers`` added."""
    traces, layout, moving = list(traces), dict(layout), list(moving)
    offsets = []
    for layer in layers:
        offsets.append(len(traces))
        traces += [dict(trace) for trace in layer.traces]
        moving += [offsets[-1] + index for index in layer.moving]
        for key, value in layer.layout.items():
            merge = isinstance(value, dict) and isinstance(layout.get(key), dict)
            layout[key] = {**layout[key], **value} if merge else value
        if layer.controls is not None:
            _place_controls(layout, *layer.controls)

    def patched(steps: np.ndarray) -> list[list[dict]]:
        frames = traces_at(steps)
        for layer in layers:
            frames = [own + more for own, more in zip(frames, layer.at(steps), strict=True)]
        return frames

    return traces, layout, moving, patched


BUTTONS_PX = 155  # room Play and Pause take left of the slider, in pixels (not a share of a
# plot that may be narrow)


def _place_controls(layout: dict, left: float, right: float) -> None:
    """Play/Pause at ``left``, the step slider from just after them to ``right``."""
    for menu in layout.get("updatemenus", []):
        menu["x"] = left
    for slider in layout.get("sliders", []):
        slider["x"], slider["len"] = left, right - left
        slider["pad"] = {**slider.get("pad", {}), "l": BUTTONS_PX}


def start_at(layout: dict, steps: np.ndarray, step: int | None) -> int:
    """The frame step the figure shows before Play (``None``: the last) and the slider there."""
    index = len(steps) - 1 if step is None else int(np.searchsorted(steps, min(step, steps[-1])))
    for slider in layout.get("sliders", []):
        slider["active"] = index
    return int(steps[index])


def short(values) -> list[float | None]:
    """A few coordinates as plain JSON numbers (7 significant digits; NaN and ±inf → a gap).

    For patches of one or two points this is shorter than a typed array's base64 form.

    >>> short([0.1234567891, float("nan"), 2e40])
    [0.1234568, None, 2e+40]
    """
    return listed(rounded(values))


def listed(values: np.ndarray) -> list[float | None]:
    """An array as a JSON list, NaN as ``None`` (a gap): for rows of :func:`rounded`."""
    return [None if v != v else v for v in np.ravel(values).tolist()]


def listed_rows(values: np.ndarray) -> list[list[float | None]]:
    """:func:`listed` of every row of a 2-D array, in one conversion.

    >>> listed_rows(np.array([[1.5, np.nan], [2.0, 3.0]]))
    [[1.5, None], [2.0, 3.0]]
    """
    return [[None if v != v else v for v in row] for row in np.asarray(values).tolist()]


def rounded(values) -> np.ndarray:
    """``values`` to 7 significant digits, as ``float(f"{v:.7g}")`` gives them (so they print
    short), all at once; NaN and ±inf → NaN.

    Below 10²² a power of ten is exact, so ``round(v·10ᵏ) / 10ᵏ`` is the double nearest the
    7-digit decimal; the few values beyond, or with ``v·10ᵏ`` within 10⁻⁶ of a half (where the
    product's rounding could tip it), take the string's way.

    >>> rounded([1234.56789, -0.000123456789, 7.0, 0.0, float("inf"), 3.3e-30]).tolist()
    [1234.568, -0.0001234568, 7.0, 0.0, nan, 3.3e-30]
    """
    array = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        finite = np.isfinite(array)
        size = np.abs(np.where(finite & (array != 0), array, 1.0))
        shift = 6 - np.floor(np.log10(size))  # digits kept after the decimal point
        up, down = 10.0 ** np.clip(shift, 0, 22), 10.0 ** np.clip(-shift, 0, 22)
        scaled = np.where(shift >= 0, array * up, array / down)
        whole = np.round(scaled)
        result = np.where(finite, np.where(shift >= 0, whole / up, whole * down), np.nan)
        tie = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6
    far = finite & ((np.abs(shift) > 22) | tie)
    if far.any():
        result[far] = [float(f"{v:.7g}") for v in array[far].tolist()]
    return result
