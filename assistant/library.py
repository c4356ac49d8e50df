"""The notes library: uploads checked before they are saved, same-name uploads decided by the caller,
deletes that keep a backup, and each note's status (indexed passages, or skipped and why).

Nothing here loses a file. A file that cannot be read as notes is refused with the reason and never
written; a same-name upload is refused unless the caller chooses to replace (the old file is moved to
the backup folder, outside the notes folder, so ingest never indexes it) or to keep both (the upload
takes a free name); a deleted note is moved to the backup folder too.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from .chunking import chunk_markdown
from .config import Settings
from .loading import SUPPORTED_SUFFIXES, UnreadableFile, discover, load_file
from .store import Manifest

logger = logging.getLogger(__name__)

OnConflict = Literal["refuse", "replace", "keep_both"]


class UploadRefused(ValueError):
    """The upload was not saved; the message says why."""


class NameTaken(UploadRefused):
    """A note with this name exists; the caller must choose replace or keep both."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name}: a note with this name is already in your notes; choose Replace or Keep both")
        self.name = name


@dataclass(frozen=True)
class UploadCheck:
    """What an upload would become: its safe file name and how many passages it yields."""

    name: str
    passages: int
    exists: bool
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedNote:
    path: Path
    replaced: bool = False
    backup: Path | None = None


@dataclass(frozen=True)
class NoteStatus:
    """One file in the notes folder (or indexed from elsewhere) and where it stands."""

    source: str
    path: Path
    size: int
    passages: int
    sections: int
    state: Literal["indexed", "skipped", "not indexed yet"]
    reason: str = ""
    in_notes_folder: bool = True


