"""Uploads checked before they are saved, same-name uploads decided by the caller, deletes and
each note's status - over a real notes folder, the real model and a real Chroma."""

import pytest

from assistant.config import Settings
from assistant.library import Library, NameTaken, UploadRefused

NOTE = b"## 9.1 Amazon Kinesis Data Firehose\n\n- Solution: Use Amazon Data Firehose to load streams into S3.\n"
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage without xref or trailer"


@pytest.fixture
def library(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    return Library(Settings(data_dir=tmp_path / "data", corpus_dir=notes))


def test_a_corrupt_pdf_is_refused_with_the_reason_and_never_written(library):
    with pytest.raises(UploadRefused, match="not a readable PDF"):
        library.save("broken.pdf", CORRUPT_PDF)
    assert list(library.folder.iterdir()) == []


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.md", b"   \n", "empty"),
        ("binary.txt", b"\x00\x01\x02binary" * 10, "binary"),
        ("run.sh", b"echo hi", "unsupported file type"),
        ("headings-only.md", b"#\n", "no"),
    ],
)
def test_files_that_cannot_be_notes_are_refused(library, name, data, reason):
    with pytest.raises(UploadRefused, match=reason):
        library.save(name, data)
    assert list(library.folder.iterdir()) == []


def test_an_upload_over_the_limit_is_refused_and_the_limit_is_the_settings_one(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    library = Library(Settings(data_dir=tmp_path / "d", corpus_dir=notes, max_file_mb=0.001))
    assert library.upload_limit_bytes == 1000
    with pytest.raises(UploadRefused, match="over the 0.001 MB limit"):
        library.save("big.md", b"- line of notes\n" * 200)
    assert not (notes / "big.md").exists()


def test_a_same_name_upload_is_refused_unless_the_caller_chooses(library, tmp_path):
    original = b"## Original\n\n- The course notes, 72 passages of them.\n"
    library.save("u3.md", original)
    with pytest.raises(NameTaken):
        library.save("u3.md", NOTE)
    assert (library.folder / "u3.md").read_bytes() == original  # untouched

    both = library.save("u3.md", NOTE, on_conflict="keep_both")
    assert both.path.name == "u3 (2).md" and both.path.read_bytes() == NOTE
    assert (library.folder / "u3.md").read_bytes() == original

    replaced = library.save("u3.md", NOTE, on_conflict="replace")
    assert replaced.replaced and replaced.backup.read_bytes() == original
    assert (library.folder / "u3.md").read_bytes() == NOTE
    assert library.folder not in replaced.backup.parents  # never indexed


def test_upload_names_cannot_leave_the_notes_folder(library):
    saved = library.save("../../escape.md", NOTE)
    assert saved.path.parent == library.folder and saved.path.name == "escape.md"


def test_delete_moves_the_note_to_backups_and_its_passages_leave_the_index(make_assistant, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "keep.md").write_text("## Glue\n\n- AWS Glue crawlers infer schemas into the Data Catalog.\n")
    assistant = make_assistant(notes)
    saved = assistant.save_note("firehose.md", NOTE)
    assistant.ingest()
    assert {s.source for s in assistant.sources()} == {"keep.md", "firehose.md"}
    assistant.delete_note("firehose.md")
    assert not saved.path.exists()
    assert {s.source for s in assistant.sources()} == {"keep.md"}
    assert all(c.source != "firehose.md" for c in assistant.store.all_chunks())
    assert list(assistant.settings.backup_dir.glob("firehose.md.bak-*"))
    with pytest.raises(ValueError, match="no such note"):
        assistant.delete_note("firehose.md")
    with pytest.raises(ValueError, match="not a note in the notes folder"):
        assistant.delete_note("../outside.md")


def test_statuses_say_what_is_indexed_and_why_a_file_was_skipped(make_assistant, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_bytes(NOTE)
    (notes / "broken.pdf").write_bytes(CORRUPT_PDF)  # dropped in by hand, not uploaded
    (notes / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    assistant = make_assistant(notes)
    assistant.ingest()
    statuses = {s.source: s for s in assistant.note_statuses()}
    assert statuses["binary.md"].reason == "looks binary, not text"  # listed as skipped: not "...; skipped" again
    assert statuses["good.md"].state == "indexed" and statuses["good.md"].passages == 1
    assert statuses["broken.pdf"].state == "skipped"
    assert "not a readable PDF" in statuses["broken.pdf"].reason
    (notes / "new.md").write_bytes(NOTE.replace(b"9.1", b"9.2"))
    assert {s.source: s.state for s in assistant.note_statuses()}["new.md"] == "not indexed yet"
