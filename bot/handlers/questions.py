"""Any text is a question (in groups: when addressed to the bot)."""

from __future__ import annotations

import logging
import re
import time

from telegram import Update

from bot.search.index import folded_question
from bot.telegram.context import BotContext
from bot.telegram.io import send

log = logging.getLogger(__name__)
LAST_QUESTION = "last_question"


async def question(update: Update, context: BotContext) -> None:
    message = update.effective_message
    account = context.account
    if message is None or message.text is None or account is None:
        return
    text = re.sub(rf"@{re.escape(context.bot.username)}\b", " ", message.text, flags=re.I)
    services = context.services
    started = time.perf_counter()
    answer = services.assistant.answer(text, place=account.place)
    latency_ms = (time.perf_counter() - started) * 1000
    await send(context.bot, message.chat_id, services.renderer.answer(answer))
    folded = folded_question(text)
    # A declined question has no answer, however weak the closest miss was.
    top_id = answer.results[0].entry.id if answer.results and answer.outcome != "none" else None
    # Remembered so that a 👎 on this answer can be reported with its question.
    if context.user_data is not None:
        context.user_data[LAST_QUESTION] = (folded, top_id)
    try:
        await services.questions.record(
            now=answer.now,
            user_id=account.user_id,
            question=folded,
            outcome=answer.outcome,
            top_id=top_id,
            latency_ms=latency_ms,
        )
    except Exception:
        log.warning("could not log a question", exc_info=True)
