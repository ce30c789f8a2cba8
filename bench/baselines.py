"""Two simple search baselines that our search is compared with, and their fair tuning.

Both rank every entry for a question and decline when the best score is below a cutoff;
the cutoff is tuned on the same questions our thresholds were tuned on (see
:func:`tune_cutoff`). Both answer with :class:`bot.assistant.Answer`, so
:func:`bot.evaluation.evaluate` scores all three systems with one function.

The named place of a question (needed for ``wrong_place``) comes from our own place
recognition, looked up *before* timing starts (:class:`PlaceLookup`), so a baseline is
neither helped nor slowed by it. The baselines do not use it to rank: knowing that
"kork" is a village of Kehl is exactly what they lack.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process, utils

from bot.assistant import Answer, Assistant
from bot.evaluation import Question
from bot.knowledge.model import Entry, Place
from bot.normalize import tokens
from bot.search.index import Hit

RANK_LIMIT = 10  # ranks kept per answer; top-3 and MRR only look this far
_WORD = re.compile(r"\w+")


class Ranker(Protocol):
    """A baseline: entries with raw scores, best first, before any decision."""

    name: str

    def rank(self, question: str) -> list[tuple[Entry, float]]: ...


class PlaceLookup:
    """The place each question names, by our recognition, computed outside the timing."""

    def __init__(self, assistant: Assistant, questions: Sequence[Question]) -> None:
        finder = assistant.index.places
        self._places: dict[str, Place | None] = {}
        for question in questions:
            match = finder.find(tokens(question.q))
            self._places[question.q] = match.place if match else None

    def __call__(self, question: str) -> Place | None:
        return self._places[question]


class FuzzyBaseline:
    """rapidfuzz ``process.extractOne`` with WRatio over title + keywords of each entry.

    ``default_process`` lowercases and strips punctuation on both sides; without it WRatio
    would be case-sensitive against capitalised titles, an unfair handicap.
    """

    name = "rapidfuzz WRatio"

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = list(entries)
        self._choices = [" ".join([e.title, *e.keywords]) for e in self._entries]

    def rank(self, question: str) -> list[tuple[Entry, float]]:
        best = process.extractOne(
            question, self._choices, scorer=fuzz.WRatio, processor=utils.default_process
        )
        if best is None:
            return []
        # The ranks after the first only feed top-3 and MRR; the first is extractOne's.
        rest = process.extract(
            question,
            self._choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=RANK_LIMIT,
        )
        ranked = [(self._entries[best[2]], float(best[1]))]
        ranked += [(self._entries[i], float(s)) for _, s, i in rest if i != best[2]]
        return ranked[:RANK_LIMIT]


def entry_text(entry: Entry) -> str:
    """All searchable text of an entry: title, keywords, text, steps, contact names."""
    return " ".join(
        [entry.title, *entry.keywords, entry.text, *entry.steps, *(c.name for c in entry.contacts)]
    )


def simple_tokens(text: str) -> list[str]:
    """Lowercase word tokens, nothing else: no folding, stemming or stopwords."""
    return _WORD.findall(text.lower())


class BM25Baseline:
    """rank-bm25's ``BM25Okapi`` over all text of each entry, lowercase tokens."""

    name = "BM25 (rank-bm25)"

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = list(entries)
        self._bm25 = BM25Okapi([simple_tokens(entry_text(e)) for e in self._entries])

    def rank(self, question: str) -> list[tuple[Entry, float]]:
        words = simple_tokens(question)
        if not words:
            return []
        scores = self._bm25.get_scores(words)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:RANK_LIMIT]
        return [(self._entries[i], float(scores[i])) for i in order if scores[i] > 0]


def answerer(
    ranker: Ranker, cutoff: float, places: PlaceLookup, now: dt.datetime
) -> Callable[[str], Answer]:
    """An ``ask`` function for :func:`bot.evaluation.evaluate`: answer or decline."""

    def ask(question: str) -> Answer:
        ranked = ranker.rank(question)
        answered = bool(ranked) and ranked[0][1] >= cutoff
        place = places(question)
        return Answer(
            query=question,
            outcome="answer" if answered else "none",
            results=[Hit(entry, score, 1.0) for entry, score in ranked] if answered else [],
            place=place,
            place_source="question" if place is not None else None,
            urgent=False,
            now=now,
        )

    return ask


@dataclass(frozen=True, slots=True)
class Tuning:
    cutoff: float
    top1: float
    declined: float


def tune_cutoff(ranker: Ranker, questions: Sequence[Question]) -> Tuning:
    """The decline cutoff that maximises top-1 + declined (equal weight) on ``questions``.

    Equal weight because the targets ask for both rates (top-1 >= 0.95, declined >= 0.90)
    and the questions files hold far fewer unanswerable than answerable questions: plain
    accuracy would let a baseline buy top-1 by never declining. Ties go to the higher top-1.
    The cutoff is put halfway between the lowest answered and the highest declined best
    score, not on an observed score, so it does not overfit to one question.
    """
    best_scores: list[float] = []
    right: list[bool] = []  # the best entry is an expected one
    for question in questions:
        ranked = ranker.rank(question.q)
        best_scores.append(ranked[0][1] if ranked else -math.inf)
        right.append(
            bool(ranked) and question.expect is not None and ranked[0][0].id in question.expect
        )
    answerable = sum(q.expect is not None for q in questions) or 1
    unanswerable = sum(q.expect is None for q in questions) or 1
    observed = sorted({s for s in best_scores if s > -math.inf})
    candidates = [*observed, math.inf]  # answer iff best score >= candidate
    chosen: tuple[float, float, float, float] | None = None  # (objective, top1, decl, cut)
    for position, candidate in enumerate(candidates):
        top1 = sum(ok for ok, s in zip(right, best_scores, strict=True) if s >= candidate)
        declined = sum(
            q.expect is None and s < candidate for s, q in zip(best_scores, questions, strict=True)
        )
        top1_rate, declined_rate = top1 / answerable, declined / unanswerable
        objective = top1_rate + declined_rate
        if chosen is None or (objective, top1_rate) > (chosen[0], chosen[1]):
            below = candidates[position - 1] if position > 0 else None
            cut = candidate if below is None or candidate == math.inf else (candidate + below) / 2
            if candidate == math.inf:
                cut = (observed[-1] + 1.0) if observed else 0.0
            chosen = (objective, top1_rate, declined_rate, cut)
    assert chosen is not None
    return Tuning(cutoff=chosen[3], top1=chosen[1], declined=chosen[2])
