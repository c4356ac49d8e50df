"""Practice: multiple-choice questions generated from what the notes state, validated before use.

Questions come from the same reading of the notes as the answerer (statements.py): a line that puts
a named service forward ("X is ideal for Y", "Use X for Y", "X: For migrating ...", "Solution: X"
under a "Scenario:"), so every question is grounded in a passage and checkable. Kinds:

- `scenario`: the requirement from the notes, asking which option fits;
- `cloze`: the line with the name blanked out;
- `comparison`: two things the notes contrast ("Use X for A; use Y for B"), asking which fits A.

Distractors are names of the same kind from the notes, preferring those the same passage contrasts
or the same section covers. A question is dropped unless its keyed answer is supported by its cited
passage, no wrong option is also supported by the notes, the options are unique and its stem is not
a near-duplicate of another. Nothing here depends on one document's wording.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from .answering import Citation
from .chunking import Chunk
from .statements import ROLE_FIT, ROLE_LABEL, ROLE_PARENT, ROLE_SUBJECT, VENDOR_WORDS, ParsedPassage, Statement
from .statements import canonical_key, named_spans
from .statements import english_frequency
from .text import tokenize  # noqa: E402

KINDS = ("scenario", "cloze", "comparison")
_TEMPLATE_TERMS = frozenset(tokenize(
    "which option matches this description should you use choose fill in the blank scenario one fits"
))
_GENERIC_NOUNS = {"management", "types", "type", "formats", "format", "requirement", "requirements", "options",
                  "methods", "capabilities", "features", "overview", "summary", "practices", "details", "sources",
                  "components", "movements", "analysis", "tools", "access", "support", "benefits", "advantages"}
_PREDICATE = re.compile(
    r"^(?P<subject>.+?)\s+(?P<predicate>(?:is|are)\s+(?:\w+\s+){0,2}?(?:ideal|best|suited|suitable|optimal|"
    r"recommended|preferred|designed|perfect|great|used|the relevant|the right)\b.*|"
    r"(?:is|are)\s+(?:a|an|the)\s+(?:\S+\s+){3,}\S.*|"  # a definition that says enough: "X is the lowest-cost class for ..."
    r"(?:helps?|provides?|scans?|allows?|enables?|lets?)\b.*)$",
    re.IGNORECASE,
)


@dataclass
class Question:
    id: str
    kind: str
    stem: str
    options: list[str]
    answer: int
    explanation: str
    why_not: dict[str, str]
    citations: list[dict]
    section: str
    chunk_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Question":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class _Fact:
    """A line that puts `name` forward or says what it is, with the passage it lives in.

    `shape` is how: "fit" (recommends it), "label" ("X: description"), "child" (a line under an item
    that is just the name, "3. X:") or "definition" ("X is a ...")."""

    name: str
    key: str
    statement: Statement
    chunk: Chunk
    parsed: ParsedPassage
    shape: str = "fit"

    @property
    def description(self) -> str:
        return self.statement.text if self.shape == "child" else self.statement.description


@dataclass
class GenerationReport:
    generated: int = 0
    valid: int = 0  # passed validation
    kept: int = 0  # chosen for the set (at most n, spread over topics)
    dropped: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {reason}" for reason, n in self.dropped.most_common()) or "none"
        return (f"{self.generated} candidate questions, {self.valid} passed validation, {self.kept} chosen; "
                f"dropped: {reasons}.")


def _stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


class QuestionGenerator:
    """Builds validated questions from an answerer's reading of the indexed chunks."""

    def __init__(self, answerer, chunks: list[Chunk], embed=None) -> None:
        """`embed(texts) -> vectors` (unit length), when given, makes distractors names of the same
        kind as the answer (charts for a chart, Apache projects for an Apache project)."""
        self.answerer = answerer
        self._embed = embed
        self._kinship = None  # (name key -> row, name embeddings), built on first use
        self.chunks = chunks
        self._ids_by_text = {c.text: c.id for c in chunks}
        self.facts: list[_Fact] = []
        self.names: dict[str, str] = {}  # canonical key -> fullest display name
        self.name_sections: dict[str, set[str]] = {}
        parsed_chunks = [(chunk, answerer.statement_parse(chunk)) for chunk in chunks]
        for chunk, parsed in parsed_chunks:
            for statement in parsed.statements:
                for name, role in statement.subjects:
                    key = canonical_key(name)
                    defined = role >= ROLE_SUBJECT and _fact_shape(statement, key, role, answerer.vocabulary) == "definition"
                    if (role < ROLE_LABEL and not defined) or not key or not self._is_practice_name(name):
                        continue
                    if len(name) > len(self.names.get(key, "")):
                        self.names[key] = name
                    self.name_sections.setdefault(key, set()).add(_top_section(chunk.section))
        for chunk, parsed in parsed_chunks:
            for statement in parsed.statements:
                for name, role in statement.subjects:
                    key = canonical_key(name)
                    shape = _fact_shape(statement, key, role, answerer.vocabulary) if key in self.names else None
                    if shape:
                        self.facts.append(_Fact(name, key, statement, chunk, parsed, shape))
        self._facts_by_key: dict[str, list[_Fact]] = {}
        for fact in self.facts:
            self._facts_by_key.setdefault(fact.key, []).append(fact)

    def _is_practice_name(self, name: str) -> bool:
        """Only clear names become options: every word capitalised (or a connector), no commas, and
        a one-word name must be an acronym or a word the notes capitalise mid-sentence ("Athena")."""
        if len(name) > 60 or "," in name or not self.answerer._is_name(name):
            return False
        words = re.findall(r"[A-Za-z0-9][A-Za-z0-9/\-]*", name)
        if not words or any(not (w[0].isupper() or w[0].isdigit()) and w.lower() not in ("for", "of", "and", "or", "on")
                            for w in words):
            return False
        significant = [w for w in words if w.lower() not in VENDOR_WORDS]
        if not significant:
            return False
        if re.search(r"\s(?:and|or)\s|/", name) and not name.isupper() and "/" not in name.split()[0]:
            return False  # a list ("Amazon Athena and QuickSight") is not one option
        if " for " in name and words[0].lower() not in VENDOR_WORDS:
            return False  # "S3 Buckets for PII" is a heading
        if words[-1].lower() in _GENERIC_NOUNS:
            return False  # "Cluster Management", "Node Types": headings, not things to choose
        if len(words) == 1:
            word = words[0]
            if word.isupper() or re.search(r"[a-z][A-Z]|\d", word):
                return True
            return word in self.answerer.lexical.midsentence_names and english_frequency(word.lower()) < 3.5
        if len(significant) == 1 and self.answerer.vocabulary.is_common(significant[0]):
            return False  # "AWS Preference" is a label, "AWS Glue" a name
        return True

    # --- candidates ---------------------------------------------------------------------------

    def _scenario_stem(self, fact: _Fact) -> str | None:
        if fact.shape == "fit":
            siblings = [s for s in fact.parsed.statements if s.group == fact.statement.group]
            scenario = next((s for s in siblings if s.label and s.label.lower().startswith("scenario")), None)
            if scenario is not None:
                return f"Scenario: {scenario.description.rstrip('.')}. Which option should you choose?"
        text = fact.statement.text
        if fact.shape in ("fit", "definition"):
            predicate = _predicate_about(fact.statement.description if fact.statement.label else text, fact.key)
            if predicate and _balanced(predicate):
                predicate = re.sub(r"^are\b", "is", predicate.rstrip("."))
                return f"Which option {predicate}?"
        if fact.shape == "fit":
            # "Use X for Y" as advice (the line starts with the verb), not "Both use X for Y".
            use = re.match(rf"^(?:[^:]{{1,40}}:\s*)?(?:use|enable|choose|consider)\s+{re.escape(fact.name)}\s+(?P<rest>(?:for|to|when)\b.+)$",
                           text, re.IGNORECASE)
            if use:
                return f"Which option should you use {use.group('rest').rstrip('.')}?"
        # A description names one thing only when it says enough ("Integrates with AWS services" fits many).
        description = fact.description.rstrip(".")
        describes = fact.shape == "child" or _labels_name(fact.statement, fact.key)
        if (describes and len(tokenize(description)) >= 4 and _balanced(description)
                and self._describes_only(fact.key, description)):
            return f"Which option matches this description: “{description}”?"
        return None

    def _cloze_stem(self, fact: _Fact) -> str | None:
        text = fact.statement.text
        if not _mentions(text, fact.name) or len(text.split()) < 6 or not _balanced(text):
            return None
        if _labels_name(fact.statement, fact.key):
            # The label goes whole: its expansion in brackets would give the name away.
            blanked = f"_____: {fact.statement.description}"
        else:
            blanked = re.sub(re.escape(fact.name), "_____", text, flags=re.IGNORECASE)
        # Another spelling of the same name ("Macie" for "Amazon Macie") would give the answer away.
        short = fact.key.split()[-1] if fact.key else ""
        if short and re.search(rf"\b{re.escape(short)}\w*\b", blanked, re.IGNORECASE):
            return None
        return f"Fill in the blank: {blanked[:1].upper()}{blanked[1:].rstrip('.')}."

    def _comparison_stem(self, fact: _Fact) -> tuple[str, str] | None:
        """(stem, the contrasted name) when the same passage puts another name forward too."""
        for other in fact.parsed.statements:
            if other is fact.statement:
                continue
            for name, role in other.subjects:
                key = canonical_key(name)
                if role >= ROLE_FIT and key != fact.key and key in self.names and self.answerer._is_name(name):
                    clause = re.sub(r"^.*?\b(use|for|when)\b", r"\1", fact.statement.description, count=1, flags=re.IGNORECASE)
                    clause = re.sub(re.escape(fact.name), "it", clause, flags=re.IGNORECASE).rstrip(".")
                    if len(clause.split()) < 3 or _mentions(clause, name):
                        continue
                    left, right = sorted([self.names[fact.key], self.names[key]])
                    return f"{left} or {right}: which one fits “{clause}”?", self.names[key]
        return None

    # --- distractors and validation -----------------------------------------------------------

    def _distractors(self, fact: _Fact, stem: str, rng: random.Random, must: str | None = None) -> list[str]:
        stem_terms = set(tokenize(stem))
        section = _top_section(fact.chunk.section)
        contrasted = {canonical_key(n) for s in fact.parsed.statements for n, r in s.subjects if r >= ROLE_LABEL}
        pool = []
        for key, name in self.names.items():
            if key == fact.key or key in fact.key.split() or fact.key in key:
                continue
            if set(key.split()) <= stem_terms or _mentions(stem, name):
                continue
            # Names the same passage contrasts come first; then the closest in kind, by name
            # embedding, with a lift for the same section and a little chance for variety.
            closeness = self._kin(fact.key, key) + (0.15 if section in self.name_sections.get(key, set()) else 0.0)
            pool.append((0 if key in contrasted else 1, -(closeness + 0.15 * rng.random()), name))
        pool.sort()
        chosen = [must] if must else []
        for _, _, name in pool:
            if len(chosen) == 3:
                break
            if canonical_key(name) not in {canonical_key(c) for c in chosen}:
                chosen.append(name)
        return chosen

    def _kin(self, key: str, other: str) -> float:
        """How alike two names are in kind (cosine of their name embeddings; 0 without a model)."""
        if self._embed is None:
            return 0.0
        if self._kinship is None:
            import numpy as np

            keys = list(self.names)
            vectors = np.asarray(self._embed([self.names[k] for k in keys]), dtype=np.float32)
            self._kinship = ({k: i for i, k in enumerate(keys)}, vectors)
        positions, vectors = self._kinship
        if key not in positions or other not in positions:
            return 0.0
        return float(vectors[positions[key]] @ vectors[positions[other]])

    def _describes_only(self, key: str, description: str) -> bool:
        """No other name's lines in the notes match this description as well (it singles one thing out)."""
        return all(self._supports(self.names[k], description, with_group=False) < 0.6
                   for k in self._facts_by_key if k != key and k in self.names)

    def _supports(self, name: str, stem: str, with_group: bool = True, whole_passage: bool = False) -> float:
        """How strongly the notes back `name` for the stem's requirement (0..1, by shared terms; the
        question's own template words do not count)."""
        key = canonical_key(name)
        stem_terms = frozenset(tokenize(stem)) - frozenset(tokenize(name)) - _TEMPLATE_TERMS
        if not stem_terms:
            return 0.0
        idf = self.answerer.lexical.idf
        total = sum(idf(t) for t in stem_terms)
        if total <= 0:
            return 0.0
        best = 0.0
        for fact in self._facts_by_key.get(key, ()):
            terms = fact.statement.own_terms
            if whole_passage:
                terms = terms | fact.parsed.passage_terms
            elif with_group:
                terms = terms | fact.parsed.group_terms.get(fact.statement.group, frozenset())
            best = max(best, sum(idf(t) for t in stem_terms if t in terms) / total)
        return best

    def _build(self, kind: str, fact: _Fact, stem: str, rng: random.Random, must: str | None = None):
        answer_name = self.names.get(fact.key, fact.name)
        options = self._distractors(fact, stem, rng, must) + [answer_name]
        if len(options) != 4:
            return None, "not enough distinct options"
        if len({canonical_key(o) for o in options}) != 4:
            return None, "options not unique"
        if _mentions(stem, answer_name) and kind != "comparison":
            return None, "stem gives the answer away"
        answer_support = self._supports(answer_name, stem, whole_passage=True)
        if kind == "scenario" and answer_support < 0.3:
            return None, "keyed answer not supported by its passage"
        for option in options[:-1]:
            # A wrong option is disqualifying only if its own lines back it as well as the key's do.
            if self._supports(option, stem, with_group=False) >= max(0.5, answer_support * 0.9):
                return None, "a wrong option is also supported by the notes"
        rng.shuffle(options)
        answer = options.index(answer_name)
        citations = [Citation(1, fact.chunk.source, fact.chunk.section, fact.chunk.text, 1.0)]
        why_not: dict[str, str] = {}
        for option in options:
            if option == answer_name:
                continue
            about = self._best_fact_about(option)
            if about is None:
                why_not[option] = f"Your notes do not connect {option} with this requirement."
                continue
            number = next((c.n for c in citations if c.text == about.chunk.text), None)
            if number is None:
                number = len(citations) + 1
                citations.append(Citation(number, about.chunk.source, about.chunk.section, about.chunk.text, 1.0))
            why_not[option] = f"{option} does not fit: your notes say “{about.statement.text.rstrip('.')}” [{number}]."
        explanation = f"{answer_name}: your notes say “{fact.statement.text.rstrip('.')}” [1]."
        question = Question(
            id=_stable_id(kind, stem, *sorted(options), answer_name),
            kind=kind,
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            why_not=why_not,
            citations=[asdict(c) for c in citations],
            section=fact.chunk.section,
            chunk_ids=sorted({fact.chunk.id} | {self._chunk_id_of(c.text) for c in citations}),
        )
        return question, None

    def _chunk_id_of(self, text: str) -> str:
        return self._ids_by_text.get(text, "")

    def _best_fact_about(self, name: str) -> _Fact | None:
        key = canonical_key(name)
        facts = self._facts_by_key.get(key, [])
        if not facts:
            return None
        return max(facts, key=lambda f: (f.statement.subjects and max(r for n, r in f.statement.subjects
                                                                      if canonical_key(n) == key), -len(f.statement.text)))

    # --- public -------------------------------------------------------------------------------

    def generate(self, n: int = 20, seed: int = 7, section: str | None = None,
                 kinds: tuple[str, ...] = KINDS) -> tuple[list[Question], GenerationReport]:
        rng = random.Random(seed)
        report = GenerationReport()
        facts = [f for f in self.facts if not section or section.lower() in f.chunk.section.lower()]
        # Enough valid questions to spread over topics and answers; a large library stops early
        # instead of validating a question for every line it holds.
        budget = max(4 * n, 100)
        kept: list[Question] = []
        kept_terms: list[set[str]] = []
        seen_ids: set[str] = set()
        for fact in _round_robin_by_name(facts, random.Random(f"{seed}:order")):
            if len(kept) >= budget:
                break
            builders = []
            if "scenario" in kinds:
                stem = self._scenario_stem(fact)
                if stem:
                    builders.append(("scenario", stem, None))
            if "cloze" in kinds:
                stem = self._cloze_stem(fact)
                if stem:
                    builders.append(("cloze", stem, None))
            if "comparison" in kinds:
                pair = self._comparison_stem(fact)
                if pair:
                    builders.append(("comparison", pair[0], pair[1]))
            built: list[Question] = []
            for kind, stem, must in builders:
                report.generated += 1
                question, reason = self._build(kind, fact, stem, random.Random(f"{seed}:{stem}"), must)
                if question is None:
                    report.dropped[reason] += 1
                elif question.id in seen_ids:
                    report.dropped["duplicate question"] += 1
                else:
                    seen_ids.add(question.id)
                    built.append(question)
            # A scenario and a cloze from one line test the same thing: keep one of them (by the seed).
            same_line = [q for q in built if q.kind in ("scenario", "cloze")]
            if len(same_line) > 1:
                keep = random.Random(f"{seed}:{fact.statement.text}").choice(same_line)
                for question in same_line:
                    if question is not keep:
                        built.remove(question)
                        report.dropped["same line asked another way"] += 1
            for question in built:
                terms = set(tokenize(question.stem))
                if any(_similar_terms(terms, other) for other in kept_terms):
                    report.dropped["near-duplicate stem"] += 1
                    continue
                kept.append(question)
                kept_terms.append(terms)
        chosen = _spread(kept, n, rng)
        report.valid = len(kept)
        report.kept = len(chosen)
        return chosen, report


