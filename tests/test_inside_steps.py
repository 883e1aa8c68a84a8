"""gdviz.lessons.playground.steps: every optimizer's step written out carries the hand-computed
numbers of the first two steps; every slot is filled, in 2-D and 1-D."""

from __future__ import annotations

import numpy as np
import pytest
from test_step_state import BOWL, START, by_hand, make

from gdviz import descend, parse_objective
from gdviz.lessons.playground.steps import RULES, number, step_latex, step_lines, vector
from gdviz.optimizers import OPTIMIZERS
from gdviz.step_state import replay

MEMORY_LETTERS = {"momentum": {"velocity": "v"}, "nesterov": {"velocity": "v"},
                  "adagrad": {"sum_of_squares": "s"}, "rmsprop": {"mean_of_squares": "s"},
                  "adam": {"mean": "m", "mean_of_squares": "v", "m_hat": r"\hat m",
                           "v_hat": r"\hat v"}}  # fmt: skip


def test_the_table_covers_every_registered_optimizer():
    assert set(RULES) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_first_two_steps_show_the_hand_computed_numbers(name):
    optimizer = make(name)
    steps = replay(BOWL.gradient, descend(BOWL, START, optimizer, max_steps=5), optimizer)
    for k, (theta, g, state, delta) in enumerate(by_hand(name)):
        lines = step_lines(steps, k)
        head = rf"g_{{{k}}} &= \nabla J(\theta_{{{k}}}) = \nabla J{vector(theta)} = {vector(g)}"
        assert head in lines[0]
        assert rf"\alpha_{{{k}}} = 0.05" in lines[0]
        for field, value in state.items():  # the memory after the step, by its letter
            letter = MEMORY_LETTERS[name][field]
            assert any(f"{letter}_{{{k + 1}}} &= " in line and line.endswith(vector(value))
                       for line in lines), (field, lines)  # fmt: skip
        assert lines[-1] == (
            rf"\theta_{{{k + 1}}} &= \theta_{{{k}}} + \Delta_{{{k}}} = {vector(theta)} + "
            rf"{vector(delta)} = {vector(theta + delta)}"
        )
        if name in ("adagrad", "rmsprop", "adam"):  # the division, coordinate by coordinate
            for i, axis in enumerate("xy"):
                line = next(line for line in lines if line.startswith(rf"\Delta_{{{k},{axis}}}"))
                assert line.endswith(f"= {number(delta[i])}")
        else:
            assert any(line.startswith(rf"\Delta_{{{k}}} &= ") and line.endswith(vector(delta))
                       for line in lines)  # fmt: skip


def test_momentum_plugs_mu_and_the_previous_velocity_in():
    optimizer = make("momentum")
    steps = replay(BOWL.gradient, descend(BOWL, START, optimizer, max_steps=5), optimizer)
    (_, g0, _, _), (_, g1, state, _) = by_hand("momentum")
    assert (
        rf"= 0.8 {vector(g0)} + {vector(g1)} = {vector(state['velocity'])}"
        in step_lines(steps, 1)[1]
    )


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_slot_is_filled_in_one_dimension_too(name):
    f = parse_objective("x^4 - 3x^2 + x")
    optimizer = make(name, 0.01)
    steps = replay(f.gradient, descend(f, np.array([2.0]), optimizer, max_steps=30), optimizer)
    text = step_latex(steps, 3)
    assert "⟨" not in text and "None" not in text and r"\Delta_{3" in text
    assert "x}" in text or name not in ("adagrad", "rmsprop", "adam")


def test_numbers_read_like_a_textbook():
    assert number(0.05) == "0.05" and number(-1.23456) == "-1.235"
    assert number(1e-8) == "10^{-8}" and number(3.2e-5) == r"3.2 \cdot 10^{-5}"
    assert vector([1.0, 2.2e-16]) == r"\begin{pmatrix} 1 \\ 0 \end{pmatrix}"  # rounding noise


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_the_words_name_the_memory_the_contour_draws(name):
    """The caption's numbers are the violet drawing's: momentum's and Nesterov's share (the
    arrow from the gradient's tip to the step's), the adaptive methods' scale per coordinate."""
    from gdviz.figures.step_arrows import shapes_at
    from gdviz.lessons.playground.steps import memory_words, pair
    from gdviz.step_state import direction_and_scale

    optimizer = make(name)
    steps = replay(BOWL.gradient, descend(BOWL, START, optimizer, max_steps=5), optimizer)
    for k in range(2):
        words = memory_words(steps, k)
        if name in ("momentum", "nesterov"):
            tail, tip = shapes_at(steps, k)["memory"]
            assert words.endswith(f"= {pair(tip - tail)}."), words
        else:
            assert pair(direction_and_scale(steps, k)[1]) in words, words
        assert ("look" in words) == (name == "nesterov")


def test_a_run_that_never_steps_says_so():
    from gdviz.lessons.playground.steps import end_words

    optimizer = make("adam")
    run = descend(BOWL, np.zeros(2), optimizer, max_steps=5)  # the minimum: ‖∇f‖ = 0 at once
    steps = replay(BOWL.gradient, run, optimizer)
    assert steps.steps == 0 and "no step to write out" in end_words(steps, run)
