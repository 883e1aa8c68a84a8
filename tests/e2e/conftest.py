"""Browser fixtures: the app served on a free port, and a headless Chromium page.

Debian's /usr/bin/chromium (or $GDVIZ_CHROMIUM) is used when present, Playwright's own build
otherwise. When no browser can be launched the tests FAIL: they never skip.
"""

from __future__ import annotations

import pytest
from e2e_helpers import ROOT, launch_chromium, open_page, serve_all, settle
from playwright.sync_api import Page, sync_playwright


@pytest.fixture(scope="session")
def servers():
    """`streamlit run app.py` and the Instant-α view's page (tests/e2e/instant_rate_app.py), once
    for the whole session, started side by side: {"app": url, "instant_rate": url}."""
    scripts = {"app": ROOT / "app.py", "instant_rate": ROOT / "tests/e2e/instant_rate_app.py"}
    try:
        with serve_all([(script,) for script in scripts.values()]) as served:
            yield {name: server.url for name, server in zip(scripts, served, strict=True)}
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def app_url(servers):
    """`streamlit run app.py` once for the whole session."""
    return servers["app"]


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


@pytest.fixture(scope="session")
def shared_page(browser):
    """shared_page(url, (width, height), dark=False) -> a page with that link, window size and
    colour scheme, opened once for every test that asks for the same three and only looks at it
    (reads, screenshots, downloads): one page load instead of one per test. A test that changes
    what the page shows must open a page of its own (the ``page`` fixture)."""
    opened: dict[tuple, Page] = {}

    def shared_page(url: str, size: tuple[int, int], dark: bool = False, timeout=30_000) -> Page:
        key = (url, size, dark)
        if key not in opened:
            width, height = size
            context = browser.new_context(viewport={"width": width, "height": height},
                                          color_scheme="dark" if dark else "light")  # fmt: skip
            opened[key] = context.new_page()
            opened[key].set_default_timeout(timeout)
            open_page(opened[key], url)
        else:
            opened[key].set_default_timeout(timeout)
            settle(opened[key])  # drawn and idle, as a fresh load leaves it
        return opened[key]

    yield shared_page
    for page in opened.values():
        page.context.close()
