"""A page's setup (a frozen dataclass) ↔ URL query parameters, treating the URL as untrusted.

Each page declares a table ``{field: (query name, kind)}``; a kind parses one raw string (raising
ValueError with a message for a student) and writes a value back as text. ``decode`` never
raises: it keeps what is valid, and returns one message per ignored parameter.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple


class Number(NamedTuple):
    """A finite number in [lower, upper] (an integer if ``integer``)."""

    lower: float
    upper: float
    integer: bool = False

    def parse(self, raw: str) -> float | int:
        try:
            value = float(raw.strip()[:40])
        except ValueError:
            raise ValueError(f"'{raw[:40]}' is not a number.") from None
        if not math.isfinite(value) or not self.lower <= value <= self.upper:
            raise ValueError(f"{raw[:40]} is outside {self.lower:g} … {self.upper:g}.")
        if self.integer and not value.is_integer():
            raise ValueError(f"{raw[:40]} is not a whole number.")
        return int(value) if self.integer else value


class Choice(NamedTuple):
    """One of a fixed set of names."""

    options: tuple[str, ...]

    def parse(self, raw: str) -> str:
        if raw not in self.options:
            allowed = ", ".join(option for option in self.options if option)
            raise ValueError(f"'{raw[:40]}' is not one of {allowed}.")
        return raw


class Among(NamedTuple):
    """One of a fixed set of numbers (a select slider's stops), e.g. a tolerance 1e-06."""

    options: tuple[float, ...]

    def parse(self, raw: str) -> float:
        value = Number(min(self.options), max(self.options)).parse(raw)
        if value not in self.options:
            allowed = ", ".join(f"{option:g}" for option in self.options)
            raise ValueError(f"{raw[:40]} is not one of {allowed}.")
        return value


class Text(NamedTuple):
    """Free text up to ``most`` characters (checked later, e.g. by the parser)."""

    most: int

    def parse(self, raw: str) -> str:
        if len(raw) > self.most:
            raise ValueError(f"it is longer than {self.most} characters.")
        return raw


class Flag(NamedTuple):
    """A yes/no switch written 1 or 0."""

    def parse(self, raw: str) -> bool:
        if raw not in ("0", "1", "true", "false"):
            raise ValueError(f"'{raw[:40]}' is not 0 or 1.")
        return raw in ("1", "true")


class Many(NamedTuple):
    """Comma-separated items of another kind, between ``fewest`` and ``most`` of them."""

    item: Any
    fewest: int
    most: int

    def parse(self, raw: str) -> tuple:
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not self.fewest <= len(parts) <= self.most:
            raise ValueError(f"give {self.fewest} to {self.most} values separated by commas.")
        return tuple(self.item.parse(part) for part in parts)


class Names(NamedTuple):
    """Comma-separated names from ``allowed``, any order, each once: a set of switches such as
    ``hide=schedule,compare``. Empty text is no names; the result keeps ``allowed``'s order.

    >>> Names(("a", "b", "c")).parse("c, a,c")
    ('a', 'c')
    """

    allowed: tuple[str, ...]

    def parse(self, raw: str) -> tuple[str, ...]:
        parts = {part.strip() for part in raw.replace(";", ",").split(",") if part.strip()}
        unknown = sorted(parts - set(self.allowed))
        if unknown:
            raise ValueError(f"'{unknown[0][:40]}' is not one of {', '.join(self.allowed)}.")
        return tuple(name for name in self.allowed if name in parts)


def text(value) -> str:
    """How a value is written in a URL."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple | list):
        return ",".join(text(item) for item in value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def encode(setup, table: dict[str, tuple[str, Any]], default=None) -> dict[str, str]:
    """Query parameters for the fields of ``setup`` that differ from ``default`` (the class's
    defaults unless given). A value its own kind would reject on reload (an empty list, a
    range of one point) is left out, so a page never writes a link it would refuse.

    >>> encode(Demo(rates=(0.1, 0.2)), DEMO)
    {'lrs': '0.1,0.2'}
    >>> encode(Demo(rates=()), DEMO)
    {}
    """
    default = asdict(default if default is not None else type(setup)())
    params = {}
    for name, value in asdict(setup).items():
        if name in table and value != default[name]:
            query, kind = table[name]
            written = text(value)
            if _accepts(kind, written):
                params[query] = written
    return params


def _accepts(kind, raw: str) -> bool:
    try:
        kind.parse(raw)
    except ValueError:
        return False
    return True


def bounds(table: dict[str, tuple[str, Any]], name: str) -> tuple[float, float]:
    """The lowest and highest value field ``name``'s link accepts (its widget uses the same).

    >>> bounds(DEMO, "steps")
    (1, 10000.0)
    """
    kind = table[name][1]
    return kind.lower, kind.upper


def decode(cls, table: dict[str, tuple[str, Any]], params: dict[str, str]) -> tuple[Any, list]:
    """``(cls instance, messages)`` from query parameters; unknown names are ignored.

    >>> decode(Demo, DEMO, {"steps": "250", "lrs": "0.5,x"})
    (Demo(rates=(0.1,), steps=250), ["Link parameter 'lrs' was ignored: 'x' is not a number."])
    """
    by_query = {query: (name, kind) for name, (query, kind) in table.items()}
    values, problems = {}, []
    for query, raw in params.items():
        if query not in by_query:
            continue
        name, kind = by_query[query]
        try:
            values[name] = kind.parse(str(raw))
        except ValueError as error:
            problems.append(f"Link parameter '{query}' was ignored: {error}")
    return replace(cls(), **values), problems


@dataclass(frozen=True)
class Demo:
    """A two-field setup for this module's examples."""

    rates: tuple[float, ...] = (0.1,)
    steps: int = 100


DEMO = {"rates": ("lrs", Many(Number(1e-6, 100.0), 1, 6)), "steps": ("steps", Number(1, 1e4, True))}
