"""Practice: exam-style multiple-choice questions generated from what the notes say, validated before use.

Built on the reading layer (assistant/reading.py): every name of the notes with its profile - every line
about it. A name becomes an option when some line of its own says what it IS for (its teaching lines);
a question asks for one such line in other words:

- `scenario`: a short situation and a requirement read from the answer's line (assistant/wording.py turns
  "Task Nodes: Amplify processing power without participating in the distributed file system." into a
  requirement: "... something that can amplify processing power. It must not participate in the distributed
  file system. Which node type fits?"), or the notes' own "Scenario:" for a "Solution:";
- `choose_two`: a line that names two things of one kind that together meet a requirement ("Use X and Y
  for querying and visualization", "Both use ...").

Distractors are names of the same kind as the answer (siblings of one list or table, the same kind word
from a heading or a definition, vendor products for a product), the ones the notes contrast with it first.
Each wrong option carries a why-not that quotes what the notes say that option IS for, cited; a name the
notes say nothing about is never a distractor. Every question is checked against the rules in `RULES`
(`check_question`) and dropped, with the reason counted, when one fails. Nothing here is specific to one
set of notes: only general English patterns and the notes' own structure are used.

This module is the generator and the public API (`QuestionGenerator`, `Question`, `check_question`, `spread`,
Anki export, model rewording). What a line of the notes says about a thing is read by
assistant/practice_reading.py; the words a stem uses (kinds, needs, a card's question) come from
assistant/practice_stems.py.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .answer import Citation
from .chunking import file_section
from .config import PracticeSettings
from .practice_reading import (
    PURPOSE_LABEL,
    after_name,
    asks_when_to_use,
    card_description,
    card_description_of_task,
    card_kind,
    choosable,
    how_to_purpose,
    instructed_by,
    instructed_construct,
    instrument_purpose,
    is_discourse_label,
    is_to_label,
    leading_term,
    names_any,
    quotable,
    row_description,
    run_so_purpose,
    subject_clause,
    term_kind,
    without_brackets,
)
from .practice_stems import (
    card_stems,
    fronted_purpose,
    head_noun,
    kind_noun,
    kind_phrase,
    leading_verb,
    not_phrase,
    phrase_forms,
    plural_phrase,
    short_name,
    thing_with_article,
    tidy_verb_phrase,
)
from .reading import (
    ROLE_HEADING,
    ROLE_LABEL,
    ROLE_PARENT,
    ROLE_PUT_FORWARD,
    ROLE_SUBJECT,
    SIDE_BY_SIDE,
    Entity,
    Line,
    Reading,
    asks_how,
    command_phrase,
    command_programs,
    conditional_instruction,
    find_names,
    fix_questions,
    is_code_identifier,
    name_key,
    split_how_to,
)
from .text import counted, normalise_space, sentences, tokenize
from .vocabulary import (
    ANSWER_LABELS,
    DISCOURSE_LABELS,
    FUNCTION_WORDS,
    GENERIC_ANSWER_TYPES,
    GENERIC_QUALITIES,
    GLOSSARY_WORDS,
    INTERFACE_WORDS,
    RECOMMEND_VERBS,
    SOFTWARE_KINDS,
    SYMPTOM_LABELS,
    VAGUE_KINDS,
    VENDOR_WORDS,
    english_frequency,
)
from .wording import (
    Need,
    genus,
    grammar_problem,
    has_aside,
    inverted_compound,
    is_choice_noun_phrase,
    is_comparison,
    is_verdict,
    kind_of_examples,
    known,
    last_phrase_fronted,
    longest_shared_run,
    looks_like_verb,
    lower_first,
    lower_words,
    passive_variant,
    plain_words,
    read_need,
    reordered_adjectives,
    sentence_case,
    singular,
    split_second_action,
    strip_asides,
    synonym_variant,
    with_article,
    without_asides_outside_quotes,
    without_promotion,
)

logger = logging.getLogger(__name__)

KINDS = ("scenario", "choose_two")

#: The rules every kept question meets; `quiz check` reports each one's count.
RULES: dict[str, str] = {
    "requirement": "the answer's line can be read as a requirement (a situation and a need)",
    "four_options": "four unique options",
    "names_answer": "the stem does not name its answer (any spelling, nor words it clips: environment for ENV)",
    "names_option": "the stem does not name a wrong option",
    "copies_line": "the stem does not copy the answer's line (no run of more words than the limit)",
    "aside": "no bracketed asides in the stem",
    "grammar": "the stem reads as English: no verb straight after 'needs', no sentence cut off at a function "
    "word, no place phrase put first, no fragment after a colon",
    "length": "the stem is short enough to read as an exam question",
    "key_supported": "the keyed answer's own line supports the stem's requirement",
    "specific": "the requirement names a task, not only qualities every service claims ('fully managed', "
    "'integrates with AWS services') nor what the thing does not do ('executes nothing at build time')",
    "distractors": "three wrong options of the same kind whose notes say what each IS for",
    "why_not": "every wrong option has a teaching why-not: what the notes say it is for, quoted and cited",
    "why_not_repeats": "no two why-nots (nor the explanation) quote the same line",
    "cited": "the explanation quotes the answer's line with its citation",
    "key_line_of_other": "the answer's quoted line is not about a wrong option (it does not open with its name)",
    "near_duplicate": "not a near-duplicate of a question already kept",
    "repeats_answer": "not the same requirement again, in other words, for an answer already asked about",
}

_META = re.compile(r"\b(?:exams?|distractors?|test questions?|not likely)\b", re.IGNORECASE)
_QUOTE = re.compile(r"“([^”]+)”\s*\[(\d+)\]")
_SCENARIO_LABELS = frozenset({"scenario", "situation", "problem", "requirement", "requirements", "challenge", "case"})
#: Header words of a table's first column that name no kind ("| Topic | Detail |").
_GENERIC_HEADERS = frozenset(
    {
        "topic",
        "topics",
        "item",
        "items",
        "name",
        "names",
        "term",
        "terms",
        "concept",
        "concepts",
        "aspect",
        "aspects",
        "property",
        "detail",
        "details",
        "thing",
        "entry",
        "key",
        "what",
        "setting",
        "keyword",
        "keywords",
        "question",
        "questions",
    }
)
_ACTORS = ("A team", "A company", "An organization")
#: Words a heading adds to a name when the section is about that thing ("Intro to Amazon Athena").
_TITLE_WORDS = frozenset(tokenize("intro introduction overview about"))
#: The structural kinship of two items of one list (`QuestionGenerator._kinship`).
SIBLINGS = 3.0
#: Vendor words that make a name a vendor's product or service ("AWS Glue"); "Apache" names projects.
_PRODUCT_VENDORS = VENDOR_WORDS - {"apache"}
#: Words that open a clause about circumstances, not a description of a thing ("When integrating with ...").
_SUBORDINATE = re.compile(
    r"(?i)^(?:when|if|while|although|though|because|since|unless|once|before|after|ensure|make sure)\b"
)


# --- the question contract --------------------------------------------------------------------------


@dataclass
class Question:
    """One practice question. `answer` is the key's index (the first key of a choose-two item); `answers`
    lists every key (empty in questions stored before choose-two existed: then it is [answer])."""

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
    answers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.answers:
            self.answers = [self.answer]

    @property
    def keys(self) -> list[int]:
        return sorted(self.answers)

    @property
    def picks(self) -> int:
        return len(self.answers)

    def is_correct(self, chosen: int | Iterable[int]) -> bool:
        """Whether a pick (an index, or the indexes of a choose-two answer) is the key."""
        picked = {chosen} if isinstance(chosen, int) else set(chosen)
        return picked == set(self.answers)

    def pasted(self) -> str:
        """The question as a student would paste it into the chat: the stem, then lettered options."""
        return "\n".join([self.stem] + [f"{'ABCD'[i]}) {option}" for i, option in enumerate(self.options)])

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class GenerationReport:
    """What generation did: candidates tried, questions that passed every rule, those chosen for the set,
    and the candidates dropped, by the rule they failed."""

    generated: int = 0
    valid: int = 0
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    set_aside: Counter = field(default_factory=Counter)  # distractor candidates passed over, and why
    reworded: int = 0  # stems the LLM worded that passed every rule (`quiz generate --llm`)
    # Why a set asked of one section (`--section`) is empty, when it is: no section matches, or those that do
    # give nothing to ask about.
    section_note: str = ""

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {RULES.get(rule, rule)}" for rule, n in self.dropped.most_common()) or "none"
        worded = f" {self.reworded} stems worded by the model." if self.reworded else ""
        note = f" {self.section_note}" if self.section_note else ""
        return (
            f"{self.generated} candidate questions, {self.valid} passed validation, {self.kept} chosen; "
            f"dropped: {reasons}.{worded}{note}"
        )

    def rule_lines(self) -> list[str]:
        """One line per rule: how many candidates it dropped."""
        return [f"{rule}: {RULES[rule]} - dropped {self.dropped.get(rule, 0)}" for rule in RULES]


def _stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


# --- what the generator knows about a name -----------------------------------------------------------


@dataclass
class _Teaching:
    """A line that says what a thing IS for, and that description read on its own."""

    line: Line
    description: str
    selfness: float  # 1 for its own label, row or card; less for a line under it or under its heading


@dataclass
class Thing:
    """A name that can be an option: it has lines of its own that say what it is for."""

    key: str
    name: str
    proper: bool
    vendor: bool
    teaching: list[_Teaching]
    kinds: Counter = field(default_factory=Counter)  # kind phrases from headings, parents and table headers
    heads: set[str] = field(default_factory=set)  # kind nouns: "node", "chart", "controller"
    genus: set[str] = field(default_factory=set)  # what its own definitions say it is: "controller", "label"
    groups: set[tuple[str, str]] = field(default_factory=set)  # (section, parent) of the lists it is an item of
    sections: set[str] = field(default_factory=set)
    # The sections whose sub-headings include one titled by it ("2.4 Apache Offerings" for "Apache Flink"):
    # headings under one parent are parallel things, as items of one list are.
    heading_parents: set[str] = field(default_factory=set)
    spellings: set[str] = field(default_factory=set)  # lower-case spellings and aliases
    own_lines: list[Line] = field(default_factory=list)  # lines about it outside the name index (its cards)

    @property
    def interface(self) -> bool:
        """ "AWS CLI", "JDBC / ODBC": a way to reach services, not one of them."""
        words = re.findall(r"[a-z]+", self.name.lower())
        return bool(words) and words[-1] in INTERFACE_WORDS

    @property
    def kind(self) -> str | None:
        return self.kinds.most_common(1)[0][0] if self.kinds else None


@dataclass
class _Fact:
    """What a question asks: the key (or two), the line that makes it right, the requirement read from it."""

    things: list[Thing]
    lines: list[Line]
    need: Need
    scenario: str | None = None
    situation: str | None = None
    asked: str | None = None  # a flash card's own question, for the term its answer starts with
    backing: list[Line] = field(default_factory=list)  # the notes' own scenario line, paired with the answer

    @property
    def key(self) -> Thing:
        return self.things[0]

    @property
    def held(self) -> str:
        """What the situation says the actor has ("SaaS data" of "has SaaS data"), or ""."""
        return self.situation[4:] if self.situation and self.situation.startswith("has ") else ""

    @property
    def wanted(self) -> bool:
        """Whether the situation is a topic the actor wants ("wants workflow management and orchestration")."""
        return bool(self.situation and self.situation.startswith("wants "))


# --- the generator ------------------------------------------------------------------------------------


class QuestionGenerator:
    """Builds validated practice questions from a reading of the notes."""

    def __init__(
        self,
        reading: Reading,
        encode: Callable[[list[str]], np.ndarray] | None = None,
        settings: PracticeSettings | None = None,
        idf: Callable[[str], float] | None = None,
    ) -> None:
        self.reading = reading
        self.settings = settings or PracticeSettings()
        self._encode = encode
        self._idf = idf or (lambda term: 1.0)
        self._name_vectors: dict[str, np.ndarray] = {}
        self._field_vectors: dict[str, np.ndarray] = {}
        self._titled: dict[tuple[str, str], bool] = {}  # (heading, name key): the heading is its title
        self.things: dict[str, Thing] = {}
        self._programs = command_programs(e.name for e in reading.names.entities.values())
        # A runbook's fixes, each asked as the how-to question its symptom poses ("... What now?").
        # Asides set apart: the stem is the symptom put to a team ("... (111: Connection refused) ...").
        self._fix_asks: dict[tuple[str, int], tuple[Line, str]] = {
            (chunk_id, index): (symptom, without_asides_outside_quotes(question))
            for chunk_id in reading.chunks
            for index, (symptom, question) in fix_questions(reading.lines(chunk_id)).items()
        }
        # The words of the notes' file names ("snowflake-core.md"): a name among them is what the notes are about.
        self._file_words = {
            part
            for chunk in reading.chunks.values()
            for part in re.split(r"[-_.\s]+", file_section(chunk.source).lower())
            if len(part) > 2
        }
        for key, entity in list(reading.names.entities.items()):
            thing = self._thing(entity)
            if thing is not None:
                self.things[key] = thing
        self._card_facts: list[_Fact] = []
        self._card_things()
        self._read_example_lists()
        self._embed_names()
        # The words and names most things' own lines use (see _common_ground).
        self._common_words = self._common_ground(
            [set().union(*(set(tokenize(t.description)) for t in thing.teaching[:3])) for thing in self.things.values()]
        )
        self._common_names = self._common_ground(
            [
                {
                    resolved
                    for item in thing.teaching[:3]
                    for subject in item.line.subjects
                    if (resolved := reading.names.resolve(subject.key)) and resolved != thing.key
                }
                for thing in self.things.values()
            ]
        )
        self._mixed_lists = self._lists_of_mixed_kinds()
        self.facts: list[_Fact] = self._facts()

    # --- names that can be options ---

    def _thing(self, entity: Entity) -> Thing | None:
        coded = self._written_as_code(entity)
        if not choosable(entity, coded=coded):
            return None
        if entity.proper and len(entity.name.split()) == 1 and entity.name.lower() in self._file_words:
            return None  # "Snowflake" in snowflake-core.md: the notes' own topic is no option to choose among its parts
        teaching = self._teaching_lines(entity)
        if not teaching:
            return None
        spellings = {s.lower() for s in entity.spellings} | {entity.name.lower()} | set(entity.aliases)
        vendor = any(s.split()[0].lower() in _PRODUCT_VENDORS for s in entity.spellings if s.split())
        thing = Thing(entity.key, entity.name, entity.proper, vendor, teaching, spellings=spellings)
        for item in teaching:
            line = item.line
            thing.sections.add(_top_section(line.section))
            *parents, leaf = line.section.split(" > ")
            if parents and self._titles(leaf, entity):
                thing.heading_parents.add(" > ".join(parents))
            group, kind = self._group_and_kind(line, entity)
            if group is not None:
                thing.groups.add(group)
            if kind:
                thing.kinds[kind] += 1
            if self._how_question(line, entity.key):
                continue  # what a how-to asks or a runbook's symptom says is a situation, not what the thing is
            kind_of = genus(item.description) if item.selfness >= 0.95 else None
            if kind_of:
                thing.genus.add(kind_of)  # "DaemonSet: A controller that ..." is a controller
            need = read_need(item.description)
            if need.thing:
                head = head_noun(need.thing)
                if head:
                    thing.heads.add(head)
        last = entity.name.split()[-1]
        if (
            len(entity.name.split()) > 1
            and known(last.lower()) >= 3.0
            and not last.isupper()
            and (not looks_like_verb(last.lower()) or not entity.proper)
        ):
            thing.heads.add(singular(last.lower()))  # "Line Charts" is a chart, "Task Nodes" a node
        for kind in thing.kinds:
            ancestor = self._ancestor_name(thing.teaching[0].line, entity)
            if not (ancestor and kind.startswith(short_name(ancestor))):
                thing.heads.add(kind_noun(kind))  # "node type" is a node; "EventBridge component" stays its own
        # "What does a liveness probe do? It checks ...": a card defining a term makes it a thing to choose; not
        # a card asking for a setting ("What are the default probe timings?").
        defined = (
            any(
                item.selfness >= 1.0
                and item.line.kind == "card"
                and re.match(r"(?i)^what\s+(?:is|does)\b", item.line.label or "")
                for item in teaching
            )
            and entity.name.split()[0].lower() not in _SETTING_WORDS
        )
        # "How do I ...? Run terraform init -upgrade ...": what a how-to answer tells to use is a thing to choose.
        instructed = any(self._how_question(item.line, entity.key) for item in teaching)
        # A command line of a program the notes run ("docker compose ps"), or a flag ("--memory"), is a thing
        # of that kind by its shape, wherever it is described.
        said = " ".join(item.line.text for item in teaching[:3])
        shape = term_kind(entity.name, None if instructed else self._programs, said)
        if shape and not thing.kinds and (instructed or _is_shape_kind(shape) or shape == "setting"):
            thing.kinds[shape] += 1
            thing.heads.add(kind_noun(shape))
        if is_code_identifier(entity.name.split()[0]) and all(k.endswith("setting") for k in thing.kinds):
            # Settings written in code in one section are options for each other ("Lifecycle rules":
            # create_before_destroy, prevent_destroy, replace_triggered_by), as items of one list are; not a
            # name in code that a table lists as something else (`data_cold` among "Role"s).
            thing.groups |= {(item.line.section, "settings in code") for item in teaching[:3]}
        if coded and not thing.kinds and not thing.groups:
            # A name written as code ("`HEALTHCHECK NONE`", "`needs`") is a term, but says nothing of its kind
            # (capitals make it look like a product's name): it is an option only among things of its kind.
            return None
        if not thing.kinds and not thing.proper and not thing.groups and not defined and not instructed:
            return None  # a term the notes neither list among its kind, name, nor define: not a thing to choose
        if "setting" in thing.kinds and not is_code_identifier(entity.name):
            # "The `concurrency` key ..." under a heading "Concurrency": a setting shows as the notes write it in code.
            for item in teaching:
                written = re.search(rf"`({re.escape(entity.name)})`", item.line.text, re.IGNORECASE)
                if written:
                    thing.name = written.group(1)
                    break
        return thing

    def _written_as_code(self, entity: Entity) -> bool:
        """Whether the notes write the name as code ("`needs`") wherever they name it in prose."""
        spellings = [s for s in entity.spellings if s]
        texts = [
            item.line.text
            for item in self.reading.profile(entity.key)
            if item.line.kind != "code" and any(s in item.line.text for s in spellings)
        ]
        # "`continue-on-error: true` lets ...": a key written as code with its value is written as code.
        return bool(texts) and all(
            any(re.search(rf"`{re.escape(s)}(?:`|:\s)", text) for s in spellings) for text in texts
        )

    def _under_own_title(self, line: Line, thing: Thing) -> bool:
        """Whether a line sits in a section the thing titles, however deep: what the section says, it says of
        the thing."""
        entity = self.reading.names.entity(thing.key)
        if entity is None:
            return False
        for heading in line.section.split(" > "):
            cached = self._titled.get((heading, thing.key))
            if cached is None:
                cached = self._titled[(heading, thing.key)] = self._titles(heading, entity)
            if cached:
                return True
        return False

    def _titles(self, heading: str, entity: Entity) -> bool:
        """Whether a heading is the thing's own title ("Apache Flink", "2.1 Intro to Amazon Athena"), not a topic
        that mentions it ("Monitoring Athena queries")."""
        names = self.reading.names
        heading = re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", heading)
        found = [names.resolve(k) for k, _, _ in find_names(heading, names.all_keys)]
        if found != [entity.key]:
            return False
        rest = {w for w in tokenize(heading) if w not in FUNCTION_WORDS} - set(tokenize(" ".join(entity.spellings)))
        return rest <= _TITLE_WORDS

    def _read_example_lists(self) -> None:
        """ "Controllers such as Deployments, StatefulSets, DaemonSets and Jobs watch ...": the notes say what
        kind of thing the listed names are, so each is a thing of that kind and an item of one list with the
        others, as if the notes had listed them under a heading "Controllers"."""
        for chunk_id in self.reading.chunks:
            for line in self.reading.lines(chunk_id):
                for kind, span in kind_of_examples(line.text):
                    members = self._names_listed(span)
                    if len(members) < 2:
                        continue  # "tools like Airflow": one example says what is meant, it lists no kind
                    for key in members:
                        thing = self.things[key]
                        thing.genus.add(kind)
                        thing.heads.add(kind)
                        thing.groups.add((_top_section(line.section), f"examples of {kind}"))

    def _names_listed(self, span: str) -> list[str]:
        """The things a list of examples names, in order, while the text between them is only commas, "and"
        and "or" ("Deployments, StatefulSets and Jobs watch ..." -> three keys; the list ends at "watch")."""
        names = self.reading.names
        members: list[str] = []
        previous_end = 0
        for key, start, end in find_names(span, names.all_keys, plain=names.plain_keys, shouted=names.shouted_keys):
            between = span[previous_end:start]
            if not re.fullmatch(r"[\s,]*(?:(?:and|or)\s+)?(?:(?:the|a|an)\s+)?", between, re.IGNORECASE):
                break
            resolved = names.resolve(key)
            if resolved in self.things and resolved not in members:
                members.append(resolved)
            previous_end = end
        return members

    def _teaching_lines(self, entity: Entity) -> list[_Teaching]:
        """The lines that say what this thing is for, its own first; never a bare "Use X" or exam talk."""
        found: dict[str, _Teaching] = {}
        keys = {entity.key} | set(entity.aliases)
        for item in self.reading.profile(entity.key):
            line = item.line
            if item.cue < 0 or line.kind == "code" or _META.search(line.text) or line.is_heading:
                continue
            if line.label and "`" not in line.label and set(re.findall(r"[a-z]+", line.label.lower())) & SYMPTOM_LABELS:
                continue  # "Symptom: access.log shows only the proxy's address": a problem seen, not what it is for
            described = self._description(line, entity, keys, item.role)
            if described is None:
                continue
            description, selfness = described
            words = [
                w
                for w in plain_words(description)
                if w not in FUNCTION_WORDS and not any(w in s.lower().split() for s in entity.spellings)
            ]
            # A how-to card's task ("tear everything down") is a whole need in fewer words.
            least = 2 if self._how_question(line, entity.key) else self.settings.min_description_words
            if len(words) < least or "?" in description:
                continue
            if "ones" in [w.lower() for w in re.findall(r"[A-Za-z]+", description)[:6]]:
                continue  # "clears out unused ones": what it acts on is named in another clause
            if is_choice_noun_phrase(description) or is_comparison(description):
                continue  # only a ranking ("the simpler choice") or a comparison with what it does not name
            if re.search(r"\$[A-Za-z_]", description) or _opens_with_arguments(
                description, line.text, entity.spellings
            ):
                continue  # "error timeout updating; lets nginx ...", "$upstream_cache_status": code, not a need
            text = _normal(line.text)
            if text not in found or found[text].selfness < selfness:
                found[text] = _Teaching(line, description, selfness)
        return sorted(found.values(), key=lambda t: (-t.selfness, len(t.description)))

    def _description(self, line: Line, entity: Entity, keys: set[str], role: float) -> tuple[str, float] | None:
        """What a line says of this thing, without its name, or None when it says nothing of its own."""
        names = self.reading.names
        others = [s for s in line.subjects if names.resolve(s.key) not in keys and s.role >= ROLE_SUBJECT]
        own_label = bool(line.label and self._labels(line.label, entity))
        body = line.body if line.body and line.body != line.text else ""
        if line.label and (re.search(r"(?i)\b(?:is|are|was|were|has|have)\b", line.label) or _cut_code(line.label)):
            line_label, body = None, ""  # a sentence read as a label
        else:
            line_label = line.label
        contrast = _LIKE_EXCEPT.match(body) if own_label and body else None
        if contrast:
            return contrast.group("own"), 0.9  # "like `always`, except a container you stopped stays stopped"
        if re.match(r"(?i)(?:both|each|all|either|neither|like|such as|e\.g|i\.e)\b", (body or line.text).strip()):
            return None  # about several things at once, or only examples
        instructed = self._instructed_for(line, entity)
        if instructed is not None:
            return instructed or None
        if _SUBORDINATE.match((body or line.text).strip()) and not asks_when_to_use(line):
            return None  # "When integrating with X, ensure ...": advice about a situation, not what it is
        if line.kind == "card":
            return card_description(line, entity, role)
        if line.kind == "row":
            if role < ROLE_LABEL or not line.body:
                return None
            return row_description(line), 1.0
        if line.kind == "cell":
            return None  # one cell of a comparison says too little on its own
        if own_label:
            return (body, 1.0) if body else None
        if line_label and is_to_label(line_label, entity):
            return None  # "To Amazon S3: Manual or programmatic export ...": what is done towards it, not what it is
        if role >= ROLE_SUBJECT and not (line_label and not is_discourse_label(line_label)):
            if not names_any(strip_asides(body or line.text), {s.lower() for s in entity.spellings}):
                return None  # named only in an aside: "(..., but Glue or EMR are preferred)"
            after = after_name(body or line.text, entity)
            if after:
                return after, 0.95
        if line.kind == "sentence":
            # In prose, a sentence says what a thing is only when the thing is its subject ("The Spanning Tree
            # Protocol, IEEE 802.1D, prevents ...", "A VLAN splits ...") or it starts with "It".
            clause = subject_clause(line.text, entity)
            if clause and (not others or not clause[1]):
                return clause[0], 0.95 if clause[1] else 0.9
            if (
                re.match(r"(?i)(?:it|this service|this tool)\s+(?!is\s+(?:also\s+)?(?:not|why|what|how))", line.text)
                and role >= ROLE_PARENT
                and not others
            ):
                return re.sub(r"(?i)^(?:it|this service|this tool)\s+", "", line.text), 0.8
            return None
        if role >= ROLE_PARENT and not others and line.depth > 0:
            if line_label and not is_discourse_label(line_label):
                return None  # "Allows data processing: ..." is an aspect with its own label
            parent_names = {names.resolve(k) for k, _, _ in find_names(line.context or "", names.all_keys)} - {None}
            if parent_names and not parent_names & keys:
                return None  # under "EMR Advantages" (in "EMR vs AWS Glue"): about EMR, not Glue
            return (body or line.text), 0.85
        if (
            role >= ROLE_HEADING
            and not others
            and (not line_label and line.depth == 0 or line_label and is_discourse_label(line_label))
        ):
            if (
                line_label
                and PURPOSE_LABEL.fullmatch(line_label.strip())
                and body
                and not re.match(r"(?i)(?:for|ideal|best|great|used|useful|suited)\b", body)
                and not looks_like_verb(*(body.split() + ["", ""])[:3])
            ):
                body = f"For {lower_first(body, self._is_name)}"  # "Use Case: Ad-hoc visualizations" is what it is for
            leaf = line.section.split(" > ")[-1]
            if re.search(r"\bvs\.?\b|\bversus\b", leaf, re.IGNORECASE):
                return None  # a line under "X vs Y" is about both
            # The heading names the thing itself, not a shorter name merged into it ("Apache Kafka" is not
            # the managed service named after it).
            mentioned = {names.resolve(k) for k, _, _ in find_names(body or line.text, names.all_keys)}
            if entity.key in {k for k, _, _ in find_names(leaf, names.all_keys)} and not any(
                k in self.things or (k and names.entities[k].proper) for k in mentioned - {entity.key, None}
            ):
                text = body or line.text
                text = re.sub(r"^(?:it|they)\s+", "", text, flags=re.IGNORECASE)
                return text, 0.7
        return None

    def _instructed_for(self, line: Line, entity: Entity) -> tuple[str, float] | tuple[()] | None:
        """What an instruction that uses this thing is for: a runbook fix's task, or what a prose instruction
        does with it as its tool; () when the line is a fix of another thing; None for a line that instructs
        nothing of it."""
        fix_asked = self._fix_asks.get((line.chunk_id, line.index), (None, None))[1]
        if line.kind != "card" and fix_asked and instructed_by(line, entity, fix_asked):
            # "Symptom: Uploads fail with 413 ... Fix: Set client_max_body_size ...": what the fix's thing is for
            # is the situation its symptom describes.
            task = card_description_of_task(fix_asked)
            return (task, 1.0) if task else ()
        if line.kind in ("sentence", "item") and not line.label:
            # "Register a snapshot repository with `PUT _snapshot/<repo>`", "If clients get errors, check `X` to
            # see which breaker trips": prose names a tool by what to do with it, in any situation.
            purpose = instrument_purpose(line.text, entity) or run_so_purpose(line.text, entity)
            if purpose:
                return purpose, 0.9
        return None

    def _labels(self, label: str, entity: Entity) -> bool:
        """Whether a label names this thing: itself, with an expansion in brackets, or one of two names
        ("Amazon Aurora/RDS")."""
        names = self.reading.names
        keys = {entity.key} | set(entity.aliases)
        if re.search(r"(?i)\b(?:is|are|was|were|has|have|does|do)\b", label) or _cut_code(label):
            return False  # "OSPF is a link-state protocol: ...": a sentence, not a label
        if names.resolve(name_key(without_brackets(label))) in keys:
            return True
        bare = without_brackets(label)
        spans = find_names(bare, names.all_keys)
        found = {names.resolve(k) for k, _, _ in spans}
        found.discard(None)
        if not (len(found) <= 2 and entity.key in found):
            return False
        # "Amazon Aurora/RDS" names two things; "Choosing Between QuickSight and CloudWatch" is about choosing.
        rest = bare
        for _, start, end in sorted(spans, key=lambda span: -span[1]):
            rest = rest[:start] + " " + rest[end:]
        return not [w for w in plain_words(rest) if w not in ("and", "or") and w not in VENDOR_WORDS]

    def _group_and_kind(self, line: Line, entity: Entity) -> tuple[tuple[str, str] | None, str | None]:
        """The list a thing is an item of (its siblings), and the kind that list's heading names."""
        leaf = line.section.split(" > ")[-1]
        if line.kind == "row":
            header = (line.context or "").strip()
            kind = (
                None
                if not header or header.lower() in _GENERIC_HEADERS
                else kind_phrase(header, None, singular_ok=True, is_name=self._is_name)
            )
            return (line.section.split(" > ")[0], header), kind
        if line.kind == "card":
            return None, None
        own_label = bool(line.label and self._labels(line.label, entity))
        if not own_label and not (line.kind == "item" and len(line.text.split()) <= 6):
            return None, None
        parent = line.context if line.depth > 0 else leaf
        if not parent:
            return None, None
        ancestor = self._ancestor_name(line, entity)
        return (line.section, parent), kind_phrase(
            re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", parent), ancestor, is_name=self._is_name
        )

    def _ancestor_name(self, line: Line, entity: Entity) -> str | None:
        """The nearest heading (or parent) name above a line that is not the thing itself ("Amazon EMR")."""
        names = self.reading.names
        parts = [line.context or ""] + list(reversed(line.section.split(" > ")))
        for part in parts:
            for key, _, _ in find_names(part, names.all_keys):
                resolved = names.resolve(key)
                if resolved and resolved != entity.key and names.entities[resolved].proper:
                    return names.display(resolved)
        return None

    def _embed_names(self) -> None:
        if self._encode is None or not self.things:
            return
        keys = list(self.things)
        vectors = np.asarray(self._encode([self.things[k].name for k in keys]), np.float32)
        if vectors.ndim == 2 and len(vectors) == len(keys):
            self._name_vectors = dict(zip(keys, vectors, strict=True))
        # What each thing is for, in one vector: how close two things' fields are (a dashboard tool and a query
        # engine are closer than a dashboard tool and a data scanner), for ranking plausible distractors.
        described = [" ".join(t.description for t in self.things[k].teaching[:3]) for k in keys]
        vectors = np.asarray(self._encode(described), np.float32)
        if vectors.ndim == 2 and len(vectors) == len(keys):
            self._field_vectors = dict(zip(keys, vectors, strict=True))

    def _field_closeness(self, a: Thing, b: Thing) -> float:
        va, vb = self._field_vectors.get(a.key), self._field_vectors.get(b.key)
        return float(va @ vb) if va is not None and vb is not None else 0.0

    def kinship(self, a: Thing, b: Thing) -> float:
        """How alike two things are in kind (see PracticeSettings.min_kinship)."""
        return self._kinship(a, b)[1]

    def _kinship(self, a: Thing, b: Thing) -> tuple[float, float]:
        """(what the notes' structure says of their kinship, that plus name-embedding closeness)."""
        structural = 0.0
        # Items of one list are things of one kind, except in a glossary, where "Digest: the content hash ..."
        # and "Registry: a server ..." sit side by side: there, what each definition says it is decides.
        shared_lists = a.groups & b.groups
        if shared_lists - self._mixed_lists or shared_lists and a.genus & b.genus:
            structural = SIBLINGS
        elif set(a.kinds) & set(b.kinds) or a.heading_parents & b.heading_parents:
            structural = 2.0
        elif (a.heads & b.heads | a.genus & b.genus) - GENERIC_ANSWER_TYPES:
            structural = 1.5  # both "charts", both "controllers"; not merely both a "tool" or a "service"
        elif not (a.vendor or b.vendor) and _named_kind(a.name) and _named_kind(a.name) == _named_kind(b.name):
            structural = 1.5  # "NodePort Service", "headless Service": the kind their names end with, capitalised
        elif a.vendor and b.vendor:
            structural = 1.0
        elif a.proper and b.proper:
            structural = 0.5
        score = structural + (0.3 if a.sections & b.sections else 0.0)
        if a.proper and b.proper and not (a.vendor or b.vendor) and a.sections & b.sections:
            score += 0.3  # two names of one chapter, neither a product: most often things of one kind
        if a.proper != b.proper:
            score -= 1.0
        va, vb = self._name_vectors.get(a.key), self._name_vectors.get(b.key)
        if va is not None and vb is not None:
            score += float(va @ vb)
        return structural, score

    # --- facts: what can be asked ---

    def _facts(self) -> list[_Fact]:
        facts: list[_Fact] = []
        for thing in self.things.values():
            if thing.own_lines:
                continue  # a card's term: asked by its card (below)
            for item in thing.teaching[:6]:
                need = read_need(item.description)
                asked = self._how_question(item.line, thing.key)
                if asked:
                    # "How do I tear everything down? terraform destroy ...": the card's own question is the stem
                    # (a runbook's fix: its symptom, "... What now?", which backs the fix as a scenario does).
                    symptom = self._fix_asks.get((item.line.chunk_id, item.line.index), (None, None))[0]
                    facts.append(_Fact([thing], [item.line], need, asked=asked, backing=[symptom] if symptom else []))
                    continue
                if need.empty:
                    continue
                facts.append(_Fact([thing], [item.line], need, situation=self._situation(item.line, thing)))
        facts.extend(self._scenario_facts())
        facts.extend(self._pair_facts())
        facts.extend(self._card_facts)
        return facts

    def _card_things(self) -> None:
        """Flash cards whose answer starts with a term - a command, a path, a setting - that the card's question
        asks for ("Lock an account without deleting it? usermod -L username"): the term is a thing to choose,
        its card the line that says what it is for."""
        for chunk_id in self.reading.chunks:
            for line in self.reading.lines(chunk_id):
                if line.kind != "card" or not line.body or not line.label:
                    continue
                term = leading_term(line.body)
                # "How do I pass values in? Declare input variables with variable blocks": the construct it uses.
                construct = instructed_construct(line.body) if term is None and asks_how(line.label) else None
                term = term or construct
                if (
                    term is None
                    or names_any(line.label, {term.lower()})
                    or re.search(r"(?i)\bvs\.?\b|\bversus\b|\bdifference\b", line.label)
                ):
                    continue  # "X vs Y?" asks for a comparison, not for one term
                key = f"card:{term.lower()}"
                resolved = self.reading.names.resolve(name_key(term))
                if key in self.things or resolved and (resolved in self.things or term_kind(term) != "command"):
                    continue  # a name: a thing already, or not one to choose (a command line is taken here)
                kind = term.split()[-1] if construct else card_kind(line.label, term)
                thing = Thing(
                    key,
                    term,
                    False,
                    False,
                    [_Teaching(line, line.label, 1.0)],
                    spellings={term.lower(), term.split()[0].lower()},
                    own_lines=[line],
                )
                thing.kinds[kind] += 1
                thing.heads.add(kind_noun(kind))
                thing.groups.add((_top_section(line.section), f"cards:{kind}"))
                thing.sections.add(_top_section(line.section))
                self.things[key] = thing
                self._card_facts.append(_Fact([thing], [line], read_need(line.label.rstrip("?")), asked=line.label))

    def _situation(self, line: Line, thing: Thing) -> str | None:
        """A situation for the stem from where the line sits: what its section's topic is ("Distributed event
        streaming platform." under "Apache Kafka"), the product it is part of, or the activity its parent item
        names ("Exporting Logs")."""
        fronted = re.match(r"(?i)^for\s+(?P<np>[^,:]{4,80}),\s+", strip_asides(line.text))
        if fronted and not names_any(fronted.group("np"), thing.spellings):
            words = fronted.group("np").split()
            content = [w for w in plain_words(fronted.group("np")) if w not in FUNCTION_WORDS]
            relative = len(words) > 1 and words[1].lower() in ("that", "which", "who", "whose")
            if (
                len(content) >= 2
                and not words[0].lower().endswith("ing")
                and (relative or not looks_like_verb(*words[:3]))
            ):
                # "For SaaS data (...), use Amazon AppFlow to ...": the situation the line puts first.
                return f"has {lower_first(fronted.group('np'), self._is_name)}"
        topic = self._section_topic(line, thing)
        if topic:
            return topic
        context = without_brackets(line.context or "")
        if (
            context
            and re.fullmatch(r"[A-Z][a-z]+ing(?:\s+\S+){1,4}", context)
            and line.label != context
            and not names_any(context, thing.spellings)
        ):
            return f"is {lower_words(context, self._is_name)}"
        entity = self.reading.names.entity(thing.key)
        ancestor = self._ancestor_name(line, entity) if entity else None
        other = self.things.get(self.reading.names.resolve(name_key(ancestor)) or "") if ancestor else None
        described = " ".join(t.description for t in thing.teaching if t.line is line)
        if (
            other is not None
            and ancestor is not None  # other is only looked up for an ancestor
            and not names_any(ancestor, thing.spellings)
            and self._kinship(thing, other)[0] < 0.5
            and not names_any(described, other.spellings)
        ):
            return f"works with {other.name}"
        return None

    def _section_topic(self, line: Line, thing: Thing) -> str | None:
        """ "needs a distributed event streaming platform": the short unlabelled line that opens the section
        a line sits in and says what the section's topic is, when that topic is not the thing itself."""
        names = self.reading.names
        leaf = line.section.split(" > ")[-1]
        if names_any(leaf, thing.spellings):
            return None
        for chunk_id in self.reading.section_chunks(
            {(self.reading.chunks[line.chunk_id].source, line.section)}, limit=1
        ):
            for first in self.reading.lines(chunk_id)[:1]:
                words = plain_words(first.text)
                if (
                    first is line
                    or first.label
                    or first.depth
                    or first.kind not in ("item", "sentence")
                    or not 2 <= len(words) <= 10
                    or any(s.role > ROLE_HEADING for s in first.subjects)
                ):
                    continue
                if any(names.resolve(s.key) in self.things for s in first.subjects if s.role > ROLE_HEADING):
                    continue
                need = read_need(first.text)
                if need.thing and not (need.action or need.goal) and not names_any(first.text, thing.spellings):
                    return f"wants {with_article(lower_first(first.text.rstrip('.'), self._is_name))}"
        return None

    def _is_name(self, word: str) -> bool:
        return self.reading.vocabulary.is_proper(word)

    def _scenario_facts(self) -> list[_Fact]:
        """The notes' own "Scenario: ..." with the "Solution: use X" beside it."""
        facts = []
        for chunk_id in self.reading.chunks:
            lines = self.reading.lines(chunk_id)
            for line in lines:
                label_words = set(re.findall(r"[a-z]+", (line.label or "").lower()))
                if not (label_words & _SCENARIO_LABELS) or not line.body:
                    continue
                for other in lines:
                    if other.group != line.group or other is line:
                        continue
                    forward = [s for s in other.subjects if s.cue > 0 and s.role >= ROLE_PUT_FORWARD]
                    resolved = (self.reading.names.resolve(s.key) for s in forward)
                    keys = {k for k in resolved if k is not None}
                    if len(keys) != 1:
                        continue
                    thing = self.things.get(next(iter(keys)))
                    if thing is None:
                        continue
                    explained = [other] + [
                        t.line
                        for t in thing.teaching
                        if t.line.chunk_id == other.chunk_id and t.line.group == other.group
                    ][:1]
                    facts.append(_Fact([thing], explained, read_need(line.body), scenario=line.body, backing=[line]))
                    break
        return facts

    def _pair_facts(self) -> list[_Fact]:
        """Lines naming two things of one kind that together meet what the line says ("Use X and Y for ...",
        "Both use ..." under "X vs Y")."""
        facts = []
        names = self.reading.names
        for chunk_id in self.reading.chunks:
            for line in self.reading.lines(chunk_id):
                if line.kind not in ("item", "sentence") or _META.search(line.text):
                    continue
                text = line.body if line.label else line.text
                pair = self._named_pair(text)
                if pair is None and re.match(r"(?i)both\b", text):
                    heading = line.section.split(" > ")[-1]
                    if re.search(r"\bvs\.?\b|\bversus\b", heading, re.IGNORECASE):
                        resolved = [names.resolve(k) for k, _, _ in find_names(heading, names.all_keys)]
                        found = [k for k in dict.fromkeys(resolved) if k is not None and k in self.things]
                        if len(found) == 2:
                            pair = (found[0], found[1], re.sub(r"(?i)^both\s+", "", text))
                if pair is None:
                    continue
                first, second, rest = pair
                a, b = self.things[first], self.things[second]
                if self.kinship(a, b) < self.settings.min_kinship:
                    continue
                need = read_need(rest)
                if need.empty:
                    continue
                facts.append(_Fact([a, b], [line], need, situation=self._situation(line, a)))
        return facts

    def _named_pair(self, text: str) -> tuple[str, str, str] | None:
        """Two things named side by side ("X and Y", "X or Y") followed by what they do."""
        names = self.reading.names
        resolved = [(names.resolve(k), s, e) for k, s, e in find_names(text, names.all_keys)]
        found = [(k, s, e) for k, s, e in resolved if k is not None and k in self.things]
        if len(found) != 2 or found[0][0] == found[1][0]:
            return None
        (a, _, a_end), (b, b_start, b_end) = found
        between = text[a_end:b_start].strip().lower()
        if between not in ("and", "or", "&", "and the", "or the", "plus"):
            return None
        before = text[: found[0][1]].strip().lower()
        if before and not re.fullmatch(
            r"(?:(?:you can |then |we |to )?(?:use|choose|pick|combine|pair|enable|prefer))", before
        ):
            return None
        rest = text[b_end:].strip(" ,.")
        return (a, b, rest) if len(plain_words(rest)) >= 2 else None

    # --- support: how much a thing's own lines back a requirement ---

    def _stem_vector(self, stem: str) -> np.ndarray | None:
        """The meaning of a stem's situation (`situation_of`)."""
        return self._requirement_vector(situation_of(stem))

    def _requirement_vector(self, text: str) -> np.ndarray | None:
        if self._encode is None:
            return None
        return np.asarray(self._encode([text]), np.float32)[0]

    def support(self, thing: Thing, text: str, vector: np.ndarray | None) -> tuple[float, Line | None]:
        """How strongly the notes back `thing` for a requirement (0..1): its best line about it (own lines
        count fully, lines that only mention it less), by meaning and by rarer words."""
        terms = set(tokenize(text))
        total = sum(self._idf(t) for t in terms) or 1.0
        best, best_line = 0.0, None
        s = self.settings
        seen: set[tuple[str, int]] = set()
        items = [(item.line, item.role, item.cue) for item in self.reading.profile(thing.key)] + [
            (line, 1.0, 0) for line in thing.own_lines
        ]
        for line, role, cue in items:
            where = (line.chunk_id, line.index)
            if role < ROLE_HEADING and self._under_own_title(line, thing):
                role = ROLE_HEADING  # "Visual data preparation tool" under "Intro to AWS Glue DataBrew > Overview"
            if where in seen or cue < 0 or line.kind == "code" or role < ROLE_HEADING:
                continue
            seen.add(where)
            lexical = sum(self._idf(t) for t in terms if t in line.terms) / total
            dense = 0.0
            if vector is not None:
                vectors = self.reading.line_vectors(line.chunk_id)
                if line.index < len(vectors) and vectors.shape[1] == len(vector):
                    dense = max(0.0, float(vectors[line.index] @ vector))
            score = role * (s.dense_weight * dense + s.lexical_weight * lexical)
            if score > best:
                best, best_line = score, line
        return best, best_line

    def _line_support(self, lines: list[Line], text: str, vector: np.ndarray | None) -> float:
        """How strongly the fact's own lines (about the key by construction) back a requirement."""
        terms = set(tokenize(text))
        total = sum(self._idf(t) for t in terms) or 1.0
        best = 0.0
        for line in lines:
            lexical = sum(self._idf(t) for t in terms if t in line.terms) / total
            dense = 0.0
            if vector is not None:
                vectors = self.reading.line_vectors(line.chunk_id)
                if line.index < len(vectors) and vectors.shape[1] == len(vector):
                    dense = max(0.0, float(vectors[line.index] @ vector))
            best = max(best, self.settings.dense_weight * dense + self.settings.lexical_weight * lexical)
        return best

    # --- stems ---

    def _stem_body(self, fact: _Fact, who: str) -> list[str] | None:  # noqa: C901 - one case per shape of fact, in the order they are tried
        """Ways to put the fact's requirement as a situation, least reworded first: the first that does not
        copy the answer's line is used. None when the requirement cannot be read."""
        lower = lambda text: lower_first(text, self._is_name)  # noqa: E731
        if fact.asked:
            return card_stems(fact.asked, who, lower, self._shared_kind(fact.things))
        if fact.scenario:
            scenario = strip_asides(fact.scenario).rstrip(".")
            scenario = re.sub(r"\byour\b", "its", scenario, flags=re.IGNORECASE)
            words = scenario.split()
            verb = leading_verb(words)
            if verb:
                return [f"{who} needs to {verb} {' '.join(words[1:])}."]
            if re.match(
                r"(?i)(?:an?|the|one|some)\s+\S+(?:\s+\S+){0,4}?\s+(?:must|needs?|wants?|has|have|is|are|should|cannot|can)\b",
                scenario,
            ):
                return [f"{sentence_case(scenario)}."]  # "An online shop must absorb ...": a situation already
            return None  # a fragment ("Low latency.") is no situation to put a question in
        need = replace(
            fact.need,
            thing=without_promotion(fact.need.thing),
            purpose=without_promotion(fact.need.purpose),
            action=tidy_verb_phrase(fact.need.action),
            goal=tidy_verb_phrase(fact.need.goal),
        )
        opener = f"{who} {fact.situation}." if fact.situation else ""
        subject = "It" if opener else who

        def say(core: str, fronted: str | None = None, after: str = "") -> str:
            main = f"{sentence_case(fronted)}, {lower(subject)} {core}." if fronted else f"{subject} {core}."
            return " ".join(x for x in (opener, main, after) if x)

        def verb_phrases(phrase: str, core: Callable[[str], str]) -> list[str]:
            """A verb phrase said several ways: as it is, its parts swapped, in two sentences, its purpose or
            last phrase put first, in other everyday words."""
            found = []
            for form in phrase_forms(phrase):
                found.append(say(core(form)))
                split = split_second_action(form)
                if split:
                    found.append(say(core(split[0]), after=f"It must also {split[1]}."))
                for moved in (fronted_purpose(form), last_phrase_fronted(form)):
                    if moved:
                        found.append(say(core(moved[1]), fronted=moved[0]))
                        moved_split = split_second_action(moved[1])
                        if moved_split:
                            first, second = moved_split
                            found.append(say(core(first), fronted=moved[0], after=f"It must also {second}."))
            return found

        variants: list[str] = []
        held = fact.held
        verb_phrase = need.goal or need.action
        if held and verb_phrase and verb_phrase.split()[-1].lower() == held.split()[-1].lower():
            # "For SaaS data, use X to import and process data" -> "needs to import and process SaaS data"
            folded = f"{verb_phrase.rsplit(' ', 1)[0]} {held}"
            core = "needs to" if need.goal else "needs something that can"
            variants.append(f"{who} {core} {folded}.")
        if need.goal:
            if need.thing:
                thing_phrase = with_article(need.thing)
                variants += verb_phrases(need.goal, lambda g: f"needs {thing_phrase} to {g}")
            variants += verb_phrases(need.goal, lambda g: f"needs to {g}")
        if need.action:
            variants += verb_phrases(need.action, lambda a: f"needs something that can {a}")
            for form in phrase_forms(need.action):
                split = split_second_action(form)
                first, after = (split[0], f"It must also {split[1]}.") if split else (form, "")
                passive = passive_variant(first)
                if passive:
                    # "needs events to be routed to one or more targets"
                    variants.append(say(f"needs {passive[0]} to be {passive[1]}", after=after))
                    moved = last_phrase_fronted(passive[1])
                    if moved and len(moved[1].split()) > 1:
                        variants.append(say(f"needs {passive[0]} to be {moved[1]}", fronted=moved[0], after=after))
        if need.quality:
            for form in phrase_forms(need.quality):
                variants.append(say(f"needs something {form}"))
                moved = last_phrase_fronted(form)
                if moved:
                    variants.append(say(f"needs something {moved[1]}", fronted=moved[0]))
        # "a tool", "a service": a thing that is only a kind of answer says nothing; its purpose asks instead.
        generic_thing = bool(need.thing) and all(
            w in GENERIC_ANSWER_TYPES or w in FUNCTION_WORDS for w in plain_words(need.thing or "")
        )
        if need.thing and not generic_thing and not need.action and not need.goal:
            things = [need.thing] + [
                f
                for f in (reordered_adjectives(need.thing), inverted_compound(need.thing), synonym_variant(need.thing))
                if f
            ]
            for each in dict.fromkeys(things):
                thing = thing_with_article(lower_first(each, self._is_name))
                if thing is None:
                    continue
                if need.users and need.users.split()[-1].lower().endswith("s"):
                    # "Data analysts need a visual preparation tool." (a singular "the data team" would need "needs")
                    variants.append(f"{opener} {sentence_case(need.users)} need {thing}.".strip())
                elif need.purpose:
                    for purpose in phrase_forms(need.purpose):
                        variants.append(say(f"needs {thing}", fronted=f"for {purpose}"))
                        variants.append(say(f"needs {thing} for {purpose}"))
                elif len([w for w in plain_words(need.thing) if w not in FUNCTION_WORDS]) >= 3 or need.constraints:
                    variants.append(say(f"needs {thing}"))  # "needs built-in integrations" alone says too little
        elif need.purpose and not need.goal and not need.action:
            for purpose in phrase_forms(need.purpose):
                opening = purpose.split()
                verb = leading_verb([w.lower() for w in opening])
                if verb and opening[0].lower() != verb and len(opening) > 1:
                    # "Sends the stored ETag back": a verb phrase, said as what the thing must do ("a solution for
                    # sends ..." is not English).
                    variants.append(say(f"needs something that can {verb} {' '.join(opening[1:])}"))
                    continue
                if fact.wanted:
                    # "A team wants workflow management and orchestration for ETL data pipelines."
                    variants.append(f"{who} {fact.situation} for {purpose}.")
                variants.append(say(f"needs a solution for {purpose}"))  # "is choosing something for" read stilted
                moved = last_phrase_fronted(purpose)
                if moved and moved[0].split()[0].lower() not in ("with", "of", "from", "to", "by"):
                    variants.append(say(f"needs a solution for {moved[1]}", fronted=moved[0]))
        if need.users and (need.action or need.goal) and len(need.users.split()) >= 2:
            # "It must suit data analysts" narrows the need; "It must suit consumers" says nothing.
            variants = [f"{body} It must suit {need.users}." for body in variants]
        if need.constraints:
            constraints = " ".join(need.constraints)
            variants = [f"{body} {constraints}" for body in variants] + variants
        return list(dict.fromkeys(variants)) or None

    def _ask(self, kind: str | None, picks: int, rng: random.Random, constrained: bool) -> str:
        noun = kind or "option"
        if picks == 2:
            return f"Which two {plural_phrase(noun)} should it use? Choose two."
        choices = [f"Which {noun} should it use?", f"Which {noun} fits best?"]
        choices.append(f"Which {noun} meets {'these requirements' if constrained else 'this requirement'}?")
        return rng.choice(choices)

    # --- distractors and why-nots ---

    def _distractors(
        self,
        fact: _Fact,
        stem: str,
        requirement: str,
        vector,
        key_support: float,
        rng: random.Random,
        report: GenerationReport,
    ) -> list[tuple[Thing, _Teaching]] | None:
        s = self.settings
        needed = 4 - len(fact.things)
        used_lines = {_normal(self._quote(line, key)) for line in fact.lines for key in fact.things}
        keys = {t.key for t in fact.things}
        spellings = set().union(*(t.spellings for t in fact.things))
        contrasted = self._contrasted(fact)
        # The product a keyed feature belongs to ("Amazon EMR" for its "Cluster Management") could be argued
        # right: it does what its feature does.
        owners = set()
        for key in fact.things:
            entity = self.reading.names.entity(key.key)
            ancestor = self._ancestor_name(key.teaching[0].line, entity) if entity and key.teaching else None
            owner = self.reading.names.resolve(name_key(ancestor)) if ancestor else None
            if owner:
                owners.add(owner)
        # Names the requirement itself uses ("... with Spark"): a wrong option whose own lines are about the
        # same named thing could be argued right ("Uses Spark for ETL jobs"), so it is no distractor.
        named = {
            k
            for k in (
                self.reading.names.resolve(k)
                for k, _, _ in find_names(
                    requirement,
                    self.reading.names.all_keys,
                    plain=self.reading.names.plain_keys,
                    shouted=self.reading.names.shouted_keys,  # "the container always runs" names no RUN
                )
            )
            if k and k not in keys and k not in self._common_names
        }
        # The requirement's rarer words, less those that only say what kind of thing is asked for.
        kind_words = set().union(*(tokenize(" ".join(t.kinds) + " " + " ".join(t.heads)) for t in fact.things))
        requirement_terms = {
            t
            for word in re.findall(r"[a-z0-9]+", requirement.lower())  # "real-time" is "real" and "time"
            if word not in FUNCTION_WORDS and word not in VENDOR_WORDS and english_frequency(word) <= s.shared_word_zipf
            for t in tokenize(word)
            if t not in kind_words and t not in self._common_words
        }
        scored = []
        supports: dict[str, float] = {}
        siblings: set[str] = set()  # items of the key's own list: their parallel lines are the notes' contrast
        for thing in self.things.values():
            if (
                thing.key in keys
                or thing.spellings & spellings
                or thing.key in owners
                or any(
                    _same_thing(key, thing) or _part_of(key, thing) or self._abbreviates(key, thing)
                    for key in fact.things
                )
            ):
                continue
            if any(key.interface != thing.interface for key in fact.things):
                continue  # a CLI or a driver among services, or services among drivers
            pairs = [self._kinship(key, thing) for key in fact.things]
            structural, kin = min(p[0] for p in pairs), min(p[1] for p in pairs)
            if not all(_same_kind_enough(key, thing, structural) for key in fact.things):
                continue
            if thing.key in contrasted:
                kin += s.contrast_bonus
            if kin < s.min_kinship:
                continue
            kin += s.field_weight * min(self._field_closeness(key, thing) for key in fact.things)
            support = self.support(thing, requirement, vector)[0]
            supports[thing.key] = support
            # A near miss ranks first: the notes back it for the requirement, less than the key (the support
            # rules below keep out what they back too much).
            kin += s.plausibility_weight * support - s.sibling_rank_discount * structural
            scored.append((kin + s.variety * rng.random(), thing))
            if structural >= SIBLINGS:
                siblings.add(thing.key)
        scored.sort(key=lambda pair: (-pair[0], pair[1].name))
        logger.debug("distractor ranking for %s: %s", fact.key.name, [(t.name, round(k, 2)) for k, t in scored[:10]])
        chosen: list[tuple[Thing, _Teaching]] = []
        deferred: list[Thing] = []
        for _, thing in scored:
            if len(chosen) == needed:
                break
            # "The error log shows ..." names error_log: a snake_case name's words, read apart, are its words.
            if names_any(stem, thing.spellings | {s.replace("_", " ") for s in thing.spellings if "_" in s}):
                report.set_aside["named in the stem"] += 1
                continue
            # Settings of the object the stem names ("before the Job is marked failed") are the near misses of a
            # setting asked for: each line names the object it is set on, and says what else it sets there.
            settings_of_one_object = all(_is_setting(t) for t in (*fact.things, thing))
            if (
                named
                and not settings_of_one_object
                and any(
                    self.reading.names.resolve(s.key) in named
                    for t in thing.teaching[:3]
                    for s in t.line.subjects
                    if s.role >= 0.3
                )
            ):
                report.set_aside["its lines are about a name the stem asks about"] += 1
                continue
            support = supports[thing.key]
            if support > s.max_wrong_support or support > key_support - s.support_margin:
                report.set_aside["the notes support it too"] += 1
                continue
            # A sibling in the key's own list shares words by design ("Compare two dimensions" beside "Compare
            # three dimensions"): the notes set them side by side to tell them apart.
            shared = (
                self._shared_rare_terms(thing, requirement_terms, fact.lines) if thing.key not in siblings else set()
            )
            if shared and support > key_support - s.lure_margin:
                # "Ver 2.0 lets create simple visualizations" for a stem asking for data visualization: a student
                # could argue it fits, so it is no distractor.
                logger.debug("%s shares %s with the requirement", thing.name, sorted(shared))
                report.set_aside["its lines share the requirement's rarer words"] += 1
                continue
            if any(_part_of(thing, other) for other, _ in chosen):
                # "AWS Glue" beside "AWS Glue Workflows": one wrong option inside another reads as a trick; it
                # is taken only when no other option of the kind is left.
                deferred.append(thing)
                continue
            teaching = self._why_not_line(thing, used_lines, vector)
            if teaching is None:
                report.set_aside["no line of its own left to quote"] += 1
                continue
            used_lines.add(_normal(self._quote(teaching.line, thing)))
            chosen.append((thing, teaching))
        for thing in deferred:
            if len(chosen) == needed:
                break
            teaching = self._why_not_line(thing, used_lines, vector)
            if teaching is not None:
                used_lines.add(_normal(self._quote(teaching.line, thing)))
                chosen.append((thing, teaching))
        return chosen if len(chosen) == needed else None

    def _lists_of_mixed_kinds(self) -> set[tuple[str, str]]:
        """Glossaries whose items' definitions name different kinds of thing (a hash, a server, a file), as
        against lists of one kind (restart policies, storage options). A list is a glossary by its heading
        ("Glossary", "Key terms"); a list of frameworks, engines and tools under "Big Data Applications" is of
        one kind for an exam, whatever each definition calls it. It takes three items that say what they are,
        most of them something different."""
        kinds_by_list: dict[tuple[str, str], list[set[str]]] = {}
        for thing in self.things.values():
            for group in thing.groups:
                if thing.genus:
                    kinds_by_list.setdefault(group, []).append(thing.genus)
        mixed = set()
        for group, kinds in kinds_by_list.items():
            distinct = set().union(*kinds)
            titled = set(re.findall(r"[a-z]+", " ".join(group).lower()))
            if (
                titled & GLOSSARY_WORDS
                and len(kinds) >= 3
                and len(distinct) >= self.settings.mixed_list_share * len(kinds)
            ):
                mixed.add(group)
        return mixed

    def _common_ground(self, per_thing: list[set[str]]) -> set[str]:
        """What more than `PracticeSettings.common_name_share` of the things' own lines use - the notes'
        common ground ("Pod", "pod" in notes on Kubernetes controllers) - which tells no option apart from
        another, unlike "Spark" beside one service of many. Three things or fewer are no common ground."""
        counts = Counter(value for values in per_thing for value in values)
        limit = max(self.settings.common_name_share * len(per_thing), 3)
        return {value for value, count in counts.items() if count > limit}

    def _shared_rare_terms(self, thing: Thing, terms: set[str], key_lines: list[Line]) -> set[str]:
        """The requirement's rarer words that a wrong option's own lines (what it is for, and lines whose
        subject it is: "EMR ... used for ETL at petabyte scale") also use."""
        shared: set[str] = set()
        for item in thing.teaching:
            shared |= terms & set(tokenize(item.description))
        own = {(line.chunk_id, line.index) for line in key_lines}
        for about in self.reading.profile(thing.key):
            if (about.line.chunk_id, about.line.index) in own:
                continue  # the key's own line naming both ("..., and the Tape Gateway replaces ...") contrasts them
            if (
                (about.role >= ROLE_SUBJECT or self._under_own_title(about.line, thing))
                and about.cue >= 0
                and about.line.kind != "code"
            ):
                shared |= terms & set(tokenize(about.line.text))  # its own words: `Line.terms` adds its parent's
        return shared

    def _abbreviates(self, a: Thing, b: Thing) -> bool:
        """ "DHCP" and "Dynamic Host Configuration Protocol": one is the other's acronym."""
        names = self.reading.names
        for short, long in ((a, b), (b, a)):
            if re.fullmatch(r"[A-Z][A-Z0-9]{1,6}s?", short.name):
                initials = "".join(
                    w[0] for w in re.findall(r"[A-Za-z0-9]+", long.name) if w.lower() not in FUNCTION_WORDS
                )
                if initials.upper().endswith(short.name.rstrip("s").upper()) or names.acronym(short.name) == long.key:
                    return True
        return False

    def _names_in_idea(self, line: Line) -> set[str]:
        """The names the lines of a line's idea (its group) are about."""
        names = self.reading.names
        found: set[str] = set()
        for other in self.reading.lines(line.chunk_id):
            if other.group == line.group:
                found.update(k for k in (names.resolve(s.key) for s in other.subjects) if k)
        return found

    def _alternatives(self, fact: _Fact) -> set[str]:
        """Names the notes offer beside the key for the same idea: in the lines of a Scenario/Solution idea,
        not the key. Only a scenario's idea weighs options against each other."""
        if not fact.backing or fact.asked:
            return set()  # a runbook's fix names other settings beside its own: not alternatives to it
        found = set().union(*(self._names_in_idea(line) for line in fact.lines + fact.backing))
        return found - {t.key for t in fact.things}

    def _contrasted(self, fact: _Fact) -> set[str]:
        """Names the notes set beside the answer: in the lines of its idea, or in an "X vs Y" heading."""
        names = self.reading.names
        found: set[str] = set()
        for line in fact.lines:
            found |= self._names_in_idea(line)
            heading = line.section.split(" > ")[-1]
            if re.search(r"\bvs\.?\b|\bversus\b", heading, re.IGNORECASE):
                found.update(k for k in (names.resolve(k) for k, _, _ in find_names(heading, names.all_keys)) if k)
        return found

    def _how_to_use(self, teaching: _Teaching, thing: Thing) -> tuple[str, str] | None:
        """For a thing a how-to card puts forward: what the card asks to do, as "to <task>" or "when <situation>",
        and the sentence of its answer that names the thing; None for any other line."""
        line = teaching.line
        question = self._how_question(line, thing.key)
        if not question or not line.body:
            return None
        said_task = self._task(question, line)
        if said_task is None:
            return None
        parts = sentences(line.body)
        own = _own_sentences(parts, thing) or parts[:1]
        return said_task, re.sub(r"\s+", " ", own[0]).strip().rstrip(".")

    def _how_question(self, line: Line, key: str | None = None) -> str | None:
        """The how-to question a line answers: a how-to card's own, or a runbook fix's symptom asked as one
        (for the thing the fix tells to use, when `key` is given)."""
        if line.kind == "card" and line.label and asks_how(line.label):
            return line.label
        asked = self._fix_asks.get((line.chunk_id, line.index), (None, None))[1]
        entity = self.reading.names.entity(key) if key else None
        if asked and key is not None and (entity is None or not instructed_by(line, entity, asked)):
            return None
        return asked

    def _task(self, question: str, line: Line) -> str | None:
        """What a how-to card's question asks, as the notes give it: "to move to a newer provider version",
        "when a run crashed and the lock was never released", "when a VM is broken ..., to make Terraform
        rebuild it". None for any other question."""
        if (line.chunk_id, line.index) in self._fix_asks:
            conditional = conditional_instruction(line.text)
            if self._fix_asks[(line.chunk_id, line.index)][0] is line and conditional:
                # "If bulk requests are rejected, send smaller batches": the situation the sentence gives.
                lead, condition, _ = conditional
                return f"to {condition}" if lead.lower() == "to" else f"when {condition}"
            # A runbook's fix is for its incident, as its section's title names it ("504 Gateway Timeout").
            return f"for “{line.section.split(' > ')[-1]}”"
        split = split_how_to(question)
        if split is None:
            return None
        situation, purpose = (lower_first(split[0], self._is_name) if split[0] else ""), how_to_purpose(question)
        if situation and purpose:
            return f"when {situation}, to {purpose}"
        return f"to {purpose}" if purpose else f"when {situation}" if situation else None

    def _quote(self, line: Line, thing: Thing, answer_only: bool = False) -> str:
        """What to quote of a line for a thing: the line (a card's answer alone when asked), or, of a card that
        sets two things side by side ("ARG or ENV?"), only the sentences about this one, so the other's
        sentences can teach the other option."""
        if line.kind == "card" and line.label and line.body and SIDE_BY_SIDE.search(line.label):
            parts = sentences(line.body)
            own = _own_sentences(parts, thing)
            if own and len(own) < len(parts):
                return re.sub(r"\s+", " ", " ".join(own)).strip().rstrip(".")
        return quotable(line, answer_only=answer_only)

    def _why_not_line(self, thing: Thing, used: set[str], vector) -> _Teaching | None:
        """The line that best says what a wrong option IS for, not quoted yet in this question."""
        best, best_score = None, -1.0
        for item in thing.teaching:
            if _normal(self._quote(item.line, thing)) in used or is_verdict(item.description):
                continue  # "Preferred for ..." says which to pick, not what the option is for
            score = item.selfness
            if vector is not None:
                vectors = self.reading.line_vectors(item.line.chunk_id)
                if item.line.index < len(vectors) and vectors.shape[1] == len(vector):
                    score += 0.3 * float(vectors[item.line.index] @ vector)
            if score > best_score:
                best, best_score = item, score
        return best

    # --- one question ---

    def build(self, fact: _Fact, seed: str, report: GenerationReport) -> Question | None:
        """The question for a fact, or None with the rule it failed counted in the report."""
        s = self.settings
        rng = random.Random(seed)
        bodies = self._stem_body(fact, rng.choice(_ACTORS))
        if not bodies:
            report.dropped["requirement"] += 1
            return None
        failure = "copies_line"
        body = None
        for candidate in bodies:
            problem = self._stem_problem(candidate, fact)
            if problem is None:
                body = candidate
                break
            failure = problem
        if body is None:
            report.dropped[failure] += 1
            return None
        requirement = _requirement_of(body, fact)
        if not fact.asked and not _names_a_task(requirement):  # a card's own question asks for a task
            report.dropped["specific"] += 1
            return None
        vector = self._requirement_vector(requirement)
        key_supports = [
            max(
                self.support(thing, requirement, vector)[0],
                self._line_support(fact.lines + fact.backing, requirement, vector),
            )
            for thing in fact.things
        ]
        if min(key_supports) < s.min_key_support:
            report.dropped["key_supported"] += 1
            return None
        distractors = self._distractors(fact, body, requirement, vector, min(key_supports), rng, report)
        if distractors is None:
            report.dropped["distractors"] += 1
            return None
        kind = self._shared_kind(fact.things + [t for t, _ in distractors])
        if len(fact.things) == 2:
            # Two picks: "a solution" or "something" would ask for one.
            body = body.replace("needs a solution for", "needs two solutions for").replace(
                "needs something that can", "needs two things that together can"
            )
        if body.endswith("?"):
            stem = body  # a card's own question already asks ("Which command changes ...?")
        else:
            stem = f"{body} {self._ask(kind, len(fact.things), rng, bool(fact.need.constraints))}"
        problem = self._stem_problem(stem, fact)
        if problem is not None:
            report.dropped[problem] += 1
            return None
        if any(names_any(stem, t.spellings) for t, _ in distractors):
            report.dropped["names_option"] += 1
            return None
        wrong = [t.name for t, _ in distractors]
        if any(_gives_away(thing.name, stem, wrong) for thing in fact.things):
            report.dropped["names_answer"] += 1  # "the lock was never released" beside force-unlock alone
            return None
        return self._assemble(fact, stem, distractors, rng, requirement)

    def _stem_problem(self, stem: str, fact: _Fact) -> str | None:
        if any(names_any(stem, thing.spellings) or _names_outright(thing.name, stem) for thing in fact.things):
            return "names_answer"  # (a subcommand's word is judged once the wrong options are known)
        if has_aside(stem):
            return "aside"
        if grammar_problem(stem):
            return "grammar"
        if len(stem.split()) > self.settings.max_stem_words:
            return "length"
        # A card's question may be asked (it is the notes' own question); its answer may not be copied.
        if any(
            longest_shared_run(stem, line.body if fact.asked else line.text) > self.settings.max_copied_run
            for line in fact.lines
        ):
            return "copies_line"
        return None

    def _shared_kind(self, things: list[Thing]) -> str | None:
        """The most specific kind every option is: a kind phrase they share, else a kind noun, else
        "service" for vendor products."""
        shared = set(things[0].kinds)
        for thing in things[1:]:
            shared &= set(thing.kinds)
        if shared:
            return max(shared, key=lambda k: (sum(t.kinds[k] for t in things), len(k)))
        heads = set(things[0].heads)
        for thing in things[1:]:
            heads &= thing.heads
        if heads:
            return sorted(heads)[0]
        if all(t.vendor for t in things):
            return "service"
        return None

    def _assemble(
        self, fact: _Fact, stem: str, distractors: list[tuple[Thing, _Teaching]], rng: random.Random, requirement: str
    ) -> Question:
        keys = [t.name for t in fact.things]
        options = keys + [t.name for t, _ in distractors]
        rng.shuffle(options)
        citations: list[Citation] = []

        def cite(line: Line) -> int:
            for citation in citations:
                if citation.chunk_id == line.chunk_id:
                    if line.text not in citation.lines:
                        citation.lines.append(line.text)
                    return citation.n
            chunk = self.reading.chunks[line.chunk_id]
            citations.append(
                Citation(
                    len(citations) + 1,
                    chunk.source,
                    chunk.section,
                    chunk.text,
                    1.0,
                    chunk_id=chunk.id,
                    lines=[line.text],
                )
            )
            return len(citations)

        quoted = " and ".join(
            f"“{self._quote(line, fact.things[0], answer_only=bool(fact.asked))}” [{cite(line)}]" for line in fact.lines
        )
        explanation = f"{' and '.join(keys)}: your notes say {quoted}."
        asked = requirement.strip().rstrip(".")
        missed = fact.need.phrase() if not fact.need.empty else f"what your notes recommend for “{asked}”"
        if fact.scenario:
            # The scenario is a situation, not a phrase to negate: the requirement is quoted as the stem says it.
            missed = f"what your notes recommend for “{asked}”"
        elif fact.held:
            held_last = fact.held.split()[-1].lower()
            if missed.split() and missed.split()[-1].lower() == held_last:
                missed = f"{missed.rsplit(' ', 1)[0]} {fact.held}"  # "import and process SaaS data", as the stem
            else:
                missed = f"{missed} for {fact.held}"  # "scan buckets for sensitive data"
        why_not = {}
        # For a how-to card's question, what the answer is given for, as the notes give it ("to tear everything
        # down", "when a run crashed ..."): each why-not ends on it.
        wanted = self._task(fact.asked, fact.lines[0]) if fact.asked else None
        alternatives = self._alternatives(fact)
        for thing, teaching in distractors:
            number = cite(teaching.line)
            verb = "are" if _names_several(thing) else "is"  # "Line Charts are", "Amazon Kinesis Data Streams is"
            if thing.key in alternatives:
                # The notes offer it beside the key for the same idea ("Alternatives: Aurora/RDS"): it is not
                # "for something else"; the notes put the key forward for this requirement instead.
                said = self._quote(teaching.line, thing)
                why_not[thing.name] = (
                    f"{thing.name} {verb} the notes' alternative here: “{said}” [{number}] - "
                    f"but for “{asked}” they put {' and '.join(keys)} forward."
                )
                continue
            use = self._how_to_use(teaching, thing)
            if use is not None:
                # "terraform fmt is what your notes give to enforce a consistent style: “terraform fmt rewrites
                # ...”": the card's task says what it is for; its answer's sentence, what it does.
                task, said = use
                why_not[thing.name] = f"{thing.name} {verb} what your notes give {task}: “{said}” [{number}] - " + (
                    f"not what they give {wanted}." if wanted else f"not {not_phrase(fact.need, missed)}."
                )
                continue
            if wanted and any(teaching.line.section == line.section for line in fact.lines):
                # "gzip_min_length skips tiny responses" sits in the same fix as gzip_types: it is not "not what
                # they give" for that incident; it does another part of the fix.
                why_not[thing.name] = (
                    f"{thing.name} {verb} beside it in the same section, for another part of the job: your notes "
                    f"say “{self._quote(teaching.line, thing)}” [{number}]."
                )
                continue
            why_not[thing.name] = (
                f"{thing.name} {verb} for something else: your notes say “{self._quote(teaching.line, thing)}” "
                + (
                    f"[{number}] - not what they give {wanted}."
                    if wanted
                    else f"[{number}] - not {not_phrase(fact.need, missed)}."
                )
            )
        answers = sorted(options.index(k) for k in keys)
        return Question(
            id=_stable_id("scenario" if len(keys) == 1 else "choose_two", stem, *sorted(options), *sorted(keys)),
            kind="scenario" if len(keys) == 1 else "choose_two",
            stem=stem,
            options=options,
            answer=answers[0],
            explanation=explanation,
            why_not=why_not,
            citations=[asdict(c) for c in citations],
            section=fact.lines[0].section,
            chunk_ids=sorted({c.chunk_id for c in citations}),
            answers=answers,
        )

    # --- the set ---

    def _why_no_section_questions(self, section: str) -> str:
        """What a learner is told when `--section` gives no question: which sections the text matched, if any."""
        sections = sorted({c.section for c in self.reading.chunks.values() if c.section})
        matched = [name for name in sections if _in_section(name, section)]
        if not matched:
            shown = "; ".join(sections[:12]) + (f"; and {len(sections) - 12} more" if len(sections) > 12 else "")
            return f"No section matches “{section}”. The sections are: {shown}."
        return (
            f"“{section}” matches {counted(len(matched), 'section')} ({'; '.join(matched[:5])}), but the generator "
            "found nothing there to ask about: it needs a named thing and a line saying what that thing is for (a "
            "labelled item, a table row, a heading with its points, or a 'use X for ...' line)."
        )

    def generate(
        self,
        n: int = 20,
        seed: int = 7,
        section: str | None = None,
        kinds: tuple[str, ...] = KINDS,
        budget: int | None = None,
    ) -> tuple[list[Question], GenerationReport]:
        """Up to n questions spread over topics and answers, and what generation did. A large library stops
        once `budget` (default max(4n, 100)) questions have passed every rule, visiting every answer before
        any answer twice."""
        report = GenerationReport()
        facts = [f for f in self.facts if not section or _in_section(f.lines[0].section, section)]
        if section and not facts:
            report.section_note = self._why_no_section_questions(section)
        facts = [f for f in facts if ("choose_two" if len(f.things) == 2 else "scenario") in kinds]
        budget = budget or max(4 * n, 100)
        kept: list[Question] = []
        kept_words: list[set[str]] = []
        kept_meanings: list[tuple[str, np.ndarray]] = []
        seen: set[str] = set()
        for fact in _round_robin(facts, random.Random(f"{seed}:order")):
            if len(kept) >= budget:
                break
            report.generated += 1
            question = self.build(fact, f"{seed}:{fact.key.key}:{fact.lines[0].text}", report)
            if question is None:
                continue
            problems = check_question(question, self.settings.max_copied_run, self.settings.max_stem_words)
            if problems:
                report.dropped[problems[0]] += 1
                continue
            words = set(tokenize(question.stem))
            if question.id in seen or any(_similar(words, other, self.settings.near_duplicate) for other in kept_words):
                report.dropped["near_duplicate"] += 1
                continue
            right = _right_answers(question)
            meaning = self._stem_vector(question.stem)
            if meaning is not None and any(
                other_right == right and float(meaning @ other) >= self.settings.same_answer_similarity
                for other_right, other in kept_meanings
            ):
                # "scan buckets for sensitive data" and "monitor buckets for confidential data", both Macie: one
                # question twice in other words, which tutors drop as a repeat.
                report.dropped["repeats_answer"] += 1
                continue
            seen.add(question.id)
            kept.append(question)
            kept_words.append(words)
            if meaning is not None:
                kept_meanings.append((right, meaning))
        chosen = spread(kept, n, random.Random(seed), per_answer=self.settings.max_per_answer)
        report.valid = len(kept)
        report.kept = len(chosen)
        return chosen, report


