"""The Data page's runs: batch GD, SGD and mini-batch on one problem with one budget.

Each variant runs through :func:`gdviz.engine.descend` (least squares with gd, momentum or
Nesterov goes through its linear scan: 2,000,000 SGD steps in about a second) and is thinned
for the browser: a kept history for the curves, table and CSV, and an animation on a shared
clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.datasets import Dataset
from gdviz.engine import Trajectory, descend
from gdviz.family import Family, rate_family
from gdviz.lessons.common import make_optimizer
from gdviz.lessons.data.setup import DataSetup
from gdviz.linear_scan import AFFINE_OPTIMIZERS
from gdviz.optimizers import OPTIMIZERS, Optimizer
from gdviz.problems import LeastSquares
from gdviz.schedules import make_schedule

MAX_RUN_STEPS = 2_000_000  # per variant through the scan: 20 epochs of SGD on 100,000 points
MAX_LOOP_STEPS = 50_000  # per variant through the engine's step loop (adaptive optimizers)
MAX_KEPT = 2_000  # points per variant that reach the browser


@dataclass(frozen=True)
class Variant:
    """One of the seed's three variants: how much data a step sees (figures give its colour)."""

    name: str
    label: str
    help: str


VARIANTS = (
    Variant(
        "batch",
        "Batch GD",
        "uses the entire data set for every step: the exact gradient, accurate but expensive "
        "(one step = one pass over all m rows).",
    ),
    Variant(
        "sgd",
        "SGD",
        "uses one random row per step: fast (m steps per epoch) but noisy.",
    ),
    Variant(
        "minibatch",
        "Mini-batch",
        "uses a small random subset of b rows per step: balances the cost of batch GD and "
        "the noise of SGD (m/b steps per epoch).",
    ),
)


@dataclass(frozen=True)
class Plan:
    """Rows per step and steps for each variant, the budget actually given, and why it differs."""

    sizes: dict[str, int]
    steps: dict[str, int]
    amount: float  # epochs (or steps) every variant gets
    notes: tuple[str, ...]


def plan(setup: DataSetup, m: int) -> Plan:
    """Give each variant the same budget: epochs $E$ mean $\\lceil E\\,m/b\\rceil$ steps of $b$
    rows (batch GD: $b = m$, one step per epoch), or the same number of steps for all.

    The budget is capped so that no variant needs more than ``MAX_RUN_STEPS`` steps (the
    linear scan) or ``MAX_LOOP_STEPS`` (adaptive optimizers, which run step by step).
    """
    size = min(int(setup.batch_size), max(1, m - 1))
    sizes = {"batch": m, "sgd": 1, "minibatch": size}
    notes = []
    if size < setup.batch_size:
        notes.append(
            f"Mini-batch size capped at m − 1 = {size}: with b = m every batch would be the "
            "whole data set, i.e. batch GD."
        )
    adaptive = setup.optimizer not in AFFINE_OPTIMIZERS
    cap = MAX_LOOP_STEPS if adaptive else MAX_RUN_STEPS
    requested = setup.steps if setup.budget == "steps" else setup.epochs
    amount = min(requested, cap if setup.budget == "steps" else cap / m)
    if setup.budget == "steps":
        steps = dict.fromkeys(sizes, int(amount))
    else:
        steps = {name: max(1, math.ceil(amount * m / rows - 1e-9)) for name, rows in sizes.items()}
    if amount < requested:
        unit = "steps" if setup.budget == "steps" else "epochs"
        why = (
            f"{OPTIMIZERS[setup.optimizer].display_name} is adaptive, so it runs step by step "
            f"(~20 µs a step) rather than by the fast linear scan"
            if adaptive
            else "to keep the page quick"
        )
        notes.append(
            f"Budget capped at {amount:,.4g} {unit} ({cap:,} SGD steps for m = {m:,}): {why}."
        )
    return Plan(sizes, steps, amount, tuple(notes))


def clocked_optimizer(setup: DataSetup, clock: float = 1.0) -> Optimizer:
    """The chosen optimizer; its schedule reads $\\alpha(k \\cdot$ ``clock``$)$, so with
    ``clock`` = b/m the schedule's k counts epochs and all variants decay on one timetable."""
    schedule = make_schedule(setup.schedule, setup.learning_rate, **setup.schedule_parameters)
    if setup.schedule != "constant" and clock != 1.0:
        base = schedule

        def schedule(step):
            return base(np.asarray(step, dtype=float) * clock)

    return make_optimizer(setup, schedule)


@dataclass(frozen=True)
class VariantRun:
    """One variant's run, thinned for the browser (the full path is not kept).

    ``history``: the run at ``history_steps`` (every step up to ``MAX_KEPT``, else log- and
    evenly-spaced steps), for loss curves, the table and the CSV. ``animation``: the run on the
    comparison's shared clock (one point per clock tick), for the animated figures. Both are
    :class:`Trajectory` values indexed by kept point, with the full run's status and message;
    both end with the run's true final point.
    """

    variant: Variant
    rows_per_step: int
    steps: int
    history: Trajectory
    history_steps: np.ndarray
    animation: Trajectory

    @property
    def label(self) -> str:
        return f"{self.variant.label} (b = {self.rows_per_step:,})"

    @property
    def samples(self) -> int:
        return self.steps * self.rows_per_step


@dataclass(frozen=True)
class Comparison:
    """The three variants on one problem, with the shared clock their animations follow."""

    problem: LeastSquares
    runs: tuple[VariantRun, ...]
    budget: str  # "epochs" or "steps": the unit of ``clock``
    clock: np.ndarray  # the budget spent at each animation tick, in that unit
    notes: tuple[str, ...]
    amount: float  # the budget each variant was given (mini-batches may end a little past it)


