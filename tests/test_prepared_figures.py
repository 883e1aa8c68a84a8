"""Every chart the pages draw, sent as plotly itself would send it.

The figure builders return :class:`~gdviz.figures.prepared.PreparedFigure` (plain dicts, no
validation). Each page view below is run twice: as the app runs, and with ``figure()`` building
a validated ``go.Figure`` instead, so the pages' own ``update_layout`` and ``add_trace`` calls
run on plotly's Figure. Every chart must send the same JSON both ways.
"""

from __future__ import annotations

import json
import os

import plotly.graph_objects as go
import pytest
import streamlit as st
from apptest_helpers import ROOT
from streamlit.elements.widgets.button import ButtonMixin
from streamlit.testing.v1 import AppTest

from gdviz import room_codes, rooms
from gdviz.figures import animation, look
from gdviz.lessons.predict import answers, course
from gdviz.lessons.predict.challenge import Challenge, token


@pytest.fixture(autouse=True)
def rooms_db(tmp_path, monkeypatch):
    path = tmp_path / "rooms.sqlite3"
    monkeypatch.setenv("GDVIZ_ROOMS_DB", str(path))
    return path


def app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def lab(**query: str) -> AppTest:
    """The Learning-rate lab as its page tests open it (its own script)."""
    at = AppTest.from_file(str(ROOT / "app_pages/learning_rate.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def presented(view):
    """``view`` in presenter mode, as a ``present=1`` link opens it."""

    def opened() -> AppTest:
        at = view()
        at.session_state["present"] = True
        return at.run()

    return opened


def commit(at: AppTest, challenge: Challenge) -> AppTest:
    """Answer ``challenge`` rightly on the Predict page and commit: the run is drawn."""
    solution = answers.solve(challenge)
    pick = f"predict_pick_{token(challenge)}"
    if solution.question.numeric:
        at.number_input(key=pick).set_value(round(solution.value, 4)).run()
    else:
        at.radio(key=pick).set_value(solution.correct[0]).run()
    return at.button(key="predict_commit").click().run()


def predict_course(number: int) -> AppTest:
    return commit(app("app_pages/predict.py", i=str(number)), course.COURSE[number - 1].challenge)


def predict_one_dimensional() -> AppTest:
    challenge = Challenge(function="x^4 - 3x^2 + x", start_x=2.0, learning_rate=0.05)
    return commit(app("app_pages/predict.py", c=token(challenge)), challenge)


def room_revealed(position: int, answer: str) -> AppTest:
    """The teacher's view of the course as a room, question ``position`` answered and revealed."""
    at = app("app_pages/predict.py")
    at.button(key="predict_open_room").click().run()
    code = at.query_params["room"]
    secret = at.session_state["predict_hosting"][code]
    store = rooms.RoomStore(os.environ["GDVIZ_ROOMS_DB"])
    for left in range(position):
        store.advance(code, secret, left)
    store.answer(code, room_codes.new_student(), position, answer)
    store.reveal(code, secret)
    return at.run()


def playground_surface() -> AppTest:
    at = app()
    at.segmented_control(key="view").set_value("3-D surface")
    return at.run()


def playground_compare() -> AppTest:
    at = app()
    return at.radio(key="compare").set_value("optimizers").run()


VIEWS = {
    "playground": app,
    "playground 1-D": lambda: app(preset="Double well (1-D)"),
    "playground surface": playground_surface,
    "playground compare": playground_compare,
    "lab side by side": lambda: lab(section="side"),
    "lab overlay": lambda: lab(section="side", overlay="1"),
    "lab 1-D": lambda: lab(section="side", preset="Double well (1-D)"),
    "lab sweep": lambda: lab(section="sweep"),
    "lab schedules": lambda: lab(section="schedules"),
    "lab intuition": lambda: lab(section="intuition"),
    "lab basins": lambda: lab(section="basins", res="60", preset="Himmelblau"),
    "data": lambda: app("app_pages/data.py"),
    "data generated": lambda: app("app_pages/data.py", src="generated"),
    "predict before": lambda: app("app_pages/predict.py", i="3"),
    **{f"predict {n} after": (lambda n=n: predict_course(n)) for n in (1, 3, 7, 11, 12, 15)},
    "predict 1-D after": predict_one_dimensional,
    "room answers": lambda: room_revealed(0, "converges"),
    "room guesses": lambda: room_revealed(6, "0.06"),
}


def validated(data: list[dict], layout: dict, frames=()) -> go.Figure:
    """What ``figure()`` would give if it let plotly build and check everything."""
    return go.Figure(data=data, layout=layout, frames=list(frames))


def drawn(view, build=None) -> list[dict]:
    st.cache_data.clear()
    st.cache_resource.clear()  # a cached figure from the other run would be compared to itself
    with pytest.MonkeyPatch.context() as patch:
        if build is not None:
            patch.setattr(animation, "PreparedFigure", build)
            patch.setattr(animation, "_raw", lambda built: built.to_dict())  # panels(): its parts
        at = view()
    assert not at.exception
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def untyped_frames(spec: dict, like: dict) -> dict:
    """``spec`` without the ``type`` plotly's validation adds to frame traces that ``like``'s
    leave out (a frame trace without one updates the trace it moves, of whatever type)."""
    for frame, ours in zip(spec.get("frames", ()), like.get("frames", ()), strict=True):
        for trace, our_trace in zip(frame["data"], ours["data"], strict=True):
            if "type" not in our_trace:
                trace.pop("type", None)
    return spec


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_chart_sends_what_a_plotly_figure_would(name):
    ours = drawn(VIEWS[name])
    theirs = drawn(VIEWS[name], validated)
    assert ours, "the view draws no chart"
    assert len(ours) == len(theirs)
    for sent, expected in zip(ours, theirs, strict=True):
        assert sent == untyped_frames(expected, sent)


PRESENTED = {
    "playground": lambda: app(present="1"),
    "playground 1-D": lambda: app(present="1", preset="Double well (1-D)"),
    "lab side by side": presented(lambda: lab(section="side")),
    "lab sweep": presented(lambda: lab(section="sweep")),
    "data": lambda: app("app_pages/data.py", present="1"),
    "predict 3 after": lambda: commit(
        app("app_pages/predict.py", i="3", present="1"), course.COURSE[2].challenge
    ),
}


@pytest.mark.parametrize("name", list(PRESENTED))
def test_presenter_mode_charts_are_what_plotly_would_send(name):
    """Restyled for presenter mode (``look.restyle``), a chart is still one plotly accepts as
    it is: a validated ``go.Figure`` of it sends the same JSON."""
    charts = drawn(PRESENTED[name])
    assert charts and charts[0]["layout"]["font"]["size"] == look.Look(present=True).font_size
    for sent in charts:
        expected = json.loads(go.Figure(sent).to_json())
        assert sent == untyped_frames(expected, sent)


def test_the_playground_s_html_download_is_a_standalone_page_of_the_animation(monkeypatch):
    """The "Download animation (HTML)" button calls ``to_html`` on the figure on screen."""
    offered = {}
    real = ButtonMixin.download_button

    def download_button(self, label, data, *args, **kwargs):
        offered[kwargs.get("key")] = data
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", download_button)
    (on_screen,) = drawn(app)  # one animated figure: the contour and its f, ‖∇f‖ panels
    page = offered["download_html"]()
    assert page.lstrip().lower().startswith(("<html>", "<!doctype html>"))
    assert page.rstrip().endswith("</html>") and "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # plotly.js inside: it opens offline
    assert "Plotly.animate" not in page  # auto_play=False: it waits for ▶ Play
    data, layout = _arguments(page, "Plotly.newPlot(", 2)
    (frames,) = _arguments(page, "Plotly.addFrames(", 1)
    assert {"data": data, "layout": layout, "frames": frames} == on_screen


def _arguments(page: str, call: str, count: int) -> list:
    """The JSON arguments after the element id of the one ``call`` in ``page``."""
    decoder = json.JSONDecoder()
    (_, after), values = page.split(call), []
    position = after.index(",") + 1  # past the element's id
    for _ in range(count):
        while after[position] in " \n,":
            position += 1
        value, position = decoder.raw_decode(after, position)
        values.append(value)
    return values
