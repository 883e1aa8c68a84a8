r"""A challenge's question, its answer as the engine and the theory compute it, and grades.

Nothing here is typed by hand: :func:`solve` runs the challenge's setup through
:func:`gdviz.engine.descend` (batched where it sweeps α or races optimizers) and reads the
answer off the runs; the explanation quotes the theory ($\alpha\lambda_{max}$ against 1 and 2,
$\kappa$, momentum's limit). The setup and its runs are :mod:`gdviz.lessons.predict.problem`
(where :func:`~gdviz.lessons.predict.problem.what_it_did` makes a run an answer choice), the
curvature :mod:`gdviz.lessons.predict.theory`.

>>> from gdviz.lessons.predict.challenge import Challenge
>>> solution = solve(Challenge(learning_rate=0.09))
>>> solution.correct, solution.verdict.split(". ")[0]
(('oscillates',), 'It oscillates but converges')
>>> grade(solution, "converges")
Grade(points=0, correct=False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gdviz.engine import descend
from gdviz.field import Window
from gdviz.lessons.common import RATE, Run
from gdviz.lessons.predict import explanations, words
from gdviz.lessons.predict.challenge import QUESTIONS, Challenge
from gdviz.lessons.predict.problem import (
    ChallengeError,
    lowest_eigenvalue,
    optimizer_of,
    preset_of,
    problem_of,
    run,
    settle,
    start_of,
    what_it_did,
    window_of,
)
from gdviz.lessons.predict.theory import theory_of
from gdviz.optimizers import OPTIMIZERS

CLOSE = 10**0.1  # a threshold guess within this factor (about 26 %) counts as right
SWEEP = 64  # rates in the threshold's first batched sweep; then two rounds of REFINE
REFINE = 32
MAX_MINIMA = 6


@dataclass(frozen=True)
class Choice:
    """One answer a student can pick: an id (what a room stores) and its words."""

    id: str
    label: str
    short: str = ""  # for a chart's axis; the label when empty

    @property
    def tick(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Question:
    """The prompt and its choices (none for a number, such as a learning rate)."""

    kind: str
    prompt: str
    choices: tuple[Choice, ...]

    @property
    def numeric(self) -> bool:
        return not self.choices

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)

    def label(self, answer_id: str) -> str:
        return next((c.label for c in self.choices if c.id == answer_id), answer_id)


@dataclass(frozen=True)
class Solution:
    """The computed answer: the right choice ids (or the number), the runs to play once the
    student has committed, one sentence saying what happened and two lines of theory."""

    question: Question
    correct: tuple[str, ...]
    value: float | None
    runs: tuple[Run, ...]
    verdict: str
    explanation: tuple[str, str]
    minima: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class Grade:
    points: int  # 0 … 100
    correct: bool


# --- the question ---------------------------------------------------------------------------


def question_of(challenge: Challenge) -> Question:
    """The prompt and its choices. Choices depend on the function, never on the run: "runs
    off to −∞" is offered when f is unbounded below along some ray, "stops at a saddle" when
    f's Hessian is indefinite somewhere in view."""
    kind = challenge.question
    problem = problem_of(challenge)
    if kind == "outcome":
        ids = ["too_slow", "converges", "oscillates", "diverges"]
        if can_run_off(problem, start_of(challenge, problem)):
            ids.append("unbounded")
        if can_saddle(problem, window_of(challenge, problem)):
            ids.append("saddle")
        choices = [
            Choice(i, words.outcome_label(i, challenge.max_steps), words.OUTCOME_TICKS[i])
            for i in ids
        ]
    elif kind == "race":
        choices = [Choice(n, OPTIMIZERS[n].display_name) for n in challenge.racers]
        choices.append(Choice("none", f"none within {challenge.max_steps:,} steps"))
    elif kind == "steps":
        choices = [Choice(i, label) for i, label in step_buckets(challenge.max_steps)]
    elif kind == "basin":
        minima = minima_of(challenge, problem)
        choices = [
            Choice(words.letter(i), f"{words.letter(i)}  {words.point(m)}")
            for i, m in enumerate(minima)
        ]
        choices.append(Choice("none", "none of them"))
    elif kind == "variants":
        choices = [Choice(i, words.VARIANTS[i]) for i in ("batch", "sgd", "minibatch")]
    else:
        choices = []
    return Question(kind, QUESTIONS[kind], tuple(choices))


