"""Reporting an escalation: a short conversation with buttons wherever a choice is fixed.

kind → town → urgency → description (with a personal-data check) → summary → send.
``/abbrechen`` works at every step; a conversation left open expires with a message.
On "Senden" the escalation is committed before the caseworker is told "Gespeichert".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import actions, texts
from bot.actions import Action
from bot.escalations.model import EscalationReport, Kind, Urgency
from bot.escalations.privacy import personal_data
from bot.render import Button, Reply, echo
from bot.render import escalations as render
from bot.render.answers import own_police
from bot.storage.database import StorageError
from bot.telegram.context import BotContext
from bot.telegram.deliver import deliver_now
from bot.telegram.io import acknowledge, send
from bot.telegram.steps import Handler, as_handler, on_button, pressed_choice, show

log = logging.getLogger(__name__)

KIND, PLACE, URGENCY, DESCRIPTION, CONFIRM = range(5)
DRAFT = "escalation_draft"
DELIVERY_WAIT_SECONDS = 4.0


@dataclass(frozen=True)
class Draft:
    kind: Kind | None = None
    place: str | None = None
    team: str | None = None
    urgency: Urgency | None = None
    description: str | None = None


def _draft(context: BotContext) -> Draft:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    return draft if isinstance(draft, Draft) else Draft()


def _save(context: BotContext, draft: Draft) -> None:
    if context.user_data is not None:
        context.user_data[DRAFT] = draft


async def start(update: Update, context: BotContext) -> int:
    chat = update.effective_chat
    if chat is None or context.account is None:
        return ConversationHandler.END
    if chat.type != ChatType.PRIVATE:
        if update.callback_query is not None:
            await acknowledge(update.callback_query, texts.ESC_ONLY_PRIVATE, alert=True)
        else:
            await context.bot.send_message(chat.id, texts.ESC_ONLY_PRIVATE)
        return ConversationHandler.END
    _save(context, Draft())
    rows = [
        [Button(texts.KIND_LABELS[k.value], Action(actions.ESC_KIND, (k.value,)))] for k in Kind
    ]
    rows.append([Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))])
    if update.callback_query is not None:
        await acknowledge(update.callback_query)
    await send(context.bot, chat.id, Reply(texts.ESC_START, rows))
    return KIND


async def kind_chosen(update: Update, context: BotContext) -> int:
    kind = await pressed_choice(update, Kind)
    if kind is None:
        return KIND
    _save(context, replace(_draft(context), kind=kind))
    await show(update, context, _place_question(context))
    return PLACE


def _place_question(context: BotContext) -> Reply:
    rows: list[list[Button]] = []
    account = context.account
    if account is not None and account.place:
        rows.append(
            [
                Button(
                    texts.ESC_PLACE_OWN.format(place=account.place),
                    Action(actions.ESC_PLACE, (actions.digest(account.place),)),
                )
            ]
        )
    rows.append([Button(texts.ESC_PLACE_NONE, Action(actions.ESC_PLACE, ("-",)))])
    rows.append([Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))])
    return Reply(texts.ESC_PLACE, rows)


async def place_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    action = actions.decode(query.data or "")
    reference = action.args[0] if action and action.args else ""
    if reference == "-":
        return await _ask_urgency(update, context, None)
    places = context.services.assistant.knowledge.places
    place = next((p.name for p in places if actions.digest(p.name) == reference), None)
    if place is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return PLACE
    return await _ask_urgency(update, context, place)


async def place_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    candidates = context.services.assistant.index.places.candidates(message.text)
    if len(candidates) == 1:
        return await _ask_urgency(update, context, candidates[0].name)
    if not candidates:
        await message.reply_text(texts.ESC_PLACE_UNKNOWN.format(place=echo(message.text)))
        return PLACE
    rows = [
        [Button(p.name, Action(actions.ESC_PLACE, (actions.digest(p.name),)))] for p in candidates
    ]
    rows.append([Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))])
    await send(context.bot, message.chat_id, Reply(texts.ESC_PLACE_CHOOSE, rows))
    return PLACE


async def _ask_urgency(update: Update, context: BotContext, place: str | None) -> int:
    team = None
    if place is not None:
        found = context.services.assistant.find_place(place)
        team = next((t for t in found.tags if t.startswith("team-")), None) if found else None
    _save(context, replace(_draft(context), place=place, team=team))
    rows = [
        [Button(texts.URGENCY_LABELS[u.value], Action(actions.ESC_URGENCY, (u.value,)))]
        for u in Urgency
    ]
    rows.append([Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))])
    await show(update, context, Reply(texts.ESC_URGENCY, rows))
    return URGENCY


async def urgency_chosen(update: Update, context: BotContext) -> int:
    urgency = await pressed_choice(update, Urgency)
    if urgency is None:
        return URGENCY
    _save(context, replace(_draft(context), urgency=urgency))
    cancel = [[Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))]]
    await show(update, context, Reply(texts.ESC_DESCRIPTION, cancel))
    return DESCRIPTION


async def description_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(texts.ESC_DESCRIPTION_EMPTY)
        return DESCRIPTION
    draft = replace(_draft(context), description=text[:2000])
    _save(context, draft)
    found = personal_data(text)
    if found:
        await send(context.bot, message.chat_id, render.personal_data_warning(found))
        return CONFIRM
    await send(context.bot, message.chat_id, _summary(draft))
    return CONFIRM


def _summary(draft: Draft) -> Reply:
    assert draft.kind is not None and draft.urgency is not None
    return render.draft_summary(draft.kind, draft.place, draft.urgency, draft.description or "")


async def confirm_step(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    action = actions.decode(query.data or "")
    step = action.args[0] if action and action.args else ""
    if step == "fix":
        cancel = [[Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",)))]]
        await show(update, context, Reply(texts.ESC_DESCRIPTION, cancel))
        return DESCRIPTION
    if step == "keep":
        await show(update, context, _summary(_draft(context)))
        return CONFIRM
    if step == "send":
        return await _send(update, context)
    await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
    return CONFIRM


async def _send(update: Update, context: BotContext) -> int:
    query = update.callback_query
    account = context.account
    draft = _draft(context)
    assert query is not None and account is not None
    if draft.kind is None or draft.urgency is None or draft.description is None:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return ConversationHandler.END
    services = context.services
    report = EscalationReport(
        reporter_id=account.user_id,
        kind=draft.kind,
        urgency=draft.urgency,
        place=draft.place,
        team=draft.team,
        description=draft.description,
    )
    chat_id = update.effective_chat.id if update.effective_chat else account.user_id
    try:
        escalation = await services.escalations.create(
            report, account.display_name or str(account.user_id)
        )
    except StorageError:
        log.exception("could not store an escalation")
        await _stop_spinner(query)
        await send(context.bot, chat_id, Reply(texts.ESC_SAVE_FAILED))
        return CONFIRM  # the draft stays; the caseworker may try "Senden" again
    _save(context, Draft())
    await _stop_spinner(query)
    # Saved. Try to alert the leads at once, for a little while, then report honestly.
    # Never cancelled: a delivery cut off mid-way would only be repeated (marked) later.
    delivery = asyncio.ensure_future(deliver_now(context))
    _, pending = await asyncio.wait({delivery}, timeout=DELIVERY_WAIT_SECONDS)
    if pending:
        log.warning("alert for #%s not delivered within %ss", escalation.id, DELIVERY_WAIT_SECONDS)
    # Whom the alert really reached (the group, or the admins instead), never a promise.
    reach = await services.escalations.reach(escalation.id)
    lines = [texts.ESC_SAVED.format(id=escalation.id), *render.reach_lines(reach)]
    reply = _with_contacts(context, "\n".join(lines), draft)
    await send(context.bot, chat_id, reply)
    return ConversationHandler.END


async def _stop_spinner(query: CallbackQuery) -> None:
    """Answer the "Senden" press; only cosmetic, so a Telegram hiccup here changes nothing."""
    try:
        await acknowledge(query)
    except TelegramError:
        log.warning("could not answer the button press", exc_info=True)


def _with_contacts(context: BotContext, text: str, draft: Draft) -> Reply:
    """The confirmation plus the knowledge's contacts for this kind of situation and town."""
    assert draft.kind is not None
    services = context.services
    answer = services.assistant.answer(texts.KIND_SEARCH[draft.kind.value], place=draft.place)
    entries = [h.entry for h in answer.results[:3]]
    if draft.kind in (Kind.VIOLENCE, Kind.DOMESTIC, Kind.CHILD) and draft.place:
        police = own_police(
            services.assistant.knowledge, services.assistant.find_place(draft.place)
        )
        if police is not None:  # the town's own police first, also when search found it
            entries = [police, *(e for e in entries if e.id != police.id)]
    rows = [
        [Button(texts.RELATED_BUTTON.format(title=e.title), Action(actions.OPEN_ENTRY, (e.id,)))]
        for e in entries
    ]
    return Reply(f"{text}\n\n{texts.ESC_CONTACTS}" if rows else text, rows)