def _fact_shape(statement: Statement, key: str, role: float, vocabulary) -> str | None:
    """How a statement speaks about a name, if it is something a question can be built on."""
    if role >= ROLE_FIT:
        return "fit"
    if _labels_name(statement, key):
        return "label"  # "HDFS (Hadoop Distributed File System): ..." describes HDFS
    if statement.distractor or statement.is_heading:
        return None  # "Exam: mostly appears as a distractor" says nothing about what it is
    if role == ROLE_PARENT and statement.label is None and statement.context:
        parent_names = [canonical_key(n) for n in named_spans(_without_brackets(statement.context), vocabulary)]
        if parent_names == [key]:
            return "child"  # under a line naming it alone ("3. AWS Data Exchange:"), not "Hive / Spark Support"
    if role >= ROLE_SUBJECT and statement.label is None:
        if _predicate_about(statement.text, key):
            return "definition"
    return None


def _predicate_about(text: str, key: str) -> str | None:
    """What `text` says of the name with this key ("is ideal for ...", "is a marketplace for ..."),
    when the name is the sentence's subject."""
    match = _PREDICATE.match(text)
    if not match:
        return None
    subject = re.sub(r"^(?:the|a|an)\s+", "", match.group("subject").strip(), flags=re.IGNORECASE)
    return match.group("predicate") if canonical_key(subject) == key else None


