"""A page's setup (a frozen dataclass) ↔ URL query parameters, treating the URL as untrusted.

Each page declares a table ``{field: (query name, kind)}``; a kind parses one raw string (raising
ValueError with a message for a student) and writes a value back as text. ``decode`` never
raises: it keeps what is valid, and returns one message per ignored parameter.
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace
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


def text(value) -> str:
    """How a value is written in a URL."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple | list):
        return ",".join(text(item) for item in value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def encode(setup, table: dict[str, tuple[str, Any]]) -> dict[str, str]:
    """Query parameters for the fields of ``setup`` that differ from the defaults."""
    default = asdict(type(setup)())
    return {
        table[name][0]: text(value)
        for name, value in asdict(setup).items()
        if name in table and value != default[name]
    }


def decode(cls, table: dict[str, tuple[str, Any]], params: dict[str, str]) -> tuple[Any, list]:
    """``(cls instance, messages)`` from query parameters; unknown names are ignored."""
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
