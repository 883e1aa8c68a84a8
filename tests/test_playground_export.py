"""Playground downloads carry the setup: the CSV's # lines (read back with the csv module, as
pandas.read_csv(comment="#") would) and the standalone HTML page."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import numpy as np
import pytest

from gdviz import parse_objective
from gdviz.field import Window, sample
from gdviz.figures.backdrop import backdrop
from gdviz.figures.contour import descent_figure, paint
from gdviz.figures.export import standalone_html
from gdviz.lessons.playground.export import formula_mathml, runs_csv, setup_rows, title
from gdviz.lessons.playground.runs import run_setup
from gdviz.lessons.playground.setup import Setup

SETUPS = {
    "adam, step decay": Setup(optimizer="adam", learning_rate=0.05, beta1=0.85,
                              schedule="step_decay", step_size=100, gamma=0.5, grad_tol=1e-8),
    "learning rates": Setup(compare="learning_rates", compare_rates=(0.02, 0.09, 0.12)),
    "optimizers": Setup(compare="optimizers", compare_optimizers=("gd", "momentum", "rmsprop")),
    "1-D": Setup(function="x^4 - 3x^2 + x", preset="", start_x=2.0, optimizer="momentum",
                 learning_rate=0.01, momentum=0.5, value_tol=1e-10),
}  # fmt: skip


def read_back(text: str):
    """Comment lines and the table, as a reader that skips # lines sees them."""
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    return comments, list(csv.DictReader(line for line in lines if not line.startswith("#")))


@pytest.mark.parametrize("case", list(SETUPS))
def test_the_csv_reads_back_to_the_same_numbers(case):
    setup = SETUPS[case]
    f = parse_objective(setup.function)
    runs = run_setup(setup, f)
    comments, table = read_back(runs_csv(setup, runs, f))
    names = ("x", "y")[: f.dimension]
    for number, run in enumerate(runs, start=1):
        rows = [row for row in table if row["run"] == str(number)]
        t = run.trajectory
        assert [int(row["step"]) for row in rows] == list(range(t.steps + 1))
        for i, name in enumerate(names):
            np.testing.assert_allclose([float(r[name]) for r in rows], t.points[:, i], rtol=1e-9)
        np.testing.assert_allclose([float(r["f"]) for r in rows], t.values, rtol=1e-9)
        np.testing.assert_allclose([float(r["|grad f|"]) for r in rows], t.grad_norms, rtol=1e-9)
        rates = [float(r["learning rate"]) for r in rows]
        np.testing.assert_allclose(rates[:-1], t.learning_rates, rtol=1e-9)
        assert np.isnan(rates[-1])  # no step is taken from the last point
        assert any(line.startswith(f"# run {number}: ") and t.message in line for line in comments)
    assert not any("#" in line for line in runs_csv(setup, runs, f).splitlines()[len(comments) :])


def test_the_csv_header_names_the_whole_setup():
    setup = SETUPS["adam, step decay"]
    f = parse_objective(setup.function)
    runs = run_setup(setup, f)
    comments, _ = read_back(runs_csv(setup, runs, f))
    text = "\n".join(comments)
    for expected in ("# function: f(x, y) = x^2 + 10y^2", "# start: x₀ = -2.6, y₀ = 1.2",
                     "# optimizer: Adam (β₁ = 0.85, β₂ = 0.999, ε = 1e-08)",
                     "# learning rate α: 0.05", "# schedule: Step decay: s = 100, γ = 0.5",
                     "# stop rules: at most 500 steps; ‖∇f‖ < 1e-08; |Δf| < off",
                     'pandas.read_csv(path, comment="#")'):  # fmt: skip
        assert expected in text, expected
    assert f"# run 1: Adam · α = 0.05: {runs[0].trajectory.message}" in text  # the verdict, once


def test_compared_runs_each_name_their_optimizer_or_rate():
    setup = SETUPS["optimizers"]
    f = parse_objective(setup.function)
    rows = dict(setup_rows(setup, f, run_setup(setup, f)))
    assert "optimizer" not in rows and "Momentum (momentum μ = 0.9)" in rows["run 2"]
    assert "RMSProp (decay ρ (alpha) = 0.99, ε = 1e-08)" in rows["run 3"]
    setup = SETUPS["learning rates"]
    runs = run_setup(setup, f)
    rows = dict(setup_rows(setup, f, runs))
    assert "learning rate α" not in rows
    assert rows["run 3"] == f"Gradient descent · α = 0.12: {runs[2].trajectory.message}"
    assert "Diverg" in rows["run 3"]


def test_the_html_page_has_title_formula_setup_verdict_and_no_outside_script():
    setup = replace(SETUPS["adam, step decay"], max_steps=300)
    f = parse_objective(setup.function)
    runs = run_setup(setup, f)
    window = Window(-3, 3, -2, 2)
    figure = descent_figure(backdrop(sample(f.value, window, 30)), paint(runs), f.gradient)
    page = standalone_html(figure, title(setup, f), formula_mathml(f), setup_rows(setup, f, runs))
    assert "<title>gdviz · Adam on f(x, y) = x^2 + 10y^2</title>" in page
    assert "<math" in page and "<mn>10</mn>" in page and "<msup><mi>y</mi><mn>2</mn></msup>" in page
    assert "<th>schedule</th><td>Step decay: s = 100, γ = 0.5</td>" in page
    assert runs[0].trajectory.message.split(":")[0] in page  # the verdict
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js is inside: works offline
    assert "Plotly.newPlot(" in page and "Plotly.animate(" not in page  # waits for ▶ Play
