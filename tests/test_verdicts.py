"""Verdicts: one table of runs a student would try (issue 10's cases and the quadratic
boundaries αλ = 1 and 2), then each rule and its evidence on its own."""

from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

import numpy as np
import pytest

from gdviz import KINDS, Verdict, descend, parse_objective, seed_example, verdict
from gdviz.datasets import generate
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import DEFAULT_PRESET, PRESETS
from gdviz.schedules import make_schedule

BOWL = PRESETS[DEFAULT_PRESET]  # x^2 + 10y^2 from (-2.6, 1.2): 2/λmax = 0.1, 1/λmax = 0.05
ACKLEY = PRESETS["Ackley"].text
NOISY = generate(200, 1.0, 2.0, 1e6, 0, 10, 0).problem(False)  # f ≈ 1e12 at its minimum


class Case(NamedTuple):
    function: object  # formula text, or a problem
    start: tuple
    optimizer: str
    rate: object  # a number, or (schedule name, base rate, parameters)
    options: dict
    kind: str
    oscillating: bool
    onset: tuple[int, int] | None = None  # inclusive range, diverging runs only


def case(function, start, rate, kind, oscillating=False, onset=None, optimizer="gd", **options):
    return Case(function, tuple(start), optimizer, rate, options, kind, oscillating, onset)


