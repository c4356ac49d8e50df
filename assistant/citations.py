"""Citations: the one place references become numbered citations.

A draft refers to passages as `⟦chunk id⟧`. Here they are numbered in order of first use (the premise
correction, then the text, then the table and the per-option reasons), references to passages that do
not exist are dropped with a notice, and the citations list holds exactly the passages cited, each
with the lines the answer relies on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from .answer import Answer, Citation, ComparisonTable, OptionVerdict, Premise
from .answerers import REFERENCE, Draft
from .chunking import Chunk

logger = logging.getLogger(__name__)


def build_answer(
    question: str, draft: Draft, chunk: Callable[[str], Chunk | None], score: Callable[[str], float]
) -> Answer:
    """The answer for a draft: references numbered, validated and listed.
    `chunk(id)` finds a passage; `score(id)` is its similarity to the question."""
    numbers: dict[str, int] = {}
    missing: set[str] = set()

    def number(match: re.Match[str]) -> str:
        chunk_id = match.group(1)
        if chunk_id not in numbers:
            if chunk(chunk_id) is None:
                missing.add(chunk_id)
                return ""
            numbers[chunk_id] = len(numbers) + 1
        return f"[{numbers[chunk_id]}]"

    def renumber(text: str) -> str:
        return _tidy(REFERENCE.sub(number, text))

    premise = replace(draft.premise, correction=renumber(draft.premise.correction)) if draft.premise else None
    text = renumber(draft.text)
    table = (
        ComparisonTable(list(draft.table.columns), [[renumber(cell) for cell in row] for row in draft.table.rows])
        if draft.table
        else None
    )
    options = [
        OptionVerdict(o.letter, o.text, o.picked, renumber(o.reason), o.score, label=o.label) for o in draft.options
    ]
    notices = list(draft.notices)
    if missing:
        notices.append(f"Dropped {len(missing)} reference(s) to passages that are not in your notes.")
        logger.warning("draft referred to unknown passages: %s", sorted(missing))
    citations = []
    for chunk_id, n in numbers.items():
        found = chunk(chunk_id)
        assert found is not None
        citations.append(
            Citation(
                n=n,
                source=found.source,
                section=found.section,
                text=found.text,
                score=round(float(score(chunk_id)), 4),
                chunk_id=chunk_id,
                lines=list(draft.relied_on.get(chunk_id, [])),
            )
        )
    return Answer(
        question=question,
        answer=text,
        recommendation=draft.recommendation,
        abstained=draft.abstained,
        citations=citations,
        notices=notices,
        kind=draft.kind,
        choice=draft.choice,
        options=options,
        table=table,
        premise=premise,
        backend=draft.backend,
        model=draft.model,
        trace=draft.trace,
        suggestions=draft.suggestions,
    )


def _tidy(text: str) -> str:
    """Spacing around markers after references were dropped or numbered: "X [1] ." -> "X [1]."."""
    # Only a stop that ends the word: "add ../hotfix" and "ls .config" keep their space.
    text = re.sub(r"[ \t]+([.,;:])(?=\s|$)", r"\1", text)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)  # "[1] [1]" -> "[1]"
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def premise_first(answer_text: str, premise: Premise | None) -> str:
    return f"{premise.correction}\n\n{answer_text}" if premise else answer_text
