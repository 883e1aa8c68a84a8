"""A formula's first analysis, in a process of its own: a slow formula is refused within a second
even while a class keeps the server busy.

The time limit (:mod:`gdviz.parser.timelimit`) counts the parsing thread's CPU time, so a busy
server never refuses a formula a quiet one accepts. But Python runs one thread at a time: with
thirty students' reruns sharing the server's interpreter, a parse gets a sixth of it, and a
formula that needs all of its 0.5 s budget was refused only after 3 s. In a process of its own
the same parse has a core of its own (the server's interpreter holds at most one), so its budget
passes in about as much time on the wall, and it takes nothing from the class's interpreter.

:func:`refusal` sends the text to that process, which runs :func:`~gdviz.parser.parse_objective`
on it, and returns the refusal's message and position, or None when the formula parses. Only
then does the server parse it itself (under its own limit, as before); the answer is kept per
text, so a refused formula left in its box costs nothing on later reruns. A process that does not
answer within ``WALL_SECONDS`` is killed and the formula refused. Until the process is ready
(in the first seconds of a server), or where it cannot be started, :func:`refusal` says None and
the server's own limit decides, as it did before.

>>> start(wait=60)
True
>>> refusal("x^2 + 3y^2") is None
True
>>> refusal("x^2 +")
("The formula ends with '+' at character 5: something is missing.", 4)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WALL_SECONDS = 2.0  # the most a formula may take in the process (its CPU limit is 0.5 s)
START_SECONDS = 60.0  # for the process to import SymPy and say it is ready
TOO_LONG = "This formula takes too long to analyse; try a simpler one."
PARENT_POLL = 0.1  # seconds between two looks at whether the server is still there
MEMORY_BYTES = 2 << 30  # the process's address space: a formula that wants more is refused


class _Process:
    """The analysing process, started in the background (again after it was killed); one
    formula at a time, once it has said it is ready."""

    def __init__(self) -> None:
        self.lock, self.ready, self.process = threading.Lock(), threading.Event(), None

    def launch(self) -> None:
        """Start the process unless it runs; it says "ready" once it has imported SymPy."""
        if self.process is not None and self.process.poll() is None:
            return
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path[1:]])}
        self.ready.clear()
        try:
            self.process = subprocess.Popen(
                [sys.executable, __file__, str(os.getpid())], cwd=ROOT, env=env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError:
            self.process = None
            return
        atexit.register(self.stop, self.process)  # ended and reaped with the server
        threading.Thread(target=self._await_ready, args=(self.process,), daemon=True).start()

    def _await_ready(self, process: subprocess.Popen) -> None:
        if _answer(process, START_SECONDS) == "ready":
            self.ready.set()
        else:
            with self.lock:
                self.stop(process)

    def ask(self, text: str) -> tuple[tuple[str, int | None] | None, bool]:
        """The refusal (or None) and whether it is the parser's own, to keep."""
        with self.lock:
            self.launch()
            process = self.process
            if process is None or not self.ready.is_set():
                return None, False  # no process yet: the server's own limit decides
            try:
                process.stdin.write(json.dumps(text) + "\n")
                process.stdin.flush()
            except OSError:
                self.stop(process)
                return None, False
            answer = _answer(process, WALL_SECONDS)
            if answer is None:  # too slow (or gone): killed, and started afresh next time
                self.stop(process)
                return (TOO_LONG, None), False
            return (None if answer == "ok" else (answer["error"], answer["position"])), True

    def stop(self, process: subprocess.Popen) -> None:
        process.kill()
        process.wait()
        if self.process is process:
            self.process = None
            self.ready.clear()


def _answer(process: subprocess.Popen, seconds: float):
    """The process's next line, decoded; None if none comes within ``seconds``."""
    if not select.select([process.stdout], [], [], seconds)[0]:
        return None
    line = process.stdout.readline()
    return json.loads(line) if line else None


_PROCESS = _Process()


def start(wait: float = 0.0) -> bool:
    """Start the analysing process (at the server's start: it imports SymPy while the server
    parses the presets) and wait up to ``wait`` seconds for it; whether it is ready."""
    with _PROCESS.lock:
        _PROCESS.launch()
    return _PROCESS.ready.wait(wait)


_KNOWN: dict[str, tuple[str, int | None] | None] = {}  # the answers so far, the newest last
KEEP = 512


def refusal(text: str) -> tuple[str, int | None] | None:
    """Why the parser refuses ``text`` (its message and the position, if it has one), found in
    the analysing process; None when it parses, or when there is no such process. Answers are
    kept (the last ``KEEP``), except a refusal because the process had to be killed."""
    if text in _KNOWN:
        return _KNOWN[text]
    answer, lasting = _PROCESS.ask(text)
    if lasting:
        _KNOWN[text] = answer
        while len(_KNOWN) > KEEP:
            del _KNOWN[next(iter(_KNOWN))]
    return answer


def _follow(parent: int) -> None:
    """End this process as soon as the server ``parent`` that started it has gone (killed, or
    stopped by Ctrl-C while this one is still importing SymPy and not yet reading its input)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(0)


def _serve(parent: int) -> None:
    """The process's loop: a JSON string a line in, ``"ok"`` or ``{"error", "position"}`` out;
    it ends with its server ``parent``."""
    import resource

    threading.Thread(target=_follow, args=(parent,), daemon=True).start()
    from gdviz.parser import ParseError, parse_objective

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    parse_objective("x^2 + 3y^2")  # SymPy's first steps, before saying ready
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        try:
            parse_objective(json.loads(line))
            answer = "ok"
        except ParseError as error:
            answer = {"error": str(error), "position": error.position}
        print(json.dumps(answer), flush=True)
    os._exit(0)  # the server has gone: no second of tearing SymPy's heap down


if __name__ == "__main__":  # run as a file (not -m): it watches its server before any import
    del sys.path[0]  # this folder: its modules are gdviz.parser's, imported as such
    _serve(int(sys.argv[1]))
