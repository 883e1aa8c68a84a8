"""Figure helpers shared by every animated chart (gdviz.figures.animation)."""

from __future__ import annotations

import base64
import copy
import gc
import json
import pickle
import weakref

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64
from plotly.io import to_json

from gdviz.figures.animation import f32, figure, frame_steps, frames, per_step

PATH = np.array([[0.5, -1.25], [0.25, 3.0e38], [np.nan, 2.0]])


def _patches(k: int) -> list[dict]:
    return [{"x": f32(PATH[: k + 1, 0]), "y": f32(PATH[: k + 1, 1])}, {"text": [f"{k}"]}]


def _frames() -> list[dict]:
    return [{"name": str(k), "data": _patches(k), "traces": [1, 2]} for k in range(3)]


def test_frames_serialise_as_plotly_would_with_their_arrays_encoded_once():
    """frames() encodes the patches as typed arrays (dtype + base64) once, figure() keeps them;
    to_dict, and so st.plotly_chart, must send exactly what plotly's own conversion of the
    arrays gives."""
    expected = _frames()
    convert_to_base64(expected)
    built = frames(np.arange(3), per_step(_patches), [1, 2])
    sent = figure([{"type": "scatter"}], {}, built).to_dict()["frames"]
    assert sent == expected
    last = sent[-1]["data"][0]["y"]
    decoded = np.frombuffer(base64.b64decode(last["bdata"]), dtype=last["dtype"])
    np.testing.assert_array_equal(decoded, np.array([-1.25, np.nan, 2.0], dtype=np.float32))


