"""Shared UI plumbing: one Assistant per process, loaded behind a progress bar."""

from __future__ import annotations

import streamlit as st

from assistant.config import Settings
from assistant.core import Assistant


def _settings_key() -> tuple:
    settings = Settings()
    return (str(settings.data_dir.resolve()), str(settings.corpus_dir.resolve()), settings.chroma_host, settings.chroma_port)


@st.cache_resource(show_spinner=False)
def _assistant(key: tuple) -> Assistant:
    return Assistant(Settings())


@st.cache_resource(show_spinner=False)
def _ready_flags(key: tuple) -> dict:
    return {"ready": False}


def progress_callback(bar):
    def update(description: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{description} ({done}/{total})")

    return update


def get_assistant() -> Assistant:
    """The process-wide Assistant; the first call indexes the notes (if needed) and loads the
    model behind a visible progress bar instead of a blank page."""
    key = _settings_key()
    assistant = _assistant(key)
    flags = _ready_flags(key)
    if not flags["ready"]:
        bar = st.progress(0.0, text="Opening your notes index...")
        if assistant.is_empty():
            report = assistant.ingest(progress=progress_callback(bar))
            for warning in report.warnings + report.errors:
                st.warning(warning)
        bar.progress(0.9, text="Loading the embedding model...")
        assistant.warm_up()
        bar.empty()
        flags["ready"] = True
    return assistant
