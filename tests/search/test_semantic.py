"""The fused engine on the shipped knowledge: meaning, danger and other languages.

These questions are from the issue that asked for the semantic stage (they failed before
it); they are not tuned on — the tuning set is tests/eval/sentences.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.clock import Clock
from bot.evaluation import read_questions
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.search.engine import MeaningSource
from tests.conftest import BERLIN

KB3_KNOWLEDGE = Path(__file__).resolve().parents[2] / "tests" / "kb3" / "knowledge"

URGENT_ENTRIES = {"notruf", "suizidgefahr", "psychische-krise", "eskalation", "kinderschutz-akut"}


@pytest.mark.parametrize(
    "question",
    [
        "meine klientin hat gesagt dass sie sich heute das leben nimmt",
        "bewohner liegt auf dem boden und atmet nicht",
        "es qualmt aus dem zimmer im wohnheim",
        "my client says he will kill himself tonight",
        "он говорит что покончит с собой",
        "ابني لا يتنفس",
    ],
)
def test_danger_without_the_obvious_word_is_urgent(
    semantic_shipped: Assistant, question: str
) -> None:
    answer = semantic_shipped.answer(question)
    assert answer.urgent
    assert answer.outcome != "none"


@pytest.mark.parametrize(
    "question",
    ["gehaltsabrechnung", "wann kommt meine gehaltsabrechnung", "urlaubsantrag stellen"],
)
def test_ordinary_words_raise_no_alarm(semantic_shipped: Assistant, question: str) -> None:
    assert not semantic_shipped.answer(question).urgent


def test_a_question_in_english_names_the_towns_station(semantic_shipped: Assistant) -> None:
    answer = semantic_shipped.answer("police in achern")
    assert answer.best is not None and answer.best.id == "polizei-achern-oberkirch"


def test_an_interpreter_asked_for_in_ukrainian(semantic_shipped: Assistant) -> None:
    """No German word to go by: the closest entries are offered, the right one first."""
    answer = semantic_shipped.answer("мені потрібен перекладач")
    assert answer.outcome in ("answer", "choose")
    assert answer.results[0].entry.id == "dolmetscher"


def test_a_german_question_of_unknown_words_is_still_declined(
    semantic_shipped: Assistant,
) -> None:
    """Only another language gets the offer: unknown German words mean "not covered"."""
    assert semantic_shipped.answer("rezept für apfelkuchen mit streuseln").outcome == "none"


@pytest.mark.parametrize(
    "question",
    [
        "wie wird das wetter morgen in offenburg",
        "what is the weather tomorrow",
    ],
)
def test_what_the_knowledge_does_not_cover_is_declined(
    semantic_shipped: Assistant, question: str
) -> None:
    assert semantic_shipped.answer(question).outcome == "none"


def test_a_named_town_never_gets_another_towns_station(semantic_shipped: Assistant) -> None:
    for question in ("police in hausach please", "polizei in lahr heute nacht wer ist da"):
        answer = semantic_shipped.answer(question)
        assert answer.place is not None
        for hit in answer.results:
            assert not hit.entry.scope or set(hit.entry.scope) & set(answer.place.tags)


def test_keyword_questions_still_answer_as_before(
    semantic_shipped: Assistant, shipped: Assistant
) -> None:
    for question in ("polizei hausach", "frauenhaus", "116117", "migrationsamt offenburg"):
        assert semantic_shipped.answer(question).best == shipped.answer(question).best


def test_a_separable_verb_with_words_in_between_reaches_the_suicide_entry(
    semantic_shipped: Assistant,
) -> None:
    """ "bringt sich heute noch um" was answered with the Inobhutnahme entry alone (its text
    has "bringt" and "heute"); searched as *umbringen* the suicide entry is offered.
    Known weakness: the poison entry is still offered before it (it shares "sagt"/"heute")."""
    answer = semantic_shipped.answer("mein klient sagt er bringt sich heute noch um")
    assert answer.urgent
    offered = [answer.best] if answer.best is not None else answer.candidates
    assert "suizidgefahr" in [e.id for e in offered]


def test_danger_answered_by_some_words_against_the_meaning_offers_a_choice(
    semantic_shipped: Assistant,
) -> None:
    """From the tuning set tests/eval/sentences.yaml: partly matched words pointed to the
    missing-person entry while the meaning did not; in danger one wrong entry alone costs
    most, so the closest entries are offered, the child-protection entry among them."""
    answer = semantic_shipped.answer(
        "ein kleines kind ist seit gestern allein in der wohnung die eltern sind weg"
    )
    assert answer.urgent
    assert answer.outcome == "choose"
    assert "kinderschutz-akut" in [e.id for e in answer.candidates]


def test_a_long_sentence_about_the_job_partly_matched_is_offered_a_choice(
    semantic_shipped: Assistant,
) -> None:
    """Not "nothing found": a stressed sentence rarely repeats an entry's words."""
    answer = semantic_shipped.answer(
        "ich sitze gerade mit einer familie zusammen und brauche für das nächste gespräch "
        "jemanden der arabisch übersetzen kann"
    )
    assert answer.outcome == "choose"
    assert "dolmetscher" in [entry.id for entry in answer.candidates]


