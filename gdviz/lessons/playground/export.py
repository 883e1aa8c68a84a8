r"""What a Playground download carries: the setup in words, the steps as CSV, the formula.

The CSV starts with ``#`` comment lines (the setup, one verdict per run) and then one header row
and one row per step and run; ``pandas.read_csv(path, comment="#")`` reads it as a table, and so
does the csv module on the lines that do not start with ``#``:

>>> import csv
>>> from gdviz import parse_objective
>>> from gdviz.lessons.playground.runs import run_setup
>>> from gdviz.lessons.playground.setup import Setup
>>> setup, f = Setup(), parse_objective(Setup().function)
>>> text = runs_csv(setup, run_setup(setup, f), f)
>>> print(text.splitlines()[1])
# function: f(x, y) = x^2 + 10y^2
>>> rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
>>> rows[1]["step"], rows[1]["x"], rows[1]["y"]
('1', '-2.132', '-0.96')
"""

from __future__ import annotations

import io

import numpy as np
import sympy as sp

from gdviz.lessons.common import Run
from gdviz.lessons.playground.runs import COMPARE_LABELS, optimizer_of, trajectory_table
from gdviz.lessons.playground.setup import Setup
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES

SCHEDULE_SYMBOLS = {"step_size": "s", "gamma": "γ", "decay": "d", "total_steps": "T",
                    "min_learning_rate": "η_min"}  # fmt: skip
READ_ME = 'read with pandas.read_csv(path, comment="#"), or skip the lines that start with #'


def optimizer_words(setup: Setup, index: int) -> str:
    """'Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08)', as run ``index`` of the setup used it."""
    optimizer = optimizer_of(setup, index)
    spec = OPTIMIZERS[optimizer.name]
    knobs = ", ".join(
        f"{h.label} = {optimizer.hyperparameters[h.name]:g}" for h in spec.hyperparameters
    )
    return f"{spec.display_name} ({knobs})" if knobs else spec.display_name


def schedule_words(setup: Setup) -> str:
    """'constant' or e.g. 'Step decay: s = 100, γ = 0.5'."""
    spec = SCHEDULES[setup.schedule]
    values = setup.schedule_parameters
    knobs = ", ".join(f"{SCHEDULE_SYMBOLS[name]} = {values[name]:g}" for name in spec.parameters)
    return f"{spec.display_name}: {knobs}" if knobs else spec.display_name.lower()


def setup_rows(setup: Setup, objective, runs: list[Run]) -> list[tuple[str, str]]:
    """The setup as (what, value) rows: function, start, optimizer, α and schedule, stop rules,
    then each run's name and verdict (the engine's message, as the page's banner shows it)."""
    start = ", ".join(
        f"{name}₀ = {value:g}"
        for name, value in zip(objective.variables, (setup.start_x, setup.start_y), strict=False)
    )
    off = lambda value: "off" if value == 0 else f"{value:g}"  # noqa: E731
    rows = [
        ("function", f"f({', '.join(objective.variables)}) = {setup.function}"),
        ("start", start),
        ("runs", COMPARE_LABELS[setup.compare]),
    ]
    if setup.compare != "optimizers":
        rows.append(("optimizer", optimizer_words(setup, 0)))
    if setup.compare != "learning_rates":
        rows.append(("learning rate α", f"{setup.learning_rate:g}"))
    rows += [
        ("schedule", schedule_words(setup)),
        ("stop rules", f"at most {setup.max_steps} steps; ‖∇f‖ < {off(setup.grad_tol)}; "
                       f"|Δf| < {off(setup.value_tol)}"),
    ]  # fmt: skip
    for index, run in enumerate(runs):
        what = run.label.split(" — ")[0]  # its short status: the message says it in full
        if setup.compare == "optimizers":
            what = f"{what} [{optimizer_words(setup, index)}]"
        rows.append((f"run {index + 1}", f"{what}: {run.trajectory.message}"))
    return rows


def runs_csv(setup: Setup, runs: list[Run], objective) -> str:
    """The setup as ``#`` lines, then every step of every run (a 'run' column numbers them)."""
    out = io.StringIO()
    out.write("# gdviz Playground: steps of gradient descent\n")
    for what, value in setup_rows(setup, objective, runs):
        out.write(f"# {what}: {_one_line(value)}\n")
    out.write(f"# {READ_ME}\n")
    for index, run in enumerate(runs):
        table = trajectory_table(run.trajectory, objective.gradient)
        if index == 0:
            out.write("run," + ",".join(table) + "\n")
        for row in zip(*table.values(), strict=True):
            out.write(f"{index + 1}," + ",".join(_cell(value) for value in row) + "\n")
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _cell(value) -> str:
    """Integers as integers, floats with 10 significant digits, NaN and ±inf as words pandas
    reads back ('nan', 'inf', '-inf')."""
    if isinstance(value, int | np.integer):
        return str(int(value))
    return f"{float(value):.10g}"


def formula_mathml(objective) -> str:
    """f as MathML: browsers draw it natively, so an exported page needs no script for it."""
    variables = "<mo>,</mo>".join(f"<mi>{name}</mi>" for name in objective.variables)
    body = sp.mathml(objective.expr, printer="presentation")
    return (
        f"<p><math><mrow><mi>f</mi><mo>(</mo>{variables}<mo>)</mo><mo>=</mo>{body}</mrow>"
        "</math></p>"
    )


def title(setup: Setup, objective) -> str:
    """The page title of an export, e.g. 'gdviz · Adam on f(x, y) = x^2 + 10y^2'."""
    if setup.compare == "optimizers":
        what = ", ".join(OPTIMIZERS[name].display_name for name in setup.compare_optimizers)
    else:
        what = OPTIMIZERS[setup.optimizer].display_name
    return f"gdviz · {what} on f({', '.join(objective.variables)}) = {setup.function}"
