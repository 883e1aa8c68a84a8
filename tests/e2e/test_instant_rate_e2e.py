"""Instant α in a real headless Chromium: dragging α across 2/λmax changes the verdict with no
script run, the steps play with the background intact, and the exported file works offline.
Screenshots go to screenshots/instant-rate-*.png."""

from __future__ import annotations

import pytest
from e2e_helpers import IDLE, SHOTS
from instant_rate_app import build
from instant_rate_helpers import drag_alpha, play_and_sample, ready, state
from playwright.sync_api import Page

from gdviz.figures.instant_rate_page import family_html

SCRIPT_STATES = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


@pytest.fixture(scope="module")
def view_url(servers):
    """The view's page, served beside the app (conftest.py starts both at once)."""
    return servers["instant_rate"]


def view_frame(page: Page):
    """The view's iframe document, drawn."""
    page.wait_for_selector("iframe", timeout=60_000)
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    ready(frame)
    return frame


def test_dragging_alpha_across_the_limit_changes_the_verdict_without_a_rerun(
    page: Page, view_url: str
):
    sent = []  # every message the browser sends to the server
    page.on(
        "websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(payload))
    )
    page.goto(f"{view_url}/?example=bowl&lr=0.05")  # x² + 10y²: 2/λmax = 0.1
    page.wait_for_selector(IDLE, timeout=60_000)
    frame = view_frame(page)
    page.evaluate(SCRIPT_STATES)
    page.wait_for_timeout(300)
    sent_before = len(sent)

    seen = drag_alpha(page, frame, [0.06, 0.08, 0.09, 0.096, 0.098, 0.103, 0.11, 0.15])
    kinds = [(round(s["rate"], 4), s["kind"]) for s in seen]
    below = [kind for rate, kind in kinds if rate < 0.1]
    above = [kind for rate, kind in kinds if rate > 0.1]
    assert set(below) == {"converged"} and set(above) == {"diverging"}, kinds
    assert "converged in" in seen[0]["label"] and "diverging from step" in seen[-1]["label"]
    assert len({s["member"] for s in seen}) >= 6  # the slider stops are dense near the limit

    assert page.evaluate("window.__states") == []  # the script never started running
    assert page.get_by_text("script runs: 1").is_visible()
    assert len(sent) == sent_before  # nothing went to the server while dragging
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "instant-rate-app.png"), full_page=True)


def test_steps_play_with_the_background_intact(page: Page, view_url: str):
    page.goto(f"{view_url}/?example=bowl&lr=0.095")  # just below the limit: a long zig-zag
    frame = view_frame(page)
    before = state(frame)["draws"]
    samples = play_and_sample(frame, samples=8, every_ms=150)
    frames = [s["frame"] for s in samples]
    assert frames == sorted(frames) and frames[-1] > frames[0], frames  # it plays
    assert all(s["images"] == 1 and s["lines"] >= 10 for s in samples), samples
    assert state(frame)["draws"] - before >= 20  # ≥ 20 frames in 1.2 s (bench: frames/s)
    frame.locator("#play").click()  # pause
    paused = state(frame)["draws"]
    frame.wait_for_timeout(200)
    assert state(frame)["draws"] == paused
    frame.locator("#scrub").fill("1")  # scrub to the second frame: step 3 (odd stride 3)
    assert frame.evaluate("window.instantRate.state.frame") == 1
    assert frame.locator("#step").inner_text().startswith("step 3 / 162 ·")


@pytest.mark.parametrize(
    ("example", "optimizer", "marks"),
    [
        ("seed", "gd", ["2/λmax = 0.0943"]),
        ("parabola", "momentum", ["2(1+μ)/λmax = 1.9", "2/λmax = 1 (plain GD's limit)"]),
        ("wells", "nesterov", ["2(1+μ)/((1+2μ)λmax) = 0.145", "2/λmax = 0.214 (plain GD's limit)"]),
        ("bowl", "adam", []),
    ],
)
def test_offline_file_works_with_every_request_blocked(
    page: Page, tmp_path, example: str, optimizer: str, marks: list[str]
):
    SHOTS.mkdir(exist_ok=True)
    path = tmp_path / f"{example}.html"
    path.write_text(family_html(build(example, optimizer)), encoding="utf-8")
    blocked = []

    def only_the_file(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(path.as_uri())
    ready(page.main_frame)
    assert errors == [] and blocked == []
    assert page.title().startswith("Instant α:") and "=" in page.locator("h1").inner_text()
    assert "start" in page.locator(".settings").inner_text()
    assert page.locator(".mark span").all_inner_texts() == marks
    first = state(page.main_frame)
    page.locator("#alpha").focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")  # stop by stop
    moved = state(page.main_frame)
    assert moved["member"] == min(first["member"] + 12, len(build(example, optimizer)["rates"]) - 1)
    page.locator("#scrub").fill("0")  # back to the start: the current point is in view
    drawn = page.locator("#path-plot .instant-overlay path").evaluate_all(
        "paths => paths.map(p => (p.getAttribute('d') || '').length)"
    )
    assert len(drawn) == 5 and drawn[0] > 0 and drawn[3] > 0  # the path and the current point
    page.screenshot(path=str(SHOTS / f"instant-rate-{example}-{optimizer}-1280.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"instant-rate-{example}-{optimizer}-1920.png"))
