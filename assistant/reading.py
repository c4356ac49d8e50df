"""The reading layer: what each line of the notes says, and which things ("names") it is about.

Notes come in many shapes - bullets with "Label: description", prose paragraphs, tables, Q&A cards,
glossaries ("Term - definition"), code blocks. `parse_chunk` turns a passage into `Line`s, each with
the subjects it is about and how directly (`Subject.role`), and whether it puts a subject forward or
sets it aside (`Subject.cue`). `NameIndex` gathers, for every name, every line about it wherever it
is: the name's profile, which the reader scores against a question (assistant/reader.py) and practice
builds questions from (assistant/practice.py).

What counts as a name is learned from the notes, not listed: a word the notes capitalise inside
sentences (not just at the start of a sentence, a label or a heading) is part of a proper name;
acronyms, CamelCase and words with digits are too. Terms - features, concepts, commands - come from
the notes' structure: item labels, short lines that head a group of lines, table rows, card questions
and `code` spans. Only general English is listed (assistant/vocabulary.py).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .chunking import SECTION_SEPARATOR, Chunk, file_section
from .text import sentences, stem, tokenize
from .vocabulary import (
    ADVICE_ADVERBS,
    ADVISING_WORDS,
    ANSWER_LABELS,
    CATEGORY_HEADS,
    COMMON_ZIPF,
    CONSTRUCT_WORDS,
    CONTRAST_WORDS,
    DISCOURSE_LABELS,
    FIT_WORDS,
    FIX_LABELS,
    FUNCTION_WORDS,
    MERIT_LABELS,
    NAME_SUFFIXES,
    NAME_TAILS,
    PLAIN_ADVERBS,
    RECOMMEND_VERBS,
    RUN_VERBS,
    RUNBOOK_LABELS,
    SYMPTOM_LABELS,
    VENDOR_WORDS,
    english_frequency,
    rare_english_frequencies,
)
from .wording import looks_like_verb

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

# How directly a line is about a subject (1 = the line is plainly about it). Kept here beside the
# shapes that assign them; their use in scoring is weighted in ReaderSettings (config.py).
ROLE_LABEL = 1.0  # "X: description", a card asking about X, a table row of X
ROLE_PUT_FORWARD = 1.0  # "Use X for ...", "X is ideal for ...", "Solution: X"
ROLE_SUBJECT = 0.9  # the line starts with X ("X lets you ...")
ROLE_PARENT = 0.8  # the line sits under an item that is X
ROLE_HEADING = 0.8  # the section is about X (a leaf heading naming X is like an item naming it)
ROLE_ANCESTOR = 0.4  # an enclosing section is about X
ROLE_MENTION = 0.3  # X merely appears

_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*+•])|(?P<num>\d{1,3})[.)])\s+(?P<text>.*)$")
_LABEL = re.compile(r"^(?P<label>[^:]{1,80}?)\s*:\s+(?P<rest>\S.*)$|^(?P<bare>[^:]{1,80}?):$")
_DASH_LABEL = re.compile(r"^(?P<label>`[^`]{1,60}`|[^-–—:.]{1,60}?)\s+[-–—]{1,2}\s+(?P<rest>\S.*)$")
#: "**How do I stop a job?**" (or __...__) alone on its line: a FAQ's question.
_BOLD_QUESTION = re.compile(r"^(?:\*\*|__)(?P<question>[^*_]{3,200}\?)\s*(?:\*\*|__)$")
_CARD = re.compile(r"(?:^|\s)(?:Q|Question)\s*[:.]\s+", re.IGNORECASE)
_CARD_ANSWER = re.compile(r"\s(?:A|Answer)\s*[:.]\s+")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_&+.'’\-]*[A-Za-z0-9+]|[A-Za-z0-9]")
#: A card asking how to do something: its answer says what to do ("How do I <doing>?").
_HOW_DO_I = re.compile(r"(?i)^\s*how\s+(?:do|can|should|would)\s+(?:i|we|you|one)\b\s*(?P<doing>[^?]*?)\s*\??\s*$")
#: A setting or identifier in snake_case ("for_each", "max_active_runs"): a name by its shape.
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
#: A dotted identifier ("min.insync.replicas", "terraform.tfstate", "log.retention.hours"): parts of two or more
#: characters joined by dots, one of them a word - not "e.g", not a version ("2.0").
_DOTTED = re.compile(r"[a-z][a-z0-9_\-]+(?:\.[a-z0-9_\-]{2,})+")
_CODE_SPAN = re.compile(r"`([^`\n]{2,80})`")
_BRACKETED = re.compile(r"\s*\(([^()]{1,80})\)")
#: Vendor words as `stem` spells them: name keys and tokens compare in stems.
VENDOR_STEMS = frozenset(stem(word) for word in VENDOR_WORDS)
_CONNECTORS = frozenset({"for", "of", "on", "and", "&", "the", "to", "in"})
_NAME_JOINERS = frozenset({"for", "of"})  # "Amazon Managed Workflows for Apache Airflow"
_PRONOUNS = frozenset({"it", "them", "this", "that", "these", "those", "one", "they"})
_TERM_JOINERS = frozenset({"of", "for", "&", "/"})
_PICK_WORDS = frozenset({"best", "fit", "use", "recommended", "choose", "pick", "go", "right", "correct", "suggested"})
_TERM_GERUNDS = frozenset(
    {
        "streaming",
        "logging",
        "tracing",
        "monitoring",
        "caching",
        "sharding",
        "routing",
        "scheduling",
        "mapping",
        "reducing",
        "partitioning",
        "indexing",
        "tagging",
        "versioning",
    }
)


# --- words --------------------------------------------------------------------------------------


#: A card's question or a heading that sets two things side by side ("COPY or ADD?", "the difference between
#: RUN and CMD", "X vs Y"): its answer is read sentence by sentence, never as one thing's whole description.
SIDE_BY_SIDE = re.compile(r"(?i)\bor\b|\bvs\.?\b|\bversus\b|\bdifference\b|\bcompared?\b")


_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_EXAMPLES_LEAD = re.compile(r"(?i)\b(?:such as|including|e\.g\.,?|for example,?)\s+")


def lists_items(text: str, max_item_words: int = 3) -> bool:
    """Whether a line gives a list of things: "Supported Formats: gzip, Snappy", "CSV, JSON and Apache
    Parquet", "... in formats such as CSV, JSON or ORC" - two or more short items after an optional label or
    an example lead. Not a sentence whose "and" joins clauses ("It uses optimized formats and compression to
    enhance performance")."""
    body = text.strip().rstrip(".")
    label = re.match(r"^[^:]{1,40}:\s+(?=\S)", body)
    if label and len(label.group(0).split()) <= 4:
        body = body[label.end() :]
    leads = list(_EXAMPLES_LEAD.finditer(body))
    if leads:
        body = body[leads[-1].end() :]  # the items follow the last "such as"
    body = re.sub(r"\s*\([^)]*\)", "", body)  # "Parquet (columnar)": an aside is not an item
    items = [part.strip() for part in _LIST_SEPARATOR.split(body) if part.strip()]
    return len(items) >= 2 and all(len(item.split()) <= max_item_words for item in items)


def is_acronym(token: str) -> bool:
    """EMR, PII, S3 - but not an English word in capitals ("SECTION", "NOTE")."""
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) < 2 or not all(ch.isupper() for ch in letters):
        return False
    return not (len(letters) >= 4 and token.isalpha() and english_frequency(token.lower()) >= 3.0)


def is_code_identifier(token: str) -> bool:
    """A setting or identifier written as code: in snake_case ("for_each", "max_active_runs"), or dotted
    ("min.insync.replicas", "terraform.tfstate")."""
    return bool(_SNAKE_CASE.fullmatch(token) or _DOTTED.fullmatch(token))


def _is_shaped_name(token: str) -> bool:
    """Acronyms (EMR), CamelCase (DataBrew, maxSurge), snake_case (for_each) and codes with digits (S3, EC2)
    are names by their shape."""
    return (
        is_acronym(token)
        or is_code_identifier(token)
        or bool(re.search(r"[a-z][A-Z]", token))
        or (bool(re.search(r"\d", token)) and bool(re.search(r"[A-Za-z]", token)) and not is_quantity(token))
    )


def is_quantity(token: str) -> bool:
    """A number with a lower-case unit ("50m", "300s", "10gb", "1st"): a value, not a name like "S3" or "3D"."""
    return bool(re.fullmatch(r"\d+(?:\.\d+)?(?!xx)[a-z]{1,2}", token))


def _is_title_like(text: str) -> bool:
    """A heading-like line ("Creating a Persistent, Central Data Catalog") capitalises by style; a sentence
    (it ends with a full stop) that lists names does not."""
    if text.rstrip().endswith((".", "!", "?")):
        return False
    longer = re.findall(r"[A-Za-z][A-Za-z\-]{3,}", text)
    return len(longer) >= 2 and sum(w[0].isupper() for w in longer) >= 0.6 * len(longer)


class NotesVocabulary:
    """What the notes show about each word: how often it is capitalised inside a sentence (a sign of a
    name) and how often written in lower case. Positions that are capitalised by style - the start
    of a sentence, of a label or of a cell, headings and title-case lines - say nothing and are skipped."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.capitalised_inside: Counter[str] = Counter()
        self.lowercase: Counter[str] = Counter()
        self.lowercase_stems: Counter[str] = Counter()
        self.upper_inside: Counter[str] = Counter()  # "run the COPY command": a command in capitals
        capitalised_anywhere: set[str] = set()
        for text in texts:
            capitalised_anywhere.update(w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}\b", text))
            for clause in _evidence_clauses(text):
                tokens = _TOKEN.findall(clause)
                for position, token in enumerate(tokens):
                    word = token.strip(".'’")
                    if not word or not word[0].isalpha():
                        continue
                    if word.islower():
                        self.lowercase[word] += 1
                        self.lowercase_stems[stem(word)] += 1
                    elif position > 0 and word[0].isupper():
                        self.capitalised_inside[word.lower()] += 1
                        if word.isupper() and len(word) > 1:
                            self.upper_inside[word.lower()] += 1
        # Words only ever seen capitalised where style capitalises (headings, sentence starts): a name
        # when English barely knows them ("Flink", "Trino"), a word when it does ("Ingest", "Visualizing").
        unseen = {
            w
            for w in capitalised_anywhere
            if not self.capitalised_inside[w]
            and not self.lowercase[w]
            and not self.lowercase_stems[stem(w)]
            and english_frequency(w) == 0.0
        }
        # "Compacting", "Sharding" under a heading: the -ing form of an English verb is an activity, not a name.
        bases = {w: _ing_bases(w) for w in unseen}
        known = rare_english_frequencies(unseen | {b for found in bases.values() for b in found})
        self._unseen_names = {
            w
            for w in unseen
            if known.get(w, 0.0) < UNSEEN_NAME_ZIPF and not any(known.get(b, 0.0) >= UNSEEN_NAME_ZIPF for b in bases[w])
        }

    def is_proper(self, token: str) -> bool:
        """Whether a capitalised token is (part of) a name."""
        word = token.strip(".'’")
        if word and _is_shaped_name(word):
            return True
        if word.isupper() and word.isalpha() and self.upper_inside[word.lower()]:
            return True  # an English word the notes write in capitals inside sentences: a command ("COPY")
        if not word or not (word[0].isupper() or word[0].isdigit()):
            return False
        low = word.lower()
        if low in FUNCTION_WORDS or low in VENDOR_WORDS:
            return False
        # "Apache-based", "SQL-like", "Event-driven": descriptions, not names; but every part capitalised
        # inside a sentence ("the X-Forwarded-Proto header", "Content-Type") is a name's spelling.
        parts_capitalised = all(part[:1].isupper() for part in word.split("-"))
        if "-" in low and english_frequency(low.rsplit("-", 1)[1]) >= 3.0 and not parts_capitalised:
            return False
        if low in DISCOURSE_LABELS or low in CATEGORY_HEADS or low in NAME_TAILS:
            return False
        inside, lower = self.capitalised_inside[low], self.lowercase[low]
        if inside > lower:
            return True
        return low in self._unseen_names


def _ing_bases(word: str) -> set[str]:
    """The base forms an -ing word may come from: "compacting" compact, "sharding" shard, "storing" store,
    "shipping" ship; nothing for other words."""
    if not word.endswith("ing") or len(word) < 6:
        return set()
    root = word[:-3]
    bases = {root, root + "e"}
    if len(root) > 2 and root[-1] == root[-2]:
        bases.add(root[:-1])
    return bases


#: Below this Zipf frequency in wordfreq's large English list, a word the notes only capitalise by style
#: is taken for a name: "trino" 1.2, "flink" 1.6, "kinesis" 1.9 fall below; "ingest" 2.8, "visualizing" 2.8,
#: "ephemeral" 3.0 do not.
UNSEEN_NAME_ZIPF = 2.5


def _evidence_clauses(text: str) -> Iterator[str]:
    """The parts of a passage whose capitals are evidence: sentences of non-title lines, with labels,
    headings, table cells' first words and code removed."""
    in_code = False
    for raw in text.split("\n"):
        if raw.strip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = _ITEM.match(raw)
        line = _CODE_SPAN.sub(" ", item.group("text") if item else raw.strip()).replace("**", "")
        if line.startswith("|"):
            for cell in line.strip("|").split("|"):
                if len(cell.split()) > 3 and not _is_title_like(cell):
                    yield cell.strip()
            continue
        label = _LABEL.match(line)
        if label and label.group("rest") and len(label.group("label").split()) <= 8:
            line = label.group("rest")
        if _is_title_like(line) or len(line.split()) <= 3:
            continue  # headings, labels and short lines capitalise by style
        for sentence in sentences(line):
            yield from re.split(r"[:;(]\s*|\s[-–—]\s|,\s*(?:e\.g\.|i\.e\.),?\s*", sentence)


