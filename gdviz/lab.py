r"""The Learning-rate lab's core: classify runs, sweep α, the 1-D parabola, schedules, basins.

Too small a learning rate crawls, too large overshoots and diverges (the seed note). Here each
run gets one of four *regions*, decided from its path alone (:func:`classify`):

* ``diverging``: the engine stopped it as diverged, or it ran out of steps with f higher than
  where it started;
* ``oscillating``: successive steps reverse along the dominant direction (the top eigenvector
  of the Hessian at the minimum), or f went up at some step;
* ``good``: it converged, every step going the same way;
* ``slow``: it ran out of steps while still creeping monotonically downhill.

On a quadratic with Hessian $H$, plain GD is monotone iff $\alpha < 1/\lambda_{max}$, oscillates
but converges for $1/\lambda_{max} < \alpha < 2/\lambda_{max}$ and diverges above; the tests check
that the classifier draws those boundaries within one grid step of a sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdviz.engine import Trajectory, descend
from gdviz.field import Window
from gdviz.lab_settings import LabSetup
from gdviz.optimizers import OPTIMIZERS, Optimizer
from gdviz.parser import Objective, parse_objective
from gdviz.playground import matching_preset, view_window
from gdviz.presets import Preset
from gdviz.schedules import make_schedule
from gdviz.theory import Curvature, curvature, regime_1d, stability_limit

REGIONS = ("slow", "good", "oscillating", "diverging")
REGION_NAMES = {
    "slow": "too slow",
    "good": "good",
    "oscillating": "oscillating",
    "diverging": "diverging",
}
REGION_COLOURS = {
    "slow": "#F2A541",
    "good": "#3D9970",
    "oscillating": "#7B61FF",
    "diverging": "#D7263D",
}
REGION_BADGES = {"slow": "orange", "good": "green", "oscillating": "violet", "diverging": "red"}
REGIME_BADGES = {
    "stuck": "gray",
    "creeping": "orange",
    "optimal": "green",
    "oscillating": "violet",
    "cycling": "blue",
    "diverging": "red",
}
TEXT = {  # the page's captions and tooltips, in one place
    "intro": "θ ← θ − α∇J(θ). Too small an α and the descent crawls; too large and every step "
    "overshoots the minimum, so the run oscillates or diverges. The Hessian predicts where.",
    "preset": "A classic test function; picking one also suggests α and the rates to compare.",
    "start": "The start point θ₀ of every run (Basins use a whole grid of starts instead).",
    "opt": "The update rule. The stability limit 2/λmax is for plain gradient descent; momentum "
    "stretches it to 2(1+μ)/λmax; adaptive methods have none.",
    "spread": "Five rates from theory: too slow, good, oscillating, near and just past the "
    "stability limit.",
    "overlay": "All runs on one plot instead of one small plot each.",
    "auto_range": "From 1/1000 of the stability limit to 4 times it. Off: choose the range.",
    "range": "The smallest and largest α of the sweep (200 rates, log-spaced).",
    "cobweb": "Left: the iterates on the parabola. Right: the cobweb — from xₖ up to the map "
    "line gives xₖ₊₁, across to the diagonal makes it the next xₖ. Each step multiplies x by "
    "1 − αf″. Exact for every quadratic. ▶ Play to watch.",
    "sweep": "{count} learning rates, {steps} steps each, in one batched run. Shading: what "
    "each α did; vertical lines: what theory predicts. Oscillating is not always bad: the "
    "fastest constant step 2/(λmin+λmax) overshoots along the steepest direction.",
    "schedules": "Same start, same base α, five schedules. A decaying rate can rescue an α "
    "that is too large at first, but it also shrinks the steps of a good one.",
    "intuition_sidebar": "The 1-D intuition uses its own parabola f(x) = (f″/2)·x²: set f″, α "
    "and x₀ above the chart. The other sections use the function chosen here.",
    "basins_1d": "Basins of attraction need a function of x and y: pick a 2-D preset.",
    "basins": "Each pixel is a start θ₀, coloured by the minimum it ends at after at most "
    "{steps} steps (converged: ‖∇f‖ < 1e-4). Raise α and watch the basins fracture: where "
    "α passes a minimum's own limit 2/λmax, it can no longer be reached.",
}
SWEEP_RATES = 200
BASIN_CHUNK = 5_000  # starts per engine call: the engine keeps whole paths in memory
BASIN_GRAD_TOL = 1e-4
GRAD_TOL = 1e-6
SIGNIFICANT = 1e-9  # steps shorter than this share of the longest one are rounding noise


def badge(region: str, text: str) -> str:
    """Markdown for a coloured badge naming a region (Streamlit's ``:color-badge[…]``)."""
    return f":{REGION_BADGES.get(region, REGIME_BADGES.get(region, 'gray'))}-badge[{text}]"


@lru_cache(maxsize=64)
def objective(text: str) -> Objective:
    """Parse once per text (raises :class:`~gdviz.parser.ParseError` for the student)."""
    return parse_objective(text)


def preset_label(name: str) -> str:
    return name or "— my own function —"


def preset_of(setup: LabSetup) -> Preset | None:
    return matching_preset(setup.preset, setup.function)


def start_of(setup: LabSetup, dimension: int) -> np.ndarray:
    return np.array([setup.start_x, setup.start_y][:dimension], dtype=float)


def window_of(setup: LabSetup, problem: Objective) -> Window:
    """The preset's view, or a square around the origin that holds the start."""
    return view_window(problem, setup, preset_of(setup))


def make_optimizer(setup: LabSetup, learning_rate, name: str | None = None) -> Optimizer:
    """The chosen optimizer with the setup's hyperparameters (a rate, an array or a schedule)."""
    return OPTIMIZERS[name or setup.optimizer].make(learning_rate, **setup.hyperparameters)


# --- classifying one run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What one run did, in the lab's four regions, with a few words for a label."""

    region: str
    converged: bool
    steps: int
    label: str


def reversals(points: np.ndarray, values: np.ndarray, direction: np.ndarray | None) -> int:
    """How often the path turned back: sign flips of successive steps along ``direction``
    (or, without one, successive steps at more than 90°), plus the steps where f went up."""
    moves = np.diff(np.asarray(points, dtype=float), axis=0)
    if len(moves) < 2 or not np.all(np.isfinite(moves)):
        return 0
    scale = np.max(np.linalg.norm(moves, axis=-1))
    if scale == 0:
        return 0
    if direction is not None:
        along = moves @ (np.asarray(direction, dtype=float) / np.linalg.norm(direction))
        signs = np.sign(along[np.abs(along) > SIGNIFICANT * scale])
        flips = int(np.sum(signs[1:] != signs[:-1]))
    else:
        norms = np.linalg.norm(moves, axis=-1)
        big = norms > SIGNIFICANT * scale
        turns = np.sum(moves[1:] * moves[:-1], axis=-1) < -1e-9 * norms[1:] * norms[:-1]
        flips = int(np.sum(turns & big[1:] & big[:-1]))
    values = np.asarray(values, dtype=float)
    spread = np.ptp(values) + 1e-14 * np.max(np.abs(values))
    rises = int(np.sum(np.diff(values) > 1e-9 * spread))
    return flips + rises


def classify(trajectory: Trajectory, direction: np.ndarray | None = None) -> Verdict:
    """The region of a single run (see the module docstring) and its label."""
    n, status = int(trajectory.steps), str(trajectory.status)
    converged = status.startswith("converged")
    values = np.asarray(trajectory.values[: n + 1], dtype=float)
    if status == "diverged":
        return Verdict("diverging", False, n, f"diverged at step {n}")
    if not converged and n > 0 and values[-1] > values[0]:
        label = f"diverging: f rose from {values[0]:.3g} to {values[-1]:.3g} in {n} steps"
        return Verdict("diverging", False, n, label)
    oscillates = reversals(trajectory.points[: n + 1], values, direction) >= 2
    if converged:
        label = f"converged in {n} steps"
        return Verdict(
            "oscillating" if oscillates else "good",
            True,
            n,
            f"oscillating, {label}" if oscillates else label,
        )
    if oscillates:
        return Verdict("oscillating", False, n, f"oscillating: not settled after {n} steps")
    return Verdict("slow", False, n, f"too slow: not converged after {n} steps")


# --- theory at the minimum ---------------------------------------------------------------------


@dataclass(frozen=True)
class Theory:
    """Curvature at the minimum the runs head for, and the learning rates it predicts."""

    point: np.ndarray
    curvature: Curvature
    limit: float  # largest stable constant α for this optimizer (inf/NaN when none)
    best: float  # 2/(λmin+λmax), plain GD only (NaN otherwise)
    monotone: float  # 1/λmax: below it plain GD never overshoots (NaN otherwise)
    direction: np.ndarray | None  # top eigenvector of the Hessian: where overshoots show
    where: str
    exact: bool  # f is a quadratic: the predictions are exact
    f_star: float

    def sentence(self) -> str:
        """What theory says here, plainly, with its caveat."""
        info = self.curvature
        if not np.isfinite(info.largest):
            return "The Hessian is not finite here, so theory gives no learning-rate limit."
        text = f"Hessian {self.where}: λmax = {info.largest:.4g}"
        if len(info.eigenvalues) > 1:
            text += f", λmin = {info.smallest:.4g}"
        if not np.isfinite(self.limit):
            return text + ". Adaptive methods rescale each step, so there is no 2/λmax limit."
        text += f" → stable for α < {self.limit:.4g}"
        if np.isfinite(self.best):
            text += f", fastest constant step α* = 2/(λmin+λmax) = {self.best:.4g}"
        caveat = (
            "exact here, since f is a quadratic"
            if self.exact
            else "a local estimate, since f is not a quadratic"
        )
        return f"{text}. These are exact for quadratics — {caveat}."


def is_quadratic(problem) -> bool:
    exprs = getattr(problem, "hessian_exprs", None)
    return exprs is not None and all(not e.free_symbols for row in exprs for e in row)


def find_minimum(problem, start: np.ndarray, known=()) -> tuple[np.ndarray, str]:
    """Where plain GD from ``start`` settles, over 25 step sizes in one batched run.

    The lowest converged end point wins (snapped to a known minimum when it is one); without
    one, the known minimum nearest the start, or the start itself.
    """
    rates = np.logspace(-5, 1, 25)
    runs = descend(
        problem,
        np.tile(start, (len(rates), 1)),
        OPTIMIZERS["gd"].make(rates),
        max_steps=2000,
        grad_tol=GRAD_TOL,
    )
    done = np.flatnonzero(runs.converged)
    known = np.asarray(known, dtype=float).reshape(-1, len(start))
    if len(done):
        end = runs.final_point[done[np.argmin(runs.values[-1, done])]]
        if len(known):
            distance = np.linalg.norm(known - end, axis=-1)
            if distance.min() < 1e-3 * (1 + np.linalg.norm(end)):
                end = known[np.argmin(distance)]
        return end, f"at the minimum {point_text(end)} reached from the start"
    if len(known):
        nearest = known[np.argmin(np.linalg.norm(known - start, axis=-1))]
        return nearest, f"at the known minimum {point_text(nearest)}"
    return np.asarray(start, dtype=float), "at the start (no minimum found from there)"


def point_text(point) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in np.atleast_1d(point)) + ")"


