"""Turn a formula typed by a student into a safe, differentiable, fast objective f(x) or f(x, y).

The text is untrusted (input box, ``?f=`` URL parameter), so it never reaches ``eval``,
``sympify`` or ``parse_expr``. Instead:

1. normalise (``π`` → ``pi``, ``²`` → ``^2``), cap the length, allow only a few characters;
2. our own tokenizer splits letters into known names (``xy`` → x·y; ``foo`` is an error), adds
   the implicit ``*`` (``3y``, ``2(x+1)``), turns ``^`` into ``**`` and checks the token order;
3. ``ast.parse(mode="eval")`` of that token text gives us Python's precedence rules;
4. an allowlist walk of the AST builds the SymPy tree itself, bounding depth, size, constants and
   exponents *before* SymPy evaluates anything, so ``9^9^9`` is refused, never computed;
5. the tree is differentiated (with a size budget), checked again (symbols, function classes) and
   compiled by ``lambdify``, which is safe here because every node of the tree is ours.
"""

from __future__ import annotations

import ast
import bisect
import ctypes
import math
import operator
import re
import string
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

MAX_LENGTH = 300  # characters
MAX_DEPTH = 20  # nesting levels; a chain like a + b - c or a*b/c counts as one level
MAX_NODES = 200  # numbers, names, operators and calls
MAX_CONSTANT = 1e6  # |c| for every number written or computed from constants
MAX_EXPONENT = 100  # |n| in x^n
MAX_BITS = 256  # size of exact numbers SymPy builds, e.g. the 2^100 of (2x)^100
MAX_DERIVATIVE_SIZE = (600, 6000)  # tree nodes in the gradient and in the Hessian (x^x^x^…)
MAX_SECONDS = 0.6  # wall clock: SymPy has slow corners the bounds above cannot predict

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
_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    **{name: getattr(sp, name) for name in _SAME_NAME.split()},
    **{"arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "ln": sp.log},
    **{"log10": lambda a: sp.log(a, 10), "log2": lambda a: sp.log(a, 2)},
    **{"abs": _RealAbs, "sign": _RealSign},
}
ALLOWED_FUNCTIONS: tuple[str, ...] = tuple(_FUNCTIONS)
_CLASSES = {sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.asin, sp.acos, sp.atan, sp.exp}
_CLASSES |= {sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh, sp.log, sp.Abs, sp.sign}
_NAMES: dict[str, sp.Expr] = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
_WORDS = sorted([*_FUNCTIONS, *_NAMES], key=len, reverse=True)  # longest match first
_UNDEFINED = (sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I)
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_OPERATORS |= {ast.Div: operator.truediv, ast.Pow: operator.pow}
_CHAINS = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}

_ALIASES = str.maketrans({"π": "pi", "−": "-", "×": "*", "·": "*", "÷": "/", "²": "^2"})
_ALIASES |= str.maketrans({"³": "^3", "\u00a0": " ", "\t": " ", "\n": " ", "\r": " "})
_ALLOWED_CHARACTERS = frozenset(string.ascii_letters + string.digits + " +-*/^().,")
_HINTS = {"|": "write abs(x) instead of |x|", "!": "factorials are not supported"}
_HINTS |= {"=": "type only the formula, e.g. x^2 + y^2, with no '='"}
_HINTS |= dict.fromkeys("[]{}", "use round brackets ( )")
_ALLOWED = (
    "Use numbers, x, y, pi, e, + - * / ^ ( ) and functions such as sin(x). "
    f"Allowed functions: {', '.join(ALLOWED_FUNCTIONS)}."
)
_SCANNER = re.compile(
    r"(?P<space> +)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[A-Za-z]+(?:(?<=log)(?:10|2)(?![\d.]))?)"  # letters; log10 and log2 keep digits
    r"|(?P<operator>\*\*|[-+*/^])"
    r"|(?P<bracket>[(),])"
)
_OPERAND_ENDS = ("number", "name", ")")
_OPERAND_STARTS = ("number", "name", "function", "(")


