"""Recognising the town a question names, in any position and inflected form.

"polizei in hausach", "hausacher polizei", "kork", "zell-weierbach" and "Zell a. H." all name
a place. Longer names win over shorter ones ("zell weierbach" is Offenburg, "zell" alone may
be Zell am Harmersbach). Typos are tolerated only for longer words that are not ordinary
words of the knowledge, so "lauf" stays a town but "verlauf" does not become one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge.model import Place
from bot.normalize import STOPWORDS, fold

# Endings of inflected place names and their inhabitants' adjectives: Hausacher, Lahrer,
# Kehlerin, Offenburgs, Achern (already a name). Tried longest first.
_SUFFIXES = ("erinnen", "erin", "ern", "er", "es", "s")
_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    place: Place
    matched: str  # the words of the question that named it
    start: int  # token span [start, end) in the folded question
    end: int


class PlaceFinder:
    """Finds places in folded token lists; built once per knowledge load."""

    def __init__(
        self, places: Iterable[Place], ordinary_words: set[str], topic_words: set[str]
    ) -> None:
        """``ordinary_words``: all words of the entries; ``topic_words``: of titles and keywords.

        A word that names a topic ("Kinzigtal" in "Team Kinzigtal") never stands for a town.
        """
        self.places = list(places)
        self._names: dict[tuple[str, ...], Place] = {}
        for place in self.places:
            for name in (place.name, *place.aliases):
                key = tuple(fold(name).split())
                if key:
                    self._names.setdefault(key, place)
        self._ordinary = ordinary_words
        # The distinctive word of a longer name stands for it ("peterstal", "harmersbach"),
        # if no other place has it and it is not an ordinary word of the knowledge.
        owners: dict[str, set[str]] = defaultdict(set)
        for key, place in self._names.items():
            for word in key:
                owners[word].add(place.name)
        for key, place in list(self._names.items()):
            for word in key:
                if (
                    len(key) > 1
                    and len(word) >= 6
                    and owners[word] == {place.name}
                    and word not in topic_words
                    and (word,) not in self._names
                ):
                    self._names[(word,)] = place
        self._single = {key[0]: place for key, place in self._names.items() if len(key) == 1}
        self._fuzzy_choices = [name for name in self._single if len(name) >= 5]

    def by_name(self, text: str) -> Place | None:
        """Exact (folded) look-up of a place by its name or an alias."""
        return self._names.get(tuple(fold(text).split()))

    def candidates(self, text: str, limit: int = 4) -> list[Place]:
        """Places a user may mean by ``text`` (for /ort): one if certain, else the closest."""
        words = fold(text).split()
        match = self.find(words)
        if match is not None and match.end - match.start == len(words):
            return [match.place]
        names = {" ".join(key): place for key, place in self._names.items()}
        found = process.extract(
            " ".join(words), list(names), scorer=fuzz.WRatio, score_cutoff=75, limit=12
        )
        places: list[Place] = []
        for name, _score, _ in found:
            if names[name] not in places:
                places.append(names[name])
        return places[:limit]

    def find(self, words: list[str]) -> PlaceMatch | None:
        """The first place named in ``words`` (folded tokens), longest name first."""
        best: PlaceMatch | None = None
        for start in range(len(words)):
            for size in range(min(_MAX_WORDS, len(words) - start), 0, -1):
                key = tuple(words[start : start + size])
                place = self._names.get(key)
                if place is not None:
                    match = PlaceMatch(place, " ".join(key), start, start + size)
                    if best is None or size > best.end - best.start:
                        best = match
                    break
        if best is not None:
            return best
        for index, word in enumerate(words):
            place = self._inflected(word)
            if place is not None:
                return PlaceMatch(place, word, index, index + 1)
        for index, word in enumerate(words):
            place = self._misspelt(word)
            if place is not None:
                return PlaceMatch(place, word, index, index + 1)
        return None

    def _inflected(self, word: str) -> Place | None:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                place = self._single.get(word[: -len(suffix)])
                if place is not None:
                    return place
        return None

    def _misspelt(self, word: str) -> Place | None:
        if len(word) < 5 or word in STOPWORDS or word in self._ordinary:
            return None
        limit = 1 if len(word) < 9 else 2
        found = process.extract(
            word,
            self._fuzzy_choices,
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=2,
        )
        if not found:
            # The word may be an inflected, misspelt name ("hausacherr").
            for suffix in _SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= 5:
                    found = process.extract(
                        word[: -len(suffix)],
                        self._fuzzy_choices,
                        scorer=OSA.distance,
                        score_cutoff=limit,
                        limit=2,
                    )
                    if found:
                        break
        if not found:
            return None
        if len(found) > 1 and found[0][1] == found[1][1]:
            return None  # two towns equally close: do not guess
        return self._single[found[0][0]]
