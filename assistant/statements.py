"""Statements: what a passage asserts, line by line, and what each line is about.

Notes state fit in a handful of shapes that hold across subjects: "Label: description" bullets,
"Solution: Use X", "Use X for Y", "For Y, use X", "X is ideal/best/suited for Y", "AWS Service: X", and
tables of X vs Y. This module finds those shapes and the named things ("subjects") they recommend,
using only general English and what the notes themselves show (a word the notes write in lower case
is a common word; one they only ever capitalise is a name).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .chunking import Chunk
from .text import content_terms, stem

# Roles, strongest first: how directly a statement puts its subject forward as the answer.
ROLE_FIT = 1.0  # "Use X", "X is ideal for", "Solution: X", "X: Recommended when ..."
ROLE_LABEL = 0.85  # "X: description"
ROLE_PARENT = 0.8  # a child line under "X:" or under a numbered item naming X
ROLE_HEADING = 0.75  # the section is about X
ROLE_SUBJECT = 0.7  # the first name in a line that has no label ("X lets you ...")
ROLE_MENTION = 0.25  # X merely appears

_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*+])|(?P<num>\d{1,3})[.)])\s+(?P<text>.*)$")
_LABEL = re.compile(r"^(?P<label>[^:]{1,70}?)\s*:\s*(?P<rest>.*)$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(])")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/&+.'\-]*[A-Za-z0-9+]|[A-Za-z0-9]")

# Words that introduce the recommended thing: "use X", "enable X", "consider X".
_RECOMMEND_VERBS = r"(?:use|enable|choose|consider|prefer|select|pick|adopt|try|leverage|go with|opt for)"
_RECOMMEND_AFTER = re.compile(rf"(?:^|[\s,;(])(?:{_RECOMMEND_VERBS})\s+(?P<span>[^.;:()]+)", re.IGNORECASE)
# "X is ideal for", "X is the relevant service", "X helps in".
_FIT_PREDICATE = re.compile(
    r"^(?P<span>.+?)\s+(?:is|are)\s+(?:\w+\s+){0,2}?"
    r"(?:ideal|best|suited|suitable|optimal|recommended|preferred|the relevant|the right|the correct|the best|"
    r"the go-to|designed|perfect|great|used|key|a key|the key|favou?red|a good fit|well suited)\b"
    r"|^(?P<span2>.+?)\s+(?:helps?|excels?|specializes|specialises)\b",
    re.IGNORECASE,
)
# A description that says what its label is for: "X: For migrating ...", "X: Preferred for ...".
_FIT_DESCRIPTION = re.compile(
    r"^(?:for|recommended|preferred|ideal|best|suited|suitable|used for|use (?:it )?(?:for|when)|"
    r"specifically for|(?:a |the )?(?:simplified|simple|better|best|preferred|recommended) (?:option|choice|fit)|"
    r"optimal|good for|great for|choose|designed for)\b",
    re.IGNORECASE,
)
# Labels whose line puts a subject forward as the answer ("Solution: Use X", "AWS Service: X").
_FIT_LABELS = re.compile(
    r"\b(solution|answer|exam|tip|focus|recommend\w*|best practice|use cases?|aws services?|services?|"
    r"when to use|choose|choice|takeaway)\b",
    re.IGNORECASE,
)
_DISTRACTOR = re.compile(r"\b(distractor|not likely|avoid|alternatives?|instead of|not recommended|rarely)\b", re.IGNORECASE)
_STOP_AT = re.compile(
    r"\s+(?:to|for|when|if|with|in|on|as|instead|because|so|since|that|which|where|by|from|before|after|"
    r"and then|over|via|directly|across|within|without|while)\b.*$",
    re.IGNORECASE,
)
# Vendor words start product names ("Amazon Managed Workflows for Apache Airflow", "AWS Step Functions").
VENDOR_WORDS = {"aws", "amazon", "apache", "azure", "google", "microsoft", "gcp", "oracle", "ibm", "cisco", "red hat"}
# Words that end a heading or label but are not part of the name ("AWS Glue Advantages").
_GENERIC_TAIL = {"advantages", "advantage", "disadvantages", "overview", "summary", "features", "benefits",
                 "capabilities", "basics", "details", "options", "infrastructure", "support", "integration"}
_CONNECTORS = {"for", "of", "on", "and", "&", "/", "or", "the", "to", "in"}
_LEADING_NOISE = {"a", "an", "the", "it", "its", "this", "that", "these", "those", "then", "also", "only", "just", "more", "most"}
# General English that notes capitalise at the start of lines and labels, never names.
_COMMON_CAPITALISED = set(
    """
    use enable consider choose prefer select pick for the a an in on at to with and or of by from as if when
    while is are be can may should must will this that these those it its they their there here what which who
    how why where ideal best solution scenario note notes exam tip tips focus summary overview key features
    feature benefits benefit example examples general alternative alternatives additional resource resources
    introduction intro use-case case cases capabilities capability functionality execution actions action
    imp important more less better simple simplest common other others each every all any some most many
    native programmatic cost efficiency operational analysis tools tool process processing data service
    services aws-service recommended preferred used allows provides supports integrates stores manages
    defines trains creates create run runs enables continuously sends scans simplifies monitors log logs
    advantages advantage disadvantages overview options option types type methods method components
    component practices practice details workflow workflows management
    """.split()
)


@dataclass
class Statement:
    """One line of a passage: its text, label, context and the subjects it puts forward."""

    chunk_id: str
    index: int
    text: str
    label: str | None
    description: str
    group: int
    depth: int
    own_terms: frozenset[str] = frozenset()
    subjects: list[tuple[str, float]] = field(default_factory=list)
    distractor: bool = False
    context: str | None = None  # the short parent line this one sits under ("Subscription Filters")
    is_heading: bool = False  # a short line that only introduces the lines under it


@dataclass
class ParsedPassage:
    statements: list[Statement]
    group_terms: dict[int, frozenset[str]]
    heading_subjects: list[str]
    section_terms: frozenset[str] = frozenset()
    passage_terms: frozenset[str] = frozenset()


class Vocabulary:
    """What the notes show about words: which they write in lower case (common words)."""

    def __init__(self, lowercase_words: set[str]) -> None:
        self.lowercase = lowercase_words

    def is_common(self, token: str) -> bool:
        low = token.lower().strip(".'")
        if low in _COMMON_CAPITALISED or low in _CONNECTORS:
            return True
        if token.isupper() and len(token) >= 2 and any(ch.isalpha() for ch in token):
            return False  # acronyms (EMR, HDFS, PII) are names
        if re.search(r"[a-z][A-Z]", token) or re.search(r"\d", token):
            return False  # CamelCase (DataBrew) and alphanumerics (S3, EC2) are names
        return low in self.lowercase or stem(low) in self.lowercase or english_frequency(low) >= COMMON_ZIPF


COMMON_ZIPF = 4.0  # Zipf frequency of "glue" is 3.8, "support" 5.5: at or above this, a word is everyday English


@lru_cache(maxsize=65536)
def english_frequency(word: str) -> float:
    """Zipf frequency of a word in wordfreq's small English list (rare words read 0)."""
    table = _small_english_table() if word.isascii() else None
    if table is not None:
        if re.search(r"\d", word):
            return 0.0  # "s3", "2018": codes and numbers, never everyday English words here
        parts = [p for p in re.split(r"[-/]", word) if p]
        if parts and all(p.isalpha() and p.islower() for p in parts):
            if len(parts) == 1:
                return table.get(parts[0], 0.0)
            # A compound ("real-time") is as rare as wordfreq makes it: 1/f = 1/f1 + 1/f2 + ...
            zipfs = [table.get(p, 0.0) for p in parts]
            if not all(zipfs):
                return 0.0
            return round(math.log10(1.0 / sum(10 ** (9 - z) for z in zipfs)) + 9, 2)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="small")


