"""Every page's link, opened as the very first visit of a freshly started server, shows that page
with its setup and no "Page not found" dialog (a shared link after a restart or a deploy)."""

from __future__ import annotations

import pytest
from e2e_helpers import ROOT, no_exceptions, open_page, serve
from playwright.sync_api import Page, expect

LINKS = [
    ("/?preset=Himmelblau&lr=0.02", "Gradient descent playground", "α exactly", "0.02"),
    ("/data?src=generated&n=5000", "Batch vs SGD", "points n", "5000"),
    ("/learning-rate?section=sweep&lr=0.05", "Learning-rate lab", "α exactly", "0.05"),
]


@pytest.mark.parametrize(("link", "title", "label", "value"), LINKS, ids=[x[0] for x in LINKS])
def test_a_deep_link_is_the_first_visit_of_a_fresh_server(page: Page, link, title, label, value):
    with serve(ROOT / "app.py") as url:
        open_page(page, url + link)
        expect(page.locator("h1").first).to_contain_text(title)
        field = page.get_by_label(label, exact=True).and_(page.locator("input"))
        expect(field).to_have_value(value)
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[role="dialog"]').count() == 0
        no_exceptions(page)
        print(f"fresh server {link}: '{title}' shown, {label} = {value}, no dialog")
