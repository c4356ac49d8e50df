"""General English for practice stems: verb forms, noun forms, asides, and reading what a line of notes
says a thing does as a requirement that can be put in other words.

Practice (assistant/practice.py) turns "Task Nodes: Amplify processing power without participating in
the distributed file system." into "... needs a node type that can amplify processing power. It must not
participate in the distributed file system. ..." - a requirement, not the line. Everything here is
general English (word shapes, function words, a few irregular verbs); nothing is taken from any notes.
Word frequencies (wordfreq, via assistant/vocabulary.py) decide between candidate word forms.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .vocabulary import FUNCTION_WORDS, MODAL_VERBS, english_frequency, large_english_table

logger = logging.getLogger(__name__)

#: A word form at least this common in English is taken to exist (Zipf scale): "scan" 3.6, "migrate" 3.4;
#: misspelt candidates like "scann" or "migrat" read 0.
KNOWN_WORD_ZIPF = 2.0

#: Irregular past participles of verbs that notes use (general English).
_IRREGULAR_PARTICIPLES = {
    "be": "been",
    "begin": "begun",
    "bring": "brought",
    "build": "built",
    "buy": "bought",
    "choose": "chosen",
    "do": "done",
    "draw": "drawn",
    "drive": "driven",
    "feed": "fed",
    "find": "found",
    "get": "got",
    "give": "given",
    "go": "gone",
    "grow": "grown",
    "have": "had",
    "hide": "hidden",
    "hold": "held",
    "keep": "kept",
    "know": "known",
    "lay": "laid",
    "lead": "led",
    "leave": "left",
    "lend": "lent",
    "let": "let",
    "lose": "lost",
    "make": "made",
    "mean": "meant",
    "meet": "met",
    "pay": "paid",
    "put": "put",
    "read": "read",
    "rebuild": "rebuilt",
    "rewrite": "rewritten",
    "run": "run",
    "say": "said",
    "see": "seen",
    "seek": "sought",
    "sell": "sold",
    "send": "sent",
    "set": "set",
    "show": "shown",
    "shut": "shut",
    "spend": "spent",
    "split": "split",
    "spread": "spread",
    "take": "taken",
    "teach": "taught",
    "tell": "told",
    "think": "thought",
    "throw": "thrown",
    "understand": "understood",
    "undo": "undone",
    "upset": "upset",
    "win": "won",
    "withdraw": "withdrawn",
    "write": "written",
    "cut": "cut",
    "hit": "hit",
    "shed": "shed",
    "bind": "bound",
    "wind": "wound",
}
_IRREGULAR_THIRD = {"be": "is", "have": "has", "do": "does", "go": "goes", "undo": "undoes"}

#: Nouns for people: "for non-technical data analysts" names who uses a thing.
PEOPLE_NOUNS = frozenset(
    [
        "analyst",
        "analysts",
        "user",
        "users",
        "developer",
        "developers",
        "engineer",
        "engineers",
        "administrator",
        "administrators",
        "admin",
        "admins",
        "operator",
        "operators",
        "team",
        "teams",
        "scientist",
        "scientists",
        "customer",
        "customers",
        "consumer",
        "consumers",
        "client",
        "clients",
        "leader",
        "leaders",
        "manager",
        "managers",
        "stakeholder",
        "stakeholders",
        "staff",
        "employee",
        "employees",
        "partner",
        "partners",
        "provider",
        "providers",
        "producer",
        "producers",
        "reader",
        "readers",
        "people",
        "person",
        "persons",
        "student",
        "students",
        "auditor",
        "auditors",
        "owner",
        "owners",
        "member",
        "members",
        "subscriber",
        "subscribers",
        "publisher",
        "publishers",
        "viewer",
        "viewers",
        "architect",
        "architects",
        "tester",
        "testers",
        "designer",
        "designers",
        "beginner",
        "beginners",
        "expert",
        "experts",
    ]
)

#: Prepositions and conjunctions that end an object phrase ("scan S3 buckets | for sensitive data").
PHRASE_BREAKS = frozenset(
    [
        "for",
        "to",
        "with",
        "without",
        "in",
        "on",
        "into",
        "onto",
        "from",
        "across",
        "over",
        "under",
        "within",
        "between",
        "before",
        "after",
        "by",
        "via",
        "through",
        "using",
        "when",
        "if",
        "while",
        "whereas",
        "because",
        "so",
        "that",
        "which",
        "where",
        "and",
        "or",
        "but",
        "than",
        "as",
        "at",
        "per",
        "against",
        "during",
        "until",
        "unless",
    ]
)

#: Adverbs that qualify a requirement without being one ("Directly", "Continuously").
_LEADING_ADVERB = re.compile(r"^(?P<adverb>[A-Za-z]+ly)\s+", re.IGNORECASE)

_ASIDE = re.compile(r"\s*\([^()]*\)")
#: A quoted message ("connect() failed (111: Connection refused)"): what was seen, kept whole.
_QUOTED = re.compile(r'("[^"]*"|“[^”]*”)')
_EXAMPLE_TAIL = re.compile(r",?\s*\b(?:e\.g\.|eg\.|i\.e\.|for example|for instance)(?=[\s,:])[^.;]*", re.IGNORECASE)
# "such as clickstreams, logs and events": a list of examples (one example, "like PII", stays: it says what).
#: "X, e.g. `x=1`, is a hard cap": an example set off by commas inside a sentence, its verb after it.
_EXAMPLE_INSIDE = re.compile(
    r",\s*(?:e\.g\.|i\.e\.|for example)\s+[^,.;]{1,40},\s+(?=(?:is|are|was|were|has|have|can|will|[a-z]+s)\b)",
    re.IGNORECASE,
)
_ETC = re.compile(r",?\s*\betc\b\.?", re.IGNORECASE)


# --- word forms ------------------------------------------------------------------------------------


def known(word: str) -> float:
    """How common a lower-case English word is (Zipf; 0 when unknown): wordfreq's small list, then its large
    list for rarer forms ("querying", "ingesting")."""
    low = word.lower()
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", low):
        return 0.0
    return english_frequency(low) or large_english_table().get(low, 0.0)


@lru_cache(maxsize=8192)
def base_of(word: str) -> str | None:
    """The base form of a verb in "-s", "-ing" or "-ed": "scans" -> "scan", "migrating" -> "migrate",
    "copies" -> "copy", "stored" -> "store". None when no candidate is an English word."""
    low = word.lower()
    candidates: list[str] = []
    if low.endswith("ies") and len(low) > 4:
        candidates += [low[:-3] + "y"]
    if low.endswith("es") and len(low) > 3:
        candidates += [low[:-2], low[:-1]]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 2:
        candidates += [low[:-1]]
    if low.endswith("ing") and len(low) > 5:
        stem_ = low[:-3]
        candidates += [stem_, stem_ + "e"]
        if len(stem_) > 2 and stem_[-1] == stem_[-2]:
            candidates.append(stem_[:-1])  # "scanning" -> "scan"
        if stem_.endswith("y"):
            candidates.append(stem_)
    if low.endswith("ied") and len(low) > 4:
        candidates.append(low[:-3] + "y")
    if low.endswith("ed") and len(low) > 4:
        stem_ = low[:-2]
        candidates += [stem_, stem_ + "e", low[:-1]]
        if len(stem_) > 2 and stem_[-1] == stem_[-2]:
            candidates.append(stem_[:-1])
    for base, participle in _IRREGULAR_PARTICIPLES.items():
        if participle == low:
            candidates.append(base)
    scored = [(known(c), c) for c in dict.fromkeys(candidates) if c not in FUNCTION_WORDS]
    scored = [(z, c) for z, c in scored if z >= KNOWN_WORD_ZIPF]
    return max(scored)[1] if scored else None


def third_person(base: str) -> str:
    """ "scan" -> "scans", "copy" -> "copies", "push" -> "pushes", "do" -> "does"."""
    low = base.lower()
    if low in _IRREGULAR_THIRD:
        return _IRREGULAR_THIRD[low]
    if re.search(r"[^aeiou]y$", low):
        return base[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh|o)$", low):
        return base + "es"
    return base + "s"


def past_participle(base: str) -> str:
    """ "scan" -> "scanned", "store" -> "stored", "copy" -> "copied", "keep" -> "kept"."""
    low = base.lower()
    if low in _IRREGULAR_PARTICIPLES:
        return _IRREGULAR_PARTICIPLES[low]
    if low.endswith("e"):
        return base + "d"
    if re.search(r"[^aeiou]y$", low):
        return base[:-1] + "ied"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", low) and len(low) <= 4:
        return base + base[-1] + "ed"  # "scan" -> "scanned", "stop" -> "stopped"
    return base + "ed"


def gerund(base: str) -> str:
    """ "scan" -> "scanning", "store" -> "storing", "query" -> "querying"."""
    low = base.lower()
    if low.endswith("ie"):
        return base[:-2] + "ying"
    if low.endswith("e") and not low.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", low) and len(low) <= 4:
        return base + base[-1] + "ing"
    return base + "ing"


def singular(noun: str) -> str:
    """ "Types" -> "Type", "Classes" -> "Class", "Policies" -> "Policy"; words that are not plurals stay."""
    low = noun.lower()
    if len(low) <= 3 or low.endswith(("ss", "us", "is")) or not low.endswith("s"):
        return noun
    candidates = []
    if low.endswith("ies"):
        candidates.append(noun[:-3] + ("Y" if noun[-3:].isupper() else "y"))
    if low.endswith("es"):
        candidates.append(noun[:-2])
    candidates.append(noun[:-1])
    best = max(candidates, key=lambda c: (known(c) >= KNOWN_WORD_ZIPF, known(c), -candidates.index(c)))
    return best


#: Nouns that only measure out another ("a piece of storage", "a kind of index"): the genus is what follows "of".
_PARTITIVES = frozenset({"piece", "kind", "type", "sort", "form", "variety", "bit", "part"})
_PARTICIPLE_FORMS = frozenset(_IRREGULAR_PARTICIPLES.values()) | {"shown", "left", "known", "given", "run"}
#: What follows a participle that opens a reduced relative clause: "used to ...", "shown when ...", "left with".
_AFTER_PARTICIPLE = PHRASE_BREAKS | {"."}
_ADJECTIVE_ENDINGS = ("ed", "able", "ible", "ive", "al", "ful", "ous", "less", "ic", "ary", "only", "ing")


def genus(definition: str) -> str | None:
    """The kind of thing a definition says its term is: the head noun of its opening noun phrase, in the
    singular ("A controller that runs one copy ..." -> "controller", "a movable, human-readable label for ..."
    -> "label", "A piece of storage in the cluster" -> "storage"). None when the definition opens with a verb
    ("Opens the same port ...") or no noun can be told apart."""
    text = _ASIDE.sub("", definition).strip()
    tokens = re.findall(r"[A-Za-z][A-Za-z0-9'\-]*|[,;:.\u2014\u2013]", text)
    if not tokens:
        return None
    start = 1 if tokens[0].lower() in ("a", "an", "the", "one") else 0
    if start == 0 and looks_like_verb(tokens[0], *(tokens[1:3])):
        return None  # "Describes a type of storage": says what it does, not what it is
    phrase: list[str] = []
    index = start
    while index < len(tokens) and len(phrase) < 5:
        token = tokens[index]
        low = token.lower()
        if token == ",":
            # "a movable, human-readable label": a comma between adjectives goes on; one after a noun ends it.
            if phrase and phrase[-1].lower().endswith(_ADJECTIVE_ENDINGS) or phrase and "-" in phrase[-1]:
                index += 1
                continue
            break
        if not re.match(r"[A-Za-z]", token):
            break
        if low in ("or", "and") and phrase:
            index += 1  # "a host file or directory": the last of the coordinated nouns is the head
            phrase.append(token)
            continue
        if low in FUNCTION_WORDS or low in PHRASE_BREAKS:
            break
        participle = low in _PARTICIPLE_FORMS or low.endswith("ed")
        if phrase and participle and (index + 1 == len(tokens) or tokens[index + 1].lower() in _AFTER_PARTICIPLE):
            break  # "a virtual partition of a cluster used to ...", "status shown when ..."
        phrase.append(token)
        index += 1
    words = [w for w in phrase if w.lower() not in ("or", "and")]
    if not words:
        return None
    head = singular(words[-1]).lower()
    if start == 0 and len(words) > 1 and words[0].lower().endswith("ing") and head != words[-1].lower():
        return None  # "Running stateless applications": an activity, what it is for ("Caching layer" is a layer)
    following = tokens[index + 1] if index + 1 < len(tokens) and tokens[index].lower() == "of" else None
    if head in _PARTITIVES and following:
        return genus(" ".join(tokens[index + 1 :]))
    if head in FUNCTION_WORDS or known(head) < 2.5 or head.endswith("ly"):
        return None
    if start == 0 and head.endswith(_ADJECTIVE_ENDINGS) and len(words) == 1:
        return None  # "Ideal for ...", "Useful when ...": a quality, not a kind
    return head


def article(phrase: str) -> str:
    """ "a" or "an" for a phrase ("an ETL job", "a SQL-like interface" is read as "a sequel")."""
    word = phrase.strip().split()[0] if phrase.strip() else ""
    if not word:
        return "a"
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" and word[0] != "U" else "a"
    return (
        "an"
        if word[0].lower() in "aeio" or (word[0].lower() == "u" and not word.lower().startswith(("uni", "use", "usu")))
        else "a"
    )


def looks_like_verb(word: str, following: str = "", after: str = "") -> str | None:
    """The base form if `word` (the first of a phrase) reads as a verb: a third-person "-s" form not
    followed by an auxiliary ("Scans S3 buckets", not "Logs are kept"), or a base form whose "-ing"
    form is about as common as the word ("Track trends", not "Data warehousing"). None otherwise.
    `following` is the next word, `after` the one after it."""
    low = word.lower()
    if not re.fullmatch(r"[a-z]+", low) or len(low) < 3 or low in FUNCTION_WORDS:
        return None
    nxt = following.lower()
    if low.endswith("s") and not low.endswith("ss"):
        base = base_of(low)
        if nxt in _AUXILIARIES or not base:
            return None
        if nxt.endswith("ing") and "-" not in nxt and nxt not in ("string", "thing", "nothing", "everything"):
            # ("protects slow-starting containers": a hyphenated -ing word is an adjective, read on below)
            # "Simplifies monitoring" (a verb taking an activity), not "Logs streaming".
            return base if base.endswith(("ify", "ize", "ise", "ate")) else None
        if nxt in ("and", "or"):
            # "Scans and identifies ...": a verb when the next word is one too.
            return base if after and looks_like_verb(after) else None
        strength = known(gerund(base))
        if nxt in PHRASE_BREAKS:  # "Integrates with" is a verb, "Services for" a noun: the verb must be common
            return base if strength >= 3.0 and strength >= known(base) - 1.5 else None
        return base if strength >= KNOWN_WORD_ZIPF else None
    if len(low) > 5 and low.endswith(("ize", "ify")) and nxt not in ("of", "is", "are", "-") and known(low) >= 2.0:
        return low  # "Centralize metadata", "Simplify monitoring": these endings make verbs
    if nxt in ("and", "or"):
        # "Process and schedule events", "Receive and route events": a verb when the next word is one too and
        # its own "-ing" form is common (checked before the endings below: "receive" ends like "active").
        return low if after and looks_like_verb(after) and known(gerund(low)) >= KNOWN_WORD_ZIPF + 0.4 else None
    if len(low) > 5 and low.endswith(
        (
            "ing",
            "ed",
            "ly",
            "al",
            "ive",
            "ous",
            "ic",
            "less",
            "ful",
            "ent",
            "ant",
            "ary",
            "ory",
            "ble",
            "ical",
            "tion",
            "sion",
            "ment",
            "ness",
            "ity",
            "ance",
            "ence",
            "ist",
        )
    ):
        return None  # adjective and noun endings ("give" and "need" are too short to tell)
    if nxt in ("of", "is", "are", "was", "were", "can", "-"):
        return None  # "Workflow of ...", "Logs are ..."
    strength, own = known(gerund(low)), known(low)
    if nxt.endswith("ing"):
        # "Event processing" is a noun phrase; "Amplify processing power" starts with a verb-only word.
        return low if low.endswith(("ify", "ize", "ise", "ate")) and strength >= own - 0.5 and own else None
    if strength >= KNOWN_WORD_ZIPF + 0.4 and own >= KNOWN_WORD_ZIPF and strength >= own - 1.5:
        return low
    return None


_AUXILIARIES = frozenset(
    [
        "are",
        "were",
        "is",
        "was",
        "can",
        "could",
        "will",
        "would",
        "must",
        "should",
        "may",
        "might",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
    ]
)


# --- phrases ---------------------------------------------------------------------------------------


# A space left before a stop where an aside was cut ("Enable it (once) ."), not a path or flag that starts with
# one ("git worktree add ../hotfix", "ls .config"): the stop ends the word.
_SPACE_BEFORE_STOP = re.compile(r"\s+([,.;:])(?=\s|$)")


def has_aside(stem: str) -> bool:
    """Brackets in a stem outside a quoted message: an aside ("(not likely on exams)"); an error message the
    notes quote ("(24: Too many open files)") is what is seen."""
    return bool(re.search(r"[()\[\]]", _QUOTED.sub("", stem)))


def without_asides_outside_quotes(text: str) -> str:
    """A text without its bracketed asides, quoted messages kept whole."""
    parts = _QUOTED.split(text)
    kept = "".join(part if index % 2 else _ASIDE.sub("", part) for index, part in enumerate(parts))
    return re.sub(r"\s+", " ", _SPACE_BEFORE_STOP.sub(r"\1", kept)).strip()


def strip_asides(text: str) -> str:
    """A line without bracketed asides, "e.g." lists and "etc.": what it says, not its examples."""
    previous = None
    while previous != text:
        previous, text = text, _ASIDE.sub("", text)
    text = _EXAMPLE_INSIDE.sub(" ", text)
    text = _EXAMPLE_TAIL.sub("", text)
    text = _without_example_lists(text)
    text = _ETC.sub("", text)
    text = _SPACE_BEFORE_STOP.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:-")


_LIST_LEAD = re.compile(r",?\s+\b(?:such as|like|including)\s+", re.IGNORECASE)
_LIST_STOP = frozenset(
    [
        "to",
        "for",
        "with",
        "in",
        "on",
        "into",
        "from",
        "which",
        "that",
        "by",
        "before",
        "after",
        "so",
        "because",
        "while",
        "when",
        "where",
    ]
)


def _without_example_lists(text: str) -> str:
    """ "real-time data such as clickstreams, logs, telemetry and game events." -> "real-time data.": a list of
    two or more examples goes; one example ("like PII") says what is meant and stays."""
    while True:
        match = None
        for candidate in _LIST_LEAD.finditer(text):
            rest = text[candidate.end() :]
            if re.match(r"[^.;]*?,", rest):
                match = candidate
                break
        if match is None:
            return text
        rest = text[match.end() :]
        words = re.findall(r"\S+", rest)
        end = 0
        consumed = 0
        seen_list = False
        last_item = False
        for word in words:
            bare = word.strip(",.;").lower()
            if bare in _LIST_STOP and seen_list:
                break
            consumed += 1  # noqa: SIM113 - counts only the words taken before a stop word
            end = rest.find(word, end) + len(word)
            if last_item and word.endswith(","):
                end -= 1  # "such as A, B or C, X is ...": the comma after the last item ends the list
                break
            if word.endswith(",") or bare in ("and", "or"):
                seen_list = True
            if bare in ("and", "or"):
                last_item = True
            if word.endswith((".", ";")):
                break
        tail = rest[end:]
        if rest[:end].rstrip().endswith((".", ";")):
            tail = rest[:end].rstrip()[-1] + tail
        text = text[: match.start()] + tail


def plain_words(text: str) -> list[str]:
    """Lower-case words as written (no stemming): what a copied run is counted in."""
    return re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())


def longest_shared_run(text: str, other: str) -> int:
    """The longest run of consecutive words two texts share (as written, case aside), counted in content
    words: "a piece of storage in the cluster" is a run of three ("piece", "storage", "cluster")."""
    a, b = plain_words(text), plain_words(other)
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        weight = 0 if x in FUNCTION_WORDS else 1
        for j, y in enumerate(b, start=1):
            if x == y:
                # A run goes on through function words; it only counts the content words it holds.
                current[j] = (
                    (previous[j - 1] if previous[j - 1] >= 0 else 0) + weight if previous[j - 1] or weight else 0
                )
                best = max(best, current[j])
            else:
                current[j] = 0
        previous = current
    return best


def sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str, is_name=None) -> str:
    """Lower-case the first word unless it is a name: an acronym, CamelCase, or (by `is_name(word)`, else
    by being rare in English) a word the notes capitalise as a name. "A team" -> "a team"."""
    words = text.split(" ", 1)
    if not words or not words[0]:
        return text
    first = words[0]
    if first in ("A", "An", "The", "I"):
        return " ".join([first.lower()] + words[1:]) if first != "I" else text
    if (first.isupper() and len(first) > 1) or re.search(r"[a-z][A-Z]|\d", first):
        return text
    name = is_name(first) if is_name is not None else first[:1].isupper() and known(first) < KNOWN_WORD_ZIPF + 1
    if name:
        return text
    return " ".join([first[:1].lower() + first[1:]] + words[1:])


def lower_words(text: str, is_name) -> str:
    """A title-case phrase in running text: "Exporting Logs" -> "exporting logs", names kept."""
    out = []
    for word in text.split():
        keep = (word.isupper() and len(word) > 1) or re.search(r"[a-z][A-Z]|\d", word) or is_name(word)
        out.append(word if keep else word[:1].lower() + word[1:])
    return " ".join(out)


#: Endings of nouns that take no article in "needs ___" (mass nouns, activities): "needs temporary storage".
_MASS_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ics", "ysis", "age", "ance", "ence", "ware", "ship")


def _plural_noun(word: str) -> bool:
    word = re.sub(r"[^a-z0-9\-]", "", word.lower())
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def is_superlative(word: str) -> bool:
    """ "lowest", "largest", "biggest": an everyday adjective's -est form (not "forest", "honest", "interest")."""
    low = word.lower()
    if len(low) < 6 or not low.endswith("est"):
        return False
    stems = [low[:-3], low[:-2]] + ([low[:-4]] if low[-4] == low[-5] else [])
    return any(len(b) >= 3 and b not in FUNCTION_WORDS and known(b) >= 4.5 for b in stems)


