"""The real thing, small: ``make serve``'s script with 2 workers behind nginx, a small class on
every page (deep links included), every preset link and README formula, hostile input, a worker
killed mid-class, Ctrl-C. These fail on any error and never on timing: timings are the
benchmark's (bench/loadtest.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import time

import pytest
from load import INPUTS, Load, class_load, inputs_student
from scenarios import SCENARIOS, Scenario
from servers import descendants, free_port, running, serve_command

SESSIONS, RERUNS = 10, 5
PAGES = [name for name in SCENARIOS if name != "hostile"]


@pytest.fixture(scope="module")
def halls():
    """Two workers behind nginx on loopback, as ``make serve WORKERS=2`` starts them: one
    setup shared by this module's tests (starting one costs tens of seconds of CPU). Called, it
    gives the running one, or starts a new one when a test stopped it (Ctrl-C's test does)."""
    with contextlib.ExitStack() as stack:
        started: list = []

        def current():
            if not started or started[-1].process.poll() is not None:
                port = free_port()
                command = serve_command(port, 2) + ["--host", "127.0.0.1"]
                started.append(stack.enter_context(running(command, port, timeout=240)))
            return started[-1]

        yield current


@pytest.fixture
def hall(halls):
    try:
        return halls()
    except RuntimeError as error:  # nginx missing or a worker that does not start: a failure
        pytest.fail(str(error))


def run_loop(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps an event loop
    running on the main thread when both suites share one pytest process."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def small_class(url: str, scenario: str | Scenario, sessions: int = SESSIONS, **options) -> Load:
    options = {"reruns": RERUNS, "think": 0.2, "ramp": 2.0, "duration": 300} | options
    return run_loop(class_load(url, scenario, sessions, **options))


@pytest.mark.parametrize("name", PAGES)
def test_a_small_class_on_every_page_sees_no_error(hall, name):
    load = small_class(hall.url, name)
    assert not load.errors, load.examples
    assert len(load.seconds) == SESSIONS * RERUNS


def test_one_address_splits_evenly_between_the_workers(hall):
    """Every session comes from 127.0.0.1, as a class behind one NAT address does."""
    load = small_class(hall.url, "playground", reruns=1)
    assert not load.errors, load.examples
    assert sorted(load.pins.values()) == [SESSIONS // 2, SESSIONS // 2], load.pins
    assert set(load.pins) == {"w0", "w1"}


def test_every_preset_and_readme_formula_works_beside_a_class_and_hostile_input_is_refused(hall):
    inputs = Load()

    async def both():
        background = class_load(hall.url, "playground", SESSIONS, duration=20, think=0.5, ramp=1)
        await asyncio.gather(background, inputs_student(hall.url, inputs))

    run_loop(both())
    assert not inputs.errors, inputs.examples
    assert len(inputs.seconds) == INPUTS


def test_a_killed_worker_s_students_reconnect_to_the_other_without_a_traceback(hall):
    """Kill -9 one worker under a class: its sessions' runs fail once, then they reconnect (as
    Streamlit's client does) through nginx to the other worker and go on; nothing shows an
    exception, and deploy/serve.py brings the killed worker back (so the hall goes on with two
    workers for the tests after this one)."""
    server = hall
    before = sorted(server.workers())
    load = Load()

    async def class_with_a_kill():
        students = asyncio.create_task(
            class_load(server.url, "playground", SESSIONS, duration=25, think=0.5, load=load)
        )
        await asyncio.sleep(8)
        os.kill(before[0], signal.SIGKILL)
        await students

    run_loop(class_with_a_kill())
    assert "exception" not in load.errors and "check" not in load.errors, load.examples
    assert "could not reconnect" not in load.examples.get("disconnect", "")
    assert 1 <= load.reconnects <= SESSIONS and load.repinned == load.reconnects
    deadline = time.monotonic() + 60
    while len(server.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(server.workers()) == 2 and before[0] not in server.workers()


def test_ctrl_c_stops_nginx_and_every_worker(hall):
    """Ctrl-C on the shared hall (after the other tests, a worker restarted among them)."""
    server = hall
    started = descendants(server.process.pid)
    assert len(server.workers()) == 2 and server.nginx()
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert not [pid for pid in started if os.path.exists(f"/proc/{pid}")]