def can_run_off(problem, start: np.ndarray) -> bool:
    """f falls below f(θ₀) − 10⁶ somewhere 10⁴ away along one of 16 rays (or 2 in 1-D)."""
    d = len(start)
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    circle = np.column_stack([np.cos(angles), np.sin(angles)])
    rays = np.array([[-1.0], [1.0]]) if d == 1 else circle
    with np.errstate(all="ignore"):
        far = np.asarray(problem.value(1e4 * rays), dtype=float)
        here = float(problem.value(start))
    return bool(np.any(far < here - 1e6)) or bool(np.any(far == -np.inf))


def can_saddle(problem, window: Window, size: int = 15) -> bool:
    """The Hessian has a clearly negative eigenvalue somewhere on a grid over the view."""
    d = getattr(problem, "dimension", 2)
    xs, ys = window.grid(size)
    points = xs[:, None] if d == 1 else np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        hessians = np.asarray(problem.hessian(points), dtype=float).reshape(-1, d, d)
    hessians = hessians[np.all(np.isfinite(hessians), axis=(1, 2))]
    if not len(hessians):
        return False
    lowest = np.linalg.eigvalsh((hessians + np.swapaxes(hessians, 1, 2)) / 2)[:, 0]
    scale = max(1e-12, float(np.max(np.abs(lowest))))
    return bool(np.any(lowest < -1e-6 * scale))


def step_buckets(budget: int) -> list[tuple[str, str]]:
    """Orders of magnitude up to the budget, then "not within the budget"."""
    buckets, low = [], 0
    while low < budget:
        high = 10 if low == 0 else low * 10
        top = min(high - 1, budget)
        name = "fewer than 10" if low == 0 else f"{low:,}–{top:,}"
        buckets.append((str(low), f"{name} steps"))
        low = high
    buckets.append(("never", f"not within {budget:,} steps"))
    return buckets


def bucket_of(steps: int) -> str:
    """The id of the order of magnitude ``steps`` falls in."""
    return "0" if steps < 10 else str(10 ** int(math.log10(steps)))


def minima_of(challenge: Challenge, problem) -> tuple[tuple[float, ...], ...]:
    """The known minima of a preset, or those plain GD finds from a 9 × 9 grid of starts over
    the view (3 rates, one batched run), lowest f first; at most ``MAX_MINIMA``."""
    preset = preset_of(challenge)
    if preset and len(preset.minima) > 1:
        return tuple(tuple(map(float, m)) for m in preset.minima[:MAX_MINIMA])
    window = window_of(challenge, problem)
    if getattr(problem, "dimension", 2) == 1:
        starts = np.linspace(window.x_min, window.x_max, 81)[:, None]
    else:
        xs, ys = window.grid(9)
        starts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    runs = settle(problem, np.tile(starts, (3, 1)), np.repeat([1e-3, 1e-2, 5e-2], len(starts)))
    found: list[np.ndarray] = []
    reach = 1e-3 * math.hypot(window.x_max - window.x_min, window.y_max - window.y_min)
    for i in np.flatnonzero(runs.converged):
        end = runs.final_point[i]
        inside = window.x_min <= end[0] <= window.x_max
        new = all(np.linalg.norm(end - other) > reach for other in found)
        if inside and new and lowest_eigenvalue(problem, end) > 0:
            found.append(end)
    with np.errstate(all="ignore"):
        found.sort(key=lambda m: float(problem.value(m)))
    return tuple(tuple(float(round(v, 6)) for v in m) for m in found[:MAX_MINIMA])


# --- answers --------------------------------------------------------------------------------


