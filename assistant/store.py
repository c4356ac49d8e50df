"""Store: the Chroma vector store (through langchain-chroma) and the ingest manifest.

`make_client` is the one place a Chroma client is built: an embedded `PersistentClient` under the data
dir, or a `chromadb.HttpClient` when `STUDY_CHROMA_HOST`/`STUDY_CHROMA_PORT` are set. Telemetry is off.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .chunking import Chunk
from .config import Settings

REBUILD_HINT = "run `study ingest --rebuild` to rebuild the index from your notes"
# A rebuild fills a new collection beside the live one and then points readers at it. The pointer is a
# tiny collection whose metadata names the live one, so every client of a Chroma server sees the swap.
POINTER_SUFFIX = "-active"
REBUILD_MARK = "-r"

logger = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The index cannot be opened or used; the message names the remedy."""


def unwritable_data_folder(settings: Settings, error: BaseException) -> str:
    """What to say when the data folder cannot be written (a read-only mount, another user's folder)."""
    return (
        f"the data folder {settings.data_dir} cannot be written ({error}); "
        "make it writable, or set STUDY_DATA_DIR to a folder you can write to"
    )


def unusable_index(settings: Settings, what: str, error: BaseException) -> StoreError:
    """The error for an index that cannot be opened, naming the remedy that fits: a data folder that cannot be
    written is not mended by a rebuild, which would fail the same way."""
    read_only = any(mark in str(error).lower() for mark in ("readonly", "read-only", "permission denied"))
    if read_only or not os.access(settings.data_dir, os.W_OK):
        return StoreError(f"{what} cannot be opened: {unwritable_data_folder(settings, error)}")
    return StoreError(f"{what} cannot be opened ({error}); {REBUILD_HINT}")


def make_client(settings: Settings):
    """A Chroma client for these settings (embedded unless a server is configured)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host is not None and settings.chroma_port is not None:  # set together (validated)
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as error:
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({error}); "
                "start it with `chroma run`, or unset STUDY_CHROMA_HOST/STUDY_CHROMA_PORT to use the embedded store"
            ) from error
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as error:
        raise unusable_index(settings, f"the index in {settings.chroma_dir}", error) from error


@dataclass
class ScoredChunk:
    chunk: Chunk
    similarity: float


def _pointer_name(settings: Settings) -> str:
    return settings.collection[: 63 - len(POINTER_SUFFIX)] + POINTER_SUFFIX


def active_collection(client, settings: Settings) -> str:
    """The collection questions are answered from: the one the last rebuild switched to, else the
    configured name."""
    try:
        pointer = client.get_collection(_pointer_name(settings))
    except Exception:  # no rebuild has switched collections yet
        return settings.collection
    name = (pointer.metadata or {}).get("collection")
    return str(name) if name else settings.collection


def set_active_collection(client, settings: Settings, name: str) -> None:
    pointer = client.get_or_create_collection(_pointer_name(settings), metadata={"collection": name})
    pointer.modify(metadata={"collection": name})


def rebuild_collection_name(settings: Settings) -> str:
    """A fresh collection name for a rebuild (3-63 characters, starts and ends alphanumeric)."""
    import time

    return f"{settings.collection[:40]}{REBUILD_MARK}{time.time_ns() // 1000}"


def index_collections(client, settings: Settings) -> list[str]:
    """The collections that hold (or held) this index: the configured one and every rebuild's."""
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    prefix = settings.collection[:40] + REBUILD_MARK
    return [n for n in names if n == settings.collection or (n.startswith(prefix) and n[len(prefix) :].isdigit())]


def drop_collections(client, settings: Settings, keep: str) -> list[str]:
    """Delete this index's collections other than `keep` (old or half-built rebuilds)."""
    dropped = []
    for name in index_collections(client, settings):
        if name != keep:
            try:
                client.delete_collection(name)
                dropped.append(name)
            except Exception as error:  # already gone (another client), or the server is away
                logger.warning("could not drop old index collection %s: %s", name, error)
    return dropped


