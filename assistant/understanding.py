"""Understanding a question: what kind of answer it wants, what it names, what it rules out.

`understand(question, history, names)` reads the learner's words once into a `Query` that every later
stage uses: the kind (choice, comparison, explanation, how-to, fact, pasted multiple choice), the names of
the notes it mentions, the options it pasted, what it rules out ("without writing code"), claims it takes
for granted ("Since X does Y, ..."), and for a follow-up, the earlier question it continues. Only general
English question wording is used here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise

from .reading import NameIndex, find_names, name_key
from .text import asking_sentence, stem, tokenize, words
from .vocabulary import ACTOR_NOUNS, CLAUSE_JOINERS, FUNCTION_WORDS, GENERIC_ANSWER_TYPES, QUESTION_WORDS

# --- pasted multiple choice ---------------------------------------------------------------------

# "A) ...", "A. ...", "(a) ...", "a) ...", "1) ...", "1. ...", "(1) ...", "A: ..." at the start of a line, and
# the ways they come out of a web page or a markdown file: after a list bullet or a tick box ("- A) ...",
# "☐ A. ..."), in bold ("**A.** ..."), in brackets ("[A] ..."), with a dash ("A - ..."), as "Option A: ...",
# or with no space after a bracket ("A)Hive"). A stray match is harmless: options must run A, B, C ... in order.
_OPTION_LINE = re.compile(
    r"^\s*(?:[-*+•·▪◦○●□☐❑]\s*)?(?:\*\*|__|\*|_)?(?:(?:option|choice|answer)\s+)?"
    r"(?:\(\s*(?P<p>[A-Ha-h]|[1-8])\s*\)|\[\s*(?P<b>[A-Ha-h]|[1-8])\s*\]|(?P<r>[A-Ha-h]|[1-8])\s*\)"
    r"|(?P<l>[A-Ha-h]|[1-8])\s*(?:[.:]|\s[-–—])(?=[\s*_]))"
    r"(?:\*\*|__|\*|_)?\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
# The same inline: "... A) Hive B) Trino C) Flink", "A. Hive B. Trino C. Flink" (checked to run A, B, C ...).
_INLINE_OPTION = re.compile(r"(?:^|\s)(?:\(\s*(?P<p>[A-Ha-h]|[1-8])\s*\)|(?P<l>[A-Ha-h]|[1-8])[).:])(?=\s)")
_PICK_COUNT = re.compile(
    r"\b(?:choose|select|pick|mark|identify)\s+(?P<n>two|three|four|2|3|4)\b|\b(?:which|what)\s+(?P<m>two|three|2|3)\b",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Option:
    letter: str  # A, B, C ... in order, whatever the question used: what `choice` reports
    text: str
    label: str = ""  # the marker as written ("3", "c"), shown back to the learner

    @property
    def shown(self) -> str:
        return self.label or self.letter


def _letter(token: str, numbered: bool) -> str:
    return "ABCDEFGH"[int(token) - 1] if numbered else token.upper()


def pasted_options(text: str) -> tuple[str, list[Option]]:
    """(the stem, its options) for a pasted multiple-choice question; ([text], []) when there are none.
    Options run in order from A (or 1); numbered options are lettered A, B, C ... in order."""
    lines = text.split("\n")
    found: list[tuple[int, str, str]] = []  # (line number, letter, text)
    for number, line in enumerate(lines):
        match = _OPTION_LINE.match(line)
        if match:
            token = match.group("p") or match.group("b") or match.group("r") or match.group("l")
            found.append((number, token, match.group("text").strip()))
    found = [(number, token, body + _continuation(lines, number, found)) for number, token, body in found]
    options = _in_sequence([(token, body) for _, token, body in found])
    if len(options) >= 2:
        first_line = next(n for n, token, _ in found if _letter(token, token.isdigit()) == "A")
        stem = "\n".join(lines[:first_line]).strip()
        return stem or text, options
    bulleted = _bulleted_options(lines)
    if bulleted:
        return bulleted
    inline = list(_INLINE_OPTION.finditer(text))
    if len(inline) >= 2 and not (len(inline) < 3 and any(m.group(0).strip()[-1] in ".:" for m in inline)):
        pieces = []
        for index, match in enumerate(inline):
            end = inline[index + 1].start() if index + 1 < len(inline) else len(text)
            token = match.group("p") or match.group("l")
            # "Option A: unique Option B: ...": the word that introduces the next option is not part of this one.
            pieces.append((token, _OPTION_WORD_END.sub("", text[match.end() : end].strip())))
        # The options start at an "A" (or "1"); a number before them belongs to the stem ("Pick 2. A) ...").
        for first, (token, _) in enumerate(pieces):
            if _letter(token, token.isdigit()) != "A":
                continue
            options = _in_sequence(pieces[first:])
            if len(options) >= 2:
                stem = _OPTION_WORD_END.sub("", text[: inline[first].start()].strip())
                # "1) seed ... 4) snapshot -- Which command installs packages?": a question after the last option
                # is the stem, not part of that option.
                after = _QUESTION_AFTER.search(options[-1].text)
                if after and len(options) == len(pieces[first:]):
                    question = options[-1].text[after.end() :].strip()
                    options[-1] = replace(options[-1], text=options[-1].text[: after.start()].rstrip(" ;,"))
                    stem = f"{stem} {question}".strip()
                return stem, options
    return text, []


#: An exam's way of saying the lines after it are the options: "Which of the following ...", "Select TWO."
_OPTIONS_FOLLOW = re.compile(
    r"\b(?:which|what) (?:one )?of the following\b|\b(?:choose|select|pick) (?:one|two|three|\d)\b"
    r"|\bwhich (?:option|answer|choice)s?\b",
    re.IGNORECASE,
)
_BULLET_LINE = re.compile(r"^\s*(?:[-*+•▪◦]|\[ ?\])\s+(?P<text>\S.*)$")


def _bulleted_options(lines: list[str]) -> tuple[str, list[Option]] | None:
    """Options with neither letters nor numbers, one per bullet, after a stem that says options follow ("Which of
    the following ...?", "Select TWO."): lettered A, B, C ... in order. Without such words a bullet list after a
    question is as often its requirements, and stays part of the stem."""
    bullets = [(n, m.group("text").strip()) for n, line in enumerate(lines) if (m := _BULLET_LINE.match(line))]
    if not 2 <= len(bullets) <= 6:
        return None
    first, last = bullets[0][0], bullets[-1][0]
    if last - first != len(bullets) - 1 or any(len(text.split()) > 25 for _, text in bullets):
        return None  # one run of short lines, nothing between them
    stem = "\n".join(lines[:first]).strip()
    after = "\n".join(lines[last + 1 :]).strip()
    if not stem or not _OPTIONS_FOLLOW.search(f"{stem} {after}") or len(after.split()) > 12:
        return None
    options = [Option("ABCDEFGH"[i], text.rstrip(" ;,.")) for i, (_, text) in enumerate(bullets)]
    return (f"{stem}\n{after}" if after else stem), options


_OPTION_WORD_END = re.compile(r"\s*\b(?:Option|Choice|Answer)\s*$", re.IGNORECASE)
#: A question written after inline options: "... 4) dbt snapshot -- Which command ...?", "... D) none. Which ...?"
_QUESTION_AFTER = re.compile(
    r"(?:\s+(?:--|—|–)\s*|(?<=[.!])\s+)(?=(?:which|what|how|where|when|why|who|select|choose|pick)\b[^?]*\?\s*$)",
    re.IGNORECASE,
)


def _continuation(lines: list[str], number: int, found: list[tuple[int, str, str]]) -> str:
    """The rest of an option that wraps onto the next lines (copied from a PDF or a narrow page): the lines up to
    the next option, or after the last option those indented or going on in lower case ("Answer: B" is not)."""
    later = [n for n, _, _ in found if n > number]
    end = later[0] if later else len(lines)
    rest = []
    for line in lines[number + 1 : end]:
        if not line.strip():
            break
        if not later and not (line[:1].isspace() or line.strip()[:1].islower()):
            break
        rest.append(line.strip())
    return " " + " ".join(rest) if rest else ""


def _in_sequence(pieces: list[tuple[str, str]]) -> list[Option]:
    """Options only when their markers run A, B, C ... (or 1, 2, 3 ...) from the first."""
    if len(pieces) < 2:
        return []
    numbered = pieces[0][0].isdigit()
    options: list[Option] = []
    for index, (token, body) in enumerate(pieces):
        if token.isdigit() != numbered or _letter(token, numbered) != "ABCDEFGH"[index] or not body:
            return options if len(options) >= 2 else []
        options.append(Option("ABCDEFGH"[index], body.rstrip(" ;,"), label=token))
    return options


# --- kinds -----------------------------------------------------------------------------------------

_COMPARISON = re.compile(
    r"\b(?:differen(?:ce|ces|tiate)|differ|different (?:from|than)|compare|comparison|versus|vs\.?|distinguish|"
    r"deciding factor|(?:pick|choose|use|prefer) (?:an? |the )?[\w\- ]{2,40}? "
    r"(?:over|instead of|rather than) (?:an? |the )?\w|"
    r"how do (?:they|these|the two|both) differ|when (?:do|should|would) (?:i|we|you) (?:use|pick|choose) which|"
    r"which one is for what|(?:how|in what way) (?:is|are|does|do) .{1,60}? differ)\b",
    re.IGNORECASE,
)
_EXPLANATION = re.compile(
    r"^\s*(?:(?:can|could) (?:you|someone|somebody) )?(?:please )?(?:explain|describe|summari[sz]e|define|outline)\b"
    r"|^\s*(?:give me|i need|i want) (?:a |an )?(?:rundown|overview|summary|explanation|recap)\b"
    r"|^\s*tell me (?:about|more about)\b"
    r"|^\s*what (?:is|are|'s|s) (?:a |an |the )?(?P<subject>[^?]{2,60}?)(?: and (?:how|what|why) [^?]*)?\s*(?:\?|$)"
    r"|^\s*what does .{2,60}? do\b"
    r"|^\s*why (?:exactly )?(?:is|are|does|do)\b"
    r"|\bwhat (?:is|are) .{2,40}? (?:for|used for)\s*\??\s*$"
    r"|^\s*how (?:does|do|is|are) (?!i\b|we\b|you\b)[\w\s\-]{2,60}? "
    r"(?:work|move|decide|handle|choose|store|keep|run|scale)",
    re.IGNORECASE,
)
_HOWTO = re.compile(
    r"^\s*(?:so |ok |okay |and )?how (?:do|can|should|would|could) (?:i|we|you|one|they)\b|^\s*how to\b"
    r"|\bwhat (?:are|is) the steps\b|\bsteps to\b|\bhow (?:do|can) i\b",
    re.IGNORECASE,
)
# Nouns that name a kind of thing (general English and general computing vocabulary), so "node types" or
# "compression formats" is what a question asks for, and "which X ..." with one of them asks to choose.
_KIND_NOUNS = frozenset(
    [
        "type",
        "kind",
        "format",
        "class",
        "mode",
        "service",
        "tool",
        "option",
        "feature",
        "capability",
        "capabilities",
        "style",
        "tier",
        "level",
        "method",
        "engine",
        "store",
        "system",
        "node",
        "chart",
        "visualization",
        "visualisation",
        "database",
        "command",
        "statement",
        "policy",
        "strategy",
        "setting",
        "cluster",
        "index",
        "connection",
        "component",
        "resource",
        "approach",
        "platform",
        "product",
        "offering",
        "solution",
        "technology",
        "value",
        "instruction",
        "technique",
        "mechanism",
        "mount",
        "volume",
        "network",
        "controller",
        "workload",
        "object",
        "pattern",
        "protocol",
        "algorithm",
        "framework",
        "library",
        "plugin",
        "driver",
        "rule",
        "role",
        "permission",
        "metric",
        "operator",
        "construct",
        "primitive",
        "layer",
        "action",
        "storage",
        "choice",
        # configuration vocabulary: "which directive should be raised", "which request header should ..."
        "directive",
        "parameter",
        "header",
        "flag",
        "block",
    ]
)
_CHOICE = re.compile(
    # "which/what <kind> ...", not "what is the default file system ..." (a fact about something named)
    r"\b(?:which\b|what\b(?!\s+(?:is|are|was|were|does|do)\b|'s))(?:\s+[\w'\-]+){0,4}?\s+(?:"
    + "|".join(sorted(_KIND_NOUNS))
    + r")s?\b"
    r"|\bwhich\s+[\w\-]+(?:\s+[\w\-]+)?\s*\?\s*$"
    # "what's the AWS equivalent?": the counterpart of a thing named is a thing to pick
    r"|\bwhat(?:'s|\s+is|\s+would\s+be)\s+the\s+(?:[\w\-]+\s+){0,2}(?:equivalent|counterpart|replacement|alternative)"
    r"(?=\s*(?:[?,.]|$|\b(?:for|to|of|in|on|that|which|here|there)\b))"
    r"|\bshould\s+(?:we|i|they|you|he|she|it|the\s+\w+|our\s+\w+)\b(?:\s+\S+){0,3}?\s+(?:use|choose|pick|enable|adopt|"
    r"implement|deploy|select|go|migrate|move|convert|export|consider|change|switch|add|configure|install)\b"
    r"|\b(?:should|must|would|could|can)\s+(?:\w+\s+)?be\s+(?:used|chosen|enabled|adopted|deployed)\b"
    r"|\b(?:recommend\w*|best (?:way|option|choice|service|fit|tool|approach)|most (?:suitable|appropriate|"
    r"cost-effective|operationally|straightforward|efficient)|least operational|lightest|simplest|fits? best|"
    r"what (?:should|would|could|can|do|does|must) (?:we|i|they|you|it|the \w+|our \w+) (?:use|configure|choose|"
    r"pick|enable|implement|deploy|set up|adopt|recommend|turn on|add|install|change|move to|run|execute|call)|"
    r"\b(?:cheapest|fastest|simplest|easiest|lightest|quickest|safest|best)\s+(?:[\w\-]+\s+){0,2}?(?:way|option|"
    r"class|choice|service|tool|approach|fit|setup|mode|type|store|format)\b|"
    r"what do you recommend|where (?:should|can|could|do|does|would|to)\b|one service for|same (?:tool|service|"
    r"approach)|does that change|still the same|what (?:would|should) we use)"
    r"|\bor\s+(?:[\w\-]+\s+){0,3}[\w\-]+\s*\?\s*$",  # "... spun up per job or kept running?"
    re.IGNORECASE,
)
#: A question that asks what to do about its situation ("what do I need to change in nginx?", "what am I
#: missing?", "how do I fix it?"): a line that tells what to do answers it, not one restating the symptom.
_ASKS_REMEDY = re.compile(
    r"\bwhat\s+(?:do|should|must|can|would)\s+(?:i|we|you|they|one)\s+(?:need\s+to\s+|have\s+to\s+)?"
    r"(?:do|change|set|fix|add|adjust|configure|tweak|edit|update|run|try)\b"
    r"|\bwhat\s+am\s+i\s+(?:missing|doing\s+wrong)\b|\bwhat(?:'s|\s+is)\s+(?:missing|wrong|the\s+fix)\b"
    r"|\bhow\s+(?:do|can|should|would)\s+(?:i|we|you)\s+(?:fix|solve|resolve|repair|stop|prevent|get\s+rid\s+of)\b"
    # "how do I get Athena to pick them up?", "how do I make only the newest run survive?": getting a thing to
    # behave otherwise is asking what to do about it.
    r"|\bhow\s+(?:do|can|should|would)\s+(?:i|we|you)\s+(?:get|make|have|let)\s+(?!rid\b)\S+(?:\s+\S+){0,4}?\s+(?:to\s+)?[a-z]+\b"
    r"|\bhow\s+to\s+(?:fix|solve|resolve)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(r"^\s*(?:can|could|does|do|did|is|are|was|were|will|would|has|have)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|or|also|then|so|what about|how about|what if|if|instead|same|ok|okay|got it|actually|"
    r"different case|separate)\b|\b(?:it|that|this|they|them|those|these|one|same)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:instead|rather|otherwise|what if|and if|but if|what about|how about|different|"
    r"actually|change|still)\b",
    re.IGNORECASE,
)
#: A follow-up asking for something other than the earlier answer ("... instead?", "any alternative?").
_REPLACES = re.compile(
    r"\binstead\b|\brather than\b|\bsomething else\b|\balternatives?\b|\banother (?:option|way|one|choice)\b",
    re.IGNORECASE,
)
# What a question rules out: "without X", "no X", "not X", "avoid X", "instead of X", "don't want X".
# ("none of the S3 buckets hold PII" negates what the buckets hold, not S3.)
_NEGATOR = re.compile(
    r"\b(?:no|not|without|never|avoid|avoiding|instead of|rather than|other than|than|besides|nothing|nobody|"
    r"(?:do not|don't|doesn't|does not|won't|shouldn't|should not)\s+(?:want|need|like)(?:\s+to)?"
    r"(?:\s+(?P<verb>use|have|build|run|write|manage|maintain|see|get|add|keep|pay for|store))?)\s+"
    # "without adding a separate RUN step": what is ruled out is the step, not adding.
    r"(?:[a-z]+ing\s+(?:(?:for|on|with|about)\s+)?(?=(?:a|an|the|any|our|my|its|their|extra|more|additional)\s))?"
    r"(?:(?:on|in|at|a|an|the|any|our|my|its|their|own|to|be|being|using|use)\s+)*"
    # "anything that stores HDFS blocks": what is ruled out is what the clause says.
    r"(?:(?:anything|something|anyone|any\s+\w+|one|ones)\s+(?:that|which|who)\s+\w+\s+)?"
    # The negated phrase: a word or two ("key=value" is one), and a gloss in brackets right after it
    # ("not in key=value (hive) format": the brackets name the same thing).
    r"(?P<phrase>(?:[\w'=-]+\s+){0,1}[\w'=-]+(?:\s*\([^()]{1,40}\))?)",
    re.IGNORECASE,
)
# A claim the question takes for granted: "Since X ...,", "Given that X ...,", "X ..., right?", "I assume X".
_PREMISE_LEAD = re.compile(
    r"^\s*(?:since|as|because|given(?: that)?|now that|considering(?: that)?|seeing (?:as|that)|knowing that)\s+"
    r"(?P<claim>[^,?]{8,200}?)\s*,",
    re.IGNORECASE,
)
_PREMISE_TAG = re.compile(
    # within the first sentence: ", so" further on joins a scenario's own sentences ("... will appear, so their
    # filters keep missing problems")
    r"^(?P<claim>[^?.!]{8,200}?)\s*,\s*(?:so\b|(?:right|correct|isn't it|aren't they)\s*[?.!])",
    re.IGNORECASE,
)
_PREMISE_ASSUME = re.compile(
    r"\b(?:i (?:assume|heard|read|think|believe)|so i assume)(?: that)?\s+(?P<claim>[^?.]{8,200})", re.IGNORECASE
)


#: A folder named key=value ("dt=2024-06-01/", "month=05"): the Hive convention for partition folders.
_KEY_VALUE_FOLDER = re.compile(r"(?i)(?<![\w=])(?P<key>[a-z_][a-z0-9_]*)=(?P<value>[^\s/=,;]+)")
_WITHOUT_KEY_VALUE = re.compile(r"(?i)\b(?:no|not|without|never|plain)\b[^.?!]{0,40}\bkey\s*=\s*value\b")


def partition_layout(text: str) -> str | None:
    """What a question's folder names say of a table's partitions, in general data-engineering words:
    "s3://b/t/dt=2024-06-01/" is a Hive-style layout, "plain values, no key=value folder names" is not."""
    if _WITHOUT_KEY_VALUE.search(text):
        return "non-Hive partitions"
    for match in _KEY_VALUE_FOLDER.finditer(text):
        if match.group("key").lower() == "key":
            continue  # "key=value" itself names the convention, not a folder
        before, after = text[max(0, match.start() - 1) : match.start()], text[match.end() : match.end() + 1]
        if "/" in (before, after):  # a path segment, not "x=1" in code or prose
            return "Hive-style partitions"
    return None


@dataclass
class Query:
    """A question as understood, computed once and read by every stage."""

    text: str
    stem: str
    kind: str
    retrieval_text: str
    focus_text: str  # what answers are matched against: the stem, or the latest turn of a follow-up
    follow_up: bool = False
    # A follow-up only by being short ("How do I reverse a list in Python?"): it neither opens like a reply nor
    # points back ("it", "that one"), and asks a whole question of its own.
    stands_alone: bool = False
    previous_question: str | None = None
    previous_answer: str | None = None
    setting_aside_previous: bool = False
    # "what if we only want part of the history instead?": the earlier answer is what the learner asks to replace.
    rules_out_previous: bool = False
    options: list[Option] = field(default_factory=list)
    picks: int = 1
    alternatives: list[str] = field(default_factory=list)  # name keys of "X or Y"
    subjects: list[str] = field(default_factory=list)  # name keys the question mentions
    negated: set[str] = field(default_factory=set)
    asks_where: bool = False  # "Where should the logs go?": a destination
    amount: str | None = None  # "How long ...?" -> "duration": the question asks for a figure (see asked_amount)
    answer_type: str | None = None
    asks_list: bool = False  # "Which compression formats ...?": several of a kind; a line listing them answers
    asks_remedy: bool = False  # "what do I need to change?", "what am I missing?": a line telling what to do
    parts: str | None = None  # "the key components of X": the stem of the kind of part asked for ("compon")
    sides: list[str] = field(default_factory=list)  # "the difference between A and B": ["A", "B"], as written
    claims: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # stemmed term -> weight

    @property
    def terms(self) -> set[str]:
        return set(self.weights)

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "follow_up": self.follow_up,
            "subjects": self.subjects,
            "alternatives": self.alternatives,
            "answer_type": self.answer_type,
            "asks_list": self.asks_list,
            "asks_remedy": self.asks_remedy,
            "negated": sorted(self.negated),
            "claims": self.claims,
            "options": [f"{o.letter}) {o.text}" for o in self.options],
            "picks": self.picks,
            "previous_answer": self.previous_answer,
            "rules_out_previous": self.rules_out_previous,
        }


def previous_question(history: list[dict] | None) -> str | None:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return None


_PREVIOUS_LEAD = re.compile(r"^(?:Use|Pick|Answer:)\s+(?:[A-H]\)\s+)?(?P<name>.+?)\s*\[\d+\]")


def previous_answer(history: list[dict] | None) -> str | None:
    """What the assistant named in its last turn ("Use X [1]."), if anything."""
    for turn in reversed(history or []):
        if turn.get("role") == "assistant":
            if turn.get("recommendation"):
                return str(turn["recommendation"])
            match = _PREVIOUS_LEAD.match(str(turn.get("content", "")).strip())
            return match.group("name") if match else None
    return None


_OPENS_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|so|what about|how about|what if|and if|but if|instead|same|"
    r"got it|actually|different case|separate|ok|okay)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    """A question that leans on the conversation: one that opens like a reply ("And if ...", "What if
    instead ...") whatever its length, or a short one that points back ("and that one?")."""
    content = [w for w in words(question) if w not in FUNCTION_WORDS and w not in QUESTION_WORDS]
    return (
        bool(_OPENS_FOLLOW_UP.search(question))
        or bool(_FOLLOW_UP.search(question))
        and len(content) <= 14
        or len(content) <= 3
    )


_WHAT_IS = re.compile(
    r"^\s*(?:what\s+(?:is|are)|what's|whats|explain|describe|define|tell me about)\s+(?:an?\s+|the\s+)?"
    r"(?P<name>[^?]{2,60}?)\s*\??\s*$",
    re.IGNORECASE,
)


def _asks_what_a_name_is(question: str, names: NameIndex | None) -> bool:
    """ "What is Time Travel?" in the middle of a chat about warehouses: short, but a whole question about a thing
    the notes name, not a follow-up ("what is it?", "and what about Snowpipe?" still are)."""
    match = _WHAT_IS.match(question)
    if names is None or match is None or _FOLLOW_UP.search(question):
        return False
    return names.resolve(name_key(match.group("name"))) is not None


def _stands_alone(question: str) -> bool:
    """A short question that asks a whole question of its own (see Query.stands_alone): it opens as a question,
    has two or more words of its own to ask about, and nothing in it opens like a reply or points back."""
    content = [w for w in words(question) if w not in FUNCTION_WORDS and w not in QUESTION_WORDS]
    return len(content) >= 2 and not _FOLLOW_UP.search(question) and bool(_OPENS_A_QUESTION.match(question))


def negated_terms(question: str) -> set[str]:
    """Terms the question rules out ("no existing Kafka code"), except those whose negation is itself
    the idea ("no-code", "without coding", "serverless")."""
    found: set[str] = set()
    for match in _NEGATOR.finditer(question):
        if (match.group("verb") or "").lower() in _RUNNING_VERBS:
            continue  # "do not want to run Flink clusters": running it is ruled out (a managed X), not Flink
        phrase, _, gloss = match.group("phrase").partition("(")
        if _LEAVING.match(phrase):
            continue  # "without leaving AWS Glue": staying in it is the wish, nothing is ruled out
        terms = set(tokenize(phrase))
        existing = re.match(r"(?i)\s*(?:existing|current|legacy)\s+(?P<what>[^,.;]+)", phrase)
        if existing and not re.search(r"[A-Z]", existing.group("what")):
            # "no existing streaming platform": starting fresh rules out moving something over (the lines about
            # migrating existing apps), not streaming; "no existing Kafka code" does rule out Kafka.
            terms = {stem("existing")}  # "current", "legacy": what there is now, as the notes say "existing"
        if terms and terms <= _NEGATION_IS_THE_IDEA:
            continue  # "no servers (serverless)": the brackets say the idea, not what is ruled out
        found |= terms | set(tokenize(gloss))
    return found - _NEGATION_IS_THE_IDEA


#: General English: after "without", going out of a thing ("without leaving", "without switching away from")
#: says to stay in it.
_LEAVING = re.compile(
    r"(?i)\s*(?:(?:ever|even|once|\w+ly)\s+)?"
    r"(?:leaving|exiting|quitting|stepping\s+outside|going\s+outside|switching\s+away)\b"
)


#: "don't want to run/manage/maintain X": the work of running X is what is ruled out (the idea is a managed
#: X), not X itself.
_RUNNING_VERBS = frozenset(("run", "manage", "maintain"))

_NEGATION_IS_THE_IDEA = frozenset(
    stem(w) for w in ("code", "coding", "server", "servers", "experience", "overhead", "copying")
)


_TYPE_STOPS = frozenset(
    [
        "should",
        "would",
        "could",
        "can",
        "will",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "fits",
        "fit",
        "suits",
        "suit",
        "works",
        "work",
        "meets",
        "meet",
        "to",
        "for",
        "that",
        "lets",
        "let",
        "helps",
        "help",
        "makes",
        "make",
        "gives",
        "give",
        "which",
        "who",
        "when",
        "where",
        "if",
        "would",
        "needs",
        "need",
        "best",
        "most",
        "least",
        "here",
        "there",
        "exist",
        "exists",
        "happen",
        "happens",
        "apply",
        "applies",
        "matter",
        "matters",
    ]
)
_OBJECT_WORDS = frozenset(
    [
        "them",
        "it",
        "the",
        "a",
        "an",
        "our",
        "my",
        "their",
        "this",
        "that",
        "these",
        "those",
        "its",
        "your",
        "his",
        "her",
        "data",
    ]
)


# A sentence that asks for a figure: "How long ...?", "By default, how many ...?", "What's the maximum ...?".
# Only where the sentence opens with it (after a short lead such as "By default,"): "a chart that shows how
# many users drop off" asks for a chart, "Explain how the HPA decides how many replicas" for an explanation.
_AMOUNT = re.compile(
    r"^(?:[\w\s-]{1,30},\s*)?(?:(?:roughly|approximately|about|up to|so)\s+)?"
    r"(?:(?P<count>how many)|(?P<duration>how long)|(?P<money>how much)\b"
    r"|(?P<limit>what(?:'?s| is| are)\s+the\s+(?:max|maximum|min|minimum|largest|smallest|longest|shortest|"
    r"highest|lowest))|(?P<price>what(?:'?s| is| are)\s+the\s+(?:price|cost|fee|charge)s?))\b",
    re.IGNORECASE,
)


_MONEY = re.compile(r"\b(?:cost|costs|charge|charges|charged|price|priced|pay|paid|fee|fees|bill|billed|spend)\b", re.I)


def asked_amount(stem_text: str) -> str | None:
    """What kind of figure a question asks for ("count", "duration", "money", "amount", "limit"), or None.
    A "how much" about size rather than cost ("how much memory") asks for an "amount"."""
    for sentence in re.split(r"(?<=[.?!])\s+|\n+", stem_text.strip()):
        match = _AMOUNT.match(sentence.strip())
        if match:
            kind = next(kind for kind, text in match.groupdict().items() if text)
            if kind == "money" and not _MONEY.search(sentence):
                return "amount"  # "How much memory ...?"
            return "money" if kind == "price" else kind
    return None


def _acronym_spans(stem_text: str, name_keys: set[str], names) -> list[tuple[int, int, str]]:
    """ "MWAA", "MSK": acronyms the notes never write, for a name they do: (start, end, the name's key)."""
    if names is None:
        return []
    spans = []
    for match in re.finditer(r"\b[A-Z]{2,6}s?\b", stem_text):
        token = match.group(0)
        expanded = names.acronym(token) if name_key(token) not in name_keys else None
        if expanded:
            spans.append((match.start(), match.end(), expanded))
    return spans


def _names_in_order(stem_text: str, name_keys: set[str], shouted: set[str], names) -> list[str]:
    """The names a question uses, acronyms the notes never write among them ("MSK"), in the order it writes
    them: "Compare MSK with Kinesis" sets MSK first. A name in brackets right after another is that one's
    gloss, not a thing of its own ("Amazon MSK (managed Kafka)")."""
    found = [(start, end, key) for key, start, end in find_names(stem_text, name_keys, shouted=shouted)]
    found = sorted(found + _acronym_spans(stem_text, name_keys, names))
    ordered: list[str] = []
    previous_end = None
    for start, end, key in found:
        gloss = previous_end is not None and re.fullmatch(r"\s*\([^()]*", stem_text[previous_end:start])
        if not gloss and key not in ordered:
            ordered.append(key)
        if not gloss:
            previous_end = end
    return ordered


def _answer_type(stem_text: str) -> str | None:
    """The kind of thing a "which ..." question asks for ("node type", "chart type", "AWS service"): the
    words after "which"/"what" up to a verb (a word followed by an object: "which command loads them")."""
    matches = list(
        re.finditer(
            r"\b(?:which|what)(?:'s| is| are)?\s+(?:(?:kind|type|sort)s? of\s+)?(?:the\s+)?"
            r"(?P<rest>[^?.!,;:]*)",
            stem_text,
            re.IGNORECASE,
        )
    )
    if not matches:
        return None
    match = matches[-1]  # the question is asked last: "... no idea which objects get read. Which storage class?"
    written = re.findall(r"[\w\-]+", match.group("rest"))
    tokens = [t.lower() for t in written]
    kind: list[str] = []
    for index, token in enumerate(tokens[:5]):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in _TYPE_STOPS or token in FUNCTION_WORDS or (kind and following in _OBJECT_WORDS):
            break
        if (
            kind
            and token.endswith("s")
            and token not in _KIND_NOUNS
            and not written[index][0].isupper()
            and token[:-1] not in _KIND_NOUNS
            and token[:-2] not in _KIND_NOUNS
        ):
            break  # "which service scans S3": a verb, not part of what is asked for
        kind.append(token)
    useful = [w for w in kind if w not in FUNCTION_WORDS]
    if not useful or all(w in GENERIC_ANSWER_TYPES for w in useful):
        if any(w in ("services", "tools", "products") for w in useful):
            return "services"  # several asked for: a list answers it
        return "service" if any(w in ("service", "tool", "product") for w in useful) else None
    return " ".join(useful)


#: "What must we run?", "what do we install on them?": the verb says the kind of thing asked for.
_KIND_OF_DOING = {"run": "command", "execute": "command", "type": "command", "install": "agent"}
#: The verbs of doing a command, in any form ("which statement should the engineer run").
_RUN_VERBS = re.compile(
    r"\b(?:" + "|".join(v for v, kind in _KIND_OF_DOING.items() if kind == "command") + r")s?\b", re.IGNORECASE
)
_WHAT_IS_DONE = re.compile(
    r"\bwhat\s+(?:do|does|must|should|can|could|would|will|have to|need to)\s+(?:i|we|you|they|one)\s+"
    r"(?:have to\s+|need to\s+)?(?P<verb>"
    + "|".join(_KIND_OF_DOING)
    + r")\b(?!\s+(?:it|them|this|that)\s+(?:as|on|in|with)\b)",
    re.IGNORECASE,
)


#: "One service for both?", "Is there a tool that ...?": the asking sentence names the kind of answer.
_ONE_OF_A_KIND = re.compile(
    r"\b(?:one|a|an|single|any|some)\s+(?:aws\s+)?(?P<kind>service|tool|product)\b", re.IGNORECASE
)


def _kind_done(stem_text: str) -> str | None:
    """The kind of thing a question asks for when no "which ..." names it: from its verb ("what must we
    run?": a command), or a service asked for in its asking sentence ("One service for both?")."""
    match = _WHAT_IS_DONE.search(stem_text)
    if match:
        return _KIND_OF_DOING[match.group("verb").lower()]
    asking = asking_sentence(stem_text)
    # (A question mark left off is put back first: "is there one service for both of those".) "one service for
    # both": a short last sentence that is only the thing asked for.
    asks = asking.rstrip().endswith("?") or (len(asking.split()) <= 6 and bool(_ONE_OF_A_KIND.match(asking.strip())))
    if asks and _ONE_OF_A_KIND.search(asking):
        return "service"
    return None


_CLAIM_SOURCE = re.compile(
    r"^(?:i|we)\s+(?:assume|heard|read|think|believe|was told|were told)(?:\s+that)?\s+", re.IGNORECASE
)


#: "A Redshift developer is testing ...", "Our data team runs ...": a sentence about who is asking sets the scene
#: (a name there only says what they work with); it claims nothing about the name to check.
_SETS_THE_SCENE = re.compile(
    r"^\s*(?:a|an|the|our|my|one|some|two|three|several)\s+(?:[\w\-]+\s+){0,3}?(?:"
    + "|".join(sorted(ACTOR_NOUNS))
    + r")s?\b",
    re.IGNORECASE,
)


def _claims(
    stem_text: str,
    name_keys: set[str] | None = None,
    plain_keys: set[str] | None = None,
    shouted: set[str] | None = None,
) -> list[str]:
    found = []
    # "Task nodes store the HDFS data, so if we scale them in ...", "X is Y, right?"
    tag = _PREMISE_TAG.match(stem_text.strip())
    if tag:
        found.append(tag.group("claim").strip())
    for pattern in (_PREMISE_LEAD, _PREMISE_ASSUME):
        for match in pattern.finditer(stem_text):
            found.append(match.group("claim").strip())
    if not found and name_keys:
        # "EMR spreads the nodes of one cluster across several AZs. How many ...?": a statement about a
        # named thing put before the question (a scenario starts with "We ..." or "A company ...").
        first = re.split(r"(?<=[.!])\s+", stem_text.strip(), maxsplit=1)
        if len(first) == 2 and "?" in first[1]:
            names = find_names(first[0], name_keys, plain=plain_keys, shouted=shouted)
            if names and names[0][1] <= 4 and not _SETS_THE_SCENE.match(first[0]):
                found.append(first[0].rstrip("."))
    # Paths and URLs in a claim ("s3://bucket/tables/month=2024-06/") are examples, not what is claimed;
    # "I read that ..." only says where the claim came from.
    cleaned = [re.sub(r"\s*\S*(?:://|=)\S*", "", c).strip(" ,") for c in found]
    cleaned = [_CLAIM_SOURCE.sub("", c) for c in cleaned]
    return [c for c in dict.fromkeys(cleaned) if len(c.split()) >= 3]


_QUOTED = re.compile(r"[“\"«‘']([^”\"»’']{8,})[”\"»’']")
# Words that only frame a quotation ("Which AWS service matches this description: “...”?").
_FRAMING = frozenset(
    [
        "which",
        "what",
        "who",
        "option",
        "options",
        "service",
        "services",
        "tool",
        "tools",
        "answer",
        "choice",
        "product",
        "feature",
        "term",
        "concept",
        "matches",
        "match",
        "fits",
        "fit",
        "describes",
        "described",
        "description",
        "definition",
        "following",
        "statement",
        "this",
        "that",
        "the",
        "is",
        "are",
        "best",
        "most",
        "a",
        "an",
        "of",
        "by",
        "to",
        "for",
        "in",
        "aws",
        "amazon",
    ]
)


def quoted_subject(question: str) -> str | None:
    """The quotation of a question that only frames one, else None."""
    match = _QUOTED.search(question)
    if not match:
        return None
    outside = question[: match.start()] + " " + question[match.end() :]
    if all(word in _FRAMING for word in words(outside)):
        return match.group(1).strip()
    return None


#: How a question opens when it is one: a question word, or a verb put first ("is there ...", "should we ...").
_OPENS_A_QUESTION = re.compile(
    r"^\W*(?:what|what's|whats|which|how|where|when|why|who|is|are|can|could|should|would|will|do|does|did|"
    r"has|have|shall|must)\b",
    re.IGNORECASE,
)


# A subject pronoun's contraction opens a clause of its own ("which service should do this we'd rather not
# host code"): where a chat message runs two sentences together without a stop, one starts here.
_RUN_ON_CLAUSE = re.compile(r"\b(?P<before>[a-z0-9]+)\s+(?=(?:we|i|you|they)['’](?:d|re|m|ve|ll)\b)", re.IGNORECASE)


def _run_on_clauses(text: str) -> list[str]:
    """A chat message's sentences where they run together without a stop (see _RUN_ON_CLAUSE)."""
    clauses, start = [], 0
    for match in _RUN_ON_CLAUSE.finditer(text):
        if match.group("before").lower() not in CLAUSE_JOINERS:
            clauses.append(text[start : match.end("before")])
            start = match.end()
    return [*clauses, text[start:]]


def _with_question_mark(text: str) -> str:
    """The question with the question mark learners often leave off ("what should we point hive at"): its last
    sentence, when it opens as a question does, ends with one; a message with no question mark and no stop at
    its end ("cheaper place to keep them") asks with its last sentence. Sentences run together are parted."""
    if "?" in text or not text.strip():
        return text
    clauses = _run_on_clauses(text.strip())
    for index, clause in enumerate(clauses[:-1]):
        clauses[index] = clause + ("?" if _OPENS_A_QUESTION.match(clause) else ".")
    text = " ".join(clauses)
    stripped = text.rstrip(" .!")
    sentences = re.split(r"(?<=[.!?])\s+|\n+", stripped)
    # A situation, then a last sentence left unfinished: that sentence is what the message asks.
    asks_last = len(sentences) > 1 and "?" not in stripped and text.rstrip()[-1:].isalnum()
    return stripped + "?" if _OPENS_A_QUESTION.match(sentences[-1]) or asks_last else text


def understand(question: str, history: list[dict] | None, names: NameIndex | None = None) -> Query:
    """Read a (cleaned) question in the context of the conversation, knowing the notes' names."""
    quoted = quoted_subject(question)
    if quoted:
        # "Which option matches this description: “...”?": the quotation is what is asked about.
        query = understand(quoted, None, names)
        query.kind, query.text = "choice", question
        return query
    name_keys = names.all_keys if names is not None else set()
    plain_keys = names.plain_keys if names is not None else set()
    shouted = names.shouted_keys if names is not None else set()
    stem_text, options = pasted_options(question)
    stem_text = _with_question_mark(stem_text)
    previous = previous_question(history)
    follow_up = (
        bool(previous) and not options and is_follow_up(stem_text) and not _asks_what_a_name_is(stem_text, names)
    )
    scope = f"{previous} {stem_text}" if follow_up else stem_text
    negated = negated_terms(stem_text)
    if names is not None and negated:
        # "does not store HDFS data": what is ruled out includes the other spellings of a name it rules out.
        for key, _, _ in find_names(stem_text, name_keys, shouted=shouted):
            entity = names.entity(key)
            if entity is not None and set(key.split()) <= negated:
                for spelling in entity.spellings:
                    negated |= set(tokenize(spelling)) - {"aws", "amazon"}
    weights: dict[str, float] = {}
    setting_aside = follow_up and bool(_CONTRAST.search(stem_text))
    if follow_up and previous:
        # The earlier question is context; when the follow-up changes the situation ("instead", "what if"),
        # its demands count for less.
        for term in tokenize(previous):
            weights[term] = 0.25 if setting_aside else 0.5
    for term in tokenize(stem_text):
        weights[term] = 0.0 if term in negated else 1.0
    weights = {t: w for t, w in weights.items() if w > 0}
    subjects = [key for key, _, _ in find_names(stem_text, name_keys, plain=plain_keys, shouted=shouted)]
    if follow_up and previous:
        subjects += [
            k for k, _, _ in find_names(previous, name_keys, plain=plain_keys, shouted=shouted) if k not in subjects
        ]
    expansions: list[str] = []
    acronyms: list[str] = []
    for _, _, expanded in _acronym_spans(stem_text, name_keys, names):
        if expanded not in acronyms:
            acronyms.append(expanded)
            expansions.append(names.display(expanded) if names is not None else expanded)
    subjects += [k for k in acronyms if k not in subjects]
    layout = partition_layout(stem_text)
    if layout:
        # Folder names say how a table is partitioned, in the words notes use for it.
        expansions.append(layout)
        for term in tokenize(layout):
            weights.setdefault(term, 1.0)
    alternatives = _alternatives(stem_text, name_keys, plain_keys, shouted)
    named = len(
        set(subjects) | {k for k, _, _ in find_names(stem_text, name_keys, shouted=shouted)}
        if _COMPARISON.search(stem_text)
        else set(subjects)
    )
    kind = _kind(stem_text, options, subjects, alternatives, follow_up and bool(_CHOICE.search(scope)), named)
    replaces_previous = follow_up and bool(_REPLACES.search(stem_text))
    # A follow-up keeps the kind the earlier question asked for ("Which service ...?" "and if it must be cheap?"),
    # unless it asks for something else instead: the earlier kind word was said of the earlier need.
    inherited = _answer_type(previous) if follow_up and previous and not replaces_previous else None
    answer_type = _answer_type(stem_text) or _kind_done(stem_text) or inherited
    if answer_type and answer_type.split()[-1] == "statement" and _RUN_VERBS.search(stem_text):
        answer_type = "command"  # "which statement should the engineer run": a SQL statement is a command
    asks_list = False
    if (
        kind == "choice"
        and answer_type
        and re.search(r"(?<!s)s$", answer_type.split()[-1])
        and answer_type.split()[-1] not in ("class", "process", "access", "status", "analysis", "series")
    ):
        kind = "fact"  # "Which compression formats ...?" asks for a list: the line that gives it
        asks_list = True
    if kind in ("explanation", "comparison", "howto"):
        # A question about a term names it in lower case too ("explain partitioning").
        subjects = _names_in_order(stem_text, name_keys, shouted, names) or subjects
    picks = 1
    if options:
        # "(Select TWO.)" may come before the options or after the last one (found by its last word: an option
        # that wrapped onto a second line is joined with a space, so its whole text is not in the question).
        last_word = options[-1].text.split()[-1]
        after_options = question[question.rfind(last_word) + len(last_word) :]
        count = _PICK_COUNT.search(stem_text) or _PICK_COUNT.search(after_options)
        if count:
            picks = _COUNTS[(count.group("n") or count.group("m")).lower()]
    option_text = " ".join(o.text for o in options)
    return Query(
        text=question,
        stem=stem_text,
        kind=kind,
        retrieval_text=" ".join(
            [previous or ""] * follow_up + [stem_text] + [option_text] * bool(options) + expansions
        ).strip(),
        focus_text=stem_text,
        follow_up=follow_up,
        stands_alone=follow_up and _stands_alone(stem_text),
        previous_question=previous if follow_up else None,
        previous_answer=previous_answer(history) if follow_up else None,
        setting_aside_previous=setting_aside,
        rules_out_previous=replaces_previous,
        options=options,
        picks=picks,
        alternatives=alternatives,
        subjects=subjects,
        negated=negated,
        asks_where=bool(re.search(r"\bwhere\b", stem_text, re.IGNORECASE)),
        amount=None if options else asked_amount(stem_text),
        answer_type=answer_type,
        asks_list=asks_list,
        asks_remedy=bool(_ASKS_REMEDY.search(stem_text)),
        parts=_parts_asked(stem_text) if kind == "explanation" else None,
        sides=_sides(stem_text) if kind == "comparison" else [],
        claims=_claims(stem_text, name_keys, plain_keys, shouted) if not options else [],
        weights=weights,
    )


def _alternatives(
    text: str, name_keys: set[str], plain_keys: set[str] | None = None, shouted: set[str] | None = None
) -> list[str]:
    """ "EMR or Glue", "MSK or Kinesis": the names a choice is between, when they stand beside the "or"."""
    found = find_names(text, name_keys, plain=plain_keys, shouted=shouted)
    for first, second in pairwise(found):
        between = text[first[2] : second[1]].strip().lower()
        if between in ("or", "vs", "vs.", "versus", "or the", "or an", "or a") and first[0] != second[0]:
            return [first[0], second[0]]
    return []


_PARTS_OF = re.compile(
    r"(?:the )?(?:(?:key|main|core|different|basic) )?(?:components|parts|features|types|kinds|"
    r"steps|stages|elements|building blocks|capabilities|benefits) of\b",
    re.IGNORECASE,
)
#: "What is the purpose of X?", "the meaning of X": X explained, not a fact about it.
_PURPOSE_OF = re.compile(
    r"(?:the )?(?:(?:main|primary|real) )?(?:purpose|point|role|meaning|definition|job|function) of\b", re.IGNORECASE
)


def _parts_asked(stem_text: str) -> str | None:
    """The kind of part a question asks X to be explained by, stemmed: "the key components of X" -> "compon"."""
    found = _PARTS_OF.search(stem_text)
    if not found:
        return None
    return stem(found.group(0).split()[-2].lower())  # the noun before "of"


# The two things a comparison is between, as written: "the difference between A and B", "compare A with B",
# "A vs B". Each side is a short phrase; what it names is looked up later (a table's columns, say).
_SIDES = re.compile(
    r"\bdifferen(?:ce|ces) between (?P<a>[^?.!,;]{2,50}?) and (?P<b>[^?.!,;]{2,50}?)\s*(?:[?.!,;]|$)"
    r"|\bcompar(?:e|ing) (?P<c>[^?.!,;]{2,50}?) (?:and|with|to|vs\.?|versus) (?P<d>[^?.!,;]{2,50}?)\s*(?:[?.!,;]|$)"
    r"|(?P<e>[^?.!,;]{2,50}?) (?:vs\.?|versus) (?P<f>[^?.!,;]{2,50}?)\s*(?:[?.!,;]|$)",
    re.IGNORECASE,
)


def _sides(stem_text: str) -> list[str]:
    found = _SIDES.search(stem_text)
    if not found:
        return []
    pair = [group for group in found.groups() if group]
    # "What's the difference between RDS Multi-AZ and read replicas": the words of each side only.
    cleaned = [re.sub(r"^(?:the|an?|using|between)\s+", "", side.strip(), flags=re.I) for side in pair[:2]]
    return cleaned if len(cleaned) == 2 and all(cleaned) else []


_ASKS_TO_EXPLAIN = re.compile(
    r"^\s*(?:(?:can|could) (?:you|someone) )?(?:please )?(?:explain|describe|define)\b|"
    r"^\s*tell me (?:more )?about\b|^\s*give me (?:a |an )?(?:rundown|overview)\b",
    re.IGNORECASE,
)


def _kind(
    stem_text: str,
    options: list[Option],
    subjects: list[str],
    alternatives: list[str],
    choice_context: bool,
    named: int = 0,
) -> str:
    if options:
        return "multiple_choice"
    if _ASKS_TO_EXPLAIN.search(stem_text) and not _COMPARISON.search(stem_text):
        return "explanation"  # "Explain what the leader node does": asked to explain, whatever it names
    parts = _EXPLANATION.search(stem_text)
    if parts and parts.group("subject") and _PARTS_OF.match(parts.group("subject")):
        return "explanation"  # "What are the main components of X?": X explained part by part
    if _COMPARISON.search(stem_text) and (
        named >= 2 or alternatives or re.search(r"\bvs\.?\b|\bversus\b", stem_text, re.I) or _sides(stem_text)
    ):
        return "comparison"
    if _HOWTO.search(stem_text) and not _CHOICE.search(stem_text):
        return "howto"
    yes_no = bool(_YES_NO.match(stem_text)) and not re.search(r"\bor\s+(?:\S+\s+){0,3}\S+\?\s*$", stem_text)
    if yes_no:
        return "fact"  # "Can compressed CSV or JSON files be split?" asks yes or no, not which
    if _CHOICE.search(stem_text) or alternatives or choice_context:
        return "choice"
    explanation = _EXPLANATION.search(stem_text)
    if explanation:
        subject = explanation.group("subject") or ""
        # "What is the default file system on EMR?" asks for a fact about EMR, not to explain it; "what are
        # the main components of X?" asks to explain X part by part.
        if (
            _PARTS_OF.match(subject)
            or _PURPOSE_OF.match(subject)
            or not re.search(
                r"\b(?:of|on|in|for|that|which|behind|under|underneath|inside|by|when|to|with)\b",
                subject,
                re.IGNORECASE,
            )
        ):
            return "explanation"
        return "fact"
    if _HOWTO.search(stem_text):
        return "howto"
    return "fact"
