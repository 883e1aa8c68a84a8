"""Helpers the browser tests (and bench/page_bench.py) share; fixtures live in conftest.py."""

from __future__ import annotations

import contextlib
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
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"the app did not start:\n{output[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
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