def theory_for(problem, start, optimizer: str, momentum: float = 0.9, known=()) -> Theory:
    """The stability limit, the best constant step and the overshoot direction at the minimum."""
    point, where = find_minimum(problem, np.asarray(start, dtype=float), known)
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
        f_star = float(problem.value(point))
    info = curvature(hessian)
    direction = None
    if np.all(np.isfinite(hessian)):
        direction = np.linalg.eigh((hessian + hessian.T) / 2)[1][:, -1]
    limit = stability_limit(hessian, optimizer, momentum)
    gd = optimizer == "gd" and info.largest > 0
    best = info.best_learning_rate if gd else float("nan")
    monotone = 1 / info.largest if gd else float("nan")
    return Theory(
        point, info, limit, best, monotone, direction, where, is_quadratic(problem), f_star
    )


def theory(setup: LabSetup) -> Theory:
    problem = objective(setup.function)
    preset = preset_of(setup)
    return theory_for(
        problem,
        start_of(setup, problem.dimension),
        setup.optimizer,
        setup.momentum,
        preset.minima if preset else (),
    )


def suggested_rates(info: Theory, optimizer: str) -> tuple[float, tuple[float, ...]]:
    """A sensible α and a spread of five that shows every region (from the stability limit)."""
    if np.isfinite(info.limit) and info.limit > 0:
        factors, single = (0.02, 0.3, 0.7, 0.95, 1.05), 0.45 * info.limit
        spread = tuple(float(f"{factor * info.limit:.3g}") for factor in factors)
        return float(f"{single:.3g}"), spread
    base = OPTIMIZERS[optimizer].default_learning_rate
    return base, tuple(float(f"{base * factor:.3g}") for factor in (0.01, 0.1, 1, 10, 100))


