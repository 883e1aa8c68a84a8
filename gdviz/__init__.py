"""gdviz: the pure core of an app that teaches gradient descent (no Streamlit in here).

>>> from gdviz import parse_objective, descend, optimizers, verdict
>>> f = parse_objective("x^2 + 3y^2")
>>> run = descend(f, [2.0, 1.0], optimizers.gd(learning_rate=0.1))
>>> run.status, run.steps, run.message
('converged_gradient', 69, 'Converged to a local minimum: ‖∇f‖ < 1e-6 after 69 steps.')
>>> verdict(f, run).label
'converged in 69 steps'
"""

from gdviz import optimizers, schedules
from gdviz.engine import STATUSES, StopRules, Trajectory, descend
from gdviz.parser import ParseError, parse_objective
from gdviz.problems import LeastSquares, seed_example
from gdviz.verdicts import KINDS, Verdict, verdict

__all__ = [
    "KINDS",
    "STATUSES",
    "LeastSquares",
    "ParseError",
    "StopRules",
    "Trajectory",
    "Verdict",
    "descend",
    "optimizers",
    "parse_objective",
    "schedules",
    "seed_example",
    "verdict",
]
