"""Turn a formula typed by a student into a safe, differentiable, fast objective f(x) or f(x, y).

The text is untrusted (input box, ``?f=`` URL parameter). SymPy's ``sympify`` and ``parse_expr``
run Python's ``eval`` on it, so none of them ever sees it. Instead:

1. normalise (``π`` → ``pi``, ``²`` → ``^2``), cap the length, allow only a few characters;
2. our own tokenizer splits letters into known names (``xy`` → x·y; ``foo`` is an error), adds
   the implicit ``*`` (``3y``, ``2(x+1)``), turns ``^`` into ``**`` and checks the token order;
3. ``ast.parse(mode="eval")`` of that token text gives us Python's precedence rules;
4. an allowlist walk of the AST builds the SymPy tree itself, bounding depth, size, constants and
   exponents *before* SymPy evaluates anything, so ``9^9^9`` is refused, never computed;
5. the tree is differentiated (with a size budget), checked again (symbols, function classes) and
   compiled by ``lambdify``, which is safe here because every node of the tree is ours;
6. all of it runs under a time limit (the thread's CPU time), for the slow corners of SymPy no
   bound predicts.

Where each part lives (all in :mod:`gdviz.parser`): the allowlist, the limits and
``ParseError`` in ``allowlist``; stages 1–2 in ``tokenizer``; stages 3–4 and the whole pipeline
here; compiling and evaluating in ``objective``; the limit in ``timelimit``.
"""

from __future__ import annotations

import ast
import math
import operator

import sympy as sp

from gdviz.parser.allowlist import (
    ALLOWED,
    ALLOWED_FUNCTIONS,
    FUNCTIONS,
    MAX_BITS,
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_DERIVATIVE_SIZE,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    MAX_SECONDS,
    MAX_WALL_SECONDS,
    NAMES,
    UNDEFINED,
    ParseError,
    X,
    Y,
    constant_value,
    standard_tree,
)
from gdviz.parser.objective import Objective, compile_objective
from gdviz.parser.timelimit import OutOfTime, time_limit
from gdviz.parser.tokenizer import Source, to_python

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_BITS",
    "MAX_CONSTANT",
    "MAX_DEPTH",
    "MAX_DERIVATIVE_SIZE",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_SECONDS",
    "MAX_WALL_SECONDS",
    "X",
    "Y",
    "Objective",
    "ParseError",
    "parse_objective",
]

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_OPERATORS |= {ast.Div: operator.truediv, ast.Pow: operator.pow}
_CHAINS = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}


def parse_objective(text: str) -> Objective:
    """Parse a student's formula such as "x^2 + 3y^2" or "(1-x)^2 + 100(y-x^2)^2".

    Raises ParseError, with a message for the student, for anything that is not a real function
    of x (and y) built from numbers, + - * / ^, pi, e and the ALLOWED_FUNCTIONS, and for formulas
    that take SymPy more than MAX_SECONDS of CPU time (or MAX_WALL_SECONDS on the clock) to
    differentiate.
    """
    try:
        with time_limit(MAX_SECONDS, MAX_WALL_SECONDS):
            return _parse(text)
    except OutOfTime:
        sp.core.cache.clear_cache()  # an interrupted assumption query may have cached "unknown"
        raise ParseError("This formula takes too long to analyse; try a simpler one.") from None
    except ParseError:
        raise
    except Exception as error:  # SymPy failing inside, e.g. ZeroDivisionError from an evalf
        message = (
            f"SymPy could not analyse this formula ({type(error).__name__}); try another form."
        )
        raise ParseError(message) from error


def _parse(text: str) -> Objective:
    source = to_python(text)
    expr = _TreeBuilder(source).build(_read_python(source).body)
    if not expr.free_symbols:
        constant = f"{source.text!r} is the constant {standard_tree(expr)}"
        raise ParseError(f"f must depend on x (or on x and y), but {constant}.")
    symbols = (X, Y) if any(token.text == "y" for token in source.tokens) else (X,)
    gradient = _derivatives((expr,), symbols, MAX_DERIVATIVE_SIZE[0])
    hessian = _derivatives(gradient, symbols, MAX_DERIVATIVE_SIZE[1])
    expr = standard_tree(expr)
    gradient, hessian = [*map(standard_tree, gradient)], [*map(standard_tree, hessian)]
    return compile_objective(source.text, symbols, expr, gradient, hessian)


