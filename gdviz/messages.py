"""Every word a student reads about a run, in one table (scipy.optimize's ``_status_message``).

``KINDS`` holds, for each kind of verdict, what it means and, for each of its causes, a short
label (legends, badges) and a message; ``ADVICE`` what would help; ``STOPS`` the engine's bare
facts (which stop rule fired), for runs read without their problem. The rules that choose
between them live in :mod:`gdviz.verdicts`; this module only fills in numbers (written by
:mod:`gdviz.formatting`).

>>> label, message = say("diverging", "growing", {"onset": 4, "step": 500, "f_before": "18",
...     "f_end": "5.74e9"})
>>> label
'diverging from step 4'
>>> message
'Diverging from step 4: f grew from 18 to 5.74e9 by step 500 and never came back down.'
>>> went(6.25, 6.25), went(2.0, 1.0), went(1.0, float("nan"))
('unchanged', 'down', 'undefined')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.formatting import number, steps


@dataclass(frozen=True)
class Kind:
    """One kind of verdict: what it means, and a (label, message) pair per cause."""

    meaning: str
    causes: dict[str, tuple[str, str]]


KINDS: dict[str, Kind] = {
    "converged": Kind(
        "at a local minimum: f rises in every direction around the end point",
        {
            "gradient": (
                "converged {in_steps}",
                "Converged to a local minimum: ‖∇f‖ < {grad_tol} {after}.",
            ),
            "value": (
                "converged {in_steps}",
                "Converged to a local minimum: |Δf| < {value_tol} {after}.",
            ),
            "settled": (
                "converged {in_steps}",
                "Converged to a local minimum {in_steps}: after that the steps were rounding "
                "noise, but no stop rule fired, so it ran to the step limit ({limit_steps}).",
            ),
        },
    ),
    "saddle": Kind(
        "stopped at a critical point that is not a minimum: a saddle, a maximum, a flat "
        "shoulder or a plateau",
        {
            "saddle": (
                "stopped at a saddle",
                "Stopped at a saddle point {after}: ∇f ≈ 0 at θ = {point}, but f is lower "
                "nearby, so this is not a minimum.",
            ),
            "maximum": (
                "stopped at a maximum",
                "Stopped at a maximum {after}: ∇f ≈ 0 at θ = {point}, but f is lower in "
                "every direction, so this is not a minimum.",
            ),
            "shoulder": (
                "stopped on a shoulder",
                "Stopped on a flat shoulder {after}: ∇f ≈ 0 at θ = {point}, but beyond it f "
                "keeps falling the way the run was going (an inflection, or f levelling off), "
                "so this is not a minimum.",
            ),
            "plateau": (
                "stopped on a plateau",
                "Stopped on a plateau {after}: around θ = {point} f does not change (to "
                "machine precision), so there is no minimum to find here.",
            ),
        },
    ),
    "too_slow": Kind(
        "the step limit came while the run was still descending",
        {
            "step_limit": (
                "still descending after {steps}",
                "Not converged yet: still descending after {steps} (f = {f_end}, ‖∇f‖ = "
                "{grad}) when the step limit stopped it.",
            ),
            "value_rule": (
                "still descending after {steps}",
                "Stopped by |Δf| < {value_tol} after {steps}, but not at a minimum: f was "
                "still falling, slowly (‖∇f‖ = {grad}).",
            ),
            "no_steps": ("no steps taken", "No steps taken: the step limit is 0."),
        },
    ),
    "cycling": Kind(
        "bounded, neither converging nor diverging",
        {
            "bounce": (
                "cycling after {steps}",
                "Cycling: after {steps} the run neither settles nor grows; f keeps bouncing "
                "between {f_low} and {f_high}.",
            ),
        },
    ),
    "diverging": Kind(
        "growing without bound",
        {
            "growing": (
                "diverging from step {onset}",
                "Diverging from step {onset}: f grew from {f_before} to {f_end} by step {step} "
                "and never came back down.",
            ),
            "threshold": (
                "diverging from step {onset}",
                "Diverging from step {onset}: f grew from {f_before} to {f_end} and never came "
                "back down; stopped at step {step}, where f had moved more than {threshold} × "
                "max(1, |f(θ₀)|) from f(θ₀).",
            ),
            "overflow": (
                "diverging from step {onset}",
                "Diverging from step {onset}: f grew from {f_before} until the numbers "
                "overflowed at step {step}.",
            ),
        },
    ),
    "unbounded": Kind(
        "f keeps falling as θ runs off: no minimum that way",
        {
            "falls": (
                "no minimum that way",
                "No minimum that way: f fell to {f_end} as θ moved off to {point}, and f keeps "
                "falling further along that direction.",
            ),
            "threshold": (
                "no minimum that way",
                "No minimum that way: f fell to {f_end} as θ ran off to {point} (stopped at "
                "step {step}).",
            ),
            "overflow": (
                "no minimum that way",
                "No minimum that way: f fell without bound until the numbers overflowed at "
                "step {step}.",
            ),
        },
    ),
    "undefined": Kind(
        "f or ∇f is not defined where the run went or started",
        {
            "start_value": (
                "undefined at the start",
                "Cannot start at θ₀ = {point}: f is not defined there ({f_end}).",
            ),
            "start_gradient": (
                "undefined at the start",
                "Cannot start at θ₀ = {point}: f = {f_end} there, but ∇f is not defined (0/0, "
                "as at the tip of a cone or a cusp).",
            ),
            "value": (
                "undefined at step {step}",
                "Undefined at step {step}: the path left f's domain (at θ = {point}, f = {f_end}).",
            ),
            "gradient": (
                "undefined at step {step}",
                "Undefined at step {step}: at θ = {point} ∇f is not defined (f = {f_end}).",
            ),
            "pole": (
                "jumped a pole at step {step}",
                "Undefined at step {step}: the step from θ = {before} to {point} jumped over a "
                "point where f is infinite (or jumps), so what came after says nothing about "
                "a minimum.",
            ),
        },
    ),
    "stalled": Kind(
        "the learning rate reached 0 before anything else",
        {
            "zero_rate": (
                "stalled at step {step}",
                "Stalled: the learning rate fell to {rate} at step {step}, so the run froze at "
                "θ = {point} with ‖∇f‖ = {grad}, not at a minimum.",
            ),
        },
    ),
}

NAMES: dict[str, str] = {  # each kind in a word or three: legends, sweep regions, basin maps
    "converged": "converged",
    "saddle": "stopped at a saddle or maximum",
    "too_slow": "too slow",
    "cycling": "cycling",
    "diverging": "diverging",
    "unbounded": "no minimum that way",
    "undefined": "undefined",
    "stalled": "stalled",
}
assert NAMES.keys() == KINDS.keys()

FORMULAS = {"gd": "2/λmax", "momentum": "2(1+μ)/λmax", "nesterov": "2(1+μ)/((1+2μ)λmax)"}
EXACT = "exact for this quadratic"
LOCAL = "a local estimate from the curvature at θ = {where}"

ADVICE: dict[str, str] = {
    "smaller_limit": "The learning rate is too large for this function: try α < {limit} "
    "({formula}, {exactness}).",
    "smaller": "The steps are too large here: try a smaller learning rate (e.g. α = {tenth}).",
    "smaller_adaptive": "{optimizer} has no 2/λmax limit: try a smaller learning rate "
    "(e.g. α = {tenth}).",
    "cycling_limit": "α sits at the stability limit {formula} = {limit} ({exactness}): try a "
    "smaller α{best_clause}.",
    "cycling_above": "α is above the stability limit {formula} = {limit} ({exactness}), yet f "
    "stays bounded here: try α < {limit}{best_clause}.",
    "cycling": "Try a smaller α, or a decaying schedule (step decay, inverse time) so that the "
    "steps shrink and it settles.",
    "overshoot": "Each step overshoots along the steep direction: a smaller α settles "
    "faster{best_clause}.",
    "larger": "Allow more steps, or try a larger α: up to α* = 2/(λmin+λmax) = {best}, the "
    "fastest constant step ({exactness}).",
    "larger_below": "Allow more steps, or try a larger α (below {limit}, {formula}, where "
    "steps start to diverge).",
    "larger_plain": "Allow more steps, or try a larger learning rate.",
    "conditioned": "Allow more steps: α is already near the fastest constant step α* = {best}; "
    "the valley is κ = {kappa} times more curved across than along, so try momentum.",
    "stopped_early": "Lower the |Δf| tolerance (or stop on ‖∇f‖ instead), or allow more steps.",
    "no_steps": "Allow at least one step.",
    "unbounded": "No learning rate changes that: start elsewhere, or change f so that it is "
    "bounded below (for example add x^2).",
    "saddle": "No learning rate changes where ∇f = 0: nudge the start a little off this point "
    "(towards {downhill}), or use momentum, which can coast past it.",
    "maximum": "No learning rate changes where ∇f = 0: start anywhere else, every direction "
    "leads down from here.",
    "shoulder": "No learning rate changes where ∇f ≈ 0, and there is no minimum that way: "
    "momentum would coast on; a start elsewhere may find one.",
    "plateau": "Start where f changes: no learning rate helps where ∇f is 0 to machine precision.",
    "start_value": "Choose a start where f is defined; no learning rate changes that.",
    "start_gradient": "Nudge the start off this point (e.g. add 0.01 to x₀); no learning rate "
    "changes that.",
    "value": "Shorter steps (a smaller α) may keep the path inside f's domain; or start farther "
    "from its edge.",
    "gradient": "A slightly different start or α avoids landing exactly there.",
    "pole": "Use a smaller α so that no step jumps the pole, or start on the side where the "
    "minimum you want lies.",
    "stalled": "Keep α above 0 for longer: a longer schedule (larger T), a minimum rate "
    "η_min > 0, or a constant α.",
}

BEST_CLAUSE = ", e.g. α* = 2/(λmin+λmax) = {best}"

RATE_AGAINST_LIMIT = {  # α against a stability limit, for hints before a run
    "below": "stable",
    "at": "exactly at the stability limit: expect it to cycle, neither settling nor growing",
    "above": "too large: expect divergence",
}
NO_CONDITION = "no condition number (the Hessian is not positive definite here)"

STOPS: dict[str, str] = {
    "converged_gradient": "Stopped after {steps}: ‖∇f‖ < {grad_tol}.",
    "converged_value": "Stopped after {steps}: |Δf| < {value_tol}.",
    "max_steps": "Stopped at the step limit ({steps}): ‖∇f‖ = {grad}.",
    "diverged": "Stopped at step {step}: f moved more than {threshold} × max(1, |f(θ₀)|) from "
    "f(θ₀).",
    "not_finite": "Stopped at step {step}: f, ∇f or θ is not a finite number there.",
}


class Lazy(dict):
    """Numbers for a template, each computed only if the template asks for it (a value may
    be a function of nothing)."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return value() if callable(value) else value


