"""A whole Playground setup as one value, and its round trip through URL query parameters.

Every field has a short query-parameter name, a type and bounds. ``decode`` treats the URL as
untrusted: it never raises, keeps what is valid and returns one message per rejected value
(the function text itself is checked later by the parser, exactly like typed text).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import DEFAULT_PRESET, PRESETS
from gdviz.schedules import SCHEDULES

MAX_STEPS = 20_000
MAX_TEXT = 300
MAX_COMPARED = 6
COMPARE_MODES = ("single", "optimizers", "learning_rates")


@dataclass(frozen=True)
class Setup:
    """Everything the Playground needs to reproduce a run (field names = widget keys)."""

    function: str = PRESETS[DEFAULT_PRESET].text
    preset: str = DEFAULT_PRESET
    optimizer: str = PRESETS[DEFAULT_PRESET].optimizer
    learning_rate: float = PRESETS[DEFAULT_PRESET].learning_rate
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
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

    @property
    def hyperparameters(self) -> dict[str, float]:
        return {
            "momentum": self.momentum,
            "beta1": self.beta1,
            "beta2": self.beta2,
            "alpha": self.alpha,
            "eps": self.eps,
        }

    @property
    def schedule_parameters(self) -> dict[str, float]:
        return {
            "step_size": self.step_size,
            "gamma": self.gamma,
            "decay": self.decay,
            "total_steps": self.total_steps,
            "min_learning_rate": self.min_learning_rate,
        }


# field -> (query name, kind, lower, upper); kind: float, int, text, choice tuple, list kinds
_FLOAT_LIMITS = {
    "learning_rate": (1e-6, 100.0),
    "momentum": (0.0, 0.999),
    "beta1": (0.0, 0.9999),
    "beta2": (0.0, 0.999999),
    "alpha": (0.0, 0.999999),
    "eps": (1e-16, 1.0),
    "gamma": (1e-3, 1.0),
    "decay": (0.0, 100.0),
    "min_learning_rate": (0.0, 100.0),
    "start_x": (-1e6, 1e6),
    "start_y": (-1e6, 1e6),
    "grad_tol": (0.0, 1e3),
    "value_tol": (0.0, 1e3),
}
_INT_LIMITS = {
    "step_size": (1, MAX_STEPS),
    "total_steps": (1, MAX_STEPS),
    "max_steps": (1, MAX_STEPS),
}
_CHOICES = {
    "optimizer": tuple(OPTIMIZERS),
    "schedule": tuple(SCHEDULES),
    "compare": COMPARE_MODES,
    "preset": ("", *PRESETS),
}
QUERY_NAMES = {
    "function": "f",
    "preset": "preset",
    "optimizer": "opt",
    "learning_rate": "lr",
    "momentum": "mu",
    "beta1": "b1",
    "beta2": "b2",
    "alpha": "rho",
    "eps": "eps",
    "schedule": "sched",
    "step_size": "every",
    "gamma": "gamma",
    "decay": "decay",
    "total_steps": "T",
    "min_learning_rate": "lrmin",
    "start_x": "x0",
    "start_y": "y0",
    "max_steps": "steps",
    "grad_tol": "gtol",
    "value_tol": "vtol",
    "compare": "cmp",
    "compare_optimizers": "opts",
    "compare_rates": "lrs",
}


def encode(setup: Setup) -> dict[str, str]:
    """Query parameters for ``setup``: only the fields that differ from the defaults."""
    default = asdict(Setup())
    params = {}
    for name, value in asdict(setup).items():
        if value != default[name]:
            params[QUERY_NAMES[name]] = _text(value)
    return params


def _text(value) -> str:
    if isinstance(value, tuple):
        return ",".join(_text(item) for item in value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def decode(params: dict[str, str]) -> tuple[Setup, list[str]]:
    """The setup a URL describes, and a message for each value that was ignored as invalid."""
    values, problems = {}, []
    by_query = {query: name for name, query in QUERY_NAMES.items()}
    for query, raw in params.items():
        name = by_query.get(query)
        if name is None:
            continue
        try:
            values[name] = _parse(name, str(raw))
        except ValueError as error:
            problems.append(f"Link parameter '{query}' was ignored: {error}")
    setup = replace(Setup(), **values)
    if "preset" in values and values["preset"] and "function" not in values:
        setup = with_preset(setup, values["preset"], keep=set(values))
    if setup.preset and " ".join(PRESETS[setup.preset].text.split()) != " ".join(
        setup.function.split()
    ):
        setup = replace(setup, preset="")  # a linked function of one's own
    return setup, problems


def _parse(name: str, raw: str):
    if name == "function":
        if len(raw) > MAX_TEXT:
            raise ValueError(f"the function is longer than {MAX_TEXT} characters.")
        return raw
    if name in _CHOICES:
        if raw not in _CHOICES[name]:
            raise ValueError(
                f"'{raw[:40]}' is not one of {', '.join(filter(None, _CHOICES[name]))}."
            )
        return raw
    if name == "compare_optimizers":
        items = tuple(item for item in raw.split(",") if item)
        bad = [item for item in items if item not in OPTIMIZERS]
        if bad or not 1 <= len(items) <= MAX_COMPARED:
            raise ValueError(f"give 1 to {MAX_COMPARED} of {', '.join(OPTIMIZERS)}.")
        return items
    if name == "compare_rates":
        return parse_rates(raw)
    if name in _INT_LIMITS:
        return int(_number(raw, *_INT_LIMITS[name]))
    return _number(raw, *_FLOAT_LIMITS[name])


def _number(raw: str, lower: float, upper: float) -> float:
    try:
        value = float(raw.strip()[:40])
    except ValueError:
        raise ValueError(f"'{raw[:40]}' is not a number.") from None
    if not math.isfinite(value) or not lower <= value <= upper:
        raise ValueError(f"{raw[:40]} is outside {lower:g} … {upper:g}.")
    return value


def parse_rates(raw: str) -> tuple[float, ...]:
    """Comma-separated learning rates, e.g. '0.01, 0.05, 0.1' (1 to 6 values in (0, 100])."""
    parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if not 1 <= len(parts) <= MAX_COMPARED:
        raise ValueError(f"give 1 to {MAX_COMPARED} learning rates separated by commas.")
    return tuple(_number(part, *_FLOAT_LIMITS["learning_rate"]) for part in parts)


def with_preset(setup: Setup, name: str, keep: set[str] = frozenset()) -> Setup:
    """Fill in a preset's function, start, learning rate, optimizer and step budget."""
    preset = PRESETS[name]
    chosen = {
        "preset": name,
        "function": preset.text,
        "optimizer": preset.optimizer,
        "learning_rate": preset.learning_rate,
        "start_x": preset.start[0],
        "start_y": preset.start[1] if len(preset.start) > 1 else 0.0,
        "max_steps": preset.max_steps,
    }
    return replace(setup, **{key: value for key, value in chosen.items() if key not in keep})


FIELD_NAMES = tuple(f.name for f in fields(Setup))
