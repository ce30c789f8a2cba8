"""Questions in other languages without their language: the directions and their effect."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.search.crosslingual import MODEL_FILE, LanguageSubspace, load_subspace
from bot.search.engine import MeaningSource
from tests.search.kb3_foreign import foreign_kb3


def _subspace(dim: int = 8) -> LanguageSubspace:
    rng = np.random.default_rng(3)
    basis, _ = np.linalg.qr(rng.normal(size=(dim, 2)))
    return LanguageSubspace("test-model", basis.T.astype(np.float32))


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def test_a_projected_question_has_no_language_left_and_unit_length() -> None:
    languages = _subspace()
    question = _unit(np.random.default_rng(1).normal(size=8))
    projected = languages.project(question)
    assert np.allclose(languages.basis @ projected, 0, atol=1e-6)
    assert np.linalg.norm(projected) == pytest.approx(1.0, abs=1e-6)


def test_the_kept_norms_give_the_cosine_of_both_projected() -> None:
    """The engine keeps the passage matrix as it is and only divides by these norms: the
    result must be the cosine of question and passage with the directions removed."""
    languages = _subspace()
    rng = np.random.default_rng(2)
    passages = _unit(rng.normal(size=(5, 8)))
    question = _unit(rng.normal(size=8))
    projected = languages.project(question)
    fast = (passages @ projected) / languages.residual_norms(passages)
    explicit = np.array([languages.project(p) @ projected for p in passages])
    assert np.allclose(fast, explicit, atol=1e-5)


def test_directions_of_another_model_are_not_used(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert load_subspace("some-other-model", MODEL_FILE) is None
    assert load_subspace(data["model_id"], MODEL_FILE) is not None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert load_subspace(data["model_id"], broken) is None


@pytest.mark.slow
def test_foreign_questions_rank_the_right_entry_first_more_often(meaning: MeaningSource) -> None:
    """On tests/kb3 (a tuning set in another author's style), the other-language questions
    rank the right entry first more often with the language removed than without."""
    if meaning.languages is None:
        pytest.fail("the shipped language directions did not load for the bundled model")
    kb3 = foreign_kb3(meaning)
    right = {
        foreign: kb3.right_first(
            lambda _, vector, foreign=foreign: kb3.semantic.similarities(vector, foreign=foreign)
        )
        for foreign in (True, False)
    }
    assert right[True] > right[False]
