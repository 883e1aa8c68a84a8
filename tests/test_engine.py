"""The descent engine: convergence, stop rules and messages, batching, SGD, the seed example."""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pytest

from gdviz import chunking, messages, optimizers, parse_objective, schedules, verdict
from gdviz.engine import STATUSES, Trajectory, descend
from gdviz.optimizers import OPTIMIZERS
from gdviz.problems import LeastSquares, seed_example
from gdviz.theory import curvature

# Small problems written out here, so that most tests do not depend on the parser.


class Quadratic:
    """f(θ) = ½(θ − m)ᵀH(θ − m): gradient H(θ − m), Hessian H, over points (..., d)."""

    def __init__(self, hessian, minimum):
        self.H = np.asarray(hessian, dtype=float)
        self.minimum = np.asarray(minimum, dtype=float)

    def value(self, points):
        offset = np.asarray(points, dtype=float) - self.minimum
        return 0.5 * np.sum((offset @ self.H) * offset, axis=-1)

    def gradient(self, points):
        return (np.asarray(points, dtype=float) - self.minimum) @ self.H

    def hessian(self, point=None):
        return self.H


class Rosenbrock:
    """f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1)."""

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


class Logarithm:
    """f(x) = log(x): undefined (NaN) for x < 0, which GD reaches since f′ = 1/x > 0."""

    def value(self, points):
        return np.log(np.asarray(points)[..., 0])

    def gradient(self, points):
        return 1.0 / np.asarray(points, dtype=float)

    def hessian(self, point):
        return np.array([[-1.0 / point[0] ** 2]])


BOWL = Quadratic(np.diag([1.0, 10.0]), [1.0, -2.0])  # κ = 10, GD stable for α < 0.2
PARABOLA = Quadratic([[2.0]], [0.0])  # f(x) = x²


def test_trajectory_shapes_and_contents():
    run = descend(BOWL, [-1.5, 2.0], optimizers.gd(0.1), max_steps=30, grad_tol=0)
    assert isinstance(run, Trajectory) and not run.batched
    n = run.steps
    assert n == 30 and run.status == "max_steps"
    assert run.points.shape == (n + 1, 2)
    assert run.values.shape == run.grad_norms.shape == (n + 1,)
    assert run.learning_rates.shape == (n,)
    np.testing.assert_array_equal(run.points[0], [-1.5, 2.0])
    np.testing.assert_array_equal(run.final_point, run.points[-1])
    np.testing.assert_allclose(run.values, BOWL.value(run.points), rtol=1e-15)
    np.testing.assert_allclose(
        run.grad_norms, np.linalg.norm(BOWL.gradient(run.points), axis=-1), rtol=1e-15
    )
    # Each point is the previous one minus α times its gradient.
    steps = run.points[1:] - run.points[:-1]
    np.testing.assert_allclose(steps, -0.1 * BOWL.gradient(run.points[:-1]), rtol=1e-13)


# Every optimizer reaches the minimum (registry default learning rates are meant to be sensible).


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_reaches_the_minimum_of_a_convex_quadratic(name):
    spec = OPTIMIZERS[name]
    run = descend(BOWL, [-1.5, 2.0], spec.make(spec.default_learning_rate), max_steps=5000)
    assert run.status == "converged_gradient", run.message
    np.testing.assert_allclose(run.final_point, [1.0, -2.0], atol=1e-4)
    assert run.grad_norms[-1] < 1e-6 <= run.grad_norms[-2]
    assert run.message == f"Converged to a local minimum: ‖∇f‖ < 1e-6 after {run.steps} steps."
    assert verdict(BOWL, run).kind == "converged"


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_gets_through_the_rosenbrock_valley(name):
    """Some rate of a log sweep (run as one batch) reaches (1, 1) from (−1.5, 2)."""
    rates = np.logspace(-4, 0.5, 10)
    starts = np.tile([-1.5, 2.0], (len(rates), 1))
    run = descend(Rosenbrock(), starts, OPTIMIZERS[name].make(rates), max_steps=10_000)
    distances = np.max(np.abs(run.final_point - 1.0), axis=-1)
    assert np.nanmin(distances) < 0.05, dict(zip(rates.round(5), distances.round(3), strict=True))


