"""A live room on the Predict page: the teacher's view (the code and join link shown large, the
live count, Lock / Reveal / Next / Close) and a student's (answer, change it until it is
locked, see the reveal). One-page helpers for ``predict.py``.

Both poll the room store with ``st.fragment(run_every=…)``: a poll reads one row (and the
teacher's the answer counts); only when the room's version changes does the whole page rerun.
Nothing a student sends is rendered as text: answers are choice ids (or numbers) checked
against the question, and the teacher's page draws only counts of the question's own choices.
"""

from __future__ import annotations

import html

import streamlit as st

from app_pages import challenges
from app_pages import predict_views as pv
from app_pages.state import PREDICT as FORM
from gdviz import room_codes, rooms
from gdviz.lessons.predict import answers, course
from gdviz.lessons.predict.challenge import unpack

TEACHER_POLL, STUDENT_POLL = 1.5, 2.0  # seconds between polls of the room store
P, ss = FORM.prefix, st.session_state
PHASES = {"open": "answers open", "locked": "answers locked", "revealed": "revealed"}
STYLE = """<style>
.gd-room {display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 2rem;}
.gd-code {font-size: 3.6rem; font-weight: 700; letter-spacing: .12em; line-height: 1.1;}
.gd-join {font-size: 1.35rem; word-break: break-all;}
</style>"""
STUDENT_STYLE = """<style>
.gd-where {padding-top: 1.4rem; color: #5C6370;}
[data-testid="stRadio"] label {padding: .45rem 0; font-size: 1.1rem;}
</style>"""


def leave() -> None:
    st.button(
        "Leave the room",
        key=P + "leave",
        icon=":material/logout:",
        on_click=ss.update,
        args=({P + "room": ""},),
    )


def show(code: str) -> None:
    """The room with this code, as its teacher or as a student sees it."""
    store = pv.store()
    try:
        room = store.room(code)
        quiz, _ = unpack(room.quiz)
        challenge = quiz[room.position]
    except (room_codes.RoomError, IndexError) as error:
        st.title("Predict, then play")
        reason = str(error) if isinstance(error, room_codes.RoomError) else "This room is broken."
        st.error(reason, icon=":material/meeting_room:")
        leave()
        return
    solution, why_not = challenges.solved(challenge)
    token = ss.get(P + "hosting", {}).get(room.code)
    if token:
        teacher(room, token, challenge, solution, why_not)
    else:
        student(room, challenge, solution, why_not)


# --- the teacher ----------------------------------------------------------------------------


def act(action: str, code: str, token: str, *args) -> None:
    try:
        getattr(pv.store(), action)(code, token, *args)
    except room_codes.RoomError as error:
        ss[P + "room_error"] = str(error)


@st.fragment(run_every=TEACHER_POLL)
def live_count(code: str, version: int, position: int, question) -> None:
    """The number of answers in, polled; a change of the room redraws the page."""
    store = pv.store()
    try:
        if store.room(code).version != version:
            st.rerun()
        counts = store.counts(code, position)
    except room_codes.RoomError:
        st.rerun()
    st.metric("Answers in", pv.total(question, counts))


TEACHER_BUTTONS = (  # label, action, icon
    ("Lock answers", "lock", ":material/lock:"),
    ("Reveal", "reveal", ":material/visibility:"),
    ("Next question", "advance", ":material/arrow_forward:"),
    ("Close the room", "close", ":material/close:"),
)


def controls(room: rooms.Room, token: str) -> None:
    """Lock, Reveal, Next, Close: one row, each enabled only when it can act."""
    enabled = {"lock": room.phase == "open", "reveal": room.phase != "revealed",
               "advance": room.position + 1 < room.size, "close": True}  # fmt: skip
    for column, (label, action, icon) in zip(st.columns(4), TEACHER_BUTTONS, strict=True):
        extra = (room.position,) if action == "advance" else ()
        column.button(label, key=P + action, disabled=not enabled[action], icon=icon,
                      type="primary" if action == "reveal" else "secondary", on_click=act,
                      args=(action, room.code, token, *extra), width="stretch")  # fmt: skip


