"""The semantic stage: every entry as a few passages of meaning, compared with a question.

An entry is embedded as several passages (what it is called, what it says, its steps), and
an entry's similarity to a question is that of its closest passage: a stressed sentence
that describes a situation meets the passage that describes it, whether the entry's title
uses the same words or not. Which passages to embed was decided by measurement (see
docs/benchmarks.md, "semantic stage").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.knowledge.base import Knowledge
from bot.knowledge.model import Entry
from bot.search.embedding import Embedder, Matrix
from bot.search.terms import TermEmbedder, TermMatrix, Terms
from bot.search.vectors import VectorCache

_MAX_STEPS_PASSAGE = 6
_MAX_WORDS = 48  # steps beyond these add little meaning and cost embedding time


def passages(entry: Entry, category: str = "") -> list[str]:
    """The texts embedded for ``entry``; its similarity is that of the closest one."""
    head = entry.title
    if entry.keywords:
        head = f"{head} ({', '.join(entry.keywords)})"
    if category:
        head = f"{category}: {head}"
    found = [head, _words(f"{entry.title}. {_first_paragraph(entry.text)}")]
    if entry.steps:
        found.append(_words(f"{entry.title}: " + " ".join(entry.steps[:_MAX_STEPS_PASSAGE])))
    return found


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", " ")


def _words(text: str) -> str:
    """At most ``_MAX_WORDS`` words: the model's cost grows with the length, its sense of
    what a passage is about does not (measured: docs/benchmarks.md)."""
    words = text.split()
    return text if len(words) <= _MAX_WORDS else " ".join(words[:_MAX_WORDS])


@dataclass(frozen=True, slots=True)
class SemanticIndex:
    """Passage vectors of one knowledge, with the entry each passage belongs to."""

    model_id: str
    matrix: Matrix  # (passages, dim), normalised rows
    starts: npt.NDArray[np.intp]  # first passage of each entry (passages grouped by entry)
    size: int  # number of entries
    terms: TermMatrix | None = None  # the passages' latent terms, if the model has them

    def similarities(
        self,
        question: npt.NDArray[np.float32],
        norms: npt.NDArray[np.float32] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Each entry's cosine similarity to the question vector: its closest passage.

        ``norms``: the passages' norms after a projection the question went through too
        (:mod:`bot.search.crosslingual`), so that the result is still a cosine.
        """
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        per_passage = self.matrix @ question
        if norms is not None:
            per_passage = per_passage / norms
        return np.maximum.reduceat(per_passage, self.starts)

    def term_similarities(self, question: Terms) -> npt.NDArray[np.float32] | None:
        """Each entry's latent-term similarity to the question: its closest passage."""
        if self.terms is None:
            return None
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        return np.maximum.reduceat(self.terms.scores(question), self.starts)


def all_passages(knowledge: Knowledge, entries: list[Entry]) -> tuple[list[str], list[int]]:
    """Every passage of ``entries`` in order, and the index of each entry's first one."""
    texts: list[str] = []
    starts: list[int] = []
    for entry in entries:
        category = knowledge.categories.get(entry.category)
        starts.append(len(texts))
        texts += passages(entry, category.label if category else "")
    return texts, starts


def build_semantic(
    knowledge: Knowledge,
    entries: list[Entry],
    embedder: Embedder,
    cache: VectorCache,
    *,
    compute: bool = True,
    term_embedder: TermEmbedder | None = None,
) -> SemanticIndex | None:
    """The semantic index of ``entries``; with ``compute=False`` only from cached vectors
    (``None`` if any is missing, so the caller can answer lexically meanwhile)."""
    texts, starts = all_passages(knowledge, entries)
    matrix = cache.vectors(embedder, texts, compute=compute)
    if matrix is None:
        return None
    terms = None
    if term_embedder is not None:
        rows = cache.terms(term_embedder, texts, compute=compute)
        if rows is None:
            return None
        terms = TermMatrix.of(rows, term_embedder.dim)
    if not texts:
        matrix = np.zeros((0, 1), dtype=np.float32)
    return SemanticIndex(
        embedder.model_id,
        np.ascontiguousarray(matrix, dtype=np.float32),
        np.array(starts, dtype=np.intp),
        len(entries),
        terms,
    )