@lru_cache(maxsize=1)
def _small_english_table() -> dict[str, float] | None:
    """wordfreq's small English list read from its data file, in wordfreq's documented "cBpack"
    format (a header, then word lists by frequency in centibels). For plain lower-case words this
    is what `zipf_frequency` returns, without importing wordfreq and its language data, which
    cost every cold start ~0.4 s. None if the file is not in the expected shape."""
    import gzip
    import importlib.util
    from pathlib import Path

    import msgpack

    try:
        spec = importlib.util.find_spec("wordfreq")
        path = Path(spec.submodule_search_locations[0]) / "data" / "small_en.msgpack.gz"
        with gzip.open(path, "rb") as handle:
            data = msgpack.unpackb(handle.read(), raw=False)
    except Exception:
        return None
    header = data[0] if data else {}
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    # The list at index i holds the words of frequency 10**(-i/100); Zipf = log10(frequency * 1e9).
    return {word: round(9 - index / 100, 2) for index, words in enumerate(data[1:]) for word in words}


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper() or token[:1].isdigit() and any(ch.isalpha() for ch in token)


def named_spans(text: str, vocabulary: Vocabulary) -> list[str]:
    """Maximal runs of capitalised words (joined by "for"/"of"/"/") that contain at least one name."""
    spans: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and run[-1].lower() in _CONNECTORS:  # "Amazon Kinesis for" -> "Amazon Kinesis"
            run.pop()
        # Only sentence scaffolding is stripped from the front: "Use AWS Glue" -> "AWS Glue", while
        # "Amazon Managed Workflows for Apache Airflow" keeps every word.
        while run and run[0].lower() not in VENDOR_WORDS and (
            run[0].lower() in _COMMON_CAPITALISED or run[0].lower() in _CONNECTORS
            or (vocabulary.is_common(run[0]) and any(not vocabulary.is_common(t) or t.lower() in VENDOR_WORDS for t in run[1:]))
        ):
            run.pop(0)
        while len(run) > 1 and run[-1].lower() in _GENERIC_TAIL:
            run.pop()
        if run and (any(not vocabulary.is_common(t) for t in run) or run[0].lower() in VENDOR_WORDS and len(run) > 1):
            spans.append(" ".join(run))
        run.clear()

    for token in re.split(r"(\s+|[,;:()\"!?])", text):
        if not token or token.isspace():
            continue
        word = token.strip(".'")
        if not word or not _TOKEN.fullmatch(word):
            close()
            continue
        if _is_capitalised(word):
            run.append(word)
        elif word.lower() in ("for", "of") and run:
            run.append(word)
        else:
            close()
        if token.endswith(".") and not re.fullmatch(r"[A-Z]\.|e\.g\.|i\.e\.", token):
            close()
    close()
    return spans