# --- checks any question must pass (also the LLM's rewordings) ------------------------------------------


#: The rules `check_question` judges from a question alone; the others need the notes and are applied while
#: generating (a stored question cannot be re-read against notes that may have changed).
CHECKED_ON_THE_QUESTION = (
    "four_options",
    "names_answer",
    "names_option",
    "aside",
    "grammar",
    "length",
    "cited",
    "copies_line",
    "key_line_of_other",
    "why_not",
    "why_not_repeats",
)


def _spells_compound(option: str, stem: str) -> bool:
    """Whether the stem spells out a one-word compound of the option's name in its parts: "store metadata"
    gives away "Hive Metastore" as surely as "metastore" would (each part four letters or more, a common
    word, and a word of the stem starting with it)."""
    stem_words = re.findall(r"[a-z]+", stem)
    for token in re.findall(r"[A-Za-z]+", option):
        low = token.lower()
        for cut in range(4, len(low) - 3):
            head, tail = low[:cut], low[cut:]
            if known(head) >= 3.0 and known(tail) >= 3.0:
                if any(w.startswith(head) for w in stem_words) and any(w.startswith(tail) for w in stem_words):
                    return True
    return False


def _clips_words(option: str, stem: str) -> bool:
    """Whether a keyword-shaped option (capitals or camel case: "ENV", "WORKDIR", "maxSurge") is a clipped
    form of the stem's words: "an environment variable" gives away ENV, "the working directory" WORKDIR, as
    surely as the name itself would."""
    words = re.findall(r"[a-z]+", stem.lower())
    for token in re.findall(r"[A-Za-z]+", option):
        low = token.lower()
        if len(low) < 3 or not (token.isupper() or re.search(r"[a-z][A-Z]", token)):
            continue
        if any(word.startswith(low) and word != low for word in words):
            return True  # ENV: environment
        for cut in range(3, len(low) - 2):
            head, tail = low[:cut], low[cut:]
            if any(a.startswith(head) and b.startswith(tail) for a, b in zip(words, words[1:], strict=False)):
                return True  # WORKDIR: working directory
    return False


