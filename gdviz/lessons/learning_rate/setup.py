"""The Learning-rate lab's whole setup as one value, its controls and captions, and the URL.

Same pattern as the Playground's setup, on the shared codec :mod:`gdviz.urlstate`: every field
has a query name and a kind (bounds included); the optimizer's fields use the names every page
shares (:data:`gdviz.lessons.common.OPTIMIZER_QUERY`). ``decode`` treats the URL as untrusted —
it never raises, keeps what is valid and returns one message per rejected value. The function
text is checked later by the parser, like typed text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import NamedTuple

from gdviz import urlstate
from gdviz.lessons.common import FUNCTION, OPTIMIZER_QUERY, RATE, WithOptimizer, preset_fields
from gdviz.presets import PRESETS
from gdviz.urlstate import Choice, Flag, Many, Number

SECTIONS = {
    "side": "Side by side",
    "sweep": "Sweep",
    "instant": "Instant α",
    "intuition": "1-D intuition",
    "schedules": "Schedules",
    "basins": "Basins",
}
DEFAULT_PRESET = "Elongated bowl"
MAX_RATES = 6


@dataclass(frozen=True)
class LabSetup(WithOptimizer):
    """Everything the lab page needs to reproduce what it shows (widget keys: prefix + field)."""

    section: str = "side"
    preset: str = DEFAULT_PRESET
    function: str = PRESETS[DEFAULT_PRESET].text
    optimizer: str = "gd"
    learning_rate: float = 0.09
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
    basin_steps: int = 200

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
    "instant": (*RUN, "learning_rate"),
    "intuition": ("curvature", "rate_1d", "start_1d"),
    "schedules": (*RUN, "learning_rate", "step_size", "step_gamma", "exp_gamma", "decay")
    + ("cosine_steps",),
    "basins": (*COMMON, "learning_rate", "resolution", "basin_steps"),
}


@dataclass(frozen=True)
class Control:
    """A numeric widget of one section: its kind, field, query name, label, bounds and tooltip."""

    style: str  # "range": dragged along its bounds; "exact": a number typed in
    name: str
    query: str  # its name in the URL
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

    @property
    def url_kind(self) -> Number:
        """The widget's own bounds; whole numbers when both bounds are (as Streamlit does)."""
        whole = isinstance(self.low, int) and isinstance(self.high, int)
        return Number(self.low, self.high, integer=whole)


CONTROLS = {
    "intuition": (
        Control("range", "rate_1d", "a1", "Learning rate α", 0.0, 2.5,
                "The step size. Watch α·f″ cross 1 (overshooting starts) and 2 (divergence).",
                0.01),
        Control("range", "curvature", "c", "Curvature f″", 0.5, 5.0,
                "f(x) = (f″/2)·x²: the larger f″, the steeper the valley and the smaller the "
                "largest stable step 2/f″.", 0.5),
        Control("range", "start_1d", "x1", "Start x₀", -3.0, 3.0, "Where the descent starts.",
                0.1),
    ),
    "schedules": (
        Control("exact", "step_size", "every", "Step decay: every s steps", 1, 5000,
                "Step decay multiplies α by γ every s steps (PyTorch StepLR)."),
        Control("exact", "step_gamma", "gstep", "Step decay: factor γ", 0.05, 0.95,
                "How much of α is kept at each drop."),
        Control("exact", "exp_gamma", "gexp", "Exponential: factor γ", 0.5, 0.9999,
                "αₖ = α·γᵏ: the rate shrinks by γ at every step.", format="%.4f"),
        Control("exact", "decay", "decay", "Inverse time: decay d", 0.0, 100.0,
                "αₖ = α/(1 + d·k): decays like 1/k.", format="%.4g"),
        Control("exact", "cosine_steps", "T", "Cosine: period T", 1, 5000,
                "α follows half a cosine from α down to 0 over T steps."),
    ),
    "basins": (
        Control("range", "resolution", "res", "Starts per side", 20, 200,
                "The grid of start points: 200 per side = 40,000 runs.", 10),
        Control("exact", "basin_steps", "bsteps", "Steps per start", 10, 2000,
                "Each start's budget; converged means ‖∇f‖ < 1e-4."),
    ),
    "run": (
        Control("exact", "max_steps", "steps", "Max steps", 10, 5000,
                "Every run's step budget; a run has converged once ‖∇f‖ < 1e-6."),
    ),
}  # fmt: skip

