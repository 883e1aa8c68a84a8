"""The controls the pages share: the function box, optimizer, learning rate, schedule, stopping.

Not a page itself (app.py's navigation lists the pages). Widget keys are a page's prefix + the
setup field they hold (:mod:`app_pages.state`); bounds come from the lessons' link tables and
the registries, so a widget accepts exactly what a link does.
"""

from __future__ import annotations

import hashlib
import math
import re

import streamlit as st

from app_pages.state import Form, bounds, display
from gdviz import datasets
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


def group(
    title: str,
    part: str,
    *,
    essential: bool = False,
    folded: bool = False,
    heading: bool = True,
    help: str | None = None,
):
    """A group of controls, to be used as ``with group(...):``. Normally a heading (unless not
    ``heading``) over its widgets; folded into an expander when ``folded``, and in presenter
    mode unless ``essential`` (the rest is one click away). Its container's key
    ``part--<part>--…`` lets a link's ``hide=<part>`` hide it (``browser.css``): its widgets
    are still drawn, so their values still apply."""
    box = st.container(key=f"part--{part}--{re.sub(r'[^a-z0-9]+', '_', title.lower())}")
    if folded or (display().present and not essential):
        return box.expander(title)
    if heading:
        box.subheader(title, help=help)
    return box


def part(name: str, place: str = ""):
    """A container that ``hide=<name>`` hides (e.g. the α controls inside a shown group)."""
    return st.container(key=f"part--{name}--{place}")


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


def clicked(chart_key: str, memory_key: str) -> tuple[float, float] | None:
    """The point of a click on the contour plot (a point selection) not yet applied, if any."""
    selection = st.session_state.get(chart_key)
    points = selection.get("selection", {}).get("points", []) if selection else []
    if not points:
        return None
    x, y = points[0].get("x"), points[0].get("y")
    if x is None or y is None or st.session_state.get(memory_key) == (x, y):
        return None
    return x, y


def apply_click(chart_key: str, memory_key: str) -> None:
    """A click on the contour plot moves the start θ₀ there (before θ₀'s inputs are drawn)."""
    point = clicked(chart_key, memory_key)
    if point is not None:
        st.session_state[memory_key] = point
        st.session_state["start_x"], st.session_state["start_y"] = map(float, point)


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


def learning_rate_input(
    key: str = "learning_rate", label: str = "Learning rate α", beside: bool = False
) -> float:
    """A log-scale slider (1e-4 … 10, about 10 % apart) and an exact number box that always
    agree: the box's exact value is itself a stop of the slider. ``beside``: the box to the
    slider's right (a wide place), else below it (the sidebar)."""
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
    slider, box = st.columns((5, 1), vertical_alignment="bottom") if beside else (st, st)
    slider.select_slider(label, stops, key=slider_key, on_change=from_slider,
                         help=help_text, format_func=lambda r: f"{r:g}")  # fmt: skip
    box.number_input("α exactly", *bounds_of_rate(), key=key, format="%.6g",
                     label_visibility="collapsed")  # fmt: skip
    return float(st.session_state[key])


def rate_row(place: str, prefix: str = "") -> float:
    """α on the page, above the chart: the slider with its exact box beside it (``hide=rate``
    hides it, as it does α in the sidebar)."""
    with part("rate", place):
        return learning_rate_input(prefix + "learning_rate", beside=True)


def optimizer_inputs(
    prefix: str = "", rate_label: str | None = "Learning rate α", help: str | None = None
) -> str:
    """The lesson's essentials: the optimizer and α (``hide=rate`` hides α alone; no α when
    ``rate_label`` is None); then the optimizer's own hyperparameters, folded away in presenter
    mode. The update rule itself is shown beside the chart (``views.formulas``)."""
    name = st.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        key=prefix + "optimizer",
        format_func=lambda n: OPTIMIZERS[n].display_name,
        help=help or "Which variant of gradient descent takes the steps (its rule is shown).",
    )
    if rate_label:
        with part("rate", prefix):
            learning_rate_input(prefix + "learning_rate", rate_label)
    if OPTIMIZERS[name].hyperparameters:
        with group(f"{OPTIMIZERS[name].display_name}'s settings", "optimizer", heading=False):
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


def controls(prefix: str, specs) -> None:
    """A row of number widgets from a table of ``Control`` rows (style, name, label, bounds,
    options: the same row gives the URL its bounds), keys ``prefix + name``."""
    for column, c in zip(st.columns(len(specs)), specs, strict=True):
        widget = column.slider if c.style == "range" else column.number_input
        widget(c.label, c.low, c.high, key=prefix + c.name, **c.options)


def rates_input(key: str) -> None:
    """Comma-separated learning rates, validated like any typed input."""
    text_key = f"{key}_text"
    if text_key not in st.session_state:
        st.session_state[text_key] = ", ".join(f"{r:g}" for r in st.session_state[key])
    st.text_input(
        "Learning rates α",
        key=text_key,
        help="Up to 6, separated by commas. Each α gets its own run and colour; all run in one "
        "batched call.",
    )
    try:
        st.session_state[key] = list(parse_rates(st.session_state[text_key]))
    except ValueError as error:
        st.error(f"Learning rates: {error} Keeping the previous ones.")


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_table(digest: str, _data: bytes):
    return datasets.read_csv(_data)  # a DataError propagates and is not cached


def uploaded_data(prefix: str, help_text: str) -> tuple:
    """The Data page's CSV upload: the table's chosen x and y columns as a Dataset and its cache
    key (None, "" before a file is chosen); widget keys start with ``prefix``. The file's bytes stay
    in the session, so switching source and back keeps it."""
    upload = st.file_uploader("CSV file (≤ 5 MB, ≤ 100,000 rows)", type=["csv", "txt"],
                              key=prefix + "upload", max_upload_size=5, help=help_text)  # fmt: skip
    kept, shown_before = prefix + "_file", prefix + "_uploader_had_file"
    if upload is not None:
        st.session_state[kept] = (upload.name, upload.getvalue())
    elif st.session_state.get(shown_before):  # the student removed the file
        st.session_state.pop(kept, None)
    st.session_state[shown_before] = upload is not None
    if kept not in st.session_state:
        return None, ""
    name, data = st.session_state[kept]
    if upload is None:
        st.caption(f"Using {name!r}, uploaded earlier in this session.")
    digest = hashlib.sha256(data).hexdigest()[:16]
    table = cached_table(digest, data)
    if st.session_state.get(prefix + "digest") != digest:  # a new file: start from numeric columns
        st.session_state.update(
            {prefix + "digest": digest, prefix + "columns": datasets.default_columns(table)}
        )
    chosen = st.session_state[prefix + "columns"]  # back from another source: as chosen before
    st.session_state.setdefault(prefix + "x_column", chosen[0])
    st.session_state.setdefault(prefix + "y_column", chosen[1])
    left, right = st.columns(2)
    x = left.selectbox("x column", table.columns, key=prefix + "x_column")
    y = right.selectbox("y column", table.columns, key=prefix + "y_column")
    st.session_state[prefix + "columns"] = (x, y)
    return datasets.to_dataset(table, x, y), f"csv:{digest}:{x}:{y}"
