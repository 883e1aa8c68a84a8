"""Data page benchmarks: ``.venv/bin/python bench/data_bench.py`` (add ``--quick`` for 1 repeat).

The issue's target: with n = 100,000 generated points, 20 epochs of SGD and of mini-batch
(b = 32) finish in ≤ 2 s of server time. Measured here, best of ``REPEATS`` wall-clock runs:

* ``scan``: :func:`gdviz.engine.descend`, which runs these through its prefix scan
  (:mod:`gdviz.linear_scan`), for gd, momentum and Nesterov, SGD (2,000,000 steps) and
  mini-batch (62,500 steps), and the two together;
* ``loop``: the engine's step loop (the scan switched off), µs per step (measured on 20,000
  steps), and what 20 epochs would cost through it — the reason for the scan — plus Adam,
  which only the loop can run;
* ``page``: everything one rerun of the page computes for the default generated data with
  n = 100,000 (three variants, thinning, both figures), and the bytes it sends for the figures.
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdviz import linear_scan, optimizers  # noqa: E402
from gdviz.datasets import generate  # noqa: E402
from gdviz.engine import descend  # noqa: E402
from gdviz.figures.data import page_figures  # noqa: E402
from gdviz.lessons.data.runs import run_variants  # noqa: E402
from gdviz.lessons.data.setup import defaults  # noqa: E402

N, EPOCHS, MINI = 100_000, 20, 32
REPEATS = 1 if "--quick" in sys.argv else 3


def best_of(function) -> tuple[float, object]:
    """The fastest of ``REPEATS`` timings of ``function()`` in seconds, and its last result."""
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


@contextlib.contextmanager
def step_loop():
    """The engine with its scan switched off: every step through the NumPy loop."""
    covers = linear_scan.covers
    linear_scan.covers = lambda *_: False
    try:
        yield
    finally:
        linear_scan.covers = covers


def main() -> None:
    setup = replace(defaults("generated"), n=N, epochs=float(EPOCHS))
    dataset = generate(N, setup.intercept, setup.slope, setup.noise, 0.0, 10.0, 0)
    problem = dataset.problem(standardise=False)
    start = np.zeros(2)
    rows = []
    for name, factory in (
        ("gd", optimizers.gd),
        ("momentum", optimizers.momentum),
        ("nesterov", optimizers.nesterov),
    ):
        optimizer = factory(0.001)
        total = 0.0
        for label, size in (("SGD", 1), (f"mini-batch b={MINI}", MINI)):
            steps = EPOCHS * N // size
            seconds, run = best_of(
                lambda o=optimizer, s=size, n=steps: descend(
                    problem, start, o, max_steps=n, batch_size=s, grad_tol=0
                )
            )
            total += seconds
            rows.append((f"scan {name} {label}", f"{steps:,} steps", f"{seconds:.3f} s"))
            assert run.steps == steps
        verdict = "OK" if total <= 2.0 else "OVER"
        rows.append((f"scan {name} SGD + mini-batch", "target ≤ 2 s", f"{total:.3f} s {verdict}"))
    loop_steps = 20_000
    for name, optimizer in (("gd", optimizers.gd(0.001)), ("adam", optimizers.adam(0.05))):
        with step_loop():
            seconds, _ = best_of(
                lambda o=optimizer: descend(
                    problem, start, o, max_steps=loop_steps, batch_size=1, grad_tol=0
                )
            )
        per_step = seconds / loop_steps
        rows.append(
            (
                f"loop {name} SGD",
                f"{per_step * 1e6:.1f} µs/step",
                f"20 epochs ≈ {per_step * EPOCHS * N:.0f} s",
            )
        )
    with step_loop():
        check = descend(problem, start, optimizers.momentum(0.001), max_steps=5000, batch_size=1)
    fast = descend(problem, start, optimizers.momentum(0.001), max_steps=5000, batch_size=1)
    difference = float(np.max(np.abs(check.points - fast.points)))
    rows.append(("scan vs loop, momentum SGD", "5,000 steps", f"max |Δθ| = {difference:.1e}"))
    seconds, comparison = best_of(lambda: run_variants(setup, dataset))
    rows.append(
        ("page: run_variants (gd, 3 variants)", f"n = {N:,}, {EPOCHS} epochs", f"{seconds:.3f} s")
    )
    figure_seconds, figures = best_of(lambda: page_figures(comparison, dataset, setup))
    rows.append(("page: both figures", "", f"{figure_seconds:.3f} s"))
    payload = sum(len(figure.to_json()) for figure in figures)
    rows.append(("page: figure payload", "JSON sent to the browser", f"{payload / 1e3:.0f} KB"))
    width = max(len(row[0]) for row in rows)
    for what, detail, value in rows:
        print(f"{what:<{width}}  {detail:<26}  {value}")


if __name__ == "__main__":
    main()
