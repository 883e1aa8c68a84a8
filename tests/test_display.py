"""The app-wide link keys: present= and hide= (gdviz.display), decoded like any parameter, kept
in every page's URL, and applied through the shared mechanism (app_pages/state.py)."""

from __future__ import annotations

import pytest
from apptest_helpers import ROOT, chart_specs
from streamlit.testing.v1 import AppTest

from gdviz import display
from gdviz.lessons.data import setup as data_setup
from gdviz.lessons.learning_rate import setup as lab_setup
from gdviz.lessons.playground import setup as playground_setup
from gdviz.urlstate import Names


def test_hide_takes_known_names_in_any_order_each_once():
    shown, problems = display.decode({"hide": " compare;schedule,compare ", "present": "true"})
    assert shown == display.Display(present=True, hide=("schedule", "compare")) and not problems
    assert not shown.shows("schedule") and shown.shows("start")
    assert display.encode(shown) == {"present": "1", "hide": "schedule,compare"}
    assert display.decode({"hide": ""}) == (display.Display(), [])


@pytest.mark.parametrize("raw", ["schedule,colour", "Schedule", "x" * 300])
def test_an_unknown_name_ignores_the_whole_list_with_a_message(raw):
    shown, problems = display.decode({"hide": raw})
    assert shown.hide == () and len(problems) == 1
    assert problems[0].startswith("Link parameter 'hide' was ignored:")
    assert "function, examples, start" in problems[0]


def test_present_is_a_flag():
    assert display.decode({"present": "yes"})[1] == [
        "Link parameter 'present' was ignored: 'yes' is not 0 or 1."
    ]


def test_a_typo_in_the_code_is_a_bug_not_a_hidden_part():
    with pytest.raises(KeyError):
        display.Display().shows("schedules")


def test_names_round_trip_in_their_own_order():
    kind = Names(("a", "b", "c"))
    assert kind.parse("c,a") == ("a", "c") and kind.parse("") == ()


@pytest.mark.parametrize("lesson", [playground_setup, data_setup, lab_setup])
def test_no_lesson_uses_the_app_wide_names(lesson):
    names = {query for query, _ in lesson.QUERY.values()}
    assert names.isdisjoint({query for query, _ in display.QUERY.values()})


def app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_presenter_link_turns_the_toggle_on_and_stays_in_the_url():
    at = app(present="1", lr="0.05")
    assert not at.exception
    assert at.toggle(key="present").value is True
    assert at.query_params["present"] == "1" and at.query_params["lr"] == "0.05"
    contour = chart_specs(at)[0]
    assert contour["layout"]["font"]["size"] >= 16  # presenter type in the charts
    assert contour["layout"]["updatemenus"][0]["font"]["size"] >= 16
    at.toggle(key="present").set_value(False).run()
    assert "present" not in at.query_params
    assert chart_specs(at)[0]["layout"]["font"]["size"] < 16


def test_hidden_controls_still_apply_and_hide_survives_page_switches():
    at = app(hide="compare,schedule", cmp="learning_rates", lrs="0.01,0.02")
    assert not at.exception
    css = " ".join(element.proto.body for element in at.get("html"))
    assert '[class*="st-key-part--compare--"] {display: none;}' in css
    assert '[class*="st-key-part--schedule--"] {display: none;}' in css
    contour = chart_specs(at)[0]
    runs = {trace["name"] for trace in contour["data"] if "α = 0.0" in trace.get("name", "")}
    assert len(runs) == 2  # the link's compare mode and rates apply, hidden or not
    assert at.query_params["hide"] == "schedule,compare"
    at.switch_page("app_pages/data.py").run()
    assert at.query_params["hide"] == "schedule,compare"


def test_hiding_a_main_area_part_leaves_it_out():
    at = app(hide="metrics,inspector,downloads,code")
    assert not at.exception
    assert len(chart_specs(at)) == 1  # the contour alone
    assert not at.get("download_button")


def test_a_bad_display_link_says_why_once():
    at = app(hide="nonsense")
    assert any("'hide' was ignored" in warning.value for warning in at.warning)
