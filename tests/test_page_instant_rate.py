"""app_pages/instant_rate.show in AppTest: one iframe holding the view (plotly.js linked from
this server, not inlined) and the offline download, without an exception."""

from __future__ import annotations

from apptest_helpers import run_script


def test_show_puts_the_view_in_one_iframe_and_offers_the_download():
    at = run_script("tests/e2e/instant_rate_app.py", example="seed")
    assert not at.exception
    frames = at.get("iframe")
    assert len(frames) == 1
    document = frames[0].proto.srcdoc
    assert 'fetch("/component/app_pages.instant_rate.plotlyjs/plotly.min.js"' in document
    assert "Instant α: Gradient descent" in document and len(document) < 400_000
    assert at.get("download_button")[0].proto.label.startswith("Download this view")
    assert "script runs: 1" in at.caption[0].value
