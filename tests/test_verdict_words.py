"""One verdict, the same words on every page: cases from the verdict table (tests/test_verdicts.py)
opened on the Playground, in the Learning-rate lab and, where it applies, on the Data page. Each
page must show the core verdict's words (messages.KINDS) for the run it draws: the Playground
its message in the banner, the lab its label as the run's panel title, the Data page both."""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import chart_specs, run_script
from streamlit.testing.v1 import AppTest

from gdviz import KINDS, descend, optimizers, parse_objective, seed_example, verdict
from gdviz.lessons.playground import steps as inside
from gdviz.schedules import make_schedule
from gdviz.step_state import replay

BOWL, BOWL_START = "x^2 + 10y^2", (-2.6, 1.2)

# name: (function, start, α, max steps, expected kind); plain GD, ‖∇f‖ < 1e-6 on both pages
CASES = {
    "converged": (BOWL, BOWL_START, 0.05, 500, "converged"),
    "too slow": (BOWL, BOWL_START, 0.002, 500, "too_slow"),
    "diverging": (BOWL, BOWL_START, 0.11, 500, "diverging"),
    "cycling (αf″ = 2)": ("x^2", (2.5,), 1.0, 100, "cycling"),
    "saddle (on the ridge)": ("x^2 - y^2", (-1.8, 0.0), 0.1, 500, "saddle"),
    "maximum": ("-x^2-y^2", (0.0, 0.0), 0.1, 500, "saddle"),
    "unbounded": ("x+y", (1.0, 1.0), 0.1, 500, "unbounded"),
    "undefined": ("sqrt(x^2+y^2)", (0.0, 0.0), 0.1, 500, "undefined"),
}


