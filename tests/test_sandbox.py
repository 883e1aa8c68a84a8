"""The analysing process (gdviz/parser/sandbox.py): the parser's own answers, from another
process; a process that does not answer is killed; the server pays nothing for a slow formula."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from gdviz.lessons import common
from gdviz.parser import ParseError, parse_objective, sandbox

SLOW = "cosh((acos(sqrt(y))^10 + 1)^10)"  # SymPy's assumptions crawl: the time limit refuses it


@pytest.fixture(autouse=True)
def ready():
    assert sandbox.start(wait=60), "the analysing process did not start"
    sandbox._KNOWN.clear()
    yield
    sandbox._KNOWN.clear()


def own_refusal(text: str) -> tuple[str, int | None] | None:
    try:
        parse_objective(text)
    except ParseError as error:
        return str(error), error.position
    return None


@pytest.mark.parametrize("text", ["x^2 + 3y^2", "sin(x)*cos(y)", "9^9^9", "x.__class__",
                                  "(" * 300, "factorial(10^6)", "x^2 +", "log(0) + x"])  # fmt: skip
def test_the_process_gives_the_parsers_own_answer(text):
    assert sandbox.refusal(text) == own_refusal(text)


def test_a_slow_formula_is_refused_without_costing_this_process_its_time():
    before = time.thread_time()
    message, _ = sandbox.refusal(SLOW)
    assert "too long" in message
    assert time.thread_time() - before < 0.1  # the 0.5 s of CPU were the other process's


def test_answers_are_kept_and_the_process_is_not_asked_again(monkeypatch):
    first = sandbox.refusal("x^2 +")
    monkeypatch.setattr(sandbox._PROCESS, "ask", lambda text: pytest.fail("asked again"))
    assert sandbox.refusal("x^2 +") == first


def test_a_process_that_does_not_answer_in_time_is_killed_and_the_refusal_not_kept(monkeypatch):
    old = sandbox._PROCESS.process
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 0.0)
    message, _ = sandbox.refusal("x^4 + y^4")
    assert message == sandbox.TOO_LONG and "x^4 + y^4" not in sandbox._KNOWN
    assert old.poll() is not None  # killed
    monkeypatch.undo()
    assert sandbox.start(wait=60)  # a new one
    assert sandbox._PROCESS.process is not old and sandbox.refusal("x^4 + y^4") is None


def test_without_a_process_the_servers_own_limit_decides(monkeypatch):
    sandbox._PROCESS.stop(sandbox._PROCESS.process)
    monkeypatch.setattr(sandbox.sys, "executable", "/nonexistent/python")
    assert sandbox.refusal("x^2 +") is None and "x^2 +" not in sandbox._KNOWN


def test_the_parse_cache_refuses_from_the_process_before_parsing_here(monkeypatch):
    common.objective.cache_clear()
    monkeypatch.setattr(common, "parse_objective", lambda text: pytest.fail("parsed here"))
    with pytest.raises(ParseError, match="too long"):
        common.objective(SLOW)
    common.objective.cache_clear()


def test_the_process_ends_with_the_server_that_started_it():
    """A server killed while its process still imports SymPy leaves nothing behind."""
    script = "from gdviz.parser import sandbox; sandbox._PROCESS.launch(); print(sandbox._PROCESS.process.pid, flush=True); import time; time.sleep(60)"  # noqa: E501
    server = subprocess.Popen([sys.executable, "-c", script], cwd=sandbox.ROOT, text=True,
                              stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(sandbox.ROOT)})  # fmt: skip  # noqa: E501
    child = int(server.stdout.readline())
    server.kill()
    server.wait()
    deadline = time.monotonic() + 1  # less than it takes to import SymPy
    while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{child}") or _zombie(child)


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1][0] == "Z"
