"""/themen (browse by category), /notfall (emergency menu) and /hilfe."""

from __future__ import annotations

from telegram import Update

from bot.storage.users import Role
from bot.telegram.context import BotContext
from bot.telegram.io import send


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
    role = context.account.role if context.account is not None else Role.CASEWORKER
    await message.reply_text(context.guide.help[role])
