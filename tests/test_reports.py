"""Gap and staleness reports with known content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.reports import gaps, stale

MakeKnowledge = Callable[[dict[str, str]], Path]


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


def test_stale_report_lists_upkeep_notes_per_owner(make_knowledge: MakeKnowledge) -> None:
    from bot.render import knowledge as render_knowledge
    from bot.render import to_plain
    from tests.conftest import MINIMAL

    entries = MINIMAL["entries.yaml"].replace(
        "    verified: 2026-11-01\n", "    verified: 2026-11-01\n    owner: Team Lahr Umland\n"
    )
    knowledge = load_knowledge(make_knowledge({"entries.yaml": entries})).knowledge
    assert knowledge is not None
    report = stale(knowledge, dt.date(2026, 11, 25), 180)
    [migrationsamt] = report["Team Lahr Umland"]
    # Verified recently, so not stale, but its number has no source address.
    assert not migrationsamt.stale
    assert any("ohne Quellenadresse" in note for note in migrationsamt.notes)
    text = to_plain(render_knowledge.stale_list(report, 180)).split("\n")
    owner = text.index("Team Lahr Umland")
    assert text[owner + 1].startswith(
        "• Migrationsamt (migrationsamt): Kontakt 'Migrationsamt': Telefonnummer "
        "0781 805 1660 ohne Quellenadresse."
    )
