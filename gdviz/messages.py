"""Every stop message a student reads, written in one place (scipy.optimize style).

'Converged: ‖∇f‖ < 1e-06 after 143 steps', 'Diverged at step 12: f exceeded 1e12. The learning
rate is too large for this function — try α < 0.094', … The divergence advice uses the local
stability limit from the Hessian at the start (see :mod:`gdviz.theory`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gdviz.optimizers import Optimizer
from gdviz.theory import stability_limit

if TYPE_CHECKING:
    from gdviz.engine import Trajectory


def describe(trajectory: Trajectory, problem=None, optimizer: Optimizer | None = None) -> str:
    """The one place where stop messages are written, e.g. 'Converged: ‖∇f‖ < 1e-06 after 143
    steps' or 'Diverged at step 12: f exceeded 1e+12. … try α < 0.094'."""
    rules, n, status = trajectory.rules, int(trajectory.steps), str(trajectory.status)
    step_word = "step" if n == 1 else "steps"
    if status == "converged_gradient":
        return f"Converged: ‖∇f‖ < {rules.grad_tol:g} after {n} {step_word}."
    if status == "converged_value":
        return f"Converged: |Δf| < {rules.value_tol:g} after {n} {step_word}."
    if status == "max_steps":
        grad_norm = trajectory.grad_norms[-1]
        if rules.grad_tol == 0 and rules.value_tol == 0:
            return (
                f"Ran all {n} {step_word}: both stopping tolerances are 0, so no convergence "
                f"rule can stop it. Now ‖∇f‖ = {grad_norm:.3g}."
            )
        return (
            f"Stopped at the step limit ({n} {step_word}) before converging: "
            f"‖∇f‖ = {grad_norm:.3g}. Allow more steps, or try a larger learning rate."
        )
    value, point = trajectory.values[-1], trajectory.points[-1]
    if np.all(np.isfinite(point)) and np.isnan(value):
        cause = "f is undefined there (NaN): the path left the function's domain"
    elif np.isfinite(value):
        cause = f"f exceeded {rules.divergence_threshold:g}".replace("e+", "e")
    elif value < 0:
        cause = "f went to −∞ (a singularity, or f is unbounded below)"
    else:
        cause = "f overflowed to infinity"
    if n == 0:
        return (
            f"Cannot start at θ₀ = {np.round(point, 4).tolist()}: {cause.split(':')[0]}. "
            "Choose another start."
        )
    return f"Diverged at step {n}: {cause}. {_advice(trajectory, problem, optimizer)}"


def _advice(trajectory: Trajectory, problem, optimizer: Optimizer | None) -> str:
    """Suggest a smaller learning rate, with the local stability limit where theory gives one."""
    rate = float(np.ravel(trajectory.learning_rates)[0]) if trajectory.steps else float("nan")
    limit = float("nan")
    if optimizer is not None and hasattr(problem, "hessian"):
        momentum = optimizer.hyperparameters.get("momentum", 0.0)
        with np.errstate(all="ignore"):
            hessian = problem.hessian(trajectory.points[0])
        limit = stability_limit(hessian, optimizer.name, momentum)
    if np.isfinite(limit) and limit < rate:
        return f"The learning rate is too large for this function — try α < {limit:.3g}."
    return f"The steps are too large here — try a smaller learning rate (e.g. α = {rate / 10:.3g})."
