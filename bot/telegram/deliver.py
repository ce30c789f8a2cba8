"""Delivering the escalation outbox through Telegram, and the jobs that keep it moving.

The outbox logic (what is due, backoff, redelivery marks) is Telegram-free in
:mod:`bot.escalations.service`; this module only turns a due row into a Telegram message
and Telegram's errors into :class:`DeliveryError`.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.constants import ChatMemberStatus
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import texts
from bot.escalations.service import DeliveryError, Outgoing
from bot.knowledge.diff import Review
from bot.render import Reply
from bot.render import escalations as render
from bot.render import knowledge as render_knowledge
from bot.storage.users import Role
from bot.telegram.context import BotContext
from bot.telegram.io import edit_message, send
from bot.telegram.request import MaybeDelivered

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
        except (BadRequest, Forbidden) as exc:
            # "chat not found", "bot was kicked", "blocked by the user", a malformed
            # message: the same request can never succeed, retrying would only hide it.
            raise DeliveryError(f"rejected: {exc.message}", permanent=True) from exc
        except ChatMigrated as exc:
            raise DeliveryError(
                f"rejected: the group is now the supergroup {exc.new_chat_id}", permanent=True
            ) from exc
        except NetworkError as exc:
            # A connection that broke after sending: Telegram may have the message already.
            maybe = isinstance(exc, MaybeDelivered)
            raise DeliveryError(f"network: {exc}", maybe_delivered=maybe) from exc
        except TelegramError as exc:
            raise DeliveryError(f"telegram: {exc}") from exc
        return messages[-1].message_id

    return await services.escalations.deliver_due(send_item)


async def lead_chats(context: BotContext) -> list[int]:
    """Where leads are told things: their group, or each lead directly."""
    services = context.services
    if services.settings.team_lead_chat_id is not None:
        return [services.settings.team_lead_chat_id]
    return [u.user_id for u in await services.users.with_role_at_least(Role.LEAD)]


async def announce_phone_changes(context: BotContext, changes: Review) -> None:
    """When an urgent entry's phone number changes, every registered person hears of it.

    Sent through the rate-limited broadcast bot, so a large team stays within Telegram's
    limits.
    """
    services = context.services
    changed = changes.urgent_phone_changes(services.knowledge.knowledge)
    if not changed:
        return
    users = await services.users.all()
    bot = context.broadcaster
    for entry in changed:
        phones = [
            (view.contact.name, view.phone.display)
            for view in services.assistant.contacts(entry)
            if view.phone is not None
        ]
        text = render_knowledge.phone_changed(entry.title, phones)
        for user in users:
            try:
                await bot.send_message(user.user_id, text)
            except TelegramError:
                log.warning("could not tell %s about a changed number", user.user_id, exc_info=True)


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


async def check_lead_chat(context: BotContext) -> bool:
    """Can the bot write to TEAM_LEAD_CHAT_ID? If not, one log line and every admin is told
    in their private chat (alerts then go to the admins directly). False: the network
    failed, ask again later."""
    services = context.services
    chat_id = services.settings.team_lead_chat_id
    if chat_id is None:
        return True
    try:
        chat = await context.bot.get_chat(chat_id)
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except (BadRequest, Forbidden, ChatMigrated) as exc:
        await _lead_chat_unreachable(context, chat_id, exc.message)
        return True
    except TelegramError as exc:  # the network: try again in a minute
        log.warning("could not check TEAM_LEAD_CHAT_ID %s now (%s); again in 60 s", chat_id, exc)
        return False
    if member.status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await _lead_chat_unreachable(
            context, chat_id, texts.LEAD_CHAT_NOT_MEMBER.format(status=member.status)
        )
        return True
    log.info(texts.LEAD_CHAT_OK.format(chat=chat_id, title=chat.title or chat.type))
    return True


async def _lead_chat_unreachable(context: BotContext, chat_id: int, reason: str) -> None:
    log.error(texts.LEAD_CHAT_UNREACHABLE.format(chat=chat_id, reason=reason))
    notice = Reply(render.lead_chat_unreachable(chat_id, reason))
    for admin_id in await context.services.escalations.fallback_targets():
        try:
            await send(context.bot, admin_id, notice)
        except TelegramError as exc:
            log.warning(
                "could not tell admin %s that the leads' group is unreachable: %s", admin_id, exc
            )
