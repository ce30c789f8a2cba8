"""The command table: texts for every row, menus and /hilfe per role."""

from __future__ import annotations

import re

import pytest

from bot import actions, texts
from bot.commands import COMMANDS, command, help_text, menu
from bot.config import Settings
from bot.console import SHARED_COMMANDS, TELEGRAM_COMMANDS, ConsoleChat
from bot.render.answers import Renderer
from bot.services import load_assistant
from bot.storage.users import Role
from tests.conftest import SHIPPED_KNOWLEDGE

# Commands that were lead-only before the table existed: a row must not open them up.
LEAD_ONLY = {
    "einladen", "nutzer", "entfernen", "export", "statistik", "bearbeiten", "bestaetigen",
    "wissen", "verlauf", "zuruecksetzen", "neuladen", "luecken", "veraltet",
}  # fmt: skip


def test_every_name_is_unique_and_every_text_has_a_row() -> None:
    names = [name for row in COMMANDS for name in row.names]
    assert len(names) == len(set(names))
    assert set(texts.COMMAND_MENU) <= set(names)
    assert set(texts.COMMAND_HELP) <= set(names)
    assert command("help") is command("hilfe")


def test_lead_commands_stay_lead_only() -> None:
    assert {name for row in COMMANDS if row.role.at_least(Role.LEAD) for name in row.names} >= (
        LEAD_ONLY
    )


def test_menus_grow_with_the_role() -> None:
    everyone, leads, admins = (dict(menu(role)) for role in Role)
    assert everyone["notfall"] == "Notfallkontakte, ein Tipp"
    assert not LEAD_ONLY & set(everyone)
    assert set(leads) >= LEAD_ONLY
    assert set(everyone) < set(leads) <= set(admins)


def test_help_for_caseworkers_lists_only_their_commands() -> None:
    assert help_text(Role.CASEWORKER) == texts.TOUR + (
        "\n\n<b>Befehle</b>\n"
        "/themen – Wissen nach Bereichen\n"
        "/notfall – Notfallkontakte\n"
        "/karte – Notfallkarte in der Sprache der Person\n"
        "/ort – deinen Ort festlegen\n"
        "/hilfe – diese Hilfe\n"
        "/eskalationen – offene Eskalationen"
    )


def test_help_for_leads_adds_their_commands() -> None:
    text = help_text(Role.LEAD)
    assert text.startswith(help_text(Role.CASEWORKER) + texts.HELP_HEADING_LEAD)
    assert "/einladen – Einladungslink erzeugen" in text
    assert text.endswith(texts.HELP_UPLOAD)
    assert texts.HELP_HEADING_ADMIN not in text


def test_button_patterns_claim_their_kinds_only() -> None:
    """The one helper that writes callback patterns: kinds, arguments, nothing else."""
    any_args = re.compile(actions.pattern(actions.ESC_TAKE, actions.ESC_DONE, required=True))
    assert any_args.match("xt|1") and any_args.match("xd|")
    assert not any_args.match("xt") and not any_args.match("xk|1") and not any_args.match("x")
    optional = re.compile(actions.pattern(actions.CARD, args="[a-z]{2,3}"))
    assert optional.match("nk") and optional.match("nk|ar")
    assert not optional.match("nk|arabic") and not optional.match("n")
    exact = re.compile(actions.pattern(actions.EDIT_APPLY, args="yes", required=True))
    assert exact.match("ka|yes") and not exact.match("ka|no") and not exact.match("ka|yes|x")
    assert re.match(actions.pattern(actions.ESCALATE, args=None), "x")
    assert not re.match(actions.pattern(actions.ESCALATE, args=None), "x|1")


@pytest.fixture(scope="module")
def console() -> ConsoleChat:
    settings = Settings(knowledge_dir=SHIPPED_KNOWLEDGE)
    assistant = load_assistant(settings, settings.clock())
    return ConsoleChat(assistant, Renderer(assistant, records_questions=False))


def test_the_console_knows_the_bots_commands_from_the_table(console: ConsoleChat) -> None:
    """The console's own versions of bot commands are rows of the table; every other row is
    "only in Telegram"; a typo is not claimed to exist in Telegram."""
    assert SHARED_COMMANDS <= TELEGRAM_COMMANDS
    for row in COMMANDS:
        for name in row.names:
            reply = console.handle(f"/{name}")
            telegram_only = texts.CONSOLE_UNKNOWN_COMMAND.format(command=f"/{name}")
            assert (reply == telegram_only) is (name not in SHARED_COMMANDS), name
    assert console.handle("/themenn") == texts.CONSOLE_NO_SUCH_COMMAND.format(command="/themenn")
