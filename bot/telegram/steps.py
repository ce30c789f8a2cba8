"""Small helpers shared by the multi-step conversations (reporting, editing knowledge)."""

from __future__ import annotations

import enum
from typing import Any, TypeVar, cast

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import actions, texts
from bot.render import Reply
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, edit, send

Handler = BaseHandler[Update, BotContext, object]
E = TypeVar("E", bound=enum.Enum)


def as_handler(handler: BaseHandler[Update, BotContext, Any]) -> Handler:
    """PTB's handler types are invariant in the return type; conversation states mix them."""
    return cast(Handler, handler)


def on_button(
    callback: Any, *kinds: str, args: str | None = ".*", required: bool = False
) -> Handler:
    """A conversation step for presses of buttons of ``kinds`` (see :func:`bot.actions.pattern`)."""
    pattern = actions.pattern(*kinds, args=args, required=required)
    return as_handler(CallbackQueryHandler(callback, pattern=pattern))


async def show(update: Update, context: BotContext, reply: Reply) -> None:
    """A step's reply: a pressed button's message is edited, a typed message gets a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await acknowledge(query)
        await edit(query, reply)
    elif update.effective_chat is not None:
        await send(context.bot, update.effective_chat.id, reply)


async def pressed_choice(update: Update, choices: type[E]) -> E | None:
    """The enum member a pressed button names; None (and an "outdated" notice) otherwise."""
    query = update.callback_query
    action = actions.decode(query.data or "") if query is not None else None
    if action is not None and len(action.args) == 1:
        for choice in choices:
            if choice.value == action.args[0]:
                return choice
    if query is not None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
    return None
