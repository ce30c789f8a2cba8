"""The warnings that keep the knowledge right: sources, check dates, hours, urgent entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.loader import LoadResult, load_knowledge
from tests.conftest import MINIMAL

TODAY = dt.date(2026, 11, 25)
MakeKnowledge = Callable[[dict[str, str]], Path]
ENTRIES = MINIMAL["entries.yaml"]

# Migrationsamt with a source address and a recent check: no warning about its number.
SOURCED = ENTRIES.replace(
    "        after_hours: notruf\n",
    "        after_hours: notruf\n"
    "        source: https://www.ortenaukreis.de/\n"
    "        verified: 2026-11-01\n",
)


def load(make_knowledge: MakeKnowledge, entries: str) -> tuple[Path, LoadResult]:
    directory = make_knowledge({"entries.yaml": entries})
    result = load_knowledge(directory, today=TODAY)
    assert result.ok, [str(p) for p in result.errors]
    return directory, result


def warnings_with(result: LoadResult, needle: str) -> list[str]:
    return [str(p) for p in result.warnings if needle in p.message]


def line_with(text: str, needle: str) -> int:
    matches = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


def test_phone_without_source_address_is_warned(make_knowledge: MakeKnowledge) -> None:
    directory, result = load(make_knowledge, ENTRIES)
    found = warnings_with(result, "ohne Quellenadresse")
    line = line_with(ENTRIES, 'phone: "0781 805 1660"')
    assert f"{directory / 'entries.yaml'}:{line}: Warnung: Eintrag 'migrationsamt'" in found[1]
    assert "source: https://" in found[1] and "'Dokument: '" in found[1]
    # 110 needs no source; Revier Lahr and the Migrationsamt do.
    assert len(found) == 2 and "polizei-lahr" in found[0]


def test_url_or_named_document_counts_as_source(make_knowledge: MakeKnowledge) -> None:
    _, result = load(make_knowledge, SOURCED)
    assert not any("migrationsamt" in w for w in warnings_with(result, "Quellenadresse"))
    named = SOURCED.replace(
        "source: https://www.ortenaukreis.de/", "source: 'Dokument: Telefonliste Migrationsamt'"
    )
    _, result = load(make_knowledge, named)
    assert not any("migrationsamt" in w for w in warnings_with(result, "Quellenadresse"))
    vague = SOURCED.replace("source: https://www.ortenaukreis.de/", "source: Projektauftrag")
    _, result = load(make_knowledge, vague)
    assert any("migrationsamt" in w for w in warnings_with(result, "Quellenadresse"))


def test_phone_checked_more_than_a_year_ago(make_knowledge: MakeKnowledge) -> None:
    old = SOURCED.replace("        verified: 2026-11-01\n", "        verified: 2025-11-01\n")
    directory, result = load(make_knowledge, old)
    found = warnings_with(result, "vor mehr als einem Jahr")
    assert len(found) == 1
    line = line_with(old, "verified: 2025-11-01")
    assert found[0].startswith(f"{directory / 'entries.yaml'}:{line}: Warnung: ")
    assert "zuletzt am 01.11.2025 geprüft" in found[0] and "verified: 2026-11-25" in found[0]


def test_contact_date_falls_back_to_the_entry_date(make_knowledge: MakeKnowledge) -> None:
    # The entry was checked 2026-11-01; the contact has no date of its own.
    entry_dated = SOURCED.replace("        verified: 2026-11-01\n", "")
    _, result = load(make_knowledge, entry_dated)
    assert not any("migrationsamt" in w for w in warnings_with(result, "Prüfdatum"))
    assert not any("migrationsamt" in w for w in warnings_with(result, "einem Jahr"))
    # Revier Lahr: neither the contact nor the entry has a date.
    assert any("polizei-lahr" in w for w in warnings_with(result, "ohne Prüfdatum"))


def test_round_the_clock_said_of_a_number_that_is_not(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        "text: Das Migrationsamt ist für Aufenthaltsfragen zuständig.",
        "text: Das Migrationsamt ist für Aufenthaltsfragen zuständig. Es ist unter "
        "0781 805 1660 rund um die Uhr erreichbar.",
    )
    directory, result = load(make_knowledge, entries)
    found = warnings_with(result, "rund um die Uhr")
    assert len(found) == 1
    line = line_with(entries, "rund um die Uhr erreichbar")
    assert found[0].startswith(f"{directory / 'entries.yaml'}:{line}: Warnung: ")
    assert "Nummer von 'Migrationsamt'" in found[0] and "»Mo–Fr 8–16 Uhr«" in found[0]


def test_round_the_clock_next_to_a_24_7_number_is_fine(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        "text: Das Migrationsamt ist für Aufenthaltsfragen zuständig.",
        "text: Außerhalb der Zeiten hilft der Notruf 110, rund um die Uhr.",
    )
    _, result = load(make_knowledge, entries)
    assert warnings_with(result, "rund um die Uhr") == []


def test_round_the_clock_in_a_role_without_24_7_hours(make_knowledge: MakeKnowledge) -> None:
    entries = ENTRIES.replace(
        '        phone: "+49 7821 277-0"\n',
        '        phone: "+49 7821 277-0"\n        role: durchgehend besetzt\n',
    )
    _, result = load(make_knowledge, entries)
    found = warnings_with(result, "'durchgehend' steht bei einem Kontakt")
    assert len(found) == 1 and "nicht angegeben" in found[0]


def test_urgent_entry_must_lead_with_110_or_112(make_knowledge: MakeKnowledge) -> None:
    entries = ENTRIES.replace(
        "text: Bei akuter Gefahr sofort 110 oder 112 wählen.",
        "text: |\n      Ruhig bleiben.\n\n      Dann 110 oder 112 wählen.",
    )
    directory, result = load(make_knowledge, entries)
    found = warnings_with(result, "urgent")
    assert len(found) == 1
    line = line_with(entries, "text: |")
    assert found[0].startswith(f"{directory / 'entries.yaml'}:{line}: Warnung: Eintrag 'notruf'")
    assert "Bei akuter Gefahr: 110 wählen." in found[0]
    _, fine = load(make_knowledge, ENTRIES)
    assert warnings_with(fine, "urgent") == []


def test_later_hours_rule_replacing_an_earlier_one(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        'hours: "Mo-Fr 08:00-16:00"', 'hours: "Mo-Fr 09:00-12:00; Th 14:00-17:00"'
    )
    directory, result = load(make_knowledge, entries)
    found = warnings_with(result, "ersetzt")
    assert len(found) == 1
    line = line_with(entries, "Th 14:00-17:00")
    assert found[0].startswith(f"{directory / 'entries.yaml'}:{line}: Warnung: ")
    assert "'Do 14–17 Uhr' ersetzt am Do die frühere Regel 'Mo–Fr 9–12 Uhr'" in found[0]
    assert 'hours: "Mo–Mi, Fr 9–12 Uhr; Do 9–12 und 14–17 Uhr"' in found[0]
    assert "Mo-We,Fr 09:00-12:00; Th 09:00-12:00,14:00-17:00" in found[0]
    assert 'hours: "Mo–Mi, Fr 9–12 Uhr; Do 14–17 Uhr"' in found[0]


def test_guide_example_hours_load_without_warning(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        'hours: "Mo-Fr 08:00-16:00"', 'hours: "Mo-Do 08:00-16:00; Fr 08:00-12:00"'
    )
    _, result = load(make_knowledge, entries)
    assert warnings_with(result, "ersetzt") == []
    assert warnings_with(result, "Feiertag") == []


def test_hours_on_holidays_are_pointed_out(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        'hours: "Mo-Fr 08:00-16:00"', 'hours: "Mo-Fr 8-16 Uhr; Feiertage 10-12 Uhr"'
    )
    _, result = load(make_knowledge, entries)
    found = warnings_with(result, "an Feiertagen")
    assert len(found) == 1 and "außer bei 24/7" in found[0]


def test_not_round_the_clock_is_no_warning(make_knowledge: MakeKnowledge) -> None:
    entries = SOURCED.replace(
        "text: Das Migrationsamt ist für Aufenthaltsfragen zuständig.",
        "text: Das Migrationsamt unter 0781 805 1660 ist nicht rund um die Uhr besetzt. "
        "Beratung 0781 805 1660 (nicht rund um die Uhr).",
    )
    _, result = load(make_knowledge, entries)
    assert warnings_with(result, "rund um die Uhr") == []
