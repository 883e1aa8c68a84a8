"""The Data page: AppTest of every data source, variant and optimizer; its setup, URL and runs."""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pytest
from apptest_helpers import chart_specs, run_script
from streamlit.testing.v1 import AppTest

from gdviz.datasets import MAX_BYTES, generate, seed_dataset
from gdviz.lessons.data import runs as data_runs
from gdviz.lessons.data import setup as ds
from gdviz.optimizers import OPTIMIZERS

SEED_THETA = "θ = [-3.54595031, 2.99372633]"
GOOD_CSV = b"hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n6,71\n"


def run_page(**query: str) -> AppTest:
    return run_script("app_pages/data.py", **query)


charts = chart_specs


def table(at: AppTest):
    return at.dataframe[0].value


def assert_ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def seed_page() -> AppTest:
    return run_page()


def test_the_seed_example_shows_the_seed_numbers_and_why(seed_page):
    assert_ok(seed_page)
    story = " ".join(info.value for info in seed_page.info)
    assert SEED_THETA in story and "not converged yet" in story
    assert "θ* = [-5.1667, 3.5000]" in story
    assert "κ ≈ 169" in story and "2/λmax ≈ 0.0943" in story
    animation, losses = charts(seed_page)
    assert len(animation["frames"]) > 20
    assert animation["layout"]["updatemenus"][0]["buttons"][0]["label"].endswith("Play")
    assert len(losses["data"]) == 6  # three variants × (per step, per epoch)
    assert list(table(seed_page)["steps"]) == [1000, 3000, 1500]
    assert list(table(seed_page)["epochs"]) == [1000, 1000, 1000]


@pytest.mark.parametrize("variant", data_runs.VARIANTS, ids=lambda v: v.name)
def test_each_variant_is_drawn_tabled_and_reported(seed_page, variant):
    animation = charts(seed_page)[0]
    names = [trace.get("name", "") for trace in animation["data"]]
    assert any(name.startswith(variant.label) for name in names)
    assert any(row.startswith(variant.label) for row in table(seed_page)["variant"])
    assert any(f"**{variant.label}**" in banner.value for banner in seed_page.warning)


def test_generated_data():
    at = run_page()
    at.radio(key="data_source").set_value("generated").run()
    assert_ok(at)
    assert at.number_input(key="data_epochs").value == 20
    scatter = next(t for t in charts(at)[0]["data"] if t.get("name") == "data")
    assert len(np.frombuffer(_bytes(scatter["x"]), dtype=np.float32)) == 1000
    assert at.query_params["src"] == "generated"
    at.number_input(key="data_n").set_value(50).run()
    assert_ok(at)
    assert list(table(at)["steps"]) == [20, 1000, 32]  # b = 32 does not divide 50: ⌈50·20/32⌉


def _bytes(array) -> bytes:
    """Plotly's base64 typed-array form, or a plain list."""
    import base64

    if isinstance(array, dict):
        return base64.b64decode(array["bdata"])
    return np.asarray(array, dtype=np.float32).tobytes()


def test_uploaded_csv():
    at = run_page()
    at.radio(key="data_source").set_value("upload").run()
    assert_ok(at)
    assert "Upload a CSV file" in at.info[0].value
    at.file_uploader(key="data_upload").set_value(("scores.csv", GOOD_CSV, "text/csv")).run()
    assert_ok(at)
    assert at.selectbox(key="data_x_column").value == "hours"
    assert at.selectbox(key="data_y_column").value == "score"
    assert len(charts(at)) == 2
    at.selectbox(key="data_x_column").select("score").run()
    at.selectbox(key="data_y_column").select("hours").run()
    assert not at.exception  # x ≈ 60 needs α < 0.00026: all three diverge, and say so
    assert "try α < 0.000255" in at.error[0].value
    at.toggle(key="data_standardise").set_value(True).run()
    assert_ok(at)  # standardised, α = 0.01 is fine


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"hours,score\n1,52\n2,abc\n3,61\n", "Row 3, column 'score': 'abc' is not a number."),
        (b"hours,score\n1,52\n2,\n3,61\n", "Row 3, column 'score' is empty"),
        (b"hours,score\n1,52\n", "at least 2 are needed"),
        (b"hours,score\n4,52\n4,55\n", "Column 'hours' is constant"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b"x,y\n" + b"1,2\n" * (MAX_BYTES // 4 + 1), "the limit is 5 MB"),
    ],
)
def test_bad_csv_gets_a_message_and_nothing_crashes(data, phrase):
    at = run_page()
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").set_value(("bad.csv", data, "text/csv")).run()
    assert not at.exception
    assert phrase in at.error[0].value
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_drives_all_three_variants(name):
    at = run_page(src="generated", n="300", lr="0.005")
    at.selectbox(key="data_optimizer").select(name).run()
    assert_ok(at)
    assert len(table(at)) == 3
    assert len(at.success) + len(at.warning) == 3  # one status banner per variant


