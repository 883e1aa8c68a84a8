"""AppTest of the Predict page, every view: self-study (course, quiz link, each challenge before
and after committing), the teacher's room, a student's room (answer, change, locked, revealed,
closed), bad and expired codes, and "Make this a challenge" on the Playground and the lab."""

from __future__ import annotations

import json

import pytest
from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest

from gdviz import room_codes, rooms
from gdviz.lessons.predict import answers, course
from gdviz.lessons.predict.challenge import Challenge, pack, token

PAGE = "app_pages/predict.py"


@pytest.fixture(autouse=True)
def rooms_db(tmp_path, monkeypatch):
    """Every test gets its own room database."""
    path = tmp_path / "rooms.sqlite3"
    monkeypatch.setenv("GDVIZ_ROOMS_DB", str(path))
    return path


def predict(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("success", "error", "info", "warning", "markdown", "caption")
             for e in getattr(at, kind)]  # fmt: skip
    return " ".join(str(part) for part in parts)


def assert_nothing_given_away(at: AppTest, solution: answers.Solution) -> None:
    """Before committing: no frames, no play buttons, no path, no verdict anywhere."""
    (spec,) = specs(at)
    assert not spec.get("frames") and "updatemenus" not in spec["layout"]
    assert len(spec["data"]) <= 5  # hover grid, level lines, (no) minima, start, marks
    names = " ".join(str(trace.get("name", "")) for trace in spec["data"])
    assert "converged" not in names.lower() and "diverged" not in names.lower()
    page = texts(at)
    assert solution.verdict not in page and solution.explanation[0] not in page
    assert not at.success and not at.error


def test_the_course_opens_on_its_first_challenge():
    at = predict()
    assert not at.exception
    assert at.title[0].value == "Predict, then play"
    assert at.subheader[0].value == "1 · The objective"
    assert at.radio[0].options[1] == "converges"
    assert at.button(key="predict_commit").disabled
    assert_nothing_given_away(at, answers.solve(course.COURSE[0].challenge))


@pytest.mark.parametrize("number", range(1, len(course.COURSE) + 1))
def test_every_course_challenge_before_and_after_committing(number):
    lesson = course.COURSE[number - 1]
    solution = answers.solve(lesson.challenge)
    at = predict(i=str(number))
    assert not at.exception
    assert at.subheader[0].value == f"{number} · {lesson.title}"
    assert_nothing_given_away(at, solution)
    pick = f"predict_pick_{token(lesson.challenge)}"
    if solution.question.numeric:
        at.number_input(key=pick).set_value(round(solution.value, 4)).run()
    else:
        at.radio(key=pick).set_value(solution.correct[0]).run()
    at.button(key="predict_commit").click().run()
    assert not at.exception
    assert at.success and "Right" in at.success[0].value
    (spec,) = specs(at)
    assert spec["frames"] and spec["layout"]["updatemenus"]  # now the run plays
    assert solution.explanation[0].split(":")[0][:20] in texts(at).replace("\\", "")
    assert "Score **100**" in at.caption[0].value and "streak **1**" in at.caption[0].value


def test_a_wrong_prediction_breaks_the_streak_and_next_moves_on():
    at = predict(i="5")  # oscillates but converges
    at.radio(key=f"predict_pick_{token(course.COURSE[4].challenge)}").set_value("diverges").run()
    at.button(key="predict_commit").click().run()
    assert at.error and "Not this time" in at.error[0].value
    assert "streak **0**" in at.caption[0].value
    at.button(key="predict_next").click().run()
    assert at.subheader[0].value.startswith("6 ·") and at.query_params["i"] == "6"


def test_a_basin_is_chosen_by_letter_and_the_minima_are_lettered():
    at = predict(i="3")
    (spec,) = specs(at)
    letters = [t for t in spec["data"] if t.get("text") and "<b>A</b>" in t["text"]]
    assert letters and len(letters[0]["x"]) == 3
    assert at.radio[0].options[:3] == ["A  (0, 0)", "B  (1.75, -0.874)", "C  (-1.75, 0.874)"]


