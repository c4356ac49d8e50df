"""Chunking: heading-aware splitting of Markdown notes into one-idea chunks.

A chunk is a bullet group (an item with its sub-items), a table, a code block or a paragraph run,
a few hundred characters long, tagged with its source, its heading path and its position. The
heading path is embedded with the text, so "Exam Tip" under "Amazon EMR" is found for EMR questions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .text import sentences

#: Bumped whenever the same notes would be split differently: an index built by an older chunker is re-read.
#: 4: an HTML glossary (<dl>) is read as "term: definition" items.
CHUNKING_VERSION = 4

TARGET_CHARS = 450  # pack small ideas together up to about this size
MAX_CHARS = 900  # split one idea only when it is larger than this
MIN_TAIL_CHARS = 160  # a smaller last piece joins the previous chunk of its section
MIN_CHUNK_CHARS = 12  # a lone word such as "lab" carries no idea worth retrieving
SECTION_SEPARATOR = " > "

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_QUESTION = re.compile(r"^\s*(?:Q|Question)\s*[:.]\s+", re.IGNORECASE)  # a flash card's question ("Q: ...")
_ANSWER = re.compile(r"^\s*(?:A|Answer)\s*[:.]\s+", re.IGNORECASE)  # and its answer ("A: ...")


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    section: str
    text: str
    position: int

    @property
    def embedding_text(self) -> str:
        """What is embedded and stored as the document: the heading path, then the passage."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    @classmethod
    def from_stored(cls, chunk_id: str, document: str, metadata: dict) -> Chunk:
        section = str(metadata.get("section", ""))
        prefix = f"{section}\n"
        text = document[len(prefix) :] if section and document.startswith(prefix) else document
        return cls(chunk_id, str(metadata.get("source", "")), section, text, int(metadata.get("position", 0)))

    def metadata(self) -> dict:
        return {"source": self.source, "section": self.section, "position": self.position}


def chunk_id(source: str, section: str, text: str) -> str:
    return hashlib.sha256(f"{source}\x1f{section}\x1f{text}".encode()).hexdigest()[:32]


@dataclass
class _Unit:
    """One idea: a top-level list item with its children, a table, a code block or a paragraph."""

    kind: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


def _section_path(headings: list[tuple[int, str]], fallback: str) -> str:
    # A document's level-1 headings are its title or parts; the path starts below them when it can.
    deeper = [text for level, text in headings if level > 1]
    names = deeper or [text for _, text in headings]
    return SECTION_SEPARATOR.join(names) if names else fallback