def with_article(phrase: str) -> str:
    """A noun phrase as the object of "needs": "a marketplace", "an open-source framework", but "temporary
    storage", "built-in integrations", "workflow management and orchestration"."""
    words = plain_words(phrase)
    if not words:
        return phrase
    if words[0] in ("a", "an", "the", "some", "any", "one", "each", "every", "its", "their", "your", "our", "no"):
        return phrase
    if is_superlative(words[0]):
        return f"the {phrase}"  # one thing is the lowest: "the lowest cost per GB", never "a lowest cost"
    head_part = re.split(r"\s+(?:on|in|for|of|with|to|from|at|by|across|over)\s+", phrase.lower())[0]
    head_words = head_part.split()
    head = re.sub(r"[^a-z0-9\-]", "", head_words[-1]) if head_words else words[-1]
    coordinated = re.search(r"\s(?:and|or)\s(?P<last>.+)$", head_part)
    if (
        coordinated
        and len(coordinated.group("last").split()) >= 2
        and not _plural_noun(head_part[: coordinated.start()].split()[-1])
        and not _plural_noun(head)
    ):
        coordinated = None  # "low or no-code tool", "data analysis and visualization tool": one singular head
    if coordinated or (head.endswith("s") and not head.endswith(("ss", "us", "is"))):
        return phrase
    if head.endswith("ing") or head.endswith(_MASS_ENDINGS) and known(head + "s") < known(head) - 0.7:
        return phrase  # "temporary storage", "workflow orchestration": no article; "an application" has one
    return f"{article(phrase)} {phrase}"