# Batched runs equal the loop of single runs.


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_batched_run_equals_single_runs(name):
    spec = OPTIMIZERS[name]
    starts = np.array([[-1.5, 2.0], [3.0, 1.0], [1.0, -2.0], [0.0, 0.0], [2.0, 2.0]])
    # The third start is the minimum (stops at step 0); the last rate is absurd (diverges: at
    # 1e7 × RMSProp's default, f only reaches 1e12 × f(θ₀) on its first jump and comes back).
    rates = spec.default_learning_rate * np.array([1.0, 0.3, 1.0, 3.0, 1e9])
    batch = descend(BOWL, starts, spec.make(rates), max_steps=3000)
    assert batch.batched and batch.points.shape[1:] == (5, 2)
    assert batch.status[2] == "converged_gradient" and batch.steps[2] == 0
    assert batch.status[4] == "diverged"
    assert len(set(batch.steps.tolist())) >= 3, batch.steps  # the runs stop at different steps
    assert batch.points.shape[0] == batch.steps.max() + 1
    for i in range(len(starts)):
        single = descend(BOWL, starts[i], spec.make(float(rates[i])), max_steps=3000)
        alone = batch.run(i, BOWL)  # with the problem: the verdict's message, as descend gives
        assert (alone.status, alone.steps, alone.message) == (
            single.status,
            single.steps,
            single.message,
        )
        assert verdict(BOWL, batch.run(i)) == verdict(BOWL, single) == verdict(BOWL, batch)[i]
        np.testing.assert_array_equal(alone.points, single.points)
        np.testing.assert_array_equal(alone.values, single.values)
        np.testing.assert_array_equal(alone.grad_norms, single.grad_norms)
        np.testing.assert_array_equal(alone.learning_rates, single.learning_rates)
        # In the batch, a run that stopped early repeats its last point.
        n = batch.steps[i]
        repeated = np.broadcast_to(single.points[-1], (len(batch.points) - n, 2))
        np.testing.assert_array_equal(batch.points[n:, i], repeated)


def test_batched_summary_message_and_converged_flags():
    starts = np.array([[0.0, 0.0], [1.0, -2.0], [5.0, 5.0]])
    run = descend(BOWL, starts, optimizers.gd(np.array([0.1, 0.1, 0.25])), max_steps=2000)
    assert list(run.status) == ["converged_gradient", "converged_gradient", "diverged"]
    assert run.message == "3 runs: 2 converged gradient, 1 diverged."
    one = descend(BOWL, starts[:1], optimizers.gd(0.1), max_steps=2000)
    assert one.message == "1 run: 1 converged gradient."
    assert list(run.converged) == [True, True, False]
    single = descend(BOWL, [0.0, 0.0], optimizers.gd(0.1))
    assert bool(single.converged) is True
    with pytest.raises(ValueError):
        single.run(0)


def test_batched_starts_with_one_learning_rate():
    starts = np.random.default_rng(0).uniform(-3, 3, size=(6, 2))
    batch = descend(BOWL, starts, optimizers.momentum(0.02), max_steps=500)
    for i, start in enumerate(starts):
        single = descend(BOWL, start, optimizers.momentum(0.02), max_steps=500)
        np.testing.assert_array_equal(batch.run(i).points, single.points)
        assert batch.run(i).status == single.status


# Divergence: a status with a message, never an exception or a warning.


def first_step_above(threshold: float, learning_rate: float) -> int:
    """The seed's literal batch-GD loop, run until J(θ) first moves more than ``threshold`` ×
    max(1, |J(θ₀)|) away from J(θ₀) (the engine's relative divergence rule)."""
    X, y = np.array([[1.0, 2], [1, 3], [1, 4]]), np.array([2.0, 5, 9])
    theta = np.zeros(2)
    start = np.mean((X @ theta - y) ** 2)
    for k in range(10_000):
        if abs(np.mean((X @ theta - y) ** 2) - start) > threshold * max(1.0, abs(start)):
            return k
        theta = theta - learning_rate * 2 / 3 * X.T @ (X @ theta - y)
    raise AssertionError("did not diverge")


