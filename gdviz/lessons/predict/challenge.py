"""A challenge as one value, its link, and a list of challenges (a quiz) as one link.

A :class:`Challenge` is a setup (function or data, start, optimizer, α, schedule, budget) plus
the kind of question asked about it; the answer is never stored, it is computed
(:mod:`gdviz.lessons.predict.answers`). Field names are the Playground's, so the same values
open there. One challenge's link is its query parameters on the shared codec
(:mod:`gdviz.urlstate`), base64url-encoded into one token; a quiz is tokens joined by ``.``.
Links are untrusted: ``unpack`` never raises, it keeps what is valid and says what it ignored.

>>> link = pack([Challenge(learning_rate=0.11), Challenge(question="threshold")])
>>> link
'cT1vdXRjb21lJmxyPTAuMTE.cT10aHJlc2hvbGQ'
>>> challenges, problems = unpack(link + ".%%%")
>>> [(c.question, c.learning_rate) for c in challenges], problems
([('outcome', 0.11), ('threshold', 0.09)], ['Challenge 3 of the link was ignored: it is not a \
challenge link.'])
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, fields
from urllib.parse import parse_qsl, urlencode

from gdviz import urlstate
from gdviz.lessons.common import FUNCTION, OPTIMIZER_QUERY, WithOptimizer
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES
from gdviz.urlstate import Among, Choice, Flag, Many, Number

QUESTIONS = {
    "outcome": "What will this run do?",
    "threshold": "What is the largest α that still converges?",
    "race": "Which optimizer gets there first?",
    "steps": "Roughly how many steps will it take?",
    "basin": "Where will it end?",
    "variants": "Which ends closest to θ* after one pass over the data?",
}
DATA_SOURCES = ("", "seed", "generated")  # "": the challenge is about ``function``
TOLERANCES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
MAX_STEPS = 20_000
MAX_CHALLENGES = 30  # in one quiz link
MAX_TOKEN = 1_000  # characters of one challenge's token
MAX_LINK = 8_000  # characters of a whole quiz link (what nginx and browsers pass safely)
SEPARATOR = "."  # not in the base64url alphabet


@dataclass(frozen=True)
class Challenge(WithOptimizer):
    """One question about one setup (the Playground's field names; data fields for
    ``variants``). The default asks what GD does on the elongated bowl at α = 0.09."""

    question: str = "outcome"
    function: str = "x^2 + 10y^2"
    start_x: float = -2.6
    start_y: float = 1.2
    optimizer: str = "gd"
    learning_rate: float = 0.09
    schedule: str = "constant"
    step_size: int = 100
    gamma: float = 0.5
    decay: float = 0.01
    total_steps: int = 500
    min_learning_rate: float = 0.0
    max_steps: int = 1000
    grad_tol: float = 1e-6
    value_tol: float = 0.0
    racers: tuple[str, ...] = ("gd", "momentum", "adam")
    data: str = ""
    n: int = 1000
    data_seed: int = 0
    standardise: bool = False
    batch_size: int = 32
    epochs: float = 1.0
    shuffle_seed: int = 0

    @property
    def on_data(self) -> bool:
        return bool(self.data)


QUERY = {
    "question": ("q", Choice(tuple(QUESTIONS))),
    "function": ("f", FUNCTION),
    "start_x": ("x0", Number(-1e6, 1e6)),
    "start_y": ("y0", Number(-1e6, 1e6)),
    **OPTIMIZER_QUERY,
    "schedule": ("sched", Choice(tuple(SCHEDULES))),
    "step_size": ("every", Number(1, MAX_STEPS, integer=True)),
    "gamma": ("gamma", Number(0.05, 0.9999)),
    "decay": ("decay", Number(0.0, 100.0)),
    "total_steps": ("T", Number(1, MAX_STEPS, integer=True)),
    "min_learning_rate": ("lrmin", Number(0.0, 100.0)),
    "max_steps": ("steps", Number(1, MAX_STEPS, integer=True)),
    "grad_tol": ("gtol", Among(TOLERANCES)),
    "value_tol": ("vtol", Among(TOLERANCES)),
    "racers": ("opts", Many(Choice(tuple(OPTIMIZERS)), 2, 4)),
    "data": ("src", Choice(DATA_SOURCES)),
    "n": ("n", Number(2, 5_000, integer=True)),
    "data_seed": ("dseed", Number(0, 2**31 - 1, integer=True)),
    "standardise": ("std", Flag()),
    "batch_size": ("bs", Number(1, 5_000, integer=True)),
    "epochs": ("epochs", Number(0.01, 20.0)),
    "shuffle_seed": ("seed", Number(0, 2**31 - 1, integer=True)),
}
FIELD_NAMES = tuple(f.name for f in fields(Challenge))


def encode(challenge: Challenge) -> dict[str, str]:
    """The challenge's query parameters (only what differs from the defaults)."""
    return urlstate.encode(challenge, QUERY)


def decode(params: dict[str, str]) -> tuple[Challenge, list[str]]:
    """The challenge that ``params`` describe, and a message per value that was ignored."""
    return urlstate.decode(Challenge, QUERY, params)


def token(challenge: Challenge) -> str:
    """One challenge as a URL-safe token: its query string (the question always, then what
    differs from the defaults), base64url without padding."""
    text = urlencode({"q": challenge.question} | encode(challenge))  # never empty
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def from_token(raw: str) -> tuple[Challenge, list[str]]:
    """The challenge in a token; ValueError when the token is not one at all."""
    if not raw or len(raw) > MAX_TOKEN or not raw.replace("-", "").replace("_", "").isalnum():
        raise ValueError("it is not a challenge link.")
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("it is not a challenge link.") from None
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=len(QUERY))
    return decode(dict(pairs))


def pack(challenges) -> str:
    """A quiz (a list of challenges) as one link value."""
    return SEPARATOR.join(token(challenge) for challenge in challenges)


def unpack(link: str) -> tuple[tuple[Challenge, ...], list[str]]:
    """The challenges of a quiz link, and one message per part that was ignored."""
    problems = []
    if len(link) > MAX_LINK:
        problems.append(f"The link was cut to its first {MAX_LINK:,} characters.")
        link = link[:MAX_LINK]
    parts = [part for part in link.split(SEPARATOR) if part]
    if len(parts) > MAX_CHALLENGES:
        problems.append(f"Only the first {MAX_CHALLENGES} challenges of the link are used.")
        parts = parts[:MAX_CHALLENGES]
    challenges = []
    for number, part in enumerate(parts, start=1):
        try:
            challenge, ignored = from_token(part)
        except ValueError as error:
            problems.append(f"Challenge {number} of the link was ignored: {error}")
            continue
        challenges.append(challenge)
        problems += [f"Challenge {number}: {message}" for message in ignored]
    return tuple(challenges), problems


def from_fields(values: dict, question: str) -> Challenge:
    """A challenge from another page's setup fields (those with a challenge's names), e.g.
    the Playground's: ``from_fields(asdict(setup), "outcome")``."""
    kept = {name: values[name] for name in FIELD_NAMES if name in values}
    kept = {name: tuple(v) if isinstance(v, list) else v for name, v in kept.items()}
    return Challenge(**{**kept, "question": question})
