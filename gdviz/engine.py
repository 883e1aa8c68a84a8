r"""The descent engine: one result for every variant, one start or 100,000 at once.

Each step computes the gradient at $\theta_k$ (on the full data, or on a random batch of rows),
asks the optimizer for the update and applies it: $\theta_{k+1} = \theta_k + \Delta_k$; for plain
gradient descent $\Delta_k = -\alpha_k \nabla J(\theta_k)$. A run stops at the first step $k$ where

* ``diverged``: $f(\theta_k)$ or $\theta_k$ is not finite, or f moved far from where it started:
  $|f(\theta_k) - f(\theta_0)| > \tau \max(1, |f(\theta_0)|)$ with $\tau$ =
  ``divergence_threshold`` (relative, so that a start at a minimum where f is 1e13 is not
  "diverged"; the ``max(1, ·)`` keeps it absolute for starts where f is near 0);
* ``converged_gradient``: $\lVert\nabla f(\theta_k)\rVert <$ ``grad_tol``;
* ``converged_value``: $|f(\theta_k) - f(\theta_{k-1})| <$ ``value_tol``;
* ``max_steps``: $k =$ ``max_steps``.

A tolerance of 0 switches its rule off. These statuses are the engine's facts (which rule
fired); what the run *did* (converged to a minimum, stopped at a saddle, diverged from step 3,
ran off where f has no minimum, …) is :func:`gdviz.verdicts.verdict`'s reading of them with the
problem, and a single run's ``message`` is the verdict's.

The rules are checked on whole blocks of steps at once (vectorised), then the run is cut back
to the first step that met one: the result is exactly that of checking after every step, at a
fraction of the cost.

Many runs step together on ``(runs, d)`` arrays, in cache-sized chunks of runs (block and chunk
sizes: :mod:`gdviz.chunking`); a single run steps on Python floats, and a single
least-squares run of gd, momentum or Nesterov (batch, SGD or mini-batch) is composed as a scan
of affine maps (:mod:`gdviz.linear_scan`): 2,000,000 SGD steps in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gdviz import chunking, linear_scan, messages, stepping, verdicts
from gdviz.optimizers import Optimizer
from gdviz.problems import batch_rows
from gdviz.stepping import StopRules

STATUSES = ("converged_gradient", "converged_value", "max_steps", "diverged")


@dataclass(frozen=True)
class Trajectory:
    """The result of :func:`descend`: numbers only (scipy's ``OptimizeResult`` style).

    Single run: ``points (n+1, d)``, ``values``/``grad_norms (n+1,)``, ``learning_rates (n,)``
    (the rate used at each step), ``status`` and ``steps`` scalars, ``message`` for a student
    (the verdict's message and advice, :func:`gdviz.verdicts.verdict`). Batched (``start`` of
    shape ``(k, d)``): an extra run axis after the step axis, ``status`` and ``steps`` of shape
    ``(k,)``, ``message`` a count of statuses; a run that stopped early repeats its last point.
    ``optimizer`` and ``hyperparameters`` name what made the steps, so that a verdict needs
    nothing but the problem and this result.
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    learning_rates: np.ndarray
    status: str | np.ndarray
    steps: int | np.ndarray
    message: str
    rules: StopRules = field(default_factory=StopRules, repr=False)
    optimizer: str = ""  # registry name: "gd", "momentum", … ("" when unknown)
    hyperparameters: tuple[tuple[str, float], ...] = ()  # e.g. (("momentum", 0.9),)

    @property
    def batched(self) -> bool:
        return self.points.ndim == 3

    @property
    def final_point(self) -> np.ndarray:
        return self.points[-1]

    @property
    def converged(self) -> bool | np.ndarray:
        return np.char.startswith(np.asarray(self.status, dtype=str), "converged")

    def run(self, i: int, problem=None) -> Trajectory:
        """Run ``i`` of a batched trajectory, cut at its own stop step.

        With ``problem`` its message is the verdict's, as :func:`descend` gives a single run;
        without, it states the stop rule that fired (cheap: sweeps split hundreds of runs).
        """
        if not self.batched:
            raise ValueError("run(i) is for batched trajectories")
        n = int(self.steps[i])
        kept = (slice(n + 1), i)  # steps 0 … n of run i
        arrays = self.points[kept], self.values[kept], self.grad_norms[kept]
        rates, status = self.learning_rates[:n, i], str(self.status[i])
        single = Trajectory(
            *arrays, rates, status, n, "", self.rules, self.optimizer, self.hyperparameters
        )
        return replace(single, message=_single_message(problem, single))


def descend(
    problem,
    start: np.ndarray,
    optimizer: Optimizer,
    *,
    max_steps: int = 1000,
    grad_tol: float = 1e-6,
    value_tol: float = 0.0,
    divergence_threshold: float = 1e12,
    batch_size: int | None = None,
    seed: int = 0,
    check_every: int = 64,
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` from ``start`` (``(d,)``, or ``(k, d)`` for k runs).

    ``batch_size`` (data problems only): ``None`` = batch GD on all rows, ``1`` = SGD, ``b`` =
    mini-batch, drawn by :func:`gdviz.problems.batch_rows` from ``seed`` (all runs of a batched
    call see the same batches). ``values`` and ``grad_norms`` are always full-data.
    """
    rules = StopRules(int(max_steps), float(grad_tol), float(value_tol), divergence_threshold)
    start = np.asarray(start, dtype=float)
    params = np.atleast_2d(start).copy()
    runs, _ = params.shape
    rows = _batches(problem, batch_size, rules.max_steps, seed)
    affine = linear_scan.covers(problem, optimizer, start)
    size = rules.max_steps + 1
    path = stepping.Path(
        points=np.empty((size, *params.shape)),
        values=np.empty((size, runs)),
        norms=np.empty((size, runs)),
        stop=np.full(runs, -1),  # the step at which each run stopped, -1 while running
        status=np.full(runs, "max_steps", dtype=object),
        exact_norms=not affine and rows is None,
    )
    path.points[0] = params
    floats = runs == 1 and rows is None and hasattr(problem, "scalar_gradient")
    if affine:
        stepping.affine_loop(problem, optimizer, path, rules, rows)
    elif floats and np.ndim(optimizer.learning_rate(0)) == 0:  # one run, one learning rate
        stepping.scalar_loop(problem, optimizer, path, rules, check_every)
    else:
        for runs_slice, chunk_optimizer in chunking.run_chunks(optimizer, runs):
            stepping.vector_loop(
                problem, chunk_optimizer, path.part(runs_slice), rules, check_every, rows
            )
    return _result(problem, optimizer, path, rules, single=start.ndim == 1)


def _batches(problem, batch_size: int | None, max_steps: int, seed: int) -> np.ndarray | None:
    if batch_size is None:
        return None
    if not hasattr(problem, "n_samples"):
        raise ValueError("batch_size needs a data problem such as LeastSquares")
    if not 1 <= batch_size <= problem.n_samples:
        raise ValueError(f"batch_size must be between 1 and {problem.n_samples}")
    return batch_rows(problem.n_samples, int(batch_size), max(max_steps, 1), seed)


def _single_message(problem, trajectory: Trajectory) -> str:
    """The verdict's words for a single run (the facts of its stop rule without a problem)."""
    if problem is None:
        return messages.stop_fact(trajectory)
    return verdicts.verdict(problem, trajectory).text


def _result(problem, optimizer, path: stepping.Path, rules: StopRules, single: bool) -> Trajectory:
    """Trim to the last step any run took; finished runs repeat their last point."""
    stop = path.stop
    n = int(stop.max())
    after = np.arange(n + 1)[:, None] > stop
    last = (stop, np.arange(len(stop)))

    def frozen(array):
        array = array[: n + 1]
        if np.all(stop == n):  # no run stopped early: nothing to freeze
            return array
        mask = after[..., None] if array.ndim == 3 else after
        return np.where(mask, array[last], array)

    with np.errstate(all="ignore"):
        rates = optimizer.learning_rate(np.arange(n)[:, None])
    rates = np.broadcast_to(np.asarray(rates, dtype=float), (n, len(stop)))  # a read-only view
    arrays = frozen(path.points), frozen(path.values), frozen(path.norms), rates
    status = path.status.astype(str)
    settings = tuple(sorted(optimizer.hyperparameters.items()))
    trajectory = Trajectory(*arrays, status, stop.copy(), "", rules, optimizer.name, settings)
    if single:
        return trajectory.run(0, problem)
    counts = dict(zip(*np.unique(status, return_counts=True), strict=True))
    summary = ", ".join(
        f"{counts[name]} {name.replace('_', ' ')}" for name in STATUSES if name in counts
    )
    runs = f"{len(stop)} run" + ("" if len(stop) == 1 else "s")
    return replace(trajectory, message=f"{runs}: {summary}.")