async def cancel(update: Update, context: BotContext) -> int:
    _save(context, Draft())
    if update.callback_query is not None:
        await show(update, context, Reply(texts.ESC_CANCELLED))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.ESC_CANCELLED)
    return ConversationHandler.END


async def expired(update: Update, context: BotContext) -> None:
    _save(context, Draft())
    if isinstance(update, Update) and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.ESC_EXPIRED)


def conversation(
    timeout_seconds: float, command: CommandHandler[BotContext, Any]
) -> ConversationHandler[BotContext]:
    """The reporting conversation, opened by ``command`` (/eskalation, from the command table)
    or the escalate button; for bot/app.py to register before the generic handlers."""
    typed = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[Handler]] = {
        KIND: [on_button(kind_chosen, actions.ESC_KIND)],
        PLACE: [
            on_button(place_chosen, actions.ESC_PLACE),
            as_handler(MessageHandler(typed, place_typed)),
        ],
        URGENCY: [on_button(urgency_chosen, actions.ESC_URGENCY)],
        DESCRIPTION: [as_handler(MessageHandler(typed, description_typed))],
        CONFIRM: [on_button(confirm_step, actions.ESC_STEP, args="send|fix|keep", required=True)],
        ConversationHandler.TIMEOUT: [as_handler(TypeHandler(Update, expired))],
    }
    return ConversationHandler(
        entry_points=[
            as_handler(command),
            on_button(start, actions.ESCALATE, args=None),
        ],
        states=states,
        fallbacks=[
            on_button(cancel, actions.ESC_STEP, args="cancel", required=True),
            as_handler(CommandHandler("abbrechen", cancel)),
        ],
        conversation_timeout=timeout_seconds,
        name="escalation",
        allow_reentry=True,
    )
