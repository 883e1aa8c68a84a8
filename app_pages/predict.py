"""Predict, then play: commit to a prediction, then watch the run and read why.

Self-study walks through the built-in course (or a quiz link ``?c=``); ``?room=CODE`` joins a
live room (the teacher who opened it sees the teacher's view: its token stays in the session).
"""

import streamlit as st

from app_pages import challenges, predict_room, state, views
from app_pages import predict_views as pv
from app_pages.state import PREDICT as FORM
from gdviz import room_codes
from gdviz.lessons.predict.challenge import pack, token

P, ss = FORM.prefix, st.session_state
problems = state.open_form(FORM)
linked = st.query_params.to_dict()
if linked and linked != ss.get(P + "_published"):  # arrived by a link (e.g. "Open it"): it wins
    state.set_fields(FORM, vars(FORM.lesson.decode(linked)[0]))


def publish() -> None:
    setup = state.current(FORM)
    state.publish(FORM, setup)


if ss[P + "room"]:
    predict_room.show(ss[P + "room"])
    publish()
    st.stop()

quiz, quiz_problems = pv.quiz_of(ss[P + "quiz"])
ss[P + "number"] = min(max(1, int(ss[P + "number"])), len(quiz))


def join() -> None:
    try:
        ss[P + "room"] = room_codes.normalise_code(ss.get(P + "join_code", ""))
    except room_codes.RoomError as error:
        ss[P + "join_error"] = str(error)


def open_room() -> None:
    try:  # the challenges as read (a link's unusable parts are left out)
        host = pv.store().open_room(pack([lesson.challenge for lesson in quiz]), len(quiz))
    except room_codes.RoomError as error:
        ss[P + "join_error"] = str(error)
        return
    ss.setdefault(P + "hosting", {})[host.code] = host.token  # the secret stays in the session
    ss[P + "room"] = host.code


def next_challenge() -> None:
    ss[P + "number"] = ss[P + "number"] % len(quiz) + 1


st.title("Predict, then play")
points, streak, done = pv.score()
present = state.display().present  # a projector needs the room for the chart and the question
if not present:
    st.caption(f"Commit to a prediction, then watch the run. Score **{points}** · streak "
               f"**{streak}** · {done} of {len(quiz)} done")  # fmt: skip
for problem in problems + quiz_problems:
    st.warning(problem)

with st.sidebar:
    st.subheader("Challenge")
    st.selectbox("Challenge", list(range(1, len(quiz) + 1)), key=P + "number",
                 format_func=lambda i: f"{i} · {quiz[i - 1].title}",
                 label_visibility="collapsed")  # fmt: skip
    st.subheader("Join a room")
    st.text_input("Room code", key=P + "join_code", placeholder="ABCD-2345", max_chars=12)
    st.button("Join", key=P + "join", on_click=join, icon=":material/login:")
    if P + "join_error" in ss:
        st.error(ss.pop(P + "join_error"))
    st.subheader("Teach with it")
    st.button("Open a room for my class", key=P + "open_room", on_click=open_room,
              icon=":material/co_present:", help="Students join on their phones; you lock, "
              "reveal and move on. The room lasts 4 hours.")  # fmt: skip
    for code in ss.get(P + "hosting", {}):
        st.button(f"Back to room {room_codes.display_code(code)}", key=P + "back_" + code,
                  on_click=ss.__setitem__, args=(P + "room", code))  # fmt: skip
    own = challenges.draft()
    if own:
        st.caption(f"My quiz: {len(own)} challenge(s). Its link:")
        st.code(challenges.predict_link("c=" + ".".join(own)), language=None, wrap_lines=True)
        mine = {P + "quiz": ".".join(own), P + "number": 1}
        st.button("Use my quiz here", key=P + "use_draft", on_click=ss.update, args=(mine,))
    if ss[P + "quiz"]:
        back = {P + "quiz": "", P + "number": 1}
        st.button("Back to the built-in course", key=P + "use_course", on_click=ss.update,
                  args=(back,))  # fmt: skip

number = ss[P + "number"]
lesson = quiz[number - 1]
challenge, link = lesson.challenge, token(lesson.challenge)
solution, why_not = challenges.solved(challenge)
st.subheader(f"{number} · {lesson.title}")
publish()
if solution is None:
    st.caption(pv.plain(lesson.idea))
    st.warning(why_not, icon=":material/block:")
    st.button("Next challenge", key=P + "skip", on_click=next_challenge)
    st.stop()

entry = ss.get(pv.LOG, {}).get(link)
pick, chart_key = f"{P}pick_{link}", f"{P}chart_{number}"
basin = challenge.question == "basin" and entry is None
if basin:
    pv.apply_click(chart_key, pick, solution)
picture, answer = st.columns([3, 2], gap="large")  # the chart at the top: it fits a projector
with picture:
    square = int(views.chart_width(0.6) * 0.85) + 70  # a square plot + axes (phone: the width)
    height = min(views.chart_height(230, least=360, most=760), square)
    pv.chart(challenge, solution, entry is not None, chart_key, height, clickable=basin)
# the idea: under the chart on a projector (question and button first, beside it), else atop them
(picture if present else answer).caption(pv.plain(lesson.idea))
with answer:
    pv.setup_line(challenge)
    st.markdown(f"#### {solution.question.prompt}")
    if entry is None:
        chosen = pv.response_input(solution.question, pick)
        st.button("Lock in my prediction", key=P + "commit", type="primary",
                  disabled=chosen is None, on_click=pv.commit, args=(link, pick, solution),
                  icon=":material/lock:")  # fmt: skip
        st.caption("Nothing is drawn until you commit: the contour and the start only.")
    else:
        pv.verdict(solution, entry["response"])
        pv.autoplay(f"self-{link}")
        left, right = st.columns(2)
        left.button("Next challenge", key=P + "next", on_click=next_challenge, type="primary",
                    icon=":material/arrow_forward:")  # fmt: skip
        with right:
            pv.try_it(challenge, solution, P + "try")
        st.button("Add to my quiz", key=P + "add", on_click=challenges.add_to_draft, args=(link,),
                  icon=":material/playlist_add:")  # fmt: skip
