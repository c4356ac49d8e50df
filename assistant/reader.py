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

import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from .answer import ComparisonTable, OptionVerdict
from .answerers import Draft, register
from .config import ReaderSettings
from .gate import GateDecision
from .premise import PremiseChecker
from .reading import (
    ROLE_HEADING,
    ROLE_MENTION,
    ROLE_PARENT,
    ROLE_PUT_FORWARD,
    ROLE_SUBJECT,
    SIDE_BY_SIDE,
    VENDOR_STEMS,
    Entity,
    Line,
    ProfileLine,
    Reading,
    asks_how,
    command_phrase,
    find_names,
    instructs,
    is_code_identifier,
    is_shouted,
    lists_items,
    name_key,
)
from .retrieval import LexicalIndex, Retrieval
from .text import asking_sentence, loose_sentences, normalise_space, sentences, stem, tokenize, words
from .understanding import Query
from .vocabulary import (
    CATEGORY_HEADS,
    GENERIC_ANSWER_TYPES,
    PRODUCT_ANSWER_TYPES,
    QUESTION_WORDS,
    SETTING_WORDS,
    VENDOR_WORDS,
    WAYS_WORDS,
    english_frequency,
    states_amount,
)
from .wording import looks_like_verb

logger = logging.getLogger(__name__)

MAX_POINTS = 3

#: What a candidate answer's score is made of (weights: ReaderSettings.candidate_weights).
CANDIDATE_FEATURES = (
    "strength",
    "second",
    "dense",
    "lexical",
    "put_forward",
    "set_aside",
    "role",
    "proper",
    "lines",
    "retrieved",
    "type_mismatch",
    "asked",
    "previous",
    "negated",
    "requirements",
)


# --- matching lines to the question ------------------------------------------------------------


class Matcher:
    """How well each line of the notes matches one question (cached per passage)."""

    def __init__(
        self,
        query: Query,
        retrieval: Retrieval,
        reading: Reading,
        lexical: LexicalIndex,
        settings: ReaderSettings,
        vector: np.ndarray | None = None,
        weights: dict[str, float] | None = None,
    ) -> None:
        self.query = query
        self.reading = reading
        self.lexical = lexical
        self.settings = settings
        self.vector = retrieval.query_vector if vector is None else vector
        self.focus = retrieval.turn_vector if vector is None else None
        self.weights = weights if weights is not None else query.weights
        self.retrieved = {p.chunk.id: rank for rank, p in enumerate(retrieval.passages)}
        self._cache: dict[str, np.ndarray] = {}
        self._parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.clause_vectors: np.ndarray | None = None
        self._clause_cache: dict[str, np.ndarray] = {}
        idf = lexical.idf
        self._idf = {t: idf(t) * w for t, w in self.weights.items()}
        self._total = sum(self._idf.values())
        self.related: dict[str, list[tuple[str, float]]] = {}
        if settings.related_word_threshold < 1.0:
            words = [
                w
                for w in dict.fromkeys(re.findall(r"[a-z][a-z\-]{2,}", query.focus_text.lower()))
                if stem(w) in self._idf
            ]
            floor = settings.related_word_threshold
            self.related = {
                t: [(u, settings.related_word_credit * (sim - floor) / (1 - floor)) for u, sim in pairs]
                for t, pairs in reading.related_terms(words, floor).items()
            }

    def coverage(self, terms: frozenset[str] | set[str]) -> float:
        """Rarity-weighted share of the question's words that a set of terms holds; a word of the notes
        close in meaning to a question word counts in part."""
        if self._total <= 0:
            return 0.0
        total = 0.0
        for term, weight in self._idf.items():
            if term in terms:
                total += weight
            else:
                credit = max((c for u, c in self.related.get(term, ()) if u in terms), default=0.0)
                total += weight * credit
        return total / self._total

    def relevance(self, chunk_id: str) -> np.ndarray:
        """One score per line of a passage: meaning and words, both 0..1."""
        cached = self._cache.get(chunk_id)
        if cached is not None:
            return cached
        lines = self.reading.lines(chunk_id)
        s = self.settings
        if not lines:
            scores = np.zeros(0, np.float32)
        else:
            dense = self.reading.line_similarity(chunk_id, self.vector)
            if self.focus is not None:
                dense = (1 - s.follow_up_turn_weight) * dense + s.follow_up_turn_weight * self.reading.line_similarity(
                    chunk_id, self.focus
                )
            section_terms = frozenset(tokenize(lines[0].section.split(" > ")[-1])) if lines else frozenset()
            lexical = np.array(
                [0.5 * self.coverage(line.terms) + 0.5 * self.coverage(line.terms | section_terms) for line in lines]
            )
            self._parts[chunk_id] = (dense, lexical)
            scores = s.dense_weight * np.maximum(dense, 0.0) + s.lexical_line_weight * lexical
            if self.query.negated:
                # A line about what the question rules out, unless it too says "without" it.
                hits = np.array(
                    [bool(line.terms & self.query.negated) and not _NEGATES.search(line.text) for line in lines]
                )
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

    def parts(self, line: Line) -> tuple[float, float]:
        """A line's meaning and word scores apart (before they are combined)."""
        self.relevance(line.chunk_id)
        dense, lexical = self._parts.get(line.chunk_id, (np.zeros(0), np.zeros(0)))
        if line.index >= len(dense):
            return 0.0, 0.0
        return float(dense[line.index]), float(lexical[line.index])

    def clause_similarity(self, line: Line) -> np.ndarray | None:
        """A line's similarity to each of the question's requirement clauses (None: one clause)."""
        if self.clause_vectors is None:
            return None
        cached = self._clause_cache.get(line.chunk_id)
        if cached is None:
            vectors = self.reading.line_vectors(line.chunk_id)
            cached = (
                np.asarray(vectors, np.float32) @ self.clause_vectors.T
                if len(vectors)
                else np.zeros((0, len(self.clause_vectors)))
            )
            self._clause_cache[line.chunk_id] = cached
        return cached[line.index] if line.index < len(cached) else None

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

    def describe(self, lines: int = 1) -> dict:
        best = self.support[0] if self.support else None
        return {
            "name": self.name,
            "score": round(self.score, 4),
            "factors": {k: round(v, 3) for k, v in self.factors.items() if v},
            "best_line": best[1].line.text[:160] if best else None,
            "support": [
                {"strength": round(st, 4), "role": item.role, "cue": item.cue, "line": item.line.text[:120]}
                for st, item in self.support[:lines]
            ],
        }


def asked(entity: Entity, query: Query) -> bool:
    """Whether the question itself names this thing (then it is context, not the answer): its full name,
    or a spelling in brackets, as a phrase - not a short form merged into it ("our Kafka apps" does not
    name Amazon MSK) and not its words scattered ("move a database ... the migration")."""
    text = query.stem + (" " + query.previous_question if query.follow_up and query.previous_question else "")
    keys = {entity.key} | {a for a in entity.aliases if len(a) > 2 and not entity.key.endswith(a)}
    shouted = keys if is_shouted(entity) else None
    return any(key in keys for key, _, _ in find_names(text, keys, shouted=shouted))


