"""Predict: every question's answer against a direct engine run, the course, the links."""

from __future__ import annotations

import base64
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import datasets, descend, optimizers, parse_objective
from gdviz.lessons.predict import answers, course
from gdviz.lessons.predict.challenge import (
    MAX_CHALLENGES,
    Challenge,
    from_fields,
    from_token,
    pack,
    token,
    unpack,
)
from gdviz.lessons.predict.problem import FLIPS, ChallengeError, what_it_did
from gdviz.lessons.predict.setup import PredictSetup, decode, encode
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS
from gdviz.theory import stability_limit

COURSE_ANSWERS = {  # what a physicist expects of each course challenge, checked against the engine
    "The objective": ("converges",),
    "The gradient": ("10",),  # 71 steps
    "Initialization": ("B",),  # the camel's right-hand local minimum
    "Learning rate too small": ("too_slow",),
    "Too large, but not too large": ("oscillates",),  # α·λmax = 1.8
    "Learning rate too large": ("diverges",),  # α·λmax = 2.2
    "Convergence test: |Δf|": ("10",),
    "Convergence test: ‖∇f‖": ("saddle",),
    "Off the ridge": ("unbounded",),
    "Momentum": ("momentum",),
    "Batch, SGD, mini-batch": ("sgd",),
    "When one row is too steep": ("batch",),
    "Mini-batch balances": ("minibatch",),
    "The seed's example": ("too_slow",),
}


def direct(challenge: Challenge, name: str | None = None, rate: float | None = None, **rules):
    """The challenge's run straight through the engine (no lesson code)."""
    problem = parse_objective(challenge.function)
    start = [challenge.start_x, challenge.start_y][: problem.dimension]
    spec = OPTIMIZERS[name or challenge.optimizer]
    optimizer = spec.make(rate or challenge.learning_rate, **challenge.hyperparameters)
    stop = {"max_steps": challenge.max_steps, "grad_tol": challenge.grad_tol,
            "value_tol": challenge.value_tol} | rules  # fmt: skip
    return problem, descend(problem, start, optimizer, **stop)


def check_against_engine(challenge: Challenge, solution: answers.Solution) -> None:
    """The solution's answer, re-derived from direct engine runs."""
    kind = challenge.question
    if kind == "variants":
        check_variants(challenge, solution)
        return
    if kind == "threshold":
        value = solution.value
        _, below = direct(challenge, rate=value)
        _, above = direct(challenge, rate=value * 1.01)
        assert below.converged and not above.converged
        return
    if kind == "race":
        steps = {}
        for name in challenge.racers:
            _, run = direct(challenge, name)
            if run.converged:
                steps[name] = run.steps
        best = min(steps.values(), default=None)
        assert set(solution.correct) == ({n for n, s in steps.items() if s == best} or {"none"})
        return
    problem, run = direct(challenge)
    (answer,) = solution.correct
    if kind == "steps":
        if answer == "never":
            assert not run.converged
        else:
            low = int(answer)
            assert run.converged and low <= run.steps < max(10, 10 * low)
        return
    if kind == "basin":
        if answer == "none":
            return
        minimum = solution.minima["ABCDEFGH".index(answer)]
        assert run.converged and np.linalg.norm(run.points[-1] - minimum) < 1e-2
        return
    values, end = run.values, run.points[-1]
    eigenvalues = np.linalg.eigvalsh(problem.hessian(end)) if np.all(np.isfinite(end)) else None
    expected = {
        "converges": lambda: run.converged and eigenvalues[0] > 0,
        "oscillates": lambda: run.converged and eigenvalues[0] > 0,
        "saddle": lambda: run.converged and eigenvalues[0] < 0 < eigenvalues[-1],
        "diverges": lambda: not run.converged and values[-1] > values[0],
        "unbounded": lambda: run.status == "diverged" and values[-1] < values[0],
        "too_slow": lambda: run.status == "max_steps" and values[-1] < values[0],
    }
    assert expected[answer](), (answer, run.status, run.message)
    if answer in ("converges", "oscillates"):  # overshooting: steps flip along the top axis
        top = np.linalg.eigh(problem.hessian(end))[1][:, -1]
        along = np.diff(run.points, axis=0) @ top
        along = along[np.abs(along) > 1e-6 * np.abs(along).max()]
        flips = int(np.sum(np.sign(along[1:]) != np.sign(along[:-1])))
        assert (flips >= FLIPS) == (answer == "oscillates")