# --- names ---------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key that folds spellings of one name together: case, plurals, vendor words in front and
    "Service" at the end set aside ("Amazon OpenSearch Service" and "opensearch" share a key)."""
    text = re.sub(r"'[sS]", "", name.replace("’", "'"))
    # A one-letter flag keeps its case: "nginx -T" (print the configuration) is not "nginx -t" (test it).
    flags = {m.start(1) for m in re.finditer(r"(?<![\w-])-([A-Z])(?![\w-])", text)}
    tokens = [m.group(0) if m.start() in flags else m.group(0).lower() for m in re.finditer(r"[A-Za-z0-9]+", text)]
    while len(tokens) > 1 and tokens[0] in VENDOR_WORDS | {"the", "a", "an"}:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in NAME_SUFFIXES:
        tokens.pop()
    return " ".join(t if t.isupper() else stem(t) for t in tokens)


def name_spans(text: str, vocabulary: NotesVocabulary) -> list[str]:
    """Proper names in a text: maximal runs of capitalised words (joined by "for"/"of") that hold at
    least one name word. A run at the start of a sentence, a label or a title-case line sheds the words
    that are capitalised only by style ("Use AWS Glue" -> "AWS Glue"); inside a sentence a capital is
    deliberate, so "the Vertical Pod Autoscaler" keeps "Vertical"."""
    spans: list[str] = []
    run: list[str] = []
    styled = _is_title_like(text)
    run_at_start = True

    def close() -> None:
        nonlocal run_at_start
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        if run_at_start or styled:
            # Shed words capitalised only by position: sentence words ("Use", "For", "Solution"), very common
            # words, and a word before a vendor name; "Murmur Exchange is ..." keeps "Murmur".
            while (
                run
                and run[0].lower() not in VENDOR_WORDS
                and not vocabulary.is_proper(run[0])
                and (
                    len(run) == 1
                    or _stylistic_start(run[0])
                    or run[1].lower() in VENDOR_WORDS
                    or not any(vocabulary.is_proper(t) for t in run[1:])
                )
            ):
                run.pop(0)
        else:
            while run and (run[0].lower() in FUNCTION_WORDS or run[0].lower() in DISCOURSE_LABELS):
                run.pop(0)
        while (
            len(run) > 1
            and not run[-1].isupper()
            and run[-1].lower() not in NAME_SUFFIXES
            and (
                run[-1].lower() in DISCOURSE_LABELS
                or run[-1].lower() in CATEGORY_HEADS
                or run[-1].lower() in NAME_TAILS
            )
        ):
            run.pop()  # "AWS Glue Advantages", "Athena Overview"
        vendor_led = len(run) > 1 and run[0].lower() in VENDOR_WORDS  # "Amazon Managed Streaming ... Kafka"
        if (
            run
            and (vendor_led or any(vocabulary.is_proper(t) for t in run))
            and not (len(run) == 1 and run[0].lower() in VENDOR_WORDS)
        ):
            spans.append(" ".join(run))
        run.clear()

    at_start = True
    for piece in re.split(r"(\s+|[,;:()\"!?/]|\s[-–—]\s)", text):
        if not piece or piece.isspace():
            continue
        word = re.sub(r"['’]s$", "", piece.strip(".'’"))
        if not word or not _TOKEN.fullmatch(word):
            close()
            at_start = at_start or piece.strip() in (":", "(", "!", "?", '"', "-", "–", "—")
            continue
        if (
            word[0].isupper()
            or (word[0].isdigit() and _is_shaped_name(word))
            or re.fullmatch(r"[a-z]+[A-Z]\w*", word)
            or is_code_identifier(word)
        ):
            if word.lower() in VENDOR_WORDS and run and run[-1].lower() not in _NAME_JOINERS:
                close()  # "EMR Apache Hive" is two names side by side
            # An identifier in snake_case or dotted is a name of its own: "real_ip_header X-Forwarded-For" is
            # a setting and the value given to it.
            if run and (is_code_identifier(word) or is_code_identifier(run[-1])):
                close()
            if not run:
                run_at_start = at_start
            run.append(word)
        elif word.lower() in _NAME_JOINERS and run:
            run.append(word)
        else:
            close()
        at_start = False
        if piece.endswith(".") and not re.fullmatch(r"[A-Z]\.|e\.g\.|i\.e\.", piece):
            close()
            at_start = True
    close()
    return spans


def _stylistic_start(word: str) -> bool:
    low = word.lower()
    return (
        low in FUNCTION_WORDS
        or low in DISCOURSE_LABELS
        or low in _PRONOUNS
        or english_frequency(low) >= COMMON_ZIPF
        or any(low == v.split()[0] for v in RECOMMEND_VERBS)
    )


def _is_discourse(label: str) -> bool:
    """A label that structures the notes ("Exam Tip", "Use Case", "Benefits") rather than names a thing."""
    words = [w for w in re.findall(r"[a-z0-9;]+", label.lower()) if w not in FUNCTION_WORDS]
    return not words or all(w in DISCOURSE_LABELS or w in VENDOR_WORDS or w in RUNBOOK_LABELS for w in words)


def _is_category(text: str) -> bool:
    """A heading that groups things ("Cluster Types", "Log Collection Methods") rather than names one."""
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and (words[-1] in CATEGORY_HEADS or words[0] in CATEGORY_HEADS)


#: "=N", "=<seconds>", "=VALUE", "=...": a placeholder after a setting's name, not part of the name.
_PLACEHOLDER_VALUE = re.compile(r"\s*=\s*(?:[A-Z]|[A-Z_]{2,}|<[^<>]+>|\.\.\.|…)$")


def term_of(label: str, vocabulary: NotesVocabulary) -> str | None:
    """A label or short line as a term (a feature, concept or command), or None when it only
    structures the notes. A label that holds a proper name is that name ("Amazon AppFlow:")."""
    cleaned = _BRACKETED.sub("", label).strip(" *`.:")
    cleaned = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", cleaned)
    if not cleaned or len(cleaned.split()) > 7 or not re.search(r"[A-Za-z]", cleaned):
        return None
    if re.fullmatch(r"`[^`]+`", label.strip()) and len(cleaned.split()) <= 3:
        # "`no` — never restart": a value written as code is a term, even an everyday word. "`s-maxage=N`": a
        # setting shown with a placeholder for its value is the setting ("s-maxage"), as a learner names it.
        return _PLACEHOLDER_VALUE.sub("", cleaned) or cleaned
    words = cleaned.split()
    if len(words) > 1 and words[-1].lower() in MERIT_LABELS:
        owner = " ".join(words[:-1])
        names = name_spans(owner, vocabulary)
        if names and names[0] == owner:
            return owner  # "EMR Advantages", "AWS Glue Benefits": the points beneath are about EMR, about Glue
    if _is_discourse(cleaned) or _is_category(cleaned):
        return None
    words = cleaned.split()
    lowered = [w.lower() for w in words]
    if len(words) > 1 and lowered[-1] in DISCOURSE_LABELS and not vocabulary.is_proper(words[-1]):
        return None  # "Simplest Solution", "General Tip", "Special Note"
    if (
        len(words) > 1
        and re.fullmatch(r"[a-z]+ing", lowered[0])
        and lowered[0] not in _TERM_GERUNDS
        and not vocabulary.is_proper(words[0])
    ):
        return None  # "Scanning S3 Buckets for PII", "Visualizing Data": what a section does, not a thing
    if any(w in ("vs", "vs.", "versus") for w in lowered):
        return None  # a comparison heading names two things, not one
    names = name_spans(cleaned, vocabulary)
    if names and names[0] != cleaned and cleaned.endswith(" " + names[0]):
        dropped = cleaned[: -len(names[0])].split()
        if all(
            w[:1].isupper() and w.lower() not in FUNCTION_WORDS and vocabulary.capitalised_inside[w.lower()]
            for w in dropped
        ):
            # "Time Travel": a label's first word shed as capitalised by style, though the notes capitalise it inside
            # their sentences too ("within its Time Travel period"): it is part of the name.
            return cleaned
    if names and len(names[0].split()) >= 0.5 * len(words):
        return names[0]
    if lowered[0] in FUNCTION_WORDS or lowered[0] in _PRONOUNS or lowered[0] in DISCOURSE_LABELS and len(words) > 1:
        return None
    if len(words) > 4 or any(
        w in FUNCTION_WORDS and w not in _TERM_JOINERS and original.islower()
        for w, original in zip(lowered, words, strict=True)
    ):
        return None  # a phrase about a topic ("Monitoring and alerting of the pipeline"), not a term
    return cleaned


def aliases_in(label: str, vocabulary: NotesVocabulary) -> list[str]:
    """Other spellings a label gives in brackets: "HDFS (Hadoop Distributed File System)"."""
    found = []
    for inner in _BRACKETED.findall(label):
        inner = inner.strip()
        if inner and len(inner.split()) <= 7 and not inner.lower().startswith(("e.g", "i.e", "eg ", "ie ", "see ")):
            if name_spans(inner, vocabulary) or is_acronym(inner):
                found.append(inner)
    return found


# --- lines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A name a line is about: how directly (`role`, 0..1) and whether the line puts it forward
    (`cue` +1: "use X", "X is ideal"), sets it aside (-1: "alternatives: X") or neither (0)."""

    key: str
    name: str
    role: float
    cue: int = 0


