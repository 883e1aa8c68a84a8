"""The Data page's setup (its URL round trip and limits) and the runs it asks for.

Every field has a short query-parameter name and bounds. ``decode`` treats the URL as
untrusted: it never raises, keeps what is valid and returns one message per rejected value.
An uploaded file is not part of a link (the page asks for it again).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from gdviz.datasets import MAX_ROWS, Dataset
from gdviz.engine import Trajectory
from gdviz.linear_scan import AFFINE_OPTIMIZERS, descend_fast
from gdviz.optimizers import OPTIMIZERS, Optimizer
from gdviz.problems import LeastSquares
from gdviz.schedules import SCHEDULES, make_schedule
from gdviz.theory import curvature, stability_limit

SOURCES = {
    "seed": "The seed's example (3 points)",
    "generated": "Generated: y = a + b·x + noise",
    "upload": "My own CSV file",
}
BUDGETS = {"epochs": "Same epochs (data seen)", "steps": "Same number of steps"}
SOURCE_EPOCHS = {"seed": 1000.0, "generated": 20.0, "upload": 20.0}  # seed: 1,000 batch steps
MAX_EPOCHS = 10_000
MAX_STEPS_INPUT = 200_000
# Schedules count epochs here (steps in same-steps mode), so their defaults are per epoch.
SCHEDULE_DEFAULTS = {
    "step_decay": {"step_size": 5, "gamma": 0.5},
    "exponential": {"gamma": 0.8},
    "inverse_time": {"decay": 0.5},
    "cosine": {"total_steps": 20, "min_learning_rate": 0.0},
}


@dataclass(frozen=True)
class DataSetup:
    """Everything the Data page needs to reproduce its runs (widget keys: ``data_`` + field)."""

    source: str = "seed"
    n: int = 1000
    intercept: float = 1.0
    slope: float = 2.0
    noise: float = 1.0
    x_min: float = 0.0
    x_max: float = 10.0
    data_seed: int = 0
    standardise: bool = False
    optimizer: str = "gd"
    learning_rate: float = 0.01
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    schedule: str = "constant"
    step_size: int = 5
    gamma: float = 0.5
    decay: float = 0.5
    total_steps: int = 20
    min_learning_rate: float = 0.0
    batch_size: int = 32
    budget: str = "epochs"
    epochs: float = SOURCE_EPOCHS["seed"]
    steps: int = 1000
    shuffle_seed: int = 0
    start_0: float = 0.0
    start_1: float = 0.0

    @property
    def hyperparameters(self) -> dict[str, float]:
        names = ("momentum", "beta1", "beta2", "alpha", "eps")
        return {name: getattr(self, name) for name in names}

    @property
    def schedule_parameters(self) -> dict[str, float]:
        names = ("step_size", "gamma", "decay", "total_steps", "min_learning_rate")
        return {name: getattr(self, name) for name in names}


def defaults(source: str = "seed") -> DataSetup:
    """The default setup for a data source (the step budget depends on it)."""
    return replace(DataSetup(), source=source, epochs=SOURCE_EPOCHS[source])


# field -> (query name, lower, upper) for numbers; choices and flags below.
_NUMBERS = {
    "n": ("n", 2, MAX_ROWS),
    "intercept": ("a", -1e6, 1e6),
    "slope": ("b", -1e6, 1e6),
    "noise": ("noise", 0.0, 1e6),
    "x_min": ("xmin", -1e6, 1e6),
    "x_max": ("xmax", -1e6, 1e6),
    "data_seed": ("dseed", 0, 2**31 - 1),
    "learning_rate": ("lr", 1e-6, 100.0),
    "momentum": ("mu", 0.0, 0.999),
    "beta1": ("b1", 0.0, 0.999),
    "beta2": ("b2", 0.5, 0.99999),
    "alpha": ("rho", 0.5, 0.9999),
    "eps": ("eps", 1e-12, 1e-2),
    "step_size": ("every", 1, 20_000),
    "gamma": ("gamma", 0.05, 0.9999),
    "decay": ("decay", 0.0, 100.0),
    "total_steps": ("T", 1, 20_000),
    "min_learning_rate": ("lrmin", 0.0, 100.0),
    "batch_size": ("bs", 1, MAX_ROWS),
    "epochs": ("epochs", 0.01, MAX_EPOCHS),
    "steps": ("steps", 1, MAX_STEPS_INPUT),
    "shuffle_seed": ("seed", 0, 2**31 - 1),
    "start_0": ("t0", -1e6, 1e6),
    "start_1": ("t1", -1e6, 1e6),
}
_INTEGERS = {"n", "data_seed", "step_size", "total_steps", "batch_size", "steps", "shuffle_seed"}
_CHOICES = {
    "source": ("src", tuple(SOURCES)),
    "optimizer": ("opt", tuple(OPTIMIZERS)),
    "schedule": ("sched", tuple(SCHEDULES)),
    "budget": ("budget", tuple(BUDGETS)),
}
QUERY_NAMES = {
    **{name: query for name, (query, *_) in _NUMBERS.items()},
    **{name: query for name, (query, _) in _CHOICES.items()},
    "standardise": "std",
}
FIELD_NAMES = tuple(f.name for f in fields(DataSetup))


def encode(setup: DataSetup) -> dict[str, str]:
    """Query parameters for ``setup``: the fields that differ from its source's defaults."""
    default = asdict(defaults(setup.source))
    params = {}
    for name, value in asdict(setup).items():
        if value != default[name] or name == "source" and value != "seed":
            params[QUERY_NAMES[name]] = _text(value)
    return params


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def decode(params: dict[str, str]) -> tuple[DataSetup, list[str]]:
    """The setup a link describes, and a message for each value that was ignored as invalid."""
    by_query = {query: name for name, query in QUERY_NAMES.items()}
    values, problems = {}, []
    for query, raw in params.items():
        name = by_query.get(query)
        if name is None:
            continue
        try:
            values[name] = _parse(name, str(raw))
        except ValueError as error:
            problems.append(f"Link parameter '{query}' was ignored: {error}")
    return replace(defaults(values.get("source", "seed")), **values), problems


