"""Answering: the deterministic default answerer, composing a cited answer from retrieved passages.

The answer comes first (for a scenario, the recommended service or feature: "Use Amazon Macie [1]."),
then up to three supporting points quoted from the passages, each with its `[n]` marker. Candidates
are scored by how directly a passage puts them forward (statements.py) times how well that statement
and its passage match the question. Weak evidence means abstention, never a guess.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from .answer import NOT_COVERED, Answer, Citation
from .retrieval import LexicalIndex, Passage, Retrieval
from .statements import (
    ROLE_FIT,
    ROLE_MENTION,
    ParsedPassage,
    Statement,
    VENDOR_WORDS,
    Vocabulary,
    canonical_key,
    english_frequency,
    named_spans,
    parse_passage,
)
from .text import STOPWORDS, normalise_space, stem, tokenize, words

MAX_POINTS = 3
FOREIGN_NAME_MARGIN = 0.05  # the extra evidence needed when the question names things the notes never do


class Answerer(Protocol):
    name: str

    def answer(self, question: str, retrieval: Retrieval, history: list[dict] | None = None) -> Answer: ...


# --- the question -----------------------------------------------------------------------------

_ASKS_FOR_CHOICE = re.compile(
    r"\b(which|what)\b(?:\s+\S+){0,4}?\s+(service|services|tool|tools|solution|option|approach|product|"
    r"offering|technology|platform|choice)\b"
    r"|\bwhich\s+(?:[\w\-]+\s+)?[\w\-]+\s*\?\s*$"  # "... Which database?", "Which storage class?"
    r"|\bshould\s+(?:we|i|they|you|it|the\s+\w+|our\s+\w+)\b(?:\s+\S+){0,3}?\s+(use|choose|pick|enable|adopt|"
    r"implement|deploy|select|go|migrate|convert|export|consider)\b"
    r"|\b(?:should|must|would|could|can)\s+(?:\w+\s+)?be\s+(?:used|chosen|enabled|adopted|deployed)\b"
    r"|\b(recommend\w*|best (?:way|option|choice|service|fit)|most (?:suitable|appropriate|cost-effective|operationally)"
    r"|least operational|fits?\b|"
    r"what (?:should|would|could|can|do|does|must) (?:we|i|they|you|it|the \w+|our \w+) (?:use|configure|choose|pick|"
    r"enable|implement|deploy|set up|adopt|recommend|turn on)|what do you recommend|"
    r"where (?:should|can|could|do|does|would|to)\b)",
    re.IGNORECASE,
)
_YES_NO = re.compile(r"^\s*(can|could|does|do|did|is|are|was|were|will|would|has|have|should)\b", re.IGNORECASE)
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
    negated: set[str] = field(default_factory=set)  # terms the question rules out

    @property
    def terms(self) -> set[str]:
        return set(self.weights)


def retrieval_query(question: str, history: list[dict] | None) -> str:
    """The text to retrieve with: a follow-up is read together with the previous question, and
    "Which option matches this description: “...”?" is searched by the quoted description alone."""
    quoted = quoted_subject(question)
    if quoted:
        return quoted
    previous = previous_question(history)
    if previous and is_follow_up(question):
        return f"{previous} {question}"
    return question


_QUOTED = re.compile(r"[“\"«‘']([^”\"»’']{8,})[”\"»’']")
# Words that frame a quoted description without adding to it ("Which AWS service matches this description").
_FRAMING = frozenset(
    """which what who option options service services tool tools answer choice product feature term concept
    matches match fits fit describes described description definition following statement this that the
    is are best most a an of by to for in aws amazon""".split()
)


def quoted_subject(question: str) -> str | None:
    """The quoted text of a question that only frames a quotation ("Which option matches this
    description: “Show stages in a process”?"), else None."""
    match = _QUOTED.search(question)
    if not match:
        return None
    outside = question[: match.start()] + " " + question[match.end():]
    if all(word in _FRAMING for word in words(outside)):
        return match.group(1).strip()
    return None


def previous_question(history: list[dict] | None) -> str | None:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return None


_CONTRAST = re.compile(r"\b(instead|rather|otherwise|what if|and if|but if|what about|how about)\b", re.IGNORECASE)
_PREVIOUS_LEAD = re.compile(r"^Use (.+?) \[\d+\]")


def previous_recommendation(history: list[dict] | None) -> str | None:
    """The service the assistant recommended in its last turn ("Use X [1]."), if any."""
    for turn in reversed(history or []):
        if turn.get("role") == "assistant":
            match = _PREVIOUS_LEAD.match(str(turn.get("content", "")).strip())
            return match.group(1) if match else None
    return None


def is_follow_up(question: str) -> bool:
    content = [w for w in words(question) if w not in STOPWORDS]
    return bool(_FOLLOW_UP.search(question)) and len(content) <= 8 or len(content) <= 2


_NEGATOR = re.compile(
    r"\b(?:no|not|without|never|none|nothing|don't|doesn't|isn't|aren't|won't|cannot|can't|neither|nor|"
    r"than|instead of|rather than|other than|besides)\s+"
    r"((?:[\w'-]+\s+){0,2}[\w'-]+)",
    re.IGNORECASE,
)


def negated_terms(question: str) -> set[str]:
    """Terms the question rules out ("no existing Kafka code"), except words that are themselves
    the negated idea in notes ("no-code", "without coding" match "no-code" tools)."""
    found: set[str] = set()
    for match in _NEGATOR.finditer(question):
        found.update(tokenize(match.group(1)))
    return found - {stem("code"), stem("coding"), stem("server"), stem("servers")}


def analyse_question(question: str, history: list[dict] | None, vocabulary: Vocabulary) -> Question:
    quoted = quoted_subject(question)
    if quoted:
        # "Which option matches this description: “...”?": the quotation is what is asked about.
        described = analyse_question(quoted, None, vocabulary)
        described.asks_choice = True
        return described
    weights: dict[str, float] = {}
    previous = previous_question(history)
    follow_up = bool(previous) and is_follow_up(question)
    if follow_up:
        for term in tokenize(previous):
            weights[term] = 0.5
    negated = negated_terms(question)
    for term in tokenize(question):
        # "no existing Kafka code": what the question rules out must not pull answers toward it.
        weights[term] = 0.0 if term in negated else 1.0
    weights = {t: w for t, w in weights.items() if w > 0}
    scope = f"{previous} {question}" if follow_up else question
    named = named_spans(scope, vocabulary)
    options: list[str] = []
    yes_no = bool(_YES_NO.match(question)) and not re.search(r"\bor\s+(?:\S+\s+){0,3}\S+\?\s*$", question)
    for match in re.finditer(r"([^,;?]+?)\s+(?:or|vs\.?|versus)\s+([^,;?]+)", "" if yes_no else question):
        left = named_spans(match.group(1), vocabulary)
        right = named_spans(match.group(2), vocabulary)
        # Only names that stand right beside the "or" are the options ("EMR or Glue"), not
        # "its integrated services or the managed Apache services".
        if (left and right and match.group(1).rstrip().endswith(left[-1])
                and re.match(rf"(?:the\s+|an?\s+)?{re.escape(right[0])}", match.group(2).strip(), re.IGNORECASE)):
            options = [left[-1], right[0]]
    asks = not yes_no and bool(_ASKS_FOR_CHOICE.search(question)) or bool(options) or (follow_up and bool(_ASKS_FOR_CHOICE.search(scope)))
    return Question(text=question, weights=weights, asks_choice=asks, named=named, options=options, negated=negated)


def statement_embedding_text(chunk, statement: Statement) -> str:
    """A line with the headings it sits under, so "Simplified option for new projects" keeps its topic."""
    context = f"{statement.context}: " if statement.context and statement.context not in statement.text else ""
    if statement.label or context:
        return f"{context}{statement.text}"
    # A line with no label of its own is read under its heading.
    leaf = chunk.section.split(" > ")[-1] if chunk.section else ""
    return f"{leaf}: {statement.text}" if leaf else statement.text


class StatementVectors:
    """Embeddings of each passage's statement lines, keyed by chunk id and the lines' text.

    Computed in bulk after an ingest and saved beside the index (float16), loaded at start-up, and
    computed on first need for any chunk not yet covered (a new server-side chunk, a rules change)."""

    def __init__(self, encode, path: Path | None = None) -> None:
        self._encode = encode
        self.path = path
        self._vectors: dict[str, tuple[str, np.ndarray]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None:
            self._load()

    @staticmethod
    def _digest(texts: list[str]) -> str:
        return hashlib.sha1("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]

    def _load(self) -> None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                ids, digests, counts, matrix = data["ids"], data["digests"], data["counts"], data["matrix"]
        except (OSError, KeyError, ValueError):
            return  # missing or unreadable: recomputed on need
        offset = 0
        for chunk_id, digest, count in zip(ids.tolist(), digests.tolist(), counts.tolist()):
            self._vectors[chunk_id] = (digest, matrix[offset : offset + count])
            offset += count

    def __contains__(self, chunk_id: str) -> bool:
        return chunk_id in self._vectors

    def get(self, chunk, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), np.float32)
        digest = self._digest(texts)
        cached = self._vectors.get(chunk.id)
        if cached is None or cached[0] != digest:
            vectors = np.asarray(self._encode(texts), dtype=np.float32)
            with self._lock:
                self._vectors[chunk.id] = (digest, vectors.astype(np.float16))
                self._dirty = True
            return vectors
        return cached[1].astype(np.float32)

    def missing(self, items: list[tuple[object, list[str]]]) -> list[tuple[object, list[str]]]:
        return [
            (chunk, texts) for chunk, texts in items
            if texts and (chunk.id not in self._vectors or self._vectors[chunk.id][0] != self._digest(texts))
        ]

    def precompute(self, items: list[tuple[object, list[str]]], encode_bulk=None, progress=None, batch: int = 512) -> int:
        """Embed the lines of every chunk not yet covered, in large batches; returns how many chunks."""
        todo = self.missing(items)
        encode_bulk = encode_bulk or self._encode
        progress = progress or (lambda *_: None)
        progress("Embedding statements", 0, len(todo))
        done = 0
        for start in range(0, len(todo), batch):
            group = todo[start : start + batch]
            flat = [text for _, texts in group for text in texts]
            encoded = np.asarray(encode_bulk(flat), dtype=np.float16)
            offset = 0
            with self._lock:
                for chunk, texts in group:
                    self._vectors[chunk.id] = (self._digest(texts), encoded[offset : offset + len(texts)])
                    offset += len(texts)
                self._dirty = True
            done += len(group)
            progress("Embedding statements", done, len(todo))
        return len(todo)

    def retain(self, chunk_ids: set[str]) -> None:
        with self._lock:
            for chunk_id in [c for c in self._vectors if c not in chunk_ids]:
                del self._vectors[chunk_id]
                self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        with self._lock:
            items = list(self._vectors.items())
            self._dirty = False
        dim = next((v.shape[1] for _, (_, v) in items if v.ndim == 2 and len(v)), 1)
        matrix = np.concatenate([v for _, (_, v) in items]) if items else np.zeros((0, dim), np.float16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(
            tmp,
            ids=np.array([k for k, _ in items], dtype=str),
            digests=np.array([d for _, (d, _) in items], dtype=str),
            counts=np.array([len(v) for _, (_, v) in items], dtype=np.int64),
            matrix=matrix.astype(np.float16),
        )
        os.replace(tmp, self.path)


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    name: str
    score: float = 0.0
    support: list[tuple[float, Passage, Statement]] = field(default_factory=list)


# Measured on the eval and holdout sets: out-of-scope questions reach a line similarity up to ~0.1
# above their best passage's, so a line counts after this discount.
LINE_SIMILARITY_DISCOUNT = 0.1
PARSED_CACHE = 50_000  # parsed passages kept (a few KiB each): a long-running app stays bounded


class DefaultAnswerer:
    """Deterministic, offline, grounded in the retrieved passages only."""

    name = "default"

    def __init__(self, lexical: LexicalIndex, vocabulary: Vocabulary, min_similarity: float,
                 statement_vectors: "StatementVectors") -> None:
        self.lexical = lexical
        self.vocabulary = vocabulary
        self.min_similarity = min_similarity
        self.vectors = statement_vectors
        self._parsed: dict[str, ParsedPassage] = {}

    def statement_parse(self, chunk) -> ParsedPassage:
        parsed = self._parsed.get(chunk.id)
        if parsed is None:
            parsed = parse_passage(chunk, self.vocabulary)
            if len(self._parsed) >= PARSED_CACHE:
                self._parsed = {}  # a fresh dict (not clear()): a reader in another thread keeps its own
            self._parsed[chunk.id] = parsed
        return parsed

    def statement_texts(self, chunk) -> list[str]:
        return [statement_embedding_text(chunk, s) for s in self.statement_parse(chunk).statements]

    def statement_vectors(self, passage: Passage, parsed: ParsedPassage) -> np.ndarray:
        return self.vectors.get(passage.chunk, [statement_embedding_text(passage.chunk, s) for s in parsed.statements])

    def parsed(self, passage: Passage) -> ParsedPassage:
        return self.statement_parse(passage.chunk)

    def _coverage(self, question: Question, terms: frozenset[str] | set[str], ignore: frozenset[str] = frozenset()) -> float:
        """IDF-weighted share of the question's terms that `terms` contains."""
        weights = {t: w for t, w in question.weights.items() if t not in ignore} or question.weights
        idf = self.lexical.idf
        total = sum(idf(t) * w for t, w in weights.items())
        if total <= 0:
            return 0.0
        return sum(idf(t) * w for t, w in weights.items() if t in terms) / total

    def evidence_strength(self, question: Question, retrieval: Retrieval) -> float:
        """How well the notes cover the question: the best passage's (or line's) cosine similarity, plus a
        little for sharing the question's terms, minus a little for the share of the question's
        rarer words the notes never use ("cross-region replication" when no note mentions it)."""
        if not retrieval.passages:
            return 0.0
        best = max(p.similarity for p in retrieval.passages)
        if retrieval.query_vector is not None:
            # One line that says what is asked is evidence even in a passage of several ideas, whose
            # embedding is diluted; lines are short, so they match more loosely and count less.
            for passage in retrieval.passages:
                vectors = self.statement_vectors(passage, self.parsed(passage))
                if len(vectors):
                    best = max(best, float((vectors @ retrieval.query_vector).max()) - LINE_SIMILARITY_DISCOUNT)
        lexical = max(self._coverage(question, self.parsed(p).passage_terms) for p in retrieval.passages)
        return best + 0.25 * lexical - 0.2 * self.unknown_share(question.text)

    def unknown_share(self, text: str) -> float:
        """Share of the question's content words, weighted by how rare they are in English,
        that appear nowhere in the notes."""
        total = unknown = 0.0
        for word in words(text):
            if word in STOPWORDS or len(word) < 3:
                continue
            weight = max(0.0, 6.0 - english_frequency(word))
            total += weight
            if stem(word) not in self.lexical.document_frequency:
                unknown += weight
        return unknown / total if total else 0.0

    def foreign_names(self, question: str) -> list[str]:
        """Names in the question that the notes never mention ("DynamoDB", "Oracle"): a sign the
        question is about something else, even when its wording is close to the notes."""
        found = []
        for position, token in enumerate(re.findall(r"[A-Za-z][A-Za-z0-9]*|\d+[A-Za-z]+\w*", question)):
            low = token.lower()
            if low in STOPWORDS or stem(low) in self.lexical.document_frequency or low in self.vocabulary.lowercase:
                continue
            name_like = (token[:1].isupper() and position > 0) or token.isupper() or any(ch.isdigit() for ch in token)
            rare = english_frequency(low) < 2.5
            if name_like or rare:
                found.append(token)
        return found

    def covers(self, question: Question, retrieval: Retrieval) -> bool:
        foreign = len(self.foreign_names(question.text))
        known = sum(1 for name in question.named if self._is_known_name(name))
        # Names the notes never use raise the bar, in proportion to the names they do know
        # ("a DynamoDB table" alone is off-topic; "Airflow DAGs" is still about Airflow).
        margin = FOREIGN_NAME_MARGIN * foreign / (foreign + known) if foreign else 0.0
        return self.evidence_strength(question, retrieval) >= self.min_similarity + margin

    def _is_known_name(self, name: str) -> bool:
        terms = [t for t in tokenize(name) if t not in ("aw", "amazon")]
        return any(t in self.lexical.document_frequency for t in terms)

    def answer(self, question_text: str, retrieval: Retrieval, history: list[dict] | None = None) -> Answer:
        question = analyse_question(question_text, history, self.vocabulary)
        if not retrieval.passages or not self.covers(question, retrieval):
            return self.abstain(question_text, retrieval)

        scored: list[tuple[float, Passage, Statement]] = []
        negated = question.negated
        for passage in retrieval.passages:
            parsed = self.parsed(passage)
            weight = max(passage.similarity, 0.05)
            section_terms = parsed.section_terms
            passage_terms = parsed.passage_terms
            vectors = self.statement_vectors(passage, parsed)
            meanings = vectors @ retrieval.query_vector if len(vectors) else []
            if retrieval.turn_vector is not None and len(vectors):
                # A follow-up: the latest turn counts as much as the whole conversation.
                meanings = 0.5 * meanings + 0.5 * (vectors @ retrieval.turn_vector)
            for statement, meaning in zip(parsed.statements, meanings):
                # Terms the section heading already has ("file system" in "File Systems in EMR") do not
                # tell its lines apart; the rest of the question does.
                line_terms = statement.own_terms | _label_terms(statement)
                own = 0.5 * (self._coverage(question, line_terms)
                             + self._coverage(question, line_terms, ignore=section_terms))
                group = self._coverage(question, parsed.group_terms.get(statement.group, frozenset()) | section_terms)
                whole = self._coverage(question, passage_terms)
                # What the line means (its embedding) and what it says (shared terms) both count.
                relevance = 0.4 * max(float(meaning), 0.0) + 0.3 * own + 0.15 * group + 0.15 * whole
                if negated and statement.own_terms & negated:
                    relevance *= 0.6  # it is about what the question rules out
                # Squared: a line that matches the question twice as well counts four times as much.
                scored.append((weight * (0.05 + relevance) ** 2, passage, statement))
        if not scored:
            return self.abstain(question_text, retrieval)

        avoid = previous_recommendation(history) if _CONTRAST.search(question_text) else None
        recommendation, support = self._recommend(question, scored, avoid) if question.asks_choice else (None, [])
        return self._compose(question_text, question, recommendation, support, scored, retrieval)

    def _is_name(self, name: str) -> bool:
        """A real name keeps a non-common word once vendor prefixes and "Service(s)" are set aside
        ("Apache Services" and "AWS Preference" are categories, "Apache Airflow" is a name)."""
        words_ = re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", name)
        if len(words_) > 1 and words_[0].lower() in VENDOR_WORDS:
            rest = [w for w in words_[1:] if w.lower() not in ("service", "services")]
            # "AWS Step Functions" is a name; "AWS Preference" and "Apache Offerings" are labels.
            return len(rest) > 1 or (len(rest) == 1 and not self.vocabulary.is_common(rest[0]))
        if len(words_) == 1 and "-" in words_[0] and self.vocabulary.is_common(words_[0].rsplit("-", 1)[1]):
            return False  # "Apache-based", "Event-driven": descriptions, not names
        return any(not self.vocabulary.is_common(w) for w in words_)

    def _recommend(self, question: Question, scored, avoid: str | None = None) -> tuple[str | None, list]:
        allowed = {canonical_key(o) for o in question.options}
        question_terms = set(tokenize(question.text))
        candidates: dict[str, _Candidate] = {}
        for score, passage, statement in scored:
            for name, role in statement.subjects:
                key = canonical_key(name)
                if not key or not self._is_name(name):
                    continue
                if allowed and key not in allowed:
                    continue
                # A name the question already uses is context, not the answer ("our EMR clusters ...");
                # so is a list that includes one ("Amazon Athena and QuickSight" when Athena is asked).
                asked = any(set(canonical_key(part).split()) <= question_terms
                            for part in re.split(r"\s+(?:and|or)\s+|\s*/\s*", name) if canonical_key(part))
                if not allowed and asked and role < ROLE_FIT:
                    continue
                factor = role * (0.3 if statement.distractor and role <= ROLE_MENTION else 1.0)
                candidate = candidates.setdefault(key, _Candidate(name))
                if len(name) > len(candidate.name) and canonical_key(name) == key:
                    candidate.name = name
                factor *= 0.35 if asked and not allowed else 1.0
                if avoid and canonical_key(avoid) == key:
                    factor *= 0.5  # "... instead?": the earlier answer is what is being set aside
                candidate.support.append((score * factor, passage, statement))
        if not candidates:
            return None, []
        destination = bool(re.search(r"\bwhere\b", question.text, re.IGNORECASE))
        for candidate in candidates.values():
            if destination:
                # "Where should logs go?" is answered by "To Amazon S3: ...", not by "Use Athena for ...".
                candidate.support = [
                    (s * (1.5 if _is_destination(candidate.name, st) else 1.0), p, st) for s, p, st in candidate.support
                ]
            # The best statement decides; other passages that back it add a little (one each).
            best_per_passage: dict[str, float] = {}
            for strength, passage, _ in candidate.support:
                best_per_passage[passage.chunk.id] = max(best_per_passage.get(passage.chunk.id, 0.0), strength)
            strengths = sorted(best_per_passage.values(), reverse=True)
            candidate.score = strengths[0] + 0.25 * sum(strengths[1:]) if strengths else 0.0
        ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.name))
        best = ranked[0]
        # The named form the notes use most fully ("Amazon Macie" over "Macie").
        best.support.sort(key=lambda s: -s[0])
        return best.name, best.support

    def _compose(self, question_text, question, recommendation, support, scored, retrieval) -> Answer:
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
            # Lines that warn about distractors come last; the rest by strength.
            for _, passage, statement in sorted(support, key=lambda s: (s[2].distractor, -s[0])):
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
            # A bare heading line ("Node Types") introduces the answer; its children hold it.
            # An answer adds something the question did not say ("gzip, Snappy" over "use supported formats").
            best_score, best_passage, best_statement = max(
                scored,
                key=lambda s: (s[0] * (0.5 if s[2].is_heading else 1.0) * (1.0 + 0.25 * self._novelty(question, s[2])),
                               -s[2].index),
            )
            sentence = _with_context(best_statement, self._best_sentence(best_statement, question))
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
        highlights: dict[int, list[str]] = {}
        if recommendation:
            highlights.setdefault(numbering[support[0][1].chunk.id], []).append(support[0][2].text)
        else:
            highlights.setdefault(numbering[best_passage.chunk.id], []).append(best_statement.text)
        for passage, statement in points:
            lines.append(f"- {_as_sentence(_with_context(statement, statement.text))} [{cite(passage)}]")
            highlights.setdefault(numbering[passage.chunk.id], []).append(statement.text)
        text = "\n".join(lines).strip()
        citations = [
            Citation(
                n=numbering[p.chunk.id],
                source=p.chunk.source,
                section=p.chunk.section,
                text=p.chunk.text,
                score=round(float(p.similarity), 4),
                chunk_id=p.chunk.id,
                lines=highlights.get(numbering[p.chunk.id], []),
            )
            for p in cited
        ]
        return Answer(question=question_text, answer=text, recommendation=recommendation, citations=citations)

    def _novelty(self, question: Question, statement: Statement) -> float:
        """How much rare information a line adds beyond the question's own words (0..1)."""
        new_terms = statement.own_terms - question.terms
        return min(1.0, sum(self.lexical.idf(t) for t in new_terms if t in self.lexical.document_frequency) / 12.0)

    def _best_sentence(self, statement: Statement, question: Question) -> str:
        """The sentence of a long line that shares most of the question's words."""
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", statement.text) if s.strip()]
        if len(sentences) <= 1:
            return statement.text
        # Shared words count by how specific they are in English too: "Hive" tells two sentences of
        # one line apart better than "add" and "run" do.
        specificity: dict[str, float] = {}
        for word in words(question.text):
            term = stem(word)
            specificity[term] = max(specificity.get(term, 0.0), max(0.5, 6.0 - english_frequency(word)))
        idf = self.lexical.idf

        def shared(sentence: str) -> float:
            return sum(idf(t) * specificity.get(t, 1.0) * question.weights.get(t, 0.0) for t in set(tokenize(sentence)))

        return max((shared(s), -i, s) for i, s in enumerate(sentences))[2]

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


def _is_destination(name: str, statement: Statement) -> bool:
    return bool(re.search(rf"\b(?:to|into|in)\s+(?:the\s+)?{re.escape(name)}", statement.text, re.IGNORECASE))


def _label_terms(statement: Statement) -> frozenset[str]:
    return frozenset(tokenize(statement.label)) if statement.label else frozenset()


def _as_sentence(text: str) -> str:
    text = normalise_space(text).rstrip(" :")
    return text if text.endswith((".", "!", "?", ")", "`")) else text + "."


def _with_context(statement: Statement, text: str) -> str:
    """A child line reads with the short line it sits under ("JDBC / ODBC: Allows direct connections")."""
    if statement.context and statement.depth > 0 and not statement.label and statement.context not in text:
        return f"{statement.context.rstrip(':')}: {text}"
    return text


