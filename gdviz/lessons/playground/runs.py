"""From a Playground :class:`~gdviz.lessons.playground.setup.Setup` to the runs it draws."""

from __future__ import annotations

import io

import numpy as np

from gdviz.engine import Trajectory, descend
from gdviz.lessons.common import Run, make_optimizer, start_point
from gdviz.lessons.playground.setup import Setup
from gdviz.messages import condition, point, rate_against_limit
from gdviz.optimizers import OPTIMIZERS
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
        schedule = schedule_of(setup, setup.learning_rate)
        runs = [
            (
                OPTIMIZERS[name].display_name,
                descend(objective, start, make_optimizer(setup, schedule, name), **rules),
            )
            for name in setup.compare_optimizers
        ]
    else:
        optimizer = make_optimizer(setup, schedule_of(setup, setup.learning_rate))
        trajectory = descend(objective, start, optimizer, **rules)
        runs = [
            (
                f"{OPTIMIZERS[setup.optimizer].display_name} · α = {setup.learning_rate:g}",
                trajectory,
            )
        ]
    return [Run(f"{label} — {verdict(objective, t).label}", t) for label, t in runs]


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


def runs_csv(runs: list[Run], gradient) -> str:
    """All runs' steps as one CSV (a 'run' column tells them apart)."""
    out = io.StringIO()
    for index, run in enumerate(runs):
        table = trajectory_table(run.trajectory, gradient)
        if index == 0:
            out.write("run," + ",".join(table) + "\n")
        label = run.label.replace('"', "'")
        for row in zip(*table.values(), strict=True):
            out.write(f'"{label}",' + ",".join(f"{value:.10g}" for value in row) + "\n")
    return out.getvalue()


def step_latex(trajectory: Trajectory, gradient, step: int, optimizer: str) -> str:
    """θₖ₊₁ = θₖ − α∇J(θₖ) with this step's numbers plugged in (the actual update otherwise)."""
    step = int(np.clip(step, 0, max(int(trajectory.steps) - 1, 0)))
    here, after = trajectory.points[step], trajectory.points[min(step + 1, int(trajectory.steps))]
    with np.errstate(all="ignore"):
        grad = np.asarray(gradient(here), dtype=float)
    rate = float(trajectory.learning_rates[step]) if trajectory.steps else float("nan")

    def vector(values) -> str:
        return (
            r"\begin{pmatrix}"
            + r"\\".join(f"{v:.5g}" for v in np.atleast_1d(values))
            + r"\end{pmatrix}"
        )

    k, k1 = f"\\theta_{{{step}}}", f"\\theta_{{{step + 1}}}"
    if optimizer == "gd":
        return (
            f"{k1} = {k} - \\alpha_{{{step}}}\\,\\nabla J({k}) = {vector(here)} - {rate:.4g}"
            f"\\cdot {vector(grad)} = {vector(after)}"
        )
    return (
        f"{k1} = {k} + \\Delta_{{{step}}} = {vector(here)} + {vector(after - here)} = "
        f"{vector(after)}, \\quad \\nabla J({k}) = {vector(grad)},"
        f"\\ \\alpha_{{{step}}} = {rate:.4g}"
    )
