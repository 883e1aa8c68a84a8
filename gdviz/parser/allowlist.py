"""What a formula may contain and how large it may get: the one list every parsing stage checks.

The parser (:mod:`gdviz.parser`) never hands user text to ``eval``, ``sympify`` or
``parse_expr``; it builds the SymPy tree itself, node by node, from what is listed here: the
names x, y, pi, e, the functions in ``ALLOWED_FUNCTIONS`` and the limits below. The limits are
checked while the tree is built, before SymPy computes anything (``9^9^9`` is refused, never
evaluated). ``standard_tree`` checks a finished tree once more before ``lambdify`` compiles it.
Anything refused is a ``ParseError`` with a message for the student who typed it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy as sp

MAX_LENGTH = 300  # characters
MAX_DEPTH = 20  # nesting levels; a chain like a + b - c or a*b/c counts as one level
MAX_NODES = 200  # numbers, names, operators and calls
MAX_CONSTANT = 1e6  # |c| for every number written or computed from constants
MAX_EXPONENT = 100  # |n| in x^n
MAX_BITS = 256  # size of exact numbers SymPy builds, e.g. the 2^100 of (2x)^100
MAX_DERIVATIVE_SIZE = (600, 6000)  # tree nodes in the gradient and in the Hessian (x^x^x^…)
# SymPy has slow corners the bounds above cannot predict: a time limit catches them. It counts
# the parsing thread's CPU time (a busy server must not refuse what a quiet one accepts): the
# slowest preset, Ackley, needs 0.13 s of CPU cold here; 0.5 s leaves it a margin of four and a
# refusal inside 1 s while the thread gets half a core. The wall-clock limit is the backstop.
MAX_SECONDS = 0.5  # CPU seconds of the parsing thread
MAX_WALL_SECONDS = 5.0


class ParseError(ValueError):
    """A formula we refuse, with a message written for the student who typed it."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position  # 0-based index into the normalised text, when known


X = sp.Symbol("x", real=True)  # real, so that d|x|/dx = sign(x)
Y = sp.Symbol("y", real=True)


class _RealAbs(sp.Function):
    """|u| with derivative sign(u)·u', also where SymPy cannot prove u real (|log x|)."""

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        return None if arg.free_symbols else sp.Abs(arg)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _RealSign(self.args[0])


class _RealSign(sp.Function):
    """sign(u) with derivative 0, true everywhere but at its jump."""

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        return None if arg.free_symbols else sp.sign(arg)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


_SAME_NAME = "sin cos tan sec csc cot asin acos atan sinh cosh tanh asinh acosh atanh exp log sqrt"
FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {  # what a student may call → SymPy
    **{name: getattr(sp, name) for name in _SAME_NAME.split()},
    **{"arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "ln": sp.log},
    **{"log10": lambda a: sp.log(a, 10), "log2": lambda a: sp.log(a, 2)},
    **{"abs": _RealAbs, "sign": _RealSign},
}
ALLOWED_FUNCTIONS: tuple[str, ...] = tuple(FUNCTIONS)
NAMES: dict[str, sp.Expr] = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
# The SymPy function classes a finished tree may hold (sqrt is a power, not a class).
_CLASSES = {getattr(sp, name) for name in _SAME_NAME.split() if name != "sqrt"}
_CLASSES |= {sp.Abs, sp.sign}
UNDEFINED = (sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I)
ALLOWED = (
    "Use numbers, x, y, pi, e, + - * / ^ ( ) and functions such as sin(x). "
    f"Allowed functions: {', '.join(ALLOWED_FUNCTIONS)}."
)


def constant_value(expr: sp.Expr) -> complex:
    """The value of a constant subtree; its arguments are already bounded, so evalf is quick."""
    try:
        return complex(expr.evalf(20))
    except OverflowError:
        return complex(math.inf)
    except (TypeError, ValueError):
        return complex(math.nan, math.nan)


def standard_tree(expr: sp.Expr) -> sp.Expr:
    """Back to SymPy's Abs and sign, which every printer knows; the last allowlist check."""
    expr = expr.replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign)
    functions = {type(f) for f in expr.atoms(sp.Function, sp.Derivative)}
    if not expr.free_symbols <= {X, Y} or not functions <= _CLASSES or expr.has(*UNDEFINED):
        raise ParseError("This formula cannot be differentiated safely; try another form.")
    for part in sp.preorder_traversal(expr):  # SymPy may pull out (-999)^(1/4) from sqrt(-999y)
        if not part.free_symbols and not part.is_Number and constant_value(part).imag != 0:
            raise ParseError(f"This formula is not a real number anywhere: it contains {part}.")
    return expr
