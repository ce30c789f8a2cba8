"""A team lead writes opening hours the German way in Telegram: the guide's example is
accepted and shown back in German; a later rule that replaces an earlier one is pointed
out in the review; the caseworker's answer shows the hours and open/closed. The journeys
share one bot and run in order (the second edits what the first applied)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from fakebotapi import BotMessage
from tests.conftest import MINIMAL, write_files
from tests.e2e.conftest import LEAD, BotProcess, Watch, own_bot

THURSDAY_MORNING = "2026-11-26T10:00"


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("hours") / "knowledge", MINIMAL)


@pytest.fixture(scope="module")
def bot(
    knowledge: Path, tmp_path_factory: pytest.TempPathFactory, watch: Watch
) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("hours-bot")
    with own_bot(watch, workdir, users=[LEAD], knowledge=knowledge, now=THURSDAY_MORNING) as bot:
        yield bot


def lines(message: BotMessage) -> list[str]:
    return message.plain_text.split("\n")


def edit_hours(bot: BotProcess, value: str, current: str) -> BotMessage:
    """LEAD: /bearbeiten migrationsamt → Öffnungszeiten → value (one contact: no choice)."""
    fields = bot.ask_one(LEAD, "/bearbeiten migrationsamt")
    bot.press(LEAD, fields, "Öffnungszeiten")
    ask = bot.api.wait_for_edit(fields)
    assert lines(ask)[0] == texts.EDIT_ASK_VALUE["hours"]
    assert lines(ask)[-1] == f"Bisher: {current}"
    return bot.ask_one(LEAD, value)


def test_guide_example_in_german_is_accepted_and_shown_back(
    bot: BotProcess, knowledge: Path
) -> None:
    review = edit_hours(bot, "Mo-Do 08:00-16:00; Fr 08:00-12:00", "Mo–Fr 8–16 Uhr")
    assert lines(review) == [
        "Änderung an entries.yaml",
        "",
        "✏️ migrationsamt · Kontakt 1 · Öffnungszeiten",
        "   vorher: Mo–Fr 8–16 Uhr",
        "   nachher: Mo–Do 8–16 Uhr; Fr 8–12 Uhr",
        "",
        "Übernehmen?",
    ]
    bot.press(LEAD, review, "Übernehmen")
    bot.api.wait_for_edit(review)
    # The file keeps what the lead typed (the quotes it had are kept by the edit).
    written = (knowledge / "entries.yaml").read_text("utf-8")
    assert 'hours: "Mo-Do 08:00-16:00; Fr 08:00-12:00"' in written
    answer = lines(bot.ask_one(LEAD, "Migrationsamt"))
    assert "🕘 Mo–Do 8–16 Uhr; Fr 8–12 Uhr" in answer
    assert "🟢 jetzt geöffnet, bis 16:00" in answer


def test_later_rule_replacing_an_earlier_one_is_pointed_out(bot: BotProcess) -> None:
    review = edit_hours(
        bot, "Mo–Fr 9–12 Uhr; Do 14–17 Uhr", "Mo–Do 8–16 Uhr; Fr 8–12 Uhr"
    ).plain_text
    assert "nachher: Mo–Fr 9–12 Uhr; Do 14–17 Uhr" in review
    assert "⚠️ Hinweise (die Änderung geht trotzdem):" in review
    assert "'Do 14–17 Uhr' ersetzt am Do die frühere Regel 'Mo–Fr 9–12 Uhr'" in review
    assert 'hours: "Mo–Mi, Fr 9–12 Uhr; Do 9–12 und 14–17 Uhr"' in review
    assert review.endswith("Übernehmen?")