# --- side by side and sweep --------------------------------------------------------------------


@dataclass(frozen=True)
class LabRun:
    """One run as the page shows it."""

    label: str
    learning_rate: float
    trajectory: Trajectory
    verdict: Verdict

    @property
    def badge(self) -> str:
        return badge(self.verdict.region, self.label)


def run_rates(setup: LabSetup, rates, max_steps: int | None = None) -> Trajectory:
    """All ``rates`` from the same start in ONE batched engine call."""
    problem = objective(setup.function)
    rates = np.asarray(rates, dtype=float)
    starts = np.tile(start_of(setup, problem.dimension), (len(rates), 1))
    return descend(
        problem,
        starts,
        make_optimizer(setup, rates),
        max_steps=max_steps or setup.max_steps,
        grad_tol=GRAD_TOL,
    )


def side_by_side(setup: LabSetup, info: Theory) -> list[LabRun]:
    batch = run_rates(setup, setup.rates)
    runs = []
    for i, rate in enumerate(setup.rates):
        trajectory = batch.run(i)
        verdict = classify(trajectory, info.direction)
        runs.append(LabRun(f"α = {rate:g} — {verdict.label}", rate, trajectory, verdict))
    return runs


def auto_range(info: Theory, optimizer: str) -> tuple[float, float]:
    """From 1/1000 of the stability limit to 4× it (adaptive methods: 1e-4 … 10)."""
    if np.isfinite(info.limit) and info.limit > 0:
        return info.limit / 1000, info.limit * 4
    return 1e-4, 10.0


