"""The search index: built once per knowledge load, answering is pure in-memory work.

Scoring is a field-weighted BM25 variant over Snowball stems. Every query word is expanded
before look-up: synonyms from the knowledge, German compounds (``gewaltschutz`` meets
``gewaltschutzkonzept`` and the reverse), and typos (Levenshtein via ``rapidfuzz``). Each
expansion carries a factor < 1 so exact words win. A place named in the question restricts
the entries to those valid there; entries scoped to that place are preferred. A separable
verb's prefix at the end of a clause goes back on its verb first ("ruft … an" is searched as
``anrufen``, :mod:`bot.search.separable`).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.base import Knowledge
from bot.knowledge.model import Entry, Place
from bot.normalize import (
    GENERIC_WORDS,
    STOPWORDS,
    common_stems,
    fold,
    stem,
    tokens,
    word_tokens,
)
from bot.search.danger import sounds_urgent
from bot.search.places import PlaceFinder, PlaceMatch
from bot.search.separable import rejoin

Outcome = Literal["answer", "choose", "none"]

# Field weights: what a caseworker types is most often in the title or the keywords.
_WEIGHTS = {"title": 3.0, "keywords": 3.0, "category": 1.0, "contacts": 1.5, "text": 1.0}
_K1 = 1.2
_B = 0.5
_SYNONYM = 0.9
_COMPOUND = 0.75
_MIN_PART = 4  # shortest question word that may be part of a longer word
_MIN_INNER_PART = 5  # shortest word that may count as a part of a longer question word
_DOMINANT_PART = 0.6  # a part this share of the compound stands for the whole
_MAX_EXPANSIONS = 40
_SCOPE_BOOST = 1.5  # an entry scoped to the named place beats a general one
_UNPLACED_SCOPED = 0.5  # without a place, general entries beat town-specific ones
_PHRASE_BONUS = 0.6  # per whole keyword phrase found in the question
_EXPANSIONS_KEPT = 8192
# Longer unknown words one typo from a stopword are usually words of their own
# ("madchen" is not "machen"): only short ones count as a mistyped stopword.
_MAX_TYPO_STOPWORD = 5
_RANKED = 64  # entries kept per question after scoring; the rest never reach a user

# Decisions, tuned on tests/eval/questions.yaml (see docs/benchmarks.md). An answer needs
# most of the question's words matched, or a strong match of at least part of them.
MIN_SCORE = 0.5
MIN_COVERAGE = 0.7
STRONG_SCORE = 6.5
MIN_COVERAGE_STRONG = 0.45
CHOOSE_RATIO = 0.8
MAX_CHOICES = 4


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    score: float
    coverage: float  # share of the question's (idf-weighted) words this entry matched


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    outcome: Outcome
    hits: list[Hit]
    place: PlaceMatch | None
    urgent: bool
    words: list[str] = field(default_factory=list)  # folded content words used to search


@dataclass(frozen=True, slots=True)
class LexicalResult:
    """What the lexical stage found, with what the semantic stage needs to go on."""

    result: SearchResult
    place: Place | None  # the named place, else the default
    words: list[str]  # all folded words of the question, place included
    stems: list[str]  # the content stems searched with; empty for a bare place name


@dataclass(frozen=True, slots=True)
class _Expansion:
    term: str
    factor: float


class SearchIndex:
    """Inverted index over the entries of one :class:`Knowledge`.

    Postings hold each word's BM25 weight per entry, precomputed; a question is scored with
    a few vectorised numpy operations per word, so answering stays fast at 10,000 entries.
    """

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.entries: list[Entry] = list(knowledge.entries.values())
        ordinary, topics = self._build()
        self._vocab = sorted(self._postings)
        self._vocab_set = frozenset(self._vocab)
        self._reversed = sorted(term[::-1] for term in self._vocab)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for term in self._vocab:
            self._by_length[len(term)].append(term)
        self._synonyms = self._build_synonyms(knowledge.synonyms)
        self.places = PlaceFinder(knowledge.places, ordinary, topics)
        # Not functools.lru_cache on a bound method: that is a reference cycle, and an old
        # index (with its whole knowledge) would then wait for the garbage collector.
        self._expansions: dict[str, tuple[_Expansion, ...]] = {}
        self._common = common_stems()
        self._generic = frozenset(stem(w) for w in GENERIC_WORDS)
        self._scoped = np.array([bool(e.scope) for e in self.entries], dtype=bool)
        tagged: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(self.entries):
            for tag in entry.scope:
                tagged[tag].append(index)
        self._tagged = {tag: np.array(ids, dtype=np.int64) for tag, ids in tagged.items()}

    # -- building -----------------------------------------------------------------------

    def _build(self) -> tuple[set[str], set[str]]:
        """Postings and phrases; returns (every word, words of titles and keywords).

        The words of every field of every entry go into one flat list; stems are looked up
        once per distinct word, and the term frequencies, lengths and BM25 weights are
        computed with numpy over all occurrences at once (10,000 entries have over a
        million words).
        """
        n = len(self.entries)
        ids = _TermIds()
        category_ids = {
            key: ids.of(f"{key} {category.label}")
            for key, category in self.knowledge.categories.items()
        }
        fields: list[list[int]] = []  # term ids per entry and field, in the order of _WEIGHTS
        phrases: list[list[list[int]]] = []  # per entry: keywords and title of 2+ terms
        topic_texts: set[str] = set()  # titles and keywords as typed, folded at the end
        short = _Phrases(ids)  # keywords repeat across entries
        for entry in self.entries:
            keywords = [short[k] for k in entry.keywords]
            title = short[entry.title]
            phrases.append([p for p in (*keywords, title) if len(p) >= 2])
            topic_texts.update(entry.keywords)
            topic_texts.add(entry.title)
            fields += (
                title,
                list(chain.from_iterable(keywords)),
                category_ids.get(entry.category) or ids.of(entry.category),
                ids.of(" ".join(f"{c.name} {c.role or ''}" for c in entry.contacts)),
                ids.of(" ".join([entry.text, *entry.steps])),
            )
        terms = ids.terms()
        sizes = np.fromiter(map(len, fields), dtype=np.int64, count=len(fields))
        term_of = np.fromiter(chain.from_iterable(fields), dtype=np.int64, count=int(sizes.sum()))
        weight_of = np.repeat(np.tile(np.array(list(_WEIGHTS.values())), n), sizes)
        entry_of = np.repeat(np.repeat(np.arange(n, dtype=np.int64), len(_WEIGHTS)), sizes)
        # One key per (term, entry): sorted by term, then entry, as the postings want them.
        keys, which = np.unique(term_of * max(n, 1) + entry_of, return_inverse=True)
        tf = np.bincount(which, weights=weight_of)
        docs = keys % max(n, 1)
        term_ids = keys // max(n, 1)
        lengths = np.bincount(docs, weights=tf, minlength=n)
        average = (sum(lengths.tolist()) / n if n else 1.0) or 1.0
        norms = tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * (lengths[docs] / average)))
        bounds = [0, *(np.flatnonzero(np.diff(term_ids)) + 1).tolist(), len(keys)]
        self._postings: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = {}
        self._idf: dict[str, float] = {}
        for start, end in pairwise(bounds):
            if start == end:
                continue
            term = terms[int(term_ids[start])]
            self._postings[term] = (docs[start:end], norms[start:end])
            self._idf[term] = math.log(1 + (n - (end - start) + 0.5) / (end - start + 0.5))

        # Per entry: its keywords and title of two or more content words, as stems.
        self._phrases: list[list[tuple[str, ...]]] = [
            [tuple(terms[i] for i in phrase) for phrase in own] for own in phrases
        ]
        topics = set(tokens(" ".join(topic_texts)))
        return ids.words(), topics

    @staticmethod
    def _build_synonyms(groups: Iterable[list[str]]) -> dict[str, set[str]]:
        mapping: dict[str, set[str]] = defaultdict(set)
        for group in groups:
            stems = {stem(w) for member in group for w in tokens(member) if w not in STOPWORDS}
            for s in stems:
                mapping[s] |= stems - {s}
        return dict(mapping)

    # -- querying -----------------------------------------------------------------------

    def search(self, question: str, place: Place | None = None) -> SearchResult:
        """Rank the entries for ``question``; ``place`` applies when the question names none."""
        found = self.analyse(question, place)
        result = found.result
        if result.outcome == "none" and result.urgent and found.stems:
            # Danger is never answered with "nothing found" when an emergency entry fits.
            hits = [h for h in result.hits if h.entry.urgent][:MAX_CHOICES]
            outcome: Outcome = "choose" if len(hits) > 1 else ("answer" if hits else "none")
            return SearchResult(question, outcome, hits, result.place, True, result.words)
        return result

    def analyse(
        self, question: str, place: Place | None = None, *, exact: bool = False
    ) -> LexicalResult:
        """The lexical ranking and decision, before any fallback for danger.

        ``exact``: the question's words count only as typed (and through the knowledge's
        synonyms), not as typos of or parts of other words. For a question in another
        language: there a German typo or compound match is a false friend ("for" is not a
        typo of "vor"), while a town, a name or a loanword ("Duldung") is still found.
        """
        typed = tokens(question)
        urgent = sounds_urgent(typed)
        words = rejoin(question, self._vocab_set.__contains__)
        match = self.places.find(words)
        if match is not None:
            words = words[: match.start] + words[match.end :]
            place = match.place
        content = [w for w in words if w not in STOPWORDS and not self._misspelt_stopword(w)]
        if not content and match is None:
            # Only small words ("welche nummer für was"): search with them after all.
            content = [w for w in words if len(w) > 2]
        stems = list(dict.fromkeys(stem(w) for w in content))
        if not stems:
            hits = self._place_overview(place) if match is not None and place else []
            outcome: Outcome = "choose" if len(hits) > 1 else ("answer" if hits else "none")
            result = SearchResult(question, outcome, hits, match, urgent, content)
            return LexicalResult(result, place, typed, stems)
        hits = self._rank(stems, place, exact=exact)
        result = SearchResult(question, _decide(hits), hits, match, urgent, content)
        return LexicalResult(result, place, typed, stems)

    def valid(self, place: Place | None) -> npt.NDArray[np.bool_]:
        """Which entries may answer a question about ``place`` (all, without a place)."""
        if place is None:
            return np.ones(len(self.entries), dtype=bool)
        here = np.zeros(len(self.entries), dtype=bool)
        for tag in place.tags:
            if tag in self._tagged:
                here[self._tagged[tag]] = True
        return ~self._scoped | here

    def _misspelt_stopword(self, word: str) -> bool:
        """'wass' or 'fur' typed for 'was' or 'für': an unknown word one typo from a stopword."""
        if not 3 <= len(word) <= _MAX_TYPO_STOPWORD or stem(word) in self._vocab_set:
            return False
        return bool(process.extractOne(word, STOPWORDS, scorer=OSA.distance, score_cutoff=1))

    def _rank(self, stems: list[str], place: Place | None, *, exact: bool) -> list[Hit]:
        size = len(self.entries)
        scores = np.zeros(size)
        matched = np.zeros(size)
        total_weight = 0.0
        for term in stems:
            expansions = self._exact(term) if exact else self._expand(term)
            unknown = _UNKNOWN_COMMON_IDF if term in self._common else _UNKNOWN_IDF
            damp = _GENERIC_FACTOR if term in self._generic else 1.0
            weight = damp * max((self._idf[x.term] for x in expansions), default=unknown)
            total_weight += weight
            best = np.zeros(size)  # each entry's best match for this question word…
            factor = np.zeros(size)  # …and how exact that match was
            for expansion in expansions:
                docs, norms = self._postings[expansion.term]
                values = norms * (self._idf[expansion.term] * expansion.factor * damp)
                better = values > best[docs]
                if better.any():
                    chosen = docs[better]
                    best[chosen] = values[better]
                    factor[chosen] = expansion.factor
            scores += best
            # A typo or compound match covers the question word only partly.
            matched += weight * factor
        if place is None:
            scores[self._scoped] *= _UNPLACED_SCOPED
        else:
            here = np.zeros(size, dtype=bool)
            for tag in place.tags:
                if tag in self._tagged:
                    here[self._tagged[tag]] = True
            scores[self._scoped & ~here] = 0.0  # never an entry scoped to another place
            scores[here] *= _SCOPE_BOOST
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > _RANKED:
            top = np.argpartition(scores[candidates], -_RANKED)[-_RANKED:]
            candidates = candidates[top]
        phrase_terms = set(stems)
        hits: list[Hit] = []
        for doc in candidates.tolist():
            score = float(scores[doc])
            for phrase in self._phrases[doc]:
                if phrase_terms.issuperset(phrase):
                    score += _PHRASE_BONUS * len(phrase)
            coverage = float(matched[doc]) / total_weight if total_weight else 0.0
            hits.append(Hit(self.entries[doc], round(score, 4), round(coverage, 3)))
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return hits

    def _place_overview(self, place: Place) -> list[Hit]:
        """A question that only names a town: the entries made for that town."""
        tags = set(place.tags)
        scoped = [e for e in self.entries if e.scope and tags.intersection(e.scope)]
        scoped.sort(key=lambda e: (e.category != "polizei", e.title))
        return [Hit(e, 1.0, 1.0) for e in scoped[:MAX_CHOICES]]

    def _exact(self, term: str) -> tuple[_Expansion, ...]:
        """``term`` itself and its synonyms, where the knowledge has them."""
        found = [_Expansion(term, 1.0)] if term in self._vocab_set else []
        found += [
            _Expansion(s, _SYNONYM)
            for s in sorted(self._synonyms.get(term, ()))
            if s in self._vocab_set
        ]
        return tuple(found)

    def _expand(self, term: str) -> tuple[_Expansion, ...]:
        """The expansions of ``term``, remembered (up to _EXPANSIONS_KEPT question words)."""
        found = self._expansions.get(term)
        if found is None:
            if len(self._expansions) >= _EXPANSIONS_KEPT:
                self._expansions.clear()
            found = self._expansions[term] = self._expand_uncached(term)
        return found

    def _expand_uncached(self, term: str) -> tuple[_Expansion, ...]:
        found: dict[str, float] = {}

        def add(candidate: str, factor: float) -> None:
            if candidate in self._vocab_set and factor > found.get(candidate, 0.0):
                found[candidate] = factor

        add(term, 1.0)
        for synonym in self._synonyms.get(term, ()):
            add(synonym, _SYNONYM)
        if term not in self._vocab_set and len(term) >= 4:
            for candidate, distance in self._fuzzy(term):
                add(candidate, 1.0 - 0.15 * distance)
                for synonym in self._synonyms.get(candidate, ()):
                    add(synonym, _SYNONYM * (1.0 - 0.15 * distance))
        if len(term) >= _MIN_PART:
            for candidate in self._compounds(term):
                add(candidate, _compound_factor(term, candidate))
        ranked = sorted(found.items(), key=lambda item: -item[1])[:_MAX_EXPANSIONS]
        return tuple(_Expansion(t, f) for t, f in ranked)

    def _fuzzy(self, term: str) -> list[tuple[str, int]]:
        limit = 1 if len(term) < 8 else 2
        choices = [
            t
            for size in range(len(term) - limit, len(term) + limit + 1)
            for t in self._by_length.get(size, ())
        ]
        found = process.extract(term, choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
        return [(choice, int(distance)) for choice, distance, _ in found]

    def _compounds(self, term: str) -> list[str]:
        """Vocabulary words that contain ``term`` as a part, or are parts of it."""
        found: list[str] = []
        # Longer words starting with the term: gewaltschutz -> gewaltschutzkonzept.
        start = bisect.bisect_left(self._vocab, term)
        for candidate in self._vocab[start : start + _MAX_EXPANSIONS]:
            if not candidate.startswith(term):
                break
            found.append(candidate)
        # Longer words ending with it: schutz -> gewaltschutz.
        reversed_term = term[::-1]
        start = bisect.bisect_left(self._reversed, reversed_term)
        for candidate in self._reversed[start : start + _MAX_EXPANSIONS]:
            if not candidate.startswith(reversed_term):
                break
            found.append(candidate[::-1])
        # Parts of the term: gewaltschutzkonzept -> gewaltschutz, gewalt, konzept.
        for size in range(len(term) - 1, _MIN_INNER_PART - 1, -1):
            for part in (term[:size], term[-size:]):
                if part in self._vocab_set:
                    found.append(part)
        return found


_UNKNOWN_IDF = 2.0  # weight of a question word the knowledge has never seen
_UNKNOWN_COMMON_IDF = 0.3  # … if it is a very common German word
_GENERIC_FACTOR = 0.3  # "klient", "person": true of nearly every question here


class _TermIds(dict[str, tuple[int, ...]]):
    """Term ids of the words of a text, looked up once per distinct whitespace-separated
    word: building the index touches over a million words at 10,000 entries, but only a
    few ten thousand different ones."""

    def __init__(self) -> None:
        super().__init__()
        self._numbers: dict[str, int] = {}

    def of(self, text: str) -> list[int]:
        """Term ids of the stems of the content words of ``text``, in order."""
        return list(chain.from_iterable(map(self.__getitem__, text.split())))

    def __missing__(self, word: str) -> tuple[int, ...]:
        numbers = self._numbers
        found = tuple(
            numbers.setdefault(stem(token), len(numbers))
            for token in word_tokens(word)
            if token not in STOPWORDS
        )
        self[word] = found
        return found

    def terms(self) -> list[str]:
        """The stems, by id."""
        return list(self._numbers)

    def words(self) -> set[str]:
        """Every folded word seen, stopwords included."""
        return set(chain.from_iterable(map(word_tokens, self)))


class _Phrases(dict[str, list[int]]):
    """Term ids of short texts (keywords, titles), each text looked up once."""

    def __init__(self, ids: _TermIds) -> None:
        super().__init__()
        self._ids = ids

    def __missing__(self, text: str) -> list[int]:
        found = self[text] = self._ids.of(text)
        return found


def _compound_factor(term: str, candidate: str) -> float:
    """How much a compound match counts: by the share of the longer word the shorter covers.

    ``gewaltschutz`` stands for most of ``gewaltschutzkonzept`` and counts nearly fully;
    ``antrag`` is only a small part of ``urlaubsantrag`` and counts little, so a question
    about holiday requests does not land on court applications.
    """
    short, long = sorted((term, candidate), key=len)
    share = len(short) / len(long)
    return _COMPOUND if share >= _DOMINANT_PART else _COMPOUND * share


def _decide(hits: list[Hit]) -> Outcome:
    if not hits:
        return "none"
    best = hits[0]
    covered = best.coverage >= MIN_COVERAGE and best.score >= MIN_SCORE
    strong = best.coverage >= MIN_COVERAGE_STRONG and best.score >= STRONG_SCORE
    if not (covered or strong):
        return "none"
    close = [h for h in hits[1:MAX_CHOICES] if h.score >= best.score * CHOOSE_RATIO]
    return "choose" if close else "answer"


def choices(hits: list[Hit]) -> list[Hit]:
    """The candidates to offer for a ``choose`` outcome (two to four)."""
    if not hits:
        return []
    best = hits[0].score
    return [h for h in hits[:MAX_CHOICES] if h.score >= best * CHOOSE_RATIO]


def folded_question(question: str) -> str:
    """The normalised form of a question, as stored in the question log."""
    return fold(question)
