"""The controls the pages share: the function box, optimizer, learning rate, schedule, stopping.

Not a page itself (app.py's navigation lists the pages). Widget keys are a page's prefix + the
setup field they hold (:mod:`app_pages.state`); bounds come from the lessons' link tables and
the registries, so a widget accepts exactly what a link does.
"""

from __future__ import annotations

import math

import streamlit as st

from app_pages.state import Form, bounds
from gdviz.lessons.common import EPS_OPTIONS, MAX_TEXT, RATE, objective
from gdviz.lessons.playground.setup import TOLERANCES, parse_rates
from gdviz.optimizers import OPTIMIZERS
from gdviz.parser import ALLOWED_FUNCTIONS, ParseError
from gdviz.schedules import SCHEDULES

FUNCTION_HELP = (
    "The cost function J to minimise, in x (1-D) or x and y (2-D). Write powers with ^ (x^2), "
    "products with * or a space (3x, x y, 2(x+1)). Constants: pi, e. Functions: "
    + ", ".join(ALLOWED_FUNCTIONS)
    + "."
)


EXAMPLES = ("x^2 + 3y^2", "sin(x)*cos(y)", "(1-x)^2 + 100(y - x^2)^2", "exp(-(x^2+y^2))",
            "abs(x) + y^2", "x^4 - 3x^2 + x")  # fmt: skip


def function_box(key: str, label: str = "f(x, y) =", **options) -> None:
    """The function text box: the parser's own length limit, and its rules in the tooltip."""
    st.text_input(label, key=key, help=FUNCTION_HELP, max_chars=MAX_TEXT, **options)


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


def stopping_inputs(form: Form) -> None:
    """Step budget and the two convergence tests from the seed note."""
    st.number_input(
        "Max steps",
        *bounds(form, "max_steps"),
        key=form.key("max_steps"),
        help="Stop after this many iterations even if not converged.",
    )
    fmt = lambda v: "off" if v == 0 else f"{v:.0e}"  # noqa: E731
    st.select_slider(
        "Stop when ‖∇f‖ <",
        TOLERANCES,
        key=form.key("grad_tol"),
        format_func=fmt,
        help="Converged when the gradient is this small: the ground is flat.",
    )
    st.select_slider(
        "Stop when |Δf| <",
        TOLERANCES,
        key=form.key("value_tol"),
        format_func=fmt,
        help="Converged when one step changes f by less than this.",
    )


MANTISSAS = (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.2, 2.5, 2.8, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8, 9)
RATE_CHOICES = (*(float(f"{m * 10.0**e:.3g}") for e in range(-4, 1) for m in MANTISSAS), 10.0)


def bounds_of_rate() -> tuple[float, float]:
    """Every page's α box holds what a link may: the shared RATE kind's bounds."""
    return RATE.lower, RATE.upper


def nearest_rate(value: float) -> float:
    """The slider position closest to ``value`` on a log scale."""
    return min(RATE_CHOICES, key=lambda r: abs(math.log10(r) - math.log10(max(value, 1e-12))))


def learning_rate_input(key: str = "learning_rate", label: str = "Learning rate α") -> float:
    """A log-scale slider (1e-4 … 10, about 10 % apart) and an exact number box that always
    agree: the box's exact value is itself a stop of the slider."""
    slider_key = f"{key}_slider"
    exact = float(st.session_state[key])
    if st.session_state.get(slider_key) != exact:
        st.session_state[slider_key] = exact

    def from_slider():
        st.session_state[key] = st.session_state[slider_key]

    help_text = (
        "α, the step size in θ ← θ − α∇J(θ). Too small: a slow crawl. Too large: it overshoots "
        "the minimum and can diverge. Slide on a log scale, or type an exact value below."
    )
    stops = sorted({*RATE_CHOICES, exact})
    st.select_slider(label, stops, key=slider_key, on_change=from_slider,
                     help=help_text, format_func=lambda r: f"{r:g}")  # fmt: skip
    st.number_input("α exactly", *bounds_of_rate(), key=key, format="%.6g",
                    label_visibility="collapsed")  # fmt: skip
    return float(st.session_state[key])


def optimizer_inputs(prefix: str = "", rate_key: str = "learning_rate") -> str:
    """Optimizer choice with its update rule and summary, α, and its own hyperparameters."""
    name = st.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        key=prefix + "optimizer",
        format_func=lambda n: OPTIMIZERS[n].display_name,
        help="Which variant of gradient descent takes the steps.",
    )
    st.latex(OPTIMIZERS[name].update_latex)
    st.caption(OPTIMIZERS[name].summary)
    learning_rate_input(prefix + rate_key)
    hyperparameter_inputs(name, prefix)
    return name


def hyperparameter_inputs(optimizer: str, prefix: str = "") -> None:
    """Sliders for the chosen optimizer's own knobs (β, β1/β2, ρ, ε), with one-line help.

    Widget keys are ``prefix + name`` (momentum, beta1, beta2, alpha, eps); missing values
    start at the optimizer's defaults.
    """
    for spec in OPTIMIZERS[optimizer].hyperparameters:
        key = prefix + spec.name
        st.session_state.setdefault(key, spec.default)
        if spec.name == "eps":
            st.select_slider(
                spec.label, EPS_OPTIONS, key=key, format_func=lambda v: f"{v:.0e}", help=spec.help
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


def schedule_inputs(form: Form) -> None:
    """The schedule choice, its formula and its parameters (bounds from the form's link table;
    γ's range depends on the schedule, as the lesson's ``GAMMA_RANGES`` says)."""
    key = form.key
    st.session_state.setdefault(key("schedule"), "constant")
    for spec in SCHEDULES.values():
        for parameter, default in spec.parameters.items():
            st.session_state.setdefault(key(parameter), default)

    def reset_parameters():
        chosen = SCHEDULES[st.session_state[key("schedule")]]
        for parameter, default in chosen.parameters.items():
            st.session_state[key(parameter)] = default

    name = st.selectbox(
        "Schedule",
        list(SCHEDULES),
        key=key("schedule"),
        on_change=reset_parameters,
        format_func=lambda n: SCHEDULES[n].display_name,
        help="How α changes with the step k.",
    )
    spec = SCHEDULES[name]
    st.latex(spec.latex)
    st.caption(spec.help)
    labels = {"step_size": "every s steps", "decay": "decay d", "total_steps": "period T (steps)",
              "min_learning_rate": "η_min"}  # fmt: skip
    for parameter in spec.parameters:
        if parameter == "gamma":
            low, high = form.lesson.GAMMA_RANGES[name]
            st.slider("factor γ", low, high, key=key("gamma"), format="%.4f")
        else:
            whole = parameter in ("step_size", "total_steps")
            st.number_input(labels[parameter], *bounds(form, parameter), key=key(parameter),
                            format=None if whole else "%.4g")  # fmt: skip


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