B, S = BOWL.text, BOWL.start
CASES = {
    # The Playground's default and the stability limit 2/λmax = 0.1 around it.
    "default α = 0.09": case(B, S, 0.09, "converged", True),
    "lr=0.101": case(B, S, 0.101, "diverging", True, (2, 6)),
    "lr=0.1001": case(B, S, 0.1001, "diverging", True, (5, 15)),
    "lr=0.1 steps=5000": case(B, S, 0.1, "cycling", True, max_steps=5000),
    "lr=0.11": case(B, S, 0.11, "diverging", True, (1, 1)),
    "αλ=2 just below, 2000 steps": case(B, S, 0.099, "converged", True, max_steps=2000),
    "αλ=2 just below, 500 steps": case(B, S, 0.0999, "too_slow", True),
    "αλ=1 just below": case(B, S, 0.0495, "converged", False),
    "αλ=1 just above": case(B, S, 0.0525, "converged", True),
    # Preset "Parabola (1-D)": f'' = 2, so αf'' = 1 at α = 0.5 and 2 at α = 1.
    "parabola αf''=0.98": case("x^2", [2.5], 0.49, "converged", False, max_steps=100),
    "parabola αf''=1": case("x^2", [2.5], 0.5, "converged", False, max_steps=100),
    "parabola αf''=1.02": case("x^2", [2.5], 0.51, "converged", True, max_steps=100),
    "parabola αf''=1.98": case("x^2", [2.5], 0.99, "too_slow", True, max_steps=100),
    "parabola αf''=2 (lr=1)": case("x^2", [2.5], 1.0, "cycling", True, max_steps=100),
    "parabola αf''=2.02": case("x^2", [2.5], 1.01, "diverging", True, (1, 1), max_steps=100),
    # Saddles and maxima are not minima.
    "preset Saddle": case("x^2 - y^2", [-1.8, 0.02], 0.1, "unbounded"),
    "x^2 - y^2 on the ridge": case("x^2 - y^2", [-1.8, 0.0], 0.1, "saddle"),
    "-x^2-y^2 at its top": case("-x^2-y^2", [0.0, 0.0], 0.1, "saddle"),
    "x^4-2x^2+y^2 from (0, 1)": case("x^4-2x^2+y^2", [0.0, 1.0], 0.1, "saddle"),
    "x^3: a flat shoulder": case("x^3", [1.0], 0.1, "saddle", max_steps=20000),
    # No minimum at all.
    "x": case("x", [1.0], 0.1, "unbounded"),
    "x+y": case("x+y", [1.0, 1.0], 0.1, "unbounded"),
    "exp(-(x^2+y^2))": case("exp(-(x^2+y^2))", [1.0, 1.0], 0.1, "unbounded"),
    "-x^2-y^2 from (1, 1)": case("-x^2-y^2", [1.0, 1.0], 0.1, "unbounded"),
    "-exp(x) overflowing": case(
        "-exp(x)", [1.0], 0.5, "unbounded", divergence_threshold=np.inf, max_steps=3000
    ),
    # Undefined gradients and values.
    "Ackley at (0, 0)": case(ACKLEY, [0.0, 0.0], 0.05, "undefined", optimizer="momentum"),
    "sqrt(x^2+y^2) at (0, 0)": case("sqrt(x^2+y^2)", [0.0, 0.0], 0.1, "undefined"),
    "log(x)+y^2 at x0 = -2.6": case("log(x)+y^2", [-2.6, 1.2], 0.09, "undefined"),
    "1/sin(x) across a pole": case("1/sin(x)", [-0.5], 0.1, "undefined"),
    "1/sin(x) inside (0, π)": case("1/sin(x)", [2.0], 0.1, "converged"),
    "log(x) leaving its domain": case("log(x)", [1.0], 0.5, "undefined"),
    # A learning rate that reaches 0.
    "cosine T=1": case(B, S, ("cosine", 0.09, {"total_steps": 1}), "stalled", value_tol=1e-12),
    "exponential γ=0.5": case(B, S, ("exponential", 0.01, {"gamma": 0.5}), "stalled"),
    # Cycling without a curvature limit.
    "abs(x)": case("abs(x)", [2.5], 0.3, "cycling", True, max_steps=100),
    "adam on |x|+|y|": case(
        "abs(x)+abs(y)", [2.5, 2.0], 0.3, "cycling", optimizer="adam", max_steps=300
    ),
    "sgd, constant α": case(
        seed_example(), [0, 0], 0.02, "cycling", max_steps=3000, grad_tol=0, batch_size=1
    ),
    # Starts at large-valued minima are not "diverged".
    "exp(30+x^2+y^2) at its minimum": case("exp(30+x^2+y^2)", [0.0, 0.0], 0.1, "converged"),
    "data with noise 1e6 at θ*": case(NOISY, NOISY.solution, 0.001, "converged"),
    # Flat minima, other optimizers, the seed's data.
    "x^4 after 20,000 steps": case("x^4", [1.0], 0.1, "too_slow", max_steps=20000),
    "x^4 after 50,000 steps": case("x^4", [1.0], 0.1, "converged", max_steps=50000),
    "momentum α=0.2 > 2(1+μ)/λmax": case(B, S, 0.2, "diverging", True, (1, 1), "momentum"),
    "nesterov α=0.02": case(B, S, 0.02, "converged", optimizer="nesterov"),
    "seed α=0.01, 1000 steps": case(seed_example(), [0, 0], 0.01, "too_slow", max_steps=1000),
    "seed α=0.1": case(seed_example(), [0, 0], 0.1, "diverging", True, (1, 1)),
    "Rastrigin: a local minimum": case(PRESETS["Rastrigin"].text, [3.2, -2.1], 0.002, "converged"),
    "rules off, long converged": case("x^2+y^2", [2.5, 2.0], 0.1, "converged", grad_tol=0),
    "no steps allowed": case(B, S, 0.09, "too_slow", max_steps=0),
    "one step": case(B, S, 0.01, "too_slow", max_steps=1),
}


def run_case(c: Case):
    problem = parse_objective(c.function) if isinstance(c.function, str) else c.function
    rate = c.rate
    if isinstance(rate, tuple):
        rate = make_schedule(rate[0], rate[1], **rate[2])
    options = {"max_steps": 500, **c.options}
    return problem, descend(problem, list(c.start), OPTIMIZERS[c.optimizer].make(rate), **options)


