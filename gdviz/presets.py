"""The preset gallery: classic test functions, each with a good view, start and learning rate.

Each preset's ``minima`` are its known minimizers (global first); the tests check that f rises
around each and that the parsed gradient vanishes there (Ackley's is a kink: ∇f is undefined).
Learning rates are for plain gradient descent unless the preset names another optimizer.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz.field import Window


@dataclass(frozen=True)
class Preset:
    """A function to explore, with everything needed to start a sensible run."""

    name: str
    text: str
    window: Window
    start: tuple[float, ...]
    learning_rate: float
    minima: tuple[tuple[float, ...], ...]
    lesson: str
    optimizer: str = "gd"
    max_steps: int = 500


_P = Preset
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        _P(
            "Round bowl",
            "x^2 + y^2",
            Window(-3, 3, -3, 3),
            (2.5, 2.0),
            0.1,
            ((0, 0),),
            "Every downhill arrow points at the minimum: GD walks straight in.",
        ),
        _P(
            "Elongated bowl",
            "x^2 + 10y^2",
            Window(-3, 3, -2, 2),
            (-2.6, 1.2),
            0.09,
            ((0, 0),),
            "Ill-conditioned (κ = 10): steep across, flat along — GD zig-zags. Try momentum.",
        ),
        _P(
            "Rosenbrock",
            "(1-x)^2 + 100(y - x^2)^2",
            Window(-2, 2, -1, 3),
            (-1.5, 2.0),
            0.02,
            ((1, 1),),
            "A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
            "adam",
            1000,
        ),
        _P(
            "Himmelblau",
            "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            Window(-5, 5, -5, 5),
            (0.0, 0.0),
            0.01,
            ((3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            "Four equal minima: which one you reach depends on where you start.",
        ),
        _P(
            "Beale",
            "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
            Window(-4.5, 4.5, -4.5, 4.5),
            (1.0, 1.6),
            0.02,
            ((3, 0.5),),
            "Sharp ridges and flat plateaus: adaptive methods shine here.",
            "adam",
            1000,
        ),
        _P(
            "Booth",
            "(x + 2y - 7)^2 + (2x + y - 5)^2",
            Window(-10, 10, -10, 10),
            (-8.0, -6.0),
            0.05,
            ((1, 3),),
            "A tilted quadratic bowl (κ = 9): smooth, but not round.",
        ),
        _P(
            "Matyas",
            "0.26(x^2 + y^2) - 0.48 x y",
            Window(-10, 10, -10, 10),
            (-8.0, 6.0),
            1.0,
            ((0, 0),),
            "A very flat valley along y = x (κ = 25): the last stretch is slow.",
        ),
        _P(
            "Three-hump camel",
            "2x^2 - 1.05x^4 + x^6/6 + x y + y^2",
            Window(-2.5, 2.5, -2.5, 2.5),
            (2.2, -1.5),
            0.05,
            ((0, 0), (1.747552, -0.873776), (-1.747552, 0.873776)),
            "One global and two local minima: GD stops in whichever valley it starts in.",
        ),
        _P(
            "Six-hump camel",
            "(4 - 2.1x^2 + x^4/3) x^2 + x y + (-4 + 4y^2) y^2",
            Window(-2.2, 2.2, -1.2, 1.2),
            (-1.6, -0.9),
            0.02,
            ((0.089842, -0.712656), (-0.089842, 0.712656)),
            "Two global minima among six valleys; starts nearby go different ways.",
        ),
        _P(
            "Saddle",
            "x^2 - y^2",
            Window(-2, 2, -2, 2),
            (-1.8, 0.02),
            0.1,
            (),
            "No minimum: ∇f = 0 at the centre, but the tiniest offset in y grows and escapes.",
        ),
        _P(
            "Rastrigin",
            "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)",
            Window(-5.12, 5.12, -5.12, 5.12),
            (3.2, -2.1),
            0.002,
            ((0, 0),),
            "A bowl covered in bumps: plain GD gets stuck in the nearest dimple.",
        ),
        _P(
            "Ackley",
            "-20exp(-0.2sqrt(0.5(x^2 + y^2))) - exp(0.5(cos(2pi x) + cos(2pi y))) + e + 20",
            Window(-4, 4, -4, 4),
            (2.6, -1.8),
            0.05,
            ((0, 0),),
            "A nearly flat plate full of dimples with one deep hole: hard without momentum.",
            "momentum",
        ),
        _P(
            "Parabola (1-D)",
            "x^2",
            Window(-3, 3, -1, 9),
            (2.5,),
            0.3,
            ((0,),),
            "f″ = 2: α < 0.5 creeps, 0.5 < α < 1 overshoots but converges, α > 1 diverges.",
            max_steps=100,
        ),
        _P(
            "Double well (1-D)",
            "x^4 - 3x^2 + x",
            Window(-2.2, 2.2, -4, 6),
            (2.0,),
            0.02,
            ((-1.300840,), (1.130901,)),
            "Two valleys: the start decides whether you find the deeper one (left).",
            max_steps=300,
        ),
        _P(
            "Wiggly (1-D)",
            "x^2/10 + sin(3x)",
            Window(-5, 5, -1.5, 3.5),
            (4.0,),
            0.05,
            ((-0.512214,), (1.536590,), (-2.560807,), (3.584752,), (-4.608299,)),
            "A bowl with ripples: small steps stop in the first dip they find.",
            max_steps=300,
        ),
    )
}

DEFAULT_PRESET = "Elongated bowl"


def find(name: str) -> Preset | None:
    """The preset of that name, or None."""
    return PRESETS.get(name)
