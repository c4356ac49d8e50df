"""Practice's stem wording: how a question's stem names kinds of things and says what is needed.

The question generator (assistant/practice.py) words each stem from a line of the notes. These helpers
give it the words: the kind a heading names and its noun, plural and short forms ("Node Types" -> "node
type", "node types"), a flash card's question as a stem, a need's verb phrase and its rewordings, and
the need as a wrong option's why-not names it ("not what lets you ..."). General English only (with
assistant/wording.py); nothing is taken from any notes.
"""

from __future__ import annotations

import re

from .practice_reading import without_brackets
from .reading import split_how_to
from .vocabulary import CATEGORY_HEADS, DISCOURSE_LABELS, FUNCTION_WORDS, SETTING_WORDS, VENDOR_WORDS
from .wording import (
    Need,
    cored,
    inner_swapped,
    known,
    looks_like_verb,
    plain_words,
    pp_list_swapped,
    shortened,
    singular,
    swapped,
    synonym_variant,
    with_article,
    with_definite_object,
    without_promotion,
)

# --- kinds of things ----------------------------------------------------------------------------------


#: Category heads that group reasons rather than things ("Benefits", "Best Practices").
_NOT_KINDS = frozenset(
    {
        "benefits",
        "advantages",
        "disadvantages",
        "tips",
        "practices",
        "considerations",
        "takeaways",
        "steps",
        "notes",
        "basics",
        "fundamentals",
        "patterns",
        "examples",
        "strategies",
        "approaches",
        "concepts",
        "terms",
        "definitions",
        "cases",
    }
)


def kind_phrase(heading: str, ancestor: str | None, singular_ok: bool = False, is_name=None) -> str | None:
    """The kind a list's heading names, singular: "Node Types" -> "node type", "Types of Visualizations" ->
    "type of visualization", "File Systems in EMR" -> "file system", "AWS Service" -> "AWS service",
    "Key Components" (of EventBridge) -> "EventBridge component". None for a heading that names no kind."""
    text = without_brackets(heading).strip(" :*")
    text = re.sub(r"\s+(?:in|on|for|within|across|with|by|under|at)\s+.*$", "", text)
    words = text.split()
    if not words or len(words) > 6:
        return None
    lowered = [w.lower() for w in words]
    if lowered[0] in ("examples", "example") and len(words) > 2 and lowered[1] == "of":
        words, lowered = words[2:], lowered[2:]
    last = lowered[-1]
    product_words = {"service", "services", "tool", "tools", "product", "products", "offering", "offerings"}
    if set(lowered) <= VENDOR_WORDS | product_words and last in product_words:
        return " ".join(words[:-1] + [singular(words[-1]).lower()]) if len(words) > 1 else singular(last)
    if lowered[0] in ("types", "kinds", "classes", "categories") and len(words) > 2 and lowered[1] == "of":
        rest = [w if _is_proper_word(w, is_name) or w.isupper() else w.lower() for w in words[2:]]
        return " ".join([singular(lowered[0]), "of"] + rest[:-1] + [singular(rest[-1])])
    plural = last != singular(last).lower() or last in CATEGORY_HEADS
    if not plural and not singular_ok:
        return None
    if last in _NOT_KINDS or (len(lowered) == 1 and last in DISCOURSE_LABELS and last not in CATEGORY_HEADS):
        return None
    if any(w in ("use", "uses", "exam", "summary", "overview", "takeaways", "tips") for w in lowered):
        return None
    phrase_words = [
        w if (w.isupper() or re.search(r"[a-z][A-Z]", w) or _is_proper_word(w, is_name)) else w.lower() for w in words
    ]
    phrase_words[-1] = singular(phrase_words[-1])
    modifiers = [w for w in lowered[:-1] if w not in FUNCTION_WORDS]
    if all(w in DISCOURSE_LABELS or w in ("main", "core", "supported") for w in modifiers):
        head = phrase_words[-1]
        return f"{short_name(ancestor)} {head}" if ancestor else head
    return " ".join(phrase_words)


def _is_proper_word(word: str, is_name=None) -> bool:
    if is_name is not None:
        return bool(is_name(word))
    return word[:1].isupper() and known(word.lower()) < 3.0


