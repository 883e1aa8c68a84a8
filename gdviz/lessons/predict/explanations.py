r"""The two lines of theory the Predict page shows under an answer: they tie a run to
$\alpha\lambda_{max}$ against 1 and 2, $\kappa$ and momentum's limit. Numbers come in as
arguments (from the engine and :mod:`gdviz.lessons.predict.theory`); nothing here runs anything.

>>> _product_sentence(0.09, 20.0).split(":")[0]
'α·λmax = 0.09 × 20 = 1.8, between 1 and 2'
"""

from __future__ import annotations

import math

from gdviz.lessons.predict.words import VARIANTS, point
from gdviz.optimizers import OPTIMIZERS


def _where(theory) -> str:
    if theory.exact:
        return "exact, since f is a quadratic"
    return f"from the Hessian at {point(theory.point)}: a local estimate"


def _limit_formula(name: str, momentum: float) -> str:
    return {
        "gd": "2/λmax",
        "momentum": f"2(1+μ)/λmax (μ = {momentum:g})",
        "nesterov": f"2(1+μ)/((1+2μ)λmax) (μ = {momentum:g})",
    }[name]


def _product_sentence(rate: float, largest: float) -> str:
    """What α·λmax says about the steep direction."""
    product = rate * largest
    head = f"α·λmax = {rate:g} × {largest:.4g} = {product:.3g}"
    if product < 1:
        return (
            f"{head} < 1: each step shrinks the steep direction by the factor "
            f"1 − αλmax = {1 - product:.3g}, never overshooting."
        )
    if product < 2:
        return (
            f"{head}, between 1 and 2: each step overshoots the steep direction (its sign "
            f"flips) yet shrinks it by |1 − αλmax| = {abs(1 - product):.3g}."
        )
    return (
        f"{head} > 2: each step multiplies the steep direction by |1 − αλmax| = "
        f"{abs(1 - product):.3g} > 1, so it grows."
    )


def explain_outcome(challenge, did: str, theory, trajectory) -> tuple[str, str]:
    """Two lines: what the curvature says, and why this run did what it did."""
    name, rate, budget = challenge.optimizer, challenge.learning_rate, challenge.max_steps
    largest, smallest = theory.largest, theory.smallest
    if did in ("saddle", "unbounded"):
        eig = ", ".join(f"{v:.3g}" for v in theory.eigenvalues)
        end = point(trajectory.points[-1]) if did == "saddle" else ""
        if did == "saddle":
            return (
                f"∇f = 0 at the saddle {end} too, so the test ‖∇f‖ < "
                f"{challenge.grad_tol:g} cannot tell it from a minimum.",
                "Started exactly on the ridge, nothing pushes the path off it; the smallest "
                "offset across it would grow at every step and escape.",
            )
        return (
            "f has no minimum in the direction the path escaped along: it falls forever "
            f"(the Hessian's eigenvalues near the start: {eig}).",
            "No learning rate fixes that: gradient descent only follows the slope, and "
            "this slope goes down to −∞.",
        )
    if not largest > 0 or not math.isfinite(largest):
        return (
            "There is no positive curvature here, so theory gives no learning-rate limit.",
            trajectory.message,
        )
    if name in ("adagrad", "rmsprop", "adam"):
        spec = OPTIMIZERS[name].display_name
        first = (
            f"{spec} divides each step by a running root-mean-square of the gradient, so "
            f"steps are about α = {rate:g} long per coordinate whatever the curvature: "
            "there is no 2/λmax limit."
        )
        second = {
            "oscillates": "Near the minimum the gradient shrinks but its running average lags, "
            "so steps stay near α and overshoot before the averages settle.",
            "converges": "Steps shrink as the gradient's running averages follow it down, so it "
            "settles in without overshooting.",
            "too_slow": f"Steps of about α = {rate:g} are too short to cover the distance to "
            f"the minimum within {budget:,} steps.",
            "diverges": "Even rescaled steps of length α can overshoot into steeper ground here.",
        }[did]
        return first, second
    if name in ("momentum", "nesterov"):
        limit = theory.limit
        first = (
            f"Momentum is stable for α < {_limit_formula(name, challenge.momentum)} = "
            f"{limit:.3g} (plain GD: 2/λmax = {2 / largest:.3g}); here α = {rate:g} "
            f"({_where(theory)})."
        )
        second = {
            "oscillates": "Its velocity carries it past the minimum and back: each swing keeps "
            f"about √μ = {math.sqrt(challenge.momentum):.2f} of the last, so it spirals in.",
            "converges": "Below the limit the velocity's swings die out before they overshoot "
            "much, so it settles in.",
            "too_slow": f"Even with momentum the steps are too small to arrive within "
            f"{budget:,} steps (κ = {theory.condition_number:.3g}).",
            "diverges": f"α = {rate:g} is above that limit: each swing is larger than the last.",
        }[did]
        return first, second
    first = _product_sentence(rate, largest)
    limit = 2 / largest
    slowest = abs(1 - rate * smallest) if smallest > 0 else math.nan
    second = {
        "too_slow": f"The flat direction shrinks by only 1 − αλmin = {slowest:.4g} per step "
        f"(κ = λmax/λmin = {theory.condition_number:.3g}): not there within {budget:,} steps.",
        "converges": f"Stable for α < 2/λmax = {limit:.3g} and no overshoot below 1/λmax = "
        f"{1 / largest:.3g} ({_where(theory)}).",
        "oscillates": f"Still below 2/λmax = {limit:.3g}, so the zig-zag dies out; below "
        f"1/λmax = {1 / largest:.3g} it would walk straight in ({_where(theory)}).",
        "diverges": f"Stable only for α < 2/λmax = {limit:.3g}: α = {rate:g} is "
        f"{rate / limit:.3g}× that ({_where(theory)}).",
    }[did]
    return first, second


