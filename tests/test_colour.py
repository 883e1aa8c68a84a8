"""The colour checks against published reference values: CIEDE2000 against Sharma, Wu & Dalal's
34 test pairs (2005, Table 1), Machado's matrices against the paper's properties, CIELAB and
WCAG contrast against known values."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import colour

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
# supplementary test data, and mathematical observations", Table 1: L1 a1 b1, L2 a2 b2, ΔE00.
SHARMA = """
50.0000 2.6772 -79.7751 50.0000 0.0000 -82.7485 2.0425
50.0000 3.1571 -77.2803 50.0000 0.0000 -82.7485 2.8615
50.0000 2.8361 -74.0200 50.0000 0.0000 -82.7485 3.4412
50.0000 -1.3802 -84.2814 50.0000 0.0000 -82.7485 1.0000
50.0000 -1.1848 -84.8006 50.0000 0.0000 -82.7485 1.0000
50.0000 -0.9009 -85.5211 50.0000 0.0000 -82.7485 1.0000
50.0000 0.0000 0.0000 50.0000 -1.0000 2.0000 2.3669
50.0000 -1.0000 2.0000 50.0000 0.0000 0.0000 2.3669
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0009 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0010 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0011 7.2195
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0012 7.2195
50.0000 -0.0010 2.4900 50.0000 0.0009 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0010 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0011 -2.4900 4.7461
50.0000 2.5000 0.0000 50.0000 0.0000 -2.5000 4.3065
50.0000 2.5000 0.0000 73.0000 25.0000 -18.0000 27.1492
50.0000 2.5000 0.0000 61.0000 -5.0000 29.0000 22.8977
50.0000 2.5000 0.0000 56.0000 -27.0000 -3.0000 31.9030
50.0000 2.5000 0.0000 58.0000 24.0000 15.0000 19.4535
50.0000 2.5000 0.0000 50.0000 3.1736 0.5854 1.0000
50.0000 2.5000 0.0000 50.0000 3.2972 0.0000 1.0000
50.0000 2.5000 0.0000 50.0000 1.8634 0.5757 1.0000
50.0000 2.5000 0.0000 50.0000 3.2592 0.3350 1.0000
60.2574 -34.0099 36.2677 60.4626 -34.1751 39.4387 1.2644
63.0109 -31.0961 -5.8663 62.8187 -29.7946 -4.0864 1.2630
61.2901 3.7196 -5.3901 61.4292 2.2480 -4.9620 1.8731
35.0831 -44.1164 3.7933 35.0232 -40.0716 1.5901 1.8645
22.7233 20.0904 -46.6940 23.0331 14.9730 -42.5619 2.0373
36.4612 47.8580 18.3852 36.2715 50.5065 21.2231 1.4146
90.8027 -2.0831 1.4410 91.1528 -1.6435 0.0447 1.4441
90.9257 -0.5406 -0.9208 88.6381 -0.8985 -0.7239 1.5381
6.7747 -0.2908 -2.4247 5.8714 -0.0985 -2.2286 0.6377
2.0776 0.0795 -1.1350 0.9033 -0.0636 -0.5514 0.9082
"""
TABLE = np.array([line.split() for line in SHARMA.strip().splitlines()], dtype=float)


def test_ciede2000_reproduces_all_34_sharma_pairs_both_ways():
    first, second, expected = TABLE[:, :3], TABLE[:, 3:6], TABLE[:, 6]
    assert len(TABLE) == 34
    np.testing.assert_allclose(colour.delta_e(first, second), expected, atol=5e-5)
    np.testing.assert_allclose(colour.delta_e(second, first), expected, atol=5e-5)


def test_cielab_of_the_primaries_and_white():
    np.testing.assert_allclose(colour.lab("#FF0000"), [53.2408, 80.0925, 67.2032], atol=1e-3)
    np.testing.assert_allclose(colour.lab("#00FF00"), [87.7347, -86.1827, 83.1793], atol=1e-3)
    np.testing.assert_allclose(colour.lab("#FFFFFF"), [100, 0, 0], atol=1e-6)


@pytest.mark.parametrize("vision", list(colour.MACHADO))
def test_machado_keeps_greys_grey(vision):
    """Every row sums to 1 (Machado 2009 normalise so that white stays white)."""
    np.testing.assert_allclose(np.sum(colour.MACHADO[vision], axis=1), 1.0, atol=1e-5)
    for grey in ("#000000", "#777777", "#FFFFFF"):
        assert colour.simulate(grey, vision) == grey


def test_machado_loses_the_right_contrasts():
    """Red and green collapse for the red-green dichromats, blue and green for tritanopes."""
    red, green, blue, yellow = "#D62728", "#2CA02C", "#1F77B4", "#FFD700"
    seen = {vision: colour.distance(red, green, vision) for vision in colour.VISIONS}
    assert seen["normal"] > 70 and seen["deuteranopia"] < 6 and seen["protanopia"] < 26
    assert seen["tritanopia"] > 60
    assert colour.distance(blue, green, "tritanopia") < colour.distance(blue, green) / 4
    assert colour.distance(yellow, blue, "deuteranopia") > 60  # the axis they keep


def test_wcag_contrast_reference_values():
    assert colour.contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert colour.contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # AA's edge
    assert colour.contrast("#777777", "#FFFFFF") < 4.5
    assert colour.contrast("#000", "#000") == pytest.approx(1.0)


def test_blend_composites_like_a_browser():
    assert colour.blend("#000000", 0.5, "#FFFFFF") == "#808080"
    assert colour.rgb("rgba(255, 0, 0, 0.3)").tolist() == [1.0, 0.0, 0.0]
