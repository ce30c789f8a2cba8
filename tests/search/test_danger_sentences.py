"""Danger at sentence level: the classifier on held-out sentences in eight languages, and the
word list's phrases and typos."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.normalize import tokens
from bot.search.danger import has_phrase, sounds_urgent, thumb_typo
from bot.search.engine import MeaningSource

HELDOUT = Path(__file__).resolve().parents[1] / "danger" / "heldout.yaml"


def test_the_classifier_on_held_out_sentences_in_every_language(meaning: MeaningSource) -> None:
    """tests/danger/heldout.yaml was never trained or tuned on: recall first, precision too."""
    assert meaning.danger is not None
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    vectors = meaning.embedder.embed_queries([str(i["text"]) for i in items])
    per_lang: dict[str, list[int]] = {}
    flagged = right = dangers = caught = 0
    for item, vector in zip(items, vectors, strict=True):
        said = meaning.danger.flags(vector)
        flagged += said
        right += said and item["danger"]
        dangers += item["danger"]
        caught += said and item["danger"]
        counts = per_lang.setdefault(item["lang"], [0, 0])
        counts[0] += item["danger"]
        counts[1] += said and item["danger"]
    assert caught / dangers >= 0.97
    assert right / flagged >= 0.80
    assert set(per_lang) == {"de", "en", "uk", "ru", "ar", "tr", "fa", "fr"}
    for lang, (total, found) in per_lang.items():
        assert found / total >= 0.85, lang  # no language left behind


@pytest.mark.parametrize(
    "question",
    ["er bringt sich heute noch um", "sie tut sich bestimmt was an", "kind in großer gefahr"],
)
def test_phrases_match_with_words_in_between(question: str) -> None:
    assert has_phrase(tokens(question))


def test_phrases_keep_their_order() -> None:
    assert not has_phrase(tokens("um acht bringt sie sich die jacke mit"))


@pytest.mark.parametrize(
    ("typed", "word", "typo"),
    [
        ("gewalr", "gewalt", True),  # t and r are neighbours
        ("gewlat", "gewalt", True),  # swapped
        ("gewalt", "gewalt", True),
        ("gewallt", "gewalt", True),  # doubled
        ("gehalt", "gewalt", False),  # h and w are far apart: another word
    ],
)
def test_only_typos_a_thumb_makes_count(typed: str, word: str, typo: bool) -> None:
    assert thumb_typo(typed, word) is typo


def test_salary_statements_are_not_violence() -> None:
    assert not sounds_urgent(tokens("gehaltsabrechnung"))
    assert sounds_urgent(tokens("gewalr in der unterkunft"))
