r"""Inside a step: every optimizer's update rule written out with one step's numbers.

One table (:data:`RULES`) holds each optimizer's lines, in LaTeX with ``⟨name⟩`` slots; the slots
are filled from a step of the engine's run as :mod:`gdviz.step_state` replays it
(state before and after), never re-derived here. Every rule acts coordinate by coordinate, so
vectors are columns (x above y) and the adaptive methods' division is written per coordinate.

>>> from gdviz import descend, optimizers, parse_objective
>>> from gdviz.step_state import replay
>>> f = parse_objective("x^2 + 10y^2")
>>> momentum = optimizers.momentum(0.01, momentum=0.9)
>>> run = descend(f, [-2.6, 1.2], momentum, max_steps=5)
>>> lines = step_lines(replay(f.gradient, run, momentum), 1)
>>> for part in lines[1].split(" = "):
...     print(part)
v_{2} &= \mu\, v_{1} + g_{1}
0.9 \begin{pmatrix} -5.2 \\ 24 \end{pmatrix} + \begin{pmatrix} -5.096 \\ 19.2 \end{pmatrix}
\begin{pmatrix} -9.776 \\ 40.8 \end{pmatrix}
"""

from __future__ import annotations

import re

import numpy as np

from gdviz.messages import went
from gdviz.optimizers import OPTIMIZERS
from gdviz.step_state import Replay, bias_corrected, direction_and_scale

HEAD = (
    r"g_{⟨k⟩} &= \nabla J(\theta_{⟨k⟩}) = \nabla J⟨θ⟩ = ⟨g⟩,"
    r"\qquad \alpha_{⟨k⟩} = ⟨α⟩"
)
TAIL = r"\theta_{⟨k+1⟩} &= \theta_{⟨k⟩} + \Delta_{⟨k⟩} = ⟨θ⟩ + ⟨Δ⟩ = ⟨θ'⟩"
_SCALED = (  # one line per coordinate i (x, then y): the adaptive methods divide coordinatewise
    r"\Delta_{⟨k⟩,⟨i⟩} &= \dfrac{-\alpha_{⟨k⟩}\, ⟨top⟩_{⟨k⟩,⟨i⟩}}{\sqrt{⟨bottom⟩_{⟨k+1⟩,⟨i⟩}}"
    r" + \epsilon} = ⟨fraction⟩ = ⟨Δᵢ⟩"
)

RULES: dict[str, tuple[str, ...]] = {
    "gd": (r"\Delta_{⟨k⟩} &= -\alpha_{⟨k⟩}\, g_{⟨k⟩} = -⟨α⟩ ⟨g⟩ = ⟨Δ⟩",),
    "momentum": (
        r"v_{⟨k+1⟩} &= \mu\, v_{⟨k⟩} + g_{⟨k⟩} = ⟨μ⟩ ⟨v⟩ + ⟨g⟩ = ⟨v'⟩",
        r"\Delta_{⟨k⟩} &= -\alpha_{⟨k⟩}\, v_{⟨k+1⟩} = -⟨α⟩ ⟨v'⟩ = ⟨Δ⟩",
    ),
    "nesterov": (
        r"v_{⟨k+1⟩} &= \mu\, v_{⟨k⟩} + g_{⟨k⟩} = ⟨μ⟩ ⟨v⟩ + ⟨g⟩ = ⟨v'⟩",
        r"\Delta_{⟨k⟩} &= -\alpha_{⟨k⟩}\,(g_{⟨k⟩} + \mu\, v_{⟨k+1⟩})"
        r" = -⟨α⟩ \left(⟨g⟩ + ⟨μ⟩ ⟨v'⟩\right) = ⟨Δ⟩",
    ),
    "adagrad": (
        r"s_{⟨k+1⟩} &= s_{⟨k⟩} + g_{⟨k⟩}^2 = ⟨s⟩ + ⟨g²⟩ = ⟨s'⟩",
        _SCALED.replace("⟨top⟩", "g").replace("⟨bottom⟩", "s"),
    ),
    "rmsprop": (
        r"s_{⟨k+1⟩} &= \rho\, s_{⟨k⟩} + (1-\rho)\, g_{⟨k⟩}^2 = ⟨ρ⟩ ⟨s⟩ + ⟨1-ρ⟩ ⟨g²⟩ = ⟨s'⟩",
        _SCALED.replace("⟨top⟩", "g").replace("⟨bottom⟩", "s"),
    ),
    "adam": (
        r"m_{⟨k+1⟩} &= \beta_1 m_{⟨k⟩} + (1-\beta_1)\, g_{⟨k⟩} = ⟨β₁⟩ ⟨m⟩ + ⟨1-β₁⟩ ⟨g⟩ = ⟨m'⟩",
        r"v_{⟨k+1⟩} &= \beta_2 v_{⟨k⟩} + (1-\beta_2)\, g_{⟨k⟩}^2"
        r" = ⟨β₂⟩ ⟨v⟩ + ⟨1-β₂⟩ ⟨g²⟩ = ⟨v'⟩",
        r"\hat m_{⟨k+1⟩} &= \frac{m_{⟨k+1⟩}}{1-\beta_1^{⟨t⟩}} = \frac{1}{⟨1-β₁ᵗ⟩} ⟨m'⟩ = ⟨m̂⟩",
        r"\hat v_{⟨k+1⟩} &= \frac{v_{⟨k+1⟩}}{1-\beta_2^{⟨t⟩}} = \frac{1}{⟨1-β₂ᵗ⟩} ⟨v'⟩ = ⟨v̂⟩",
        _SCALED.replace("⟨top⟩_{⟨k⟩", r"\hat m_{⟨k+1⟩").replace("⟨bottom⟩", r"\hat v"),
    ),
}
"""Each optimizer's update, line by line (between :data:`HEAD` and :data:`TAIL`)."""

