"""What the simulated students do: one scenario per page and setup, each rerun a new value.

A scenario opens a page (a deep link: path and query string), may change some widgets once
(``setup``), then on every rerun changes widgets again with a value it has not sent before
(``change(session, rerun)``), so that every rerun computes — no cache answers for it. ``check``
says what a correct run shows, beyond Streamlit's own failures (tracebacks, page not found).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gdviz.presets import PRESETS

# The README's formulas (its first line and its notebook snippet) and the Playground's examples.
README_FORMULAS = ("x^2 + 3y^2", "sin(x)*cos(y)", "x^4 - 3x^2 + x", "(1-x)^2 + 100(y - x^2)^2",
                   "exp(-(x^2+y^2))", "abs(x) + y^2")  # fmt: skip
REFUSED = "Can't use this function"  # app_pages.widgets.parsed_or_error's words
HOSTILE = ("cosh((acos(sqrt(y))^10 + 1)^10)", "9^9^9", "x.__class__", "(" * 300,
           "^".join(["x"] * 21), "factorial(10^6)")  # fmt: skip


def fresh(session: int, rerun: int, low: float, high: float) -> float:
    """A value in [low, high) that no other (session, rerun) pair of this load test uses."""
    slot = (session * 1000 + rerun) % 100_000
    return round(low + (high - low) * (slot * 0.6180339887 % 1.0), 9)


def draws_a_chart(run) -> list[str]:
    return [] if run.charts else ["no chart drawn"]


def refusals(run) -> list[str]:
    """The parser's refusals on the page (a diverged run is an error box too, and is fine)."""
    return [text for text in run.errors if REFUSED in text]


def valid(run) -> list[str]:
    """A valid input: the page draws and the formula was not refused."""
    return [f"refused: {text[:160]}" for text in refusals(run)] + draws_a_chart(run)


@dataclass(frozen=True)
class Scenario:
    name: str
    page: str  # URL path after the host: "", "data", "learning-rate"
    query: str  # the deep link's query string
    change: Callable[[int, int], dict]  # (session, rerun) → {widget key: new value}
    setup: dict = field(default_factory=dict)
    check: Callable = valid  # run → problems (an empty list when the run is right)


def _rate(key: str, low: float, high: float) -> Callable[[int, int], dict]:
    """A new learning rate in [low, high) for widget ``key`` on every rerun."""
    return lambda session, rerun: {key: fresh(session, rerun, low, high)}


def _preset(session: int, rerun: int) -> dict:
    names = list(PRESETS)
    return {"preset": names[(session + rerun) % len(names)]}


def _typed(session: int, rerun: int) -> dict:
    return {"function": f"x^2 + {fresh(session, rerun, 1, 9):.6g}y^2 + 0.1sin(x)"}


def _side_rates(session: int, rerun: int) -> dict:
    """One of the lab's five side-by-side rates changed, as a student edits the list."""
    return {"lr_rates_text": f"0.002, 0.03, 0.07, 0.095, {fresh(session, rerun, 0.1, 0.11):.6g}"}


def _hostile(session: int, rerun: int) -> dict:
    return {"function": HOSTILE[(session + rerun) % len(HOSTILE)]}


def _refused(run) -> list[str]:
    return [] if refusals(run) and not run.charts else ["hostile input was not refused"]


DATA_RATE = (0.008, 0.012)  # around the Data page's default 0.01: SGD stays stable
SCENARIOS = {
    s.name: s
    for s in (
        Scenario("playground", "", "", _rate("learning_rate", 0.01, 0.09)),
        Scenario("playground_preset", "", "", _preset),
        Scenario("playground_typed", "", "", _typed),
        Scenario("data", "data", "", _rate("data_learning_rate", *DATA_RATE)),
        Scenario(
            "data_100k", "data", "src=generated&n=100000", _rate("data_learning_rate", *DATA_RATE)
        ),
        Scenario("lab", "learning-rate", "", _side_rates),
        Scenario(
            "lab_sweep", "learning-rate", "section=sweep", _rate("lr_learning_rate", 0.01, 0.09)
        ),
        Scenario(
            "lab_basins",
            "learning-rate",
            "section=basins&preset=Himmelblau",
            _rate("lr_learning_rate", 0.005, 0.015),
        ),
        Scenario("hostile", "", "", _hostile, check=_refused),
    )
}