@dataclass(frozen=True)
class Sweep:
    """Final loss and steps to converge against α, each rate classified, plus your α."""

    rates: np.ndarray  # (count,) log-spaced
    gaps: np.ndarray  # f(θ_final) − f*, NaN where the run blew up
    steps: np.ndarray  # steps to converge, NaN where it did not
    regions: tuple[str, ...]
    spans: tuple[tuple[str, float, float], ...]  # (region, from α, to α), contiguous
    theory: Theory
    max_steps: int
    yours: LabRun


def region_spans(rates: np.ndarray, regions) -> tuple[tuple[str, float, float], ...]:
    """Runs of equal regions along the α grid, split at the geometric midpoints."""
    rates = np.asarray(rates, dtype=float)
    edges = np.concatenate([[rates[0]], np.sqrt(rates[1:] * rates[:-1]), [rates[-1]]])
    spans, first = [], 0
    for i in range(1, len(regions) + 1):
        if i == len(regions) or regions[i] != regions[first]:
            spans.append((regions[first], float(edges[first]), float(edges[i])))
            first = i
    return tuple(spans)


def sweep(setup: LabSetup, info: Theory, count: int = SWEEP_RATES) -> Sweep:
    """``count`` log-spaced rates plus your α, all in ONE batched engine call."""
    low, high = auto_range(info, setup.optimizer) if setup.auto_range else setup.sweep_range
    rates = np.logspace(np.log10(low), np.log10(high), count)
    batch = run_rates(setup, np.append(rates, setup.learning_rate))
    verdicts = [classify(batch.run(i), info.direction) for i in range(count + 1)]
    finals = batch.values[-1, :count]
    f_star = float(np.nanmin(np.append(finals[np.isfinite(finals)], info.f_star)))
    blown = np.array([str(s) == "diverged" for s in batch.status[:count]])
    gaps = np.where(blown | ~np.isfinite(finals), np.nan, np.maximum(finals - f_star, 1e-16))
    converged = np.asarray(batch.converged[:count], dtype=bool)
    steps = np.where(converged, batch.steps[:count], np.nan).astype(float)
    regions = tuple(v.region for v in verdicts[:count])
    yours = verdicts[-1]
    label = f"your α = {setup.learning_rate:g} — {yours.label}"
    mine = LabRun(label, setup.learning_rate, batch.run(count), yours)
    return Sweep(
        rates, gaps, steps, regions, region_spans(rates, regions), info, setup.max_steps, mine
    )


# --- the 1-D parabola --------------------------------------------------------------------------


class Parabola:
    """f(x) = (c/2)·x², so f″ = c and GD maps x ↦ (1 − αc)·x."""

    def __init__(self, second_derivative: float):
        self.c = float(second_derivative)

    def value(self, points):
        return 0.5 * self.c * np.sum(np.asarray(points, dtype=float) ** 2, axis=-1)

    def gradient(self, points):
        return self.c * np.asarray(points, dtype=float)

    def hessian(self, point=None):
        return np.array([[self.c]])