def swapped(phrase: str) -> str | None:
    """A phrase with its two coordinated parts swapped, keeping its meaning: two verb phrases ("scan X and
    alert Y" -> "alert Y and scan X"), two objects of one verb ("display A or B" -> "display B or A"), two
    noun phrases ("A and B" -> "B and A"). None when it has no such parts."""
    match = re.match(r"^(?P<a>[^,]+?)\s+(?P<c>and|or)\s+(?P<b>[^,]+)$", phrase)
    if not match:
        return None
    a, conj, b = match.group("a"), match.group("c"), match.group("b")
    a_words, b_words = a.split(), b.split()
    if len(a_words) > 8 or len(b_words) > 8:
        return None
    a_verb = looks_like_verb(a_words[0], a_words[1] if len(a_words) > 1 else "")
    b_verb = looks_like_verb(b_words[0], b_words[1] if len(b_words) > 1 else "")
    if a_verb and b_verb:
        if re.search(r"\b(?:when|if|because|while|that|which|where|whenever|unless)\b", a, re.IGNORECASE):
            return None  # "replace X when another resource or attribute changes": the "or" is inside the clause
        if len(a_words) <= 2 and len(b_words) > 1:
            # "scan and identify X" -> "identify and scan X"; "spin up and tear down with Y" -> "tear down and
            # spin up with Y": the verbs share what follows.
            head = b_words[:2] if len(b_words) > 2 and b_words[1].lower() in _PARTICLES else b_words[:1]
            rest = b_words[len(head) :]
            return " ".join(head + [conj] + a_words + rest)
        return f"{b} {conj} {a}"
    if a_verb and not b_verb and len(a_words) >= 2:
        if (
            re.search(r"\b(?:to|for|with|in|on|from|into|by|of)\b", " ".join(a_words[1:]))
            or re.search(r"\b(?:to|for|with|in|on|from|into|by)\b", b)
            or len(b_words) > 4
        ):
            return None  # "install on X or on Y servers", "allow A to do B and C": not two plain objects
        return f"{a_words[0]} {b} {conj} {' '.join(a_words[1:])}"
    if not a_verb:
        if re.search(r"\b(?:to|for|with|in|on|from|into|by|and|or)\b", b) or re.search(
            r"\b(?:to|for|with|in|on|from|into|by)\b", a
        ):
            return None  # "video and other media from cameras and devices": the parts do not stand alone
        return f"{b} {conj} {a}"
    return None


#: Verbs of being rather than doing: "X exists as ...", "X belongs to ..." say what X is, not what it does.
_STATE_VERBS = frozenset(["exist", "seem", "appear", "remain", "belong", "become", "be", "consist"])

_PARTICLES = frozenset(["up", "down", "out", "in", "off", "on", "over", "back", "away", "through"])


