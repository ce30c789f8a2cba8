"""The error handler: log everything, tell the user in one sentence, keep serving."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, TimedOut

from bot import texts
from bot.render import Reply
from bot.telegram.context import BotContext
from bot.telegram.io import send
from bot.telegram.request import ConnectionFailed

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """The update for the log without its text: questions may hold personal data."""
    if not isinstance(update, Update):
        return repr(update)[:200]
    parts = [f"id={update.update_id}"]
    if update.effective_user is not None:
        parts.append(f"user={update.effective_user.id}")
    if update.effective_chat is not None:
        parts.append(f"chat={update.effective_chat.id}")
    message = update.effective_message
    if update.callback_query is not None:
        parts.append(f"callback={update.callback_query.data!r}")
    elif message is not None and message.text is not None:
        command = message.text.split()[0] if message.text.startswith("/") else None
        parts.append(f"command={command}" if command else f"text_length={len(message.text)}")
    return " ".join(parts)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    unreachable = isinstance(error, (ConnectionFailed, TimedOut))
    if update is None and isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # PTB's polling loop reports every failed getUpdates here, every few seconds while
        # it lasts. Unreachable: the request layer logs one line per change of state.
        if unreachable:
            log.debug("polling: %s", error)
        else:
            log.warning("Telegram answered with an error (polling or a job): %s", error)
        return
    if unreachable:
        log.warning("update %s: Telegram unreachable (%s)", describe(update), error)
    else:
        log.error("error while handling update %s", describe(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    # No answer to a callback query here: the handler has usually answered it already, and a
    # second answer fails, which used to swallow this message.
    try:
        # With retries: this sentence matters most when Telegram itself is shaky.
        await send(context.bot, update.effective_chat.id, Reply(texts.SOMETHING_WENT_WRONG))
    except Exception:
        log.warning("could not tell the user about the error", exc_info=True)