def check_variants(challenge: Challenge, solution: answers.Solution) -> None:
    data = (
        datasets.generate(challenge.n, 1.0, 2.0, 1.0, 0.0, 10.0, challenge.data_seed)
        if challenge.data == "generated"
        else datasets.seed_dataset()
    )
    problem = data.problem(challenge.standardise)
    m, gaps = problem.n_samples, {}
    for name, rows in (("batch", m), ("sgd", 1), ("minibatch", min(challenge.batch_size, m - 1))):
        run = descend(problem, [challenge.start_x, challenge.start_y],
                      optimizers.gd(challenge.learning_rate), grad_tol=0,
                      max_steps=math.ceil(challenge.epochs * m / rows),
                      batch_size=None if name == "batch" else rows,
                      seed=challenge.shuffle_seed)  # fmt: skip
        gap = np.linalg.norm(run.points[-1] - problem.solution)
        gaps[name] = gap if np.isfinite(gap) else np.inf
    assert solution.correct == (min(gaps, key=gaps.get),)


# --- the course -----------------------------------------------------------------------------


def test_the_course_walks_through_the_note():
    assert len(course.COURSE) >= 12
    assert len({lesson.title for lesson in course.COURSE}) == len(course.COURSE)
    kinds = {lesson.challenge.question for lesson in course.COURSE}
    assert kinds == set(answers.QUESTIONS)  # every question kind is asked
    seeds = [lesson for lesson in course.COURSE if lesson.challenge.function == course.SEED]
    assert seeds, "the seed's worked example is in the course"


@pytest.mark.parametrize("lesson", course.COURSE, ids=[lesson.title for lesson in course.COURSE])
def test_each_course_answer_matches_a_direct_engine_run(lesson):
    solution = answers.solve(lesson.challenge)
    check_against_engine(lesson.challenge, solution)
    if lesson.title in COURSE_ANSWERS:
        assert solution.correct == COURSE_ANSWERS[lesson.title]
    assert all(solution.explanation) and solution.verdict
    if not solution.question.numeric:
        assert set(solution.correct) <= set(solution.question.ids)


def test_the_seed_example_ends_where_the_note_says():
    lesson = next(item for item in course.COURSE if item.title == "The seed's example")
    solution = answers.solve(lesson.challenge)
    end = solution.runs[0].trajectory.points[-1]
    assert np.allclose(end, [-3.54595031, 2.99372633], atol=1e-7)
    assert "(-3.55, 2.99)" in solution.verdict


@pytest.mark.parametrize("title", ["Where is the edge?", "The seed's edge"])
def test_the_threshold_sits_just_under_two_over_lambda_max(title):
    challenge = next(item.challenge for item in course.COURSE if item.title == title)
    solution = answers.solve(challenge)
    problem = parse_objective(challenge.function)
    limit = stability_limit(problem.hessian(np.zeros(2)), "gd")
    assert 0.98 * limit < solution.value < limit
    assert f"{limit:.4g}" in solution.explanation[0]


# --- generated challenges: every preset, every kind ------------------------------------------


def preset_challenges():
    for name, preset in PRESETS.items():
        fields = {"function": preset.text, "start_x": preset.start[0],
                  "start_y": preset.start[1] if len(preset.start) > 1 else 0.0,
                  "optimizer": preset.optimizer, "learning_rate": preset.learning_rate,
                  "max_steps": preset.max_steps}  # fmt: skip
        for kind in ("outcome", "steps", "race", "basin"):
            yield pytest.param(from_fields(fields, kind), id=f"{name}-{kind}")
        if preset.optimizer == "gd" and name in ("Round bowl", "Booth", "Matyas"):
            yield pytest.param(from_fields(fields, "threshold"), id=f"{name}-threshold")


@pytest.mark.parametrize("challenge", list(preset_challenges()))
def test_generated_answers_match_direct_engine_runs(challenge):
    try:
        solution = answers.solve(challenge)
    except ChallengeError as error:  # a setup this question cannot fairly ask
        assert str(error)
        return
    check_against_engine(challenge, solution)


@pytest.mark.parametrize("rate", [0.02, 0.04, 0.06, 0.09, 0.099, 0.11, 0.3])
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adam"])
def test_outcomes_across_the_stability_limit_match_the_engine(rate, optimizer):
    challenge = Challenge(learning_rate=rate, optimizer=optimizer, max_steps=3000)
    try:
        solution = answers.solve(challenge)
    except ChallengeError:
        return
    check_against_engine(challenge, solution)
    if optimizer == "gd":  # exact theory on a quadratic: α·λmax against 1 and 2 (λmax = 20)
        expected = "converges" if rate * 20 < 1 else "oscillates" if rate * 20 < 2 else "diverges"
        assert solution.correct == (expected,)


def test_choices_never_depend_on_the_run():
    slow = answers.question_of(Challenge(learning_rate=0.001))
    fast = answers.question_of(Challenge(learning_rate=0.11))
    assert slow == fast  # the same bowl: the same choices, whatever α does
    saddle = answers.question_of(Challenge(function="x^2 - y^2"))
    assert {"unbounded", "saddle"} <= set(saddle.ids)
    assert not {"unbounded", "saddle"} & set(slow.ids)


