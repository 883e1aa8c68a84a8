"""The background's level lines against exact answers (micrograd style: same input, reference)."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.field import Window, background_image, level_lines, ranks, sample


def radius(point):
    return np.sqrt(np.sum(np.asarray(point) ** 2, axis=-1))


@pytest.mark.parametrize("level", [0.5, 1.0, 2.0])
def test_a_level_line_of_the_distance_is_a_circle_of_that_radius(level):
    field = sample(radius, Window(-3, 3, -3, 3), 121)
    xs, ys = level_lines(field, np.array([level]))
    points = np.column_stack([xs, ys])[~np.isnan(xs)]
    assert len(points) > 50
    grid_step = 6 / 120
    # Linear interpolation along a cell edge of a cone is exact: only the chord sagitta is left.
    np.testing.assert_allclose(radius(points), level, atol=grid_step**2)
    angles = np.sort(np.arctan2(points[:, 1], points[:, 0]))
    assert np.max(np.diff(angles)) < 4 * grid_step / level  # the whole circle, no gaps


def test_separate_pieces_are_split_by_nan_and_levels_outside_give_nothing():
    field = sample(radius, Window(-3, 3, -3, 3), 61)
    xs, _ = level_lines(field, np.array([1.0, 2.0]))
    assert np.isnan(xs).sum() == 2  # two closed circles, one NaN after each
    empty = level_lines(field, np.array([100.0]))
    assert empty[0].size == 0 and empty[1].size == 0


def test_ranks_spread_values_evenly_and_keep_nan():
    result = ranks(np.array([10.0, np.nan, -5.0, 3.0]))
    np.testing.assert_allclose(result[[0, 2, 3]], [1.0, 0.0, 0.5])
    assert np.isnan(result[1])


def test_the_background_is_a_png_data_uri():
    uri = background_image(sample(radius, Window(-1, 1, -1, 1), 20))
    assert uri.startswith("data:image/png;base64,")
