"""Verdicts in a real headless Chromium: a run of one step and the saddle, each with the core
verdict's words (messages.KINDS) in its banner and no traceback anywhere."""

from __future__ import annotations

import numpy as np
from e2e_helpers import no_exceptions, open_page
from playwright.sync_api import Page

from gdviz import descend, optimizers, parse_objective, verdict
from gdviz.presets import PRESETS


def alerts(page: Page) -> str:
    return "\n".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


def core_verdict(preset: str, rate: float | None = None):
    """The verdict the Playground's default run of ``preset`` gets (α from the URL if given)."""
    chosen = PRESETS[preset]
    problem = parse_objective(chosen.text)
    rate = chosen.learning_rate if rate is None else rate
    run = descend(problem, np.array(chosen.start, dtype=float), optimizers.gd(rate),
                  max_steps=chosen.max_steps, grad_tol=1e-6)  # fmt: skip
    return verdict(problem, run)


def test_a_one_step_run_shows_its_verdict_and_the_inspector(page: Page, app_url: str):
    found = core_verdict("Parabola (1-D)", 0.5)
    assert found.kind == "converged" and found.step == 1
    open_page(page, f"{app_url}/?preset=Parabola+(1-D)&lr=0.5")
    no_exceptions(page)
    shown = alerts(page)
    assert found.message in shown and "Converged to a local minimum" in shown
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 steps" not in body and "Traceback" not in body
    assert "Step 1: the end of the run" in body  # the inspector of a one-step run, at its end


def test_the_saddle_preset_shows_its_verdict(page: Page, app_url: str):
    found = core_verdict("Saddle")
    assert found.kind in ("unbounded", "saddle")
    open_page(page, f"{app_url}/?preset=Saddle")
    no_exceptions(page)
    shown = alerts(page)
    assert found.message in shown and found.advice in shown
    assert "smaller learning rate" not in shown and "larger learning rate" not in shown
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