def test_a_quiz_link_is_its_own_course():
    quiz = [Challenge(learning_rate=0.11), Challenge(question="threshold")]
    at = predict(c=pack(quiz))
    assert not at.exception
    assert at.subheader[0].value == "1 · Learning rate too large"  # a course challenge's title
    assert at.selectbox(key="predict_number").options == ["1 · Learning rate too large",
                                                           "2 · Where is the edge?"]  # fmt: skip


def test_a_link_followed_inside_the_session_wins_over_what_was_there():
    at = predict(i="4")
    at.switch_page("app_pages/playground.py")
    at.run()
    at.switch_page(PAGE)  # back by the sidebar: as it was left
    at.run()
    assert at.subheader[0].value.startswith("4 ·")
    at.switch_page("app_pages/playground.py")
    at.run()
    at.query_params["c"] = token(Challenge(question="threshold"))  # an "Open it" link
    at.switch_page(PAGE)
    at.run()
    assert not at.exception and at.subheader[0].value == "1 · Where is the edge?"


def test_a_made_challenge_and_a_broken_link():
    at = predict(c=token(Challenge(function="x^2 + 3y^2", learning_rate=0.3)) + ".%%%")
    assert not at.exception
    assert at.subheader[0].value == "1 · Challenge 1"
    assert any("ignored" in w.value for w in at.warning)


