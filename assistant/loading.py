"""Loading: find note files and turn `.md`, `.txt`, `.html` and `.pdf` into Markdown text.

Every loader returns Markdown so that one heading-aware chunker serves every format. Files that
cannot be read are reported as warnings naming the file; they never stop the rest from loading.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .text import strip_control

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")


@dataclass(frozen=True)
class LoadedFile:
    """One note file as Markdown, with the hash of its bytes (for incremental ingest)."""

    path: Path
    source: str
    markdown: str
    sha256: str
    notices: tuple[str, ...] = ()


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_note_name(name: str) -> bool:
    """A file name ingest reads: not hidden, of a supported type."""
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


def stamped_notes(folder: Path) -> Iterator[tuple[str, int, int]]:
    """Each note under a folder, walked as `discover` walks it (hidden and linked folders not entered), with its
    size and modification time: what changes when a note is saved. Lazy and light (os.scandir entries carry their
    file type; one stat per note), as it runs before questions: ~0.1 ms for a few notes, ~5 ms for 300."""
    folders = [str(folder)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        folders.append(entry.path)
                elif is_note_name(entry.name):
                    stat = entry.stat()  # follows a link to its note, as discover does
                    yield entry.path, stat.st_size, stat.st_mtime_ns
            except OSError:
                continue  # a broken link, or a file gone meanwhile


def discover(paths: list[Path]) -> Discovery:
    """All supported files under `paths` (files or folders), sorted, each once; warnings for the rest."""
    found: dict[str, Path] = {}
    result = Discovery()
    for root in paths:
        root = Path(root).expanduser()
        if not root.exists():
            result.warnings.append(f"{root}: no such file or folder")
            continue
        if root.is_file():
            if root.suffix.lower() in SUPPORTED_SUFFIXES:
                found.setdefault(str(root.resolve()), root)
            else:
                result.warnings.append(f"{root}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
            continue
        # followlinks=False: a symlink loop in a notes folder must not hang or crash ingest.
        for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not is_note_name(name):
                    continue
                candidate = Path(folder) / name
                try:
                    resolved = candidate.resolve(strict=True)
                except (OSError, RuntimeError):
                    result.warnings.append(f"{candidate}: broken or looping link, skipped")
                    continue
                if resolved.is_file():
                    found.setdefault(str(resolved), candidate)
    result.files = sorted(found.values(), key=lambda p: str(p))
    return result


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class UnreadableFile(Exception):
    """A file that cannot be turned into notes; the message says why and names the file."""


def load_file(path: Path, source: str, max_bytes: int) -> LoadedFile:
    """Read one file as Markdown. Raises UnreadableFile with a message naming the file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFile(f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit, skipped")
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"{path}: cannot be read ({error.strerror or error})") from error
    sha = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    notices: list[str] = []
    if suffix == ".pdf":
        markdown = _pdf_to_markdown(path, raw)
    else:
        wide = _wide_encoding(raw)
        if wide is None and b"\x00" in raw[:8192]:
            raise UnreadableFile(f"{path}: looks binary, not text; skipped")
        text, encoding = _decode(raw, wide)
        if encoding != "utf-8":
            notices.append(f"{path}: not UTF-8, read as {encoding}")
        if suffix in (".html", ".htm"):
            markdown = html_to_markdown(text)
        elif suffix == ".txt":
            markdown = text_to_markdown(text)
        else:
            markdown = text
    markdown = _clean(markdown)
    if not markdown.strip():
        raise UnreadableFile(f"{path}: no text found, skipped")
    return LoadedFile(path=path, source=source, markdown=markdown, sha256=sha, notices=tuple(notices))


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 text (Windows editors save "Unicode" notes as UTF-16): by its byte-order mark, or, without
    one, by the zero byte beside every character of mostly-ASCII text. None for anything else."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) >= 8 and len(sample) % 2 == 0:
        for zeros, chars, encoding in (
            (sample[1::2], sample[0::2], "utf-16-le"),
            (sample[0::2], sample[1::2], "utf-16-be"),
        ):
            printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in chars)
            if zeros.count(0) >= 0.9 * len(zeros) and printable >= 0.9 * len(chars):
                return encoding  # text whose every other byte is zero and whose others are plain ASCII
    return None