#: General English verbs and the everyday verb a stem may use instead (same meaning in most contexts).
VERB_SYNONYMS = {
    "provide": "offer",
    "offer": "provide",
    "allow": "let",
    "enable": "allow",
    "store": "keep",
    "keep": "retain",
    "retain": "keep",
    "scan": "inspect",
    "inspect": "check",
    "track": "follow",
    "display": "show",
    "show": "display",
    "illustrate": "show",
    "compare": "contrast",
    "create": "build",
    "build": "create",
    "manage": "handle",
    "handle": "manage",
    "integrate": "connect",
    "connect": "link",
    "import": "bring",
    "distribute": "spread",
    "identify": "find",
    "detect": "spot",
    "find": "locate",
    "route": "direct",
    "deliver": "send",
    "send": "deliver",
    "generate": "produce",
    "produce": "generate",
    "validate": "check",
    "check": "verify",
    "verify": "check",
    "monitor": "watch",
    "analyse": "examine",
    "analyze": "examine",
    "examine": "analyze",
    "migrate": "move",
    "move": "shift",
    "receive": "get",
    "run": "execute",
    "execute": "run",
    "install": "set up",
    "amplify": "boost",
    "boost": "increase",
    "increase": "raise",
    "aggregate": "combine",
    "combine": "merge",
    "merge": "combine",
    "collect": "gather",
    "gather": "collect",
    "enhance": "improve",
    "improve": "enhance",
    "optimize": "tune",
    "optimise": "tune",
    "replicate": "copy",
    "copy": "duplicate",
    "delete": "remove",
    "remove": "delete",
    "restore": "recover",
    "recover": "restore",
    "grant": "give",
    "restrict": "limit",
    "limit": "restrict",
    "prevent": "stop",
    "protect": "guard",
    "trigger": "start",
    "alert": "notify",
    "notify": "alert",
    "use": "rely on",
    "define": "set",
    "preserve": "keep",
    "load": "bring",
    "query": "search",
    "share": "distribute",
    "publish": "share",
    "visualize": "chart",
    "visualise": "chart",
    "transfer": "move",
    "encrypt": "encode",
    "replace": "swap",
    "reduce": "cut",
    "lower": "reduce",
    "expose": "open",
    "schedule": "time",
    "orchestrate": "coordinate",
    "coordinate": "orchestrate",
    "automate": "mechanize",
    "ensure": "make sure",
    "host": "hold",
    "split": "divide",
    "divide": "split",
    "filter": "sift",
    "transform": "convert",
    "convert": "transform",
    "process": "handle",
    "stream": "feed",
    "export": "ship",
    "ingest": "take in",
    "buffer": "hold",
    "replay": "reread",
    "archive": "file away",
    "block": "stop",
    "allocate": "assign",
    "assign": "allocate",
    "isolate": "separate",
    "separate": "isolate",
    "resolve": "translate",
    "translate": "map",
    "map": "translate",
    "forward": "pass",
    "balance": "spread",
    "cache": "hold",
    "serve": "answer",
}

#: General English adjectives and an everyday alternative.
ADJECTIVE_SYNONYMS = {
    "large": "big",
    "big": "large",
    "large-scale": "big",
    "small": "little",
    "fast": "quick",
    "quick": "fast",
    "temporary": "short-lived",
    "persistent": "lasting",
    "permanent": "lasting",
    "central": "single",
    "centralized": "central",
    "centralised": "central",
    "complex": "complicated",
    "simple": "straightforward",
    "simplified": "simpler",
    "minimal": "little",
    "cheap": "inexpensive",
    "cheaper": "less expensive",
    "various": "many",
    "multiple": "several",
    "several": "multiple",
    "entire": "whole",
    "whole": "entire",
    "existing": "current",
    "new": "fresh",
    "specific": "particular",
    "separate": "distinct",
    "different": "distinct",
    "automatic": "automated",
    "automated": "automatic",
    "continuous": "ongoing",
    "periodic": "regular",
    "regular": "periodic",
    "robust": "strong",
    "comprehensive": "broad",
    "advanced": "sophisticated",
    "sensitive": "confidential",
    "additional": "extra",
    "extra": "additional",
    "frequent": "common",
    "rare": "infrequent",
    "infrequent": "rare",
    "durable": "lasting",
    "low": "reduced",
    "high": "elevated",
    "lower": "reduced",
    "higher": "greater",
    "visual": "graphical",
    "interactive": "hands-on",
    "ordered": "sequenced",
    "unique": "distinct",
    "stable": "steady",
    "identical": "matching",
    "specified": "set",
    "dedicated": "reserved",
    "independent": "separate",
    "immediate": "instant",
    "instant": "immediate",
}


def synonym_variant(phrase: str) -> str | None:
    """The phrase with its first verb (and the adjectives it can) put in other everyday words: "scan S3
    buckets for sensitive data" -> "inspect S3 buckets for confidential data". None when nothing changes."""
    words = phrase.split()
    out = []
    changed = False
    for index, word in enumerate(words):
        low = word.lower()
        replacement = None
        if index == 0 or (words[index - 1].lower() in ("and", "or") and low in VERB_SYNONYMS and index <= 3):
            replacement = VERB_SYNONYMS.get(low)
        followed = (
            index + 1 < len(words)
            and re.match(r"[A-Za-z]", words[index + 1])
            and words[index + 1].lower() not in FUNCTION_WORDS
        )
        if replacement is None and low in ADJECTIVE_SYNONYMS and followed and (not word[:1].isupper() or index == 0):
            replacement = ADJECTIVE_SYNONYMS.get(low)  # "a whole" is a noun: only a word before another changes
        if replacement:
            changed = True
            out.append(replacement if not word[:1].isupper() else replacement[:1].upper() + replacement[1:])
        else:
            out.append(word)
    if not changed:
        return None
    text = " ".join(out)
    return re.sub(r"\b(a|an) (\w+)", lambda m: f"{article(m.group(2))} {m.group(2)}", text)


_PP_START = re.compile(
    r"^(?P<main>.+)\s+(?P<pp>(?:for|with|without|in|on|across|within|from|into|over|using|via|"
    r"through|by|at|before|after|during)\s+[^,;]+?)$",
    re.IGNORECASE,
)


def last_phrase_fronted(phrase: str) -> tuple[str, str] | None:
    """A verb phrase's last prepositional phrase, to be put first: "integrate HDFS with S3 for persistent
    storage" -> ("for persistent storage", "integrate HDFS with S3"). None when there is none to move."""
    match = _PP_START.match(phrase)
    if not match:
        return None
    main = match.group("main").strip()
    if len(plain_words(main)) < 2 or not 2 <= len(plain_words(match.group("pp"))) <= 6:
        return None
    last = main.split()[-1]
    if len(main.split()) > 1 and looks_like_verb(last) and main.split()[-2].lower() in ("and", "or"):
        return None  # "manage and interact | with X": the phrase belongs to the verb
    return match.group("pp"), main


def split_second_action(phrase: str) -> tuple[str, str] | None:
    """ "scan X for Y and alert or trigger actions if Z" -> ("scan X for Y", "alert or trigger actions if Z"):
    two things done, said in two sentences."""
    for match in re.finditer(r"\s+and\s+(?P<second>\S+)\s+(?P<next>\S+)", phrase):
        first = phrase[: match.start()]
        if len(plain_words(first)) < 3 or first.split()[-1].lower().endswith("ing"):
            continue  # "provide monitoring and search capabilities": one list of things, not two actions
        if "," in first and len(first.rsplit(",", 1)[1].split()) <= 2:
            continue  # "show live CPU, memory and network use": the last items of a list, not a second action
        if (
            looks_like_verb(match.group("second"), match.group("next"))
            or match.group("next").lower() in ("or", "and")
            and looks_like_verb(match.group("second"))
        ):
            return first.strip(), phrase[match.start() :].strip()[4:].strip()
    return None


def reordered_adjectives(phrase: str) -> str | None:
    """ "fully managed, serverless, interactive query service" -> "serverless, interactive, fully managed
    query service": a list of qualities in another order."""
    parts = [p.strip() for p in phrase.split(",")]
    if len(parts) < 2:
        return None
    last_words = parts[-1].split()
    if len(last_words) < 2:
        return None
    head = " ".join(last_words[1:])
    qualities = parts[:-1] + [last_words[0]]
    rotated = qualities[1:] + qualities[:1]
    return f"{', '.join(rotated)} {head}"


_GENERIC_HEADS = frozenset(
    [
        "tool",
        "service",
        "engine",
        "platform",
        "framework",
        "application",
        "app",
        "system",
        "solution",
        "interface",
        "environment",
        "option",
        "utility",
        "product",
        "offering",
        "library",
        "component",
        "feature",
        "mechanism",
    ]
)


def inverted_compound(phrase: str) -> str | None:
    """ "advanced data analysis and visualization tool" -> "tool for advanced data analysis and visualization":
    a general head noun put first."""
    words = phrase.split()
    if len(words) < 3 or words[-1].lower() not in _GENERIC_HEADS:
        return None
    return f"{words[-1]} for {' '.join(words[:-1])}"