def test_the_table_has_at_least_thirty_cases_and_every_kind():
    assert len(CASES) >= 30
    assert {c.kind for c in CASES.values()} == set(KINDS)


@pytest.mark.parametrize("name", CASES)
def test_table(name):
    c = CASES[name]
    problem, run = run_case(c)
    v = verdict(problem, run)
    assert (v.kind, v.oscillating) == (c.kind, c.oscillating), v.text
    if c.onset is None:
        assert v.onset is None
    else:
        assert c.onset[0] <= v.onset <= c.onset[1], v.text
    assert v.message == run.message.removesuffix(v.advice).strip()  # descend says the same
    assert re.search(r"\b1 steps\b", v.text) is None and "nan" not in v.text.replace("NaN", "")
    if v.kind in ("diverging", "cycling"):
        assert "larger" not in v.advice, v.advice
    if v.kind in ("undefined", "unbounded", "saddle", "stalled") and v.cause != "value":
        assert not re.search(r"try (a smaller )?α|learning rate \(", v.advice), v.advice


# Words: the complaints, one by one.


def test_near_the_limit_the_words_name_the_onset_and_the_limit():
    problem, run = run_case(CASES["lr=0.11"])
    v = verdict(problem, run)
    assert v.label == "diverging from step 1"
    assert v.message.startswith("Diverging from step 1: f grew from 21.2 to ")
    assert v.advice == (
        "The learning rate is too large for this function: try α < 0.1 (2/λmax, exact for this "
        "quadratic)."
    )
    problem, run = run_case(CASES["lr=0.1 steps=5000"])
    v = verdict(problem, run)
    assert "stable" not in v.text and "larger" not in v.text
    assert v.advice.startswith("α sits at the stability limit 2/λmax = 0.1 (exact")


def test_the_saddle_preset_is_unbounded_not_too_large_a_step():
    problem, run = run_case(CASES["preset Saddle"])
    v = verdict(problem, run)
    assert run.values[-1] < -1e12 and v.cause == "threshold"
    assert v.advice.startswith("No learning rate changes that")


@pytest.mark.parametrize(
    ("name", "cause", "words"),
    [
        ("x^2 - y^2 on the ridge", "saddle", "nudge the start"),
        ("-x^2-y^2 at its top", "maximum", "start anywhere else"),
        ("x^4-2x^2+y^2 from (0, 1)", "saddle", "towards ±(1, 0)"),
        ("x^3: a flat shoulder", "shoulder", "no minimum that way"),
    ],
)
def test_critical_points_that_are_not_minima(name, cause, words):
    problem, run = run_case(CASES[name])
    assert run.status == "converged_gradient"  # the engine's rule fired …
    v = verdict(problem, run)
    assert (v.kind, v.cause) == ("saddle", cause)  # … but this is no minimum
    assert words in v.advice


@pytest.mark.parametrize(
    ("name", "cause"),
    [
        ("Ackley at (0, 0)", "start_gradient"),
        ("sqrt(x^2+y^2) at (0, 0)", "start_gradient"),
        ("log(x)+y^2 at x0 = -2.6", "start_value"),
        ("1/sin(x) across a pole", "pole"),
        ("log(x) leaving its domain", "value"),
    ],
)
def test_undefined_runs_say_where_and_why(name, cause):
    problem, run = run_case(CASES[name])
    v = verdict(problem, run)
    assert v.cause == cause
    if cause.startswith("start"):
        assert v.step == 0 and v.label == "undefined at the start"
        assert "no learning rate changes that" in v.advice
        assert "overflowed" not in v.text and "stop rule" not in v.text
    if cause == "pole":
        assert v.step == 2 and "jumped over a point where f is infinite" in v.message


def test_a_frozen_learning_rate_is_stalled_not_converged():
    problem, run = run_case(CASES["cosine T=1"])
    assert run.status == "converged_value"
    v = verdict(problem, run)
    assert (v.step, v.label) == (1, "stalled at step 1")
    assert "fell to 0 at step 1" in v.message and "η_min" in v.advice


