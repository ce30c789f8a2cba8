"""Sending replies to Telegram: keyboards, splitting long messages, harmless edit errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bot import actions
from bot.render import Button, Reply, split_message

log = logging.getLogger(__name__)

T = TypeVar("T")
SEND_ATTEMPTS = 4
RETRY_FIRST_DELAY = 1.0


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return _keyboard(tuple(tuple(row) for row in reply.buttons))


# The same answers and menus come back all the time, and PTB's objects are immutable: building
# the markup (about 75 µs for an answer's buttons) once per distinct keyboard is enough.
@functools.lru_cache(maxsize=512)
def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, callback_data=actions.encode(button.action))
                for button in row
            ]
            for row in rows
        ]
    )


async def send(
    bot: ExtBot[None], chat_id: int, reply: Reply, *, attempts: int = SEND_ATTEMPTS
) -> list[Message]:
    """Send ``reply`` as one message, or several split at paragraphs; buttons on the last.

    A flood limit (429) is waited out as Telegram asks; a network error or a 5xx is retried
    a few times with backoff, so a short Telegram hiccup does not swallow an answer.
    """
    parts = split_message(reply.html)
    sent = []
    for index, part in enumerate(parts):
        markup = keyboard(reply) if index == len(parts) - 1 else None
        # Parse mode HTML and no link previews come from the application's Defaults.
        sent.append(
            await _with_retries(
                functools.partial(bot.send_message, chat_id, part, reply_markup=markup), attempts
            )
        )
    return sent


async def _with_retries(call: Callable[[], Awaitable[T]], attempts: int) -> T:
    delay = RETRY_FIRST_DELAY
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except BadRequest:
            raise  # our mistake or the user's: repeating it will not help
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
            log.warning("Telegram asks to wait %.1f s (flood control)", seconds)
            await asyncio.sleep(seconds)
        except NetworkError as exc:
            if attempt == attempts:
                raise
            log.warning("sending failed (%s), attempt %d of %d", exc, attempt, attempts)
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


async def acknowledge(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press (stops the spinner; ``text`` as a toast, or a box with ``alert``).

    Telegram refuses an answer to a press older than about 15 s, or one already answered
    (after a restart the same press comes again). The press is still handled: the
    acknowledgement is a courtesy, and what the button does must not depend on it.
    """
    try:
        await query.answer(text, show_alert=True if alert else None)  # as Telegram's default
    except BadRequest as exc:
        log.info("button press %s not acknowledged: %s", query.id, exc.message)


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
