"""Is a question written in another language than German?

The lexical index only knows the knowledge's German words: a question in Arabic or in
English finds nothing there, and "nothing found by words" then says nothing about whether
the knowledge covers it. The engine asks this module, and lets the semantic stage offer its
closest entries for such a question instead of declining it.

Identification by ``py3langid`` (a maintained fork of langid.py, model bundled), limited to
the languages caseworkers and their clients write in here. Short texts are hard to
identify, so a Latin-script question counts as foreign only with a confident verdict on
three or more words; letters of another script decide at once.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

LANGUAGES = ("de", "en", "fr", "tr", "uk", "ru", "ar", "fa")
MIN_WORDS = 3
MIN_PROBABILITY = 0.9


class LanguageGuesser:
    """Loads its model on first use (a few seconds), then answers in well under a millisecond."""

    def __init__(self) -> None:
        self._identifier: Any = None
        self._lock = threading.Lock()

    def foreign(self, text: str) -> bool:
        """True when ``text`` is confidently not German."""
        if _other_script(text):
            return True
        if len(text.split()) < MIN_WORDS:
            return False
        language, probability = self._identify(text)
        return language != "de" and probability >= MIN_PROBABILITY

    def _identify(self, text: str) -> tuple[str, float]:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(LANGUAGES))
                self._identifier = identifier
            language, probability = self._identifier.classify(text)
        return str(language), float(probability)


def _other_script(text: str) -> bool:
    """Letters that are not Latin (Cyrillic, Arabic, …): not German, whatever the words."""
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return True
    return False
