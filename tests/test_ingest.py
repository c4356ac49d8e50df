"""Incremental ingest against the real model and a real embedded Chroma."""

import os

import pytest

MACIE = "## 4.1 Amazon Macie\n\n- Solution: Enable Amazon Macie to scan S3 buckets for PII.\n"
GLUE = "## 2.1 Glue\n\n- AWS Glue Data Catalog: central metastore for Hive on EMR.\n- Crawlers infer schemas.\n"


@pytest.fixture
def small_notes(notes_folder):
    return notes_folder("small", {"macie.md": MACIE, "glue.md": GLUE})


def _ids(assistant):
    return sorted(c.id for c in assistant.store.all_chunks())


def test_ingest_indexes_corpus_and_writes_manifest(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    report = assistant.ingest()
    assert sorted(report.added) == ["glue.md", "macie.md"]
    assert report.chunks_embedded == report.chunks_total == 2
    assert assistant.settings.manifest_path.exists()
    assert "Indexed files" in report.summary()


def test_ingest_unchanged_corpus_embeds_nothing(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assistant.ingest()
    before = _ids(assistant)
    report = assistant.ingest()
    assert report.chunks_embedded == 0 and report.unchanged == 2 and not report.changed_anything
    assert _ids(assistant) == before


def test_ingest_touched_but_identical_file_is_not_reembedded(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assistant.ingest()
    os.utime(small_notes / "glue.md", (1, 1))
    report = assistant.ingest()
    assert report.chunks_embedded == 0 and report.unchanged == 2


def test_ingest_changed_file_replaces_only_its_changed_chunks(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assistant.ingest()
    (small_notes / "glue.md").write_text(GLUE + "\n## 2.2 Glue Studio\n\n- Visual editor for Glue jobs.\n")
    report = assistant.ingest()
    assert report.changed == ["glue.md"]
    assert report.chunks_embedded == 1  # the unchanged Glue chunk keeps its id and embedding
    assert report.chunks_total == 3


def test_ingest_removes_chunks_of_deleted_and_edited_away_text(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assistant.ingest()
    (small_notes / "macie.md").unlink()
    (small_notes / "glue.md").write_text("## 2.1 Glue\n\n- Only this line remains now.\n")
    report = assistant.ingest()
    assert report.removed == ["macie.md"] and report.chunks_removed == 2
    texts = [c.text for c in assistant.store.all_chunks()]
    assert texts == ["- Only this line remains now."]


def test_ingest_extra_paths_are_added_and_kept_in_step(make_assistant, small_notes, tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("Kinesis Notes\n\n  • Use Amazon Kinesis for new streaming projects.\n")
    assistant = make_assistant(small_notes)
    report = assistant.ingest([extra])
    assert str(extra.resolve()) in report.added
    report = assistant.ingest()  # without the path: the extra file stays indexed and unchanged
    assert report.unchanged == 3 and report.chunks_total == 3
    extra.unlink()
    report = assistant.ingest()
    assert report.removed == [str(extra.resolve())]


def test_a_moved_notes_folder_is_followed_not_indexed_twice(make_assistant, small_notes, tmp_path):
    import shutil

    make_assistant(small_notes).ingest()
    moved = tmp_path / "moved"
    shutil.copytree(small_notes, moved)
    assistant = make_assistant(moved)  # same data dir, the notes folder now elsewhere
    report = assistant.ingest()
    assert report.chunks_embedded == 0 and report.chunks_total == 2  # no second copy of each passage
    assert sorted({c.source for c in assistant.store.all_chunks()}) == ["glue.md", "macie.md"]
    # Its records now point at the new folder: the old one can go without the notes going with it.
    shutil.rmtree(small_notes)
    assert assistant.ingest().chunks_total == 2
    # A file first indexed from outside, whose folder later becomes the notes folder, is kept once.
    outside = make_assistant(tmp_path / "empty", data_dir=tmp_path / "store2")
    (tmp_path / "empty").mkdir()
    outside.ingest([moved / "glue.md"])
    inside = make_assistant(moved, data_dir=tmp_path / "store2")
    inside.ingest()
    assert sorted(c.source for c in inside.store.all_chunks()) == ["glue.md", "macie.md"]


def test_ingest_skips_unreadable_files_with_warnings_and_indexes_the_rest(make_assistant, small_notes):
    (small_notes / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (small_notes / "empty.txt").write_text("")
    (small_notes / "latin.txt").write_bytes("Caf\xe9 notes about Athena partitions".encode("latin-1"))
    report = make_assistant(small_notes).ingest()
    assert any("binary.md" in w for w in report.warnings)
    assert any("empty.txt" in w for w in report.warnings)
    assert any("latin.txt" in w and "not UTF-8" in w for w in report.warnings)
    assert sorted(report.added) == ["glue.md", "latin.txt", "macie.md"]


def test_ingest_missing_path_is_an_error_not_a_crash(make_assistant, small_notes, tmp_path):
    report = make_assistant(small_notes).ingest([tmp_path / "nowhere"])
    assert any("nowhere" in e for e in report.errors)
    assert report.chunks_total == 2


def test_a_notes_folder_that_is_gone_leaves_the_index_as_it_was(make_assistant, small_notes, tmp_path):
    make_assistant(small_notes).ingest()
    gone = make_assistant(tmp_path / "unmounted")  # same data dir, the notes folder not there (a typo, a drive)
    for rebuild in (False, True):
        report = gone.ingest(rebuild=rebuild)
        assert any("does not exist" in e and "left as it was" in e for e in report.errors)
        assert not report.removed and report.chunks_removed == 0
    assert sorted(c.source for c in gone.store.all_chunks()) == ["glue.md", "macie.md"]
    assert gone.ask("Which service scans S3 buckets for PII?").citations


def _hold_ingest_lock(data_dir, seconds):
    """Another process holding the data folder's ingest lock (as a second `study ingest` would)."""
    import subprocess
    import sys
    import time

    code = (
        "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
        "print('held', flush=True); time.sleep(float(sys.argv[2]))"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir / "ingest.lock"), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder, time.monotonic()


def test_an_ingest_waits_for_another_process_ingesting_the_same_data_folder(make_assistant, small_notes):
    import time

    assistant = make_assistant(small_notes)
    assistant.ingest()
    (small_notes / "macie.md").write_text(MACIE + "- Findings go to EventBridge.\n")
    holder, started = _hold_ingest_lock(assistant.settings.data_dir, 3)
    try:
        report = assistant.ingest()
        assert time.monotonic() - started >= 2.5  # it waited for the other one to finish
    finally:
        holder.wait(timeout=30)
    assert any("another ingest" in w and "waited" in w for w in report.warnings)
    assert report.changed == ["macie.md"] and report.chunks_total == 2


def test_an_ingest_stuck_elsewhere_gives_a_clear_error_and_changes_nothing(make_assistant, small_notes, monkeypatch):
    from assistant import core

    assistant = make_assistant(small_notes)
    assistant.ingest()
    monkeypatch.setattr(core._OtherIngests, "WAIT_SECONDS", 0.5)
    holder, _ = _hold_ingest_lock(assistant.settings.data_dir, 5)
    try:
        report = assistant.ingest(rebuild=True)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert any("another ingest" in e and "try again" in e for e in report.errors)
    assert sorted(c.source for c in assistant.store.all_chunks()) == ["glue.md", "macie.md"]


def test_an_empty_notes_folder_leaves_the_index_unless_a_rebuild_is_asked_for(make_assistant, small_notes, tmp_path):
    make_assistant(small_notes).ingest()
    (tmp_path / "empty-mount").mkdir()
    empty = make_assistant(tmp_path / "empty-mount")  # same data dir; a mount point with nothing mounted on it
    report = empty.ingest()
    assert any("holds no notes" in e and "--rebuild" in e for e in report.errors) and not report.removed
    assert sorted(c.source for c in empty.store.all_chunks()) == ["glue.md", "macie.md"]
    assert empty.ingest(rebuild=True).chunks_total == 0  # asked for: emptied


def test_ingest_rebuild_gives_the_same_index(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assistant.ingest()
    before = _ids(assistant)
    report = assistant.ingest(rebuild=True)
    assert report.chunks_embedded == 2 and _ids(assistant) == before


def test_ingest_reports_progress(make_assistant, small_notes):
    seen = []
    make_assistant(small_notes).ingest(progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = {stage for stage, _, _ in seen}
    assert {"Reading notes", "Embedding passages"} <= stages
    embedding = [s for s in seen if s[0] == "Embedding passages"]
    assert embedding[-1][1] == embedding[-1][2] == 2


def test_ask_on_an_empty_store_ingests_first_via_ensure(make_assistant, small_notes):
    assistant = make_assistant(small_notes)
    assert assistant.is_empty()
    assistant.ensure_ingested()
    assert not assistant.is_empty()
    assert assistant.ensure_ingested() is None


def test_ingest_skips_a_50_mb_text_file_with_a_warning(make_assistant, small_notes):
    big = small_notes / "huge-dump.txt"
    with open(big, "wb") as out:
        line = b"- A line of exported logs that nobody should embed whole.\n"
        out.write(line * (50_000_000 // len(line) + 1))
    report = make_assistant(small_notes).ingest()
    assert any("huge-dump.txt" in w and "limit" in w for w in report.warnings)
    assert sorted(report.added) == ["glue.md", "macie.md"]


@pytest.mark.slow  # a whole rebuild beside a live index
def test_rebuild_builds_beside_the_live_index_while_questions_are_answered(make_assistant, notes_dir):
    import threading

    from assistant.store import index_collections, make_client

    assistant = make_assistant(notes_dir)
    assistant.ingest()
    before = assistant.store.collection_name
    count = assistant.store.count()
    answers, rebuilding = [], threading.Thread(target=lambda: answers.append(assistant.ingest(rebuild=True)))
    during = []
    rebuilding.start()
    while rebuilding.is_alive():
        answer = assistant.ask("Which service scans S3 buckets for PII?")
        during.append(answer)
    rebuilding.join()
    report = answers[0]
    assert len(during) >= 5, "the rebuild finished before questions could be asked alongside it"
    assert all(a.recommendation == "Amazon Macie" for a in during), {a.answer for a in during}
    assert report.chunks_total == count and report.chunks_embedded == count
    assert assistant.store.collection_name != before
    assert assistant.ask("Which service scans S3 buckets for PII?").recommendation == "Amazon Macie"
    # The old collection is gone; a restarted process opens the new one.
    assert index_collections(make_client(assistant.settings), assistant.settings) == [assistant.store.collection_name]
    restarted = make_assistant(notes_dir)
    assert restarted.store.collection_name == assistant.store.collection_name
    assert restarted.store.count() == count
    assert restarted.ingest().chunks_embedded == 0  # the rebuilt manifest is the live one


def test_a_rebuild_killed_midway_leaves_nothing_live_and_is_cleaned_up(make_assistant, small_notes):
    from assistant.store import NoteStore, index_collections, rebuild_collection_name

    assistant = make_assistant(small_notes)
    assistant.ingest()
    live = assistant.store.collection_name
    half_built = NoteStore(
        assistant.settings,
        assistant.embeddings,
        collection=rebuild_collection_name(assistant.settings),
        client=assistant.store.client,
    )
    half_built.add(assistant.store.all_chunks()[:1])  # what a killed rebuild leaves behind
    assert make_assistant(small_notes).store.collection_name == live  # not switched to
    assistant.ingest(rebuild=True)
    assert index_collections(assistant.store.client, assistant.settings) == [assistant.store.collection_name]
    assert assistant.store.count() == 2


def test_an_index_split_by_an_older_chunker_is_read_again_keeping_unchanged_chunks(make_assistant, small_notes):
    import json

    assistant = make_assistant(small_notes)
    assistant.ingest()
    before = _ids(assistant)
    manifest = json.loads(assistant.settings.manifest_path.read_text())
    manifest["chunking"] = 1  # as an older version of the assistant wrote it
    assistant.settings.manifest_path.write_text(json.dumps(manifest))
    report = assistant.ingest()
    assert any("split into passages changed" in w for w in report.warnings)
    assert sorted(report.changed) == ["glue.md", "macie.md"] and report.chunks_embedded == 0
    assert _ids(assistant) == before
    assert json.loads(assistant.settings.manifest_path.read_text())["chunking"] >= 2
    assert assistant.ingest().unchanged == 2  # and once only


def test_the_ingest_summary_counts_in_agreement(make_assistant, small_notes):
    (small_notes / "glue.md").unlink()
    summary = make_assistant(small_notes).ingest().summary()
    assert "1 chunk embedded" in summary and "1 chunks" not in summary
