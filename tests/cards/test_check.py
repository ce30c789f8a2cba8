"""validate: every card names exactly the German card's numbers, with FILE:LINE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.loader import LoadResult, load_knowledge
from tests.conftest import SHIPPED_KNOWLEDGE

CARDS = (SHIPPED_KNOWLEDGE / "karten.yaml").read_text(encoding="utf-8")
MakeKnowledge = Callable[[dict[str, str]], Path]


def load(directory: Path) -> LoadResult:
    return load_knowledge(directory, today=dt.date(2026, 11, 25))


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    position = text.index(needle, start)
    return text.count("\n", 0, position) + 1


def errors(result: LoadResult) -> list[str]:
    assert result.knowledge is None
    return [str(p) for p in result.errors]


def test_shipped_cards_are_valid(make_knowledge: MakeKnowledge) -> None:
    result = load(make_knowledge({"karten.yaml": CARDS}))
    assert result.ok, [str(p) for p in result.errors]
    assert not [p for p in result.problems if "cards" in p.message]


def test_a_different_number_in_one_language_is_an_error_at_its_line(
    make_knowledge: MakeKnowledge,
) -> None:
    changed = CARDS.replace("      - 116 016 – هاتف", "      - 116 017 – هاتف")
    assert changed != CARDS
    directory = make_knowledge({"karten.yaml": changed})
    file = directory / "karten.yaml"
    assert errors(load(directory)) == [
        f"{file}:{line_of(changed, '116 017')}: cards[1] (ar): die Nummer 116 017 steht nicht "
        "auf der deutschen Karte (dort: 110, 112, 116 016)",
        f"{file}:{line_of(changed, 'lang: ar')}: cards[1] (ar): die Nummer 116 016 der "
        "deutschen Karte fehlt",
    ]


def test_arabic_indic_digits_count_as_the_same_number(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace("      - 110 – الشرطة", "      - ١١٠ – الشرطة")
    assert changed != CARDS
    assert load(make_knowledge({"karten.yaml": changed})).ok


def test_a_number_missing_in_one_language(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace("      - 112 – Fire brigade", "      - Fire brigade")
    directory = make_knowledge({"karten.yaml": changed})
    assert errors(load(directory)) == [
        f"{directory / 'karten.yaml'}:{line_of(changed, 'lang: en')}: cards[6] (en): die "
        "Nummer 112 der deutschen Karte fehlt"
    ]


def test_a_changed_german_number_must_change_everywhere(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace("      - 110 – Polizei\n", "      - 111 – Polizei\n", 1)
    found = errors(load(make_knowledge({"karten.yaml": changed})))
    assert len(found) == 2 * 7  # each of the 7 translations: 110 too many, 111 missing
    assert all("110" in line or "111" in line for line in found)


def test_hours_written_as_digits_are_not_numbers(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace("title: Emergency numbers – free, day and night", "title: Help 24/7")
    assert changed != CARDS
    assert load(make_knowledge({"karten.yaml": changed})).ok


def test_two_cards_of_one_language(make_knowledge: MakeKnowledge) -> None:
    extra = (
        "cards:\n  - lang: en\n    language: English\n    title: Call 110\n"
        "    lines: ['112 fire', 116 016]\n"
    )
    directory = make_knowledge({"karten.yaml": CARDS, "more.yaml": extra})
    found = errors(load(directory))
    assert (
        f"{directory / 'more.yaml'}:2: cards[0]: eine Karte für 'en' gibt es schon in "
        in (found[0])
    )


def test_cards_without_a_german_card(make_knowledge: MakeKnowledge) -> None:
    text = (
        "cards:\n  - lang: en\n    language: English\n    title: Call\n    lines: ['110 police']\n"
    )
    directory = make_knowledge({"karten.yaml": text})
    [error] = errors(load(directory))
    assert error.startswith(f"{directory / 'karten.yaml'}:2: es gibt Notfallkarten, aber keine")


def test_arabic_without_direction_rtl(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace(
        "    language: العربية\n    direction: rtl\n", "    language: العربية\n"
    )
    assert changed != CARDS
    directory = make_knowledge({"karten.yaml": changed})
    [error] = errors(load(directory))
    assert error == (
        f"{directory / 'karten.yaml'}:{line_of(changed, 'lang: ar')}: cards[1] (ar): diese "
        "Sprache wird von rechts nach links geschrieben, direction: rtl fehlt"
    )


def test_unknown_card_field_is_an_error(make_knowledge: MakeKnowledge) -> None:
    changed = CARDS.replace("checked_by_native_speaker: false", "checked: false", 1)
    [error] = errors(load(make_knowledge({"karten.yaml": changed})))
    assert "unbekanntes Feld 'checked'" in error