@dataclass
class Line:
    """One statement of a passage: an item, a sentence, a table row, a Q&A card or a code block."""

    chunk_id: str
    index: int
    text: str
    label: str | None
    body: str
    context: str | None
    section: str
    group: int
    depth: int
    kind: str
    subjects: tuple[Subject, ...] = ()
    terms: frozenset[str] = frozenset()
    topic: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (key of a spelling in brackets, key of the name it spells)

    @property
    def shown(self) -> str:
        """The line as quoted in an answer: a child reads with the short line it sits under; a Q&A card
        is quoted by its answer, and a short answer ("Type 2.", "dbt build.") with its question, which it answers."""
        if self.kind == "card" and self.body:
            if self.label and len(self.body.split()) <= 5:
                return f"{self.label.rstrip()} {self.body}"
            return self.body
        if (
            self.context
            and self.kind in ("item", "sentence")
            and self.depth > 0
            and not self.label
            and self.context.lower() not in self.text.lower()
        ):
            return f"{self.context.rstrip(':')}: {self.text}"
        return self.text

    @property
    def embedding_text(self) -> str:
        """What is embedded: the line with the heading it sits under, so a bare "Simplified option for
        new projects" keeps its topic."""
        leaf = self.section.split(SECTION_SEPARATOR)[-1] if self.section else ""
        if self.kind == "card":
            return f"{leaf}: {self.text}" if leaf else self.text  # the card's question and its answer
        head = self.context if self.context and self.context.lower() not in self.text.lower() else leaf
        return f"{head}: {self.shown}" if head and head.lower() not in self.shown.lower() else self.shown

    @property
    def extra_texts(self) -> list[str]:
        """More texts a line is matched by: a table row's long cells on their own (a whole row's
        embedding is diluted by its other columns)."""
        if self.kind != "row":
            return []
        cells = [c.split(": ", 1)[-1] for c in self.body.split("; ")] + ([self.label] if self.label else [])
        long_cells = [
            c for c in cells if len(c.split()) >= 3 and c != self.label or c == self.label and len(c.split()) >= 4
        ]
        named = self.label if self.label and len(self.label.split()) <= 6 and self.main_subject else None
        return [f"{named}: {c}" if named and c != named else c for c in dict.fromkeys(long_cells)]

    @property
    def is_heading(self) -> bool:
        """A line that only introduces what is under it ("Node Types", "AWS Data Exchange:"): an item of a
        few words with no sentence end, and no label or a bare one; or any line of prose or a list that ends
        in a colon ("Set with `docker run --restart`:")."""
        if self.kind in ("item", "sentence") and self.text.rstrip().endswith(":"):
            return True
        if self.kind != "item" or self.text.rstrip().endswith("."):
            return False
        bare_label = bool(self.label and (not self.body or self.body.strip(" :") == self.label.strip(" :")))
        return len(self.text.split()) <= 6 and (not self.label or bare_label)

    def subject(self, key: str) -> Subject | None:
        return next((s for s in self.subjects if s.key == key), None)

    @property
    def main_subject(self) -> Subject | None:
        ranked = sorted(self.subjects, key=lambda s: -s.role)
        return ranked[0] if ranked and ranked[0].role >= ROLE_SUBJECT else None


@dataclass
class _Raw:
    """A line before its subjects are known."""

    text: str
    kind: str
    depth: int
    group: int
    context: str | None = None
    parent_name: str | None = None
    label: str | None = None
    body: str = ""
    row_subject: str | None = None
    topic: str | None = None  # the paragraph's subject, for sentences that do not name their own
    put_forward: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def _raw_lines(chunk: Chunk, vocabulary: NotesVocabulary) -> list[_Raw]:  # noqa: C901 - one branch per kind of line, in reading order
    """Split a passage into raw lines: items with their nesting, prose sentences (a paragraph's lines
    joined, as Markdown joins them), table rows, Q&A cards, code blocks."""
    raws: list[_Raw] = []
    group = -1
    parents: list[tuple[int, str, str | None]] = []  # (indent, line text, name it introduces)
    paragraph: list[str] = []
    unanswered: list[_Raw] = []  # a FAQ's bold question whose answer is the next paragraph
    table_header: list[str] | None = None
    code: list[str] | None = None
    code_context: str | None = None

    def flush_paragraph() -> None:
        nonlocal group
        if not paragraph:
            return
        # A FAQ entry: a bold question on a line of its own, its answer the lines (or the paragraph) after it.
        asked = _BOLD_QUESTION.match(paragraph[0].strip())
        if asked:
            question, reply = _clean(asked.group("question")), _clean(" ".join(p.strip() for p in paragraph[1:]))
            paragraph.clear()
            group += 1
            raws.append(_Raw(f"{question} {reply}".strip(), "card", 0, group, label=question, body=reply))
            unanswered[:] = [raws[-1]] if not reply else []
            return
        text = _clean(" ".join(p.strip() for p in paragraph))
        paragraph.clear()
        answer = re.match(r"^(?:A|Answer)\s*[:.]\s+(?P<reply>.+)$", text, re.IGNORECASE | re.DOTALL)
        waiting = unanswered[0] if unanswered and raws and raws[-1] is unanswered[0] else None
        unanswered.clear()
        if (answer or waiting) and raws and raws[-1].kind == "card" and not raws[-1].body:
            # A card's answer set apart from its question by a blank line (a page break in a PDF; a FAQ
            # whose bold question is a paragraph of its own).
            card = raws[-1]
            reply = answer.group("reply").strip() if answer else text
            card.body, card.text = reply, f"{card.label} {reply}"
            return
        group += 1
        for piece in _cards(text):
            if piece.kind == "card":
                group += 1  # each card is an idea of its own; a paragraph's sentences share one
            piece.group = group
            raws.append(piece)

    for raw in _join_continuations(chunk.text.split("\n")):
        stripped = raw.strip()
        if code is not None:
            if stripped.startswith(("```", "~~~")):
                if code:
                    raws.append(_Raw("\n".join(code), "code", 0, group, context=code_context))
                code = None
            else:
                code.append(raw.rstrip())
            continue
        if stripped.startswith(("```", "~~~")):
            flush_paragraph()
            code = []
            code_context = raws[-1].text if raws else None
            continue
        if not stripped:
            flush_paragraph()
            table_header = None
            continue
        if stripped.startswith("|"):
            flush_paragraph()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if table_header is None:
                table_header = [_clean(c) for c in cells]
                group += 1
                continue
            if [_clean(c) for c in cells] == table_header:
                continue  # the header repeated where a long table was split between passages
            raws.extend(_table_row(table_header, [_clean(c) for c in cells], group, vocabulary))
            continue
        table_header = None
        item = _ITEM.match(raw)
        if not item:
            if stripped.startswith("#"):
                continue
            paragraph.append(stripped)
            continue
        flush_paragraph()
        indent = len(item.group("indent").expandtabs(4))
        text = _clean(item.group("text"))
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if not parents:
            group += 1
        depth = len(parents)
        context = next((p[1] for p in reversed(parents) if p[1]), None)
        parent_name = next((p[2] for p in reversed(parents) if p[2]), None)
        label, body = _split_label(text)
        short = len(text.split()) <= 8 and not text.rstrip().endswith(".")
        introduces = None
        if label and not body:
            introduces = term_of(label, vocabulary)
        elif label is None and short:
            introduces = term_of(text, vocabulary)
        elif label and len(label.split()) <= 6:
            introduces = term_of(label, vocabulary)
        clauses = _recommending_clauses(body if label else text)
        if len(clauses) > 1:
            # "Use X for A; use Y for B": each clause is a claim of its own, matched to questions on its own.
            for number, clause in enumerate(clauses):
                shown = f"{label}: {clause}" if label and number == 0 else clause
                raws.append(
                    _Raw(
                        shown,
                        "item",
                        depth,
                        group,
                        context=context if number == 0 else (label or context),
                        parent_name=parent_name,
                        label=label if number == 0 else None,
                        body=clause,
                    )
                )
        else:
            raws.append(
                _Raw(
                    text,
                    "item",
                    depth,
                    group,
                    context=context,
                    parent_name=parent_name,
                    label=label,
                    body=body if label else text,
                )
            )
        heading_like = short and (label is None or not body)
        parents.append(
            (
                indent,
                text.rstrip(":") if heading_like else (label or "") if label and len(label.split()) <= 6 else "",
                introduces,
            )
        )
    if code:
        raws.append(_Raw("\n".join(code), "code", 0, group, context=code_context))
    flush_paragraph()
    return raws


def _join_continuations(raw_lines: list[str]) -> list[str]:
    """A list item's wrapped lines joined to it, as Markdown reads them: "- `on-failure` — restart only when
    ..., optionally giving up" and, on the next line, "  after a number of attempts." are one item."""
    joined: list[str] = []
    in_item = in_code = False
    for raw in raw_lines:
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            in_item = False
        elif not in_code:
            if not stripped or stripped.startswith(("#", "|")) or _CARD.match(stripped):
                in_item = False
            elif _ITEM.match(raw):
                in_item = True
            elif in_item:
                joined[-1] = f"{joined[-1].rstrip()} {stripped}"
                continue
        joined.append(raw)
    return joined


def _recommending_clauses(text: str) -> list[str]:
    """The clauses of "use X for A; use Y for B" (each recommends something), else [text]."""
    clauses = [c.strip() for c in re.split(r";\s+|,\s+(?:while|whereas)\s+", text) if c.strip()]
    verbs = "|".join(re.escape(v) for v in RECOMMEND_VERBS)
    if len(clauses) > 1 and all(
        len(c.split()) >= 3 and re.search(rf"\b(?:{verbs})\b", c, re.IGNORECASE) for c in clauses
    ):
        return clauses
    return [text]


def _split_label(text: str) -> tuple[str | None, str]:
    """ "Label: description" (or "Term - definition") -> (label, description); (None, text) otherwise."""
    match = _LABEL.match(text)
    if match:
        if match.group("bare"):
            return match.group("bare").strip(), ""
        label = match.group("label").strip()
        if len(_BRACKETED.sub("", label).split()) <= 8 and not re.search(r"https?$", label):
            return label, match.group("rest").strip()
    dash = _DASH_LABEL.match(text)
    if dash and len(dash.group("label").split()) <= 5:
        return dash.group("label").strip(), dash.group("rest").strip()
    return None, text


def _prose(paragraph: str) -> list[_Raw]:
    """A prose paragraph's sentences; a glossary entry ("Term - definition") keeps its term as a label."""
    found = []
    for sentence in sentences(paragraph):
        label, body = _split_label(sentence)
        if label and len(label.split()) <= 5 and body:
            found.append(_Raw(sentence, "sentence", 0, 0, label=label, body=body))
        else:
            found.append(_Raw(sentence, "sentence", 0, 0))
    return found


def _cards(paragraph: str) -> list[_Raw]:
    """A paragraph as Q&A cards ("Q: ... A: ..."), else as its sentences."""
    starts = [m for m in _CARD.finditer(paragraph)]
    if not starts:
        return _prose(paragraph)
    found: list[_Raw] = []
    before = paragraph[: starts[0].start()].strip()
    if before:
        found.extend(_prose(before))
    for number, match in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(paragraph)
        card = paragraph[match.end() : end].strip()
        answer = _CARD_ANSWER.search(card)
        if answer:
            question, reply = card[: answer.start()].strip(), card[answer.end() :].strip()
        else:
            question, reply = card, ""
        found.append(_Raw(f"{question} {reply}".strip(), "card", 0, 0, label=question, body=reply))
    return found


