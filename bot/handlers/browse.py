"""/themen (browse by category), /notfall (emergency menu) and /hilfe."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.handlers.context import BotContext
from bot.handlers.io import send


async def topics(update: Update, context: BotContext) -> None:
    if update.effective_chat is not None:
        await send(context.bot, update.effective_chat.id, context.services.renderer.topics())


async def emergency(update: Update, context: BotContext) -> None:
    if update.effective_chat is None:
        return
    services = context.services
    account = context.account
    place = services.assistant.find_place(account.place) if account and account.place else None
    await send(context.bot, update.effective_chat.id, services.renderer.emergency(place))


async def help_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    text = texts.HELP
    if context.account is not None and context.account.is_lead:
        text += texts.HELP_LEAD
    await message.reply_text(text)
