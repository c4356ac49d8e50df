"""The default answerer: reads the notes for an answer, no model needed.

Every candidate answer is scored against the whole question through everything the notes say about it
(its profile: every line about that name, wherever it is), not through one best line: a line matches
the question by meaning (embeddings) and by words (rarity-weighted overlap), counts as much as it is
about the candidate, more when it puts the candidate forward ("use X", "X is ideal for") and less when
it sets it aside ("alternatives: X"). Each kind of question gets an answer composed for it:

- choice ("which service ..."): the name first, the lines that make it right, the runner-up it beat;
- pasted multiple choice: the option(s) picked, and for each option what the notes say it is for;
- comparison: the notes' points on each thing side by side;
- explanation: a short, ordered summary of the lines about the subject;
- how-to: the steps of the passage that says how;
- fact: the line that says it, with the lines beside it.
A claim the question takes for granted that the notes contradict is corrected first (assistant/premise.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .answer import ComparisonTable, OptionVerdict
from .answerers import Draft, register
from .config import ReaderSettings
from .gate import GateDecision
from .premise import PremiseChecker
from .reading import ROLE_SUBJECT, Entity, Line, ProfileLine, Reading, find_names, name_key
from .retrieval import LexicalIndex, Retrieval
from .text import normalise_space, stem, tokenize
from .understanding import Query
from .vocabulary import CATEGORY_HEADS, GENERIC_ANSWER_TYPES, PRODUCT_ANSWER_TYPES, english_frequency

logger = logging.getLogger(__name__)

MAX_POINTS = 3


# --- matching lines to the question ------------------------------------------------------------


class Matcher:
    """How well each line of the notes matches one question (cached per passage)."""

    def __init__(self, query: Query, retrieval: Retrieval, reading: Reading, lexical: LexicalIndex,
                 settings: ReaderSettings, vector: np.ndarray | None = None, weights: dict[str, float] | None = None) -> None:
        self.query = query
        self.reading = reading
        self.lexical = lexical
        self.settings = settings
        self.vector = retrieval.query_vector if vector is None else vector
        self.focus = retrieval.turn_vector if vector is None else None
        self.weights = weights if weights is not None else query.weights
        self.retrieved = {p.chunk.id: rank for rank, p in enumerate(retrieval.passages)}
        self._cache: dict[str, np.ndarray] = {}
        idf = lexical.idf
        self._idf = {t: idf(t) * w for t, w in self.weights.items()}
        self._total = sum(self._idf.values())

    def coverage(self, terms: frozenset[str] | set[str]) -> float:
        """Rarity-weighted share of the question's words that a set of terms holds."""
        if self._total <= 0:
            return 0.0
        return sum(v for t, v in self._idf.items() if t in terms) / self._total

    def relevance(self, chunk_id: str) -> np.ndarray:
        """One score per line of a passage: meaning and words, both 0..1."""
        cached = self._cache.get(chunk_id)
        if cached is not None:
            return cached
        lines = self.reading.lines(chunk_id)
        vectors = self.reading.line_vectors(chunk_id)
        s = self.settings
        if not lines:
            scores = np.zeros(0, np.float32)
        else:
            dense = vectors @ self.vector if vectors.shape[1] == len(self.vector) else np.zeros(len(lines))
            if self.focus is not None and vectors.shape[1] == len(self.focus):
                dense = (1 - s.follow_up_turn_weight) * dense + s.follow_up_turn_weight * (vectors @ self.focus)
            section_terms = frozenset(tokenize(lines[0].section.split(" > ")[-1])) if lines else frozenset()
            lexical = np.array([0.5 * self.coverage(line.terms) + 0.5 * self.coverage(line.terms | section_terms)
                                for line in lines])
            scores = s.dense_weight * np.maximum(dense, 0.0) + s.lexical_line_weight * lexical
            if self.query.negated:
                hits = np.array([bool(line.terms & self.query.negated) for line in lines])
                scores = np.where(hits, scores * s.negated_line_factor, scores)
            # A line is read with the lines of its idea: "Solution: Use X" means what its "Scenario:" says.
            groups = np.array([line.group for line in lines])
            for group in set(groups.tolist()):
                members = groups == group
                if members.sum() > 1:
                    scores = np.where(members, np.maximum(scores, s.group_share * scores[members].max()), scores)
            if chunk_id in self.retrieved:
                scores = scores * (1.0 + s.retrieved_bonus)
        self._cache[chunk_id] = scores
        return scores

    def line(self, line: Line) -> float:
        scores = self.relevance(line.chunk_id)
        return float(scores[line.index]) if line.index < len(scores) else 0.0


