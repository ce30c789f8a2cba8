"""The systems the search benchmark compares, all answering with :class:`bot.assistant.Answer`
so that :func:`bot.evaluation.evaluate` scores every one of them the same way.

- *fused*: the product — :class:`~bot.assistant.Assistant` with the semantic stage
  (lexical index + sentence embeddings + danger classifier).
- *lexical*: the same assistant without the semantic stage (the engine before issue 10).
- *semantic*: embeddings alone, over the entries the lexical stage's place scoping allows:
  the closest entry first. It never declines; its danger flag is the classifier alone.
- the two baselines of :mod:`bench.baselines` (BM25, rapidfuzz).

Every fused assistant gets its own query-vector cache (:class:`CachedQueries`), so the
questions of one set are embedded for real, not looked up from an earlier set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from bot.assistant import Answer, Assistant
from bot.clock import Clock
from bot.evaluation import Question
from bot.knowledge.base import Knowledge
from bot.knowledge.hours import HolidayCalendar
from bot.search.classifiers import SentenceClassifier
from bot.search.crosslingual import LanguageSubspace
from bot.search.embedding import CachedQueries, Embedder
from bot.search.engine import Engine, MeaningSource
from bot.search.index import Hit
from bot.search.vectors import VectorCache

SEMANTIC_RANKS = 10  # ranks kept by the semantic-only system; top-3 and MRR look this far

Ask = Callable[[str], Answer]


@dataclass(frozen=True, slots=True)
class Model:
    """The embedding model loaded once per run, its danger classifier and a vector cache."""

    embedder: Embedder  # uncached queries: wrap it in CachedQueries per use
    danger: SentenceClassifier | None
    cache: VectorCache
    languages: LanguageSubspace | None = None
    scope: SentenceClassifier | None = None

    def source(self) -> MeaningSource:
        """A semantic stage with an empty query-vector cache."""
        return MeaningSource(
            CachedQueries(self.embedder), self.cache, self.danger, self.languages, self.scope
        )


def lexical_assistant(knowledge: Knowledge) -> Assistant:
    return Assistant(knowledge, Clock(ZoneInfo("Europe/Berlin")), HolidayCalendar("BW"))


def fused_assistant(knowledge: Knowledge, model: Model) -> Assistant:
    """The product: waits for every passage vector (from the cache or embedded now)."""
    assistant = Assistant(
        knowledge,
        Clock(ZoneInfo("Europe/Berlin")),
        HolidayCalendar("BW"),
        model.source(),
        embed_now=None,
    )
    if not assistant.semantic_ready:
        raise RuntimeError("the fused assistant has no semantic stage")
    return assistant


def answer_with(assistant: Assistant, now: dt.datetime) -> Ask:
    return lambda question: assistant.answer(question, now=now)


class SemanticOnly:
    """Embeddings alone: the valid entries (place scoping of the lexical stage) ranked by
    the similarity of their closest passage. Never declines; urgent = the classifier."""

    def __init__(self, engine: Engine, now: dt.datetime) -> None:
        if engine.meaning is None:
            raise ValueError("semantic-only needs an engine with a semantic stage")
        self._engine = engine
        self._meaning = engine.meaning
        self._now = now

    def __call__(self, question: str) -> Answer:
        found = self._engine.lexical.analyse(question)
        valid = self._engine.lexical.valid(found.place)
        vector = self._meaning.embedder.embed_queries([question])[0]
        similarity = self._meaning.index.similarities(vector).astype(np.float64)
        similarity[~valid] = -np.inf
        order = np.argsort(-similarity, kind="stable")[:SEMANTIC_RANKS]
        entries = self._engine.entries
        hits = [
            Hit(entries[i], float(similarity[i]), 0.0) for i in order if np.isfinite(similarity[i])
        ]
        named = found.result.place
        danger = self._meaning.danger
        return Answer(
            query=question,
            outcome="answer" if hits else "none",
            results=hits,
            place=named.place if named else None,
            place_source="question" if named else None,
            urgent=danger is not None and danger.flags(vector),
            now=self._now,
        )


class Recorder:
    """Wraps an ask function and keeps every answer, to count misses per kind afterwards."""

    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self.answers: dict[str, Answer] = {}

    def __call__(self, question: str) -> Answer:
        answer = self._ask(question)
        self.answers[question] = answer
        return answer


def misses_by_kind(questions: Sequence[Question], answers: dict[str, Answer]) -> dict[str, int]:
    """Per kind: questions answered wrongly (top-1 miss, not declined, danger missed or false
    alarm). Counts only, so that the questions themselves stay out of the docs."""
    counts: dict[str, int] = {}
    for question in questions:
        answer = answers[question.q]
        kind = question.kind or "-"
        counts.setdefault(kind, 0)
        ranked = [h.entry.id for h in answer.results] if answer.outcome != "none" else []
        if question.expect is None:
            wrong = answer.outcome != "none"
        else:
            wrong = not ranked or ranked[0] not in question.expect
        if question.urgent is not None and bool(answer.urgent) != question.urgent:
            wrong = True
        counts[kind] += wrong
    return counts