def _own_sentences(parts: list[str], thing: Thing) -> list[str]:
    """The sentences that name a thing; a keyword by its capitals ("RUN executes ...", not "the command to
    run")."""
    if thing.name.isupper():
        return [p for p in parts if re.search(rf"(?<![\w-]){re.escape(thing.name)}(?![\w-])", p)]
    return [p for p in parts if names_any(p, thing.spellings)]


def _is_shape_kind(kind: str) -> bool:
    """A kind a thing has by its shape (term_kind): a command line, a flag, an API request, a setting of one
    construct."""
    return kind in ("command", "flag", "API") or kind.endswith(" setting")


def _says_subcommand(option: str, stem: str) -> bool:
    """Whether the stem uses a word of a command's subcommand or of a setting's name: "stop the containers"
    gives away "docker compose stop", "the lock was never released" "terraform force-unlock", "which provider
    versions" "required_providers"."""
    words = {singular(w) for w in re.findall(r"[a-z]+", stem) if len(w) >= 4}
    if command_phrase(option) == option:
        # Its subcommands and flags ("ignore the cache" for docker build --no-cache), not its program.
        parts = [p for w in option.lower().split()[1:] for p in re.split(r"[-=]", w.lstrip("-"))]
    elif is_code_identifier(option.split()[0]):
        parts = re.split(r"[_.]", option.split()[0].lower())
    else:
        return False
    parts = [singular(p) for p in parts if len(p) >= 4 and p not in FUNCTION_WORDS]
    # "lock" in "unlock": a stem word inside a part gives it away too.
    return any(p in words or any(len(w) >= 4 and w in p for w in words) for p in parts)


