r"""What the gradient says and what the optimizer did, drawn at the current step of a 2-D run.

At step $k$, from $\theta_k$: the arrow $-\alpha_k\nabla J(\theta_k)$ (plain GD's step with the
same rate) and the actual step $\Delta_k$ to $\theta_{k+1}$, both true to scale (when a step is
too small to see, the step's drawings are magnified alike by a power of ten that the frame
states); between them the method's memory. Momentum and Nesterov: the velocity's share of the step,
$\Delta_k + \alpha_k\nabla J$ ($-\alpha_k\mu v_k$, resp. $-\alpha_k\mu v_{k+1}$), drawn from the
tip of the gradient's arrow to the tip of $\Delta_k$. AdaGrad, RMSProp and Adam: the
per-coordinate scale as an ellipse around $\theta_k$ with half-axes
$\alpha_k \lVert u\rVert c_i$ (with $\Delta_k = -\alpha_k\, c \odot u$, see
:func:`gdviz.step_state.direction_and_scale`): a step of the same length would land on a circle
for GD; the scale squeezes that circle per coordinate, and $\Delta_k$ lands on the ellipse.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from gdviz.figures.animation import f32
from gdviz.figures.layers import Layer, listed_rows, rounded
from gdviz.figures.look import INK, MEMORY
from gdviz.figures.prepared import typed_rows
from gdviz.step_state import Replay, direction_and_scale

VISIBLE = 0.1  # the shortest step drawn, as a fraction of the window's diagonal
ROOM = 0.4  # the farthest a magnified step's drawings reach, as a fraction of the diagonal
ELLIPSE_POINTS = 13  # joined by a spline: round, and small in every frame
GRADIENT_COLOUR = INK
MEMORY_COLOUR = MEMORY
MEMORY_NAMES = {
    "momentum": "−αμvₖ: momentum's share",
    "nesterov": "−αμvₖ₊₁: look-ahead's share",
    "adagrad": "scale per coordinate",
    "rmsprop": "scale per coordinate",
    "adam": "scale per coordinate",
}
ADAPTIVE = ("adagrad", "rmsprop", "adam")


def magnification(replay: Replay, k: int, diagonal: float) -> float:
    """How many times longer than true scale step ``k`` is drawn: 1 when its step ‖Δₖ‖ is at
    least ``VISIBLE`` of the window's ``diagonal``, else the least of 2, 5, 10, 20, 50, … that
    makes it so (the frame says "arrows drawn ×5") — but never so much that the longest of the
    step's drawings (often the gradient's arrow: Adam's steps are far shorter than α‖∇J‖) would
    reach past ``ROOM`` of the diagonal. Both arrows and the memory of a step share it, so they
    still compare.

    >>> from gdviz import descend, optimizers, parse_objective
    >>> from gdviz.step_state import replay
    >>> f = parse_objective("x^2 + 10y^2")
    >>> run = descend(f, [-2.6, 1.2], optimizers.adam(0.05), max_steps=300)
    >>> steps = replay(f.gradient, run, optimizers.adam(0.05))
    >>> [magnification(steps, k, diagonal=7.2) for k in (0, 100, 299)]
    [2.0, 500.0, 20000000.0]
    >>> times_label(5.0), times_label(2e7)
    ('×5', '×2·10⁷')
    """
    return float(magnifications(replay, np.array([k]), diagonal)[0])


def magnifications(replay: Replay, ks: np.ndarray, diagonal: float) -> np.ndarray:
    """:func:`magnification` of every step in ``ks`` at once.

    The reach of a step's drawings from θₖ is the longest of α‖∇J‖ (the gradient's arrow; the
    memory arrow of momentum and Nesterov joins its tip to Δₖ's), ‖Δₖ‖ and, for adaptive
    methods, the scale ellipse's longer half-axis.
    """
    length = np.linalg.norm(replay.updates[ks], axis=-1)
    wanted, room = VISIBLE * diagonal, ROOM * diagonal
    with np.errstate(all="ignore"):
        reach = np.fmax(replay.learning_rates[ks] * np.linalg.norm(replay.gradients[ks], axis=-1),
                        length)  # fmt: skip
        if replay.optimizer in ADAPTIVE:
            direction, scale = direction_and_scale(replay, ks)
            axis = replay.learning_rates[ks] * np.linalg.norm(direction, axis=-1)
            reach = np.fmax(reach, axis * np.max(scale, axis=-1))
        times = _one_two_five_above(wanted / length)
        crowded = np.isfinite(reach) & (reach * times > room)
        times = np.where(crowded, _one_two_five_below(room / reach), times)
        small = np.isfinite(length) & (length > 0) & (length < wanted)
    return np.where(small, np.maximum(times, 1.0), 1.0)


def _one_two_five_above(least: np.ndarray) -> np.ndarray:
    """The smallest of 1, 2, 5, 10, 20, … at least ``least`` (from ``least`` ≥ 1 on)."""
    power = 10.0 ** np.floor(np.log10(least))
    times = 10 * power
    for m in (5, 2, 1):
        times = np.where(m * power >= least, m * power, times)
    return times


def _one_two_five_below(limit: np.ndarray) -> np.ndarray:
    """The largest of 1, 2, 5, 10, 20, … not above ``limit`` (1 when ``limit`` < 1)."""
    power = 10.0 ** np.floor(np.log10(np.maximum(limit, 1)))
    times = power
    for m in (2, 5):
        times = np.where(m * power <= limit * (1 + 1e-12), m * power, times)
    return times


def times_label(times: float) -> str:
    """'×5', '×200', then powers of ten written as powers: '×2·10⁷'."""
    if times < 1000:
        return f"×{times:g}"
    power = int(np.floor(np.log10(times) + 1e-9))
    mantissa = round(times / 10**power)
    head = "" if mantissa == 1 else f"{mantissa}·"
    return f"×{head}10" + str(power).translate(_SUPERSCRIPTS)


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def shapes_at(replay: Replay, k: int, times: float = 1.0) -> dict[str, np.ndarray]:
    """Step ``k``'s arrows (start and tip, shape ``(2, 2)``) and the memory's shape, each
    ``times`` as long as true scale.

    ``gradient``: θₖ → θₖ − αₖ∇J(θₖ); ``update``: θₖ → θₖ + Δₖ; ``memory``: for momentum and
    Nesterov the arrow from the gradient's tip to the update's, for adaptive methods the scale
    ellipse (``ELLIPSE_POINTS`` points, closed) on which the update's tip lies; for GD empty.
    """
    if not 0 <= k < replay.steps:
        raise IndexError(f"step {k} is outside 0 … {replay.steps - 1}")
    every = shapes_of(replay, np.array([k]), np.array([times], dtype=float))
    return {name: shape[0] for name, shape in every.items()}


def shapes_of(replay: Replay, ks: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`shapes_at` of every step in ``ks`` (magnified ``times``, one each) at once: shapes
    ``(len(ks), points, 2)``."""
    here, rates = replay.points[ks], replay.learning_rates[ks][:, None] * times[:, None]
    with np.errstate(all="ignore"):
        said = here - rates * replay.gradients[ks]
        did = here + times[:, None] * replay.updates[ks]
        shapes = {"gradient": np.stack([here, said], 1), "update": np.stack([here, did], 1)}
        if replay.optimizer in ("momentum", "nesterov"):
            shapes["memory"] = np.stack([said, did], 1)
        elif replay.optimizer in ADAPTIVE:
            direction, scale = direction_and_scale(replay, ks)
            radii = rates * np.linalg.norm(direction, axis=-1, keepdims=True) * scale
            angle = np.linspace(0, 2 * np.pi, ELLIPSE_POINTS)
            circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)
            shapes["memory"] = here[:, None, :] + radii[:, None, :] * circle
        else:
            shapes["memory"] = np.empty((len(ks), 0, 2))
    return shapes


