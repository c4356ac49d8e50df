"""Library: every note with its status, a viewer, uploads that are checked before they are saved (a
same-name upload asks: replace or keep both), delete with confirmation, and a rebuild that keeps
answering from the old index until the new one is ready."""

from __future__ import annotations

import streamlit as st

from assistant.display import escape_markdown
from assistant.library import NameTaken, OnConflict, UploadRefused
from ui.common import get_assistant, progress_callback
from ui.viewer import open_viewer

assistant = get_assistant()
library = assistant.library
state = st.session_state
state.setdefault("uploader_generation", 0)
state.setdefault("library_messages", [])  # (kind, text) shown once after an action

st.title("Notes library")
st.caption(f"Notes folder: {escape_markdown(str(library.folder))}")


def reindex(message_prefix: str = "") -> None:
    bar = st.progress(0.0, text="Indexing...")
    report = assistant.ingest(progress=progress_callback(bar))
    bar.empty()
    state.library_messages.append(("success", message_prefix + report.summary()))


def save_uploads(files: list[tuple[str, bytes]], on_conflict: OnConflict = "refuse") -> None:
    """Save each checked upload; refusals are reported, same-name files wait for the user's choice."""
    saved, conflicts = [], []
    for name, data in files:
        try:
            result = assistant.save_note(name, data, on_conflict=on_conflict)
        except NameTaken:
            conflicts.append((name, data))
            continue
        except (UploadRefused, ValueError, OSError) as error:
            state.library_messages.append(("error", f"Not added: {error}"))
            continue
        saved.append(result)
        if result.replaced:
            state.library_messages.append(
                ("info", f"Replaced {result.path.name}; the old file is kept as {result.backup}.")
            )
    state.pending_conflicts = conflicts
    if saved:
        reindex(f"Added {', '.join(s.path.name for s in saved)}. ")
    state.uploader_generation += 1  # a fresh uploader: the same files are not offered again


uploads = st.file_uploader(
    f"Add notes (.md, .txt, .html, .pdf; up to {library.upload_limit_mb:g} MB each)",
    type=["md", "markdown", "txt", "html", "htm", "pdf"],
    accept_multiple_files=True,
    max_upload_size=max(1, int(round(library.upload_limit_mb))),
    key=f"uploader-{state.uploader_generation}",
)
if uploads and st.button("Add to my notes", type="primary", icon=":material/upload:", key="add-notes"):
    save_uploads([(upload.name, upload.getvalue()) for upload in uploads])
    st.rerun()

conflicts = state.get("pending_conflicts") or []
if conflicts:
    with st.container(border=True, key="name-conflict"):
        names = ", ".join(escape_markdown(name) for name, _ in conflicts)
        st.warning(
            f"A note named {names} is already in your notes. Nothing was changed yet.", icon=":material/warning:"
        )
        resolutions: list[OnConflict] = ["replace", "keep_both"]
        choice = st.radio(
            "What should happen?",
            resolutions,
            key="conflict-choice",
            format_func=lambda c: (
                "Replace it (the old file is kept as a backup)"
                if c == "replace"
                else "Keep both (the upload gets a new name)"
            ),
        )
        row = st.container(horizontal=True)
        if row.button("Confirm", type="primary", key="conflict-confirm"):
            save_uploads(conflicts, on_conflict=choice)
            st.rerun()
        if row.button("Cancel", key="conflict-cancel"):
            state.pending_conflicts = []
            st.rerun()

for kind, text in state.library_messages:
    getattr(st, kind)(escape_markdown(text))
state.library_messages = []

# --- the notes ------------------------------------------------------------------------------------

statuses = assistant.note_statuses()
if not statuses:
    st.info("No notes yet. Add some above.")
else:
    indexed = sum(1 for s in statuses if s.state == "indexed")
    st.subheader(f"Your notes ({indexed} of {len(statuses)} indexed)")
    st.dataframe(
        [
            {
                "note": s.source,
                "status": s.state,
                "passages": s.passages,
                "sections": s.sections,
                "size (KB)": round(s.size / 1000, 1),
                "why skipped": s.reason,
            }
            for s in statuses
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "note": st.column_config.TextColumn(width="medium"),
            "why skipped": st.column_config.TextColumn(width="large"),
        },
    )
    note_names = [s.source for s in statuses]
    chosen = st.selectbox("Note", note_names, key="library-note")
    status = next(s for s in statuses if s.source == chosen)
    actions = st.container(horizontal=True)
    if actions.button("View", icon=":material/visibility:", key="view-note", disabled=status.state != "indexed"):
        open_viewer(chosen)
    if status.in_notes_folder:
        with actions.popover("Delete", icon=":material/delete:"):
            st.write(
                f"Delete **{escape_markdown(chosen)}**? It leaves the index; the file moves to "
                f"{escape_markdown(str(assistant.settings.backup_dir))}."
            )
            if st.button("Delete this note", type="primary", key="delete-note"):
                bar = st.progress(0.0, text="Removing its passages...")
                try:
                    report = assistant.delete_note(chosen, progress=progress_callback(bar))
                    state.library_messages.append(("success", f"Deleted {chosen}. {report.summary()}"))
                except (ValueError, OSError) as error:
                    state.library_messages.append(("error", str(error)))
                st.rerun()
    else:
        actions.caption("Indexed from outside the notes folder: remove it there.")

# --- rebuild --------------------------------------------------------------------------------------

st.divider()
with st.expander("Rebuild the index", icon=":material/build:"):
    st.write(
        "Re-reads and re-embeds every note into a new index. Questions keep being answered from the "
        "current index until the new one is ready; then it is swapped in."
    )
    if st.checkbox("Yes, rebuild the whole index", key="confirm-rebuild"):
        if st.button("Rebuild now", type="primary", key="rebuild"):
            bar = st.progress(0.0, text="Rebuilding beside the current index...")
            report = assistant.ingest(
                rebuild=True,
                progress=progress_callback(bar, "Rebuilding beside the current index (questions are still answered): "),
            )
            bar.empty()
            st.success("Rebuilt and swapped in. " + escape_markdown(report.summary()))
