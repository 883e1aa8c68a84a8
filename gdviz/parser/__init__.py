"""The safe parser: a formula typed by a student → a differentiable, compiled objective.

>>> from gdviz.parser import parse_objective
>>> f = parse_objective("x^2 + 3y^2")
>>> f.dimension, float(f.value([1.0, 1.0]))
(2, 4.0)

The stages, each in its own file: ``tokenizer`` (text → token text), ``allowlist`` (what may
appear, the limits, ``ParseError``), ``pipeline`` (token text → checked SymPy tree → derivatives),
``objective`` (compiled f, ∇f, Hessian), ``timelimit`` (the CPU-time guard).
"""

from gdviz.parser.allowlist import ALLOWED_FUNCTIONS, MAX_LENGTH, ParseError
from gdviz.parser.objective import Objective
from gdviz.parser.pipeline import parse_objective

__all__ = ["ALLOWED_FUNCTIONS", "MAX_LENGTH", "Objective", "ParseError", "parse_objective"]