class NotesReader:
    """The default answerer (see the module docstring)."""

    name = "default"

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
        self.premises.apply(query, retrieval, draft)
        return draft

    # --- scoring candidates ---

    def candidates(
        self, query: Query, matcher: Matcher, retrieval: Retrieval, restrict: set[str] | None = None
    ) -> list[Candidate]:
        """Every name the retrieved passages are about (or only `restrict`), scored through its profile."""
        keys: set[str] = set()
        if restrict is not None:
            keys = {k for k in (self.reading.names.resolve(r) for r in restrict) if k}
        else:
            for chunk_id in self._reading_scope(retrieval):
                for line in self.reading.lines(chunk_id):
                    for subject in line.subjects:
                        resolved = self.reading.names.resolve(subject.key)
                        if resolved:
                            keys.add(resolved)
        maybe_scored = [self.score(key, query, matcher, use_context=restrict is None) for key in keys]
        scored = [c for c in maybe_scored if c is not None]
        if query.rules_out_previous and query.previous_answer and restrict is None:
            # "... instead?": the learner has the earlier answer and asks for another; it stays only if nothing else is.
            earlier = self.reading.names.resolve(name_key(query.previous_answer))
            scored = [c for c in scored if c.entity.key != earlier] or scored
        kind_words = set((query.answer_type or "").split()) - {"type", "types", "kind"}
        if (
            kind_words
            and not kind_words & PRODUCT_ANSWER_TYPES
            and scored
            and all(c.factors.get("type_mismatch", 0.0) for c in scored)
        ):
            # No candidate is called a thing of the asked kind ("workload type"): the notes do not use the
            # question's word for it, so it tells nothing apart.
            weight = self.settings.candidate_weights.get("type_mismatch", 0.0)
            for candidate in scored:
                candidate.score -= weight * candidate.factors["type_mismatch"]
                candidate.factors["type_mismatch"] = 0.0
        return sorted(scored, key=lambda c: (-c.score, c.name))

    def _reading_scope(self, retrieval: Retrieval) -> list[str]:
        """The passages whose names are candidates: the retrieved ones, and the rest of the sections the
        best of them sit in (a table split over passages, a list of options, is read whole)."""
        scope = [p.chunk.id for p in retrieval.passages]
        sections = {(p.chunk.source, p.chunk.section) for p in retrieval.passages[:3]}
        for chunk_id in self.reading.section_chunks(sections):
            if chunk_id not in scope:
                scope.append(chunk_id)
        return scope

    def score(self, key: str, query: Query, matcher: Matcher, use_context: bool = True) -> Candidate | None:
        """A candidate's score: a weighted sum of what its profile shows (settings.candidate_weights)."""
        entity = self.reading.names.entity(key)
        if entity is None:
            return None
        s = self.settings
        support: list[tuple[float, ProfileLine]] = []
        seen: set[tuple[str, int]] = set()
        features = dict.fromkeys(CANDIDATE_FEATURES, 0.0)
        for item in self.reading.profile(entity.key):
            where = (item.line.chunk_id, item.line.index)
            if where in seen:
                continue
            seen.add(where)
            relevance = matcher.line(item.line)
            focus = self._sentence_focus(entity, item.line, matcher)
            strength = item.role * relevance * focus
            if query.asks_where and _names_destination(item.line.text, entity):
                strength *= 1.0 + s.destination_bonus  # "Where should logs go?" - "To Amazon S3: ..."
            if item.cue > 0:
                # "Prefer COPY ... ADD also unpacks archives" asked about unpacking: a recommendation counts as
                # far as its own sentence holds the question's words (focus runs 0.6..1).
                strength *= 1.0 + s.put_forward_bonus * (focus - 0.6) / 0.4
                features["put_forward"] = max(features["put_forward"], relevance)
            elif item.cue < 0:
                strength *= s.set_aside_penalty
                features["set_aside"] = max(features["set_aside"], relevance)
            support.append((strength, item))
            if item.role >= ROLE_HEADING:
                dense, lexical = matcher.parts(item.line)
                features["dense"] = max(features["dense"], dense)
                features["lexical"] = max(features["lexical"], lexical)
        if not support:
            return None
        if matcher.clause_vectors is not None:
            best = np.zeros(len(matcher.clause_vectors), np.float32)
            for _, item in support:
                sims = matcher.clause_similarity(item.line)
                if sims is not None:
                    best = np.maximum(best, sims * item.role)
            features["requirements"] = float(best.mean())
        support.sort(key=lambda pair: -pair[0])
        features["strength"] = support[0][0]
        features["second"] = support[1][0] if len(support) > 1 else 0.0
        features["role"] = support[0][1].role
        features["proper"] = float(entity.proper)
        features["lines"] = float(np.log1p(len(support)))
        best_chunk = support[0][1].line.chunk_id
        features["retrieved"] = 1.0 / (1 + matcher.retrieved[best_chunk]) if best_chunk in matcher.retrieved else 0.0
        features["negated"] = float(
            bool(query.negated)
            and any(set(k.split()) <= query.negated for k in {entity.key} | entity.aliases)
            and (not is_shouted(entity) or asked(entity, query))
        )
        if use_context:
            features["type_mismatch"] = float(self._type_fit(entity, query) < 1.0)
            features["asked"] = float(asked(entity, query) and entity.key not in query.alternatives)
            features["previous"] = float(
                bool(
                    query.setting_aside_previous
                    and query.previous_answer
                    and self.reading.names.resolve(name_key(query.previous_answer)) == entity.key
                )
            )
        candidate = Candidate(entity, support=support, factors=features)
        weights = s.candidate_weights
        candidate.score = sum(weights.get(name, 0.0) * value for name, value in features.items())
        return candidate

    def _sentence_focus(self, entity: Entity, line: Line, matcher: Matcher) -> float:
        """In a line of several sentences, how much the sentence naming this candidate (rather than
        another sentence of the line) holds the question's words: "For Hive-style partitions, run X.
        For non-Hive partitions, run Y." tells X from Y."""
        spellings = [s.lower() for s in entity.spellings] or [entity.name.lower()]
        either = bool(line.label and SIDE_BY_SIDE.search(line.label))
        if line.label and any(sp in line.label.lower() for sp in spellings) and not either:
            return 1.0  # the line's label or card question names it: the whole line is about it
        # "COPY or ADD? Prefer COPY, which ... ADD does the same but also unpacks archives": a card setting two
        # things side by side is read sentence by sentence, its question aside.
        parts = re.split(r"(?<=[.!?;])\s+", line.body if either and line.body else line.text)
        if len(parts) < 2:
            return 1.0
        own = [p for p in parts if any(sp in p.lower() for sp in spellings)]
        if own and line.kind == "card" and line.label and asks_how(line.label):
            resolve = self.reading.names.resolve
            instructed = {resolve(s.key) for s in line.subjects if s.cue > 0 and s.role >= ROLE_PUT_FORWARD}
            others = {resolve(s.key) for s in line.subjects if s.role >= ROLE_SUBJECT} - {entity.key}
            if instructed == {entity.key} and not others:
                # "How do I avoid downtime ...? Add create_before_destroy = true ... Terraform then builds the
                # replacement first": the whole answer tells what the one thing it puts forward does.
                return 1.0
        if not own or len(own) == len(parts):
            return 1.0
        # "For Hive-style partitions, run X. For non-Hive partitions, run Y.": sentences that each open with
        # their own condition are told apart by the condition; what each says to do shares the question's
        # verbs ("run", "add") by chance.
        conditional = [(p, m.group("condition")) for p in parts if (m := _CONDITION.match(p))]
        if len(conditional) >= 2 and any(p in own for p, _ in conditional):
            fits = {p: matcher.coverage(frozenset(tokenize(condition))) for p, condition in conditional}
            best = max(fits.values())
            if best > 0:
                return 0.6 + 0.4 * max(fits.get(p, 0.0) for p in own) / best
        whole = matcher.coverage(line.terms)
        if whole <= 0:
            return 1.0
        focused = max(matcher.coverage(frozenset(tokenize(p))) for p in own)
        return 0.6 + 0.4 * min(1.0, focused / whole)

    def _type_fit(self, entity: Entity, query: Query) -> float:
        """How well a candidate is of the kind the question asks for: a product when it asks for a service,
        not another product when it asks for a feature, and called what it asks for ("which node type":
        Task Nodes; "which command": the MSCK REPAIR TABLE command)."""
        kind = query.answer_type
        if not kind:
            return 1.0
        words = [w for w in kind.split() if w not in ("type", "types", "kind", "kinds", "sort")]
        misfit = self.settings.wrong_type_factor
        if any(w in ("tool", "tools") for w in words) and any(command_phrase(sp) for sp in entity.spellings):
            return 1.0  # "which git tool automates this?": a command line is a tool by its shape, as a product is
        if any(w in PRODUCT_ANSWER_TYPES for w in words) and not entity.proper:
            return misfit
        if any(w in FEATURE_ANSWER_TYPES for w in words) and _is_product(entity):
            return misfit  # "which CloudWatch feature": not another product
        asked_for = {stem(w) for w in words if w not in GENERIC_ANSWER_TYPES}
        # A name the question uses only to place the kind ("which CloudWatch feature") is not the kind; a
        # name that is the kind itself ("which storage class", where the notes define storage classes) is.
        # "Which CloudWatch Logs feature": before a generic kind word the name only places it, whatever it spells.
        generic_head = bool(words) and words[-1] in GENERIC_ANSWER_TYPES
        placing = {t for key in query.subjects if generic_head or set(key.split()) != asked_for for t in key.split()}
        wanted = asked_for - placing
        if not wanted:
            return 1.0
        own = set(tokenize(entity.name)) | {t for k in entity.aliases for t in k.split()}
        spellings = [s.lower() for s in entity.spellings if s]
        context: set[str] = set()
        for item in self.reading.profile(entity.key)[:12]:
            if item.role >= ROLE_SUBJECT:
                # Where the notes file it and what its own lines call it ("Trino (open-source) is underlying engine").
                # A heading that names the thing itself ("Amazon S3 storage classes") files things OF it there.
                for where in (item.line.context or "", item.line.section.split(" > ")[-1]):
                    if not any(_whole_word(spelling).search(where.lower()) for spelling in spellings):
                        context |= set(tokenize(where))
                if (
                    item.line.main_subject is not None
                    and self.reading.names.resolve(item.line.main_subject.key) == entity.key
                ):
                    # A labelled line ("Single Availability Zone: ... nodes are physically close") says what
                    # its label is for, not what it is called; an unlabelled one may call it so in passing.
                    context |= set(tokenize(item.line.label)) if item.line.label else item.line.terms
        # The kind's head noun decides ("storage CLASS"): a modifier alone ("storage") is said of many things.
        head = stem(words[-1]) if words and words[-1] not in GENERIC_ANSWER_TYPES else None
        if words and words[-1] in SETTING_WORDS and any(is_code_identifier(spelling) for spelling in entity.spellings):
            return 1.0  # "which lifecycle setting": create_before_destroy is a setting by its shape
        if (
            words
            and words[-1] in ("command", "commands", "statement", "statements")
            and any(command_phrase(sp) or _SQL_STATEMENT.fullmatch(sp) for sp in entity.spellings)
        ):
            return 1.0  # "what command": nginx -s reopen is a command line by its shape, UNDROP TABLE a SQL statement
        if head is not None and head in wanted and not _headed_by(entity, head) and _modified_by(entity, head):
            # In English the last word of a name is what it is: "Cluster Management" is management OF
            # clusters, not a kind of cluster ("Ephemeral Cluster" is).
            return misfit
        if (head in (own | context)) if head in wanted else bool(wanted & (own | context)):
            return 1.0
        # "the MSCK REPAIR TABLE command": the notes call it a thing of the asked kind right beside its name.
        pairs = [(spelling, word) for spelling in entity.spellings for word in wanted]
        for item in self.reading.profile(entity.key)[:20]:
            text = item.line.text
            low = text.lower()
            if any(
                spelling.lower() in low and word in low and _called_beside(spelling, word).search(text)
                for spelling, word in pairs
            ):
                return 1.0
        return misfit

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
            kind_terms = set(tokenize(query.answer_type))
            if query.answer_type.split()[-1] not in GENERIC_ANSWER_TYPES:
                # "which storage class": the question's own name is the kind; "which CloudWatch Logs feature":
                # the name places a generic kind, and every line of its section uses it.
                kind_terms -= self._subject_terms(query)
            weights = {t: w for t, w in query.weights.items() if t not in kind_terms}
            if weights:
                matcher = Matcher(query, retrieval, self.reading, self.lexical, self.settings, weights=weights)
        restrict = set(query.alternatives) if query.alternatives else None
        clauses = _requirement_clauses(query.focus_text)
        if len(clauses) >= 2 and self.settings.candidate_weights.get("requirements"):
            matcher.clause_vectors = np.asarray(self.encode(clauses), np.float32)
        ranked = self.candidates(query, matcher, retrieval, restrict)
        if not ranked:
            return self._fact(query, retrieval, matcher)
        best = ranked[0]
        draft = Draft(kind="choice", text="", recommendation=best.name)
        first = best.support[0][1].line
        lead = f"Use {best.name} {draft.rely_on(first.chunk_id, first.text)}."
        # The lines that make it right: those that say something beyond naming it ("Solution: Use X" only
        # repeats the lead), strongest first.
        points: list[str] = []
        used: set[tuple[str, int]] = set()
        shown: list[Line] = []
        for strength, item in best.support:
            if len(points) >= 2 or strength < 0.5 * best.support[0][0]:
                break
            line = item.line
            if (
                (line.chunk_id, line.index) in used
                or any(_same_text(line, other) for other in shown)
                or not _says_more_than(line, best.entity)
            ):
                continue
            used.add((line.chunk_id, line.index))
            shown.append(line)
            points.append(f"- {_cited(line.shown, draft.rely_on(line.chunk_id, line.text))}")
        others = [c for c in ranked[1:] if c.entity.key != best.entity.key]
        runner = next((c for c in others if not _one_term_in_other(c.entity, best.entity)), None)
        if runner is not None and runner.score >= self.settings.runner_up_share * best.score and runner.support:
            line = runner.support[0][1].line
            # "Rather than Remotes: `git push --force-with-lease` ..." says nothing of Remotes: a line under a
            # heading about another thing is named after that thing.
            named = (
                runner.entity
                if self._speaks_of(line, runner.entity)
                else self._subject_of_line(line, besides=runner.entity)
            )
            if (line.chunk_id, line.index) not in used and named is not None and named.key != best.entity.key:
                points.append(
                    f"- Rather than {named.name}: {_cited(line.shown, draft.rely_on(line.chunk_id, line.text))}"
                )
        draft.text = "\n".join([lead, ""] + points)
        draft.trace["candidates"] = [c.describe() for c in ranked[:6]]
        return draft

    # --- fact ---

    def _best_lines(
        self, query: Query, retrieval: Retrieval, matcher: Matcher, extra_keys: list[str] | None = None, limit: int = 8
    ) -> list[tuple[float, Line]]:
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
            if line.is_heading:
                score *= 0.5  # "Node Types" introduces the answer; the lines under it hold it
            elif line.kind == "code":
                score *= 0.6  # an example to show beside the answer, not the answer
            score *= 1.0 + self.settings.novelty_weight * self._novelty(query, line)
            if query.amount and not states_amount(line.text, query.amount):
                score *= self.settings.figure_missing_factor  # "How many ...?" is answered by a line with a number
            if query.asks_list and not lists_items(line.text):
                score *= self.settings.list_missing_factor  # "Which formats ...?" is answered by a line listing them
            if query.asks_remedy and instructs(line):
                score *= self.settings.instruction_factor  # "what am I missing?" is answered by what to do
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
        lead = _cited(self._lead_sentence(top, query), draft.rely_on(top.chunk_id, top.text))
        points: list[str] = []
        for score, line in best[1:]:
            if len(points) >= MAX_POINTS - 1 or score < 0.6 * top_score:
                break
            if _same_text(line, top) or any(_same_text(line, other) for _, other in best[: best.index((score, line))]):
                continue
            points.append(f"- {_cited(line.shown, draft.rely_on(line.chunk_id, line.text))}")
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in best[:5]]
        return draft

    def _lead_sentence(self, line: Line, query: Query) -> str:
        """The sentence an answer opens with, with the thing it is about when it does not say it: "Insights -
        Execution: Up to 50 log groups can be queried simultaneously" (a point under a term, labelled by
        the aspect it tells of)."""
        sentence = self._best_sentence(line, query)
        context = (line.context or "").rstrip(":").strip()
        if not context or not line.label or line.depth == 0:
            return sentence
        names = self.reading.names
        parent = names.resolve(name_key(context))
        label = names.resolve(name_key(line.label))
        # The line's label is its own subject only when it names a thing; an aspect ("Execution") leaves the
        # line to the term above it (reading gives that term the larger role).
        roles = {names.resolve(x.key): x.role for x in line.subjects}
        if not parent or roles.get(parent, 0.0) <= roles.get(label, 0.0):
            return sentence
        entity = names.entity(parent)
        if entity and any(spelling.lower() in sentence.lower() for spelling in entity.spellings):
            return sentence
        return f"{context} - {sentence}"

    def _best_sentence(self, line: Line, query: Query) -> str:
        """Of a long line, the sentence that shares the question's most specific words; when it opens by
        leaning on the sentence before it in its paragraph ("Run it only on indices ..."), that one first."""
        chosen = self._chosen_sentence(line, query)
        if not _leans_on_before(chosen) or not line.shown.startswith(chosen):
            return chosen
        before = self.reading.line(line.chunk_id, line.index - 1) if line.index > 0 else None
        if before is None or before.kind != "sentence" or line.kind != "sentence" or before.group != line.group:
            return chosen
        # "Force merge (...) rewrites an index into fewer segments ... Run it only on indices no longer written
        # to": a paragraph's sentences are lines of their own, and "it" is named in the one before.
        antecedent = [p for p in sentences(before.shown) if p.strip()]
        return f"{antecedent[-1]} {chosen}" if antecedent else chosen

    def _chosen_sentence(self, line: Line, query: Query) -> str:
        """Of a long line, the sentence that shares the question's most specific words."""
        parts = [p for p in sentences(line.shown) if p.strip()]
        if len(parts) <= 1:
            return line.shown
        # "When do I use MSCK REPAIR TABLE and when ALTER TABLE ADD PARTITION?" over "For Hive Style partitions,
        # perform MSCK REPAIR TABLE. For non-Hive partitions, run ALTER TABLE ADD PARTITION.": the question asks
        # about two names the line gives a sentence each, so both sentences answer it. (Not for a how-to: it
        # asks for one way, "... NOT in the Zorblat layout" wants the one sentence for its case.)
        if query.kind != "howto":
            both = self._sentence_per_name(parts, query)
            if both:
                return both
        idf = self.lexical.idf

        def specific(term: str) -> float:
            return idf(term) * max(0.5, 6.0 - english_frequency(term))

        # A line that sets two cases side by side ("For Hive Style partitions, ... For non-Hive partitions,
        # ..."), one of which the question rules out ("NOT in key=value (hive) format"): that term counts
        # like a shared word in the sentence that rules it out too, against the one that names it plainly.
        polarities = [dict(_term_polarity(p, query.negated)) for p in parts]
        contrasted = {t for t in query.negated if {True, False} <= {found[t] for found in polarities if t in found}}

        def shared(index: int, sentence: str) -> float:
            found = sum(specific(t) * query.weights.get(t, 0.0) for t in set(tokenize(sentence)))
            said = polarities[index]
            return found + sum(specific(t) * (1.0 if said[t] else -1.0) for t in contrasted if t in said)

        _, position, chosen = max((shared(i, p), -i, p) for i, p in enumerate(parts))
        index = -position
        if index > 0 and _leans_on_before(chosen):
            # "Commit it to version control ...": the sentence before says what "it" is ("It is the dependency
            # lock file that terraform init writes ..."); back to the one that names it.
            start = index - 1
            while start > 0 and _leans_on_before(parts[start]):
                start -= 1
            return " ".join(parts[start : index + 1])
        return chosen

    def _sentence_per_name(self, parts: list[str], query: Query) -> str | None:
        """The sentences of a line that each name one of the things the question asks about, joined, when
        there are two or more such things and each has a sentence of its own; else None."""
        names = self.reading.names
        asked = {
            k
            for k in (names.resolve(key) for key in query.subjects)
            if k
            and names.entities[k].proper  # names of things, not topics ("partitions")
            and not set(k.split()) <= query.negated  # nor what the question rules out
        }
        naming = []
        for index, part in enumerate(parts):
            named = {names.resolve(k) for k, _, _ in find_names(part, names.all_keys)} & asked
            if named:
                naming.append((index, named))
        each = [next(iter(named)) for _, named in naming if len(named) == 1]
        if len(set(each)) >= 2 and len(each) == len(naming) == len(set(each)):  # one sentence per name
            return " ".join(parts[index] for index, _ in naming)
        return None

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
            if text in seen or item.line.is_heading and len(self.reading.profile(entity.key)) > 3:
                continue
            seen.add(text)
            about = item.role * (1.2 if item.role >= ROLE_SUBJECT else 1.0)
            share = self.settings.explanation_about_share
            scored.append(((1 - share + share * about) * (0.4 + matcher.line(item.line)), item.line))
        asked = query.terms
        for _, line in self._best_lines(query, retrieval, matcher, limit=4):
            text = normalise_space(line.text).lower()
            # A line near the question in meaning only ("`Vary: *` means ..." for "what does immutable do") says
            # nothing about what is explained: one that is not about the subject shares a word with the question.
            if text not in seen and line.terms & asked:
                seen.add(text)
                scored.append((0.5 * (0.4 + matcher.line(line)), line))
        scored.sort(key=lambda pair: -pair[0])
        scored = [(score, line) for score, line in scored if not line.is_heading] or scored
        own = {
            (item.line.chunk_id, item.line.index)
            for item in self.reading.profile(entity.key)
            if item.role >= ROLE_PARENT
        }
        # The lead is the best line about the subject itself; the rest follow in the notes' order.
        lead_line = next(
            (line for _, line in scored if (line.chunk_id, line.index) in own), scored[0][1] if scored else None
        )
        order = {cid: i for i, cid in enumerate(self.reading.chunks)}
        chosen = sorted(
            (line for _, line in scored[:5] if line is not lead_line),
            key=lambda line: (order.get(line.chunk_id, 0), line.index),
        )[:4]
        parts = self._part_lines(entity, query.parts, retrieval, order) if query.parts else []
        if parts:
            # "The key components of X": the lines the notes file under X's "Key Components", in their order.
            chosen = [line for line in parts if line is not lead_line][:6]
            draft.trace["parts"] = query.parts
        chosen = [lead_line] + chosen if lead_line is not None else chosen
        if lead_line is None:
            return self._fact(query, retrieval, matcher)
        said = _strip_label(lead_line, entity)
        opening = said if entity.name.lower() in said[:60].lower() else f"{entity.name}: {said}"
        lead = _cited(opening, draft.rely_on(lead_line.chunk_id, lead_line.text))
        points = [f"- {_cited(line.shown, draft.rely_on(line.chunk_id, line.text))}" for line in chosen[1:]]
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["subject"] = entity.name
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in scored[:6]]
        return draft

    def _part_lines(self, entity: Entity, part: str, retrieval: Retrieval, order: dict[str, int]) -> list[Line]:
        """The lines filed under a heading (or a parent line) that names this kind of part of the entity:
        "Key Components" under "Intro to Amazon EventBridge" for "the components of EventBridge". Only the
        retrieved passages and those the entity's own lines are in are read: never the whole library."""
        spellings = [s.lower() for s in entity.spellings if s]
        chunk_ids = [p.chunk.id for p in retrieval.passages] + [
            item.line.chunk_id for item in self.reading.profile(entity.key)
        ]
        found: list[Line] = []
        for chunk_id in sorted(set(chunk_ids), key=lambda cid: order.get(cid, 0)):
            for line in self.reading.lines(chunk_id):
                if line.is_heading:
                    continue
                leaf = line.section.split(" > ")[-1]
                if part not in tokenize(leaf) and part not in tokenize(line.context or ""):
                    continue
                where = f"{line.section} {line.context or ''}".lower()
                if any(_whole_word(spelling).search(where) for spelling in spellings):
                    found.append(line)
        return found

    def _subject_of(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> str | None:
        """The thing a question asks about: a name it uses, else the best-matching name of the passages."""
        names = self.reading.names
        keys = list(dict.fromkeys(k for k in (names.resolve(s) for s in query.subjects) if k))
        if keys:
            # The narrowest thing the question names, by how much the notes say about it: "anomaly
            # detection in CloudWatch Logs", "why are EMR nodes in a single Availability Zone", "the
            # MapReduce process that EMR uses" ask about the first, set in the second.
            # A plain word the question happens to share with the notes ("logs") comes after real names.
            def plain(key: str) -> bool:
                entity = self.reading.names.entity(key)
                return entity is None or (not entity.proper and len(key.split()) == 1)

            return min(enumerate(keys), key=lambda pair: (plain(pair[1]), len(self.reading.profile(pair[1])), pair[0]))[
                1
            ]
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
        lead = _cited(self._lead_sentence(lead_line, query), draft.rely_on(lead_line.chunk_id, lead_line.text))
        # "Log Collection Methods: Native Support ... CloudWatch Agent ... AWS CLI ... Programmatic Access": the
        # best line of a list of ways comes with the other ways of its list, in the notes' order.
        ways = self._list_of(lead_line) or self._siblings(lead_line)
        if ways:
            steps = ways + [line for line in steps if line not in ways][: max(0, 5 - len(ways))]
        others = [line for line in steps if line is not lead_line]
        points = [
            f"{number}. {_cited(line.shown, draft.rely_on(line.chunk_id, line.text))}"
            for number, line in enumerate(others, start=1)
        ]
        draft.text = "\n".join([lead] + ([""] + points if points else []))
        draft.trace["lines"] = [{"score": round(s, 4), "line": line.text[:160]} for s, line in best[:6]]
        return draft

    def _items_beside(self, line: Line, whole_section: bool) -> list[Line]:
        """The items of the list a line is one of (same parent and depth), in the notes' order: in its passage,
        or over its whole section (a list split over passages)."""
        chunk_ids = (
            self.reading.section_chunks({(self.reading.chunks[line.chunk_id].source, line.section)})
            if whole_section
            else [line.chunk_id]
        )
        items = [
            other
            for chunk_id in chunk_ids
            for other in self.reading.lines(chunk_id)
            if other.kind == "item" and other.depth == line.depth and other.context == line.context
        ]
        return list({(x.chunk_id, x.index): x for x in items}.values())

    def _siblings(self, line: Line) -> list[Line]:
        """The points of the item a line sits under ("Exporting Logs": to S3, cost, analysis tools), in the
        notes' order, when the line is one of two to five of them: together they say how; or []."""
        if line.kind != "item" or not line.depth or not line.context:
            return []
        items = self._items_beside(line, whole_section=False)
        return items if 2 <= len(items) <= 5 and line in items else []

    def _list_of(self, line: Line) -> list[Line]:
        """The items of the list of ways a line is one of (same section, parent and depth; two to seven of them,
        under a heading that says they are ways: "Log Collection Methods", "Steps"), or []."""
        if line.kind != "item":
            return []
        heading = (line.context or line.section.split(" > ")[-1]).lower()
        if not set(re.findall(r"[a-z]+", heading)) & WAYS_WORDS:
            return []  # a list of facts about a thing is no list of ways to do something
        items = self._items_beside(line, whole_section=True)
        return items if 2 <= len(items) <= 7 and line in items else []

    # --- comparison ---

    def _comparison(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        keys = [k for k in (self.reading.names.resolve(key) for key in self._compared(query)) if k]
        keys = list(dict.fromkeys(keys))[:3]
        if len(keys) < 2 and len(query.sides) == 2:
            # "Multi-AZ vs read replicas": not both names the notes use, but maybe the columns of their table.
            table = self._table_comparison(query, retrieval)
            if table is not None:
                return table
        if len(keys) < 2:
            fact = self._fact(query, retrieval, matcher)
            fact.kind = "comparison"
            return fact
        draft = Draft(kind="comparison", text="")
        columns = [""]
        per_subject: list[list[Line]] = []
        candidates: list[list[tuple[float, bool, Line]]] = []
        for key in keys:
            entity = self.reading.names.entity(key)
            assert entity is not None
            columns.append(entity.name)
            scored = []
            seen: set[str] = set()
            for item in self.reading.profile(key):
                text = normalise_space(item.line.text).lower()
                main = item.line.main_subject
                # A line about another thing is not a point about this one, unless it is as much about this
                # one ("JSON and CSV when compressed, cannot be split").
                elsewhere = main is not None and self.reading.names.resolve(main.key) != key and item.role < main.role
                # "Zorblat Queue Advantages: - Deletes each message": a point the line makes more of the other
                # compared thing than of this one is the other's.
                roles = {self.reading.names.resolve(x.key): x.role for x in item.line.subjects}
                elsewhere = elsewhere or any(roles.get(other, 0.0) > item.role for other in keys if other != key)
                if text in seen or item.line.is_heading or elsewhere:
                    continue  # a line about the other thing is not a point about this one
                seen.add(text)
                # "Use X for A" lines say when to pick it, and a section about both ("EMR vs AWS Glue") is the
                # notes' own comparison: what a comparison answer is for.
                named = self._section_names(item.line.section) | {
                    self.reading.names.resolve(x.key) for x in item.line.subjects
                }
                both = sum(1 for k in keys if k in named) >= 2
                scored.append(
                    (
                        item.role * (0.3 + matcher.line(item.line))
                        + (0.15 if item.cue > 0 else 0.0)
                        + (0.3 if both else 0.0),
                        both,
                        item.line,
                    )
                )
            scored.sort(key=lambda entry: -entry[0])
            candidates.append(scored[: self.settings.comparison_pool])
        # A point the notes make of each thing in the same terms ("A stream is made up of shards" / "It has no
        # shards to manage") is where they differ, and the two go side by side in one row.
        if len(candidates) == 2:
            for side, order in enumerate(self._aligned(candidates[0], candidates[1])):
                candidates[side][:] = [candidates[side][i] for i in order]
        for pool in candidates:
            # Three points each, and every point of the notes' own comparison of them (a section about both:
            # "EMR Advantages" beside "AWS Glue Advantages"), up to five.
            per_subject.append([line for rank, (_, both, line) in enumerate(pool[:5]) if rank < 3 or both])
        rows: list[list[str]] = []
        lines_text: list[str] = []
        for position in range(max(len(lines) for lines in per_subject)):
            row = [_aspect(per_subject, position)]
            for key, lines in zip(keys, per_subject, strict=False):
                if position < len(lines):
                    line = lines[position]
                    cell = _cited(
                        _strip_label(line, self.reading.names.entity(key)), draft.rely_on(line.chunk_id, line.text)
                    )
                else:
                    cell = "-"
                row.append(cell)
            rows.append(row)
        # The answer first: each thing with its strongest point, side by side; the other points below.
        firsts = [
            f"{column}: {_strip_label(lines[0], None).rstrip('.')} {draft.rely_on(lines[0].chunk_id, lines[0].text)}"
            for column, lines in zip(columns[1:], per_subject, strict=False)
            if lines
        ]
        for column, lines in zip(columns[1:], per_subject, strict=False):
            for line in lines[1:]:
                lines_text.append(
                    f"- {column}: {_cited(_strip_label(line, None), draft.rely_on(line.chunk_id, line.text))}"
                )
        draft.text = "\n".join(["; ".join(firsts) + "."] + ([""] + lines_text if lines_text else []))
        draft.table = ComparisonTable(columns, rows)
        draft.trace["compared"] = columns[1:]
        return draft

    def _table_comparison(self, query: Query, retrieval: Retrieval) -> Draft | None:
        """The notes' own comparison table: rows of a retrieved passage whose columns are the two things the
        question compares ("| Question | Multi-AZ | Read replica |"), each row an aspect, side by side."""
        wanted = [set(tokenize(side)) - VENDOR_STEMS for side in query.sides]
        if not all(wanted):
            return None
        best: tuple[int, list[tuple[Line, str, str]], tuple[str, str]] | None = None
        for passage in retrieval.passages:
            found: dict[tuple[str, str], list[tuple[Line, str, str]]] = {}
            for line in self.reading.lines(passage.chunk.id):
                cells = _row_cells(line)
                if len(cells) < 2:
                    continue
                picked = [_best_column(cells, terms) for terms in wanted]
                if picked[0] is None or picked[1] is None or picked[0] == picked[1]:
                    continue
                pair = (picked[0], picked[1])
                found.setdefault(pair, []).append((line, cells[pair[0]], cells[pair[1]]))
            for pair, rows in found.items():
                if best is None or len(rows) > best[0]:
                    best = (len(rows), rows, pair)
        if best is None or best[0] < 2:
            return None  # one row is a coincidence of words, not the notes' comparison
        _, rows, (first, second) = best
        draft = Draft(kind="comparison", text="")
        table_rows: list[list[str]] = []
        points: list[str] = []
        for line, a, b in rows[:6]:
            marker = draft.rely_on(line.chunk_id, line.text)
            table_rows.append([line.label or "", f"{a} {marker}", f"{b} {marker}"])
            points.append(f"- {line.label}: {first}: {a}; {second}: {b} {marker}")
        lead_line, lead_a, lead_b = rows[0]
        lead_marker = draft.rely_on(lead_line.chunk_id, lead_line.text)
        lead = f"{first}: {lead_a.rstrip('.')}; {second}: {lead_b.rstrip('.')} {lead_marker}."
        draft.text = "\n".join([lead, "", *points[1:]]) if len(points) > 1 else lead
        draft.table = ComparisonTable(["", first, second], table_rows)
        draft.trace["compared"] = [first, second]
        draft.trace["from_table"] = True
        return draft

    def _section_names(self, section: str) -> set[str]:
        found = set()
        for heading in section.split(" > "):
            for key, _, _ in find_names(heading, self.reading.names.all_keys):
                resolved = self.reading.names.resolve(key)
                if resolved:
                    found.add(resolved)
        return found

    @functools.cached_property
    def _name_terms(self) -> frozenset[str]:
        return frozenset(t for key in self.reading.names.all_keys for t in key.split())

    def _aligned(
        self, first: list[tuple[float, bool, Line]], second: list[tuple[float, bool, Line]]
    ) -> tuple[list[int], list[int]]:
        """Both sides' lines in the order to show them: pairs that make one point of each thing first (they
        share a technical word, not a name: 'shards', 'replay'), strongest pair first and each word once, up
        to three pairs; then the other lines by score."""

        def aspects(line: Line) -> set[str]:
            found = {
                stem(w)
                for w in words(line.text)
                if english_frequency(w) <= self.settings.aspect_max_zipf and w.isalpha()
            }  # a word's frequency, not its stem's ("consumer" is everyday, "consum" is no word)
            return found - self._name_terms

        first_aspects = [aspects(line) for _, _, line in first]
        second_aspects = [aspects(line) for _, _, line in second]
        pairs = sorted(
            (
                (a_score + b_score, i, j, frozenset(a_terms & b_terms))
                for i, ((a_score, _, a_line), a_terms) in enumerate(zip(first, first_aspects, strict=True))
                for j, ((b_score, _, b_line), b_terms) in enumerate(zip(second, second_aspects, strict=True))
                if a_terms & b_terms and a_line.text != b_line.text
            ),
            key=lambda pair: (-pair[0], pair[1], pair[2]),
        )
        left: list[int] = []
        right: list[int] = []
        said: set[str] = set()
        for _, i, j, shared in pairs:
            if len(left) == self.settings.aligned_rows:
                break
            if i in left or j in right or shared <= said:
                continue
            left.append(i)
            right.append(j)
            said |= shared
        return (
            left + [i for i in range(len(first)) if i not in left],
            right + [j for j in range(len(second)) if j not in right],
        )

    def _compared(self, query: Query) -> list[str]:
        """The things a comparison is between: "X or Y", names joined by and/vs/versus, else the first two."""
        if query.alternatives:
            return query.alternatives
        found = find_names(query.stem, self.reading.names.all_keys, shouted=self.reading.names.shouted_keys)
        for first, second in pairwise(found):
            between = query.stem[first[2] : second[1]].strip().lower()
            if first[0] != second[0] and re.fullmatch(
                r"(?:and|or|vs\.?|versus|&|,|with|from|over|compared to|compared with|instead of|and the|"
                r"or the|vs the|(?:[a-z\-]+\s+){0,3}than)",  # "gzipped CSV any worse than Parquet"
                between,
            ):
                return [first[0], second[0]]
        return list(dict.fromkeys(query.subjects))[:2]

    # --- pasted multiple choice ---

    def _multiple_choice(self, query: Query, retrieval: Retrieval, matcher: Matcher) -> Draft:
        """Each option is judged by the line of the notes that best says it while speaking to the stem:
        how well the line fits the stem, times how well it says the option (the option's name is its
        subject, or its meaning and its distinctive words are in it). A line that says the opposite of
        the option counts against it."""
        stem_vector = retrieval.turn_vector if retrieval.turn_vector is not None else self.encode([query.stem])[0]
        option_vectors = np.asarray(self.encode([o.text for o in query.options]), np.float32)

        def stem_matcher_of(terms: Iterable[str]) -> Matcher:
            return Matcher(
                query,
                retrieval,
                self.reading,
                self.lexical,
                self.settings,
                vector=np.asarray(stem_vector, np.float32),
                weights=dict.fromkeys(terms, 1.0),
            )

        # The words naming the kind asked for ("Which system-defined role ...") are said of every option of that kind
        # (and of their section, "System-defined roles"); what tells the options apart is the rest of the stem.
        kind_terms = set(tokenize(query.answer_type or ""))
        fitting = [t for t in tokenize(query.stem) if t not in query.negated]
        stem_matcher = stem_matcher_of([t for t in fitting if t not in kind_terms] or fitting)
        # "A team has already defined a cache zone ... Which directive sets how long responses are kept?": which
        # clause of a line holds an option is judged by the sentence that asks, when it says what it asks for.
        asking = asking_sentence(query.stem)
        asked_terms = {t for t in tokenize(asking) if t not in query.negated and t not in _ASKING_TERMS}
        clause_matcher = stem_matcher
        if asking.strip() != query.stem.strip() and len(asked_terms) >= 3:
            clause_matcher = stem_matcher_of(asked_terms)
        names = self.reading.names
        option_terms = [set(tokenize(o.text)) for o in query.options]
        shared = {
            t for t in set().union(*option_terms) if sum(t in terms for terms in option_terms) > len(option_terms) / 2
        }
        stem_terms = set(tokenize(query.stem))
        option_markers = [_markers(o.text) for o in query.options]
        shared_markers = {
            m
            for m in set().union(*option_markers)
            if sum(m in marks for marks in option_markers) > len(option_markers) / 2
        }
        verdicts: list[tuple[float, str, Line | None]] = []
        # Each option's own line about itself (it is the line's subject, no other option named): what a wrong
        # option's why-not quotes, rather than the line that came nearest the stem ("... without stashing" is
        # the worktree's line, not what git stash is for).
        own_lines: dict[str, Line] = {}
        option_keys = [
            [
                k
                for k in (
                    names.resolve(key)
                    for key, _, _ in find_names(
                        o.text, names.all_keys, shouted=names.shouted_keys, plain=names.plain_keys
                    )
                )
                if k
            ]
            for o in query.options
        ]
        common = {
            k for keys in option_keys for k in keys if sum(k in other for other in option_keys) > len(option_keys) / 2
        }
        # Names the stem already uses ("... for an existing Athena table") are context, not what an option adds.
        common |= {
            k
            for k in (
                names.resolve(key)
                for key, _, _ in find_names(
                    query.stem, names.all_keys, shouted=names.shouted_keys, plain=names.plain_keys
                )
            )
            if k
        }
        for option, vector, terms, named, markers in zip(
            query.options, option_vectors, option_terms, option_keys, option_markers, strict=True
        ):
            # Names every option shares ("kubectl ... deployment") tell none of them apart.
            keys = [k for k in named if k not in common]
            other_keys = {k for other in option_keys if other is not named for k in other} - set(keys)
            # What tells an option apart: its words that the other options and the stem do not share.
            distinctive = terms - shared - stem_terms or terms - shared or terms
            best_score, best_line = 0.0, None
            own_says = 0.0
            # Only a name that spells the option's own words ("git stash"), not a part of it ("git" of "git
            # worktree"), makes a line the option's own.
            named_whole = any(distinctive <= set(k.split()) for k in keys)
            for line in self._option_evidence(option.text, keys, retrieval):
                fits = stem_matcher.line(line)
                says = self._says(line, option.text, vector, distinctive, keys)
                if says > 0 and (
                    self._denies_stem(query.stem, line, stem_terms, distinctive)
                    or _unless_undoes(line.text, markers - shared_markers, stem_terms)
                ):
                    says *= 0.3  # "Which formats can be split?" - "JSON and CSV cannot be split": not these
                if says > 0 and line.kind == "row":
                    # In a table row, the cell that holds the option should be the one the stem asks about
                    # ("Expedited: 1-5 minutes", not "Standard: 3-5 hours").
                    cells = [c for c in line.body.split("; ") if distinctive & set(tokenize(c))]
                    if cells:
                        says *= 0.5 + 0.5 * max(stem_matcher.coverage(frozenset(tokenize(c))) for c in cells) / max(
                            stem_matcher.coverage(line.terms), 1e-6
                        )
                    if len(option.text.split()) >= 4 and self._said_of_another_row(line, distinctive, keys):
                        # "A bind mount is created with docker volume create": the table says that of the named
                        # volume's row, and the bind mount's row says otherwise.
                        says *= self.settings.statement_other_value_factor
                elif (
                    says > 0
                    and (len(option.text.split()) <= 3 or re.search(r"\d", option.text))
                    # A line that names the other options too ("... with proxy_cache_path ...; set lifetimes with
                    # proxy_cache_valid ...") says each in its own clause, whichever it puts forward.
                    and (not self._about(line, keys) or self._names_any(line, other_keys))
                ):
                    # Likewise a value in a sentence of several clauses: "accepts 1 MB/s of writes and serves 2
                    # MB/s of reads" says the 2 of a question about writes only in the clause about reads. (A
                    # statement option is judged whole: its own words say which clause it is about.)
                    says *= self._clause_fit(line, distinctive, clause_matcher, option.text)
                if says > 0 and fits * says > best_score:
                    best_score, best_line = fits * says, line
                if (
                    says > own_says
                    and named_whole
                    and self._about(line, keys)
                    and not self._names_any(line, other_keys - set(keys))
                ):
                    own_says, own_lines[option.letter] = says, line
            if query.negated & terms and not _NEGATES.search(option.text):
                # "without paying for extra delete writes": an option that does what the stem rules out
                # ("a Lambda that deletes items") answers another question.
                best_score *= self.settings.negated_line_factor
            verdicts.append((best_score, option.letter, best_line))
        ranked = sorted(verdicts, key=lambda v: -v[0])
        picked = {letter for _, letter, _ in ranked[: max(1, query.picks)]}
        draft = Draft(kind="multiple_choice", text="")
        draft.choice = sorted(picked) if query.picks > 1 else next(iter(picked))
        lead_parts, reasons = [], []
        for (score, letter, best_line), option in zip(verdicts, query.options, strict=True):
            option_line = best_line if letter in picked else own_lines.get(letter, best_line)
            if option_line is not None:
                what = _cited(_strip_label(option_line, None), draft.rely_on(option_line.chunk_id, option_line.text))
            else:
                what = "Your notes say nothing about this option."
            verdict = OptionVerdict(letter, option.text, letter in picked, what, round(score, 4), label=option.label)
            draft.options.append(verdict)
            if letter in picked:
                lead_parts.append(f"{option.shown}) {option.text}")
                reasons.append(f"- {option.shown}) {option.text}: {what}")
        others = [f"- Not {o.shown}) {o.text}: {o.reason}" for o in draft.options if not o.picked]
        answer_word = "Answers" if len(lead_parts) > 1 else "Answer"
        draft.text = "\n".join([f"{answer_word}: {' and '.join(lead_parts)}.", ""] + reasons + others)
        draft.recommendation = " and ".join(o.text for o in draft.options if o.picked)
        draft.trace["options"] = [
            {"letter": letter, "score": round(score, 4), "line": line.text[:120] if line else None}
            for score, letter, line in verdicts
        ]
        return draft

    def _speaks_of(self, line: Line, entity: Entity) -> bool:
        """Whether a line says something of a thing: it names it as its label or subject, or sits under it
        (an item, a heading) with other things only mentioned in it."""
        resolve = self.reading.names.resolve
        own = max((x.role for x in line.subjects if resolve(x.key) == entity.key), default=0.0)
        other = max((x.role for x in line.subjects if resolve(x.key) != entity.key), default=0.0)
        return own >= ROLE_SUBJECT or (own >= ROLE_PARENT and other <= ROLE_MENTION)

    def _subject_of_line(self, line: Line, besides: Entity) -> Entity | None:
        """The thing a line puts first, other than `besides` and above a mention (a label, its subject, a name
        written as code), if any."""
        names = self.reading.names
        for subject in sorted((x for x in line.subjects if x.role > ROLE_MENTION), key=lambda x: -x.role):
            entity = names.entity(names.resolve(subject.key) or subject.key)
            if entity is not None and entity.key != besides.key:
                return entity
        return None

    def _about(self, line: Line, keys: list[str]) -> bool:
        """Whether a line is about one of an option's names as its subject: then the whole line says what
        that thing is ("What is a ReplicaSet? A controller that keeps ..."), whichever clause holds its name."""
        names = self.reading.names
        return any(x.role >= ROLE_SUBJECT and x.cue >= 0 and names.resolve(x.key) in keys for x in line.subjects)

    def _names_any(self, line: Line, keys: set[str]) -> bool:
        resolve = self.reading.names.resolve
        return any(resolve(x.key) in keys for x in line.subjects)

    @staticmethod
    def _clause_fit(line: Line, distinctive: set[str], stem_matcher: Matcher, option: str = "") -> float:
        """How much the clauses of a line that hold an option (written out, else its distinctive words) speak
        to the stem, against the line as a whole (0.5..1; 1 when every clause holds it, or the line is one
        clause). "keep_on" shares every word with "keep_valid": its own clause is where it is written."""
        clauses = _clauses(line.shown)
        spelled = _whole_word(option.strip()) if option.strip() else None
        holding = [c for c in clauses if spelled and spelled.search(c)] or [
            c for c in clauses if distinctive & set(tokenize(c))
        ]
        if len(clauses) < 2 or not holding or len(holding) == len(clauses):
            return 1.0
        whole = stem_matcher.coverage(line.terms)
        if whole <= 0:
            return 1.0
        return 0.5 + 0.5 * min(1.0, max(stem_matcher.coverage(frozenset(tokenize(c))) for c in holding) / whole)

    def _option_evidence(self, text: str, keys: list[str], retrieval: Retrieval) -> list[Line]:
        """The lines that might say an option: the retrieved passages', those of the passages its words
        find, and every line about the names it holds."""
        pool: dict[tuple[str, int], Line] = {}
        chunk_ids = [p.chunk.id for p in retrieval.passages]
        chunk_ids += [self.lexical.chunks[i].id for i, _ in self.lexical.search(text, 3)]
        for chunk_id in dict.fromkeys(chunk_ids):
            for line in self.reading.lines(chunk_id):
                pool[(line.chunk_id, line.index)] = line
        for key in dict.fromkeys(keys):
            for item in self.reading.profile(key):
                pool[(item.line.chunk_id, item.line.index)] = item.line
        return [line for line in pool.values() if not line.is_heading and line.kind != "code"]

    @staticmethod
    def _denies_stem(stem_text: str, line: Line, stem_terms: set[str], option_terms: set[str]) -> bool:
        """Whether the part of a line that speaks of an option says the opposite of what the stem asks for
        ("Which formats can be split?" - "JSON and CSV ... cannot be split"; "Always ... is not allowed")."""
        from .premise import opposed

        if len(stem_terms & line.terms) < 2:
            return False
        clauses = [c for c in re.split(r"(?<=[.;!?])\s+", line.text) if option_terms & set(tokenize(c))]
        return any(
            opposed(stem_text, clause) == "negation" and _negation_reaches(clause, stem_terms, option_terms)
            for clause in clauses
        )

    def _says(self, line: Line, text: str, vector: np.ndarray, distinctive: set[str], keys: list[str]) -> float:
        """How well a line says an option (0..1): as its subject, or by meaning and distinctive words."""
        from .premise import opposed

        names = self.reading.names
        role = max((x.role for x in line.subjects if names.resolve(x.key) in keys and x.cue >= 0), default=0.0)
        flags = set(_FLAG.findall(text))
        if flags and not any(flags <= set(_FLAG.findall(names.display(k))) for k in keys):
            role = 0.0  # "terraform init -reconfigure": a line about terraform init need not say what the flag does

        similarity = self.reading.line_similarity(line.chunk_id, vector)
        meaning = float(similarity[line.index]) if line.index < len(similarity) else 0.0
        idf = self.lexical.idf
        total = sum(idf(t) for t in distinctive) or 1.0
        words = sum(idf(t) for t in distinctive if t in line.terms) / total
        phrase = re.escape(normalise_space(text).lower().strip(" ."))
        verbatim = 1.0 if re.search(rf"(?<![\w-]){phrase}(?![\w-])", normalise_space(line.text).lower()) else 0.0
        short = len(text.split()) <= 2 or all(t.isdigit() for t in distinctive)
        # A short or numeric option ("50", "Never") is said by its words; its embedding says little.
        weight = 0.2 if short else 0.5
        says = max(role, weight * max(meaning, 0.0) + (1 - weight) * max(words, verbatim))
        if (
            len(text.split()) >= 4
            and role < ROLE_SUBJECT
            and meaning >= 0.5
            and words >= 0.5
            and opposed(text, line.text)
            # "... inside a VPC, not on the public internet" denies the internet, not the VPC
            and _negation_reaches(line.text, set(), set(tokenize(text)))
        ):
            # The line says the opposite of the option: a statement, not a bare value, nor a name the line is
            # about ("Time to Live (TTL)" against "... at no extra write cost").
            says *= 0.3
        # "FTP uploads are stored in Amazon RDS" against "... store the files in Amazon S3 or Amazon EFS": a
        # statement naming a thing (its own name, not the stem's) that the line never names is not what the
        # line says - the line may fill that place with another name.
        named = {
            stem(token.lower())
            for token in re.findall(r"[A-Za-z][A-Za-z0-9]+", text)[1:]
            if (token.isupper() or token[:1].isupper()) and token.lower() not in VENDOR_WORDS
        } & distinctive
        unnamed = bool(named) and not named & line.terms
        unnamed = unnamed or bool(keys) and not any(self._mentions(before, keys) for before in self._read_with(line))
        if len(text.split()) >= 4 and unnamed:
            says *= self.settings.statement_unnamed_factor
        if len(text.split()) >= 4 and says > 0 and _other_value(text, line.shown):
            # "rejected with 429 by default" against "rejected with 503 by default; set ... 429 ...".
            says *= self.settings.statement_other_value_factor
        return says

    def _said_of_another_row(self, line: Line, distinctive: set[str], keys: list[str]) -> bool:
        """Whether most of what a statement says beyond its names is missing from its own table row and most of
        that is in another row of the same table."""
        names = self.reading.names
        about = {names.resolve(x.key) for x in line.subjects} & set(keys)  # the row's own thing, of the option's
        own_name = {t for k in about if k for t in tokenize(names.display(k))}
        said = distinctive - own_name
        missing = said - line.terms
        if len(missing) < 2 or len(missing) < 0.5 * len(said):
            return False
        rows = [
            other for other in self.reading.lines(line.chunk_id) if other.kind == "row" and other.group == line.group
        ]
        return any(
            len(missing & other.terms) >= max(2.0, 0.6 * len(missing)) for other in rows if other.index != line.index
        )

    def _mentions(self, line: Line, keys: list[str]) -> bool:
        """Whether a line names one of these things: as a subject, or anywhere in its text ("... still
        written to the state file in plain text")."""
        names = self.reading.names
        if any(names.resolve(x.key) in keys for x in line.subjects):
            return True
        found = find_names(line.text, names.all_keys, shouted=names.shouted_keys, plain=names.plain_keys)
        return any(names.resolve(key) in keys for key, _, _ in found)

    def _read_with(self, line: Line) -> list[Line]:
        """A line and the one before it in its section: "The burst lets short spikes queue ..." is read after
        the sentence that sets limit_req's burst, which it names."""
        lines = self.reading.lines(line.chunk_id)
        before = [lines[line.index - 1]] if 0 < line.index <= len(lines) - 1 else []
        return [line] + [b for b in before if b.section == line.section]


def _other_value(statement: str, text: str) -> bool:
    """Whether the clause of a text that says what a statement says gives another value: "Requests ... are
    rejected with 429 by default" against "Requests ... are rejected with 503 by default; set limit_req_status
    429; to return 429 ... instead" (the 429 is in another clause)."""
    values = set(re.findall(r"\b\d+(?:\.\d+)?\b", statement))
    if not values:
        return False
    words = {t for t in tokenize(statement) if not t.isdigit()}
    clauses = [c for c in re.split(r"(?<=[.;!?])\s+|;\s*", text) if c.strip()]
    if not words or len(clauses) < 2:
        return False
    best = max(clauses, key=lambda c: len(words & set(tokenize(c))))
    if len(words & set(tokenize(best))) < 0.6 * len(words):
        return False
    said = set(re.findall(r"\b\d+(?:\.\d+)?\b", best))
    return bool(said) and not values & said


#: The words a question asks with ("which", "should", "best"), stemmed: they say nothing of what is asked.
_ASKING_TERMS = frozenset(t for word in QUESTION_WORDS for t in tokenize(word))

_CLAUSE_BREAK = re.compile(r"(?<=[.;!?])\s+|;\s*|,?\s+(?:and|but|while|whereas)\s+(?=(?P<verb>[a-z]+)\s+(?P<next>\S+))")


def _clauses(text: str) -> list[str]:
    """A sentence's clauses: at sentence ends and semicolons, and at "and"/"but" before a verb ("accepts 1 MB/s
    of writes and serves 2 MB/s of reads"), not inside a list ("logs and metrics")."""
    pieces, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.group("verb") and not looks_like_verb(match.group("verb"), match.group("next")):
            continue
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def _sentence_parts(text: str) -> list[str]:
    """A text's sentences, and their parts either side of a semicolon."""
    return [part.strip() for sentence in loose_sentences(text) for part in re.split(r";\s*", sentence) if part.strip()]


def _requirement_clauses(text: str) -> list[str]:
    """A scenario's requirements, one per clause, the asking sentence aside."""
    clauses = [c for c in _sentence_parts(text) if len(tokenize(c)) >= 3]
    # A sentence saying what is NOT wanted ("No sharing, no dashboards") would match the lines about what it
    # rules out: an embedding does not read the "no".
    return [c for c in clauses if not re.match(r"(?i)(which|what|how)\b", c) and not _NEGATES.search(c)]


def _leans_on_before(sentence: str) -> bool:
    """A sentence whose opening words stand for something said before it ("It is ...", "Commit it to ...",
    "Use them when ...")."""
    opening = sentence.strip().split()[:4]
    return any(re.fullmatch(r"(?i)(?:it|they|them|these|this)[,.]?", word) for word in opening)


_FLAG = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def _markers(text: str) -> set[str]:
    """An option's words and its command-line flags ("-v", "--volumes"), which words alone would drop."""
    return set(tokenize(text)) | {f.lower() for f in _FLAG.findall(text)}


def _unless_undoes(text: str, option_markers: set[str], stem_terms: set[str]) -> bool:
    """ "Named volumes are kept unless you add `-v`": the option that adds -v undoes what the sentence says
    before "unless"; when the stem asks for that (keeping the named volume), the option goes against it."""
    for sentence in _sentence_parts(text):
        match = re.search(r"\bunless\b", sentence, re.IGNORECASE)
        if not match:
            continue
        main, condition = sentence[: match.start()], sentence[match.end() :]
        if option_markers & _markers(condition) and set(tokenize(main)) & stem_terms:
            return True
    return False


def _negation_reaches(clause: str, stem_terms: set[str], option_terms: set[str]) -> bool:
    """Whether a "not" in a clause bears on the stem or the option: what it negates (the few words after
    it) is a stem word, or the option is named just before it ("Always ... is not allowed"). A "not" about
    something else ("300 seconds by default, so replicas are not removed") denies neither."""
    found = list(re.finditer(r"[\w'-]+", clause))
    words = [m.group(0) for m in found]
    for i, word in enumerate(words):
        if not _NEGATES.fullmatch(word) or (i > 0 and word[:1].isupper()):
            continue  # "Only OnFailure or Never": a capitalised word inside a sentence is a value, not a "not"
        after = set(tokenize(" ".join(words[i + 1 : i + 5])))
        # "... inside a VPC, not on the public internet": a "not" after a comma sets aside what follows it
        # and leaves what went before standing.
        contrast = clause[: found[i].start()].rstrip().endswith(",")
        before = set() if contrast else set(tokenize(" ".join(words[max(0, i - 6) : i])))
        if after & (stem_terms | option_terms) or before & option_terms:
            return True
    return False


#: A SQL statement's keywords in capitals ("UNDROP TABLE", "COPY INTO", "MSCK REPAIR TABLE"): a command by its shape.
_SQL_STATEMENT = re.compile(r"[A-Z][A-Z_]+(?: [A-Z][A-Z_]+){1,3}")


def _one_term_in_other(first: Entity, second: Entity) -> bool:
    """ "Shielding" and "Origin shielding": two spellings of one term, not a thing and its alternative. Products
    keep apart ("EMR" and "EMR Serverless" are two services)."""
    if first.proper or second.proper:
        return False
    a, b = set(first.key.split()), set(second.key.split())
    return a <= b or b <= a


@functools.lru_cache(maxsize=8192)
def _whole_word(spelling: str) -> re.Pattern[str]:
    """A spelling as a whole word, compiled once: the reader asks it of many lines per question, with more
    distinct spellings than Python's own pattern cache keeps."""
    return re.compile(rf"\b{re.escape(spelling)}\b")


@functools.lru_cache(maxsize=8192)
def _called_beside(spelling: str, word: str) -> re.Pattern[str]:
    """ "<name> <kind word>" or "<kind word> (of) <name>" ("the MSCK REPAIR TABLE command"), compiled once."""
    name = re.escape(spelling)
    return re.compile(rf"{name}\s+{word}\w*|{word}\w*\s+(?:of\s+)?{name}", re.IGNORECASE)


def _term_polarity(text: str, terms: set[str]) -> list[tuple[str, bool]]:
    """Each mention of one of `terms` (stems) in a text, and whether a negation word stands within two
    words before it ("non-Hive", "not Hive", "without a cluster")."""
    if not terms:
        return []
    said = [part for word in words(text) for part in word.split("-") if part]  # "non-hive": "non", "hive"
    found: list[tuple[str, bool]] = []
    for index, word in enumerate(said):
        term = stem(word)
        if term in terms:
            found.append((term, any(_NEGATES.fullmatch(w) for w in said[max(0, index - 2) : index])))
    return found


#: A sentence opening with the case it applies to: "For non-Hive partitions, ...", "If the table is new, ...".
_CONDITION = re.compile(r"(?i)^\s*(?:for|if|when|with)\s+(?P<condition>[^,]{3,80}),")
_NEGATES = re.compile(r"\b(?:no|not|non|without|never|cannot|can't|don't|doesn't|avoid|instead of)\b", re.IGNORECASE)

#: Answer kinds that are parts of a product, not products ("which CloudWatch feature ...").
FEATURE_ANSWER_TYPES = frozenset(
    {
        "feature",
        "features",
        "capability",
        "capabilities",
        "setting",
        "settings",
        "option",
        "options",
        "parameter",
        "field",
        "flag",
        "property",
        "component",
    }
)


def _headed_by(entity: Entity, head: str) -> bool:
    """Whether a name (or one of its other spellings) ends with this word (stemmed)."""
    return any(tokens and tokens[-1] == head for tokens in (tokenize(n) for n in [entity.name, *entity.aliases]))


def _modified_by(entity: Entity, head: str) -> bool:
    """Whether a name uses this word before its last word ("CLUSTER Management")."""
    return any(head in tokens[:-1] for tokens in (tokenize(n) for n in [entity.name, *entity.aliases]))


def _is_product(entity: Entity) -> bool:
    """A vendor's product ("Amazon OpenSearch Service", "AWS Lambda"), by how the notes spell it."""
    return entity.proper and any(
        s.split()[0].lower() in ("aws", "amazon", "google", "azure", "microsoft") for s in entity.spellings
    )


def _names_destination(text: str, entity: Entity) -> bool:
    return any(
        re.search(rf"\b(?:to|into|in)\s+(?:the\s+)?{re.escape(spelling)}", text, re.IGNORECASE)
        for spelling in entity.spellings
    )


def _says_more_than(line: Line, entity: Entity) -> bool:
    """Whether a line says something beyond naming a thing ("Solution: Use X." says nothing more)."""
    rest = line.text
    for spelling in sorted(entity.spellings, key=len, reverse=True):
        rest = re.sub(re.escape(spelling), " ", rest, flags=re.IGNORECASE)
    content = [t for t in tokenize(rest) if t not in _ANSWER_WORDS]
    return len(content) >= 3


_ANSWER_WORDS = frozenset(
    tokenize(
        "solution answer use enable choose consider prefer select pick service tool aws "
        "amazon exam tip focus note general"
    )
)


def _same_text(a: Line, b: Line) -> bool:
    return normalise_space(a.text).lower() == normalise_space(b.text).lower()


def _cited(text: str, reference: str) -> str:
    """A sentence ending in its citation: "Use X for Y [1]." (a code block keeps its shape)."""
    if "\n" in text.strip():
        return f"{reference}\n```\n{text.strip()}\n```"
    text = normalise_space(text).rstrip(" :")
    end = "." if not text.endswith(("!", "?")) else ""
    return f"{text.rstrip('.')} {reference}{end}"


def _sentence(text: str) -> str:
    text = normalise_space(text).rstrip(" :")
    return text if text.endswith((".", "!", "?", ")", "`")) else text + "."


def _row_cells(line: Line) -> dict[str, str]:
    """A table row's cells by column ("Replication - Multi-AZ: Synchronous; Read replica: Asynchronous")."""
    if line.kind != "row" or " - " not in line.text:
        return {}
    cells: dict[str, str] = {}
    for part in line.text.split(" - ", 1)[1].split("; "):
        column, _, value = part.partition(": ")
        if column and value:
            cells[column.strip()] = value.strip()
    return cells


def _best_column(cells: dict[str, str], side_terms: set[str]) -> str | None:
    """The column a side of the comparison names: most of the column's words are the side's words."""
    best, best_share = None, 0.0
    for column in cells:
        terms = set(tokenize(column)) - VENDOR_STEMS
        if not terms:
            continue
        share = len(terms & side_terms) / len(terms)
        if share > best_share:
            best, best_share = column, share
    return best if best_share >= 0.5 else None


def _strip_label(line: Line, entity: Entity | None) -> str:
    """A line without its label when the label only repeats the subject ("Amazon AppFlow: ...")."""
    if line.label and line.body and line.kind in ("item", "sentence", "row", "cell"):
        if entity is None or name_key(line.label) in ({entity.key} | entity.aliases) or line.kind in ("row", "cell"):
            return line.body if line.kind != "cell" else f"{line.label}: {line.body}"
    return line.shown


def _aspect(per_subject: list[list[Line]], position: int) -> str:
    labels = {
        line.label
        for lines in per_subject
        if position < len(lines)
        for line in [lines[position]]
        if line.label and line.kind == "cell"
    }
    return labels.pop() if len(labels) == 1 else f"Point {position + 1}"


@register("default")
def build_reader(reading: Reading, lexical: LexicalIndex, settings: ReaderSettings, encode) -> NotesReader:
    return NotesReader(reading, lexical, settings, encode)


__all__ = ["NotesReader", "Matcher", "Candidate", "CATEGORY_HEADS"]
