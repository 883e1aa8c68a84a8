"""Playground speed, as the Playground issue measures it (`.venv/bin/python bench/page_bench.py`).

1. Server time of one rerun with the default setup (AppTest, parse cached), median of 9 reruns
   that each change α (so the descent and the figures are recomputed, not served from cache).
2. Bytes one rerun sends over the websocket, default setup with a 1,000-step run (3-D included).
3. In headless Chromium: α typed → new chart drawn (median of 5, after one warm-up change);
   cold load (a new tab with an empty cache) and reload (a tab that loaded the page before)
   → chart visible, median of ``LOADS``, against a bare one-chart Streamlit page measured in the
   same run, and against that page plus the Playground's controls (no computation: the floor
   the widgets alone set); playback frames/s and background samples.
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
# The bare page plus what the Playground's default view has besides its charts: the sidebar's
# widgets, a title and LaTeX, with no computation. How far it is from the bare page is the floor
# that the controls alone set under Streamlit, before any descent or figure.
CONTROLS_APP = (
    BARE_APP
    + """
st.title("Gradient descent playground")
st.latex(r"f(x, y) = x^{2} + 10 y^{2}")
st.success("Converged: ‖∇f‖ < 1e-06 after 79 steps.")
with st.sidebar:
    st.selectbox("Preset", ["", "Elongated bowl"])
    st.text_input("f(x, y) =", "x^2 + 10y^2")
    st.pills("Examples", ["x^2 + 3y^2", "sin(x)*cos(y)", "abs(x) + y^2"])
    st.number_input("x0", value=-2.6)
    st.number_input("y0", value=1.2)
    st.selectbox("Optimizer", ["gd", "momentum", "adam"])
    st.latex(r"\\theta_{k+1} = \\theta_k - \\alpha \\nabla J(\\theta_k)")
    st.select_slider("Learning rate α", options=[0.001, 0.01, 0.09, 1.0], value=0.09)
    st.number_input("α exactly", value=0.09)
    with st.expander("Learning-rate schedule"):
        st.selectbox("Schedule", ["constant", "step"])
    st.number_input("Max steps", value=1000)
    st.select_slider("‖∇f‖ tolerance", options=[0.0, 1e-6, 1e-3], value=1e-6)
    st.select_slider("|Δf| tolerance", options=[0.0, 1e-6, 1e-3], value=0.0)
    st.radio("Show", ["one run", "optimizers", "learning rates"])
"""
)
LONG_RUN = "/?steps=1000&gtol=0"
LOADS = 5  # cold loads per page; the median is reported
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


def cold_load(browser, url: str) -> float:
    """Seconds from opening ``url`` in a new tab with an empty cache to its first chart."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # its own fresh context
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(CHART, timeout=60_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def reload(page, url: str) -> float:
    """Seconds from reloading ``url`` in a tab that has loaded it before to its first chart."""
    page.goto(url)
    page.wait_for_selector(CHART, timeout=60_000)
    start = time.perf_counter()
    page.reload()
    page.wait_for_selector(CHART, timeout=60_000)
    return time.perf_counter() - start


def load_times(browser, urls: dict[str, str]) -> dict:
    """Median cold loads and reloads of each page, interleaved so that a busy moment of the
    machine hits every page alike."""
    cold, warm = {name: [] for name in urls}, {name: [] for name in urls}
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    for _ in range(LOADS):
        for name, url in urls.items():
            cold[name].append(cold_load(browser, url))
            warm[name].append(reload(tab, url))
    tab.close()
    figures = {}
    for kind, times in (("cold_load", cold), ("reload", warm)):
        median = {name: statistics.median(seconds) for name, seconds in times.items()}
        figures |= {
            f"{kind}_app_s": median["app"],
            f"{kind}_bare_s": median["bare"],
            f"{kind}_ratio": median["app"] / median["bare"],
            f"{kind}_controls_only_ratio": median["controls"] / median["bare"],
        }
    return figures


def browser_figures(app_url: str, bare_url: str, controls_url: str) -> dict:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
        for index, rate in enumerate(("0.04", "0.05", "0.07", "0.03", "0.06", "0.08")):
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
            if index == 0:  # warms the browser's compiled code up, as any first change does
                redraws.clear()
                received.clear()
        sent = sum(len(f) if isinstance(f, (bytes, str)) else 0 for f in received)
        playback = _playback(page)
        page.close()
        loads = load_times(browser, {"bare": bare_url, "controls": controls_url, "app": app_url})
        browser.close()
    return {
        **loads,
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
        bare, controls = Path(folder) / "bare.py", Path(folder) / "controls.py"
        bare.write_text(BARE_APP)
        controls.write_text(CONTROLS_APP)
        with (
            serve(ROOT / "app.py") as app_url,
            serve(bare) as bare_url,
            serve(controls) as controls_url,
        ):
            results |= browser_figures(app_url, bare_url, controls_url)
    for name, value in results.items():
        print(f"{name:28s} {value:10.3f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "page.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
