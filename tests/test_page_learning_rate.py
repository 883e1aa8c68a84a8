"""AppTest of the Learning-rate lab page: every section, the controls, bad input and the URL."""

from __future__ import annotations

import re

import pytest
from apptest_helpers import ROOT, chart_specs, run_script
from streamlit.testing.v1 import AppTest

from gdviz.figures.animation import frame_count
from gdviz.lessons.learning_rate.setup import SECTIONS
from gdviz.messages import NAMES
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS

HIMMELBLAU = {"preset": "Himmelblau"}


def run_page(**query: str) -> AppTest:
    return run_script("app_pages/learning_rate.py", timeout=90, **query)


figures = chart_specs


def texts(at: AppTest) -> str:
    return " ".join(element.value for element in at.markdown)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_section_renders_without_exceptions(section):
    at = run_page(section=section)
    assert not at.exception
    assert at.radio(key="lr_section").value == section
    assert figures(at) or (section == "instant" and at.get("iframe"))  # its own view


def test_side_by_side_is_one_figure_a_panel_per_rate_and_one_play_all():
    at = run_page()
    charts = figures(at)
    assert len(charts) == 2  # the panels (one figure) and the losses
    panels = charts[0]
    assert len(panels["layout"]["images"]) == 5 and len(panels["frames"]) > 10
    assert {panels["layout"][f"xaxis{k}"]["anchor"] for k in range(2, 6)} == {"y2", "y3", "y4",
                                                                               "y5"}  # fmt: skip
    assert panels["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play all"
    assert len(panels["frames"][-1]["traces"]) == 5 * 4  # each panel's path, point, arrow, label
    assert len(panels["frames"]) <= frame_count(10**6, runs=5)  # five runs share the budget
    titles = " ".join(annotation["text"] for annotation in panels["layout"]["annotations"])
    for phrase in ("still descending", "converged in 250 steps", "oscillating", "diverging from"):
        assert phrase in titles


def test_spread_and_overlay():
    at = run_page()
    at.text_input(key="lr_rates_text").input("0.01, 0.2").run()
    assert len(figures(at)[0]["layout"]["images"]) == 2
    at.button(key="lr_spread").click().run()
    assert at.text_input(key="lr_rates_text").value == "0.002, 0.03, 0.07, 0.095, 0.105"
    at.toggle(key="lr_overlay").set_value(True).run()
    charts = figures(at)
    assert len(charts) == 2
    legend = [trace.get("name", "") for trace in charts[0]["data"]]
    assert any("α = 0.105 — diverging from step 1" in name for name in legend)
    assert at.query_params["overlay"] == "1"


def test_sweep_marks_theory_and_your_rate():
    at = run_page(section="sweep")
    chart = figures(at)[0]
    assert len(chart["data"]) >= 8
    assert sum(shape["type"] == "rect" for shape in chart["layout"]["shapes"]) == 3
    assert "your α = 0.09" in texts(at) and "oscillating" in texts(at)
    assert any("exact for quadratics" in caption.value for caption in at.caption)
    at.number_input(key="lr_learning_rate").set_value(0.11).run()
    assert "your α = 0.11" in texts(at) and "diverging from step" in texts(at)
    assert at.query_params["lr"] == "0.11"


def test_sweep_with_a_chosen_range():
    at = run_page(section="sweep", auto="0", range="0.001,0.5")
    assert not at.exception
    chart = figures(at)[0]
    assert chart["layout"]["xaxis"]["range"] == pytest.approx([-3, -0.30103], abs=1e-4)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_sweep_with_every_optimizer(name):
    at = run_page(section="sweep", opt=name)
    assert not at.exception and figures(at)


def test_one_d_intuition_names_the_regime_as_alpha_moves():
    at = run_page(section="intuition")
    assert "creeping" in texts(at)
    for rate, regime in ((0.5, "optimal"), (0.7, "oscillating"), (1.0, "cycling"),
                         (1.1, "diverging")):  # fmt: skip
        at.slider(key="lr_rate_1d").set_value(rate).run()
        assert f"→ {regime}" in texts(at)
    assert len(figures(at)[0]["frames"]) == 31


def test_schedules_compare_five_schedules():
    at = run_page(section="schedules", lr="0.105")
    chart = figures(at)[0]
    names = {trace["name"] for trace in chart["data"]}
    assert names == {"Constant", "Step decay", "Exponential", "Inverse time", "Cosine"}
    table = texts(at)
    assert "| **Constant** | :red-badge[diverging from step 1] Diverging from step 1" in table


def test_basins_draw_one_image_with_the_minima():
    at = run_page(section="basins", lr="0.02", res="60", **HIMMELBLAU)
    assert not at.exception
    chart = figures(at)[0]
    assert len(chart["layout"]["images"]) == 1
    names = [trace.get("name", "") for trace in chart["data"]]
    assert sum(name.startswith("→ (") for name in names) == 4
    others = [name.rsplit(" (", 1)[0] for name in names if not name.startswith("→")]
    assert set(others) & set(NAMES.values())  # the other starts by their verdict kind


def test_basins_of_a_one_dimensional_function_explain_why_not():
    at = run_page(section="basins", f="x^2", preset="")
    assert not at.exception
    assert "x and y" in at.info[0].value


def test_choosing_a_preset_fills_in_the_function_and_suggests_rates():
    at = run_page()
    at.selectbox(key="lr_preset").select("Himmelblau").run()
    assert not at.exception
    assert at.text_input(key="lr_function").value == "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    rates = [float(r) for r in at.text_input(key="lr_rates_text").value.split(",")]
    assert rates[-1] > 0.0243 > rates[-2]  # the last one just past the stability limit


def test_a_bad_function_shows_the_parsers_message():
    at = run_page(section="sweep", f="x^^2 + foo", preset="")
    assert not at.exception
    assert "Can't use this function" in at.error[0].value
    assert not at.get("plotly_chart")


def test_a_bad_link_is_ignored_with_a_message():
    at = run_page(section="nonsense", lr="banana")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "'section'" in warnings and "'lr'" in warnings
    assert at.radio(key="lr_section").value == "side"


def test_values_survive_switching_sections():
    at = run_page(section="intuition")
    at.slider(key="lr_rate_1d").set_value(0.8).run()
    at.radio(key="lr_section").set_value("sweep").run()
    at.radio(key="lr_section").set_value("intuition").run()
    assert at.slider(key="lr_rate_1d").value == 0.8
    assert at.query_params["a1"] == "0.8" and at.query_params["section"] == "intuition"


def test_the_sweep_range_slider_keeps_both_ends():
    at = run_page(section="sweep", auto="0", range="0.001,1")
    at.select_slider(key="lr_sweep_range_slider").set_range(0.01, 0.5).run()
    assert not at.exception
    assert at.query_params["range"] == "0.01,0.5"
    chart = figures(at)[0]
    assert chart["layout"]["xaxis"]["range"] == pytest.approx([-2, -0.30103], abs=1e-4)


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("section", ["side", "sweep", "schedules", "basins"])
def test_every_preset_in_every_section(name, section):
    at = run_page(section=section, preset=name, res="30")
    assert not at.exception
    assert figures(at) or (section == "basins" and at.info)


def test_my_own_function_keeps_the_rates_and_a_bad_one_disables_spread():
    at = run_page()
    at.text_input(key="lr_function").input("x^^2").run()
    assert at.button(key="lr_spread").disabled
    at.selectbox(key="lr_preset").select("").run()  # '— my own function —': nothing changes
    assert not at.exception
    assert at.text_input(key="lr_function").value == "x^^2"
    assert at.text_input(key="lr_rates_text").value == "0.002, 0.03, 0.07, 0.095, 0.105"


def test_the_instant_section_sends_every_rate_once_in_one_view():
    at = run_page(section="instant", preset="Elongated bowl")
    assert not at.exception
    frames = at.get("iframe")
    assert len(frames) == 1
    assert any("Instant α" in c.value or "slider" in c.value for c in at.caption)


@pytest.mark.parametrize("present", [False, True])
def test_the_instant_view_is_drawn_in_the_page_look(present):
    at = AppTest.from_file(str(ROOT / "app_pages/learning_rate.py"), default_timeout=90)
    at.query_params["section"] = "instant"
    at.session_state["present"] = present  # the frame's presenter toggle (app_pages/state.py)
    at.run()
    assert not at.exception
    document = at.get("iframe")[0].proto.srcdoc
    classes = re.search(r'<body class="([^"]*)"', document).group(1).split()
    assert ("present" in classes) == present and "dark" not in classes
    assert f'"look":{{"dark":false,"present":{str(present).lower()}}}' in document


def test_the_playground_opens_its_setup_in_instant_alpha():
    from apptest_helpers import run_script

    at = run_script("app.py", preset="Himmelblau", lr="0.02")
    link = at.get("page_link")[0].proto
    assert link.page == "learning-rate" and "section=instant" in link.query_string
    assert "preset=Himmelblau" in link.query_string and "lr=0.02" in link.query_string
