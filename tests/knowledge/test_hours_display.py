"""Hours as a team lead reads them: in answers and in the review of an edit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot import texts
from bot.assistant import Assistant
from bot.knowledge.diff import review
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.render import knowledge as render_knowledge
from bot.render import to_plain
from bot.render.answers import Renderer
from tests.conftest import MINIMAL, clock_at

MakeKnowledge = Callable[[dict[str, str]], Path]
GERMAN = MINIMAL["entries.yaml"].replace('hours: "Mo-Fr 08:00-16:00"', "hours: Mo–Do 8–16 Uhr")


def test_answer_shows_hours_in_german_and_asks_to_call_when_unknown(
    make_knowledge: MakeKnowledge,
) -> None:
    knowledge = load_knowledge(make_knowledge({"entries.yaml": GERMAN})).knowledge
    assert knowledge is not None
    assistant = Assistant(knowledge, clock_at("2026-11-26T10:00"), HolidayCalendar("BW"))
    renderer = Renderer(assistant)
    office = to_plain(renderer.entry(knowledge.entries["migrationsamt"]).html).split("\n")
    assert "🕘 Mo–Do 8–16 Uhr" in office
    assert "🟢 jetzt geöffnet, bis 16:00" in office
    assert texts.HOURS_ASK_FIRST not in office
    # Revier Lahr has a phone but no hours; 110 is 24/7 and needs no hours line.
    lahr = to_plain(renderer.entry(knowledge.entries["polizei-lahr"]).html).split("\n")
    assert "🕘 Erreichbarkeit: bitte vorher anrufen" in lahr
    emergency = to_plain(renderer.entry(knowledge.entries["notruf"]).html)
    assert "🕘" not in emergency


def test_review_of_an_hours_edit_shows_german(make_knowledge: MakeKnowledge) -> None:
    old = load_knowledge(make_knowledge({})).knowledge
    new = load_knowledge(make_knowledge({"entries.yaml": GERMAN})).knowledge
    assert old is not None and new is not None
    changes = review(old, new)
    [change] = changes.changed
    assert change.field == "contacts[0].hours"
    shown = to_plain(render_knowledge.review("entries.yaml", changes))
    assert "Mo–Fr 8–16 Uhr" in shown and "Mo–Do 8–16 Uhr" in shown
    assert "08:00" not in shown


def test_review_lists_warnings_about_the_changed_entry(make_knowledge: MakeKnowledge) -> None:
    old = load_knowledge(make_knowledge({})).knowledge
    overlapping = MINIMAL["entries.yaml"].replace(
        'hours: "Mo-Fr 08:00-16:00"', "hours: Mo-Fr 9-12 Uhr; Do 14-17 Uhr"
    )
    result = load_knowledge(make_knowledge({"entries.yaml": overlapping}))
    assert old is not None and result.knowledge is not None
    shown = to_plain(
        render_knowledge.review("entries.yaml", review(old, result.knowledge), result.warnings)
    )
    assert "⚠️ Hinweise (die Änderung geht trotzdem):" in shown
    assert "'Do 14–17 Uhr' ersetzt am Do die frühere Regel 'Mo–Fr 9–12 Uhr'" in shown
    # Other warnings (the number's source, other entries) are not news in this review.
    assert "Quellenadresse" not in shown and "polizei-lahr" not in shown
    assert shown.endswith("Übernehmen?")
