"""A whole Playground setup as one value, and its round trip through URL query parameters.

Every field has a short query-parameter name, a type and bounds. ``decode`` treats the URL as
untrusted: it never raises, keeps what is valid and returns one message per rejected value
(the function text itself is checked later by the parser, exactly like typed text).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from gdviz import urlstate
from gdviz.lessons.common import (
    FUNCTION,
    OPTIMIZER_QUERY,
    PRESET_FIELDS,
    RATE,
    WithOptimizer,
    preset_fields,
)
from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import DEFAULT_PRESET, PRESETS
from gdviz.schedules import SCHEDULES
from gdviz.urlstate import Among, Choice, Many, Number

MAX_STEPS = 20_000
MAX_COMPARED = 6
COMPARE_MODES = ("single", "optimizers", "learning_rates")
TOLERANCES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
GAMMA_RANGES = {
    "step_decay": (0.05, 0.95),
    "exponential": (0.5, 0.9999),
}  # γ's slider, per schedule


@dataclass(frozen=True)
class Setup(WithOptimizer):
    """Everything the Playground needs to reproduce a run (field names = widget keys)."""

    function: str = PRESETS[DEFAULT_PRESET].text
    preset: str = DEFAULT_PRESET
    optimizer: str = PRESETS[DEFAULT_PRESET].optimizer
    learning_rate: float = PRESETS[DEFAULT_PRESET].learning_rate
    schedule: str = "constant"
    step_size: int = 100
    gamma: float = 0.5
    decay: float = 0.01
    total_steps: int = 500
    min_learning_rate: float = 0.0
    start_x: float = PRESETS[DEFAULT_PRESET].start[0]
    start_y: float = PRESETS[DEFAULT_PRESET].start[1]
    max_steps: int = PRESETS[DEFAULT_PRESET].max_steps
    grad_tol: float = 1e-6
    value_tol: float = 0.0
    compare: str = "single"
    compare_optimizers: tuple[str, ...] = ("gd", "momentum", "adam")
    compare_rates: tuple[float, ...] = (0.02, 0.05, 0.09, 0.101)


QUERY = {
    "function": ("f", FUNCTION),
    "preset": ("preset", Choice(("", *PRESETS))),
    **OPTIMIZER_QUERY,
    "schedule": ("sched", Choice(tuple(SCHEDULES))),
    "step_size": ("every", Number(1, MAX_STEPS, integer=True)),
    "gamma": ("gamma", Number(0.05, 0.9999)),
    "decay": ("decay", Number(0.0, 100.0)),
    "total_steps": ("T", Number(1, MAX_STEPS, integer=True)),
    "min_learning_rate": ("lrmin", Number(0.0, 100.0)),
    "start_x": ("x0", Number(-1e6, 1e6)),
    "start_y": ("y0", Number(-1e6, 1e6)),
    "max_steps": ("steps", Number(1, MAX_STEPS, integer=True)),
    "grad_tol": ("gtol", Among(TOLERANCES)),
    "value_tol": ("vtol", Among(TOLERANCES)),
    "compare": ("cmp", Choice(COMPARE_MODES)),
    "compare_optimizers": ("opts", Many(Choice(tuple(OPTIMIZERS)), 1, MAX_COMPARED)),
    "compare_rates": ("lrs", Many(RATE, 1, MAX_COMPARED)),
}


def encode(setup: Setup) -> dict[str, str]:
    """Query parameters for ``setup``: only the fields that differ from the defaults."""
    return urlstate.encode(setup, QUERY)


def decode(params: dict[str, str]) -> tuple[Setup, list[str]]:
    """The setup a URL describes, and a message for each value that was ignored as invalid."""
    setup, problems = urlstate.decode(Setup, QUERY, params)
    low, high = GAMMA_RANGES.get(setup.schedule, (0.0, 1.0))
    if not low <= setup.gamma <= high:
        problems.append(f"Link parameter 'gamma' was ignored: {setup.gamma:g} is outside "
                        f"{low:g} … {high:g} for this schedule.")  # fmt: skip
        setup = replace(setup, gamma=Setup.gamma)
    linked = {name for name, (query, _) in QUERY.items() if query in params}
    if setup.preset and "function" not in linked and "preset" in linked:
        setup = with_preset(setup, setup.preset, keep=linked)
    if setup.preset and " ".join(PRESETS[setup.preset].text.split()) != " ".join(
        setup.function.split()
    ):
        setup = replace(setup, preset="")  # a linked function of one's own
    return setup, problems


def parse_rates(raw: str) -> tuple[float, ...]:
    """Comma-separated learning rates, e.g. '0.01, 0.05, 0.1' (1 to 6 values in (0, 100])."""
    return Many(RATE, 1, MAX_COMPARED).parse(raw)


def with_preset(setup: Setup, name: str, keep: set[str] = frozenset()) -> Setup:
    """Fill in a preset's function, start, learning rate, optimizer and step budget."""
    chosen = {"preset": name, **preset_fields(name, PRESET_FIELDS)}
    return replace(setup, **{key: value for key, value in chosen.items() if key not in keep})


FIELD_NAMES = tuple(f.name for f in fields(Setup))
