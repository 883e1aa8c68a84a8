"""AppTest of the Playground page: defaults, every preset and optimizer, bad input, URL, compare."""

from __future__ import annotations

import pytest
from apptest_helpers import chart_specs, run_script
from streamlit.testing.v1 import AppTest

from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS


def run_app(**query: str) -> AppTest:
    return run_script("app.py", **query)


def figure(at: AppTest, index: int = 0) -> dict:
    return chart_specs(at)[index]


def test_defaults_draw_an_animated_contour_and_converge():
    at = run_app()
    assert not at.exception
    assert "Converged" in at.success[0].value
    spec = figure(at)
    assert len(spec["frames"]) > 10
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert spec["layout"]["updatemenus"][0]["buttons"][0]["label"].endswith("Play")
    assert at.text_input(key="function").value == "x^2 + 10y^2"


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_runs(name):
    at = run_app()
    at.selectbox(key="preset").select(name).run()
    assert not at.exception
    assert at.text_input(key="function").value == PRESETS[name].text
    spec = figure(at)  # one animated figure: the plot and, beside it, the f and ‖∇f‖ panels
    assert spec["layout"]["yaxis2"]["title"]["text"] == "f(θ)"
    assert at.success or at.warning or at.error  # a status banner is always shown


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_runs(name):
    at = run_app()
    at.selectbox(key="optimizer").select(name).run()
    assert not at.exception
    assert OPTIMIZERS[name].display_name in figure(at)["data"][5]["name"]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("foo(x) + y", "Unknown function"), ("x^^2", ""), ("z^2", "z"), ("3", "depend")],
)
def test_bad_text_shows_the_parser_message(text, phrase):
    at = run_app()
    at.text_input(key="function").input(text).run()
    assert not at.exception
    assert at.error and "Can't use this function" in at.error[0].value
    assert phrase in at.error[0].value
    assert not at.get("plotly_chart")  # nothing drawn from a bad function, page still usable


def test_a_crafted_link_gets_the_same_message_as_typed_text():
    at = run_app(f="__import__('os').system('echo hacked')")
    assert not at.exception
    assert at.error and "Can't use this function" in at.error[0].value


def test_a_run_of_one_step_can_be_inspected():  # GD with α = 1/2 on x² + y² lands at 0 at once
    at = run_app(f="x^2 + y^2", lr="0.5", preset="")
    assert not at.exception
    assert "after 1 step" in at.success[0].value


def test_url_restores_the_setup():
    at = run_app(f="x^2 + 3y^2", preset="", opt="momentum", lr="0.05", mu="0.5", x0="1.5",
                 y0="-2", steps="300", gtol="1e-08", cmp="single")  # fmt: skip
    assert not at.exception
    assert at.text_input(key="function").value == "x^2 + 3y^2"
    assert at.selectbox(key="optimizer").value == "momentum"
    assert at.number_input(key="learning_rate").value == pytest.approx(0.05)
    assert at.slider(key="momentum").value == pytest.approx(0.5)
    assert at.number_input(key="start_x").value == 1.5
    assert at.number_input(key="max_steps").value == 300
    path = figure(at)["data"][4]
    assert path["x"]  # the faint full path starts at the linked start point
    assert at.query_params["opt"] in ("momentum", ["momentum"])


def test_invalid_link_values_are_reported_and_ignored():
    at = run_app(lr="-3", opt="sgd9", steps="1e9")
    assert not at.exception
    texts = " ".join(w.value for w in at.warning)
    assert "'lr'" in texts and "'opt'" in texts and "'steps'" in texts
    assert at.number_input(key="learning_rate").value == pytest.approx(0.09)


def test_compare_optimizers_overlays_runs():
    at = run_app()
    at.radio(key="compare").set_value("optimizers").run()
    assert not at.exception
    names = [trace.get("name", "") for trace in figure(at)["data"]]
    for optimizer in ("gd", "momentum", "adam"):
        assert any(OPTIMIZERS[optimizer].display_name in name for name in names)


def test_compare_learning_rates_shows_divergence_as_a_result():
    at = run_app(cmp="learning_rates", lrs="0.02,0.09,0.12")
    assert not at.exception
    lines = [m.value for m in at.markdown if "badge[" in m.value]
    assert len(lines) == 3
    assert sum(":green-badge[converged in" in line for line in lines) == 2
    assert any(":red-badge[diverging from step" in line and "Diverging" in line for line in lines)


