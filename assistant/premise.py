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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .answer import Premise
from .config import ReaderSettings
from .reading import Line, Reading, find_names
from .retrieval import LexicalIndex, Retrieval
from .text import normalise_space, tokenize
from .understanding import Query

logger = logging.getLogger(__name__)

# A negation word on its own ("cannot be split"), not a compound ("no-code", "non-technical").
_NEGATION = re.compile(
    r"(?<![\w-])(?:not|no|never|cannot|can't|don't|doesn't|isn't|aren't|won't|without|neither|nor)(?![\w-])",
    re.IGNORECASE,
)
_AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "can",
        "cannot",
        "could",
        "does",
        "do",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "should",
        "must",
        "may",
        "might",
        "only",
        "always",
        "never",
        "also",
        "automatically",
        "just",
        "already",
    ]
)
_FUNCTION_WORDS = frozenset(
    [
        "and",
        "or",
        "but",
        "so",
        "if",
        "as",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "into",
        "onto",
        "than",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "our",
        "my",
        "your",
        "their",
        "we",
        "i",
        "you",
        "they",
        "he",
        "she",
        "which",
        "what",
        "who",
        "when",
        "where",
        "why",
        "how",
    ]
)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")

#: Pairs of words that give opposite values to the same thing (general English).
OPPOSITES = [
    ("single", "several"),
    ("single", "multiple"),
    ("one", "several"),
    ("one", "multiple"),
    ("single", "many"),
    ("automatic", "manual"),
    ("automatically", "manually"),
    ("automatically", "manual"),
    ("automatic", "manually"),
    ("stateless", "stateful"),
    ("synchronous", "asynchronous"),
    ("always", "never"),
    ("all", "none"),
    ("indefinitely", "days"),
    ("indefinitely", "expire"),
    ("indefinitely", "delete"),
    ("indefinitely", "deletes"),
    ("persistent", "temporary"),
    ("persistent", "ephemeral"),
    ("permanent", "temporary"),
    ("public", "private"),
    ("same", "separate"),
    ("same", "different"),
    ("shared", "separate"),
    ("cheaper", "expensive"),
    ("faster", "slower"),
    ("encrypted", "unencrypted"),
    ("splittable", "split"),
    ("free", "paid"),
    ("increase", "decrease"),
    ("before", "after"),
    ("inside", "outside"),
    ("internal", "external"),
    ("read-only", "read-write"),
    ("optional", "required"),
    ("default", "custom"),
    ("no-code", "script"),
    ("no-code", "scripts"),
    ("no-code", "coding"),
    ("no-code", "programming"),
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


_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_COUNTED = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(?!of\b|or\b|and\b|another\b|by\b)[a-z]", re.IGNORECASE)


def _numbers(text: str) -> set[str]:
    """The numbers a text gives, in digits or as a counting word ("one log group", not "one of")."""
    return set(_NUMBER.findall(text)) | {_NUMBER_WORDS[m.group(1).lower()] for m in _COUNTED.finditer(text)}


def opposed(claim: str, line: str) -> str | None:
    """Why a line says the opposite of a claim about the same thing, or None."""
    if bool(_NEGATION.search(claim)) != bool(_NEGATION.search(line)):
        return "negation"
    claim_numbers, line_numbers = _numbers(claim), _numbers(line)
    if claim_numbers and line_numbers and not claim_numbers & line_numbers:
        return "number"
    claim_words, line_words = _words(claim), _words(line)
    for word in claim_words:
        if _OPPOSITE_OF.get(word, set()) & line_words and word not in line_words:
            return "opposite"
    return None


def _negation_bears(claim: str, line: str) -> bool:
    """Whether a negation on one side is about words the other side uses: the few words after each "not"."""
    negated, other = (claim, line) if _NEGATION.search(claim) else (line, claim)
    other_terms = set(tokenize(other))
    for match in _NEGATION.finditer(negated):
        following = re.findall(r"[A-Za-z0-9][\w'-]*", negated[match.end() :])[:4]
        if set(tokenize(" ".join(following))) & other_terms:
            return True
    return False


def _is_grammatical_subject(claim: str, start: int, end: int) -> bool:
    """Whether the name at claim[start:end] is what the claim is about: it opens the claim (after "the" or
    a modifier or two: "gzip-compressed CSV files") and a verb follows it ("Macie orchestrates", "Task
    nodes store", "Athena is"), or a noun and then an auxiliary ("CSV files are"); not a noun and a verb
    ("EMR team needs": the team is the subject)."""
    before = [w.lower() for w in claim[:start].split()]
    if before and before[0] in ("the", "a", "an", "all"):
        before = before[1:]
    if len(before) > 2 or any(
        w in _FUNCTION_WORDS or w in _AUXILIARIES or not re.fullmatch(r"[a-z0-9][\w-]*", w) for w in before
    ):
        return False
    following = re.findall(r"[A-Za-z']+", claim[end:])
    if not following:
        return False
    word = following[0].lower()
    name = claim[start:end]
    if word in ("versus", "vs", "plus", "minus"):
        return False
    if (
        word in _AUXILIARIES
        or bool(re.fullmatch(r"[a-z]+(?:s|ed)", word) and not word.endswith("ss"))
        or (name.lower().endswith("s") and word.isalpha() and word not in ("and", "or", "vs", "versus"))
    ):
        return True
    # "CSV files are ...": the name qualifies a noun that is the subject of an auxiliary.
    return len(following) > 1 and following[1].lower() in _AUXILIARIES and word not in _FUNCTION_WORDS


def _is_bare(line: Line) -> bool:
    """A heading-like line ("Benefits", "Key Features") that says nothing on its own."""
    return len(line.text.split()) <= 4 and not line.text.rstrip().endswith(".")


class PremiseChecker:
    def __init__(
        self,
        reading: Reading,
        lexical: LexicalIndex,
        settings: ReaderSettings,
        encode: Callable[[list[str]], np.ndarray],
    ) -> None:
        self.reading = reading
        self.lexical = lexical
        self.settings = settings
        self.encode = encode

    def apply(self, query: Query, retrieval: Retrieval, draft) -> None:
        """When the question asserts something the notes contradict, put the correction first in the draft,
        rely on its lines (so they are cited) and trace it. Any answerer's draft goes through here."""
        if not query.claims:
            return
        result = self.check(query, retrieval, draft)
        if result is None:
            return
        draft.premise = result.premise
        draft.text = f"{result.premise.correction}\n\n{draft.text}"
        for chunk_id, lines in result.relied_on.items():
            for line in lines:
                draft.rely_on(chunk_id, line)
        draft.trace["premise"] = result.trace

    def check(self, query: Query, retrieval: Retrieval, draft) -> PremiseResult | None:
        for claim in query.claims:
            result = self._check_claim(claim, retrieval)
            if result is not None:
                return result
        return None

    def _check_claim(self, claim: str, retrieval: Retrieval) -> PremiseResult | None:
        names = self.reading.names
        resolved = [
            (names.resolve(k), s, e)
            for k, s, e in find_names(claim, names.all_keys, plain=names.plain_keys, shouted=names.shouted_keys)
        ]
        found = [(k, s, e) for k, s, e in resolved if k]
        if not found:
            return self._contradicted_in_words(claim, retrieval)
        # The claim's subject is the first name that is its grammatical subject, the most specific one where
        # names overlap ("CloudWatch log groups delete ...", "Athena runs on Apache Flink", "gzip CSV files are").
        subjects = [
            f for f in found if _is_grammatical_subject(claim, f[1], f[2]) and self._spelled(f[0], claim[f[1] : f[2]])
        ]
        if not subjects:
            # No name is what it is about ("the Multi-AZ standby serves reads"): only a line that speaks to the
            # whole claim in its own words and says the opposite can contradict it; a situation ("An EMR team
            # needs ...") has none.
            return self._contradicted_in_words(claim, retrieval)
        subject, start, end = min(subjects, key=lambda f: (f[1], -(f[2] - f[1])))
        others_named = {k for k, _, _ in found if k != subject}
        predicate = (claim[:start] + claim[end:]).strip(" ,.") or claim
        claim_vector, predicate_vector = (np.asarray(v, np.float32) for v in self.encode([claim, predicate]))
        s = self.settings
        own = [
            item.line for item in self.reading.profile(subject) if not _is_bare(item.line) and item.line.kind != "code"
        ]
        pool = {(line.chunk_id, line.index): line for line in own}
        for passage in retrieval.passages:
            for line in self.reading.lines(passage.chunk.id):
                if not _is_bare(line) and line.kind != "code":
                    pool.setdefault((line.chunk_id, line.index), line)
        ranked = sorted(pool.values(), key=lambda line: -self._similarity(line, claim_vector))
        trace: dict = {"claim": claim, "subject": names.display(subject), "predicate": predicate}
        self.last_trace = trace
        # 1. The line that speaks to the claim says the opposite.
        claim_terms = set(tokenize(predicate))
        for line in ranked[:3]:
            similarity = self._similarity(line, claim_vector)
            reason = opposed(claim, line.text)
            overlap = self._overlap(claim_terms, line)
            trace.setdefault("checked", []).append(
                {
                    "line": line.text[:120],
                    "similarity": round(similarity, 3),
                    "overlap": round(overlap, 3),
                    "opposed": reason,
                }
            )
            main = line.main_subject
            own_topic = main is not None and names.resolve(main.key) == subject
            # A line about the claim's own subject needs less closeness in meaning when it shares the words.
            close = similarity >= (s.premise_own_line_topic if own_topic else s.premise_same_topic)
            # An opposite word in a line about the claim's own subject is the contested point itself ("write
            # scripts" against "a no-code tool"): the words around it need not be shared.
            if (
                reason
                and close
                and (
                    overlap >= s.premise_overlap
                    or similarity >= s.premise_close
                    or (reason == "opposite" and own_topic)
                )
            ):
                trace["reason"] = reason
                return self._result(claim, line, None, trace)

        # 2. What the claim says of its subject, the notes say of something else.
        def fit(line: Line) -> float:
            # Meaning and the claim's rarer words: "importing Salesforce and Slack data" is AppFlow's line
            # in words even where a line about the subject is close in meaning.
            return self._similarity(line, predicate_vector) + s.premise_word_weight * self._overlap(claim_terms, line)

        best_own, own_line = max(((fit(line), line) for line in own), key=lambda pair: pair[0], default=(0.0, None))
        # What the notes say the subject IS: its most direct line (its label, a line that puts it forward).
        defining = max(
            (item for item in self.reading.profile(subject) if not _is_bare(item.line) and item.cue >= 0),
            key=lambda item: (item.role, self._similarity(item.line, claim_vector)),
            default=None,
        )
        best_other, other_line = 0.0, None
        other_key: str | None = None
        for line in ranked[:40]:
            main = line.main_subject
            key = names.resolve(main.key) if main else None
            if key is None or key == subject or key in others_named:
                continue
            similarity = fit(line)
            if similarity > best_other:
                best_other, other_line, other_key = similarity, line, key
        trace.update(
            {
                "own_line": own_line.text[:120] if own_line else None,
                "own_similarity": round(best_own, 3),
                "other_line": other_line.text[:120] if other_line else None,
                "other_similarity": round(best_other, 3),
            }
        )
        gap = best_other - best_own
        # "Data Exchange is the tool for importing our Salesforce data": the notes tie Salesforce to AppFlow's
        # line and to none of Data Exchange's, so the claim mixes the two up even where Data Exchange's own
        # lines are close in meaning (both are about "data").
        tied_elsewhere = (
            other_line is not None
            and bool(others_named & {names.resolve(x.key) for x in other_line.subjects})
            and not others_named & {names.resolve(x.key) for line in own for x in line.subjects}
        )
        trace["tied_elsewhere"] = tied_elsewhere
        if (
            own_line is not None
            and other_line is not None
            and other_key is not None  # set with other_line
            and gap >= s.premise_margin
            and (best_own < s.premise_same_topic or gap >= 2 * s.premise_margin or tied_elsewhere)
        ):
            trace["reason"] = "said of another name"
            shown = defining.line if defining is not None else own_line
            return self._result(claim, shown, (names.display(other_key), other_line), trace)
        # 3. The notes fill the claim's slot with another name ("Trino is the underlying engine", not Flink).
        if others_named and ranked:
            line = ranked[0]
            if self._similarity(line, claim_vector) >= s.premise_same_topic:
                line_keys = {names.resolve(x.key) for x in line.subjects}
                rivals = [
                    x
                    for x in line.subjects
                    if names.resolve(x.key) not in {subject, None} | others_named
                    and x.role >= 0.9
                    and ((entity := names.entity(x.key)) is not None and entity.proper)
                ]
                if rivals and not (others_named & line_keys):
                    trace["reason"] = "another name in its place"
                    return self._result(claim, line, None, trace)
        return None

    def _contradicted_in_words(self, claim: str, retrieval: Retrieval) -> PremiseResult | None:
        s = self.settings
        claim_vector = np.asarray(self.encode([claim])[0], np.float32)
        claim_terms = set(tokenize(claim))
        trace: dict = {"claim": claim, "subject": None}
        self.last_trace = trace
        lines = [
            line
            for passage in retrieval.passages
            for line in self.reading.lines(passage.chunk.id)
            if not _is_bare(line) and line.kind != "code"
        ]
        for line in sorted(lines, key=lambda line: -self._similarity(line, claim_vector))[:3]:
            similarity, overlap = self._similarity(line, claim_vector), self._overlap(claim_terms, line)
            reason = opposed(claim, line.text)
            trace.setdefault("checked", []).append(
                {"line": line.text[:120], "similarity": round(similarity, 3), "overlap": round(overlap, 3)}
            )
            # Both bars of a line about the claim's own subject at once: close in meaning and in words; and a
            # "not" must bear on what the other side says ("does not serve reads" against "serves reads"; not
            # "without running databases" against a line that says nothing of running them).
            if reason == "negation" and not _negation_bears(claim, line.text):
                continue
            if reason in ("negation", "opposite") and similarity >= s.premise_close and overlap >= s.premise_overlap:
                trace["reason"] = reason
                return self._result(claim, line, None, trace)
        return None

    def _spelled(self, key: str, written: str) -> bool:
        """Whether the claim writes a name as the notes do (up to case and a plural): a word that only
        shares a stem with a name ("Executives" - "Execution", "Logs" - "logging", "running" - "RUN") is
        not the name."""
        entity = self.reading.names.entity(key)
        if entity is None:
            return False
        forms = {written.lower(), written.lower().rstrip("s"), written.lower() + "s"}
        return any(spelling.lower() in forms for spelling in entity.spellings)

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
        correction = (
            f'Your notes do not support the premise "{normalise_space(claim)}": they say '
            f'"{normalise_space(own_line.shown)}" {ref(own_line.chunk_id)}'
        )
        if other is not None:
            name, line = other
            relied.setdefault(line.chunk_id, []).append(line.text)
            correction += f'; that is what {name} is for: "{normalise_space(line.shown)}" {ref(line.chunk_id)}'
        return PremiseResult(Premise(claim=claim, correction=correction + "."), relied, trace)
