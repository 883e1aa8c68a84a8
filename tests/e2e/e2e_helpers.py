"""Helpers the browser tests (and bench/page_bench.py) share; fixtures live in conftest.py."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(100)


SETTLED = "() => window.__gdviz && window.__gdviz.settled"


def settle(page: Page) -> None:
    """Wait until the page is drawn for this browser's theme and window size (the app asks for
    one more run when they differ from what it assumed: app_pages/browser.py)."""
    page.wait_for_function(SETTLED, timeout=30_000)
    wait_idle(page)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(CHART, timeout=60_000)
    wait_idle(page)
    settle(page)


def go_to(page: Page, title: str) -> None:
    """Click a page's link in the navigation (in the top bar; in the sidebar on a narrow
    window, where Streamlit moves it)."""
    links = page.locator('[data-testid="stTopNavLink"], [data-testid="stSidebarNavLink"]')
    links.filter(has_text=title).first.click()


def press_play(page: Page) -> None:
    """Start counting animation frames (in ``window.__frames``), then press the first Play."""
    page.evaluate("""() => {
      const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      window.__frames = 0;
      gd.on('plotly_animatingframe', () => { window.__frames += 1; });
    }""")
    page.locator(".updatemenu-button", has_text="Play").first.click()


BOXES_JS = """(pairs) => {
  const full = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')._fullLayout;
  return pairs.map(([x, y]) => ({left: full[x]._offset, width: full[x]._length,
    top: full[y]._offset, bottom: full[y]._offset + full[y]._length}));
}"""


def subplot_boxes(page: Page, count: int) -> list[dict]:
    """Where the first chart draws its subplots x/y, x2/y2, … (``count`` of them), in pixels:
    left, width, top, bottom."""
    names = [("xaxis", "yaxis")] + [(f"xaxis{n}", f"yaxis{n}") for n in range(2, count + 1)]
    return page.evaluate(BOXES_JS, names)


PHONE = (390, 844)


def assert_stacked(page: Page, count: int) -> None:
    """On a phone, the chart's ``count`` subplots one under the other, each wider than half
    the screen (not squeezed side by side)."""
    boxes = subplot_boxes(page, count)
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["bottom"] + 10 < lower["top"], boxes
    assert all(box["width"] > 0.55 * PHONE[0] for box in boxes), boxes


def screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_exceptions(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def launch_chromium(playwright):
    """Debian's /usr/bin/chromium (or $GDVIZ_CHROMIUM) if present, else Playwright's build."""
    executable = os.environ.get("GDVIZ_CHROMIUM") or "/usr/bin/chromium"
    path = executable if Path(executable).exists() else None
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(script: Path, timeout: float = 60):
    """Run `streamlit run script` on a free port; yield its URL once healthy; stop it after."""
    with serve_all([(script,)], timeout) as (served,):
        yield served.url


@dataclasses.dataclass(frozen=True)
class Served:
    url: str
    pid: int


@contextlib.contextmanager
def serve_all(servers: list[tuple], timeout: float = 60):
    """Start every server at once, each `streamlit run script` on a free port: a server is
    ``(script,)``, ``(script, options)`` or ``(script, options, env)`` with extra ``--option
    value`` strings and environment variables. Yield a :class:`Served` for each, in order, once
    every one is healthy (they start side by side, not one after the other); stop them all after.
    """
    processes = []
    try:
        for script, options, env in ((*spec, (), {})[:3] for spec in servers):
            port = _free_port()
            command = [sys.executable, "-m", "streamlit", "run", str(script),
                       "--server.headless", "true", "--server.port", str(port),
                       "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                       *options]  # fmt: skip
            output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
            process = subprocess.Popen(command, cwd=ROOT, env=os.environ | dict(env), **output)
            processes.append((process, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + timeout
        for process, url in processes:
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise RuntimeError(f"the app did not start:\n{output[-3000:]}")
                time.sleep(0.3)
        yield [Served(url, process.pid) for process, url in processes]
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False