def _names_outright(option: str, stem: str) -> bool:
    """Whether a stem names an option whatever the other options are: the name itself, its one-word compound
    spelled out in parts ("store metadata" for Hive Metastore), or a keyword clipped from its words
    ("environment" for ENV)."""
    low = stem.lower()
    return names_any(low, {option.lower()}) or _spells_compound(option, low) or _clips_words(option, low)


def _gives_away(option: str, stem: str, others: Iterable[str] = ()) -> bool:
    """Whether a stem names an option (_names_outright), or uses a word of a command's subcommand or a setting's
    name ("stop the containers" for docker compose stop) that none of the `others`, the wrong options, shares."""
    low = stem.lower()
    return _names_outright(option, low) or (
        _says_subcommand(option, low) and not any(_says_subcommand(other, low) for other in others)
    )


def check_question(question: Question, max_copied_run: int = 5, max_stem_words: int = 60) -> list[str]:
    """The rules (see RULES and CHECKED_ON_THE_QUESTION) a question breaks, judged from the question alone."""
    problems: list[str] = []
    options = question.options
    right = [options[i] for i in question.answers if 0 <= i < len(options)]
    if len(options) != 4 or len({name_key(o) for o in options}) != 4:
        problems.append("four_options")
    stem = question.stem.lower()
    wrong = [o for o in options if o not in right]
    if any(_gives_away(o, stem, wrong) for o in right):
        problems.append("names_answer")
    if any(names_any(stem, {o.lower()}) for o in options if o not in right):
        problems.append("names_option")
    if has_aside(question.stem):
        problems.append("aside")
    if grammar_problem(question.stem):
        problems.append("grammar")
    if len(question.stem.split()) > max_stem_words:
        problems.append("length")
    numbers = {c.get("n") for c in question.citations}
    explained = _QUOTE.findall(question.explanation)
    if not explained or any(int(n) not in numbers for _, n in explained):
        problems.append("cited")
    elif any(longest_shared_run(question.stem, quote) > max_copied_run for quote, _ in explained):
        problems.append("copies_line")
    quotes = [_normal(q) for q, _ in explained]
    wrong = [o for i, o in enumerate(options) if i not in question.answers]

    # "AWS Glue Advantages: Less configuration management" keys Glue, whatever option it was quoted for
    # (unless the line opens with the key's own longer name: "Kinesis Data Firehose" beside "Kinesis").
    def opens_with(line: str, option: str) -> int:
        line_key, option_key = name_key(line), name_key(option)
        return len(option_key) if option_key and f"{line_key} ".startswith(f"{option_key} ") else 0

    for quote, _ in explained:
        other = max((opens_with(quote, o) for o in wrong), default=0)
        if other and other > max((opens_with(quote, o) for o in right), default=0):
            problems.append("key_line_of_other")
            break
    for option in wrong:
        reason = question.why_not.get(option, "")
        found = _QUOTE.findall(reason)
        # A teaching line says something of its own: not "Use X" or "Solution: Enable X".
        bare = set(plain_words(option)) | FUNCTION_WORDS | DISCOURSE_LABELS | ANSWER_LABELS | set(RECOMMEND_VERBS)
        own_words = [w for w in plain_words(found[0][0]) if w not in bare] if found else []
        if not found or int(found[0][1]) not in numbers or len(own_words) < 2:
            problems.append("why_not")
            break
        quotes.append(_normal(found[0][0]))
    if len(quotes) != len(set(quotes)):
        problems.append("why_not_repeats")
    return problems


