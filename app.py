"""gdviz: an interactive app that teaches gradient descent. Run with `make run`."""

import streamlit as st

st.set_page_config(page_title="gdviz · gradient descent, visualised", page_icon="⛰️", layout="wide")

PAGES = [
    st.Page(
        "pages/playground.py", title="Playground", icon="🎯", url_path="playground", default=True
    ),
]

st.html("<style>.block-container {padding-top: 2.2rem;}</style>")
st.navigation(PAGES).run()
