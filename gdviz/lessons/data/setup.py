"""The Data page's setup: one value holding every sidebar choice, its limits and its URL.

Every field has a short query-parameter name and a kind (:mod:`gdviz.urlstate`). ``decode``
treats the URL as untrusted: it never raises, keeps what is valid and returns one message per
rejected value. An uploaded file is not part of a link (the page asks for it again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import NamedTuple

from gdviz import urlstate
from gdviz.datasets import MAX_ROWS
from gdviz.lessons.common import OPTIMIZER_QUERY, WithOptimizer
from gdviz.schedules import SCHEDULES
from gdviz.urlstate import Choice, Flag, Number

SOURCES = {
    "seed": "The seed's example (3 points)",
    "generated": "Generated: y = a + b·x + noise",
    "upload": "My own CSV file",
}
BUDGETS = {"epochs": "Same epochs (data seen)", "steps": "Same number of steps"}
SOURCE_EPOCHS = {"seed": 1000.0, "generated": 20.0, "upload": 20.0}  # seed: 1,000 batch steps
MAX_EPOCHS = 10_000
MAX_STEPS_INPUT = 200_000
MAX_SEED = 2**31 - 1
# Schedules count epochs here (steps in same-steps mode), so their defaults are per epoch.
SCHEDULE_DEFAULTS = {
    "step_decay": {"step_size": 5, "gamma": 0.5},
    "exponential": {"gamma": 0.8},
    "inverse_time": {"decay": 0.5},
    "cosine": {"total_steps": 20, "min_learning_rate": 0.0},
}


@dataclass(frozen=True)
class DataSetup(WithOptimizer):
    """Everything the Data page needs to reproduce its runs (widget keys: ``data_`` + field)."""

    source: str = "seed"
    n: int = 1000
    intercept: float = 1.0
    slope: float = 2.0
    noise: float = 1.0
    x_min: float = 0.0
    x_max: float = 10.0
    data_seed: int = 0
    standardise: bool = False
    optimizer: str = "gd"
    learning_rate: float = 0.01
    schedule: str = "constant"
    step_size: int = 5
    gamma: float = 0.5
    decay: float = 0.5
    total_steps: int = 20
    min_learning_rate: float = 0.0
    batch_size: int = 32
    budget: str = "epochs"
    epochs: float = SOURCE_EPOCHS["seed"]
    steps: int = 1000
    shuffle_seed: int = 0
    start_0: float = 0.0
    start_1: float = 0.0


FIELD_NAMES = tuple(f.name for f in fields(DataSetup))


def defaults(source: str = "seed") -> DataSetup:
    """The default setup for a data source (the step budget depends on it)."""
    return replace(DataSetup(), source=source, epochs=SOURCE_EPOCHS[source])


class Whole(NamedTuple):
    """A whole number in [lower, upper]: '1.5' is rejected, not rounded (as Number would)."""

    lower: int
    upper: int

    def parse(self, raw: str) -> int:
        value = Number(self.lower, self.upper).parse(raw)
        if value != int(value):
            raise ValueError(f"{raw[:40]} is not a whole number.")
        return int(value)


WIDE = Number(-1e6, 1e6)
QUERY = {
    "source": ("src", Choice(tuple(SOURCES))),
    "n": ("n", Whole(2, MAX_ROWS)),
    "intercept": ("a", WIDE),
    "slope": ("b", WIDE),
    "noise": ("noise", Number(0.0, 1e6)),
    "x_min": ("xmin", WIDE),
    "x_max": ("xmax", WIDE),
    "data_seed": ("dseed", Whole(0, MAX_SEED)),
    "standardise": ("std", Flag()),
    **OPTIMIZER_QUERY,
    "schedule": ("sched", Choice(tuple(SCHEDULES))),
    "step_size": ("every", Whole(1, MAX_STEPS_INPUT)),
    "gamma": ("gamma", Number(0.05, 0.9999)),
    "decay": ("decay", Number(0.0, 100.0)),
    "total_steps": ("T", Whole(1, MAX_STEPS_INPUT)),  # a cosine may span every step
    "min_learning_rate": ("lrmin", Number(0.0, 100.0)),
    "batch_size": ("bs", Whole(1, MAX_ROWS)),
    "budget": ("budget", Choice(tuple(BUDGETS))),
    "epochs": ("epochs", Number(0.01, float(MAX_EPOCHS))),
    "steps": ("steps", Whole(1, MAX_STEPS_INPUT)),
    "shuffle_seed": ("seed", Whole(0, MAX_SEED)),
    "start_0": ("t0", WIDE),
    "start_1": ("t1", WIDE),
}


def encode(setup: DataSetup) -> dict[str, str]:
    """Query parameters for ``setup``: the fields that differ from the defaults (the epochs
    from its source's default)."""
    return urlstate.encode(setup, QUERY, replace(DataSetup(), epochs=SOURCE_EPOCHS[setup.source]))


def decode(params: dict[str, str]) -> tuple[DataSetup, list[str]]:
    """The setup a link describes, and a message for each value that was ignored as invalid."""
    source = params.get("src", "seed")
    source = source if source in SOURCES else "seed"
    return urlstate.decode(lambda: defaults(source), QUERY, params)


# The sidebar's forms ------------------------------------------------------------------------


def bounds(field: str) -> tuple[float, float]:
    """The lowest and highest value of a number field (a link is held to the same)."""
    return urlstate.bounds(QUERY, field)


GENERATOR_LABELS = {
    "intercept": "intercept a",
    "slope": "slope b",
    "noise": "noise σ",
    "x_min": "x from",
    "x_max": "x to",
}
GENERATOR_ARGUMENTS = ("n", "intercept", "slope", "noise", "x_min", "x_max", "data_seed")
START_LABELS = {"start_0": "θ₀ (intercept)", "start_1": "θ₁ (slope)"}


def schedule_fields(name: str, unit: str) -> list[tuple[str, str, float, float]]:
    """The schedule's own widgets, as ``(field, label, lowest, highest)``; k counts ``unit``."""
    one = unit.rstrip("s")
    labels = {
        "step_size": f"every s {unit}",
        "gamma": "factor γ",
        "decay": f"decay d per {one}",
        "total_steps": f"period T ({unit})",
        "min_learning_rate": "η_min",
    }
    return [(field, labels[field], *bounds(field)) for field in SCHEDULES[name].parameters]


def schedule_defaults(name: str, budget: float) -> dict[str, float]:
    """Starting values for a newly chosen schedule (cosine spans the whole budget)."""
    chosen = dict(SCHEDULE_DEFAULTS.get(name, {}))
    if name == "cosine":
        chosen["total_steps"] = max(1, math.ceil(budget))
    return chosen
