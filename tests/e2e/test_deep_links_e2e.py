"""Every page's link, opened as the very first visit of a freshly started server, shows that page
with its setup and no "Page not found" dialog (a shared link after a restart or a deploy)."""

from __future__ import annotations

import pytest
from e2e_helpers import ROOT, go_to, no_exceptions, open_page, serve_all, wait_idle
from playwright.sync_api import Page, expect

LINKS = [
    ("/?preset=Himmelblau&lr=0.02", "Gradient descent playground", "α exactly", "0.02"),
    ("/data?src=generated&n=5000", "Batch vs SGD", "points n", "5000"),
    ("/learning-rate?section=sweep&lr=0.05", "Learning-rate lab", "α exactly", "0.05"),
]


@pytest.fixture(scope="module")
def fresh_servers() -> dict[str, str]:
    """One freshly started server per link, started side by side; each link is its server's only
    visit (the first one)."""
    try:
        with serve_all([(ROOT / "app.py",) for _ in LINKS]) as served:
            yield {link: server.url for (link, *_), server in zip(LINKS, served, strict=True)}
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.mark.parametrize(("link", "title", "label", "value"), LINKS, ids=[x[0] for x in LINKS])
def test_a_deep_link_is_the_first_visit_of_a_fresh_server(
    page: Page, fresh_servers, link, title, label, value
):
    open_page(page, fresh_servers[link] + link)
    expect(page.locator("h1").first).to_contain_text(title)
    field = page.get_by_label(label, exact=True).and_(page.locator("input"))
    expect(field).to_have_value(value)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[role="dialog"]').count() == 0
    no_exceptions(page)
    print(f"fresh server {link}: '{title}' shown, {label} = {value}, no dialog")


def test_back_and_forward_bring_a_page_back_as_it_was_left(page: Page, app_url: str):
    open_page(page, app_url + "/?preset=Himmelblau&lr=0.02&x0=1&y0=-3")
    go_to(page, "Batch vs SGD")
    page.wait_for_url("**/data*")
    expect(page.locator("h1").first).to_contain_text("Batch vs SGD")
    heading = page.locator("h1").first  # a loaded 2-core machine can take seconds to rerun
    moves = [
        (page.go_back, "Gradient descent playground"),
        (page.go_forward, "Batch vs SGD"),
        (page.go_back, "Gradient descent playground"),
    ]
    for move, title in moves:  # as a user does: each page seen before the next click
        move()
        expect(heading).to_contain_text(title, timeout=20_000)
        wait_idle(page)
    rate = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    expect(rate).to_have_value("0.02")
    expect(page.locator('input[aria-label="y₀"]')).to_have_value("-3")
    page.wait_for_function("() => location.search.includes('lr=0.02')")
    no_exceptions(page)
