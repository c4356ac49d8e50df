"""Text utilities shared by retrieval, answering and practice: one tokenizer, one notion of a "term"."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from .vocabulary import CLIPPED_WORDS

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_stemmer = Stemmer.Stemmer("english")

# English function words plus question scaffolding that carries no topic.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "etc",
        "e.g",
        "eg",
        "i.e",
        "ie",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shall",
        "shan't",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "need",
        "needs",
        "needed",
        "want",
        "wants",
        "wanted",
        "use",
        "uses",
        "used",
        "using",
        "should",
        "best",
        "way",
        "ways",
        "one",
        "ones",
        "something",
        "thing",
        "things",
        "which",
        "what",
        "whats",
        "what's",
        "how",
        "team",
        "company",
        "teams",
        "companies",
        "organization",
        "organisation",
        "organizations",
        "we",
        "our",
        "us",
    ]
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def term_of_word(word: str) -> str:
    """The index term of one lower-case word: its stem, and for a word learners clip ("on-prem", "the prod db")
    the stem of the word it stands for, in notes and questions alike."""
    return stem(CLIPPED_WORDS.get(word, word))


def words(text: str) -> list[str]:
    """Lower-cased word tokens, hyphens and apostrophes split off."""
    return [w.strip("'-") for w in _WORD.findall(text.lower()) if w.strip("'-")]


def tokenize(text: str) -> list[str]:
    """Stemmed content tokens: what BM25 indexes and what lexical overlap compares.
    Hyphenated words count both whole and by part ("near-real-time" matches "real time")."""
    tokens: list[str] = []
    for word in words(text):
        parts = [p for p in word.split("-") if p] if "-" in word else [word]
        if len(parts) > 1 and parts[0] == "non":
            parts = [word.replace("-", "")]  # "non-Hive" is the opposite of "Hive", not a kind of it
        elif len(parts) > 1:
            parts.append(word.replace("-", ""))
        for part in parts:
            if part not in STOPWORDS and (len(part) > 1 or part.isdigit()):
                tokens.append(term_of_word(part))
    return tokens


def content_terms(text: str) -> set[str]:
    return set(tokenize(text))


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- sentences -------------------------------------------------------------------------------------
# A sentence ends at . ! or ? before a capital, a digit, a quote, a bracket or code; "e.g. Redis",
# "vs. Glue" and initials do not end one. The one splitter for notes, answers and questions.
# A sentence may open with a setting in snake_case ("... the slow endpoint. proxy_connect_timeout covers ...").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(`]|[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b)")
_ELLIPSIS_IN_CODE = re.compile(r"\b[A-Z][A-Z_]+\s*(?:\.\.\.|…)$")
_CODE_WORD = re.compile(r"[A-Z][A-Z_]+\b")
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|fig|cf)\.|\b[A-Z]\.)$", re.IGNORECASE)


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences; "e.g. Redis" and initials do not end one."""
    found: list[str] = []
    for piece in _SENTENCE_END.split(paragraph.strip()):
        if found and (
            _ABBREVIATION_END.search(found[-1]) or _ELLIPSIS_IN_CODE.search(found[-1]) and _CODE_WORD.match(piece)
        ):
            # "ALTER TASK ... RESUME": an ellipsis inside a command leaves out its middle; it ends no sentence.
            found[-1] = f"{found[-1]} {piece}"
        elif piece:
            found.append(piece)
    return found


_LOOSE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def loose_sentences(text: str) -> list[str]:
    """The sentences of a question typed in a hurry: split at every ".", "!" or "?" before a space, a
    lower-case start included ("hdfs capacity is fine. i want to add compute ..."), unlike `sentences`."""
    return [part for part in _LOOSE_SENTENCE_END.split(text.strip()) if part.strip()]


def asking_sentence(text: str) -> str:
    """The sentence a question asks in: its last one ending in "?", else its last."""
    parts = loose_sentences(text) or [text]
    asking = [part for part in parts if part.rstrip().endswith("?")]
    return asking[-1] if asking else parts[-1]


def first_sentence(text: str) -> str:
    """The first sentence of the first line: where an answer names its answer."""
    first = (text or "").strip().split("\n", 1)[0]
    parts = sentences(first)
    return parts[0] if parts else first


# --- control characters ----------------------------------------------------------------------------
# C0 and C1 controls and Unicode non-characters, but not tab, newline or carriage return: text pasted or
# loaded with them renders as garbage or breaks a terminal, and they carry no meaning in notes.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_words(text: str) -> bool:
    """Whether a question has anything to read ("???" and an emoji do not)."""
    return re.search(r"[^\W_]", text) is not None


def counted(number: int, noun: str) -> str:
    """A count with its noun (a regular plural) in agreement: "1 chunk", "2 chunks"."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def strip_control(text: str, replacement: str = "") -> str:
    """`text` without control characters (tab, newline and carriage return are kept)."""
    return _CONTROL_CHARACTERS.sub(replacement, text)
