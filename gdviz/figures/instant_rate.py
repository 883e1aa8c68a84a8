r"""The "Instant α" view: a whole :class:`~gdviz.family.Family` sent once, switched in the browser.

Why not Plotly's own sliders and frames: frames are fixed data, so an α slider combined with a
step animation needs a frame per (α, step) — 48 × 150 frames, megabytes. Instead the page holds
every member's subsampled path once (float32, base64) and a little JavaScript switches between
them (``instant_rate.js``): moving the α slider redraws the chosen member's path, points, loss
curve (and 1-D tangent) as a few SVG paths inside Plotly's plot area, in the same input event
(``instant_rate_draw.js``); Play steps through the same arrays on ``requestAnimationFrame``.
Measured per α change (headless Chromium, 1400 × 1000): ``Plotly.restyle`` of the moving
traces ~53 ms (it replots everything), ``Plotly.animate`` with ``redraw: false`` 34–50 ms (two
animation frames), these SVG paths ~1 ms plus the next frame. Plotly still draws everything
that holds still, in the app's style: the colour field as a layout image and the level lines
as one scatter trace (:mod:`gdviz.field`, :func:`gdviz.figures.backdrop.backdrop`), the axes,
the hover values; the ranges are fixed, so the overlay's pixels follow from them.

:func:`family_view` builds the payload (a JSON-able dict); :func:`family_html` wraps it into a
standalone page (``instant_rate_page``), with plotly.js inlined for an offline file or loaded
from a URL inside the app.
"""

from __future__ import annotations

import base64
import warnings

import numpy as np

from gdviz.colour import contrast
from gdviz.family import Family, labels
from gdviz.field import Window, sample
from gdviz.figures.animation import FRAME_MS, STYLE, f32, figure, frame_steps
from gdviz.figures.backdrop import backdrop
from gdviz.figures.curve import TANGENT_FRACTION
from gdviz.figures.instant_rate_page import ViewText, family_html  # noqa: F401 (re-exported)
from gdviz.figures.look import (
    BEST,
    CURVE,
    INK,
    LIGHT_INKS,
    LIMIT,
    MUTED,
    REGIONS,
    RIM,
    RUNS,
    Look,
    restyle_json,
)

FRAMES = 150  # frames per member at most: subsampled with an odd stride (zig-zags stay)
KIND_COLOURS = {  # a verdict kind on the α slider and its badge, as the pages' badges colour it
    "converged": BEST,  # green
    "too_slow": REGIONS["cycling"][0],  # orange
    "stalled": REGIONS["cycling"][0],
    "cycling": RUNS[3],  # violet
    "saddle": RUNS[2],  # blue
    "diverging": LIMIT,  # red
    "unbounded": REGIONS["diverging"][0],  # wine
    "undefined": MUTED,  # grey
}
PATH_COLOUR = RUNS[0]
LIGHT = Look()  # the light look with normal type, as figures are built


def kind_colours(look: Look = LIGHT) -> dict[str, dict[str, str]]:
    """Each kind's colour in ``look``, the text written on it (white or ink, whichever reads
    better) and its name in the slider's legend.

    >>> kind_colours()["converged"], kind_colours(Look(dark=True))["converged"]
    ({'fill': '#1E7B4F', 'text': '#FFFFFF', 'name': 'converged'}, \
{'fill': '#4CC38A', 'text': '#1B1B1E', 'name': 'converged'})
    """
    colours = {}
    for kind, light in KIND_COLOURS.items():
        fill = look.colour(light)
        text = max((RIM, INK), key=lambda ink: contrast(ink, fill))
        colours[kind] = {"fill": fill, "text": text, "name": kind.replace("_", " ")}
    return colours


def background(
    problem,
    window: Window,
    minima=(),
    *,
    axis_titles: tuple[str, str] = ("x", "y"),
    function_name: str = "f",
    dark: bool = False,
) -> dict:
    """The path plot without any run: the 2-D colour field, level lines and minima (or the 1-D
    curve), as Plotly JSON. It depends only on f, the window and ``dark`` (the colour field is
    a picture: drawn for its theme): cache it (~40 ms in 2-D)."""
    minima = np.asarray(minima, dtype=float).reshape(-1, problem.dimension)
    if problem.dimension == 1:
        figure_json = _curve_figure(problem, window, minima, function_name)
    else:
        figure_json = _contour_figure(problem, window, minima, axis_titles, function_name, dark)
    figure_json["half"] = TANGENT_FRACTION * (window.x_max - window.x_min)  # the 1-D tangent
    return figure_json


