r"""A family of runs: every learning rate an α slider can show, computed in ONE batched call.

Dragging α across the stability limit and watching the path creep, zig-zag, then fly apart is
how learning-rate intuition is built. A server round trip per α change is too slow for that
(0.4–0.55 s); the batched engine makes the alternative cheap: one :func:`~gdviz.engine.descend`
call with ``start`` tiled ``(k, d)`` and the learning rate an array ``(k,)`` runs all k rates,
and the browser then only switches between them (:mod:`gdviz.figures.instant_rate`).

The rates (:func:`rate_grid`) are log-spaced from ``min(1e-3, high/1000)`` to
``high = max(4/λmax, 2 × limit)``, plus a denser cluster within ×/÷ 1.3 of each theory mark,
where the behaviour changes fastest: 2/λmax for gradient descent, 2(1+μ)/λmax for heavy-ball
momentum, 2(1+μ)/((1+2μ)λmax) for Nesterov (:func:`gdviz.theory.stability_limit`). Momentum and
Nesterov also mark plain GD's 2/λmax, so the student sees how far momentum moves the limit.
Adaptive methods (AdaGrad, RMSProp, Adam) rescale every step, so no 2/λ limit exists for them:
their rates span 1e-3 … 10 evenly in log α and nothing is marked.

λmax is the largest eigenvalue of the Hessian at ``hessian_at`` (default: the start). It is
exact for quadratics and least squares (constant Hessian); for other functions pass the point
the runs head for (the Learning-rate lab's ``Theory.point``): the limits are local estimates.

>>> from gdviz import parse_objective
>>> family = rate_family(parse_objective("x^2 + 10y^2"), [2.0, 1.0], "gd", max_steps=200)
>>> len(family.rates), family.marks[0].label, round(family.marks[0].value, 4)
(48, '2/λmax', 0.1)
>>> words = labels(family, parse_objective("x^2 + 10y^2"))
>>> words[0], words[-1]
(('too_slow', 'still descending after 200 steps'), ('diverging', 'diverging from step 1'))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gdviz import verdict_batches
from gdviz.engine import Trajectory, descend
from gdviz.optimizers import OPTIMIZERS
from gdviz.theory import curvature, stability_limit

LOW = 1e-3  # the smallest rate shown (lower still when 4/λmax is tiny)
BASE_RATES = 36  # log-spaced over the whole range
DENSE_RATES = 12  # extra rates around each mark, within ×/÷ DENSE_SPAN
DENSE_SPAN = 1.3
ADAPTIVE_RANGE = (1e-3, 10.0)


@dataclass(frozen=True)
class Mark:
    """A learning rate theory singles out, as the slider shows it."""

    label: str  # "2/λmax", "2(1+μ)/λmax", …
    value: float
    note: str  # "stability limit", "plain GD's limit"


@dataclass(frozen=True)
class Family:
    """Runs of one optimizer from one start at every rate in ``rates`` (ascending).

    ``trajectory`` is the batched result: ``points (n+1, k, d)``, ``status``/``steps (k,)``;
    ``trajectory.run(i)`` is the run at ``rates[i]``. ``marks`` are what theory predicts
    (first: this optimizer's limit; empty for adaptive methods), ``initial`` the index of the
    rate nearest the one asked for.
    """

    rates: np.ndarray
    trajectory: Trajectory
    marks: tuple[Mark, ...]
    lambda_max: float
    optimizer: str
    hyperparameters: dict = field(default_factory=dict)
    start: np.ndarray = field(default_factory=lambda: np.zeros(1))
    initial: int = 0

    def run(self, i: int) -> Trajectory:
        return self.trajectory.run(i)


def theory_marks(hessian: np.ndarray, optimizer: str, momentum: float = 0.9) -> tuple[Mark, ...]:
    """This optimizer's stability limit and, for momentum methods, plain GD's 2/λmax.

    >>> [(m.label, round(m.value, 3)) for m in theory_marks([[20.0]], "momentum", 0.9)]
    [('2(1+μ)/λmax', 0.19), ('2/λmax', 0.1)]
    >>> theory_marks([[20.0]], "adam")
    ()
    """
    gd = stability_limit(hessian, "gd")
    if not np.isfinite(gd):
        return ()
    if optimizer == "gd":
        return (Mark("2/λmax", gd, "stability limit"),)
    names = {"momentum": "2(1+μ)/λmax", "nesterov": "2(1+μ)/((1+2μ)λmax)"}
    if optimizer not in names:
        return ()
    limit = stability_limit(hessian, optimizer, momentum)
    return (
        Mark(names[optimizer], limit, "stability limit"),
        Mark("2/λmax", gd, "plain GD's limit"),
    )


def rate_grid(marks: tuple[Mark, ...], lambda_max: float, extra=()) -> np.ndarray:
    """Ascending, distinct rates: log-spaced over the range plus a cluster near each mark.

    >>> grid = rate_grid((Mark("2/λmax", 0.1, ""),), 20.0)
    >>> len(grid), round(float(grid[0]), 6), round(float(grid[-1]), 3)
    (48, 0.0002, 0.2)
    >>> near = np.abs(np.log(grid / 0.1)) <= np.log(1.3) + 1e-9  # 12 dense + 2 of the base
    >>> int(near.sum()), [round(float(r), 4) for r in grid[(grid > 0.095) & (grid < 0.105)]]
    (14, [0.0976, 0.1024])
    """
    if marks and np.isfinite(lambda_max) and lambda_max > 0:
        high = max(4.0 / lambda_max, 2.0 * max(mark.value for mark in marks))
        low = min(LOW, high / 1000)
    else:
        low, high = ADAPTIVE_RANGE
    base = np.logspace(np.log10(low), np.log10(high), BASE_RATES)
    dense = [
        np.logspace(np.log10(m.value / DENSE_SPAN), np.log10(m.value * DENSE_SPAN), DENSE_RATES)
        for m in marks
    ]
    extra = np.ravel(np.asarray(extra, dtype=float))
    extra = extra[np.isfinite(extra) & (extra > 0)]
    rates = np.concatenate([base, *dense])
    for rate in extra:  # the asked rate replaces any stop within 1 % of it
        rates = rates[np.abs(np.log(rates / rate)) > 0.01]
    rates = np.sort(np.concatenate([rates, extra]))
    kept = [rates[0]]
    for rate in rates[1:]:  # stops closer than 0.4 % (overlapping clusters) are one stop
        if np.log(rate / kept[-1]) > 0.004:
            kept.append(rate)
        elif rate in extra:
            kept[-1] = rate
    return np.array(kept)


def rate_family(
    problem,
    start,
    optimizer: str,
    hyperparameters: dict | None = None,
    *,
    learning_rate: float | None = None,
    hessian_at=None,
    schedule: Callable | None = None,
    max_steps: int = 1000,
    grad_tol: float = 1e-6,
    value_tol: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
) -> Family:
    """Run ``optimizer`` from ``start`` at every rate of :func:`rate_grid`, in one batched call.

    ``learning_rate`` (the page's current α) joins the grid and becomes ``initial``.
    ``schedule(rates)`` turns the rate array into a schedule (e.g. ``partial(make_schedule,
    "step", step_size=50)``); the limits assume a constant α. ``batch_size``/``seed`` as in
    :func:`~gdviz.engine.descend` (all runs see the same batches).
    """
    spec = OPTIMIZERS[optimizer]
    chosen = {h.name: h.default for h in spec.hyperparameters}  # the registry's defaults …
    chosen |= {k: float(v) for k, v in (hyperparameters or {}).items() if k in chosen}  # … or yours
    start = np.asarray(start, dtype=float).reshape(-1)
    with np.errstate(all="ignore"):
        point = start if hessian_at is None else np.asarray(hessian_at, dtype=float)
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
    lambda_max = curvature(hessian).largest
    marks = theory_marks(hessian, optimizer, chosen.get("momentum", 0.0))
    extra = () if learning_rate is None else (learning_rate,)
    rates = rate_grid(marks, lambda_max, extra)
    made = spec.make(schedule(rates) if schedule else rates, **chosen)
    trajectory = descend(
        problem,
        np.tile(start, (len(rates), 1)),
        made,
        max_steps=max_steps,
        grad_tol=grad_tol,
        value_tol=value_tol,
        batch_size=batch_size,
        seed=seed,
    )
    asked = learning_rate if learning_rate is not None else np.sqrt(rates[0] * rates[-1])
    initial = int(np.argmin(np.abs(np.log(rates) - np.log(asked))))
    return Family(rates, trajectory, marks, lambda_max, optimizer, chosen, start, initial)


def labels(family: Family, problem) -> list[tuple[str, str]]:
    """``(kind, label)`` of every member, in rate order: the verdict on each run
    (:func:`gdviz.verdict_batches.labels`, the same words as ``verdict(problem,
    family.run(i))``), the one place the view's words come from."""
    return verdict_batches.labels(problem, family.trajectory)
