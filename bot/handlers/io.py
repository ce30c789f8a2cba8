"""Sending replies to Telegram: keyboards, splitting long messages, harmless edit errors."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot import actions
from bot.render import Reply, split_message

log = logging.getLogger(__name__)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, callback_data=actions.encode(button.action))
                for button in row
            ]
            for row in reply.buttons
        ]
    )


async def send(bot: ExtBot[None], chat_id: int, reply: Reply) -> list[Message]:
    """Send ``reply`` as one message, or several split at paragraphs; buttons on the last."""
    parts = split_message(reply.html)
    sent = []
    for index, part in enumerate(parts):
        markup = keyboard(reply) if index == len(parts) - 1 else None
        # Parse mode HTML and no link previews come from the application's Defaults.
        sent.append(await bot.send_message(chat_id, part, reply_markup=markup))
    return sent


async def edit(query: CallbackQuery, reply: Reply) -> None:
    """Show ``reply`` in place of the pressed message (menus); a new message if too long."""
    parts = split_message(reply.html)
    message = query.message
    if len(parts) > 1 or not isinstance(message, Message):
        if message is not None:
            await send(query.get_bot(), message.chat.id, reply)  # type: ignore[arg-type]
        return
    try:
        await message.edit_text(parts[0], reply_markup=keyboard(reply))
    except BadRequest as exc:
        if "message is not modified" not in exc.message.lower():
            raise
        log.debug("edit skipped: %s", exc.message)


async def edit_message(bot: ExtBot[None], chat_id: int, message_id: int, reply: Reply) -> None:
    """Replace a message we sent earlier; "not modified" is harmless."""
    try:
        await bot.edit_message_text(
            split_message(reply.html)[0],
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=keyboard(reply),
        )
    except BadRequest as exc:
        if "message is not modified" not in exc.message.lower():
            raise