def short_name(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower() in VENDOR_WORDS:
        words.pop(0)
    return " ".join(words)


def head_noun(phrase: str) -> str | None:
    words = [w for w in plain_words(phrase) if w not in FUNCTION_WORDS]
    if not words:
        return None
    head = singular(words[-1])
    return head if known(head) >= 3.0 else None


def plural_phrase(noun: str) -> str:
    words = noun.split()
    if len(words) > 2 and words[1] == "of":  # "type of visualization" -> "types of visualization"
        return " ".join([plural_phrase(words[0])] + words[1:])
    last = words[-1]
    if re.search(r"[^aeiou]y$", last):
        plural = last[:-1] + "ies"
    elif re.search(r"(?:s|x|z|ch|sh)$", last):
        plural = last + "es"
    else:
        plural = last + "s"
    return " ".join(words[:-1] + [plural])


def kind_noun(kind: str) -> str:
    """The noun a kind phrase is about: "node type" -> "node", "type of visualization" -> "visualization"."""
    words = kind.lower().split()
    if "of" in words[:-1]:
        return singular(words[words.index("of") + 1])
    if len(words) > 1 and words[-1] in ("type", "kind", "class", "sort", "category", "variety"):
        return singular(words[-2])
    return singular(words[-1])


# --- what a stem asks for -----------------------------------------------------------------------------


def leading_verb(words: list[str]) -> str | None:
    """The base form of the verb a phrase opens with ("scans the buckets" -> "scan"), judged with the two
    words after it; None when it does not open with a verb."""
    if not words:
        return None
    return looks_like_verb(words[0], words[1] if len(words) > 1 else "", words[2] if len(words) > 2 else "")


def card_stems(question: str, who: str, lower, kind: str | None = None) -> list[str]:
    """A card's question as an exam stem: a question that asks ("Which command ...?", "Where ...?") stays; a
    task ("Lock an account without deleting it?") or a thing ("Safe way to edit sudo rules?") becomes a need;
    a how-to ("How do I pin a module?", "A run crashed. What now?") becomes a situation and a need, the
    question put to a team rather than to "I"."""
    how_to = how_to_stem(question, who, kind)
    if how_to:
        return [how_to]
    text = question.strip().rstrip("?.!").strip()
    text = re.sub(r"(?i)\byour\b", "its", text)
    if re.match(r"(?i)^(?:which|what|where|how|when|who)\b", text):
        return [f"{text}?"]
    words = text.split()
    verb = leading_verb(words)
    if verb:
        return [f"{who} needs to {verb} {' '.join(words[1:])}."]
    if len(words) >= 2:
        return [f"{who} needs {with_article(lower(text))}."]
    return []


def thing_with_article(thing: str) -> str | None:
    """A needed thing with its article, as a stem says it ("a key-value database", "the lowest cost per GB");
    None for a phrase that is no thing at all but a verb and what follows it ("renamed the master role", "used
    only the first time ...")."""
    words = thing.split()
    if (
        len(words) > 1
        and words[0].lower().endswith("ed")
        and (words[1].lower() in FUNCTION_WORDS or words[1].lower().endswith("ly"))
    ):
        return None
    return with_article(thing)  # "the lowest cost per GB": with_article gives a superlative its "the"


def phrase_forms(phrase: str, limit: int = 24) -> list[str]:
    """A phrase, then rewordings that keep its meaning, least reworded first: coordinated parts swapped, the
    two ends of a closing list swapped, single words swapped, everyday synonyms, and (last) without its
    closing detail. Combinations come after single changes; at most `limit` forms."""
    steps = (swapped, pp_list_swapped, inner_swapped, synonym_variant, cored, shortened)
    forms = [phrase]
    frontier = [phrase]
    for _ in range(3):
        found = []
        for form in frontier:
            for step in steps:
                other = step(form)
                if other and other not in forms and other not in found:
                    found.append(other)
        forms.extend(found)
        frontier = found
        if len(forms) >= limit:
            break
    return forms[:limit]


def fronted_purpose(phrase: str) -> tuple[str, str] | None:
    """ "integrate with X to import data into Y" -> ("to import data into Y", "integrate with X")."""
    match = re.match(r"^(?P<main>.+?)\s+(?P<purpose>to\s+(?P<verb>\w+)\s+(?P<next>\S+).*)$", phrase)
    if not match or len(match.group("main").split()) < 2:
        return None
    if not looks_like_verb(match.group("verb"), match.group("next")):
        return None  # "send logs to cloud watch": a destination, not a purpose
    return match.group("purpose"), match.group("main")


def tidy_verb_phrase(phrase: str | None) -> str | None:
    """A need's verb phrase as a stem says it: no sales words, "the" before an abstract object."""
    cleaned = without_promotion(phrase)
    return with_definite_object(cleaned) if cleaned else cleaned


def not_phrase(need: Need, missed: str) -> str:
    if missed.startswith("what your notes"):
        return missed
    if "," in missed and not re.search(r"\b(?:and|or)\b", missed):
        head, _, last = missed.rpartition(",")
        missed = f"{head} and {last.strip()}"  # "aggregate data, monitor logs": two parts of a longer list
    if need.goal or need.action:
        if re.match(r"let\s", missed):
            return f"what can {missed}"  # "what can let a step fail", not "what lets you let a step fail"
        return f"what lets you {missed}"
    if need.purpose:
        return f"what your notes put forward for {missed}"
    return f"{missed}"


def _third_person(text: str) -> str:
    """ "I", "my", "me" (or "you", as a runbook tells its reader) in a card's question as a team's ("the team",
    "its")."""
    text = re.sub(r"^You\b", "The team", text)
    text = re.sub(r"\b(?:I|you)\b", "the team", text)
    text = re.sub(r"(?i)\b(?:my|our|your)\b", "its", text)
    return re.sub(r"(?i)\b(?:me|us)\b", "the team", text)


def how_to_stem(question: str, who: str, kind: str | None) -> str | None:
    """ "How do I protect a database from being deleted by accident?" -> "A team wants to protect a database
    from being deleted by accident." (the ask is added after); "A run crashed and the lock was never released.
    What now?" -> "A run crashed and the lock was never released. Which command should the team use next?"."""
    split = split_how_to(question)
    if split is None:
        return None
    situation, doing = split
    opener = f"{_third_person(situation)}. " if situation else ""
    if doing:
        # "wants to": what follows is the card's own verb phrase, which may hold a clause of its own ("pin which
        # provider versions are allowed").
        return f"{opener}{who} wants to {_third_person(doing)}."
    # "Which command should the team run next?", "Which setting should the team change?"
    verb = "run next" if kind == "command" else "change" if kind in SETTING_WORDS else "use next"
    return f"{opener}Which {kind or 'option'} should the team {verb}?"
