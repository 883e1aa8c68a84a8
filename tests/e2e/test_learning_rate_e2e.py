"""The Learning-rate lab in a real headless Chromium: status across the stability limit, the
1-D cobweb, side by side, and the basin map. Screenshots go to screenshots/lr-*.png."""

from __future__ import annotations

from e2e_helpers import (
    CHART,
    IDLE,
    PHONE,
    assert_stacked,
    no_exceptions,
    press_play,
    screenshot,
    wait_idle,
)
from playwright.sync_api import Page, expect

LAB = "/learning-rate"


def open_lab(page: Page, app_url: str, query: str = "") -> None:
    """The lab page (after the app's root once, so that the page list is known)."""
    page.goto(app_url)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.goto(f"{app_url}{LAB}{'?' + query if query else ''}")
    page.wait_for_selector(CHART, timeout=60_000)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Learning-rate lab")).to_be_visible()


def verdict(page: Page, name: str) -> str:
    """The markdown line that starts with ``name`` in bold (a run's name and its badge)."""
    return page.locator('[data-testid="stMarkdownContainer"]', has_text=name).first.inner_text()


def set_rate(page: Page, value: str) -> None:
    box = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def test_sweep_status_changes_across_the_stability_limit(page: Page, app_url: str):
    open_lab(page, app_url, "section=sweep")
    no_exceptions(page)
    expect(page.get_by_text("stable for α < 0.1", exact=False)).to_be_visible()
    line = verdict(page, "your α = 0.09")
    assert "converged in" in line and "oscillating" in line
    images = page.locator(f"{CHART} .shapelayer path").count()
    assert images >= 4  # shaded regions and the theory's lines
    screenshot(page, "lr-sweep-below-limit")
    set_rate(page, "0.11")  # 2/λmax = 0.1 on the Elongated bowl
    no_exceptions(page)
    assert "diverging from step 1" in verdict(page, "your α = 0.11")
    set_rate(page, "0.099")
    assert "oscillating" in verdict(page, "your α = 0.099")
    assert "lr=0.099" in page.url and "section=sweep" in page.url
    screenshot(page, "lr-sweep")


def test_one_d_regime_follows_the_slider(page: Page, app_url: str):
    open_lab(page, app_url, "section=intuition&a1=0.95")
    assert "oscillating" in verdict(page, "α·f″")
    slider = page.get_by_role("slider").first  # the learning rate α
    for _ in range(30):  # 0.95 → 1.05: α·f″ crosses 2. A press during a rerun can be lost,
        if float(slider.input_value()) >= 1.05 - 1e-9:  # so read the value back
            break
        slider.focus()
        slider.press("ArrowRight")
        wait_idle(page)
    expect(page.get_by_text("→ diverging")).to_be_visible(timeout=15_000)
    wait_idle(page)  # the last key press's rerun is drawn: Play acts on the final chart
    no_exceptions(page)
    press_play(page)  # counts frames in window.__frames
    page.wait_for_function("window.__frames >= 15", timeout=15_000)  # ~1 s on an idle machine
    screenshot(page, "lr-intuition")


def test_side_by_side_labels_every_run(page: Page, app_url: str):
    open_lab(page, app_url)
    no_exceptions(page)
    assert page.locator(CHART).count() == 2  # the five panels (one figure) and the losses
    titles = page.locator(f"{CHART} .annotation-text").all_text_contents()
    assert any("α = 0.002" in t and "still descending" in t for t in titles), titles
    assert any("α = 0.105" in t and "diverging from step 1" in t for t in titles), titles
    page.get_by_text("Overlay").click()
    wait_idle(page)
    legend = page.locator(f"{CHART} .legend").first.text_content()
    assert "α = 0.105 — diverging from step 1" in legend
    screenshot(page, "lr-side")


def test_basin_map_renders_as_one_image(page: Page, app_url: str):
    open_lab(page, app_url, "section=basins&preset=Himmelblau&lr=0.02")
    no_exceptions(page)
    chart = page.locator(CHART).first
    assert chart.locator("image").count() == 1
    legend = chart.locator(".legend").text_content()
    assert "→ (3, 2)" in legend and "no minimum reached" not in legend
    screenshot(page, "lr-basins")
    set_rate(page, "0.01")
    legend = page.locator(CHART).first.locator(".legend").text_content()
    assert legend.count("→ (") == 4 and "(100 %)" not in legend  # four clean basins
    no_exceptions(page)
    screenshot(page, "lr-basins-calm")


def test_schedules(page: Page, app_url: str):
    open_lab(page, app_url, "section=schedules&lr=0.105")
    no_exceptions(page)
    table = page.locator('[data-testid="stMarkdownContainer"] table').first.inner_text()
    assert "Constant" in table and "diverging from step" in table and "Cosine" in table
    screenshot(page, "lr-schedules")


def test_on_a_phone_side_by_side_shows_one_run_a_row(shared_page, app_url: str):
    page = shared_page(f"{app_url}/learning-rate", PHONE)
    no_exceptions(page)
    assert_stacked(page, 5)  # the five default learning rates
    screenshot(page, "lab-phone")
