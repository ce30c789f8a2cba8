"""Shared locations (issue 14): a point → town, responsible police station and team.

Private chats only. The coordinates are used for this one answer and then forgotten: they
are neither stored nor logged. Only with the user's tap on "Als meinen Ort speichern" is the
resolved place name saved, exactly as /ort would.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, KeyboardButton, ReplyKeyboardMarkup, Update

from bot import actions, texts
from bot.assistant import Assistant
from bot.geo.geonames import GeoNamesError, gazetteer
from bot.geo.locate import locate
from bot.knowledge.model import Place
from bot.render import Reply, answers
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, send

log = logging.getLogger(__name__)


def location_keyboard() -> ReplyKeyboardMarkup:
    """The one-tap "send my location" button (Telegram allows it in private chats only)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.LOCATION_BUTTON, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def offer(update: Update, context: BotContext) -> None:
    """After /notfall: offer the location button in a message of its own."""
    message = update.effective_message
    if message is None or context.account is None or message.chat.type != "private":
        return
    await message.reply_text(texts.LOCATION_OFFER, reply_markup=location_keyboard())


async def shared(update: Update, context: BotContext) -> None:
    """A location (or the first point of a live location) in a private chat."""
    message = update.message  # not edited_message: of a live location, the first point only
    if message is None or message.location is None or context.account is None:
        return
    lat, lon = message.location.latitude, message.location.longitude
    try:
        towns = await asyncio.to_thread(gazetteer)  # read once, about a second
    except GeoNamesError as exc:
        log.error("shared location not resolved: %s", exc)
        await send(context.bot, message.chat_id, Reply(texts.LOCATION_UNAVAILABLE))
        return
    services = context.services
    answer = locate(services.assistant, towns, lat, lon)
    await send(context.bot, message.chat_id, services.renderer.location(answer))


def place_by_reference(assistant: Assistant, reference: str) -> Place | None:
    """The place a button names by the digest of its name (None: the knowledge changed)."""
    return next(
        (p for p in assistant.knowledge.places if actions.digest(p.name) == reference), None
    )


async def save_chosen_place(
    context: BotContext, query: CallbackQuery, reference: str
) -> Place | None:
    """A place button pressed: save it as the user's place and acknowledge the press; None
    (after telling the user the button is outdated) when the knowledge no longer has it."""
    assert context.account is not None
    services = context.services
    place = place_by_reference(services.assistant, reference)
    if place is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return None
    await services.users.set_place(context.account.user_id, place.name)
    await acknowledge(query)
    return place


async def save_place(update: Update, context: BotContext) -> None:
    """The consent button: save the place of the shared location as the user's place."""
    query = update.callback_query
    account = context.account
    if query is None or account is None:
        return
    place = await save_chosen_place(context, query, (query.data or "").partition("|")[2])
    if place is None:
        return
    chat_id = query.message.chat.id if query.message else account.user_id
    await send(context.bot, chat_id, Reply(answers.location_saved(place.name)))
