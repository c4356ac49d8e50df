"""The `Assistant`: one entry object over the pipeline. The CLI and the UI are thin layers over it."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from .answer import NOT_COVERED, Answer
from .answerers import Draft
from .chunking import file_section
from .citations import build_answer
from .config import Settings, check_mode
from .embeddings import EmbeddingModelError, SentenceTransformerEmbeddings
from .gate import CoverageGate, GateDecision
from .ingest import Ingestor, IngestReport, ProgressCallback, missing_notes_folder
from .line_vectors import LineVectors
from .loading import stamped_notes
from .reader import NotesReader
from .reading import Reading
from .retrieval import HybridRetriever, LexicalIndex, Passage, Retrieval
from .spelling import SpellingCorrector
from .store import (
    Manifest,
    NoteStore,
    StoreError,
    drop_collections,
    forget_open_store,
    unwritable_data_folder,
    wipe_embedded_store,
)
from .text import has_words, strip_control, term_of_word
from .understanding import Query, understand
from .vocabulary import looks_like_another_language

if TYPE_CHECKING:  # imported when used: the CLI's `ask` must not pay for them
    from .chunking import Chunk
    from .conversations import ConversationStore
    from .library import Library, NoteStatus, OnConflict, SavedNote

logger = logging.getLogger(__name__)

#: `backend` of an answer the default reader gave because STUDY_LLM_KINDS leaves its kind to it.
BY_KIND = "default (by kind)"


@dataclass
class _Index:
    """Everything derived from the stored chunks, swapped whole after an ingest."""

    lexical: LexicalIndex
    retriever: HybridRetriever
    reading: Reading
    gate: CoverageGate
    reader: NotesReader
    spelling: SpellingCorrector


@dataclass
class SourceInfo:
    source: str
    chunks: int
    sections: dict[str, int]


def clean_question(text: object, limit: int) -> tuple[str, list[str]]:
    """A question made safe to process, and notices about what was changed."""
    notices: list[str] = []
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Lone surrogates cannot be encoded; replace them rather than fail.
    cleaned = text.encode("utf-8", "replace").decode("utf-8")
    if cleaned != text:
        notices.append("Some characters could not be read and were replaced.")
    cleaned = unicodedata.normalize("NFKC", cleaned)
    stripped = strip_control(cleaned, " ")
    if stripped != cleaned:
        notices.append("Control characters were removed from the question.")
    # Spaces collapse, line breaks stay (one at a time): a pasted multiple-choice question has its options on
    # lines of their own, and an option that wraps is told from the next one by them.
    stripped = re.sub(r"[^\S\n]+", " ", stripped)
    stripped = re.sub(r" ?\n\s*", "\n", stripped).strip()
    if len(stripped) > limit:
        # A long paste asks its question first ("Which service? Here is our setup: ...") or last (a case study,
        # then its question and options): its start and its end are read, the middle is left out.
        head_room = limit // 4
        head = stripped[:head_room]
        if not stripped[head_room].isspace() and re.search(r"\s", head):
            head = head[: max(m.start() for m in re.finditer(r"\s", head))]  # a word cut in two is left out
        tail = stripped[-(limit - len(head) - 3) :]
        if re.search(r"\s", tail):
            tail = re.split(r"\s", tail, maxsplit=1)[1]
        notices.append(
            f"The question was {len(stripped):,} characters long; only its start and its end ({limit:,} "
            "characters in all, where a question and its options are) were read."
        )
        stripped = f"{head.strip()}\n…\n{tail.strip()}"
    return stripped, notices


def _file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's identity and modification time; a write-then-rename (the manifest's) changes both."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


class _IngestBusy(Exception):
    """Another process has been ingesting into the same data folder for longer than we wait."""


class _OtherIngests:
    """An ingest runs alone on its data folder across processes (a second `study ingest`, the UI saving a note):
    two at once would each rebuild or delete the other's passages. Entering waits for the other to finish and
    says whether it had to (the index on disk then changed under this process)."""

    WAIT_SECONDS = 900.0  # a full rebuild of a large library takes minutes; longer than this, something is stuck

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(data_dir / "ingest.lock"))

    def __enter__(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
            return False
        except Timeout:
            logger.info("another ingest is running on this data folder; waiting for it")
        try:
            self._lock.acquire(timeout=self.WAIT_SECONDS)
        except Timeout as error:
            raise _IngestBusy(
                f"another ingest of these notes has been running for over {self.WAIT_SECONDS / 60:.0f} minutes; "
                f"try again when it has finished (lock: {self._lock.lock_file})"
            ) from error
        return True

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class Assistant:
    """Ingest notes, ask questions, get cited answers. Thread-safe for concurrent `ask` calls."""

    def __init__(self, settings: Settings | None = None, embeddings: SentenceTransformerEmbeddings | None = None):
        self.settings = settings or Settings()
        self.embeddings = embeddings or SentenceTransformerEmbeddings(
            self.settings.embedding_model, onnx_dir=self.settings.data_dir / "onnx"
        )
        self._store: NoteStore | None = None
        self._index: _Index | None = None
        self._lock = threading.RLock()
        self._ingest_lock = threading.Lock()
        # What the notes folder held when the index last read it, and the manifest that read wrote (see
        # refresh_notes): a note saved in an editor, or an ingest by another process, is seen by the next question.
        self._notes_seen: frozenset[tuple[str, int, int]] | None = None
        self._manifest_seen: tuple[int, int] | None = None
        self._notes_checked_at = float("-inf")
        self._refresh_lock = threading.Lock()
        self._reload_next_ingest = False

    # --- the store and the derived index ------------------------------------------------------

    @property
    def store(self) -> NoteStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = NoteStore(self.settings, self.embeddings)
        return self._store

    def _build_index(self, store: NoteStore | None = None) -> _Index:
        store = store or self.store
        chunks = store.all_chunks()
        lexical = LexicalIndex(chunks)
        vectors = (
            self._index.reading.vectors
            if self._index is not None
            else LineVectors(self.embeddings.encode_queries, self.settings.data_dir / "line_vectors.npz")
        )
        reading = Reading(chunks, vectors, eager_limit=self.settings.statement_precompute_limit)
        reader = NotesReader(reading, lexical, self.settings.reader, self.embeddings.encode_queries)
        return _Index(
            lexical=lexical,
            retriever=HybridRetriever(store, lexical),
            reading=reading,
            gate=CoverageGate(self.settings.reader, lexical, reading),
            reader=reader,
            spelling=SpellingCorrector(
                reading.word_forms, lambda word: lexical.document_frequency.get(term_of_word(word), 0)
            ),
        )

    @property
    def index(self) -> _Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    # What the index is read from: an ingest elsewhere after this is seen by refresh_notes.
                    self._manifest_seen = _file_stamp(self.settings.manifest_path)
                    self._index = self._build_index()
        return self._index

    def is_empty(self) -> bool:
        return self.store.count() == 0

    # --- ingest -----------------------------------------------------------------------------

    def ingest(
        self, paths: list[Path] | None = None, rebuild: bool = False, progress: ProgressCallback | None = None
    ) -> IngestReport:
        missing = missing_notes_folder(self.settings, paths, rebuild)
        if missing:
            return IngestReport(errors=[missing])
        with self._ingest_lock:
            try:
                with _OtherIngests(self.settings.data_dir) as waited:
                    report = self._ingest_alone(paths, rebuild, progress, reload=waited)
            except _IngestBusy as busy:
                return IngestReport(errors=[str(busy)])
            except PermissionError as error:
                return IngestReport(errors=[unwritable_data_folder(self.settings, error)])
            if waited:
                report.warnings.insert(0, "another ingest of these notes was running; this one waited for it")
            return report

    def refresh_notes(self) -> IngestReport | None:
        """Read again what changed in the notes folder since the index read it (a note edited, added or removed
        while the assistant was open or closed), and take in an index another process changed. Looks at most
        every `notes_check_seconds`; None when it did not look or nothing had changed."""
        settings = self.settings
        if not settings.manifest_path.exists() or not settings.corpus_dir.exists():
            return None  # nothing read yet (the first ingest is ensure_ingested's), or the folder is not there
        if time.monotonic() - self._notes_checked_at < settings.notes_check_seconds:
            return None
        if not self._refresh_lock.acquire(blocking=False):
            return None  # another question is already looking
        try:
            self._notes_checked_at = time.monotonic()
            on_disk = frozenset(stamped_notes(settings.corpus_dir))
            manifest = _file_stamp(settings.manifest_path)
            if on_disk == self._notes_seen and manifest == self._manifest_seen:
                return None
            if self._notes_seen is None and manifest == self._manifest_seen and self._manifest_matches(on_disk):
                self._notes_seen, self._manifest_seen = on_disk, manifest  # as the index left them: nothing to do
                return None
            if self._manifest_seen is not None and manifest != self._manifest_seen:
                self._reload_next_ingest = True  # another process read the notes into the store
            logger.info("the notes changed since they were read; reading them again")
            return self.ingest()
        finally:
            self._refresh_lock.release()

    def _fresh_index(self, notices: list[str]) -> _Index:
        """The index, after reading again any notes changed since it read them; what happened goes to `notices`."""
        _ = self.index  # read first, so that what it was read from is known (see the `index` property)
        try:
            report = self.refresh_notes()
        except (StoreError, OSError) as error:
            logger.warning("the changed notes could not be read again: %s", error)
            report = IngestReport(errors=[str(error)])
        if report is not None and report.errors:
            notices.append(
                f"Your notes changed but could not be read again ({report.errors[0]}); "
                "this answer uses them as they were."
            )
        elif report is not None and (report.added or report.changed or report.removed):

            def listed(sources: list[str]) -> str:
                return ", ".join(sorted(sources)[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")

            parts = [f"read again: {listed([*report.added, *report.changed])}"] * bool(report.added or report.changed)
            parts += [f"removed: {listed(report.removed)}"] * bool(report.removed)
            notices.append(f"Your notes changed since they were last read; {'; '.join(parts)}.")
        corpus = self.settings.corpus_dir
        if self.settings.manifest_path.exists() and not corpus.is_dir():
            # Moved, renamed or an unmounted drive: the index still holds what was read, and says so.
            notices.append(
                f"Your notes folder {corpus} is not there; this answer uses the notes as they were last read."
            )
        return self.index

    def _manifest_matches(self, on_disk: frozenset[tuple[str, int, int]]) -> bool:
        try:
            records = Manifest.load(self.settings.manifest_path).files
        except StoreError:
            return False
        corpus = self.settings.corpus_dir.resolve()
        indexed = {(r.path, r.size, r.mtime_ns) for r in records.values() if Path(r.path).is_relative_to(corpus)}
        # The manifest keeps resolved paths; the walk keeps them as found (this comparison runs once, at start).
        return indexed == {(str(Path(path).resolve()), size, mtime) for path, size, mtime in on_disk}

    def _ingest_alone(
        self, paths: list[Path] | None, rebuild: bool, progress: ProgressCallback | None, reload: bool
    ) -> IngestReport:
        """One ingest, no other running on the same data folder (this process's or another's)."""
        reload = reload or self._reload_next_ingest
        self._reload_next_ingest = False
        on_disk = frozenset(stamped_notes(self.settings.corpus_dir)) if self.settings.corpus_dir.exists() else None
        report = self._read_notes(paths, rebuild, progress, reload)
        if not report.errors:
            self._notes_seen, self._manifest_seen = on_disk, _file_stamp(self.settings.manifest_path)
            self._notes_checked_at = time.monotonic()  # an ingest has just looked
        return report

    def _read_notes(
        self, paths: list[Path] | None, rebuild: bool, progress: ProgressCallback | None, reload: bool
    ) -> IngestReport:
        if reload:
            # Another process changed the index (while this one waited, or since it last read it): the store is
            # opened again from disk and the index read again below.
            forget_open_store(self.settings)
            with self._lock:
                self._store = None
        if rebuild and self._store_opens():
            return self._rebuild_beside(progress)
        if rebuild:
            self._drop_derived_files()
            try:
                self.store.count()
            except StoreError as error:
                logger.warning("the index cannot be opened (%s); rebuilding it from an empty folder", error)
                # A corrupted embedded store cannot even be opened: start from an empty folder.
                with self._lock:
                    self._store = None
                    self._index = None
                wipe_embedded_store(self.settings)
        report = Ingestor(self.settings, self.store).run(paths=paths, rebuild=rebuild, progress=progress)
        if report.chunks_embedded and self.embeddings.onnx_path is not None:
            self.embeddings.ensure_onnx()  # torch is loaded now: export the fast query encoder once
        if report.changed_anything or self._index is None or reload:
            fresh = self._build_index()
            self._embed_lines(fresh, progress)
            with self._lock:
                self._index = fresh  # swapped whole: concurrent askers see the old or the new index
            if self.settings.progress_db.exists():
                # Practice questions built on passages that are gone are retired, not deleted.
                self.progress.retire_stale({c.id for c in fresh.lexical.chunks})
        return report

    def _store_opens(self) -> bool:
        try:
            self.store.count()
            return True
        except StoreError:
            return False

    def _rebuild_beside(self, progress: ProgressCallback | None) -> IngestReport:
        """Build a new index in a new collection while questions are answered from the old one,
        then swap (see ingest.build_beside); the old collection is dropped after a grace period."""
        from .ingest import build_beside, switch_to

        built = build_beside(self.settings, self.store, progress)
        if built.report.chunks_embedded and self.embeddings.onnx_path is not None:
            self.embeddings.ensure_onnx()
        fresh = self._build_index(built.store)
        self._embed_lines(fresh, progress)
        with self._lock:
            switch_to(built)
            self._store, self._index = built.store, fresh
        built.release_old(drop_collections)
        if self.settings.progress_db.exists():
            self.progress.retire_stale({c.id for c in fresh.lexical.chunks})
        return built.report

    def _embed_lines(self, index: _Index, progress: ProgressCallback | None = None) -> None:
        """Embed every passage's lines in bulk (the reader compares them with questions)."""
        chunks = index.lexical.chunks
        vectors = index.reading.vectors
        vectors.retain({c.id for c in chunks})
        if len(chunks) > self.settings.statement_precompute_limit:
            return  # a very large library: lines are embedded when their passage is first retrieved
        items = [(c, index.reading.line_texts(c.id)) for c in chunks]
        vectors.precompute(items, encode_bulk=self.embeddings.encode, progress=progress)
        vectors.save()

    def _drop_derived_files(self) -> None:
        for path in (
            self.settings.manifest_path,
            self.settings.data_dir / "line_vectors.npz",
            self.settings.data_dir / "statement_vectors.npz",
        ):
            if path.exists():
                path.unlink()
        with self._lock:
            self._index = None

    def ensure_ingested(self, progress: ProgressCallback | None = None) -> IngestReport | None:
        """On first use with an empty store, index the configured corpus."""
        if self.is_empty():
            return self.ingest(progress=progress)
        return None

    def warm_up(self) -> None:
        """Load the model and the index now rather than on the first question."""
        self.embeddings.encode_queries(["warm up"])
        _ = self.index

    # --- ask --------------------------------------------------------------------------------

    def understand(self, question: str, history: list[dict] | None = None) -> Query:
        return understand(question, history, self.index.reading.names)

    def retrieve(
        self, question: str, mode: str | None = None, top_k: int | None = None, history: list[dict] | None = None
    ) -> Retrieval:
        index = self.index
        return self._retrieve(understand(question, history, index.reading.names), mode, top_k, index)

    def _retrieve(self, query: Query, mode: str | None, top_k: int | None, index: _Index | None = None) -> Retrieval:
        focus = query.focus_text if query.focus_text != query.retrieval_text else None
        return (index or self.index).retriever.retrieve(
            query.retrieval_text, top_k or self.settings.top_k, mode=mode or self.settings.mode, turn_text=focus
        )

    def ask(
        self,
        question: object,
        history: list[dict] | None = None,
        mode: str | None = None,
        top_k: int | None = None,
        backend: str | None = None,
        on_token=None,
    ) -> Answer:
        """A cited answer (or an abstention) for `question`, read in the context of `history`
        (a list of {"role": "user"|"assistant", "content": str}). Never raises for bad text.
        `backend` is "default" or "llm" (default: the LLM when STUDY_LLM is set); `on_token`
        receives the model's tokens as they stream."""
        return self.ask_with_passages(
            question, history=history, mode=mode, top_k=top_k, backend=backend, on_token=on_token
        )[0]

    @property
    def llm_available(self) -> bool:
        return self.settings.llm != "none"

    def llm_answerer(self):
        """The LLM answerer for the configured backend (built once per index)."""
        from .llm import LLMAnswerer, LLMError, make_backend

        index = self.index
        cached = getattr(self, "_llm", None)
        if cached is None or cached[0] is not index:
            backend = make_backend(self.settings)
            if backend is None:
                raise LLMError("STUDY_LLM=none: no LLM backend is configured")
            answerer = LLMAnswerer(
                backend,
                index.reading,
                index.lexical,
                self.settings,
                self.embeddings.encode_queries,
                premises=index.reader.premises,
                model=self.settings.llm_model,
            )
            cached = self._llm = (index, answerer)
        return cached[1]

    def ask_with_passages(
        self,
        question: object,
        history: list[dict] | None = None,
        mode: str | None = None,
        top_k: int | None = None,
        backend: str | None = None,
        on_token=None,
    ) -> tuple[Answer, list[Passage]]:
        """`ask`, plus the passages retrieved for it in rank order (for evaluation and display).
        The stages: understand -> retrieve -> coverage gate -> answerer -> citations."""
        started = time.perf_counter()
        text, notices = clean_question(question, self.settings.max_question_chars)
        check_mode(mode)
        passages: list[Passage] = []
        if not has_words(text):
            answer = Answer(
                text,
                "Please type a question about your notes.",
                abstained=True,
                notices=notices + ["The question has no words in it."],
            )
        elif len((index := self._fresh_index(notices)).lexical) == 0:
            answer = Answer(
                text,
                "Your notes index is empty: add notes and run `study ingest` first.",
                abstained=True,
                notices=notices + ["No notes are indexed."],
            )
        else:
            try:
                answer, passages = self._answer(text, notices, index, history, mode, top_k, backend, on_token)
            except (StoreError, EmbeddingModelError):
                raise  # the index or the model: the caller says what to do about them
            except Exception as error:  # a question must never take the chat down with it
                logger.exception("answering failed")
                answer = Answer(
                    text,
                    "Something went wrong while answering this question; nothing was lost, and other questions "
                    "still work. Please try other words, and report it if it happens again.",
                    abstained=True,
                    notices=notices + [f"Internal error: {type(error).__name__}: {error}"[:300]],
                )
        answer.latency_ms = (time.perf_counter() - started) * 1000
        answer.trace["latency_ms"] = round(answer.latency_ms, 3)
        return answer, passages

    def _answer(
        self, text: str, notices: list[str], index: _Index, history, mode, top_k, backend, on_token
    ) -> tuple[Answer, list[Passage]]:
        """The question path for a question with words, over a non-empty index."""
        # "databse", "athna": a typo is read as the notes' word it is one slip from, and the answer says so.
        asked, corrections = index.spelling.correct(text)
        notices += [f"Read “{c.typed}” as “{c.read_as}”." for c in corrections]
        query = understand(asked, history, index.reading.names)
        if query.options and not any(option.label for option in query.options):
            notices.append("Your options had no letters; they are read as A, B, C ... in the order given.")
        # One index for the whole question: a rebuild that swaps it meanwhile must not mix the two.
        retrieval = self._retrieve(query, mode, top_k, index)
        passages = retrieval.passages
        gate = index.gate.run(query, retrieval)
        if not gate.covered:
            draft = self._abstain(query, retrieval, gate)
        else:
            use_llm = (backend or ("llm" if self.llm_available else "default")) == "llm"
            if use_llm and query.kind in self.settings.llm_answers:
                draft = self._llm_draft(query, retrieval, gate, on_token, index)
            else:
                draft = index.reader.run(query, retrieval, gate)
                if use_llm:  # STUDY_LLM_KINDS leaves this kind to the reader (not a fallback: nothing failed)
                    draft.backend = BY_KIND
                    kinds = self.settings.llm_kinds
                    draft.trace["answerer"] = f"default reader: STUDY_LLM_KINDS ({kinds}) leaves {query.kind} to it"
        draft.trace["gate"] = gate.describe()
        draft.trace["retrieval"] = [
            {
                "section": p.chunk.section,
                "source": p.chunk.source,
                "similarity": round(p.similarity, 4),
                "dense_rank": p.dense_rank,
                "bm25_rank": p.bm25_rank,
            }
            for p in passages
        ]
        answer = build_answer(
            text, draft, chunk=index.reading.chunks.get, score=lambda cid: self._similarity(cid, retrieval, index)
        )
        answer.notices = notices + answer.notices
        return answer, passages

    @staticmethod
    def _similarity(chunk_id: str, retrieval: Retrieval, index: _Index) -> float:
        for passage in retrieval.passages:
            if passage.chunk.id == chunk_id:
                return passage.similarity
        vectors = index.reading.line_vectors(chunk_id)
        if len(vectors) and vectors.shape[1] == len(retrieval.query_vector):
            return float((vectors @ retrieval.query_vector).max())
        return 0.0

    @staticmethod
    def _abstain(query: Query, retrieval: Retrieval, gate: GateDecision | None = None) -> Draft:
        sections: list[str] = []
        for passage in retrieval.passages:
            if passage.chunk.section not in sections:
                sections.append(passage.chunk.section)
        suggestions = sections[:3]
        text = NOT_COVERED
        if gate is not None and gate.unknown_names:
            asked, known = gate.unknown_names[0]
            text += f" They mention {known} but not {asked}." if known else f" They never mention {asked}."
        elif gate is not None and gate.figure_found is False:
            text += " They never give that figure."
        elif looks_like_another_language(query.text):
            text += " Questions are read in English, and this one looks like it is in another language."
        if suggestions:
            text += " The nearest sections of your notes are: " + "; ".join(suggestions) + "."
        return Draft(kind=query.kind, text=text, abstained=True, suggestions=suggestions)

    def _llm_draft(self, query: Query, retrieval: Retrieval, gate: GateDecision, on_token, index: _Index) -> Draft:
        """The LLM answerer's draft, or the default reader's with a notice naming why the model's
        reply could not be used (backend "default (fallback)", the LLM's model name kept)."""
        from .llm import LLMError, LLMFallback

        try:
            answerer = self.llm_answerer()
        except LLMError as error:
            draft = index.reader.run(query, retrieval, gate)
            draft.notices.append(f"LLM backend unavailable ({error}); showing the default answer.")
            draft.backend, draft.model = "default (fallback)", self.settings.llm_model
            draft.trace["fallback"] = f"unavailable: {error}"
            return draft
        try:
            return answerer.run(query, retrieval, gate, on_token)
        except (LLMError, LLMFallback) as error:
            failed = isinstance(error, LLMError)
            draft = index.reader.run(query, retrieval, gate)
            cause = f"failed ({error})" if failed else str(error)
            draft.notices.append(f"The {answerer.name} model {cause}; showing the default answer from your notes.")
            draft.backend, draft.model = "default (fallback)", answerer.model
            draft.trace.update(getattr(error, "trace", {}))  # prompt size and timings of the attempt
            draft.trace["fallback"] = str(error)
            logger.info("LLM answer not used: %s", "error" if failed else "fallback")
            return draft

    # --- practice -----------------------------------------------------------------------------

    @property
    def progress(self):
        from .progress import ProgressStore

        if getattr(self, "_progress", None) is None:
            self._progress = ProgressStore(self.settings.progress_db)
        return self._progress

    def question_generator(self):
        """The practice question generator for the current index (built once per index)."""
        from .practice import QuestionGenerator

        index = self.index
        cached = getattr(self, "_generator", None)
        if cached is None or cached[0] is not index:
            # Built once per index: reading every name's lines and embedding the names is the slow part.
            generator = QuestionGenerator(
                index.reading,
                encode=self.embeddings.encode_queries,
                settings=self.settings.practice,
                idf=index.lexical.idf,
            )
            cached = self._generator = (index, generator)
        return cached[1]

    def generate_questions(self, n: int = 20, seed: int = 7, section: str | None = None):
        """Validated practice questions from the indexed notes, and the generation report."""
        return self.question_generator().generate(n=n, seed=seed, section=section)

    def practice_set(self, n: int = 10, seed: int = 7, section: str | None = None, choose_two: bool = False):
        """Questions to practise now: generated, saved with their sources, stale ones retired. Choose-two items
        (two keys, `Question.answers`) only when the caller can take two picks (`choose_two=True`)."""
        from .practice import KINDS

        kinds = KINDS if choose_two else tuple(k for k in KINDS if k != "choose_two")
        questions, _ = self.question_generator().generate(n=n, seed=seed, section=section, kinds=kinds)
        store = self.progress
        store.add_questions(questions)
        store.retire_stale({c.id for c in self.index.lexical.chunks})
        active = {q.id for q in store.questions()}
        return [q for q in questions if q.id in active]

    def reword_questions(self, questions, report=None):
        """Practice questions worded by the LLM backend, each checked like the generator's own."""
        from .llm import LLMError, make_backend
        from .practice import reword_with_llm, situation_of

        backend = make_backend(self.settings)
        if backend is None:
            raise LLMError("STUDY_LLM=none: no LLM backend is configured")

        def complete(prompt: str) -> str:
            return "".join(backend.stream([("human", prompt)]))

        import numpy as np

        def similarity(a: str, b: str) -> float:
            vectors = np.asarray(self.embeddings.encode_queries([situation_of(a), situation_of(b)]), np.float32)
            return float(vectors[0] @ vectors[1])

        practice = self.settings.practice
        return reword_with_llm(
            questions,
            complete,
            report,
            max_copied_run=practice.reworded_max_copied_run,
            similarity=similarity,
            min_similarity=practice.reworded_min_similarity,
        )

    def self_consistency(self, questions) -> tuple[int, int]:
        """How many questions the answering pipeline answers with the key when asked the way a student would:
        the stem with its options pasted as a multiple-choice question."""
        matched = 0
        for question in questions:
            answer = self.ask(question.pasted(), backend="default")
            picked = answer.choice if isinstance(answer.choice, list) else [answer.choice] if answer.choice else []
            letters = ["ABCD".index(letter) for letter in picked if letter in "ABCD"]
            matched += int(bool(letters) and question.is_correct(letters))
        return matched, len(questions)

    def assistant_for_notes(self, notes_dir: Path, name: str) -> Assistant:
        """An Assistant over another folder of notes (a unit of an eval suite), sharing this one's model,
        indexed (incrementally) in its own embedded store under this data dir."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "notes"
        settings = self.settings.model_copy(
            update={
                "corpus_dir": Path(notes_dir),
                "data_dir": self.settings.data_dir / "eval-units" / slug,
                "chroma_host": None,
                "chroma_port": None,
            }
        )
        other = Assistant(settings, embeddings=self.embeddings)
        report = other.ingest()
        if report.chunks_total == 0:
            raise StoreError(f"{notes_dir}: no notes could be indexed ({'; '.join(report.errors) or 'no files'})")
        return other

    # --- helpers for the UI -------------------------------------------------------------------

    def example_questions(self, limit: int = 4) -> list[str]:
        """Questions a first-time user can click: the notes' own exam scenarios when they have
        some ("Scenario: ..." lines), otherwise one per section heading. Read once per index: the UI
        asks on every page draw, and a large library has many lines."""
        index = self.index
        cached = getattr(self, "_examples", None)
        if cached is None or cached[0] is not index:
            cached = self._examples = (index, self._example_questions(index))
        return cached[1][:limit]

    @staticmethod
    def _example_questions(index: _Index) -> list[str]:
        questions: list[str] = []
        for chunk in index.lexical.chunks:
            for line in chunk.text.split("\n"):
                match = re.match(r"^\s*(?:[-*+]|\d+[.)])?\s*Scenario:\s*(.+)$", line, re.IGNORECASE)
                if match:
                    questions.append(f"{match.group(1).strip().rstrip('.')}. Which service should we use?")
        if not questions:
            seen = []
            for chunk in index.lexical.chunks:
                leaf = re.sub(r"^\d+(?:\.\d+)*\s*", "", chunk.section.split(" > ")[-1])
                # A note with no headings is filed under its file's name ("cdn-edge"): not a topic to ask about.
                if leaf and leaf not in seen and leaf != file_section(chunk.source):
                    seen.append(leaf)
            questions = [
                # "What a CDN does", "How purging works": a heading that is already a clause is asked to be explained.
                f"Explain {leaf[:1].lower() + leaf[1:]}."
                if re.match(r"(?i)(?:what|how|why|when|where|which|who)\b", leaf)
                else f"What do my notes say about {leaf}?"
                for leaf in seen
            ]
        return questions

    def save_note(self, file_name: str, data: bytes, on_conflict: OnConflict = "refuse") -> SavedNote:
        """Check an uploaded note and save it into the notes folder (see library.Library.save):
        a file that cannot be read is refused, a same-name file needs replace or keep_both."""
        return self.library.save(file_name, data, on_conflict=on_conflict)

    # --- library, conversations ----------------------------------------------------------------

    @property
    def library(self) -> Library:
        from .library import Library

        if getattr(self, "_library", None) is None:
            self._library = Library(self.settings)
        return self._library

    @property
    def conversations(self) -> ConversationStore:
        from .conversations import ConversationStore

        if getattr(self, "_conversations", None) is None:
            self._conversations = ConversationStore(self.settings.conversations_db)
        return self._conversations

    def delete_note(self, source: str, progress: ProgressCallback | None = None) -> IngestReport:
        """Remove a note from the notes folder (a backup is kept) and its passages from the index."""
        self.library.delete(source)
        return self.ingest(progress=progress)

    def note_statuses(self) -> list[NoteStatus]:
        """Each note with its state: indexed passages, or skipped and why."""
        counts = {info.source: (info.chunks, len(info.sections)) for info in self.sources()}
        return self.library.statuses(counts)

    def passages_of(self, source: str) -> list[Chunk]:
        """The indexed passages of one note, in reading order (for the note viewer)."""
        return [c for c in self.index.lexical.chunks if c.source == source]

    def source_of_section(self, section: str) -> str | None:
        """The note that holds a section (by its heading path), for "Open: <section>"."""
        return next((c.source for c in self.index.lexical.chunks if c.section == section), None)

    def sources(self) -> list[SourceInfo]:
        infos: dict[str, SourceInfo] = {}
        for chunk in self.index.lexical.chunks:
            info = infos.setdefault(chunk.source, SourceInfo(chunk.source, 0, {}))
            info.chunks += 1
            info.sections[chunk.section] = info.sections.get(chunk.section, 0) + 1
        return sorted(infos.values(), key=lambda i: i.source)


__all__ = ["Assistant", "StoreError", "clean_question"]