def say(kind: str, cause: str, numbers: dict) -> tuple[str, str]:
    """The (label, message) of ``kind`` for ``cause``, with ``numbers`` (text) filled in."""
    label, message = KINDS[kind].causes[cause]
    return label.format_map(numbers), message.format_map(numbers)


def advise(key: str, numbers: dict | None = None) -> str:
    return ADVICE[key].format_map(numbers or {})


def stop_fact(trajectory) -> str:
    """The engine's own account of a single run: which stop rule fired, no interpretation."""
    status, n = str(trajectory.status), int(trajectory.steps)
    if status == "diverged" and not _finite_end(trajectory):
        status = "not_finite"
    rules = trajectory.rules
    return STOPS[status].format(
        steps=steps(n),
        step=n,
        grad_tol=number(rules.grad_tol),
        value_tol=number(rules.value_tol),
        grad=number(trajectory.grad_norms[-1]),
        threshold=number(rules.divergence_threshold),
    )


def _finite_end(trajectory) -> bool:
    return bool(np.isfinite(trajectory.values[-1]) and np.all(np.isfinite(trajectory.points[-1])))


def went(before: float, after: float) -> str:
    """Which way f went in one step: 'down', 'up', 'unchanged' (equal to 1e-13), 'undefined'."""
    if not (np.isfinite(before) and np.isfinite(after)):
        return (
            "undefined"
            if np.isnan(before) or np.isnan(after)
            else "up"
            if after > before
            else "down"
        )
    if abs(after - before) <= 1e-13 * max(abs(before), abs(after)):
        return "unchanged"
    return "down" if after < before else "up"


def rate_against_limit(rate: float, limit: float) -> str:
    """'stable', 'exactly at the stability limit: …' or 'too large: …' (equal to 1e-9).

    >>> rate_against_limit(0.1, 0.1)[:30], rate_against_limit(0.101, 0.1)[:9]
    ('exactly at the stability limit', 'too large')
    """
    if abs(rate - limit) <= 1e-9 * abs(limit):
        return RATE_AGAINST_LIMIT["at"]
    return RATE_AGAINST_LIMIT["above" if rate > limit else "below"]


def condition(kappa: float) -> str:
    """'κ = 10', or a sentence instead of 'κ = inf' where the Hessian is not positive definite."""
    return f"κ = {number(kappa)}" if np.isfinite(kappa) and kappa > 0 else NO_CONDITION
