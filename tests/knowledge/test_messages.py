"""Every validation message names the file and line, says what is wrong and shows the right form.

Each test writes a real knowledge directory with one mistake a team lead makes and checks
the exact line and the German explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from tests.conftest import MINIMAL

TODAY = dt.date(2026, 11, 25)
MakeKnowledge = Callable[[dict[str, str]], Path]
ENTRIES = MINIMAL["entries.yaml"]


def error_for(make_knowledge: MakeKnowledge, entries: str) -> tuple[str, int, str]:
    """(file, line, message) of the only error when entries.yaml has ``entries``."""
    directory = make_knowledge({"entries.yaml": entries})
    result = load_knowledge(directory, today=TODAY)
    assert result.knowledge is None
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    problem = result.errors[0]
    assert problem.file == str(directory / "entries.yaml")
    assert str(problem) == f"{problem.file}:{problem.line}: {problem.message}"
    return problem.file, problem.line, problem.message


def line_with(text: str, needle: str) -> int:
    matches = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


def replaced(old: str, new: str) -> str:
    assert ENTRIES.count(old) == 1, old
    return ENTRIES.replace(old, new)


# -- YAML syntax -------------------------------------------------------------------------


def test_tab_used_for_indentation(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    text: Das Revier Lahr", "\ttext: Das Revier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "\ttext:")
    assert "Tabulator" in message and "Leerzeichen" in message


def test_missing_dash_before_a_new_entry(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("  - id: polizei-haslach", "  id: polizei-haslach")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "  id: polizei-haslach")
    assert "fehlt '- '" in message and "'  - id: polizei-lahr'" in message


def test_field_indented_one_space_too_little(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    text: Das Revier Haslach ist", "   text: Das Revier Haslach ist")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "   text: Das Revier Haslach")
    assert "Einrückung passt nicht" in message


def test_field_indented_too_far(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    text: Das Revier Lahr", "      text: Das Revier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "      text: Das Revier Lahr")
    assert "weiter eingerückt" in message


def test_colon_inside_a_value(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    title: Migrationsamt", "    title: Migrationsamt: Aufenthalt")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "title: Migrationsamt: Aufenthalt")
    assert 'title: "Migrationsamt: Aufenthalt"' in message


def test_unclosed_quote_points_at_its_own_line_not_the_end(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('phone: "+49 7821 277-0"', 'phone: "+49 7821 277-0')
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, 'phone: "+49 7821 277-0')
    assert "Anführungszeichen wird nicht geschlossen" in message


def test_unclosed_bracket_points_at_its_own_line(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("keywords: [Revier Lahr]", "keywords: [Revier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "keywords: [Revier Lahr")
    assert "Klammer wird nicht geschlossen" in message and "keywords: [notruf, polizei]" in message


def test_missing_colon_points_at_its_own_line(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    title: Polizeirevier Lahr", "    title Polizeirevier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "title Polizeirevier Lahr")
    assert "Doppelpunkt fehlt" in message


def test_list_on_the_same_line_as_its_field(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("keywords: [Revier Lahr]", "keywords: - Revier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "keywords: - Revier Lahr")
    assert "eckige Klammern" in message


def test_impossible_date(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("verified: 2026-11-01", "verified: 2026-02-30")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "verified: 2026-02-30")
    assert "kein gültiges Datum" in message and "verified: 2026-12-01" in message


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [("phone: 110", 'phone: "110"'), ("phone: 07041", 'phone: "07041"')],
)
def test_unquoted_number_is_told_to_be_quoted(
    make_knowledge: MakeKnowledge, written: str, expected: str
) -> None:
    entries = replaced('phone: "110"', written)
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, written)
    assert "(notruf).contacts[0] (Polizei-Notruf).phone: " in message
    assert "Anführungszeichen" in message and expected in message


def test_unquoted_number_in_keywords(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("keywords: [Notruf, Notfall]", "keywords: [Notruf, 112]")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "keywords: [Notruf, 112]")
    assert "(notruf).keywords[1]: 112 wird ohne Anführungszeichen" in message
    assert 'setze es in Anführungszeichen: "112"' in message


def test_unknown_field_names_the_nearest_and_the_allowed(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('phone: "0781 805 1660"', 'phnoe: "0781 805 1660"')
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "phnoe:")
    assert "unbekanntes Feld 'phnoe' – meinst du 'phone'?" in message
    assert "Erlaubt sind: name, role, phone, email, address, hours" in message


def test_german_field_name_is_mapped_to_the_english_one(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    keywords: [Revier Haslach]", "    stichwörter: [Revier Haslach]")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "stichwörter:")
    assert "meinst du 'keywords'?" in message and "Erlaubt sind: id, title, category" in message


def test_phone_without_area_code(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('phone: "0781 805 1660"', 'phone: "34311"')
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, 'phone: "34311"')
    assert "Vorwahl fehlt" in message and 'phone: "0781 34311"' in message


def test_phone_with_words(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('phone: "0781 805 1660"', 'phone: "0781 805 1660 (Zentrale)"')
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "(Zentrale)")
    assert "Erklärungen gehören in role" in message


def test_two_numbers_in_one_phone(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('phone: "0781 805 1660"', 'phone: "0781 805 1660, 0781 21-0"')
    _, _, message = error_for(make_knowledge, entries)
    assert "nur eine Nummer pro Kontakt" in message


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("migrationsamt(at)ortenaukreis.de", "email: migrationsamt@ortenaukreis.de"),
        ("migrationsamt [at] ortenaukreis [dot] de", "email: migrationsamt@ortenaukreis.de"),
        ("Migrationsamt Offenburg", "email: name@ortenaukreis.de"),
    ],
)
def test_email_written_with_at_in_brackets(
    make_knowledge: MakeKnowledge, written: str, suggested: str
) -> None:
    entries = replaced("email: migrationsamt@ortenaukreis.de", f"email: {written}")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "email:")
    assert "keine E-Mail-Adresse" in message and suggested in message


@pytest.mark.parametrize(
    ("written", "suggested"),
    [("01.12.2026", "verified: 2026-12-01"), ("2026-12-1", "verified: 2026-12-01")],
)
def test_date_in_the_wrong_form(
    make_knowledge: MakeKnowledge, written: str, suggested: str
) -> None:
    entries = replaced("verified: 2026-11-01", f"verified: {written}")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, f"verified: {written}")
    assert "Jahr-Monat-Tag" in message and suggested in message


def test_date_with_a_time(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("verified: 2026-11-01", "verified: 2026-11-01 10:00:00")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "verified: 2026-11-01 10:00")
    assert "ohne Uhrzeit" in message


def test_yes_no_field(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("urgent: true", "urgent: ja")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "urgent: ja")
    assert "urgent: true oder urgent: false" in message


def test_id_with_spaces_and_umlauts(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("  - id: migrationsamt", "  - id: Migrationsamt Büro")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "id: Migrationsamt Büro")
    assert "id: migrationsamt-buero" in message


def test_missing_required_field_shows_an_example(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("    title: Migrationsamt\n", "")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "- id: migrationsamt")
    assert "Pflichtfeld 'title' fehlt, z. B. title: " in message


def test_text_instead_of_a_list(make_knowledge: MakeKnowledge) -> None:
    entries = replaced("keywords: [Revier Lahr]", "keywords: Revier Lahr")
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "keywords: Revier Lahr")
    assert "Liste" in message and "keywords: [" in message


# -- hours -------------------------------------------------------------------------------


def test_hours_with_an_unknown_day(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('hours: "Mo-Fr 08:00-16:00"', 'hours: "Mo-Fx 8-16 Uhr"')
    _, line, message = error_for(make_knowledge, entries)
    assert line == line_with(entries, "Mo-Fx")
    assert "keine gültige Öffnungszeit" in message and "meintest du 'Fr'?" in message
    assert "'Mo–Fr 9–12 Uhr'" in message


def test_hours_without_a_time(make_knowledge: MakeKnowledge) -> None:
    entries = replaced('hours: "Mo-Fr 08:00-16:00"', "hours: Mo-Fr")
    _, _, message = error_for(make_knowledge, entries)
    assert "bei 'Mo–Fr' fehlt die Uhrzeit" in message
