"""Journeys on purpose-made knowledge: paging, a very long entry, HTML characters, hours."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot import texts
from tests.conftest import MINIMAL, write_files
from tests.e2e.conftest import ADMIN, BotProcess, Watch, own_bot, shown
from tests.e2e.knowledge import CUSTOM, LONG_TEXT, MANY

WEEKDAY_MORNING = "2026-11-26T10:00"  # a Thursday
SATURDAY_NIGHT = "2026-11-28T22:00"
CORPUS_CHRISTI = "2026-06-04T10:00"  # Fronleichnam: a holiday in BW, not everywhere


@pytest.fixture(scope="module")
def custom_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("custom") / "knowledge", {**MINIMAL, **CUSTOM})


@pytest.fixture(scope="module")
def custom_bot(
    custom_dir: Path, tmp_path_factory: pytest.TempPathFactory, watch: Watch
) -> Iterator[BotProcess]:
    """A bot on the custom knowledge on a Thursday morning; ADMIN asks."""
    workdir = tmp_path_factory.mktemp("custom-bot")
    with own_bot(watch, workdir, lead=False, knowledge=custom_dir, now=WEEKDAY_MORNING) as bot:
        yield bot


def test_category_with_many_entries_is_paged(custom_bot: BotProcess) -> None:
    """More than 8 entries in a category: pages of 8, forward and back, in one message."""
    api = custom_bot.api
    menu = custom_bot.ask_one(ADMIN, "/themen")
    custom_bot.press(ADMIN, menu, "Merkblätter")
    first = api.wait_for_edit(menu)
    assert first.plain_text == "Merkblätter: Wähle einen Eintrag."
    assert [b.text for b in first.flat_buttons] == [
        *(f"Merkblatt Nummer {n:02d}" for n in range(1, 9)),
        texts.NEXT_PAGE,
        texts.BACK,
    ]
    custom_bot.press(ADMIN, first, texts.NEXT_PAGE)
    second = api.wait_for_edit(first)
    assert [b.text for b in second.flat_buttons] == [
        *(f"Merkblatt Nummer {n:02d}" for n in range(9, MANY + 1)),
        texts.PREVIOUS_PAGE,
        texts.BACK,
    ]
    custom_bot.press(ADMIN, second, texts.PREVIOUS_PAGE)
    again = api.wait_for_edit(second)
    assert again.buttons == first.buttons
    custom_bot.press(ADMIN, again, "Nummer 02")
    entry = api.wait_for_message(ADMIN)
    assert entry.plain_text.startswith("Merkblatt Nummer 02\n\nInhalt des Merkblatts 02.")
    assert api.current(menu).version == 3  # three edits of the one /themen message


def test_long_entry_is_split_into_messages(custom_bot: BotProcess) -> None:
    """An entry of > 6000 characters: several messages ≤ 4096, buttons on the last only."""
    assert len(LONG_TEXT) > 6000
    api = custom_bot.api
    since = len(api.requests)
    parts = custom_bot.ask_all(ADMIN, "hausordnung")
    assert len(parts) >= 2
    assert all(len(p.plain_text.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert all(len((p.text or "").encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert all(p.reply_markup is None for p in parts[:-1])
    assert parts[-1].buttons == [
        [("➡️ Migrationsamt", "e|migrationsamt")],
        [("👍", "f|+|hausordnung"), ("👎", "f|-|hausordnung")],
    ]
    shown_text = "\n\n".join(p.plain_text for p in parts)
    assert shown_text.startswith("Hausordnung der Gemeinschaftsunterkunft\n\n")
    for n in range(1, 25):
        assert shown_text.count(f"Absatz {n} der Hausordnung:") == 1
    sends = [r for r in api.requests[since:] if r.method == "sendMessage"]
    assert all(r.status == 200 for r in sends)


def test_html_characters_arrive_literally(custom_bot: BotProcess) -> None:
    """'<', '>' and '&' in titles, texts, steps and contacts are shown as typed."""
    [answer] = custom_bot.ask_all(ADMIN, "zuschuss")
    assert answer.plain_text.split("\n") == [
        "Kosten <Pauschale> & Zuschuss",
        "",
        "Gilt, wenn der Betrag < 50 Euro & die Frist > 2 Wochen ist. <b>nicht fett</b>, "
        "&amp; bleibt so.",
        "",
        "So gehst du vor:",
        "1. Antrag <A> ausfüllen & abgeben",
        "2. Bescheid > 3 Seiten prüfen",
        "",
        "Kontakt:",
        "",
        "Kasse <Nord> & Süd (Team <Finanzen> & Co)",
        "☎️ +49 781 8051660",
        "✉️ kasse&nord@example.org",
        "🏠 Hauptstraße 1 <Hinterhaus> & Hof, 77654 Offenburg",
        texts.HOURS_ASK_FIRST,
        "",
        shown(texts.NEVER_VERIFIED),
        "Quelle: Rundschreiben <intern> & Merkblatt",
    ]
    # Only the bot's own markup is formatting: "<b>nicht fett</b>" is not bold.
    bold = [answer.plain_text[e["offset"] : e["offset"] + e["length"]] for e in answer.entities]
    assert "nicht fett" not in bold

    menu = custom_bot.ask_one(ADMIN, "/themen")
    custom_bot.press(ADMIN, menu, "Kosten <Zuschüsse> & Beihilfen")
    category = custom_bot.api.wait_for_edit(menu)
    assert category.plain_text == "Kosten <Zuschüsse> & Beihilfen: Wähle einen Eintrag."
    assert category.flat_buttons[0].text == "Kosten <Pauschale> & Zuschuss"


def test_office_open_on_a_weekday(custom_bot: BotProcess) -> None:
    """Thursday 10:00: the office is open until 16:00; no after-hours button."""
    [answer] = custom_bot.ask_all(ADMIN, "migrationsamt")
    assert "🟢 jetzt geöffnet, bis 16:00" in answer.plain_text.split("\n")
    assert "Außerhalb der Öffnungszeit" not in answer.plain_text
    assert [b.callback_data for b in answer.flat_buttons] == [
        "f|+|migrationsamt",
        "f|-|migrationsamt",
    ]


@pytest.mark.parametrize(
    ("now", "closed_line"),
    [
        (SATURDAY_NIGHT, "🔴 jetzt geschlossen, öffnet Mo 08:00"),
        (CORPUS_CHRISTI, "🔴 jetzt geschlossen, öffnet Fr 08:00 (heute Feiertag: Fronleichnam)"),
    ],
    ids=["saturday-night", "holiday"],
)
def test_office_closed_offers_after_hours_entry(
    launch_bot: Callable[..., BotProcess], custom_dir: Path, now: str, closed_line: str
) -> None:
    """Closed (weekend night, state holiday): when it opens, and the after-hours entry."""
    bot = launch_bot(custom_dir, now=now)
    answer = bot.ask_one(ADMIN, "migrationsamt")
    lines = answer.plain_text.split("\n")
    assert closed_line in lines
    assert lines[lines.index(closed_line) + 1] == ("Außerhalb der Öffnungszeit: Notruf 110 und 112")
    assert answer.buttons[0] == [("🌙 Notruf 110 und 112", "e|notruf")]
    bot.press(ADMIN, answer, "🌙")
    emergency = bot.api.wait_for_message(ADMIN)
    assert emergency.plain_text.split("\n")[:2] == [
        "🚨 Bei Gefahr sofort anrufen:",
        "110 Polizei · 112 Rettungsdienst/Feuerwehr",
    ]
    assert "Notruf 110 und 112" in emergency.plain_text
