"""Sidebar controls shared by the pages: optimizer, learning rate, schedule, stopping rules.

Not a page itself; pages import it as ``app_pages.controls``. Widget keys take a page prefix, since
session state is shared across pages; missing values start at the registries' defaults.
"""

from __future__ import annotations

import math

import streamlit as st

from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES
from gdviz.settings import parse_rates

MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)
RATE_CHOICES = (*(float(f"{m * 10.0**e:.3g}") for e in range(-4, 1) for m in MANTISSAS), 10.0)


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
