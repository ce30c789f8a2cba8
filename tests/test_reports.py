"""Gap and staleness reports with known content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.reports import gaps, stale


def test_similar_unanswered_questions_are_grouped_most_frequent_first() -> None:
    result = gaps(
        ["wlan passwort", "wlan passwort vergessen", "kantine", "passwort wlan"],
        [("migrationsamt", "duldung verlaengern"), ("migrationsamt", None)],
    )
    assert [(g.example, g.count) for g in result][:1] == [("wlan passwort", 3)]
    assert {g.example for g in result} >= {"kantine", "duldung verlaengern"}
    unhelpful = next(g for g in result if g.example == "duldung verlaengern")
    assert unhelpful.entry_ids == {"migrationsamt"}


def test_stale_entries_grouped_by_owner(minimal_dir: Path) -> None:
    knowledge = load_knowledge(minimal_dir).knowledge
    assert knowledge is not None
    report = stale(knowledge, dt.date(2027, 6, 1), 180)
    ids = {s.entry.id for items in report.values() for s in items}
    # notruf verified 2026-11-20 (193 days), migrationsamt 2026-11-01; the police never.
    assert ids == {"notruf", "migrationsamt", "polizei-lahr", "polizei-haslach"}
    never = [s for items in report.values() for s in items if s.days is None]
    assert {s.entry.id for s in never} == {"polizei-lahr", "polizei-haslach"}
    assert stale(knowledge, dt.date(2026, 11, 25), 180).keys() == {""}
