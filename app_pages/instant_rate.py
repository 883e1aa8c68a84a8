"""Instant α inside a page: ``show(view)`` draws a family view (gdviz.figures.instant_rate).

The view is one HTML document in an ``st.iframe``: dragging its α slider or playing its steps
never reruns the script. plotly.js (4.8 MB) is not inlined on every render: Streamlit serves it
from the installed plotly package (a declared component path, never mounted) and the iframe
loads it with a ``<script src>``. The same document with plotly.js inlined is the download.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import streamlit as st
import streamlit.components.v1 as components

from app_pages.state import look
from gdviz.figures.instant_rate import auto_window, background, family_view
from gdviz.figures.instant_rate_page import ViewText, family_html, plain_formula
from gdviz.lessons.common import objective

PLOTLY_FILES = Path(plotly.__file__).parent / "package_data"  # holds plotly.min.js


def plotly_url() -> str:
    """Where this server serves plotly.min.js (register during a script run)."""
    served = components.declare_component("plotlyjs", path=str(PLOTLY_FILES))
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"{'/' + base if base else ''}/component/{served.name}/plotly.min.js"


def show(view: dict, height: int = 820, file_name: str = "instant-alpha.html") -> None:
    """The view, and a button that downloads it as one offline HTML file (built on click)."""
    st.iframe(family_html(view, plotly_src=plotly_url()), height=height)
    st.download_button(
        "Download this view (one HTML file, works offline)",
        data=lambda: family_html(view),
        file_name=file_name,
        mime="text/html",
        on_click="ignore",
        icon=":material/download:",
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_background(text: str, window, minima, dark: bool = False) -> dict:
    """The still part of the path plot (colour field, level lines): per function, window and
    theme (the colour field is a picture)."""
    return background(objective(text), window, minima, dark=dark)


def show_data_family(family, problem, minimum) -> None:
    """Batch GD's family on a least-squares problem (its window around the runs)."""
    window, now = auto_window(family, problem, (minimum,)), look()
    path = background(problem, window, (minimum,), axis_titles=("θ₀", "θ₁"), function_name="J",
                      dark=now.dark)  # fmt: skip
    words = ViewText.for_family(family, "J(θ) = (1/m)·‖Xθ − y‖² (batch GD)", "constant Hessian")
    view = family_view(family, problem, words, path, (minimum,), now)
    show(view, file_name="instant-alpha-data.html")


def show_family(family, text: str, window, minima, where: str) -> None:
    """A lesson's family of runs for ``text`` (its f) as the Instant-α view."""
    problem = objective(text)
    names = ", ".join(problem.variables)
    words = ViewText.for_family(family, f"f({names}) = {plain_formula(text)}", where)
    now = look()
    path = cached_background(text, window, minima, now.dark)
    show(family_view(family, problem, words, path, minima, now))
