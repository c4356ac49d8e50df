"""Shared fixtures: an autouse temporary data dir, the real bundled model loaded once, and an
assistant with the course notes indexed once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SOURCE_NOTES = REPO.parent / "shared" / "notes" / "u3-data-operations-and-support.txt"
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Every test gets its own data dir and the repo's corpus; no .env or STUDY_* leaks in."""
    for key in list(os.environ):
        if key.startswith("STUDY_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STUDY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDY_CORPUS_DIR", str(CORPUS))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embeddings():
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole run."""
    from assistant.embeddings import SentenceTransformerEmbeddings

    model = SentenceTransformerEmbeddings()
    model.encode(["load"])
    return model


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("session")


@pytest.fixture(scope="session")
def course(embeddings, session_dir):
    """An Assistant over the course notes, ingested once (the expensive part of the suite)."""
    from assistant.config import Settings
    from assistant.core import Assistant

    settings = Settings(data_dir=session_dir / "course-data", corpus_dir=CORPUS)
    assistant = Assistant(settings, embeddings=embeddings)
    report = assistant.ingest()
    assert report.chunks_total > 40
    return assistant


@pytest.fixture
def notes_dir(tmp_path):
    """A writable copy of the course notes folder."""
    target = tmp_path / "notes"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def notes_folder(tmp_path):
    """A folder of made-up notes: `notes_folder("small", {"macie.md": text, ...})`."""

    def write(name: str, files: dict[str, str]) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file_name, text in files.items():
            (folder / file_name).write_text(text)
        return folder

    return write


@pytest.fixture
def make_assistant(embeddings, tmp_path):
    """Build an Assistant over a given corpus folder, with its own data dir."""
    from assistant.config import Settings
    from assistant.core import Assistant

    def build(corpus_dir: Path, **overrides) -> Assistant:
        settings = Settings(data_dir=overrides.pop("data_dir", tmp_path / "store"), corpus_dir=corpus_dir, **overrides)
        return Assistant(settings, embeddings=embeddings)

    return build


@pytest.fixture
def assistant_on_notes(make_assistant, tmp_path):
    """An Assistant over one invented note, indexed: `assistant_on_notes("u9.md", text)` (its own folder)."""

    def build(file_name: str, text: str):
        folder = tmp_path / Path(file_name).stem
        folder.mkdir()
        (folder / file_name).write_text(text)
        assistant = make_assistant(folder)
        assistant.ingest()
        return assistant

    return build


#: Made-up notes of settings written as code, and two products of which only one has a price.
GADGET_NOTES = """# Gadget caching

## Gadget flags

Flags go in the gadget's header, separated by commas.

- `keep-for=N`: the gadget stays fresh for N seconds in any cache.
- `q-limit=N`: caps how many queued copies a relay may hold; desks ignore it.
- `frozen`: the gadget will never change while fresh, so the desk skips the recheck even on a reload.
- `no-keep`: nothing may store the gadget at all.

## Relays and prices

Zorbcloud charges 3 cents for each gadget a relay serves. Flarbnet runs relays in more cities than
Zorbcloud does, and both let a team purge a gadget by its tag.
"""
