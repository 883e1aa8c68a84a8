"""Once per server process: parse the formulas every class uses, then set the GC up for serving.

``app.py`` imports this module, and Python runs a module's body once per process (``app.py``
itself runs again on every rerun), so this is the server's start-up work:

* Every preset and every example formula is parsed into the parse cache all pages share
  (``gdviz.lessons.common.objective``): a student's first click on a preset never waits.
* ``gc.freeze()`` moves everything imported and parsed so far (~150,000 objects of SymPy,
  Plotly, NumPy and Streamlit) out of the cyclic garbage collector's sight: a full collection
  walked all of them, 80–140 ms each time, more than a rerun's own work.
* A rerun builds tens of thousands of short-lived dicts and lists (figures, frames, messages).
  With Python's default young-generation threshold (700) collections run dozens of times per
  rerun, each promoting the half-built figure of the moment towards the old generation, which
  then needs full collections. ``YOUNG_THRESHOLD`` lets most of a rerun's objects die young.

``runner.postScriptGC = false`` in ``.streamlit/config.toml`` stops Streamlit forcing a full
collection after every run; Python's collector still runs, and memory stays bounded (see the soak
in ``bench/loadtest.py``).
"""

import contextlib
import gc

from app_pages.widgets import EXAMPLES
from gdviz import ParseError
from gdviz.lessons.common import objective
from gdviz.presets import PRESETS

FORMULAS = tuple(dict.fromkeys((*(preset.text for preset in PRESETS.values()), *EXAMPLES)))
YOUNG_THRESHOLD = 50_000  # tracked objects allocated between two young collections (default 700)

for text in FORMULAS:
    with contextlib.suppress(ParseError):  # a preset that fails has its own test; never block
        objective(text)
gc.collect()
gc.freeze()
gc.set_threshold(YOUNG_THRESHOLD, 20, 10)
