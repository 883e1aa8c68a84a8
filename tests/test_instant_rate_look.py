"""The Instant-α view follows the look: its figures use only look.py's named colours (their dark
counterparts when dark), its stops and badges the verdict kinds' colours with readable text, its
CSS a dark set of variables and larger type in presenter mode; the page (and the offline file)
carries the look it was made in."""

from __future__ import annotations

import re

import pytest
from test_page_look import DARK, LIGHT, colours_in, invisible

from gdviz import colour, parse_objective, seed_example
from gdviz.family import rate_family
from gdviz.field import Window
from gdviz.figures import look
from gdviz.figures.instant_rate import KIND_COLOURS, background, family_view, kind_colours
from gdviz.figures.instant_rate_page import HERE, ViewText, family_html
from gdviz.messages import KINDS

CASES = {  # name: (problem, start, window, minima)
    "bowl": (parse_objective("x^2 + 10y^2"), [-2.6, 1.2], Window(-3, 3, -3, 3), [(0.0, 0.0)]),
    "1-D": (parse_objective("x^4 - 3x^2 + x"), [2.0], Window(-2.5, 2.5, -4, 12), [(1.1309,)]),
    "least squares": (seed_example(), [0.0, 0.0], Window(-6, 4, -2, 6), [(-4.0, 3.5)]),
}
LOOKS = {
    "light": look.Look(),
    "dark": look.Look(dark=True),
    "present": look.Look(present=True),
    "dark present": look.Look(dark=True, present=True),
}


def view_in(case: str, now: look.Look, optimizer: str = "gd") -> dict:
    problem, start, window, minima = CASES[case]
    family = rate_family(problem, start, optimizer, max_steps=200)
    path = background(problem, window, minima, dark=now.dark)
    return family_view(family, problem, ViewText("t", "f"), path, minima, now)


@pytest.fixture(scope="module", params=[(c, n) for c in CASES for n in LOOKS])
def view(request):
    case, name = request.param
    return LOOKS[name], view_in(case, LOOKS[name])


def test_every_colour_of_the_figures_is_named_in_its_look(view):
    now, built = view
    named = DARK if now.dark else LIGHT
    for spec in (built["path"], built["loss"]):
        for where, c in colours_in(spec):
            assert c in named or invisible(c), (where, c)
            if where.endswith("font.color") or where.startswith("layout.font"):
                assert colour.contrast(c, now.inks.page) >= 4.5, (where, c)
        assert spec["layout"].get("plot_bgcolor", now.inks.plot) == now.inks.plot
    for name in ("path", "rim", "tangent"):
        assert built["style"][name] in named, name


def test_presenter_mode_has_large_chart_text_and_thick_paths(view):
    now, built = view
    for spec in (built["path"], built["loss"]):
        for axis in ("xaxis", "yaxis"):
            size = spec["layout"][axis]["tickfont"]["size"]
            assert size >= (16 if now.present else 12)
    assert built["style"]["width"] == now.line_scale


@pytest.mark.parametrize("name", LOOKS)
def test_each_verdict_kind_has_a_named_colour_with_readable_text(name):
    now = LOOKS[name]
    assert set(KIND_COLOURS) == set(KINDS)
    for kind, shown in kind_colours(now).items():
        assert shown["fill"] in (DARK if now.dark else LIGHT), kind
        assert colour.contrast(shown["text"], shown["fill"]) >= 4.5, (kind, shown)
    fills = [shown["fill"] for shown in kind_colours(now).values()]
    assert len(set(fills)) >= 7  # too slow and stalled share orange, as the pages' badges do


def test_the_stops_are_coloured_by_their_verdict():
    built = view_in("bowl", look.Look())
    assert {"too_slow", "converged", "diverging"} <= set(built["kinds"])
    assert set(built["kinds"]) <= set(built["colours"])


def css_blocks() -> dict[str, dict[str, str]]:
    css = (HERE / "instant_rate.css").read_text()
    blocks = {}
    for selector in (":root", "body.dark"):
        body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
        blocks[selector] = dict(re.findall(r"--([\w-]+):\s*([^;]+);", body))
    return blocks


def test_the_css_names_every_colour_once_with_a_dark_counterpart():
    css = (HERE / "instant_rate.css").read_text()
    without_variables = re.sub(r"--[\w-]+:\s*[^;]+;", "", css)
    assert not re.findall(r"#[0-9A-Fa-f]{3,8}\b", without_variables)  # colours are variables
    light, dark = css_blocks()[":root"], css_blocks()["body.dark"]
    colours = {name for name, value in light.items() if value.startswith("#")}
    assert colours - {"focus"} <= set(dark)  # the focus ring stays amber


@pytest.mark.parametrize("selector", [":root", "body.dark"])
def test_css_text_meets_wcag_aa(selector):
    blocks = css_blocks()
    values = blocks[":root"] | blocks[selector]
    for text in ("ink", "muted", "limit", "secondary", "accent"):
        assert colour.contrast(values[text], values["page"]) >= 4.5, text
    assert colour.contrast(values["ink"], values["button"]) >= 4.5
    page = look.DARK_INKS.page if selector == "body.dark" else look.LIGHT_INKS.page
    assert values["page"] == page  # the iframe's page is the app's page


def test_presenter_css_has_body_text_of_at_least_20_px():
    css = (HERE / "instant_rate.css").read_text()
    sizes = re.findall(r"body\.present[^{]*\{[^}]*font-size:\s*(\d+)px", css)
    assert sizes and min(int(s) for s in sizes) >= 20


@pytest.mark.parametrize("name", LOOKS)
def test_the_page_and_its_offline_file_keep_the_look(name):
    now = LOOKS[name]
    built = view_in("1-D", now)
    for page in (family_html(built, "/plotly.min.js"), family_html(built)):
        classes = re.search(r'<body class="([^"]*)"', page).group(1).split()
        assert ("dark" in classes) == now.dark and ("present" in classes) == now.present