class NoteStore:
    """Chunks with their embeddings in one Chroma collection (cosine space)."""

    def __init__(self, settings: Settings, embeddings, collection: str | None = None, client=None) -> None:
        from langchain_chroma import Chroma

        self.settings = settings
        self.embeddings = embeddings
        self._lock = threading.RLock()
        self.client = client if client is not None else make_client(settings)
        try:
            self.collection_name = collection or active_collection(self.client, settings)
            self.vectorstore = Chroma(
                client=self.client,
                collection_name=self.collection_name,
                embedding_function=embeddings,
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as error:
            raise unusable_index(settings, "the index collection", error) from error

    def count(self) -> int:
        try:
            return self.vectorstore._collection.count()
        except Exception as error:
            raise StoreError(f"the index cannot be read ({error}); {REBUILD_HINT}") from error

    def add(self, chunks: list[Chunk]) -> None:
        """Embed and upsert chunks (the stored document is the heading path plus the passage)."""
        if not chunks:
            return
        with self._lock:
            self.vectorstore.add_texts(
                texts=[c.embedding_text for c in chunks],
                metadatas=[c.metadata() for c in chunks],
                ids=[c.id for c in chunks],
            )

    def delete(self, ids: list[str]) -> None:
        if ids:
            with self._lock:
                for start in range(0, len(ids), 5000):
                    self.vectorstore.delete(ids=ids[start : start + 5000])

    def ids_for_source(self, source: str) -> list[str]:
        return list(self.vectorstore.get(where={"source": source}, include=[])["ids"])

    def existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 5000):
            found.update(self.vectorstore.get(ids=ids[start : start + 5000], include=[])["ids"])
        return found

    def all_chunks(self, page: int = 5000) -> list[Chunk]:
        chunks: list[Chunk] = []
        offset = 0
        try:
            while True:
                got = self.vectorstore.get(include=["documents", "metadatas"], limit=page, offset=offset)
                for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                    chunks.append(Chunk.from_stored(cid, doc or "", meta or {}))
                if len(got["ids"]) < page:
                    break
                offset += page
        except StoreError:
            raise
        except Exception as error:
            raise StoreError(f"the index cannot be read ({error}); {REBUILD_HINT}") from error
        chunks.sort(key=lambda c: (c.source, c.position))
        return chunks

    def search(self, query_vector: list[float], k: int) -> list[ScoredChunk]:
        """Nearest chunks by cosine similarity (fewer when the store holds fewer than k). No count()
        first: against a Chroma server that is one more round trip per question."""
        k = max(1, k)
        # langchain-chroma hands back Chroma's raw cosine distance here; similarity = 1 - distance.
        results = self.vectorstore.similarity_search_by_vector_with_relevance_scores(query_vector, k=k)
        return [
            ScoredChunk(Chunk.from_stored(doc.id, doc.page_content, doc.metadata), 1.0 - float(distance))
            for doc, distance in results
            if doc.id is not None  # always set for Chroma results; optional on a Document in general
        ]

    def reset(self) -> None:
        """Drop every chunk (for `--rebuild`)."""
        with self._lock:
            self.vectorstore.reset_collection()


def forget_open_store(settings: Settings) -> None:
    """Make the next client of the embedded store read it from disk again. Chroma keeps one open system per
    folder in a process and never sees what another process wrote (its ids then point at nothing: "Error finding
    id"); clients already open keep theirs until they are dropped."""
    if not settings.uses_chroma_server:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()


def wipe_embedded_store(settings: Settings) -> None:
    """Remove the embedded index folder entirely: the remedy for a corrupted store."""
    if not settings.uses_chroma_server and settings.chroma_dir.exists():
        from chromadb.api.shared_system_client import SharedSystemClient

        # Chroma keeps one open system per path in this process; forget it before deleting the files.
        SharedSystemClient.clear_system_cache()
        shutil.rmtree(settings.chroma_dir)


# --- manifest ------------------------------------------------------------------------------------


@dataclass
class FileRecord:
    path: str
    sha256: str
    size: int
    mtime_ns: int
    chunk_ids: list[str]


@dataclass
class Manifest:
    """Which files are indexed, by hash, and their chunk ids. Written only after the chunks it records
    are committed to the store, so a crash leaves it behind the store, never ahead of it."""

    embedding_model: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)
    chunking: int = 0  # chunking.CHUNKING_VERSION the files were split with (0: before it was recorded)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                embedding_model=raw.get("embedding_model", ""),
                files={source: FileRecord(**record) for source, record in raw.get("files", {}).items()},
                chunking=int(raw.get("chunking", 0)),
            )
        except (OSError, ValueError, TypeError) as error:
            raise StoreError(f"the ingest manifest {path} is damaged ({error}); {REBUILD_HINT}") from error

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "embedding_model": self.embedding_model,
            "chunking": self.chunking,
            "files": {source: vars(record) for source, record in sorted(self.files.items())},
        }
        # Write-then-rename: a reader never sees half a manifest, even if we are killed mid-write.
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
