"""What leads do with escalations: take, resolve, look back, export, statistics.

Only leads and admins may take or resolve. A forged or replayed button press from anyone
else changes nothing and is logged (and recorded in the audit trail).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import ForceReply, InputFile, Update

from bot import actions, texts
from bot.actions import Action
from bot.escalations.reports import chart_png, statistics, to_csv
from bot.escalations.service import Change
from bot.handlers import questions
from bot.handlers.access import private_only, require
from bot.render import Button, Reply
from bot.render import escalations as render
from bot.storage.users import Role
from bot.telegram.context import BotContext
from bot.telegram.deliver import deliver_now, refresh_alerts
from bot.telegram.io import acknowledge, edit, send

log = logging.getLogger(__name__)

OUTCOME_PROMPTS = "outcome_prompts"  # chat_data: prompt message id -> escalation id


async def button(update: Update, context: BotContext) -> None:
    """All escalation buttons outside the reporting conversation."""
    query = update.callback_query
    account = context.account
    if query is None or account is None:
        return
    action = actions.decode(query.data or "")
    if action is None or len(action.args) != 1:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return
    argument = action.args[0]
    if action.kind in (actions.ESC_TAKE, actions.ESC_DONE):
        escalation_id = actions.number(argument)
        if escalation_id is None:
            await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
            return
        if not account.is_lead:
            await context.services.escalations.record_denied(
                escalation_id, account.user_id, action.kind
            )
            await acknowledge(query, texts.LEADS_ONLY, alert=True)
            return
        if action.kind == actions.ESC_TAKE:
            await _take(update, context, escalation_id)
        else:
            await _resolve(update, context, escalation_id)
    elif action.kind == actions.ESC_SHOW and (shown := actions.number(argument)) is not None:
        if await private_only(update):
            await _show_history(update, context, shown)
    elif action.kind == actions.ESC_LIST and (page := actions.number(argument)) is not None:
        if await private_only(update):
            await acknowledge(query)
            await edit(query, await _list(context, page))
    elif action.kind == actions.ESC_EXPORT:
        if await require(update, context, Role.LEAD):
            await acknowledge(query)
            days = None if argument == "all" else actions.number(argument) or 30
            await _export(update, context, days)
    else:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)


async def _take(update: Update, context: BotContext, escalation_id: int) -> None:
    query = update.callback_query
    account = context.account
    assert query is not None and account is not None
    services = context.services
    name = account.display_name or str(account.user_id)
    change = await services.escalations.take(escalation_id, account.user_id, name)
    if change is Change.OK:
        await acknowledge(query, texts.TAKE_DONE.format(id=escalation_id))
        await refresh_alerts(context, escalation_id)
        await deliver_now(context)
    elif change is Change.NOT_FOUND:
        await acknowledge(query, texts.ESC_NOT_FOUND, alert=True)
    elif change is Change.ALREADY_RESOLVED:
        await acknowledge(query, texts.RESOLVE_ALREADY.format(id=escalation_id), alert=True)
    else:
        await acknowledge(query, texts.TAKE_ALREADY.format(id=escalation_id), alert=True)


async def _resolve(update: Update, context: BotContext, escalation_id: int) -> None:
    query = update.callback_query
    account = context.account
    assert query is not None and account is not None
    services = context.services
    name = account.display_name or str(account.user_id)
    change = await services.escalations.resolve(escalation_id, account.user_id, name)
    if change is Change.NOT_FOUND:
        await acknowledge(query, texts.ESC_NOT_FOUND, alert=True)
        return
    if change is Change.ALREADY_RESOLVED:
        await acknowledge(query, texts.RESOLVE_ALREADY.format(id=escalation_id), alert=True)
        return
    await acknowledge(query, texts.RESOLVE_DONE.format(id=escalation_id))
    await refresh_alerts(context, escalation_id)
    chat = update.effective_chat
    if chat is not None:
        prompt = await context.bot.send_message(
            chat.id,
            texts.OUTCOME_ASK.format(id=escalation_id),
            reply_markup=ForceReply(selective=True),
        )
        if context.chat_data is not None:
            context.chat_data.setdefault(OUTCOME_PROMPTS, {})[prompt.message_id] = escalation_id
    await deliver_now(context)


async def outcome_reply(update: Update, context: BotContext) -> bool:
    """A lead's reply to the outcome prompt; True if this message was one (handled)."""
    message = update.effective_message
    account = context.account
    if message is None or message.reply_to_message is None or account is None:
        return False
    prompts = context.chat_data.get(OUTCOME_PROMPTS, {}) if context.chat_data else {}
    escalation_id = prompts.get(message.reply_to_message.message_id)
    if escalation_id is None or not message.text:
        return False
    if not account.is_lead:
        await context.services.escalations.record_denied(escalation_id, account.user_id, "outcome")
        return True
    name = account.display_name or str(account.user_id)
    await context.services.escalations.set_outcome(
        escalation_id, account.user_id, name, message.text
    )
    prompts.pop(message.reply_to_message.message_id, None)
    await message.reply_text(texts.OUTCOME_SAVED.format(id=escalation_id))
    return True