def test_same_steps_budget_and_a_schedule():
    at = run_page()
    at.radio(key="data_budget").set_value("steps").run()
    at.selectbox(key="data_schedule").select("inverse_time").run()
    assert_ok(at)
    assert at.number_input(key="data_decay").value == 0.5
    assert list(table(at)["steps"]) == [1000, 1000, 1000]
    assert list(table(at)["samples processed"]) == [3000, 1000, 2000]


def test_standardise_makes_the_valley_round():
    at = run_page()
    at.toggle(key="data_standardise").set_value(True).run()
    assert_ok(at)
    assert any("κ = λmax/λmin ≈ 1;" in caption.value for caption in at.caption)
    assert at.query_params["std"] == "1"


def test_a_link_restores_the_setup_and_reports_bad_values():
    at = run_page(src="generated", n="500", opt="momentum", lr="0.005", bs="16", epochs="5")
    assert_ok(at)
    assert at.number_input(key="data_n").value == 500
    assert at.selectbox(key="data_optimizer").value == "momentum"
    assert list(table(at)["steps"]) == [5, 2500, 157]
    bad = run_page(src="evil", lr="abc", n="-5", std="2", bs="1.5", b1="0.9995")
    assert not bad.exception  # b1 = 0.9995 is past β₁'s slider: refused, not a crash
    warnings = " ".join(w.value for w in bad.warning)
    for query in ("src", "lr", "n", "std", "bs", "b1"):
        assert f"'{query}' was ignored" in warnings
    assert SEED_THETA in " ".join(info.value for info in bad.info)


def test_100_000_points_stay_light_in_the_browser():
    at = run_page(src="generated", n="100000")
    assert_ok(at)
    assert sum(len(chart.proto.spec) for chart in at.get("plotly_chart")) < 400_000
    assert any("random 2,000 of the 100,000 points" in c.value for c in at.caption)
    assert list(table(at)["steps"]) == [20, 2_000_000, 62_500]


def test_adaptive_sgd_on_many_points_is_capped_with_a_note():
    at = run_page(src="generated", n="100000", opt="adam", lr="0.05")
    assert_ok(at)
    assert any("Budget capped at 0.5 epochs" in info.value for info in at.info)
    assert max(table(at)["steps"]) == data_runs.MAX_LOOP_STEPS


def _surface(at: AppTest) -> list:
    """The loss surface behind the animation: its level lines and its colour field."""
    animation = charts(at)[0]
    lines = [trace for trace in animation["data"] if trace.get("name") == "level lines"]
    return lines + animation["layout"]["images"]


def test_the_loss_surface_is_kept_for_a_new_rate_and_redrawn_for_new_data():
    at = run_page(src="generated", n="300", lr="0.005")
    surface = _surface(at)
    assert len(surface) == 2
    at.number_input(key="data_learning_rate").set_value(0.007).run()
    assert_ok(at)
    assert _surface(at) == surface  # same data, same start: the same surface
    at.number_input(key="data_data_seed").set_value(at.number_input(key="data_data_seed").value + 1)
    at.run()
    assert_ok(at)
    assert _surface(at) != surface  # other points: another least-squares surface


# The setup, its link and its runs, without the page ----------------------------------------