def test_seed_divergence_message_gives_the_stability_limit():
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.1))
    k = first_step_above(1e12, 0.1)
    assert run.status == "diverged" and run.steps == k
    assert run.message == (
        f"Diverging from step 1: f grew from 36.7 to {run.values[-1]:.3g}".replace("e+", "e")
        + f" and never came back down; stopped at step {k}, where f had moved more than 1e12 × "
        "max(1, |f(θ₀)|) from f(θ₀). The learning rate is too large for this function: "
        "try α < 0.0943 (2/λmax, exact for this quadratic)."
    )
    allowed = 1e12 * run.values[0]
    assert abs(run.values[-1] - run.values[0]) > allowed >= abs(run.values[-2] - run.values[0])


def test_momentum_divergence_advice_uses_its_own_limit():
    limit = 2 * (1 + 0.9) / curvature(seed_example().hessian()).largest  # 0.179
    run = descend(seed_example(), [0.0, 0.0], optimizers.momentum(0.2, momentum=0.9))
    assert run.status == "diverged"
    assert f"try α < {limit:.3g} (2(1+μ)/λmax, exact for this quadratic)." in run.message
    assert f"{limit:.3g}" == "0.179"


def test_divergence_without_a_hessian_suggests_a_smaller_rate():
    problem = Rosenbrock()  # no hessian method: no theory, just advice
    run = descend(problem, [-1.5, 2.0], optimizers.gd(0.02))
    assert run.status == "diverged"
    assert re.fullmatch(
        r"Diverging from step 1: .*\. The steps are too large here: "
        r"try a smaller learning rate \(e\.g\. α = 0\.002\)\.",
        run.message,
    ), run.message


def test_nan_ends_as_diverged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(Logarithm(), [1.0], optimizers.gd(0.5))  # x: 1 → 0.5 → −0.5
    assert run.status == "diverged" and run.steps == 2
    np.testing.assert_allclose(run.points[:, 0], [1.0, 0.5, -0.5])
    assert np.isnan(run.values[-1])
    assert run.message.startswith(
        "Undefined at step 2: the path left f's domain (at θ = -0.5, f = NaN)."
    )


def test_nan_in_a_batch_stops_only_that_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(Logarithm(), np.array([[1.0], [100.0]]), optimizers.gd(0.5), max_steps=50)
    assert list(run.status) == ["diverged", "max_steps"]
    assert np.all(np.isfinite(run.points[:, 1]))


def test_overflow_to_infinity_is_diverged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(PARABOLA, [1.0], optimizers.gd(3.0), divergence_threshold=np.inf)
    assert run.status == "diverged"
    assert np.isinf(run.values[-1])
    # f is inf from step k on; the engine ran on until θ itself overflowed (the threshold is off)
    k = int(np.argmax(np.isinf(run.values)))
    assert 0 < k < run.steps and verdict(PARABOLA, run).step == k
    assert run.message.startswith(
        f"Diverging from step 1: f grew from 1 until the numbers overflowed at step {k}."
    )


@pytest.mark.parametrize(
    ("problem", "start"),
    [
        (Logarithm(), [-1.0]),  # outside the domain: f is NaN
        (parse_objective("log(x)"), [-1.0]),
        (parse_objective("log(x)"), [0.0]),  # f = −inf
    ],
    ids=["log", "parsed-log", "parsed-log-at-0"],
)
def test_divergence_at_the_start_gives_no_nan_advice(problem, start):
    run = descend(problem, start, optimizers.gd(0.5))
    assert run.status == "diverged" and run.steps == 0
    assert "nan" not in run.message.split(":", 1)[1].replace("(NaN)", "").lower(), run.message
    assert run.message.startswith("Cannot start at θ₀")


def test_a_far_start_is_judged_by_its_growth_not_its_size():
    """f(θ₀) ≈ 3e14 far from the seed's minimum: with the threshold relative to f(θ₀) the run
    starts, and diverges because f grows (α = 0.5 > 0.0943), not because f is large."""
    run = descend(seed_example(), [1e7, 0.0], optimizers.gd(0.5))
    assert run.status == "diverged" and run.steps > 0
    assert verdict(seed_example(), run).kind == "diverging"
    calm = descend(seed_example(), [1e7, 0.0], optimizers.gd(0.05), max_steps=5000)
    assert verdict(seed_example(), calm).kind in ("converged", "too_slow")


