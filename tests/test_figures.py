"""Figure helpers shared by every animated chart (gdviz.figures.animation)."""

from __future__ import annotations

import base64
import copy
import json

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64
from plotly.io import to_json

from gdviz.figures.animation import f32, figure, frame_steps


def _frames() -> list[dict]:
    path = np.array([[0.5, -1.25], [0.25, 3.0e38], [np.nan, 2.0]])
    return [
        {
            "name": str(k),
            "data": [{"x": f32(path[: k + 1, 0]), "y": f32(path[: k + 1, 1])}, {"text": [f"{k}"]}],
            "traces": [1, 2],
        }
        for k in range(3)
    ]


def test_frames_serialise_as_plotly_would_with_their_arrays_encoded_once():
    """figure() stores frames as typed arrays (dtype + base64) up front; to_dict, and so
    st.plotly_chart, must send exactly what plotly's own conversion of the arrays gives."""
    frames = _frames()
    expected = copy.deepcopy(frames)
    convert_to_base64(expected)
    sent = figure([{"type": "scatter"}], {}, frames).to_dict()["frames"]
    assert sent == expected
    last = sent[-1]["data"][0]["y"]
    decoded = np.frombuffer(base64.b64decode(last["bdata"]), dtype=last["dtype"])
    np.testing.assert_array_equal(decoded, np.array([-1.25, np.nan, 2.0], dtype=np.float32))


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
    layout = {"sliders": [{"steps": [{"label": "", "value": "0"}]}], "height": 400}
    frames = _frames()
    ours = figure(copy.deepcopy(data), copy.deepcopy(layout), copy.deepcopy(frames))
    ours.update_layout(height=360, showlegend=False)
    theirs = go.Figure(data=data, layout=layout, frames=frames)
    theirs.update_layout(height=360, showlegend=False)
    expected = theirs.to_dict()
    sent = ours.to_dict()
    expected["layout"].pop("template")  # plotly's default look; figure() sets the app's STYLE
    for key in ("template", "font", "hoverlabel", "paper_bgcolor"):
        sent["layout"].pop(key)
    assert json.loads(to_json(sent)) == json.loads(to_json(expected))