def _labels_name(statement: Statement, key: str) -> bool:
    """The line's label is the name itself, an expansion in brackets aside ("HDFS (Hadoop ...): ...")."""
    return bool(statement.label) and canonical_key(_without_brackets(statement.label)) == key


def _without_brackets(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def _round_robin_by_name(facts: list[_Fact], rng: random.Random) -> list[_Fact]:
    """Facts in a seeded order that visits every name before any name's second fact."""
    by_key: dict[str, list[_Fact]] = {}
    for fact in facts:
        by_key.setdefault(fact.key, []).append(fact)
    queues = list(by_key.values())
    rng.shuffle(queues)
    for queue in queues:
        rng.shuffle(queue)
    ordered: list[_Fact] = []
    for depth in range(max((len(q) for q in queues), default=0)):
        ordered.extend(queue[depth] for queue in queues if depth < len(queue))
    return ordered


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


def _mentions(text: str, name: str) -> bool:
    return bool(name) and name.lower() in text.lower()


def _top_section(section: str) -> str:
    first = section.split(" > ")[0]
    match = re.match(r"^(\d+)", first)
    return match.group(1) if match else first


def _near_duplicate(a: str, b: str) -> bool:
    return _similar_terms(set(tokenize(a)), set(tokenize(b)))


def _similar_terms(ta: set[str], tb: set[str]) -> bool:
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.8


def _spread(questions: list[Question], n: int, rng: random.Random) -> list[Question]:
    """Up to n questions, spread over topics and answers: first every answer once, then the rest;
    each pass takes at most one question per section, so every topic and service gets its turn."""
    pool = list(questions)
    rng.shuffle(pool)
    chosen: list[Question] = []
    used_answers: set[str] = set()

    def take_passes(fresh_answers_only: bool) -> None:
        nonlocal pool
        while pool and len(chosen) < n:
            used_sections: set[str] = set()
            taken = []
            for question in pool:
                right = question.options[question.answer]
                if len(chosen) + len(taken) >= n:
                    break
                if question.section in used_sections or (fresh_answers_only and right in used_answers):
                    continue
                used_sections.add(question.section)
                used_answers.add(right)
                taken.append(question)
            if not taken:
                return
            chosen.extend(taken)
            pool = [q for q in pool if q not in taken]

    take_passes(fresh_answers_only=True)
    take_passes(fresh_answers_only=False)
    return chosen


def export_anki(questions: list[Question], path, deck_name: str = "Study assistant") -> int:
    """Write an Anki deck (.apkg): the stem and options on the front, the answer, the explanation and
    the cited passage's text on the back. Returns the number of notes."""
    import html

    import genanki

    model = genanki.Model(
        1607392319,
        "Study assistant question",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[{
            "name": "Card",
            "qfmt": "{{Question}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}",
        }],
    )
    deck_id = int(hashlib.sha256(deck_name.encode()).hexdigest()[:8], 16)
    deck = genanki.Deck(deck_id, deck_name)
    for question in questions:
        front = html.escape(question.stem) + "<ol type=A>" + "".join(
            f"<li>{html.escape(option)}</li>" for option in question.options
        ) + "</ol>"
        cited = question.citations[0] if question.citations else {"section": "", "text": ""}
        back = (
            f"<b>{html.escape(question.options[question.answer])}</b><br>{html.escape(question.explanation)}"
            f"<br><br><i>{html.escape(cited['section'])}</i><pre>{html.escape(cited['text'])}</pre>"
        )
        deck.add_note(genanki.Note(model=model, fields=[front, back], guid=question.id))
    genanki.Package(deck).write_to_file(str(path))
    return len(questions)


REWORD_PROMPT = """Rewrite this multiple-choice exam question so it reads like a real certification scenario.
Keep its meaning; do not name or hint at any of the options in the stem. Keep the explanation's [n] markers.
Reply with JSON only: {{"stem": "...", "explanation": "..."}}

Stem: {stem}
Options: {options}
Right answer: {answer}
Explanation: {explanation}"""


def parse_json_reply(reply: str) -> dict | None:
    """The first JSON object in a model's reply, tolerating code fences, prose and trailing commas."""
    import json

    text = re.sub(r"```(?:json)?", "", reply)
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return None
    candidate = match.group(0)
    for attempt in (candidate, re.sub(r",\s*([}\]])", r"\1", candidate)):
        try:
            value = json.loads(attempt)
            return value if isinstance(value, dict) else None
        except ValueError:
            continue
    return None


def reword_with_llm(questions: list[Question], complete, report: GenerationReport | None = None) -> list[Question]:
    """Let a model word stems and explanations; keep a rewording only if it passes the same checks
    (no option named in the stem, the meaning's key terms kept, citations kept, no near-duplicates).
    `complete(prompt) -> str` calls the model; any failure keeps the generator's own wording."""
    report = report or GenerationReport()
    out: list[Question] = []
    for question in questions:
        right = question.options[question.answer]
        prompt = REWORD_PROMPT.format(stem=question.stem, options=", ".join(question.options), answer=right,
                                      explanation=question.explanation)
        try:
            data = parse_json_reply(complete(prompt)) or {}
        except Exception:  # the model is optional: keep the original wording
            data = {}
        stem, explanation = str(data.get("stem", "")).strip(), str(data.get("explanation", "")).strip()
        original_terms = set(tokenize(question.stem))
        kept = original_terms and len(set(tokenize(stem)) & original_terms) / len(original_terms) >= 0.4
        valid = (
            stem and explanation and kept
            and not any(_mentions(stem, option) for option in question.options if question.kind != "comparison")
            and "[1]" in explanation
            and not any(_near_duplicate(stem, other.stem) for other in out)
        )
        if not valid:
            report.dropped["model wording rejected (kept the generated wording)"] += 1 if data else 0
            out.append(question)
            continue
        reworded = Question(**{**question.to_dict(), "stem": stem, "explanation": explanation})
        reworded.id = _stable_id(question.kind, stem, *sorted(question.options), right)
        out.append(reworded)
    return out
