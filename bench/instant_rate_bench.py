"""Instant α, every target figure in one run: ``.venv/bin/python bench/instant_rate_bench.py``.

1. Server: the family (``rate_family``: every slider stop in ONE batched ``descend``) and its
   encoding (``family_view`` + the JSON the browser receives), ms, median of 7 after a warm-up,
   the background (colour field PNG + level lines, f and window only) cached as a page caches
   it; its cold cost is printed apart. Cases: the Elongated bowl (runs stop when they converge
   or diverge) and the worst cases, with ``grad_tol = 0``: every run that does not diverge goes
   the full 1,000 steps.
2. Payload: the view's JSON, the iframe document the app sends (plotly.js linked), the offline
   file (plotly.js inlined); whether a second view re-downloads plotly.js.
3. Headless Chromium, inside the app's iframe (tests/e2e/instant_rate_app.py): α slider 'input'
   event → the next animation frame after the new path was drawn, median of 60 changes; the same
   in the offline file; playback frames/s over 3 s and how many of 10 samples show the colour
   image and the level lines.
4. Baseline, same run: the Playground's α change today (α typed → new chart drawn, median of 5
   after a warm-up), the server round trip and remount this view replaces.

Targets: compute + encode ≤ 60 ms; payload ≤ 400 KB; slider → drawn ≤ 50 ms; ≥ 25 frames/s
with the background in 10/10 samples.
"""

from __future__ import annotations

import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from e2e_helpers import CHART, IDLE, launch_chromium, serve  # noqa: E402
from instant_rate_app import build, cached_background, setup  # noqa: E402
from instant_rate_helpers import BACKGROUND, LATENCY, ready  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from gdviz.family import rate_family  # noqa: E402
from gdviz.figures.instant_rate_page import family_html, view_json  # noqa: E402
from gdviz.verdict_batches import labels  # noqa: E402
from gdviz.verdicts import verdict  # noqa: E402

CASES = {  # name: (example, optimizer, rules)
    "bowl, gd (stops at convergence)": ("bowl", "gd", {}),
    "bowl, gd, no convergence stop": ("bowl", "gd", {"grad_tol": 0.0}),
    "seed least squares, gd, no convergence stop": ("seed", "gd", {"grad_tol": 0.0}),
    "bowl, momentum, no convergence stop": ("bowl", "momentum", {"grad_tol": 0.0}),
}


def median_ms(function, repeats: int = 7) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def server_figures() -> list[tuple[str, float, str]]:
    rows = []
    start = time.perf_counter()
    cached_background("bowl")
    rows.append(("background (cached per f + window), cold", 1000 * (time.perf_counter() - start),
                 "ms"))  # fmt: skip
    for name, (example, optimizer, rules) in CASES.items():
        cached_background(example)
        view = build(example, optimizer, **rules)
        runs, steps = len(view["rates"]), [int(s) for s in _longest(view)]
        shape = f"{runs} runs × ≤{max(steps)} steps ({sum(steps):,} in all)"
        rows.append((f"{name}: {shape}, compute + encode",
                     median_ms(lambda e=example, o=optimizer, r=rules: view_json(build(e, o, **r))),
                     "ms"))  # fmt: skip
        rows.append((f"{name}: payload (view JSON)", len(view_json(view).encode()) / 1000, "KB"))
    rows += verdict_figures()
    view = build("bowl", "gd", grad_tol=0.0)
    rows.append(
        ("iframe document in the app", len(family_html(view, "/x.js").encode()) / 1e3, "KB")
    )
    rows.append(("offline HTML file", len(family_html(view).encode()) / 1e6, "MB"))
    return rows


def verdict_figures() -> list[tuple[str, float, str]]:
    """The labels' share of the work: the verdict on each member one run at a time (as
    ``Trajectory.run(i, problem)`` gives it, and as ``verdict(problem, run(i))``) against
    :func:`gdviz.verdict_batches.labels` over the batch (the view's way; the same words)."""
    problem, start, *_ = setup("bowl")
    family = rate_family(problem, start, "gd", learning_rate=0.05, grad_tol=0.0)
    runs = range(len(family.rates))
    ways = {
        "each run's message (batch.run(i, problem))":
            lambda: [family.trajectory.run(i, problem).message for i in runs],
        "verdict(problem, family.run(i)) for each run":
            lambda: [verdict(problem, family.run(i)).label for i in runs],
        "verdicts.labels over the batch (the view's)": lambda: labels(problem, family.trajectory),
    }  # fmt: skip
    return [(f"bowl, gd, no convergence stop: labels by {name}", median_ms(way), "ms")
            for name, way in ways.items()]  # fmt: skip


