"""gdviz: an interactive app that teaches gradient descent. Run with `make run`.

The entry point is the frame: it sets the page up, keeps every page's setup while another page
is shown, and lists the pages. They live in ``app_pages/``: a folder named ``pages/`` would switch
Streamlit to its legacy multipage mode until the first ``st.navigation`` call.
"""

import streamlit as st

import app_pages.warmup  # noqa: F401  (start-up work, once per server process: see its docstring)
from app_pages import state

st.set_page_config(page_title="gdviz · gradient descent, visualised", page_icon="⛰️", layout="wide")
state.keep()

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

st.html("<style>.block-container {padding-top: 2.2rem;}</style>")
st.navigation(PAGES).run()
