"""Verdicts for a whole batch of runs at once: a basin map's 40,000 starts, an α slider's 48.

:func:`kinds` gives every run's kind and :func:`labels` its kind and label: what
``verdict(problem, trajectory.run(i))`` (:mod:`gdviz.verdicts`) says for each run i, at a
fraction of its cost, by reading the quick evidence for all runs together and skipping what the
answer does not need. :func:`kinds` also judges each critical point only once: gradient stops
that end at the same point (within ``SAME_END``) share one verdict.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from gdviz import evidence, messages, probes
from gdviz.theory import eigen_at, is_quadratic
from gdviz.verdict_rules import escaped, find
from gdviz.verdicts import run_numbers

if TYPE_CHECKING:
    from gdviz.engine import Trajectory

SAME_END = 1e-3  # gradient stops this close (relative) ended at the same critical point


def _kind(problem, t: Trajectory) -> str:
    """The kind alone, by the same rules as :func:`gdviz.verdicts.verdict` (without its words and
    zig-zags)."""
    with np.errstate(all="ignore"):
        bad = evidence.first_undefined(t.points, t.values, t.grad_norms)
        return find(problem, t, eigen_at(problem, t.points[-1]), bad).kind


def kinds(problem, trajectory: Trajectory) -> np.ndarray:
    """The verdict's kind for every run of a batch (a basin map's 40,000 starts), as strings.

    ``verdict(problem, trajectory.run(i)).kind`` for each run i, computed once per end point
    where the kind depends on nothing else: a run that stopped on ‖∇f‖ < tol along a path of
    numbers, of an f without poles, is ``converged`` or ``saddle`` by the shape of f around its
    end point alone (rule 3 of :mod:`gdviz.verdict_rules`), so runs ending at the same critical
    point share one verdict (the same point: within ``SAME_END`` · max(1, ‖θ‖), far below any
    basin's size, while gradient stops of one minimum scatter by about tol/λ). Every other run
    gets its own verdict.
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
    other run goes through rules 1–4 as :func:`gdviz.verdicts.verdict` does, without what the
    label does not need (the zig-zag test and the advice).

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
                found.append((run, escaped(run.values, "threshold", int(run.steps))))
                continue
            bad = None if clean[i] else evidence.first_undefined(run.points, run.values,
                                                                 run.grad_norms)  # fmt: skip
            found.append((run, find(problem, run, eigen_at(problem, run.points[-1]), bad)))
    return [(f.kind, messages.say(f.kind, f.cause, run_numbers(run, f))[0]) for run, f in found]


def _cut(t: Trajectory, i: int) -> Trajectory:
    """Run ``i`` cut at its stop step, without the message ``Trajectory.run`` writes."""
    n = int(t.steps[i])
    kept = (slice(n + 1), i)
    return replace(t, points=t.points[kept], values=t.values[kept],
                   grad_norms=t.grad_norms[kept], learning_rates=t.learning_rates[:n, i],
                   status=str(t.status[i]), steps=n, message="")  # fmt: skip