# --- 3. read the Python text and build the SymPy tree from an allowlist -------------------------


def _read_python(source: Source) -> ast.Expression:
    try:
        return ast.parse(source.code, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # not expected after stage 2
        raise ParseError(f"The formula could not be read. {ALLOWED}") from None


class _TreeBuilder:
    """Walk Python's AST allowing only numbers, x, y, pi, e, + - * / ** and known functions,
    bounding sizes on the way up, before SymPy evaluates anything bigger."""

    def __init__(self, source: Source) -> None:
        self.quote, self.nodes = source.quote, 0

    def build(self, node: ast.expr, depth: int = 0) -> sp.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError(f"The formula is too long (more than {MAX_NODES} parts).")
        if depth > MAX_DEPTH:
            raise ParseError(f"The formula is nested too deeply (more than {MAX_DEPTH} levels).")
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return sp.Integer(node.value) if type(node.value) is int else sp.Float(node.value)
        if isinstance(node, ast.Name) and node.id in NAMES:
            return NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise ParseError(f"{self.quote(node)} is not allowed. {ALLOWED}")

    def binary(self, node: ast.BinOp, depth: int) -> sp.Expr:
        chain = _CHAINS.get(type(node.op))

        def child_depth(child: ast.expr) -> int:  # a + b - c is one level, not three
            same_chain = isinstance(child, ast.BinOp) and _CHAINS.get(type(child.op)) == chain
            return depth if chain and same_chain else depth + 1

        left = self.build(node.left, child_depth(node.left))
        right = self.build(node.right, child_depth(node.right))
        is_power = isinstance(node.op, ast.Pow)
        if is_power and not right.free_symbols and abs(constant_value(right)) > MAX_EXPONENT:
            raise ParseError(f"The exponent in {self.quote(node)} is above {MAX_EXPONENT}.")
        return self.checked(_OPERATORS[type(node.op)](left, right), node)

    def call(self, node: ast.Call, depth: int) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in FUNCTIONS:
            raise ParseError(f"Unknown function in {self.quote(node)}. {ALLOWED}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ParseError(f"{name} takes one argument, as in {name}(x): {self.quote(node)}.")
        return self.checked(FUNCTIONS[name](self.build(node.args[0], depth + 1)), node)

    def checked(self, result: sp.Expr, node: ast.BinOp | ast.Call) -> sp.Expr:
        """Refuse undefined, complex or oversized results right where they appear."""
        undefined = "is undefined or not a real number (division by 0? log or root of < 0?)"
        if result.has(*UNDEFINED):
            raise ParseError(f"{self.quote(node)} {undefined}")
        if not result.free_symbols:
            value = constant_value(result)
            if value.imag != 0 or math.isnan(value.real):
                raise ParseError(f"{self.quote(node)} {undefined}")
            if abs(value) > MAX_CONSTANT:
                raise ParseError(f"The constant {self.quote(node)} is above {MAX_CONSTANT:g}.")
        if isinstance(getattr(node, "op", None), (ast.Mult, ast.Pow)) and not _sizes_ok(result):
            raise ParseError(f"{self.quote(node)} makes numbers or exponents that are too large.")
        return result


def _sizes_ok(expr: sp.Expr) -> bool:
    """At most MAX_BITS-bit exact numbers and exponents up to MAX_EXPONENT: keeps SymPy fast."""
    for part in sp.preorder_traversal(expr):
        if isinstance(part, sp.Rational) and max(abs(part.p), part.q).bit_length() > MAX_BITS:
            return False
        if isinstance(part, sp.Float) and not abs(float(part)) <= 2.0**MAX_BITS:
            return False
        if isinstance(part, sp.Pow) and part.exp.is_Number and abs(part.exp) > MAX_EXPONENT:
            return False
    return True


# --- 4. differentiate, with a size budget -------------------------------------------------------


def _derivatives(exprs: tuple[sp.Expr, ...], symbols: tuple, limit: int) -> tuple[sp.Expr, ...]:
    """All d e / d s, e in exprs, s in symbols; DiracDelta (the jump of sign) counts as 0."""
    zero = sp.S.Zero
    result = tuple(
        sp.diff(e, s).replace(sp.DiracDelta, lambda *args: zero) for e in exprs for s in symbols
    )
    if sum(1 for r in result for _ in sp.preorder_traversal(r)) > limit:
        raise ParseError("This formula is too complicated to differentiate; try a simpler one.")
    return result