def test_runs_of_zero_and_one_step():
    problem, run = run_case(CASES["one step"])
    v = verdict(problem, run)
    assert v.label == "still descending after 1 step"
    problem, run = run_case(CASES["no steps allowed"])
    v = verdict(problem, run)
    assert (v.cause, v.step, v.label) == ("no_steps", 0, "no steps taken")
    run = descend(problem, [0.0, 0.0], OPTIMIZERS["gd"].make(0.1))
    assert verdict(problem, run).label == "converged at the start"


# Onset: the step after f's lowest value, against the closed form on the bowl.


@pytest.mark.parametrize("rate", [0.1001, 0.101, 0.105, 0.11, 0.2])
def test_onset_matches_the_closed_form(rate):
    """GD on x² + 10y²: x_k = x₀(1 − 2α)^k, y_k = y₀(1 − 20α)^k, so f_k is known exactly."""
    f = parse_objective(BOWL.text)
    run = descend(f, list(BOWL.start), OPTIMIZERS["gd"].make(rate), max_steps=500)
    (x0, y0), k = BOWL.start, np.arange(run.steps + 1)
    exact = x0**2 * (1 - 2 * rate) ** (2 * k) + 10 * y0**2 * (1 - 20 * rate) ** (2 * k)
    assert verdict(f, run).onset == int(np.argmin(exact)) + 1
    assert np.all(np.diff(exact[int(np.argmin(exact)) :]) > 0)  # after it f only grows


# Advice from the curvature.


def test_momentum_and_adaptive_divergence_advice():
    problem, run = run_case(CASES["momentum α=0.2 > 2(1+μ)/λmax"])
    assert "try α < 0.19 (2(1+μ)/λmax, exact for this quadratic)" in verdict(problem, run).advice
    f = parse_objective("x^4 + y^2")
    run = descend(f, [3.0, 1.0], OPTIMIZERS["gd"].make(0.1), max_steps=100)
    v = verdict(f, run)
    assert v.kind == "diverging" and "a local estimate from the curvature at θ = " in v.advice
    run = descend(f, [3.0, 1.0], OPTIMIZERS["adam"].make(1e9), max_steps=100)
    v = verdict(f, run)
    assert v.kind == "diverging" and v.advice.startswith("Adam has no 2/λmax limit")


def test_too_slow_advice_depends_on_which_side_of_alpha_star():
    seed = seed_example()  # α* = 2/(λmin + λmax) = 0.0937
    slow = verdict(seed, descend(seed, [0, 0], OPTIMIZERS["gd"].make(0.01), max_steps=300))
    assert slow.advice.startswith("Allow more steps, or try a larger α: up to α* = ")
    near = verdict(seed, descend(seed, [0, 0], OPTIMIZERS["gd"].make(0.094), max_steps=300))
    assert near.advice.endswith("κ = 169 times more curved across than along, so try momentum.")
    problem, run = run_case(CASES["αλ=2 just below, 500 steps"])  # α = 0.0999 > α* = 0.0909
    fast = verdict(problem, run)
    assert fast.advice == (
        "Each step overshoots along the steep direction: a smaller α settles faster, e.g. "
        "α* = 2/(λmin+λmax) = 0.0909."
    )


# Each rule's evidence on its own.


def test_value_rule_far_from_a_minimum_is_too_slow():
    f = parse_objective(BOWL.text)
    gd = OPTIMIZERS["gd"].make(1e-6)
    run = descend(f, list(BOWL.start), gd, grad_tol=0, value_tol=1e-3)
    assert run.status == "converged_value" and run.steps == 1
    assert (verdict(f, run).kind, verdict(f, run).cause) == ("too_slow", "value_rule")