def phrase_after_verb(span: str, vocabulary: Vocabulary) -> str | None:
    """The thing recommended in the words after "use"/"enable"...: a name, or a short noun phrase."""
    span = _STOP_AT.sub("", span.strip()).strip(" ,.")
    words = span.split()
    while words and words[0].lower() in _LEADING_NOISE:
        words.pop(0)
    if not words or len(words) > 7:
        names = named_spans(span, vocabulary)
        return names[0] if names else None
    phrase = " ".join(words)
    if phrase.lower() in _LEADING_NOISE or len(phrase) < 2:
        return None
    return phrase


def _subject_before_predicate(sentence: str, vocabulary: Vocabulary) -> str | None:
    match = _FIT_PREDICATE.search(sentence)
    if not match:
        return None
    span = (match.group("span") or match.group("span2") or "").strip()
    span = re.split(r"[,;:]", span)[-1].strip()
    words = span.split()
    if not words or len(words) > 7:
        names = named_spans(span, vocabulary)
        return names[-1] if names else None
    names = named_spans(span, vocabulary)
    return names[-1] if names else None


def heading_subjects(section: str, vocabulary: Vocabulary) -> list[str]:
    """Names in the heading path, deepest first ("2.2 Intro to Amazon EMR > Hive Metastore")."""
    found: list[str] = []
    for heading in reversed(section.split(" > ")):
        heading = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", heading)
        for name in named_spans(heading, vocabulary):
            if name not in found:
                found.append(name)
    return found


def _clean_line(line: str) -> str:
    return line.replace("**", "").replace("`", "").strip()


_PROSE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|fig)\.|\b[A-Z]\.)$", re.IGNORECASE)


def prose_sentences(paragraph: str) -> list[str]:
    """A prose paragraph's sentences ("e.g. Redis" and initials do not end one)."""
    sentences: list[str] = []
    for piece in _PROSE_SENTENCE_END.split(paragraph.strip()):
        if sentences and _ABBREVIATION_END.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _passage_lines(text: str):
    """(line, continues the previous line's paragraph) for each line outside code blocks. A prose
    paragraph gives one line per sentence, as a list gives one per item, so each claim is read (and
    embedded) on its own."""
    in_code = False
    for raw in text.split("\n"):
        if raw.strip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or not raw.strip():
            continue
        if _ITEM.match(raw) or raw.strip().startswith("|"):
            yield raw, False
            continue
        for number, sentence in enumerate(prose_sentences(raw)):
            yield sentence, number > 0


