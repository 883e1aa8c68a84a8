"""The parsed objective f: exact gradient and Hessian, compiled for fast evaluation, and shown.

:func:`compile_objective` takes trees that :mod:`gdviz.parser` built and checked, so every node
is ours: that is what makes ``lambdify`` (which runs ``exec`` on the code it prints) safe here.
Each list of expressions is compiled twice, on Python's ``math`` for one point (the engine's
single-run fast path, a few µs a call) and on NumPy for batches of points; f and ∇f together
(their shared subexpressions once) on NumPy only, for the engine's many runs. Evaluation never
raises or warns on overflow or a domain error: the numbers become inf or nan. The same trees give
the LaTeX and the NumPy source the app shows, so the page shows what the code runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from gdviz.parser.allowlist import UNDEFINED, ParseError


class _Compiled(NamedTuple):
    """Expressions compiled twice: Python's math for one point (fast), NumPy for batches."""

    scalar: Callable[..., list] | None
    array: Callable[..., list]
    size: int


@dataclass(frozen=True)
class Objective:
    """A parsed objective f with its exact gradient and Hessian, compiled for fast evaluation."""

    text: str  # the normalised formula
    variables: tuple[str, ...]  # ("x",) or ("x", "y")
    expr: sp.Expr
    gradient_exprs: tuple[sp.Expr, ...]
    hessian_exprs: tuple[tuple[sp.Expr, ...], ...]
    latex: str  # f(x, y) = x^{2} + 3 y^{2}
    gradient_latex: str  # \nabla f(x, y) = \begin{pmatrix} 2 x \\ 6 y \end{pmatrix}
    numpy_source: str  # readable NumPy code for f and its gradient, to show students
    _value: _Compiled = field(repr=False, compare=False)
    _gradient: _Compiled = field(repr=False, compare=False)
    _hessian: _Compiled = field(repr=False, compare=False)
    _value_gradient: _Compiled = field(repr=False, compare=False)

    @property
    def dimension(self) -> int:
        return len(self.variables)

    def value(self, points: object) -> np.ndarray:
        """f at points of shape (..., d), as float64 of shape (...)."""
        return _evaluate(self._value, points, self.dimension, ())

    def gradient(self, points: object) -> np.ndarray:
        """∇f at points of shape (..., d), as float64 of shape (..., d)."""
        return _evaluate(self._gradient, points, self.dimension, (self.dimension,))

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f (n,) and ∇f (n, d) at points (n, d) in one pass: the subexpressions they share are
        computed once (the engine's many-runs loop)."""
        n, d = points.shape
        with np.errstate(all="ignore"):
            value, *gradient = self._value_gradient.array(*(points[:, i] for i in range(d)))
            grads = np.empty((n, d))
            for index, column in enumerate(gradient):
                grads[:, index] = column  # constants broadcast
            return value if np.shape(value) == (n,) else np.full(n, value), grads

    def hessian(self, point: object) -> np.ndarray:
        """The Hessian at a point (d,) as (d, d); a batch (..., d) gives (..., d, d)."""
        return _evaluate(self._hessian, point, self.dimension, (self.dimension,) * 2)

    @property
    def scalar_gradient(self) -> Callable[..., list]:
        """∇f at one point given as floats, ``(x[, y]) -> [df/dx, (df/dy)]``, on Python's math
        module (the engine's single-run fast path). Outside the domain it raises ValueError or
        ArithmeticError, or returns complex numbers; callers treat those as NaN."""
        return self._gradient.scalar


def compile_objective(
    text: str,
    symbols: tuple[sp.Symbol, ...],
    expr: sp.Expr,
    gradient: list[sp.Expr],
    hessian: list[sp.Expr],
) -> Objective:
    """The Objective for checked trees: f, its gradient and its Hessian row by row, flattened."""
    d, variables = len(symbols), tuple(symbol.name for symbol in symbols)
    return Objective(
        text=text,
        variables=variables,
        expr=expr,
        gradient_exprs=tuple(gradient),
        hessian_exprs=tuple(tuple(hessian[row * d : row * d + d]) for row in range(d)),
        latex=f"f({', '.join(variables)}) = {_latex(expr)}",
        gradient_latex=_gradient_latex(gradient, variables),
        numpy_source=_numpy_source(expr, gradient, variables),
        _value=_compile([expr], symbols),
        _gradient=_compile(gradient, symbols),
        _hessian=_compile(hessian, symbols),
        _value_gradient=_compile([expr, *gradient], symbols, scalar=False),
    )


def _printable(expr: sp.Expr) -> sp.Expr:
    """sec, csc, cot as 1/cos, 1/sin, 1/tan. SymPy's code printers would .rewrite() them, which
    also rewrites their arguments (sec(cosh(3)) → 1/cos(cos(3i))) into complex code."""
    expr = expr.replace(sp.sec, lambda u: 1 / sp.cos(u)).replace(sp.csc, lambda u: 1 / sp.sin(u))
    expr = expr.replace(sp.cot, lambda u: 1 / sp.tan(u))
    if expr.has(*UNDEFINED):  # e.g. log(sign(u)^2) = log(1) = 0 somewhere in a derivative
        raise ParseError("This formula or its derivative is undefined (like log(0)) everywhere.")
    return expr


def _compile(exprs: list[sp.Expr], symbols: tuple[sp.Symbol, ...], scalar=True) -> _Compiled:
    """Compile for NumPy, and for Python's math too unless ``scalar`` is False."""
    exprs = [sp.Float(e) if e.is_Integer else _printable(e) for e in exprs]  # 2.0, never int 2
    shared = sp.cse(exprs)  # common subexpressions, found once for both printers

    def compile_for(modules: str) -> Callable[..., list]:
        return sp.lambdify(symbols, exprs, modules, cse=lambda _: shared, docstring_limit=0)

    return _Compiled(compile_for("math") if scalar else None, compile_for("numpy"), len(exprs))


def _evaluate(compiled: _Compiled, points: object, dimension: int, trailing: tuple) -> np.ndarray:
    """Evaluate at points (..., d) → (..., *trailing); inf/nan instead of errors or warnings."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 0 or points.shape[-1] != dimension:
        raise ValueError(f"points must have shape (..., {dimension}), got {points.shape}")
    shape = points.shape[:-1] + trailing
    if points.size == dimension:  # one point: Python floats beat NumPy's per-call overhead
        try:
            return np.array(compiled.scalar(*points.ravel().tolist()), np.float64).reshape(shape)
        except (ArithmeticError, ValueError, TypeError):
            pass  # overflow, log(-1), 0**-1 or a complex power: NumPy gives inf/nan instead
    out = np.empty(points.shape[:-1] + (compiled.size,))
    with np.errstate(all="ignore"):
        columns = compiled.array(*(points[..., axis] for axis in range(dimension)))
        for index, column in enumerate(columns):
            out[..., index] = column  # constants broadcast
    return out.reshape(shape)


# --- what the app shows -------------------------------------------------------------------------


def _latex(expr: sp.Expr) -> str:
    return sp.latex(expr, ln_notation=True)


def _gradient_latex(gradient: list[sp.Expr], variables: tuple[str, ...]) -> str:
    if len(variables) == 1:
        return f"f'(x) = {_latex(gradient[0])}"
    column = r" \\ ".join(_latex(g) for g in gradient)
    return rf"\nabla f({', '.join(variables)}) = \begin{{pmatrix}} {column} \end{{pmatrix}}"


def _numpy_source(expr: sp.Expr, gradient: list[sp.Expr], variables: tuple[str, ...]) -> str:
    def code(e: sp.Expr) -> str:
        return NumPyPrinter().doprint(_printable(e)).replace("numpy.", "np.")

    arguments, components = ", ".join(variables), ", ".join(map(code, gradient))
    return (
        f"import numpy as np\n\n\ndef f({arguments}):\n    return {code(expr)}\n\n\n"
        f"def grad_f({arguments}):\n    return np.array([{components}])\n"
    )