def solve(challenge: Challenge) -> Solution:
    """The question and its computed answer (raises :class:`ChallengeError` when the setup
    cannot be asked this way, e.g. a run that neither converges nor diverges)."""
    question = question_of(challenge)
    problem = problem_of(challenge)
    solver = {
        "outcome": _outcome,
        "threshold": _threshold,
        "race": _race,
        "steps": _steps,
        "basin": _basin,
        "variants": _variants,
    }[challenge.question]
    solution = solver(challenge, problem, question)
    missing = [answer for answer in solution.correct if answer not in question.ids]
    if missing and not question.numeric:
        raise ChallengeError(words.cannot_ask(missing[0]))
    return solution


def _label(challenge: Challenge, name: str | None = None, rate: float | None = None) -> str:
    optimizer = OPTIMIZERS[name or challenge.optimizer].display_name
    return f"{optimizer} · α = {challenge.learning_rate if rate is None else rate:.4g}"


def _outcome(challenge, problem, question) -> Solution:
    trajectory = run(challenge, problem)
    did = what_it_did(problem, trajectory)
    if did not in question.ids:
        raise ChallengeError(words.cannot_ask(did))
    theory = theory_of(challenge, problem)
    lines = explanations.explain_outcome(challenge, did, theory, trajectory)
    verdict = f"It {words.OUTCOME_VERBS.get(did, did)}. {trajectory.message}"
    if did == "too_slow":
        verdict += f" It ends at θ = {words.point(trajectory.points[-1])}."
    return Solution(question, (did,), None, (Run(_label(challenge), trajectory),), verdict, lines)


def threshold(challenge: Challenge, problem) -> tuple[float, float]:
    """The largest α that still converges under the challenge's budget and tests, by batched
    sweeps: ``SWEEP`` log-spaced rates around the theory's limit, then two rounds of
    ``REFINE`` inside the bracket. Returns (largest converging α, smallest α above it that
    does not) — the top of the first band of converging rates."""
    limit = theory_of(challenge, problem).limit
    if math.isfinite(limit) and limit > 0:
        low, high = max(RATE.lower, limit / 1000), min(RATE.upper, limit * 8)
    else:
        low, high = 1e-5, RATE.upper
    rates = np.logspace(math.log10(low), math.log10(high), SWEEP)
    for _ in range(3):
        converged = np.asarray(run(challenge, problem, rates).converged, dtype=bool)
        if not converged.any():
            raise ChallengeError(words.NOTHING_CONVERGES.format(low, high, challenge.max_steps))
        top = int(np.argmax(converged))
        while top + 1 < len(rates) and converged[top + 1]:
            top += 1
        if top + 1 == len(rates):
            raise ChallengeError(words.EVERYTHING_CONVERGES.format(high))
        low, high = rates[top], rates[top + 1]
        rates = np.geomspace(low, high, REFINE + 2)
    return float(low), float(high)


def _threshold(challenge, problem, question) -> Solution:
    largest, above = threshold(challenge, problem)
    theory = theory_of(challenge, problem)
    shown = float(f"{largest:.3g}")
    if shown > largest:  # rounding up could cross the threshold
        shown = float(f"{largest * (1 - 5e-3):.3g}")
    beyond = float(f"{max(above, largest) * 1.1:.3g}")
    runs = tuple(
        Run(_label(challenge, rate=rate), run(challenge, problem, rate)) for rate in (shown, beyond)
    )
    verdict = words.threshold_verdict(largest, challenge)
    lines = explanations.explain_threshold(challenge, largest, theory)
    return Solution(question, (), largest, runs, verdict, lines)


def _race(challenge, problem, question) -> Solution:
    runs = [
        Run(OPTIMIZERS[n].display_name, run(challenge, problem, name=n)) for n in challenge.racers
    ]
    steps = {
        n: int(r.trajectory.steps)
        for n, r in zip(challenge.racers, runs, strict=True)
        if bool(r.trajectory.converged)
    }
    fastest = min(steps.values(), default=None)
    winners = tuple(n for n, s in steps.items() if s == fastest) or ("none",)
    theory = theory_of(challenge, problem, "gd")
    lines = explanations.explain_race(challenge, steps, theory)
    verdict = words.race_verdict(winners, steps, challenge.max_steps)
    return Solution(question, winners, None, tuple(runs), verdict, lines)


