"""Retrieval: dense (Chroma) and BM25 (bm25s) rankings fused by reciprocal rank fusion.

Both rankings are always computed (the question is embedded once either way), so every passage
carries its cosine similarity to the question, which the answerer uses to judge evidence strength;
the mode only decides which ranking orders the passages.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .chunking import Chunk
from .config import RETRIEVAL_MODES
from .store import NoteStore
from .text import tokenize

_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z\-]+")
_MID_SENTENCE_CAPITAL = re.compile(r"\b([a-z][a-z'\-]*),? ([A-Z][A-Za-z0-9]+)")
_CAPITAL_WORD = re.compile(r"(?<![A-Za-z])[A-Z][a-z][a-z\-]*")
RRF_K = 60  # the constant from Cormack et al.; dampens the weight of top ranks
CANDIDATES = 20  # per ranking, before fusion
VECTOR_CACHE = 20_000  # chunk vectors kept for passages that BM25 alone found


@dataclass
class Passage:
    """A retrieved chunk with its scores. `score` is the ranking score of the mode used."""

    chunk: Chunk
    score: float
    similarity: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    bm25_score: float = 0.0


@dataclass
class Retrieval:
    passages: list[Passage]
    query_vector: np.ndarray
    mode: str
    # For a follow-up, the vector of the latest turn alone (query_vector covers the conversation).
    turn_vector: np.ndarray | None = None


def _is_title_line(line: str) -> bool:
    """A heading-like line ("Creating a Persistent, Central Data Catalog") capitalises its words
    by style, which says nothing about which of them are names."""
    longer = re.findall(r"[A-Za-z][A-Za-z\-]{3,}", line)
    return len(longer) >= 2 and sum(w[0].isupper() for w in longer) >= 0.6 * len(longer)


class LexicalIndex:
    """BM25 over every chunk's heading path and text; immutable once built."""

    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s

        self.chunks = chunks
        self.by_id = {c.id: i for i, c in enumerate(chunks)}
        self.document_frequency: dict[str, int] = {}
        # Words the notes write in lower case at least as often as capitalised: common words, not
        # names (see reading.py). Counting both keeps a stray "athena" from demoting Athena.
        lower_counts: Counter[str] = Counter()
        capital_counts: Counter[str] = Counter()
        corpus_tokens = []
        self.midsentence_names: set[str] = set()  # capitalised words seen after a lower-case word
        for chunk in chunks:
            self.midsentence_names.update(m[1] for m in _MID_SENTENCE_CAPITAL.findall(chunk.text))
            lower_counts.update(_LOWER_WORD.findall(chunk.text))
            capital_counts.update(
                w.lower()
                for line in chunk.text.split("\n")
                if not _is_title_line(line)
                for w in _CAPITAL_WORD.findall(line)
            )
            tokens = tokenize(chunk.embedding_text)
            corpus_tokens.append(tokens or ["\x00empty"])
            for token in set(tokens):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1
        self.lowercase_words = {w for w, n in lower_counts.items() if n >= capital_counts.get(w, 0)}
        self._idf: dict[str, float] = {}
        self._bm25 = None
        if chunks:
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus_tokens, show_progress=False)

    def __len__(self) -> int:
        return len(self.chunks)

    def idf(self, token: str) -> float:
        value = self._idf.get(token)
        if value is None:
            n = len(self.chunks) or 1
            df = self.document_frequency.get(token, 0)
            value = self._idf[token] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return value

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = [t for t in tokenize(query) if t in self.document_frequency]
        if not tokens or self._bm25 is None:
            return []
        k = min(k, len(self.chunks))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """RRF scores of ids over several rankings (best first)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank + 1)
    return fused


_POOL = None
_POOL_LOCK = threading.Lock()


def _lexical_pool():
    """One small pool for BM25 searches, shared by every retriever in the process."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            from concurrent.futures import ThreadPoolExecutor

            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bm25")
        return _POOL


