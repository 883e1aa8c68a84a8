"""The Predict page's short words about a challenge: choice labels and ticks, the sentences
for a setup that cannot be asked, the one-line verdict of each question and the setup described
without giving the answer away. The two lines of theory under an answer are
:mod:`gdviz.lessons.predict.explanations`. Numbers come in as arguments; nothing here runs
anything.

>>> letter(1), point((3.0, 2.0)), lower_first("Converged: ‖∇f‖ < 1e-06")
('B', '(3, 2)', 'converged: ‖∇f‖ < 1e-06')
"""

from __future__ import annotations

import numpy as np

from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES

OUTCOMES = {
    "too_slow": "creeps: too slow to get there within the budget",
    "converges": "converges",
    "oscillates": "oscillates but converges",
    "diverges": "diverges",
    "unbounded": "runs off to −∞",
    "saddle": "stops at a saddle point",
}
OUTCOME_TICKS = {
    "too_slow": "creeps",
    "converges": "converges",
    "oscillates": "oscillates, converges",
    "diverges": "diverges",
    "unbounded": "runs off to −∞",
    "saddle": "stops at a saddle",
}
OUTCOME_VERBS = {
    "too_slow": "creeps, too slow for its budget",
    "converges": "converges",
    "oscillates": "oscillates but converges",
    "diverges": "diverges",
    "unbounded": "runs off to −∞",
    "saddle": "stops at a saddle point",
}
VARIANTS = {"batch": "Batch GD", "sgd": "SGD", "minibatch": "Mini-batch"}
NOTHING_CONVERGES = "No α between {:.3g} and {:.3g} converges within {:,} steps."
EVERYTHING_CONVERGES = "Every α up to {:.3g} converges here, so there is no threshold to guess."
ONE_MINIMUM = "“Where will it end?” needs a function with at least two minima in view."
CANNOT = {
    "cycling": "This run neither converges nor diverges (it cycles at the edge of stability), "
    "so “What will this run do?” has no fair answer here. Change α a little.",
    "undefined": "f is not defined where this run goes (it leaves the function's domain), so "
    "this question has no fair answer here.",
    "unbounded": "This run runs off to −∞, which is not among this question's answers.",
    "saddle": "This run stops at a saddle point, which is not among this question's answers.",
}


def letter(index: int) -> str:
    return "ABCDEFGH"[index]


def point(values) -> str:
    """'(3, 2)': three significant digits, rounding noise shown as 0."""
    shown = [0.0 if abs(v) < 1e-6 else float(v) for v in np.atleast_1d(values)]
    return "(" + ", ".join(f"{v + 0.0:.3g}" for v in shown) + ")"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def cannot_ask(answer: str) -> str:
    return CANNOT.get(answer, f"This run's answer ({answer}) is not among the choices.")


def outcome_label(answer: str, budget: int) -> str:
    if answer == "too_slow":
        return f"creeps: too slow to get there within {budget:,} steps"
    return OUTCOMES[answer]


def threshold_verdict(largest: float, challenge) -> str:
    return (
        f"The largest α that still converges within {challenge.max_steps:,} steps is "
        f"about {largest:.4g}."
    )


def race_verdict(winners, steps: dict, budget: int) -> str:
    if winners == ("none",):
        return f"None of them converges within {budget:,} steps."
    names = " and ".join(OPTIMIZERS[n].display_name for n in winners)
    return f"{names} gets there first ({steps[winners[0]]:,} steps)."


def basin_verdict(answer: str, minima, trajectory) -> str:
    if answer == "none":
        return f"It ends at none of the marked minima: {lower_first(trajectory.message)}"
    index = "ABCDEFGH".index(answer)
    return f"It ends at {answer} {point(minima[index])} after {int(trajectory.steps):,} steps."


def variants_verdict(winners, distances: dict) -> str:
    names = " and ".join(VARIANTS[n] for n in winners)
    return f"{names} ends closest to θ* ({distances[winners[0]]:.3g} away)."


def describe(challenge) -> str:
    """The setup in one sentence, without anything that gives the answer away."""
    start = point((challenge.start_x, challenge.start_y))
    if challenge.question == "variants":
        source = (
            f"{challenge.n:,} generated points, y = 1 + 2x + noise with x from 0 to 10"
            if challenge.data == "generated"
            else "the seed's 3 points"
        )
        scaled = ", x standardised" if challenge.standardise else ""
        if challenge.optimizer != "gd":
            scaled += f" ({OPTIMIZERS[challenge.optimizer].display_name} steps)"
        return (
            f"Data: {source}{scaled}. Batch GD, SGD and mini-batch (b = {challenge.batch_size}) "
            f"each get {challenge.epochs:g} pass over it with the same α = "
            f"{challenge.learning_rate:g}, from θ₀ = {start}."
        )
    names = challenge.racers if challenge.question == "race" else (challenge.optimizer,)
    shown = [OPTIMIZERS[name].display_name for name in names]
    optimizer = " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
    each = " each" if len(shown) > 1 else ""
    rate = (
        "" if challenge.question == "threshold" else f"{each} with α = {challenge.learning_rate:g}"
    )
    if challenge.schedule != "constant":
        rate += f" ({SCHEDULES[challenge.schedule].display_name.lower()} schedule)"
    tests = [f"‖∇f‖ < {challenge.grad_tol:g}"] if challenge.grad_tol else []
    tests += [f"|Δf| < {challenge.value_tol:g}"] if challenge.value_tol else []
    stop = f", stopping when {' or '.join(tests)}" if tests else ", with no convergence test"
    return f"{optimizer}{rate}, from θ₀ = {start}, at most {challenge.max_steps:,} steps{stop}."
