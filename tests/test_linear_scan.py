"""The linear scan inside the engine: the step loop's paths, stops and messages, for every case
it covers (``by_loop`` switches the scan off to get the loop's answer)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from gdviz import linear_scan, optimizers, schedules
from gdviz.engine import descend
from gdviz.linear_scan import advance, covers, run_maps
from gdviz.problems import LeastSquares, seed_example

SEED_THETA = [-3.54595031, 2.99372633]  # the seed note: α = 0.01, 1,000 batch steps


def random_problem(m: int = 40, d: int = 2, seed: int = 0) -> LeastSquares:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(m), rng.normal(size=(m, d - 1)) * 2 + 1])
    return LeastSquares(X, X @ rng.normal(size=d) + rng.normal(size=m))


RATES = {
    "constant": lambda rate: rate,
    "step_decay": lambda rate: schedules.step_decay(rate, step_size=37, gamma=0.5),
    "inverse_time": lambda rate: schedules.inverse_time(rate, decay=0.01),
    "cosine": lambda rate: schedules.cosine(rate, total_steps=500, min_learning_rate=rate / 10),
}
FACTORIES = {
    "gd": optimizers.gd,
    "momentum": lambda rate: optimizers.momentum(rate, momentum=0.8),
    "nesterov": lambda rate: optimizers.nesterov(rate, momentum=0.7),
}


def by_loop(*args, **kwargs):
    """:func:`descend` through its step loop, as if the scan did not exist."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linear_scan, "covers", lambda *_: False)
        return descend(*args, **kwargs)


def assert_same(fast, slow):
    """Equal to rounding: every point, value and norm; the same stop, status and message."""
    assert (fast.steps, fast.status, fast.message) == (slow.steps, slow.status, slow.message)
    scale = 1 + np.max(np.abs(slow.points))
    np.testing.assert_allclose(fast.points, slow.points, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(fast.values, slow.values, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.grad_norms, slow.grad_norms, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(fast.learning_rates, slow.learning_rates, rtol=1e-15)


def test_the_seed_example_through_the_scan(monkeypatch):
    calls = []
    monkeypatch.setattr(linear_scan, "advance", lambda *a: calls.append(a) or advance(*a))
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.01), max_steps=1000)
    np.testing.assert_allclose(run.final_point, SEED_THETA, atol=5e-9)
    assert run.status == "max_steps" and run.steps == 1000
    assert len(calls) == 1  # 1,000 steps: one chunk of the scan, no step loop


@pytest.mark.parametrize("schedule", list(RATES))
@pytest.mark.parametrize("name", list(FACTORIES))
@pytest.mark.parametrize("batch_size", [None, 1, 2])
def test_scan_matches_the_engine_on_the_seed_data(name, schedule, batch_size):
    optimizer = FACTORIES[name](RATES[schedule](0.02))
    arguments = {"max_steps": 1500, "batch_size": batch_size, "seed": 3, "grad_tol": 1e-9}
    fast = descend(seed_example(), [0.0, 0.0], optimizer, **arguments)
    assert_same(fast, by_loop(seed_example(), [0.0, 0.0], optimizer, **arguments))


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("name", list(FACTORIES))
@pytest.mark.parametrize("batch_size", [None, 1, 7])
def test_scan_matches_the_engine_on_random_data(name, batch_size, d):
    problem = random_problem(d=d, seed=d)
    optimizer = FACTORIES[name](RATES["inverse_time"](0.01))
    start = np.linspace(-1, 2, d)
    arguments = {"max_steps": 800, "batch_size": batch_size, "seed": 5}
    fast = descend(problem, start, optimizer, **arguments)
    assert_same(fast, by_loop(problem, start, optimizer, **arguments))


