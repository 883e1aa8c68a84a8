"""gdviz: the pure core of an app that teaches gradient descent (no Streamlit in here).

>>> from gdviz import parse_objective, descend, optimizers
>>> f = parse_objective("x^2 + 3y^2")
>>> run = descend(f, [2.0, 1.0], optimizers.gd(learning_rate=0.1))
>>> run.status, run.steps
('converged_gradient', 69)
>>> run.points[-1].round(6).tolist()
[0.0, 0.0]
"""

from gdviz import optimizers, schedules
from gdviz.engine import STATUSES, StopRules, Trajectory, descend
from gdviz.parser import ParseError, parse_objective
from gdviz.problems import LeastSquares, seed_example

__all__ = [
    "STATUSES",
    "LeastSquares",
    "ParseError",
    "StopRules",
    "Trajectory",
    "descend",
    "optimizers",
    "parse_objective",
    "schedules",
    "seed_example",
]
