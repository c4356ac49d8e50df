"""Crash safety and concurrency against the real model and a real embedded Chroma."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, DATA, REPO

from assistant.answer import Answer
from assistant.chunking import chunk_markdown
from assistant.loading import load_file
from assistant.synthetic import make_synthetic_corpus

pytestmark = pytest.mark.slow  # kills a real ingest process mid-write


def _expected_ids(folder: Path) -> set[str]:
    ids = set()
    for path in sorted(folder.glob("*.md")):
        ids.update(c.id for c in chunk_markdown(load_file(path, path.name, 10**8).markdown, path.name))
    return ids


def test_killed_ingest_resumes_to_the_same_store_as_a_clean_build(tmp_path, make_assistant):
    corpus = tmp_path / "big"
    make_synthetic_corpus(CORPUS, corpus, copies=6)
    data = tmp_path / "data"
    env = {**os.environ, "STUDY_CORPUS_DIR": str(corpus), "STUDY_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    manifest = data / "manifest.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if manifest.exists():
            try:
                if len(json.loads(manifest.read_text())["files"]) >= 2:
                    break
            except ValueError:
                pass  # never half-written (atomic rename), but be patient anyway
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # part-way: some files committed, others not
    process.wait()
    recorded = json.loads(manifest.read_text())["files"]
    assert 2 <= len(recorded) < 6, "the kill should land part-way through the ingest"

    assistant = make_assistant(corpus, data_dir=data)
    report = assistant.ingest()
    assert report.unchanged == len(recorded)  # what was committed before the kill is kept
    stored = [c.id for c in assistant.store.all_chunks()]
    assert len(stored) == len(set(stored))  # no duplicates
    assert set(stored) == _expected_ids(corpus)  # nothing missing, nothing extra
    assert assistant.ingest().chunks_embedded == 0


def test_eight_askers_during_an_ingest_get_stable_contract_answers(make_assistant, notes_dir, tmp_path):
    assistant = make_assistant(notes_dir)
    assistant.ingest()
    questions = [
        "Which service scans S3 buckets for PII?",
        "Which command loads Hive-style partitions in Athena?",
        "We are migrating existing Apache Kafka applications to AWS. Which service?",
        "What is a good recipe for banana bread?",
    ]
    baseline = {q: assistant.ask(q) for q in questions}
    extra = tmp_path / "extra"
    extra.mkdir()
    # New notes of another unit (security and governance), arriving while learners ask.
    shutil.copy(DATA / "u4-data-security-and-governance.txt", extra)
    for number in range(20):
        (extra / f"governance-{number}.md").write_text(
            f"## Governance topic {number}\n\n- Policy {number}: Use AWS Config rules to audit setting {number}.\n"
        )
    errors, answers = [], []

    def ask_repeatedly(worker: int) -> None:
        try:
            for round_ in range(6):
                question = questions[(worker + round_) % len(questions)]
                answers.append((question, assistant.ask(question)))
        except Exception as error:  # the test reports any failure
            errors.append(repr(error))

    threads = [threading.Thread(target=ask_repeatedly, args=(n,)) for n in range(8)]
    ingest = threading.Thread(target=lambda: assistant.ingest([extra]))
    ingest.start()
    for thread in threads:
        thread.start()
    for thread in threads + [ingest]:
        thread.join(timeout=600)
    assert errors == []
    assert len(answers) == 48
    for question, answer in answers:
        payload = answer.to_dict()
        assert set(payload) == set(Answer("q", "a").to_dict())
        assert answer.abstained == baseline[question].abstained
        assert answer.recommendation == baseline[question].recommendation