@pytest.mark.parametrize(
    ("optimizer", "rules", "status"),
    [
        (optimizers.momentum(0.02), {}, "converged_gradient"),
        (optimizers.gd(0.05), {"grad_tol": 0, "value_tol": 1e-6}, "converged_value"),
        (optimizers.gd(0.1), {}, "diverged"),  # α > 2/λmax ≈ 0.0943
        (optimizers.gd(0.01), {"max_steps": 0}, "max_steps"),
    ],
)
def test_every_stop_rule_agrees_with_the_engine(optimizer, rules, status):
    fast = descend(seed_example(), [0.0, 0.0], optimizer, **rules)
    assert fast.status == status
    assert_same(fast, by_loop(seed_example(), [0.0, 0.0], optimizer, **rules))


def test_divergence_message_gives_the_stability_limit():
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.1))
    assert run.status == "diverged" and "try α < 0.0943" in run.message


def test_many_chunks_give_the_same_path_and_stop(monkeypatch):
    monkeypatch.setattr(linear_scan, "CHUNK", 7)
    problem = random_problem()
    for optimizer, rules in [
        (optimizers.nesterov(0.01), {"max_steps": 300, "batch_size": 3}),
        (optimizers.momentum(0.05), {"max_steps": 2000}),  # converges in a middle chunk
    ]:
        fast = descend(problem, [3.0, -2.0], optimizer, **rules)
        assert_same(fast, by_loop(problem, [3.0, -2.0], optimizer, **rules))


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_adaptive_optimizers_run_step_by_step(name):
    optimizer = getattr(optimizers, name)(0.05)
    assert not covers(seed_example(), optimizer, np.zeros(2))
    run = descend(seed_example(), [0.0, 0.0], optimizer, max_steps=200, batch_size=1)
    slow = by_loop(seed_example(), [0.0, 0.0], optimizer, max_steps=200, batch_size=1)
    np.testing.assert_array_equal(run.points, slow.points)


class Bowl:
    """Not a data problem: f = ‖θ‖²."""

    dimension = 2

    def value(self, points):
        return np.sum(np.asarray(points) ** 2, axis=-1)

    def gradient(self, points):
        return 2 * np.asarray(points, dtype=float)


def test_covers_only_single_least_squares_runs():
    gd = optimizers.gd(0.1)
    assert covers(seed_example(), gd, np.zeros(2))
    assert not covers(Bowl(), gd, np.zeros(2))
    assert not covers(seed_example(), gd, np.zeros((3, 2)))  # a batch of starts
    assert not covers(seed_example(), optimizers.gd(np.array([0.1, 0.2])), np.zeros(2))
    run = descend(Bowl(), [1.0, 1.0], gd, max_steps=5)
    np.testing.assert_allclose(run.final_point, [0.8**5, 0.8**5])


@pytest.mark.parametrize("count", [1, 2, 3, 8, 31, 64, 100])
def test_run_maps_equals_stepping_one_map_at_a_time(count):
    rng = np.random.default_rng(count)
    maps = rng.normal(size=(count, 3, 3)) / 2
    offsets, state = rng.normal(size=(count, 3)), rng.normal(size=3)
    expected, current = [], state
    for A, a in zip(maps, offsets, strict=True):
        current = A @ current + a
        expected.append(current)
    np.testing.assert_allclose(run_maps(maps, offsets, state), expected, atol=1e-12)


def test_twenty_epochs_of_sgd_on_100_000_points_run_through_the_scan():
    """A smoke test of the large case (timings: bench/data_bench.py), and of its memory: the
    path, values, norms, rates and batches take ~115 MB; a gradient per step would add 32 MB."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 100_000)
    problem = LeastSquares(
        np.column_stack([np.ones_like(x), x]), 1 + 2 * x + rng.normal(size=x.size)
    )
    tracemalloc.start()
    try:
        run = descend(problem, [0.0, 0.0], optimizers.gd(0.001), max_steps=2_000_000, batch_size=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.steps == 2_000_000 and run.status == "max_steps"
    assert np.linalg.norm(run.final_point - problem.solution) < 0.5
    assert peak < 130e6
