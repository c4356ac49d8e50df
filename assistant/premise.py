"""Checking what a question takes for granted ("Since Macie orchestrates Glue jobs, ...") against the notes.

A claim is contradicted when the notes' line that speaks to it says otherwise:
- the line says the opposite (one of them negates: "cannot be split" against "are splittable"), or gives
  another value for the same thing (another number, "single" against "several", "indefinitely" against
  "after 30 days");
- or what the claim says of its subject, the notes say of something else, and nothing about the subject
  comes close ("orchestrates Glue jobs" is what Step Functions does, not Macie), or the notes fill the
  claim's slot with another name ("Trino is the underlying engine", not Flink).
The correction comes first in the answer, with its citation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .answer import Premise
from .config import ReaderSettings
from .reading import Line, Reading, find_names
from .retrieval import LexicalIndex, Retrieval
from .text import normalise_space, tokenize
from .understanding import Query

logger = logging.getLogger(__name__)

_NEGATION = re.compile(r"\b(?:not|no|never|cannot|can't|don't|doesn't|isn't|aren't|won't|without|non-\w+|neither|nor)\b",
                       re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")

#: Pairs of words that give opposite values to the same thing (general English).
OPPOSITES = [
    ("single", "several"), ("single", "multiple"), ("one", "several"), ("one", "multiple"), ("single", "many"),
    ("automatic", "manual"), ("automatically", "manually"), ("automatically", "manual"), ("automatic", "manually"),
    ("stateless", "stateful"), ("synchronous", "asynchronous"), ("always", "never"), ("all", "none"),
    ("indefinitely", "days"), ("indefinitely", "expire"), ("indefinitely", "delete"), ("indefinitely", "deletes"),
    ("persistent", "temporary"), ("persistent", "ephemeral"), ("permanent", "temporary"), ("public", "private"),
    ("same", "separate"), ("same", "different"), ("shared", "separate"), ("cheaper", "expensive"),
    ("faster", "slower"), ("encrypted", "unencrypted"), ("splittable", "split"), ("free", "paid"),
    ("increase", "decrease"), ("before", "after"), ("inside", "outside"), ("internal", "external"),
    ("read-only", "read-write"), ("optional", "required"), ("default", "custom"),
]
_OPPOSITE_OF: dict[str, set[str]] = {}
for _a, _b in OPPOSITES:
    _OPPOSITE_OF.setdefault(_a, set()).add(_b)
    _OPPOSITE_OF.setdefault(_b, set()).add(_a)


@dataclass
class PremiseResult:
    premise: Premise
    relied_on: dict[str, list[str]] = field(default_factory=dict)
    trace: dict = field(default_factory=dict)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z\-']*", text)}


def opposed(claim: str, line: str) -> str | None:
    """Why a line says the opposite of a claim about the same thing, or None."""
    if bool(_NEGATION.search(claim)) != bool(_NEGATION.search(line)):
        return "negation"
    claim_numbers, line_numbers = set(_NUMBER.findall(claim)), set(_NUMBER.findall(line))
    if claim_numbers and line_numbers and not claim_numbers & line_numbers:
        return "number"
    claim_words, line_words = _words(claim), _words(line)
    for word in claim_words:
        if _OPPOSITE_OF.get(word, set()) & line_words and word not in line_words:
            return "opposite"
    return None


class PremiseChecker:
    def __init__(self, reading: Reading, lexical: LexicalIndex, settings: ReaderSettings,
                 encode: Callable[[list[str]], np.ndarray]) -> None:
        self.reading = reading
        self.lexical = lexical
        self.settings = settings
        self.encode = encode

    def check(self, query: Query, retrieval: Retrieval, draft) -> PremiseResult | None:
        for claim in query.claims:
            result = self._check_claim(claim, retrieval)
            if result is not None:
                return result
        return None

    def _check_claim(self, claim: str, retrieval: Retrieval) -> PremiseResult | None:
        names = self.reading.names
        found = [(names.resolve(k), s, e) for k, s, e in find_names(claim, names.all_keys)]
        found = [(k, s, e) for k, s, e in found if k]
        if not found:
            return None
        subject = found[0][0]
        others_named = {k for k, _, _ in found[1:] if k != subject}
        vector = np.asarray(self.encode([claim])[0], np.float32)
        claim_terms = set(tokenize(claim))
        # The line about the subject that speaks to the claim.
        best_own, own_line = -1.0, None
        for item in self.reading.profile(subject):
            score = self._similarity(item.line, vector)
            if score > best_own:
                best_own, own_line = score, item.line
        if own_line is None:
            return None
        trace = {"claim": claim, "subject": names.display(subject), "own_line": own_line.text[:160],
                 "own_similarity": round(best_own, 4)}
        s = self.settings
        overlap = self._overlap(claim_terms - set(tokenize(names.display(subject))), own_line)
        reason = opposed(claim, own_line.text) if best_own >= s.premise_same_topic and overlap >= s.premise_overlap else None
        if reason:
            trace["reason"] = reason
            return self._result(claim, own_line, None, trace)
        # What the claim says of its subject, said of another name.
        best_other, other_line, other_key = -1.0, None, None
        for passage in retrieval.passages:
            for line in self.reading.lines(passage.chunk.id):
                main = line.main_subject
                if main is None:
                    continue
                key = names.resolve(main.key)
                if key is None or key == subject or key in others_named:
                    continue
                score = self._similarity(line, vector)
                if score > best_other:
                    best_other, other_line, other_key = score, line, key
        trace.update({"other_line": other_line.text[:160] if other_line else None, "other_similarity": round(best_other, 4)})
        if other_line is not None and best_other - best_own >= s.premise_margin and best_own < s.premise_same_topic:
            trace["reason"] = "said of another name"
            return self._result(claim, own_line, (names.display(other_key), other_line), trace)
        # The notes fill the claim's slot with another name ("Trino is the underlying engine", not Flink).
        if others_named and best_own >= s.premise_same_topic:
            line_keys = {names.resolve(x.key) for x in own_line.subjects}
            if not (others_named & line_keys):
                rivals = [x for x in own_line.subjects if names.resolve(x.key) not in (subject, None)
                          and x.role >= 0.9 and names.entity(x.key) is not None and names.entity(x.key).proper]
                if rivals:
                    trace["reason"] = "another name in its place"
                    return self._result(claim, own_line, None, trace)
        return None

    def _similarity(self, line: Line, vector: np.ndarray) -> float:
        vectors = self.reading.line_vectors(line.chunk_id)
        if line.index >= len(vectors) or vectors.shape[1] != len(vector):
            return 0.0
        return float(vectors[line.index] @ vector)

    def _overlap(self, terms: set[str], line: Line) -> float:
        idf = self.lexical.idf
        total = sum(idf(t) for t in terms)
        return sum(idf(t) for t in terms if t in line.terms) / total if total else 0.0

    def _result(self, claim: str, own_line: Line, other: tuple[str, Line] | None, trace: dict) -> PremiseResult:
        from .answerers import ref

        relied = {own_line.chunk_id: [own_line.text]}
        correction = (f"Your notes do not support the premise \"{normalise_space(claim)}\": they say "
                      f"\"{normalise_space(own_line.shown)}\" {ref(own_line.chunk_id)}")
        if other is not None:
            name, line = other
            relied.setdefault(line.chunk_id, []).append(line.text)
            correction += f"; that is what {name} is for: \"{normalise_space(line.shown)}\" {ref(line.chunk_id)}"
        return PremiseResult(Premise(claim=claim, correction=correction + "."), relied, trace)