def _steps(challenge, problem, question) -> Solution:
    trajectory = run(challenge, problem)
    n = int(trajectory.steps)
    answer = bucket_of(n) if bool(trajectory.converged) else "never"
    theory = theory_of(challenge, problem)
    lines = explanations.explain_steps(challenge, trajectory, theory)
    verdict = f"It took {n:,} steps. {trajectory.message}"
    return Solution(
        question, (answer,), None, (Run(_label(challenge), trajectory),), verdict, lines
    )


def _basin(challenge, problem, question) -> Solution:
    minima = minima_of(challenge, problem)
    if len(minima) < 2:
        raise ChallengeError(words.ONE_MINIMUM)
    trajectory = run(challenge, problem)
    end = trajectory.points[-1]
    distances = np.linalg.norm(np.asarray(minima) - end, axis=-1)
    nearest = int(np.argmin(distances)) if np.all(np.isfinite(end)) else -1
    window = window_of(challenge, problem)
    reach = 1e-2 * math.hypot(window.x_max - window.x_min, window.y_max - window.y_min)
    at_minimum = bool(trajectory.converged) and nearest >= 0 and distances[nearest] < reach
    answer = words.letter(nearest) if at_minimum else "none"
    lines = explanations.explain_basin(challenge, answer, minima, trajectory)
    verdict = words.basin_verdict(answer, minima, trajectory)
    return Solution(
        question, (answer,), None, (Run(_label(challenge), trajectory),), verdict, lines, minima
    )


def variant_sizes(challenge: Challenge, m: int) -> dict[str, int]:
    """Rows per step: all of them, one, or b (at most m − 1, else it would be batch GD)."""
    return {"batch": m, "sgd": 1, "minibatch": max(1, min(challenge.batch_size, m - 1))}


def _variants(challenge, problem, question) -> Solution:
    m = problem.n_samples
    runs, distances = [], {}
    for name, rows in variant_sizes(challenge, m).items():
        steps = max(1, math.ceil(challenge.epochs * m / rows - 1e-9))
        trajectory = descend(
            problem,
            start_of(challenge, problem),
            optimizer_of(challenge),
            max_steps=steps,
            grad_tol=0.0,
            batch_size=None if name == "batch" else rows,
            seed=challenge.shuffle_seed,
        )
        gap = float(np.linalg.norm(trajectory.points[-1] - problem.solution))
        distances[name] = gap if math.isfinite(gap) else math.inf
        label = f"{words.VARIANTS[name]} · {steps:,} step{'s' * (steps != 1)}"
        runs.append(Run(label, trajectory))
    closest = min(distances.values())
    winners = tuple(n for n, d in distances.items() if d <= closest * (1 + 1e-9))
    theory = theory_of(challenge, problem)
    row_limit = 1.0 / float(np.max(np.sum(problem.X**2, axis=1)))
    lines = explanations.explain_variants(challenge, distances, theory, m, row_limit)
    verdict = words.variants_verdict(winners, distances)
    return Solution(
        question, winners, None, tuple(runs), verdict, lines, (tuple(map(float, problem.solution)),)
    )


# --- responses ------------------------------------------------------------------------------


def parse_response(question: Question, raw) -> str | float:
    """A student's answer, checked against the question: a choice id, or a learning rate in
    the range every α box accepts. ValueError (with a message for them) otherwise."""
    if question.numeric:
        value = RATE.parse(str(raw))
        return float(f"{value:.6g}")
    text = str(raw)
    if text not in question.ids:
        raise ValueError("That is not one of this question's answers.")
    return text


def grade(solution: Solution, response) -> Grade:
    """100 points for the right choice; for a threshold, 100 down to 0 as the guess moves a
    decade away (log scale), counted right within a factor ``CLOSE`` (about 26 %)."""
    if solution.question.numeric:
        error = abs(math.log10(float(response) / solution.value))
        return Grade(int(round(100 * max(0.0, 1.0 - error))), error <= math.log10(CLOSE) + 1e-12)
    right = response in solution.correct
    return Grade(100 if right else 0, right)


def with_question(challenge: Challenge, question: str) -> Challenge:
    return replace(challenge, question=question)