def test_a_challenge_that_cannot_be_asked_says_why():
    at = predict(c=token(Challenge(learning_rate=0.1, max_steps=500)))  # α·λmax = 2: cycles
    assert not at.exception
    assert any("cycles" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_try_it_in_the_playground_opens_the_same_setup():
    at = predict(i="11")  # the race
    lesson = course.COURSE[10]
    at.radio(key=f"predict_pick_{token(lesson.challenge)}").set_value("gd").run()
    at.button(key="predict_commit").click().run()
    at.button(key="predict_try").click().run()
    assert not at.exception
    assert at.title[0].value == "Gradient descent playground"
    assert at.radio(key="compare").value == "optimizers"
    assert at.multiselect(key="compare_optimizers").value == ["gd", "momentum", "adam"]
    assert at.number_input(key="learning_rate").value == 0.01


# --- rooms ----------------------------------------------------------------------------------


def open_room_as_teacher() -> tuple[AppTest, str]:
    at = predict()
    at.button(key="predict_open_room").click().run()
    assert not at.exception
    code = at.query_params["room"]
    return at, code


def test_the_teacher_sees_the_code_the_join_link_and_the_live_count(rooms_db):
    at, code = open_room_as_teacher()
    header = at.get("html")[0].proto.body
    assert room_codes.display_code(code) in header and f"/predict?room={code}" in header
    assert at.metric[0].label == "Answers in" and at.metric[0].value == "0"
    store = rooms.RoomStore(rooms_db)
    store.answer(code, room_codes.new_student(), 0, "converges")
    store.answer(code, room_codes.new_student(), 0, "img")  # well-formed, but no choice of this one
    at.run()
    assert at.metric[0].value == "1"  # an answer that is no choice of this question is not counted
    assert_nothing_given_away(at, answers.solve(course.COURSE[0].challenge))
    at.button(key="predict_lock").click().run()
    assert store.room(code).phase == "locked" and at.metric[0].label == "Answers in (locked)"
    at.button(key="predict_reveal").click().run()
    assert store.room(code).phase == "revealed"
    charts = specs(at)
    assert charts[0]["frames"]  # the run plays …
    assert charts[1]["data"][0]["type"] == "bar" and charts[1]["data"][0]["x"] == [0, 1, 0, 0]
    at.button(key="predict_advance").click().run()
    assert store.room(code).position == 1 and not at.exception
    at.button(key="predict_close").click().run()
    assert store.room(code).phase == "closed"
    assert "closed this room" in at.info[0].value


def test_the_token_never_reaches_the_url_or_the_page():
    at, code = open_room_as_teacher()
    token_value = at.session_state["predict_hosting"][code]
    assert token_value not in json.dumps(dict(at.query_params))
    assert token_value not in texts(at) and token_value not in at.get("html")[0].proto.body


def student_view(code: str) -> AppTest:
    return predict(room=code)


def where(at: AppTest) -> str:
    """The student's "Room … · question k of n" line."""
    return at.get("html")[0].proto.body


def test_a_student_answers_changes_and_sees_the_reveal(rooms_db):
    store = rooms.RoomStore(rooms_db)
    host = store.open_room(pack([lesson.challenge for lesson in course.COURSE]), len(course.COURSE))
    at = student_view(host.code)
    assert not at.exception
    assert "question 1 of 16" in where(at)
    assert_nothing_given_away(at, answers.solve(course.COURSE[0].challenge))
    pick = f"predict_answer_{host.code}_0"
    at.radio(key=pick).set_value("diverges").run()
    assert store.counts(host.code, 0) == {"diverges": 1}
    assert "Sent: diverges" in at.success[0].value
    at.radio(key=pick).set_value("converges").run()
    assert store.counts(host.code, 0) == {"converges": 1}
    store.lock(host.code, host.token)
    at.run()
    assert at.radio(key=pick).disabled and "locked" in at.info[0].value
    store.reveal(host.code, host.token)
    at.run()
    assert "Right" in at.success[0].value
    assert specs(at)[0]["frames"]
    store.advance(host.code, host.token, 0)
    at.run()
    assert "question 2 of 16" in where(at) and at.radio[0].value is None
    store.close(host.code, host.token)
    at.run()
    assert "closed this room" in at.info[0].value and not at.exception


def test_a_student_sends_a_number_for_a_threshold(rooms_db):
    store = rooms.RoomStore(rooms_db)
    host = store.open_room(pack([Challenge(question="threshold")]), 1)
    at = student_view(host.code)
    at.number_input(key=f"predict_answer_{host.code}_0").set_value(0.06).run()
    at.button(key="predict_send").click().run()
    assert store.counts(host.code, 0) == {"0.06": 1}
    store.reveal(host.code, host.token)
    at.run()
    assert not at.exception and "Close" in at.warning[0].value  # 0.06 vs 0.099: 78 points


@pytest.mark.parametrize(
    ("code", "message"),
    [("ZZZZ-ZZZZ", "no room with this code"), ("abc", "8 letters"), ("<b>x</b>", "8 letters")],
)
def test_bad_codes_say_so(code, message):
    at = student_view(code)
    assert not at.exception
    assert message in at.error[0].value


def test_an_expired_room_says_so(rooms_db):
    store = rooms.RoomStore(rooms_db, clock=lambda: 0.0)
    host = store.open_room(pack([Challenge()]), 1)  # opened at the epoch: long expired
    at = student_view(host.code)
    assert "expired" in at.error[0].value


def test_joining_by_typing_the_code(rooms_db):
    host = rooms.RoomStore(rooms_db).open_room(pack([Challenge()]), 1)
    at = predict()
    at.text_input(key="predict_join_code").input(room_codes.display_code(host.code).lower()).run()
    at.button(key="predict_join").click().run()
    assert at.query_params["room"] == host.code and "question 1 of 1" in where(at)


# --- Make this a challenge ------------------------------------------------------------------


def test_the_playground_makes_a_challenge_and_a_quiz():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.session_state["challenge"] = True  # open the expander
    at.run()
    link = at.code[-1].value
    assert link.startswith("/predict?c=")
    at.button(key="challenge_add").click().run()
    at.selectbox(key="challenge_kind").select("threshold").run()
    at.button(key="challenge_add").click().run()
    assert len(at.session_state["predict_draft"]) == 2
    at.switch_page(PAGE)
    at.run()
    at.button(key="predict_use_draft").click().run()
    assert not at.exception
    assert len(at.selectbox(key="predict_number").options) == 2


def test_the_lab_makes_a_threshold_challenge():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("app_pages/learning_rate.py")
    at.run()
    at.radio(key="lr_section").set_value("sweep").run()
    at.session_state["lr_challenge"] = True
    at.run()
    assert not at.exception
    assert at.code[-1].value.startswith("/predict?c=")
