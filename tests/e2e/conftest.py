"""Browser fixtures: the app served on a free port, and a headless Chromium page.

Debian's /usr/bin/chromium (or $GDVIZ_CHROMIUM) is used when present, Playwright's own build
otherwise. When no browser can be launched the tests FAIL: they never skip.
"""

from __future__ import annotations

import pytest
from e2e_helpers import ROOT, launch_chromium, serve
from playwright.sync_api import Page, sync_playwright


@pytest.fixture(scope="session")
def app_url():
    """`streamlit run app.py` once for the whole session."""
    try:
        with serve(ROOT / "app.py") as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        try:
            launched = launch_chromium(playwright)
        except Exception as error:  # no browser at all: a failure, never a skip
            pytest.fail(f"no Chromium could be launched ({error}); run `make browser`")
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
