"""Button presses: one dispatcher over the actions that replies carry.

Callback data we did not produce, or that points to something that no longer exists (an old
message after a knowledge change), gets a short "outdated" notice instead of an error.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import actions, texts
from bot.handlers.place import place_chosen
from bot.handlers.questions import LAST_QUESTION
from bot.handlers.team import invite_role_chosen
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, edit, send

log = logging.getLogger(__name__)


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    account = context.account
    if query is None or account is None:
        return
    action = actions.decode(query.data or "")
    services = context.services
    if action is None:
        log.warning("unknown callback data from %s: %r", account.user_id, query.data)
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return
    args = action.args
    chat_id = query.message.chat.id if query.message else account.user_id
    if action.kind == actions.OPEN_ENTRY and len(args) == 1:
        entry = services.assistant.entry(args[0])
        if entry is None:
            await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
            return
        await acknowledge(query)
        place = services.assistant.find_place(account.place) if account.place else None
        reply = services.renderer.entry(
            entry,
            place=place if place and entry.scope else None,
            place_source="default" if place and entry.scope else None,
            urgent=entry.urgent,
        )
        await send(context.bot, chat_id, reply)
    elif (
        action.kind == actions.TOPICS
        and len(args) == 1
        and (page := actions.number(args[0])) is not None
    ):
        await acknowledge(query)
        await edit(query, services.renderer.topics(page))
    elif (
        action.kind == actions.TOPIC
        and len(args) == 2
        and (page := actions.number(args[1])) is not None
    ):
        topic = services.renderer.topic(args[0], page)
        if topic is None:
            await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
            return
        await acknowledge(query)
        await edit(query, topic)
    elif action.kind == actions.FEEDBACK and len(args) == 2 and args[0] in ("+", "-"):
        if services.assistant.entry(args[1]) is None:
            await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
            return
        last = context.user_data.get(LAST_QUESTION) if context.user_data else None
        await services.questions.record_feedback(
            now=services.clock.now(),
            user_id=account.user_id,
            entry_id=args[1],
            helpful=args[0] == "+",
            question=last[0] if last and last[1] == args[1] else None,
        )
        await acknowledge(query, texts.FEEDBACK_THANKS)
    elif action.kind == actions.SET_PLACE and len(args) == 1:
        await place_chosen(update, context, args[0])
    elif action.kind == actions.INVITE and len(args) == 1:
        await invite_role_chosen(update, context, args[0])
    else:
        log.warning("unexpected callback data from %s: %r", account.user_id, query.data)
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
