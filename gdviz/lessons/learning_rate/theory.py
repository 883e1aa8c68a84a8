r"""The Learning-rate lab's core: what theory predicts where the runs go.

What each run did is the app's one verdict (:func:`gdviz.verdict`; its kinds and words:
:data:`gdviz.messages.KINDS`). This module finds the point the runs head for, reads the Hessian
there and says what it predicts, honestly: "at the minimum" only at a minimum (a saddle or a
maximum is named, with the signs of its eigenvalues), no condition number where the Hessian is
not positive definite, no 2/λmax limit without positive curvature.

On a quadratic with Hessian $H$, plain GD is monotone iff $\alpha < 1/\lambda_{max}$, oscillates
but converges for $1/\lambda_{max} < \alpha < 2/\lambda_{max}$ and diverges above. The lab's
sections live beside this module in :mod:`gdviz.lessons.learning_rate`: ``runs`` (side by side,
schedules, the 1-D parabola), ``sweep`` and ``basins``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.engine import descend
from gdviz.field import Window
from gdviz.lessons.common import matching_preset, objective, start_point, view_window
from gdviz.lessons.learning_rate.setup import LabSetup
from gdviz.messages import FORMULAS, condition
from gdviz.optimizers import OPTIMIZERS
from gdviz.parser import Objective
from gdviz.presets import Preset
from gdviz.theory import Curvature, curvature, is_quadratic, regime_1d, stability_limit
from gdviz.verdicts import verdict

GRAD_TOL = 1e-6  # a run has converged once ‖∇f‖ < GRAD_TOL


def preset_label(name: str) -> str:
    return name or "— my own function —"


def preset_of(setup: LabSetup) -> Preset | None:
    return matching_preset(setup.preset, setup.function)


def known_minima(setup: LabSetup) -> tuple:
    """The preset's minima (none for a function of one's own)."""
    preset = preset_of(setup)
    return preset.minima if preset else ()


def window_of(setup: LabSetup, problem: Objective) -> Window:
    """The preset's view, or a square around the origin that holds the start."""
    return view_window(problem, setup, preset_of(setup))


# --- theory where the runs go -----------------------------------------------------------------

SHAPES = {  # what the point theory reads is, in words
    "minimum": "the minimum",
    "saddle": "the saddle point",
    "maximum": "the maximum",
    "shoulder": "the flat shoulder",
    "plateau": "the plateau",
    "start": "the start",
}


@dataclass(frozen=True)
class Theory:
    """Curvature where the runs head for (a minimum, or what they stopped at), and the learning
    rates it predicts."""

    point: np.ndarray
    curvature: Curvature
    limit: float  # largest stable constant α for this optimizer (inf: none; NaN: adaptive)
    best: float  # 2/(λmin+λmax), plain GD at a minimum only (NaN otherwise)
    monotone: float  # 1/λmax: below it plain GD never overshoots (NaN otherwise)
    direction: np.ndarray | None  # top eigenvector of the Hessian: where overshoots show
    where: str
    exact: bool  # f is a quadratic: the predictions are exact
    f_star: float
    shape: str = "minimum"  # a key of SHAPES: what ``point`` is
    optimizer: str = "gd"

    @property
    def formula(self) -> str:
        """'2/λmax', '2(1+μ)/λmax', …: the optimizer's own stability limit."""
        return FORMULAS.get(self.optimizer, "2/λmax")

    def sentence(self, learning_rate: float | None = None) -> str:
        """What theory says here, plainly, with its caveat (and, in 1-D, the regime of
        ``learning_rate`` at the point reached)."""
        info = self.curvature
        if not np.all(np.isfinite(info.eigenvalues)):
            return "The Hessian is not finite here, so theory gives no learning-rate limit."
        text = f"Hessian {self.where}: λmax = {info.largest:.4g}"
        if len(info.eigenvalues) > 1:
            text += f", λmin = {info.smallest:.4g}; {condition(info.condition_number)}"
        adaptive = self.optimizer not in FORMULAS
        if self.shape != "minimum" or info.smallest <= 0:
            text += f". {_signs(info, self.shape)}"
            if not adaptive and info.largest > 0 and np.any(info.eigenvalues < 0):
                text += (f"; along the λmax direction steps still overshoot for α > "
                         f"{self.limit:.4g} ({self.formula})")  # fmt: skip
            return text + "." + (" " + ADAPTIVE if adaptive else "")
        if adaptive:
            return f"{text}. {ADAPTIVE}"
        text += f" → stable for α < {self.limit:.4g} ({self.formula})"
        if np.isfinite(self.best):
            text += f", fastest constant step α* = 2/(λmin+λmax) = {self.best:.4g}"
        caveat = (
            "exact here, since f is a quadratic"
            if self.exact
            else "a local estimate, since f is not a quadratic"
        )
        text = f"{text}. These are exact for quadratics — {caveat}."
        if learning_rate is not None and len(info.eigenvalues) == 1:
            product = learning_rate * info.largest
            regime = regime_1d(learning_rate, info.largest)
            text += f" Here α·f″ = {product:.3g}: {REGIMES[regime]}."
        return text


ADAPTIVE = "Adaptive methods rescale each step, so there is no 2/λmax limit."
REGIMES = {  # the 1-D regime of α at the point reached (theory.regime_1d), in a few words
    "stuck": "no step at all",
    "creeping": "a monotone creep (0 < αf″ < 1)",
    "optimal": "one step lands on it (αf″ = 1)",
    "oscillating": "it overshoots but converges (1 < αf″ < 2)",
    "cycling": "it bounces forever (αf″ = 2)",
    "diverging": "every overshoot grows (αf″ > 2)",
}


