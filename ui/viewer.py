"""The note viewer: a note's passages in reading order, scrolled to the cited one, with the lines the
answer relies on highlighted and code blocks shown as code. Used by Chat and Library."""

from __future__ import annotations

import streamlit as st

from assistant.display import escape_markdown, highlight_passage, passage_blocks
from ui.common import get_assistant, scroll_into_view

#: Passages shown either side of the target (a whole large note would be slow to draw).
WINDOW = 25


def render_passage(text: str, highlights: list[str] | None = None) -> None:
    """One passage: prose and list lines as safe Markdown (cited lines marked), code as code."""
    for block in passage_blocks(text):
        if block.kind == "code":
            st.code(block.text, language=block.language or None)
        else:
            st.markdown(highlight_passage(block.text, highlights or []))


@st.dialog("Note viewer", width="large")
def open_viewer(
    source: str, chunk_id: str = "", section: str = "", text: str = "", lines: list[str] | None = None
) -> None:
    """Show `source` around the passage `chunk_id` (or the passage whose text is `text`, or the first
    passage of `section`), highlighted and scrolled into view."""
    assistant = get_assistant()
    passages = assistant.passages_of(source)
    target = next((i for i, c in enumerate(passages) if chunk_id and c.id == chunk_id), None)
    if target is None and text:
        target = next((i for i, c in enumerate(passages) if c.text == text), None)
    if target is None and section:
        target = next((i for i, c in enumerate(passages) if c.section == section), None)
    st.caption(f"{escape_markdown(source)}" + (f" — {len(passages)} passages" if passages else ""))
    if not passages or (target is None and (chunk_id or text)):
        # The note changed or left the index since this answer: show the passage as it was cited.
        st.warning("This passage is no longer in your notes index; showing it as it was cited.")
        if text:
            with st.container(border=True, key="viewer-target"):
                render_passage(text, lines)
        return
    centre = target or 0
    start, end = max(0, centre - WINDOW), min(len(passages), centre + WINDOW + 1)
    with st.container(height=520, key="note-viewer"):
        if start:
            st.caption(f"({start} earlier passages not shown)")
        shown_section = None
        for index in range(start, end):
            passage = passages[index]
            if passage.section != shown_section:
                shown_section = passage.section
                st.markdown(f"**{escape_markdown(passage.section)}**")
            if index == target:
                with st.container(border=True, key="viewer-target"):
                    render_passage(passage.text, lines)
            else:
                render_passage(passage.text)
        if end < len(passages):
            st.caption(f"({len(passages) - end} later passages not shown)")
    if target is not None:
        scroll_into_view(".st-key-viewer-target", key=f"scroll-{passages[target].id}")