REGIME_TEXT = {
    "stuck": "α = 0: no step is taken at all.",
    "creeping": "0 < αf″ < 1: every step keeps the same side and shrinks the distance by "
    "the factor 1 − αf″ = {factor:.3g} — a monotone creep towards the minimum.",
    "optimal": "αf″ = 1: the factor 1 − αf″ is 0 — one step lands exactly on the minimum.",
    "oscillating": "1 < αf″ < 2: each step overshoots to the other side, but the factor "
    "1 − αf″ = {factor:.3g} has size below 1 — it oscillates and still converges.",
    "cycling": "αf″ = 2: the factor is −1 — x bounces between +x₀ and −x₀ forever.",
    "diverging": "αf″ > 2: the factor 1 − αf″ = {factor:.3g} has size above 1 — every "
    "overshoot is bigger than the last: it diverges.",
}


def parabola(curvature_value: float, rate: float, start: float, max_steps: int = 30):
    """GD on (c/2)x² from ``start``: the run, its regime name and a sentence with a badge."""
    run = descend(
        Parabola(curvature_value),
        [float(start)],
        OPTIMIZERS["gd"].make(rate),
        max_steps=max_steps,
        grad_tol=1e-9,
    )
    regime = regime_1d(rate, curvature_value)
    product = rate * curvature_value
    sentence = REGIME_TEXT[regime].format(factor=1 - product)
    return run, regime, f"{badge(regime, f'α·f″ = {product:.3g} → {regime}')} {sentence}"


# --- schedules ---------------------------------------------------------------------------------


def schedule_parameters(setup: LabSetup) -> dict[str, dict[str, float]]:
    return {
        "constant": {},
        "step_decay": {"step_size": setup.step_size, "gamma": setup.step_gamma},
        "exponential": {"gamma": setup.exp_gamma},
        "inverse_time": {"decay": setup.decay},
        "cosine": {"total_steps": setup.cosine_steps, "min_learning_rate": 0.0},
    }


def schedule_runs(setup: LabSetup, info: Theory) -> list[LabRun]:
    """The five schedules from the same start and base α, in ONE batched call.

    The learning-rate function returns one rate per run: run i follows schedule i.
    """
    from gdviz.schedules import SCHEDULES

    parameters = schedule_parameters(setup)
    chosen = [make_schedule(name, setup.learning_rate, **parameters[name]) for name in SCHEDULES]

    def combined(step):
        return np.stack([np.asarray(s(step), dtype=float) for s in chosen], axis=-1)

    problem = objective(setup.function)
    starts = np.tile(start_of(setup, problem.dimension), (len(chosen), 1))
    batch = descend(
        problem,
        starts,
        make_optimizer(setup, _squeeze(combined)),
        max_steps=setup.max_steps,
        grad_tol=GRAD_TOL,
    )
    runs = []
    for i, spec in enumerate(SCHEDULES.values()):
        trajectory = batch.run(i)
        verdict = classify(trajectory, info.direction)
        runs.append(
            LabRun(
                f"{spec.display_name} — {verdict.label}", setup.learning_rate, trajectory, verdict
            )
        )
    return runs


def _squeeze(schedule: Callable) -> Callable:
    """Steps of shape ``(n, 1)`` (the engine's table of rates) give ``(n, runs)``."""

    def rates(step):
        out = schedule(step)
        return out[..., 0, :] if np.ndim(step) == 2 else out

    return rates


# --- basins of attraction ----------------------------------------------------------------------


@dataclass(frozen=True)
class BasinMap:
    """For each start on a grid: which minimum it ends at (or none, or diverged)."""

    window: Window
    xs: np.ndarray  # cell centres, (resolution,)
    ys: np.ndarray
    labels: np.ndarray  # (resolution, resolution): minima 0..M−1, M none reached, M+1 diverged
    converged: np.ndarray  # (resolution, resolution) bools
    steps: np.ndarray  # (resolution, resolution) steps taken
    minima: np.ndarray  # (M, 2)
    names: tuple[str, ...]  # M + 2 legend names
    discovered: bool  # minima found from the runs (typed function), not from a preset

    def shares(self) -> np.ndarray:
        """Fraction of starts in each category."""
        return np.bincount(self.labels.ravel(), minlength=len(self.names)) / self.labels.size