def test_start_at_a_singularity_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(Logarithm(), [0.0], optimizers.gd(0.5))
    assert run.status == "diverged" and run.steps == 0


# Stop rules.


def test_exact_minimum_reached_in_one_step_then_tolerances_off_runs_to_max_steps():
    # On x², α = 0.5 lands exactly on 0 at step 1: f and ∇f are exactly 0 from then on.
    run = descend(PARABOLA, [1.0], optimizers.gd(0.5), max_steps=50, grad_tol=0, value_tol=0)
    assert run.status == "max_steps" and run.steps == 50
    np.testing.assert_array_equal(run.points[1:, 0], 0.0)
    run = descend(PARABOLA, [1.0], optimizers.gd(0.5), max_steps=50)
    assert run.status == "converged_gradient" and run.steps == 1
    assert run.message == "Converged to a local minimum: ‖∇f‖ < 1e-6 after 1 step."
    run = descend(PARABOLA, [1.0], optimizers.gd(0.5), max_steps=50, grad_tol=0, value_tol=1e-12)
    assert run.status == "converged_value" and run.steps == 2  # f: 1, 0, 0
    assert run.message == "Converged to a local minimum: |Δf| < 1e-12 after 2 steps."


def test_value_tol_stops_at_the_first_small_change():
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.05), grad_tol=0, value_tol=1e-6)
    assert run.status == "converged_value" and run.steps > 100
    changes = np.abs(np.diff(run.values))
    assert changes[-1] < 1e-6 and np.all(changes[:-1] >= 1e-6)
    # Along the seed's flat direction (λmin = 0.126) the run is still 0.035 from θ*, but at
    # the rate |Δf| shrinks less than 1e-4 of f is left to gain: the verdict calls it converged.
    assert run.message == f"Converged to a local minimum: |Δf| < 1e-6 after {run.steps} steps."


def test_grad_tol_stops_at_the_first_small_gradient():
    run = descend(BOWL, [-1.5, 2.0], optimizers.gd(0.05), grad_tol=1e-3)
    assert run.status == "converged_gradient"
    assert run.grad_norms[-1] < 1e-3 and np.all(run.grad_norms[:-1] >= 1e-3)


def test_max_steps_zero_gives_one_point():
    run = descend(BOWL, [0.0, 0.0], optimizers.adam(0.1), max_steps=0)
    assert run.status == "max_steps" and run.steps == 0
    assert run.points.shape == (1, 2) and run.learning_rates.shape == (0,)
    np.testing.assert_array_equal(run.points[0], [0.0, 0.0])


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_start_at_the_minimum_converges_at_step_zero(name):
    run = descend(BOWL, [1.0, -2.0], OPTIMIZERS[name].make(0.1))
    assert run.status == "converged_gradient" and run.steps == 0
    assert run.points.shape == (1, 2)
    assert run.message == "Converged to a local minimum: ‖∇f‖ < 1e-6 at the start."


def test_max_steps_message():
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.01), max_steps=1000)
    assert run.status == "max_steps"
    assert run.message == (
        f"Not converged yet: still descending after 1,000 steps (f = {run.values[-1]:.3g}, "
        f"‖∇f‖ = {run.grad_norms[-1]:.3g}) when the step limit stopped it. Allow more steps, or "
        "try a larger α: up to α* = 2/(λmin+λmax) = 0.0937, the fastest constant step (exact "
        "for this quadratic)."
    )


def test_max_steps_with_both_rules_off_says_so_instead_of_advising():
    run = descend(BOWL, [0.0, 0.0], optimizers.gd(0.1), max_steps=500, grad_tol=0, value_tol=0)
    assert run.grad_norms[-1] < 1e-12  # long converged, but no rule may say so
    settled = verdict(BOWL, run).step  # the step from which every step was rounding noise
    assert 100 < settled < 500
    assert run.message == (
        f"Converged to a local minimum in {settled} steps: after that the steps were rounding "
        "noise, but no stop rule fired, so it ran to the step limit (500 steps)."
    )


