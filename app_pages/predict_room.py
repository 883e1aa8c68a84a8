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
from gdviz import rooms
from gdviz.lessons.predict import answers, course
from gdviz.lessons.predict.challenge import unpack

TEACHER_POLL, STUDENT_POLL = 1.5, 2.0  # seconds between polls of the room store
P, ss = FORM.prefix, st.session_state
PHASES = {"open": "answers open", "locked": "answers locked", "revealed": "revealed"}
STYLE = """<style>
.gd-room {display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 2rem;}
.gd-code {font-size: 3.6rem; font-weight: 700; letter-spacing: .12em; line-height: 1.1;}
.gd-join {font-size: 1.55rem; word-break: break-all;}
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
    except (rooms.RoomError, IndexError) as error:
        st.title("Predict, then play")
        reason = str(error) if isinstance(error, rooms.RoomError) else "This room is broken."
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
    except rooms.RoomError as error:
        ss[P + "room_error"] = str(error)


@st.fragment(run_every=TEACHER_POLL)
def live_count(code: str, version: int, position: int, question) -> None:
    """The number of answers in, polled; a change of the room redraws the page."""
    store = pv.store()
    try:
        if store.room(code).version != version:
            st.rerun()
        counts = store.counts(code, position)
    except rooms.RoomError:
        st.rerun()
    st.metric("Answers in", pv.total(question, counts))


def teacher(room: rooms.Room, token: str, challenge, solution, why_not: str) -> None:
    join = challenges.predict_link(f"room={room.code}")
    st.html(
        f'{STYLE}<div class="gd-room"><div class="gd-code">{rooms.display_code(room.code)}'
        f'</div><div class="gd-join">Join at <b>{html.escape(join)}</b></div></div>'
    )
    title = course.title_of(challenge)
    where = f"Question {room.position + 1} of {room.size}" + (f" · {title}" if title else "")
    if room.phase == "closed":
        st.info("You closed this room. Students see that it is closed.", icon=":material/check:")
        ss.get(P + "hosting", {}).pop(room.code, None)
        leave()
        return
    st.caption(
        f"{where} · **{PHASES[room.phase]}** · the room lasts until it is 4 hours old. "
        "Keep this tab: your control of the room lives in it."
    )
    if P + "room_error" in ss:
        st.warning(ss.pop(P + "room_error"))
    revealed = room.phase == "revealed"
    if solution is not None:
        picture, side = st.columns([3, 2], gap="large")
        with picture:
            pv.chart(challenge, solution, revealed, f"{P}room_chart_{revealed}", height=430)
        with side:
            st.markdown(f"### {solution.question.prompt}")
            pv.setup_line(challenge)
            if not solution.question.numeric and not revealed:
                labels = [
                    f"{i}. {pv.plain(c.label)}" for i, c in enumerate(solution.question.choices, 1)
                ]
                st.markdown("\n".join(labels))
            counts = pv.store().counts(room.code, room.position)
            if room.phase == "open":
                live_count(room.code, room.version, room.position, solution.question)
            elif not revealed:
                st.metric("Answers in (locked)", pv.total(solution.question, counts))
            else:
                pv.distribution(solution, counts, f"{P}room_answers", height=260)
    else:
        st.warning(why_not, icon=":material/block:")
    buttons = st.columns(4)
    code = room.code
    buttons[0].button(
        "Lock answers",
        key=P + "lock",
        disabled=room.phase != "open",
        on_click=act,
        args=("lock", code, token),
        icon=":material/lock:",
    )
    buttons[1].button(
        "Reveal",
        key=P + "reveal",
        disabled=revealed,
        type="primary",
        on_click=act,
        args=("reveal", code, token),
        icon=":material/visibility:",
    )
    buttons[2].button(
        "Next question",
        key=P + "advance",
        disabled=room.position + 1 >= room.size,
        on_click=act,
        args=("advance", code, token, room.position),
        icon=":material/arrow_forward:",
    )
    buttons[3].button(
        "Close the room",
        key=P + "close",
        on_click=act,
        args=("close", code, token),
        icon=":material/close:",
    )
    if revealed and solution is not None:
        pv.verdict(solution)


# --- a student ------------------------------------------------------------------------------


@st.fragment(run_every=STUDENT_POLL)
def watch(code: str, version: int) -> None:
    """Wait for the teacher: one read of the room per poll; its change redraws the page."""
    try:
        changed = pv.store().room(code).version != version
    except rooms.RoomError:
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
    except (ValueError, rooms.RoomError) as error:
        ss[P + "send_error"] = str(error)


def student(room: rooms.Room, challenge, solution, why_not: str) -> None:
    me = ss.setdefault(P + "student", rooms.new_student())
    st.caption(
        f"Room {rooms.display_code(room.code)} · question {room.position + 1} of {room.size}"
    )
    if room.phase == "closed" or solution is None:
        st.info(
            "Your teacher has closed this room. Thank you!" if solution is not None else why_not
        )
        leave()
        if room.phase != "closed":
            watch(room.code, room.version)
        return
    question, revealed = solution.question, room.phase == "revealed"
    st.markdown(f"### {question.prompt}")
    pv.setup_line(challenge)
    pv.chart(challenge, solution, revealed, f"{P}student_chart_{revealed}", height=330)
    pick = f"{P}answer_{room.code}_{room.position}"
    mine = pv.store().answer_of(room.code, me, room.position)
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
    mine = pv.store().answer_of(room.code, me, room.position)
    if revealed:
        pv.verdict(solution, answers.parse_response(question, mine) if mine else None)
        pv.distribution(
            solution, pv.store().counts(room.code, room.position), f"{P}class", height=240
        )
    elif mine is None:
        st.caption("Pick your answer: it is sent at once.")
    elif room.phase == "open":
        st.success(
            f"Sent: {pv.plain(pv.said(question, answers.parse_response(question, mine)))}. "
            "You can change it until your teacher locks the answers."
        )
    else:
        st.info("Answers are locked. Watch the board!", icon=":material/lock:")
    watch(room.code, room.version)