def _signs(info: Curvature, shape: str) -> str:
    """What the signs of the eigenvalues say about a point that is not a (strict) minimum (at
    the start, about the way f curves there: that point need not be critical)."""
    values = info.eigenvalues
    if shape == "start":
        if np.any(values < 0):
            return (
                "Some λ < 0: f curves down along a direction here, and GD can slide off "
                "that way for any α"
            )
        return "No λ > 0: f does not curve up here, so the Hessian predicts no α"
    if np.all(values < 0):
        return "All λ < 0: a maximum, f falls in every direction, so GD leaves it for any α"
    if np.any(values < 0):
        return "λ of both signs: a saddle, GD slides off along the λ < 0 direction for any α"
    if np.all(values == 0):
        return "All λ = 0: f is flat here (to second order), so the Hessian predicts no α"
    return "λmin = 0: a flat direction, along which the Hessian predicts nothing"


def find_minimum(problem, start: np.ndarray, known=()) -> tuple[np.ndarray, str, str]:
    """Where plain GD from ``start`` settles, over 25 step sizes in one batched run, judged by
    the app's one verdict: (point, words for it, its shape — a key of ``SHAPES``).

    The lowest end point with the verdict "converged" wins (snapped to a known minimum when it is
    one); else the lowest that stopped at a saddle, maximum, shoulder or plateau (named so);
    else the known minimum nearest the start, or the start itself.
    """
    rates = np.logspace(-5, 1, 25)
    runs = descend(
        problem,
        np.tile(start, (len(rates), 1)),
        OPTIMIZERS["gd"].make(rates),
        max_steps=2000,
        grad_tol=GRAD_TOL,
    )
    found = verdict(problem, runs)
    known = np.asarray(known, dtype=float).reshape(-1, len(start))
    with np.errstate(all="ignore"):
        finals = np.asarray(runs.values[-1], dtype=float)
    for kind in ("converged", "saddle"):
        done = [i for i, v in enumerate(found) if v.kind == kind and np.isfinite(finals[i])]
        if not done:
            continue
        chosen = done[int(np.argmin(finals[done]))]
        end = runs.final_point[chosen]
        shape = "minimum" if kind == "converged" else found[chosen].cause
        if len(known) and kind == "converged":
            distance = np.linalg.norm(known - end, axis=-1)
            if distance.min() < 1e-3 * (1 + np.linalg.norm(end)):
                end = known[np.argmin(distance)]
        return end, f"at {SHAPES[shape]} {point_text(end)} reached from the start", shape
    if len(known):
        nearest = known[np.argmin(np.linalg.norm(known - start, axis=-1))]
        return nearest, f"at the known minimum {point_text(nearest)}", "minimum"
    return np.asarray(start, dtype=float), "at the start (no minimum found from there)", "start"


def lowest(*groups) -> float:
    """The smallest finite value in any of ``groups`` (numbers or arrays; inf when there is
    none): the f* that gaps f − f* are measured from, so that they are never negative."""
    values = np.concatenate([np.ravel(np.asarray(group, dtype=float)) for group in groups])
    return float(np.min(values[np.isfinite(values)], initial=np.inf))


def point_text(point) -> str:
    """'(3, 2)': three significant digits, rounding noise below 1e-6 shown as 0."""
    values = np.where(np.abs(np.atleast_1d(point)) < 1e-6, 0.0, np.atleast_1d(point))
    return "(" + ", ".join(f"{v + 0.0:.3g}" for v in values) + ")"


def theory_for(problem, start, optimizer: str, momentum: float = 0.9, known=()) -> Theory:
    """The stability limit, the best constant step and the overshoot direction where the runs go."""
    point, where, shape = find_minimum(problem, np.asarray(start, dtype=float), known)
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
        f_star = float(problem.value(point))
    info = curvature(hessian)
    direction = None
    if np.all(np.isfinite(hessian)):
        direction = np.linalg.eigh((hessian + hessian.T) / 2)[1][:, -1]
    limit = stability_limit(hessian, optimizer, momentum)
    gd = optimizer == "gd" and info.largest > 0
    best = info.best_learning_rate if gd and shape == "minimum" else float("nan")
    monotone = 1 / info.largest if gd and shape == "minimum" else float("nan")
    return Theory(point, info, limit, best, monotone, direction, where, is_quadratic(problem),
                  f_star, shape, optimizer)  # fmt: skip


def theory(setup: LabSetup) -> Theory:
    problem = objective(setup.function)
    start = start_point(setup, problem.dimension)
    return theory_for(problem, start, setup.optimizer, setup.momentum, known_minima(setup))


def suggested_rates(info: Theory, optimizer: str) -> tuple[float, tuple[float, ...]]:
    """A sensible α and a spread of five that shows every region (from the stability limit)."""
    if np.isfinite(info.limit) and info.limit > 0:
        factors, single = (0.02, 0.3, 0.7, 0.95, 1.05), 0.45 * info.limit
        spread = tuple(float(f"{factor * info.limit:.3g}") for factor in factors)
        return float(f"{single:.3g}"), spread
    base = OPTIMIZERS[optimizer].default_learning_rate
    return base, tuple(float(f"{base * factor:.3g}") for factor in (0.01, 0.1, 1, 10, 100))
