"""Questions in other languages without their language: the directions and their effect."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.evaluation import read_questions
from bot.knowledge.loader import load_knowledge
from bot.search.crosslingual import MODEL_FILE, LanguageSubspace, load_subspace
from bot.search.engine import Engine, MeaningSource
from bot.search.index import SearchIndex

ROOT = Path(__file__).resolve().parents[2]
KB3 = ROOT / "tests" / "kb3"


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
    knowledge = load_knowledge(KB3 / "knowledge").knowledge
    assert knowledge is not None
    engine = Engine(SearchIndex(knowledge))
    semantic = meaning.meaning(knowledge, engine.entries)
    assert semantic is not None
    questions = [
        q for q in read_questions(KB3 / "questions.yaml") if q.expect and q.lang not in (None, "de")
    ]
    assert len(questions) >= 50
    vectors = meaning.embedder.embed_queries([q.q for q in questions])
    right = {True: 0, False: 0}
    for question, vector in zip(questions, vectors, strict=True):
        valid = engine.lexical.valid(engine.lexical.analyse(question.q).place)
        for foreign in (True, False):
            similarity = np.where(valid, semantic.similarities(vector, foreign=foreign), -np.inf)
            best = engine.entries[int(np.argmax(similarity))].id
            right[foreign] += best in (question.expect or ())
    assert right[True] > right[False]
