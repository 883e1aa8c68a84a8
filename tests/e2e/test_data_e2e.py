"""The Data page in a real headless Chromium: seed numbers, generated data, Play, CSV uploads."""

from __future__ import annotations

from pathlib import Path

from e2e_helpers import (
    CHART,
    PHONE,
    assert_stacked,
    go_to,
    no_exceptions,
    open_page,
    press_play,
    screenshot,
    wait_idle,
)
from playwright.sync_api import Page, expect

from gdviz.optimizers import OPTIMIZERS

GOOD_CSV = "hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n6,71\n7,75\n8,80\n"
BAD_CSV = "hours,score\n1,52\n2,55\n3,sixty\n4,64\n"
TALL = {"width": 1400, "height": 2600}
# Trace 6 is the first run's current point (gdviz/figures/contour.py). Plotly reorders the
# trace elements in the DOM during playback, so read its position from the figure's data.
STATE_JS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const marker = gd._fullData[6];
  return {marker: `${marker.x[0]},${marker.y[0]}`, images: gd.querySelectorAll('image').length};
}"""


SIDEBAR = '[data-testid="stSidebar"]'
# How far each formula in the sidebar overflows (pixels; about 0 when it fits): past the sidebar's
# right edge, or past its own box (a wide formula scrolls inside a box as wide as the sidebar).
LATEX_JS = """() => {
  const bar = document.querySelector('[data-testid="stSidebarUserContent"]');
  const edge = bar.getBoundingClientRect().right;
  return Array.from(bar.querySelectorAll('.katex-html')).map(k => Math.max(
    k.getBoundingClientRect().right - edge, k.scrollWidth - k.clientWidth));
}"""


def open_data_page(page: Page, app_url: str) -> None:
    """The Data page as a visitor reaches it: the app's home, then its navigation."""
    open_page(page, app_url)
    go_to(page, "Batch vs SGD")
    page.wait_for_url("**/data*")
    page.wait_for_selector(CHART, timeout=60_000)
    wait_idle(page)


def alerts(page: Page) -> str:
    return " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


def test_seed_data_then_generated_data_and_play(page: Page, app_url: str):
    page.set_viewport_size(TALL)  # the whole page in each screenshot
    open_data_page(page, app_url)
    no_exceptions(page)
    expect(page.get_by_text("Batch vs SGD vs mini-batch")).to_be_visible()
    assert "θ = [-3.54595031, 2.99372633]" in alerts(page)
    legend = " ".join(page.locator(f"{CHART} .legend text").all_text_contents())
    assert "Batch GD" in legend and "SGD (b = 1)" in legend and "Mini-batch" in legend
    screenshot(page, "data-seed")

    page.get_by_text("Generated: y = a + b·x + noise").click()
    wait_idle(page)
    page.wait_for_function("() => window.location.search.includes('src=generated')")
    no_exceptions(page)
    expect(page.get_by_label("points n", exact=True)).to_be_visible()
    press_play(page)  # counts frames in window.__frames
    samples = []
    for _ in range(5):
        page.wait_for_timeout(200)
        samples.append(page.evaluate(STATE_JS))
    screenshot(page, "data-playing")
    assert len({s["marker"] for s in samples}) >= 3, samples  # the paths move
    assert all(s["images"] >= 1 for s in samples), samples  # the loss surface stays
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__frames") >= 20
    no_exceptions(page)
    screenshot(page, "data-generated")


def test_upload_a_good_and_a_bad_csv(page: Page, app_url: str, tmp_path: Path):
    page.set_viewport_size(TALL)
    open_data_page(page, app_url)
    page.get_by_text("My own CSV file").click()
    wait_idle(page)
    expect(page.get_by_text("Upload a CSV file in the sidebar")).to_be_visible()
    good, bad = tmp_path / "scores.csv", tmp_path / "broken.csv"
    good.write_text(GOOD_CSV)
    bad.write_text(BAD_CSV)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(str(good))
    wait_idle(page)
    page.wait_for_selector(CHART)
    no_exceptions(page)
    axis_titles = " ".join(page.locator(f"{CHART} .g-x2title").all_text_contents())
    assert "hours" in axis_titles
    screenshot(page, "data-upload")
    page.get_by_text("The seed's example (3 points)").click()  # another source, then back
    wait_idle(page)
    page.get_by_text("My own CSV file").click()
    wait_idle(page)
    expect(page.get_by_text("uploaded earlier in this session")).to_be_visible()
    assert "hours" in " ".join(page.locator(f"{CHART} .g-x2title").all_text_contents())

    uploader.set_input_files(str(bad))
    wait_idle(page)
    expect(page.get_by_text("Row 4, column 'score': 'sixty' is not a number.")).to_be_visible()
    expect(page.locator(CHART)).to_have_count(0)
    no_exceptions(page)
    screenshot(page, "data-upload-bad")


def test_every_update_rule_fits_the_sidebar(page: Page, app_url: str):
    open_data_page(page, app_url)
    optimizer = page.locator(f"{SIDEBAR} [data-testid='stSelectbox']").filter(has_text="Optimizer")
    for name in OPTIMIZERS.values():
        optimizer.locator("input").click()
        page.keyboard.type(name.display_name)
        page.keyboard.press("Enter")
        wait_idle(page)
        expect(optimizer.locator("input")).to_have_value(name.display_name)
        overflow = page.evaluate(LATEX_JS)
        assert overflow and max(overflow) <= 4, (name.name, overflow)  # KaTeX rounds a few px
    no_exceptions(page)
    page.locator(f"{SIDEBAR} .katex-display").first.scroll_into_view_if_needed()
    screenshot(page, "data-adam")


def test_on_a_phone_the_data_go_under_the_contour(shared_page, app_url: str):
    page = shared_page(f"{app_url}/data", PHONE)
    no_exceptions(page)
    assert_stacked(page, 2)
    screenshot(page, "data-phone")
