"""Shared UI plumbing: one Assistant per process (loaded behind a progress bar), the small
JavaScript helpers (citation links, keyboard keys, scrolling), and the Advanced knobs."""

from __future__ import annotations

import gc

import streamlit as st
import streamlit.components.v2 as components
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assistant.config import RETRIEVAL_MODES, Settings
from assistant.core import Assistant


def _settings_key() -> tuple:
    settings = Settings()
    return (
        str(settings.data_dir.resolve()),
        str(settings.corpus_dir.resolve()),
        settings.chroma_host,
        settings.chroma_port,
    )


@st.cache_resource(show_spinner=False)
def _assistant(key: tuple) -> Assistant:
    return Assistant(Settings())


@st.cache_resource(show_spinner=False)
def _ready_flags(key: tuple) -> dict:
    return {"ready": False}


def progress_callback(bar, prefix: str = ""):
    def update(description: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{prefix}{description} ({done}/{total})")

    return update


def get_assistant() -> Assistant:
    """The process-wide Assistant; the first call indexes the notes (if needed) and loads the
    model behind a visible progress bar instead of a blank page."""
    key = _settings_key()
    assistant = _assistant(key)
    flags = _ready_flags(key)
    # One slot on every run, loading or not. A fragment's id comes from its position on the page, so
    # if the first run of the process drew the bar and later runs did not, the chat's fragments would
    # change ids at the next full run and Streamlit would drop a question or click sent to the old ones.
    slot = st.empty()
    if not flags["ready"]:
        with slot.container():
            bar = st.progress(0.0, text="Opening your notes index...")
            # Incremental: notes added or changed while the app was closed are indexed now (unchanged
            # files cost a stat each); the first run indexes everything.
            report = assistant.ingest(progress=progress_callback(bar))
            for warning in report.warnings + report.errors:
                st.warning(warning)
            bar.progress(0.9, text="Loading the embedding model...")
            assistant.warm_up()
            bar.empty()
            # Streamlit collects garbage after every script run (runner.postScriptGC); with the model,
            # the index and the libraries loaded that full collection took ~115 ms here, and the answer's
            # last elements waited for it. Objects alive once loaded stay for the process's life: frozen,
            # a collection reads only what was made since (~6 ms).
            gc.collect()
            gc.freeze()
        flags["ready"] = True
    return assistant


def in_fragment_run() -> bool:
    """Whether this run (or the widget callback before it) reruns fragments only, not the page: what
    Streamlit itself checks to decide an interaction's default rerun (the list is set before the
    callbacks run, and is empty on a full run)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def advanced_knobs(assistant: Assistant) -> dict:
    """Developer knobs (retrieval mode, top-k, answerer), tucked under an "Advanced" expander."""
    with st.expander("Advanced", icon=":material/tune:"):
        mode = st.selectbox(
            "Retrieval mode", RETRIEVAL_MODES, index=RETRIEVAL_MODES.index(assistant.settings.mode), key="mode"
        )
        top_k = st.slider("Passages (top-k)", 1, 10, assistant.settings.top_k, key="top_k")
        backends = ["default"] + (["llm"] if assistant.llm_available else [])
        backend = st.radio(
            "Answerer",
            backends,
            horizontal=True,
            key="backend",
            format_func=lambda b: (
                "Default (offline)"
                if b == "default"
                else f"LLM ({assistant.settings.llm}: {assistant.settings.llm_model})"
            ),
            help="The LLM is optional (STUDY_LLM); its answers are checked against your notes.",
        )
    return {"mode": mode, "top_k": top_k, "backend": backend}


# --- JavaScript helpers (components v2: run in the page, no iframe, no network) ---------------------

# A click on a citation marker ([n] in an answer, a link to "#cite-<message>-<n>") opens the note
# viewer instead of jumping: the link's target goes back to Python as a trigger value.
_CITE_LINKS_JS = """
export default function(component) {
    const { setTriggerValue } = component;
    const onClick = (event) => {
        const link = event.target.closest ? event.target.closest('a[href^="#cite-"]') : null;
        if (!link) return;
        event.preventDefault();
        event.stopPropagation();
        setTriggerValue('clicked', link.getAttribute('href').slice(1));
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
}
"""

# Practice keys: 1-4 or A-D pick an option, Enter presses the primary action. Each key clicks the
# button whose Streamlit key is given (class "st-key-<key>"), so the page works the same by mouse.
_KEYS_JS = """
export default function(component) {
    const { data } = component;
    const onKey = (event) => {
        const target = event.target;
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
        const wanted = (data || {})[event.key.toLowerCase()];
        if (!wanted) return;
        const button = document.querySelector('.st-key-' + wanted + ' button');
        if (!button || button.disabled) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        button.click();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
}
"""

_SCROLL_JS = """
export default function(component) {
    const { data } = component;
    const go = () => {
        const element = document.querySelector(data);
        if (element) element.scrollIntoView({ block: 'center' });
    };
    const timers = [setTimeout(go, 60), setTimeout(go, 400)];
    return () => timers.forEach(clearTimeout);
}
"""

# Every question the chat input sends, kept in the page as a list that only grows, sent to Python as
# the component's state. Streamlit keeps only the newest of two chat-input submissions that arrive
# while the script is busy (answering the one before), so typing fast would lose a question; a state
# value is replaced as a whole, and the newest list still holds every question. Recorded in the
# capture phase, before the chat input handles (and clears) the text; kept on window so a remount of
# the component does not start the list again.
_SENT_QUESTIONS_JS = """
export default function(component) {
    const { setStateValue } = component;
    const AREA = '[data-testid="stChatInputTextArea"]';
    const sent = window.__studySent = window.__studySent
        || { page: Math.random().toString(36).slice(2, 10), items: [] };
    const record = (area) => {
        if (!area || area.disabled || !area.value.trim()) return;
        sent.items.push({ id: sent.page + '-' + sent.items.length, text: area.value });
        setStateValue('sent', sent.items.slice());
    };
    const onKey = (event) => {
        if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.metaKey || event.isComposing) return;
        if (event.target.matches && event.target.matches(AREA)) record(event.target);
    };
    const onClick = (event) => {
        const button = event.target.closest && event.target.closest('[data-testid="stChatInputSubmitButton"]');
        const input = button && button.closest('[data-testid="stChatInput"]');
        if (input) record(input.querySelector(AREA));
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('click', onClick, true);
    return () => {
        document.removeEventListener('keydown', onKey, true);
        document.removeEventListener('click', onClick, true);
    };
}
"""

_cite_links = components.component("study_cite_links", js=_CITE_LINKS_JS)
_sent_questions = components.component("study_sent_questions", js=_SENT_QUESTIONS_JS)
_keys = components.component("study_keys", js=_KEYS_JS)
_scroll = components.component("study_scroll_into_view", js=_SCROLL_JS)


def citation_clicks(key: str) -> str | None:
    """Mount the citation-link listener; returns "cite-<message>-<n>" on the run after a click."""
    result = _cite_links(key=key, on_clicked_change=lambda: None)
    return getattr(result, "clicked", None)


def sent_questions(key: str, on_change) -> None:
    """Mount the chat input's recorder: `on_change` runs when the page has sent more questions;
    `sent_question_list(key)` reads them then."""
    _sent_questions(key=key, on_sent_change=on_change)


def sent_question_list(key: str) -> list[dict]:
    """Every question the page has sent through the chat input, oldest first ({"id", "text"}); empty
    when the recorder has not run (no browser: AppTest)."""
    value = st.session_state.get(key) or {}
    return [item for item in (value.get("sent") or []) if isinstance(item, dict) and "id" in item]


def keyboard_keys(mapping: dict[str, str], key: str) -> None:
    """Keyboard key (lower case, e.g. "1", "a", "enter") -> the Streamlit key of the button it presses."""
    _keys(key=key, data=mapping)


def scroll_into_view(selector: str, key: str) -> None:
    _scroll(key=key, data=selector)
