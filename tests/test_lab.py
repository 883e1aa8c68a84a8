"""The Learning-rate lab's core: verdicts and sweep vs theory, parabola, schedules, basins.

Mirrors gdviz/lab.py, lab_runs.py, lab_sweep.py, basins.py, lab_settings.py and their figures."""

from __future__ import annotations

import base64
from dataclasses import fields, replace

import numpy as np
import pytest

from gdviz import optimizers
from gdviz.engine import descend
from gdviz.field import Window
from gdviz.figures import basins as basin_figures
from gdviz.figures import lab as figures
from gdviz.figures.cobweb import intuition_figure
from gdviz.figures.lab_sweep import sweep_figure
from gdviz.formatting import steps
from gdviz.lessons.common import OPTIMIZER_QUERY
from gdviz.lessons.learning_rate import basins
from gdviz.lessons.learning_rate import runs as lab_runs
from gdviz.lessons.learning_rate import sweep as lab_sweep
from gdviz.lessons.learning_rate import theory as lab
from gdviz.lessons.learning_rate.setup import (
    CONTROLS,
    QUERY,
    LabSetup,
    decode,
    encode,
)
from gdviz.messages import KINDS, NAMES
from gdviz.schedules import SCHEDULES, make_schedule
from gdviz.verdict_batches import kinds
from gdviz.verdicts import verdict


class Quadratic:
    """f(θ) = ½ θᵀHθ: gradient Hθ, Hessian H, minimum 0 at the origin."""

    def __init__(self, hessian):
        self.H = np.asarray(hessian, dtype=float)

    def value(self, points):
        points = np.asarray(points, dtype=float)
        return 0.5 * np.sum((points @ self.H) * points, axis=-1)

    def gradient(self, points):
        return np.asarray(points, dtype=float) @ self.H

    def hessian(self, point=None):
        return self.H


