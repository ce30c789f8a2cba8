"""/karte and its buttons: the emergency card in the client's language (issue 14).

The card is built by :mod:`bot.cards.card`; this module only sends it. The language menu
becomes the caseworker's note (with the language buttons kept), and the card follows as a
message of its own, so it can be shown or forwarded without anything meant for the caseworker.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import actions, texts
from bot.cards.card import all_cards, build
from bot.render import Reply
from bot.render.cards import card_html, caseworker_note, language_menu
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, edit, send

log = logging.getLogger(__name__)

# The button kind this module claims (see bot/app.py): "nk" alone or "nk|LANG".
BUTTON_PATTERN = actions.pattern(actions.CARD, args="[a-z]{2,3}")


async def card_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await send(context.bot, chat.id, language_menu(context.services.assistant.knowledge))


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    account = context.account
    if query is None or account is None:
        return
    action = actions.decode(query.data or "")
    services = context.services
    knowledge = services.assistant.knowledge
    chat_id = query.message.chat.id if query.message else account.user_id
    if action is None or action.kind != actions.CARD or len(action.args) > 1:
        log.warning("unexpected card button from %s: %r", account.user_id, query.data)
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return
    if not action.args:  # "🆘 Notfallkarte" under an answer: the menu as a new message
        await acknowledge(query)
        await send(context.bot, chat_id, language_menu(knowledge))
        return
    card = all_cards(knowledge).get(action.args[0])
    if card is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return
    await acknowledge(query)
    place = services.assistant.find_place(account.place) if account.place else None
    content = build(services.assistant, card, place)
    await edit(query, caseworker_note(knowledge, card, place is not None))
    await send(context.bot, chat_id, Reply(card_html(content)))
