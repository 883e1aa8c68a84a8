"""Figures of the Data page: θ-space contour and data scatter animated together, loss curves.

The left panel is :func:`gdviz.figures.contour.descent_figure` on the full-data loss $J(\\theta)$
(the exact least-squares $\\theta^*$ marked), the right one the data with each variant's line
$\\hat y = \\theta_0 + \\theta_1 x$; one Play button moves both. Runs arrive thinned (see
:class:`gdviz.lessons.data.runs.VariantRun`) and at most ``MAX_SCATTER`` data points are drawn, so
a rerun sends a few hundred KB whatever the data size.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import plotly.graph_objects as go

from gdviz.datasets import Dataset
from gdviz.field import Window, sample
from gdviz.figures.animation import f32, figure
from gdviz.figures.backdrop import Backdrop, backdrop
from gdviz.figures.charts import thin
from gdviz.figures.contour import RunView, descent_parts
from gdviz.figures.look import FEW_POINTS, INK, LIGHT_INKS, MANY_POINTS, RIM, RUNS
from gdviz.figures.panels import under
from gdviz.figures.prepared import typed
from gdviz.lessons.data.runs import Comparison

VARIANT_COLOURS = dict(zip(("batch", "sgd", "minibatch"), RUNS, strict=False))
MAX_SCATTER = 2_000
SPLIT = (0.47, 0.56)  # the contour ends and the scatter starts at these fractions of the width
DATA_PX = 260  # the data's plot under the contour, on a phone


def theta_window(solution: np.ndarray, start: np.ndarray) -> Window:
    """A square around the least-squares $\\theta^*$ that contains the start $\\theta_0$."""
    reach = 1.3 * float(np.max(np.abs(np.asarray(start) - solution)))
    reach = max(reach, 0.5, 0.05 * float(np.max(np.abs(solution))))
    (cx, cy) = solution
    return Window(cx - reach, cx + reach, cy - reach, cy + reach)


def theta_backdrop(
    problem, window: Window, height: int = 600, dark: bool = False, width: int = 580
) -> Backdrop:
    """The loss surface over θ-space, with axes and hover texts in θ and J (a plot about
    ``width`` pixels wide, at most ``height`` tall)."""
    return backdrop(
        sample(problem.value, window, 120),
        [tuple(problem.solution)],
        height,
        axis_titles=("θ₀ (intercept)", "θ₁ (slope)"),
        function_name="J",
        minimum_name="exact least-squares θ*",
        dark=dark,
        width=width,
    )


def comparison_figure(
    comparison: Comparison,
    dataset: Dataset,
    standardise: bool,
    background: Backdrop,
    stacked: bool = False,
) -> go.Figure:
    """Contour with each variant's path (left) and the data with its fitted line (right); with
    ``stacked`` (a phone), the data under the contour, both as wide as the figure."""
    runs = [
        RunView(run.label, run.animation, VARIANT_COLOURS[run.variant.name])
        for run in comparison.runs
    ]
    problem = comparison.problem
    label = partial(clock_label, comparison)
    data, layout, frame_list = descent_parts(background, runs, problem.gradient, label)
    layout["margin"] = layout["margin"] | {"r": 20, "t": 64}  # the legend below the mode bar
    if stacked:
        plot_px = layout["height"]
        taller, plot, (columns, rows) = under(plot_px, 1, margins=164, panel=DATA_PX)
        layout.update(height=taller, yaxis=layout["yaxis"] | {"domain": list(plot[1])})
    else:  # the backdrop's y-domain stays as is
        columns, rows = (SPLIT[1], 1.0), (0.0, 1.0)
        layout["xaxis"] = layout["xaxis"] | {"domain": [0.0, SPLIT[0]]}
    xs = np.array([dataset.x.min(), dataset.x.max()])
    pad = 0.04 * (xs[1] - xs[0])
    y_low, y_high = np.quantile(dataset.y, [0.0, 1.0]) if dataset.size else (0.0, 1.0)
    y_pad = 0.08 * (y_high - y_low or 1.0)
    layout["xaxis2"] = {
        "domain": list(columns),
        "anchor": "y2",
        "range": [xs[0] - pad, xs[1] + pad],
        "title": {"text": dataset.x_name},
    }
    layout["yaxis2"] = {
        "domain": list(rows),
        "anchor": "x2",
        "range": [y_low - y_pad, y_high + y_pad],
        "title": {"text": dataset.y_name},
    }
    points_on_top = dataset.size <= 50  # a few points: above the lines; a cloud: below
    if not points_on_top:
        data.append(_data_points(dataset))
    data.append(_exact_line(dataset, problem.solution, xs, standardise))
    lines = list(range(len(data), len(data) + len(runs)))
    for run in comparison.runs:
        final = dataset.line(run.animation.final_point, xs, standardise)
        data.append(
            dict(
                type="scatter",
                x=f32(xs),
                y=f32(final),
                mode="lines",
                xaxis="x2",
                yaxis="y2",
                name=run.label,
                showlegend=False,
                hoverinfo="skip",
                line={"color": VARIANT_COLOURS[run.variant.name], "width": 2.5},
            )
        )
    if points_on_top:
        data.append(_data_points(dataset))
    for frame in frame_list:
        tick = int(frame["name"])
        for run in comparison.runs:
            theta = run.animation.points[min(tick, run.animation.steps)]
            line = {"x": f32(xs), "y": f32(dataset.line(theta, xs, standardise))}
            frame["data"].append(typed(line))  # frames come encoded (figures.animation.figure)
        frame["traces"] = list(frame["traces"]) + lines
    return figure(data, layout, frame_list)


def clock_label(comparison: Comparison, tick: int) -> str:
    """'epoch 3.2 of 20' or 'step 150 of 1,000': how much of the budget has been spent."""
    spent, total = comparison.clock[tick], comparison.amount
    if comparison.clock[-1] > 1.01 * total:  # batch GD's one step is a whole epoch
        total = comparison.clock[-1]
    if comparison.budget == "epochs":
        return f"epoch {_amount(spent)} of {_amount(total)}"
    return f"step {spent:,.0f} of {total:,.0f}"


def _amount(value: float) -> str:
    """3 significant digits, without exponents: 0.0312, 2.5, 31.2, 1,000."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _data_points(dataset: Dataset) -> dict:
    """The data: all of it, or a fixed random sample of ``MAX_SCATTER`` points."""
    shown = np.arange(dataset.size)
    if dataset.size > MAX_SCATTER:
        shown = np.sort(np.random.default_rng(0).choice(dataset.size, MAX_SCATTER, replace=False))
    few = dataset.size <= 50
    return dict(
        type="scatter",
        x=f32(dataset.x[shown]),
        y=f32(dataset.y[shown]),
        mode="markers",
        xaxis="x2",
        yaxis="y2",
        name="data",
        showlegend=False,
        marker={
            "size": 10 if few else 4,
            "color": FEW_POINTS if few else MANY_POINTS,
            "line": {"color": RIM, "width": 1.5 if few else 0},
        },
        hovertemplate="(%{x:.4g}, %{y:.4g})<extra>data</extra>",
    )


