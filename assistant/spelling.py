"""Typos read as the notes' words: the first step of understanding a question.

Learners type fast: "databse", "athna", "partitons". A misspelt word matches nothing in the word index
and pulls the question's embedding away from the notes, so a word that is neither the notes' own nor an
English word is read as the one word of the notes it is a single slip away from (a letter dropped, added,
changed, or two swapped), when there is one. The answer says which words were read so.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from .vocabulary import CHAT_SHORTHAND, english_frequency, rare_english_frequencies

logger = logging.getLogger(__name__)

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Words in prose ("database", "partitions"), not identifiers ("max_retries", "s3", "X-Forwarded-For").
#: A hyphen may join them ("open-soruce", "on-premsies": each part is read on its own).
_PLAIN_WORD = re.compile(r"(?<![\w./`$])[A-Za-z]+(?![\w/`]|\.\w)")


@dataclass(frozen=True)
class Correction:
    typed: str
    read_as: str


class SpellingCorrector:
    """Reads words that are neither the notes' nor English as the notes' word one slip away.

    `min_length`: shorter words have too many neighbours to guess from ("nde" may be "node" or "and");
    `english_zipf`: a word this frequent in English (wordfreq's large list) is a real word, whatever the
    notes say ("deadlocks", "provenance")."""

    def __init__(
        self,
        words: Collection[str],
        frequency: Callable[[str], float],
        min_length: int = 5,
        english_zipf: float = 2.0,
    ) -> None:
        """`words`: the notes' words, lower case (Reading.word_forms); `frequency`: how common a word is in
        the notes (its term's document frequency), to choose between two near words."""
        self.words = words
        self.frequency = frequency
        self.min_length = min_length
        self.english_zipf = english_zipf
        self._english: dict[str, bool] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SpellingCorrector:
        """A corrector over texts alone (no index): their words and how often each occurs."""
        counts: Counter[str] = Counter(w.lower() for text in texts for w in re.findall(r"[A-Za-z]+", text))
        return cls(set(counts), counts.__getitem__)

    def correct(self, text: str) -> tuple[str, list[Correction]]:
        """The text with each typo replaced by the notes' word, and what was replaced."""
        text, shorthand = self._expand_shorthand(text)
        corrected, corrections = self._correct_typos(text)
        return corrected, shorthand + corrections

    def _expand_shorthand(self, text: str) -> tuple[str, list[Correction]]:
        """Chat shorthand ("shud", "pls") read as the everyday word, unless the notes themselves use it."""
        found: list[Correction] = []

        def replace(match: re.Match[str]) -> str:
            typed = match.group(0)
            word = CHAT_SHORTHAND.get(typed.lower())
            if word is None or typed.lower() in self.words:
                return typed
            found.append(Correction(typed, word))
            return word

        return _PLAIN_WORD.sub(replace, text), found

    def _correct_typos(self, text: str) -> tuple[str, list[Correction]]:
        unknown = {
            m.group(0).lower()
            for m in _PLAIN_WORD.finditer(text)
            if len(m.group(0)) >= self.min_length
            and m.group(0).lower() not in self.words
            and english_frequency(m.group(0).lower()) == 0.0
        }
        # A name the learner typed ("configure Redis") is read as the notes' word next to it ("Zorblat Queeu"),
        # never as a common English one ("Reds").
        names = {m.group(0).lower() for m in _PLAIN_WORD.finditer(text) if _named(text, m)}
        if not unknown:
            return text, []
        near = {word: fix for word in unknown if (fix := self._nearest(word)) is not None}
        near = {word: fix for word, fix in near.items() if word not in names or fix in self.words}
        fixes = {word: fix for word, fix in near.items() if not self._is_english(word)}
        if not fixes:
            return text, []
        corrections: list[Correction] = []

        def replace(match: re.Match[str]) -> str:
            typed = match.group(0)
            fix = fixes.get(typed.lower())
            if fix is None:
                return typed
            shown = (
                fix.upper() if typed.isupper() and len(typed) > 1 else fix.capitalize() if typed[0].isupper() else fix
            )
            corrections.append(Correction(typed, shown))
            return shown

        corrected = _PLAIN_WORD.sub(replace, text)
        logger.debug("read %s", ", ".join(f"{c.typed}->{c.read_as}" for c in corrections))
        return corrected, corrections

    def _is_english(self, word: str) -> bool:
        """Whether wordfreq's large list knows a word well enough to leave it alone ("deadlocks"). The list is
        read in one pass per new word (~45 ms), so only for a word that has a guess, and each word once."""
        if word not in self._english:
            self._english[word] = rare_english_frequencies({word}).get(word, 0.0) >= self.english_zipf
        return self._english[word]

    def _nearest(self, word: str) -> str | None:
        """The notes' word one slip away (the most frequent in the notes when several are); else a common
        English word one slip away ("perssitently": persistently), which still reads right to the embedding;
        None when there is none or no clear one."""
        near = {w for w in _one_slip_away(word) if len(w) >= self.min_length - 1}
        for frequency in (
            lambda w: float(self.frequency(w)) if w in self.words else 0.0,
            lambda w: english_frequency(w) if english_frequency(w) >= 3.0 else 0.0,
        ):
            counts = sorted(((frequency(w), w) for w in near if frequency(w) > 0), reverse=True)
            if not counts:
                continue
            if len(counts) > 1 and counts[0][0] == counts[1][0]:
                return None  # two words as near and as common: no guess
            return counts[0][1]
        return None


def _named(text: str, match: re.Match[str]) -> bool:
    """A capitalised word inside a sentence: a name the learner typed ("configure Redis as a cache"). A
    sentence's first word may be either."""
    if not match.group(0)[0].isupper():
        return False
    before = text[: match.start()].rstrip()
    return bool(before) and before[-1] not in ".?!:\n"


def _one_slip_away(word: str) -> set[str]:
    """Every string one letter dropped, added, changed or two neighbours swapped away (Norvig's edits1)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}
