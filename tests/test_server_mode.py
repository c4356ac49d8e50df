"""Server mode: a real `chroma run` on a free loopback port, stopped by its own process id."""

import sys
from pathlib import Path

import pytest
from servers import free_port, running_server

from assistant.config import Settings
from assistant.core import Assistant
from assistant.store import StoreError

pytestmark = pytest.mark.slow  # starts a real `chroma run` server


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    command = [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", tmp_path / "chroma.log", timeout=60):
        yield port


def test_server_mode_ingests_and_answers_like_embedded(chroma_server, embeddings, notes_dir, tmp_path, course):
    settings = Settings(
        data_dir=tmp_path / "client", corpus_dir=notes_dir, chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    assistant = Assistant(settings, embeddings=embeddings)
    report = assistant.ingest()
    assert report.chunks_total == course.store.count()
    assert not (tmp_path / "client" / "chroma").exists()  # nothing embedded locally
    question = "Which service scans S3 buckets for PII across the organization?"
    served, local = assistant.ask(question), course.ask(question)
    assert served.recommendation == local.recommendation
    assert [c.text for c in served.citations] == [c.text for c in local.citations]
    assert assistant.ingest().chunks_embedded == 0  # incremental against the server too


def test_server_mode_unreachable_server_is_a_clear_error(embeddings, notes_dir, tmp_path):
    port = free_port()  # nothing listens here
    settings = Settings(data_dir=tmp_path / "client", corpus_dir=notes_dir, chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(StoreError, match="chroma run"):
        Assistant(settings, embeddings=embeddings).ask("anything about S3?")


def test_a_rebuild_on_a_server_switches_every_learner_and_keeps_the_old_collection_for_open_ones(
    chroma_server, embeddings, tmp_path
):
    from assistant.store import index_collections

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "macie.md").write_text("## Macie\n\n- Solution: Enable Amazon Macie to scan S3 buckets for PII.\n")

    def learner(name):
        return Assistant(
            Settings(data_dir=tmp_path / name, corpus_dir=notes, chroma_host="127.0.0.1", chroma_port=chroma_server),
            embeddings=embeddings,
        )

    first, second = learner("first"), learner("second")
    first.ingest()
    assert second.ask("Which service scans S3 buckets for PII?").recommendation == "Amazon Macie"
    old = second.store.collection_name
    first.ingest(rebuild=True)
    assert first.store.collection_name != old
    # The second learner's open process still reads the old collection; a restart finds the new one.
    assert second.ask("Which service scans S3 buckets for PII?").recommendation == "Amazon Macie"
    assert learner("second").store.collection_name == first.store.collection_name
    assert sorted(index_collections(first.store.client, first.settings)) == sorted([old, first.store.collection_name])
    previous = first.store.collection_name
    first.ingest(rebuild=True)  # the next rebuild drops what the one before left behind
    live = index_collections(first.store.client, first.settings)
    assert old not in live and sorted(live) == sorted([previous, first.store.collection_name])