def test_flat_but_minimum_and_ring_of_minima_converge():
    for text, start in [("x^2 + y^4", [1.0, 1.0]), ("(x^2+y^2-1)^2", [0.5, 0.3])]:
        f = parse_objective(text)
        run = descend(f, start, OPTIMIZERS["gd"].make(0.05), max_steps=100_000)
        assert verdict(f, run).kind == "converged", text


def test_a_plateau_in_floating_point_is_not_a_minimum():
    f = parse_objective("exp(-x^2)")  # 0.0 exactly beyond |x| ≈ 27
    v = verdict(f, descend(f, [40.0], OPTIMIZERS["gd"].make(0.1)))
    assert (v.kind, v.cause) == ("saddle", "plateau")


def test_a_narrow_saddle_is_found_through_its_eigenvector():
    f = parse_objective("x^2 - 0.001y^2")
    v = verdict(f, descend(f, [1e-8, 1e-8], OPTIMIZERS["gd"].make(0.1)))
    assert (v.kind, v.cause) == ("saddle", "saddle")


def test_overflow_after_growth_is_diverging_not_undefined():
    problem, run = run_case(case("x^2+y^2", [1, 1], 1e3, "diverging", divergence_threshold=np.inf))
    v = verdict(problem, run)
    assert (v.kind, v.cause, v.onset) == ("diverging", "overflow", 1)
    assert v.step == int(np.argmax(~np.isfinite(run.values)))


# The batch: one verdict per run, equal to the single runs'.


def test_batched_verdicts_equal_single_ones():
    f = parse_objective(BOWL.text)
    rates = np.array([0.05, 0.09, 0.1, 0.101, 0.11])
    batch = descend(f, np.tile(BOWL.start, (5, 1)), OPTIMIZERS["gd"].make(rates), max_steps=500)
    verdicts = verdict(f, batch)
    assert isinstance(verdicts, tuple) and len(verdicts) == 5
    assert [v.kind for v in verdicts] == [
        "converged",
        "converged",
        "cycling",
        "diverging",
        "diverging",
    ]
    for i, rate in enumerate(rates):
        single = descend(f, list(BOWL.start), OPTIMIZERS["gd"].make(float(rate)), max_steps=500)
        assert verdicts[i] == verdict(f, single)
        assert batch.run(i, f).message == single.message


def test_verdict_is_frozen_and_the_trajectory_names_its_optimizer():
    f = parse_objective(BOWL.text)
    run = descend(f, list(BOWL.start), OPTIMIZERS["momentum"].make(0.01, momentum=0.5))
    assert (run.optimizer, run.hyperparameters) == ("momentum", (("momentum", 0.5),))
    v = verdict(f, run)
    assert isinstance(v, Verdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.kind = "diverging"


def test_every_word_template_fills_in():
    """Each kind's every cause formats with the numbers verdict supplies (no missing field)."""
    from gdviz import messages

    fields = "steps limit_steps after in_steps step onset point before f_end f_before f_low"
    numbers = dict.fromkeys([*fields.split(), "f_high", "grad", "rate", "grad_tol"], "1")
    numbers |= {"value_tol": "1", "threshold": "1", "downhill": "1"}
    for name, kind in KINDS.items():
        for cause in kind.causes:
            label, message = messages.say(name, cause, numbers)
            assert label and message.endswith("."), (name, cause)
    assert all(advice.endswith(".") or advice == "" for advice in messages.ADVICE.values())


def test_bounded_above_the_local_limit_says_so():
    f = parse_objective(ACKLEY)  # bounded: GD above its local limit bounces instead of growing
    v = verdict(f, descend(f, list(PRESETS["Ackley"].start), OPTIMIZERS["gd"].make(0.1)))
    assert v.kind == "cycling"
    # at the lowest point of the bounce, near the cone-like tip at (0, 0): a local estimate
    assert v.advice.startswith("α is above the stability limit 2/λmax = ")
    assert "(a local estimate from the curvature at θ = " in v.advice
