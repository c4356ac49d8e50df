import pytest

from assistant.store import REBUILD_HINT, FileRecord, Manifest, StoreError


def test_manifest_round_trips(tmp_path):
    path = tmp_path / "m.json"
    manifest = Manifest(embedding_model="m", files={"a.md": FileRecord("/x/a.md", "abc", 3, 5, ["1", "2"])})
    manifest.save(path)
    loaded = Manifest.load(path)
    assert loaded.embedding_model == "m" and loaded.files["a.md"].chunk_ids == ["1", "2"]
    assert not list(tmp_path.glob(".manifest-*"))  # no temporary left behind


def test_missing_manifest_is_empty(tmp_path):
    assert Manifest.load(tmp_path / "none.json").files == {}


def test_damaged_manifest_names_the_remedy(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{half")
    with pytest.raises(StoreError, match="study ingest --rebuild"):
        Manifest.load(path)


def test_corrupted_store_folder_names_the_remedy(make_assistant, notes_dir, tmp_path):
    assistant = make_assistant(notes_dir, data_dir=tmp_path / "data")
    chroma = tmp_path / "data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as error:
        assistant.ask("Which service scans S3 for PII?")
    assert REBUILD_HINT in str(error.value)


@pytest.mark.slow  # a whole rebuild
def test_rebuild_repairs_a_corrupted_store(make_assistant, notes_dir, tmp_path):
    assistant = make_assistant(notes_dir, data_dir=tmp_path / "data")
    chroma = tmp_path / "data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"garbage" * 100)
    report = assistant.ingest(rebuild=True)
    assert report.chunks_total > 40
    assert "Macie" in (assistant.ask("Which service scans S3 buckets for PII?").recommendation or "")


def test_search_asks_for_more_than_the_store_holds(make_assistant, tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "tiny.md").write_text(
        "# Tiny\n\n## One\n\n- Zorblat Queue buffers orders.\n\n## Two\n\n- Tessel Lake stores tables.\n"
    )
    assistant = make_assistant(folder)
    assistant.ingest()
    held = assistant.index.retriever.store.count()
    vector = assistant.embeddings.encode_queries(["Which service buffers orders?"])[0]
    hits = assistant.index.retriever.store.search(list(map(float, vector)), 50)
    assert 0 < len(hits) == held
    assert "Zorblat" in hits[0].chunk.text


def test_a_read_only_data_folder_is_named_as_such_not_sent_to_a_rebuild(make_assistant, notes_dir, tmp_path):
    """A real read-only mount (as a synced or shared folder can be), in a mount namespace of its own."""
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None:
        pytest.skip("needs unshare to mount a folder read-only")
    data = tmp_path / "data"
    make_assistant(notes_dir, data_dir=data).ingest()
    script = (
        "import sys; from pathlib import Path; from assistant.config import Settings; from assistant.core import "
        "Assistant; from assistant.store import StoreError\n"
        "try:\n    Assistant(Settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2]))).store.count()\n"
        "except StoreError as error:\n    print(error)\n"
    )
    mount = f'mount --bind {data} {data} && mount -o remount,bind,ro {data} && exec "$@"'
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", mount, "_", sys.executable, "-c", script, str(data), str(notes_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if "mount" in result.stderr and result.returncode != 0 and not result.stdout:
        pytest.skip(f"this machine cannot mount a folder read-only here: {result.stderr.strip()[:200]}")
    assert "cannot be written" in result.stdout and "STUDY_DATA_DIR" in result.stdout, result.stdout + result.stderr
    assert REBUILD_HINT not in result.stdout
