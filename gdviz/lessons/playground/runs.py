"""From a Playground :class:`~gdviz.lessons.playground.setup.Setup` to the runs it draws."""

from __future__ import annotations

import numpy as np

from gdviz.engine import Trajectory, descend
from gdviz.formatting import point
from gdviz.lessons.common import Run, make_optimizer, start_point
from gdviz.lessons.playground.setup import Setup
from gdviz.messages import condition, rate_against_limit
from gdviz.optimizers import OPTIMIZERS, Optimizer
from gdviz.presets import Preset
from gdviz.schedules import make_schedule
from gdviz.theory import curvature, stability_limit
from gdviz.verdicts import verdict

COMPARE_LABELS = {
    "single": "One run",
    "optimizers": "Several optimizers",
    "learning_rates": "Several learning rates",
}


def learning_rate_hint(objective, setup: Setup, preset: Preset | None, reached=None) -> str:
    """What theory says about α here: the stability limit from the Hessian (local estimate) at
    the minimum the run ``reached`` (its verdict "converged"), else the preset's first minimum,
    else the start."""
    if setup.optimizer not in ("gd", "momentum", "nesterov"):
        return (
            "Adaptive methods rescale every coordinate, so α is roughly the largest step "
            "per coordinate; there is no simple 2/λ limit."
        )
    if reached is not None:
        where, place = np.array(reached, dtype=float), "at the minimum reached"
    elif preset and preset.minima:
        where, place = np.array(preset.minima[0], dtype=float), "at the minimum"
    else:
        where, place = np.array(start_point(setup, objective.dimension), dtype=float), ""
    hessian = objective.hessian(where)
    limit = stability_limit(hessian, setup.optimizer, setup.momentum)
    if not np.isfinite(limit):
        return "No positive curvature here, so theory gives no learning-rate limit at this point."
    info = curvature(hessian)
    place = f"{place} {point(where)}" if place else "at the start"
    kappa = f", {condition(info.condition_number)}" if objective.dimension == 2 else ""
    verdict = rate_against_limit(setup.learning_rate, limit)  # "exactly at the limit" ≠ "stable"
    return (
        f"Theory {place} (λmax = {info.largest:.4g}{kappa}): steps diverge for α > "
        f"{limit:.4g}; α = {setup.learning_rate:g} is {verdict}. Exact for quadratics, a "
        "local estimate otherwise."
    )


def schedule_of(setup: Setup, learning_rate):
    """The setup's schedule around ``learning_rate`` (a number, or one per run)."""
    return make_schedule(setup.schedule, learning_rate, **setup.schedule_parameters)


def optimizer_of(setup: Setup, index: int) -> Optimizer:
    """The optimizer run ``index`` of :func:`run_setup` uses, on its own (one learning rate):
    what :mod:`gdviz.step_state` replays to show the state inside its steps."""
    if setup.compare == "learning_rates":
        return make_optimizer(setup, schedule_of(setup, float(setup.compare_rates[index])))
    name = setup.compare_optimizers[index] if setup.compare == "optimizers" else None
    return make_optimizer(setup, schedule_of(setup, setup.learning_rate), name)


def run_setup(setup: Setup, objective) -> list[Run]:
    """Run what the setup asks for: one run, several optimizers, or several learning rates."""
    start = start_point(setup, objective.dimension)
    rules = {"max_steps": setup.max_steps, "grad_tol": setup.grad_tol, "value_tol": setup.value_tol}
    if setup.compare == "learning_rates":
        rates = np.array(setup.compare_rates, dtype=float)
        optimizer = make_optimizer(setup, schedule_of(setup, rates))
        batch = descend(objective, np.tile(start, (len(rates), 1)), optimizer, **rules)
        name = OPTIMIZERS[setup.optimizer].display_name
        runs = [(f"{name} · α = {rate:g}", batch.run(i, objective)) for i, rate in enumerate(rates)]
    elif setup.compare == "optimizers":
        runs = [
            (OPTIMIZERS[name].display_name, descend(objective, start, optimizer, **rules))
            for name, optimizer in (
                (name, optimizer_of(setup, i)) for i, name in enumerate(setup.compare_optimizers)
            )
        ]
    else:
        trajectory = descend(objective, start, optimizer_of(setup, 0), **rules)
        name = OPTIMIZERS[setup.optimizer].display_name
        runs = [(f"{name} · α = {setup.learning_rate:g}", trajectory)]
    judged = [(label, t, verdict(objective, t)) for label, t in runs]
    return [Run(f"{label} — {found.label}", t, found) for label, t, found in judged]


def trajectory_table(trajectory: Trajectory, gradient) -> dict[str, np.ndarray]:
    """Every step as columns: step, θ coordinates, f, ∇f components, ‖∇f‖, α used."""
    points = trajectory.points
    names = ("x", "y")[: points.shape[1]]
    with np.errstate(all="ignore"):
        grads = np.asarray(gradient(points), dtype=float)
    rates = np.append(trajectory.learning_rates, np.nan)
    table = {"step": np.arange(len(points))}
    table |= {name: points[:, i] for i, name in enumerate(names)}
    table["f"] = trajectory.values
    table |= {f"df/d{name}": grads[:, i] for i, name in enumerate(names)}
    table["|grad f|"] = trajectory.grad_norms
    table["learning rate"] = rates
    return table
