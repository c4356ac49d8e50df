"""Streamlit entry point: the page router. No retrieval or answering logic lives in ui/.

Run by `study ui` from the installed package; pages import `ui.*` and `assistant.*` as installed
modules, so nothing here touches sys.path.
"""

import logging

import streamlit as st

from assistant.logs import configure_logging
from ui import FAVICON_PATH

try:
    configure_logging()  # STUDY_LOG_LEVEL, set by `study ui` from its --verbose
except ValueError as error:  # a bad level set by hand (not via `study ui`): say so, keep Python's default
    logging.getLogger(__name__).warning("%s", error)

# A local PNG: an emoji or material-icon favicon is fetched from a CDN, and this app stays offline.
st.set_page_config(page_title="Study Assistant", page_icon=str(FAVICON_PATH), layout="wide")

chat = st.Page("chat_page.py", title="Chat", icon=":material/chat:", url_path="chat")
pages = [
    chat,
    st.Page("practice_page.py", title="Practice", icon=":material/quiz:", url_path="practice"),
    st.Page("library_page.py", title="Library", icon=":material/library_books:", url_path="library"),
    st.Page("evals_page.py", title="Evals", icon=":material/monitoring:", url_path="evals"),
]


def _home() -> None:
    # Streamlit serves its default page at "/" only (and "/chat" would be "not found"), so the
    # default is a hidden page that moves on to /chat, keeping a ?chat= parameter.
    st.switch_page(chat, query_params=dict(st.query_params))


home = st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden")
st.navigation([home, *pages]).run()