async def _list(context: BotContext, page: int) -> Reply:
    account = context.account
    assert account is not None
    services = context.services
    reporter = None if account.is_lead else account.user_id
    return render.escalation_list(await services.escalations.open_escalations(reporter), page)


async def list_command(update: Update, context: BotContext) -> None:
    """/eskalationen: open ones, newest first (leads: all; caseworkers: their own)."""
    if update.effective_chat is None or context.account is None:
        return
    if await private_only(update):
        await send(context.bot, update.effective_chat.id, await _list(context, 0))


async def _show_history(update: Update, context: BotContext, escalation_id: int) -> None:
    query = update.callback_query
    account = context.account
    assert query is not None and account is not None
    services = context.services
    escalation = await services.escalations.get(escalation_id)
    if escalation is None or (not account.is_lead and escalation.reporter_id != account.user_id):
        if escalation is not None:
            await services.escalations.record_denied(escalation_id, account.user_id, "show")
        await acknowledge(query, texts.ESC_NOT_FOUND, alert=True)
        return
    await acknowledge(query)
    events = await services.escalations.history(escalation_id)
    await edit(query, render.escalation_history(escalation, events, services.clock.timezone))


async def export_command(update: Update, context: BotContext) -> None:
    """/export [FROM [UNTIL]]: a CSV document; without dates, a choice of periods."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if not args:
        rows = [
            [Button(label, Action(actions.ESC_EXPORT, (key,)))]
            for key, label in texts.EXPORT_PERIODS.items()
        ]
        await send(context.bot, message.chat_id, Reply(texts.EXPORT_CHOOSE, rows))
        return
    zone = context.services.clock.timezone
    try:
        since = dt.datetime.combine(dt.date.fromisoformat(args[0]), dt.time(), tzinfo=zone)
        until = (
            dt.datetime.combine(dt.date.fromisoformat(args[1]), dt.time(), tzinfo=zone)
            + dt.timedelta(days=1)
            if len(args) > 1
            else context.services.clock.now()
        )
    except ValueError:
        await message.reply_text(texts.EXPORT_USAGE)
        return
    await _send_export(update, context, since, until)


async def _export(update: Update, context: BotContext, days: int | None) -> None:
    now = context.services.clock.now()
    since = now - dt.timedelta(days=days) if days else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    await _send_export(update, context, since, now + dt.timedelta(seconds=1))


async def _send_export(
    update: Update, context: BotContext, since: dt.datetime, until: dt.datetime
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    escalations = await services.escalations.between(since, until)
    zone = services.clock.timezone
    caption = texts.EXPORT_CAPTION.format(
        since=f"{since.astimezone(zone):%d.%m.%Y}",
        until=f"{until.astimezone(zone):%d.%m.%Y}",
        count=len(escalations),
    )
    document = InputFile(
        to_csv(escalations, zone).encode("utf-8"),
        filename=f"eskalationen-{since:%Y%m%d}-{until:%Y%m%d}.csv",
    )
    await context.bot.send_document(chat.id, document, caption=caption)


async def statistics_command(update: Update, context: BotContext) -> None:
    """/statistik: counts by kind, town, team, month and the median time to take."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    everything = await services.escalations.between(
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC), services.clock.now() + dt.timedelta(seconds=1)
    )
    stats = statistics(everything, texts.STATS_UNKNOWN)
    await send(context.bot, chat.id, Reply(render.statistics_text(stats)))
    if stats.total:
        labels = {
            **texts.KIND_LABELS,
            "month": texts.STATS_TITLES["month"],
            "kind": texts.STATS_TITLES["kind"],
        }
        # Rendering takes a moment: off the event loop, so others keep being answered.
        png = await asyncio.to_thread(chart_png, stats, labels, texts.STATS_CHART_TITLE)
        await context.bot.send_photo(chat.id, InputFile(png, filename="statistik.png"))


async def reply_or_question(update: Update, context: BotContext) -> None:
    """A reply: the outcome of a resolved escalation if it answers that prompt, else a question."""
    if not await outcome_reply(update, context):
        await questions.question(update, context)
