"""Answerers: the one Protocol every answering step meets, the draft it returns, and the registry.

An answerer reads a `Query` with its retrieved passages and returns a `Draft`: the answer's text with
passage references written as `⟦chunk id⟧`, the structured parts (options, table, premise) and a trace.
assistant/citations.py turns references into numbered citations - the one place that happens.
The default answerer (assistant/reader.py) needs no model; the LLM answerer (assistant/llm.py) sits
beside it. Any callable class with this shape can be registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .answer import ComparisonTable, OptionVerdict, Premise
from .gate import GateDecision
from .retrieval import Retrieval
from .understanding import Query

REFERENCE = re.compile(r"⟦([^⟧\s]+)⟧")


def ref(chunk_id: str) -> str:
    """A reference to a passage in draft text; becomes "[n]" in the answer."""
    return f"⟦{chunk_id}⟧"


@dataclass
class Draft:
    """An answer before its citations are numbered."""

    kind: str
    text: str
    recommendation: str | None = None
    choice: str | list[str] | None = None
    options: list[OptionVerdict] = field(default_factory=list)
    table: ComparisonTable | None = None
    premise: Premise | None = None
    # chunk id -> the lines of that passage the answer relies on (highlighted in the UI)
    relied_on: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    trace: dict[str, Any] = field(default_factory=dict)
    abstained: bool = False
    suggestions: list[str] = field(default_factory=list)
    backend: str = "default"
    model: str | None = None

    def rely_on(self, chunk_id: str, line: str) -> str:
        """Note that the answer relies on this line of this passage; returns the reference to write."""
        lines = self.relied_on.setdefault(chunk_id, [])
        if line not in lines:
            lines.append(line)
        return ref(chunk_id)


class Answerer(Protocol):
    """What every answerer does: read a question and its passages into a draft."""

    name: str

    def run(
        self, query: Query, retrieval: Retrieval, gate: GateDecision, on_token: Callable[[str], None] | None = None
    ) -> Draft: ...


#: Answerer names -> how to build one from the assistant's index and settings (see core.Assistant).
REGISTRY: dict[str, Callable[..., Answerer]] = {}


def register(name: str) -> Callable[[Callable[..., Answerer]], Callable[..., Answerer]]:
    def decorate(factory: Callable[..., Answerer]) -> Callable[..., Answerer]:
        REGISTRY[name] = factory
        return factory

    return decorate
