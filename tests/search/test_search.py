"""The search on the shipped knowledge: named examples of every core behaviour."""

from __future__ import annotations

import pytest

from bot.assistant import Assistant


def top(assistant: Assistant, question: str, place: str | None = None) -> str | None:
    answer = assistant.answer(question, place=place)
    return answer.results[0].entry.id if answer.outcome != "none" and answer.results else None


@pytest.mark.parametrize(
    ("question", "expected", "town"),
    [
        ("polizei hausach", "polizei-haslach", "Hausach"),
        ("Polizei in Hausach", "polizei-haslach", "Hausach"),
        ("hausacher polizei", "polizei-haslach", "Hausach"),
        ("revier kippenheimweiler", "polizei-lahr", "Lahr"),  # village part of Lahr
        ("polizei zell-weierbach", "polizei-offenburg", "Offenburg"),  # not Zell a. H.
        ("polizei zell am harmersbach", "polizei-haslach", "Zell am Harmersbach"),
        ("polizei sasbachwalden", "polizei-achern-oberkirch", "Sasbachwalden"),
        ("polizei oberwolfach", "polizei-haslach", "Oberwolfach"),
        ("polizei kork", "polizei-kehl", "Kehl"),
        ("polizei meissenheim", "polizei-lahr", "Meißenheim"),
        ("wer is die polizei für peterstal", "polizei-achern-oberkirch", "Bad Peterstal-Griesbach"),
    ],
)
def test_a_named_town_gets_its_own_district(
    shipped: Assistant, question: str, expected: str, town: str
) -> None:
    answer = shipped.answer(question)
    assert answer.place is not None and answer.place.name == town
    assert answer.place_source == "question"
    assert answer.results[0].entry.id == expected


@pytest.mark.parametrize(
    "question", ["polizei hausach", "polizei lahr", "revier kehl", "polizei offenburg", "achern"]
)
def test_no_entry_scoped_elsewhere_is_ever_returned_for_a_named_town(
    shipped: Assistant, question: str
) -> None:
    answer = shipped.answer(question)
    assert answer.place is not None
    tags = set(answer.place.tags)
    for hit in answer.results:
        assert not hit.entry.scope or tags & set(hit.entry.scope), hit.entry.id


def test_a_named_town_overrides_the_users_own_town(shipped: Assistant) -> None:
    answer = shipped.answer("polizei lahr", place="Hausach")
    assert answer.place is not None and answer.place.name == "Lahr"
    assert answer.results[0].entry.id == "polizei-lahr"


def test_the_users_town_applies_when_the_question_names_none(shipped: Assistant) -> None:
    answer = shipped.answer("polizeirevier", place="Hausach")
    assert answer.place_source == "default"
    assert answer.results[0].entry.id == "polizei-haslach"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("polzei hausach", "polizei-haslach"),
        ("jugenamt", "jugendamt"),
        ("gesundheitsamd", "gesundheitsamt"),
        ("trauam", "trauma"),  # a transposition
        ("telefonseelsroge", "telefonseelsorge"),
    ],
)
def test_typos_are_tolerated(shipped: Assistant, question: str, expected: str) -> None:
    assert top(shipped, question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("bullen rufen", "notruf"),
        ("frau wird geschlagen", "haeusliche-gewalt"),
        ("will sich umbringen", "suizidgefahr"),
        ("gesundheitsamt trauma überweisung", "trauma"),
    ],
)
def test_colloquial_questions_and_synonyms(
    shipped: Assistant, question: str, expected: str
) -> None:
    assert top(shipped, question) == expected


def test_compounds_match_both_ways(shipped: Assistant) -> None:
    # "Gewaltschutz" is only a part of the words in the entries ("Gewaltschutzgesetz"), and
    # "Gewaltschutzkonzept" appears nowhere but contains "Gewaltschutz".
    for question in ("gewaltschutz", "gewaltschutzkonzept"):
        answer = shipped.answer(question)
        assert answer.outcome != "none", question
        assert answer.results[0].entry.category == "gewaltschutz", question


@pytest.mark.parametrize(
    "question",
    ["wlan passwort", "pizza bestellen", "urlaubsantrag", "steuererklärung", "asdfgh", "", "?!"],
)
def test_questions_the_knowledge_cannot_answer_are_declined(
    shipped: Assistant, question: str
) -> None:
    answer = shipped.answer(question)
    assert answer.outcome == "none"


@pytest.mark.parametrize(
    "question",
    [
        "klient droht suizid was tun",
        "mann schlägt frau",
        "er hat ein messer",
        "kind in gefahr",
        "es brennt in der unterkunft",
        "klient dreht durch",
        "suizd",
        "klient will sich was antun",
        "abschiedsbrief gefunden",
    ],
)
def test_danger_is_recognised(shipped: Assistant, question: str) -> None:
    assert shipped.answer(question).urgent


@pytest.mark.parametrize(
    "question", ["migrationsamt adresse", "dolmetscher arabisch", "polizei hausach", "zuschuss"]
)
def test_ordinary_questions_are_not_alarms(shipped: Assistant, question: str) -> None:
    assert not shipped.answer(question).urgent


def test_ambiguous_question_offers_a_choice(shipped: Assistant) -> None:
    answer = shipped.answer("hilfetelefon")
    assert answer.outcome == "choose"
    assert 2 <= len(answer.candidates) <= 4


def test_a_town_alone_offers_what_there_is_for_it(shipped: Assistant) -> None:
    answer = shipped.answer("kehl")
    assert answer.place_only and answer.outcome == "choose"
    # Kehl is a Große Kreisstadt: its own Ausländerbehörde is offered with police and team.
    assert {e.id for e in answer.candidates} == {
        "polizei-kehl",
        "team-offenburg-kehl",
        "auslaenderbehoerde-stadt",
    }


def test_json_format_is_the_documented_contract(shipped: Assistant) -> None:
    data = shipped.answer("polizei hausach").to_json()
    assert set(data) == {"query", "outcome", "urgent", "place", "results"}
    assert data["place"] == "Hausach" and data["outcome"] == "answer"
    results = data["results"]
    assert isinstance(results, list) and 1 <= len(results) <= 5
    assert set(results[0]) == {"id", "title", "score"}


def test_mistyped_short_stopwords_are_dropped_but_longer_lookalikes_are_words(
    shipped: Assistant,
) -> None:
    # "wass" is "was" mistyped: it must not count as a word the knowledge lacks.
    assert shipped.index.search("wass tun bei suizid").words == ["suizid"]
    # "sachen" is one letter from the stopword "machen" but a word of its own.
    assert shipped.index.search("sachen gestohlen").words == ["sachen", "gestohlen"]


def test_exact_words_only_for_a_question_in_another_language(shipped: Assistant) -> None:
    """A foreign question's words count as typed: no German typo or compound match (false
    friends), while a German word typed exactly is still found."""
    lexical = shipped.index.lexical
    typo = lexical.analyse("jugenamt").result
    assert typo.hits and typo.hits[0].entry.id == "jugendamt"  # a German typo, found
    assert not lexical.analyse("jugenamt", exact=True).result.hits
    exact = lexical.analyse("jugendamt", exact=True).result
    assert exact.hits and exact.hits[0].entry.id == "jugendamt"
    compound = lexical.analyse("gewaltschutzkonzept", exact=True).result
    assert not compound.hits  # only a part of it is a word of the knowledge