def test_max_steps_message_singular():
    run = descend(BOWL, [0.0, 0.0], optimizers.gd(0.01), max_steps=1)
    assert "after 1 step " in run.message and "1 steps" not in run.message, run.message
    assert messages.stop_fact(run) == "Stopped at the step limit (1 step): ‖∇f‖ = 18."


def test_rules_met_at_the_same_step_report_in_the_documented_order():
    """diverged, then converged_gradient, then converged_value, then max_steps."""
    k = first_step_above(1e12, 0.1)
    run = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.1), max_steps=k)
    assert (run.status, run.steps) == ("diverged", k)
    # x: 1e-4 → 0 exactly; at step 1 both ‖∇f‖ = 0 and |Δf| = 1e-8 are below their tolerances.
    run = descend(PARABOLA, [1e-4], optimizers.gd(0.5), grad_tol=1e-6, value_tol=1e-6)
    assert (run.status, run.steps) == ("converged_gradient", 1)
    run = descend(PARABOLA, [1e-4], optimizers.gd(0.5), max_steps=1, value_tol=1e-6)
    assert (run.status, run.steps) == ("converged_gradient", 1)
    run = descend(PARABOLA, [1e-4], optimizers.gd(0.5), max_steps=1, grad_tol=0, value_tol=1e-6)
    assert (run.status, run.steps) == ("converged_value", 1)


def test_every_status_is_reachable_and_listed():
    seen = {
        descend(BOWL, [0.0, 0.0], optimizers.gd(0.1)).status,
        descend(BOWL, [0.0, 0.0], optimizers.gd(0.1), grad_tol=0, value_tol=1e-3).status,
        descend(BOWL, [0.0, 0.0], optimizers.gd(0.1), max_steps=3).status,
        descend(BOWL, [0.0, 0.0], optimizers.gd(0.3)).status,
    }
    assert seen == set(STATUSES)


CHECK_EVERY_CASES = {
    "converges": (BOWL, [-1.5, 2.0], optimizers.nesterov(0.05), {}, "converged_gradient"),
    "diverges": (seed_example(), [0.0, 0.0], optimizers.gd(0.1), {}, "diverged"),
    "value_tol": (
        seed_example(),
        [0.0, 0.0],
        optimizers.gd(0.09),
        {"value_tol": 1e-4, "grad_tol": 0},
        "converged_value",
    ),
    "batched": (
        BOWL,
        [[-1.5, 2.0], [1.0, -2.0], [4.0, 4.0]],
        optimizers.adam(np.array([0.1, 0.1, 1e7])),
        {},
        ["converged_gradient", "converged_gradient", "diverged"],
    ),
    "sgd": (
        seed_example(),
        [0.0, 0.0],
        optimizers.gd(0.02),
        {"batch_size": 1, "seed": 3, "max_steps": 300},
        "max_steps",
    ),
    "max_steps": (
        Rosenbrock(),
        [-1.5, 2.0],
        optimizers.adam(0.01),
        {"grad_tol": 0, "max_steps": 300},
        "max_steps",
    ),
}


@pytest.mark.parametrize("case", CHECK_EVERY_CASES)
def test_check_every_does_not_change_results(case):
    """The stop rules are checked in blocks; the result must be that of checking every step."""
    problem, start, optimizer, options, status = CHECK_EVERY_CASES[case]
    runs = [
        descend(problem, start, optimizer, check_every=every, **options)
        for every in (1, 7, 64, 5000)
    ]
    np.testing.assert_array_equal(runs[0].status, status)
    for run in runs[1:]:
        np.testing.assert_array_equal(run.points, runs[0].points)
        # values are evaluated block by block: equal up to summation order (1 ulp)
        np.testing.assert_allclose(run.values, runs[0].values, rtol=1e-13)
        np.testing.assert_array_equal(run.status, runs[0].status)
        np.testing.assert_array_equal(run.steps, runs[0].steps)
        assert run.message == runs[0].message


def test_block_ends_grow_from_check_every_and_end_at_max_steps():
    ends = list(chunking.block_ends(1000, 64))
    sizes = np.diff([-1, *ends])
    assert list(sizes[:4]) == [64, 128, 256, 512] and ends[-1] == 1000
    assert all(size <= 512 for size in sizes)
    assert list(chunking.block_ends(5, 64)) == [5]
    assert list(chunking.block_ends(0, 64)) == [0]
    many = np.diff([-1, *chunking.block_ends(100, 64, runs=8192)])  # 8 steps × 8192 runs
    assert many.max() * 8192 <= chunking.BLOCK_POINTS and sum(many) == 101