def _decode(raw: bytes, wide: str | None = None) -> tuple[str, str]:
    if wide is not None:
        try:
            return raw.decode(wide).lstrip("\ufeff"), "UTF-" + wide.split("-")[1]
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return strip_control(text)


def _pdf_to_markdown(path: Path, raw: bytes) -> str:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as error:
        raise UnreadableFile(f"{path}: not a readable PDF ({type(error).__name__}), skipped") from error
    return text_to_markdown("\n\n".join(reflow_pdf_text(page) for page in pages))


def reflow_pdf_text(text: str) -> str:
    """Join the lines a PDF wrapped: a line that does not end a sentence continues on the next when
    that one starts in lower case, or when it fills most of the page's width (the wrap point)."""
    lines = text.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        previous = out[-1].rstrip() if out else ""
        wrapped = (
            previous
            and stripped
            and not previous.endswith((".", "?", "!", ":"))
            and (stripped[0].islower() or previous.endswith((",", ";", "-", "(")) or len(previous) >= 0.75 * width)
            and not _BULLET.match(line)
            and not _NUMBERED.match(line)
            and not _CARD_START.match(stripped)
        )
        if wrapped:
            out[-1] = previous + " " + stripped
        else:
            out.append(line.rstrip())
    return "\n".join(out)


# --- plain text -> Markdown -------------------------------------------------------------------

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[•●◦▪▫‣∙·*+\-–—])\s+(?P<text>.*)$")
_NUMBERED = re.compile(r"^(?P<indent>[ \t]*)(?P<num>\d{1,3})[.)]\s+(?P<text>.*)$")
_SECTION_NUMBER = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\.?\s+[A-Z]")
_CARD_START = re.compile(r"^(?:Q|A|Question|Answer)\s*[:.]\s", re.IGNORECASE)
_CODE_START = re.compile(r"^\s*(CREATE|SELECT|INSERT|ALTER|DROP|WITH|UPDATE|DELETE)\b.*[(;]?\s*$")


def _heading_level(line: str, is_first: bool) -> int | None:
    """Level of a column-0 heading line in plain-text notes, or None for a paragraph."""
    if _CARD_START.match(line):
        return None  # "A: systemctl enable --now nginx" is a card's answer, however short
    numbered = _SECTION_NUMBER.match(line)
    if numbered and len(line.split()) <= 12 and not line.rstrip().endswith((".", ",", ";", "?", "!")):
        parts = numbered.group("num").split(".")
        if len(parts) == 1 or all(p == "0" for p in parts[1:]):
            return 1
        return min(len(parts), 4)
    words = line.split()
    if len(words) > 8 or line.rstrip().endswith((".", ",", ";", "?", "!")) or not line[:1].isupper():
        return None
    return 1 if is_first else 3


def text_to_markdown(text: str) -> str:
    """Plain-text notes to Markdown: numbered and short title-like lines at column 0 become headings,
    bullet characters become `-` items keeping their nesting, numbered items stay numbered."""
    lines = _clean(text).split("\n")
    out: list[str] = []
    indent_stack: list[int] = []  # source indents of the open list levels
    in_code = False
    seen_heading = False
    for raw_line in lines:
        line = raw_line.expandtabs(4).rstrip()
        if not line.strip():
            out.append("")
            continue
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if in_code:
            if indent == 0 or _BULLET.match(line) or _NUMBERED.match(line):
                out.append("   " * len(indent_stack[:1]) + "```")
                in_code = False
            else:
                out.append(
                    "   " * len(indent_stack[:1]) + line[min(indent, indent_stack[-1] + 2 if indent_stack else 0) :]
                )
                continue
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line) if indent > 0 else None
        if indent == 0 and not bullet:
            indent_stack.clear()
            level = _heading_level(stripped, not seen_heading and not any(o.strip() for o in out))
            if level is not None:
                seen_heading = True
                out.extend(["", "#" * level + " " + stripped, ""])
            elif stripped.endswith((".", "!", "?")) and not re.match(
                r"^(?:Q|Question)\s*[:.]\s", stripped, re.IGNORECASE
            ):
                out.extend([stripped, ""])  # one statement per line in plain-text notes; a card's Q joins its A
            else:
                out.append(stripped)
            continue
        if bullet or numbered:
            while indent_stack and indent_stack[-1] >= indent:
                indent_stack.pop()
            depth = len(indent_stack)
            indent_stack.append(indent)
            pad = "   " * depth
            if numbered:
                out.append(f"{pad}{numbered.group('num')}. {numbered.group('text').strip()}")
            elif bullet:
                out.append(f"{pad}- {bullet.group('text').strip()}")
            continue
        if _CODE_START.match(stripped) and indent_stack:
            out.extend(["", "   " * len(indent_stack[:1]) + "```", "   " * len(indent_stack[:1]) + stripped])
            in_code = True
            continue
        # A continuation line of the current item or paragraph.
        pad = "   " * len(indent_stack)
        out.append(pad + stripped)
    if in_code:
        out.append("```")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


