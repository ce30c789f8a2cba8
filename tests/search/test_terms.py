"""Latent terms: their storage, their scores, their cache, and what they do for other languages."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.evaluation import Question
from bot.search.engine import MeaningSource
from bot.search.terms import TermMatrix, Terms, terms_of
from bot.search.vectors import VectorCache
from tests.search.kb3_foreign import foreign_kb3


class CountingTerms:
    """A real (if meaningless) term embedder: terms from a hash of each text; counts texts."""

    model_id = "counting-test-terms"
    dim = 64

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_terms(self, texts: Sequence[str]) -> list[Terms]:
        self.embedded += texts
        found = []
        for text in texts:
            digest = hashlib.sha256(text.encode()).digest()
            indices = sorted({b % self.dim for b in digest[:8]})
            found.append(Terms.of(indices, [1.0 + i for i in range(len(indices))]))
        return found


def test_terms_are_sorted_unit_length_and_survive_bytes() -> None:
    terms = Terms.of([7, 2, 40], [3.0, 4.0, 0.0])
    assert terms.indices.tolist() == [2, 7, 40]
    assert float(np.linalg.norm(terms.values)) == pytest.approx(1.0)
    back = Terms.from_bytes(terms.to_bytes())
    assert back.indices.tolist() == terms.indices.tolist()
    assert np.allclose(back.values, terms.values)


def test_the_sparse_scores_are_the_dot_products_and_an_empty_row_scores_zero() -> None:
    rng = np.random.default_rng(5)
    dim = 50
    rows = [
        Terms.of(rng.choice(dim, size=6, replace=False), rng.random(6)),
        Terms.of([], []),
        Terms.of(rng.choice(dim, size=9, replace=False), rng.random(9)),
        Terms.of([], []),
    ]
    question = Terms.of(rng.choice(dim, size=12, replace=False), rng.random(12))

    def dense(terms: Terms) -> np.ndarray:
        vector = np.zeros(dim, dtype=np.float32)
        vector[terms.indices] = terms.values
        return vector

    expected = [float(dense(row) @ dense(question)) for row in rows]
    assert np.allclose(TermMatrix.of(rows, dim).scores(question), expected, atol=1e-6)


def test_terms_are_cached_like_vectors(tmp_path: Path) -> None:
    """A restart computes no terms again; an edited text only its own."""
    embedder = CountingTerms()
    cache_file = tmp_path / "vectors.sqlite3"
    first = VectorCache(cache_file).terms(embedder, ["polizei lahr", "notruf"])
    assert first is not None and len(embedder.embedded) == 2
    again = VectorCache(cache_file).terms(embedder, ["polizei lahr", "notruf", "neu"])
    assert again is not None and embedder.embedded == ["polizei lahr", "notruf", "neu"]
    assert again[0].indices.tolist() == first[0].indices.tolist()
    assert VectorCache(cache_file).terms(embedder, ["nie gesehen"], compute=False) is None


def test_an_embedder_without_terms_has_none() -> None:
    class Plain:
        model_id = "plain"

    assert terms_of(Plain()) is None


def test_the_bundled_model_has_terms(meaning: MeaningSource) -> None:
    assert meaning.terms is not None
    [debt] = meaning.terms.embed_terms(["Schuldnerberatung"])
    assert len(debt.indices) > 0


@pytest.mark.slow
def test_foreign_questions_rank_the_right_entry_first_more_often_with_terms(
    meaning: MeaningSource,
) -> None:
    """On tests/kb3 (a tuning set in another author's style), the other-language questions
    rank the right entry first more often with the latent terms added than without."""
    kb3 = foreign_kb3(meaning)
    assert kb3.semantic.index.terms is not None

    def with_terms(question: Question, vector: np.ndarray) -> np.ndarray:
        terms = kb3.semantic.question_terms(question.q)
        return kb3.semantic.similarities(vector, foreign=True, terms=terms)

    def without(_: Question, vector: np.ndarray) -> np.ndarray:
        return kb3.semantic.similarities(vector, foreign=True)

    right = {True: kb3.right_first(with_terms), False: kb3.right_first(without)}
    assert right[True] > right[False]