def _chunked_and_whole(monkeypatch, optimizer, starts, **options):
    """The same batched call stepped 3 runs at a time, and all runs at once."""
    monkeypatch.setattr(chunking, "RUN_CHUNK", 3)
    chunked = descend(BOWL, starts, optimizer, **options)
    monkeypatch.setattr(chunking, "RUN_CHUNK", 10**6)
    return chunked, descend(BOWL, starts, optimizer, **options)


@pytest.mark.parametrize(
    "rates",
    [0.05, np.geomspace(0.01, 0.5, 8), schedules.exponential(np.geomspace(0.01, 0.5, 8), 0.99)],
    ids=["one rate", "a rate per run", "a schedule per run"],
)
def test_runs_stepped_in_chunks_equal_runs_stepped_together(monkeypatch, rates):
    """Many runs step RUN_CHUNK at a time (cache-sized arrays); a per-run learning rate is cut
    to each chunk. Runs that stop at different steps (0.5 diverges) cross chunk borders."""
    starts = np.random.default_rng(1).uniform(-3, 3, size=(8, 2))
    chunked, whole = _chunked_and_whole(monkeypatch, optimizers.momentum(rates), starts)
    assert len(set(whole.steps.tolist())) > 1  # the runs really stop at different steps
    for field in ("points", "values", "grad_norms", "learning_rates", "status", "steps"):
        np.testing.assert_array_equal(getattr(chunked, field), getattr(whole, field))


def test_an_unknown_optimizer_with_per_run_rates_steps_all_runs_together(monkeypatch):
    """chunking.run_chunks can only cut per-run rates of registry optimizers; others still run."""
    custom = optimizers.gd(np.array([0.01, 0.1, 0.15, 0.3]))._replace(name="custom")
    starts = np.ones((4, 2))
    chunked, whole = _chunked_and_whole(monkeypatch, custom, starts, max_steps=50)
    np.testing.assert_array_equal(chunked.points, whole.points)
    assert chunked.status[-1] == "diverged"


def test_learning_rates_recorded_equal_the_schedule():
    schedule = schedules.cosine(0.05, total_steps=80, min_learning_rate=0.001)
    run = descend(BOWL, [-1.5, 2.0], optimizers.momentum(schedule), max_steps=100, grad_tol=0)
    np.testing.assert_allclose(run.learning_rates, schedule(np.arange(100)), rtol=1e-15)
    rates = np.array([0.01, 0.1])
    batch = descend(
        BOWL, np.zeros((2, 2)), optimizers.gd(schedules.exponential(rates, 0.9)), max_steps=40
    )
    for i, rate in enumerate(rates):
        n = batch.steps[i]
        np.testing.assert_allclose(batch.run(i).learning_rates, rate * 0.9 ** np.arange(n))