def passive_variant(phrase: str) -> tuple[str, str] | None:
    """ "route events to one or more targets" -> ("events", "routed to one or more targets"): the object and
    what must be done to it, for "needs events to be routed to ...". None without a plain object."""
    words = phrase.split()
    if len(words) < 3:
        return None
    verb = words[0].lower()
    if verb in (
        "be",
        "have",
        "use",
        "let",
        "allow",
        "enable",
        "help",
        "make",
        "get",
        "do",
        "provide",
        "offer",
    ) or not looks_like_verb(verb, words[1], words[2] if len(words) > 2 else ""):
        return None
    obj: list[str] = []
    for word in words[1:]:
        if word.lower() in PHRASE_BREAKS or word.lower() in ("and", "or") or word.endswith(","):
            break
        obj.append(word)
    rest = words[1 + len(obj) :]
    if (
        not obj
        or len(obj) > 5
        or not rest
        or rest[0].lower() in ("and", "or")
        or obj[0].lower() in ("to", "it", "them", "this", "that", "up", "down", "out", "on", "in", "off")
    ):
        return None
    return " ".join(obj), f"{past_participle(verb)} {' '.join(rest)}"


def pp_list_swapped(phrase: str) -> str | None:
    """ "install on EC2 instances or on-premises servers" -> "install on on-premises servers or on EC2
    instances": the two ends of a closing "<prep> X or Y" swapped, the preposition kept for both."""
    match = re.match(
        r"^(?P<head>.*?(?<![\w-])(?P<prep>on|in|to|from|for|with|into|across|over))\s+(?P<a>[^,]+?)\s+"
        r"(?P<c>and|or)\s+(?P<b>[^,]+)$",
        phrase,
        re.IGNORECASE,
    )
    if not match or len(match.group("a").split()) > 4 or len(match.group("b").split()) > 4:
        return None
    quantities = ("one", "two", "three", "more", "less", "fewer", "few", "many", "several", "all", "any")
    if match.group("a").split()[0].lower() in quantities or match.group("b").split()[0].lower() in quantities:
        return None  # "one or more targets" is one amount, not two places
    first_b = match.group("b").split()[0].lower()
    if first_b.endswith(("ly", "ed")) or looks_like_verb(first_b):
        return None  # "kept for a decade and almost never opened": the second part is not a place
    if re.search(r"(?<![\w-])(?:to|for|with|in|on|from|into)(?![\w-])", match.group("b")):
        return None
    return f"{match.group('head')} {match.group('b')} {match.group('c')} {match.group('prep')} {match.group('a')}"


def inner_swapped(phrase: str) -> str | None:
    """Two single words joined by "and"/"or" inside a phrase, swapped: "file or object data" -> "object or
    file data", "monitoring and search capabilities" -> "search and monitoring capabilities"."""
    for match in re.finditer(r"\b(?P<a>[A-Za-z][\w\-]*) (?P<c>and|or) (?P<b>[A-Za-z][\w\-]*)\b", phrase):
        a, b = match.group("a"), match.group("b")
        if a.lower() in FUNCTION_WORDS or b.lower() in FUNCTION_WORDS or a.lower() == b.lower():
            continue
        before = phrase[: match.start()].split()
        if before and before[-1].lower() not in FUNCTION_WORDS and not before[-1].endswith(","):
            continue  # "Iceberg tables and generic endpoints": the first word belongs to what comes before it
        if a.lower() in ("one", "two", "more", "less") or b.lower() in ("more", "less", "fewer"):
            continue
        after = phrase[match.end() :].split()
        if not after or after[0].lower() in FUNCTION_WORDS or after[0][:1] in ",.;:":
            continue  # "stored in the image and present in every container": no noun the two words share
        return phrase[: match.start()] + f"{b} {match.group('c')} {a}" + phrase[match.end() :]
    return None


def cored(phrase: str, limit: int = 10) -> str | None:
    """A long requirement cut to its core: without a closing clause ("while the source stays up", "where
    ...", "by sending ...") and trailing phrases until it has at most `limit` words. None when nothing
    is cut or too little is left."""
    core = re.split(
        r",\s+(?:so|while|whereas|because|rather than|instead of)\s+|\s+(?:while|whereas|so that|because|"
        r"rather than|instead of)\s+|\s+by\s+(?=\w+ing\b)",
        phrase,
        maxsplit=1,
    )[0].strip()
    if re.search(r",\s*[A-Z]", core):
        return None  # a list of names: cutting it would say less than the notes
    while len(core.split()) > limit:
        match = _PP_START.match(core) or re.match(
            r"^(?P<main>.+?)\s+(?:between|across|from|into|for|with)\s+[^;]+$", core
        )
        if not match:
            break
        core = _without_dangling_end(match.group("main").strip(" ,"))
    content = [w for w in plain_words(core) if w not in FUNCTION_WORDS]
    return core if core != phrase and len(content) >= 3 and len(core.split()) <= limit + 2 else None


def shortened(phrase: str) -> str | None:
    """The phrase without its last prepositional phrase, when enough is left to say what is meant:
    "move data between on-premises storage and AWS" -> "move data"... only if three content words remain."""
    match = _PP_START.match(phrase)
    if not match:
        return None
    main = _without_dangling_end(match.group("main").strip(" ,"))
    content = [w for w in plain_words(main) if w not in FUNCTION_WORDS]
    return main if len(content) >= 3 else None


def _without_dangling_end(main: str) -> str:
    """A phrase cut before its last prepositional phrase, without what only led into it: "on a repeating
    schedule written | in cron syntax", "a variable that is stored | in the image"."""
    words = main.split()
    while len(words) > 1 and (
        words[-1].lower() in _PARTICIPLE_FORMS
        or re.fullmatch(r"[a-z]+ed", words[-1])
        or words[-1].lower() in ("that", "which", "who", "is", "are", "be", "been", "being")
    ):
        words.pop()
    if words and words[-1].lower() in MODAL_VERBS:
        return ""  # "set how long a job may | run before ...": the cut falls inside a clause, before its verb
    return " ".join(words)


# --- what a description asks for -------------------------------------------------------------------

_PURPOSE = re.compile(
    r"^(?:(?:is|are)\s+)?(?:(?:very|most|especially|particularly|really|also)\s+)?"
    r"(?:(?:ideal|ideally|best|great|suited|well suited|suitable|preferred|recommended|useful|used|designed|built|"
    r"meant|intended|optimal|perfect|good|specifically|mainly|primarily|mostly|typically|often|generally|only|"
    r"\w+(?:ile|ive|able|ible|ful|ent|ant|ous))\s+)*"
    r"(?P<prep>for|to|in|when)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_ENABLER = re.compile(
    r"^(?P<verb>allows?|lets?|enables?|helps?|permits?)\s+(?:(?:in|with)\s+)?"
    r"(?:(?P<who>[\w\- ]{2,40}?)\s+(?=to\s))?(?:to\s+)?(?P<rest>.+)$",
    re.IGNORECASE,
)
#: A trailing participle clause adds detail, not the requirement: ", leveraging tools ...", ", matched by ...".
_TRAILING_PARTICIPLE = re.compile(
    r",\s+(?:[a-z]+ing\s+|[a-z]+ed\s+(?:by|to|with|in|for|on|from|into|as|using|at)\s).*$"
)
#: Finite verbs inside a requirement mean it is a clause of its own, which a stem cannot reuse.
#: Words that open a clause of its own inside a requirement ("check whether the container is healthy").
_SUBORDINATING_WORDS = frozenset({"whether", "if", "when", "whenever", "while", "where", "until", "unless", "because"})
#: Where a requirement's main clause ends: those words, the relative pronouns and "once".
#: "sets how long a job may run", "caps how many jobs may run": a question word opens an embedded clause too.
_SUBORDINATOR = re.compile(
    r"\s(?:" + "|".join(sorted(_SUBORDINATING_WORDS | {"that", "which", "who", "once", "how", "what"})) + r")\s"
)
_UNREADABLE = re.compile(r"\b(?:is|are|was|were|would|will|could|should|may|might|must|has|have|had)\b", re.IGNORECASE)
#: A part that is only qualities: "fully managed and highly available", "cost-effective".
_ADJECTIVES = re.compile(
    r"(?:(?:\w+ly\s+)?[\w\-]+(?:ed|ble|al|ive|ent|ant|less|ful|ic|ous|ary|-\w+)"
    r"(?:,?\s+(?:and|or)\s+|,\s+|$))+",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|can|cannot|will|won't|must|should|has|have|had|does|do|did)\b", re.IGNORECASE
)
_RELATIVE = re.compile(r"^(?P<head>.+?)\s+(?:that|which|who)\s+(?P<rest>.+)$", re.IGNORECASE)
_NP_BREAK = re.compile(
    r"\s+(?P<prep>for|with|without|where|that|which|to|in|on|from|across|giving|offering|providing)\s+", re.IGNORECASE
)


@dataclass
class Need:
    """What a line says a thing is for, read as a requirement.

    `action` is a base-form verb phrase the thing performs ("scan S3 buckets for sensitive data"); `goal`
    a verb phrase the learner wants done with it ("migrate existing workflows"); `thing` a noun phrase it
    is ("visual data preparation tool"); `purpose` what it is for as a noun phrase ("event processing and
    scheduling"); `users` who it is for; `constraints` further sentences ("It must not ...")."""

    action: str | None = None
    goal: str | None = None
    thing: str | None = None
    purpose: str | None = None
    users: str | None = None
    quality: str | None = None
    constraints: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.action or self.goal or self.thing or self.purpose or self.quality)

    def phrase(self) -> str:
        """The need as a short phrase, for a why-not: "scan S3 buckets for sensitive data"."""
        if self.goal:
            return self.goal
        if self.action:
            return self.action
        if self.purpose:
            return self.purpose
        if self.quality:
            return f"something {self.quality}"
        return with_article(self.thing or "")


