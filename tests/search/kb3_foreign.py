"""tests/kb3's other-language questions over its knowledge: shared by the ranking tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.evaluation import Question, read_questions
from bot.knowledge.loader import load_knowledge
from bot.search.engine import Engine, Meaning, MeaningSource
from bot.search.index import SearchIndex

KB3 = Path(__file__).resolve().parents[2] / "tests" / "kb3"

Similarity = Callable[[Question, npt.NDArray[np.float32]], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class ForeignKb3:
    engine: Engine
    semantic: Meaning
    questions: list[Question]
    vectors: npt.NDArray[np.float32]

    def right_first(self, similarity: Similarity) -> int:
        """How many questions get the right entry first (among those valid for the place)."""
        right = 0
        for question, vector in zip(self.questions, self.vectors, strict=True):
            valid = self.engine.lexical.valid(self.engine.lexical.analyse(question.q).place)
            scores = np.where(valid, similarity(question, vector), -np.inf)
            right += self.engine.entries[int(np.argmax(scores))].id in (question.expect or ())
        return right


def foreign_kb3(meaning: MeaningSource) -> ForeignKb3:
    """kb3's knowledge with meaning, and its answerable questions in other languages."""
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
    return ForeignKb3(engine, semantic, questions, vectors)