def _longest(view: dict) -> list[int]:
    """Each member's last step, from the payload itself."""
    steps = np.frombuffer(base64.b64decode(view["members"]["steps"]), dtype=np.int32)
    return [steps[end - 1] for end in view["members"]["offsets"][1:]]


def in_app(browser, url: str) -> list[tuple[str, float, str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    fetched = []
    page.on("requestfinished", lambda r: fetched.append(r) if "plotly.min.js" in r.url else None)
    page.goto(f"{url}/?example=bowl&lr=0.0976")  # just below 2/λmax: a long zig-zag to play
    page.wait_for_selector(IDLE, timeout=60_000)
    frame = _view_frame(page)
    latency = frame.evaluate(LATENCY, 60)
    frame.evaluate("() => window.instantRate.select(window.instantRate.view.initial)")
    playback = _playback(frame)
    first = [max(0, r.sizes()["responseBodySize"]) for r in fetched]  # -1: from the cache
    page.goto(f"{url}/?example=seed")  # a second view in the same tab: plotly.js again?
    _view_frame(page)
    again = [max(0, r.sizes()["responseBodySize"]) for r in fetched[len(first) :]]
    page.close()
    return [
        ("app iframe: α slider → new path drawn, median of 60", statistics.median(latency), "ms"),
        ("app iframe: same, 90th percentile", sorted(latency)[int(0.9 * len(latency))], "ms"),
        *playback,
        ("plotly.min.js over the network, first view (gzip)", sum(first) / 1e6, "MB"),
        ("plotly.min.js over the network, second view (HTTP cache)", sum(again) / 1e6, "MB"),
    ]


def offline(browser) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "view.html"
        path.write_text(family_html(build("bowl", "gd", grad_tol=0.0)), encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        start = time.perf_counter()
        page.goto(path.as_uri())
        ready(page.main_frame)
        opened = 1000 * (time.perf_counter() - start)
        latency = page.evaluate(LATENCY, 60)
        page.close()
    return [
        ("offline file: opened → first draw", opened, "ms"),
        ("offline file: α slider → new path drawn, median of 60", statistics.median(latency), "ms"),
    ]


def _view_frame(page):
    page.wait_for_selector("iframe", timeout=60_000)
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    ready(frame)
    return frame


def _playback(frame) -> list[tuple[str, float, str]]:
    frame.evaluate("() => { const ir = window.instantRate; ir.pause(); ir.state.frame = 0; }")
    before = frame.evaluate("window.instantRate.state.draws")
    frame.locator("#play").click()
    start = time.perf_counter()
    intact = 0
    for _ in range(10):
        frame.wait_for_timeout(300)
        sample = frame.evaluate(BACKGROUND)
        intact += sample["images"] == 1 and sample["lines"] >= 10
    drawn = frame.evaluate("window.instantRate.state.draws") - before
    seconds = time.perf_counter() - start
    return [("playback frames/s (3 s)", drawn / seconds, "fps"),
            ("background intact during playback", intact, "of 10")]  # fmt: skip


def playground_baseline(browser, url: str) -> list[tuple[str, float, str]]:
    """The Playground today: α typed → the new chart drawn (a rerun and a remount)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + "/?steps=1000&gtol=0")
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_selector(IDLE)
    box = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    times = []
    for rate in ("0.04", "0.05", "0.07", "0.03", "0.06", "0.08"):
        box.fill(rate)
        start = page.evaluate("performance.now()")
        box.press("Enter")
        page.wait_for_function(
            f"""() => Array.from(document.querySelectorAll('{CHART} .legend text'))
            .some(t => t.textContent.includes('α = {rate}'))"""
        )
        times.append(page.evaluate("performance.now()") - start)
        page.wait_for_selector(IDLE)
    page.close()
    return [("Playground today: α typed → new chart, median of 5", statistics.median(times[1:]),
             "ms")]  # fmt: skip


def main() -> None:
    print(f"load average at start: {os.getloadavg()}")
    rows = server_figures()
    with (
        serve(ROOT / "tests" / "e2e" / "instant_rate_app.py") as view_url,
        serve(ROOT / "app.py") as app_url,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        rows += in_app(browser, view_url) + offline(browser)
        rows += playground_baseline(browser, app_url)
        browser.close()
    width = max(len(name) for name, _, _ in rows)
    for name, value, unit in rows:
        print(f"{name:{width}s} {value:9.1f} {unit}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