def family_view(
    family: Family, problem, text: ViewText, path: dict, minima=(), look: Look = LIGHT
) -> dict:
    """Everything the browser needs, JSON-able: every member's arrays, the rates with their
    verdict labels and the theory marks, the loss figure and ``path`` (from :func:`background`
    made with ``dark=look.dark``, plus the start marker); ``minima`` (their f) join the f* the
    loss is measured from. ``look``: the theme and presenter mode the page is drawn in (the
    offline file keeps it)."""
    t = family.trajectory
    dimension = t.points.shape[-1]
    minima = np.asarray(minima, dtype=float).reshape(-1, dimension)
    members, f_star = _members(family, problem, minima)
    verdicts = labels(family, problem)
    return {
        "text": text.as_dict(),
        "look": {"dark": look.dark, "present": look.present},
        "dimension": dimension,
        "rates": [float(rate) for rate in family.rates],
        "labels": [words for _, words in verdicts],
        "kinds": [kind for kind, _ in verdicts],
        "colours": kind_colours(look),
        "initial": family.initial,
        "marks": [
            {"label": m.label, "value": float(m.value), "note": m.note, "primary": i == 0}
            for i, m in enumerate(family.marks)
        ],
        "members": members,
        "fStar": f_star,
        "frameMs": FRAME_MS,
        "style": {
            "path": look.colour(PATH_COLOUR),
            "rim": look.colour(RIM),
            "tangent": look.colour(INK),
            "width": look.line_scale,
        },
        "path": _looking(_with_start(path, family.start), look),
        "loss": _looking(_loss_figure(family, members), look),
    }


def _looking(figure_json: dict, look: Look) -> dict:
    """A figure of this view in ``look``; in presenter mode its axis text grows as well."""
    result = restyle_json(figure_json, look)
    if not look.present:
        return result
    layout = dict(result["layout"])
    for name in ("xaxis", "yaxis"):
        axis = dict(layout[name])
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": 19}
        title = dict(axis.get("title", {}))
        title["font"] = {**title.get("font", {}), "size": 22}
        layout[name] = axis | {"title": title}
    return result | {"layout": layout}


def payload_bytes(view: dict) -> int:
    """Size of the view's JSON as the browser receives it (without plotly.js)."""
    from gdviz.figures.instant_rate_page import view_json

    return len(view_json(view).encode())


# --- member arrays -----------------------------------------------------------------------------


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array)).decode()


def _members(family: Family, problem, minima: np.ndarray) -> tuple[dict, float]:
    """Every member's frame steps, path and f − f*, concatenated, with offsets.

    f* is the lowest finite value any run that did not diverge reached (or f at a given
    minimum), so that f − f* ≥ 0 suits a log axis; 1-D members also carry f′ for the tangent.
    """
    t = family.trajectory
    runs = len(family.rates)
    shown = [frame_steps(int(t.steps[i]), FRAMES) for i in range(runs)]
    index = np.concatenate(shown)
    run = np.repeat(np.arange(runs), [len(s) for s in shown])
    points = t.points[index, run]  # (total, d)
    values = t.values[index, run]
    calm = np.asarray([str(s) != "diverged" for s in t.status])
    with np.errstate(all="ignore"):
        candidates = [t.values[:, calm].ravel(), np.ravel(problem.value(minima))]
    finite = np.concatenate(candidates)
    finite = finite[np.isfinite(finite)]
    f_star = float(finite.min()) if finite.size else 0.0
    floor = 1e-15 * max(1.0, abs(f_star))
    with np.errstate(all="ignore"):
        gaps = np.maximum(values - f_star, floor)
    members = {
        "offsets": np.cumsum([0] + [len(s) for s in shown]).tolist(),
        "steps": _b64(index.astype(np.int32)),
        "x": _b64(f32(points[:, 0])),
        "loss": _b64(f32(gaps)),
    }
    if points.shape[1] == 1:
        with np.errstate(all="ignore"):
            slopes = np.asarray(problem.gradient(points), dtype=float)[:, 0]
        members["y"] = _b64(f32(values))
        members["slope"] = _b64(f32(slopes))
    else:
        members["y"] = _b64(f32(points[:, 1]))
    return members, f_star