def _verb_phrase(text: str) -> str | None:
    """A phrase starting with a verb (any form), in base form: "Scans S3 buckets" -> "scan S3 buckets"."""
    words = text.split()
    if not words:
        return None
    adverb = ""
    if (
        len(words) > 1
        and _LEADING_ADVERB.match(text)
        and words[0].lower() not in ("only", "early", "daily", "apply", "supply", "reply", "rely")
    ):
        adverb, words = words[0].lower() + " ", words[1:]
    base = looks_like_verb(words[0], words[1] if len(words) > 1 else "", words[2] if len(words) > 2 else "")
    if base is None and words[0].lower().endswith("ing"):
        base = base_of(words[0])
    if base is None:
        return None
    rest = words[1:]
    # "scans and identifies", "spins up and tears down": the second verb in base form too.
    out = [base]
    # "checks syntax, argument names, types and references": a list of nouns after the verb (its first item after
    # a comma is no verb), so its last item is no second verb.
    nouns_listed = False
    for index, word in enumerate(rest):
        previous = rest[index - 1].lower() if index else ""
        if (
            previous.endswith(",")
            and word.lower() not in ("and", "or")
            and not looks_like_verb(word, *(rest[index + 1 : index + 3] + ["", ""])[:2])
        ):
            nouns_listed = True
        if previous in ("and", "or") and index >= 1 and not nouns_listed:
            other = (
                looks_like_verb(
                    word,
                    rest[index + 1] if index + 1 < len(rest) else "",
                    rest[index + 2] if index + 2 < len(rest) else "",
                )
                if word.lower().endswith("s")
                else None
            )
            out.append(other if other else word)
        else:
            out.append(word)
    return (adverb + " ".join(out)).strip()


def _gerund_phrase(text: str) -> str | None:
    """ "migrating existing workflows" -> "migrate existing workflows"; None unless it starts with a gerund."""
    words = text.split()
    if not words or not words[0].lower().endswith("ing"):
        return None
    base = base_of(words[0])
    if base is None or base == words[0].lower():
        return None
    for index, word in enumerate(words[1:-1], start=1):
        if word.lower() in ("and", "or") and not (
            words[index + 1].lower().endswith("ing") or looks_like_verb(words[index + 1])
        ):
            return None  # "monitoring and automation of X" is a noun phrase, not two things to do
    out = [base]
    for index, word in enumerate(words[1:], start=1):
        # "filtering and transforming data": two things to do; "handling event routing or scheduling": one;
        # "contacting any remote API or reading remote state": two, each with its object.
        joined = words[index - 1].lower() in ("and", "or") and word.lower().endswith("ing") and base_of(word)
        if joined and (index == 2 or index + 1 < len(words)):
            out.append(base_of(word) or word)
        else:
            out.append(word)
    return " ".join(out)


def _let_object_verb(rest: str) -> str | None:
    """ "a step or job fail without ..." after "lets" -> "let a step or job fail without ...": "let" with its
    object and a bare verb (a short noun phrase, then a verb in its base form); None for anything else."""
    words = rest.split()
    if not words or words[0].lower() in ("you", "us", "them", "me", "it"):
        return None
    for index in range(1, min(len(words), 6)):
        word = words[index].lower()
        if word in FUNCTION_WORDS or not re.fullmatch(r"[a-z]+", word):
            continue
        following = (words[index + 1 : index + 3] + ["", ""])[:2]
        if looks_like_verb(word, *following) == word and not word.endswith("s"):
            return f"let {rest}"
    return None


def _split_constraint(phrase: str) -> tuple[str, list[str]]:
    """A verb phrase with its "without ..." part as a sentence of its own:
    "amplify processing power without participating in X" -> ("amplify processing power",
    ["It must not participate in X."])."""
    match = re.search(r"\s+without\s+(?P<rest>.+)$", phrase, re.IGNORECASE)
    if not match:
        return phrase, []
    rest = match.group("rest").strip(" .")
    main = phrase[: match.start()].strip(" ,")  # "check X within the configuration, without ...": no comma left
    as_verb = _gerund_phrase(rest)
    sentence = f"It must not {as_verb}." if as_verb else f"It must work without {rest}."
    return main, [sentence]


#: Nouns that name a verdict among alternatives, not what a thing does ("the simpler choice", "a simplified
#: option for new projects"): general English.
VERDICT_NOUNS = frozenset(["choice", "option", "alternative", "answer", "pick", "bet", "winner", "candidate"])


#: Words that open a comparison with something the line does not name ("Better cost-performance for ...",
#: "More open-source tools", "Less configuration management"): general English comparatives.
COMPARATIVE_OPENERS = frozenset(
    ["better", "more", "less", "fewer", "simpler", "easier", "cheaper", "faster", "greater", "superior"]
)
#: Words that open a preference ("Preferred for ...", "Recommended for ..."): it says which to pick.
PREFERENCE_OPENERS = frozenset(["preferred", "recommended", "suggested", "simplified", "favoured", "favored"])
_HEDGES = frozenset(["usually", "often", "generally", "typically", "normally", "also", "much", "far", "even"])


def _opening_word(description: str) -> str:
    words = re.findall(r"[a-z][a-z\-]*", description.strip().lower())
    while words and (words[0] in _HEDGES or words[0] in ("a", "an", "the")):
        words = words[1:]
    return words[0] if words else ""


def is_comparison(description: str) -> bool:
    """Whether a description compares with something it does not name ("Better cost-performance for large
    datasets"): read alone, it is no requirement ("needs a better cost-performance")."""
    return _opening_word(description) in COMPARATIVE_OPENERS


def is_verdict(description: str) -> bool:
    """Whether a description only ranks its thing among others ("usually the simpler choice", "Simplified
    option for new projects", "Preferred for ...", "Better for ...") instead of saying what it is or does
    ("a managed connector service ...")."""
    if _opening_word(description) in COMPARATIVE_OPENERS | PREFERENCE_OPENERS:
        return True
    return is_choice_noun_phrase(description)


def is_choice_noun_phrase(description: str) -> bool:
    """ "the simpler choice", "a simplified option for new projects": a noun phrase whose head names a
    verdict among alternatives."""
    head_part = re.split(r"\s+(?:for|to|of|when|if|in|on|with|because|since)\s+|[,;:]", description.strip().lower())[0]
    words = re.findall(r"[a-z][a-z\-]*", head_part)
    return bool(words) and words[-1].rstrip("s") in VERDICT_NOUNS and len(words) <= 5


#: ", so in-cluster clients can use ...": who a thing lets do what (not "so it can ...": the thing itself).
_SO_CAN = re.compile(
    r",\s+so(?:\s+that)?\s+(?P<who>(?!(?:it|they|this|that|these|those|you|we|there)\b)[a-z][\w\-]*"
    r"(?:\s+[a-z][\w\-]*){0,3}?)\s+can\s+(?P<verb>[a-z]+)\s+(?P<rest>[^,;]+?)\.?$"
)


