"""What the Data page says: its formulas, what the Hessian tells, why batch GD ended where it
did, and the help and captions around the widgets and figures."""

from __future__ import annotations

import math

import numpy as np

from gdviz.datasets import Dataset
from gdviz.formatting import number, steps
from gdviz.lessons.data.runs import MAX_KEPT, VARIANTS, Comparison
from gdviz.lessons.data.setup import DataSetup
from gdviz.messages import condition, rate_against_limit
from gdviz.problems import LeastSquares
from gdviz.theory import curvature, stability_limit

VARIANTS_HELP = "\n".join(f"- **{v.label}** {v.help}" for v in VARIANTS) + (
    "\n\nSampling: *random reshuffling*: each epoch visits every row once, in a fresh random "
    "order. One **epoch** = m rows seen. With a constant α, SGD never settles exactly: at θ* "
    "the full gradient is zero but a single row's is not, so every step still kicks θ by "
    "about α·‖∇J_i‖. A decaying schedule (e.g. inverse time) lets it settle."
)
BUDGET_HELP = (
    "Same epochs is the fair race: every variant sees the same amount of data (the same "
    "work), so batch GD takes m times fewer steps than SGD. Same steps gives each the same "
    "number of updates, and batch GD then does m times more work."
)
CSV_HELP = (
    "A table with a header row (or none), separated by commas, semicolons or tabs, in UTF-8. "
    "Rows are counted as in a spreadsheet: the header is row 1. Use a point for decimals."
)
STANDARDISE_HELP = (
    "Fit on x' = (x − mean)/std instead of x. Then (1/m)XᵀX = I: the loss valley becomes "
    "round (condition number 1) and one learning rate suits both θ₀ and θ₁. The data plot "
    "stays in the original units."
)
SHARE_CAPTION = (
    "This page's address holds all the settings in the sidebar: copy it to share them (an "
    "uploaded file is not included). The CSV has every step up to 2,000 per variant, else "
    "2,000 of them (log- and evenly spaced)."
)
SHUFFLE_HELP = (
    "Seeds the random reshuffling of the rows each epoch: the same seed gives the same "
    "batches, so the same paths."
)
LOSS_CAPTION = (
    "Excess loss J(θ) − J(θ*) on the full data, log scale (0 would be the exact solution). "
    "Left: per step, where SGD looks bad, since each of its steps sees one row. Right: per "
    "epoch, i.e. per unit of work, where SGD's many cheap steps usually win early on and its "
    "noise floor (constant α) shows later. Curves are thinned to at most 2,000 points."
)


def model_latex(standardise: bool) -> tuple[str, str]:
    """The model and loss, and the gradient (full data and on a batch), as shown on the page."""
    x = "x'_i" if standardise else "x_i"
    loss = (
        r"\hat y = \theta_0 + \theta_1 X,\qquad "
        r"J(\theta) = \frac{1}{m}\sum_{i=1}^{m}\left(\theta_0 + \theta_1 X_i - y_i\right)^2"
    )
    gradient = (
        r"\nabla J(\theta) = \frac{2}{m}\sum_{i=1}^{m}\left(\theta_0 + \theta_1 X_i - y_i\right)"
        r"\begin{pmatrix}1\\ X_i\end{pmatrix},\qquad \nabla J_B(\theta) = \frac{2}{b}"
        r"\sum_{i\in B}\left(\theta_0 + \theta_1 X_i - y_i\right)\begin{pmatrix}1\\ X_i"
        r"\end{pmatrix}"
    )
    return loss.replace("X_i", x).replace("X", x[:-2]), gradient.replace("X_i", x)