def auto_window(family: Family, problem, minima=()) -> Window:
    """A square around the start, the minima and every run that did not diverge (25% margin);
    in 1-D, y spans f over that x range."""
    t = family.trajectory
    minima = np.asarray(minima, dtype=float).reshape(-1, t.points.shape[-1])
    calm = np.asarray([str(s) != "diverged" for s in t.status])
    points = np.concatenate([t.points[:, calm].reshape(-1, t.points.shape[-1]), minima])
    finite = np.where(np.isfinite(points), points, np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: the start decides
        low = np.fmin(np.nanmin(finite, axis=0), family.start)
        high = np.fmax(np.nanmax(finite, axis=0), family.start)
    centre, half = (low + high) / 2, max(float(np.max(high - low)) / 2 * 1.25, 0.5)
    if len(centre) == 2:
        return Window(centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    xs = np.linspace(centre[0] - half, centre[0] + half, 400)
    with np.errstate(all="ignore"):
        ys = np.asarray(problem.value(xs[:, None]), dtype=float) * np.ones(len(xs))
    ys = ys[np.isfinite(ys)]
    bottom, top = (float(ys.min()), float(np.quantile(ys, 0.95))) if ys.size else (-1.0, 1.0)
    pad = 0.1 * (top - bottom or 1.0)
    return Window(xs[0], xs[-1], bottom - pad, top + pad)


# --- the two figures ---------------------------------------------------------------------------

_MARGIN = {"l": 60, "r": 12, "t": 12, "b": 50}


def _axis(title: str, **settings) -> dict:
    """An axis with large tick labels and title (a projector at the back of a room)."""
    return {"tickfont": {"size": 15}, "title": {"text": title, "font": {"size": 18}}} | settings


def _axes(window: Window, titles: tuple[str, str]) -> dict:
    x = _axis(titles[0], range=[window.x_min, window.x_max])
    return {"xaxis": x, "yaxis": _axis(titles[1], range=[window.y_min, window.y_max])}


def _with_start(path: dict, start: np.ndarray) -> dict:
    """The cached background with this family's start marked (2-D; 1-D marks none)."""
    if "start" not in path:
        return path
    data = list(path["data"])
    data[path["start"]] = data[path["start"]] | {"x": [float(start[0])], "y": [float(start[1])]}
    return path | {"data": data}


def _contour_figure(problem, window, minima, axis_titles, function_name, dark=False) -> dict:
    field = sample(problem.value, window, 200)
    drop = backdrop(field, [tuple(m) for m in minima], axis_titles=axis_titles,
                    function_name=function_name, dark=dark)  # fmt: skip
    layout = dict(drop.layout)
    for axis, title in zip(("xaxis", "yaxis"), axis_titles, strict=True):
        layout[axis] = layout[axis] | _axis(title)
    layout |= {"margin": _MARGIN, "autosize": True, "showlegend": False}
    layout.pop("height", None)
    start = {"type": "scatter", "mode": "markers", "x": [], "y": [],
             "hovertemplate": "start θ₀<extra></extra>",
             "marker": {"symbol": "circle-open", "size": 15, "color": INK,
                        "line": {"width": 2.5}}, "showlegend": False}  # fmt: skip
    data = [dict(trace) for trace in drop.traces] + [start]
    return _figure_json(data, layout) | {"start": len(data) - 1}


def _curve_figure(problem, window: Window, minima: np.ndarray, function_name: str) -> dict:
    xs = np.linspace(window.x_min, window.x_max, 600)
    with np.errstate(all="ignore"):
        ys = np.asarray(problem.value(xs[:, None]), dtype=float) * np.ones(len(xs))
        stars = np.asarray(problem.value(minima), dtype=float) * np.ones(len(minima))
    curve = {
        "type": "scatter",
        "mode": "lines",
        "x": f32(xs),
        "y": f32(ys),
        "line": {"color": CURVE, "width": 3},
        "showlegend": False,
        "hovertemplate": f"x = %{{x:.4g}}<br>{function_name} = %{{y:.4g}}<extra></extra>",
    }
    star = {"type": "scatter", "mode": "markers", "x": minima[:, 0].tolist(),
            "y": f32(stars).tolist(),
            "marker": {"symbol": "star", "size": 16, "color": RIM,
                       "line": {"color": INK, "width": 1.5}}, "showlegend": False,
            "hovertemplate": "minimum at x = %{x:.4g}<extra></extra>"}  # fmt: skip
    layout = _axes(window, ("x", f"{function_name}(x)")) | {
        "margin": _MARGIN, "autosize": True, "plot_bgcolor": LIGHT_INKS.plot, "dragmode": False,
        "hovermode": "closest", "showlegend": False,
    }  # fmt: skip
    return _figure_json([curve, star], layout)


def _loss_figure(family: Family, members: dict) -> dict:
    """f(θₖ) − f* against the step on fixed axes: steps 0 … the longest run, log y from the
    lowest gap to 10⁴ × the start's (a diverging run leaves through the top)."""
    t = family.trajectory
    gaps = np.frombuffer(base64.b64decode(members["loss"]), dtype=np.float32)
    first = float(gaps[0]) if np.isfinite(gaps[0]) else 1.0
    lowest = float(np.nanmin(gaps[np.isfinite(gaps)])) if np.isfinite(gaps).any() else first
    y_range = [np.log10(lowest) - 0.3, np.log10(max(first, lowest * 10)) + 4]
    layout = {
        "margin": _MARGIN, "autosize": True, "plot_bgcolor": LIGHT_INKS.plot, "showlegend": False,
        "hovermode": "closest", "dragmode": False,
        "xaxis": _axis("step k", range=[0, max(int(np.max(t.steps)), 1)]),
        "yaxis": _axis("f(θₖ) − f*", type="log", range=y_range, exponentformat="power"),
    }  # fmt: skip
    return _figure_json([], layout)


def _figure_json(data: list[dict], layout: dict) -> dict:
    """Plotly JSON (typed arrays for NumPy data) in the app's style: the still parts only (the
    browser draws the moving ones over them, ``instant_rate_draw.js``)."""
    result = figure(data, layout).to_plotly_json()
    result["layout"] = STYLE | result["layout"]
    return result
