"""Streamlit entry point: the page router. No retrieval or answering logic lives in ui/."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the `assistant` package beside ui/

st.set_page_config(page_title="Study Assistant", page_icon=":material/school:", layout="wide")

pages = [
    st.Page("chat_page.py", title="Chat", icon=":material/chat:", default=True),
    st.Page("practice_page.py", title="Practice", icon=":material/quiz:"),
    st.Page("library_page.py", title="Library", icon=":material/library_books:"),
    st.Page("evals_page.py", title="Evals", icon=":material/monitoring:"),
]
st.navigation(pages).run()