def teacher(room: rooms.Room, token: str, challenge, solution, why_not: str) -> None:
    join = challenges.predict_link(f"room={room.code}")
    st.html(
        f'{STYLE}<div class="gd-room"><div class="gd-code">{room_codes.display_code(room.code)}'
        f'</div><div class="gd-join">Join at <b>{html.escape(join)}</b></div></div>'
    )
    if room.phase == "closed":
        st.info("You closed this room. Students see that it is closed.", icon=":material/check:")
        ss.get(P + "hosting", {}).pop(room.code, None)
        leave()
        return
    title = course.title_of(challenge)
    where = f"Question {room.position + 1} of {room.size}" + (f" · {title}" if title else "")
    st.caption(f"{where} · **{PHASES[room.phase]}** · open until 4 hours after it began; keep "
               "this tab, your control of the room lives in it.")  # fmt: skip
    controls(room, token)
    if P + "room_error" in ss:
        st.warning(ss.pop(P + "room_error"))
    if solution is None:
        st.warning(why_not, icon=":material/block:")
        return
    question, revealed = solution.question, room.phase == "revealed"
    picture, side = st.columns([3, 2], gap="large")
    with picture:
        pv.chart(challenge, solution, revealed, f"{P}room_chart_{revealed}", height=420)
    with side:
        st.markdown(f"### {question.prompt}")
        counts = pv.store().counts(room.code, room.position)
        if revealed:
            st.markdown(f"**{pv.plain(solution.verdict)}**")
            pv.distribution(solution, counts, f"{P}room_answers", height=210)
            pv.explanation(solution)
            pv.autoplay(f"{room.code}-{room.position}")
            return
        pv.setup_line(challenge)
        if not question.numeric:
            st.markdown("\n".join(f"{i}. {pv.plain(c.label)}"
                                  for i, c in enumerate(question.choices, 1)))  # fmt: skip
        if room.phase == "open":
            live_count(room.code, room.version, room.position, question)
        else:
            st.metric("Answers in (locked)", pv.total(question, counts))


# --- a student ------------------------------------------------------------------------------


@st.fragment(run_every=STUDENT_POLL)
def watch(code: str, version: int) -> None:
    """Wait for the teacher: one read of the room per poll; its change redraws the page."""
    try:
        changed = pv.store().room(code).version != version
    except room_codes.RoomError:
        changed = True
    if changed:
        st.rerun()


def send(code: str, position: int, pick: str, question) -> None:
    """Store the student's (new) answer: checked against the question, then by the store."""
    raw = ss.get(pick)
    if raw is None:
        return
    try:
        response = answers.parse_response(question, raw)
        text = f"{response:.6g}" if question.numeric else response
        pv.store().answer(code, ss[P + "student"], position, text)
    except (ValueError, room_codes.RoomError) as error:
        ss[P + "send_error"] = str(error)


def student(room: rooms.Room, challenge, solution, why_not: str) -> None:
    me = ss.setdefault(P + "student", room_codes.new_student())
    st.html(
        f'{STUDENT_STYLE}<div class="gd-where">Room {room_codes.display_code(room.code)} · '
        f"question {room.position + 1} of {room.size}</div>"
    )
    if room.phase == "closed" or solution is None:
        st.info("Your teacher has closed this room. Thank you!" if solution is not None
                else why_not)  # fmt: skip
        leave()
        if room.phase != "closed":
            watch(room.code, room.version)
        return
    question, revealed = solution.question, room.phase == "revealed"
    store = pv.store()
    mine = store.answer_of(room.code, me, room.position)
    st.markdown(f"### {question.prompt}")
    if revealed:  # the result first: on a phone it is what they look for
        pv.verdict(solution, answers.parse_response(question, mine) if mine else None)
        pv.chart(challenge, solution, True, f"{P}student_chart_after", height=330)
        pv.explanation(solution)
        pv.distribution(solution, store.counts(room.code, room.position), f"{P}class", 220)
        pv.autoplay(f"{room.code}-{room.position}")
        watch(room.code, room.version)
        return
    pv.setup_line(challenge)
    pv.chart(challenge, solution, False, f"{P}student_chart_before", height=330)
    pick = f"{P}answer_{room.code}_{room.position}"
    if pick not in ss and mine is not None:
        ss[pick] = float(mine) if question.numeric else mine
    arguments, closed = (room.code, room.position, pick, question), room.phase != "open"
    if question.numeric:
        pv.response_input(question, pick, disabled=closed)
        st.button("Send", key=P + "send", disabled=closed, on_click=send, args=arguments)
    else:
        pv.response_input(question, pick, disabled=closed, on_change=send, args=arguments)
    if P + "send_error" in ss:
        st.warning(ss.pop(P + "send_error"))
    mine = store.answer_of(room.code, me, room.position)
    if mine is None:
        st.caption("Locked answers can't be changed." if closed else
                   "Pick your answer: it is sent at once.")  # fmt: skip
    elif not closed:
        said = pv.plain(pv.said(question, answers.parse_response(question, mine)))
        st.success(f"Sent: {said}. You can change it until your teacher locks the answers.")
    if closed:
        st.info("Answers are locked. Watch the board!", icon=":material/lock:")
    watch(room.code, room.version)