def explain_threshold(challenge, largest: float, theory) -> tuple[str, str]:
    name = challenge.optimizer
    sweep = (
        f"The batched engine's sweep ({challenge.max_steps:,} steps, ‖∇f‖ < "
        f"{challenge.grad_tol:g}) finds α ≈ {largest:.4g}"
    )
    if name in ("adagrad", "rmsprop", "adam") or not math.isfinite(theory.limit):
        return (
            sweep + ".",
            f"{OPTIMIZERS[name].display_name} rescales every step, so no "
            "2/λmax formula predicts its edge: only running it does.",
        )
    ratio = largest / theory.limit
    first = (
        f"{sweep}; theory says {_limit_formula(name, challenge.momentum)} = "
        f"{theory.limit:.4g} (ratio {ratio:.3f}, {_where(theory)})."
    )
    if ratio < 0.98:
        second = (
            "Just below the limit each step shrinks the overshoot by |1 − αλmax| ≈ 1 only, "
            "too slowly for the budget: with more steps the engine's α creeps up to it."
        )
    elif ratio > 1.02:
        second = (
            "The limit comes from the curvature at the minimum; far from it the curvature "
            "differs, so a run can survive (or fail) a little past it."
        )
    elif name == "gd":
        second = (
            "Below the limit every step shrinks the steep direction; above it |1 − αλmax| "
            "> 1 and every step makes it grow."
        )
    else:
        second = (
            "Momentum lets α go up to (1+μ) times GD's 2/λmax; above that each swing past "
            "the minimum is larger than the last."
        )
    return first, second


def explain_race(challenge, steps: dict, theory) -> tuple[str, str]:
    parts = [
        f"{OPTIMIZERS[n].display_name} {steps[n]:,}"
        if n in steps
        else f"{OPTIMIZERS[n].display_name} not within {challenge.max_steps:,}"
        for n in challenge.racers
    ]
    first = f"Steps to converge at α = {challenge.learning_rate:g}: " + " · ".join(parts) + "."
    if not (theory.smallest > 0 and math.isfinite(theory.condition_number)):
        return first, (
            "Momentum builds up speed along directions the gradient keeps pointing "
            "in; adaptive methods rescale each coordinate."
        )
    rate = challenge.learning_rate
    second = (
        f"Here κ = λmax/λmin = {theory.condition_number:.3g}: plain GD's flat direction shrinks by "
        f"1 − αλmin = {abs(1 - rate * theory.smallest):.4g} per step; momentum's velocity "
        "builds up along it (up to 1/(1−μ) times longer steps), adaptive methods rescale "
        "each coordinate."
    )
    return first, second