def test_a_long_sentence_of_chatter_is_still_declined(semantic_shipped: Assistant) -> None:
    answer = semantic_shipped.answer(
        "bis wann muss ich eigentlich meine eigene steuererklärung für dieses jahr beim "
        "finanzamt abgeben"
    )
    assert answer.outcome == "none"


@pytest.fixture(scope="module")
def semantic_kb3(meaning: MeaningSource) -> Assistant:
    """The assistant over tests/kb3 (a tuning set in another author's style)."""
    knowledge = load_knowledge(KB3_KNOWLEDGE).knowledge
    assert knowledge is not None
    assistant = Assistant(knowledge, Clock(BERLIN), HolidayCalendar("BW"), meaning, embed_now=None)
    assert assistant.semantic_ready
    return assistant


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected", "among"),
    [
        # The words "gemeinde" (twice) pointed to the school entry; the meaning is housing.
        (
            "die familie muss in eine andere gemeinde umziehen, darf die gemeinde das "
            "einfach bestimmen",
            "l-wohnen",
            1,
        ),
        # Not offered at all while the meaning's best counted no more than any other best.
        (
            "der klient lebt in hornberg und soll zur polizei wegen einer vorladung, wo muss "
            "er hin",
            "p-revier-haslach",
            3,
        ),
        ("est-ce qu'il y a une aide pour les dettes à Offenbourg", "b-schulden", 3),
    ],
)
def test_meaning_that_stands_out_counts_more_than_a_few_matched_words(
    semantic_kb3: Assistant, question: str, expected: str, among: int
) -> None:
    """From the tuning set tests/kb3: the semantic score is the similarity over the
    question's median in fixed units, so a meaning far ahead of the rest outweighs a
    partial word match; divided by the question's own spread, every best counted 1.0."""
    answer = semantic_kb3.answer(question)
    offered = [answer.best] if answer.best is not None else answer.candidates
    assert expected in [entry.id for entry in offered][:among]


@pytest.mark.slow
def test_meaning_alone_in_another_language_offers_a_choice_never_one_entry(
    semantic_kb3: Assistant,
) -> None:
    """On tests/kb3: where no word of a foreign question decides, its meaning (dense vector
    and latent terms) offers the closest entries; with the terms added, the thresholds for
    answering with one entry let wrong emergency entries through alone."""
    engine = semantic_kb3.index
    offered = 0
    for question in read_questions(KB3_KNOWLEDGE.parent / "questions.yaml"):
        if question.lang in (None, "de"):
            continue
        if engine.lexical.analyse(question.q, exact=True).result.outcome != "none":
            continue
        answer = semantic_kb3.answer(question.q)
        if answer.urgent:
            continue  # danger has its own rules (110/112 first, emergency entries)
        assert answer.outcome != "answer", question.q
        offered += answer.outcome == "choose"
    assert offered >= 10
