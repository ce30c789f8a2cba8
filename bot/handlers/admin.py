"""Commands for admins: /version."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot import texts
from bot.telegram.context import BotContext
from bot.version import running_commit


async def version(update: Update, context: BotContext) -> None:
    """/version: the running commit and the knowledge it serves."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    commit = await asyncio.to_thread(running_commit)  # git runs once, not in the event loop
    latest = await services.knowledge.revisions.recent(1)
    revision = texts.VERSION_REVISION.format(id=latest[0].id) if latest else texts.VERSION_NONE
    knowledge = services.assistant.knowledge
    await message.reply_text(
        texts.VERSION.format(
            commit=commit or texts.VERSION_UNKNOWN,
            knowledge=knowledge.version,
            entries=len(knowledge.entries),
            revision=revision,
        )
    )