def _table_row(header: list[str], cells: list[str], group: int, vocabulary: NotesVocabulary) -> list[_Raw]:
    """A table row. When the columns are the things compared ("| | QuickSight | CloudWatch |"), each
    cell is a line about its column; otherwise the row is a line about its first cell."""
    columns_are_names = (
        len(header) >= 3
        and not header[0]
        and all(name_spans(h, vocabulary) or term_of(h, vocabulary) for h in header[1:] if h)
    )
    if columns_are_names:
        aspect = cells[0] if cells else ""
        return [
            _Raw(f"{column} - {aspect}: {cell}", "cell", 0, group, label=aspect, body=cell, row_subject=column)
            for column, cell in zip(header[1:], cells[1:], strict=False)
            if column and cell
        ]
    subject = cells[0] if cells else ""
    parts = [f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=False) if c]
    text = f"{subject} - " + "; ".join(parts) if parts else subject
    short = subject if 0 < len(_BRACKETED.sub("", subject).split()) <= 6 and not _is_discourse(subject) else None
    row = _Raw(
        text, "row", 0, group, label=subject, body="; ".join(parts), row_subject=short, context=header[0] or None
    )
    # "| Workload | Best fit | Why not the others |": a column headed as the answer puts its names forward.
    for column, cell in zip(header[1:], cells[1:], strict=False):
        words = set(re.findall(r"[a-z]+", column.lower())) - FUNCTION_WORDS
        if words and words <= ANSWER_LABELS | _PICK_WORDS:
            row.put_forward.extend(
                name_spans(cell, vocabulary) or [cell] if len(cell.split()) <= 4 else name_spans(cell, vocabulary)
            )
        elif words & {"not", "avoid", "instead", "alternatives", "alternative"}:
            row.set_aside.extend(name_spans(cell, vocabulary))
    return [row]


def parse_chunk(chunk: Chunk, vocabulary: NotesVocabulary, carried_topic: str | None = None) -> list[Line]:
    """The lines of a passage, each with the names it is about. `carried_topic` is the subject of the
    paragraph the previous passage ended in, for a passage that starts in the middle of it."""
    # A note without headings is filed under its file's name: "dbt-flashcards" names no thing (its lines are not
    # about it, and it is no answer), unless the notes use that name in their text ("kafka.md" about Kafka).
    stem = file_section(chunk.source).lower()
    named_in_text = bool(vocabulary.lowercase[stem] or vocabulary.capitalised_inside[stem])
    heading_names = [(n, r) for n, r in _heading_names(chunk.section, vocabulary) if n.lower() != stem or named_in_text]
    lines: list[Line] = []
    topics: dict[int, str] = {}
    raws = _raw_lines(chunk, vocabulary)
    opening_group = raws[0].group if raws and raws[0].kind == "sentence" else None
    for number, raw in enumerate(raws):
        if raw.kind == "sentence":
            raw.topic = topics.get(raw.group) or (carried_topic if raw.group == opening_group else None)
        subjects = _subjects(raw, heading_names, vocabulary, chunk.section)
        if raw.kind == "sentence" and raw.group not in topics:
            main = max(
                (x for x in subjects if x.role >= ROLE_SUBJECT and x.cue >= 0), key=lambda x: x.role, default=None
            )
            if main is not None:
                topics[raw.group] = main.name
        text_terms = tokenize(" ".join(x for x in (raw.context, raw.text) if x))
        lines.append(
            Line(
                chunk_id=chunk.id,
                index=number,
                text=raw.text,
                label=raw.label,
                body=raw.body or raw.text,
                context=raw.context,
                section=chunk.section,
                group=raw.group,
                depth=raw.depth,
                kind=raw.kind,
                subjects=subjects,
                terms=frozenset(text_terms),
                topic=raw.topic or topics.get(raw.group),
                aliases=_bracket_aliases(raw, vocabulary),
            )
        )
    return lines


def _bracket_aliases(raw: _Raw, vocabulary: NotesVocabulary) -> tuple[tuple[str, str], ...]:
    """ "Global secondary index (GSI)", "HDFS (Hadoop Distributed File System)", "AWS Database Migration
    Service (AWS DMS) moves ...": a name and a spelling in brackets right after it spell one thing."""
    pairs: list[tuple[str, str]] = []
    named = raw.row_subject or (raw.label if raw.kind in ("item", "sentence", "card") else None)
    if named and _BRACKETED.search(named):
        main = term_of(named, vocabulary) or _BRACKETED.sub("", named).strip()
        pairs += [(name_key(alias), name_key(main)) for alias in aliases_in(named, vocabulary)]
    for match in re.finditer(r"([A-Z][\w\-]*(?:\s+(?:for\s+|of\s+)?[A-Z][\w\-]*){0,7})\s+\(([^()]{2,60})\)", raw.text):
        names = name_spans(match.group(1), vocabulary)
        if names and match.group(1).endswith(names[-1]):
            pairs += [
                (name_key(alias), name_key(names[-1])) for alias in aliases_in(f"x ({match.group(2)})", vocabulary)
            ]
    # "Amazon Managed Streaming for Apache Kafka, usually shortened to Amazon MSK": another spelling, said so.
    for match in re.finditer(
        r"(?P<first>[^,.;]{2,80}?),?\s+(?:usually |also |often |sometimes )?(?:shortened to|abbreviated "
        r"(?:as|to)|also called|called|known as|formerly(?: called| known as)?)\s+(?P<second>[^,.;()]{2,60})",
        raw.text,
    ):
        first, second = name_spans(match.group("first"), vocabulary), name_spans(match.group("second"), vocabulary)
        if (
            first
            and second
            and match.group("first").rstrip().endswith(first[-1])
            and match.group("second").lstrip().startswith(second[0])
        ):
            pairs.append((name_key(second[0]), name_key(first[-1])))
    return tuple(dict.fromkeys((a, m) for a, m in pairs if a and m and a != m))


def trailing_topic(lines: list[Line]) -> str | None:
    """The subject of the paragraph a passage ends in (carried into the next passage)."""
    return lines[-1].topic if lines and lines[-1].kind == "sentence" else None


