"""Helpers shared by the pages: URL ↔ session state, the function box, chart config.

Not a page itself (app.py's navigation lists the pages); pages import it as ``app_pages.common``.
The sidebar controls for optimizers, α, schedules and stopping live in ``app_pages.controls``.
"""

from __future__ import annotations

import math

import streamlit as st

from app_pages.controls import (  # noqa: F401  (re-exported for the Data and Lab pages)
    RATE_CHOICES,
    hyperparameter_inputs,
    learning_rate_input,
    nearest_rate,
    rates_input,
    schedule_inputs,
)
from gdviz import ParseError, parse_objective
from gdviz.parser import ALLOWED_FUNCTIONS

TOLERANCES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
CHART_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
FUNCTION_HELP = (
    "The cost function J to minimise, in x (1-D) or x and y (2-D). Write powers with ^ (x^2), "
    "products with * or a space (3x, x y, 2(x+1)). Constants: pi, e. Functions: "
    + ", ".join(ALLOWED_FUNCTIONS)
    + "."
)


@st.cache_resource(max_entries=128, show_spinner=False)
def objective(text: str):
    """Parse once per distinct text; ParseError propagates (and is not cached)."""
    return parse_objective(text)


EXAMPLES = ("x^2 + 3y^2", "sin(x)*cos(y)", "(1-x)^2 + 100(y - x^2)^2", "exp(-(x^2+y^2))",
            "abs(x) + y^2", "x^4 - 3x^2 + x")  # fmt: skip


def parsed_or_error(text: str):
    """The objective, or None after showing the student the parser's message."""
    try:
        return objective(text)
    except ParseError as error:
        st.error(f"**Can't use this function.** {error}", icon=":material/edit:")
        return None


def example_pills(text_key: str, preset_key: str | None = None) -> None:
    """Clickable example functions that fill the function box."""

    def use_example():
        choice = st.session_state.get(f"{text_key}_example")
        if choice:
            st.session_state[text_key] = choice
            if preset_key:
                st.session_state[preset_key] = ""
        st.session_state[f"{text_key}_example"] = None

    st.pills("Examples", EXAMPLES, key=f"{text_key}_example", on_change=use_example,
             label_visibility="collapsed")  # fmt: skip


def current(cls, names):
    """Build ``cls`` (e.g. Setup) from the widget values in session state."""
    return cls(**{n: tuple(v) if isinstance(v := st.session_state[n], list) else v for n in names})


def snap_tolerances() -> None:
    """Make URL-given tolerances fit the select sliders' options (nearest on a log scale)."""
    for key in ("grad_tol", "value_tol"):
        value = float(st.session_state.get(key, 0.0))
        if value not in TOLERANCES:
            st.session_state[key] = min(
                TOLERANCES, key=lambda o: abs(math.log10(o + 1e-300) - math.log10(value + 1e-300))
            )


def apply_click(chart_key: str, memory_key: str) -> None:
    """A click on the contour plot (a point selection) moves the start θ₀ there."""
    selection = st.session_state.get(chart_key)
    points = selection.get("selection", {}).get("points", []) if selection else []
    if not points:
        return
    x, y = points[0].get("x"), points[0].get("y")
    if x is None or y is None or st.session_state.get(memory_key) == (x, y):
        return
    st.session_state[memory_key] = (x, y)
    st.session_state["start_x"], st.session_state["start_y"] = float(x), float(y)


def seed_state(values: dict, problems: list[str], flag: str) -> None:
    """Put URL-decoded values into session state for widgets that have none yet."""
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, tuple) else value
    if flag not in st.session_state:
        st.session_state[flag] = problems


def stopping_inputs(max_steps_cap: int, prefix: str = "", default_steps: int = 500) -> None:
    """Step budget and the two convergence tests from the seed note."""
    st.session_state.setdefault(prefix + "max_steps", default_steps)
    st.session_state.setdefault(prefix + "grad_tol", 1e-6)
    st.session_state.setdefault(prefix + "value_tol", 0.0)
    st.number_input(
        "Max steps",
        1,
        max_steps_cap,
        key=prefix + "max_steps",
        help="Stop after this many iterations even if not converged.",
    )
    fmt = lambda v: "off" if v == 0 else f"{v:.0e}"  # noqa: E731
    st.select_slider(
        "Stop when ‖∇f‖ <",
        TOLERANCES,
        key=prefix + "grad_tol",
        format_func=fmt,
        help="Converged when the gradient is this small: the ground is flat.",
    )
    st.select_slider(
        "Stop when |Δf| <",
        TOLERANCES,
        key=prefix + "value_tol",
        format_func=fmt,
        help="Converged when one step changes f by less than this.",
    )