def test_one_dimensional_mode_draws_the_curve_with_a_tangent():
    at = run_app()
    at.selectbox(key="preset").select("Double well (1-D)").run()
    assert not at.exception
    spec = figure(at)
    assert spec["layout"]["yaxis"]["title"]["text"] == "f(x)"
    assert len(spec["frames"]) > 10
    assert len(at.number_input) >= 2 and not any(n.key == "start_y" for n in at.number_input)


def test_too_large_learning_rate_is_a_result_not_an_error():
    at = run_app(lr="0.5")
    assert not at.exception
    assert "Diverging from step 1" in at.error[0].value and "try α < 0.1" in at.error[0].value


def test_a_link_beyond_a_slider_is_refused_not_a_crash():
    at = run_app(opt="adam", b1="0.9995", steps="1.5")
    assert not at.exception
    texts = " ".join(w.value for w in at.warning)
    assert "'b1'" in texts and "'steps'" in texts


def test_a_run_of_one_step_is_inspected_without_a_slider():
    at = run_app(preset="Parabola (1-D)", lr="0.5")  # α·f″ = 1: one step lands on the minimum
    assert not at.exception
    assert "inspect_step" not in [s.key for s in at.slider]
    headings = [h.value for h in at.main.subheader]
    assert "Step 1: the end of the run" in headings  # the chart shows the end first
    chart_id = figure(at)["layout"]["meta"]["cursor"]
    at.session_state["step_cursor"] = {"step": {"step": 0, "id": chart_id}}  # as the chart says
    at.run()
    assert any(r"\theta_{1} &= \theta_{0} + \Delta_{0}" in latex.value for latex in at.latex)


def test_the_rate_slider_crosses_the_limit_in_one_stop_and_agrees_with_the_box():
    at = run_app()  # the elongated bowl: 2/λmax = 0.1
    stops = at.select_slider(key="learning_rate_slider").options
    below, above = (
        max(float(s) for s in stops if float(s) < 0.1),
        min(float(s) for s in stops if float(s) > 0.1),
    )
    assert below >= 0.09 and above <= 0.11
    at.number_input(key="learning_rate").set_value(0.101).run()
    assert at.select_slider(key="learning_rate_slider").value == 0.101
    at.select_slider(key="learning_rate_slider").set_value(0.11).run()
    assert at.number_input(key="learning_rate").value == 0.11


def report_step(at: AppTest, step: int, chart_id: str | None = None) -> AppTest:
    """What the chart's listener sends when the student stops the animation at ``step``."""
    chart_id = chart_id or figure(at)["layout"]["meta"]["cursor"]
    at.session_state["step_cursor"] = {"step": {"step": step, "id": chart_id}}
    return at.run()


def test_the_inspector_writes_out_the_step_the_chart_stopped_at():
    at = run_app(opt="adam", lr="0.05")
    headings = [h.value for h in at.main.subheader]
    assert any(h.startswith("Step ") and "the end of the run" in h for h in headings)
    report_step(at, 7)
    assert not at.exception
    assert "Inside step 7 · Adam" in [h.value for h in at.main.subheader]
    latex = " ".join(item.value for item in at.latex)
    assert r"\hat m_{8}" in latex and r"\Delta_{7,x}" in latex and r"\theta_{8} &=" in latex
    spec = figure(at)  # the next full run draws the chart where it stopped
    slider = spec["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["value"] == "7"


def test_a_step_reported_by_another_figure_is_ignored():
    at = run_app()
    report_step(at, 5, chart_id="an-old-figure")
    assert any("the end of the run" in h.value for h in at.main.subheader)
    report_step(at, 5)
    assert "Inside step 5 · Gradient descent" in [h.value for h in at.main.subheader]
    at.number_input(key="learning_rate").set_value(0.05).run()  # a new run: back to its end
    assert any("the end of the run" in h.value for h in at.main.subheader)


def test_compare_mode_inspects_the_chosen_run_with_its_own_optimizer():
    at = run_app(cmp="optimizers")
    labels = at.selectbox(key="inspect_run").options
    at.selectbox(key="inspect_run").set_value(labels[1]).run()
    assert not at.exception
    names = [trace.get("name", "") for trace in figure(at)["data"]]
    assert "Δ: Momentum did" in names and "−αμvₖ: momentum's share" in names
    report_step(at, 3)
    assert "Inside step 3 · Momentum" in [h.value for h in at.main.subheader]
    assert any(r"v_{4} &= \mu\, v_{3}" in item.value for item in at.latex)
