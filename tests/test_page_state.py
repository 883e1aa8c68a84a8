"""Pages keep their setup: leaving a page (or a section, a source, a mode) and coming back brings
back what was there, and every value a page writes into its URL is one it accepts again."""

from __future__ import annotations

from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest

from gdviz.lessons.data import setup as data_setup
from gdviz.lessons.learning_rate import setup as lab_setup
from gdviz.lessons.playground import setup as playground_setup


def app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def visit(at: AppTest, page: str) -> AppTest:
    """Click a page in the sidebar: as in the browser, the new page starts with an empty URL."""
    at.query_params.clear()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def test_the_playground_comes_back_as_it_was_left():
    at = app(preset="Himmelblau", lr="0.02", x0="1", y0="-3")
    visit(at, "data")
    assert at.title[0].value.startswith("Batch vs SGD")
    visit(at, "playground")
    assert not at.exception
    assert at.selectbox(key="preset").value == "Himmelblau"
    assert at.number_input(key="learning_rate").value == 0.02
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == (1, -3)
    assert at.query_params["lr"] == "0.02" and at.query_params["preset"] == "Himmelblau"


def test_the_compare_list_survives_switching_mode_and_back():
    at = app()
    at.radio(key="compare").set_value("optimizers").run()
    at.multiselect(key="compare_optimizers").set_value(["gd", "adam"]).run()
    at.radio(key="compare").set_value("single").run()
    at.radio(key="compare").set_value("optimizers").run()
    assert at.multiselect(key="compare_optimizers").value == ["gd", "adam"]


def test_generated_data_survives_switching_source_and_page():
    at = app()
    visit(at, "data")
    at.radio(key="data_source").set_value("generated").run()
    at.number_input(key="data_n").set_value(5000).run()
    at.number_input(key="data_slope").set_value(-3.0).run()
    at.radio(key="data_source").set_value("seed").run()
    visit(at, "playground")
    visit(at, "data")
    at.radio(key="data_source").set_value("generated").run()
    assert not at.exception
    assert at.number_input(key="data_n").value == 5000
    assert at.number_input(key="data_slope").value == -3.0


def test_a_lab_section_never_changes_the_learning_rate():
    at = app()
    visit(at, "learning_rate")
    at.radio(key="lr_section").set_value("sweep").run()
    assert at.number_input(key="lr_learning_rate").value == 0.09
    at.radio(key="lr_section").set_value("intuition").run()
    at.radio(key="lr_section").set_value("sweep").run()
    assert at.number_input(key="lr_learning_rate").value == 0.09
    assert at.select_slider(key="lr_learning_rate_slider").value == 0.09
    at.radio(key="lr_section").set_value("basins").run()
    assert "lr" not in at.query_params  # still the default 0.09
    assert not at.exception


def test_a_clamped_link_value_is_reported_like_a_rejected_one():
    at = app(gtol="1000", sched="exponential", gamma="0.3")
    warnings = " ".join(w.value for w in at.warning)
    assert "'gtol' was ignored" in warnings and "'gamma' was ignored" in warnings
    assert at.select_slider(key="grad_tol").value == 1e-6


def test_an_emptied_optimizer_list_is_not_written_into_the_link():
    at = app(cmp="optimizers")
    at.multiselect(key="compare_optimizers").set_value([]).run()
    assert "opts" not in at.query_params
    assert playground_setup.decode(dict(at.query_params))[1] == []


def test_every_page_writes_only_links_it_accepts_again():
    for lesson, setup in (
        (playground_setup, playground_setup.Setup(compare_optimizers=())),
        (data_setup, data_setup.DataSetup(source="generated", n=5000)),
        (lab_setup, lab_setup.LabSetup(sweep_range=(0.09, 0.09))),
    ):
        params = lesson.encode(setup)
        assert lesson.decode(params)[1] == [], (lesson.__name__, params)


def test_a_followed_link_sets_the_page_even_after_a_visit():
    at = app()
    visit(at, "learning_rate")
    at.radio(key="lr_section").set_value("basins").run()
    at.number_input(key="lr_learning_rate").set_value(0.05).run()
    visit(at, "playground")
    at.query_params.update({"section": "sweep", "preset": "Himmelblau"})  # an "open in …" link
    at.switch_page("app_pages/learning_rate.py")
    at.run()
    assert at.radio(key="lr_section").value == "sweep"
    assert at.selectbox(key="lr_preset").value == "Himmelblau"
    assert at.number_input(key="lr_learning_rate").value == 0.09  # the link's (default) α