def test_trajectory_is_frozen():
    run = descend(BOWL, [0.0, 0.0], optimizers.gd(0.1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.status = "converged_value"
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.points = np.zeros((1, 2))


def test_start_is_not_modified():
    start = np.array([[0.0, 0.0], [1.0, 1.0]])
    descend(BOWL, start, optimizers.gd(0.1))
    np.testing.assert_array_equal(start, [[0.0, 0.0], [1.0, 1.0]])


# The seed's worked example (REFERENCE §2) and stochastic descent on its data.

SEED_THETA = [-3.54595031, 2.99372633]


def test_seed_example_reproduces_the_reference():
    run = descend(seed_example(), [0, 0], optimizers.gd(0.01), max_steps=1000, grad_tol=0)
    assert run.status == "max_steps" and run.steps == 1000
    np.testing.assert_allclose(run.final_point, SEED_THETA, rtol=0, atol=5e-9)
    # The seed's literal loop, every iterate.
    X, y = np.array([[1.0, 2], [1, 3], [1, 4]]), np.array([2.0, 5, 9])
    m, lr, theta = len(y), 0.01, np.zeros(2)
    path = [theta.copy()]
    for _ in range(1000):
        theta -= lr * 2 / m * X.T @ (X @ theta - y)
        path.append(theta.copy())
    np.testing.assert_allclose(run.points, path, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(theta, SEED_THETA, rtol=0, atol=5e-9)


def test_full_batch_as_mini_batch_is_batch_gd():
    full = descend(seed_example(), [0, 0], optimizers.gd(0.01), max_steps=200, grad_tol=0)
    all_rows = descend(
        seed_example(), [0, 0], optimizers.gd(0.01), max_steps=200, grad_tol=0, batch_size=3
    )
    np.testing.assert_allclose(all_rows.points, full.points, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 2])
def test_stochastic_descent_is_seeded(batch_size):
    def run(seed):
        return descend(
            seed_example(),
            [0.0, 0.0],
            optimizers.gd(0.02),
            max_steps=300,
            grad_tol=0,
            batch_size=batch_size,
            seed=seed,
        )

    first, again, other = run(7), run(7), run(8)
    np.testing.assert_array_equal(first.points, again.points)
    assert not np.array_equal(first.points, other.points)
    full = descend(seed_example(), [0.0, 0.0], optimizers.gd(0.02), max_steps=300, grad_tol=0)
    assert not np.allclose(first.points, full.points)  # it really used batches
    # Values and gradient norms are always full-data, whatever the batches.
    np.testing.assert_allclose(first.values, seed_example().value(first.points), rtol=1e-14)
    np.testing.assert_allclose(
        first.grad_norms,
        np.linalg.norm(seed_example().gradient(first.points), axis=-1),
        rtol=1e-14,
    )


@pytest.mark.parametrize("batch_size", [1, 2])
def test_stochastic_descent_with_decay_reaches_least_squares(batch_size):
    problem = seed_example()
    schedule = schedules.inverse_time(0.04, decay=0.001)
    run = descend(
        problem,
        [0.0, 0.0],
        optimizers.gd(schedule),
        max_steps=10_000,
        grad_tol=0,
        batch_size=batch_size,
        seed=0,
    )
    np.testing.assert_allclose(problem.solution, [-5.1667, 3.5], atol=1e-4)
    np.testing.assert_allclose(run.final_point, problem.solution, atol=0.03)


def test_stochastic_steps_follow_the_batch_gradient():
    """One SGD step from θ is θ − α·(gradient on the row batch_rows chose)."""
    from gdviz.problems import batch_rows

    problem = seed_example()
    run = descend(
        problem, [0.0, 0.0], optimizers.gd(0.01), max_steps=12, grad_tol=0, batch_size=2, seed=4
    )
    rows = batch_rows(problem.n_samples, 2, 12, seed=4)
    for k in range(12):
        expected = run.points[k] - 0.01 * problem.gradient(run.points[k], rows[k])
        np.testing.assert_allclose(run.points[k + 1], expected, rtol=1e-13, atol=1e-15)


def test_batch_size_needs_a_data_problem():
    with pytest.raises(ValueError, match="data problem"):
        descend(BOWL, [0.0, 0.0], optimizers.gd(0.1), batch_size=1)


@pytest.mark.parametrize("batch_size", [0, 4])
def test_batch_size_must_fit_the_data(batch_size):
    with pytest.raises(ValueError, match="between 1 and 3"):
        descend(seed_example(), [0.0, 0.0], optimizers.gd(0.1), batch_size=batch_size)


def test_least_squares_with_many_rows_converges_to_lstsq():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(200), rng.normal(size=(200, 2))])
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)
    problem = LeastSquares(X, y)
    run = descend(problem, np.zeros(3), optimizers.gd(0.3), max_steps=5000, grad_tol=1e-10)
    assert run.status == "converged_gradient"
    np.testing.assert_allclose(run.final_point, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-9)


# With the real parser: parsed objectives behave like the hand-written problems above.


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_parsed_quadratic_matches_the_hand_written_one(name):
    rate = OPTIMIZERS[name].default_learning_rate / 2
    parsed = descend(parse_objective("x^2 + 10y^2"), [-1.5, 2.0], OPTIMIZERS[name].make(rate))
    by_hand = descend(
        Quadratic(np.diag([2.0, 20.0]), [0.0, 0.0]), [-1.5, 2.0], OPTIMIZERS[name].make(rate)
    )
    assert (
        (parsed.status, parsed.steps)
        == (by_hand.status, by_hand.steps)
        == (
            "converged_gradient",
            by_hand.steps,
        )
    )
    np.testing.assert_allclose(parsed.points, by_hand.points, rtol=1e-12, atol=1e-15)