def test_encode_decode_round_trip():
    setup = replace(ds.defaults("generated"), n=1234, standardise=True, optimizer="adam", eps=1e-6)
    params = ds.encode(setup)
    assert params["src"] == "generated" and params["std"] == "1" and "epochs" not in params
    assert ds.decode(params) == (setup, [])
    assert ds.encode(ds.DataSetup()) == {}


def test_plan_gives_every_variant_the_same_data():
    chosen = data_runs.plan(ds.DataSetup(), 3)
    assert chosen.steps == {"batch": 1000, "sgd": 3000, "minibatch": 1500}
    assert chosen.sizes["minibatch"] == 2 and "capped at m − 1 = 2" in chosen.notes[0]
    big = data_runs.plan(replace(ds.DataSetup(), epochs=50.0), 100_000)
    assert big.amount == 20 and big.steps["sgd"] == data_runs.MAX_RUN_STEPS
    assert "Budget capped at 20 epochs" in big.notes[0]


def test_runs_end_on_their_true_final_point_and_stay_thin():
    setup = replace(ds.defaults("generated"), n=5000, epochs=3.0)
    dataset = generate(5000, 1, 2, 1, 0, 10, 0)
    comparison = data_runs.run_variants(setup, dataset)
    assert len(comparison.clock) == data_runs.MAX_KEPT + 1
    assert comparison.clock[-1] == 469 * 32 / 5000  # ⌈3 · 5000 / 32⌉ mini-batches of 32
    for run in comparison.runs:
        assert run.history_steps[-1] == run.steps
        assert len(run.history_steps) <= data_runs.MAX_KEPT + 2
        np.testing.assert_array_equal(run.animation.final_point, run.history.final_point)
    csv = data_runs.trajectories_csv(comparison).splitlines()
    assert csv[0].startswith("variant,step,samples,epoch,theta0")
    assert len(csv) == 1 + sum(len(run.history_steps) for run in comparison.runs)


def test_schedules_count_epochs_so_variants_share_one_timetable():
    setup = replace(ds.DataSetup(), schedule="step_decay", step_size=10, gamma=0.5)
    comparison = data_runs.run_variants(setup, seed_dataset())
    batch, sgd, _ = comparison.runs
    # After 10 epochs α halves: step 10 of batch GD, step 30 of SGD (3 rows).
    assert batch.history.learning_rates[9:11].tolist() == [0.01, 0.005]
    assert sgd.history.learning_rates[29:31].tolist() == [0.01, 0.005]


def test_setup_fields_are_all_in_the_link_table():
    assert set(ds.QUERY) == set(asdict(ds.DataSetup()))
    assert len({query for query, _ in ds.QUERY.values()}) == len(ds.QUERY)


def test_epochs_are_linked_against_the_source_default():
    generated = ds.defaults("generated")
    assert ds.encode(generated) == {"src": "generated"}
    thousand = replace(generated, epochs=1000.0)  # the seed's default, not this source's
    assert ds.encode(thousand) == {"src": "generated", "epochs": "1000"}
    assert ds.decode(ds.encode(thousand)) == (thousand, [])
    assert ds.decode({"src": "upload", "epochs": "x"})[0].epochs == 20
    setup, problems = ds.decode({"bs": "2.5", "n": "1e3"})
    assert (setup.batch_size, setup.n) == (32, 1000) and "not a whole number" in problems[0]


def test_cosine_spans_the_whole_step_budget():
    at = run_page(budget="steps", steps="30000")
    at.selectbox(key="data_schedule").set_value("cosine").run()
    assert not at.exception
    assert at.number_input(key="data_total_steps").value == 30000
    assert at.query_params["T"] == "30000"


def test_batch_gd_family_marks_the_seed_limit():
    setup = ds.DataSetup()  # the seed's data, GD, α = 0.01
    problem = data_runs.run_variants(setup, seed_dataset()).problem
    family = data_runs.batch_family(setup, problem)
    limit = next(mark.value for mark in family.marks if mark.label == "2/λmax")
    assert limit == pytest.approx(0.0943, abs=1e-4)  # 2/λmax of (2/m)·XᵀX (the seed note)
    below = family.rates < limit
    statuses = np.asarray(family.trajectory.status)
    assert np.all(statuses[~below] == "diverged") and not np.any(statuses[below] == "diverged")
