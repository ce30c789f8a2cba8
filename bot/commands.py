"""Every command of the bot, one row each: name, handler, the role it needs, its texts.

:mod:`bot.app` registers the handlers from this table with the role check applied at
registration (:func:`guarded`), sets Telegram's command menu per role from it, and
``/hilfe`` is put together from it (:func:`guide`). The access-matrix test reads the roles
here. Adding a command: one row here, one handler, its texts in :mod:`bot.texts` (menu and
help line keyed by the command's name), one end-to-end test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from telegram.ext import CommandHandler

from bot import texts
from bot.handlers import (
    admin,
    browse,
    cards,
    escalation,
    escalation_leads,
    knowledge_edit,
    knowledge_files,
    place,
    start,
    team,
)
from bot.handlers.access import Callback, guarded
from bot.storage.users import Role
from bot.telegram.context import BotContext, CommandGuide

__all__ = [
    "COMMANDS",
    "Command",
    "command",
    "guide",
    "handler",
    "help_text",
    "menu",
]


@dataclass(frozen=True, slots=True)
class Command:
    """One command. ``callback`` None: only a step of the conversations (e.g. /abbrechen).

    ``conversation``: the command opens a conversation, which registers its handler
    (:func:`handler`) as its entry point instead of :mod:`bot.app` registering it alone.
    """

    name: str
    callback: Callback | None
    role: Role = Role.CASEWORKER
    aliases: tuple[str, ...] = ()
    conversation: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def menu(self) -> str | None:
        """The description in Telegram's command menu; None: not in the menu."""
        return texts.COMMAND_MENU.get(self.name)

    @property
    def help(self) -> str | None:
        """The line in /hilfe; None: not listed there."""
        return texts.COMMAND_HELP.get(self.name)


# The order is the order of the menu and of /hilfe.
COMMANDS: tuple[Command, ...] = (
    Command("start", start.start),
    Command("themen", browse.topics),
    Command("notfall", browse.emergency),
    Command("karte", cards.card_command),  # issue 14: the emergency card
    Command("ort", place.set_place),
    Command("hilfe", browse.help_command, aliases=("help",)),
    Command("eskalation", escalation.start, conversation=True),
    Command("eskalationen", escalation_leads.list_command),
    Command("abbrechen", None),  # ends the escalation or the edit conversation
    Command("einladen", team.invite, Role.LEAD),
    Command("export", escalation_leads.export_command, Role.LEAD),
    Command("bearbeiten", knowledge_edit.edit_start, Role.LEAD, conversation=True),
    Command("bestaetigen", knowledge_files.confirm_command, Role.LEAD),
    Command("luecken", knowledge_files.gaps_command, Role.LEAD),
    Command("veraltet", knowledge_files.stale_command, Role.LEAD),
    Command("wissen", knowledge_files.files_command, Role.LEAD),
    Command("verlauf", knowledge_files.history_command, Role.LEAD),
    Command("zuruecksetzen", knowledge_files.rollback_command, Role.LEAD),
    Command("neuladen", knowledge_files.reload_command, Role.LEAD),
    Command("statistik", escalation_leads.statistics_command, Role.LEAD),
    Command("nutzer", team.list_users, Role.LEAD),
    Command("entfernen", team.remove_user, Role.LEAD),
    Command("version", admin.version, Role.ADMIN),
)


def command(name: str) -> Command:
    """The row of ``name``."""
    for row in COMMANDS:
        if name in row.names:
            return row
    raise KeyError(name)


def handler(row: Command) -> CommandHandler[BotContext, Any]:
    """The handler of one row, role check included."""
    assert row.callback is not None, row.name
    return CommandHandler(row.names, guarded(row.callback, row.role))


def menu(role: Role) -> list[tuple[str, str]]:
    """The command menu of ``role``: every command it may use that has a menu text."""
    return [(r.name, r.menu) for r in COMMANDS if r.menu and role.at_least(r.role)]


def help_text(role: Role) -> str:
    """/hilfe for ``role``: the tour, then the commands by the role they need."""
    sections: list[tuple[Role, str, Iterable[str]]] = [
        (Role.CASEWORKER, texts.HELP_HEADING, ()),
        (Role.LEAD, texts.HELP_HEADING_LEAD, (texts.HELP_UPLOAD,)),
        (Role.ADMIN, texts.HELP_HEADING_ADMIN, ()),
    ]
    text = texts.TOUR
    for needed, heading, extra in sections:
        lines = [
            texts.HELP_LINE.format(command=r.name, text=r.help)
            for r in COMMANDS
            if r.role is needed and r.help
        ]
        if role.at_least(needed) and lines:
            text += heading + "\n" + "\n".join([*lines, *extra])
    return text


def guide() -> CommandGuide:
    """Menus and /hilfe for every role, for the handlers to read from the context."""
    return CommandGuide(
        menus={role: menu(role) for role in Role}, help={role: help_text(role) for role in Role}
    )
