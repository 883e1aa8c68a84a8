"""gdviz: an interactive app that teaches gradient descent. Run with `make run`."""

import streamlit as st

st.set_page_config(page_title="gdviz · gradient descent, visualised", page_icon="⛰️", layout="wide")

PAGES = [
    st.Page("pages/playground.py", title="Playground", icon=":material/landscape:", default=True),
    st.Page(
        "pages/batch_sgd.py", title="Batch vs SGD", icon=":material/scatter_plot:", url_path="data"
    ),
    st.Page(
        "pages/lr_lab.py",
        title="Learning-rate lab",
        icon=":material/speed:",
        url_path="learning-rate",
    ),
]

st.html("<style>.block-container {padding-top: 2.2rem;}</style>")
st.navigation(PAGES).run()