def _exact_line(dataset: Dataset, solution, xs: np.ndarray, standardise: bool) -> dict:
    """The least-squares line, dashed."""
    return dict(
        type="scatter",
        x=f32(xs),
        y=f32(dataset.line(solution, xs, standardise)),
        mode="lines",
        xaxis="x2",
        yaxis="y2",
        name="least-squares line (θ*)",
        line={"color": INK, "width": 1.5, "dash": "dash"},
        hoverinfo="skip",
    )


def loss_figure(comparison: Comparison, height: int = 360) -> go.Figure:
    """Excess loss $J(\\theta) - J(\\theta^*)$ (log) against steps (log) and against epochs."""
    m, floor = comparison.problem.n_samples, comparison.problem.minimum
    traces = []
    for run in comparison.runs:
        keep = thin(len(run.history_steps))
        steps = run.history_steps[keep]
        excess = run.history.values[keep] - floor
        excess = np.where(excess > 0, excess, np.nan)
        style = {"color": VARIANT_COLOURS[run.variant.name], "width": 2}
        later = steps > 0  # log axis: from step 1
        traces += [
            {
                "type": "scatter",
                "x": f32(steps[later]),
                "y": f32(excess[later]),
                "mode": "lines+markers" if later.sum() < 30 else "lines",
                "name": run.label,
                "line": style,
                "marker": {"size": 5},
                "hovertemplate": "step %{x:,}: %{y:.4g}",
            },
            {
                "type": "scatter",
                "x": f32(steps * run.rows_per_step / m),
                "y": f32(excess),
                "xaxis": "x2",
                "mode": "lines+markers" if len(steps) < 30 else "lines",
                "name": run.label,
                "showlegend": False,
                "line": style,
                "marker": {"size": 5},
                "hovertemplate": "epoch %{x:.4g}: %{y:.4g}",
            },
        ]
    layout = {
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 40, "b": 50},
        "plot_bgcolor": LIGHT_INKS.plot,
        "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": {
            "domain": [0, 0.47],
            "type": "log",
            "title": {"text": "step k (log scale); a batch step costs m SGD steps"},
        },
        "xaxis2": {
            "domain": [0.56, 1],
            "anchor": "y",
            "title": {"text": "epochs = samples processed / m (equal cost)"},
        },
        "yaxis": {
            "type": "log",
            "exponentformat": "power",
            "title": {"text": "J(θ) − J(θ*)"},
        },
    }
    return figure(traces, layout)


def page_backdrop(
    problem, start, dark: bool = False, size=(600, 1000), stacked: bool = False
) -> Backdrop:
    """The animation's loss surface over θ-space for ``start`` = θ₀ (``size`` = (height, width)
    of the page's figure; ``stacked``: the scatter under the contour, for a phone). It does not
    depend on α, the optimizer or the budget, so a page can keep it while those change."""
    window = theta_window(problem.solution, np.asarray(start, dtype=float))
    height, width = size
    plot_width = width if stacked else int(width * SPLIT[0]) + 60
    return theta_backdrop(problem, window, height, dark, plot_width)


def page_figures(
    comparison: Comparison,
    dataset: Dataset,
    setup,
    background: Backdrop | None = None,
    stacked: bool = False,
) -> tuple[go.Figure, go.Figure]:
    """The page's two figures: the animated contour + scatter over ``background`` (by default
    :func:`page_backdrop` of the setup's start, light, 600 × 1000 px), and the loss curves."""
    if background is None:
        start = (setup.start_0, setup.start_1)
        background = page_backdrop(comparison.problem, start, stacked=stacked)
    animation = comparison_figure(comparison, dataset, setup.standardise, background, stacked)
    return animation, loss_figure(comparison)
