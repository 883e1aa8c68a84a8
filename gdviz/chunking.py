"""How the engine cuts its work into cache-sized pieces, without changing a single number.

* Runs: many runs step ``RUN_CHUNK`` at a time. Runs are independent, so each chunk can run the
  whole descent on its own; a step's arrays (8192 × 2 float64 = 128 KiB) then stay in the CPU
  cache instead of streaming 100,000-run arrays through memory a dozen times per step.
* Steps: the stop rules run on blocks of steps. The first block is ``check_every`` steps (a run
  that stops early wastes little), later ones double up to 8 × ``check_every`` (long runs pay
  the rules' fixed cost rarely); with many runs a block stays under ``BLOCK_POINTS`` points.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from gdviz.optimizers import OPTIMIZERS, Optimizer

RUN_CHUNK = 8192  # runs stepped together
BLOCK_POINTS = 2**16  # many runs: at most this many points (steps × runs) in a checked block


def run_chunks(optimizer: Optimizer, runs: int) -> Iterator[tuple[slice, Optimizer]]:
    """``(slice of runs, optimizer for them)`` pairs of at most ``RUN_CHUNK`` runs.

    A per-run learning rate ``(runs,)`` is cut to the chunk by rebuilding a registry optimizer;
    any other optimizer with per-run rates steps all runs at once.
    """
    per_run = np.ndim(optimizer.learning_rate(0)) > 0
    if runs <= RUN_CHUNK or (per_run and optimizer.name not in OPTIMIZERS):
        yield slice(None), optimizer
        return
    for first in range(0, runs, RUN_CHUNK):
        chunk = slice(first, first + RUN_CHUNK)
        if not per_run:
            yield chunk, optimizer
            continue
        rates = _sliced(optimizer.learning_rate, chunk)
        yield chunk, OPTIMIZERS[optimizer.name].make(rates, **optimizer.hyperparameters)


def _sliced(schedule, runs: slice):
    """A per-run schedule restricted to some runs (its last axis is the run axis)."""
    return lambda step: schedule(step)[..., runs]


def block_ends(max_steps: int, check_every: int, runs: int = 1) -> Iterator[int]:
    """The steps after which the stop rules run, ending with ``max_steps``: blocks that start at
    ``check_every`` steps and double up to 8 × that, with at most ``BLOCK_POINTS`` points."""
    fits = max(1, BLOCK_POINTS // runs)
    end, size = -1, min(check_every, fits)
    largest = max(size, min(8 * check_every, fits))
    while end + size < max_steps:
        end += size
        yield end
        size = min(2 * size, largest)
    yield max_steps
