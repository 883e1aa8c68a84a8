"""The learning-rate family: every member is the single run at its α; the rates cover the range
and crowd around the theory's limits; the labels are honest."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from gdviz import parse_objective, seed_example
from gdviz.engine import descend
from gdviz.family import (
    ADAPTIVE_RANGE,
    DENSE_SPAN,
    labels,
    rate_family,
    rate_grid,
    theory_marks,
)
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import step_decay
from gdviz.verdicts import verdict

PROBLEMS = {  # (problem, start, where the Hessian is taken)
    "bowl": (parse_objective("x^2 + 10y^2"), [-2.6, 1.2], None),
    "rosenbrock": (parse_objective("(1-x)^2 + 100(y - x^2)^2"), [-1.5, 2.0], [1.0, 1.0]),
    "double well (1-D)": (parse_objective("x^4 - 3x^2 + x"), [2.0], [1.130901]),
    "seed (least squares)": (seed_example(), [0.0, 0.0], None),
}


def single(problem, start, name, rate, hyperparameters, **rules):
    optimizer = OPTIMIZERS[name].make(rate, **hyperparameters)
    return descend(problem, np.asarray(start, dtype=float), optimizer, **rules)


def drift(member, alone) -> np.ndarray:
    """Per step, how far the two paths are apart, relative to their size."""
    return np.max(np.abs(member.points - alone.points) / (1 + np.abs(alone.points)), axis=-1)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("case", PROBLEMS)
def test_every_member_is_the_single_run_at_its_rate(case: str, name: str):
    """Same status, same step count, same path to 1e-9 at every step. The one exception is
    RMSProp's limit cycle at large α, which is chaotic: the last-bit differences between a
    single run and a batch (Python floats or a 1-row matrix product against a 48-row one) grow
    there after 100+ steps — the test checks that the paths agreed to rounding (1e-12) first."""
    problem, start, at = PROBLEMS[case]
    family = rate_family(problem, start, name, hessian_at=at, max_steps=300)
    for i, rate in enumerate(family.rates):
        member, alone = family.run(i), single(problem, start, name, rate, {}, max_steps=300)
        assert (member.status, member.steps) == (alone.status, alone.steps), (rate, member.message)
        apart = drift(member, alone)
        if apart.max() > 1e-9:
            assert name == "rmsprop", (rate, apart.max())
            assert apart[:100].max() < 1e-12, (rate, apart[:100].max())
            continue
        np.testing.assert_allclose(member.values, alone.values, rtol=1e-9, atol=1e-12)


def test_members_match_with_hyperparameters_a_schedule_and_sgd():
    problem, start, _ = PROBLEMS["seed (least squares)"]
    chosen = {"momentum": 0.5}
    decay = partial(step_decay, step_size=40, gamma=0.5)
    rules = {"max_steps": 200, "grad_tol": 0.0, "batch_size": 1, "seed": 7}
    family = rate_family(problem, start, "nesterov", chosen, schedule=decay, **rules)
    assert family.hyperparameters == chosen
    for i in range(0, len(family.rates), 5):
        alone = single(problem, start, "nesterov", decay(family.rates[i]), chosen, **rules)
        np.testing.assert_allclose(family.run(i).points, alone.points, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov"])
def test_rates_span_the_range_and_crowd_near_each_limit(name: str):
    problem, start, _ = PROBLEMS["seed (least squares)"]  # λmax = 21.21: 2/λmax ≈ 0.0943
    family = rate_family(problem, start, name, max_steps=10)
    rates, lambda_max = family.rates, family.lambda_max
    assert len(rates) >= 40 and np.all(np.diff(rates) > 0)
    assert rates[0] <= 1e-3 and rates[-1] >= 4 / lambda_max * (1 - 1e-12)
    base_spacing = np.log(rates[-1] / rates[0]) / 35
    assert [m.label for m in family.marks][-1] == "2/λmax"
    assert family.marks[-1].value == pytest.approx(2 / 21.2076, rel=1e-4)
    for mark in family.marks:
        near = rates[np.abs(np.log(rates / mark.value)) <= np.log(DENSE_SPAN)]
        assert len(near) >= 12
        assert np.max(np.diff(np.log(near))) < base_spacing / 2  # finer than the base grid
        below, above = rates[rates < mark.value][-1], rates[rates > mark.value][0]
        assert np.sqrt(below * above) == pytest.approx(mark.value)  # the limit sits midway


def test_momentum_limits_come_from_the_theory():
    marks = theory_marks(np.diag([1.0, 20.0]), "momentum", momentum=0.9)
    assert [(m.label, m.note) for m in marks] == [
        ("2(1+μ)/λmax", "stability limit"),
        ("2/λmax", "plain GD's limit"),
    ]
    assert [m.value for m in marks] == pytest.approx([0.19, 0.1])
    nesterov = theory_marks(np.diag([1.0, 20.0]), "nesterov", momentum=0.9)
    assert nesterov[0].value == pytest.approx(2 * 1.9 / (2.8 * 20))


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_adaptive_methods_get_an_honest_range_and_no_mark(name: str):
    problem, start, _ = PROBLEMS["bowl"]
    family = rate_family(problem, start, name, max_steps=10)
    assert family.marks == ()
    assert (family.rates[0], family.rates[-1]) == pytest.approx(ADAPTIVE_RANGE)
    assert len(family.rates) >= 36


def test_the_asked_rate_is_a_member_and_the_initial_one():
    problem, start, _ = PROBLEMS["bowl"]
    family = rate_family(problem, start, "gd", learning_rate=0.0123, max_steps=10)
    assert family.rates[family.initial] == 0.0123


def test_no_curvature_falls_back_to_the_adaptive_range():
    grid = rate_grid((), float("nan"))
    assert (grid[0], grid[-1]) == pytest.approx(ADAPTIVE_RANGE)


def test_labels_are_the_verdicts():
    problem, start, _ = PROBLEMS["bowl"]
    family = rate_family(problem, start, "gd", max_steps=500)
    kinds = [kind for kind, _ in labels(family, problem)]
    limit = family.marks[0].value
    above = [kind for kind, rate in zip(kinds, family.rates, strict=True) if rate > limit]
    assert set(above) == {"diverging"}
    assert "converged" in kinds
    assert labels(family, problem)[0] == ("too_slow", "still descending after 500 steps")


LABELLED = PROBLEMS | {  # the same verdicts as one run at a time, wherever the runs go
    "round bowl": (parse_objective("x^2 + y^2"), [1.0, 1.0], None),
    "saddle": (parse_objective("x^2 - y^2"), [1.0, 0.1], None),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("where", LABELLED)
@pytest.mark.parametrize("grad_tol", [1e-6, 0.0])
def test_every_label_is_the_verdict_on_its_member(where, name, grad_tol):
    problem, start, hessian_at = LABELLED[where]
    family = rate_family(problem, start, name, hessian_at=hessian_at, max_steps=300,
                         grad_tol=grad_tol)  # fmt: skip
    alone = [verdict(problem, family.run(i)) for i in range(len(family.rates))]
    assert labels(family, problem) == [(v.kind, v.label) for v in alone]


def test_stops_stay_apart_and_the_asked_rate_replaces_a_close_one():
    plain = rate_grid(theory_marks(np.diag([1.0, 20.0]), "gd"), 20.0)
    close = plain[plain > 0.1][0] * 1.002  # 0.2 % from a stop: the slider could not tell them
    grid = rate_grid(theory_marks(np.diag([1.0, 20.0]), "gd"), 20.0, extra=(close,))
    assert close in grid and len(grid) == len(plain)
    assert np.min(np.diff(np.log(grid))) > 0.004
    overlapping = theory_marks(np.diag([1.0, 20.0]), "nesterov", momentum=0.1)  # 0.092 and 0.1
    assert np.min(np.diff(np.log(rate_grid(overlapping, 20.0)))) > 0.004