def _split_units(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Unit | None = None
    item_indent: int | None = None
    in_fence = False
    pending_blank = False
    for line in lines:
        if in_fence:
            assert current is not None  # a fence is only open inside a unit
            current.lines.append(line)
            if _FENCE.match(line):
                in_fence = False
            continue
        if not line.strip():
            pending_blank = True
            continue
        indent = len(line) - len(line.lstrip())
        item = _ITEM.match(line)
        fence = _FENCE.match(line)
        table = line.lstrip().startswith("|")
        continues_item = (
            current is not None and current.kind == "list" and item_indent is not None and indent > item_indent
        )
        if continues_item:
            assert current is not None  # continues_item checked it
            if pending_blank and fence:
                current.lines.append("")
            current.lines.append(line)
            in_fence = bool(fence)
        elif item:
            current = _Unit("list", [line])
            units.append(current)
            item_indent = indent
        elif fence:
            current = _Unit("code", [line])
            units.append(current)
            in_fence = True
            item_indent = None
        elif table:
            if current is None or current.kind != "table" or pending_blank:
                current = _Unit("table", [])
                units.append(current)
            current.lines.append(line)
            item_indent = None
        else:
            if pending_blank and current is not None and _answers_lone_question(current, line):
                current.lines.append("")  # a card's answer set apart by a page break: one idea with its question
            elif current is None or current.kind != "paragraph" or pending_blank:
                current = _Unit("paragraph", [])
                units.append(current)
            current.lines.append(line)
            item_indent = None
        pending_blank = False
    return units


def _answers_lone_question(unit: _Unit, line: str) -> bool:
    """ "Q: What does a startup probe do?", a blank line, then "A: It protects ...": the answer belongs to the
    question before it (a PDF's page break or a loose layout put the blank line there)."""
    return (
        unit.kind == "paragraph"
        and bool(_ANSWER.match(line))
        and bool(_QUESTION.match(unit.lines[0]))
        and not any(_ANSWER.match(previous) for previous in unit.lines)
    )


def _split_large(unit: _Unit) -> list[str]:
    """Split one oversized idea at child-item boundaries, repeating its first line as context; a table
    at row boundaries, repeating its header, so every piece still says what its columns are."""
    text = unit.text
    if unit.kind == "table" and len(text) > MAX_CHARS and len(unit.lines) > 3:
        header, rows = unit.lines[:2], unit.lines[2:]
        pieces, current = [], list(header)
        for row in rows:
            if len(current) > 2 and len("\n".join(current + [row])) > TARGET_CHARS:
                pieces.append("\n".join(current))
                current = list(header)
            current.append(row)
        pieces.append("\n".join(current))
        return pieces
    if len(text) <= MAX_CHARS or len(unit.lines) < 2:
        return [text] if len(text) <= MAX_CHARS else _split_long_text(text)
    head, rest = unit.lines[0], unit.lines[1:]
    pieces, current = [], [head]
    for line in rest:
        if len("\n".join(current + [line])) > TARGET_CHARS and len(current) > 1 and _ITEM.match(line):
            pieces.append("\n".join(current))
            current = [head]
        current.append(line)
    pieces.append("\n".join(current))
    return [p for piece in pieces for p in ([piece] if len(piece) <= MAX_CHARS else _split_long_text(piece))]


_CARD_BREAK = re.compile(r"\s+(?=(?:Q|Question)\s*[:.]\s)")


def _split_long_text(text: str) -> list[str]:
    # Q&A cards are kept whole (a question apart from its answer means nothing); prose by sentence.
    parts = _CARD_BREAK.split(text) if _CARD_BREAK.search(text) else sentences(text)
    pieces, current = [], ""
    for sentence in parts:
        while len(sentence) > MAX_CHARS:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:MAX_CHARS])
            sentence = sentence[MAX_CHARS:]
        if current and len(current) + 1 + len(sentence) > TARGET_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _pack(units: list[_Unit]) -> list[str]:
    # Ideas packed into one chunk stay apart by a blank line, as in the notes: a paragraph after a list is not
    # the last item's wrapped line, two paragraphs are not one.
    pieces = [piece for unit in units for piece in _split_large(unit)]
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 2 + len(piece) <= TARGET_CHARS:
            packed[-1] = f"{packed[-1]}\n\n{piece}"
        else:
            packed.append(piece)
    if len(packed) >= 2 and len(packed[-1]) < MIN_TAIL_CHARS and len(packed[-2]) + len(packed[-1]) <= MAX_CHARS:
        tail = packed.pop()
        packed[-1] = f"{packed[-1]}\n\n{tail}"
    return packed


def file_section(source: str) -> str:
    """The section a note's text before any heading is filed under: its file's name ("cdn-edge" for cdn-edge.txt).
    It names the file, not a thing the notes are about."""
    return re.sub(r"\.[^.]+$", "", source.rsplit("/", 1)[-1])


def chunk_markdown(markdown: str, source: str) -> list[Chunk]:
    """Split Markdown into chunks with heading paths; ids are deterministic and unique per source."""
    fallback = file_section(source)
    headings: list[tuple[int, str]] = []
    body: list[str] = []
    chunks: list[Chunk] = []
    seen: set[str] = set()

    def flush() -> None:
        section = _section_path(headings, fallback)
        for text in _pack(_split_units(body)):
            if len(text.strip()) < MIN_CHUNK_CHARS:
                continue
            cid = chunk_id(source, section, text)
            if cid not in seen:
                seen.add(cid)
                chunks.append(Chunk(cid, source, section, text, len(chunks)))
        body.clear()

    in_fence = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            name = heading.group(2).strip().rstrip(":").strip()
            headings[:] = [h for h in headings if h[0] < level] + [(level, name)]
        else:
            body.append(line.rstrip())
    flush()
    if not chunks:
        # Headings and nothing under them (a one-line note): the headings are the content.
        text = "\n".join(h.strip("# ").strip() for h in markdown.split("\n") if h.strip())
        if len(text) >= MIN_CHUNK_CHARS:
            chunks.append(Chunk(chunk_id(source, fallback, text), source, fallback, text, 0))
    return chunks
