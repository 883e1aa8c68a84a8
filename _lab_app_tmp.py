"""Temporary app for testing the Learning-rate lab page (delete when done)."""

import streamlit as st

st.set_page_config(page_title="gdviz", page_icon="⛰️", layout="wide")
PAGES = [
    st.Page("pages/playground.py", title="Playground", icon="🎯", url_path="playground", default=True),
    st.Page("pages/learning_rate.py", title="Learning-rate lab", icon=":material/speed:", url_path="learning-rate"),
]
st.navigation(PAGES).run()
