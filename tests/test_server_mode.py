"""Server mode: a real `chroma run` on a free loopback port, stopped by its own process id."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.core import Assistant
from assistant.store import StoreError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    log = open(tmp_path / "chroma.log", "w")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("chroma run did not start: " + (tmp_path / "chroma.log").read_text()[-2000:])
    yield port
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def test_server_mode_ingests_and_answers_like_embedded(chroma_server, embeddings, notes_dir, tmp_path, course):
    settings = Settings(data_dir=tmp_path / "client", corpus_dir=notes_dir,
                        chroma_host="127.0.0.1", chroma_port=chroma_server)
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
    port = _free_port()  # nothing listens here
    settings = Settings(data_dir=tmp_path / "client", corpus_dir=notes_dir, chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(StoreError, match="chroma run"):
        Assistant(settings, embeddings=embeddings).ask("anything about S3?")