def conditioning_note(problem: LeastSquares, setup: DataSetup) -> str:
    """What the Hessian says: eigenvalues, condition number, the largest stable α."""
    info = curvature(problem.hessian())
    limit = stability_limit(problem.hessian(), setup.optimizer, setup.momentum)
    text = (
        f"Hessian ∇²J = (2/m)·XᵀX: eigenvalues λmin = {info.smallest:.4g}, λmax = "
        f"{info.largest:.4g}, {_kappa(info.condition_number)}"
    )
    if math.isfinite(limit):
        verdict = rate_against_limit(setup.learning_rate, limit)  # "at the limit" is not stable
        text += f"; batch steps are stable for α < {limit:.3g} (α = {setup.learning_rate:g}: "
        text += f"{verdict})"
    if setup.standardise:
        return text + ". With x standardised, (1/m)XᵀX = I: the contours are circles."
    if info.condition_number > 10:
        return text + ". The valley is long and thin; try **standardise x** to make it round."
    return text + "."


def _kappa(kappa: float) -> str:
    """'condition number κ = λmax/λmin ≈ 169', or why there is none (never 'κ = inf')."""
    text = condition(kappa)
    return f"condition number κ = λmax/λmin ≈ {number(kappa)}" if text.startswith("κ") else text


def batch_story(comparison: Comparison, setup: DataSetup) -> str:
    """Why batch GD ended where it did, in numbers, from the core verdict on its full run (the
    seed's lesson for the default setup)."""
    run = comparison.runs[0]
    problem, theta, found = comparison.problem, run.history.final_point, run.verdict
    info = curvature(problem.hessian())
    exact = ", ".join(f"{v:.4f}" for v in problem.solution)
    shown = ", ".join(f"{v:.8f}" if abs(v) < 1e4 else f"{v:.6g}" for v in theta)
    head = (
        f"**Batch GD after {steps(run.steps)}: θ = [{shown}]**; "
        f"the exact least-squares solution is θ* = [{exact}]. "
    )
    if found.kind != "too_slow":
        return head + found.text
    head += "It has **not converged yet**. "
    if setup.optimizer != "gd" or setup.schedule != "constant":
        return head + (found.advice or "Allow more epochs.")
    start = run.history.points[0]
    before = float(np.linalg.norm(start - problem.solution))
    after = float(np.linalg.norm(theta - problem.solution))
    share = f"{number(100 * after / before)} %" if before > 0 else "none"
    factor = 1 - setup.learning_rate * info.smallest
    story = head + (
        f"Why: the Hessian's eigenvalues are λmin = {info.smallest:.4g} and λmax = "
        f"{info.largest:.4g}, so the valley is κ ≈ {info.condition_number:.0f} times more curved "
        f"across than along its floor. α must stay below 2/λmax ≈ {info.stability_limit:.3g} "
        "or the steep direction overshoots and diverges, yet along the floor each step only "
        f"multiplies the remaining error by 1 − αλmin = {factor:.5f}: after {steps(run.steps)} "
        f"θ is still {share} of its starting distance from θ*"
    )
    if 0 < abs(factor) < 1:
        more = math.log(1e-3) / math.log(abs(factor))
        story += f", and shrinking the error 1000-fold takes ≈ {more:,.0f} steps"
    return story + ". Standardising x makes κ = 1."


def figure_caption(comparison: Comparison, dataset: Dataset) -> str:
    """What the animated figure shows, and what was left out of it."""
    text = (
        "Left: θ-space. Colour is the full-data loss J(θ) from low (dark blue) to high (cream); "
        "the white star is the exact least-squares θ*, the arrow −∇J. Right: the data with "
        "each variant's current line θ₀ + θ₁x (dashed: the least-squares line). ▶ Play moves "
        "both; all variants advance by the same "
        + ("amount of data" if comparison.budget == "epochs" else "number of steps")
        + " per frame."
    )
    if dataset.size > 2000:
        text += f" The scatter shows a random 2,000 of the {dataset.size:,} points."
    if any(run.steps + 1 > MAX_KEPT for run in comparison.runs):
        text += f" Paths are drawn from at most {MAX_KEPT:,} points each."
    return text
