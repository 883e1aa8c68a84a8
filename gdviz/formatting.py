"""Numbers as a student reads them: step counts, values and points, three significant digits.

Every word about a run (:mod:`gdviz.messages`, :mod:`gdviz.advice`, the lessons) shows its
numbers through these, so that 1e-06, 1e+12 and -inf never reach a page.

>>> steps(1), steps(0), number(1e-06), number(float("-inf")), point([-2.6, 1.2])
('1 step', '0 steps', '1e-6', '−∞', '(-2.6, 1.2)')
"""

from __future__ import annotations

import numpy as np


def steps(n: int) -> str:
    """'1 step', '143 steps'."""
    return f"{n:,} step" + ("" if n == 1 else "s")


def number(value: float) -> str:
    """Three significant digits, exponents without '+' or leading zeros: 1e12, 1e-6, −∞."""
    value = float(value)
    if value != value:
        return "NaN"
    if value in (np.inf, -np.inf):
        return "∞" if value > 0 else "−∞"
    text = f"{value + 0.0:.3g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    sign, digits = ("-", exponent[1:]) if exponent[0] == "-" else ("", exponent.lstrip("+"))
    return f"{mantissa}e{sign}{digits.lstrip('0') or '0'}"


def point(values) -> str:
    """'(-2.6, 1.2)', or '2.5' in one dimension; rounding noise below 1e-9 shown as 0."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    shown = [number(0.0 if abs(v) < 1e-9 else v) for v in values]
    return shown[0] if len(shown) == 1 else "(" + ", ".join(shown) + ")"
