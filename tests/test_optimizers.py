"""Optimizers: the first two steps by hand, batching, schedules, PyTorch defaults, the registry."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from gdviz import optimizers
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import step_decay


def two_steps(optimizer, start=1.0, gradient=lambda x: 2 * x):
    """Apply ``optimizer`` twice (optax style: init, then update and add) and return x1, x2."""
    params = np.atleast_1d(np.asarray(start, dtype=float))
    state = optimizer.init(params)
    path = []
    for _ in range(2):
        updates, state = optimizer.update(gradient(params), state)
        params = params + updates
        path.append(params)
    return path


def approx(value):
    return pytest.approx(value, rel=1e-12, abs=1e-15)


# f(x) = x², f'(x) = 2x, x0 = 1, so g0 = 2.


def test_gd_by_hand():
    x1, x2 = two_steps(optimizers.gd(0.1))
    assert x1 == approx(1 - 0.1 * 2)  # 0.8
    assert x2 == approx(0.8 - 0.1 * 1.6)  # 0.64
    assert x2 == approx(0.64)


def test_momentum_by_hand():
    x1, x2 = two_steps(optimizers.momentum(0.1, momentum=0.9))
    v1 = 0.9 * 0 + 2  # v0 = 0, so v1 = g0
    assert x1 == approx(1 - 0.1 * v1)  # 0.8
    g1 = 2 * 0.8
    v2 = 0.9 * v1 + g1  # 1.8 + 1.6 = 3.4
    assert x2 == approx(0.8 - 0.1 * v2)
    assert x2 == approx(0.46)


def test_nesterov_by_hand():
    x1, x2 = two_steps(optimizers.nesterov(0.1, momentum=0.9))
    v1 = 2.0
    assert x1 == approx(1 - 0.1 * (2 + 0.9 * v1))  # 0.62
    assert x1 == approx(0.62)
    g1 = 2 * 0.62  # 1.24
    v2 = 0.9 * v1 + g1  # 1.8 + 1.24 = 3.04
    assert x2 == approx(0.62 - 0.1 * (g1 + 0.9 * v2))
    assert x2 == approx(0.2224)


def test_adagrad_by_hand():
    eps = 1e-10
    x1, x2 = two_steps(optimizers.adagrad(0.1))
    s1 = 0 + 2**2  # 4
    assert x1 == approx(1 - 0.1 * 2 / (math.sqrt(s1) + eps))  # 0.9
    assert x1 == pytest.approx(0.9, abs=1e-10)
    g1 = 2 * x1[0]  # 1.8
    s2 = s1 + g1**2  # 4 + 3.24 = 7.24
    assert x2 == approx(x1[0] - 0.1 * g1 / (math.sqrt(s2) + eps))
    assert x2 == pytest.approx(0.9 - 0.1 * 1.8 / math.sqrt(7.24), abs=1e-10)


def test_rmsprop_by_hand():
    eps = 1e-8
    x1, x2 = two_steps(optimizers.rmsprop(0.01, alpha=0.99))
    s1 = 0.99 * 0 + 0.01 * 2**2  # 0.04, √s1 = 0.2
    assert x1 == approx(1 - 0.01 * 2 / (math.sqrt(s1) + eps))  # 1 - 0.01·10 = 0.9
    assert x1 == pytest.approx(0.9, abs=1e-7)
    g1 = 2 * x1[0]  # 1.8
    s2 = 0.99 * s1 + 0.01 * g1**2  # 0.0396 + 0.0324 = 0.072
    assert x2 == approx(x1[0] - 0.01 * g1 / (math.sqrt(s2) + eps))
    assert x2 == pytest.approx(0.9 - 0.01 * 1.8 / math.sqrt(0.072), abs=1e-7)


def test_adam_by_hand():
    eps = 1e-8
    x1, x2 = two_steps(optimizers.adam(0.1))
    # t = 1: m1 = 0.1·2 = 0.2, v1 = 0.001·4 = 0.004, m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4,
    # so the step is 0.1 · 2/(2 + eps): exactly lr·sign(g) up to eps.
    assert x1 == approx(1 - 0.1 * 2 / (2 + eps))
    assert x1 == pytest.approx(0.9, abs=1e-9)
    g1 = 2 * x1[0]  # 1.8
    m2 = 0.9 * 0.2 + 0.1 * g1  # 0.18 + 0.18 = 0.36
    v2 = 0.999 * 0.004 + 0.001 * g1**2  # 0.003996 + 0.00324 = 0.007236
    m_hat = m2 / (1 - 0.9**2)  # 0.36 / 0.19
    v_hat = v2 / (1 - 0.999**2)  # 0.007236 / 0.001999
    assert x2 == approx(x1[0] - 0.1 * m_hat / (math.sqrt(v_hat) + eps))
    assert x2 == pytest.approx(0.9 - 0.1 * (0.36 / 0.19) / math.sqrt(0.007236 / 0.001999))


# f(x, y) = x² + 10y², gradient (2x, 20y), start (1, 1): the slopes differ tenfold.


def quadratic_2d_gradient(params):
    return params * np.array([2.0, 20.0])


def test_adam_scales_each_coordinate():
    x1, x2 = two_steps(optimizers.adam(0.1), [1.0, 1.0], quadratic_2d_gradient)
    # First step: lr·sign(g) in each coordinate, whatever the slope.
    np.testing.assert_allclose(x1, [0.9, 0.9], atol=1e-9)
    g0, g1 = np.array([2.0, 20.0]), quadratic_2d_gradient(x1)  # g1 ≈ [1.8, 18]
    m2 = 0.9 * 0.1 * g0 + 0.1 * g1
    v2 = 0.999 * 0.001 * g0**2 + 0.001 * g1**2
    expected = x1 - 0.1 * (m2 / (1 - 0.9**2)) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(x2, expected, rtol=1e-12)
    m_hat = (0.9 * 0.2 + 0.1 * 1.8) / (1 - 0.9**2)  # the same in both coordinates, × 10 in y
    v_hat = (0.999 * 0.004 + 0.001 * 3.24) / (1 - 0.999**2)  # × 100 in y
    np.testing.assert_allclose(x2, 0.9 - 0.1 * m_hat / np.sqrt(v_hat), rtol=1e-7)
    # Both coordinates see gradients in the same ratio, so they move by the same amount
    assert x2[0] == pytest.approx(x2[1], rel=1e-7)  # up to eps


def test_adagrad_scales_each_coordinate():
    x1, x2 = two_steps(optimizers.adagrad(0.1), [1.0, 1.0], quadratic_2d_gradient)
    np.testing.assert_allclose(x1, [0.9, 0.9], atol=1e-10)  # 0.1 · g/√g² in each coordinate
    s2 = np.array([4 + 1.8**2, 400 + 18.0**2])  # [7.24, 724]
    expected = np.array([0.9 - 0.1 * 1.8 / math.sqrt(7.24), 0.9 - 0.1 * 18 / math.sqrt(724)])
    np.testing.assert_allclose(x2, expected, rtol=1e-9)
    np.testing.assert_allclose(x2, 0.9 - 0.1 * np.array([1.8, 18.0]) / np.sqrt(s2), rtol=1e-9)


def test_gd_does_not_scale_coordinates():
    x1, _ = two_steps(optimizers.gd(0.01), [1.0, 1.0], quadratic_2d_gradient)
    np.testing.assert_allclose(x1, [1 - 0.01 * 2, 1 - 0.01 * 20])  # [0.98, 0.8]


# Batches of runs and learning-rate arrays, for every optimizer in the registry.


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_learning_rate_array_scales_each_run(name):
    spec = OPTIMIZERS[name]
    rates = np.array([0.01, 0.05, 0.2])
    starts = np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 0.25]])
    batched = two_steps(spec.make(rates), starts, quadratic_2d_gradient)
    for i, rate in enumerate(rates):
        single = two_steps(spec.make(float(rate)), starts[i], quadratic_2d_gradient)
        for step in range(2):
            np.testing.assert_allclose(batched[step][i], single[step], rtol=1e-14, atol=1e-300)
    # The runs really differ (a rate broadcast the wrong way would make rows mix or coincide).
    assert not np.allclose(batched[0][0] - starts[0], batched[0][2] - starts[2])


def test_gd_learning_rate_array_by_hand():
    rates = np.array([0.1, 0.2, 0.3])
    x1, _ = two_steps(optimizers.gd(rates), np.ones((3, 2)))
    np.testing.assert_allclose(x1, [[0.8, 0.8], [0.6, 0.6], [0.4, 0.4]])  # 1 − lr·2


def test_gd_schedule_by_hand():
    x1, x2 = two_steps(optimizers.gd(step_decay(0.1, step_size=1, gamma=0.5)))
    assert x1 == approx(1 - 0.1 * 2)  # step 0 uses 0.1
    assert x2 == approx(0.8 - 0.05 * 1.6)  # step 1 uses 0.05: 0.72


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_schedule_is_called_with_zero_based_step(name):
    calls = []

    def schedule(step):
        calls.append(int(step))
        return 0.1

    optimizer = OPTIMIZERS[name].make(schedule)
    state = optimizer.init(np.ones(2))
    for _ in range(3):
        _, state = optimizer.update(np.ones(2), state)
    assert calls[-3:] == [0, 1, 2]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_schedule_multiplies_each_update(name):
    """The state never depends on the rate, so update k with a schedule = rate(k) × (rate 1)."""
    spec = OPTIMIZERS[name]
    schedule = step_decay(0.3, step_size=2, gamma=0.1)  # 0.3, 0.3, 0.03, 0.03, 0.003
    scheduled, unit = spec.make(schedule), spec.make(1.0)
    state_s, state_u = scheduled.init(np.zeros(2)), unit.init(np.zeros(2))
    rng = np.random.default_rng(0)
    for step in range(5):
        grads = rng.normal(size=2)
        update_s, state_s = scheduled.update(grads, state_s)
        update_u, state_u = unit.update(grads, state_u)
        np.testing.assert_allclose(update_s, schedule(step) * update_u, rtol=1e-13)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_update_is_pure(name):
    """Calling update twice on the same state gives the same result and leaves the state alone."""
    optimizer = OPTIMIZERS[name].make(0.1)
    state = optimizer.init(np.array([1.0, 2.0]))
    _, state = optimizer.update(np.array([0.5, -1.0]), state)
    snapshot = [np.copy(part) for part in state]
    first, _ = optimizer.update(np.array([0.3, 0.7]), state)
    second, _ = optimizer.update(np.array([0.3, 0.7]), state)
    np.testing.assert_array_equal(first, second)
    for before, after in zip(snapshot, state, strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_zero_gradient_gives_zero_update(name):
    optimizer = OPTIMIZERS[name].make(0.1)
    state = optimizer.init(np.zeros((4, 3)))
    updates, _ = optimizer.update(np.zeros((4, 3)), state)
    assert updates.shape == (4, 3)
    np.testing.assert_array_equal(updates, 0.0)


# Defaults: PyTorch's torch.optim values (the learning rates are ours).

TORCH_DEFAULTS = {
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


@pytest.mark.parametrize("name", TORCH_DEFAULTS)
def test_defaults_match_pytorch(name):
    parameters = inspect.signature(getattr(optimizers, name)).parameters
    for key, value in TORCH_DEFAULTS[name].items():
        assert parameters[key].default == value, f"{name}.{key}"


# The registry feeds the UI: names, defaults and slider ranges must agree with the factories.


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_registry_entry(name):
    spec = OPTIMIZERS[name]
    assert spec.name == name
    assert spec.update_latex.strip() and spec.display_name.strip() and spec.summary.strip()
    assert spec.default_learning_rate > 0
    optimizer = spec.make(spec.default_learning_rate)
    assert optimizer.name == name
    assert optimizer.learning_rate(0) == pytest.approx(spec.default_learning_rate)
    factory_parameters = inspect.signature(spec.factory).parameters
    for knob in spec.hyperparameters:
        assert knob.name in factory_parameters, knob.name
        assert knob.default == factory_parameters[knob.name].default, knob.name
        assert knob.minimum <= knob.default <= knob.maximum, knob.name
        assert knob.label.strip() and knob.help.strip()
    assert optimizer.hyperparameters == {knob.name: knob.default for knob in spec.hyperparameters}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_registry_make_passes_known_and_ignores_unknown(name):
    spec = OPTIMIZERS[name]
    chosen = {knob.name: (knob.minimum + knob.maximum) / 2 for knob in spec.hyperparameters}
    optimizer = spec.make(0.1, **chosen, not_a_hyperparameter=123.0)
    assert optimizer.hyperparameters == chosen


def test_registry_holds_the_six_variants():
    assert set(OPTIMIZERS) >= {"gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
