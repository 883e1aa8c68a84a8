"""Widget helpers shared by the pages: URL ↔ session state, the function box, optimizer controls.

Not a page itself (app.py's navigation lists the pages); pages import it as ``pages.common``.
"""

from __future__ import annotations

import math

import streamlit as st

from gdviz import ParseError, parse_objective
from gdviz.optimizers import OPTIMIZERS
from gdviz.parser import ALLOWED_FUNCTIONS
from gdviz.schedules import SCHEDULES
from gdviz.settings import parse_rates

CHART_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
TOLERANCES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
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


def rates_input(key: str) -> None:
    """Comma-separated learning rates, validated like any typed input."""
    text_key = f"{key}_text"
    if text_key not in st.session_state:
        st.session_state[text_key] = ", ".join(f"{r:g}" for r in st.session_state[key])
    st.text_input(
        "Learning rates α (comma-separated, up to 6)",
        key=text_key,
        help="Each α gets its own run and colour; all run in one batched call.",
    )
    try:
        st.session_state[key] = list(parse_rates(st.session_state[text_key]))
    except ValueError as error:
        st.error(f"Learning rates: {error} Keeping the previous ones.")


def seed_state(values: dict, problems: list[str], flag: str) -> None:
    """Put URL-decoded values into session state for widgets that have none yet."""
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, tuple) else value
    if flag not in st.session_state:
        st.session_state[flag] = problems


RATE_CHOICES = tuple(
    float(f"{m * 10.0**e:.3g}")
    for e in range(-4, 1)
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)
) + (10.0,)


def nearest_rate(value: float) -> float:
    """The slider position closest to ``value`` on a log scale."""
    return min(RATE_CHOICES, key=lambda r: abs(math.log10(r) - math.log10(max(value, 1e-12))))


def learning_rate_input(key: str = "learning_rate", label: str = "Learning rate α") -> float:
    """A log-scale slider (1e-4 … 10) and an exact number box, kept in sync."""
    slider_key = f"{key}_slider"
    if slider_key not in st.session_state:
        st.session_state[slider_key] = nearest_rate(st.session_state[key])

    def from_slider():
        st.session_state[key] = st.session_state[slider_key]

    def from_box():
        st.session_state[slider_key] = nearest_rate(st.session_state[key])

    help_text = (
        "α, the step size in θ ← θ − α∇J(θ). Too small: a slow crawl. Too large: it overshoots "
        "the minimum and can diverge. Slide on a log scale, or type an exact value below."
    )
    st.select_slider(label, RATE_CHOICES, key=slider_key, on_change=from_slider,
                     help=help_text, format_func=lambda r: f"{r:g}")  # fmt: skip
    st.number_input("α exactly", min_value=1e-6, max_value=100.0, key=key, on_change=from_box,
                    format="%.6g", label_visibility="collapsed")  # fmt: skip
    return float(st.session_state[key])


def hyperparameter_inputs(optimizer: str, prefix: str = "") -> None:
    """Sliders for the chosen optimizer's own knobs (β, β1/β2, ρ, ε), with one-line help.

    Widget keys are ``prefix + name`` (momentum, beta1, beta2, alpha, eps); missing values
    start at the optimizer's defaults.
    """
    for spec in OPTIMIZERS[optimizer].hyperparameters:
        key = prefix + spec.name
        st.session_state.setdefault(key, spec.default)
        if spec.name == "eps":
            options = [10.0**p for p in range(-12, -1)]
            if st.session_state[key] not in options:
                st.session_state[key] = min(options, key=lambda o: abs(o - st.session_state[key]))
            st.select_slider(
                spec.label, options, key=key, format_func=lambda v: f"{v:.0e}", help=spec.help
            )
        else:
            st.slider(
                spec.label,
                spec.minimum,
                spec.maximum,
                key=key,
                step=0.001,
                help=spec.help,
                format="%.3f",
            )


def schedule_inputs(prefix: str = "") -> None:
    """The schedule choice (key ``prefix + "schedule"``), its formula and its parameters."""
    st.session_state.setdefault(prefix + "schedule", "constant")
    for spec in SCHEDULES.values():
        for parameter, default in spec.parameters.items():
            st.session_state.setdefault(prefix + parameter, default)

    def reset_parameters():
        chosen = SCHEDULES[st.session_state[prefix + "schedule"]]
        for parameter, default in chosen.parameters.items():
            st.session_state[prefix + parameter] = default

    name = st.selectbox(
        "Schedule",
        list(SCHEDULES),
        key=prefix + "schedule",
        on_change=reset_parameters,
        format_func=lambda n: SCHEDULES[n].display_name,
        help="How α changes with the step k.",
    )
    spec = SCHEDULES[name]
    st.latex(spec.latex)
    st.caption(spec.help)
    if "step_size" in spec.parameters:
        st.number_input("every s steps", 1, 20_000, key=prefix + "step_size")
    if "gamma" in spec.parameters:
        low, high = (0.5, 0.9999) if name == "exponential" else (0.05, 0.95)
        st.session_state[prefix + "gamma"] = min(high, max(low, st.session_state[prefix + "gamma"]))
        st.slider(
            "factor γ",
            low,
            high,
            key=prefix + "gamma",
            format="%.4f",
        )
    if "decay" in spec.parameters:
        st.number_input("decay d", 0.0, 100.0, key=prefix + "decay", format="%.4g")
    if "total_steps" in spec.parameters:
        st.number_input("period T (steps)", 1, 20_000, key=prefix + "total_steps")
        st.number_input("η_min", 0.0, 100.0, key=prefix + "min_learning_rate", format="%.4g")


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
