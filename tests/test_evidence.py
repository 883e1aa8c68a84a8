"""The facts verdicts weigh, each against a case whose answer is known by hand: the path's
(gdviz.evidence) and the probes of f around and along it (gdviz.probes)."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import evidence, formatting, messages, parse_objective, probes


def gd_path(rate: float, steps: int, start: float = 1.0, curvature: float = 2.0) -> np.ndarray:
    """Plain GD on f = (c/2)x²: x_k = x₀(1 − αc)^k, as points of shape (steps + 1, 1)."""
    return (start * (1 - rate * curvature) ** np.arange(steps + 1))[:, None]


def test_first_undefined_finds_the_first_bad_number():
    points = np.array([[0.0], [1.0], [np.inf], [2.0]])
    assert evidence.first_undefined(points, np.zeros(4), np.zeros(4)) == 2
    assert evidence.first_undefined(points[:2], np.array([0.0, np.nan]), np.zeros(2)) == 1
    assert evidence.first_undefined(points[:2], np.zeros(2), np.array([np.nan, 0])) == 0
    assert evidence.first_undefined(points[:2], np.zeros(2), np.zeros(2)) is None


def test_growth_is_exact_on_geometric_steps_and_1_without_a_trend():
    assert evidence.growth(1.02 ** np.arange(101)) == pytest.approx(1.02**100)
    assert evidence.growth(0.5 ** np.arange(11)) == pytest.approx(0.5**10)
    assert evidence.growth(np.full(50, 3.0)) == 1.0
    assert evidence.growth(1.0005 ** np.arange(101)) == 1.0  # 5% over the tail: no trend
    noise = np.random.default_rng(0).lognormal(size=300)  # SGD-like scatter
    assert evidence.growth(noise) == 1.0
    assert evidence.growth(np.array([1.0, 5.0])) == 1.0  # too short to tell


def test_motion_of_a_two_cycle_a_slope_and_a_settled_run():
    cycle = np.tile([[2.5], [-2.5]], (50, 1))
    moved = evidence.motion(cycle, np.full(100, 6.25))
    assert (moved.growth, moved.rising, moved.falling, moved.heading) == (1.0, False, False, None)
    slope = -0.1 * np.arange(101.0)[:, None]
    moved = evidence.motion(slope, slope[:, 0])
    assert moved.falling and not moved.rising and moved.heading.tolist() == [-1.0]
    settled = np.concatenate([gd_path(0.25, 10), np.zeros((20, 1))])
    settled[11:] = settled[10]
    assert evidence.motion(settled, settled[:, 0] ** 2).settled_at == 10  # θ₁₀ = θ₁₁ = …
    assert evidence.motion(settled[:1], settled[:1, 0]).settled_at is None


def test_settled_at_is_found_across_windows(monkeypatch):
    monkeypatch.setattr(evidence, "WINDOW", 7)
    points = np.zeros((60, 1))
    points[:23, 0] = np.arange(23.0)
    assert evidence.motion(points, points[:, 0]).settled_at == 23


def test_onset_is_the_step_after_the_lowest_value():
    assert evidence.onset(np.array([5.0, 3.0, 2.0, 4.0, 9.0])) == 3
    assert evidence.onset(np.array([1.0, 2.0, 4.0])) == 1
    assert evidence.onset(np.array([2.0, 1.0, 1.0, 3.0])) == 3  # the last lowest value


def test_remaining_descent_is_the_geometric_tail():
    values = 2.0 ** -np.arange(20.0)  # Δf halves every step: what is left equals the last Δf
    assert evidence.remaining_descent(values) == pytest.approx(2.0**-19)
    assert evidence.remaining_descent(np.array([3.0, 2.0, 1.0])) == np.inf  # not shrinking
    assert evidence.remaining_descent(np.array([1.0, 0.0, 0.0])) == 0.0


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(0.25, False), (0.5, False), (0.75, True), (1.0, True), (1.1, True)],
    ids=["αc=0.5", "αc=1", "αc=1.5", "αc=2", "αc=2.2"],
)
def test_oscillating_follows_alpha_times_curvature(rate, expected):
    assert evidence.oscillating(gd_path(rate, 60), np.eye(1)) is expected


def test_noise_and_slow_ringing_are_not_oscillating():
    walk = np.cumsum(np.random.default_rng(1).normal(size=(400, 2)), axis=0)  # flips ~half
    assert not evidence.oscillating(walk, np.eye(2))
    k = np.arange(200)
    ringing = (0.98**k * np.cos(2 * np.pi * k / 12))[:, None]  # period 12: 2 flips in 12
    assert not evidence.oscillating(ringing, np.eye(1))


def test_oscillating_reads_both_ends_of_a_long_run(monkeypatch):
    monkeypatch.setattr(evidence, "WINDOW", 50)
    zigzag_then_creep = np.concatenate([gd_path(0.75, 60), gd_path(0.2, 300, 1e-3)[1:]])
    assert evidence.oscillating(zigzag_then_creep, np.eye(1))


# Probes.


def test_surroundings_tell_minimum_maximum_saddle_and_plateau():
    def shape(text, point):
        f = parse_objective(text)
        found = probes.surroundings(f, np.array(point), probes.directions(f.dimension), 1.0)
        return found.shape

    assert shape("x^2 + 10y^2", [1e-7, 0.0]) == "minimum"
    assert shape("x^4", [0.0063]) == "minimum"  # flat: a basin only on wider circles
    assert shape("x^3", [5.7e-4]) == "saddle"
    assert shape("x^2 - y^2", [0.0, 0.0]) == "saddle"
    assert shape("x^3 - 3x y^2", [0.0, 0.0]) == "saddle"  # a monkey saddle: no curvature at all
    assert shape("-x^2-y^2", [0.0, 0.0]) == "maximum"
    assert shape("exp(-x^2)", [40.0]) == "plateau"
    assert shape("(x^2+y^2-1)^2", [0.6, 0.8]) == "minimum"  # a ring of minima


def test_falls_forever_only_where_f_has_no_minimum_ahead():
    def falls(text, point, heading):
        return probes.falls_forever(parse_objective(text), np.array(point), np.array(heading))

    assert falls("x", [0.0], [-1.0])
    assert falls("exp(-x^2)", [1.0], [1.0])
    assert falls("x^2 - y^2", [0.0, 0.1], [0.0, 1.0])
    assert not falls("(x - 1000)^2", [0.0], [1.0])  # the bottom is far, but it rises again
    assert not falls("log(x)", [1.0], [-1.0])  # the domain ends (NaN): not "no minimum"


def test_overflow_is_told_from_a_singularity():
    exp, log = parse_objective("exp(x)"), parse_objective("log(x)")
    assert probes.overflows(exp, np.array([1.0]), np.array([1000.0]))
    assert not probes.overflows(log, np.array([1.0]), np.array([0.0]))
    assert not probes.overflows(log, np.array([1.0]), np.array([-1.0]))


def test_pole_crossing_sees_poles_not_kinks_or_big_smooth_steps():
    def crossing(text, xs):
        f = parse_objective(text)
        points = np.array(xs, dtype=float)[:, None]
        return probes.pole_crossing(f, points, f.value(points))

    assert crossing("1/sin(x)", [-1.0, -0.5, 2.0, 1.6]) == 2
    assert crossing("tan(x)", [1.0, 2.0]) == 1
    assert crossing("abs(x)", [1.0, -0.5, 0.2]) is None  # a kink: f is still continuous
    assert crossing("x^4", [3.0, -4.0, 6.0, -9.0]) is None  # diverging, but smooth
    assert crossing("x", [0.0]) is None


def test_words_for_numbers_points_and_steps():
    assert formatting.steps(1) == "1 step" and formatting.steps(12_345) == "12,345 steps"
    assert formatting.number(1e12) == "1e12" and formatting.number(0.0943) == "0.0943"
    assert formatting.number(float("nan")) == "NaN" and formatting.number(float("inf")) == "∞"
    assert formatting.point([1e-12, -2.0]) == "(0, -2)" and formatting.point([2.5]) == "2.5"
    assert messages.went(6.25, 6.25) == "unchanged"  # never "from 6.25 to 6.25 (UP)"


@pytest.mark.parametrize(
    ("text", "jumps"),
    [
        ("(1-x)^2 + 100(y - x^2)^2", False),
        ("sin(x) + exp(y) + abs(x) + 2^x", False),
        ("1/sin(x)", True),
        ("log(x) + y^2", True),
        ("sqrt(x^2 + y^2)", True),  # a root: checked, though it happens to be continuous
        ("sign(x)", True),
        ("tan(x)", True),
    ],
)
def test_only_formulas_that_may_jump_are_checked_for_poles(text, jumps):
    assert probes.may_jump(parse_objective(text)) is jumps


def test_words_for_a_rate_against_its_limit_and_for_kappa():
    assert messages.rate_against_limit(0.09, 0.1) == "stable"
    assert messages.rate_against_limit(0.1, 0.1).startswith("exactly at the stability limit")
    assert messages.rate_against_limit(0.1001, 0.1).startswith("too large")
    assert messages.condition(10.0) == "κ = 10"
    assert messages.condition(float("inf")) == messages.NO_CONDITION  # never "κ = inf"