def _heading_names(section: str, vocabulary: NotesVocabulary) -> list[tuple[str, float]]:
    """The names the heading path is about, deepest first, with their role for the lines beneath."""
    found: list[tuple[str, float]] = []
    parts = [re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", p) for p in section.split(SECTION_SEPARATOR) if p.strip()]
    for depth, heading in enumerate(reversed(parts)):
        role = ROLE_HEADING if depth == 0 else ROLE_ANCESTOR
        names = name_spans(heading, vocabulary)
        if not names and depth == 0:
            term = term_of(heading, vocabulary)
            names = [term] if term else []
        for name in names:
            if all(name_key(name) != name_key(n) for n, _ in found):
                found.append((name, role))
    return found


def _put_forward(text: str, vocabulary: NotesVocabulary) -> list[tuple[str, int]]:
    """What a line puts forward, with +1 when it recommends it: the thing after "use"/"enable"... ("use S3
    event notifications to ..."), before "is ideal/best/suited ..." ("Amazon Athena is ideal for ..."), and,
    as an instruction rather than advice (0), the command after "run"/"perform"."""
    found: list[tuple[str, int]] = []
    verbs = "|".join(re.escape(v) for v in RECOMMEND_VERBS)
    for match in re.finditer(
        rf"(?:^|[,;:(.]\s*|\b(?:{_VERB_LEADS})\s+)(?:{verbs})\s+(?P<span>[^.;:()]+)", text, re.IGNORECASE
    ):
        if re.match(r"cases?\b", match.group("span"), re.IGNORECASE):
            continue  # "use case" is a noun
        if _described_by_its_subject(text[: match.start()], match.group(0)):
            continue  # "Scheduled runs always use the workflow file on ...": what runs do, not advice
        found.extend((phrase, 1) for phrase in _object_phrase(match.group("span"), vocabulary))
    # "perform the MSCK REPAIR TABLE command", "run kubectl rollout undo": the named thing to do.
    for match in re.finditer(r"\b(?:run|perform|execute)\s+(?:the\s+|a\s+)?(?P<span>[^.;:()]+)", text, re.IGNORECASE):
        names = name_spans(match.group("span"), vocabulary)
        if names and match.group("span").strip().startswith(names[0].split()[0]):
            found.append((names[0], 0))
    # "run terraform init -upgrade", "save it with terraform plan -out=tfplan": a command line in lower case.
    found.extend((command, 0) for _, command in commands_in(text))
    if re.search(rf"\b(?:{'|'.join(re.escape(w) for w in FIT_WORDS)})\b", text, re.IGNORECASE):
        # "For fully managed offerings (e.g., Step Functions, Kinesis, Glue)": the examples are put forward too.
        for example in re.findall(r"\((?:e\.g\.|eg|for example|such as|like)[,:]?\s*([^)]+)\)", text, re.IGNORECASE):
            found.extend((name, 1) for name in name_spans(example, vocabulary))
    # "Very large data sets with too little bandwidth point to Snowball Edge": a situation that points to a
    # name recommends it (not a thing that points to another: "The alias points to python3").
    for sentence in sentences(text):
        for match in re.finditer(r"\bpoints?\s+to\s+(?P<span>[^.;:()]+)", sentence, re.IGNORECASE):
            situation = sentence[: match.start()].strip()
            if len(situation.split()) < 2 or _starts_with_name(situation, vocabulary):
                continue
            span = _STOP_AT.sub("", match.group("span")).strip(" ,")
            # Read in its sentence: alone, "Transfer Family" starts like a verb phrase.
            start = match.start("span") + len(match.group("span")) - len(match.group("span").lstrip())
            for name in name_spans(sentence, vocabulary):
                if sentence.find(name, start) == start and len(name) <= len(span):
                    found.append((name, 1))
    fits = "|".join(re.escape(w) for w in FIT_WORDS)
    for sentence in sentences(text):
        fit_match = re.match(
            rf"^(?P<span>.{{2,80}}?)\s+(?:is|are)\s+(?:\w+\s+){{0,2}}?(?:{fits})\b", sentence, re.IGNORECASE
        )
        fit_match = fit_match or re.match(rf"^(?P<span>.{{2,60}}?)\s+(?:{fits})\b", sentence, re.IGNORECASE)
        if fit_match:
            span = re.split(r"[,;:]", fit_match.group("span"))[-1].strip()
            names = name_spans(span, vocabulary)
            if names:
                found.append((names[-1], 1))
    return found


def _described_by_its_subject(before: str, matched: str) -> bool:
    """Whether "<adverb> use X" follows a noun that is doing it ("Scheduled runs always use ..."): a statement
    of what that subject does, not advice ("Always use ...", "you should usually use ...")."""
    lead = matched.strip(" ,;:(.").split()[0].lower() if matched.strip(" ,;:(.") else ""
    if lead not in ADVICE_ADVERBS:
        return False
    words = re.findall(r"[A-Za-z']+", before)
    return (
        bool(words)
        and words[-1].lower() not in ADVISING_WORDS
        and not before.rstrip().endswith((",", ";", ":", ".", "("))
    )


def _starts_with_name(text: str, vocabulary: NotesVocabulary) -> bool:
    names = name_spans(text, vocabulary)
    return bool(names) and text.lstrip(" \"'(").startswith(names[0].split()[0])


# Words before "use", "choose"... that make them verbs ("you can use X"), not nouns ("typical use").
_VERB_LEADS = (
    "then|to|should|must|can|could|would|will|we|you|i|they|always|also|just|simply|instead|"
    "rather|so|please|better|best|generally|usually|typically|often"
)

_STOP_AT = re.compile(
    r"\s+(?:to|for|when|if|with|in|on|as|instead|because|so|since|that|which|where|by|from|before|after|"
    r"and then|over|via|directly|across|within|without|while|rather|than|or|based|using|including|such|like|"
    r"e\.g)\b.*$",
    re.IGNORECASE,
)


def _object_phrase(span: str, vocabulary: NotesVocabulary) -> list[str]:
    """The things a recommending verb points at: names, or short noun phrases ("S3 event notifications");
    a list ("Athena and QuickSight") gives each."""
    head = _STOP_AT.sub("", span.strip()).strip(" ,.")
    found: list[str] = []
    parts = re.split(r",\s*|\s+and\s+|\s+or\s+|\s*/\s*", head)
    if not all(name_spans(part, vocabulary) for part in parts):
        parts = parts[:1]  # "encryption at rest and restrict access": a list only when every item is a name
    for part in parts:
        words = part.split()
        while words and (words[0].lower() in FUNCTION_WORDS or words[0].lower() in _PRONOUNS):
            words.pop(0)
        if not words:
            continue
        phrase = " ".join(words)
        names = name_spans(phrase, vocabulary)
        if names and phrase.startswith(names[0]) and len(words) <= 4:
            found.append(phrase if len(words) - len(names[0].split()) <= 2 else names[0])
        elif names:
            found.append(names[0])
        elif len(words) <= 3 and phrase.lower() not in _PRONOUNS and len(phrase) >= 3 and _specific(words):
            found.append(phrase)
    return found


def _specific(words: list[str]) -> bool:
    """A phrase that names something ("columnar format"), not a vague one ("direct solutions")."""
    last = words[-1].lower()
    if last in DISCOURSE_LABELS or last in CATEGORY_HEADS:
        return False
    return any(english_frequency(w.lower()) < 4.3 for w in words)


def _contrasted(text: str, vocabulary: NotesVocabulary) -> set[str]:
    """Names a line sets aside: those in a clause that starts with a contrast word."""
    keys: set[str] = set()
    low = text.lower()
    for word in CONTRAST_WORDS:
        start = low.find(word)
        while start >= 0:
            clause = re.split(r"[.;]|,\s*(?:but|while|whereas)\b|\bbut\b", text[start:], maxsplit=1)[0]
            keys.update(name_key(n) for n in name_spans(clause, vocabulary))
            start = low.find(word, start + len(word))
    return keys


_SITUATION_WORDS = frozenset(
    {
        "use",
        "case",
        "cases",
        "scenario",
        "scenarios",
        "example",
        "examples",
        "situation",
        "situations",
        "when",
        "typical",
    }
)


#: Endings of abstract nouns ("Functionality", "Actions", "Execution", "Cost Efficiency", "Query Capabilities").
_ABSTRACT_ENDINGS = ("ity", "ities", "tion", "tions", "sion", "sions", "ness", "ment", "ments", "ance", "ence", "ency")


def _names_an_aspect(label: str, vocabulary: NotesVocabulary) -> bool:
    """A label that names an aspect of something rather than a thing: no name in it, and its head an abstract
    noun ("Actions", "Execution", "Cost Efficiency"), not a thing ("Leader Node", "Amazon S3")."""
    words = re.findall(r"[A-Za-z]+", label)
    return bool(words) and not name_spans(label, vocabulary) and words[-1].lower().endswith(_ABSTRACT_ENDINGS)


def _lists_situations(context: str | None, section: str) -> bool:
    """Whether the lines here list situations ("Use Cases", "Example scenarios") rather than things."""
    leaf = section.split(SECTION_SEPARATOR)[-1] if section else ""
    for heading in (context or "", leaf):
        words = set(re.findall(r"[a-z]+", heading.lower())) - FUNCTION_WORDS
        if (
            words
            and words <= _SITUATION_WORDS
            and words & {"case", "cases", "scenario", "scenarios", "situation", "situations", "example", "examples"}
        ):
            return True
    return False


def _subjects(  # noqa: C901 - the order of these checks is the rule
    raw: _Raw, heading_names: list[tuple[str, float]], vocabulary: NotesVocabulary, section: str = ""
) -> tuple[Subject, ...]:
    found: dict[str, Subject] = {}

    def put(name: str | None, role: float, cue: int = 0) -> None:
        if not name or len(name) < 2 or name.lower() in _PRONOUNS:
            return
        key = name_key(name)
        if not key:
            return
        old = found.get(key)
        if old is None or role > old.role or (role == old.role and cue > old.cue):
            keep_name = name if old is None or len(name) >= len(old.name) else old.name
            found[key] = Subject(key, keep_name, role, cue if old is None else max(cue, old.cue) if cue >= 0 else cue)

    own_role = 0.0
    label_term = term_of(raw.label, vocabulary) if raw.label else None
    for name in raw.put_forward:
        put(name, ROLE_PUT_FORWARD, +1)
        own_role = max(own_role, ROLE_PUT_FORWARD)
    if raw.row_subject:
        put(term_of(raw.row_subject, vocabulary) or _BRACKETED.sub("", raw.row_subject).strip(), ROLE_LABEL)
        for alias in aliases_in(raw.row_subject, vocabulary):
            put(alias, ROLE_LABEL)
        own_role = ROLE_LABEL
    elif raw.kind == "card" and raw.label:
        names = name_spans(raw.label, vocabulary) or [n for n in [_card_topic(raw.label, vocabulary)] if n]
        for position, name in enumerate(names):
            put(name, ROLE_LABEL if position == 0 else ROLE_MENTION)
        own_role = ROLE_LABEL if names else 0.0
        # "Q: COPY or ADD? A: Prefer COPY ... ADD does the same but also unpacks archives": a sentence of the
        # answer that opens with a name and a verb is about that name.
        for sentence in sentences(raw.body or ""):
            opening = name_spans(sentence, vocabulary)
            if opening and sentence.lstrip(" \"'(`").startswith(opening[0].split()[0]):
                rest = sentence.lstrip(" \"'(`")[len(opening[0]) :].split()
                if rest and (rest[0].lower() in _VERBISH or re.fullmatch(r"[a-z]+(?:s|ed)", rest[0])):
                    put(opening[0], ROLE_SUBJECT)
        # "How do I avoid downtime on replacement? Add create_before_destroy = true ...": the answer to a
        # how-question that opens with an instruction puts forward the first thing it names.
        instructed = _instructed(raw.body or "", vocabulary) if asks_how(raw.label) else None
        if instructed:
            put(instructed, ROLE_PUT_FORWARD, 1)
            own_role = max(own_role, ROLE_PUT_FORWARD)
    elif label_term and _lists_situations(raw.context, section):
        put(label_term, ROLE_MENTION)  # under "Use Cases", a label names a situation, not a thing to pick
    elif label_term and raw.parent_name and _names_an_aspect(raw.label or "", vocabulary):
        # "Subscription Filters" > "Actions: Can ... trigger AWS Lambda functions": under a term, a label that
        # names an aspect says what the term does; the line is about the term, not about "Actions".
        put(label_term, ROLE_MENTION)
    elif label_term:
        put(label_term, ROLE_LABEL)
        for alias in aliases_in(raw.label or "", vocabulary):
            put(alias, ROLE_LABEL)
        own_role = ROLE_LABEL
    if raw.kind == "code":
        return tuple(Subject(name_key(n), n, r * 0.5) for n, r in heading_names if name_key(n))
    body = raw.body if raw.label else raw.text
    for phrase, cue in _put_forward(body, vocabulary):
        if phrase.lower() in _PRONOUNS:
            continue
        put(phrase, ROLE_PUT_FORWARD, cue)
        own_role = max(own_role, ROLE_PUT_FORWARD)
    label_words = {
        w for w in re.findall(r"[a-z]+", (raw.label or "").lower()) if w not in FUNCTION_WORDS and w not in VENDOR_WORDS
    }
    if (
        raw.label
        and not label_term
        and raw.body
        and label_words & ANSWER_LABELS
        and label_words <= ANSWER_LABELS | DISCOURSE_LABELS
    ):
        # "Solution: Enable Amazon Macie.", "AWS Service: Amazon EMR": a structuring label introduces its answer.
        described = name_spans(raw.body, vocabulary)
        if described and len(raw.body.split()) <= 10:
            put(described[0], ROLE_PUT_FORWARD, +1)
            own_role = max(own_role, ROLE_PUT_FORWARD)
        elif label_words & FIX_LABELS and (instructed := _instructed(raw.body, vocabulary)):
            # "Fix: Raise proxy_read_timeout only in the location ...": a longer answer is an instruction; it puts
            # forward what it tells to use, as a how-to card's answer does.
            put(instructed, ROLE_PUT_FORWARD, +1)
            own_role = max(own_role, ROLE_PUT_FORWARD)
    conditional = conditional_instruction(raw.text) if raw.kind in ("item", "sentence") and not raw.label else None
    if conditional:
        # "If clients get "Data too large" errors, check GET _nodes/stats/breaker ...": what the instruction tells
        # to use is put forward for that situation, as a runbook's fix puts it forward.
        told = conditional[2]
        instructed = _instructed(told[:1].upper() + told[1:], vocabulary)
        if instructed:
            put(instructed, ROLE_PUT_FORWARD, +1)
    if raw.kind == "item" and not raw.label and len(raw.text.split()) <= 4 and not raw.text.endswith("."):
        own_term = term_of(raw.text, vocabulary)  # a line that is only a term ("Partitioning", "Node Types")
        if own_term:
            put(own_term, ROLE_LABEL)
            own_role = ROLE_LABEL
    if raw.kind == "sentence" and not raw.label and own_role < ROLE_SUBJECT:
        term = _sentence_term(raw.text)
        if term:
            put(term, ROLE_SUBJECT)  # "Enhanced fan-out changes this by ...": prose names its subject first
            own_role = ROLE_SUBJECT
    mentioned = name_spans(raw.text, vocabulary)
    if mentioned and raw.kind in ("item", "sentence") and not raw.label:
        first = mentioned[0]
        if raw.text.lstrip(" \"'(").startswith(first.split()[0]):
            put(first, ROLE_SUBJECT)
            own_role = max(own_role, ROLE_SUBJECT)
            # "JSON and CSV when compressed, cannot be split": names joined at the start are all its subjects.
            position = raw.text.find(first) + len(first)
            for other in mentioned[1:]:
                at = raw.text.find(other, position)
                if at < 0 or not re.fullmatch(r"\s*(?:,|&|/|and|or|, and|, or)\s*", raw.text[position:at]):
                    break
                put(other, ROLE_SUBJECT)
                position = at + len(other)
    if raw.kind in ("item", "sentence") and (not raw.label or _is_discourse(raw.label)):
        # "Fix: Raise proxy_read_timeout ... proxy_connect_timeout covers only establishing the connection":
        # a later sentence (or one after a structuring label) that opens with a name and its verb is about it.
        body_sentences = sentences(raw.body if raw.label and raw.body else raw.text)
        for sentence in body_sentences[0 if raw.label else 1 :]:
            opening = name_spans(sentence, vocabulary)
            if opening and sentence.lstrip(" \"'(`").startswith(opening[0].split()[0]):
                rest = sentence.lstrip(" \"'(`")[len(opening[0]) :].split()
                if rest and (rest[0].lower() in _VERBISH or _is_verb_s_form(rest[0].strip(",;:"))):
                    put(opening[0], ROLE_SUBJECT)
    if raw.parent_name:
        put(raw.parent_name, ROLE_PARENT if own_role < ROLE_SUBJECT else ROLE_MENTION + 0.1)
    for name, role in heading_names:
        # The section's thing is what an unlabelled line is about; a line about its own subject is
        # about the section's thing only in part.
        put(name, role if own_role < ROLE_SUBJECT and not raw.parent_name else role * 0.5)
    for term in _CODE_SPAN.findall(raw.text):
        put(term.strip(), ROLE_MENTION + 0.2)
    # "`docker compose ps` lists the project's containers": code that opens the line and is followed by its
    # verb is the line's subject.
    for sentence in sentences(raw.text):
        # "`--memory` (`-m`), e.g. `--memory=512m`, is a hard memory cap": its aside and example set aside.
        code_first = re.match(
            r"^`(?P<term>[^`\n]{2,80})`(?:\s*\([^()]{1,60}\))?(?:,\s*(?:e\.g\.|i\.e\.|such as)[^,]{1,60},)?"
            r"\s+(?P<verb>[a-z]+)\b",
            sentence.strip(),
        )
        verb = code_first.group("verb") if code_first else ""
        # After code that opens a sentence, a lower-case -s word is its verb, however rare ("overwrites", "prunes").
        if code_first and (
            verb in _VERBISH or _is_verb_s_form(verb) or len(verb) > 3 and re.fullmatch(r"[a-z]+[^s]s", verb)
        ):
            put(code_first.group("term").strip(), ROLE_SUBJECT)
    for name in mentioned:
        put(name, ROLE_MENTION)
    if raw.topic and own_role < ROLE_SUBJECT:
        # A later sentence of a paragraph is about the paragraph's subject ("It has no shards to manage").
        put(raw.topic, ROLE_PARENT if re.match(r"(?i)(it|its|this|they|their|these)\b", raw.text) else ROLE_HEADING)
    contrasted = _contrasted(raw.text, vocabulary) | {name_key(n) for n in raw.set_aside}
    if contrasted:
        for key in contrasted:
            if key in found and found[key].cue <= 0:
                old = found[key]
                found[key] = Subject(old.key, old.name, old.role, -1)
    return tuple(found.values())


_VERBISH = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "can",
        "cannot",
        "will",
        "would",
        "should",
        "must",
        "may",
        "might",
        "has",
        "have",
        "does",
        "do",
        "lets",
        "allows",
        "gives",
        "keeps",
        "makes",
        "means",
        "needs",
        "runs",
        "adds",
        "moves",
        "uses",
        "works",
        "changes",
        "sends",
        "stores",
        "reads",
        "writes",
        "holds",
        "provides",
        "offers",
        "supports",
        "enables",
        "delivers",
        "buffers",
        "replicates",
        "copies",
        "transfers",
        "scales",
        "charges",
        "costs",
        "handles",
        "creates",
        "deletes",
        "removes",
        "manages",
        "monitors",
        "captures",
        "converts",
        "loads",
        "queries",
        "splits",
        "protects",
        "encrypts",
        "rotates",
        "retains",
        "takes",
        "requires",
        "defines",
        "routes",
        "triggers",
        "invokes",
        "processes",
    ]
)