# --- candidates --------------------------------------------------------------------------------


@dataclass
class Candidate:
    entity: Entity
    score: float = 0.0
    support: list[tuple[float, ProfileLine]] = field(default_factory=list)
    factors: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.entity.name

    def describe(self) -> dict:
        best = self.support[0] if self.support else None
        return {"name": self.name, "score": round(self.score, 4), "factors": {k: round(v, 3) for k, v in self.factors.items()},
                "best_line": best[1].line.text[:160] if best else None}


def asked(entity: Entity, query: Query) -> bool:
    """Whether the question itself names this thing (then it is context, not the answer)."""
    terms = set(tokenize(query.stem)) | (set(tokenize(query.previous_question or "")) if query.follow_up else set())
    # The full name, not a short form merged into it: "our Kafka apps" does not name Amazon MSK.
    return bool(entity.key) and set(entity.key.split()) <= terms


class NotesReader:
    """The default answerer (see the module docstring)."""

    name = "default"

    def __init__(self, reading: Reading, lexical: LexicalIndex, settings: ReaderSettings,
                 encode: Callable[[list[str]], np.ndarray]) -> None:
        self.reading = reading
        self.lexical = lexical
        self.settings = settings
        self.encode = encode
        self.premises = PremiseChecker(reading, lexical, settings, encode)

    # --- the answerer protocol ---

    def run(self, query: Query, retrieval: Retrieval, gate: GateDecision, on_token=None) -> Draft:
        matcher = Matcher(query, retrieval, self.reading, self.lexical, self.settings)
        compose = {
            "multiple_choice": self._multiple_choice,
            "comparison": self._comparison,
            "explanation": self._explanation,
            "howto": self._howto,
            "choice": self._choice,
        }.get(query.kind, self._fact)
        draft = compose(query, retrieval, matcher)
        draft.trace.setdefault("query", query.describe())
        premise = self.premises.check(query, retrieval, draft) if query.claims else None
        if premise is not None:
            draft.premise = premise.premise
            draft.text = f"{premise.premise.correction}\n\n{draft.text}"
            for chunk_id, lines in premise.relied_on.items():
                for line in lines:
                    draft.rely_on(chunk_id, line)
            draft.trace["premise"] = premise.trace
        return draft

    # --- scoring candidates ---

    def candidates(self, query: Query, matcher: Matcher, retrieval: Retrieval,
                   restrict: set[str] | None = None) -> list[Candidate]:
        """Every name the retrieved passages are about (or only `restrict`), scored through its profile."""
        keys: set[str] = set()
        if restrict is not None:
            keys = {k for k in (self.reading.names.resolve(r) for r in restrict) if k}
        else:
            for passage in retrieval.passages:
                for line in self.reading.lines(passage.chunk.id):
                    for subject in line.subjects:
                        resolved = self.reading.names.resolve(subject.key)
                        if resolved:
                            keys.add(resolved)
        scored = [self.score(key, query, matcher, use_context=restrict is None) for key in keys]
        scored = [c for c in scored if c is not None and c.score > 0]
        return sorted(scored, key=lambda c: (-c.score, c.name))

    def score(self, key: str, query: Query, matcher: Matcher, use_context: bool = True) -> Candidate | None:
        entity = self.reading.names.entity(key)
        if entity is None:
            return None
        s = self.settings
        support: list[tuple[float, ProfileLine]] = []
        seen: set[tuple[str, int]] = set()
        for item in self.reading.profile(entity.key):
            where = (item.line.chunk_id, item.line.index)
            if where in seen:
                continue
            seen.add(where)
            strength = item.role * matcher.line(item.line) * self._sentence_focus(entity, item.line, matcher)
            if item.cue > 0:
                strength *= 1.0 + s.put_forward_bonus
            elif item.cue < 0:
                strength *= s.set_aside_penalty
            support.append((strength, item))
        if not support:
            return None
        support.sort(key=lambda pair: -pair[0])
        best = support[0][0]
        second = support[1][0] if len(support) > 1 else 0.0
        candidate = Candidate(entity, support=support)
        candidate.factors["profile"] = best + s.second_line_weight * second
        factor = 1.0
        if use_context:
            type_fit = self._type_fit(entity, query)
            candidate.factors["type"] = type_fit
            factor *= type_fit
            if asked(entity, query) and entity.key not in query.alternatives:
                candidate.factors["asked"] = s.asked_name_factor
                factor *= s.asked_name_factor
            if query.setting_aside_previous and query.previous_answer and \
                    self.reading.names.resolve(name_key(query.previous_answer)) == entity.key:
                candidate.factors["previous"] = s.previous_answer_factor
                factor *= s.previous_answer_factor
        candidate.score = candidate.factors["profile"] * factor
        return candidate

    def _sentence_focus(self, entity: Entity, line: Line, matcher: Matcher) -> float:
        """In a line of several sentences, how much the sentence naming this candidate (rather than
        another sentence of the line) holds the question's words: "For Hive-style partitions, run X.
        For non-Hive partitions, run Y." tells X from Y."""
        parts = re.split(r"(?<=[.!?;])\s+", line.text)
        if len(parts) < 2:
            return 1.0
        spellings = [s.lower() for s in entity.spellings] or [entity.name.lower()]
        own = [p for p in parts if any(sp in p.lower() for sp in spellings)]
        if not own or len(own) == len(parts):
            return 1.0
        whole = matcher.coverage(line.terms)
        if whole <= 0:
            return 1.0
        focused = max(matcher.coverage(frozenset(tokenize(p))) for p in own)
        return 0.6 + 0.4 * min(1.0, focused / whole)

    def _type_fit(self, entity: Entity, query: Query) -> float:
        """How well a candidate is of the kind the question asks for ("which node type": Task Nodes)."""
        kind = query.answer_type
        if not kind:
            return 1.0
        words = [w for w in kind.split() if w not in ("type", "types", "kind", "kinds", "sort")]
        if not words or all(w in GENERIC_ANSWER_TYPES for w in words):
            if any(w in PRODUCT_ANSWER_TYPES for w in kind.split()):
                return 1.0 if entity.proper else self.settings.wrong_type_factor
            return 1.0
        wanted = {stem(w) for w in words if w not in GENERIC_ANSWER_TYPES} - self._subject_terms(query)
        if not wanted:
            return 1.0
        own = set(tokenize(entity.name)) | {t for k in entity.aliases for t in k.split()}
        context: set[str] = set()
        for item in self.reading.profile(entity.key)[:12]:
            if item.role >= ROLE_SUBJECT:
                context |= set(tokenize(item.line.context or "")) | set(tokenize(item.line.section.split(" > ")[-1]))
        if wanted & (own | context):
            return 1.0
        # "the MSCK REPAIR TABLE command": the notes call it a thing of the asked kind right beside its name.
        for item in self.reading.profile(entity.key)[:20]:
            for spelling in entity.spellings:
                for word in wanted:
                    pattern = rf"{re.escape(spelling)}\s+{word}\w*|{word}\w*\s+(?:of\s+)?{re.escape(spelling)}"
                    if re.search(pattern, item.line.text, re.IGNORECASE):
                        return 1.0
        return self.settings.wrong_type_factor

    def _subject_terms(self, query: Query) -> set[str]:
        terms: set[str] = set()
        for key in query.subjects:
            terms |= set(key.split())
        return terms

    # --- choice ---

    def _choice(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        if query.answer_type:
            # The words naming the kind of answer ("file system") are shared by every candidate of that
            # kind; what tells them apart is the rest of the question.
            kind_terms = set(tokenize(query.answer_type)) - self._subject_terms(query)
            weights = {t: w for t, w in query.weights.items() if t not in kind_terms}
            if weights:
                matcher = Matcher(query, retrieval, self.reading, self.lexical, self.settings, weights=weights)
        restrict = set(query.alternatives) if query.alternatives else None
        ranked = self.candidates(query, matcher, retrieval, restrict)
        if not ranked:
            return self._fact(query, retrieval, matcher)
        best = ranked[0]
        draft = Draft(kind="choice", text="", recommendation=best.name)
        first = best.support[0][1].line
        lead = f"Use {best.name} {draft.rely_on(first.chunk_id, first.text)}."
        points = []
        used = {(first.chunk_id, first.index)}
        points.append(f"- {_sentence(first.shown)} {draft.rely_on(first.chunk_id, first.text)}")
        for strength, item in best.support[1:]:
            if len(points) >= 2 or strength < 0.5 * best.support[0][0]:
                break
            line = item.line
            if (line.chunk_id, line.index) in used or _same_text(line, first):
                continue
            used.add((line.chunk_id, line.index))
            points.append(f"- {_sentence(line.shown)} {draft.rely_on(line.chunk_id, line.text)}")
        runner = next((c for c in ranked[1:] if c.entity.key != best.entity.key), None)
        if runner is not None and runner.score >= self.settings.runner_up_share * best.score and runner.support:
            line = runner.support[0][1].line
            if (line.chunk_id, line.index) not in used:
                points.append(f"- Rather than {runner.name}: {_sentence(line.shown)} "
                              f"{draft.rely_on(line.chunk_id, line.text)}")
        draft.text = "\n".join([lead, ""] + points)
        draft.trace["candidates"] = [c.describe() for c in ranked[:6]]
        return draft

    # --- fact ---

    def _best_lines(self, query: Query, retrieval: Retrieval, matcher: Matcher, extra_keys: list[str] | None = None,
                    limit: int = 8) -> list[tuple[float, Line]]:
        """The lines that best answer the question, from the retrieved passages (and the profiles of the
        names it asks about): what they say, and a little for what they add beyond the question's words."""
        pool: dict[tuple[str, int], Line] = {}
        for passage in retrieval.passages:
            for line in self.reading.lines(passage.chunk.id):
                pool[(line.chunk_id, line.index)] = line
        for key in extra_keys or []:
            for item in self.reading.profile(key):
                pool[(item.line.chunk_id, item.line.index)] = item.line
        scored = []
        for line in pool.values():
            score = matcher.line(line)
            if _is_heading_line(line):
                score *= 0.5  # "Node Types" introduces the answer; the lines under it hold it
            score *= 1.0 + 0.25 * self._novelty(query, line)
            scored.append((score, line))
        scored.sort(key=lambda pair: (-pair[0], pair[1].chunk_id, pair[1].index))
        return scored[:limit]

    def _novelty(self, query: Query, line: Line) -> float:
        """How much rare information a line adds beyond the question's own words (0..1)."""
        new = line.terms - query.terms
        return min(1.0, sum(self.lexical.idf(t) for t in new if t in self.lexical.document_frequency) / 12.0)

    def _fact(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        best = self._best_lines(query, retrieval, matcher, query.subjects[:2])
        draft = Draft(kind=query.kind if query.kind != "choice" else "fact", text="")
        if not best:
            draft.text = "Your notes say nothing more specific about this."
            return draft
        top_score, top = best[0]
        lead = f"{_sentence(self._best_sentence(top, query))} {draft.rely_on(top.chunk_id, top.text)}"
        points = []
        for score, line in best[1:]:
            if len(points) >= MAX_POINTS - 1 or score < 0.6 * top_score:
                break
            if _same_text(line, top) or any(_same_text(line, other) for _, other in best[: best.index((score, line))]
                                            if other is not line and other is not top and False):
                continue
            points.append(f"- {_sentence(line.shown)} {draft.rely_on(line.chunk_id, line.text)}")
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in best[:5]]
        return draft

    def _best_sentence(self, line: Line, query: Query) -> str:
        """Of a long line, the sentence that shares the question's most specific words."""
        parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.shown) if p.strip()]
        if len(parts) <= 1:
            return line.shown
        idf = self.lexical.idf

        def shared(sentence: str) -> float:
            return sum(idf(t) * max(0.5, 6.0 - english_frequency(t)) * query.weights.get(t, 0.0)
                       for t in set(tokenize(sentence)))

        return max((shared(p), -i, p) for i, p in enumerate(parts))[2]

    # --- explanation ---

    def _explanation(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        subject = self._subject_of(query, retrieval, matcher)
        draft = Draft(kind="explanation", text="")
        if subject is None:
            fact = self._fact(query, retrieval, matcher)
            fact.kind = "explanation"
            return fact
        entity = self.reading.names.entity(subject)
        assert entity is not None
        scored: list[tuple[float, Line]] = []
        seen: set[str] = set()
        for item in self.reading.profile(entity.key):
            text = normalise_space(item.line.text).lower()
            if text in seen or _is_heading_line(item.line) and len(self.reading.profile(entity.key)) > 3:
                continue
            seen.add(text)
            scored.append((item.role * (0.4 + matcher.line(item.line)) * (1.2 if item.role >= ROLE_SUBJECT else 1.0), item.line))
        for _, line in self._best_lines(query, retrieval, matcher, limit=4):
            text = normalise_space(line.text).lower()
            if text not in seen:
                seen.add(text)
                scored.append((0.5 * (0.4 + matcher.line(line)), line))
        scored.sort(key=lambda pair: -pair[0])
        chosen = [line for _, line in scored[:5]]
        order = {cid: i for i, cid in enumerate(self.reading.chunks)}
        chosen.sort(key=lambda line: (order.get(line.chunk_id, 0), line.index))
        lead_line = chosen[0] if chosen else None
        if lead_line is None:
            return self._fact(query, retrieval, matcher)
        lead = f"{entity.name}: {_sentence(_strip_label(lead_line, entity))} {draft.rely_on(lead_line.chunk_id, lead_line.text)}"
        points = [f"- {_sentence(line.shown)} {draft.rely_on(line.chunk_id, line.text)}" for line in chosen[1:]]
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["subject"] = entity.name
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in scored[:6]]
        return draft

    def _subject_of(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> str | None:
        """The thing a question asks about: a name it uses, else the best-matching name of the passages."""
        keys = [k for k in (self.reading.names.resolve(s) for s in query.subjects) if k]
        if keys:
            # The most specific name the question uses ("subscription filter" over "CloudWatch Logs").
            return max(keys, key=lambda k: (len(k.split()), -query.subjects.index(k) if k in query.subjects else 0))
        ranked = self.candidates(query, matcher, retrieval)
        return ranked[0].entity.key if ranked else None

    # --- how-to ---

    def _howto(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        best = self._best_lines(query, retrieval, matcher, query.subjects[:2], limit=12)
        draft = Draft(kind="howto", text="")
        if not best:
            return self._fact(query, retrieval, matcher)
        top_score = best[0][0]
        steps = [line for score, line in best if score >= 0.6 * top_score][:5]
        order = {cid: i for i, cid in enumerate(self.reading.chunks)}
        steps.sort(key=lambda line: (order.get(line.chunk_id, 0), line.index))
        lead_line = best[0][1]
        lead = f"{_sentence(self._best_sentence(lead_line, query))} {draft.rely_on(lead_line.chunk_id, lead_line.text)}"
        others = [line for line in steps if line is not lead_line]
        points = [f"{number}. {_sentence(line.shown)} {draft.rely_on(line.chunk_id, line.text)}"
                  for number, line in enumerate(others, start=1)]
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in best[:6]]
        return draft

    # --- comparison ---

    def _comparison(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        keys: list[str] = []
        for key in query.alternatives + query.subjects:
            resolved = self.reading.names.resolve(key)
            if resolved and resolved not in keys:
                keys.append(resolved)
        keys = keys[:3]
        if len(keys) < 2:
            fact = self._fact(query, retrieval, matcher)
            fact.kind = "comparison"
            return fact
        draft = Draft(kind="comparison", text="")
        columns = [""]
        per_subject: list[list[Line]] = []
        for key in keys:
            entity = self.reading.names.entity(key)
            assert entity is not None
            columns.append(entity.name)
            scored = []
            seen: set[str] = set()
            for item in self.reading.profile(key):
                text = normalise_space(item.line.text).lower()
                if text in seen or _is_heading_line(item.line):
                    continue
                seen.add(text)
                scored.append((item.role * (0.3 + matcher.line(item.line)), item.line))
            scored.sort(key=lambda pair: -pair[0])
            per_subject.append([line for _, line in scored[:3]])
        rows: list[list[str]] = []
        lines_text: list[str] = []
        for position in range(max(len(lines) for lines in per_subject)):
            row = [_aspect(per_subject, position)]
            for key, lines in zip(keys, per_subject):
                if position < len(lines):
                    line = lines[position]
                    cell = f"{_sentence(_strip_label(line, self.reading.names.entity(key)))} {draft.rely_on(line.chunk_id, line.text)}"
                else:
                    cell = "-"
                row.append(cell)
            rows.append(row)
        for column, lines in zip(columns[1:], per_subject):
            for line in lines:
                lines_text.append(f"- {column}: {_sentence(_strip_label(line, None))} {draft.rely_on(line.chunk_id, line.text)}")
        lead = f"{' vs '.join(columns[1:])}: what your notes say about each."
        draft.text = "\n".join([lead, ""] + lines_text)
        draft.table = ComparisonTable(columns, rows)
        draft.trace["compared"] = columns[1:]
        return draft

    # --- pasted multiple choice ---

    def _multiple_choice(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        stem_vector, *option_vectors = self.encode([query.stem] + [o.text for o in query.options])
        stem_matcher = Matcher(query, retrieval, self.reading, self.lexical, self.settings,
                               vector=np.asarray(stem_vector, np.float32),
                               weights={t: 1.0 for t in tokenize(query.stem) if t not in query.negated})
        keys_all = self.reading.names.all_keys
        verdicts: list[tuple[float, str, Line | None]] = []
        for option, vector in zip(query.options, option_vectors):
            keys = [k for k in (self.reading.names.resolve(key) for key, _, _ in find_names(option.text, keys_all)) if k]
            option_terms = set(tokenize(option.text))
            best_score, best_line = 0.0, None
            for key in dict.fromkeys(keys):
                candidate = self.score(key, query, stem_matcher, use_context=False)
                if candidate and candidate.score > best_score:
                    best_score, best_line = candidate.score, candidate.support[0][1].line
            statement_score, statement_line = self._statement_support(option_terms, np.asarray(vector, np.float32),
                                                                     stem_matcher, retrieval)
            # A named option is judged by its name's profile; any option also by the line that says it.
            score = max(best_score, statement_score) if keys else statement_score
            line = best_line if keys and best_score >= statement_score else statement_line
            verdicts.append((score, option.letter, line))
        ranked = sorted(verdicts, key=lambda v: -v[0])
        picked = {letter for _, letter, _ in ranked[: max(1, query.picks)]}
        draft = Draft(kind="multiple_choice", text="")
        choice: str | list[str] = sorted(picked) if query.picks > 1 else next(iter(picked))
        draft.choice = choice
        lead_parts, reasons = [], []
        for (score, letter, line), option in zip(verdicts, query.options):
            if line is not None:
                what = f"{_sentence(_strip_label(line, None))} {draft.rely_on(line.chunk_id, line.text)}"
            else:
                what = "Your notes say nothing about this option."
            verdict = OptionVerdict(letter, option.text, letter in picked, what, round(score, 4))
            draft.options.append(verdict)
            if letter in picked:
                lead_parts.append(f"{letter}) {option.text}")
                reasons.append(f"- {letter}) {option.text}: {what}")
        others = [f"- Not {o.letter}) {o.text}: {o.reason}" for o in draft.options if not o.picked]
        answer_word = "Answers" if len(lead_parts) > 1 else "Answer"
        draft.text = "\n".join([f"{answer_word}: {' and '.join(lead_parts)}.", ""] + reasons + others)
        draft.recommendation = " and ".join(o.text for o in draft.options if o.picked)
        draft.trace["options"] = [{"letter": letter, "score": round(score, 4)} for score, letter, _ in verdicts]
        return draft

    def _statement_support(self, option_terms: set[str], option_vector: np.ndarray, matcher: Matcher,
                           retrieval: Retrieval) -> tuple[float, Line | None]:
        """How well the notes back an option as a statement: a line that matches the question and says
        what the option says (its meaning and its distinctive words)."""
        best_score, best_line = 0.0, None
        idf = self.lexical.idf
        weight = sum(idf(t) for t in option_terms) or 1.0
        for passage in retrieval.passages:
            lines = self.reading.lines(passage.chunk.id)
            vectors = self.reading.line_vectors(passage.chunk.id)
            if not lines or vectors.shape[1] != len(option_vector):
                continue
            meaning = vectors @ option_vector
            relevance = matcher.relevance(passage.chunk.id)
            for line, says, fits in zip(lines, meaning, relevance):
                words = sum(idf(t) for t in option_terms if t in line.terms) / weight
                score = float(fits) * (0.5 * max(float(says), 0.0) + 0.5 * words)
                if score > best_score:
                    best_score, best_line = score, line
        return best_score, best_line


def _is_heading_line(line: Line) -> bool:
    return line.kind == "item" and len(line.text.split()) <= 6 and not line.text.rstrip().endswith(".") and not line.label


def _same_text(a: Line, b: Line) -> bool:
    return normalise_space(a.text).lower() == normalise_space(b.text).lower()


def _sentence(text: str) -> str:
    text = normalise_space(text).rstrip(" :")
    return text if text.endswith((".", "!", "?", ")", "`")) else text + "."


def _strip_label(line: Line, entity: Entity | None) -> str:
    """A line without its label when the label only repeats the subject ("Amazon AppFlow: ...")."""
    if line.label and line.body and line.kind in ("item", "sentence", "row", "cell"):
        if entity is None or name_key(line.label) in ({entity.key} | entity.aliases) or line.kind in ("row", "cell"):
            return line.body if line.kind != "cell" else f"{line.label}: {line.body}"
    return line.shown


def _aspect(per_subject: list[list[Line]], position: int) -> str:
    labels = {line.label for lines in per_subject if position < len(lines) for line in [lines[position]]
              if line.label and line.kind == "cell"}
    return labels.pop() if len(labels) == 1 else f"Point {position + 1}"


@register("default")
def build_reader(reading: Reading, lexical: LexicalIndex, settings: ReaderSettings, encode) -> NotesReader:
    return NotesReader(reading, lexical, settings, encode)


__all__ = ["NotesReader", "Matcher", "Candidate", "CATEGORY_HEADS"]
