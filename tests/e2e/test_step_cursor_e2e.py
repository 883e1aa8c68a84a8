"""One step cursor in a real Chromium: scrub or pause the chart and every view shows the same k;
the downloads carry the setup (CSV read back with the csv module; HTML works offline)."""

from __future__ import annotations

import csv
import re
import urllib.parse
from pathlib import Path

import numpy as np
from e2e_helpers import (
    CHART,
    SHOTS,
    no_exceptions,
    open_page,
    press_play,
    wait_idle,
)
from playwright.sync_api import Page, expect

from gdviz import parse_objective
from gdviz.lessons.playground.runs import run_setup
from gdviz.lessons.playground.setup import Setup

INSPECTOR = ".st-key-step_inspector"
DEFAULT = (1400, 1000)  # the page fixture's window
# The step each view shows: the contour's own label, the marker on every side panel (one
# trace on the panels' overlay axes holds them all), the slider's active step.
VIEWS_JS = """() => {
  const gd = document.querySelector('.st-key-contour .js-plotly-plot');
  const label = gd.data.find(t => t.mode === 'text' && t.text && /step/.test(t.text[0]));
  const panels = gd.data.find(t => t.mode === 'markers' && t.xaxis && t.xaxis !== 'x');
  const slider = gd._fullLayout.sliders[0];
  return {
    label: Number(/step (\\d+)/.exec(label.text[0])[1]),
    markers: Array.from(panels.x),
    slider: Number(gd.layout.sliders[0].steps[slider.active].value),
  };
}"""


def views(page: Page) -> dict:
    return page.evaluate(VIEWS_JS)


def inspected_step(page: Page) -> int:
    heading = page.locator(f"{INSPECTOR} h3").first.inner_text()
    match = re.search(r"(?:Inside step|Step) (\d+)", heading)
    assert match, heading
    return int(match.group(1))


