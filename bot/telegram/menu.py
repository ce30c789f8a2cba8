"""Telegram's command menu per role: everyone sees theirs, leads and admins in their chat.

The default menu holds the commands for everyone; a lead's or admin's private chat gets
the menu of their role (Telegram's ``BotCommandScopeChat``), so lead-only commands are not
offered to everyone. Telegram refuses the menu of a chat the bot has not seen, so a lead's
menu is set when they write to the bot (once per run and role), not for everybody at start.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.storage.users import Role, User
from bot.telegram.context import BotContext, CommandGuide

log = logging.getLogger(__name__)

SHOWN_KEY = "menus_shown"  # user id -> the role whose menu their chat has (this run)


def _commands(guide: CommandGuide, role: Role) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in guide.menus[role]]


async def set_default_menu(context: BotContext) -> None:
    """The menu for everyone (only the menu fails: not worth failing the start for)."""
    try:
        await context.bot.set_my_commands(_commands(context.guide, Role.CASEWORKER))
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)


async def show(context: BotContext, user_id: int, role: Role | None) -> None:
    """The menu of ``role`` in ``user_id``'s private chat; None (removed): the default."""
    shown: dict[int, Role | None] = context.bot_data.setdefault(SHOWN_KEY, {})
    scope = BotCommandScopeChat(user_id)
    try:
        if role is None or role is Role.CASEWORKER:
            await context.bot.delete_my_commands(scope=scope)
        else:
            await context.bot.set_my_commands(_commands(context.guide, role), scope=scope)
    except TelegramError as exc:
        log.info("command menu of %s not set: %s", user_id, exc)
        return
    shown[user_id] = role


async def ensure(update: Update, context: BotContext, account: User) -> None:
    """A lead or admin writing in their private chat has the menu of their role there."""
    chat = update.effective_chat
    if not account.is_lead or chat is None or chat.type != ChatType.PRIVATE:
        return
    if context.bot_data.get(SHOWN_KEY, {}).get(account.user_id) is not account.role:
        await show(context, account.user_id, account.role)
