"""Display helpers shared by the UI and the CLI: safe Markdown and highlighted passages.

Notes are data, never markup: every passage is escaped before it is shown, so HTML or script
inside a note is displayed as text and never runs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$])")


def escape_markdown(text: str) -> str:
    """Text that Markdown renders literally: HTML entities escaped, Markdown syntax backslashed."""
    escaped = html.escape(text, quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


# An inline code span as notes and answers write one: `git bisect`, on one line.
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def html_keeping_code(text: str) -> str:
    """Text as HTML (an Anki card): escaped, with inline code (`s-maxage`) as <code>, not with its backticks."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(text))


def escape_markdown_keeping_code(text: str) -> str:
    """`escape_markdown`, except that inline code (`git bisect`) is shown as code, not with its backticks. A code
    span renders its content literally, so it stays as safe as escaped text."""
    pieces, end = [], 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(escape_markdown(text[end : match.start()]))
        pieces.append(f"`{match.group(1)}`")
        end = match.end()
    pieces.append(escape_markdown(text[end:]))
    return "".join(pieces)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def highlight_passage(passage: str, highlights: list[str]) -> str:
    """The passage as safe Markdown, one line per line, with the lines that support the answer
    marked (Streamlit's background-colour directive)."""
    wanted = [_normalise(h) for h in highlights if h.strip()]
    lines = []
    for line in passage.split("\n"):
        plain = re.sub(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+", "", line)
        indent = len(line) - len(line.lstrip())
        safe = escape_markdown(plain.strip())
        prefix = "\u00a0" * indent + ("• " if plain != line.strip() else "")
        normal = _normalise(plain)
        if not plain.strip():
            lines.append(prefix + safe)
        elif any(w and normal in w for w in wanted):
            lines.append(prefix + f":orange-background[{safe}]")
        else:
            # A paragraph of prose is one line of the note: only the sentences the answer relied on are marked.
            spans = sorted(span for w in wanted if w and w in normal for span in [_span_of(plain, w)] if span)
            pieces, at = [], 0
            for start, end in spans:
                if start < at:
                    continue
                pieces.append(escape_markdown(plain[at:start]))
                pieces.append(f":orange-background[{escape_markdown(plain[start:end].strip())}]")
                at = end
            pieces.append(escape_markdown(plain[at:]))
            lines.append(prefix + ("".join(pieces).strip() if spans else safe))
    return "  \n".join(lines)


def _span_of(text: str, wanted: str) -> tuple[int, int] | None:
    """Where a (normalised) supporting sentence sits in a line as written, whatever its spacing and case."""
    pattern = r"\s+".join(re.escape(word) for word in wanted.split())
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def answer_markdown(text: str) -> str:
    """An answer's text as safe Markdown: its own "- " points stay a list, everything else is literal."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("- "):
            lines.append("- " + escape_markdown_keeping_code(line[2:]))
        else:
            lines.append(escape_markdown_keeping_code(line) + "  ")
    return "\n".join(lines)


# --- answers with clickable citations, passages with code blocks --------------------------------

_ESCAPED_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")
_FENCE_LINE = re.compile(r"^(?P<indent>\s*)(?P<fence>```|~~~)\s*(?P<language>[\w+#.-]*)\s*$")


def citation_href(anchor: str, n: int) -> str:
    """The in-page link a citation marker points at; the UI opens the note viewer on a click."""
    return f"#cite-{anchor}-{n}"


def link_citations(markdown: str, anchor: str) -> str:
    """Turn the escaped `[n]` markers of safe Markdown into links to `citation_href(anchor, n)`."""
    return _ESCAPED_MARKER.sub(lambda m: f"[\\[{m.group(1)}\\]]({citation_href(anchor, int(m.group(1)))})", markdown)


def answer_markdown_linked(text: str, anchor: str | None) -> str:
    """`answer_markdown`, with each [n] a link when an anchor (the message's key) is given."""
    safe = answer_markdown(text)
    return link_citations(safe, anchor) if anchor else safe


def citation_label(citation) -> str:
    """How a citation is named to a reader: "section path - file"."""
    section = (citation.section or "").strip()
    return f"{section} - {citation.source}" if section else citation.source


def table_markdown(columns: list[str], rows: list[list[str]], anchor: str | None = None) -> str:
    """A comparison table as safe Markdown; [n] markers in cells become links."""

    def cell(text: str) -> str:
        safe = escape_markdown_keeping_code(re.sub(r"\s+", " ", str(text)).strip()) or " "
        return link_citations(safe, anchor) if anchor else safe

    width = len(columns)
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + " --- |" * width]
    for row in rows:
        padded = (list(row) + [""] * width)[:width]
        lines.append("| " + " | ".join(cell(c) for c in padded) + " |")
    return "\n".join(lines)


def options_markdown(options, anchor: str | None = None) -> str:
    """Multiple-choice verdicts as a list: the picked option(s) marked, each with its reason."""
    lines = []
    for option in options:
        reason = escape_markdown_keeping_code(option.reason.strip())
        reason = link_citations(reason, anchor) if anchor else reason
        text = escape_markdown(option.text.strip())
        letter = escape_markdown(option.shown)
        head = f":green[**✓ {letter}\\. {text}**]" if option.picked else f"✗ {letter}\\. {text}"
        lines.append(f"- {head}" + (f" — {reason}" if reason else ""))
    return "\n".join(lines)


@dataclass(frozen=True)
class PassageBlock:
    """A run of a passage to show one way: prose/list lines, or a code block."""

    kind: str  # "text" or "code"
    text: str
    language: str = ""


def passage_blocks(passage: str) -> list[PassageBlock]:
    """Split a passage at its code fences, so code shows as code (not as lines with literal fences).
    A fence indented under a list item keeps its code lines relative to the fence."""
    blocks: list[PassageBlock] = []
    text_lines: list[str] = []
    code_lines: list[str] | None = None
    fence, indent, language = "", 0, ""

    def flush_text() -> None:
        if any(line.strip() for line in text_lines):
            blocks.append(PassageBlock("text", "\n".join(text_lines).strip("\n")))
        text_lines.clear()

    for line in passage.split("\n"):
        match = _FENCE_LINE.match(line)
        if code_lines is None and match:
            flush_text()
            code_lines, fence, indent, language = [], match["fence"], len(match["indent"]), match["language"]
        elif code_lines is not None and match and match["fence"] == fence:
            blocks.append(PassageBlock("code", "\n".join(code_lines).strip("\n"), language))
            code_lines = None
        elif code_lines is not None:
            code_lines.append(line[indent:] if not line[:indent].strip() else line.lstrip())
        else:
            text_lines.append(line)
    if code_lines is not None:  # a passage cut inside a fence: still code
        blocks.append(PassageBlock("code", "\n".join(code_lines).strip("\n"), language))
    flush_text()
    return blocks
