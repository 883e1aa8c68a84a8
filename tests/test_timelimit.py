"""The parser's time limit counts the working thread's CPU time, with a wall-clock backstop."""

from __future__ import annotations

import threading
import time

import pytest

from gdviz.parser.timelimit import OutOfTime, seconds_left, thread_cpu_clock, time_limit


def busy(seconds: float) -> None:
    """Burn CPU in this thread for ``seconds`` of its own CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def idle(seconds: float) -> None:
    """Wait ``seconds`` on the wall clock using no CPU (in short naps, so an interrupt lands)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.01)


def test_busy_work_is_stopped_after_its_cpu_budget():
    start = time.thread_time()
    with pytest.raises(OutOfTime), time_limit(0.2, 10):
        busy(5)
    assert 0.2 <= time.thread_time() - start < 0.5


def test_waiting_is_not_cpu_time():  # a starved thread (other students' runs) is not refused
    with time_limit(0.2, 10):
        idle(0.6)


def test_the_wall_clock_backstop_holds():
    start = time.monotonic()
    with pytest.raises(OutOfTime), time_limit(10, 0.3):
        idle(5)
    assert time.monotonic() - start < 1.0


def test_a_thread_sharing_the_cpu_is_judged_by_its_own_time():
    """Another thread burning CPU beside ours does not eat our budget."""
    stop = threading.Event()

    def burn() -> None:
        while not stop.is_set():
            busy(0.01)

    neighbour = threading.Thread(target=burn)
    neighbour.start()
    try:
        with time_limit(0.3, 10):
            busy(0.1)
            idle(0.4)
    finally:
        stop.set()
        neighbour.join()


def test_the_cpu_clock_of_this_thread_is_readable():
    clock = thread_cpu_clock(threading.get_ident())
    assert clock is not None  # Linux: the CI and every server we deploy to
    before = clock()
    busy(0.05)
    assert clock() - before >= 0.05


@pytest.mark.parametrize(
    ("cpu", "wall", "expected"), [(0.1, 0.1, 0.4), (0.1, 4.9, 0.1), (0.6, 0.6, -0.1)]
)
def test_seconds_left_is_the_nearer_limit(cpu, wall, expected):
    assert seconds_left(cpu, wall, 0.5, 5.0) == pytest.approx(expected)
