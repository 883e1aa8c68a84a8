"""What every lesson shares: the optimizer fields of a setup, their link names, one parse cache,
one way to apply a preset and one way to build the optimizer a setup describes.

A lesson is a sub-package of :mod:`gdviz.lessons` (its setup, its runs, its words); lessons import
this module and the core, never each other.

>>> optimizer = make_optimizer(WithOptimizer(momentum=0.5), 0.1, "momentum")
>>> optimizer.name, optimizer.hyperparameters["momentum"]
('momentum', 0.5)
>>> preset_fields("Round bowl", ("function", "start_x", "start_y"))
{'function': 'x^2 + y^2', 'start_x': 2.5, 'start_y': 2.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from gdviz.engine import Trajectory
from gdviz.field import Window
from gdviz.optimizers import OPTIMIZERS, Optimizer
from gdviz.parser import MAX_LENGTH, Objective, ParseError, parse_objective
from gdviz.parser.sandbox import refusal
from gdviz.presets import PRESETS, Preset
from gdviz.urlstate import Among, Choice, Number, Text

MAX_TEXT = MAX_LENGTH  # the longest function text a box or a link may hold
RATE = Number(1e-6, 100.0)  # every learning rate a box or a link may hold
EPS_OPTIONS = tuple(10.0**power for power in range(-12, -1))  # ε's slider stops
FUNCTION = Text(MAX_TEXT)


class Run(NamedTuple):
    """One single-run trajectory with the label a legend shows (figures give it a colour), and
    its :func:`gdviz.verdicts.verdict` when the lesson judged it (once, with the run)."""

    label: str
    trajectory: Trajectory
    verdict: object = None


@dataclass(frozen=True)
class WithOptimizer:
    """The optimizer hyperparameter fields every page's setup has (defaults as in PyTorch),
    and those and the schedule's fields as dicts."""

    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8

    HYPERPARAMETERS = ("momentum", "beta1", "beta2", "alpha", "eps")
    SCHEDULE_PARAMETERS = ("step_size", "gamma", "decay", "total_steps", "min_learning_rate")

    @property
    def hyperparameters(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.HYPERPARAMETERS}

    @property
    def schedule_parameters(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.SCHEDULE_PARAMETERS}


# The optimizer's fields in every page's URL (same names everywhere). Bounds come from the
# registry, so a link can ask for no more than a slider can.
_HYPER = {h.name: h for spec in OPTIMIZERS.values() for h in spec.hyperparameters}
_HYPER_QUERY = {"momentum": "mu", "beta1": "b1", "beta2": "b2", "alpha": "rho", "eps": "eps"}
OPTIMIZER_QUERY = {
    "optimizer": ("opt", Choice(tuple(OPTIMIZERS))),
    "learning_rate": ("lr", RATE),
    **{
        name: (query, Number(_HYPER[name].minimum, _HYPER[name].maximum))
        for name, query in _HYPER_QUERY.items()
    },
    "eps": ("eps", Among(EPS_OPTIONS)),
}


def make_optimizer(setup: WithOptimizer, learning_rate, name: str | None = None) -> Optimizer:
    """Optimizer ``name`` (default: the setup's own) with the setup's hyperparameters; the
    learning rate is a number, one per run ``(k,)``, or a schedule."""
    return OPTIMIZERS[name or setup.optimizer].make(learning_rate, **setup.hyperparameters)


@lru_cache(maxsize=128)
def objective(text: str) -> Objective:
    """The one parse cache: each distinct text is parsed once per process. It is analysed
    first in a process of its own (:mod:`gdviz.parser.sandbox`: a slow formula is refused
    within a second however busy the server, and its refusal is kept), then parsed here."""
    refused = refusal(text)
    if refused is not None:
        raise ParseError(*refused)
    return parse_objective(text)


def matching_preset(name: str, text: str) -> Preset | None:
    """The chosen preset while its function is unchanged (editing the text makes it custom)."""
    preset = PRESETS.get(name)
    return preset if preset and " ".join(preset.text.split()) == " ".join(text.split()) else None


PRESET_FIELDS = ("function", "start_x", "start_y", "optimizer", "learning_rate", "max_steps")


def preset_fields(name: str, names: tuple[str, ...] = PRESET_FIELDS) -> dict:
    """The setup fields that choosing preset ``name`` sets (only ``names``; {} for none)."""
    preset = PRESETS.get(name)
    if preset is None:
        return {}
    chosen = {
        "function": preset.text,
        "start_x": preset.start[0],
        "start_y": preset.start[1] if len(preset.start) > 1 else 0.0,
        "optimizer": preset.optimizer,
        "learning_rate": preset.learning_rate,
        "max_steps": preset.max_steps,
    }
    return {key: chosen[key] for key in names}


def start_point(setup, dimension: int) -> np.ndarray:
    """θ₀ of a setup with ``start_x``/``start_y`` fields, as many coordinates as f has."""
    return np.array([setup.start_x, setup.start_y][:dimension], dtype=float)


def view_window(objective, setup, preset: Preset | None) -> Window:
    """The preset's window, or a square around the origin that contains the start point."""
    if preset:
        return preset.window
    reach = max(3.0, 1.3 * max(abs(setup.start_x), abs(setup.start_y)))
    if objective.dimension == 1:
        xs = np.linspace(-reach, reach, 400)[:, None]
        with np.errstate(all="ignore"):
            ys = np.asarray(objective.value(xs), dtype=float) * np.ones(len(xs))
        finite = ys[np.isfinite(ys)]
        low, high = np.quantile(finite, [0.0, 0.9]) if finite.size else (-1.0, 1.0)
        pad = 0.1 * (high - low or 1.0)
        return Window(-reach, reach, float(low - pad), float(high + pad))
    return Window(-reach, reach, -reach, reach)
