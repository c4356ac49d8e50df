"""The answer contract: what every answerer returns, what `study ask --json` prints and the UI shows.

`Answer.to_dict()` is the JSON contract. Citations are numbered in order of first use in the text
and list only what the text cites (assistant/citations.py is the one place that numbers them).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .text import first_sentence, normalise_space

#: What a question asks for; each kind is answered in its own shape (assistant/understanding.py).
QuestionKind = Literal["choice", "comparison", "explanation", "howto", "fact", "multiple_choice"]
QUESTION_KINDS: tuple[str, ...] = ("choice", "comparison", "explanation", "howto", "fact", "multiple_choice")

NOT_COVERED = "Your notes don't cover this."


@dataclass
class Citation:
    """One cited passage. `lines` are the passage's lines the answer relies on (to highlight)."""

    n: int
    source: str
    section: str
    text: str
    score: float
    chunk_id: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass
class OptionVerdict:
    """One option of a pasted multiple-choice question: picked or not, and why, cited with [n]."""

    letter: str
    text: str
    picked: bool
    reason: str
    score: float = 0.0
    label: str = ""  # the option's marker as the learner wrote it ("3", "c"); `letter` is A, B, C ... in order

    @property
    def shown(self) -> str:
        """The marker to show: the learner's own, so "3. Blob" is answered as 3, not as C."""
        return self.label or self.letter


@dataclass
class ComparisonTable:
    """The notes' points on two or more things side by side. `columns[0]` heads the aspect column;
    each row is [aspect, one cell per compared thing]; cells may carry [n] markers."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class Premise:
    """A claim the question takes for granted that the notes contradict, and what they say instead."""

    claim: str
    correction: str


@dataclass
class Answer:
    """The answer contract (`to_dict()` gives exactly its JSON fields)."""

    question: str
    answer: str
    recommendation: str | None = None
    abstained: bool = False
    citations: list[Citation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    kind: str = "fact"
    # Pasted multiple choice: the picked letter ("B"), letters for pick-several, None when it declines.
    choice: str | list[str] | None = None
    options: list[OptionVerdict] = field(default_factory=list)
    table: ComparisonTable | None = None
    premise: Premise | None = None
    backend: str = "default"
    model: str | None = None
    # Why this answer: the stages' inputs and scores (`study ask --explain` prints it).
    trace: dict[str, Any] = field(default_factory=dict)
    # The nearest sections, offered when the answer declines.
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "recommendation": self.recommendation,
            "choice": self.choice,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "options": [asdict(o) for o in self.options],
            "table": asdict(self.table) if self.table else None,
            "premise": asdict(self.premise) if self.premise else None,
            "suggestions": list(self.suggestions),
            "notices": list(self.notices),
            "backend": self.backend,
            "model": self.model,
            "latency_ms": round(self.latency_ms, 3),
            "trace": self.trace,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """An answer read back from its JSON (saved conversations)."""
        table = data.get("table")
        premise = data.get("premise")
        return cls(
            question=str(data.get("question", "")),
            answer=str(data.get("answer", "")),
            recommendation=data.get("recommendation"),
            abstained=bool(data.get("abstained", False)),
            citations=[Citation(**c) for c in data.get("citations", [])],
            notices=list(data.get("notices", [])),
            latency_ms=float(data.get("latency_ms", 0.0)),
            kind=str(data.get("kind", "fact")),
            choice=data.get("choice"),
            options=[OptionVerdict(**o) for o in data.get("options", [])],
            table=ComparisonTable(**table) if table else None,
            premise=Premise(**premise) if premise else None,
            backend=str(data.get("backend", "default")),
            model=data.get("model"),
            trace=dict(data.get("trace", {})),
            suggestions=list(data.get("suggestions", [])),
        )

    @property
    def lead(self) -> str:
        """The first sentence: where the answer is named."""
        return first_sentence(self.answer)

    @property
    def highlights(self) -> dict[int, list[str]]:
        """Citation number -> the lines of its passage the answer relies on."""
        return {c.n: list(c.lines) for c in self.citations}

    def to_markdown(self) -> str:
        lines = [self.answer.strip()]
        if self.citations:
            lines.append("")
            lines.append("Sources:")
            for c in self.citations:
                lines.append(f"[{c.n}] {c.section} - {c.source}: {normalise_space(c.text)}")
        return "\n".join(lines) + "\n"
