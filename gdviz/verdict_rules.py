"""Which kind of verdict a run gets, and why: the rules, without the words.

The first rule that holds decides (the evidence for each: :mod:`gdviz.evidence` from the path,
:mod:`gdviz.probes` from more evaluations of f; the advice: :mod:`gdviz.advice`):

1. f, ∇f or θ stopped being numbers at step k, or a step jumped a pole: ``undefined`` — unless
   the steps were growing before k, then it is a blow-up that overflowed: ``diverging`` if f
   was above f(θ₀), else ``unbounded``.
2. The engine's range rule stopped it (f far from f(θ₀)): ``diverging`` above, ``unbounded``
   below.
3. The run stopped moving (a convergence rule fired, or its steps shrank to rounding noise):
   ``stalled`` if α reached 0 while ∇f was not small; ``converged`` if f rises all round the end
   point (for a |Δf| stop, also: at the rate |Δf| was shrinking, less than 0.1% of the descent
   so far is left); ``saddle`` if ∇f is small there (the Hessian, or probes around the point,
   say which: saddle, maximum, shoulder, plateau); ``unbounded`` if f keeps falling along the way
   it was heading; else ``too_slow``.
4. The step limit came while it still moved: ``stalled`` if α reached 0; ``diverging`` if the
   steps grew and f reached new highs; ``unbounded`` as above; ``too_slow`` if f reached new lows
   or the steps shrank; else ``cycling``.

Each rule returns a :class:`Finding` (kind, cause, the step that decided, divergence's onset, the
way downhill from a saddle); :mod:`gdviz.verdicts` puts it into words.

>>> import numpy as np
>>> escaped(np.array([1.0, 0.5, 4.0, 90.0]), "threshold", 3)
Finding(kind='diverging', cause='threshold', step=3, onset=2, downhill='')
>>> from gdviz import descend, optimizers, parse_objective
>>> from gdviz.theory import eigen_at
>>> f = parse_objective("x^2 - y^2")
>>> t = descend(f, [-1.8, 0.0], optimizers.gd(0.1))
>>> find(f, t, eigen_at(f, t.points[-1]), bad=None)
Finding(kind='saddle', cause='saddle', step=68, onset=None, downhill='±(0, 1)')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdviz import evidence, probes
from gdviz.formatting import point
from gdviz.theory import is_quadratic

if TYPE_CHECKING:
    from gdviz.engine import Trajectory

LEFT = 1e-3  # a |Δf| stop has converged if less than this share of its descent is left
RATE_FLOOR = 1e-9  # a learning rate below this share of the first one counts as 0
SMALL_GRADIENT = 1e-3  # ‖∇f‖ under this share of its largest value on the run: ∇f ≈ 0


@dataclass(frozen=True)
class Finding:
    """What the rules decided: ``kind`` (a key of :data:`gdviz.messages.KINDS`), ``cause`` (a
    key of its causes), the ``step`` that decided, ``onset`` (diverging only) and, for a saddle,
    the way ``downhill``."""

    kind: str
    cause: str
    step: int
    onset: int | None = None
    downhill: str = ""


def find(problem, t: Trajectory, eigen, bad: int | None) -> Finding:
    """Rules 1–4 of the module docstring, in order (``bad``: the first step that is not
    numbers)."""
    n = int(t.steps)
    broken = _broken(problem, t, bad)
    if broken is not None:
        return broken
    if t.status == "diverged":  # every number finite: the engine's range rule fired
        return escaped(t.values, "threshold", n)
    if n == 0 and t.status == "max_steps":
        return Finding("too_slow", "no_steps", 0)
    moved = evidence.motion(t.points, t.values)
    if t.status != "max_steps" or moved.settled_at is not None:
        return _stopped(problem, t, moved, eigen)
    return _moving(problem, t, moved)


def _broken(problem, t: Trajectory, bad: int | None) -> Finding | None:
    """Rule 1: numbers that stopped being numbers, or a step over a pole."""
    end = len(t.points) if bad is None else bad
    if not is_quadratic(problem) and probes.may_jump(problem):
        pole = probes.pole_crossing(problem, t.points[:end], t.values[:end])
        if pole is not None:
            return Finding("undefined", "pole", pole)
    if bad is None:
        return None
    if bad == 0:
        defined = np.isfinite(t.values[0]) and np.all(np.isfinite(t.points[0]))
        return Finding("undefined", "start_gradient" if defined else "start_value", 0)
    before, after = t.points[bad - 1], t.points[bad]
    if not np.all(np.isfinite(after)) or probes.overflows(problem, before, after):
        return escaped(t.values[:bad], "overflow", bad)
    defined = np.isfinite(t.values[bad])
    return Finding("undefined", "gradient" if defined else "value", bad)


def escaped(values: np.ndarray, cause: str, step: int) -> Finding:
    """Away without bound: up is diverging (with its onset), down is unbounded."""
    if values[-1] > values[0]:
        return Finding("diverging", cause, step, evidence.onset(values))
    return Finding("unbounded", cause, step)


def _stopped(problem, t: Trajectory, moved: evidence.Motion, eigen) -> Finding:
    """Rule 3: a convergence rule fired, or the steps became rounding noise."""
    n, end = int(t.steps), t.points[-1]
    small = t.grad_norms[-1] <= SMALL_GRADIENT * np.max(t.grad_norms)
    critical = t.status == "converged_gradient" or small
    zero = _zero_rate(t.learning_rates)
    if zero is not None and not critical:
        return Finding("stalled", "zero_rate", zero)
    around = _shape(problem, end, eigen)
    settled = moved.settled_at is not None
    descent = t.values[0] - t.values[-1]
    little_left = evidence.remaining_descent(t.values) <= max(LEFT * descent, t.rules.value_tol)
    if around.shape == "minimum" and (t.status == "converged_gradient" or settled or little_left):
        cause = {"converged_gradient": "gradient", "converged_value": "value"}
        if t.status in cause:
            return Finding("converged", cause[t.status], n)
        return Finding("converged", "settled", moved.settled_at)
    onward = moved.heading is not None and probes.falls_forever(problem, end, moved.heading)
    if (critical or settled) and around.shape != "minimum":
        shape = "shoulder" if onward and around.downhill[:1] != "±" else around.shape
        return Finding("saddle", shape, n, downhill=around.downhill)
    if onward:
        return Finding("unbounded", "falls", n)
    return Finding("too_slow", "value_rule" if t.status == "converged_value" else "step_limit", n)


@dataclass(frozen=True)
class _Around:
    shape: str
    radius: float = float("nan")
    downhill: str = ""


def _shape(problem, end: np.ndarray, eigen) -> _Around:
    """Minimum, maximum, saddle or plateau around ``end``: clear negative curvature in the
    Hessian decides at once; otherwise probes on circles up to max(1, ‖θ‖) wide decide (flat
    minima such as x⁴ have no curvature to show). A degenerate saddle whose neighbouring minima
    are closer than that could pass for a minimum."""
    if eigen is not None:
        values, vectors = eigen
        biggest = np.max(np.abs(values))
        if biggest > 0 and values[-1] < -1e-6 * biggest:
            return _Around("maximum")
        if biggest > 0 and values[0] < -1e-6 * biggest:
            down = vectors[:, 0] * np.sign(vectors[np.argmax(np.abs(vectors[:, 0])), 0])
            return _Around("saddle", downhill="±" + point(down))  # ± (1, 0), never ± (-1, 0)
    toward = probes.directions(len(end), None if eigen is None else eigen[1])
    found = probes.surroundings(problem, end, toward, max(1.0, float(np.linalg.norm(end))))
    downhill = "" if found.downhill is None else point(found.downhill)
    return _Around(found.shape, found.radius, downhill)


def _moving(problem, t: Trajectory, moved: evidence.Motion) -> Finding:
    """Rule 4: the step limit came while the run still moved."""
    n = int(t.steps)
    zero = _zero_rate(t.learning_rates)
    if zero is not None:
        return Finding("stalled", "zero_rate", zero)
    if moved.growth > 1 and moved.rising:
        return Finding("diverging", "growing", n, evidence.onset(t.values))
    heading = moved.heading
    ahead = moved.falling and heading is not None  # only then is "no minimum that way" asked
    if ahead and probes.falls_forever(problem, t.points[-1], heading):
        return Finding("unbounded", "falls", n)
    if moved.falling or moved.growth < 1:
        return Finding("too_slow", "step_limit", n)
    return Finding("cycling", "bounce", n)


def _zero_rate(rates: np.ndarray) -> int | None:
    """The first step whose learning rate is 0 (or below ``RATE_FLOOR`` of the first)."""
    rates = np.asarray(rates, dtype=float)
    if not len(rates):
        return None
    zero = np.flatnonzero(rates <= RATE_FLOOR * max(rates[0], 0.0))
    return int(zero[0]) if len(zero) else None