def split_how_to(question: str) -> tuple[str, str | None] | None:
    """A card's question that asks what to do, as (situation, what to do): "How do I pin a module?" -> ("",
    "pin a module"); "Someone built a bucket by hand. How do I adopt it?" -> ("Someone built a bucket by hand",
    "adopt it"); "A run crashed and the lock was never released. What now?" -> ("A run crashed ...", None).
    None for a question that asks no such thing."""
    parts = re.split(r"(?<=[.!?])\s+", question.strip())
    last, situation = parts[-1], " ".join(parts[:-1]).rstrip(".")
    how = _HOW_DO_I.match(last)
    if how:
        return situation, how.group("doing") or None
    if situation and _WHAT_NOW.match(last):
        return situation, None
    return None


def asks_how(question: str) -> bool:
    """A card asking what to do: "How do I pin a module?", or a situation and then the ask ("A run crashed
    and the lock was never released. What now?", "Someone built a bucket by hand. How do I adopt it?")."""
    return split_how_to(question) is not None


#: A phrase put before a sentence's main clause to say when, where or what for ("Before stopping a node, set
#: ...", "If bulk requests are rejected, send ...", "For single objects uploaded far away, X routes ..."): the
#: main clause follows the comma.
FRONTED_PHRASE = re.compile(
    r"(?i)^(?P<lead>before|after|during|when|whenever|if|once|while|to|for|in|with|on|at|from|by|within|across|"
    r"inside|outside)\s(?P<phrase>[^,]{3,120}?),\s+(?P<rest>.*)$",
    re.DOTALL,
)
#: The fronted phrases that make a situation or a purpose of the sentence's instruction.
_CONDITION_LEADS = frozenset({"if", "when", "whenever", "once", "to"})
#: The fronted phrases that say when or what for before an instruction ("Before stopping a node, set ..."); not
#: where from ("From the nginx host, curl the backend": a check that locates, measured to outrank the fix).
_INSTRUCTION_LEADS = _CONDITION_LEADS | {"before", "after", "during", "while", "for", "on", "in", "with"}


def _opens_with_base_verb(text: str) -> bool:
    """Whether a clause opens with a verb in its base form, lower case as after a comma ("set ...", "send ...")."""
    words = re.findall(r"[A-Za-z']+", text)[:3]
    return (
        len(words) >= 2
        and words[0].islower()
        and looks_like_verb(words[0], words[1], words[2] if len(words) > 2 else "") == words[0]
    )


def conditional_instruction(text: str) -> tuple[str, str, str] | None:
    """A sentence that says what to do in a situation or for a purpose: (lead word, condition, instruction),
    when the part after the comma opens with a verb in its base form ("If bulk requests are rejected, send
    smaller batches ..."); None for a statement ("When a node leaves, the cluster waits ...")."""
    match = FRONTED_PHRASE.match(text.strip())
    if not match or match.group("lead").lower() not in _CONDITION_LEADS or ";" in match.group("rest"):
        return None
    if len(match.group("phrase")) < 6 or re.search(r"[;:]", match.group("phrase")):
        return None
    if not _opens_with_base_verb(match.group("rest")):
        return None
    return match.group("lead"), match.group("phrase").strip(), match.group("rest").strip()


def conditional_question(lead: str, condition: str) -> str:
    """The how-to question a conditional instruction answers: "<situation>. What now?" or "How do I <purpose>?"."""
    if lead.lower() == "to":
        return f"How do I {condition}?"
    return f"{condition[:1].upper()}{condition[1:]}. What now?"


def fix_questions(lines: list[Line]) -> dict[int, tuple[Line, str]]:
    """A runbook's incidents as the how-to questions their fixes answer: each fix line (by index) under a
    symptom line of its section, with that line and the question "<symptom>. What now?", as a FAQ card would
    ask it. Prose says the same in one sentence ("If bulk requests are rejected, send smaller batches"): such
    a line is its own symptom, asked "<situation>. What now?" (or "How do I <purpose>?" after "To ...")."""
    symptoms: dict[str, Line] = {}
    found: dict[int, tuple[Line, str]] = {}
    for line in lines:
        if line.kind in ("sentence", "item") and not line.label:
            conditional = conditional_instruction(line.text)
            if conditional and any(s.cue > 0 for s in line.subjects):
                found[line.index] = (line, conditional_question(conditional[0], conditional[1]))
            continue
        words = set(re.findall(r"[a-z]+", (line.label or "").lower()))
        if not line.body or line.body == line.text:
            continue
        if words & SYMPTOM_LABELS:
            symptoms.setdefault(line.section, line)
        elif words & FIX_LABELS and line.section in symptoms:
            symptom = symptoms[line.section]
            found[line.index] = (symptom, f"{symptom.body.strip().rstrip('.')}. What now?")
    return found


#: Labels of a line that tells what to do: a runbook's fix, a scenario's solution.
_INSTRUCTION_LABELS = FIX_LABELS | {"solution", "solutions"}
#: "you will have to perform ...", "you must run ...", "make sure to ...": an instruction inside a statement.
_INSTRUCTING_PHRASE = re.compile(
    r"\b(?:you|we)\s+(?:will\s+)?(?:have\s+to|need\s+to|must|should)\s+[a-z]+|\bmake\s+sure\s+(?:to|that|you)\b",
    re.IGNORECASE,
)


def instructs(line: Line) -> bool:
    """Whether a line tells what to do: a fix or solution label ("Fix: Start the backend ..."), or a text that
    opens with a verb in its base form, perhaps after an adverb ("Raise proxy_read_timeout ...", "Always run
    ...", "Do not ..."), or a statement that says what you have to do ("... you will have to perform the MSCK
    REPAIR TABLE command"); not a plain statement ("Data lakes store ...", "The backend takes longer ...")."""
    label_words = set(re.findall(r"[a-z]+", (line.label or "").lower()))
    if label_words & _INSTRUCTION_LABELS:
        return True
    text = line.body if line.label and line.body else line.text
    if _INSTRUCTING_PHRASE.search(text):
        return True  # "Data will not populate ... you will have to perform the MSCK REPAIR TABLE command"
    fronted = FRONTED_PHRASE.match(text)
    if (
        fronted
        and fronted.group("lead").lower() in _INSTRUCTION_LEADS
        and not re.search(r"[;:]", fronted.group("phrase"))
    ):
        # "Before stopping a node, set ...", "If bulk requests are rejected, send ...": the instruction follows
        # the phrase that says when.
        return _opens_with_base_verb(fronted.group("rest"))

    words = re.findall(r"[A-Za-z']+", text)[:5]
    if not words or not words[0][:1].isupper():
        return False  # an instruction opens its sentence
    while words and (words[0].lower() in PLAIN_ADVERBS or _is_adverb(words[0])):
        words.pop(0)
    if len(words) < 2:
        return False
    if words[0].lower() in ("do", "don't", "never") and words[1].lower() in ("not", "use", "run", "set"):
        return True
    return looks_like_verb(words[0], words[1], words[2] if len(words) > 2 else "") == words[0].lower()


#: "What now?", "What should I do?": a situation's ask for what to do.
_WHAT_NOW = re.compile(r"(?i)^\s*what\s+(?:now|next|(?:should|do|can|must)\s+(?:i|we|you)\s+do(?:\s+\w+){0,3})\s*\?")


def _instructed(answer: str, vocabulary: NotesVocabulary) -> str | None:
    """What an answer's opening instruction tells to use: the command it opens with ("terraform destroy removes
    ..."), or, when it opens with a verb, the first thing it names ("Add create_before_destroy = true ...")."""
    first = next(iter(sentences(answer)), "")
    opening_command = command_phrase(first)
    if opening_command:
        return opening_command
    if re.match(r"[A-Z][a-z]+\s", first) and not _starts_with_name(first, vocabulary):
        return _first_named(first, vocabulary)
    return None


def _first_named(sentence: str, vocabulary: NotesVocabulary) -> str | None:
    """The first thing an instruction names: a name, a command line or a snake_case setting, whichever comes
    first ("Check ..., then use terraform force-unlock ...", "Add create_before_destroy = true ...")."""
    # In an instruction "use" names what to run too ("then use terraform force-unlock with the lock ID").
    found: list[tuple[int, str]] = list(commands_in(sentence, RUN_VERBS | {"use"}))
    construct = re.match(r"^[A-Z][a-z]+\s+(?:an?\s+|the\s+)?(?P<phrase>[a-z][\w\-]*\s+[a-z]+)\b", sentence)
    if (
        construct
        and construct.group("phrase").split()[-1] in CONSTRUCT_WORDS
        and construct.group("phrase").split()[0] not in FUNCTION_WORDS  # "List that label in skip_drift"
    ):
        found.append((construct.start("phrase"), construct.group("phrase")))  # "Use a data block, such as ..."
    for name in name_spans(sentence, vocabulary):
        position = sentence.find(name)
        if position >= 0 and not any(start <= position < start + len(c) for start, c in found):
            found.append((position, name))
    for code in re.finditer(r"`([^`]{2,80})`", sentence):
        # "check `GET _nodes/stats/breaker` ...": what is set in code type is named as written.
        if not any(start <= code.start(1) < start + len(c) for start, c in found):
            found.append((code.start(1), code.group(1)))
    return min(found)[1] if found else None


def _sentence_term(sentence: str) -> str | None:
    """A sentence's opening noun phrase when it is a specific term followed by a verb ("Enhanced fan-out
    changes ...", "Change data capture keeps ..."), not everyday words ("A stream is ...")."""
    words = sentence.split()
    if len(words) < 3 or not words[0][:1].isupper() or words[0].lower() in FUNCTION_WORDS:
        return None
    such = next(
        (i for i in (1, 2, 3) if i + 1 < len(words) and [w.lower() for w in words[i : i + 2]] == ["such", "as"]), 0
    )
    if such:
        # "Server-side hooks such as `pre-receive` run on the server ...": the examples set aside, the term opens
        # the sentence and its verb follows them.
        after = next(
            (
                j
                for j in range(such + 2, min(len(words), such + 10))
                if words[j].lower().strip(",;:") in _VERBISH or words[j].lower().strip(",;:") + "s" in _VERBISH
            ),
            0,
        )
        if after:
            words = words[:such] + words[after:]
    for width in (1, 2, 3):
        if width >= len(words):
            break
        phrase = [w.strip(",;:()") for w in words[:width]]
        verb = words[width].lower().strip(",;:")
        plural = phrase[-1].lower().endswith("s") and not phrase[-1].lower().endswith("ss")
        if verb in _VERBISH or plural and verb + "s" in _VERBISH:  # "Server-side hooks run ..."
            if any(w.lower() in FUNCTION_WORDS for w in phrase[1:]):
                return None
            specific = any("-" in w or english_frequency(w.lower()) < (3.5 if width == 1 else 4.5) for w in phrase)
            if specific and all(w.replace("-", "").isalpha() for w in phrase):
                return " ".join(phrase)
            return None
    return None