# --- HTML -> Markdown ------------------------------------------------------------------------


class _HtmlToMarkdown(HTMLParser):
    """A small, forgiving HTML-to-Markdown converter: headings, lists, paragraphs, pre, tables.
    Script and style contents are dropped; all other text is kept as text (never as markup)."""

    BLOCKS = {"p", "div", "section", "article", "br", "header", "footer", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.list_stack: list[list] = []  # [kind, counter]
        self.skip_depth = 0
        self.in_pre = False
        self.table: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        # A definition list (a glossary) becomes "- term: definition" items: the term is what the line is about.
        self.term: list[str] | None = None
        self.last_term = ""
        self.term_defined = True

    def _term_alone(self) -> None:
        """A term with no definition after it is kept as an item of its own, not dropped."""
        if self.last_term and not self.term_defined:
            self.out.append(f"- {self.last_term}")
        self.term_defined = True

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        self.current = []
        if text:
            self.out.append(self.prefix + text)
        self.prefix = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip_depth += 1
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.out.append("")
            self.prefix = "#" * int(tag[1]) + " "
        elif tag in ("ul", "ol"):
            self._flush()
            self.list_stack.append([tag, 0])
        elif tag == "li":
            self._flush()
            depth = max(len(self.list_stack) - 1, 0)
            kind: list = self.list_stack[-1] if self.list_stack else ["ul", 0]
            kind[1] += 1
            marker = f"{kind[1]}." if kind[0] == "ol" else "-"
            self.prefix = "   " * depth + marker + " "
        elif tag == "pre":
            self._flush()
            self.out.extend(["", "```"])
            self.in_pre = True
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "dt":
            self._flush()
            self._term_alone()
            self.term = []
        elif tag == "dd":
            self._flush()
            self.prefix = f"- {self.last_term}: " if self.last_term else ""
            self.term_defined = True
        elif tag == "dl":
            self._flush()
            self.out.append("")
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.out.append("")
        elif tag in ("ul", "ol"):
            self._flush()
            if self.list_stack:
                self.list_stack.pop()
            if not self.list_stack:
                self.out.append("")
        elif tag == "li":
            self._flush()
        elif tag == "pre":
            self.out.extend("".join(self.current).strip("\n").split("\n"))
            self.current = []
            self.out.extend(["```", ""])
            self.in_pre = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip().replace("|", "\\|"))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.table is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            rows = [r for r in self.table if r]
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                self.out.append("")
                self.out.append("| " + " | ".join(rows[0]) + " |")
                self.out.append("|" + " --- |" * width)
                self.out.extend("| " + " | ".join(r) + " |" for r in rows[1:])
                self.out.append("")
            self.table = None
        elif tag == "dt" and self.term is not None:
            self.last_term = re.sub(r"\s+", " ", "".join(self.term)).strip().rstrip(":")
            self.term, self.term_defined = None, False
        elif tag == "dd":
            self._flush()
        elif tag == "dl":
            self._flush()
            self._term_alone()
            self.last_term = ""
            self.out.append("")
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.term is not None:
            self.term.append(data)
        elif self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def markdown(self) -> str:
        self._flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.out)).strip() + "\n"


def html_to_markdown(html: str) -> str:
    parser = _HtmlToMarkdown()
    parser.feed(html)
    parser.close()
    return parser.markdown()
