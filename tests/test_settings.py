"""The Playground setup's round trip through the URL, and the generic URL kinds."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import urlstate
from gdviz.lessons.playground.setup import QUERY, Setup, decode, encode, parse_rates, with_preset
from gdviz.presets import PRESETS


def test_defaults_encode_to_an_empty_query():
    assert encode(Setup()) == {}
    assert decode({}) == (Setup(), [])


def test_a_changed_setup_round_trips_exactly():
    setup = replace(Setup(), function="sin(x)*cos(y)", preset="", optimizer="adam",
                    learning_rate=0.0123456789, beta1=0.8, schedule="cosine", total_steps=77,
                    start_x=-1.25, max_steps=1234, value_tol=1e-10, compare="learning_rates",
                    compare_rates=(0.01, 0.1), compare_optimizers=("adam", "gd"))  # fmt: skip
    params = encode(setup)
    assert params["opt"] == "adam" and params["lrs"] == "0.01,0.1"
    assert decode(params) == (setup, [])


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(1e-6, 100),
    steps=st.integers(1, 20_000),
    x=st.floats(-1e6, 1e6),
    optimizer=st.sampled_from(["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]),
)
def test_round_trip_property(rate, steps, x, optimizer):
    setup = replace(Setup(), learning_rate=rate, max_steps=steps, start_x=x, optimizer=optimizer)
    decoded, problems = decode(encode(setup))
    assert not problems
    assert decoded.max_steps == steps and decoded.optimizer == optimizer
    assert decoded.learning_rate == pytest.approx(rate, rel=1e-9)


@pytest.mark.parametrize(
    ("query", "value", "phrase"),
    [
        ("lr", "-1", "outside"),
        ("lr", "nan", "outside"),
        ("lr", "1e999", "outside"),
        ("lr", "banana", "not a number"),
        ("steps", "1e9", "outside"),
        ("steps", "1.5", "whole number"),
        ("b1", "0.9995", "outside"),
        ("opt", "sgd9", "not one of"),
        ("opt", "__import__('os')", "not one of"),
        ("sched", "", "not one of"),
        ("opts", "gd,evil", "not one of"),
        ("lrs", "0.1," * 10, "give 1 to 6"),
        ("f", "x" * 301, "longer than"),
        ("cmp", "all", "not one of"),
    ],
)
def test_invalid_values_are_ignored_with_a_message(query, value, phrase):
    setup, problems = decode({query: value})
    assert len(problems) == 1 and f"'{query}'" in problems[0] and phrase in problems[0]
    assert setup == Setup()


def test_unknown_parameters_are_ignored_silently():
    assert decode({"utm_source": "mail", "embed": "true"}) == (Setup(), [])


def test_a_linked_preset_fills_its_function_and_start():
    setup, _ = decode({"preset": "Himmelblau"})
    assert setup.function == PRESETS["Himmelblau"].text
    assert (setup.start_x, setup.start_y) == PRESETS["Himmelblau"].start
    kept, _ = decode({"preset": "Himmelblau", "lr": "0.002"})
    assert kept.learning_rate == 0.002


def test_a_linked_function_of_ones_own_clears_the_preset():
    setup, _ = decode({"f": "x^2 + 3y^2"})
    assert setup.preset == "" and setup.function == "x^2 + 3y^2"


def test_with_preset_for_a_one_dimensional_preset():
    setup = with_preset(Setup(), "Parabola (1-D)")
    assert setup.function == "x^2" and setup.start_y == 0.0


def test_parse_rates():
    assert parse_rates(" 0.1; 0.2 ,0.3") == (0.1, 0.2, 0.3)
    with pytest.raises(ValueError, match="give 1 to 6"):
        parse_rates("")


def test_every_field_has_a_query_name():
    assert set(QUERY) == set(Setup.__dataclass_fields__)
    assert len({query for query, _ in QUERY.values()}) == len(QUERY)


def test_flag_kind():
    assert urlstate.Flag().parse("1") is True and urlstate.Flag().parse("0") is False
    with pytest.raises(ValueError):
        urlstate.Flag().parse("yes")
    assert urlstate.text(True) == "1"
