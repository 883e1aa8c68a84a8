"""Once per server process: parse the formulas every class uses, then set the GC up for serving.

``app.py`` imports this module, and Python runs a module's body once per process (``app.py``
itself runs again on every rerun), so this is the server's start-up work:

* Every preset and every example formula is parsed into the parse cache all pages share
  (``gdviz.lessons.common.objective``): a student's first click on a preset never waits. The
  process that analyses students' own formulas first (``gdviz.parser.sandbox``) starts.
* ``gc.freeze()`` moves everything imported and parsed so far (~150,000 objects of SymPy,
  Plotly, NumPy and Streamlit) out of the cyclic garbage collector's sight: a full collection
  walked all of them, 80–140 ms each time, more than a rerun's own work.
* A rerun builds tens of thousands of short-lived dicts and lists (figures, frames, messages).
  With Python's default thresholds (700, 10, 10) young collections run dozens of times per rerun,
  each promoting the half-built figures of the moment to the old generation, which then needs
  full collections (~100 ms each with 30 sessions open; ~6 ms per rerun in all). ``THRESHOLDS``
  let most of a rerun's objects die young and still look at the old generation every ~10 young
  collections, so what the sessions drop is freed within seconds (2.6 ms of GC per rerun, 30
  sessions: RSS 251 MB against 196 MB with the default thresholds, 319 MB with (50000, 20, 10)).

* A thread collects everything once a minute and hands freed memory back to the system
  (glibc's ``malloc_trim``): Python collects only while objects are being allocated, so without
  it an idle server would keep a finished class's sessions in memory (Streamlit drops a closed
  session after two minutes; its objects are cycles).

``runner.postScriptGC = false`` in ``.streamlit/config.toml`` stops Streamlit forcing a full
collection after every run. Memory stays bounded: see the soak in ``bench/loadtest.py``.
"""

import contextlib
import ctypes
import gc
import threading
import time

from app_pages.widgets import EXAMPLES
from gdviz import ParseError
from gdviz.lessons.common import objective
from gdviz.parser import sandbox
from gdviz.presets import PRESETS

FORMULAS = tuple(dict.fromkeys((*(preset.text for preset in PRESETS.values()), *EXAMPLES)))
THRESHOLDS = (50_000, 5, 2)  # allocations per young collection; young per middle; middle per old

sandbox.start()  # the analysing process imports SymPy while this one parses the presets
for text in FORMULAS:
    with contextlib.suppress(ParseError):  # a preset that fails has its own test; never block
        objective(text)
COLLECT_EVERY = 60  # seconds; a full collection of what is not frozen takes 10–100 ms


def release_memory() -> None:
    """A full collection, then freed heap memory returned to the system where glibc can."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def collect_forever() -> None:
    while True:
        time.sleep(COLLECT_EVERY)
        release_memory()


gc.collect()
gc.freeze()
gc.set_threshold(*THRESHOLDS)
threading.Thread(target=collect_forever, name="gdviz-collect", daemon=True).start()
