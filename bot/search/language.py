"""Is a question written in another language than German?

The lexical index only knows the knowledge's German words: a question in Arabic or in
English finds nothing there, and "nothing found by words" then says nothing about whether
the knowledge covers it. The engine asks this module, and lets the semantic stage offer its
closest entries for such a question instead of declining it.

Cheap on purpose (no model in memory): letters of another script (Cyrillic, Arabic, …) or
letters German does not use (ş, ğ, ı, é, ç, …) decide at once; otherwise a question of three
or more words is foreign when more of its words are common words (stopwords, from
``stopwordsiso``) of English, French or Turkish than of German.
"""

from __future__ import annotations

import re
import unicodedata

import stopwordsiso

MIN_WORDS = 3
MIN_FOREIGN_WORDS = 2
_OTHER_LATIN = frozenset("ğşıİçœéèêëàâîïôûùÿ")
_WORDS = re.compile(r"[^\W\d_]+")


class LanguageGuesser:
    """German or not, from the letters and the small words of a question."""

    def __init__(self, others: tuple[str, ...] = ("en", "fr", "tr")) -> None:
        self._german = frozenset(stopwordsiso.stopwords("de"))
        self._others = [frozenset(stopwordsiso.stopwords(code)) for code in others]

    def foreign(self, text: str) -> bool:
        """True when ``text`` is confidently not German."""
        if _other_letters(text):
            return True
        words = _WORDS.findall(text.lower())
        if len(words) < MIN_WORDS:
            return False
        german = sum(w in self._german for w in words)
        other = max(sum(w in common for w in words) for common in self._others)
        return other >= MIN_FOREIGN_WORDS and other > german


def _other_letters(text: str) -> bool:
    """Letters that are not Latin (Cyrillic, Arabic, …) or not German (ş, é, …)."""
    for char in text:
        if not char.isalpha():
            continue
        if char.lower() in _OTHER_LATIN or not unicodedata.name(char, "").startswith("LATIN"):
            return True
    return False
