"""The α sweep: 200 log-spaced learning rates (plus yours) in ONE batched run, each classified.

Final loss and steps to converge against α show the four regions of the lab's ``theory``
module side by side with what theory predicts (the stability limit, the best constant step, 1/λmax).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.lessons.learning_rate.runs import LabRun, run_rates
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.lessons.learning_rate.theory import Theory, classify, lowest

SWEEP_RATES = 200


@dataclass(frozen=True)
class Sweep:
    """Final loss and steps to converge against α, each rate classified, plus your α."""

    rates: np.ndarray  # (count,) log-spaced
    gaps: np.ndarray  # f(θ_final) − f*, NaN where the run blew up
    steps: np.ndarray  # steps to converge, NaN where it did not
    regions: tuple[str, ...]
    spans: tuple[tuple[str, float, float], ...]  # (region, from α, to α), contiguous
    theory: Theory
    max_steps: int
    yours: LabRun


def auto_range(info: Theory) -> tuple[float, float]:
    """From 1/300 of the stability limit to 3× it (adaptive methods: 1e-4 … 10)."""
    if np.isfinite(info.limit) and info.limit > 0:
        return info.limit / 300, info.limit * 3
    return 1e-4, 10.0


def region_spans(rates: np.ndarray, regions) -> tuple[tuple[str, float, float], ...]:
    """Runs of equal regions along the α grid, split at the geometric midpoints."""
    rates = np.asarray(rates, dtype=float)
    edges = np.concatenate([[rates[0]], np.sqrt(rates[1:] * rates[:-1]), [rates[-1]]])
    spans, first = [], 0
    for i in range(1, len(regions) + 1):
        if i == len(regions) or regions[i] != regions[first]:
            spans.append((regions[first], float(edges[first]), float(edges[i])))
            first = i
    return tuple(spans)


def sweep(setup: LabSetup, info: Theory, count: int = SWEEP_RATES) -> Sweep:
    """``count`` log-spaced rates plus your α, all in ONE batched engine call."""
    low, high = auto_range(info) if setup.auto_range else setup.sweep_range
    rates = np.logspace(np.log10(low), np.log10(high), count)
    batch = run_rates(setup, np.append(rates, setup.learning_rate))
    verdicts = [classify(batch.run(i), info.direction) for i in range(count + 1)]
    finals = batch.values[-1, :count]
    f_star = lowest(finals, info.f_star)
    blown = np.array([str(s) == "diverged" for s in batch.status[:count]])
    gaps = np.where(blown | ~np.isfinite(finals), np.nan, np.maximum(finals - f_star, 1e-16))
    converged = np.asarray(batch.converged[:count], dtype=bool)
    steps = np.where(converged, batch.steps[:count], np.nan).astype(float)
    regions = tuple(v.region for v in verdicts[:count])
    mine = LabRun(f"your α = {setup.learning_rate:g}", setup.learning_rate, batch.run(count),
                  verdicts[-1])  # fmt: skip
    return Sweep(
        rates, gaps, steps, regions, region_spans(rates, regions), info, setup.max_steps, mine
    )