def read_need(description: str) -> Need:  # noqa: C901 - one clause shape per branch
    """Read a description ("Scans S3 buckets for PII", "For migrating existing workflows", "Visual tool for
    analysts", "Ideal for near-real-time search") as a requirement. An empty Need when it cannot be read."""
    text = strip_asides(description)
    parts = [p.strip() for p in re.split(r";\s*|:\s+|\.\s+(?=[A-Z])", text) if p.strip()]
    parts = [p for p in parts if len(plain_words(p)) >= 2]
    if not parts:
        return Need()
    first = re.sub(r"(?i)^(?:is|are)\s+(?:an?|the)\s+", "", parts[0])
    if (
        len(parts) > 1
        and re.search(r"(?i)\b(?:different|another|other|separate|distinct)\b", first)
        and len([w for w in plain_words(first) if w not in FUNCTION_WORDS]) <= 3
        and not _verb_phrase(first)
    ):
        parts = parts[1:]  # "a different tool altogether: a dedicated private connection ..."
    main = _TRAILING_PARTICIPLE.sub("", parts[0].rstrip("."))
    main = re.sub(r",\s+(?:from|including|especially|particularly|useful|ideal|plus)\b.*$", "", main)
    # "A Service with no selector ..., so in-cluster clients can use a name for an outside host": what a thing
    # described as a noun phrase lets its users do.
    enabled = _SO_CAN.search(main)
    # ", and it is the answer when ...", ", so ...", ", which ...": a second clause about something else.
    main = re.sub(r",?\s+(?:and|but|so|while|whereas|although|though)\s+(?:it|they|this|that|you|we)\b.*$", "", main)
    main = re.sub(
        r",\s+(?:and|but)\s+(?!(?:\w+ly\s+)?\w+s\b).*$", "", main
    )  # ", and forged replies are ...": another clause
    during = re.search(
        r",?\s+while\s+(?P<np>(?:the|its|their|a|an)\s+[\w\- ]{1,30}?)\s+(?P<verb>[a-z]+s)\s+(?P<rest>[^,;]+)$", main
    )
    kept_while = None
    if (
        during
        and base_of(during.group("verb"))
        and not re.search(r"\s[A-Z]", " " + during.group("np").split(" ", 1)[-1])
    ):
        # "moves data ... while the source stays fully operational": the second part is a requirement too.
        kept_while = f"{sentence_case(during.group('np'))} must {base_of(during.group('verb'))} {during.group('rest')}."
        main = main[: during.start()]
    main = re.sub(r",\s+(?:so|which|while|whereas|although|though|because)\b.*$", "", main)
    main = re.sub(r",?\s+but\s+.*$", "", main)  # "... but evaluate if ...": a caveat, not the requirement
    main = re.sub(r",\s+(?:over|with|on|in|at|via|using|by)\s.*$", "", main)  # ", over UDP for ...": detail
    pieces = main.split(", ")
    if (
        len(pieces) > 1
        and len(pieces[1].split()) > 1
        and pieces[1].split()[0].lower().endswith("s")
        and looks_like_verb(pieces[1].split()[0], pieces[1].split()[1])
    ):
        main = pieces[0]  # "encrypts data in transit, verifies integrity, ...": the first of several actions
    need = Need()
    purpose = _PURPOSE.match(main)
    enabler = _ENABLER.match(main)
    advice = re.match(
        r"(?i)^(?:use|choose|pick|consider)\s+(?:it|them|this|these)\s+(?P<rest>(?:for|to|when)\s+.+)$", main
    )
    if advice:
        main = advice.group("rest")  # "Use it when handling X": what it is for
        purpose = _PURPOSE.match(main)
    if purpose and purpose.group("prep").lower() == "when" and _gerund_phrase(purpose.group("rest")):
        need.goal, need.constraints = _split_constraint(_gerund_phrase(purpose.group("rest")) or "")
    elif purpose and purpose.group("prep").lower() in ("for", "to") and len(plain_words(purpose.group("rest"))) >= 2:
        rest = purpose.group("rest").strip()
        as_goal = _gerund_phrase(rest) if purpose.group("prep").lower() == "for" else _verb_phrase(rest) or rest
        if as_goal:
            need.goal, need.constraints = _split_constraint(as_goal)
        else:
            need.purpose = rest
    elif enabler and enabler.group("rest"):
        who = (enabler.group("who") or "").strip()
        rest = enabler.group("rest").strip()
        if who and who.split()[-1].lower() in PEOPLE_NOUNS:
            need.users = who
        elif who and who.lower() not in ("you", "us", "them", "one"):
            need.purpose = f"{who} to {rest}"  # "allows direct connections to X": what it gives, not who
            return need
        let = _let_object_verb(rest) if enabler.group("verb").lower().startswith("let") and not who else None
        if let:
            # "lets a step or job fail without failing the workflow": let, its object, a verb in its base form.
            need.action, need.constraints = _split_constraint(let)
            return need
        as_goal = _verb_phrase(rest) if not re.match(r"(?i)(?:you|us|them)\b", rest) else None
        if as_goal:
            need.goal, need.constraints = _split_constraint(as_goal)
        else:
            need.purpose = _gerund_phrase(rest) and rest or rest
    elif re.match(r"(?i)(?:a|an|the)\s", main):
        _read_noun_phrase(main, need)  # "a separate service for ingesting video": a noun phrase
        if (
            enabled
            and need.thing
            and not (need.action or need.goal or need.purpose)
            and looks_like_verb(enabled["verb"])
        ):
            # "..., so in-cluster clients can use X" -> "let in-cluster clients use X"; what the noun phrase says
            # of its make-up stays a constraint.
            need.goal = f"let {enabled['who']} {enabled['verb']} {enabled['rest']}"
    else:
        action = _verb_phrase(main)
        quality = re.match(r"(?i)^(?:[a-z]+ly\s+)?[a-z]+ed\s+(?:from|by|in|on|across|with|at|for|to)\b", main)
        if action and action.split()[0] in _STATE_VERBS:
            return need  # "exists as a standalone application": a state, not something to need
        if action:
            need.action, need.constraints = _split_constraint(action)
            relative = re.search(r"\s+(?P<head>\w+)\s+that\s+(?P<verb>[a-z]+)\s+(?P<rest>.+)$", need.action)
            if relative and base_of(relative.group("verb")) and len(need.action[: relative.start()].split()) >= 2:
                # "provide endpoints that speak SFTP and FTPS": the endpoints must speak them.
                verb = base_of(relative.group("verb")) or relative.group("verb")
                need.action = need.action[: relative.end("head")]
                need.constraints.insert(0, f"The {relative.group('head')} must {verb} {relative.group('rest')}.")
        elif quality and base_of(main.split()[-len(main.split())] if False else quality.group(0).split()[-2]):
            need.quality = main[:1].lower() + main[1:]  # "Centrally managed from a single account"
        else:
            _read_noun_phrase(main, need)
    if kept_while:
        need.constraints.append(kept_while)
    said = " ".join(x for x in (need.goal, need.action, need.thing, need.purpose, need.quality) if x)
    if re.search(r"\b(?:this|that|these|those)\b(?=\s+(?:by|to|from|with|in|on|for|when|if)\b|\s*[,.]|$)", said):
        return Need()  # "prevent this by ...": what "this" is lies in another line
    it_verb = re.search(r"\b(?:it|them)\s+(?P<verb>[a-z]+)\b", said)
    if it_verb and not re.search(
        r"\b(?:let|lets|make|makes|help|helps|have|has|see|watch|keep|keeps)\s+(?:it|them)\b", said
    ):
        verb = it_verb.group("verb")
        if verb not in FUNCTION_WORDS and looks_like_verb(verb) and not verb.endswith("s"):
            return Need()  # "use it send logs": not grammatical enough to reword
    # A finite verb inside a clause the requirement subordinates is fine ("execute a command while the image is
    # being built", "an environment variable that is stored in the image"); one in the main clause is not.
    main_clause = _SUBORDINATOR.split(said, maxsplit=1)[0]
    if _UNREADABLE.search(main_clause.split(" ", 1)[1] if " " in main_clause else "") or re.match(
        r"(?i)(?:that|this|these|those|there|it|they|he|she|we|you)\b", said
    ):
        return Need()  # a clause with its own verb ("the data would take a week"): not one requirement
    for extra in parts[1:2]:
        extra = extra.rstrip(".")
        verb = _verb_phrase(extra)
        if verb and len(plain_words(verb)) >= 3:
            advice = re.match(r"(?i)use (?:it|them|this) (?:for|as|in) (?P<rest>.+)$", verb)
            # "Use it for backups, reports and clean-up": advice to the reader, which the stem asks as a fit.
            need.constraints.append(f"It must also suit {advice.group('rest')}." if advice else f"It must also {verb}.")
        elif _ADJECTIVES.fullmatch(extra):
            need.constraints.append(f"It must be {extra[:1].lower() + extra[1:]}.")
    return need


def _read_noun_phrase(text: str, need: Need) -> None:
    """ "Visual data preparation tool for non-technical data analysts" -> thing + users;
    "Temporary storage for job-specific data" -> thing + purpose; "A controller that keeps N Pods running"
    -> thing + action."""
    text = re.sub(r"^(?:a|an|the)\s+", "", text.strip(), flags=re.IGNORECASE)
    match = _NP_BREAK.search(text)
    head_part = text[: match.start()] if match else text
    pieces = [p.strip() for p in head_part.split(",")]
    if len(pieces) > 3 or any(p[:1].isupper() for p in pieces[1:]) or _FINITE.search(head_part):
        return  # "Data Handling, Host distributed ...", "Logs are organized ...": not one thing
    if not match:
        words = text.split()
        if (
            len(words) >= 2
            and words[0].lower() not in FUNCTION_WORDS
            and not (words[0].lower().endswith("s") and looks_like_verb(words[0], words[1]))
        ):
            need.thing = lower_first(text)
        return
    head, prep, rest = text[: match.start()].strip(), match.group("prep").lower(), text[match.end() :].strip()
    if not head or len(plain_words(head)) > 6:
        return
    first = head.split()[0]
    if first.lower() in FUNCTION_WORDS or (
        first.lower().endswith("s") and len(head.split()) > 1 and looks_like_verb(first, head.split()[1])
    ):
        return  # "about ongoing access", "encrypts data": not a thing
    need.thing = lower_first(head)
    rest = rest.rstrip(".")
    if prep == "for":
        words = plain_words(rest)
        if (
            words
            and words[-1] in PEOPLE_NOUNS
            and len(words) <= 5
            and not words[0].endswith("ing")
            and not re.search(r"\b(?:for|across|of|in|on|with|to|by|from|between)\b", rest, re.IGNORECASE)
        ):
            need.users = rest  # "for non-technical analysts"; not "for building dashboards for managers"
        else:
            # "for streaming data" is data that streams, "for defining jobs" an activity: either way, what
            # the thing is for.
            need.purpose = rest
    elif prep in ("that", "which"):
        enabler = _ENABLER.match(rest)
        who = (enabler.group("who") or "").strip() if enabler else ""
        if enabler and who and who.split()[-1].lower() in PEOPLE_NOUNS:
            # "a tool that allows data analysts to define validations": who it is for, and what they do
            need.users = who
            goal = _verb_phrase(enabler.group("rest"))
            if goal:
                need.goal, need.constraints = _split_constraint(goal)
            return
        action = _verb_phrase(rest)
        if action:
            need.action, need.constraints = _split_constraint(action)
    elif prep == "with":
        if len([w for w in plain_words(rest) if w not in FUNCTION_WORDS]) >= 2:
            need.constraints.append(f"It must come with {with_article(rest)}.")
    elif prep == "without":
        as_verb = _gerund_phrase(rest)
        need.constraints.append(f"It must not {as_verb}." if as_verb else f"It must work without {rest}.")
    elif prep == "to" and _verb_phrase(rest):
        goal = _verb_phrase(rest) or rest  # "a fully managed way to load streaming data ...": what it lets you do
        need.goal, need.constraints = _split_constraint(goal)
    elif prep in ("giving", "offering", "providing"):
        need.constraints.append(f"It must give {rest}.")
    elif prep == "where":
        need.constraints.append(f"It is where {rest}.")
    else:
        need.thing = lower_first(f"{head} {prep} {rest}")


