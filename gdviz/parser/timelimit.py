"""A time limit for code running in any thread, for the slow corners of SymPy.

The parser bounds sizes before SymPy computes anything, but some small formulas still make
SymPy's assumption system crawl. ``signal.alarm`` would stop those only in the main thread, and
Streamlit runs scripts in other threads, so a watchdog thread raises ``OutOfTime`` inside the
working thread instead (``PyThreadState_SetAsyncExc``).

The limit counts the working thread's own CPU time, not the clock on the wall: on a server where a
class shares two cores, a formula that needs 0.1 s of CPU can take a second of wall time while
other students' runs hold the CPU, and must not be refused for that. The watchdog reads the
thread's POSIX CPU clock (``time.pthread_getcpuclockid``), which another thread may read on Linux.
A much longer wall-clock limit still bounds how long any one formula can hold a thread; where the
platform has no thread CPU clock, the CPU limit is applied to the wall clock instead.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

RESENDS = (0.02, 0.03, 0.05, 0.1, 0.25)  # seconds between re-sent interrupts (see below)
POLL = 0.005  # the shortest wait between two looks at the clocks: at most this late


class OutOfTime(BaseException):
    """Raised inside the working thread when its time runs out (not an Exception: SymPy's own
    `except Exception` clauses must not swallow it)."""


def thread_cpu_clock(ident: int) -> Callable[[], float] | None:
    """A function returning the CPU seconds thread ``ident`` has used so far, readable from any
    thread; None where the platform offers no per-thread CPU clock (macOS, Windows)."""
    try:
        clock = time.pthread_getcpuclockid(ident)
        time.clock_gettime(clock)
    except (AttributeError, OSError):
        return None
    return lambda: time.clock_gettime(clock)


def seconds_left(cpu_used: float, wall_used: float, cpu_seconds: float, wall_seconds: float):
    """Seconds the watchdog may sleep before a limit can be reached. A thread never uses more
    CPU time than wall time passes, so sleeping for the CPU budget left never overshoots it."""
    return min(cpu_seconds - cpu_used, wall_seconds - wall_used)


@contextmanager
def time_limit(cpu_seconds: float, wall_seconds: float) -> Iterator[None]:
    """Raise OutOfTime in this thread once it has used ``cpu_seconds`` of CPU time or after
    ``wall_seconds`` on the wall clock, whichever comes first; from a watchdog thread. Without a
    thread CPU clock, ``cpu_seconds`` is a wall-clock limit."""
    ident = threading.get_ident()
    read_cpu = thread_cpu_clock(ident) or time.monotonic
    cpu_start, wall_start = read_cpu(), time.monotonic()
    thread, lock, stop = ctypes.c_ulong(ident), threading.Lock(), threading.Event()
    set_async_exception = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def watchdog() -> None:
        while True:
            try:
                cpu_used = read_cpu() - cpu_start
            except OSError:  # the thread has ended (its CPU clock went with it)
                return
            wait = seconds_left(cpu_used, time.monotonic() - wall_start, cpu_seconds, wall_seconds)
            if wait <= 0:
                break
            if stop.wait(max(wait, POLL)):
                return
        # Again soon after, in case one was swallowed (a bare `except:`, or a weakref callback,
        # where Python ignores exceptions): the whole limit must hold within a tenth of a second.
        for pause in (0.0, *RESENDS):
            if stop.wait(pause):
                return
            with lock:
                if not stop.is_set():
                    set_async_exception(thread, ctypes.py_object(OutOfTime))

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        yield
    finally:
        while True:
            try:
                with lock:
                    stop.set()
                    set_async_exception(thread, None)  # drop an interrupt not yet delivered
                break
            except OutOfTime:  # delivered during this clean-up: go round again
                continue
