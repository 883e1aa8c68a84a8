"""The step drawn in the animated figure: arrows as long as α‖∇J‖ and ‖Δ‖ (times the factor the
frame states), the memory, and f / ‖∇f‖ / α markers at every frame's own step."""

from __future__ import annotations

import numpy as np
import pytest
from test_figures import arrays_in, decoded
from test_step_state import BOWL, START, make

from gdviz import descend
from gdviz.field import Window, sample
from gdviz.figures.backdrop import backdrop
from gdviz.figures.contour import RunView, descent_figure
from gdviz.figures.panels import metric_panels, panel_height, under
from gdviz.figures.step_arrows import ROOM, magnification, shapes_at, step_arrows
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import exponential
from gdviz.step_state import direction_and_scale, replay

WINDOW = Window(-3, 3, -2, 2)
LABEL = 8  # the step label of a one-run contour (gdviz/figures/contour.py's trace order)
DIAGONAL = float(np.hypot(6, 4))
PLOT_BOX, PANELS_BOX = ((0.0, 0.58), (0.0, 1.0)), ((0.68, 1.0), (0.0, 1.0))  # side by side


def animated(name: str, step: int | None = None, place=(PANELS_BOX, PLOT_BOX)):
    optimizer = make(name, exponential(0.05, 0.99))
    run = descend(BOWL, START, optimizer, max_steps=400)
    steps = replay(BOWL.gradient, run, optimizer)
    runs = [RunView(name, run, "#D7263D")]
    layers = [step_arrows(steps, "#D7263D", name, WINDOW),
              metric_panels(runs, True, place[0], 2, plot=place[1])]  # fmt: skip
    background = backdrop(sample(BOWL.value, WINDOW, 40))
    figure = descent_figure(background, runs, BOWL.gradient, layers=layers, step=step,
                            inspected=0, first_steps=12).to_dict()  # fmt: skip
    return figure, run, steps


def trace_index(figure: dict, prefix: str) -> int:
    return next(
        i for i, t in enumerate(figure["data"]) if str(t.get("name", "")).startswith(prefix)
    )


def patch(frame: dict, index: int) -> dict:
    return frame["data"][frame["traces"].index(index)]


