"""Learning-rate lab timings: ``.venv/bin/python bench/lab_bench.py`` (best of 3, seconds).

* ``sweep``: 200 log-spaced learning rates × 500 steps on the Elongated bowl in ONE batched engine
  call (``engine``), and the whole section's work (``lab_sweep.sweep``: that call plus your α and
  the classification of every run);
* ``basins``: a 200 × 200 = 40,000-start basin map of Himmelblau's function (chunks of
  ``basins.BASIN_CHUNK`` starts, at most 200 steps each, the page's default), at α = 0.01 (four
  clean basins, every run converges) and α = 0.02 (past two minima's stability limits: many
  runs bounce until the step limit, the worst case).

Target: each ≤ 2 s of server time.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import best_of  # noqa: E402  (bench/run.py: the fastest of n timings)

from gdviz.engine import descend  # noqa: E402
from gdviz.lessons.common import make_optimizer  # noqa: E402
from gdviz.lessons.learning_rate import basins  # noqa: E402
from gdviz.lessons.learning_rate import sweep as lab_sweep  # noqa: E402
from gdviz.lessons.learning_rate import theory as lab  # noqa: E402
from gdviz.lessons.learning_rate.setup import LabSetup  # noqa: E402

TARGET = 2.0
BOWL = LabSetup(max_steps=500)
HIMMELBLAU = replace(
    BOWL,
    preset="Himmelblau",
    function="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    start_x=0.0,
    start_y=0.0,
    resolution=200,
    basin_steps=200,
)


def main() -> int:
    info = lab.theory(BOWL)
    problem = lab.objective(BOWL.function)
    rates = np.logspace(np.log10(info.limit / 300), np.log10(3 * info.limit), 200)
    starts = np.tile([BOWL.start_x, BOWL.start_y], (200, 1))
    results = {
        "sweep: engine, 200 rates × 500 steps": best_of(
            3, lambda: descend(problem, starts, make_optimizer(BOWL, rates), max_steps=500)
        ),
        "sweep: lab_sweep.sweep (+ your α, verdicts)": best_of(
            3, lambda: lab_sweep.sweep(BOWL, info)
        ),
    }
    lab.objective(HIMMELBLAU.function)  # parse once, outside the timings
    for rate in (0.01, 0.02):
        name = f"basins: 40,000 starts, α = {rate:g}"
        results[name] = best_of(
            3, lambda r=rate: basins.basin_map(replace(HIMMELBLAU, learning_rate=r))
        )
    width = max(map(len, results))
    print(f"{'benchmark'.ljust(width)}  best of 3   target ≤ {TARGET:g} s")
    for name, seconds in results.items():
        verdict = "ok" if seconds <= TARGET else "SLOW"
        print(f"{name.ljust(width)}  {seconds:7.3f} s  {verdict}")
    return 0 if all(seconds <= TARGET for seconds in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
