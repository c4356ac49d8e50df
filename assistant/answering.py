"""Answering: the deterministic default answerer, composing a cited answer from retrieved passages.

The answer comes first (for a scenario, the recommended service or feature: "Use Amazon Macie [1]."),
then up to three supporting points quoted from the passages, each with its `[n]` marker. Candidates
are scored by how directly a passage puts them forward (statements.py) times how well that statement
and its passage match the question. Weak evidence means abstention, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Protocol

from .retrieval import LexicalIndex, Passage, Retrieval
from .statements import (
    ROLE_FIT,
    ROLE_MENTION,
    ParsedPassage,
    Statement,
    VENDOR_WORDS,
    Vocabulary,
    canonical_key,
    named_spans,
    parse_passage,
)
from .text import STOPWORDS, normalise_space, tokenize, words

NOT_COVERED = "Your notes don't cover this."
MAX_POINTS = 3


@dataclass
class Citation:
    n: int
    source: str
    section: str
    text: str
    score: float


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
    # Not part of the JSON contract: for the UI and the eval report.
    suggestions: list[str] = field(default_factory=list)
    backend: str = "default"

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "recommendation": self.recommendation,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "notices": list(self.notices),
            "latency_ms": round(self.latency_ms, 3),
        }

    @property
    def lead(self) -> str:
        """The first sentence: where the answer is named."""
        first = self.answer.strip().split("\n", 1)[0]
        return re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0] if first else ""

    def to_markdown(self) -> str:
        lines = [self.answer.strip()]
        if self.citations:
            lines.append("")
            lines.append("Sources:")
            for c in self.citations:
                quoted = normalise_space(c.text)
                lines.append(f"[{c.n}] {c.source} — {c.section}: {quoted}")
        return "\n".join(lines) + "\n"


class Answerer(Protocol):
    name: str

    def answer(self, question: str, retrieval: Retrieval, history: list[dict] | None = None) -> Answer: ...


# --- the question -----------------------------------------------------------------------------

_ASKS_FOR_CHOICE = re.compile(
    r"\b(which|what)\b(?:\s+\S+){0,3}?\s+(service|services|tool|tools|solution|option|approach|product|"
    r"offering|technology|platform|choice|aws|amazon|azure|gcp|google)\b"
    r"|\bshould\s+(?:we|i|they|you|it|the\s+\w+|our\s+\w+)\b(?:\s+\S+){0,3}?\s+(use|choose|pick|enable|adopt|"
    r"implement|deploy|select|go|migrate|convert|export|consider)\b"
    r"|\b(recommend\w*|best (?:way|option|choice|service|fit)|most (?:suitable|appropriate|cost-effective|operationally)"
    r"|least operational|fits?\b|what (?:should|would|could|can) (?:we|i|they|you) use|where should)",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|or|also|then|so|what about|how about|what if|if|instead|same|ok|okay)\b"
    r"|\b(it|that|this|they|them|those|these|one)\b",
    re.IGNORECASE,
)


@dataclass
class Question:
    text: str
    weights: dict[str, float]  # stemmed term -> weight (current turn 1.0, earlier turn 0.5)
    asks_choice: bool
    named: list[str]  # names the question itself mentions
    options: list[str]  # "X or Y": the answer must be one of these

    @property
    def terms(self) -> set[str]:
        return set(self.weights)


def retrieval_query(question: str, history: list[dict] | None) -> str:
    """The text to retrieve with: a follow-up is read together with the previous question."""
    previous = previous_question(history)
    if previous and is_follow_up(question):
        return f"{previous} {question}"
    return question


def previous_question(history: list[dict] | None) -> str | None:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return None


def is_follow_up(question: str) -> bool:
    content = [w for w in words(question) if w not in STOPWORDS]
    return bool(_FOLLOW_UP.search(question)) and len(content) <= 8 or len(content) <= 2


def analyse_question(question: str, history: list[dict] | None, vocabulary: Vocabulary) -> Question:
    weights: dict[str, float] = {}
    previous = previous_question(history)
    follow_up = bool(previous) and is_follow_up(question)
    if follow_up:
        for term in tokenize(previous):
            weights[term] = 0.5
    for term in tokenize(question):
        weights[term] = 1.0
    scope = f"{previous} {question}" if follow_up else question
    named = named_spans(scope, vocabulary)
    options: list[str] = []
    for match in re.finditer(r"([^,;?]+?)\s+(?:or|vs\.?|versus)\s+([^,;?]+)", question):
        left = named_spans(match.group(1), vocabulary)
        right = named_spans(match.group(2), vocabulary)
        if left and right:
            options = [left[-1], right[0]]
    asks = bool(_ASKS_FOR_CHOICE.search(question)) or bool(options) or (follow_up and bool(_ASKS_FOR_CHOICE.search(scope)))
    return Question(text=question, weights=weights, asks_choice=asks, named=named, options=options)


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    name: str
    score: float = 0.0
    support: list[tuple[float, Passage, Statement]] = field(default_factory=list)


class DefaultAnswerer:
    """Deterministic, offline, grounded in the retrieved passages only."""

    name = "default"

    def __init__(self, lexical: LexicalIndex, vocabulary: Vocabulary, min_similarity: float) -> None:
        self.lexical = lexical
        self.vocabulary = vocabulary
        self.min_similarity = min_similarity
        self._parsed: dict[str, ParsedPassage] = {}

    def parsed(self, passage: Passage) -> ParsedPassage:
        parsed = self._parsed.get(passage.chunk.id)
        if parsed is None:
            parsed = parse_passage(passage.chunk, self.vocabulary)
            self._parsed[passage.chunk.id] = parsed
        return parsed

    def _coverage(self, question: Question, terms: frozenset[str] | set[str]) -> float:
        """IDF-weighted share of the question's terms that `terms` contains."""
        total = sum(self.lexical.idf(t) * w for t, w in question.weights.items())
        if total <= 0:
            return 0.0
        return sum(self.lexical.idf(t) * w for t, w in question.weights.items() if t in terms) / total

    def evidence_strength(self, question: Question, retrieval: Retrieval) -> float:
        if not retrieval.passages:
            return 0.0
        best = max(p.similarity for p in retrieval.passages)
        lexical = max(
            self._coverage(question, frozenset(tokenize(p.chunk.embedding_text))) for p in retrieval.passages
        )
        return best + 0.25 * lexical

    def answer(self, question_text: str, retrieval: Retrieval, history: list[dict] | None = None) -> Answer:
        question = analyse_question(question_text, history, self.vocabulary)
        if not retrieval.passages or self.evidence_strength(question, retrieval) < self.min_similarity:
            return self.abstain(question_text, retrieval)

        scored: list[tuple[float, Passage, Statement]] = []
        for passage in retrieval.passages:
            parsed = self.parsed(passage)
            weight = max(passage.similarity, 0.05)
            section_terms = frozenset(tokenize(passage.chunk.section))
            for statement in parsed.statements:
                own = self._coverage(question, statement.own_terms | _label_terms(statement))
                group = self._coverage(question, parsed.group_terms.get(statement.group, frozenset()) | section_terms)
                relevance = 0.6 * own + 0.4 * group
                # Squared: a line that matches the question twice as well counts four times as much.
                scored.append((weight * (0.05 + relevance) ** 2, passage, statement))
        if not scored:
            return self.abstain(question_text, retrieval)

        recommendation, support = self._recommend(question, scored) if question.asks_choice else (None, [])
        return self._compose(question_text, question, recommendation, support, scored)

    def _is_name(self, name: str) -> bool:
        """A real name keeps a non-common word once vendor prefixes and "Service(s)" are set aside
        ("Apache Services" and "AWS Preference" are categories, "Apache Airflow" is a name)."""
        words_ = re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", name)
        if len(words_) > 1 and words_[0].lower() in VENDOR_WORDS:
            rest = [w for w in words_[1:] if w.lower() not in ("service", "services")]
            return bool(rest)
        return any(not self.vocabulary.is_common(w) for w in words_)

    def _recommend(self, question: Question, scored) -> tuple[str | None, list]:
        asked = {canonical_key(n) for n in question.named}
        allowed = {canonical_key(o) for o in question.options}
        candidates: dict[str, _Candidate] = {}
        for score, passage, statement in scored:
            for name, role in statement.subjects:
                key = canonical_key(name)
                if not key or not self._is_name(name):
                    continue
                if allowed and key not in allowed:
                    continue
                if not allowed and key in asked and role < ROLE_FIT:
                    continue
                factor = role * (0.3 if statement.distractor and role <= ROLE_MENTION else 1.0)
                candidate = candidates.setdefault(key, _Candidate(name))
                if len(name) > len(candidate.name) and canonical_key(name) == key:
                    candidate.name = name
                candidate.score += score * factor * (0.35 if key in asked and not allowed else 1.0)
                candidate.support.append((score * factor, passage, statement))
        if not candidates:
            return None, []
        for candidate in candidates.values():
            # The best single statement decides; repetition elsewhere only adds a little.
            strengths = sorted((s[0] for s in candidate.support), reverse=True)
            candidate.score = strengths[0] + 0.25 * sum(strengths[1:]) if strengths else 0.0
        ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.name))
        self.last_candidates = ranked[:5]
        best = ranked[0]
        # The named form the notes use most fully ("Amazon Macie" over "Macie").
        best.support.sort(key=lambda s: -s[0])
        return best.name, best.support

    def _compose(self, question_text, question, recommendation, support, scored) -> Answer:
        numbering: dict[str, int] = {}
        cited: list[Passage] = []

        def cite(passage: Passage) -> int:
            if passage.chunk.id not in numbering:
                numbering[passage.chunk.id] = len(numbering) + 1
                cited.append(passage)
            return numbering[passage.chunk.id]

        points: list[tuple[Passage, Statement]] = []
        if recommendation:
            first_passage = support[0][1]
            lead = f"Use {recommendation} [{cite(first_passage)}]."
            for _, passage, statement in support:
                if len(points) >= MAX_POINTS:
                    break
                if not any(statement is s for _, s in points) and len(statement.text) > 3:
                    points.append((passage, statement))
            # Add the best-matching statement of the group that made the case, when it says why.
            for _, passage, statement in sorted(scored, key=lambda s: -s[0]):
                if len(points) >= MAX_POINTS:
                    break
                if passage.chunk.id in numbering and statement.group in {s.group for p, s in points if p is passage}:
                    if not any(statement is s for _, s in points):
                        points.append((passage, statement))
        else:
            best_score, best_passage, best_statement = max(scored, key=lambda s: (s[0], -s[2].index))
            sentence = _best_sentence(best_statement, question, self)
            lead = f"{_as_sentence(sentence)} [{cite(best_passage)}]".replace(". [", " [") + "."
            lead = lead.replace("..", ".")
            seen = {best_statement.chunk_id + str(best_statement.index)}
            for score, passage, statement in sorted(scored, key=lambda s: -s[0]):
                if len(points) >= MAX_POINTS - 1 or score < best_score * 0.6:
                    break
                key = statement.chunk_id + str(statement.index)
                if key not in seen and len(statement.text) > 12:
                    seen.add(key)
                    points.append((passage, statement))

        lines = [lead, ""]
        for passage, statement in points:
            lines.append(f"- {_as_sentence(statement.text)} [{cite(passage)}]")
        text = "\n".join(lines).strip()
        citations = [
            Citation(
                n=numbering[p.chunk.id],
                source=p.chunk.source,
                section=p.chunk.section,
                text=p.chunk.text,
                score=round(float(p.similarity), 4),
            )
            for p in cited
        ]
        return Answer(question=question_text, answer=text, recommendation=recommendation, citations=citations)

    def abstain(self, question_text: str, retrieval: Retrieval) -> Answer:
        sections: list[str] = []
        for passage in retrieval.passages:
            if passage.chunk.section not in sections:
                sections.append(passage.chunk.section)
        suggestions = sections[:3]
        text = NOT_COVERED
        if suggestions:
            text += " The nearest sections of your notes are: " + "; ".join(suggestions) + "."
        return Answer(question=question_text, answer=text, abstained=True, suggestions=suggestions)


def _label_terms(statement: Statement) -> frozenset[str]:
    return frozenset(tokenize(statement.label)) if statement.label else frozenset()


def _as_sentence(text: str) -> str:
    text = normalise_space(text).rstrip(" :")
    return text if text.endswith((".", "!", "?", ")", "`")) else text + "."


def _best_sentence(statement: Statement, question: Question, answerer: DefaultAnswerer) -> str:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", statement.text) if s.strip()]
    if len(sentences) <= 1:
        return statement.text
    scored = [(answerer._coverage(question, frozenset(tokenize(s))), -i, s) for i, s in enumerate(sentences)]
    return max(scored)[2]