def template(text: str) -> re.Pattern:
    """A KINDS label or message with its {numbers} as wildcards."""
    parts = re.split(r"\{[^}]*\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def in_kinds_words(kind: str, text: str) -> bool:
    """Does ``text`` hold one of ``kind``'s labels or messages from the word table?"""
    causes = KINDS[kind].causes.values()
    return any(template(words).search(text) for pair in causes for words in pair)


def expected(function: str, start, rate, max_steps: int, schedule=None):
    """The core verdict on the run both pages make (the same engine, the same stop rules)."""
    problem = parse_objective(function)
    rate = rate if schedule is None else schedule
    run = descend(problem, np.array(start, dtype=float), optimizers.gd(rate),
                  max_steps=max_steps, grad_tol=1e-6)  # fmt: skip
    return verdict(problem, run)


def query(function: str, start, rate: float, max_steps: int) -> dict[str, str]:
    params = {"preset": "", "f": function, "x0": f"{start[0]:g}", "lr": f"{rate:g}"}
    params["steps"] = str(max_steps)
    if len(start) > 1:
        params["y0"] = f"{start[1]:g}"
    return params


def page_text(at: AppTest) -> str:
    """Everything a student reads: alerts, markdown (badges, tables), captions."""
    groups = (at.success, at.warning, at.error, at.info, at.markdown, at.caption)
    return "\n".join(element.value for group in groups for element in group)


def banner(at: AppTest) -> str:
    return "\n".join(element.value for group in (at.success, at.warning, at.error)
                     for element in group)  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_the_playground_and_the_lab_show_the_same_verdict(name):
    function, start, rate, max_steps, kind = CASES[name]
    found = expected(function, start, rate, max_steps)
    assert found.kind == kind  # the table's answer
    params = query(function, start, rate, max_steps)
    playground = run_script("app.py", **params)
    assert not playground.exception
    shown = banner(playground)
    assert found.message in shown and in_kinds_words(kind, shown)
    lab = run_script("app_pages/learning_rate.py", timeout=90, lrs=f"{rate:g}", **params)
    assert not lab.exception
    panels = chart_specs(lab)[0]["layout"].get("annotations", [])  # each panel's title
    titles = " ".join(annotation["text"] for annotation in panels)
    assert f"<br>{found.label}" in titles and in_kinds_words(kind, titles)


def test_a_learning_rate_that_reaches_zero_is_stalled_on_both_pages():
    schedule = make_schedule("cosine", 0.09, total_steps=1)
    found = expected(BOWL, BOWL_START, 0.09, 500, schedule)
    assert found.kind == "stalled"
    params = query(BOWL, BOWL_START, 0.09, 500)
    playground = run_script("app.py", sched="cosine", T="1", **params)
    assert not playground.exception and found.message in banner(playground)
    lab = run_script("app_pages/learning_rate.py", timeout=90, section="schedules", T="1",
                     **params)  # fmt: skip
    assert not lab.exception
    assert f"| **Cosine** | :orange-badge[{found.label}] {found.message} |" in page_text(lab)


# The Data page's batch GD is least squares on the seed's data (or standardised): the cases of
# the table that apply to it.
DATA_CASES = {
    "too slow (the seed)": ({}, 0.01, False, None, "too_slow"),
    "diverging (α just past 2/λmax)": ({"lr": "0.0944"}, 0.0944, False, None, "diverging"),
    "cycling (standardised, α·λ = 2)": ({"std": "1", "lr": "1"}, 1.0, True, None, "cycling"),
    "stalled (cosine, T = 1)": ({"sched": "cosine", "T": "1"}, 0.01, False, 1, "stalled"),
}


@pytest.mark.parametrize("name", list(DATA_CASES))
def test_the_data_page_shows_the_same_verdict_for_batch_gd(name):
    params, rate, standardise, period, kind = DATA_CASES[name]
    problem = seed_example()
    if standardise:
        from gdviz.datasets import seed_dataset

        problem = seed_dataset().problem(True)
    schedule = rate if period is None else make_schedule("cosine", rate, total_steps=period)
    run = descend(problem, np.zeros(2), optimizers.gd(schedule), max_steps=1000)
    found = verdict(problem, run)
    assert found.kind == kind
    at = run_script("app_pages/data.py", **params)
    assert not at.exception
    assert at.dataframe[0].value["outcome"][0] == found.label
    shown = banner(at)
    assert f"**Batch GD** {found.text}" in shown and in_kinds_words(kind, shown)
    story = " ".join(element.value for element in at.info)
    assert found.message in story or kind == "too_slow"
    assert "It diverged: Diverging" not in story and " 0% of" not in story


# --- the Playground's step inspector speaks the same language -----------------------------------


def captions(at: AppTest) -> str:
    return " ".join(element.value for element in at.caption)


def inspected(function: str, start, rate: float, k: int) -> str:
    """The inspector's words for step ``k`` of plain GD (gdviz.lessons.playground.steps)."""
    problem, gd = parse_objective(function), optimizers.gd(rate)
    run = descend(problem, np.array(start, dtype=float), gd, max_steps=100)
    return inside.step_words(replay(problem.gradient, run, gd), run, k)


def test_the_inspector_says_unchanged_not_up_for_a_bounce_of_equal_height():
    words = inspected("x^2", [2.5], 1.0, 0)  # αf″ = 2: 2.5 → −2.5, f stays 6.25
    assert "f went from 6.25 to 6.25 (unchanged)" in words and "UP" not in words
    assert "(down)" in inspected("x^2", [2.5], 0.5, 0) and "(up)" in inspected("x^2", [2.5], 1.1, 0)


def test_a_one_step_run_says_one_step_and_the_inspector_does_not_crash():
    at = run_script("app.py", preset="Parabola (1-D)", lr="0.5")
    assert not at.exception
    assert "after 1 step." in page_text(at) and "1 steps" not in page_text(at)
    assert "f went from 6.25 to 0 (down)" in inspected("x^2", [2.5], 0.5, 0)


def test_a_start_where_the_gradient_is_undefined_says_so_in_the_inspector():
    at = run_script("app.py", preset="", f="sqrt(x^2+y^2)", x0="0", y0="0")
    assert not at.exception
    shown = page_text(at)
    assert "∇f is not defined" in shown and "stop rule already holds" not in shown


def test_the_playground_hint_reads_theory_where_the_run_converged():
    """x⁴ − 3x² + x from x₀ = 2: at the start 2/f″ = 0.048 < α = 0.1, yet the run converges (to
    the minimum at −1.3, where 2/f″ = 0.14 and α = 0.1 is stable): the hint says that."""
    at = run_script("app.py", preset="", f="x^4 - 3x^2 + x", x0="2", lr="0.1", steps="500")
    assert not at.exception
    assert "Converged" in banner(at)
    hint = next(c.value for c in at.caption if c.value.startswith("Theory"))
    assert "at the minimum reached -1.3 " in hint and "expect divergence" not in hint
    assert "is stable" in hint


def test_the_playground_hint_never_says_kappa_is_infinite():
    at = run_script("app.py", preset="", f="x^2 - y^2", x0="-1.8", y0="0", lr="0.1")
    hint = next(c.value for c in at.caption if c.value.startswith("Theory"))
    assert "inf" not in hint and "no condition number" in hint