class ParseError(ValueError):
    """A formula we refuse, with a message written for the student who typed it."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position  # 0-based index into the normalised text, when known


class _Token(NamedTuple):
    kind: str  # number, name (x, y, pi, e), function, operator, "(", ")", ","
    text: str  # what Python will read: "0.001" for "1e-3", "log10", "^"
    start: int  # span in the normalised text
    end: int


def _at(position: int) -> str:
    return f"at character {position + 1}"


def _error(template: str, token: _Token) -> ParseError:
    return ParseError(template.format(at=_at(token.start), token=token.text), token.start)


# --- 1. normalise, screen characters and tokenize ----------------------------------------------


def _normalise(text: object) -> str:
    if not isinstance(text, str):
        raise ParseError("The formula must be text, for example x^2 + 3y^2.")
    text = text.strip()
    if not text:
        raise ParseError("Type a formula in x (and y), for example x^2 + 3y^2.")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"The formula is too long ({len(text)} characters, limit {MAX_LENGTH}).")
    text = re.sub(" +", " ", text.translate(_ALIASES))
    for position, character in enumerate(text):
        if character not in _ALLOWED_CHARACTERS:
            hint = _HINTS.get(character, _ALLOWED)
            if not character.isascii():  # look-alikes such as Cyrillic х or fullwidth ｘ
                name = unicodedata.name(character, "unknown")
                hint = f"it is U+{ord(character):04X} {name}; type it on a plain keyboard"
            message = f"Character {character!r} {_at(position)} is not allowed: {hint}"
            raise ParseError(message, position)
    return text


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _SCANNER.match(text, position)
        if match is None:  # a '.' that is not part of a number
            raise ParseError(f"Unexpected {text[position]!r} {_at(position)}. {_ALLOWED}", position)
        kind, piece, end = match.lastgroup, match.group(), match.end()
        if kind == "number":
            tokens.append(_Token("number", _number_text(piece, position), position, end))
        elif kind == "word":
            tokens += _split_word(piece, position, before_bracket=text[end : end + 1] == "(")
        elif kind != "space":
            tokens.append(_Token("operator" if kind == "operator" else piece, piece, position, end))
        position = end
    return tokens


def _number_text(piece: str, position: int) -> str:
    """A canonical Python literal for a written number, refusing huge ones (1e999, 10000000)."""
    value = int(piece) if piece.isdigit() else float(piece)
    if not abs(value) <= MAX_CONSTANT:
        limits = f"numbers must lie between -{MAX_CONSTANT:g} and {MAX_CONSTANT:g}"
        raise ParseError(f"The number {piece!r} {_at(position)} is too large: {limits}.", position)
    return repr(value)


def _split_word(word: str, start: int, before_bracket: bool) -> list[_Token]:
    """Split a run of letters into known names, longest first: "xy" → x, y; "xexp" → x, exp."""
    tokens, index = [], 0
    while index < len(word):
        name = next((name for name in _WORDS if word.startswith(name, index)), None)
        if name is None:
            raise ParseError(_unknown_name_message(word, start, before_bracket), start)
        kind = "function" if name in _FUNCTIONS else "name"
        tokens.append(_Token(kind, name, start + index, start + index + len(name)))
        index += len(name)
    return tokens


def _unknown_name_message(word: str, start: int, before_bracket: bool) -> str:
    if word.lower() in _WORDS:
        message = f"Unknown name {word!r}: write it in lower case, {word.lower()!r}."
    elif before_bracket:
        message = f"Unknown function {word!r}. Allowed: {', '.join(ALLOWED_FUNCTIONS)}."
    elif len(word) == 1:
        message = f"Unknown variable {word!r}: use x (and y)."
    else:
        message = (
            f"Unknown name {word!r}: the variables are x and y, the constants pi and e; "
            "functions need their full name and parentheses, e.g. sin(x)."
        )
    return f"{message} (At character {start + 1}.)"


# --- 2. check the token order and write Python source --------------------------------------------


class _Source(NamedTuple):
    code: str  # Python expression text made only of our own tokens
    offsets: list[int]  # where each token starts in `code`
    tokens: list[_Token]  # the tokens, with their place in the student's text


def _check_order(previous: _Token, token: _Token, brackets: list[tuple[_Token, _Token]]) -> None:
    """Refuse a token that cannot follow the previous one: x^^2, x 2, sin x, sin(), (, ), ','."""
    after_operand = previous.kind in _OPERAND_ENDS
    if token.kind == "number" and after_operand:
        raise _error("Missing operator before {token!r} {at}: write 2*x or x^2, not x2.", token)
    if previous.kind == "function" and token.kind != "(":
        raise _error("{token} {at} needs parentheses: write {token}(x), not {token} x.", previous)
    if token.kind == ")" and previous.kind == "(":
        function = brackets[-1][1]
        if function.kind == "function":
            raise _error("{token}() {at} needs an argument, e.g. {token}(x).", function)
        raise _error("Empty parentheses '()' {at}: put something inside.", previous)
    binary = token.kind in (")", ",") or (token.kind == "operator" and token.text not in "+-")
    if binary and not after_operand:
        raise _error("Unexpected {token!r} {at}: a number, x, y or '(' should come first.", token)
    if token.kind == ")" and not brackets:
        raise _error("Unmatched ')' {at}: there is no '(' before it.", token)
    if token.kind == "," and not (brackets and brackets[-1][1].kind == "function"):
        raise _error("Unexpected ',' {at}: each function takes one argument.", token)


def _to_python(tokens: list[_Token]) -> _Source:
    """Check the token order, add the implicit '*' and write Python source, with ** for ^."""
    pieces: list[str] = []
    offsets: list[int] = []
    emitted: list[_Token] = []
    brackets: list[tuple[_Token, _Token]] = []  # each open '(' and the token before it

    def emit(token: _Token) -> None:
        offsets.append(offsets[-1] + len(pieces[-1]) if pieces else 0)
        pieces.append(("**" if token.text == "^" else token.text) + " ")
        emitted.append(token)

    previous = _Token("start", "", 0, 0)
    for token in tokens:
        _check_order(previous, token, brackets)
        if previous.kind in _OPERAND_ENDS and token.kind in _OPERAND_STARTS:
            emit(_Token("operator", "*", token.start, token.start))  # 3y, 2(x+1), (x+1)(y-1)
        if token.kind == "(":
            brackets.append((token, previous))
            if len(brackets) > MAX_DEPTH:
                raise _error(f"More than {MAX_DEPTH} nested parentheses {{at}}.", token)
        elif token.kind == ")":
            brackets.pop()
        emit(token)
        previous = token
    if brackets:
        raise _error("The '(' {at} is never closed: add a ')'.", brackets[-1][0])
    if previous.kind not in _OPERAND_ENDS:
        raise _error("The formula ends with {token!r} {at}: something is missing.", previous)
    return _Source("".join(pieces), offsets, emitted)


def _parse_python(source: _Source) -> ast.Expression:
    try:
        return ast.parse(source.code, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # not expected after _to_python
        raise ParseError(f"The formula could not be read. {_ALLOWED}") from None


# --- 3. build the SymPy tree from an allowlist, bounding sizes on the way up --------------------


class _TreeBuilder:
    """Walk Python's AST allowing only numbers, x, y, pi, e, + - * / ** and known functions."""

    def __init__(self, text: str, source: _Source) -> None:
        self.text, self.source, self.nodes = text, source, 0

    def quote(self, node: ast.expr) -> str:
        """The part of the student's text that `node` came from, and where it starts."""
        offsets, tokens = self.source.offsets, self.source.tokens
        first = tokens[bisect.bisect_right(offsets, node.col_offset) - 1]
        last = tokens[bisect.bisect_left(offsets, node.end_col_offset or 0) - 1]
        return f"{self.text[first.start : max(last.end, first.end)]!r} {_at(first.start)}"

    def build(self, node: ast.expr, depth: int = 0) -> sp.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError(f"The formula is too long (more than {MAX_NODES} parts).")
        if depth > MAX_DEPTH:
            raise ParseError(f"The formula is nested too deeply (more than {MAX_DEPTH} levels).")
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return sp.Integer(node.value) if type(node.value) is int else sp.Float(node.value)
        if isinstance(node, ast.Name) and node.id in _NAMES:
            return _NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise ParseError(f"{self.quote(node)} is not allowed. {_ALLOWED}")

    def binary(self, node: ast.BinOp, depth: int) -> sp.Expr:
        chain = _CHAINS.get(type(node.op))

        def child_depth(child: ast.expr) -> int:  # a + b - c is one level, not three
            same_chain = isinstance(child, ast.BinOp) and _CHAINS.get(type(child.op)) == chain
            return depth if chain and same_chain else depth + 1

        left = self.build(node.left, child_depth(node.left))
        right = self.build(node.right, child_depth(node.right))
        is_power = isinstance(node.op, ast.Pow)
        if is_power and not right.free_symbols and abs(_constant(right)) > MAX_EXPONENT:
            raise ParseError(f"The exponent in {self.quote(node)} is above {MAX_EXPONENT}.")
        return self.checked(_OPERATORS[type(node.op)](left, right), node)

    def call(self, node: ast.Call, depth: int) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in _FUNCTIONS:
            raise ParseError(f"Unknown function in {self.quote(node)}. {_ALLOWED}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ParseError(f"{name} takes one argument, as in {name}(x): {self.quote(node)}.")
        return self.checked(_FUNCTIONS[name](self.build(node.args[0], depth + 1)), node)

    def checked(self, result: sp.Expr, node: ast.BinOp | ast.Call) -> sp.Expr:
        """Refuse undefined, complex or oversized results right where they appear."""
        undefined = "is undefined or not a real number (division by 0? log or root of < 0?)"
        if result.has(*_UNDEFINED):
            raise ParseError(f"{self.quote(node)} {undefined}")
        if not result.free_symbols:
            value = _constant(result)
            if value.imag != 0 or math.isnan(value.real):
                raise ParseError(f"{self.quote(node)} {undefined}")
            if abs(value) > MAX_CONSTANT:
                raise ParseError(f"The constant {self.quote(node)} is above {MAX_CONSTANT:g}.")
        if isinstance(getattr(node, "op", None), (ast.Mult, ast.Pow)) and not _sizes_ok(result):
            raise ParseError(f"{self.quote(node)} makes numbers or exponents that are too large.")
        return result


def _constant(expr: sp.Expr) -> complex:
    """The value of a constant subtree; its arguments are already bounded, so evalf is quick."""
    try:
        return complex(expr.evalf(20))
    except OverflowError:
        return complex(math.inf)
    except (TypeError, ValueError):
        return complex(math.nan, math.nan)


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


# --- 4. differentiate, check, compile, evaluate -------------------------------------------------


def _derivatives(exprs: tuple[sp.Expr, ...], symbols: tuple, limit: int) -> tuple[sp.Expr, ...]:
    """All d e / d s, e in exprs, s in symbols; DiracDelta (the jump of sign) counts as 0."""
    zero = sp.S.Zero
    result = tuple(
        sp.diff(e, s).replace(sp.DiracDelta, lambda *args: zero) for e in exprs for s in symbols
    )
    if sum(1 for r in result for _ in sp.preorder_traversal(r)) > limit:
        raise ParseError("This formula is too complicated to differentiate quickly.")
    return result


def _standard(expr: sp.Expr) -> sp.Expr:
    """Back to SymPy's Abs and sign, which every printer knows; the last allowlist check."""
    expr = expr.replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign)
    functions = {type(f) for f in expr.atoms(sp.Function, sp.Derivative)}
    if not expr.free_symbols <= {X, Y} or not functions <= _CLASSES or expr.has(*_UNDEFINED):
        raise ParseError("This formula cannot be differentiated safely; try another form.")
    return expr