# --- helpers -----------------------------------------------------------------------------------------


# "like `always`, except a container you stopped by hand stays stopped": what sets it apart is its own.
_LIKE_EXCEPT = re.compile(r"(?i)^like\s+[^,;]{1,40},\s*(?:except|but)\s+(?:that\s+)?(?P<own>\S.{10,})$")


#: First words of a setting rather than a thing: "default Service type", "maximum retries".
_SETTING_WORDS = frozenset({"default", "maximum", "minimum", "max", "min", "typical", "recommended", "current"})


def _opens_with_arguments(description: str, text: str, spellings: Iterable[str]) -> bool:
    """ "proxy_cache_use_stale error timeout updating; lets nginx serve ...": what follows the name up to its
    ";" are a directive's arguments - a few words straight after the name, no verb among them (unlike
    "lists the project's containers; ..." or a label's "Default; stores distributed data")."""
    found = re.match(r"((?:\S+\s+){0,3}\S+);\s", description)
    if not found:
        return False
    words = found.group(1).split()
    if any(looks_like_verb(w, words[i + 1] if i + 1 < len(words) else "") for i, w in enumerate(words)):
        return False
    return any(re.search(rf"{re.escape(sp)}\s+{re.escape(found.group(1))};", text) for sp in spellings)


def _cut_code(label: str) -> bool:
    """Whether a label is code cut at its colon ("`continue-on-error" of "`continue-on-error: true` lets ..."): a
    key set to its value opens a sentence, it labels nothing."""
    return label.count("`") % 2 == 1


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower().rstrip(".")


