"""Playground speed, as the Playground issue measures it (`.venv/bin/python bench/page_bench.py`).

1. Server time of one rerun with the default setup (AppTest, parse cached), median of 9 reruns
   that each change α (so the descent and the figures are recomputed, not served from cache).
2. Bytes one rerun sends over the websocket, default setup with a 1,000-step run (3-D included).
3. In headless Chromium: α change → new chart drawn; cold load → chart visible, against a bare
   one-chart Streamlit page measured in the same run; playback frames/s and background samples.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from e2e_helpers import CHART, IDLE, launch_chromium, serve  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

BARE_APP = """
import plotly.graph_objects as go
import streamlit as st
st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[1, 0, 1])))
"""
LONG_RUN = "/?steps=1000&gtol=0"
GD = "document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')"


def server_rerun_ms() -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    times = []
    for rate in (0.05, 0.06, 0.07, 0.08, 0.085, 0.075, 0.065, 0.055, 0.045):
        at.number_input(key="learning_rate").set_value(rate)
        start = time.perf_counter()
        at.run()
        times.append(1000 * (time.perf_counter() - start))
    assert not at.exception
    return statistics.median(times)


def browser_figures(app_url: str, bare_url: str) -> dict:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        loads = {"app": [], "bare": []}
        for _ in range(3):
            for name, url in (("bare", bare_url), ("app", app_url)):
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(CHART, timeout=60_000)
                loads[name].append(time.perf_counter() - start)
        page.goto(app_url + LONG_RUN)
        page.wait_for_selector(CHART)
        page.wait_for_selector(IDLE)
        received = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(f)))
        page.reload()
        page.wait_for_selector(CHART)
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(500)
        received.clear()
        box = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
        redraws = []
        for rate in ("0.05", "0.07", "0.03"):
            page.evaluate(
                "() => { window.__drawn = null; const gd = "
                + GD
                + """;
                new MutationObserver((m, obs) => { window.__drawn = performance.now();
                  obs.disconnect(); }).observe(gd.parentElement, {subtree: true,
                  childList: true, attributes: true}); }"""
            )
            box.fill(rate)
            start = page.evaluate("performance.now()")
            box.press("Enter")
            page.wait_for_function("window.__drawn !== null")
            page.wait_for_function(
                f"""() => Array.from(document.querySelectorAll('{CHART} .legend text'))
                .some(t => t.textContent.includes('α = {rate}'))"""
            )
            redraws.append(page.evaluate("performance.now()") - start)
            page.wait_for_selector(IDLE)
        sent = sum(len(f) if isinstance(f, (bytes, str)) else 0 for f in received)
        playback = _playback(page)
        browser.close()
    return {
        "cold_load_app_s": min(loads["app"]),
        "cold_load_bare_s": min(loads["bare"]),
        "cold_load_ratio": min(loads["app"]) / min(loads["bare"]),
        "rate_change_to_chart_ms": statistics.median(redraws),
        "bytes_per_rerun_kb": sent / 1024 / len(redraws),
        **playback,
    }


def _playback(page) -> dict:
    page.evaluate(
        "() => { const gd = "
        + GD
        + """; window.__frames = 0;
        gd.on('plotly_animatingframe', () => { window.__frames += 1; }); }"""
    )
    page.locator(".updatemenu-button", has_text="Play").first.click()
    start = time.perf_counter()
    intact = 0
    for _ in range(10):
        page.wait_for_timeout(200)
        intact += page.evaluate(
            "() => { const gd = "
            + GD
            + """;
            return gd.querySelectorAll('image').length > 0 &&
              gd.querySelectorAll('.scatterlayer .trace')[1].querySelectorAll('path').length > 0;
        }"""
        )
    frames = page.evaluate("window.__frames")
    return {"playback_fps": frames / (time.perf_counter() - start), "background_intact": intact}


def main() -> None:
    results = {"server_rerun_ms": server_rerun_ms()}
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_APP)
        with serve(ROOT / "app.py") as app_url, serve(bare) as bare_url:
            results |= browser_figures(app_url, bare_url)
    for name, value in results.items():
        print(f"{name:28s} {value:10.3f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "page.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