class _Compiled(NamedTuple):
    """Expressions compiled twice: Python's math for one point (fast), NumPy for batches."""

    scalar: Callable[..., list]
    array: Callable[..., list]
    size: int


def _printable(expr: sp.Expr) -> sp.Expr:
    """sec, csc, cot as 1/cos, 1/sin, 1/tan. SymPy's code printers would .rewrite() them, which
    also rewrites their arguments (sec(cosh(3)) → 1/cos(cos(3i))) into complex code."""
    expr = expr.replace(sp.sec, lambda u: 1 / sp.cos(u)).replace(sp.csc, lambda u: 1 / sp.sin(u))
    expr = expr.replace(sp.cot, lambda u: 1 / sp.tan(u))
    if expr.has(*_UNDEFINED):  # e.g. log(sign(u)^2) = log(1) = 0 somewhere in a derivative
        raise ParseError("This formula or its derivative is undefined (like log(0)) everywhere.")
    return expr


def _compile(exprs: list[sp.Expr], symbols: tuple[sp.Symbol, ...]) -> _Compiled:
    exprs = [_printable(e) for e in exprs]
    shared = sp.cse(exprs)  # common subexpressions, found once for both printers

    def compile_for(modules: str) -> Callable[..., list]:
        return sp.lambdify(symbols, exprs, modules, cse=lambda _: shared, docstring_limit=0)

    return _Compiled(compile_for("math"), compile_for("numpy"), len(exprs))


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


