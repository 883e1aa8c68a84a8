r"""A challenge's theory: the curvature at the minimum its run heads for.

:func:`theory_of` reads the Hessian where plain GD settles (``problem.minimum_near``) and the
stability limit it implies for the challenge's optimizer; the answers' explanations quote it
($\alpha\lambda_{max}$ against 1 and 2, $\kappa$, momentum's limit).

>>> from gdviz.lessons.predict.challenge import Challenge
>>> from gdviz.lessons.predict.problem import problem_of
>>> challenge = Challenge()  # x^2 + 10y^2
>>> theory = theory_of(challenge, problem_of(challenge))
>>> theory.largest, theory.smallest, theory.limit, theory.exact
(20.0, 2.0, 0.1, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.lessons.predict.challenge import Challenge
from gdviz.lessons.predict.problem import minimum_near
from gdviz.theory import curvature, stability_limit


@dataclass(frozen=True)
class Theory:
    """The Hessian's eigenvalues at the minimum the run heads for and the stability limit
    they imply for the challenge's optimizer (NaN for adaptive ones, inf without curvature)."""

    point: np.ndarray
    eigenvalues: np.ndarray
    limit: float
    exact: bool  # f is a quadratic, so the limit is exact rather than local

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def condition(self) -> float:
        return self.largest / self.smallest if self.smallest > 0 else math.inf


def is_quadratic(problem) -> bool:
    """f's Hessian is constant (a data problem's always is)."""
    exprs = getattr(problem, "hessian_exprs", None)
    if exprs is None:
        return hasattr(problem, "n_samples")
    return all(not e.free_symbols for row in exprs for e in row)


def theory_of(challenge: Challenge, problem, name: str | None = None) -> Theory:
    """The curvature at :func:`minimum_near` and the limit it sets for ``name`` (the
    challenge's optimizer by default)."""
    point = minimum_near(challenge, problem)
    with np.errstate(all="ignore"):
        hessian = np.atleast_2d(np.asarray(problem.hessian(point), dtype=float))
    name = name or challenge.optimizer
    limit = stability_limit(hessian, name, challenge.momentum)
    return Theory(point, curvature(hessian).eigenvalues, limit, is_quadratic(problem))