def safe_name(file_name: str) -> str:
    """The base name an upload is saved under: no folders, only plain characters, a supported type."""
    base = Path(str(file_name).replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ ()-]", "_", base).strip(" .")
    if not base or not Path(base).stem.strip(" ._"):
        raise UploadRefused(f"{file_name!r}: not a usable file name")
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadRefused(f"{base}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
    return base


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class Library:
    """The files in the notes folder, for the Library page and the `Assistant`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Why a file was skipped, by (path, size, mtime): the page asks on every draw, and reading a
        # large unreadable PDF again each time would be slow.
        self._skip_reasons: dict[tuple[str, int, int], str] = {}

    @property
    def folder(self) -> Path:
        return self.settings.corpus_dir.resolve()

    @property
    def upload_limit_bytes(self) -> int:
        """The size above which ingest skips a file: the real upload limit."""
        return int(self.settings.max_file_mb * 1_000_000)

    @property
    def upload_limit_mb(self) -> float:
        return self.settings.max_file_mb

    # --- uploads --------------------------------------------------------------------------------

    def check(self, file_name: str, data: bytes) -> UploadCheck:
        """Read the upload the way ingest will, without saving it. Raises UploadRefused with the reason."""
        name = safe_name(file_name)
        if len(data) > self.upload_limit_bytes:
            raise UploadRefused(f"{name}: {len(data) / 1e6:.1f} MB is over the {self.upload_limit_mb:g} MB limit")
        if not data.strip():
            raise UploadRefused(f"{name}: the file is empty")
        with tempfile.TemporaryDirectory(prefix="study-upload-") as scratch:
            probe = Path(scratch) / name
            probe.write_bytes(data)
            try:
                loaded = load_file(probe, name, self.upload_limit_bytes)
            except UnreadableFile as error:
                # load_file names the scratch path; the user knows the file by its name.
                reason = str(error).replace(str(probe), name)
                raise UploadRefused(reason) from error
        passages = chunk_markdown(loaded.markdown, name)
        if not passages:
            raise UploadRefused(f"{name}: no passages found (the file has no text worth indexing)")
        notices = tuple(n.replace(str(probe), name) for n in loaded.notices)
        return UploadCheck(name=name, passages=len(passages), exists=(self.folder / name).exists(), notices=notices)

    def save(self, file_name: str, data: bytes, on_conflict: OnConflict = "refuse") -> SavedNote:
        """Check, then save into the notes folder. A same-name file is refused (NameTaken) unless
        `on_conflict` is "replace" (the old file moves to the backup folder) or "keep_both"."""
        checked = self.check(file_name, data)
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / checked.name
        backup = None
        if target.exists():
            if on_conflict == "refuse":
                raise NameTaken(checked.name)
            if on_conflict == "keep_both":
                target = self._free_name(target)
            elif on_conflict == "replace":
                backup = self._back_up(target)
            else:
                raise ValueError(f"on_conflict must be refuse, replace or keep_both, not {on_conflict!r}")
        self._write(target, data)
        logger.info("saved note %s (%d bytes, %d passages)", target.name, len(data), checked.passages)
        return SavedNote(path=target, replaced=backup is not None, backup=backup)

    @staticmethod
    def _free_name(target: Path) -> Path:
        number = 2
        while True:
            candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
            if not candidate.exists():
                return candidate
            number += 1

    def _back_up(self, path: Path) -> Path:
        backups = self.settings.backup_dir
        backups.mkdir(parents=True, exist_ok=True)
        # "name.md.bak-<time>": no supported suffix, and outside the notes folder, so never indexed.
        destination = backups / f"{path.name}.bak-{_timestamp()}"
        if _same_device(path, backups):
            os.replace(path, destination)
        else:
            _copy_then_remove(path, destination)
        return destination

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        # Write-then-rename: a half-written note is never seen by ingest, even if we are killed.
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # --- delete ---------------------------------------------------------------------------------

    def resolve(self, source: str) -> Path:
        """The file of a note in the notes folder, by its source name. Raises ValueError otherwise."""
        folder = self.folder
        path = (folder / source).resolve()
        if path.parent != folder and folder not in path.parents:
            raise ValueError(f"{source}: not a note in the notes folder ({folder})")
        if not path.is_file():
            raise ValueError(f"{source}: no such note")
        return path

    def delete(self, source: str) -> Path:
        """Move a note out of the notes folder into the backup folder; returns where it went. The
        caller re-ingests so its passages leave the index."""
        path = self.resolve(source)
        backup = self._back_up(path)
        logger.info("deleted note %s (backup kept)", source)
        return backup

    # --- status ---------------------------------------------------------------------------------

    def statuses(self, chunk_counts: dict[str, tuple[int, int]]) -> list[NoteStatus]:
        """Every note file with its state. `chunk_counts` maps source -> (passages, sections) in the
        index. A file with no passages is read again to say why it was skipped."""
        from .ingest import source_name

        manifest_files: dict[str, str] = {}
        try:
            manifest = Manifest.load(self.settings.manifest_path)
            manifest_files = {source: record.path for source, record in manifest.files.items()}
        except Exception as error:  # a damaged manifest must not hide the notes list
            logger.warning("manifest unreadable while listing notes: %s", error)
        files: dict[str, Path] = {}
        if self.settings.corpus_dir.exists():
            for path in discover([self.settings.corpus_dir]).files:
                files[source_name(path, self.settings.corpus_dir)] = path
        for source, raw_path in manifest_files.items():
            files.setdefault(source, Path(raw_path))
        statuses = []
        for source, path in sorted(files.items()):
            inside = not Path(source).is_absolute()
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            passages, sections = chunk_counts.get(source, (0, 0))
            if passages:
                statuses.append(NoteStatus(source, path, size, passages, sections, "indexed", "", inside))
                continue
            reason = self._why_skipped(path, source)
            state: Literal["skipped", "not indexed yet"] = "skipped" if reason else "not indexed yet"
            statuses.append(NoteStatus(source, path, size, 0, 0, state, reason, inside))
        return statuses

    def _why_skipped(self, path: Path, source: str) -> str:
        try:
            stat = path.stat()
        except OSError as error:
            return f"cannot be read ({error.strerror or error})"
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in self._skip_reasons:
            self._skip_reasons[key] = self._read_for_reason(path, source)
        return self._skip_reasons[key]

    def _read_for_reason(self, path: Path, source: str) -> str:
        try:
            loaded = load_file(path, source, self.upload_limit_bytes)
        except UnreadableFile as error:
            # "looks binary, not text; skipped" is listed under "skipped": the reason alone, without the verdict.
            reason = str(error).replace(str(path), "").lstrip(": ") or str(error)
            return re.sub(r"[;,]\s*skipped$", "", reason)
        if not chunk_markdown(loaded.markdown, source):
            return "no passages found"
        return ""


def _same_device(path: Path, folder: Path) -> bool:
    try:
        return path.stat().st_dev == folder.stat().st_dev
    except OSError:
        return False


def _copy_then_remove(path: Path, destination: Path) -> None:
    import shutil

    shutil.copy2(path, destination)
    path.unlink()