# --- the result ---------------------------------------------------------------------------------


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

    @property
    def dimension(self) -> int:
        return len(self.variables)

    def value(self, points: object) -> np.ndarray:
        """f at points of shape (..., d), as float64 of shape (...)."""
        return _evaluate(self._value, points, self.dimension, ())

    def gradient(self, points: object) -> np.ndarray:
        """∇f at points of shape (..., d), as float64 of shape (..., d)."""
        return _evaluate(self._gradient, points, self.dimension, (self.dimension,))

    def hessian(self, point: object) -> np.ndarray:
        """The Hessian at a point (d,) as (d, d); a batch (..., d) gives (..., d, d)."""
        return _evaluate(self._hessian, point, self.dimension, (self.dimension,) * 2)

    @property
    def scalar_gradient(self) -> Callable[..., list]:
        """∇f at one point given as floats, ``(x[, y]) -> [df/dx, (df/dy)]``, on Python's math
        module (the engine's single-run fast path). Outside the domain it raises ValueError or
        ArithmeticError, or returns complex numbers; callers treat those as NaN."""
        return self._gradient.scalar


class _OutOfTime(BaseException):
    """Raised inside the parsing thread when MAX_SECONDS run out (not an Exception: SymPy's own
    `except Exception` clauses must not swallow it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt this thread after `seconds` from a timer thread: signal.alarm only works in the
    main thread, and Streamlit runs scripts in others."""
    thread, lock, finished = ctypes.c_ulong(threading.get_ident()), threading.Lock(), []
    set_async_exception = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def interrupt() -> None:
        with lock:
            if not finished:
                set_async_exception(thread, ctypes.py_object(_OutOfTime))

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            finished.append(True)
            set_async_exception(thread, None)  # drop an interrupt that arrived too late
        timer.cancel()


