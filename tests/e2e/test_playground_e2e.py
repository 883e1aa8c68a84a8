"""The Playground in a real headless Chromium: load, type, change α, play, 1-D, bad link."""

from __future__ import annotations

import re
import urllib.parse

from e2e_helpers import (
    CHART,
    PHONE,
    assert_stacked,
    no_exceptions,
    open_page,
    press_play,
    screenshot,
    wait_idle,
)
from playwright.sync_api import Page, expect

# Scatter trace 6 is the first run's current-point marker, trace 1 the level lines
# (see gdviz/figures/contour.py); the colour field is a layout <image>.
STATE_JS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const traces = gd.querySelectorAll('.scatterlayer .trace');
  const point = traces[6].querySelector('.point');
  return {
    marker: point ? point.getAttribute('transform') : null,
    images: gd.querySelectorAll('image').length,
    lines: Array.from(gd.querySelectorAll('.scatterlayer .trace')[1].querySelectorAll('path'))
      .reduce((total, p) => total + (p.getAttribute('d') || '').length, 0) > 2000 ? 1 : 0,
  };
}"""


def chart_state(page: Page) -> dict:
    return page.evaluate(STATE_JS)


def status_text(page: Page) -> str:
    return page.locator('[data-testid="stAlert"]').first.inner_text()


DEFAULT = (1400, 1000)  # the page fixture's window: the default page, shared by the tests that
# only look at it (here and in test_step_cursor_e2e.py)


def test_default_page_draws_the_animated_contour(shared_page, app_url: str):
    page = shared_page(app_url, DEFAULT)
    no_exceptions(page)
    expect(page.get_by_text("Gradient descent playground")).to_be_visible()
    state = chart_state(page)
    assert state["images"] >= 1 and state["lines"] >= 1  # colour field and level lines
    assert "Converged" in status_text(page)
    screenshot(page, "playground-default")


def test_on_a_phone_the_panels_go_under_a_contour_as_wide_as_the_page(shared_page, app_url):
    page = shared_page(app_url, PHONE)
    no_exceptions(page)
    assert_stacked(page, 3)  # the contour, then f and ‖∇f‖
    screenshot(page, "playground-phone")


def test_play_moves_the_marker_and_keeps_the_background(page: Page, app_url: str):
    open_page(page, app_url)
    press_play(page)  # counts frames in window.__frames
    samples = []
    for _ in range(6):
        page.wait_for_timeout(250)
        samples.append(chart_state(page))
    positions = {s["marker"] for s in samples}
    assert len(positions) >= 4, samples  # the marker moves during playback
    assert all(s["images"] >= 1 and s["lines"] >= 1 for s in samples), samples
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__frames") >= 25
    screenshot(page, "playground-playing")


def test_typing_a_function_and_changing_the_learning_rate(page: Page, app_url: str):
    open_page(page, app_url)
    box = page.get_by_label("f(x, y) =", exact=True).and_(page.locator("input"))
    box.fill("x^2 + 3y^2")
    box.press("Enter")
    wait_idle(page)
    expect(page.locator('[data-testid="stMain"] .katex').first).to_contain_text("3y")
    no_exceptions(page)
    rate = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    rate.fill("0.4")
    rate.press("Enter")
    wait_idle(page)
    assert re.search(r"Diverging from step \d+", status_text(page))
    rate.fill("0.1")
    rate.press("Enter")
    wait_idle(page)
    assert "Converged" in status_text(page)
    assert "f=x%5E2+%2B+3y%5E2" in page.url or "f=x%5E2%20%2B%203y%5E2" in page.url


def test_compare_learning_rates(page: Page, app_url: str):
    open_page(page, f"{app_url}/?cmp=learning_rates&lrs=0.02,0.05,0.09,0.11")
    no_exceptions(page)
    legend = page.locator(f"{CHART} .legend text").all_text_contents()
    assert any("α = 0.11" in name for name in legend)  # what each did: in the list beside it
    status = page.locator('[data-testid="stMarkdownContainer"]', has_text="α = 0.11").first
    assert "diverging from step" in status.inner_text()
    screenshot(page, "playground-compare")


def test_one_dimensional_mode(page: Page, app_url: str):
    open_page(page, f"{app_url}/?preset={urllib.parse.quote('Double well (1-D)')}")
    no_exceptions(page)
    expect(page.locator('input[aria-label="y₀"]')).to_have_count(0)
    page.locator(".updatemenu-button", has_text="Play").first.click()
    page.wait_for_timeout(800)
    no_exceptions(page)
    screenshot(page, "playground-1d")


def test_a_bad_link_shows_a_clear_message(page: Page, app_url: str):
    bad = urllib.parse.quote("__import__('os').system('ls')")
    page.goto(f"{app_url}/?f={bad}&lr=banana")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stAlert"]')
    text = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Can't use this function" in t for t in text)
    assert any("'lr'" in t for t in text)
    no_exceptions(page)
    screenshot(page, "playground-error")


def test_clicking_the_plot_moves_the_start(page: Page, app_url: str):
    open_page(page, app_url)
    start_x = page.locator('input[aria-label="x₀"]')
    before = start_x.input_value()
    area = page.locator(f"{CHART} .nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.8, area["y"] + area["height"] * 0.25)
    wait_idle(page)
    page.wait_for_function(
        f"""() => document.querySelector('input[aria-label="x₀"]').value !== '{before}'"""
    )
    after_x = float(start_x.input_value())
    after_y = float(page.locator('input[aria-label="y₀"]').input_value())
    assert after_x > 1 and after_y > 0.5, (after_x, after_y)  # right and up of the centre
    no_exceptions(page)


def test_step_table_and_code_load_only_when_opened(page: Page, app_url: str):
    """The step table and the generated code are built when their expander opens (their
    browser code would otherwise slow every first load)."""
    open_page(page, app_url)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('[data-testid="stDataFrame"]').count() == 0
    assert main.locator('[data-testid="stCode"]').count() == 0
    page.get_by_text("All steps as a table").click()
    expect(main.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=15_000)
    page.get_by_text("Generated NumPy code").click()
    expect(main.locator('[data-testid="stCode"]')).to_contain_text("def", timeout=15_000)
    no_exceptions(page)
    screenshot(page, "playground-table-and-code")