def arrays_in(value) -> int:
    """How many NumPy arrays a figure's nested dicts and lists still hold (frames must hold
    none: figure() does not encode them)."""
    if isinstance(value, dict):
        return sum(arrays_in(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sum(arrays_in(item) for item in value)
    return isinstance(value, np.ndarray)


def test_frame_steps_end_at_the_last_step_with_an_odd_stride():
    steps = frame_steps(1000, 120)
    assert steps[0] == 0 and steps[-1] == 1000 and len(steps) <= 120
    assert np.diff(steps)[0] % 2 == 1
    assert list(frame_steps(5, 120)) == [0, 1, 2, 3, 4, 5]


def test_a_diverged_run_draws_nothing_outside_the_3d_box():
    from gdviz import descend, optimizers, parse_objective
    from gdviz.field import Window, sample
    from gdviz.figures.charts import surface_figure
    from gdviz.figures.contour import RunView

    f = parse_objective("x^2 + 10y^2")
    window = Window(-3, 3, -2, 2)
    run = descend(f, [-2.6, 1.2], optimizers.gd(0.2), max_steps=200)
    assert run.status == "diverged"
    spec = surface_figure(sample(f.value, window, 60), [RunView("α = 0.2", run, "#000")]).to_dict()
    path = spec["data"][1]
    xs, ys = (decoded(path[axis]) for axis in ("x", "y"))
    drawn = ~np.isnan(xs)
    assert 0 < drawn.sum() < len(xs)  # the start is drawn, the flight out is not
    assert np.all(np.abs(xs[drawn]) <= 3) and np.all(np.abs(ys[drawn]) <= 2)


def decoded(array) -> np.ndarray:
    """A typed array as plotly.py encodes it ({dtype, bdata}), or a plain list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).astype(float)
    return np.asarray(array, dtype=float)


def test_a_figure_sends_what_plotly_itself_would_send():
    """figure() encodes arrays once and to_dict skips plotly's second pass; the result must be
    plotly's own to_dict of the same figure, also after update_layout and for arrays the fast
    path leaves to plotly (2-D, int64, empty)."""
    data = [
        {"type": "scatter", "x": f32([1.0, 2.0]), "y": np.arange(2), "customdata": np.array([])},
        {"type": "surface", "z": np.ones((3, 2))},
    ]
    layout = {"sliders": [{"steps": [{"label": "", "value": "0"}]}], "height": 400,
              "margin": {"l": 5, "t": 50}}  # fmt: skip
    frames = _frames()
    ours = figure(copy.deepcopy(data), copy.deepcopy(layout), copy.deepcopy(frames))
    ours.update_layout(height=360, showlegend=False, margin={"t": 10})
    theirs = go.Figure(data=data, layout=layout | {"margin": {"l": 5, "t": 50}}, frames=frames)
    theirs.update_layout(height=360, showlegend=False, margin={"t": 10})
    expected = theirs.to_dict()
    sent = ours.to_dict()
    expected["layout"].pop("template")  # plotly's default look; figure() sets the app's STYLE
    for key in ("template", "font", "hoverlabel", "paper_bgcolor"):
        sent["layout"].pop(key)
    assert json.loads(to_json(sent)) == json.loads(to_json(expected))


def _edits(fig):
    """What the figure modules (and plotly users) do to a finished figure."""
    fig.update_layout({"modebar": {"remove": ["zoom"]}})  # a dict, as predict.NO_MODEBAR
    fig.update_layout(xaxis_title_text="x", title="steps", margin={"b": 20})  # plotly's shorthands
    fig.update_layout(updatemenus=[{"y": 0.5}], annotations=[{"font": {"size": 9}}])
    fig.update_layout(yaxis={"range": [0, 1]}, overwrite=True)
    fig.add_trace(go.Scatter(x=[1.0], y=[2.0], mode="markers+text", text=["A"]))
    fig.add_trace({"type": "bar", "x": [1], "y": np.array([2.0])})
    return fig


def test_update_layout_and_add_trace_change_the_figure_as_plotly_s_do():
    layout = {"height": 400, "margin": {"l": 5, "t": 50}, "yaxis": {"type": "log"},
              "updatemenus": [{"x": 0.1, "buttons": [{"label": "▶", "method": "animate",
                                                      "args": [None, {"frame": {}}]}]}],
              "annotations": [{"text": "a"}, {"text": "b", "x": 2}]}  # fmt: skip
    data = [{"type": "scatter", "x": f32([1.0, 2.0]), "y": [3.0, 4.0]}]
    ours = _edits(figure(copy.deepcopy(data), copy.deepcopy(layout), _frames()))
    theirs = _edits(go.Figure(data=data, layout=layout, frames=_frames()))
    assert _sent(ours) == _sent(theirs)
    assert _sent(ours)["layout"]["annotations"][1] == {"text": "b", "x": 2, "font": {"size": 9}}


def test_a_finished_figure_exports_copies_and_pickles():
    """The Playground's "Download animation (HTML)" is ``to_html`` of the figure on screen."""
    ours = figure([{"type": "scatter", "x": f32([1.0, 2.0])}], {"height": 300}, _frames())
    page = ours.to_html(include_plotlyjs=True, auto_play=False)
    assert page.startswith("<html>") or page.lstrip().lower().startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>") and "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # plotly.js itself inside: works offline
    spec = json.loads(ours.to_json())
    assert spec["frames"][2]["name"] == "2" and spec["layout"]["height"] == 300
    for copied in (copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert type(copied) is type(ours) and copied.to_json() == ours.to_json()
    assert go.Figure(ours).to_json() == go.Figure(ours.to_dict()).to_json()  # plotly reads it


def _sent(fig) -> dict:
    """The JSON st.plotly_chart sends, less the look (plotly's default template or ``STYLE``)."""
    sent = json.loads(to_json(fig.to_dict()))
    for key in ("template", "font", "hoverlabel", "paper_bgcolor"):
        sent["layout"].pop(key, None)
    return sent


def test_a_figure_is_freed_without_the_garbage_collector():
    """No reference cycles (a go.Figure has them): a rerun's figures, frames and all, go as soon
    as the page drops them, not at the next full collection."""
    gc.disable()
    try:
        sent = figure([{"type": "scatter", "x": f32([1.0])}], {"height": 300}, _frames())
        gone = weakref.ref(sent)
        del sent
        assert gone() is None
    finally:
        gc.enable()


def test_a_restyled_figure_is_its_own_and_shares_only_the_frames():
    """``look.restyle`` (presenter mode, dark theme) returns a PreparedFigure: changing it leaves
    the cached original as it was, and it too goes without the garbage collector."""
    from gdviz.figures.look import Look, restyle

    original = figure([{"type": "scatter", "x": f32([1.0]), "line": {"width": 2}}],
                      {"height": 300, "margin": {"t": 5}}, _frames())  # fmt: skip
    before = original.to_json()
    styled = restyle(original, Look(dark=True, present=True))
    styled.update_layout(margin={"t": 40}).add_trace({"type": "scatter", "x": [2.0]})
    assert original.to_json() == before
    assert styled.frames is original.frames and type(styled) is type(original)
    gc.disable()
    try:
        gone = weakref.ref(styled)
        del styled
        assert gone() is None
    finally:
        gc.enable()