def points(part: dict) -> np.ndarray:
    """A patch's points, shape (n, 2): plain lists (None = a gap) or typed arrays."""

    def values(array):
        return decoded([np.nan if v is None else v for v in array] if isinstance(array, list)
                       else array)  # fmt: skip

    return np.stack([values(part["x"]), values(part["y"])], axis=1)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_drawn_arrows_are_as_long_as_the_gradient_step_and_the_step_taken(name):
    figure, run, steps = animated(name)
    said, did = trace_index(figure, "−α∇J"), trace_index(figure, "Δ:")
    checked = 0
    for frame in figure["frames"]:
        k = int(frame["name"])
        gradient_arrow, update_arrow = points(patch(frame, said)), points(patch(frame, did))
        if k >= run.steps:  # the last point: no step, nothing drawn (the legend stays)
            assert np.isnan(gradient_arrow).all() and np.isnan(update_arrow).all()
            continue
        step = steps.step(k)
        times = magnification(steps, k, DIAGONAL)
        np.testing.assert_allclose(gradient_arrow[0], run.points[k], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(
            np.linalg.norm(np.diff(gradient_arrow, axis=0)),
            times * step.learning_rate * run.grad_norms[k],
            rtol=1e-5,
            atol=1e-6,  # the tips are sent with 7 significant digits
        )
        np.testing.assert_allclose(np.linalg.norm(np.diff(update_arrow, axis=0)),
                                   times * np.linalg.norm(run.points[k + 1] - run.points[k]),
                                   rtol=1e-5, atol=1e-6)  # fmt: skip
        if times == 1:  # true scale: the step's arrow ends on the path's next point
            np.testing.assert_allclose(update_arrow[1], run.points[k + 1], rtol=1e-6, atol=1e-7)
        label = patch(frame, LABEL)["text"][0]  # the frame's own label says the factor
        assert label.startswith(f"  step {k} · f = ")
        assert (times == 1) == ("arrows drawn ×" not in label), label
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentums_arrow_is_the_velocitys_share_of_the_step(name):
    _, run, steps = animated(name)
    mu = steps.hyperparameters["momentum"]
    for k in (0, 1, 5, 40):
        shapes, step = shapes_at(steps, k), steps.step(k)
        velocity = step.before.velocity if name == "momentum" else step.after.velocity
        np.testing.assert_allclose(
            np.diff(shapes["memory"], axis=0)[0],
            -step.learning_rate * mu * velocity,
            rtol=1e-9,
            atol=1e-15,
        )
        np.testing.assert_allclose(shapes["memory"][1], run.points[k + 1], rtol=1e-12)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_the_step_lands_on_the_per_coordinate_scale_ellipse(name):
    _, run, steps = animated(name)
    for k in (0, 1, 7, 60):
        shapes, step = shapes_at(steps, k), steps.step(k)
        ellipse = shapes["memory"]
        radii = (ellipse.max(axis=0) - ellipse.min(axis=0)) / 2
        direction, scale = direction_and_scale(steps, k)
        np.testing.assert_allclose(radii, step.learning_rate * np.linalg.norm(direction) * scale,
                                   rtol=1e-6)  # fmt: skip
        np.testing.assert_allclose(np.sum((step.update / radii) ** 2), 1.0, rtol=1e-6)


def test_gd_draws_no_memory():
    figure, _, _ = animated("gd")
    names = [str(trace.get("name")) for trace in figure["data"]]
    assert "Δ: gd did" in names and not any("share" in n or "scale" in n for n in names)


UNDER = under(430, 3)[:0:-1]  # a phone's: the panels' box, then the plot's above it


@pytest.mark.parametrize("place", [(PANELS_BOX, PLOT_BOX), UNDER], ids=["beside", "under"])
@pytest.mark.parametrize("name", ["gd", "adam"])
def test_every_panel_marks_the_frames_own_step(name, place):
    figure, run, _ = animated(name, place=place)
    markers = next(i for i, t in enumerate(figure["data"])
                   if t.get("mode") == "markers" and t.get("xaxis") not in (None, "x"))  # fmt: skip
    overlay, layout = figure["data"][markers]["xaxis"], figure["layout"]
    assert overlay == "x5" and layout["yaxis5"]["range"] == list(place[0][1])  # paper heights
    assert layout["yaxis5"]["domain"] == list(place[0][1])
    panels = [(layout[f"yaxis{n}"], layout[f"xaxis{n}"]) for n in (2, 3, 4)]
    tops = [axis["domain"][1] for axis, _ in panels]
    assert tops == sorted(tops, reverse=True) and tops[0] <= place[0][1][1]  # in the box, stacked
    assert layout["yaxis"]["domain"] == list(place[1][1])  # the plot keeps its own box
    if place == UNDER:  # the plot above every panel, all as wide as the figure
        assert layout["yaxis"]["domain"][0] > tops[0]
        assert layout["xaxis"]["domain"] == [0.0, 1.0] == panels[0][1]["domain"]
    assert [axis["title"]["text"] for axis, _ in panels] == ["f(θ)", "‖∇f(θ)‖", "learning rate α"]
    lines = [t for t in figure["data"] if t.get("xaxis") == overlay and t.get("mode") == "lines"]
    assert len(lines) == 3  # every panel's line is on the overlay too: it stays during playback
    series = (run.values, run.grad_norms, run.learning_rates)
    for frame in figure["frames"]:
        k = int(frame["name"])
        part = patch(frame, markers)  # one trace holds every panel's marker
        for (axis, _), values, x, y in zip(panels, series, part["x"], part["y"], strict=True):
            if k < len(values):
                assert x == k
                log = axis["type"] == "log"
                paper = float(panel_height(values[k], axis["domain"], axis["range"], log))
                assert axis["domain"][0] - 1e-9 <= paper <= axis["domain"][1] + 1e-9
                assert y == pytest.approx(paper, rel=1e-6, abs=1e-9)  # on its panel's ticks
            else:  # no rate at the last point: no marker on the α panel
                assert x is None
    for _, axis in panels:  # fixed ranges: no axis is measured again during playback
        assert axis["range"] == [-0.02 * run.steps, 1.02 * run.steps]


def test_the_figure_opens_at_the_chosen_step_with_its_slider_there():
    figure, run, _ = animated("momentum", step=7)
    slider = figure["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["value"] == "7"
    frame = next(f for f in figure["frames"] if f["name"] == "7")
    for index, part in zip(frame["traces"], frame["data"], strict=True):
        for axis in ("x", "y", "text"):
            if axis in part:
                assert figure["data"][index][axis] == part[axis]  # drawn as frame 7 draws it
    names = [int(f["name"]) for f in figure["frames"]]
    assert names[:12] == list(range(12)) and names[-1] == run.steps  # the first steps, one by one


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_magnified_step_stays_inside_the_window(name):
    """Magnified (a short Δ), no drawing of the step reaches past ROOM of the diagonal: the
    gradient's arrow keeps its tip on the map even where Adam steps far shorter than GD."""
    _, run, steps = animated(name)
    for k in range(steps.steps):
        times = magnification(steps, k, DIAGONAL)
        if times == 1:
            continue
        for shape in shapes_at(steps, k, times).values():
            if len(shape):
                reach = np.linalg.norm(shape - run.points[k], axis=-1).max()
                assert reach <= ROOM * DIAGONAL * (1 + 1e-9), (k, times)


def test_the_dark_look_keeps_the_overlay_see_through_and_recolours_the_memory():
    """look.restyle on the one animated figure: the panels' overlay must stay see-through (an
    opaque plot area over the panels hides their grid), the memory takes its dark colour."""
    from gdviz.figures.look import DARK_OF, MEMORY, TRANSPARENT, Look, restyle

    optimizer = make("adam", exponential(0.05, 0.99))
    run = descend(BOWL, START, optimizer, max_steps=50)
    steps = replay(BOWL.gradient, run, optimizer)
    runs = [RunView("adam", run, "#D55E00")]
    layers = [step_arrows(steps, "#D55E00", "Adam", WINDOW),
              metric_panels(runs, True, PANELS_BOX, 2, plot=PLOT_BOX)]  # fmt: skip
    plain = descent_figure(backdrop(sample(BOWL.value, WINDOW, 40)), runs, BOWL.gradient,
                           layers=layers, inspected=0)  # fmt: skip
    dark = restyle(plain, Look(dark=True)).to_dict()
    assert dark["layout"]["plot_bgcolor"] == TRANSPARENT
    memory = next(t for t in dark["data"] if t.get("name") == "scale per coordinate")
    assert memory["line"]["color"] == DARK_OF[MEMORY]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_frames_come_encoded(name):
    """figure() sends frames as they are: every patch a layer or path adds is encoded already
    (a NumPy array left in a frame would go out as a long list of decimals)."""
    figure, run, _ = animated(name)
    assert len(figure["frames"]) > 12 and arrays_in(figure["frames"]) == 0
