"""The coverage gate: do the notes cover this question at all? The one place the abstain decision is made.

Evidence is how close the best passage (or, a little discounted, the best single line) comes to the
question in meaning, plus a little for sharing its rarer words, minus the share of its rare words the
notes never use. Names the notes never mention ("DynamoDB", "Lake Formation") raise the bar in
proportion to the names they do know, so "a DynamoDB table" alone is off-topic while "Airflow DAGs"
is still about Airflow.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field

from .config import ReaderSettings
from .reading import ROLE_HEADING, ROLE_LABEL, Line, Reading, command_phrase, command_programs, is_acronym, name_key
from .retrieval import LexicalIndex, Retrieval
from .text import asking_sentence, loose_sentences, sentences, term_of_word, tokenize, words
from .understanding import Query
from .vocabulary import (
    COMMAND_LEADS,
    DETERMINERS,
    EXPLAINING_WORDS,
    FUNCTION_WORDS,
    KIND_NAMED_CONSTRUCTS,
    QUESTION_WORDS,
    UNITS,
    VENDOR_WORDS,
    english_frequency,
    states_amount,
)

logger = logging.getLogger(__name__)


@dataclass
class GateDecision:
    """The abstain decision with every input it was made from (shown by `study ask --explain`)."""

    covered: bool
    strength: float
    threshold: float
    best_passage: float = 0.0
    best_line: float = 0.0
    best_subject_line: float = 0.0
    lexical: float = 0.0
    unknown_share: float = 0.0
    foreign_names: list[str] = field(default_factory=list)
    known_names: int = 0
    # "How long ...?": whether one of the lines nearest the question holds a figure (None: no figure asked for).
    figure_found: bool | None = None
    # "Redshift Spectrum" when the notes know Redshift only: (the name asked about, the known part).
    unknown_names: list[tuple[str, str]] = field(default_factory=list)
    # "what does immutable do": the one thing asked about, defined on a line of the notes that (with its section's
    # title) holds every word of the question; covered whatever the strength says (see CoverageGate.defined_subject).
    defined_subject: str | None = None

    def describe(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


# Questions about one named thing (how to use it, what it is, a fact about it, how it compares): a name
# the notes do not have is what is asked about. A scenario's choice may mention anything ("a Flask app").
_ASKS_ABOUT_ONE_THING = frozenset({"howto", "explanation", "fact", "comparison"})
#: A word and the code construct it names the kind of ("data block", "pre-start hook").
_CONSTRUCT_PHRASE = re.compile(rf"\b([a-z][a-z_\-]*)\s+({'|'.join(sorted(KIND_NAMED_CONSTRUCTS))})s?\b")


class CoverageGate:
    def __init__(self, settings: ReaderSettings, lexical: LexicalIndex, reading: Reading) -> None:
        self.settings = settings
        self.lexical = lexical
        self.reading = reading
        self._constructs: dict[str, set[str]] | None = None  # construct noun -> the words the notes put before it
        self._commands: tuple[list[list[str]], set[str]] | None = None  # the notes' command lines, their programs

    def run(self, query: Query, retrieval: Retrieval) -> GateDecision:
        s = self.settings
        if not retrieval.passages:
            return GateDecision(False, s.gate_bias, 0.0)
        best_passage = max(p.similarity for p in retrieval.passages)
        # Each retrieved line with its similarity to the question, read once for every feature below.
        scored_lines: list[tuple[Line, float]] = []
        if retrieval.query_vector is not None:
            for passage in retrieval.passages:
                similarity = self.reading.line_similarity(passage.chunk.id, retrieval.query_vector)
                scored_lines.extend(zip(self.reading.lines(passage.chunk.id), map(float, similarity), strict=True))
        best_line = max((value for _, value in scored_lines), default=0.0)
        best_subject_line = max(
            (value for line, value in scored_lines if any(x.role >= ROLE_HEADING for x in line.subjects)),
            default=0.0,
        )
        lexical = max(self._coverage(query, p.chunk.embedding_text) for p in retrieval.passages)
        unknown = self.unknown_share(query.retrieval_text)
        if len(loose_sentences(query.stem)) > 1:
            # A scenario's situation is told in the learner's own words (shoppers, checkout, a data center);
            # the sentence that asks ("Which chart type should the dashboard use?") says what it is about
            # (on the dev sets: 12 in-scope questions declined became 2, no out-of-scope one more answered).
            unknown = min(unknown, self.unknown_share(asking_sentence(query.stem)))
        if query.stands_alone:
            # A whole question of its own about something the notes never mention ("How do I reverse a list in
            # Python?" after a question on Git) stays unknown whatever the conversation was about. A follow-up
            # that leans on the conversation ("different case now: it runs once a night") is read with it.
            unknown = max(unknown, self.unknown_share(query.stem))
        foreign = self.foreign_names(query.stem if query.options else query.retrieval_text)
        features = {
            "evidence": max(best_passage, best_line - s.line_discount),
            "subject_line": best_subject_line,
            "foreign": len(foreign) / (len(foreign) + len(query.subjects) + 1),
            "unknown": unknown,
        }
        strength = s.gate_bias + sum(s.gate_weights.get(k, 0.0) * v for k, v in features.items())
        figure_found = self._figure_near(query, scored_lines) if query.amount and scored_lines else None
        unknown_names = self.unknown_names(query.stem) if query.kind in _ASKS_ABOUT_ONE_THING else []
        defined = self.defined_subject(query) if strength < 0.0 else None
        return GateDecision(
            (strength >= 0.0 or defined is not None) and figure_found is not False and not unknown_names,
            strength,
            0.0,
            best_passage,
            best_line,
            best_subject_line,
            lexical,
            unknown,
            foreign,
            len(query.subjects),
            figure_found,
            unknown_names,
            defined,
        )

    def defined_subject(self, query: Query) -> str | None:
        """The name an explanation or look-up asks about when the notes define it on a line of its own ("`immutable`:
        the response will never change ...") and that line, with its section's title, holds every content word of
        the question. A short question about a term ("what does immutable do") is far in meaning from every line,
        so the strength alone would decline what the notes answer word for word."""
        if query.kind not in ("explanation", "fact") or query.options or query.follow_up:
            return None
        asked = set(tokenize(query.stem)) - {term_of_word(w) for w in EXPLAINING_WORDS | QUESTION_WORDS}
        if not asked:
            return None
        for key in query.subjects:
            for line in self._labelled_lines(key):
                if asked <= line.terms | set(tokenize(line.section)):
                    return self.reading.names.display(key)
        return None

    def _labelled_lines(self, key: str) -> list[Line]:
        """The lines that label a name ("`immutable`: ...", a table row of it): where the notes define it."""
        return [item.line for item in self.reading.profile(key) if item.role >= ROLE_LABEL]

    def unknown_names(self, text: str) -> list[tuple[str, str]]:
        """Names the question asks about that extend a name the notes know with words they never use:
        "Redshift Spectrum", "AWS Lake Formation", "S3 Storage Lens" in notes that know Redshift, lakes and
        S3 (or, after a vendor's name, a product they never name). Each comes with the name the notes do know
        ("" for none), so the answer can say what they cover. Acronyms stay
        out ("the Secret YAML", "Airflow DAGs": a format and the things of a known name, not a new one)."""
        found: list[tuple[str, str]] = []
        for sentence in (s for line in text.splitlines() for s in sentences(line)):
            tokens = re.findall(r"[A-Za-z][A-Za-z0-9\-]*|\S", sentence)
            run: list[str] = []
            for position, token in enumerate([*tokens, "."]):
                low = token.lower()
                capitalised = token[:1].isupper() and low not in FUNCTION_WORDS and low not in QUESTION_WORDS
                if capitalised and not (position == 0 and english_frequency(low) >= 4.0):
                    run.append(token)
                    continue
                if len(run) >= 2:
                    words_of = run
                    new = [t for t in words_of if not is_acronym(t.removesuffix("s")) and not self._knows(t)]
                    known = " ".join(t for t in words_of if t not in new and t.lower() not in VENDOR_WORDS)
                    if new and known and self.reading.names.resolve(name_key(known)):
                        found.append((" ".join(words_of), self.reading.names.display(name_key(known))))
                    elif new and words_of[0].lower() in VENDOR_WORDS:
                        found.append((" ".join(words_of), ""))  # "AWS Lake Formation": a product they never name
                run = []
        found.extend(self._unknown_commands(text))
        found.extend(self._unknown_constructs(text))
        return found

    def _unknown_constructs(self, text: str) -> list[tuple[str, str]]:
        """ "a moved block" in notes that write of data, resource and lifecycle blocks but never of a moved one:
        a kind of construct the notes name several of as things, with a word they never put before it."""
        if self._constructs is None:
            seen: dict[str, set[str]] = {}
            for chunk in self.reading.chunks.values():
                for modifier, noun in _CONSTRUCT_PHRASE.findall(chunk.text.lower()):
                    seen.setdefault(noun, set()).add(modifier)
            # Kinds the notes name as things ("data block", "resource block" are names; "newer plugin" is not).
            named: dict[str, int] = {}
            for entity in self.reading.names.entities.values():
                for _, noun in _CONSTRUCT_PHRASE.findall(entity.name.lower()):
                    named[noun] = named.get(noun, 0) + 1
            self._constructs = {noun: kinds for noun, kinds in seen.items() if named.get(noun, 0) >= 2}
        found = []
        for modifier, noun in _CONSTRUCT_PHRASE.findall(text.lower()):
            kinds = self._constructs.get(noun, set())
            if (
                kinds
                and modifier not in kinds
                and modifier not in FUNCTION_WORDS
                and not self._listed_under(modifier, noun)
            ):
                article = "an" if modifier[0] in "aeiou" else "a"
                found.append((f"{article} {modifier} {noun}", ""))  # "They never mention a moved block."
        return found

    def _listed_under(self, name: str, kind: str) -> bool:
        """Whether the notes label `name` under a section titled with its kind: "`immutable`: ..." under
        "Response directives" is a directive, though the notes never write "immutable directive"."""
        return any(re.search(rf"\b{kind}s?\b", line.section.lower()) for line in self._labelled_lines(name_key(name)))

    def _unknown_commands(self, text: str) -> list[tuple[str, str]]:
        """ "terraform test" in notes whose commands are terraform init, plan, apply ...: a program the notes
        run, with a subcommand they never give, is a command they do not cover."""
        if self._commands is None:
            names = [e.name for e in self.reading.names.entities.values()]
            self._commands = ([name.lower().split() for name in names if command_phrase(name)], command_programs(names))
        commands, programs = self._commands
        known = {" ".join(words[:2]) for words in commands if len(words) >= 2}
        found: list[tuple[str, str]] = []
        tokens = text.split()
        for index, token in enumerate(tokens):
            program = token.strip("`'\"(").lower()
            if program not in programs:
                continue
            command = command_phrase(" ".join(t.strip("`'\"()") for t in tokens[index : index + 6]))
            if not command or command.startswith("-"):
                continue
            before = tokens[index - 1].lower() if index else ""
            if not (
                before in COMMAND_LEADS or token.startswith("`") or any(w.startswith("-") for w in command.split())
            ):
                continue  # "every terraform run says ...", "the docker daemon": the program named in prose
            words = command.lower().split()
            if words[1].startswith("-") or " ".join(words[:2]) in known:
                continue
            if any(words[1] in other[1:] for other in commands if other[0] == program):
                continue  # "terraform plan" beside "terraform plan -out": a subcommand they do give
            found.append((" ".join(words[:2]), program))
        return found

    def _knows(self, token: str) -> bool:
        """ "Multi-AZ": a hyphenated word is known when its parts are."""
        return all(self.reading.knows_word(part) for part in token.lower().split("-") if part)

    def _figure_near(self, query: Query, scored_lines: list[tuple[Line, float]]) -> bool:
        """Whether a line nearest the question gives a figure of the kind asked for: notes that say what
        Macie does but never what it costs do not answer "How much does Macie charge per GB?". Lines are
        ranked by meaning plus the share of what the question asks about (its words outside the names it
        mentions) that they use, so "over 250 prebuilt transformations" ranks above lines that only name
        DataBrew."""
        named = {t for key in query.subjects for t in tokenize(key)}
        asked = {t: w for t, w in query.weights.items() if t not in named}
        idf = self.lexical.idf
        total = sum(idf(t) * w for t, w in asked.items())

        def nearness(pair: tuple[Line, float]) -> float:
            line, value = pair
            return value + (sum(idf(t) * w for t, w in asked.items() if t in line.terms) / total if total else 0.0)

        nearest = sorted(scored_lines, key=nearness, reverse=True)[: self.settings.figure_lines]
        # "How much does Cloudflare charge per TB?": a figure on a line about CloudFront is not Cloudflare's. A line
        # that names another product and not the one asked about (nor sits under a title naming it) gives that
        # product's figure. A line naming no product is read as the notes' own topic's ("retention.ms defaults to
        # 7 days" in notes about Kafka).
        names = self.reading.names
        # What the question names: products, and names written like names ("6X-Large", a size the notes only list).
        products = [
            e
            for e in (names.entity(key) for key in query.subjects)
            if e is not None and (e.proper or re.search(r"\d|[A-Z]\S*[A-Z]", e.name))
        ]
        # Every name the question uses counts as asked about ("... deleted (retention.ms)?": its label line is no other
        # thing's), though only products and name-like names must be named by the figure's line.
        asked_keys = {k for k in (names.resolve(key) for key in query.subjects) if k}

        def anothers_figure(line: Line) -> bool:
            where = line.terms | set(tokenize(line.section))
            if any(set(tokenize(spelling)) <= where for entity in products for spelling in entity.spellings):
                return False
            # The line is about another product, or is the row or label of another name ("X-Large - Credits per
            # hour: 16" for 6X-Large).
            return any(
                (other := names.entity(subject.key)) is not None
                and other.key not in asked_keys
                and (other.proper or subject.role >= ROLE_LABEL)
                for subject in line.subjects
            )

        def without_names(text: str) -> str:
            # "Sizes go up to 6X-Large": the 6 of a name asked about is no figure.
            for entity in products:
                for spelling in entity.spellings:
                    text = re.sub(re.escape(spelling), " ", text, flags=re.IGNORECASE)
            return text

        return any(
            states_amount(without_names(line.text), query.amount) and not (products and anothers_figure(line))
            for line, _ in nearest
        )

    def _coverage(self, query: Query, text: str) -> float:
        """IDF-weighted share of the question's terms that a text contains."""
        terms = set(tokenize(text))
        idf = self.lexical.idf
        total = sum(idf(t) * w for t, w in query.weights.items())
        if total <= 0:
            return 0.0
        return sum(idf(t) * w for t, w in query.weights.items() if t in terms) / total

    def unknown_share(self, text: str) -> float:
        """Share of the question's content words, weighted by how rare they are in English, that
        appear nowhere in the notes ("explain", "purpose" ask for an explanation: they are not its topic)."""
        total = unknown = 0.0
        for word in words(text):
            if (
                word in FUNCTION_WORDS
                or word in QUESTION_WORDS
                or word in EXPLAINING_WORDS
                or len(word) < 3
                or any(ch.isdigit() for ch in word)
            ):
                continue  # numbers and codes ("db-0", "3-member") are details of the scenario, not its topic
            weight = max(0.0, 6.0 - english_frequency(word))
            total += weight
            if not self._knows_word(word):
                unknown += weight
        return unknown / total if total else 0.0

    def _knows_word(self, word: str) -> bool:
        """Whether the notes use a word: as it is, as an acronym they define, or (hyphenated) part by part -
        "self-hosted", "runs-on" and "fail-fast" are the notes' own words when they write them so, and the
        index keeps only the parts."""
        known = self.lexical.document_frequency
        if term_of_word(word) in known or self.reading.names.acronym(word.upper()):
            return True
        parts = [p for p in word.split("-") if p]
        if len(parts) > 1 and term_of_word("".join(parts)) in known:
            return True  # the index also keeps a hyphenated word joined ("s-maxage" as "smaxage")
        # The index drops function words ("on" of runs-on) and single letters ("s" of s-maxage): no evidence.
        return len(parts) > 1 and all(p in FUNCTION_WORDS or len(p) < 2 or term_of_word(p) in known for p in parts)

    def _instances_of_known_kinds(self, tokens: list[str]) -> set[int]:
        """Positions of names that only say which one of a kind the notes do know: "a Fluent Bit log
        collector", "our Flask app" - a determiner, the name, then a lower-case noun the notes use. The
        question is about the log collector, not about Fluent Bit."""
        positions: set[int] = set()
        index = 0
        while index < len(tokens):
            if tokens[index].lower() not in DETERMINERS:
                index += 1
                continue
            end = index + 1
            while end < len(tokens) and tokens[end][:1].isupper() and tokens[end].lower() not in FUNCTION_WORDS:
                end += 1
            head = tokens[end].lower() if end < len(tokens) else ""
            if (
                end > index + 1
                and head
                and tokens[end][:1].islower()
                and head not in FUNCTION_WORDS
                and self.reading.knows_word(head)
            ):
                positions.update(range(index + 1, end))
            index = max(end, index + 1)
        return positions

    def foreign_names(self, text: str) -> list[str]:
        """Names in the question that the notes never use: a sign it is about something else. Units
        ("TB", "Gbps") and words capitalised only because they start a sentence do not count."""
        found = []
        for sentence in (s for line in text.splitlines() for s in sentences(line)):
            tokens = re.findall(r"[A-Za-z][A-Za-z0-9]*(?:'[a-z]+)?|\d+[A-Za-z]+\w*", sentence)
            instances = self._instances_of_known_kinds(tokens)
            # "Python 3.10 to 3.13", "Node 18.2": a name with its release number is a tool the scenario runs,
            # not what it asks about.
            versioned = set(re.findall(r"\b([A-Za-z][A-Za-z0-9]*)\s+v?\d+(?:\.\d+)+\b", sentence))
            for position, token in enumerate(tokens):
                if position in instances or token in versioned:
                    continue
                low = token.lower().split("'")[0]
                if low in FUNCTION_WORDS or low in QUESTION_WORDS or low in VENDOR_WORDS or low in UNITS:
                    continue
                if self.reading.knows_word(low) or re.fullmatch(r"\d+[a-z]*", low):
                    continue
                if token.isupper() and self.reading.names.acronym(token):
                    continue  # "MWAA": an acronym of a name the notes spell out
                if re.fullmatch(r"[A-Z]{2,}s", token):
                    continue  # "DAGs", "VMs", "APIs": things, counted like any word; a product is not plural
                name_like = (
                    (token[:1].isupper() and position > 0)
                    or (token.isupper() and len(token) > 1)
                    or any(ch.isdigit() for ch in token)
                )
                if name_like and not (token.isupper() and english_frequency(low) >= 3.0):  # "TWO", "NOT": emphasis
                    found.append(token)
        return found