def parse_passage(chunk: Chunk, vocabulary: Vocabulary) -> ParsedPassage:
    """Split a passage into statements with their labels, groups and recommended subjects."""
    statements: list[Statement] = []
    group = -1
    parents: list[tuple] = []  # (indent, subject name, label names, heading-like line text)
    heading_names = heading_subjects(chunk.section, vocabulary)
    table_header: list[str] | None = None
    for raw, continues in _passage_lines(chunk.text):
        item = _ITEM.match(raw)
        indent = len(item.group("indent")) if item else 0
        text = _clean_line(item.group("text") if item else raw)
        if text.startswith("|"):
            cells = [c.strip() for c in text.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if table_header is None:
                table_header = cells
                group += 1
                continue
            # One statement per column: "QuickSight — Use Case: BI".
            row_label = cells[0]
            for column, cell in enumerate(cells[1:], start=1):
                if column < len(table_header) and table_header[column] and cell:
                    sentence = f"{table_header[column]} - {row_label}: {cell}"
                    statements.append(
                        _make_statement(chunk, len(statements), sentence, None, sentence, group, 0,
                                        [(table_header[column], ROLE_LABEL)])
                    )
            continue
        table_header = None
        if (not item or indent == 0) and not continues:
            group += 1  # a top-level line starts a new idea; its children (or its paragraph) share it
        while parents and parents[-1][0] >= indent:
            parents.pop()
        depth = len(parents)
        label_match = _LABEL.match(text)
        label, description = None, text
        if (label_match and len(re.sub(r"\([^)]*\)", "", label_match.group("label")).split()) <= 8
                and not re.search(r"https?$", label_match.group("label"))):
            label, description = label_match.group("label").strip(), label_match.group("rest").strip()
        # A numbered or parent line that is just a name ("2. Amazon AppFlow:") names its children's subject.
        label_names = named_spans(label, vocabulary) if label else []
        bare_label = re.sub(r"\([^)]*\)", "", label or "")
        own_name = label_names[0] if label_names and len(bare_label.split()) <= 7 else None
        if own_name is None and label is None and len(text.split()) <= 7 and not text.endswith(".") and not any(
            w[0].islower() and w not in _CONNECTORS for w in re.findall(r"[A-Za-z][\w\-]*", text)
        ):
            # A line that is a name ("Amazon AppFlow", "Data Partitioning"), not a heading phrase
            # that mentions capitalised words ("Creating a Persistent, Central Data Catalog").
            names = named_spans(text, vocabulary)
            own_name = names[0] if names else None
        parent_line = next((p[3] for p in reversed(parents) if p[3]), None)
        # "Use X for A; use Y for B": each clause is matched to the question on its own.
        clauses = [c.strip() for c in re.split(r";\s+|,\s+(?:while|whereas|but)\s+", description) if c.strip()]
        if len(clauses) < 2 or any(len(c.split()) < 2 for c in clauses):
            clauses = [description]
        for number, clause in enumerate(clauses):
            first = number == 0
            clause_text = text if len(clauses) == 1 else (f"{label}: {clause}" if first and label else clause)
            clause_parents = parents if first or not own_name else parents + [(indent, own_name, label_names, None)]
            subjects = _subjects(clause_text, label if first else None, clause, clause_parents, heading_names, vocabulary)
            statement = _make_statement(chunk, len(statements), clause_text, label if first else None, clause,
                                        group, depth, subjects, parent_line)
            statement.context = parent_line
            statements.append(statement)
        is_heading_like = len(text.split()) <= 8 and not text.endswith(".") and (label is None or not description)
        parents_entry_line = text.rstrip(":") if is_heading_like else None
        if is_heading_like:
            statements[-1].is_heading = True
        parents.append((indent, own_name, label_names, parents_entry_line))
    group_terms: dict[int, set[str]] = {}
    for statement in statements:
        group_terms.setdefault(statement.group, set()).update(statement.own_terms)
    return ParsedPassage(
        statements=statements,
        group_terms={g: frozenset(t) for g, t in group_terms.items()},
        heading_subjects=heading_names,
        section_terms=frozenset(content_terms(chunk.section)),
        passage_terms=frozenset(content_terms(chunk.embedding_text)),
    )


def _make_statement(chunk, index, text, label, description, group, depth, subjects, context=None) -> Statement:
    own = frozenset(content_terms(text if not context else f"{context} {text}"))
    return Statement(
        chunk_id=chunk.id,
        index=index,
        text=text,
        label=label,
        description=description,
        group=group,
        depth=depth,
        own_terms=own,
        subjects=subjects,
        distractor=bool(_DISTRACTOR.search(text)),
    )


def _subjects(text, label, description, parents, heading_names, vocabulary) -> list[tuple[str, float]]:
    found: dict[str, float] = {}

    def put(name: str | None, role: float) -> None:
        if name and len(name) >= 2 and name.lower() not in _LEADING_NOISE:
            found[name] = max(found.get(name, 0.0), role)

    parent_subject = next((p[1] for p in reversed(parents) if p[1]), None)
    # "Solution:", "AWS Service:", "Exam Tip:" introduce the answer; a label that is itself a name does not.
    label_is_fit = bool(label and _FIT_LABELS.search(label)) and all(
        vocabulary.is_common(w) or w.lower() in VENDOR_WORDS for w in re.findall(r"[A-Za-z0-9]+", label or "")
    )
    label_names = named_spans(label, vocabulary) if label else []
    # "Solution: Use X" / "For SaaS data, use X to ..." / "Use it when ..." (it = the label or parent)
    for match in _RECOMMEND_AFTER.finditer(description if label else text):
        if re.match(r"cases?\b", match.group("span").strip(), re.IGNORECASE):
            continue  # "Use Case" is a heading, not advice
        phrase = phrase_after_verb(match.group("span"), vocabulary)
        if phrase and phrase.lower() in ("it", "them", "this", "that"):
            phrase = (label_names[0] if label_names else None) or parent_subject
        put(phrase, ROLE_FIT)
    # "X is ideal for ...", "Focus: ..., X is the relevant service."
    for sentence in _SENTENCE_SPLIT.split(description):
        put(_subject_before_predicate(sentence, vocabulary), ROLE_FIT)
    if label:
        described = named_spans(description, vocabulary)
        if label_is_fit and described and len(description.split()) <= 9:
            # "AWS Service: Amazon EMR", "Solution: Enable Amazon Macie."
            put(described[0], ROLE_FIT)
        elif label_names and len(re.sub(r"\([^)]*\)", "", label).split()) <= 7:
            # "X: For migrating ..." puts X forward; "X: Stores ..." only describes it.
            put(label_names[0], ROLE_FIT if _FIT_DESCRIPTION.match(description) else ROLE_LABEL)
    elif not description.endswith(".") and len(text.split()) <= 7:
        names = named_spans(text, vocabulary)
        # Only a line that is itself a name ("Amazon AppFlow"), not "Streaming ETL".
        if names and len(names[0].split()) >= 0.6 * len(text.split()):
            put(names[0], ROLE_LABEL)
    mentioned = named_spans(text, vocabulary)
    heading = heading_names[0] if heading_names else None
    if not found and parent_subject:
        put(parent_subject, ROLE_PARENT)
    starts_line = bool(mentioned) and text.lstrip(' "\'(').startswith(mentioned[0].split()[0])
    if not found and mentioned and not label and starts_line:
        first = mentioned[0]
        # "Build Glue pipelines ..." under "AWS Glue Studio" is about the heading's thing, not "Glue".
        if heading and set(canonical_key(first).split()) <= set(canonical_key(heading).split()):
            put(heading, ROLE_HEADING)
        else:
            put(first, ROLE_SUBJECT)
    if not found and heading:
        put(heading, ROLE_HEADING)
    if parent_subject:
        put(parent_subject, ROLE_MENTION)
    if heading:
        put(heading, ROLE_MENTION)
    for name in mentioned:
        put(name, ROLE_MENTION)
        # "Parquet or ORC" recommends each of them too.
        for key, role in list(found.items()):
            if role == ROLE_FIT and name in key and name != key and re.search(r"\b(or|and|/)\b", key):
                put(name, ROLE_FIT)
    return list(found.items())


@lru_cache(maxsize=4096)
def canonical_key(name: str) -> str:
    """Key that folds spellings of one thing together: case, plurals and vendor prefixes aside."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name.lower())]
    while len(words) > 1 and words[0] in ("aws", "amazon", "the", "apache", "azure", "google", "microsoft", "gcp"):
        words.pop(0)
    while len(words) > 1 and words[-1] in ("service", "services"):
        words.pop()
    return " ".join(stem(w) for w in words)