MEMORY: dict[str, dict[str, str]] = {
    "gd": {},
    "momentum": {"velocity": "v"},
    "nesterov": {"velocity": "v"},
    "adagrad": {"sum_of_squares": "s"},
    "rmsprop": {"mean_of_squares": "s"},
    "adam": {"mean": "m", "mean_of_squares": "v"},
}
"""The letter each optimizer's state field is written as (its registry LaTeX uses the same)."""

COORDINATES = ("x", "y")
HYPERPARAMETERS = {"momentum": "μ", "alpha": "ρ", "beta1": "β₁", "beta2": "β₂", "eps": "ε"}


def number(value: float) -> str:
    r"""A number as a student reads it: 4 significant digits, powers of ten written out.

    >>> number(0.05), number(-1.234567), number(1e-08), number(2.5e12), number(float("nan"))
    ('0.05', '-1.235', '10^{-8}', '2.5 \\cdot 10^{12}', '\\text{NaN}')
    """
    if not np.isfinite(value):
        return r"\text{NaN}" if np.isnan(value) else (r"\infty" if value > 0 else r"-\infty")
    text = f"{value:.4g}"
    if "e" not in text:
        return text
    mantissa, power = text.split("e")
    power = str(int(power))
    return f"10^{{{power}}}" if mantissa == "1" else rf"{mantissa} \cdot 10^{{{power}}}"


def vector(values) -> str:
    """A column vector of numbers; rounding noise (below 1e-12 of the largest entry) is 0."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        largest = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0.0
        values = np.where(np.abs(values) < 1e-12 * largest, 0.0, values)
    return column(number(float(v)) for v in values)


def column(entries) -> str:
    return r"\begin{pmatrix} " + r" \\ ".join(entries) + r" \end{pmatrix}"


def slots(replay: Replay, k: int) -> dict[str, str]:
    """Every ``⟨name⟩`` of step ``k``'s lines, filled in (state fields by their letter)."""
    step, optimizer, hyperparameters = replay.step(k), replay.optimizer, replay.hyperparameters
    rate = step.learning_rate
    values = {
        "k": str(k),
        "k+1": str(k + 1),
        "t": str(k + 1),
        "α": number(rate),
        "θ": vector(step.point),
        "θ'": vector(step.next_point),
        "g": vector(step.gradient),
        "g²": vector(step.gradient**2),
        "Δ": vector(step.update),
    }
    values |= {f"Δᵢ@{i}": number(float(value)) for i, value in enumerate(step.update)}
    for name, symbol in HYPERPARAMETERS.items():
        if name in hyperparameters:
            value = hyperparameters[name]
            values[symbol] = number(value)
            values[f"1-{symbol}"] = number(1 - value)
            values[f"1-{symbol}ᵗ"] = number(1 - value ** (k + 1))
    for field, letter in MEMORY[optimizer].items():
        values[letter] = vector(getattr(step.before, field))
        values[f"{letter}'"] = vector(getattr(step.after, field))
    if optimizer in ("adagrad", "rmsprop"):
        values |= _per_coordinate(rate, step.gradient, step.after[1], hyperparameters["eps"])
    if optimizer == "adam":
        mean, squares = bias_corrected(replay, k)
        values |= {"m̂": vector(mean), "v̂": vector(squares)}
        values |= _per_coordinate(rate, mean, squares, hyperparameters["eps"])
    return values


def _per_coordinate(rate: float, top, bottom, eps: float) -> dict[str, str]:
    """−α·topᵢ / (√bottomᵢ + ε) written out for each coordinate i (slots ``name@i``)."""
    values = {}
    for i, (t, b) in enumerate(zip(np.atleast_1d(top), np.atleast_1d(bottom), strict=True)):
        values[f"fraction@{i}"] = (
            rf"\dfrac{{-{number(rate)} \cdot {_signed(t)}}}{{\sqrt{{{number(b)}}} + {number(eps)}}}"
        )
    return values


def _signed(value: float) -> str:
    text = number(float(value))
    return f"({text})" if text.startswith("-") else text


_SLOT = re.compile("⟨([^⟩]+)⟩")


