"""The gate in front of every handler: only registered people get anything.

It runs first (handler group -1) for every update. Strangers get one polite sentence and
nothing else; in groups, messages not meant for the bot are ignored silently.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ConversationHandler

from bot import texts
from bot.storage.users import Role
from bot.telegram import menu
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge

log = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


def addressed_to_bot(message: Message, bot_id: int, bot_username: str) -> bool:
    """Private chats always; in groups only commands, @mentions and replies to the bot."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    text = message.text or message.caption or ""
    if text.startswith("/"):
        command = text.split()[0]
        return "@" not in command or command.split("@", 1)[1].lower() == bot_username.lower()
    if f"@{bot_username}".lower() in text.lower():
        return True
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == bot_id)


def _is_start_with_code(update: Update) -> bool:
    message = update.effective_message
    text = message.text if message else None
    return bool(
        message
        and text
        and message.chat.type == ChatType.PRIVATE
        and text.startswith("/start ")
        and len(text.split()) == 2
    )


async def gate(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    # Edited messages are answered like new ones, so the group rule applies to them too.
    message = update.message or update.edited_message
    if message is not None and not addressed_to_bot(message, context.bot.id, context.bot.username):
        raise ApplicationHandlerStop
    services = context.services
    allowed, tell = services.throttle.allow(user.id, services.clock.monotonic())
    if not allowed:
        if tell:
            log.warning("throttling user %s", user.id)
        if update.callback_query is not None:
            # Still answered, or the button keeps spinning; the notice only once.
            await acknowledge(update.callback_query, texts.THROTTLED_SHORT if tell else None)
        elif tell and update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, texts.THROTTLED)
        raise ApplicationHandlerStop
    account = await services.users.get(user.id)
    if account is None:
        if _is_start_with_code(update):
            return  # /start <invite code> registers
        log.info("refused unregistered user %s", user.id)
        await refuse(update)
        raise ApplicationHandlerStop
    if user.full_name and account.display_name != user.full_name:
        account = replace(account, display_name=user.full_name)
    context.account = account
    await menu.ensure(update, context, account)
    try:
        await services.users.touch(account, services.clock.now(), user.full_name)
    except Exception:
        log.warning("could not record activity of %s", user.id, exc_info=True)


async def refuse(update: Update) -> None:
    if update.callback_query is not None:
        await acknowledge(update.callback_query, texts.NOT_REGISTERED, alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.NOT_REGISTERED)


def in_group(update: Update) -> bool:
    """True if the update comes from a group or channel (not from a private chat).

    A button press without its message has no chat: whatever it does is answered in the
    presser's private chat or as a notice only to them, so it counts as private.
    """
    chat = update.effective_chat
    return chat is not None and chat.type != ChatType.PRIVATE


async def private_only(update: Update) -> bool:
    """True in a private chat; elsewhere one sentence pointing there, and False.

    Lead output (people, escalations, exports, knowledge files) never goes to a group: a
    group may hold people who are not leads, or not even registered.
    """
    if not in_group(update):
        return True
    log.info("refused lead output outside a private chat: %s", update.effective_chat)
    if update.callback_query is not None:
        await acknowledge(update.callback_query, texts.PRIVATE_ONLY, alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.PRIVATE_ONLY)
    return False


async def require(update: Update, context: BotContext, role: Role, *, private: bool = True) -> bool:
    """True if the current account has ``role``; otherwise tell the user and return False.

    The account is read afresh for every update (see :func:`gate`), so every step of a
    multi-step flow that calls this sees a role changed in between. Lead and admin actions
    are for private chats only unless ``private`` is False.
    """
    account = context.account
    if account is not None and account.role.at_least(role):
        return not (private and role is not Role.CASEWORKER) or await private_only(update)
    log.warning(
        "user %s tried a %s action", update.effective_user and update.effective_user.id, role
    )
    text = texts.ADMINS_ONLY if role is Role.ADMIN else texts.LEADS_ONLY
    if update.callback_query is not None:
        await acknowledge(update.callback_query, text, alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return False


def guarded(callback: Callback, role: Role) -> Callback:
    """``callback`` behind the role check (for leads and admins: also private chats only).

    A refused update ends a conversation it would have opened; PTB ignores the return value
    of handlers outside conversations.
    """
    if role is Role.CASEWORKER:
        return callback  # the access gate lets only registered people through

    @functools.wraps(callback)
    async def checked(update: Update, context: BotContext) -> Any:
        if not await require(update, context, role):
            return ConversationHandler.END
        return await callback(update, context)

    return checked
