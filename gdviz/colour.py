"""Colour science for the app's own checks: what a colour-blind student sees, how far apart two
colours look, and whether text is readable on its background. NumPy only.

* :func:`simulate` — dichromat vision by Machado, Oliveira & Fernandes (2009), severity 1.0,
  a 3 × 3 matrix on linear sRGB (the matrices Chrome's and Firefox's DevTools use);
* :func:`delta_e` — CIEDE2000 (CIE 142-2001) as written out by Sharma, Wu & Dalal (2005),
  on CIELAB (D65);
* :func:`contrast` — the WCAG 2 contrast ratio of two colours (AA asks 4.5:1 for text).

>>> round(contrast("#FFFFFF", "#000000"), 2)
21.0
>>> round(float(delta_e(lab("#FF0000"), lab("#FF0000"))), 6)
0.0
>>> simulate("#FF0000", "deuteranopia")
'#A39000'
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

MACHADO = {  # severity 1.0, rows give the simulated linear (R, G, B)
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip
VISIONS = ("normal", *MACHADO)
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                 [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])  # fmt: skip
_WHITE = _XYZ.sum(axis=1)  # D65, Y = 1


def rgb(colour: str) -> np.ndarray:
    """'#RRGGBB' (or '#RGB', 'rgb(r,g,b)', 'rgba(r,g,b,a)' without its alpha) → floats in [0, 1]."""
    text = colour.strip()
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0
    inside = text[text.index("(") + 1 : text.rindex(")")]
    return np.array([float(part) for part in inside.split(",")[:3]]) / 255.0


def hex_colour(values: np.ndarray) -> str:
    """Floats in [0, 1] (clipped) → '#RRGGBB'."""
    r, g, b = np.round(np.clip(values, 0, 1) * 255).astype(int)
    return f"#{r:02X}{g:02X}{b:02X}"


def linear(values: np.ndarray) -> np.ndarray:
    """sRGB gamma removed (IEC 61966-2-1)."""
    v = np.asarray(values, dtype=float)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def gamma(values: np.ndarray) -> np.ndarray:
    """Linear light back to sRGB, clipped to the displayable range."""
    v = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)


def simulate(colour: str, vision: str) -> str:
    """The colour as a dichromat sees it (``vision``: one of :data:`VISIONS`)."""
    if vision == "normal":
        return hex_colour(rgb(colour))
    return hex_colour(gamma(np.asarray(MACHADO[vision]) @ linear(rgb(colour))))


def lab(colour: str) -> np.ndarray:
    """CIELAB (D65) of a colour."""
    xyz = _XYZ @ linear(rgb(colour)) / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference of CIELAB colours (``(..., 3)`` arrays), kL = kC = kH = 1."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    mean_c = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(mean_c**7 / (mean_c**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.where(c1 == 0, 0.0, np.degrees(np.arctan2(b1, a1)) % 360)
    h2 = np.where(c2 == 0, 0.0, np.degrees(np.arctan2(b2, a2)) % 360)
    grey = c1 * c2 == 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(grey, 0.0, dh)
    d_lightness, d_chroma = L2 - L1, c2 - c1
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh) / 2)
    mean_l, mean_c = (L1 + L2) / 2, (c1 + c2) / 2
    mean_h = np.where(np.abs(h1 - h2) > 180, (h1 + h2 + 360) / 2, (h1 + h2) / 2)
    mean_h = np.where(grey, h1 + h2, mean_h) % 360
    t = (
        1
        - 0.17 * np.cos(np.radians(mean_h - 30))
        + 0.24 * np.cos(np.radians(2 * mean_h))
        + 0.32 * np.cos(np.radians(3 * mean_h + 6))
        - 0.20 * np.cos(np.radians(4 * mean_h - 63))
    )
    rotation = 30 * np.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(mean_c**7 / (mean_c**7 + 25.0**7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / np.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    r_t = -np.sin(np.radians(2 * rotation)) * r_c
    terms = (d_lightness / s_l) ** 2 + (d_chroma / s_c) ** 2 + (d_hue / s_h) ** 2
    return np.sqrt(terms + r_t * (d_chroma / s_c) * (d_hue / s_h))  # fmt: skip


def distance(a: str, b: str, vision: str = "normal") -> float:
    """CIEDE2000 between two colours as seen with ``vision``."""
    return float(delta_e(lab(simulate(a, vision)), lab(simulate(b, vision))))


def closest_pair(colours, vision: str = "normal") -> tuple[float, str, str]:
    """The smallest CIEDE2000 between any two of ``colours`` with ``vision``, and that pair."""
    return min((distance(a, b, vision), a, b) for a, b in combinations(colours, 2))


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    return float(np.dot([0.2126, 0.7152, 0.0722], linear(rgb(colour))))


def contrast(text: str, background: str) -> float:
    """WCAG 2 contrast ratio (1 … 21) of text on a background."""
    high, low = sorted((luminance(text), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: str, alpha: float, background: str) -> str:
    """``colour`` at opacity ``alpha`` over ``background`` (sRGB compositing, as browsers do)."""
    return hex_colour(alpha * rgb(colour) + (1 - alpha) * rgb(background))
