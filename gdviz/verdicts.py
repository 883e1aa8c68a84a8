r"""One verdict on a run: what this learning rate did, and why.

The engine's ``status`` says which stop rule fired; :func:`verdict` reads it together with the
problem. Kinds (their words: :data:`gdviz.messages.KINDS`):

``converged`` (at a local minimum), ``saddle`` (stopped at a critical point that is not a
minimum: a saddle, a maximum, a flat shoulder or a plateau), ``too_slow`` (the step limit came
while still descending), ``cycling`` (bounded, neither converging nor diverging),
``diverging`` (growing without bound), ``unbounded`` (f keeps falling as θ runs off: no minimum
that way), ``undefined`` (f or ∇f not defined where the run went or started), ``stalled`` (the
learning rate reached 0 first).

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

``oscillating`` is separate: successive steps flip sign along an eigenvector of the Hessian (or
an axis), as GD does for 1 < αλ < 2. ``onset`` (diverging only) is the step after f's lowest
value: from there f never came back down.

>>> from gdviz import descend, optimizers, parse_objective
>>> f = parse_objective("x^2 + 10y^2")
>>> v = verdict(f, descend(f, [-2.6, 1.2], optimizers.gd(0.11), max_steps=500))
>>> v.kind, v.oscillating, v.onset, v.step, v.label
('diverging', True, 1, 77, 'diverging from step 1')
>>> v.advice
'The learning rate is too large for this function: try α < 0.1 (2/λmax, exact for this quadratic).'
>>> verdict(f, descend(f, [-2.6, 1.2], optimizers.gd(0.1), max_steps=5000)).label
'cycling after 5,000 steps'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from gdviz import advice, evidence, messages, probes
from gdviz.formatting import number, point, steps
from gdviz.theory import eigen_at, is_quadratic

if TYPE_CHECKING:
    from gdviz.engine import Trajectory

KINDS = messages.KINDS
LEFT = 1e-3  # a |Δf| stop has converged if less than this share of its descent is left
RATE_FLOOR = 1e-9  # a learning rate below this share of the first one counts as 0
SMALL_GRADIENT = 1e-3  # ‖∇f‖ under this share of its largest value on the run: ∇f ≈ 0
SAME_END = 1e-3  # gradient stops this close (relative) ended at the same critical point


@dataclass(frozen=True)
class Verdict:
    """What a run did: ``kind`` (a key of ``KINDS``) and ``cause`` (a key of its causes), where
    it was decided (``step``), when divergence began (``onset``), whether it zig-zagged, and
    the words: a short ``label``, the ``message`` and what would help (``advice``)."""

    kind: str
    oscillating: bool
    onset: int | None
    step: int
    message: str
    advice: str
    label: str
    cause: str

    @property
    def text(self) -> str:
        """Message and advice together, as ``Trajectory.message`` carries them."""
        return f"{self.message} {self.advice}".strip()


@dataclass(frozen=True)
class _Finding:
    kind: str
    cause: str
    step: int
    onset: int | None = None
    downhill: str = ""


def verdict(problem, trajectory: Trajectory) -> Verdict | tuple[Verdict, ...]:
    """The verdict on a single run; a tuple of them, one per run, for a batched trajectory."""
    if trajectory.batched:
        return tuple(verdict(problem, trajectory.run(i)) for i in range(len(trajectory.steps)))
    t = trajectory
    with np.errstate(all="ignore"):
        bad = evidence.first_undefined(t.points, t.values, t.grad_norms)
        eigen = eigen_at(problem, t.points[-1])
        finding = _find(problem, t, eigen, bad)
        return _words(problem, t, finding, _oscillating(problem, t, eigen, bad), eigen)


def _kind(problem, t: Trajectory) -> str:
    """The kind alone, by the same rules as :func:`verdict` (without its words and zig-zags)."""
    with np.errstate(all="ignore"):
        bad = evidence.first_undefined(t.points, t.values, t.grad_norms)
        return _find(problem, t, eigen_at(problem, t.points[-1]), bad).kind


def kinds(problem, trajectory: Trajectory) -> np.ndarray:
    """The verdict's kind for every run of a batch (a basin map's 40,000 starts), as strings.

    ``verdict(problem, trajectory.run(i)).kind`` for each run i, computed once per end point
    where the kind depends on nothing else: a run that stopped on ‖∇f‖ < tol along a path of
    numbers, of an f without poles, is ``converged`` or ``saddle`` by the shape of f around its
    end point alone (rule 3), so runs ending at the same critical point share one verdict (the
    same point: within ``SAME_END`` · max(1, ‖θ‖), far below any basin's size, while gradient
    stops of one minimum scatter by about tol/λ). Every other run gets its own verdict.
    """
    if not trajectory.batched:
        return np.array([_kind(problem, trajectory)])
    t, count = trajectory, len(trajectory.steps)
    found = np.empty(count, dtype=object)
    ends = t.final_point
    with np.errstate(all="ignore"):
        finite = np.all(np.isfinite(t.values), axis=0) & np.all(np.isfinite(t.grad_norms), axis=0)
        finite &= np.all(np.isfinite(t.points), axis=(0, 2))
        scale = np.maximum(1.0, np.max(np.abs(ends), axis=-1, keepdims=True))
        cells = np.round(ends / (SAME_END * scale)).astype(np.int64)
    by_end = (np.asarray(t.status) == "converged_gradient") & finite
    by_end &= is_quadratic(problem) or not probes.may_jump(problem)
    known: dict[bytes, str] = {}
    for i in range(count):
        key = cells[i].tobytes() if by_end[i] else None
        if key is not None and key in known:
            found[i] = known[key]
            continue
        found[i] = _kind(problem, t.run(i))
        if key is not None:
            known[key] = found[i]
    return found.astype(str)


def labels(problem, trajectory: Trajectory) -> list[tuple[str, str]]:
    """``(kind, label)`` of every run of a batched trajectory: what ``verdict(problem,
    trajectory.run(i))`` says, at a fraction of its cost (an α slider's 48 stops).

    The quick evidence is read for all runs at once: which runs stay numbers (one pass over the
    ``(n+1, k)`` arrays) and whether f can jump a pole at all (once per problem). A run the
    engine's range rule stopped with every number finite is then settled by rule 2 alone; every
    other run goes through rules 1–4 as :func:`verdict` does, without what the label does not
    need (the zig-zag test and the advice).

    >>> from gdviz import descend, optimizers, parse_objective
    >>> f = parse_objective("x^2 + 10y^2")
    >>> runs = descend(f, [[-2.6, 1.2]] * 3, optimizers.gd(np.array([0.01, 0.09, 0.11])))
    >>> labels(f, runs)
    [('converged', 'converged in 766 steps'), ('converged', 'converged in 79 steps'), \
('diverging', 'diverging from step 1')]
    """
    t = trajectory
    if not t.batched:
        raise ValueError("labels(…) is for batched trajectories; verdict(…) reads one run")
    with np.errstate(all="ignore"):
        finite = np.isfinite(t.values) & np.isfinite(t.grad_norms)
        finite &= np.all(np.isfinite(t.points), axis=-1)
        finite |= np.arange(len(t.values))[:, None] > t.steps[None, :]  # after each run's stop
        clean = finite.all(axis=0)
        poles = not is_quadratic(problem) and probes.may_jump(problem)
        found = []
        for i in range(len(t.steps)):
            run = _cut(t, i)
            if clean[i] and not poles and run.status == "diverged":
                found.append((run, _escaped(run.values, "threshold", int(run.steps))))
                continue
            bad = None if clean[i] else evidence.first_undefined(run.points, run.values,
                                                                 run.grad_norms)  # fmt: skip
            found.append((run, _find(problem, run, eigen_at(problem, run.points[-1]), bad)))
    return [(f.kind, messages.say(f.kind, f.cause, _numbers(run, f))[0]) for run, f in found]


def _cut(t: Trajectory, i: int) -> Trajectory:
    """Run ``i`` cut at its stop step, without the message ``Trajectory.run`` writes."""
    n = int(t.steps[i])
    kept = (slice(n + 1), i)
    return replace(t, points=t.points[kept], values=t.values[kept],
                   grad_norms=t.grad_norms[kept], learning_rates=t.learning_rates[:n, i],
                   status=str(t.status[i]), steps=n, message="")  # fmt: skip


def _oscillating(problem, t: Trajectory, eigen, bad: int | None) -> bool:
    """Sign flips along the Hessian's eigenvectors (at the end, else at the start) or an axis,
    over the part of the path that is numbers."""
    path = t.points[: len(t.points) if bad is None else bad]
    eigen = eigen if eigen is not None else eigen_at(problem, t.points[0])
    axes = np.eye(path.shape[-1])
    toward = axes if eigen is None else np.concatenate([eigen[1].T, axes])
    return evidence.oscillating(path, toward)


def _find(problem, t: Trajectory, eigen, bad: int | None) -> _Finding:
    """Rules 1–4 of the module docstring, in order (``bad``: the first step that is not
    numbers)."""
    n = int(t.steps)
    broken = _broken(problem, t, bad)
    if broken is not None:
        return broken
    if t.status == "diverged":  # every number finite: the engine's range rule fired
        return _escaped(t.values, "threshold", n)
    if n == 0 and t.status == "max_steps":
        return _Finding("too_slow", "no_steps", 0)
    moved = evidence.motion(t.points, t.values)
    if t.status != "max_steps" or moved.settled_at is not None:
        return _stopped(problem, t, moved, eigen)
    return _moving(problem, t, moved)


def _broken(problem, t: Trajectory, bad: int | None) -> _Finding | None:
    """Rule 1: numbers that stopped being numbers, or a step over a pole."""
    end = len(t.points) if bad is None else bad
    if not is_quadratic(problem) and probes.may_jump(problem):
        pole = probes.pole_crossing(problem, t.points[:end], t.values[:end])
        if pole is not None:
            return _Finding("undefined", "pole", pole)
    if bad is None:
        return None
    if bad == 0:
        defined = np.isfinite(t.values[0]) and np.all(np.isfinite(t.points[0]))
        return _Finding("undefined", "start_gradient" if defined else "start_value", 0)
    before, after = t.points[bad - 1], t.points[bad]
    if not np.all(np.isfinite(after)) or probes.overflows(problem, before, after):
        return _escaped(t.values[:bad], "overflow", bad)
    defined = np.isfinite(t.values[bad])
    return _Finding("undefined", "gradient" if defined else "value", bad)


def _escaped(values: np.ndarray, cause: str, step: int) -> _Finding:
    """Away without bound: up is diverging (with its onset), down is unbounded."""
    if values[-1] > values[0]:
        return _Finding("diverging", cause, step, evidence.onset(values))
    return _Finding("unbounded", cause, step)


def _stopped(problem, t: Trajectory, moved: evidence.Motion, eigen) -> _Finding:
    """Rule 3: a convergence rule fired, or the steps became rounding noise."""
    n, end = int(t.steps), t.points[-1]
    small = t.grad_norms[-1] <= SMALL_GRADIENT * np.max(t.grad_norms)
    critical = t.status == "converged_gradient" or small
    zero = _zero_rate(t.learning_rates)
    if zero is not None and not critical:
        return _Finding("stalled", "zero_rate", zero)
    around = _shape(problem, end, eigen)
    settled = moved.settled_at is not None
    descent = t.values[0] - t.values[-1]
    little_left = evidence.remaining_descent(t.values) <= max(LEFT * descent, t.rules.value_tol)
    if around.shape == "minimum" and (t.status == "converged_gradient" or settled or little_left):
        cause = {"converged_gradient": "gradient", "converged_value": "value"}
        if t.status in cause:
            return _Finding("converged", cause[t.status], n)
        return _Finding("converged", "settled", moved.settled_at)
    onward = moved.heading is not None and probes.falls_forever(problem, end, moved.heading)
    if (critical or settled) and around.shape != "minimum":
        shape = "shoulder" if onward and around.downhill[:1] != "±" else around.shape
        return _Finding("saddle", shape, n, downhill=around.downhill)
    if onward:
        return _Finding("unbounded", "falls", n)
    return _Finding("too_slow", "value_rule" if t.status == "converged_value" else "step_limit", n)


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


def _moving(problem, t: Trajectory, moved: evidence.Motion) -> _Finding:
    """Rule 4: the step limit came while the run still moved."""
    n = int(t.steps)
    zero = _zero_rate(t.learning_rates)
    if zero is not None:
        return _Finding("stalled", "zero_rate", zero)
    if moved.growth > 1 and moved.rising:
        return _Finding("diverging", "growing", n, evidence.onset(t.values))
    heading = moved.heading
    ahead = moved.falling and heading is not None  # only then is "no minimum that way" asked
    if ahead and probes.falls_forever(problem, t.points[-1], heading):
        return _Finding("unbounded", "falls", n)
    if moved.falling or moved.growth < 1:
        return _Finding("too_slow", "step_limit", n)
    return _Finding("cycling", "bounce", n)


def _zero_rate(rates: np.ndarray) -> int | None:
    """The first step whose learning rate is 0 (or below ``RATE_FLOOR`` of the first)."""
    rates = np.asarray(rates, dtype=float)
    if not len(rates):
        return None
    zero = np.flatnonzero(rates <= RATE_FLOOR * max(rates[0], 0.0))
    return int(zero[0]) if len(zero) else None


def _words(problem, t: Trajectory, found: _Finding, oscillating: bool, eigen) -> Verdict:
    """Fill the kind's words (messages.KINDS) and the advice in with this run's numbers."""
    label, message = messages.say(found.kind, found.cause, _numbers(t, found))
    help_text = advice.advice(problem, t, found, oscillating, eigen)
    return Verdict(found.kind, oscillating, found.onset, found.step, message, help_text, label,
                   found.cause)  # fmt: skip


def _numbers(t: Trajectory, found: _Finding) -> messages.Lazy:
    """This run's numbers as the words need them, each worked out only if a word asks."""
    n, k, rules = int(t.steps), found.step, t.rules
    shown = found.onset - 1 if found.onset else 0  # f's lowest value, where growth began
    tail = t.values[n - min(n, max(2, n // 2), evidence.WINDOW) :]  # as evidence.motion's
    return messages.Lazy(
        steps=steps(k),
        after=f"after {steps(k)}" if k else "at the start",
        in_steps=f"in {steps(k)}" if k else "at the start",
        limit_steps=lambda: steps(n),
        step=k,
        onset=found.onset,
        point=lambda: point(t.points[k]),
        before=lambda: point(t.points[max(k - 1, 0)]),
        f_end=lambda: number(t.values[k]),
        f_before=lambda: number(t.values[shown]),
        f_low=lambda: number(np.min(tail)),
        f_high=lambda: number(np.max(tail)),
        grad=lambda: number(t.grad_norms[k]),
        rate=lambda: number(t.learning_rates[k]) if k < len(t.learning_rates) else "",
        grad_tol=lambda: number(rules.grad_tol),
        value_tol=lambda: number(rules.value_tol),
        threshold=lambda: number(rules.divergence_threshold),
        downhill=found.downhill,
    )