_TEMPLATE = re.compile(
    r"(?:^|(?<=\. )|(?<=, ))(?:a team|a company|an organization|it)\s+(?:needs something that can|"
    r"needs something|needs a solution for|needs to|needs|faces this:)\s+",
    re.IGNORECASE,
)


def _requirement_of(body: str, fact: _Fact) -> str:
    """What a stem body asks for, without its opening situation and template words (what support is measured on)."""
    if fact.situation:
        body = body.split(". ", 1)[1] if ". " in body else body
    return _TEMPLATE.sub("", body).strip()


def _part_of(a: Thing, b: Thing) -> bool:
    """ "Apache Hive" and "Hive Metastore", "AWS Glue" and "AWS Glue Workflows": one name (without vendor
    words) is inside the other, so one is part of the other and could be argued right for it."""
    ta, tb = set(a.key.split()), set(b.key.split())
    return bool(ta and tb) and ta != tb and (ta <= tb or tb <= ta)


def _same_thing(a: Thing, b: Thing) -> bool:
    """ "JDBC" and "JDBC / ODBC": one name is part of a list that is the other."""
    ta, tb = set(a.key.split()), set(b.key.split())
    if not (ta <= tb or tb <= ta):
        return False
    longer = a if len(ta) > len(tb) else b
    return bool(re.search(r"/|&|\band\b|\bor\b", longer.name))


