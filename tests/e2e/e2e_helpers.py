"""Small helpers the browser tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(100)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(CHART, timeout=60_000)
    wait_idle(page)


def screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_exceptions(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