def _parse(name: str, raw: str):
    if name in _CHOICES:
        choices = _CHOICES[name][1]
        if raw not in choices:
            raise ValueError(f"'{raw[:40]}' is not one of {', '.join(choices)}.")
        return raw
    if name == "standardise":
        if raw not in ("0", "1"):
            raise ValueError(f"'{raw[:40]}' is not 0 or 1.")
        return raw == "1"
    _, lower, upper = _NUMBERS[name]
    try:
        value = float(raw.strip()[:40])
    except ValueError:
        raise ValueError(f"'{raw[:40]}' is not a number.") from None
    if not math.isfinite(value) or not lower <= value <= upper:
        raise ValueError(f"{raw[:40]} is outside {lower:g} … {upper:g}.")
    if name in _INTEGERS:
        if value != int(value):
            raise ValueError(f"{raw[:40]} is not a whole number.")
        return int(value)
    return value


# What the page runs --------------------------------------------------------------------------

MAX_RUN_STEPS = 2_000_000  # per variant through the scan: 20 epochs of SGD on 100,000 points
MAX_LOOP_STEPS = 50_000  # per variant through the engine's step loop (adaptive optimizers)
MAX_KEPT = 2_000  # points per variant that reach the browser


@dataclass(frozen=True)
class Variant:
    """One of the seed's three variants: how much data a step sees, and how it is drawn."""

    name: str
    label: str
    colour: str
    help: str