TEXT = {  # the page's captions and tooltips, in one place
    "lead": "θ ← θ − α∇J(θ): too small an α crawls, too large overshoots. The Hessian predicts "
    "where.",
    "intro": "θ ← θ − α∇J(θ). Too small an α and the descent crawls; too large and every step "
    "overshoots the minimum, so the run oscillates or diverges. The Hessian predicts where.",
    "preset": "A classic test function; picking one also suggests α and the rates to compare.",
    "start": "The start point θ₀ of every run (Basins use a whole grid of starts instead).",
    "opt": "The update rule. The stability limit 2/λmax is for plain gradient descent; momentum "
    "stretches it to 2(1+μ)/λmax; adaptive methods have none.",
    "spread": "Five rates from theory: too slow, good, oscillating, near and just past the "
    "stability limit.",
    "overlay": "All runs on one plot instead of one small plot each.",
    "auto_range": "From 1/300 of the stability limit to 3 times it. Off: choose the range.",
    "range": "The smallest and largest α of the sweep (200 rates, log-spaced).",
    "cobweb": "Left: the iterates on the parabola. Right: the cobweb — from xₖ up to the map "
    "line gives xₖ₊₁, across to the diagonal makes it the next xₖ. Each step multiplies x by "
    "1 − αf″. Exact for every quadratic. ▶ Play to watch.",
    "sweep": "{count} learning rates, {steps} steps each, in one batched run. Shading: what "
    "each α did; vertical lines: what theory predicts. Oscillating is not always bad: the "
    "fastest constant step 2/(λmin+λmax) overshoots along the steepest direction.",
    "schedules": "Same start, same base α, five schedules. A decaying rate can rescue an α "
    "that is too large at first, but it also shrinks the steps of a good one.",
    "intuition_sidebar": "The 1-D intuition uses its own parabola f(x) = (f″/2)·x²: set f″, α "
    "and x₀ above the chart. The other sections use the function chosen here.",
    "instant": "Every α the slider can show ran once, in one batched call: drag it and the path, "
    "its verdict and its loss curve change at once, with no wait. The marks on the slider are "
    "theory's limits. ▶ plays the steps of the α you chose; the button below saves this view "
    "as one file that works offline (a live slide).",
    "basins_1d": "Basins of attraction need a function of x and y: pick a 2-D preset.",
    "basins": "Each pixel is a start θ₀, coloured by the minimum it ends at after at most "
    "{steps} steps (converged: ‖∇f‖ < 1e-4). Raise α and watch the basins fracture: where "
    "α passes a minimum's own limit 2/λmax, it can no longer be reached.",
}


class RateRange(NamedTuple):
    """Two learning rates 'low,high' with low < high (the sweep's range)."""

    def parse(self, raw: str) -> tuple[float, float]:
        low, high = Many(RATE, 2, 2).parse(raw)
        if not low < high:
            raise ValueError("the sweep range must go from a smaller to a larger rate.")
        return low, high


QUERY = {  # field -> (query name, kind); the numeric controls bring their own bounds
    "section": ("section", Choice(tuple(SECTIONS))),
    "preset": ("preset", Choice(("", *PRESETS))),
    "function": ("f", FUNCTION),
    **OPTIMIZER_QUERY,
    "start_x": ("x0", Number(-1e6, 1e6)),
    "start_y": ("y0", Number(-1e6, 1e6)),
    "rates": ("lrs", Many(RATE, 1, MAX_RATES)),
    "overlay": ("overlay", Flag()),
    "auto_range": ("auto", Flag()),
    "sweep_range": ("range", RateRange()),
    **{c.name: (c.query, c.url_kind) for group in CONTROLS.values() for c in group},
}
FIELD_NAMES = tuple(f.name for f in fields(LabSetup))
START_FIELDS = ("function", "start_x", "start_y")  # what choosing a preset sets here


def encode(setup: LabSetup) -> dict[str, str]:
    """Query parameters for ``setup``: only the fields that differ from the defaults."""
    return urlstate.encode(setup, QUERY)


def decode(params: dict[str, str]) -> tuple[LabSetup, list[str]]:
    """The setup a URL describes, and a message for each value that was ignored as invalid.

    A linked preset without a linked function brings its function and start (unless linked).
    """
    setup, problems = urlstate.decode(LabSetup, QUERY, params)
    linked = {name for name, (query, _) in QUERY.items() if query in params}
    if "preset" in linked and setup.preset and "function" not in linked:
        chosen = preset_fields(setup.preset, START_FIELDS)
        setup = replace(setup, **{k: v for k, v in chosen.items() if k not in linked})
    return setup, problems
