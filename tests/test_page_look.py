"""Every chart every page draws uses only the named colours of gdviz.figures.look, so the dark
theme has a counterpart for each; restyled dark, its text is readable on the dark page."""

from __future__ import annotations

import pytest
from apptest_helpers import chart_specs, run_script

from gdviz import colour
from gdviz.figures import look
from gdviz.figures.animation import figure

PAGES = {
    "playground": ("app.py", {}),  # through the frame: the page links to the lab
    "six optimizers": ("app.py",
                       {"cmp": "optimizers", "opts": "gd,momentum,nesterov,adagrad,rmsprop,adam"}),
    "1-D": ("app.py", {"preset": "Double well (1-D)"}),
    "data": ("app_pages/data.py", {}),
    "side by side": ("app_pages/learning_rate.py", {}),
    "sweep": ("app_pages/learning_rate.py", {"section": "sweep"}),
    "intuition": ("app_pages/learning_rate.py", {"section": "intuition"}),
    "schedules": ("app_pages/learning_rate.py", {"section": "schedules"}),
    "basins": ("app_pages/learning_rate.py", {"section": "basins", "res": "20", "bsteps": "20"}),
}  # fmt: skip
LIGHT = set(look.DARK_OF) | set(vars(look.LIGHT_INKS).values())
DARK = set(look.DARK_OF.values()) | set(vars(look.DARK_INKS).values())


def invisible(value: str) -> bool:
    return value.startswith("rgba") and float(value.rstrip(")").split(",")[-1]) <= 0.01


def colours_in(spec: dict):
    """(where, colour) of every colour a trace, the layout's shapes and fonts use."""

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "colorscale" or key in ("images", "template"):
                    continue
                if key.endswith("color") and isinstance(value, str | list):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            yield f"{where}.{key}", item
                else:
                    yield from walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{where}[{index}]")

    yield from walk(spec["data"], "data")
    layout = spec["layout"]
    yield from walk({k: layout.get(k) for k in ("shapes", "font", "legend", "updatemenus")},
                    "layout")  # fmt: skip


@pytest.fixture(scope="module", params=list(PAGES))
def specs(request):
    script, query = PAGES[request.param]
    at = run_script(script, timeout=120, **query)
    assert not at.exception
    return chart_specs(at)


def test_every_chart_colour_is_named(specs):
    for spec in specs:
        unnamed = {
            (where, c) for where, c in colours_in(spec) if c not in LIGHT and not invisible(c)
        }
        assert not unnamed


def test_restyled_dark_every_colour_is_a_dark_one_and_text_is_readable(specs):
    for spec in specs:
        dark = look.restyle(figure(spec["data"], spec["layout"]), look.Look(dark=True))
        styled = dark.to_dict()
        for where, c in colours_in(styled):
            assert c in DARK or invisible(c), (where, c)
            if where.endswith("font.color") or where.startswith("layout.font"):
                assert colour.contrast(c, look.DARK_INKS.page) >= 4.5, (where, c)