def batch_family(setup: DataSetup, problem: LeastSquares) -> Family:
    """Batch GD's Instant-α family on this data: every slider stop in one batched call, at
    most 2,000 steps each (the Hessian (2/m)·XᵀX is constant, so its limits are exact)."""
    steps = min(2_000, max(1, int(setup.steps if setup.budget == "steps" else setup.epochs)))
    start = [setup.start_0, setup.start_1]
    return rate_family(problem, start, setup.optimizer, setup.hyperparameters,
                       learning_rate=setup.learning_rate, max_steps=steps)  # fmt: skip


def run_variants(setup: DataSetup, dataset: Dataset) -> Comparison:
    """Batch GD, SGD and mini-batch with the same optimizer, α, schedule, start and budget."""
    problem = dataset.problem(setup.standardise)
    m = problem.n_samples
    chosen = plan(setup, m)
    start = np.array([setup.start_0, setup.start_1], dtype=float)
    full_runs = []
    for variant in VARIANTS:
        rows = chosen.sizes[variant.name]
        optimizer = clocked_optimizer(setup, rows / m if setup.budget == "epochs" else 1.0)
        trajectory = descend(
            problem,
            start,
            optimizer,
            max_steps=chosen.steps[variant.name],
            batch_size=None if variant.name == "batch" else rows,
            seed=setup.shuffle_seed,
        )
        full_runs.append((variant, rows, trajectory))
    # The shared clock: K + 1 ticks from 0 to the whole budget, in rows seen (or steps).
    unit = {name: rows if setup.budget == "epochs" else 1 for name, rows in chosen.sizes.items()}
    total = max(chosen.steps[name] * unit[name] for name in chosen.steps)
    ticks = np.arange(min(MAX_KEPT, max(chosen.steps.values())) + 1)
    runs = []
    for variant, rows, trajectory in full_runs:
        at_tick = np.minimum(ticks * total // (ticks[-1] * unit[variant.name]), trajectory.steps)
        kept = kept_steps(int(trajectory.steps))
        runs.append(
            VariantRun(
                variant,
                rows,
                int(trajectory.steps),
                resample(trajectory, kept),
                kept,
                resample(trajectory, at_tick),
            )
        )
    clock = ticks * total / ticks[-1] / (m if setup.budget == "epochs" else 1)
    return Comparison(problem, tuple(runs), setup.budget, clock, chosen.notes, chosen.amount)


def kept_steps(steps: int, most: int = MAX_KEPT) -> np.ndarray:
    """Every step 0 … ``steps`` if that is at most ``most`` of them, else half log-spaced
    (the fast start) and half evenly spaced, always with the first and the last."""
    if steps + 1 <= most:
        return np.arange(steps + 1)
    logarithmic = np.geomspace(1, steps, most // 2)
    even = np.linspace(0, steps, most // 2)
    return np.unique(np.concatenate([[0, steps], logarithmic, even]).round().astype(int))


def resample(trajectory: Trajectory, steps: np.ndarray) -> Trajectory:
    """The run at the given steps (repeats allowed), as a Trajectory indexed by kept point."""
    steps = np.minimum(steps, trajectory.steps)
    rates = np.append(trajectory.learning_rates, np.nan)[steps[:-1]]
    return Trajectory(
        trajectory.points[steps],
        trajectory.values[steps],
        trajectory.grad_norms[steps],
        rates,
        trajectory.status,
        len(steps) - 1,
        trajectory.message,
        trajectory.rules,
    )


def outcome(run: VariantRun) -> str:
    """A few words for the table: 'converged', 'diverged at step 12', 'budget used'."""
    status = str(run.history.status)
    if status == "diverged":
        return f"diverged at step {run.steps:,}"
    return "budget used (not converged)" if status == "max_steps" else "converged"


SUMMARY_COLUMNS = (
    "variant",
    "steps",
    "samples processed",
    "epochs",
    "θ₀",
    "θ₁",
    "J(θ)",
    "‖θ − θ*‖",
    "outcome",
)


def summary_table(comparison: Comparison) -> dict[str, list]:
    """One row per variant: final θ, loss, steps, rows seen and the distance to θ*."""
    problem, m = comparison.problem, comparison.problem.n_samples
    table: dict[str, list] = {key: [] for key in SUMMARY_COLUMNS}
    for run in comparison.runs:
        theta = run.history.final_point
        row = (
            run.label,
            run.steps,
            run.samples,
            run.samples / m,
            float(theta[0]),
            float(theta[1]),
            float(run.history.values[-1]),
            float(np.linalg.norm(theta - problem.solution)),
            outcome(run),
        )
        for key, value in zip(SUMMARY_COLUMNS, row, strict=True):
            table[key].append(value)
    return table


def trajectories_csv(comparison: Comparison) -> str:
    """Every kept step of every variant (all steps up to 2,000 per variant) as CSV text."""
    m = comparison.problem.n_samples
    lines = ["variant,step,samples,epoch,theta0,theta1,loss,grad_norm"]
    for run in comparison.runs:
        history = run.history
        for i, step in enumerate(run.history_steps):
            samples = int(step) * run.rows_per_step
            values = (samples / m, *history.points[i], history.values[i], history.grad_norms[i])
            numbers = ",".join(f"{value:.10g}" for value in values)
            lines.append(f"{run.variant.name},{int(step)},{samples},{numbers}")
    return "\n".join(lines) + "\n"