def _card_topic(question: str, vocabulary: NotesVocabulary) -> str | None:
    """The thing a card's question asks about when it names no proper name ("What is a liveness probe?")."""
    match = re.match(
        r"^(?:what|who)\s+(?:is|are|does|do)\s+(?:an?\s+|the\s+)?(?P<topic>[^?]{2,50}?)(?:\s+(?:do|does|for|used|mean))?\s*\?",
        question.strip(),
        re.IGNORECASE,
    )
    if match:
        words = match.group("topic").split()
        asks_a_verb = re.match(r"(?i)^(?:what|who)\s+(?:does|do)\s", question.strip()) and not re.search(
            r"(?i)\s(?:do|does|for|used|mean)\s*\?$", question.strip()
        )
        if asks_a_verb and len(words) > 1:
            words = words[:-1]  # "What does terraform validate check?": the last word is the question's verb
        while len(words) > 1 and _is_adverb(words[-1]):
            words = words[:-1]  # "What does terraform plan actually do?"
        if 0 < len(words) <= 3:
            return " ".join(words)
    return None


def _is_adverb(word: str) -> bool:
    """An everyday -ly adverb ("actually", "really", "usually"): no part of a term."""
    low = word.lower()
    return low.endswith("ly") and len(low) > 4 and english_frequency(low) >= 3.5


def command_phrase(text: str) -> str | None:
    """A command line at the start of a text, as the notes write it in lower case: a program word that English
    barely knows ("terraform", "kubectl"), up to two subcommands, then any flags or arguments written as code
    ("-upgrade", "-out=tfplan", "my_dag"). "terraform init -upgrade, which picks ..." -> "terraform init
    -upgrade". None for ordinary words ("the tests", "a backup")."""
    tokens = text.strip().split()
    if not tokens:
        return None
    program = tokens[0].strip(",;:.")
    if (
        not re.fullmatch(r"[a-z][a-z0-9_\-]*", program)
        or program in FUNCTION_WORDS
        or english_frequency(program) >= _PROGRAM_WORD_ZIPF
        or "-" in program
        and any(english_frequency(part) >= 3.0 for part in program.split("-"))  # "co-locates"
    ):
        return None
    phrase = [program]
    for token in tokens[1:]:
        clean = token.rstrip(",;:.")
        coded = bool(re.match(r"-{1,2}[A-Za-z]", clean) or re.search(r"[=_/.\d]", clean))
        if coded and re.fullmatch(r"[\w\-=./:~]+", clean):
            phrase.append(clean)
        elif clean in PLAIN_ADVERBS:
            break  # "the backend ever sees", "run nginx -t first": an adverb, not part of the command
        elif re.fullmatch(r"-[a-z]", phrase[-1]) and re.fullmatch(r"[a-z]{3,}", clean) and clean not in FUNCTION_WORDS:
            phrase.append(clean)  # a one-letter flag's value: "nginx -s reload"
        elif (
            len(phrase) <= 2
            and all(not t.startswith("-") for t in phrase[1:])
            and re.fullmatch(r"[a-z][a-z\-]*", clean)
            and clean not in FUNCTION_WORDS
            and not re.search(r"(?:ed|ing)$", clean)
            # "terraform destroy removes ...", "gzip_min_length skips tiny responses": the sentence's verb
            # after a command or after a setting that opens the sentence (a program's name has no "_").
            and not ((len(phrase) == 2 or "_" in program) and _is_verb_s_form(clean))
        ):
            phrase.append(clean)  # a subcommand ("init", "force-unlock", "rollout undo")
        else:
            break
        if clean != token:
            break  # punctuation ends the command
    return " ".join(phrase) if len(phrase) >= 2 else None


def _is_verb_s_form(word: str) -> bool:
    """ "removes", "rewrites": an everyday verb's -s form, the sentence's verb after a command ("terraform destroy
    removes ..."), not a second subcommand ("rollout undo")."""
    if not word.endswith("s"):
        return False
    return any(english_frequency(base) >= 3.4 for base in (word[:-1], word[:-2]) if len(base) >= 3)


#: Below this Zipf frequency a lower-case word that opens a command line is a program's name ("terraform" 2.0,
#: "kubectl" 0, "docker" 3.0, "airflow" 3.1, "git" 3.4, "helm" 3.7), not an everyday verb ("build" 5.0,
#: "test" 5.2, "check" 5.0).
_PROGRAM_WORD_ZIPF = 3.8


def command_programs(names: Iterable[str]) -> set[str]:
    """The programs a set of names runs: the first word of several command lines, one of them with a flag
    ("terraform", "docker"); not the first word of a term that happens to look like one ("liveness probe")."""
    commands = [name.lower().split() for name in names if command_phrase(name)]
    flagged = {words[0] for words in commands if any(w.startswith("-") for w in words[1:])}
    return {program for program in flagged if len({tuple(w[:2]) for w in commands if w[0] == program}) >= 2}


def commands_in(text: str, verbs: frozenset[str] = RUN_VERBS) -> list[tuple[int, str]]:
    """Command lines a text names, with where each starts: after "run"/"execute" ("run terraform import"),
    or anywhere when it carries a flag ("terraform plan -out=tfplan")."""
    found: dict[int, str] = {}
    covered = 0
    for match in re.finditer(r"(?:^|(?<=\s))([a-z][a-z0-9_\-]*)\s", text):
        start = match.start(1)
        if start < covered:
            continue  # "init -upgrade" inside "terraform init -upgrade"
        before = text[:start].split()
        command = command_phrase(text[start:])
        if not command:
            continue
        after_verb = bool(before) and before[-1].lower() in verbs
        rest = text[start + len(command) :].split()
        # "terraform workspace new creates one": a command that is its sentence's subject.
        program = command.split()[0]
        subject = (
            bool(rest)
            and _is_verb_s_form(rest[0].strip(",.;:"))
            and english_frequency(program) < _PROGRAM_WORD_ZIPF - 1.0
            # "..., unloads query results into files": a verb's -s form ("unload" is English), not a program.
            and not (program.endswith("s") and english_frequency(program[:-1]) >= 3.0)
        )
        if after_verb or subject or any(t.startswith("-") for t in command.split()[1:]):
            found[start] = command
            covered = start + len(command)
    return sorted(found.items())


# --- the name index ------------------------------------------------------------------------------


@dataclass
class Entity:
    """A name of the notes with its spellings and every line about it (its profile)."""

    key: str
    name: str
    proper: bool
    spellings: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    # (chunk id, line index, role, cue) for each line about the entity.
    profile: list[tuple[str, int, float, int]] = field(default_factory=list)
    # Written as code where it is labelled ("`on-failure` — restart only when ..."): a literal value, flag or
    # command, a thing to choose even when it is an everyday word ("always").
    literal: bool = False


class NameIndex:
    """Every name the notes are about, merged across spellings, with its profile of lines."""

    def __init__(self, lines_by_chunk: dict[str, list[Line]], vocabulary: NotesVocabulary) -> None:
        self.vocabulary = vocabulary
        self.entities: dict[str, Entity] = {}
        self.alias_of: dict[str, str] = {}
        self._shouted: set[str] | None = None
        self.add(lines_by_chunk)

    def add(self, lines_by_chunk: dict[str, list[Line]]) -> None:
        """Take in more passages' lines (a large library is read as questions reach it)."""
        for lines in lines_by_chunk.values():
            for line in lines:
                for subject in line.subjects:
                    entity = self.entities.get(self.alias_of.get(subject.key, subject.key))
                    if entity is None:
                        entity = self.entities[subject.key] = Entity(subject.key, subject.name, False)
                    entity.spellings[subject.name] += 1
                    entity.profile.append((line.chunk_id, line.index, subject.role, subject.cue))
                    if subject.role >= ROLE_LABEL and _labelled_as_code(line, subject):
                        entity.literal = True
        for lines in lines_by_chunk.values():
            for line in lines:
                for alias, main in line.aliases:
                    self._merge(alias, main)
        for entity in self.entities.values():
            entity.name = _display_name(entity.spellings)
            entity.proper = any(self.vocabulary.is_proper(t) for t in re.findall(r"[A-Za-z0-9][\w\-]*", entity.name))
        self._merge_short_forms()
        self._shouted = None

    def _merge(self, alias: str, main: str) -> None:
        """Fold one spelling's entity into another's ("GSI" into "Global secondary index")."""
        alias, main = self.alias_of.get(alias, alias), self.alias_of.get(main, main)
        if alias == main or alias not in self.entities or main not in self.entities:
            return
        source, target = self.entities.pop(alias), self.entities[main]
        target.profile.extend(source.profile)
        target.spellings.update(source.spellings)
        target.aliases |= {alias} | source.aliases
        target.literal |= source.literal
        for key, value in list(self.alias_of.items()):
            if value == alias:
                self.alias_of[key] = main
        self.alias_of[alias] = main

    def _merge_short_forms(self) -> None:
        """ "DataBrew" is "AWS Glue DataBrew" when only one longer name ends with it."""
        keys = sorted(self.entities, key=lambda k: -len(k.split()))
        for key in keys:
            entity = self.entities.get(key)
            if entity is None or not entity.proper:
                continue
            tokens = key.split()
            longer = [
                k
                for k in self.entities
                if k != key
                and len(k.split()) > len(tokens)
                and k.split()[-len(tokens) :] == tokens
                and not _names_its_object(k, len(tokens))
                and self.entities[k].proper
                and self.entities[k].name.split()[0].lower() in VENDOR_WORDS
            ]
            if len(longer) == 1:
                target = self.entities[longer[0]]
                target.profile.extend(entity.profile)
                target.spellings.update(entity.spellings)
                target.aliases.add(key)
                self.alias_of[key] = target.key
                del self.entities[key]

    def resolve(self, key: str) -> str | None:
        key = self.alias_of.get(key, key)
        return key if key in self.entities else None

    def entity(self, key: str) -> Entity | None:
        resolved = self.resolve(key)
        return self.entities[resolved] if resolved else None

    def display(self, key: str) -> str:
        entity = self.entity(key)
        return entity.name if entity else key

    @property
    def all_keys(self) -> set[str]:
        return set(self.entities) | set(self.alias_of)

    def acronym(self, token: str) -> str | None:
        """The name an acronym the notes never spell out stands for: "MWAA" is Amazon Managed Workflows for
        Apache Airflow, "MSK" Amazon Managed Streaming (Service) for (Apache) Kafka - its letters are the
        initials of the name's words, in order, from the first word to the last. None unless exactly one
        name fits."""
        letters = token.rstrip("s").lower() if token[-1:] == "s" and token[:-1].isupper() else token.lower()
        if not (2 <= len(letters) <= 6) or not letters.isalpha() or letters in self.entities:
            return None
        found = []
        for key, entity in self.entities.items():
            words = [w for w in re.findall(r"[A-Za-z0-9]+", entity.name) if w.lower() not in FUNCTION_WORDS]
            while len(words) > 1 and words[0].lower() in VENDOR_WORDS:
                words.pop(0)  # "Amazon Managed Workflows for Apache Airflow": M, W, A, A
            if len(words) < 2 or not entity.proper:
                continue
            initials = "".join(w[0].lower() for w in words)
            # "GitHub Actions" is GHA too: a word in camel case gives the initial of each of its parts.
            camel = "".join(p[0].lower() for w in words for p in re.findall(r"[A-Z][a-z0-9]*|^[a-z0-9]+", w) or [w])
            if spells_initials(letters, initials) or spells_initials(letters, camel):
                found.append(key)
        return found[0] if len(found) == 1 else None

    @property
    def shouted_keys(self) -> set[str]:
        """Keys of an everyday English word that the notes only ever write in capitals: a command or an
        instruction ("ADD", "RUN", "COPY"), not the word. Acronyms ("EMR", "HDFS") are not words."""
        cached = self._shouted
        if cached is None:
            cached = {k for k, e in self.entities.items() if is_shouted(e)}
            self._shouted = cached
        return cached

    @property
    def plain_keys(self) -> set[str]:
        """Keys of one everyday word that is not a proper name ("configuration", "validation")."""
        return {k for k, e in self.entities.items() if " " not in k and not e.proper}


