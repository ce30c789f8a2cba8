"""Small helpers shared by the multi-step conversations (reporting, editing knowledge)."""

from __future__ import annotations

from typing import Any, cast

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.context import BotContext
from bot.handlers.io import edit, send
from bot.render import Reply

Handler = BaseHandler[Update, BotContext, object]


def as_handler(handler: BaseHandler[Update, BotContext, Any]) -> Handler:
    """PTB's handler types are invariant in the return type; conversation states mix them."""
    return cast(Handler, handler)


def button_pattern(kind: str) -> str:
    """Callback data of one action kind, with or without arguments."""
    return rf"^{kind}(\|.*)?$"


async def show(update: Update, context: BotContext, reply: Reply) -> None:
    """A step's reply: a pressed button's message is edited, a typed message gets a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        await edit(query, reply)
    elif update.effective_chat is not None:
        await send(context.bot, update.effective_chat.id, reply)
