"""Display helpers shared by the UI and the CLI: safe Markdown and highlighted passages.

Notes are data, never markup: every passage is escaped before it is shown, so HTML or script
inside a note is displayed as text and never runs.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$])")


def escape_markdown(text: str) -> str:
    """Text that Markdown renders literally: HTML entities escaped, Markdown syntax backslashed."""
    escaped = html.escape(text, quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


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
        is_support = any(w and (w in _normalise(plain) or _normalise(plain) in w) for w in wanted) and plain.strip()
        lines.append(prefix + (f":orange-background[{safe}]" if is_support else safe))
    return "  \n".join(lines)


def answer_markdown(text: str) -> str:
    """An answer's text as safe Markdown: its own "- " points stay a list, everything else is literal."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("- "):
            lines.append("- " + escape_markdown(line[2:]))
        else:
            lines.append(escape_markdown(line) + "  ")
    return "\n".join(lines)
