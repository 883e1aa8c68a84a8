"""``make serve WORKERS=N PORT=P``: N Streamlit workers behind nginx on one public port.

One Streamlit process runs Python on one core at a time (the GIL), so a lecture hall needs several.
This script starts N workers as ``make run`` starts the app (on loopback ports of their own),
waits until each answers ``/_stcore/health`` and has run the default page once (so its start-up
work is done before a student arrives), then starts nginx on the public port with the config
rendered from ``deploy/nginx.conf.template`` (websocket upgrade, each browser pinned to its worker
by a cookie nginx sets, failover to the others). While it runs it checks every worker's health
every few seconds and restarts one that exits or stops answering. Ctrl-C (or SIGTERM, as
``docker stop`` sends) stops nginx, then every worker, and exits.

Needs nginx (Debian's package: ``make nginx`` installs it as root). Everything nginx writes goes
to a temporary runtime folder, which also holds each worker's log; it is removed on exit.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MAX_WORKERS = 32
START_TIMEOUT = 120  # seconds for a worker to answer its first health check (cold imports)
CHECK_EVERY = 2.0  # seconds between health checks of the running workers
CHECK_TIMEOUT = 5.0
FAILED_CHECKS = 3  # consecutive failed checks before a worker that still runs is restarted
STOP_TIMEOUT = 10.0  # seconds each process gets to stop before it is killed


def worker_command(port: int, python: str = sys.executable) -> list[str]:
    """``make run``'s command on a loopback port (nginx is the public face). No file watcher:
    the code of a running class does not change."""
    return [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]  # fmt: skip


def worker_names(count: int) -> list[str]:
    return [f"w{index}" for index in range(count)]


def render_nginx(
    template: str, ports: list[int], listen: str, runtime: Path, user: str = ""
) -> str:
    """The nginx config for workers on ``ports`` (worker ``w{i}`` on ``ports[i]``), public on
    ``listen`` (``host:port``); ``user`` the account nginx's workers run as (when root)."""
    names, servers = worker_names(len(ports)), [f"127.0.0.1:{port}" for port in ports]
    fills = {
        "@RUNTIME@": str(runtime),
        "@USER@": f"user {user};" if user else "",
        "@LISTEN@": listen,
        "@PIN_MAP@": _lines(f"{name} {name};" for name in names),
        "@SERVED_BY_MAP@": _lines(
            f'"~{re.escape(server)}$" {name};' for name, server in zip(names, servers, strict=True)
        ),
        "@ANY_SERVERS@": _lines(f"server {server} {CHECKED};" for server in servers),
        "@PINNED_UPSTREAMS@": "\n".join(_pinned(name, server, servers)
                                         for name, server in zip(names, servers, strict=True)),
    }  # fmt: skip
    for placeholder, value in fills.items():
        template = template.replace(placeholder, value)
    return template


CHECKED = "max_fails=1 fail_timeout=3s"  # one failed connection: that worker rests 3 s


def _pinned(name: str, server: str, servers: list[str]) -> str:
    """A worker's own upstream: that worker, the others as backups (its sessions' failover)."""
    backups = [f"server {other} backup;" for other in servers if other != server]
    body = _lines([f"server {server} {CHECKED};", *backups])
    return f"    upstream {name} {{\n{body}\n    }}"