def parse_objective(text: str) -> Objective:
    """Parse a student's formula such as "x^2 + 3y^2" or "(1-x)^2 + 100(y-x^2)^2".

    Raises ParseError, with a message for the student, for anything that is not a real function
    of x (and y) built from numbers, + - * / ^, pi, e and the ALLOWED_FUNCTIONS, and for formulas
    that take SymPy more than MAX_SECONDS to differentiate.
    """
    try:
        with _time_limit(MAX_SECONDS):
            return _parse(text)
    except _OutOfTime:
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
    normalised = _normalise(text)
    tokens = _tokenize(normalised)
    source = _to_python(tokens)
    expr = _TreeBuilder(normalised, source).build(_parse_python(source).body)
    if not expr.free_symbols:
        constant = f"{normalised!r} is the constant {_standard(expr)}"
        raise ParseError(f"f must depend on x (or on x and y), but {constant}.")
    symbols = (X, Y) if any(token.text == "y" for token in tokens) else (X,)
    gradient = _derivatives((expr,), symbols, MAX_DERIVATIVE_SIZE[0])
    hessian = _derivatives(gradient, symbols, MAX_DERIVATIVE_SIZE[1])
    expr = _standard(expr)
    gradient, hessian = [*map(_standard, gradient)], [*map(_standard, hessian)]
    d, variables = len(symbols), tuple(symbol.name for symbol in symbols)
    return Objective(
        text=normalised,
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
    )


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
