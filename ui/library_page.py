"""Library: what is indexed, add notes, rebuild."""

import streamlit as st

from common import get_assistant, progress_callback

assistant = get_assistant()
st.title("Notes library")
st.caption(f"Notes folder: {assistant.settings.corpus_dir.resolve()}")

uploads = st.file_uploader(
    "Add notes (.md, .txt, .html, .pdf)", type=["md", "txt", "html", "htm", "pdf"], accept_multiple_files=True
)
if uploads and st.button("Add to my notes", type="primary"):
    saved = []
    for upload in uploads:
        try:
            saved.append(assistant.save_note(upload.name, upload.getvalue()))
        except (ValueError, OSError) as error:
            st.error(str(error))
    if saved:
        bar = st.progress(0.0, text="Indexing...")
        report = assistant.ingest(progress=progress_callback(bar))
        bar.empty()
        for warning in report.warnings:
            st.warning(warning)
        st.success(report.summary())

if st.button("Rebuild the index", icon=":material/build:"):
    bar = st.progress(0.0, text="Rebuilding...")
    report = assistant.ingest(rebuild=True, progress=progress_callback(bar))
    bar.empty()
    st.success(report.summary())

sources = assistant.sources()
if not sources:
    st.info("No notes are indexed yet. Add some above.")
for info in sources:
    with st.expander(f"{info.source} — {info.chunks} chunks, {len(info.sections)} sections"):
        st.dataframe(
            [{"section": section, "chunks": count} for section, count in info.sections.items()],
            hide_index=True,
            use_container_width=True,
        )
