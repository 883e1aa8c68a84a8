"""Stages 1–2 of the parser: a student's formula → Python expression text made only of our tokens.

Why our own tokenizer instead of SymPy's ``parse_expr``: that one ends in Python's ``eval``. Here
the text is normalised (``π`` → ``pi``, ``²`` → ``^2``), capped in length and screened against a
few allowed characters; then every run of letters must split into known names (``xy`` → x·y,
``xexp`` → x·exp; ``foo`` is an error, never f·o·o), the implicit ``*`` is added (``3y``,
``2(x+1)``), ``^`` becomes ``**`` and the order of tokens is checked, so that most mistakes get
a message that points at the character. The result is text that :func:`ast.parse` reads with
Python's precedence rules; nothing is evaluated.
"""

from __future__ import annotations

import ast
import bisect
import re
import string
import unicodedata
from typing import NamedTuple

from gdviz.parser.allowlist import (
    ALLOWED,
    ALLOWED_FUNCTIONS,
    FUNCTIONS,
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_LENGTH,
    NAMES,
    ParseError,
)

_WORDS = sorted([*FUNCTIONS, *NAMES], key=len, reverse=True)  # longest match first
_ALIASES = str.maketrans({"π": "pi", "−": "-", "×": "*", "·": "*", "÷": "/", "²": "^2"})
_ALIASES |= str.maketrans({"³": "^3", "\u00a0": " ", "\t": " ", "\n": " ", "\r": " "})
_ALLOWED_CHARACTERS = frozenset(string.ascii_letters + string.digits + " +-*/^().,")
_HINTS = {"|": "write abs(x) instead of |x|", "!": "factorials are not supported"}
_HINTS |= {"=": "type only the formula, e.g. x^2 + y^2, with no '='"}
_HINTS |= dict.fromkeys("[]{}", "use round brackets ( )")
_SCANNER = re.compile(
    r"(?P<space> +)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[A-Za-z]+(?:(?<=log)(?:10|2)(?![\d.]))?)"  # letters; log10 and log2 keep digits
    r"|(?P<operator>\*\*|[-+*/^])"
    r"|(?P<bracket>[(),])"
)
_OPERAND_ENDS = ("number", "name", ")")
_OPERAND_STARTS = ("number", "name", "function", "(")


class Token(NamedTuple):
    kind: str  # number, name (x, y, pi, e), function, operator, "(", ")", ","
    text: str  # what Python will read: "0.001" for "1e-3", "log10", "^"
    start: int  # span in the normalised text
    end: int


class Source(NamedTuple):
    """The formula as Python text, remembering where each piece came from in the student's."""

    text: str  # the normalised formula
    code: str  # Python expression text made only of our own tokens
    offsets: list[int]  # where each token starts in `code`
    tokens: list[Token]  # the tokens, with their place in the student's text

    def quote(self, node: ast.expr) -> str:
        """The part of the student's text that `node` came from, and where it starts."""
        first = self.tokens[bisect.bisect_right(self.offsets, node.col_offset) - 1]
        last = self.tokens[bisect.bisect_left(self.offsets, node.end_col_offset or 0) - 1]
        return f"{self.text[first.start : max(last.end, first.end)]!r} {_at(first.start)}"


def _at(position: int) -> str:
    return f"at character {position + 1}"


def _error(template: str, token: Token) -> ParseError:
    return ParseError(template.format(at=_at(token.start), token=token.text), token.start)


def to_python(text: object) -> Source:
    """Normalise, screen and tokenize the student's text, then write it as Python source."""
    normalised = _normalise(text)
    return _write_python(normalised, _tokenize(normalised))


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
            hint = _HINTS.get(character, ALLOWED)
            if not character.isascii():  # look-alikes such as Cyrillic х or fullwidth ｘ
                name = unicodedata.name(character, "unknown")
                hint = f"it is U+{ord(character):04X} {name}; type it on a plain keyboard"
            message = f"Character {character!r} {_at(position)} is not allowed: {hint}"
            raise ParseError(message, position)
    return text


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _SCANNER.match(text, position)
        if match is None:  # a '.' that is not part of a number
            raise ParseError(f"Unexpected {text[position]!r} {_at(position)}. {ALLOWED}", position)
        kind, piece, end = match.lastgroup, match.group(), match.end()
        if kind == "number":
            tokens.append(Token("number", _number_text(piece, position), position, end))
        elif kind == "word":
            tokens += _split_word(piece, position, before_bracket=text[end : end + 1] == "(")
        elif kind != "space":
            tokens.append(Token("operator" if kind == "operator" else piece, piece, position, end))
        position = end
    return tokens


def _number_text(piece: str, position: int) -> str:
    """A canonical Python literal for a written number, refusing huge ones (1e999, 10000000)."""
    value = int(piece) if piece.isdigit() else float(piece)
    if not abs(value) <= MAX_CONSTANT:
        limits = f"numbers must lie between -{MAX_CONSTANT:g} and {MAX_CONSTANT:g}"
        raise ParseError(f"The number {piece!r} {_at(position)} is too large: {limits}.", position)
    return repr(value)


def _split_word(word: str, start: int, before_bracket: bool) -> list[Token]:
    """Split a run of letters into known names, longest first: "xy" → x, y; "xexp" → x, exp."""
    tokens, index = [], 0
    while index < len(word):
        name = next((name for name in _WORDS if word.startswith(name, index)), None)
        if name is None:
            raise ParseError(_unknown_name_message(word, start, before_bracket), start)
        kind = "function" if name in FUNCTIONS else "name"
        tokens.append(Token(kind, name, start + index, start + index + len(name)))
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


def _check_order(previous: Token, token: Token, brackets: list[tuple[Token, Token]]) -> None:
    """Refuse a token that cannot follow the previous one: x^^2, x 2, sin x, sin(), a stray ')'."""
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


def _write_python(text: str, tokens: list[Token]) -> Source:
    """Check the token order, add the implicit '*' and write Python source, with ** for ^."""
    pieces: list[str] = []
    offsets: list[int] = []
    emitted: list[Token] = []
    brackets: list[tuple[Token, Token]] = []  # each open '(' and the token before it

    def emit(token: Token) -> None:
        offsets.append(offsets[-1] + len(pieces[-1]) if pieces else 0)
        pieces.append(("**" if token.text == "^" else token.text) + " ")
        emitted.append(token)

    previous = Token("start", "", 0, 0)
    for token in tokens:
        _check_order(previous, token, brackets)
        if previous.kind in _OPERAND_ENDS and token.kind in _OPERAND_STARTS:
            emit(Token("operator", "*", token.start, token.start))  # 3y, 2(x+1), (x+1)(y-1)
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
    return Source(text, "".join(pieces), offsets, emitted)
