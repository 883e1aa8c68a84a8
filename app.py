"""gdviz: an interactive app that teaches gradient descent. Run with `make run`.

The entry point is the frame: it sets the page up, keeps every page's setup while another page
is shown, applies the app-wide link keys (``present``, ``hide``: :mod:`gdviz.display`), gives
the browser its keyboard and theme script, and lists the pages. They live in ``app_pages/``: a
folder named ``pages/`` would switch Streamlit to its legacy multipage mode until the first
``st.navigation`` call.
"""

import streamlit as st

import app_pages.warmup  # noqa: F401  (start-up work, once per server process: see its docstring)
from app_pages import browser, state

st.set_page_config(page_title="gdviz · gradient descent, visualised", page_icon="⛰️", layout="wide")
state.keep()
link_problems = state.open_display()
shown = state.display()
st.html(browser.css(shown))
browser.mount(state.look())
st.sidebar.toggle(
    "Presenter mode",
    key=state.PRESENT,
    help="For a projector: large type, thick paths, only the lesson's essential controls (the "
    "rest one click away). Keys: space plays or pauses, ← → step. Link: add ?present=1.",
)
for problem in link_problems:
    st.warning(problem)

PAGES = [
    st.Page(
        "app_pages/playground.py", title="Playground", icon=":material/landscape:", default=True
    ),
    st.Page("app_pages/data.py", title="Batch vs SGD", icon=":material/scatter_plot:"),
    st.Page(
        "app_pages/learning_rate.py",
        title="Learning-rate lab",
        icon=":material/speed:",
        url_path="learning-rate",
    ),
    st.Page("app_pages/predict.py", title="Predict, then play", icon=":material/quiz:"),
]
st.navigation(PAGES, position="top" if shown.shows("nav") else "hidden").run()