class HybridRetriever:
    def __init__(self, store: NoteStore, lexical: LexicalIndex) -> None:
        self.store = store
        self.lexical = lexical
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}

    def retrieve(
        self,
        query: str,
        k: int,
        mode: str = "hybrid",
        query_vector: np.ndarray | None = None,
        turn_text: str | None = None,
    ) -> Retrieval:
        """The top k passages for `query`. Without `query_vector` the query is embedded here (with
        `turn_text`, the latest turn of a follow-up, for Retrieval.turn_vector)."""
        if mode not in RETRIEVAL_MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}: choose one of {', '.join(RETRIEVAL_MODES)}")
        depth = max(CANDIDATES, 3 * k)
        # BM25 runs beside the embedding and the dense search, which wait on the model runtime and,
        # against a Chroma server, on the network: the question costs the longer of the two, not the sum.
        bm25_job = _lexical_pool().submit(self.lexical.search, query, depth)
        turn_vector = None
        if query_vector is None:
            texts = [query] + ([turn_text] if turn_text else [])
            vectors = np.asarray(self.store.embeddings.encode_queries(texts), dtype=np.float32)
            query_vector, turn_vector = vectors[0], (vectors[1] if turn_text else None)
        dense_hits = (
            self.store.search(query_vector.tolist(), min(depth, len(self.lexical))) if len(self.lexical) else []
        )
        bm25_hits = bm25_job.result()

        chunks: dict[str, Chunk] = {}
        similarity: dict[str, float] = {}
        dense_rank: dict[str, int] = {}
        for rank, hit in enumerate(dense_hits):
            chunks[hit.chunk.id] = hit.chunk
            similarity[hit.chunk.id] = hit.similarity
            dense_rank[hit.chunk.id] = rank
        bm25_rank: dict[str, int] = {}
        bm25_score: dict[str, float] = {}
        for rank, (index, score) in enumerate(bm25_hits):
            chunk = self.lexical.chunks[index]
            chunks.setdefault(chunk.id, chunk)
            bm25_rank[chunk.id] = rank
            bm25_score[chunk.id] = score

        if mode == "dense":
            order = {cid: similarity[cid] for cid in dense_rank}
        elif mode == "bm25":
            order = dict(bm25_score)
        else:
            order = reciprocal_rank_fusion(
                [sorted(dense_rank, key=dense_rank.__getitem__), sorted(bm25_rank, key=bm25_rank.__getitem__)]
            )
        top = sorted(order, key=lambda cid: (-order[cid], cid))[:k]
        if mode == "hybrid" and k >= 3:
            # Each ranking's best hit always makes the cut: a passage one retriever is sure of
            # (an exact rare phrase for BM25) must not be outvoted by two lukewarm lists.
            slot = len(top) - 1
            for best in (
                min(dense_rank, key=dense_rank.__getitem__, default=None),
                min(bm25_rank, key=bm25_rank.__getitem__, default=None),
            ):
                if best is not None and best not in top:
                    top[slot] = best
                    slot -= 1

        missing = [cid for cid in top if cid not in similarity]
        if missing:
            similarity.update(self._similarities(missing, query_vector))
        passages = [
            Passage(
                chunk=chunks[cid],
                score=round(float(order[cid]), 6),
                similarity=float(similarity.get(cid, 0.0)),
                dense_rank=dense_rank.get(cid),
                bm25_rank=bm25_rank.get(cid),
                bm25_score=bm25_score.get(cid, 0.0),
            )
            for cid in top
        ]
        return Retrieval(passages=passages, query_vector=query_vector, mode=mode, turn_vector=turn_vector)

    def _similarities(self, ids: list[str], query_vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity of passages found only by BM25. Their vectors are fetched once and kept:
        a chunk id's vector never changes, and against a Chroma server every fetch is a round trip."""
        missing = [cid for cid in ids if cid not in self._vectors]
        if missing:
            got = self.store.vectorstore.get(ids=missing, include=["embeddings"])
            with self._lock:
                if len(self._vectors) > VECTOR_CACHE:
                    self._vectors.clear()
                for cid, vector in zip(got["ids"], got["embeddings"], strict=True):
                    self._vectors[cid] = np.asarray(vector, dtype=np.float32)
        return {cid: float(self._vectors[cid] @ query_vector) for cid in ids if cid in self._vectors}
