"""A wall-clock limit for code running in any thread, for the slow corners of SymPy.

The parser bounds sizes before SymPy computes anything, but some small formulas still make
SymPy's assumption system crawl. ``signal.alarm`` would stop those only in the main thread, and
Streamlit runs scripts in other threads, so a watchdog thread raises ``OutOfTime`` inside the
working thread instead (``PyThreadState_SetAsyncExc``).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(BaseException):
    """Raised inside the working thread when its time runs out (not an Exception: SymPy's own
    `except Exception` clauses must not swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in this thread after `seconds`, from a watchdog thread."""
    thread, lock, stop = ctypes.c_ulong(threading.get_ident()), threading.Lock(), threading.Event()
    set_async_exception = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def watchdog() -> None:
        # Again soon after, in case one was swallowed (a bare `except:`, or a weakref callback,
        # where Python ignores exceptions): the whole limit must hold within a tenth of a second.
        for wait in (seconds, 0.02, 0.03, 0.05, 0.1, 0.25):
            if stop.wait(wait):
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