def test_parsed_rosenbrock_matches_the_hand_written_one():
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [2.0, -1.0]])
    parsed = parse_objective("(1-x)^2 + 100(y - x^2)^2")
    for start in [starts[0], starts]:  # one run (scalar fast path) and a batch
        run = descend(parsed, start, optimizers.adam(0.01), max_steps=2000)
        by_hand = descend(Rosenbrock(), start, optimizers.adam(0.01), max_steps=2000)
        np.testing.assert_array_equal(run.status, by_hand.status)
        np.testing.assert_array_equal(run.steps, by_hand.steps)
        np.testing.assert_allclose(run.points, by_hand.points, rtol=0, atol=1e-9)
        np.testing.assert_allclose(run.values, by_hand.values, rtol=1e-6, atol=1e-14)


def test_parsed_divergence_advice_uses_the_parsed_hessian():
    # Hessian diag(2, 20): GD is stable for α < 2/20 = 0.1.
    run = descend(parse_objective("x^2 + 10y^2"), [1.0, 1.0], optimizers.gd(0.15))
    assert run.status == "diverged"
    assert run.message.endswith(
        "The learning rate is too large for this function: try α < 0.1 (2/λmax, exact for this "
        "quadratic)."
    )


def test_parsed_logarithm_leaves_its_domain_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(parse_objective("log(x)"), [1.0], optimizers.gd(0.5))
        batch = descend(parse_objective("log(x)"), [[1.0], [50.0]], optimizers.gd(0.5))
    assert (run.status, run.steps) == ("diverged", 2)
    assert run.message.startswith("Undefined at step 2: the path left f's domain")
    assert list(batch.status) == ["diverged", "max_steps"]  # x → √(2500 − k): never leaves
    np.testing.assert_array_equal(batch.run(0).points, run.points)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("text", ["(1-x)^2 + 100(y - x^2)^2", "x^4 - 3x^2 + x", "log(x) + y^2"])
def test_single_run_float_path_matches_the_array_path(name, text):
    """A single run steps on Python floats (stepping.scalar_loop); a learning-rate array of shape
    (1,) forces the NumPy path. Both must give the same run."""

    objective = parse_objective(text)
    start = [0.5, 1.5][: objective.dimension]
    rate = 0.3 * OPTIMIZERS[name].default_learning_rate
    floats = descend(objective, start, OPTIMIZERS[name].make(rate), max_steps=300)
    arrays = descend(objective, [start], OPTIMIZERS[name].make(np.array([rate])), max_steps=300)
    assert str(arrays.status[0]) == floats.status and int(arrays.steps[0]) == floats.steps
    np.testing.assert_allclose(arrays.points[:, 0], floats.points, rtol=1e-9, atol=1e-12)
    assert arrays.run(0, objective).message == floats.message


def test_the_divergence_threshold_is_relative_to_f_at_the_start():
    """|f(θ_k) − f(θ₀)| > threshold · max(1, |f(θ₀)|): a start at a minimum where f ≈ 1e13 is not
    diverged, and each run of a batch is measured from its own start."""
    huge = parse_objective("exp(30 + x^2 + y^2)")
    run = descend(huge, [0.0, 0.0], optimizers.gd(0.1))
    assert (run.status, run.steps) == ("converged_gradient", 0) and run.values[0] > 1e13
    starts = np.array([[1.0, -1.9], [1.0, -1.0]])  # f(θ₀) = 0.05 (max(1, ·) = 1) and 5
    batch = descend(BOWL, starts, optimizers.gd(0.25), max_steps=200, divergence_threshold=10)
    assert list(batch.status) == ["diverged", "diverged"]  # αλmax = 2.5: f × 2.25 a step
    for i in range(2):
        values = batch.run(i).values
        allowed = 10 * max(1.0, abs(values[0]))
        assert abs(values[-1] - values[0]) > allowed >= abs(values[-2] - values[0])
