"""Separable verbs: a clause-final prefix goes back on its verb when the knowledge knows the
joined word ("bringt sich heute um" is searched as *umbringen*)."""

from __future__ import annotations

from bot.normalize import tokens
from bot.search.separable import rejoin

KNOWN = {"umbring", "anruf", "abhol"}


def _rejoined(question: str) -> list[str]:
    return rejoin(question, KNOWN.__contains__)


def test_the_prefix_goes_back_on_its_verb_across_words_in_between() -> None:
    assert _rejoined("mein klient sagt er bringt sich heute noch um") == [
        *tokens("mein klient sagt er"),
        "umbring",
        *tokens("sich heute noch"),
    ]


def test_a_comma_or_a_conjunction_ends_the_clause() -> None:
    assert _rejoined("sie ruft mich an, er hat ein messer")[:4] == ["sie", "anruf", "mich", "er"]
    assert _rejoined("wen ruf ich an wenn die familie kommt")[:3] == ["wen", "anruf", "ich"]


def test_nothing_changes_when_the_knowledge_lacks_the_joined_verb() -> None:
    question = "er macht das licht aus"
    assert _rejoined(question) == tokens(question)


def test_a_prefix_inside_its_clause_is_a_preposition_and_stays() -> None:
    question = "um acht bringt sie sich die jacke mit"
    assert _rejoined(question) == tokens(question)


def test_only_the_verbs_of_the_same_clause_are_tried() -> None:
    question = "wer holt das kind. dann fahren wir ab"
    assert _rejoined(question) == tokens(question)
