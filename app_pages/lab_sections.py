"""The learning-rate lab's sections: what each one computes and draws below the page's controls.

The page (``app_pages/learning_rate.py``) reads the controls into a :class:`Scene` and calls
``DRAW[section](scene)``; every section's work is cached for the whole class under the part of
the setup it uses (``scene.key``), so a student who changes one rate waits for that section only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from app_pages import instant_rate, views
from app_pages.state import LAB as FORM
from gdviz.field import Window
from gdviz.figures import basins as basin_figures
from gdviz.figures import cobweb
from gdviz.figures import lab as figures
from gdviz.figures.lab_sweep import sweep_figure
from gdviz.lessons.learning_rate import basins
from gdviz.lessons.learning_rate import runs as lab_runs
from gdviz.lessons.learning_rate import sweep as lab_sweep
from gdviz.lessons.learning_rate import theory as lab
from gdviz.lessons.learning_rate.setup import TEXT, LabSetup

P = FORM.prefix
theory = st.cache_resource(max_entries=64, show_spinner=False)(lab.theory)  # key: setup.theory_key


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(_work, setup: LabSetup):
    """``_work(setup, theory)``, e.g. ``lab_sweep.sweep`` (not hashed: ``setup.section`` is)."""
    return _work(setup, theory(setup.theory_key))


@dataclass(frozen=True)
class Scene:
    """What a section draws from: the setup, the part of it the section uses (``key``), the
    parsed function, its theory, the view, and the chart's height and theme."""

    setup: LabSetup
    key: LabSetup
    f: Any
    info: lab.Theory
    window: Window
    minima: tuple
    height: int
    dark: bool
    losses: bool  # the side-by-side's loss curves are shown


def intuition(setup: LabSetup) -> None:
    """The 1-D parabola's cobweb: α·f″ against 1 and 2 (needs no function or start)."""
    run, regime, product, sentence = lab_runs.parabola(
        setup.curvature, setup.rate_1d, setup.start_1d
    )
    st.markdown(f"{views.badge(regime, f'α·f″ = {product:.3g} → {regime}')} {sentence}")
    height = views.chart_height(300, least=360, most=640)
    views.chart(cobweb.intuition_figure(run, setup.curvature, setup.rate_1d, height),
                P + "intuition_chart")  # fmt: skip
    st.caption(TEXT["cobweb"])


def side(scene: Scene) -> None:
    """Each rate in its own panel (or all on one plot: ``overlay``), one Play for all."""
    setup, f, height = scene.setup, scene.f, scene.height
    runs = compute(lab_runs.side_by_side, scene.key)
    paths = figures.run_views(runs, setup.overlay)
    background = None
    columns, width = 1, views.chart_width()
    if not setup.overlay:
        columns, width, height = figures.side_by_side_size(
            scene.window, f.dimension, len(runs), width, height, views.on_a_phone()
        )
    if f.dimension == 2:
        background = views.cached_backdrop(setup.function, scene.window, scene.minima,
                                           scene.dark, height, width)  # fmt: skip
    if setup.overlay:
        chart = figures.paths_figure(f, scene.window, scene.minima, paths, background,
                                     height=height)  # fmt: skip
    else:
        zig_zag = {True: ", oscillating", False: ""}
        titles = [f"<b>{run.name}</b><br>{run.verdict.label}{zig_zag[run.verdict.oscillating]}"
                  for run in runs]  # fmt: skip
        chart = figures.side_by_side_figure(f, scene.window, scene.minima, paths, titles,
                                            background, height, columns)  # fmt: skip
    views.chart(chart, P + "side_chart")
    if scene.losses:
        views.chart(figures.losses_figure(paths, scene.info.f_star), P + "side_losses")


def instant(scene: Scene) -> None:
    """Every slider stop of α run at once: dragging α redraws in the browser, no rerun."""
    family = compute(lab_runs.instant_family, scene.key)
    instant_rate.show_family(family, scene.setup.function, scene.window, scene.minima,
                             f"Hessian {scene.info.where}")  # fmt: skip
    st.caption(TEXT["instant"])


def sweep(scene: Scene) -> None:
    """Steps to converge against α over a range, the regions named by the verdicts."""
    result = compute(lab_sweep.sweep, scene.key)
    st.markdown(views.heading(result.yours.name, result.yours.verdict))
    views.chart(sweep_figure(result, scene.height), P + "sweep_chart")
    st.caption(TEXT["sweep"].format(count=len(result.rates), steps=scene.setup.max_steps))


def schedules(scene: Scene) -> None:
    """Your α under each schedule: the loss and αₖ per step, and a verdict table."""
    runs = compute(lab_runs.schedule_runs, scene.key)
    views.chart(figures.schedules_figure(runs, scene.info.f_star, scene.height),
                P + "schedules_chart")  # fmt: skip
    st.markdown(views.verdict_table(runs, "Schedule"))
    st.caption(TEXT["schedules"])


def basin_map(scene: Scene) -> None:
    """A grid of starts, each coloured by the minimum (or kind of end) it reached."""
    setup = scene.setup
    if scene.f.dimension != 2:
        st.info(TEXT["basins_1d"])
        return
    found = views.kept(scene.key, basins.basin_map, f"Running {setup.resolution**2:,} starts…")
    chart = basin_figures.basin_figure(found, (setup.start_x, setup.start_y), scene.height,
                                       dark=scene.dark)  # fmt: skip
    views.chart(chart, P + "basin_chart")
    st.caption(TEXT["basins"].format(steps=setup.basin_steps))


DRAW = {"side": side, "instant": instant, "sweep": sweep, "schedules": schedules,
        "basins": basin_map}  # fmt: skip
