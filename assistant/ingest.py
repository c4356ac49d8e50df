"""Ingestion: keep the store in step with the note files, embedding only what is new.

A manifest records each file's hash and chunk ids. New or changed files are chunked and only their
chunks not already stored are embedded; chunks of changed or deleted files are removed. The manifest
is saved after each file's chunks are committed, so a killed ingest resumes cleanly on the next run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chunking import CHUNKING_VERSION, chunk_markdown
from .config import Settings
from .loading import UnreadableFile, discover, file_sha256, load_file, stamped_notes
from .store import FileRecord, Manifest, NoteStore, StoreError
from .text import counted

#: progress(description, completed, total)
ProgressCallback = Callable[[str, int, int], None]

EMBED_BATCH = 64  # chunks per store write
PREPARE_BLOCK = 512  # chunks per model call


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        """An ingest that did not run (the notes folder missing or empty, another ingest stuck): nothing read."""
        return bool(self.errors) and not self.changed_anything and not self.unchanged

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.chunks_removed or self.chunks_embedded)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} new",
            f"{len(self.changed)} changed",
            f"{len(self.removed)} removed",
            f"{self.unchanged} unchanged",
        ]
        return (
            f"Indexed files: {', '.join(parts)}; {counted(self.chunks_embedded, 'chunk')} embedded, "
            f"{self.chunks_removed} removed, {self.chunks_total} in the index"
            + (f"; {counted(len(self.warnings), 'warning')}" if self.warnings else "")
            + f" ({self.seconds:.1f}s)."
        )


def _from_outside(source: str) -> bool:
    """Whether a file was indexed from outside the corpus folder: its name is its absolute path."""
    return Path(source).is_absolute()


def source_name(path: Path, corpus_dir: Path) -> str:
    """Stable name of a note file: relative to the corpus folder when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def missing_notes_folder(settings: Settings, paths: list[Path] | None, rebuild: bool = False) -> str | None:
    """Why an ingest cannot run, when the notes folder is gone (or holds no notes at all while the index holds
    some of it) and no files are named. A folder that is not there or empty (unmounted, renamed, a typo in
    STUDY_CORPUS_DIR, an empty mount point) says nothing about the notes: the index is kept rather than emptied.
    A rebuild asked for on an empty folder does empty it."""
    if paths:
        return None
    if not settings.corpus_dir.exists():
        return (
            f"{settings.corpus_dir}: the notes folder does not exist (set STUDY_CORPUS_DIR); "
            "the index was left as it was"
        )
    if rebuild or next(stamped_notes(settings.corpus_dir), None) is not None:
        return None  # the first note found is enough: no walk of the whole folder before the ingest's own
    try:
        indexed = [s for s in Manifest.load(settings.manifest_path).files if not _from_outside(s)]
    except StoreError:
        return None  # a damaged manifest is the ingest's to report and mend
    if not indexed:
        return None
    return (
        f"{settings.corpus_dir}: the notes folder holds no notes, but the index holds {len(indexed)} of its "
        "files; the index was left as it was (to empty it, run `study ingest --rebuild`)"
    )


