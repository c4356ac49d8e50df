"""Streamlit entry point: the page router. No retrieval or answering logic lives in ui/.

Run by `study ui` from the installed package; pages import `ui.*` and `assistant.*` as installed
modules, so nothing here touches sys.path.
"""

import streamlit as st

from ui import FAVICON_PATH

# A local PNG: an emoji or material-icon favicon is fetched from a CDN, and this app stays offline.
st.set_page_config(page_title="Study Assistant", page_icon=str(FAVICON_PATH), layout="wide")

pages = [
    st.Page("chat_page.py", title="Chat", icon=":material/chat:", url_path="chat", default=True),
    st.Page("practice_page.py", title="Practice", icon=":material/quiz:", url_path="practice"),
    st.Page("library_page.py", title="Library", icon=":material/library_books:", url_path="library"),
    st.Page("evals_page.py", title="Evals", icon=":material/monitoring:", url_path="evals"),
]
st.navigation(pages).run()