def _same_kind_enough(key: Thing, other: Thing, structural: float) -> bool:
    """A thing listed under a kind ("Node Types") takes only distractors of that kind; a vendor product
    takes products; anything else at least another name."""
    if _field_shaped(key.name) != _field_shaped(other.name):
        return False  # "maxSurge", "backoffLimit": settings inside an object, not objects like "DaemonSet"
    broad = GENERIC_ANSWER_TYPES | SOFTWARE_KINDS | VAGUE_KINDS
    if key.genus - broad and other.genus - broad and not (key.genus & other.genus) and not key.vendor:
        return False  # "Drover: A controller ..." beside "Dunmore: storage ...": defined as different kinds (a
        # vendor's products are all services, whatever each calls itself: "marketplace", "catalog")
    shaped = {k for k in other.kinds if _is_shape_kind(k)}
    if shaped and not shaped & set(key.kinds) and structural < SIBLINGS:
        # "--memory" is a flag, "docker stats" a command: they are options only for things of their kind (an
        # instruction like ENTRYPOINT takes no flags as wrong options).
        return False
    if key.kinds or key.groups:
        return structural >= 1.5 or (key.vendor and other.vendor and not key.kinds)
    if key.vendor:
        return other.vendor or structural >= 1.5
    return structural >= 0.5


