"""The built-in course: challenges that walk through the note gdviz grew from, in its order —
the objective, the gradient, the update rule and its start, the learning rate too small and too
large, the convergence tests, batch vs SGD vs mini-batch, and the seed's worked example.

Each entry names the idea of the note it is about; its answer is computed like any other
challenge's (the tests check every one against a direct engine run).

>>> len(COURSE) >= 12, COURSE[0].title
(True, 'The objective')
>>> title_of(COURSE[4].challenge)
'Too large, but not too large'
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz.lessons.predict.challenge import Challenge

BOWL = "x^2 + y^2"
ELONGATED = "x^2 + 10y^2"
SADDLE = "x^2 - y^2"
CAMEL = "2x^2 - 1.05x^4 + x^6/6 + x y + y^2"
# The seed's loss J(θ) = (1/m)‖Xθ − y‖² written out, θ₀ = x (intercept) and θ₁ = y (slope).
SEED = "((x + 2y - 2)^2 + (x + 3y - 5)^2 + (x + 4y - 9)^2)/3"


@dataclass(frozen=True)
class Lesson:
    """One step of the course: a title, the idea of the note it is about, the challenge."""

    title: str
    idea: str
    challenge: Challenge


_C = Challenge  # keywords only: the optimizer's hyperparameters are its first fields
COURSE: tuple[Lesson, ...] = (
    Lesson(
        "The objective",
        "The objective J(θ) scores how wrong θ is; gradient descent looks for the θ that makes "
        "it smallest. Here J is a round bowl with its bottom at (0, 0).",
        _C(function=BOWL, start_x=2.5, start_y=2.0, learning_rate=0.1, max_steps=500),
    ),
    Lesson(
        "The gradient",
        "∇J points uphill and shrinks near the bottom, so steps of −α∇J shrink too: every "
        "step here takes the same fraction of the way that is left.",
        _C(question="steps", function=BOWL, start_x=2.5, start_y=2.0, learning_rate=0.1),
    ),
    Lesson(
        "Initialization",
        "The first guess θ₀ matters: on a landscape with several valleys the update rule "
        "θ ← θ − α∇J only ever goes downhill from where it starts.",
        _C(question="basin", function=CAMEL, start_x=1.4, start_y=0.2, learning_rate=0.05),
    ),
    Lesson(
        "Learning rate too small",
        "If α is too small the algorithm may converge very slowly. Same elongated bowl, "
        "α = 0.001 and a budget of 500 steps.",
        _C(function=ELONGATED, learning_rate=0.001, max_steps=500),
    ),
    Lesson(
        "Too large, but not too large",
        "A larger α takes bigger steps, and across the steep direction of this bowl (λmax = "
        "20) they overshoot the bottom.",
        _C(function=ELONGATED, learning_rate=0.09),
    ),
    Lesson(
        "Learning rate too large",
        "If α is too large the algorithm may overshoot the minimum and fail to converge. "
        "Only a little larger than before: α = 0.11.",
        _C(function=ELONGATED, learning_rate=0.11),
    ),
    Lesson(
        "Where is the edge?",
        "Between converging and diverging there is a sharpest α. Guess it: you are scored "
        "on a log scale against the edge the engine finds by running 64 rates at once.",
        _C(question="threshold", function=ELONGATED),
    ),
    Lesson(
        "Convergence test: |Δf|",
        "Convergence is checked by a change in the cost that becomes small. Stop when one "
        "step changes f by less than 10⁻³ (the gradient test is off).",
        _C(question="steps", learning_rate=0.05, grad_tol=0.0, value_tol=1e-3),
    ),
    Lesson(
        "Convergence test: ‖∇f‖",
        "…or by a gradient that becomes very small. On a saddle, started exactly on its "
        "ridge (y₀ = 0), the ground is flat at the centre too.",
        _C(function=SADDLE, start_x=-1.8, start_y=0.0, learning_rate=0.1),
    ),
    Lesson(
        "Off the ridge",
        "The same saddle, started 0.02 off the ridge. There is no minimum anywhere.",
        _C(function=SADDLE, start_x=-1.8, start_y=0.02, learning_rate=0.1),
    ),
    Lesson(
        "Momentum",
        "Advanced variations of gradient descent are often used in practice. Plain GD, "
        "momentum and Adam race at the same α = 0.01 on the elongated bowl.",
        _C(question="race", learning_rate=0.01, racers=("gd", "momentum", "adam")),
    ),
    Lesson(
        "Batch, SGD, mini-batch",
        "Batch GD uses all the data for each step, SGD one random row, mini-batch a small "
        "subset. One pass over 500 points (x from 0 to 10) at α = 0.01: who gets closest?",
        _C(
            question="variants",
            start_x=0.0,
            start_y=0.0,
            learning_rate=0.01,
            data="generated",
            n=500,
        ),
    ),
    Lesson(
        "When one row is too steep",
        "SGD is faster, but each step follows the slope of one random row. The same data and "
        "one pass, at α = 0.03.",
        _C(
            question="variants",
            start_x=0.0,
            start_y=0.0,
            learning_rate=0.03,
            data="generated",
            n=500,
        ),
    ),
    Lesson(
        "Mini-batch balances",
        "Mini-batch balances the cost of batch GD and the noise of SGD. Standardised x, a "
        "large α = 0.3 and batches of b = 8 rows.",
        _C(
            question="variants",
            start_x=0.0,
            start_y=0.0,
            learning_rate=0.3,
            data="generated",
            n=500,
            standardise=True,
            batch_size=8,
        ),
    ),
    Lesson(
        "The seed's example",
        "The note's linear regression: X = [[1,2],[1,3],[1,4]], y = [2,5,9], θ₀ = [0,0], "
        "α = 0.01, 1,000 batch iterations. J is written out in θ₀ = x and θ₁ = y.",
        _C(function=SEED, start_x=0.0, start_y=0.0, learning_rate=0.01, max_steps=1000),
    ),
    Lesson(
        "The seed's edge",
        "The same J, with 5,000 steps. Its Hessian (2/m)XᵀX has λmax = 21.21: what is the "
        "largest α that still converges?",
        _C(question="threshold", function=SEED, start_x=0.0, start_y=0.0, max_steps=5000),
    ),
)


def title_of(challenge: Challenge) -> str:
    """The course's title for this challenge, or "" for one of a teacher's own."""
    return next((lesson.title for lesson in COURSE if lesson.challenge == challenge), "")
