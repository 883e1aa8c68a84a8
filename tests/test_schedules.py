"""Learning-rate schedules: formulas at hand-picked steps, vectorisation, the registry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz import schedules
from gdviz.schedules import SCHEDULES, as_schedule, make_schedule


def check(schedule, expected: dict[int, float]):
    for step, value in expected.items():
        assert schedule(step) == pytest.approx(value, rel=1e-12), f"step {step}"


def test_constant():
    check(schedules.constant(0.3), {0: 0.3, 1: 0.3, 1000: 0.3})


def test_step_decay():
    # α·γ^⌊k/s⌋ with s = 10: k = 9 is still in the first stair, k = 25 in the third.
    check(schedules.step_decay(0.1, 10, 0.5), {0: 0.1, 9: 0.1, 10: 0.05, 19: 0.05, 25: 0.025})


def test_step_decay_step_size_one():
    check(schedules.step_decay(1.0, 1, 0.1), {0: 1.0, 1: 0.1, 2: 0.01, 3: 0.001})


def test_exponential():
    # α·γ^k
    check(schedules.exponential(0.2, 0.9), {0: 0.2, 1: 0.18, 2: 0.162, 10: 0.2 * 0.9**10})


def test_inverse_time():
    # α/(1 + d·k): halves at k = 1/d.
    check(schedules.inverse_time(0.5, 0.01), {0: 0.5, 1: 0.5 / 1.01, 100: 0.25, 300: 0.125})


def test_cosine():
    # η_min + (α − η_min)(1 + cos(πk/T))/2 with α = 1, η_min = 0.1, T = 100.
    schedule = schedules.cosine(1.0, 100, min_learning_rate=0.1)
    check(
        schedule,
        {
            0: 1.0,  # cos 0 = 1
            25: 0.1 + 0.9 * (1 + math.sqrt(0.5)) / 2,  # cos(π/4) = √½
            50: 0.55,  # cos(π/2) = 0: halfway
            100: 0.1,  # cos π = −1: the minimum
            101: 0.1,  # and it stays there
            1000: 0.1,
        },
    )


def test_cosine_without_minimum_reaches_zero():
    schedule = schedules.cosine(0.4, 10)
    assert schedule(5) == pytest.approx(0.2)
    assert schedule(10) == pytest.approx(0.0, abs=1e-15)
    assert schedule(50) == pytest.approx(0.0, abs=1e-15)


def test_decaying_schedules_never_increase():
    steps = np.arange(500)
    for name in ("step_decay", "exponential", "inverse_time", "cosine"):
        curve = make_schedule(name, 0.1, **{"step_size": 50, "total_steps": 300})(steps)
        assert np.all(np.diff(curve) <= 1e-15), name
        assert curve[-1] < curve[0], name


def test_as_schedule():
    constant = as_schedule(0.25)
    assert constant(0) == 0.25 and constant(999) == 0.25

    def custom(step):
        return 1.0 / (step + 1)

    assert as_schedule(custom) is custom


# Every registry entry, built by name with its default parameters.

EXAMPLE_PARAMETERS = {
    "step_size": 7,
    "gamma": 0.8,
    "decay": 0.05,
    "total_steps": 40,
    "min_learning_rate": 0.002,
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_registry_entry(name):
    spec = SCHEDULES[name]
    assert spec.name == name
    assert spec.latex.strip() and spec.display_name.strip() and spec.help.strip()
    schedule = make_schedule(name, 0.3, **spec.parameters)
    assert schedule(0) == pytest.approx(0.3)  # every schedule starts at the base rate
    assert np.all(np.isfinite(schedule(np.arange(100))))


@pytest.mark.parametrize("name", SCHEDULES)
def test_make_schedule_equals_the_factory(name):
    spec = SCHEDULES[name]
    known = {key: EXAMPLE_PARAMETERS.get(key, default) for key, default in spec.parameters.items()}
    by_name = make_schedule(name, 0.3, **EXAMPLE_PARAMETERS, unknown_parameter=1.0)
    direct = spec.factory(0.3, **known)
    steps = np.arange(60)
    np.testing.assert_array_equal(by_name(steps), direct(steps))


def test_make_schedule_rounds_integer_parameters():
    # A slider may hand over floats (or 0): the stair length and T become integers ≥ 1.
    np.testing.assert_allclose(
        make_schedule("step_decay", 1.0, step_size=2.0, gamma=0.5)(np.arange(4)),
        [1.0, 1.0, 0.5, 0.5],
    )
    assert make_schedule("step_decay", 1.0, step_size=0, gamma=0.5)(1) == pytest.approx(0.5)
    assert make_schedule("cosine", 1.0, total_steps=0)(5) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("name", SCHEDULES)
def test_vectorised_equals_scalar_calls(name):
    schedule = make_schedule(name, 0.3, **EXAMPLE_PARAMETERS)
    steps = np.arange(60)
    curve = schedule(steps)
    assert np.shape(curve) == (60,)
    np.testing.assert_allclose(curve, [float(schedule(int(k))) for k in steps], rtol=1e-15)


@pytest.mark.parametrize("name", SCHEDULES)
def test_array_base_rate_gives_one_column_per_run(name):
    rates = np.array([0.01, 0.1, 1.0])
    schedule = make_schedule(name, rates, **EXAMPLE_PARAMETERS)
    steps = np.arange(50)
    table = schedule(steps[:, None])
    assert table.shape == (50, 3)
    for j, rate in enumerate(rates):
        single = make_schedule(name, float(rate), **EXAMPLE_PARAMETERS)
        np.testing.assert_allclose(table[:, j], single(steps), rtol=1e-15)
    # One step with an array base rate: one rate per run (what the engine's hot loop asks for).
    np.testing.assert_allclose(schedule(7), table[7], rtol=1e-15)