def array(value) -> np.ndarray:
    """A figure array as Plotly serialises it (plain list or base64 typed array)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


DIAGONALS = [(1.0, 10.0), (10.0, 1.0), (0.5, 4.0)]
BOWL = LabSetup()  # x^2 + 10y^2 from (-2.6, 1.2): Hessian diag(2, 20)


def run_gd(hessian, fraction, steps=2000, start=(1.0, 1.0)):
    """GD at ``fraction`` × 1/λmax on ½θᵀHθ, and the top eigenvector of H."""
    problem = Quadratic(np.diag(hessian))
    top = max(hessian)
    direction = np.eye(2)[int(np.argmax(hessian))]
    rate = fraction / top
    return descend(problem, np.array(start), optimizers.gd(rate), max_steps=steps), direction


# --- the core verdict against theory (the lab has no classifier of its own) ----------------------


def judged(hessian, fraction, steps=2000, start=(1.0, 1.0)):
    trajectory, _ = run_gd(hessian, fraction, steps, start)
    return verdict(Quadratic(np.diag(hessian)), trajectory), trajectory


@pytest.mark.parametrize("hessian", DIAGONALS)
@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9, 0.99])
def test_below_one_over_lambda_max_gd_converges_without_zig_zag(hessian, fraction):
    found, trajectory = judged(hessian, fraction)
    assert found.kind == "converged" and not found.oscillating
    assert found.label == f"converged in {steps(trajectory.steps)}"


@pytest.mark.parametrize("hessian", DIAGONALS)
@pytest.mark.parametrize("fraction", [1.02, 1.3, 1.7, 1.95])
def test_between_one_and_two_over_lambda_max_gd_oscillates_but_converges(hessian, fraction):
    found, _ = judged(hessian, fraction, steps=5000)
    assert found.kind == "converged" and found.oscillating


@pytest.mark.parametrize("hessian", DIAGONALS)
@pytest.mark.parametrize("fraction", [2.05, 2.5, 4.0])
def test_above_two_over_lambda_max_gd_diverges(hessian, fraction):
    found, _ = judged(hessian, fraction)
    assert found.kind == "diverging" and found.onset == 1


def test_a_tiny_step_is_too_slow():
    found, _ = judged((1.0, 10.0), 0.001, steps=200)
    assert found.kind == "too_slow" and found.label == "still descending after 200 steps"


def test_lab_runs_carry_the_core_verdict():
    info = lab.theory(BOWL)
    runs = lab_runs.side_by_side(replace(BOWL, rates=(0.002, 0.05, 0.1, 0.105)), info)
    problem = lab.objective(BOWL.function)
    for run in runs:
        assert run.verdict == verdict(problem, run.trajectory)
        assert run.label == f"{run.name} — {run.verdict.label}"
    assert [run.verdict.kind for run in runs] == ["too_slow", "converged", "cycling", "diverging"]


# --- the sweep: ONE batched run, regions where theory puts them ----------------------------------


def boundary(result: lab_sweep.Sweep, region: str) -> float:
    """Where ``region`` starts along the α grid (first span of that region)."""
    return next(low for name, low, _ in result.spans if name == region)


@pytest.mark.parametrize(
    ("function", "start"),
    [("x^2 + 10y^2", (-2.6, 1.2)), ("3x^2 + 2x y + y^2", (1.5, -2.0)), ("x^2", (2.5, 0.0))],
)
def test_sweep_regions_match_theory_within_one_grid_step(function, start):
    setup = replace(BOWL, preset="", function=function, start_x=start[0], start_y=start[1])
    info = lab.theory(setup)
    assert info.exact
    result = lab_sweep.sweep(setup, info)
    assert len(result.rates) == 200
    grid_step = np.log(result.rates[1] / result.rates[0])
    largest = info.curvature.largest
    assert info.limit == pytest.approx(2 / largest)
    assert abs(np.log(boundary(result, "diverging") / (2 / largest))) <= 1.5 * grid_step
    converged = np.array(result.regions) == "converged"
    first_zig_zag = result.rates[converged & result.oscillating][0]
    assert abs(np.log(first_zig_zag / (1 / largest))) <= 2 * grid_step  # 3 flips in 4 to see
    order = [name for name, _, _ in result.spans]
    assert order[0] == "too_slow" and "converged" in order and order[-1] == "diverging"


def test_the_sweep_is_one_batched_engine_call(monkeypatch):
    info = lab.theory(BOWL)
    calls = []
    real = lab_runs.descend

    def counting(problem, start, optimizer, **rules):
        calls.append(np.shape(start))
        return real(problem, start, optimizer, **rules)

    monkeypatch.setattr(lab_runs, "descend", counting)
    result = lab_sweep.sweep(BOWL, info)
    assert calls == [(201, 2)]  # 200 log-spaced rates and your α
    assert result.max_steps == 500


def test_the_sweep_reports_your_rate_and_steps():
    result = lab_sweep.sweep(replace(BOWL, learning_rate=0.09), lab.theory(BOWL))
    assert result.yours.learning_rate == 0.09
    assert result.yours.verdict.kind == "converged" and result.yours.verdict.oscillating
    good = np.array(result.regions) == "converged"
    assert np.all(np.isfinite(result.steps[good]))
    slow = np.array(result.regions) == "too_slow"
    assert np.all(np.isnan(result.steps[slow]))
    diverging = np.array(result.regions) == "diverging"
    assert np.all(np.isnan(result.steps[diverging]))


def test_steps_to_converge_are_fewest_near_the_best_constant_step():
    info = lab.theory(BOWL)
    result = lab_sweep.sweep(replace(BOWL, max_steps=2000), info)
    fastest = result.rates[np.nanargmin(result.steps)]
    assert abs(np.log(fastest / info.best)) < 0.1  # α* = 2/(λmin+λmax) = 0.0909


def test_region_spans_are_contiguous_and_split_at_geometric_midpoints():
    spans = lab_sweep.region_spans(
        np.array([1.0, 4.0, 16.0, 64.0]), ("good", "good", "slow", "slow")
    )
    assert spans == (("good", 1.0, 8.0), ("slow", 8.0, 64.0))


# --- theory at the minimum ----------------------------------------------------------------------


def test_theory_on_the_bowl_is_exact():
    info = lab.theory(BOWL)
    np.testing.assert_allclose(info.point, [0, 0], atol=1e-9)
    assert (info.limit, info.best, info.monotone) == pytest.approx((0.1, 2 / 22, 0.05))
    assert "exact here, since f is a quadratic" in info.sentence()
    assert "exact for quadratics" in info.sentence()


def test_theory_on_himmelblau_is_a_local_estimate_at_the_minimum_reached():
    setup = replace(
        BOWL,
        preset="Himmelblau",
        function="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        start_x=0.0,
        start_y=0.0,
    )
    info = lab.theory(setup)
    np.testing.assert_allclose(info.point, [3, 2])
    assert not info.exact and "local estimate" in info.sentence()
    assert info.limit == pytest.approx(0.0243, rel=1e-2)


RASTRIGIN = "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)"


def test_rastrigin_starts_are_coloured_by_the_local_minimum_they_converged_to():
    setup = replace(BOWL, preset="Rastrigin", function=RASTRIGIN, learning_rate=0.002,
                    resolution=44, basin_steps=200)  # fmt: skip
    result = basins.basin_map(setup)
    np.testing.assert_allclose(result.minima[0], [0, 0])  # the preset's minimum first
    assert len(result.minima) > 50  # local minima included (121 in the window)
    assert result.converged.mean() > 0.95
    assert result.shares()[len(result.minima) :].sum() < 0.05  # hardly any start is "other"
    problem = lab.objective(RASTRIGIN)
    for minimum in result.minima[:10]:  # every one is a minimum: ∇f ≈ 0, f curves up
        assert np.linalg.norm(problem.gradient(minimum)) < 1e-2
        assert np.all(np.linalg.eigvalsh(problem.hessian(minimum)) > 0)
    rows = basin_figures.legend(result)
    assert len(rows) <= basin_figures.NAMED + 3 and "more local minima" in rows[8][0]


def test_saddle_starts_are_coloured_by_their_kind():
    problem = lab.objective("x^2 - y^2")
    result = basins.basins(problem, Window(-1, 1, -1, 1), optimizers.gd(0.1), resolution=21,
                           max_steps=300)  # fmt: skip
    middle = result.labels[10]  # y₀ = 0: GD slides to the saddle (0, 0) and stops there
    assert {result.kinds[label] for label in middle} == {"saddle"}
    assert len(result.minima) == 0 and result.kinds[result.labels[0, 0]] == "unbounded"


def test_kinds_of_a_batch_agree_with_one_verdict_per_run():
    problem = lab.objective("(x^2 - 1)^2 + y^2 - 0.3x")
    starts = np.random.default_rng(1).uniform(-2, 2, (60, 2))
    batch = descend(problem, starts, optimizers.gd(np.linspace(0.01, 0.4, 60)), max_steps=300,
                    grad_tol=1e-4)  # fmt: skip
    every = [verdict(problem, batch.run(i)).kind for i in range(60)]
    assert list(kinds(problem, batch)) == every and len(set(every)) > 1


def test_theory_at_a_saddle_or_maximum_says_so_with_lambda_signs():
    saddle = lab.theory(replace(BOWL, preset="", function="x^2 - y^2", start_x=-1.8, start_y=0))
    text = saddle.sentence()
    assert saddle.shape == "saddle" and "at the saddle point (0, 0)" in text
    assert "λ of both signs" in text and "at the minimum" not in text
    assert "stable for" not in text and "κ = inf" not in text and "no condition number" in text
    peak = lab.theory(replace(BOWL, preset="", function="-x^2-y^2", start_x=0, start_y=0))
    assert peak.shape == "maximum" and "All λ < 0" in peak.sentence()
    assert "Adaptive" not in peak.sentence()  # plain GD: no adaptive-method text
    assert (
        "at the saddle point"
        in lab.theory(
            replace(BOWL, preset="", function="x^4-2x^2+y^2", start_x=0, start_y=1)
        ).sentence()
    )


def test_the_sweep_labels_each_optimizers_own_limit():
    saddle = replace(BOWL, preset="Saddle", function="x^2 - y^2", start_x=-1.8, start_y=0)
    spec = sweep_figure(lab_sweep.sweep(saddle, lab.theory(saddle))).to_dict()
    names = " ".join(trace.get("name", "") for trace in spec["data"])
    assert "2(1+μ)/λmax" not in names
    momentum = replace(BOWL, optimizer="momentum")
    spec = sweep_figure(lab_sweep.sweep(momentum, lab.theory(momentum))).to_dict()
    assert "2(1+μ)/λmax" in " ".join(trace.get("name", "") for trace in spec["data"])


def test_one_d_theory_states_the_regime_at_the_point_reached():
    setup = replace(BOWL, preset="", function="x^4 - 3x^2 + x", start_x=2.0, start_y=0)
    info = lab.theory(setup)
    assert info.shape == "minimum" and info.point[0] < 0  # the minimum reached, not the start
    assert "α·f″ = 1.43" in info.sentence(0.1) and "overshoots but converges" in info.sentence(0.1)


def test_adaptive_methods_have_no_limit():
    info = lab.theory(replace(BOWL, optimizer="adam"))
    assert np.isnan(info.limit) and "no 2/λmax limit" in info.sentence()
    single, spread = lab.suggested_rates(info, "adam")
    assert single == 0.05 and len(spread) == 5


def test_momentum_stretches_the_limit():
    info = lab.theory(replace(BOWL, optimizer="momentum", momentum=0.9))
    assert info.limit == pytest.approx(2 * 1.9 / 20)


def test_the_spread_shows_every_region():
    info = lab.theory(BOWL)
    single, spread = lab.suggested_rates(info, "gd")
    assert single < info.limit and len(spread) == 5
    runs = lab_runs.side_by_side(replace(BOWL, rates=spread), info)
    found = [run.verdict for run in runs]
    assert [v.kind for v in found] == ["too_slow", "converged", "converged", "converged",
                                       "diverging"]  # fmt: skip
    assert not found[1].oscillating and found[3].oscillating
    assert runs[0].name == f"α = {spread[0]:g}" and runs[0].label.startswith(runs[0].name)


# --- 1-D intuition ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "regime"),
    [(0.5, "creeping"), (1.0, "optimal"), (1.5, "oscillating"), (2.0, "cycling"),
     (2.4, "diverging")],
)  # fmt: skip
def test_the_parabola_regimes(product, regime):
    run, found, computed, sentence = lab_runs.parabola(2.0, product / 2.0, 2.5)
    assert found == regime and computed == pytest.approx(product)
    assert sentence == lab_runs.REGIME_TEXT[regime].format(factor=1 - computed)
    xs = run.points[:, 0]
    if regime == "creeping":
        assert np.all(xs > 0) and np.all(np.diff(xs) < 0)
    if regime == "optimal":
        assert run.steps == 1 and xs[-1] == 0
    if regime == "oscillating":
        assert np.all(np.sign(xs[:6]) == [1, -1, 1, -1, 1, -1]) and abs(xs[-1]) < 1e-6
    if regime == "cycling":
        np.testing.assert_allclose(np.abs(xs), 2.5)
    if regime == "diverging":
        assert abs(xs[-1]) > 1e3


def test_the_cobweb_figure_animates_both_panels():
    run, *_ = lab_runs.parabola(2.0, 0.8, 2.5)
    spec = intuition_figure(run, 2.0, 0.8).to_dict()
    assert len(spec["frames"]) == run.steps + 1
    last = spec["frames"][-1]["data"]
    corners = array(last[2]["x"])
    assert len(corners) == 2 * run.steps + 1  # the cobweb: up to the map line, across, …
    np.testing.assert_allclose(corners[::2], run.points[:, 0], rtol=1e-6)
    assert spec["layout"]["xaxis2"]["domain"][0] > spec["layout"]["xaxis"]["domain"][1]


# --- schedules ----------------------------------------------------------------------------------


def test_five_schedules_in_one_batched_call(monkeypatch):
    calls, real, info = [], lab_runs.descend, lab.theory(BOWL)
    monkeypatch.setattr(
        lab_runs, "descend", lambda *a, **k: calls.append(np.shape(a[1])) or real(*a, **k)
    )
    setup = replace(BOWL, learning_rate=0.105, max_steps=400)
    runs = lab_runs.schedule_runs(setup, info)
    assert calls == [(5, 2)]
    assert [run.name for run in runs] == [spec.display_name for spec in SCHEDULES.values()]
    parameters = lab_runs.schedule_parameters(setup)
    for run, name in zip(runs, SCHEDULES, strict=True):
        expected = make_schedule(name, 0.105, **parameters[name])(np.arange(run.trajectory.steps))
        np.testing.assert_allclose(run.trajectory.learning_rates, expected)
    verdicts = {run.name: run.verdict.kind for run in runs}
    assert verdicts["Constant"] == "diverging"  # 0.105 > 2/λmax = 0.1 ...
    assert verdicts["Exponential"] != "diverging"  # ... but a decaying rate rescues it


# --- basins of attraction -----------------------------------------------------------------------

WELL = "(x^2 - 1)^2 + y^2"


@pytest.mark.parametrize("known", [(), ((-1.0, 0.0), (1.0, 0.0))])
def test_double_well_basins_split_left_and_right(known):
    problem = lab.objective(WELL)
    window = Window(-2, 2, -1.5, 1.5)
    result = basins.basins(
        problem, window, optimizers.gd(0.05), resolution=40, max_steps=500, minima=known
    )
    assert result.discovered == (not known)
    order = np.argsort(result.minima[:, 0])
    np.testing.assert_allclose(result.minima[order], [[-1, 0], [1, 0]], atol=1e-3)
    left, right = order
    columns = result.xs < 0
    assert np.all(result.labels[:, columns] == left)
    assert np.all(result.labels[:, ~columns] == right)
    assert result.converged.all()
    np.testing.assert_allclose(result.shares()[[left, right]], [0.5, 0.5])
    assert result.names[2:] == ("converged (to a minimum not shown)", *list(NAMES.values())[1:])


def test_a_too_large_step_diverges_everywhere_far_out():
    problem = lab.objective(WELL)
    result = basins.basins(problem, Window(-2, 2, -2, 2), optimizers.gd(0.5), resolution=20)
    diverged = len(result.minima) + list(KINDS).index("diverging")
    assert result.labels[0, 0] == diverged and result.labels[-1, -1] == diverged
    assert result.kinds[diverged] == "diverging"


def test_basins_run_in_chunks_and_report_progress(monkeypatch):
    monkeypatch.setattr(basins, "BASIN_CHUNK", 150)
    seen = []
    problem = lab.objective(WELL)
    basins.basins(problem, Window(-2, 2, -1, 1), optimizers.gd(0.05), resolution=20,
               on_progress=seen.append)  # fmt: skip
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 3  # 400 starts / 150


def test_himmelblau_basins_fracture_as_the_rate_grows():
    setup = replace(
        BOWL,
        preset="Himmelblau",
        function="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        resolution=60,
        basin_steps=300,
    )
    calm = basins.basin_map(replace(setup, learning_rate=0.01))
    assert np.all(calm.shares()[:4] > 0.15) and calm.converged.all()
    rough = basins.basin_map(replace(setup, learning_rate=0.02))
    # α = 0.02 is past the local limits 2/λmax of (−3.78, −3.28) and (3.58, −1.85)
    assert rough.shares()[2] + rough.shares()[3] < 0.1
    assert "stable for α < 0.019" in rough.names[3]
    image = basin_figures.basin_image(rough)
    assert image.shape == (60, 60, 4) and image.dtype == np.uint8


def test_basin_figure_is_one_image_with_a_legend():
    setup = replace(BOWL, function=WELL, preset="", learning_rate=0.05, resolution=30)
    result = basins.basin_map(setup)
    spec = basin_figures.basin_figure(result, (0.5, 0.5)).to_dict()
    assert len(spec["layout"]["images"]) == 1
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    names = [trace.get("name", "") for trace in spec["data"]]
    assert any(name.startswith("→ (-1, 0)") for name in names)
    assert any(name.startswith("→ (1, 0)") for name in names)


def test_basins_need_two_dimensions():
    with pytest.raises(ValueError, match="x and y"):
        basins.basin_map(replace(BOWL, function="x^2", preset=""))


# --- figures ------------------------------------------------------------------------------------


def test_sweep_figure_shades_regions_and_marks_theory():
    result = lab_sweep.sweep(BOWL, lab.theory(BOWL))
    spec = sweep_figure(result).to_dict()
    rectangles = [s for s in spec["layout"]["shapes"] if s["type"] == "rect"]
    lines = [s for s in spec["layout"]["shapes"] if s["type"] == "line"]
    assert len(rectangles) == len(result.spans) == 3  # too slow, converged, diverging
    assert {round(s["x0"], 4) for s in lines} >= {0.1, round(2 / 22, 4)}
    assert spec["layout"]["xaxis"]["type"] == "log" and spec["layout"]["yaxis"]["type"] == "log"
    names = " ".join(trace.get("name", "") for trace in spec["data"])
    assert "2/λmax" in names and "2/(λmin+λmax)" in names and "your α" in names


def test_schedules_and_losses_figures():
    runs = lab_runs.schedule_runs(BOWL, lab.theory(BOWL))
    spec = figures.schedules_figure(runs, 0.0).to_dict()
    assert len(spec["data"]) == 10 and spec["layout"]["yaxis2"]["type"] == "log"
    views = figures.run_views(runs, False)
    assert len(figures.losses_figure(views, 0.0).to_dict()["data"]) == 5


# --- the URL ------------------------------------------------------------------------------------


def test_url_round_trip_and_defaults():
    setup = replace(BOWL, section="basins", rates=(0.01, 0.2), overlay=True, resolution=120)
    params = encode(setup)
    assert params == {"section": "basins", "lrs": "0.01,0.2", "overlay": "1", "res": "120"}
    assert decode(params) == (setup, [])
    assert encode(LabSetup()) == {}


@pytest.mark.parametrize(
    ("params", "phrase"),
    [
        ({"lr": "banana"}, "not a number"),
        ({"res": "100000"}, "outside"),
        ({"section": "x"}, "not one of"),
        ({"lrs": "1,2,3,4,5,6,7"}, "1 to 6"),
        ({"range": "0.5,0.1"}, "smaller to a larger"),
        ({"f": "x" * 400}, "longer than"),
        ({"lr": "nan"}, "outside"),
    ],
)
def test_bad_url_values_are_ignored_with_a_message(params, phrase):
    setup, problems = decode(params)
    assert setup == LabSetup()
    assert len(problems) == 1 and phrase in problems[0]


def test_every_field_survives_the_url():
    setup = LabSetup(
        section="schedules", preset="", function="x^2 + y^4", optimizer="adam",
        learning_rate=0.02, momentum=0.5, beta1=0.8, beta2=0.99, alpha=0.9, eps=1e-6,
        start_x=1.5, start_y=-0.5, max_steps=300, rates=(0.001, 0.5), overlay=True,
        auto_range=False, sweep_range=(0.001, 0.5), curvature=3.0, rate_1d=0.7, start_1d=-1.0,
        step_size=50, step_gamma=0.25, exp_gamma=0.95, decay=0.5, cosine_steps=200,
        resolution=80, basin_steps=400,
    )  # fmt: skip
    params = encode(setup)
    assert len(params) == len(QUERY) == len(fields(LabSetup))
    assert decode(params) == (setup, [])


def test_the_optimizer_uses_the_query_names_every_page_shares():
    for name, entry in OPTIMIZER_QUERY.items():
        assert QUERY[name] == entry


@pytest.mark.parametrize("control", [c for group in CONTROLS.values() for c in group])
def test_a_link_accepts_what_the_widget_accepts(control):
    query, _ = QUERY[control.name]
    value = getattr(decode({query: str(control.high)})[0], control.name)
    assert value == control.high and type(value) is type(getattr(LabSetup(), control.name))
    setup, problems = decode({query: str(control.low - 1)})
    assert setup == LabSetup() and "outside" in problems[0]


def test_a_preset_in_the_url_brings_its_function_and_start():
    setup, problems = decode({"preset": "Himmelblau"})
    assert not problems
    assert setup.function.startswith("(x^2 + y - 11)") and (setup.start_x, setup.start_y) == (0, 0)
