"""What would help a run, in words from :data:`gdviz.messages.ADVICE`.

Where no learning rate can help (f undefined at the start, no minimum that way, a saddle, a
rate that fell to 0) the advice says what can. Where one can, it comes from the curvature
(:mod:`gdviz.theory`): the Hessian's eigenvalues at the point that matters (where f was lowest,
for a divergence or a cycle; the end point otherwise) give this optimizer's stability limit
(GD 2/λmax, heavy ball 2(1+μ)/λmax, Nesterov 2(1+μ)/((1+2μ)λmax); adaptive methods have none)
and, for GD, the fastest constant step α* = 2/(λmin+λmax). These are exact for a quadratic and
called a local estimate otherwise. A larger α is never suggested for a run that diverges or
cycles, nor for GD already above α* (the fast direction then decides, and it overshoots).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gdviz.evidence import WINDOW
from gdviz.formatting import number, point
from gdviz.messages import BEST_CLAUSE, EXACT, FORMULAS, LOCAL, Lazy, advise
from gdviz.optimizers import OPTIMIZERS
from gdviz.theory import eigen_at, is_quadratic, limit_for

if TYPE_CHECKING:
    from gdviz.engine import Trajectory

ADAPTIVE = ("adagrad", "rmsprop", "adam")


def advice(problem, t: Trajectory, found, oscillating: bool, eigen_end=None) -> str:
    """What would help the run ``t`` whose verdict is ``found`` (kind, cause, onset, downhill).
    Where no learning rate can (undefined, unbounded, saddle, stalled) it says what can; never a
    larger α for a run that diverges, cycles or overshoots; a limit from the curvature where
    theory gives one. ``eigen_end``: the Hessian's eigenpairs at the end point, if known."""
    kind, cause = found.kind, found.cause
    if kind == "converged":
        return ""
    if kind in ("undefined", "saddle"):
        return advise(cause, {"downhill": found.downhill or "any side"})
    if kind in ("unbounded", "stalled"):
        return advise(kind)
    if cause in ("value_rule", "no_steps"):
        return advise("stopped_early" if cause == "value_rule" else "no_steps")
    theory = _theory(problem, t, _where(t, kind, found.onset), eigen_end)
    return advise(_advice_key(kind, t.optimizer, theory, oscillating), theory)


def _advice_key(kind: str, optimizer: str, theory: dict, oscillating: bool) -> str:
    rate, limit, best = theory["rate_value"], theory["limit_value"], theory["best_value"]
    if kind == "diverging":
        if optimizer in ADAPTIVE:
            return "smaller_adaptive"
        return "smaller_limit" if np.isfinite(limit) and rate >= limit * (1 - 1e-9) else "smaller"
    if kind == "cycling":
        if not (np.isfinite(limit) and rate >= 0.9 * limit):
            return "cycling"
        return "cycling_above" if rate > 1.01 * limit else "cycling_limit"
    if np.isfinite(best):  # plain GD with a minimum's curvature: the slower mode decides
        return (
            "larger" if rate < 0.99 * best else "overshoot" if rate > 1.01 * best else "conditioned"
        )
    if oscillating:
        return "overshoot"
    return "larger_below" if np.isfinite(limit) and optimizer != "gd" else "larger_plain"


def _where(t: Trajectory, kind: str, onset: int | None) -> int:
    """The step whose curvature matters: where f was lowest before a divergence (where it
    began), the lowest point of a cycle's tail (the bottom it bounces around; its end point is
    wherever the bounce happened to stop), the end point otherwise."""
    if onset:
        return max(onset - 1, 0)
    n = len(t.points) - 1
    if kind == "cycling":
        first = n - min(n, max(2, n // 2), WINDOW)
        return first + int(np.nanargmin(t.values[first:]))
    return n


def _theory(problem, t: Trajectory, at: int, eigen_end=None) -> dict:
    """Stability limit, best constant step and condition number at step ``at``."""
    where = t.points[at]
    rates = np.asarray(t.learning_rates, dtype=float)
    rate = float(rates[min(at, len(rates) - 1)]) if len(rates) else float("nan")
    settings = dict(t.hyperparameters)
    eigen = eigen_end if at == len(t.points) - 1 and eigen_end is not None else None
    eigen = eigen if eigen is not None else eigen_at(problem, where)
    limit, best, kappa = float("nan"), float("nan"), float("nan")
    if eigen is not None and eigen[0][-1] > 0:
        low, high = float(eigen[0][0]), float(eigen[0][-1])
        limit = limit_for(high, t.optimizer, settings.get("momentum", 0.0))
        if t.optimizer == "gd" and low > 0:
            best, kappa = 2.0 / (low + high), high / low

    def clause() -> str:
        return BEST_CLAUSE.format(best=number(best)) if np.isfinite(best) and best < rate else ""

    spec = OPTIMIZERS.get(t.optimizer)
    return Lazy(
        rate_value=rate,
        limit_value=limit,
        best_value=best,
        limit=lambda: number(limit),
        best=lambda: number(best),
        kappa=lambda: number(kappa),
        tenth=lambda: number(rate / 10),
        formula=FORMULAS.get(t.optimizer, "2/λmax"),
        exactness=lambda: EXACT if is_quadratic(problem) else LOCAL.format(where=point(where)),
        best_clause=clause,
        optimizer=spec.display_name if spec else t.optimizer,
    )
