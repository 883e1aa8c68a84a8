"""gdviz.step_state: the replayed state of every optimizer against a hand computation and the
engine's own path (θₖ + Δₖ = θₖ₊₁ ties the replay to the engine)."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import descend, parse_objective
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import step_decay
from gdviz.step_state import bias_corrected, direction_and_scale, replay

BOWL = parse_objective("x^2 + 10y^2")  # ∇J = (2x, 20y), by hand below
START = np.array([-2.6, 1.2])
RATE = 0.05
HYPER = {"momentum": 0.8, "alpha": 0.9, "beta1": 0.85, "beta2": 0.99, "eps": 1e-8}


def gradient(theta):
    return np.array([2 * theta[0], 20 * theta[1]])


def by_hand(name: str, steps: int = 2):
    """REFERENCE §1 written out: (θ, g, state after, Δ) for the first ``steps`` steps."""
    mu, rho, b1, b2, eps = (HYPER[k] for k in ("momentum", "alpha", "beta1", "beta2", "eps"))
    theta, v, s, m = START.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    rows = []
    for t in range(1, steps + 1):
        g = gradient(theta)
        if name == "gd":
            delta, state = -RATE * g, {}
        elif name == "momentum":
            v = mu * v + g
            delta, state = -RATE * v, {"velocity": v}
        elif name == "nesterov":
            v = mu * v + g
            delta, state = -RATE * (g + mu * v), {"velocity": v}
        elif name == "adagrad":
            s = s + g**2
            delta, state = -RATE * g / (np.sqrt(s) + 1e-10), {"sum_of_squares": s}
        elif name == "rmsprop":
            s = rho * s + (1 - rho) * g**2
            delta, state = -RATE * g / (np.sqrt(s) + eps), {"mean_of_squares": s}
        else:
            m = b1 * m + (1 - b1) * g
            s = b2 * s + (1 - b2) * g**2
            m_hat, v_hat = m / (1 - b1**t), s / (1 - b2**t)
            delta = -RATE * m_hat / (np.sqrt(v_hat) + eps)
            state = {"mean": m, "mean_of_squares": s, "m_hat": m_hat, "v_hat": v_hat}
        rows.append((theta.copy(), g, {key: value.copy() for key, value in state.items()}, delta))
        theta = theta + delta
    return rows


def make(name: str, learning_rate=RATE):
    eps = 1e-10 if name == "adagrad" else HYPER["eps"]
    return OPTIMIZERS[name].make(learning_rate, **(HYPER | {"eps": eps}))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_first_two_steps_equal_a_hand_computation_and_the_engine(name):
    optimizer = make(name)
    run = descend(BOWL, START, optimizer, max_steps=10, grad_tol=0)
    steps = replay(BOWL.gradient, run, optimizer)
    for k, (theta, g, state, delta) in enumerate(by_hand(name)):
        step = steps.step(k)
        np.testing.assert_allclose(step.point, theta, rtol=1e-12)
        np.testing.assert_allclose(step.gradient, g, rtol=1e-12)
        assert step.learning_rate == RATE and step.after.count == k + 1
        for field, value in state.items():
            if field in ("m_hat", "v_hat"):
                continue
            np.testing.assert_allclose(getattr(step.after, field), value, rtol=1e-12)
        if name == "adam":
            np.testing.assert_allclose(bias_corrected(steps, k), (state["m_hat"], state["v_hat"]))
        np.testing.assert_allclose(step.update, delta, rtol=1e-12)
        np.testing.assert_allclose(run.points[k + 1], theta + delta, rtol=1e-12)  # the engine
        if k:  # the state carried into step k is the one step k − 1 left
            previous = steps.step(k - 1).after
            assert all(np.array_equal(a, b) for a, b in zip(step.before, previous, strict=True))


CASES = [
    ("x^2 + 10y^2", (-2.6, 1.2)),
    ("(1-x)^2 + 100(y - x^2)^2", (-1.2, 1.0)),
    ("sin(x)*cos(y) + 0.1(x^2 + y^2)", (1.0, 2.0)),
    ("x^4 - 3x^2 + x", (2.0,)),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the engine's own overflow on Rosenbrock
@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize(("text", "start"), CASES)
def test_every_replayed_step_lands_on_the_engines_next_point(name, text, start):
    f = parse_objective(text)
    optimizer = make(name, step_decay(0.01, step_size=40, gamma=0.5))
    run = descend(f, np.array(start), optimizer, max_steps=300)
    steps = replay(f.gradient, run, optimizer)
    assert steps.steps == run.steps and len(steps.points) == run.steps + 1
    np.testing.assert_allclose(steps.learning_rates, run.learning_rates)
    np.testing.assert_allclose(steps.points[:-1] + steps.updates, run.points[1:], rtol=1e-10,
                               atol=1e-12)  # fmt: skip
    for k in (0, run.steps // 2, run.steps - 1):  # Δ = −α c ⊙ u, the decomposition drawn
        direction, scale = direction_and_scale(steps, k)
        np.testing.assert_allclose(-steps.learning_rates[k] * scale * direction,
                                   steps.updates[k], rtol=1e-9, atol=1e-15)  # fmt: skip


def test_a_run_of_a_batch_replays_on_its_own():
    """Compared learning rates run as one batch; run i replays with its own rate alone."""
    rates = np.array([0.02, 0.05, 0.09])
    batch = descend(BOWL, np.tile(START, (3, 1)), make("momentum", rates), max_steps=200)
    for i, rate in enumerate(rates):
        run = batch.run(i)
        steps = replay(BOWL.gradient, run, make("momentum", float(rate)))
        np.testing.assert_allclose(steps.points[:-1] + steps.updates, run.points[1:], rtol=1e-10)


def test_a_diverged_run_replays_to_its_last_point():
    optimizer = make("gd", 0.2)
    run = descend(BOWL, START, optimizer, max_steps=200)
    assert run.status == "diverged"
    steps = replay(BOWL.gradient, run, optimizer)
    finite = np.isfinite(run.points[1:]).all(axis=1)
    np.testing.assert_allclose((steps.points[:-1] + steps.updates)[finite], run.points[1:][finite])
    with pytest.raises(IndexError):
        steps.step(run.steps)
