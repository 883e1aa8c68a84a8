"""Challenges across pages: the one cache of computed answers, links to the Predict page,
"Make this a challenge" (Playground and lab) and the teacher's own quiz being put together.

Not a page itself. The quiz a teacher builds lives in the session (``predict_draft``: challenge
tokens in order); its link is the Predict page with ``?c=`` those tokens.
"""

from __future__ import annotations

import streamlit as st

from gdviz.lessons.predict import answers
from gdviz.lessons.predict.challenge import MAX_CHALLENGES, QUESTIONS, Challenge, from_fields, token
from gdviz.lessons.predict.problem import ChallengeError

DRAFT = "predict_draft"
PAGE_PATHS = ("/learning-rate", "/data", "/predict")  # the url_paths of pages other than /


@st.cache_resource(max_entries=128, show_spinner="Working out the answer with the engine…")
def solved(challenge: Challenge) -> tuple[answers.Solution | None, str]:
    """The challenge's computed answer, or why it cannot be asked (both cached)."""
    try:
        return answers.solve(challenge), ""
    except ChallengeError as error:
        return None, str(error)


def app_url() -> str:
    """The app's address as the browser sees it ("" when unknown, e.g. in AppTest)."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    for path in PAGE_PATHS:
        if url.endswith(path):
            return url[: -len(path)]
    return url


def predict_link(query: str) -> str:
    """An absolute link to the Predict page with ``query`` (relative when unknown)."""
    return f"{app_url()}/predict?{query}"


def draft() -> list[str]:
    return st.session_state.setdefault(DRAFT, [])


def add_to_draft(challenge_token: str) -> None:
    chosen = draft()
    if challenge_token not in chosen and len(chosen) < MAX_CHALLENGES:
        chosen.append(challenge_token)


def maker(values: dict, kinds: tuple[str, ...], key: str) -> None:
    """An expander that turns the page's setup (``values``: its fields by name) into a
    challenge link, checked first by computing its answer; "Add to my quiz" collects it."""
    box = st.expander("Make this a challenge", icon=":material/quiz:", key=key, on_change="rerun")
    if not box.open:  # nothing is computed until a teacher asks
        return
    kind = box.selectbox("Question", kinds, format_func=QUESTIONS.get, key=key + "_kind")
    challenge = from_fields(values, kind)
    solution, problem = solved(challenge)
    if solution is None:
        box.warning(problem, icon=":material/block:")
        return
    link = token(challenge)
    box.caption(
        "Students see the contour and the start only, commit to a prediction, then watch the "
        "run. Share this link, or collect several into a quiz:"
    )
    box.code(predict_link(f"c={link}"), language=None, wrap_lines=True)
    left, right = box.columns(2)
    left.page_link(
        "app_pages/predict.py",
        label="Open it",
        icon=":material/play_arrow:",
        query_params={"c": link},
    )
    right.button(
        "Add to my quiz",
        key=key + "_add",
        on_click=add_to_draft,
        args=(link,),
        icon=":material/playlist_add:",
    )
    if draft():
        box.caption(f"My quiz: {len(draft())} challenge(s), on the Predict page.")
