"""Colour that every student can tell apart and text that every student can read.

Runs drawn together stay apart (CIEDE2000, gdviz.colour) for normal vision and under simulated
protanopia, deuteranopia and tritanopia (Machado 2009, severity 1); from five runs on, dashes
and markers differ too. The contour's colour field reads in greyscale; chart text meets WCAG AA.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import colour
from gdviz.field import colours
from gdviz.figures import look
from gdviz.figures.animation import figure

TOGETHER = {2: 18.0, 3: 18.0, 4: 18.0, 5: 10.0, 6: 10.0}  # runs on one plot → least CIEDE2000
PALETTES = {"light": look.RUNS, "dark": look.DARK_RUNS}


@pytest.mark.parametrize("theme", PALETTES)
@pytest.mark.parametrize("count", TOGETHER)
@pytest.mark.parametrize("vision", colour.VISIONS)
def test_runs_shown_together_stay_apart(theme, count, vision):
    gap, a, b = colour.closest_pair(PALETTES[theme][:count], vision)
    assert gap >= TOGETHER[count], f"{a} and {b} are only {gap:.1f} apart for {vision}"


@pytest.mark.parametrize("count", [5, 6])
def test_more_than_four_runs_differ_in_dash_and_marker_too(count):
    styles = [look.run_style(i, count) for i in range(count)]
    assert len({s["dash"] for s in styles}) == count
    assert len({s["symbol"] for s in styles}) == count
    assert {look.run_style(i, 4)["dash"] for i in range(4)} == {"solid"}


def test_the_old_palette_failed_this_check():
    """The issue's complaint, measured: #D7263D and #C2185B, and GD/Adam/AdaGrad's colours
    under deuteranopia, were too close."""
    old = ("#D7263D", "#1B1B1E", "#F46036", "#7B2CBF", "#C2185B", "#2E86AB", "#3D9970")
    assert colour.distance("#D7263D", "#C2185B") < TOGETHER[2]
    assert colour.closest_pair(old[:4], "deuteranopia")[0] < TOGETHER[4]


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("vision", colour.VISIONS)
def test_the_four_regions_stay_apart_and_have_their_own_markers(dark, vision):
    region_colours = [pair[dark] for pair in look.REGIONS.values()]
    assert colour.closest_pair(region_colours, vision)[0] >= 15
    assert len(set(look.REGION_SYMBOLS.values())) == len(look.REGIONS)


@pytest.mark.parametrize("dark", [False, True])
def test_the_colour_field_reads_in_greyscale(dark):
    """Lightness rises with f everywhere along the scale, over a range the eye can read."""
    rgba = colours(np.linspace(0, 1, 60), dark)
    lightness = np.array([colour.lab(colour.hex_colour(c[:3] / 255))[0] for c in rgba])
    assert np.all(np.diff(lightness) > 0)
    assert lightness[-1] - lightness[0] >= (35 if dark else 55)


@pytest.mark.parametrize("dark", [False, True])
def test_chart_text_meets_wcag_aa(dark):
    inks = look.DARK_INKS if dark else look.LIGHT_INKS
    for background in (inks.page, inks.plot, inks.button):
        assert colour.contrast(inks.text, background) >= 4.5, background


@pytest.mark.parametrize("dark", [False, True])
def test_the_first_four_runs_are_visible_lines_on_the_plot(dark):
    """WCAG's 3:1 for graphical objects against the plot area."""
    inks = look.DARK_INKS if dark else look.LIGHT_INKS
    for run in PALETTES["dark" if dark else "light"][:4]:
        assert colour.contrast(run, inks.plot) >= 3.0, run


def test_every_named_colour_has_a_dark_counterpart_readable_on_the_dark_page():
    for light, dark in look.DARK_OF.items():
        assert dark.startswith(("#", "rgba")), light
    for mark in (look.INK, look.TEXT, look.CURVE):
        assert colour.contrast(look.DARK_OF[mark], look.DARK_INKS.page) >= 4.5


def _sample_figure():
    traces = [
        {"type": "scatter", "line": {"color": look.RUNS[0], "width": 2},
         "marker": {"size": [0, 12], "color": look.RUNS[1], "line": {"color": look.RIM}}},
        {"type": "scatter", "mode": "text", "textfont": {"size": 15, "color": look.TEXT}},
    ]  # fmt: skip
    layout = {"plot_bgcolor": "#FFFFFF", "legend": {"font": {"size": 12}},
              "updatemenus": [{"type": "buttons", "font": {"size": 13}}],
              "shapes": [{"type": "line", "line": {"color": look.INK, "width": 2}}]}  # fmt: skip
    return figure(traces, layout, [{"name": "0", "data": [{"x": [1]}], "traces": [0]}])


def test_restyle_makes_a_dark_presenter_figure_and_leaves_the_original_alone():
    original = _sample_figure()
    before = original.to_dict()
    styled = look.restyle(original, look.Look(dark=True, present=True)).to_dict()
    assert original.to_dict() == before  # cached figures stay valid
    line, marker = styled["data"][0]["line"], styled["data"][0]["marker"]
    assert line == {"color": look.DARK_RUNS[0], "width": 2 * look.Look(present=True).line_scale}
    assert marker["color"] == look.DARK_RUNS[1] and marker["size"][1] > 12
    assert styled["data"][1]["textfont"]["color"] == look.DARK_OF[look.TEXT]
    layout = styled["layout"]
    assert layout["plot_bgcolor"] == look.DARK_INKS.plot
    assert layout["font"]["size"] >= 16 and layout["legend"]["font"]["size"] >= 16
    assert layout["updatemenus"][0]["font"]["size"] >= 16
    assert layout["updatemenus"][0]["pad"]["t"] == look.PRESENT_GAP  # room for larger labels
    assert layout["shapes"][0]["line"]["color"] == look.DARK_OF[look.INK]
    assert styled["frames"] == before["frames"]


def test_the_default_look_is_the_figure_as_built():
    original = _sample_figure()
    assert look.restyle(original, look.Look()) is original


def test_a_light_colour_cannot_have_two_dark_counterparts():
    """Runs and regions once shared a light colour with different dark ones: the dark basin map
    drew a run's colour as a region's."""
    with pytest.raises(ValueError):
        look._one_meaning({"#56B4E9": "#009E73"}, {"#56B4E9": "#88CCEE"})