class Ingestor:
    def __init__(self, settings: Settings, store: NoteStore, manifest_path: Path | None = None) -> None:
        self.settings = settings
        self.store = store
        # A rebuild beside the live index writes its own manifest, moved into place at the swap.
        self.manifest_path = manifest_path or settings.manifest_path

    def run(
        self,
        paths: list[Path] | None = None,
        rebuild: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        progress = progress or (lambda *_: None)
        settings = self.settings
        missing = missing_notes_folder(settings, paths, rebuild)
        if missing:
            report.errors.append(missing)
            return report
        manifest = Manifest() if rebuild else Manifest.load(self.manifest_path)
        model = self.store.embeddings.name
        if manifest.files and manifest.embedding_model != model:
            report.warnings.append(
                f"the embedding model changed ({manifest.embedding_model} -> {model}): rebuilding the index"
            )
            rebuild, manifest = True, Manifest()
        if rebuild:
            self.store.reset()
        manifest.embedding_model = model
        if manifest.files and manifest.chunking != CHUNKING_VERSION:
            # Notes split by an older chunker are read again; chunks whose text is unchanged keep their vectors.
            report.warnings.append("the way notes are split into passages changed: re-reading every file")
            for outdated in manifest.files.values():
                outdated.size, outdated.sha256 = -1, ""
        manifest.chunking = CHUNKING_VERSION

        roots: list[Path] = []
        if settings.corpus_dir.exists():
            roots.append(settings.corpus_dir)
        for path in paths or []:
            if not Path(path).exists():
                report.errors.append(f"{path}: no such file or folder")
            else:
                roots.append(Path(path))
        # Files indexed earlier from outside the corpus folder (named by their absolute path) stay in step too,
        # while they exist. A file named relative to the corpus folder belongs to whichever folder that is now:
        # after the folder moves, the old copy is not kept beside the new one.
        roots.extend(
            Path(r.path) for source, r in manifest.files.items() if _from_outside(source) and Path(r.path).exists()
        )
        found = discover(roots)
        report.warnings.extend(found.warnings)

        on_disk = {source_name(p, settings.corpus_dir): p for p in found.files}
        on_disk_paths = {str(p.resolve()) for p in on_disk.values()}
        for source in sorted(set(manifest.files) - set(on_disk)):
            path_now = manifest.files[source].path
            if _from_outside(source) and Path(path_now).exists() and path_now not in on_disk_paths:
                continue  # still there, just not supported or not reachable now: keep it
            stale = sorted(set(manifest.files[source].chunk_ids) | set(self.store.ids_for_source(source)))
            self.store.delete(stale)
            report.chunks_removed += len(stale)
            report.removed.append(source)
            del manifest.files[source]
            manifest.save(self.manifest_path)

        pending: list[tuple] = []
        max_bytes = int(settings.max_file_mb * 1_000_000)
        progress("Reading notes", 0, len(on_disk))
        for done, (source, path) in enumerate(sorted(on_disk.items()), start=1):
            progress("Reading notes", done, len(on_disk))
            try:
                stat = path.stat()
                record = manifest.files.get(source)
                if record and record.path != str(path.resolve()):
                    record.path = str(path.resolve())  # the same note in a moved folder: follow it there
                    manifest.save(self.manifest_path)
                if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
                    report.unchanged += 1
                    continue
                if record and stat.st_size <= max_bytes and file_sha256(path) == record.sha256:
                    record.mtime_ns = stat.st_mtime_ns
                    report.unchanged += 1
                    continue
                loaded = load_file(path, source, max_bytes)
            except UnreadableFile as error:
                report.warnings.append(str(error))
                continue
            except OSError as error:
                report.warnings.append(f"{path}: cannot be read ({error.strerror or error}), skipped")
                continue
            report.warnings.extend(loaded.notices)
            chunks = chunk_markdown(loaded.markdown, source)
            if not chunks:
                report.warnings.append(f"{path}: no passages found, skipped")
                continue
            pending.append((source, path, loaded, chunks, stat))

        to_embed_total = 0
        plans = []
        for source, path, loaded, chunks, stat in pending:
            stored = self.store.existing_ids([c.id for c in chunks])
            fresh = [c for c in chunks if c.id not in stored]
            to_embed_total += len(fresh)
            plans.append((source, path, loaded, chunks, stat, fresh))

        embedded = 0
        progress("Embedding passages", 0, to_embed_total)
        # Embed in large blocks across files (the model sorts each block by length: less padding),
        # then write file by file so the manifest can follow each file's commit.
        all_fresh = [c.embedding_text for plan in plans for c in plan[5]]
        prepared = 0
        for source, path, loaded, chunks, stat, fresh in plans:
            for start in range(0, len(fresh), EMBED_BATCH):
                batch = fresh[start : start + EMBED_BATCH]
                if prepared < embedded + len(batch):
                    block = all_fresh[prepared : prepared + PREPARE_BLOCK]
                    self.store.embeddings.prepare(block)
                    prepared += len(block)
                self.store.add(batch)
                embedded += len(batch)
                progress("Embedding passages", embedded, to_embed_total)
            keep = {c.id for c in chunks}
            stale = [cid for cid in self.store.ids_for_source(source) if cid not in keep]
            self.store.delete(stale)
            report.chunks_removed += len(stale)
            (report.changed if source in manifest.files else report.added).append(source)
            manifest.files[source] = FileRecord(
                path=str(path.resolve()),
                sha256=loaded.sha256,
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                chunk_ids=[c.id for c in chunks],
            )
            # Saved per file, after its chunks are committed: the manifest never runs ahead of the store.
            manifest.save(self.manifest_path)
        self.store.embeddings.discard_prepared()
        report.chunks_embedded = embedded
        if not self.manifest_path.exists() or report.unchanged:
            manifest.save(self.manifest_path)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report


# --- rebuild beside the live index ---------------------------------------------------------------

#: Questions that started on the old index may still be reading it just after the swap.
OLD_INDEX_GRACE_SECONDS = 3.0


@dataclass
class BuiltBeside:
    """A complete index built in a new collection, not yet serving questions."""

    store: NoteStore
    report: IngestReport
    manifest_path: Path
    settings: Settings

    def release_old(self, drop, grace_seconds: float = OLD_INDEX_GRACE_SECONDS) -> list[str]:
        """Drop the collections the swap left behind. Embedded store: after a grace period, so a
        question that started on the old index finishes. Chroma server: left for the next rebuild,
        since other learners' processes may still read the old collection until they reopen."""
        if self.settings.uses_chroma_server:
            return []
        time.sleep(grace_seconds)
        return drop(self.store.client, self.settings, keep=self.store.collection_name)


def build_beside(settings: Settings, live: NoteStore, progress: ProgressCallback | None = None) -> BuiltBeside:
    """Index every note into a new collection while `live` keeps answering; nothing live changes."""
    from .store import drop_collections, rebuild_collection_name

    # A rebuild that was killed midway leaves a half-built collection behind: drop it first.
    drop_collections(live.client, settings, keep=live.collection_name)
    store = NoteStore(settings, live.embeddings, collection=rebuild_collection_name(settings), client=live.client)
    manifest_path = settings.data_dir / "manifest.rebuild.json"
    manifest_path.unlink(missing_ok=True)
    report = Ingestor(settings, store, manifest_path=manifest_path).run(rebuild=True, progress=progress)
    if not manifest_path.exists():
        Manifest(embedding_model=store.embeddings.name).save(manifest_path)
    return BuiltBeside(store=store, report=report, manifest_path=manifest_path, settings=settings)


def switch_to(built: BuiltBeside) -> None:
    """Point readers at the new collection: its manifest replaces the live one, then the pointer moves."""
    from .store import set_active_collection

    os.replace(built.manifest_path, built.settings.manifest_path)
    set_active_collection(built.store.client, built.settings, built.store.collection_name)