def basin_grid(window: Window, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell-centre coordinates and the starts ``(resolution², 2)``, rows of constant y."""
    dx = (window.x_max - window.x_min) / resolution
    dy = (window.y_max - window.y_min) / resolution
    xs = window.x_min + dx * (np.arange(resolution) + 0.5)
    ys = window.y_min + dy * (np.arange(resolution) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=-1)


def basins(
    problem,
    window: Window,
    optimizer: Optimizer,
    *,
    resolution: int = 200,
    max_steps: int = 300,
    minima=(),
    on_progress: Callable[[float], None] | None = None,
) -> BasinMap:
    """Run every start of a ``resolution`` × ``resolution`` grid and label where it ends.

    Batched engine calls of :data:`BASIN_CHUNK` starts (the engine keeps whole paths, so
    memory is bounded by the chunk); ``on_progress(fraction)`` after each. A run belongs to the
    known minimum within 2 % of the window's diagonal of its end point; ``converged`` tells
    whether ‖∇f‖ fell below :data:`BASIN_GRAD_TOL` on the way. Without known minima they are
    found from the converged end points (:func:`cluster_minima`).
    """
    xs, ys, starts = basin_grid(window, resolution)
    ends = np.empty_like(starts)
    status = np.empty(len(starts), dtype=object)
    steps = np.empty(len(starts), dtype=int)
    for first in range(0, len(starts), BASIN_CHUNK):
        chunk = slice(first, first + BASIN_CHUNK)
        batch = descend(
            problem, starts[chunk], optimizer, max_steps=max_steps, grad_tol=BASIN_GRAD_TOL
        )
        ends[chunk], status[chunk], steps[chunk] = batch.final_point, batch.status, batch.steps
        if on_progress:
            on_progress(min(1.0, (first + BASIN_CHUNK) / len(starts)))
    diverged = status == "diverged"
    converged = np.char.startswith(status.astype(str), "converged")
    radius = 0.02 * np.hypot(window.x_max - window.x_min, window.y_max - window.y_min)
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    discovered = not len(minima)
    if discovered:
        minima = cluster_minima(problem, ends[converged], radius)
    labels = np.full(len(starts), len(minima))
    if len(minima):
        with np.errstate(all="ignore"):
            distance = np.linalg.norm(ends[:, None, :] - minima[None], axis=-1)
        nearest = np.argmin(np.nan_to_num(distance, nan=np.inf), axis=-1)
        near = np.take_along_axis(distance, nearest[:, None], axis=-1)[:, 0] <= radius
        labels = np.where(near, nearest, len(minima))
    labels = np.where(diverged, len(minima) + 1, labels)
    shape = (resolution, resolution)
    momentum = optimizer.hyperparameters.get("momentum", 0.0)
    names = []
    for point in minima:
        with np.errstate(all="ignore"):
            limit = stability_limit(problem.hessian(point), optimizer.name, momentum)
        stable = f", stable for α < {limit:.3g}" if np.isfinite(limit) else ""
        names.append(f"→ {point_text(point)}{stable}")
    names = (*names, "no minimum reached", "diverged")
    return BasinMap(
        window,
        xs,
        ys,
        labels.reshape(shape),
        converged.reshape(shape),
        steps.reshape(shape),
        minima,
        names,
        discovered,
    )


def cluster_minima(problem, ends: np.ndarray, radius: float, most: int = 8) -> np.ndarray:
    """Distinct minima among converged end points: cells of size ``radius``, the fullest first,
    merged when closer than ``radius``; saddles (Hessian not positive definite) are dropped."""
    ends = ends[np.all(np.isfinite(ends), axis=-1)]
    if not len(ends):
        return np.empty((0, 2))
    cells, cell_of, counts = np.unique(
        np.round(ends / radius).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    found: list[np.ndarray] = []
    for cell in np.argsort(-counts, kind="stable"):
        if len(found) == most or counts[cell] < max(1, 0.001 * len(ends)):
            break
        centre = ends[cell_of.ravel() == cell].mean(axis=0)
        if any(np.linalg.norm(centre - other) < radius for other in found):
            continue
        with np.errstate(all="ignore"):
            if curvature(problem.hessian(centre)).smallest > 0:
                found.append(centre)
    return np.array(found).reshape(-1, 2)


def basin_map(setup: LabSetup, on_progress: Callable[[float], None] | None = None) -> BasinMap:
    """The basins for the setup's function, optimizer and α over its view window."""
    problem = objective(setup.function)
    if problem.dimension != 2:
        raise ValueError("basins of attraction need a function of x and y")
    preset = preset_of(setup)
    return basins(
        problem,
        window_of(setup, problem),
        make_optimizer(setup, setup.learning_rate),
        resolution=setup.resolution,
        max_steps=setup.basin_steps,
        minima=preset.minima if preset else (),
        on_progress=on_progress,
    )
