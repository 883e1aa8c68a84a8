"""The Predict page's setup: which quiz, which challenge of it, which room — and its URL.

Same pattern as every page (:mod:`gdviz.urlstate`): one field, one query name, one kind. The quiz
is a link of challenges (:mod:`gdviz.lessons.predict.challenge`); empty means the built-in
course. A room's teacher token is never part of it (it stays in the teacher's session).

>>> decode({"i": "3", "room": "ABCD2345"})
(PredictSetup(quiz='', number=3, room='ABCD2345'), [])
>>> encode(PredictSetup(number=2))
{'i': '2'}
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz import urlstate
from gdviz.lessons.predict.challenge import MAX_CHALLENGES, MAX_LINK
from gdviz.urlstate import Number, Text


@dataclass(frozen=True)
class PredictSetup:
    """The page's URL state: a quiz link (empty: the built-in course), the challenge shown
    (1-based) and the room joined (empty: self-study)."""

    quiz: str = ""
    number: int = 1
    room: str = ""


QUERY = {
    "quiz": ("c", Text(MAX_LINK)),
    "number": ("i", Number(1, MAX_CHALLENGES, integer=True)),
    "room": ("room", Text(16)),
}


def encode(setup: PredictSetup) -> dict[str, str]:
    """Query parameters for ``setup`` (only what differs from the defaults)."""
    return urlstate.encode(setup, QUERY)


def decode(params: dict[str, str]) -> tuple[PredictSetup, list[str]]:
    """The page setup a URL describes, and a message for each value that was ignored."""
    return urlstate.decode(PredictSetup, QUERY, params)
