"""Real servers for the load tests, started as ``make run`` and ``make serve`` start them, and what
the kernel says they cost (``/proc``: CPU time and resident memory, Linux only).

Everything listens on 127.0.0.1 and on free ports; logs go to files (a pipe nobody reads would
block a busy server).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def app_command(port: int, python: str = sys.executable) -> list[str]:
    """``make run``'s command (Makefile: ``streamlit run app.py --server.port $(PORT)``), bound to
    loopback."""
    return [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1"]  # fmt: skip


def serve_command(port: int, workers: int, python: str = sys.executable) -> list[str]:
    """``make serve``'s command: N workers behind nginx on one public port."""
    return [python, "deploy/serve.py", "--workers", str(workers), "--port", str(port)]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """The Streamlit processes' ids: the server itself, or the workers of ``make serve``."""
        children = [pid for pid in descendants(self.process.pid) if b"streamlit" in cmdline(pid)]
        return children or [self.process.pid]

    def nginx(self) -> list[int]:
        return [pid for pid in descendants(self.process.pid) if b"nginx" in cmdline(pid)]


@contextlib.contextmanager
def running(command: list[str], port: int, root: Path = ROOT, timeout: float = 90,
            env: dict | None = None) -> Iterator[Server]:  # fmt: skip
    """Start ``command`` in ``root``; yield once ``/_stcore/health`` answers; stop it (SIGINT,
    as Ctrl-C does, then SIGKILL after 15 s) and everything it started."""
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"gdviz-load-{port}.log"
    environment = {**os.environ, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                   env=environment, start_new_session=True)  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + timeout
        while not healthy(server.url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C for the process we started, then its whole group if it is still there."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- /proc --------------------------------------------------------------------------------------


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, theirs, …), from each process's parent in /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (all their threads), in seconds."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of the processes (VmRSS), in bytes."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def machine_load() -> str:
    """``uptime``'s load averages (1, 5, 15 min) and the core count: how quiet the machine was."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"load average {one}, {five}, {fifteen} on {os.cpu_count()} cores"