def step_lines(replay: Replay, k: int) -> list[str]:
    """Step ``k``'s lines for ``\\begin{aligned}``: g and α, the optimizer's rule, θ's update.

    A line with an ``⟨i⟩`` slot is written once per coordinate (x, then y), its ``⟨name⟩``
    slots taking that coordinate's ``name@i`` value where there is one.
    """
    values = slots(replay, k)
    lines = []
    for line in (HEAD, *RULES[replay.optimizer], TAIL):
        for i in range(replay.points.shape[1]) if "⟨i⟩" in line else (None,):

            def fill(match, i=i):
                name = match.group(1)
                if name == "i":
                    return COORDINATES[i]
                return values.get(f"{name}@{i}", values.get(name))

            lines.append(_SLOT.sub(fill, line))
    return lines


def step_latex(replay: Replay, k: int) -> str:
    """Step ``k`` as one aligned block of LaTeX."""
    return r"\begin{aligned} " + r" \\[4pt] ".join(step_lines(replay, k)) + r" \end{aligned}"


def name(replay: Replay) -> str:
    """The optimizer's name as the app shows it."""
    return OPTIMIZERS[replay.optimizer].display_name


def step_words(replay: Replay, trajectory, k: int) -> str:
    """What step ``k`` did to f, how its length compares with plain GD's at the same α, and
    what the memory drawn on the contour holds at this step."""
    step = replay.step(k)
    before, after = float(trajectory.values[k]), float(trajectory.values[k + 1])
    way = went(before, after)  # 'down', 'up', 'unchanged' (6.25 → 6.25 is not UP), 'undefined'
    with np.errstate(all="ignore"):
        said = step.learning_rate * float(np.linalg.norm(step.gradient))
        did = float(np.linalg.norm(step.update))
    words = f"f went from {before:.6g} to {after:.6g} ({way}). "
    if replay.optimizer == "gd":
        return words + f"The step is α‖∇J‖ = {did:.4g} long: exactly what the gradient says."
    ratio = f" ({did / said:.3g} × as long)" if said > 0 and np.isfinite(did / said) else ""
    return words + (
        f"Plain GD at this α would step α‖∇J‖ = {said:.4g}; {name(replay)} stepped "
        f"‖Δ‖ = {did:.4g}{ratio}: the difference is its memory. " + memory_words(replay, k)
    )


def memory_words(replay: Replay, k: int) -> str:
    """The memory's part in step ``k``, in the numbers the contour draws (violet).

    >>> from gdviz import descend, optimizers, parse_objective
    >>> import textwrap
    >>> from gdviz.step_state import replay
    >>> f = parse_objective("x^2 + 10y^2")
    >>> nesterov = optimizers.nesterov(0.01)
    >>> run = descend(f, [-2.6, 1.2], nesterov)
    >>> print(textwrap.fill(memory_words(replay(f.gradient, run, nesterov), 0), 90))
    Nesterov looks ahead: to the gradient now it adds μv₁, the push the velocity gives next,
    so it brakes before the slope turns; that share is −αμv₁ = (0.0468, −0.216).
    """
    step, optimizer = replay.step(k), replay.optimizer
    mu = replay.hyperparameters.get("momentum", 0.0)
    with np.errstate(all="ignore"):
        if optimizer == "momentum":
            share = -step.learning_rate * mu * step.before.velocity
            return (f"Momentum's share, the velocity carried over, is −αμv{_sub(k)} = "
                    f"{pair(share)}.")  # fmt: skip
        if optimizer == "nesterov":
            share = -step.learning_rate * mu * step.after.velocity
            return (
                f"Nesterov looks ahead: to the gradient now it adds μv{_sub(k + 1)}, the push the "
                "velocity gives next, so it brakes before the slope turns; that share is "
                f"−αμv{_sub(k + 1)} = {pair(share)}."
            )
        if optimizer in ("adagrad", "rmsprop", "adam"):
            _, scale = direction_and_scale(replay, k)
            squares = "v̂" if optimizer == "adam" else f"s{_sub(k + 1)}"
            drawn = " (the ellipse on the map)" if replay.points.shape[1] == 2 else ""
            return (f"Its scale per coordinate, 1/(√{squares} + ε) = {pair(scale)}{drawn}, "
                    "shrinks each coordinate's step on its own.")  # fmt: skip
    return ""


def pair(values) -> str:
    """A few numbers as a student reads them (a true minus sign, the exponent's left alone).

    >>> pair([0.04681, -0.2160, -1.5e-05, -0.0])
    '(0.0468, −0.216, −1.5e-05, 0)'
    """
    texts = (f"{v + 0.0:.3g}" for v in np.atleast_1d(values).tolist())  # + 0.0: no −0
    return "(" + ", ".join("−" + t[1:] if t.startswith("-") else t for t in texts) + ")"


def _sub(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def end_words(replay: Replay, trajectory) -> str:
    """The last point: where the run stopped, and that no step is taken there."""
    n = replay.steps
    point = ", ".join(f"{value:.4g}" for value in np.atleast_1d(trajectory.points[n]))
    where = (
        f"θ_{n} = ({point}), f = {float(trajectory.values[n]):.6g}, "
        f"‖∇f‖ = {float(trajectory.grad_norms[n]):.4g}. "
    )
    if n == 0:
        return where + "The run stopped where it started: there is no step to write out."
    return where + (
        "No step is taken from the last point: drag the chart's step slider back to see a "
        "step written out."
    )