def test_what_it_did_reads_the_engine_status():
    bowl = parse_objective("x^2 + 10y^2")
    run = descend(bowl, [-2.6, 1.2], optimizers.gd(0.1), max_steps=500)  # α·λmax = 2 exactly
    assert what_it_did(bowl, run) == "cycling"
    with pytest.raises(ChallengeError, match="cycles"):
        answers.solve(Challenge(learning_rate=0.1, max_steps=500))
    log = parse_objective("log(x) + y^2")
    run = descend(log, [1.0, 1.0], optimizers.gd(0.5))
    assert what_it_did(log, run) in ("undefined", "unbounded")


def test_grading():
    solution = answers.solve(Challenge(question="threshold"))
    assert answers.grade(solution, solution.value) == answers.Grade(100, True)
    assert answers.grade(solution, solution.value * 1.2).correct
    assert not answers.grade(solution, solution.value * 1.4).correct
    assert answers.grade(solution, solution.value * 10).points == 0
    assert 60 < answers.grade(solution, solution.value * 2).points < 75  # log10 2 ≈ 0.3
    outcome = answers.solve(Challenge())
    assert answers.grade(outcome, "oscillates") == answers.Grade(100, True)


@pytest.mark.parametrize("raw", ["1e-3", "0.5", " 2 "])
def test_numeric_responses_are_parsed(raw):
    question = answers.question_of(Challenge(question="threshold"))
    assert answers.parse_response(question, raw) == float(raw)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "0", "1e9", "abc", "<b>1</b>", ""])
def test_bad_numeric_responses_are_refused(raw):
    question = answers.question_of(Challenge(question="threshold"))
    with pytest.raises(ValueError):
        answers.parse_response(question, raw)


@pytest.mark.parametrize("raw", ["CONVERGES", "maybe", "<script>", "converges ", ""])
def test_unknown_choices_are_refused(raw):
    question = answers.question_of(Challenge())
    with pytest.raises(ValueError):
        answers.parse_response(question, raw)


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", course.COURSE, ids=[lesson.title for lesson in course.COURSE])
def test_a_course_challenge_survives_its_link(lesson):
    again, problems = from_token(token(lesson.challenge))
    assert again == lesson.challenge and problems == []
    assert course.title_of(again) == lesson.title


def test_a_whole_course_survives_one_link():
    challenges = [lesson.challenge for lesson in course.COURSE]
    link = pack(challenges)
    assert unpack(link) == (tuple(challenges), [])
    assert len(link) < 2500


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(1e-6, 100.0),
    x=st.floats(-1e6, 1e6),
    kind=st.sampled_from(list(answers.QUESTIONS)),
    racers=st.lists(st.sampled_from(list(OPTIMIZERS)), min_size=2, max_size=4),
    function=st.text(max_size=40),
)
def test_any_challenge_survives_its_link(rate, x, kind, racers, function):
    challenge = Challenge(question=kind, learning_rate=rate, start_x=x, racers=tuple(racers),
                          function=function)  # fmt: skip
    again, problems = from_token(token(challenge))
    assert problems == []
    assert again == replace(challenge, learning_rate=float(f"{rate:.10g}"),
                            start_x=float(f"{x:.10g}"))  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    ["", "%%%", "a" * 2000, base64.urlsafe_b64encode(b"\xff\xfe").decode(), "YQ==", "....",
     "<script>alert(1)</script>"],
)  # fmt: skip
def test_broken_links_are_reported_not_raised(raw):
    challenges, problems = unpack(raw)
    assert challenges == () or all(isinstance(c, Challenge) for c in challenges)
    if raw.strip("."):
        assert problems


def test_bad_values_inside_a_token_are_ignored_one_by_one():
    text = "lr=1e9&q=maybe&steps=50&f=x%5E2"
    raw = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    challenge, problems = from_token(raw)
    assert (challenge.max_steps, challenge.function) == (50, "x^2")
    assert challenge.learning_rate == Challenge.learning_rate
    assert len(problems) == 2


def test_a_quiz_link_is_capped():
    link = pack([Challenge()] * (MAX_CHALLENGES + 5))
    challenges, problems = unpack(link)
    assert len(challenges) == MAX_CHALLENGES and problems


def test_the_page_link_round_trips():
    setup = PredictSetup(quiz=pack([Challenge()]), number=3, room="ABCD2345")
    assert decode(encode(setup)) == (setup, [])
    assert decode({"i": "0"})[1] and decode({"room": "x" * 40})[1]


def test_another_page_s_setup_becomes_a_challenge():
    from gdviz.lessons.playground.setup import Setup

    challenge = from_fields(vars(Setup()) | {"racers": ["gd", "adam"]}, "race")
    assert challenge.function == Setup().function and challenge.question == "race"
    assert challenge.learning_rate == Setup().learning_rate and challenge.racers == ("gd", "adam")