def step_arrows(replay: Replay, colour: str, label: str, window, legend: bool = True) -> Layer:
    """The layer: the gradient's arrow, the step's arrow (``colour``) and the memory, at every
    frame step (nothing at the last point, where no step was taken), all of a step magnified
    alike when its step is too small to see in ``window``, as the frame's label says; named in
    the legend unless ``legend`` is False (a caption says what they are)."""
    arrow = {"symbol": ["circle", "arrow"], "size": [0, 13], "angleref": "previous"}
    adaptive = replay.optimizer in ADAPTIVE
    diagonal = float(np.hypot(window.x_max - window.x_min, window.y_max - window.y_min))
    traces = [
        _trace("−α∇J: the gradient says", GRADIENT_COLOUR, "dash", arrow),
        _trace(f"Δ: {label} did", colour, "solid", arrow),
    ]
    shown = ["gradient", "update"]
    if replay.optimizer in MEMORY_NAMES:  # GD has no memory to draw
        memory = MEMORY_NAMES[replay.optimizer]
        traces.append(_trace(memory, MEMORY_COLOUR, "dot", None if adaptive else arrow))
        shown.append("memory")

    @cache  # every step's magnification and patches, computed at the first frame's call
    def every() -> tuple[np.ndarray, list[np.ndarray]]:
        ks = np.arange(replay.steps)
        times = magnifications(replay, ks, diagonal)
        shapes = shapes_of(replay, ks, times)
        return times, [_compact(shapes[name]) for name in shown]

    def at(steps: np.ndarray) -> list[list[dict]]:
        inside = (steps >= 0) & (steps < replay.steps)  # [None], not []: the legend keeps
        shapes = [_patches(shape[steps[inside]]) for shape in every()[1]]  # the entries
        found = iter(zip(*shapes, strict=True))
        return [list(next(found)) if ok else [{"x": [None], "y": [None]} for _ in traces]
                for ok in inside]  # fmt: skip

    def notes(steps: np.ndarray) -> list[str]:
        times = every()[0]
        return ["" if not 0 <= step < replay.steps or times[step] == 1
                else f" · arrows drawn {times_label(float(times[step]))}"
                for step in steps.tolist()]  # fmt: skip

    for trace in traces:
        trace["showlegend"] = legend
    return Layer(tuple(traces), tuple(range(len(traces))), at, notes=notes)


def _compact(shapes: np.ndarray) -> np.ndarray:
    """Shapes of two points rounded for plain numbers (:func:`~gdviz.figures.layers.short`),
    of more as float32 (a typed array is shorter from ~4 points on)."""
    return rounded(shapes) if shapes.shape[1] <= 4 else f32(shapes)


def _patches(shapes: np.ndarray) -> list[dict]:
    """The patches of shapes ``(steps, points, 2)`` from :func:`_compact`, one per step."""
    if shapes.dtype == np.float32:
        xs, ys = typed_rows(shapes[:, :, 0]), typed_rows(shapes[:, :, 1])
    else:
        xs, ys = listed_rows(shapes[:, :, 0]), listed_rows(shapes[:, :, 1])
    return [{"x": x, "y": y} for x, y in zip(xs, ys, strict=True)]


def _trace(name: str, colour: str, dash: str, marker: dict | None) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers" if marker else "lines",
        "name": name,
        "hoverinfo": "skip",
        "line": {
            "color": colour,
            "width": 3 if dash == "solid" else 2.4,
            "dash": dash,
            **({} if marker else {"shape": "spline"}),
        },
        **({"marker": {**marker, "color": colour}} if marker else {}),
    }
