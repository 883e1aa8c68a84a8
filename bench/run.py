"""gdviz benchmarks, all in one process: ``make bench`` (= ``.venv/bin/python bench/run.py``).

Prints a table and writes ``bench/results/latest.json``. Run some only with
``bench/run.py single_run parse``. Each benchmark is a function registered in ``BENCHMARKS``
that returns a dict of named numbers; to add one (page rerun time, sweeps, basins of
attraction), write a function and decorate it with ``@benchmark("name")``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdviz import optimizers  # noqa: E402
from gdviz.engine import descend  # noqa: E402

ROSENBROCK = "(1-x)^2 + 100(y - x^2)^2"
WAVES = "sin(x)*cos(y) + 0.1(x^2+y^2)"
START = (-1.5, 2.0)
SINGLE_STEPS = 2000
BATCH_RUNS, BATCH_STEPS = 100_000, 100
ADAM_RATE = 0.01
TARGETS = {  # (metric, comparison, bound)
    "engine_over_python": ("<=", 8.0),
    "single_step_over_batched_step": (">=", 100.0),
}

BENCHMARKS: dict[str, Callable[[dict], dict]] = {}


def benchmark(name: str):
    """Register a benchmark: a function (shared context dict) -> {metric: value}."""

    def register(function):
        BENCHMARKS[name] = function
        return function

    return register


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``function()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def parser():
    """``parse_objective`` without any cache in front of it, or None if the parser is missing."""
    try:
        from gdviz.parser import parse_objective
    except ImportError as error:  # the parser is written separately; bench what we can
        print(f"(parser unavailable: {error})", file=sys.stderr)
        return None
    return getattr(parse_objective, "__wrapped__", parse_objective)


def python_adam_rosenbrock(steps: int, learning_rate: float = ADAM_RATE) -> tuple[float, float]:
    """The same Adam run as the engine's, by hand: floats, math.sqrt, the gradient written out."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    x, y = START
    mean_x = mean_y = square_x = square_y = 0.0
    for t in range(1, steps + 1):
        gx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x)
        gy = 200.0 * (y - x * x)
        mean_x = beta1 * mean_x + (1 - beta1) * gx
        mean_y = beta1 * mean_y + (1 - beta1) * gy
        square_x = beta2 * square_x + (1 - beta2) * gx * gx
        square_y = beta2 * square_y + (1 - beta2) * gy * gy
        correction1, correction2 = 1 - beta1**t, 1 - beta2**t
        x -= learning_rate * (mean_x / correction1) / (math.sqrt(square_x / correction2) + eps)
        y -= learning_rate * (mean_y / correction1) / (math.sqrt(square_y / correction2) + eps)
    return x, y


@benchmark("single_run")
def single_run(context: dict) -> dict:
    """One Adam run on Rosenbrock: engine µs per step vs a pure-Python scalar loop."""
    parse = parser()
    if parse is None:
        return {"skipped": "gdviz.parser is not available"}
    objective = parse(ROSENBROCK)

    def engine():
        return descend(
            objective, list(START), optimizers.adam(ADAM_RATE), max_steps=SINGLE_STEPS, grad_tol=0
        )

    run = engine()
    by_hand = python_adam_rosenbrock(SINGLE_STEPS)
    if not np.allclose(run.final_point, by_hand, rtol=1e-9, atol=1e-12):
        raise AssertionError(f"engine {run.final_point} != hand-written loop {by_hand}")
    engine_step = best_of(5, engine) / SINGLE_STEPS
    python_step = best_of(5, lambda: python_adam_rosenbrock(SINGLE_STEPS)) / SINGLE_STEPS
    context["single_step_seconds"] = engine_step
    return {
        "engine_us_per_step": engine_step * 1e6,
        "python_us_per_step": python_step * 1e6,
        "engine_over_python": engine_step / python_step,
    }


@benchmark("batched")
def batched(context: dict) -> dict:
    """100,000 random starts, 100 Adam steps in one call: ns per trajectory-step."""
    parse = parser()
    if parse is None:
        return {"skipped": "gdviz.parser is not available"}
    objective = parse(ROSENBROCK)
    starts = np.random.default_rng(0).uniform([-2.0, -1.0], [2.0, 3.0], size=(BATCH_RUNS, 2))

    def engine():
        return descend(
            objective, starts, optimizers.adam(ADAM_RATE), max_steps=BATCH_STEPS, grad_tol=0
        )

    run = engine()
    if run.points.shape != (BATCH_STEPS + 1, BATCH_RUNS, 2):
        raise AssertionError(f"unexpected shape {run.points.shape}")
    seconds = best_of(3, engine)
    per_trajectory_step = seconds / (BATCH_RUNS * BATCH_STEPS)
    result = {
        "total_s": seconds,
        "ns_per_trajectory_step": per_trajectory_step * 1e9,
    }
    if "single_step_seconds" in context:
        result["single_step_over_batched_step"] = (
            context["single_step_seconds"] / per_trajectory_step
        )
    return result


@benchmark("parse")
def parse_formulas(context: dict) -> dict:
    """Parse + differentiate + lambdify, cold: no lru_cache and SymPy's own cache cleared."""
    parse = parser()
    if parse is None:
        return {"skipped": "gdviz.parser is not available"}
    from sympy.core.cache import clear_cache

    def cold(text):
        clear_cache()
        return parse(text)

    return {
        f"{label}_ms": best_of(5, lambda text=text: cold(text)) * 1e3
        for label, text in (("rosenbrock", ROSENBROCK), ("waves", WAVES))
    }


def check_targets(results: dict) -> list[str]:
    """Lines saying which targets were met (or missed)."""
    lines = []
    for name, metrics in results.items():
        for metric, (comparison, bound) in TARGETS.items():
            if metric in metrics:
                value = metrics[metric]
                met = value <= bound if comparison == "<=" else value >= bound
                mark = "ok  " if met else "MISS"
                target = f"target {comparison} {bound:g}"
                lines.append(f"{mark} {name}.{metric} = {value:.3g} ({target})")
    return lines


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)}; default all")
    default_output = ROOT / "bench" / "results" / "latest.json"
    arguments.add_argument("--output", type=Path, default=default_output)
    options = arguments.parse_args(argv)
    unknown = set(options.names) - set(BENCHMARKS)
    if unknown:
        arguments.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {list(BENCHMARKS)}")
    context: dict = {}  # benchmarks may leave numbers here for later ones (single -> batched)
    results = {}
    print(f"{'benchmark':<12} {'metric':<32} {'value':>12}")
    for name in options.names or BENCHMARKS:
        results[name] = BENCHMARKS[name](context)
        for metric, value in results[name].items():
            shown = f"{value:12.4g}" if isinstance(value, float) else f"{value!s:>12}"
            print(f"{name:<12} {metric:<32} {shown}")
    summary = check_targets(results)
    print("\n".join(summary))
    report = {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.platform(),
        "results": results,
        "targets": summary,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
