r"""One verdict on a run: what this learning rate did, and why.

The engine's ``status`` says which stop rule fired; :func:`verdict` reads it together with the
problem. Kinds (their words: :data:`gdviz.messages.KINDS`):

``converged`` (at a local minimum), ``saddle`` (stopped at a critical point that is not a
minimum: a saddle, a maximum, a flat shoulder or a plateau), ``too_slow`` (the step limit came
while still descending), ``cycling`` (bounded, neither converging nor diverging),
``diverging`` (growing without bound), ``unbounded`` (f keeps falling as θ runs off: no minimum
that way), ``undefined`` (f or ∇f not defined where the run went or started), ``stalled`` (the
learning rate reached 0 first).

The rules that choose the kind are :mod:`gdviz.verdict_rules` (the evidence for each:
:mod:`gdviz.evidence` from the path, :mod:`gdviz.probes` from more evaluations of f); the advice
is :mod:`gdviz.advice`; the kinds of a whole batch at once, cheaply: :mod:`gdviz.verdict_batches`.

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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdviz import advice, evidence, messages
from gdviz.formatting import number, point, steps
from gdviz.theory import eigen_at
from gdviz.verdict_rules import Finding, find

if TYPE_CHECKING:
    from gdviz.engine import Trajectory

KINDS = messages.KINDS


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


def verdict(problem, trajectory: Trajectory) -> Verdict | tuple[Verdict, ...]:
    """The verdict on a single run; a tuple of them, one per run, for a batched trajectory."""
    if trajectory.batched:
        return tuple(verdict(problem, trajectory.run(i)) for i in range(len(trajectory.steps)))
    t = trajectory
    with np.errstate(all="ignore"):
        bad = evidence.first_undefined(t.points, t.values, t.grad_norms)
        eigen = eigen_at(problem, t.points[-1])
        finding = find(problem, t, eigen, bad)
        return _words(problem, t, finding, _oscillating(problem, t, eigen, bad), eigen)


def _oscillating(problem, t: Trajectory, eigen, bad: int | None) -> bool:
    """Sign flips along the Hessian's eigenvectors (at the end, else at the start) or an axis,
    over the part of the path that is numbers."""
    path = t.points[: len(t.points) if bad is None else bad]
    eigen = eigen if eigen is not None else eigen_at(problem, t.points[0])
    axes = np.eye(path.shape[-1])
    toward = axes if eigen is None else np.concatenate([eigen[1].T, axes])
    return evidence.oscillating(path, toward)


def _words(problem, t: Trajectory, found: Finding, oscillating: bool, eigen) -> Verdict:
    """Fill the kind's words (messages.KINDS) and the advice in with this run's numbers."""
    label, message = messages.say(found.kind, found.cause, run_numbers(t, found))
    help_text = advice.advice(problem, t, found, oscillating, eigen)
    return Verdict(found.kind, oscillating, found.onset, found.step, message, help_text, label,
                   found.cause)  # fmt: skip


def run_numbers(t: Trajectory, found: Finding) -> messages.Lazy:
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