def _named_kind(name: str) -> str | None:
    """The kind a name of several words ends with when it is written as part of the name ("NodePort Service",
    "headless Service" -> "service"); None for one word or a last word in lower case ("liveness probe")."""
    words = name.split()
    return words[-1].lower() if len(words) > 1 and re.fullmatch(r"[A-Z][a-z]+", words[-1]) else None


def _is_setting(thing: Thing) -> bool:
    """Whether the notes make a thing a setting, a key written in configuration ("backoffLimit", "max-parallel")."""
    return bool(thing.kinds) and all(kind == "setting" or kind.endswith(" setting") for kind in thing.kinds)


def _field_shaped(name: str) -> bool:
    """ "maxSurge", "backoffLimit", "periodSeconds": one lowerCamelCase word, the shape of a setting's key in
    a configuration file."""
    return bool(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", name))


def _names_a_task(requirement: str) -> bool:
    """Whether a requirement says what is to be done or had ("centralize metadata", "compare two dimensions")
    beyond qualities every managed service claims ("integrate with AWS services; fully managed")."""
    words = [
        w
        for w in re.findall(r"[a-z0-9]+", requirement.lower())
        if w not in FUNCTION_WORDS
        and w not in VENDOR_WORDS
        and w not in GENERIC_QUALITIES
        and w not in GENERIC_ANSWER_TYPES
        and w not in ("must", "needs", "need", "something", "choosing")
    ]
    # "execute nothing at build time": what a thing does not do is no task to ask for.
    first_sentence = requirement.split(". ")[0].lower()
    if re.search(r"\b(?:nothing|never|none|no longer)\b", first_sentence):
        return False
    return len(words) >= 2


def _names_several(thing: Thing) -> bool:
    """ "Line Charts", "Named volumes": a plural name of a kind of thing (a vendor product's name is one thing)."""
    words = thing.name.split()
    last = words[-1]
    if thing.vendor or last[-1:] != "s" or last.endswith(("ss", "us", "is")):
        return False
    if len(words) == 1 and re.search(r"[-_./]", last):
        return False  # "timeout-minutes", "max_retries": a key's name is one setting, whatever its last word
    if len(words) == 1:  # "Gauges", "Histograms"; not "Kubernetes", whose singular is no English word
        return english_frequency(singular(last).lower()) >= 2.5
    return all(english_frequency(w.lower()) >= 2.5 for w in words)  # "Plimsoll Streams" names one product


def _in_section(name: str, asked: str) -> bool:
    """Whether a section is one `--section` asks for: its text, in any case, is in the section's path."""
    return asked.lower() in name.lower()


def _top_section(section: str) -> str:
    first = section.split(" > ")[0]
    match = re.match(r"^(\d+)", first)
    return match.group(1) if match else first


def _similar(a: set[str], b: set[str], threshold: float) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= threshold


def near_duplicate(a: str, b: str, threshold: float = 0.75) -> bool:
    return _similar(set(tokenize(a)), set(tokenize(b)), threshold)


def _round_robin(facts: list[_Fact], rng: random.Random) -> list[_Fact]:
    """Facts in a seeded order that visits every answer before any answer's second fact."""
    by_key: dict[str, list[_Fact]] = {}
    for fact in facts:
        by_key.setdefault("+".join(t.key for t in fact.things), []).append(fact)
    queues = list(by_key.values())
    rng.shuffle(queues)
    for queue in queues:
        rng.shuffle(queue)
    ordered: list[_Fact] = []
    for depth in range(max((len(q) for q in queues), default=0)):
        ordered.extend(queue[depth] for queue in queues if depth < len(queue))
    return ordered


def situation_of(stem: str) -> str:
    """A stem without its closing question ("Which service ...? Choose two."), which every stem shares: what
    its meaning is compared on."""
    without = re.sub(r"\s*Choose (?:two|three)\.?\s*$", "", stem, flags=re.IGNORECASE)
    return re.sub(r"\s*[^.?!]*\?\s*$", "", without).strip() or stem


def _right_answers(question: Question) -> str:
    return "+".join(sorted(question.options[i] for i in question.keys))


def spread(questions: list[Question], n: int, rng: random.Random, per_answer: int | None = None) -> list[Question]:
    """Up to n questions, spread over topics and answers: first every answer once, then answers again with
    other options beside them, then the rest; each pass takes at most one question per section, so every
    topic and answer gets its turn. (Two questions with one key and the same wrong options read as one
    question twice, even in other words: a tutor would drop the second.)"""
    pool = list(questions)
    rng.shuffle(pool)
    chosen: list[Question] = []
    used_answers: set[str] = set()
    answer_counts: Counter[str] = Counter()

    def repeats_options(question: Question) -> bool:
        return any(
            _right_answers(other) == _right_answers(question) and len(set(other.options) & set(question.options)) >= 3
            for other in chosen
        )

    def take_passes(fresh_answers_only: bool, fresh_options_only: bool) -> None:
        nonlocal pool
        while pool and len(chosen) < n:
            used_sections: set[str] = set()
            taken: list[Question] = []
            for question in pool:
                right = _right_answers(question)
                if len(chosen) + len(taken) >= n:
                    break
                if question.section in used_sections or (fresh_answers_only and right in used_answers):
                    continue
                if per_answer is not None and answer_counts[right] >= per_answer:
                    continue
                if fresh_options_only and repeats_options(question):
                    continue
                used_sections.add(question.section)
                used_answers.add(right)
                answer_counts[right] += 1
                taken.append(question)
            if not taken:
                return
            chosen.extend(taken)
            pool = [q for q in pool if q not in taken]

    take_passes(fresh_answers_only=True, fresh_options_only=True)
    take_passes(fresh_answers_only=False, fresh_options_only=True)
    take_passes(fresh_answers_only=False, fresh_options_only=False)
    return chosen


# --- export and optional model wording -----------------------------------------------------------------


def export_anki(questions: list[Question], path, deck_name: str = "Study assistant") -> int:
    """Write an Anki deck (.apkg): the stem and options on the front, the answer(s), the explanation and
    the cited passage's text on the back. Returns the number of notes."""

    import genanki

    from .display import html_keeping_code

    model = genanki.Model(
        1607392319,
        "Study assistant question",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[
            {
                "name": "Card",
                "qfmt": "{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}",
            }
        ],
    )
    deck_id = int(hashlib.sha256(deck_name.encode()).hexdigest()[:8], 16)
    deck = genanki.Deck(deck_id, deck_name)
    for question in questions:
        front = (
            html_keeping_code(question.stem)
            + "<ol type=A>"
            + "".join(f"<li>{html_keeping_code(option)}</li>" for option in question.options)
            + "</ol>"
        )
        cited = question.citations[0] if question.citations else {"section": "", "text": ""}
        right = " and ".join(question.options[i] for i in question.keys)
        passage = "<br>".join(html_keeping_code(line) for line in str(cited["text"]).split("\n"))
        back = (
            f"<b>{html_keeping_code(right)}</b><br>{html_keeping_code(question.explanation)}"
            f"<br><br><i>{html_keeping_code(cited['section'])}</i><br>{passage}"
        )
        deck.add_note(genanki.Note(model=model, fields=[front, back], guid=question.id))
    genanki.Package(deck).write_to_file(str(path))
    return len(questions)


REWORD_PROMPT = """You write certification exam questions. Rewrite the question's stem as a short, realistic scenario
(one or two sentences, then the question): a team's situation and what it needs, in everyday words. Do not
reuse the wording of the notes' line, do not name or hint at any of the options, no remarks in brackets, and
keep the same right answer.

Notes' line that makes the answer right: {line}
Options: {options}
Right answer: {answer}
Stem: {stem}

Reply with JSON only: {{"stem": "..."}}"""


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


def reword_with_llm(
    questions: list[Question],
    complete,
    report: GenerationReport | None = None,
    max_copied_run: int = 3,
    similarity: Callable[[str, str], float] | None = None,
    min_similarity: float = 0.5,
) -> list[Question]:
    """Let a model word each stem as a scenario in its own words; keep a rewording only if it passes the same
    rules (`check_question`, with `max_copied_run` content words at most copied from the answer's line: the
    point of a model is words other than the notes'), still asks the same thing (`similarity(old, new)` at
    least `min_similarity`; without it, at least 40% of the stem's words kept) and is no near-duplicate.
    `complete(prompt) -> str` calls the model; any failure keeps the generator's own wording. The explanation
    and why-nots stay the generator's: they quote the notes."""
    report = report or GenerationReport()
    out: list[Question] = []
    for question in questions:
        right = " and ".join(question.options[i] for i in question.keys)
        quoted = [quote for quote, _ in _QUOTE.findall(question.explanation)]
        prompt = REWORD_PROMPT.format(
            line=" / ".join(quoted) or question.explanation,
            stem=question.stem,
            options=", ".join(question.options),
            answer=right,
        )
        try:
            data = parse_json_reply(complete(prompt)) or {}
        except Exception as error:  # the model is optional: keep the original wording
            logger.info("model rewording failed: %s", error)
            data = {}
        stem = normalise_space(str(data.get("stem", "")))
        if similarity is not None:
            same_ask = bool(stem) and similarity(question.stem, stem) >= min_similarity
        else:
            original_terms = set(tokenize(question.stem))
            same_ask = bool(original_terms) and len(set(tokenize(stem)) & original_terms) / len(original_terms) >= 0.4
        candidate = Question(**{**question.to_dict(), "stem": stem}) if stem else None
        problems = check_question(candidate, max_copied_run) if candidate is not None else ["empty"]
        valid = (
            candidate is not None
            and "?" in stem[-40:]  # it asks ("... Which service fits? Choose two.")
            and same_ask
            and not problems
            and not any(near_duplicate(stem, other.stem) for other in out)
        )
        if not valid or candidate is None:
            if data:
                reason = problems[0] if problems else "asks something else" if not same_ask else "not a question"
                report.dropped[f"model wording rejected: {reason} (kept the generated wording)"] += 1
            out.append(question)
            continue
        candidate.id = _stable_id(question.kind, stem, *sorted(question.options), right)
        report.reworded += 1
        out.append(candidate)
    return out
