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
from gdviz.theory import Curvature, curvature, stability_limit


@dataclass(frozen=True)
class Theory(Curvature):
    """The Hessian's eigenvalues (ascending, with :class:`gdviz.theory.Curvature`'s λmax, λmin
    and κ) at the minimum the run heads for, and the stability limit they imply for the
    challenge's optimizer (NaN for adaptive ones, inf without curvature)."""

    point: np.ndarray = None
    limit: float = math.inf
    exact: bool = False  # f is a quadratic, so the limit is exact rather than local


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
    eigenvalues = curvature(hessian).eigenvalues
    return Theory(eigenvalues, point=point, limit=limit, exact=is_quadratic(problem))
