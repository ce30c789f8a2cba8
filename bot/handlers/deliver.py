"""Delivering the escalation outbox through Telegram, and the jobs that keep it moving.

The outbox logic (what is due, backoff, redelivery marks) is Telegram-free in
:mod:`bot.escalations.service`; this module only turns a due row into a Telegram message
and Telegram's errors into :class:`DeliveryError`.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.escalations import render
from bot.escalations.service import DeliveryError, Outgoing
from bot.handlers.context import BotContext
from bot.handlers.io import edit_message, send
from bot.telegram_request import MaybeDelivered

log = logging.getLogger(__name__)


async def deliver_now(context: BotContext) -> int:
    """Deliver everything that is due; used by the job and right after a report."""
    services = context.services

    async def send_item(item: Outgoing) -> int:
        reply = render.outgoing(
            item, services.clock.timezone, services.escalations.settings.max_reminders
        )
        try:
            # One attempt: the outbox has its own backoff and survives restarts.
            messages = await send(context.bot, item.chat_id, reply, attempts=1)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
            raise DeliveryError(f"flood control: {exc}", retry_after=seconds) from exc
        except TimedOut as exc:
            raise DeliveryError(f"timed out: {exc}", maybe_delivered=True) from exc
        except BadRequest as exc:
            raise DeliveryError(f"rejected: {exc.message}") from exc
        except NetworkError as exc:
            # A connection that broke after sending: Telegram may have the message already.
            maybe = isinstance(exc, MaybeDelivered)
            raise DeliveryError(f"network: {exc}", maybe_delivered=maybe) from exc
        except TelegramError as exc:
            raise DeliveryError(f"telegram: {exc}") from exc
        return messages[-1].message_id

    return await services.escalations.deliver_due(send_item)


async def outbox_job(context: BotContext) -> None:
    """Every few seconds: deliver due alerts and notices (also after a restart)."""
    await deliver_now(context)


async def reminder_job(context: BotContext) -> None:
    """Every half minute: remind the leads of acute escalations nobody took."""
    if await context.services.escalations.schedule_reminders():
        await deliver_now(context)


async def refresh_alerts(context: BotContext, escalation_id: int) -> None:
    """Show the new state in every delivered alert of an escalation (best effort)."""
    services = context.services
    escalation = await services.escalations.get(escalation_id)
    if escalation is None:
        return
    reply = render.alert(escalation, services.clock.timezone)
    for chat_id, message_id in await services.escalations.alert_messages(escalation_id):
        try:
            await edit_message(context.bot, chat_id, message_id, reply)
        except TelegramError:
            log.warning("could not update alert %s in chat %s", message_id, chat_id, exc_info=True)