VARIANTS = (
    Variant(
        "batch",
        "Batch GD",
        "#FF9F1C",
        "uses the entire data set for every step: the exact gradient, accurate but expensive "
        "(one step = one pass over all m rows).",
    ),
    Variant(
        "sgd",
        "SGD",
        "#D7263D",
        "uses one random row per step: fast (m steps per epoch) but noisy.",
    ),
    Variant(
        "minibatch",
        "Mini-batch",
        "#7B2CBF",
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


def make_optimizer(setup: DataSetup, clock: float = 1.0) -> Optimizer:
    """The chosen optimizer; its schedule reads $\\alpha(k \\cdot$ ``clock``$)$, so with
    ``clock`` = b/m the schedule's k counts epochs and all variants decay on one timetable."""
    schedule = make_schedule(setup.schedule, setup.learning_rate, **setup.schedule_parameters)
    if setup.schedule != "constant" and clock != 1.0:
        base = schedule

        def schedule(step):
            return base(np.asarray(step, dtype=float) * clock)

    return OPTIMIZERS[setup.optimizer].make(schedule, **setup.hyperparameters)


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


def run_variants(setup: DataSetup, dataset: Dataset) -> Comparison:
    """Batch GD, SGD and mini-batch with the same optimizer, α, schedule, start and budget."""
    problem = dataset.problem(setup.standardise)
    m = problem.n_samples
    chosen = plan(setup, m)
    start = np.array([setup.start_0, setup.start_1], dtype=float)
    full_runs = []
    for variant in VARIANTS:
        rows = chosen.sizes[variant.name]
        optimizer = make_optimizer(setup, rows / m if setup.budget == "epochs" else 1.0)
        trajectory = descend_fast(
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
    return Comparison(problem, tuple(runs), setup.budget, clock, chosen.notes)


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
        f"{info.largest:.4g}, condition number κ = λmax/λmin ≈ {info.condition_number:.3g}"
    )
    if math.isfinite(limit):
        verdict = "too large: batch GD diverges" if setup.learning_rate > limit else "stable"
        text += f"; batch steps are stable for α < {limit:.3g} (α = {setup.learning_rate:g}: "
        text += f"{verdict})"
    if setup.standardise:
        return text + ". With x standardised, (1/m)XᵀX = I: the contours are circles."
    if info.condition_number > 10:
        return text + ". The valley is long and thin; try **standardise x** to make it round."
    return text + "."


def batch_story(comparison: Comparison, setup: DataSetup) -> str:
    """Why batch GD ended where it did, in numbers (the seed's lesson for the default setup)."""
    run = comparison.runs[0]
    problem, theta = comparison.problem, run.history.final_point
    info = curvature(problem.hessian())
    exact = ", ".join(f"{v:.4f}" for v in problem.solution)
    head = (
        f"**Batch GD after {run.steps:,} steps: θ = [{theta[0]:.8f}, {theta[1]:.8f}]**; "
        f"the exact least-squares solution is θ* = [{exact}]. "
    )
    status = str(run.history.status)
    if status == "diverged":
        return head + "It diverged: " + run.history.message
    if status != "max_steps":
        return head + f"Converged ({run.history.message})"
    head += "It has **not converged yet**. "
    if setup.optimizer != "gd" or setup.schedule != "constant":
        return head + "Allow more epochs, or a larger learning rate."
    factor = 1 - setup.learning_rate * info.smallest
    left = abs(factor) ** run.steps
    thousandfold = math.log(1e-3) / math.log(abs(factor)) if 0 < abs(factor) < 1 else math.inf
    return head + (
        f"Why: the Hessian's eigenvalues are λmin = {info.smallest:.4g} and λmax = "
        f"{info.largest:.4g}, so the valley is κ ≈ {info.condition_number:.0f} times more curved "
        f"across than along its floor. α must stay below 2/λmax ≈ {info.stability_limit:.3g} "
        "or the steep direction overshoots and diverges, yet along the floor each step only "
        f"multiplies the remaining error by 1 − αλmin = {factor:.5f}: after {run.steps:,} steps "
        f"{left:.0%} of it is left, and shrinking it 1000-fold would take ≈ {thousandfold:,.0f} "
        "steps. Standardising x makes κ = 1."
    )


def schedule_fields(name: str, unit: str) -> list[tuple[str, str, float, float]]:
    """The schedule's own widgets, as ``(field, label, lowest, highest)``; k counts ``unit``."""
    one = unit.rstrip("s")
    table = {
        "step_size": (f"every s {unit}", 1, 20_000),
        "gamma": ("factor γ", 0.05, 0.9999),
        "decay": (f"decay d per {one}", 0.0, 100.0),
        "total_steps": (f"period T ({unit})", 1, 20_000),
        "min_learning_rate": ("η_min", 0.0, 100.0),
    }
    return [(field, *table[field]) for field in SCHEDULES[name].parameters]


VARIANTS_HELP = "\n".join(f"- **{v.label}** {v.help}" for v in VARIANTS) + (
    "\n\nSampling: *random reshuffling*: each epoch visits every row once, in a fresh random "
    "order. One **epoch** = m rows seen. With a constant α, SGD never settles exactly: at θ* "
    "the full gradient is zero but a single row's is not, so every step still kicks θ by "
    "about α·‖∇J_i‖. A decaying schedule (e.g. inverse time) lets it settle."
)
BUDGET_HELP = (
    "Same epochs: every variant sees the same amount of data (equal cost); batch GD then takes "
    "m times fewer steps than SGD. Same steps: every variant takes the same number of updates, "
    "so batch GD does m times more work."
)


def schedule_defaults(name: str, budget: float) -> dict[str, float]:
    """Starting values for a newly chosen schedule (cosine spans the whole budget)."""
    chosen = dict(SCHEDULE_DEFAULTS.get(name, {}))
    if name == "cosine":
        chosen["total_steps"] = max(1, int(budget))
    return chosen


GENERATOR_FIELDS = {  # field: (label, lowest, highest); n and the seed are integers
    "intercept": ("intercept a", -1e6, 1e6),
    "slope": ("slope b", -1e6, 1e6),
    "noise": ("noise σ", 0.0, 1e6),
    "x_min": ("x from", -1e6, 1e6),
    "x_max": ("x to", -1e6, 1e6),
}
GENERATOR_ARGUMENTS = ("n", "intercept", "slope", "noise", "x_min", "x_max", "data_seed")
CSV_HELP = (
    "A table with a header row (or none), separated by commas, semicolons or tabs, in UTF-8. "
    "Rows are counted as in a spreadsheet: the header is row 1. Use a point for decimals."
)
STANDARDISE_HELP = (
    "Fit on x' = (x − mean)/std instead of x. Then (1/m)XᵀX = I: the loss valley becomes "
    "round (condition number 1) and one learning rate suits both θ₀ and θ₁. The data plot "
    "stays in the original units."
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