def explain_steps(challenge, trajectory, theory) -> tuple[str, str]:
    n, tol = int(trajectory.steps), challenge.grad_tol
    g0 = float(trajectory.grad_norms[0])
    test = {
        "converged_gradient": f"‖∇f‖ < {tol:g}",
        "converged_value": f"|Δf| < {challenge.value_tol:g}",
    }.get(str(trajectory.status))
    if test is None:
        first = f"It did not converge within {challenge.max_steps:,} steps: {trajectory.message}"
    else:
        first = f"It needed {n:,} steps to reach {test}, from ‖∇f(θ₀)‖ = {g0:.3g}."
    if str(trajectory.status) == "converged_value":
        return first, (
            "|Δf| < tol stops when one step barely changes f: on a shallow slope that "
            "comes long before ‖∇f‖ is small — a looser test, fewer steps."
        )
    rate, smallest, largest = challenge.learning_rate, theory.smallest, theory.largest
    if challenge.optimizer == "gd" and smallest > 0 and tol > 0 and rate * largest < 2:
        factor = max(abs(1 - rate * smallest), abs(1 - rate * largest))
        estimate = math.log(tol / g0) / math.log(factor) if 0 < factor < 1 else math.inf
        return first, (
            f"Each step multiplies the slowest direction by |1 − αλ| = {factor:.4g}, "
            f"so ≈ ln({tol:g}/{g0:.3g}) / ln {factor:.4g} ≈ {estimate:,.0f} steps: "
            "the order of magnitude is set by 1/(αλmin)."
        )
    return first, (
        "Near a minimum the gradient shrinks by about the same factor each step, so "
        "the count grows like log(‖∇f₀‖/tol) — a tenfold tighter test adds a fixed "
        "number of steps."
    )


def explain_basin(challenge, answer: str, minima, trajectory) -> tuple[str, str]:
    start = point((challenge.start_x, challenge.start_y))
    if answer == "none":
        first = f"From θ₀ = {start} the run did not settle at a marked minimum."
    else:
        where = point(minima["ABCDEFGH".index(answer)])
        first = (
            f"Gradient descent only goes downhill from θ₀ = {start}: it settles in the "
            f"basin θ₀ starts in, here {answer} at {where}."
        )
    return first, (
        "Another start, or steps large enough to jump a ridge, lands in another "
        "basin: a local method never sees the other minima."
    )


def explain_variants(
    challenge, distances: dict, theory, m: int, row_limit: float
) -> tuple[str, str]:
    """``row_limit``: 2 over the largest single-row curvature 2‖xᵢ‖², SGD's stability limit."""
    b = max(1, min(challenge.batch_size, m - 1))
    e = challenge.epochs
    steps = {
        "batch": math.ceil(e - 1e-9),
        "sgd": math.ceil(e * m - 1e-9),
        "minibatch": math.ceil(e * m / b - 1e-9),
    }
    gaps = ", ".join(f"{VARIANTS[n]} {distances[n]:.3g}" for n in VARIANTS)
    epochs = f"{e:g} epoch{'s' * (e != 1)}"
    first = (
        f"In {epochs} batch GD takes {steps['batch']:,} step{'s' * (steps['batch'] != 1)}, "
        f"SGD {steps['sgd']:,} and mini-batch (b = {b}) {steps['minibatch']:,}; distances "
        f"to θ*: {gaps}."
    )
    rate, best = challenge.learning_rate, min(distances, key=distances.get)
    if best == "batch":
        second = (
            f"One row's curvature 2‖xᵢ‖² reaches {2 / row_limit:.3g}, far above the "
            f"average's λmax = {theory.largest:.3g}: single-row steps are stable only for "
            f"α < {row_limit:.3g}, so at α = {rate:g} SGD blows up where batch GD does not."
        )
    elif best == "minibatch":
        second = (
            f"At α = {rate:g} each SGD step follows one noisy row and keeps jumping "
            f"around θ*; averaging b = {b} rows cuts that noise by √b ≈ {math.sqrt(b):.2g} "
            "while still taking m/b steps per pass."
        )
    else:
        second = (
            f"Per pass over the data SGD makes m small noisy steps where batch GD makes "
            f"one exact one; with κ = {theory.condition_number:.3g} many steps win, until SGD's "
            "noise (about α in size) stops it getting closer."
        )
    return first, second
