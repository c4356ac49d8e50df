"""Embeddings of every line of the notes, kept beside the index.

The reader compares a question with each line a name's profile holds, so every line is embedded once:
in bulk after an ingest (saved as float16 in the data dir, loaded at start-up), and on first need for a
passage not yet covered (a new server-side chunk, a change in how lines are read).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

from .chunking import Chunk

logger = logging.getLogger(__name__)


class LineVectors:
    """Embeddings of each passage's lines, keyed by chunk id and the lines' text.

    Computed in bulk after an ingest and saved beside the index (float16), loaded at start-up, and
    computed on first need for any chunk not yet covered (a new server-side chunk, a rules change)."""

    def __init__(self, encode, path: Path | None = None) -> None:
        self._encode = encode
        self.path = path
        self._vectors: dict[str, tuple[str, np.ndarray]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None:
            self._load(path)

    def encode_texts(self, texts: list[str]):
        """Embed texts now (not kept here): the question-time encoder."""
        return self._encode(texts)

    @staticmethod
    def _digest(texts: list[str]) -> str:
        return hashlib.sha1("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]

    def _load(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                ids, digests, counts, matrix = data["ids"], data["digests"], data["counts"], data["matrix"]
        except (OSError, KeyError, ValueError):
            return  # missing or unreadable: recomputed on need
        offset = 0
        for chunk_id, digest, count in zip(ids.tolist(), digests.tolist(), counts.tolist(), strict=True):
            self._vectors[chunk_id] = (digest, matrix[offset : offset + count])
            offset += count

    def __contains__(self, chunk_id: str) -> bool:
        return chunk_id in self._vectors

    def get(self, chunk: Chunk, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), np.float32)
        digest = self._digest(texts)
        cached = self._vectors.get(chunk.id)
        if cached is None or cached[0] != digest:
            stored = np.asarray(self._encode(texts), dtype=np.float32).astype(np.float16)
            with self._lock:
                self._vectors[chunk.id] = (digest, stored)
                self._dirty = True
            # The same precision as on every later read: an answer must not change once its vectors are kept.
            return stored.astype(np.float32)
        return cached[1].astype(np.float32)

    def missing(self, items: list[tuple[Chunk, list[str]]]) -> list[tuple[Chunk, list[str]]]:
        return [
            (chunk, texts)
            for chunk, texts in items
            if texts and (chunk.id not in self._vectors or self._vectors[chunk.id][0] != self._digest(texts))
        ]

    def precompute(
        self, items: list[tuple[Chunk, list[str]]], encode_bulk=None, progress=None, batch: int = 512
    ) -> int:
        """Embed the lines of every chunk not yet covered, in large batches; returns how many chunks."""
        todo = self.missing(items)
        encode_bulk = encode_bulk or self._encode
        progress = progress or (lambda *_: None)
        progress("Embedding statements", 0, len(todo))
        done = 0
        for start in range(0, len(todo), batch):
            group = todo[start : start + batch]
            flat = [text for _, texts in group for text in texts]
            encoded = np.asarray(encode_bulk(flat), dtype=np.float16)
            offset = 0
            with self._lock:
                for chunk, texts in group:
                    self._vectors[chunk.id] = (self._digest(texts), encoded[offset : offset + len(texts)])
                    offset += len(texts)
                self._dirty = True
            done += len(group)
            progress("Embedding statements", done, len(todo))
        return len(todo)

    def retain(self, chunk_ids: set[str]) -> None:
        with self._lock:
            for chunk_id in [c for c in self._vectors if c not in chunk_ids]:
                del self._vectors[chunk_id]
                self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        with self._lock:
            items = list(self._vectors.items())
            self._dirty = False
        dim = next((v.shape[1] for _, (_, v) in items if v.ndim == 2 and len(v)), 1)
        matrix = np.concatenate([v for _, (_, v) in items]) if items else np.zeros((0, dim), np.float16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(
            tmp,
            ids=np.array([k for k, _ in items], dtype=str),
            digests=np.array([d for _, (d, _) in items], dtype=str),
            counts=np.array([len(v) for _, (_, v) in items], dtype=np.int64),
            matrix=matrix.astype(np.float16),
        )
        os.replace(tmp, self.path)