#: Prepositions whose phrase, put first, reads as a pasted fragment ("Within S3 buckets, a team needs ...");
#: a purpose put first ("For third-party APIs, ...") reads naturally.
_FRONTED_PLACE = re.compile(
    r"^(?:within|from|in|on|at|with|by|across|into|over|under|inside|outside|through|during|via)\b[^,.?]*,\s",
    re.IGNORECASE,
)


#: Sales words that praise instead of saying what a thing does ("a powerful tool", "robust integration"):
#: general English. A requirement says what is needed, not how good it is.
PROMOTIONAL_WORDS = frozenset(
    ["powerful", "robust", "seamless", "seamlessly", "comprehensive", "innovative", "cutting-edge", "world-class"]
)


def without_promotion(phrase: str | None) -> str | None:
    """A phrase without its sales words: "a powerful tool for dashboards" -> "a tool for dashboards"."""
    if not phrase:
        return phrase
    kept = [w for w in phrase.split() if w.lower().strip(",.") not in PROMOTIONAL_WORDS]
    text = " ".join(kept)
    if kept != phrase.split():
        text = re.sub(r"^(?:a|an)\s+", "", text)  # "an innovative tool" -> "tool": its article is set again later
    return text if len(plain_words(text)) >= 1 else phrase


#: Words an English sentence cannot end on: articles, conjunctions, most prepositions ("... and then.").
_CANNOT_END = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "than",
        "then",
        "of",
        "to",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "by",
        "at",
        "as",
        "via",
        "such",
        "its",
        "their",
        "your",
        "our",
    ]
)


#: Finite verbs common enough to mark a clause of their own after a name ("Multi-AZ fails over"); a plural
#: noun after a name ("CloudWatch logs", "ML models") is no verb.
_COMMON_FINITE_VERBS = frozenset(
    ["needs", "is", "are", "was", "were", "has", "have", "fails", "works", "runs", "takes", "gets", "becomes"]
)


def _finite_verb_inside(phrase: str) -> bool:
    """Whether a need's object holds a verb of its own outside a relative clause or infinitive ("an RDS needs
    scaling work", "RDS Multi-AZ fails over more slowly"); "something that can scan ...", "events to be
    routed", "a tool that allows ..." are fine."""
    words = phrase.split()
    for index, word in enumerate(words[1:], start=1):
        previous = words[index - 1].lower().strip(",")
        if previous in _SUBORDINATING_WORDS or previous in ("how", "what"):
            # "check whether the container is healthy", "set how many retries are allowed": what follows is a
            # clause of its own (a question word opens an embedded one).
            return False
        if previous in ("that", "which", "who", "to", "can", "it", "must", "will", "and", "or"):
            continue
        low = word.lower().strip(",.")
        if low in _COMMON_FINITE_VERBS and (words[index - 1][:1].isupper() or low in ("needs", "is", "are")):
            return True  # "an RDS needs ...", "RDS Multi-AZ fails over ...": a name with its own verb
    return False


_OF_NOUN = re.compile(r"^(?P<verb>[a-z]+)\s+(?P<noun>[a-z]+(?:tion|sion|ment|ance|ence|ity|ure))\s+of\b")


def with_definite_object(phrase: str) -> str:
    """ "display distribution of values" -> "display the distribution of values": a verb's object that is a
    singular abstract noun with an "of" phrase takes "the"."""
    match = _OF_NOUN.match(phrase)
    if match and looks_like_verb(match.group("verb"), match.group("noun")):
        return f"{match.group('verb')} the {phrase[match.end('verb') :].lstrip()}"
    return phrase


def grammar_problem(stem: str) -> str | None:
    """What reads wrong in a stem as English, or None: a verb straight after "needs" ("needs get and direct
    events"), a sentence cut off at a function word ("... the nearest edge location and then."), a place
    phrase put first, a colon joining a pasted fragment ("A company faces this: ..."), or an object pronoun
    whose noun was left behind in the notes ("something that can pull them into the lake"). A quoted message
    ("(24: Too many open files)") is what was seen, not the stem's English: it is read as one word."""
    stem = _QUOTED.sub('"message"', stem)
    if re.search(r"[,;:]\s*[.?!]", stem):
        return "a sentence ends on a comma"  # "... within the configuration,."
    for sentence in re.split(r"(?<=[.?!])\s+", stem.strip()):
        words = re.findall(r"[A-Za-z][A-Za-z\-']*", sentence)
        if not words:
            continue
        if words[-1].lower() in _CANNOT_END or words[-1].lower() in MODAL_VERBS:
            return f"a sentence ends at {words[-1]!r}"
        if _FRONTED_PLACE.match(sentence):
            return "a place phrase put first"
        if ":" in sentence:
            return "a colon joins a fragment"
        if re.search(r"(?i)\b(?:a|an|the)\s+(?:to|of|for|with|and|or|such)\b", sentence):
            return "an article before a function word"  # "the replica count of a to be changed ..."
        if re.search(r"(?i)\byou\b", sentence) and not sentence.rstrip().endswith("?"):
            return "a pasted 'you' in a third-person situation"  # "needs 180 days or more, you configure"
        if re.search(r"\bneeds?\s+(?:an?\s+)?\d", sentence):
            return "a number where a need should be"  # "A company needs 30 consecutive days."
        needed = re.search(r"\bneeds?\s+(?P<object>(?:an?\s+|the\s+)?[^.?]*)", sentence)
        if needed and _finite_verb_inside(needed.group("object")):
            return "a second clause pasted into the need"  # "needs an RDS needs scaling work"
        if re.search(r"\b[a-z]+/[a-z]+\b", sentence):
            return "a slash between words"  # "deliver events to/from AWS services": notes' shorthand
        if re.search(r"\b(?:can|to)\s+non-", sentence):
            return "a 'non-' word where a verb should be"  # "something that can non-overlap intervals"
        if re.search(r"\bcan\s+[a-z]+\s+(?:them|it|these|those)\b", sentence):
            return "a pronoun with nothing before it to stand for"  # "something that can pull them into ..."
        for match in re.finditer(r"\bneeds?\s+([a-z]+)(,?)(?:\s+([a-z]+))?(?:\s+([a-z\-]+))?", sentence):
            first, comma, following, after = match.group(1), match.group(2), match.group(3) or "", match.group(4) or ""
            if first not in FUNCTION_WORDS and looks_like_verb(first, following, after):
                return f"a verb after needs: {first!r}"
            if comma or first in _IRREGULAR_PARTICIPLES.values():
                return f"a fragment after needs: {first!r}"  # "needs told, named collection ..."
    return None


_EXAMPLES_OF_A_KIND = re.compile(
    r"\b(?P<kind>[A-Za-z][a-z]+s)\s*,?\s+(?:such as|including|like|e\.g\.,?)\s+(?P<items>[^.;:()]+)"
)


def kind_of_examples(text: str) -> list[tuple[str, str]]:
    """The kind a list of examples says its items are, and the span of the items: "Controllers such as
    Deployments, StatefulSets and Jobs watch ..." -> [("controller", "Deployments, StatefulSets and Jobs watch
    ...")]. The kind is the plural noun before "such as" / "including" / "like"; which words of the span are
    items is for the caller to say (only it knows the names). A verb ("It helps such as"), a function word or
    a word that is no plural noun names no kind."""
    found = []
    for match in _EXAMPLES_OF_A_KIND.finditer(text):
        word = match.group("kind")
        low = word.lower()
        if low in FUNCTION_WORDS or low.endswith("ss") or known(low) < 2.5:
            continue
        noun = singular(low)
        if noun == low or looks_like_verb(noun):
            continue  # "this", "uses": no plural noun
        found.append((noun, match.group("items")))
    return found
