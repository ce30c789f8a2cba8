"""/ort: a caseworker's own town, the default for questions that name none."""

from __future__ import annotations

from telegram import Update

from bot import actions, texts
from bot.actions import Action
from bot.handlers.location import location_keyboard, save_chosen_place
from bot.render import Button, Reply, answers, echo
from bot.telegram.context import BotContext
from bot.telegram.io import send


async def set_place(update: Update, context: BotContext) -> None:
    message = update.effective_message
    account = context.account
    if message is None or account is None:
        return
    services = context.services
    name = " ".join(context.args or []).strip()
    if not name:
        text = answers.place_current(account.place) if account.place else texts.PLACE_NONE
        # In private chats, /ort also offers the one-tap location button (issue 14).
        markup = location_keyboard() if message.chat.type == "private" else None
        await message.reply_text(text, reply_markup=markup)
        return
    if name == "-":
        await services.users.set_place(account.user_id, None)
        await message.reply_text(texts.PLACE_CLEARED)
        return
    candidates = services.assistant.index.places.candidates(name)
    if len(candidates) == 1:
        await services.users.set_place(account.user_id, candidates[0].name)
        await message.reply_text(answers.place_set(candidates[0].name))
        return
    if not candidates:
        await message.reply_text(texts.PLACE_UNKNOWN.format(place=echo(name)))
        return
    rows = [
        [Button(p.name, Action(actions.SET_PLACE, (actions.digest(p.name),)))] for p in candidates
    ]
    await send(context.bot, message.chat_id, Reply(texts.PLACE_CHOOSE, rows))


async def place_chosen(update: Update, context: BotContext, reference: str) -> None:
    """A button of the /ort choice; the place is named by a digest of its name."""
    query = update.callback_query
    account = context.account
    if query is None or account is None:
        return
    place = await save_chosen_place(context, query, reference)
    if place is None:
        return
    if query.message is not None:
        await query.edit_message_text(answers.place_set(place.name))