def _labelled_as_code(line: Line, subject: Subject) -> bool:
    """ "`always` — restart whenever ...": the line's label is the subject, written as code."""
    label = (line.label or "").strip()
    return len(label) > 2 and label[0] == label[-1] == "`" and name_key(label.strip("`")) == subject.key


def spells_initials(letters: str, initials: str) -> bool:
    """Whether an acronym's letters (lower case) spell a name's initials: the first and the last initial,
    and the rest in order ("msk" for m-s-s-k of Managed Streaming Service for Kafka)."""
    if len(initials) < 2 or not letters or letters[0] != initials[0] or letters[-1] != initials[-1]:
        return False
    remaining = iter(initials)
    return all(ch in remaining for ch in letters)


def _display_name(spellings: Counter[str]) -> str:
    """The fullest spelling with its vendor ("Amazon Macie" over "Macie", "Amazon Managed Streaming Service for
    Apache Kafka" over "Apache Kafka"), then the singular, then the most frequent."""
    return max(
        spellings,
        key=lambda s: (
            bool(re.match(r"(?i)(aws|amazon|apache|google|azure|microsoft)\b", s)),
            len(s.split()),
            not (s.endswith("s") and s[:-1] in spellings),  # "ReplicaSet" over "ReplicaSets": a name is singular
            spellings[s],
            s,
        ),
    )


def is_shouted(entity: Entity) -> bool:
    """An everyday English word the notes only ever write in capitals: a command or an instruction ("ADD",
    "RUN", "COPY"), not the word. Acronyms ("EMR", "HDFS") are not everyday words."""
    return (
        " " not in entity.key
        and bool(entity.spellings)
        and all(sp.isupper() and sp.isalpha() for sp in entity.spellings)
        and english_frequency(next(iter(entity.spellings)).lower()) >= 3.0
    )  # an English word, however everyday ("expose": 3.98)


def find_names(
    text: str, keys: set[str], max_words: int = 7, plain: set[str] | None = None, shouted: set[str] | None = None
) -> list[tuple[str, int, int]]:
    """Names of the notes a text mentions, in any case ("quicksight", "glue databrew"): (key, start,
    end) of the longest matches, left to right. Keys in `plain` (one common word, "configuration")
    count only when the text capitalises them, so "configure" in a question does not name them; keys in
    `shouted` (an everyday word the notes only write in capitals: the "ADD" or "RUN" instruction) only
    when the text writes that word in capitals too ("adding a step" is not "ADD")."""
    tokens = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9\-']*", text)]
    found: list[tuple[str, int, int]] = []
    position = 0
    while position < len(tokens):
        match = None
        for width in range(min(max_words, len(tokens) - position), 0, -1):
            words = tokens[position : position + width]
            if words[0][0].lower() in FUNCTION_WORDS and width > 1:
                continue
            # Keyed as written between the first word and the last, so a flag keeps its dash ("nginx -T").
            key = name_key(text[words[0][1] : words[-1][2]])
            if key in keys and key not in FUNCTION_WORDS:
                if plain and key in plain and not words[0][0][:1].isupper():
                    continue
                if shouted and key in shouted and not (width == 1 and words[0][0].isupper()):
                    continue
                match = (key, words[0][1], words[-1][2], width)
                break
        if match:
            found.append(match[:3])
            position += match[3]
        else:
            position += 1
    return found


# --- the notes as read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileLine:
    """A line about a name: how directly it is about it, and whether it puts it forward or aside."""

    line: Line
    role: float
    cue: int


class Reading:
    """The notes as read: every passage's lines, the names they are about with their profiles, and the
    lines' vectors. Built once per index (swapped whole after an ingest), read by the reader, the
    coverage gate and practice.

    Up to `eager_limit` passages are read when it is built; a larger library is read passage by passage
    as questions reach it (its names then grow as it is read), so start-up stays fast at any size."""

    def __init__(self, chunks: list[Chunk], vectors, eager_limit: int = 5000) -> None:
        import threading

        self.chunks: dict[str, Chunk] = {c.id: c for c in chunks}
        self.vectors = vectors
        self.eager = len(chunks) <= eager_limit
        self._lock = threading.Lock()
        ordered = sorted(chunks, key=lambda c: (c.source, c.position))
        self._ordered = ordered
        self._eager_limit = eager_limit
        self._terms: tuple[list[str], np.ndarray] | None = None
        self._word_cache: dict = {}
        self.vocabulary = NotesVocabulary(c.embedding_text for c in ordered[:eager_limit])
        self._lines: dict[str, list[Line]] = {}
        if self.eager:
            carried: str | None = None
            previous: Chunk | None = None
            for chunk in ordered:
                same_paragraph = (
                    previous is not None and previous.source == chunk.source and previous.section == chunk.section
                )
                lines = parse_chunk(chunk, self.vocabulary, carried if same_paragraph else None)
                self._lines[chunk.id] = lines
                carried, previous = trailing_topic(lines), chunk
        self.names = NameIndex(self._lines, self.vocabulary)
        self._word_forms: set[str] = set()
        for chunk in ordered[:eager_limit]:
            self._word_forms.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", chunk.embedding_text))

    def _term_table(self) -> tuple[list[str], np.ndarray]:
        """The notes' content words (one surface form per stem) and their vectors, built on first need."""
        import numpy as np

        if self._terms is None:
            with self._lock:
                if self._terms is None:
                    forms: dict[str, Counter[str]] = {}
                    for chunk in self._ordered[: self._eager_limit]:
                        for word in re.findall(r"[a-z][a-z\-]{2,}", chunk.embedding_text.lower()):
                            if word not in FUNCTION_WORDS:
                                forms.setdefault(stem(word), Counter())[word] += 1
                    stems = sorted(forms)
                    words = [forms[t].most_common(1)[0][0] for t in stems]
                    vectors = (
                        np.asarray(self.word_vectors(words), np.float32) if words else np.zeros((0, 1), np.float32)
                    )
                    self._terms = (stems, vectors)
        return self._terms

    def word_vectors(self, words: list[str]):
        """Vectors of single words (cached: a learner's words repeat from question to question)."""
        import numpy as np

        missing = [w for w in dict.fromkeys(words) if w not in self._word_cache]
        if missing:
            encoded = np.asarray(self.vectors.encode_texts(missing), np.float32)
            if len(self._word_cache) > 50_000:
                self._word_cache = {}
            for word, vector in zip(missing, encoded, strict=True):
                self._word_cache[word] = vector
        return [self._word_cache[w] for w in words]

    def related_terms(self, words: list[str], threshold: float) -> dict[str, list[tuple[str, float]]]:
        """For each question word, the notes' words closest in meaning (by the embedding model), with
        their similarity: "cheapest" finds "lowest-cost", "footage" finds "video"."""
        import numpy as np

        stems, vectors = self._term_table()
        if not words or not len(stems):
            return {}
        query = np.asarray(self.word_vectors(words), np.float32)
        similarity = query @ vectors.T
        found: dict[str, list[tuple[str, float]]] = {}
        for word, row in zip(words, similarity, strict=True):
            own = stem(word)
            picks = np.nonzero(row >= threshold)[0]
            found[own] = [(stems[i], float(row[i])) for i in picks if stems[i] != own]
        return found

    def section_chunks(self, sections: set[tuple[str, str]], limit: int = 40) -> list[str]:
        """The passages of these sections (source, heading path), in order, at most `limit`."""
        if not sections:
            return []
        found = [c.id for c in self._ordered if (c.source, c.section) in sections] if self.eager else []
        return found[:limit]

    @property
    def word_forms(self) -> set[str]:
        """Every word of the notes as written, lower case (of the first `eager_limit` passages)."""
        return self._word_forms

    def knows_word(self, word: str) -> bool:
        """Whether the notes use this word (in any case; a plural or singular form counts)."""
        low = word.lower()
        forms = {low, low.rstrip("s"), low + "s", low[:-2] if low.endswith("es") else low}
        return bool(forms & self._word_forms)

    def lines(self, chunk_id: str) -> list[Line]:
        lines = self._lines.get(chunk_id)
        if lines is None:
            chunk = self.chunks.get(chunk_id)
            lines = parse_chunk(chunk, self.vocabulary) if chunk is not None else []
            with self._lock:
                self._lines[chunk_id] = lines
                if not self.eager:
                    # A large library is read as questions reach it; an eagerly read one is complete for
                    # its snapshot, and a passage from a newer snapshot must not change its names mid-question.
                    self.names.add({chunk_id: lines})
        return lines

    def line_texts(self, chunk_id: str) -> list[str]:
        """Every text embedded for a passage: one per line, then each line's extra texts."""
        lines = self.lines(chunk_id)
        return [line.embedding_text for line in lines] + [t for line in lines for t in line.extra_texts]

    def _all_vectors(self, chunk_id: str):
        import numpy as np

        chunk = self.chunks.get(chunk_id)
        texts = self.line_texts(chunk_id)
        if chunk is None or not texts:
            return np.zeros((0, 1), np.float32)
        return self.vectors.get(chunk, texts)

    def line_vectors(self, chunk_id: str):
        """The vectors of a passage's lines (rows in line order)."""
        return self._all_vectors(chunk_id)[: len(self.lines(chunk_id))]

    def line_similarity(self, chunk_id: str, vector):
        """Each line's similarity to a vector: its best over the line's own text and its extra texts."""
        import numpy as np

        lines = self.lines(chunk_id)
        matrix = self._all_vectors(chunk_id)
        if not lines or matrix.shape[1] != len(vector):
            return np.zeros(len(lines), np.float32)
        scores = matrix @ vector
        best = scores[: len(lines)].copy()
        offset = len(lines)
        for index, line in enumerate(lines):
            extra = len(line.extra_texts)
            if extra:
                best[index] = max(best[index], float(scores[offset : offset + extra].max()))
                offset += extra
        return best

    def line(self, chunk_id: str, index: int) -> Line:
        return self.lines(chunk_id)[index]

    def profile(self, key: str) -> list[ProfileLine]:
        """Every line about a name (resolved through its other spellings), wherever it is."""
        entity = self.names.entity(key)
        if entity is None:
            return []
        found = []
        for chunk_id, index, role, cue in entity.profile:
            lines = self.lines(chunk_id)
            if index < len(lines):
                found.append(ProfileLine(lines[index], role, cue))
        return found


def _names_its_object(key: str, tail: int) -> bool:
    """ "Amazon Managed Streaming Service for Apache Kafka" ends with "Kafka" but is not Kafka: the tail
    follows "for" (vendor words aside), so it names what the service is for."""
    before = [token for token in key.split()[:-tail] if token not in VENDOR_STEMS]
    return bool(before) and before[-1] in FUNCTION_WORDS
