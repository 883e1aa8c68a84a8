"""The Learning-rate lab's whole setup as one value, and its round trip through the URL.

Same pattern as :mod:`gdviz.settings`: every field has a short query name and bounds, and
``decode`` treats the URL as untrusted — it never raises, keeps what is valid and returns one
message per rejected value. The function text is checked later by the parser, like typed text.
Widget keys are the field names with the page's ``lr_`` prefix.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

from gdviz.optimizers import OPTIMIZERS
from gdviz.presets import PRESETS

SECTIONS = {
    "side": "Side by side",
    "sweep": "Sweep",
    "intuition": "1-D intuition",
    "schedules": "Schedules",
    "basins": "Basins",
}
DEFAULT_PRESET = "Elongated bowl"
MAX_TEXT = 300
MAX_RATES = 6
PREFIX = "lr_"


@dataclass(frozen=True)
class LabSetup:
    """Everything the lab page needs to reproduce what it shows (field = widget key − ``lr_``)."""

    section: str = "side"
    preset: str = DEFAULT_PRESET
    function: str = PRESETS[DEFAULT_PRESET].text
    optimizer: str = "gd"
    learning_rate: float = 0.09
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    start_x: float = PRESETS[DEFAULT_PRESET].start[0]
    start_y: float = PRESETS[DEFAULT_PRESET].start[1]
    max_steps: int = 500
    rates: tuple[float, ...] = (0.002, 0.03, 0.07, 0.095, 0.105)
    overlay: bool = False
    auto_range: bool = True
    sweep_range: tuple[float, ...] = (0.0001, 0.4)
    curvature: float = 2.0
    rate_1d: float = 0.3
    start_1d: float = 2.5
    step_size: int = 100
    step_gamma: float = 0.5
    exp_gamma: float = 0.99
    decay: float = 0.01
    cosine_steps: int = 500
    resolution: int = 200
    basin_steps: int = 300

    @property
    def hyperparameters(self) -> dict[str, float]:
        names = ("momentum", "beta1", "beta2", "alpha", "eps")
        return {name: getattr(self, name) for name in names}

    @property
    def theory_key(self) -> LabSetup:
        """Only the fields that the theory at the minimum depends on."""
        return self.only(*THEORY)

    def only(self, *names: str) -> LabSetup:
        """This setup with every other field at its default: a cache key that ignores the rest."""
        return replace(LabSetup(), **{name: getattr(self, name) for name in names})


COMMON = ("preset", "function", "optimizer", "momentum", "beta1", "beta2", "alpha", "eps")
THEORY = (*COMMON, "start_x", "start_y")  # what the theory at the minimum depends on
RUN = (*THEORY, "max_steps")
USES = {  # the fields each section's computation depends on (its cache key)
    "side": (*RUN, "rates"),
    "sweep": (*RUN, "learning_rate", "auto_range", "sweep_range"),
    "intuition": ("curvature", "rate_1d", "start_1d"),
    "schedules": (*RUN, "learning_rate", "step_size", "step_gamma", "exp_gamma", "decay")
    + ("cosine_steps",),
    "basins": (*COMMON, "learning_rate", "resolution", "basin_steps"),
}


@dataclass(frozen=True)
class Control:
    """A numeric widget of one section: its kind, field, label, bounds and tooltip."""

    kind: str  # "slider" or "number_input"
    name: str
    label: str
    low: float
    high: float
    help: str
    step: float | None = None
    format: str | None = None

    @property
    def options(self) -> dict:
        extra = {"step": self.step, "format": self.format}
        return {"help": self.help} | {key: value for key, value in extra.items() if value}


CONTROLS = {
    "intuition": (
        Control("slider", "rate_1d", "Learning rate α", 0.0, 2.5,
                "The step size. Watch α·f″ cross 1 (overshooting starts) and 2 (divergence).",
                0.01),
        Control("slider", "curvature", "Curvature f″", 0.5, 5.0,
                "f(x) = (f″/2)·x²: the larger f″, the steeper the valley and the smaller the "
                "largest stable step 2/f″.", 0.5),
        Control("slider", "start_1d", "Start x₀", -3.0, 3.0, "Where the descent starts.", 0.1),
    ),
    "schedules": (
        Control("number_input", "step_size", "Step decay: every s steps", 1, 5000,
                "Step decay multiplies α by γ every s steps (PyTorch StepLR)."),
        Control("number_input", "step_gamma", "Step decay: factor γ", 0.05, 0.95,
                "How much of α is kept at each drop."),
        Control("number_input", "exp_gamma", "Exponential: factor γ", 0.5, 0.9999,
                "αₖ = α·γᵏ: the rate shrinks by γ at every step.", format="%.4f"),
        Control("number_input", "decay", "Inverse time: decay d", 0.0, 100.0,
                "αₖ = α/(1 + d·k): decays like 1/k.", format="%.4g"),
        Control("number_input", "cosine_steps", "Cosine: period T", 1, 5000,
                "α follows half a cosine from α down to 0 over T steps."),
    ),
    "basins": (
        Control("slider", "resolution", "Starts per side", 20, 200,
                "The grid of start points: 200 per side = 40,000 runs.", 10),
        Control("number_input", "basin_steps", "Steps per start", 10, 2000,
                "Each start's budget; converged means ‖∇f‖ < 1e-4."),
    ),
    "run": (
        Control("number_input", "max_steps", "Max steps", 10, 5000,
                "Every run's step budget; a run has converged once ‖∇f‖ < 1e-6."),
    ),
}  # fmt: skip

# field -> (query name, lower, upper) for numbers; choices and lists are handled below.
_NUMBERS = {
    "learning_rate": ("lr", 1e-6, 100.0),
    "momentum": ("mu", 0.0, 0.999),
    "beta1": ("b1", 0.0, 0.9999),
    "beta2": ("b2", 0.0, 0.999999),
    "alpha": ("rho", 0.0, 0.999999),
    "eps": ("eps", 1e-16, 1.0),
    "start_x": ("x0", -1e6, 1e6),
    "start_y": ("y0", -1e6, 1e6),
    "max_steps": ("steps", 1, 5000),
    "curvature": ("c", 0.5, 5.0),
    "rate_1d": ("a1", 0.0, 2.5),
    "start_1d": ("x1", -3.0, 3.0),
    "step_size": ("every", 1, 5000),
    "step_gamma": ("gstep", 0.05, 0.95),
    "exp_gamma": ("gexp", 0.5, 0.9999),
    "decay": ("decay", 0.0, 100.0),
    "cosine_steps": ("T", 1, 5000),
    "resolution": ("res", 20, 200),
    "basin_steps": ("bsteps", 10, 2000),
}
_INTEGERS = {"max_steps", "step_size", "cosine_steps", "resolution", "basin_steps"}
_CHOICES = {
    "section": ("section", tuple(SECTIONS)),
    "preset": ("preset", ("", *PRESETS)),
    "optimizer": ("opt", tuple(OPTIMIZERS)),
    "overlay": ("overlay", ("0", "1")),
    "auto_range": ("auto", ("0", "1")),
}
QUERY_NAMES = {
    "function": "f",
    "rates": "lrs",
    "sweep_range": "range",
    **{name: query for name, (query, *_) in _NUMBERS.items()},
    **{name: query for name, (query, _) in _CHOICES.items()},
}
FIELD_NAMES = tuple(f.name for f in fields(LabSetup))
STATE_KEYS = tuple(PREFIX + name for name in FIELD_NAMES)


def state_values(setup: LabSetup) -> dict:
    """Session-state entries (``lr_`` + field name) for ``setup``; tuples become lists."""
    return {PREFIX + k: list(v) if isinstance(v, tuple) else v for k, v in asdict(setup).items()}


def preset_state(name: str) -> dict:
    """Session-state entries that choosing preset ``name`` sets: its function and start."""
    preset = PRESETS.get(name)
    if preset is None:
        return {}
    start_y = preset.start[1] if len(preset.start) > 1 else 0.0
    return {PREFIX + "function": preset.text, PREFIX + "start_x": preset.start[0],
            PREFIX + "start_y": start_y}  # fmt: skip


def from_state(state) -> LabSetup:
    """The setup that the widget values in ``state`` (a mapping) describe."""
    values = {name: state[PREFIX + name] for name in FIELD_NAMES}
    return LabSetup(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def encode(setup: LabSetup) -> dict[str, str]:
    """Query parameters for ``setup``: only the fields that differ from the defaults."""
    default = asdict(LabSetup())
    return {
        QUERY_NAMES[name]: _text(value)
        for name, value in asdict(setup).items()
        if value != default[name]
    }


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(_text(item) for item in value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def decode(params: dict[str, str]) -> tuple[LabSetup, list[str]]:
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
    setup = replace(LabSetup(), **values)
    if values.get("preset") and "function" not in values:
        preset = PRESETS[values["preset"]]
        start = {"function": preset.text, "start_x": preset.start[0]}
        start["start_y"] = preset.start[1] if len(preset.start) > 1 else 0.0
        setup = replace(setup, **{k: v for k, v in start.items() if k not in values})
    return setup, problems


def _parse(name: str, raw: str):
    if name == "function":
        if len(raw) > MAX_TEXT:
            raise ValueError(f"the function is longer than {MAX_TEXT} characters.")
        return raw
    if name in _CHOICES:
        options = _CHOICES[name][1]
        if raw not in options:
            raise ValueError(f"'{raw[:40]}' is not one of {', '.join(filter(None, options))}.")
        return raw == "1" if name in ("overlay", "auto_range") else raw
    if name == "rates":
        return parse_rates(raw)
    if name == "sweep_range":
        low, high = parse_rates(raw, count=(2, 2))
        if not low < high:
            raise ValueError("the sweep range must go from a smaller to a larger rate.")
        return low, high
    _, lower, upper = _NUMBERS[name]
    value = number(raw, lower, upper)
    return int(value) if name in _INTEGERS else value


def number(raw: str, lower: float, upper: float) -> float:
    """A finite number within bounds, or ValueError with a message for the student."""
    try:
        value = float(raw.strip()[:40])
    except ValueError:
        raise ValueError(f"'{raw[:40]}' is not a number.") from None
    if not math.isfinite(value) or not lower <= value <= upper:
        raise ValueError(f"{raw[:40]} is outside {lower:g} … {upper:g}.")
    return value


def parse_rates(raw: str, count: tuple[int, int] = (1, MAX_RATES)) -> tuple[float, ...]:
    """Comma-separated learning rates such as '0.01, 0.05, 0.1', each in [1e-6, 100]."""
    parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if not count[0] <= len(parts) <= count[1]:
        wanted = f"{count[0]}" if count[0] == count[1] else f"{count[0]} to {count[1]}"
        raise ValueError(f"give {wanted} learning rates separated by commas.")
    return tuple(number(part, 1e-6, 100.0) for part in parts)