def _lines(lines) -> str:
    return "\n".join(f"        {line}" for line in lines)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def healthy(port: int, timeout: float = CHECK_TIMEOUT) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/_stcore/health"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def prime(port: int, timeout: float = START_TIMEOUT) -> bool:
    """Run the default page once on a fresh worker, over the websocket as a browser does, so that
    it imports the app and does its start-up work (``app_pages/warmup.py``: parsing, the GC set-up)
    before the first student waits for it. True once the run finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    request = BackMsg()
    request.rerun_script.query_string = ""
    deadline = time.monotonic() + timeout
    try:
        with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                     max_size=None, open_timeout=timeout) as socket_:  # fmt: skip
            socket_.send(request.SerializeToString())
            while time.monotonic() < deadline:
                reply = ForwardMsg()
                reply.ParseFromString(socket_.recv(timeout=deadline - time.monotonic()))
                if reply.WhichOneof("type") == "script_finished":
                    return True
    except (OSError, TimeoutError, WebSocketException):
        pass
    return False


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
        None,
    )


def _die_with_parent() -> None:
    """In a child, before exec: a start of its own session (Ctrl-C reaches only this script,
    which stops everything in order) and SIGTERM if this script dies (Linux prctl)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop_process(process: subprocess.Popen | None, first: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(first)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def say(text: str) -> None:
    print(f"[serve] {text}", file=sys.stderr, flush=True)


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    process: subprocess.Popen | None = None
    failed_checks: int = 0
    restarts: int = 0  # in a row (reset after a minute up): the restart back-off grows with it
    started: float = 0.0
    restart_at: float | None = None
    primed: bool = False  # its first page run done (see prime)

    def start(self, env: dict) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(worker_command(self.port), cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            preexec_fn=_die_with_parent)  # fmt: skip
        self.started, self.failed_checks, self.primed = time.monotonic(), 0, False

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


class Supervisor:
    """Workers, then nginx; health checks and restarts; everything stopped on the way out."""

    def __init__(self, workers: int, listen_host: str, port: int, nginx: str):
        self.runtime = Path(tempfile.mkdtemp(prefix="gdviz-serve-"))
        self.runtime.chmod(0o755)  # nginx's worker processes (not root) reach their temp dirs
        self.workers = [Worker(name, free_port(), self.runtime / f"{name}.log")
                        for name in worker_names(workers)]  # fmt: skip
        self.listen, self.nginx_binary, self.nginx = f"{listen_host}:{port}", nginx, None
        # The same secret on every worker: a cookie one signed (XSRF) is valid on the others.
        self.env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        self.stopping = False

    def start(self) -> None:
        for worker in self.workers:
            worker.start(self.env)
        deadline = time.monotonic() + START_TIMEOUT
        for worker in self.workers:
            while not healthy(worker.port, timeout=2):
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker {worker.name} did not start:\n{worker.log_tail()}")
                if self.stopping:
                    return
                time.sleep(0.3)
            self.ready(worker)
        self.start_nginx()

    def ready(self, worker: Worker) -> None:
        worker.primed = prime(worker.port)
        state = "ready" if worker.primed else "up (its first page run did not finish)"
        say(f"worker {worker.name} (pid {worker.process.pid}) {state} on 127.0.0.1:{worker.port}")

    def start_nginx(self) -> None:
        user = "nobody nogroup" if os.geteuid() == 0 else ""
        config = render_nginx(TEMPLATE.read_text(), [w.port for w in self.workers], self.listen,
                              self.runtime, user)  # fmt: skip
        path = self.runtime / "nginx.conf"
        path.write_text(config)
        base = [self.nginx_binary, "-p", str(self.runtime), "-c", str(path), "-e",
                str(self.runtime / "error.log")]  # fmt: skip
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx refused its config:\n{check.stderr}")
        self.nginx = subprocess.Popen([*base, "-g", "daemon off;"], preexec_fn=_die_with_parent)
        time.sleep(0.5)
        if self.nginx.poll() is not None:
            raise RuntimeError(f"nginx stopped at once:\n{self.error_log()}")
        say(f"nginx (pid {self.nginx.pid}) on http://{self.listen} → {len(self.workers)} workers;"
            f" logs in {self.runtime}; Ctrl-C stops everything")  # fmt: skip

    def error_log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.runtime / "error.log").read_text()[-3000:]
        return ""

    def watch(self) -> None:
        """Until asked to stop: restart a worker that exited or failed FAILED_CHECKS checks."""
        while not self.stopping:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited ({self.nginx.returncode}):\n{self.error_log()}")
            for worker in self.workers:
                if not self.stopping:
                    self.check(worker)
            self.pause(CHECK_EVERY)

    def check(self, worker: Worker) -> None:
        now = time.monotonic()
        if worker.restart_at is not None:  # down, waiting for its (backed-off) restart
            if now >= worker.restart_at:
                worker.restart_at = None
                worker.start(self.env)
            return
        if worker.process.poll() is None:
            if healthy(worker.port):
                worker.failed_checks = 0
                if not worker.primed:
                    self.ready(worker)
                if now - worker.started > 60:
                    worker.restarts = 0  # up for a minute: not a crash loop
                return
            worker.failed_checks += 1
            if now - worker.started < START_TIMEOUT or worker.failed_checks < FAILED_CHECKS:
                return
            say(f"worker {worker.name} failed {FAILED_CHECKS} health checks: restarting it")
            stop_process(worker.process)
        else:
            say(f"worker {worker.name} exited ({worker.process.returncode}): restarting it")
        worker.restarts += 1
        worker.restart_at = now + min(30.0, 0.25 * 2**worker.restarts)  # a crash loop backs off

    def pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(0.1)

    def stop(self) -> None:
        self.stopping = True
        stop_process(self.nginx, signal.SIGQUIT)  # nginx's graceful stop: connections close
        for worker in self.workers:
            if worker.process is not None and worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            stop_process(worker.process)
        shutil.rmtree(self.runtime, ignore_errors=True)
        say("stopped nginx and every worker")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", default="2", help=f"Streamlit processes, 1 … {MAX_WORKERS}")
    parser.add_argument("--port", default="8501", help="the public port nginx listens on")
    parser.add_argument("--host", default="0.0.0.0", help="the address nginx listens on")
    args = parser.parse_args(argv)
    for name, low, high in (("workers", 1, MAX_WORKERS), ("port", 1, 65535)):
        value = getattr(args, name)
        if not (value.isdigit() and low <= int(value) <= high):
            parser.error(f"--{name} must be a whole number from {low} to {high}, not {value!r}")
        setattr(args, name, int(value))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    nginx = find_nginx()
    if nginx is None:
        say("nginx is not installed: `make nginx` installs Debian's package (as root)")
        return 1
    supervisor = Supervisor(args.workers, args.host, args.port, nginx)

    def request_stop(signum, frame) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        supervisor.start()
        if not supervisor.stopping:
            supervisor.watch()
    except RuntimeError as error:
        say(str(error))
        return 1
    finally:
        supervisor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
