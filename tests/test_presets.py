"""Every preset's listed minima are minima: the parsed gradient vanishes there and f is lowest."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import parse_objective
from gdviz.presets import PRESETS

CASES = [(name, m) for name, p in PRESETS.items() for m in p.minima]
KINKS = {"Ackley"}  # its minimum is the tip of a cone: ∇f is 0/0 there, undefined


@pytest.mark.parametrize(("name", "minimum"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_the_gradient_vanishes_at_each_listed_minimum(name, minimum):
    f = parse_objective(PRESETS[name].text)
    assert len(minimum) == f.dimension
    with np.errstate(all="ignore"):
        gradient = np.asarray(f.gradient(np.array(minimum, dtype=float)), dtype=float)
    if name in KINKS:
        assert np.all(np.isnan(gradient))
    else:
        assert np.linalg.norm(gradient) < 1e-4, gradient


@pytest.mark.parametrize(("name", "minimum"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_each_listed_minimum_is_a_local_minimum(name, minimum):
    """f rises in every direction of a small ring around the point (this also holds where the
    Hessian is singular, as at the bottom of x⁴)."""
    f = parse_objective(PRESETS[name].text)
    point = np.array(minimum, dtype=float)
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = np.column_stack([np.cos(angles), np.sin(angles)])[:, : f.dimension]
    around = point + 1e-3 * ring
    assert np.all(np.asarray(f.value(around)) > float(f.value(point)) - 1e-12)


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_starts_inside_its_window(name):
    preset = PRESETS[name]
    w = preset.window
    assert w.x_min <= preset.start[0] <= w.x_max
    if len(preset.start) > 1:
        assert w.y_min <= preset.start[1] <= w.y_max