def scrub(page: Page, fraction: float) -> None:
    rail = page.locator(f"{CHART} .slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)


def caught_up(page: Page) -> None:
    """The inspector has written out the step the chart shows (it is not dimmed any more)."""
    page.wait_for_function(
        f"""() => {{ const box = document.querySelector('{INSPECTOR}');
           return box && box.style.opacity === ''; }}""",
        timeout=30_000,
    )
    wait_idle(page)


def test_scrubbing_moves_every_view_to_the_same_step(page: Page, app_url: str):
    open_page(page, app_url)
    before = views(page)
    assert before["label"] == before["slider"] == inspected_step(page)  # the end, everywhere
    for fraction in (0.3, 0.08, 0.6):
        scrub(page, fraction)
        page.wait_for_timeout(300)
        caught_up(page)
        shown = views(page)
        k = shown["slider"]
        assert shown["label"] == k and shown["markers"] == [k] * len(shown["markers"]), shown
        assert len(shown["markers"]) >= 2  # f and ‖∇f‖ (α too with a schedule)
        assert inspected_step(page) == k, (k, page.locator(INSPECTOR).inner_text()[:200])
        assert k != before["slider"]
        before = shown
    no_exceptions(page)


def test_while_playing_the_inspector_says_so_and_catches_up_on_pause(page: Page, app_url: str):
    open_page(page, f"{app_url}/?opt=momentum&lr=0.02")
    press_play(page)
    page.wait_for_timeout(700)
    assert page.locator(INSPECTOR).evaluate("box => box.style.opacity") == "0.3"
    expect(page.get_by_text("▶ Playing. Pause to see a step written out.")).to_be_visible()
    page.locator(".updatemenu-button", has_text="Pause").first.click()
    caught_up(page)
    shown = views(page)
    assert inspected_step(page) == shown["slider"] == shown["label"]
    assert 0 < shown["slider"] < 293  # paused somewhere in the middle
    assert page.locator(f"{INSPECTOR} .katex").count() >= 1  # written out with its numbers
    no_exceptions(page)


def test_the_csv_reads_back_to_the_runs_numbers(shared_page, app_url: str):
    page = shared_page(app_url, DEFAULT)  # the default page, as the Playground's tests see it
    with page.expect_download() as download:
        page.get_by_role("button", name="Download steps (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[1] == "# function: f(x, y) = x^2 + 10y^2"
    assert any(line.startswith("# optimizer: Gradient descent") for line in lines)
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    setup = Setup()
    run = run_setup(setup, parse_objective(setup.function))[0].trajectory
    assert len(rows) == run.steps + 1
    np.testing.assert_allclose([[float(r["x"]), float(r["y"])] for r in rows], run.points,
                               rtol=1e-9)  # fmt: skip
    np.testing.assert_allclose([float(r["f"]) for r in rows], run.values, rtol=1e-9)


def test_the_html_export_has_the_setup_and_plays_offline(shared_page, app_url: str, tmp_path):
    page = shared_page(app_url, DEFAULT)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download animation (HTML)").click()
    saved = tmp_path / "animation.html"
    download.value.save_as(saved)
    offline = page.context.new_page()
    offline.route(re.compile(r"^https?://"), lambda route: route.abort())  # no network at all
    offline.goto(saved.as_uri())
    offline.wait_for_selector(".js-plotly-plot image", timeout=30_000)
    assert offline.title().startswith("gdviz · Gradient descent on f(x, y) = x^2 + 10y^2")
    assert offline.locator("math").count() == 1
    assert "Converged" in offline.locator("table").inner_text()
    offline.locator(".updatemenu-button", has_text="Play").first.click()
    offline.wait_for_timeout(600)
    offline.screenshot(path=str(SHOTS / "export-offline.png"))
    offline.close()


def test_adam_and_momentum_inside_a_step_at_1280x720(browser, app_url: str):
    """Screenshots at the projector's size: the contour at a mid step, and the inspector."""
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    for name, query, fraction in (("adam", "opt=adam&lr=0.05", 0.06),
                                  ("momentum", "opt=momentum&lr=0.02", 0.04)):  # fmt: skip
        open_page(page, f"{app_url}/?{query}")
        scrub(page, fraction)
        page.wait_for_timeout(300)
        caught_up(page)
        k = views(page)["slider"]
        assert inspected_step(page) == k
        page.locator(CHART).first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"inside-step-{name}-contour.png"))
        page.locator(INSPECTOR).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"inside-step-{name}-inspector.png"))
        no_exceptions(page)
    context.close()


def test_one_dimensional_runs_share_the_cursor_too(page: Page, app_url: str):
    open_page(page, f"{app_url}/?preset={urllib.parse.quote('Double well (1-D)')}")
    rail = page.locator(f"{CHART} .slider-rail-rect").first
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    caught_up(page)
    k = page.evaluate("""() => { const gd = document.querySelector('.st-key-curve .js-plotly-plot');
      return Number(gd.layout.sliders[0].steps[gd._fullLayout.sliders[0].active].value); }""")
    assert inspected_step(page) == k and k > 0
    no_exceptions(page)


def test_a_click_on_the_side_panels_does_not_move_the_start(page: Page, app_url: str):
    open_page(page, app_url)
    start_x = page.locator('input[aria-label="x₀"]')
    before = start_x.input_value()
    for mode, k in (("lines", 2), ("markers", None)):  # a line's point, then the marker
        point = page.evaluate(
            """([mode, k]) => {  // where a panel trace draws step k (the marker: its own)
          const gd = document.querySelector('.st-key-contour .js-plotly-plot');
          const trace = gd._fullData.find(t => t.mode === mode && t.xaxis !== 'x');
          const xa = gd._fullLayout['xaxis' + trace.xaxis.slice(1)];
          const ya = gd._fullLayout['yaxis' + trace.yaxis.slice(1)];
          const box = gd.getBoundingClientRect(), i = k === null ? 0 : k;
          const x = trace.x[i], y = trace.y[i];
          return [box.left + xa._offset + xa.c2p(x), box.top + ya._offset + ya.c2p(y)];
        }""",
            [mode, k],
        )
        page.mouse.click(*point)
        page.wait_for_timeout(500)
        wait_idle(page)
        assert start_x.input_value() == before, mode
    no_exceptions(page)
