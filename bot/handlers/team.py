"""Team management for leads: /einladen, /nutzer, /entfernen."""

from __future__ import annotations

from telegram import Update

from bot import actions, texts
from bot.actions import Action
from bot.handlers.access import require
from bot.render import Button, Reply
from bot.render import team as render_team
from bot.storage.users import INVITE_TTL, Role, User
from bot.telegram import menu
from bot.telegram.context import BotContext
from bot.telegram.io import acknowledge, send


def _may_grant(granter: User, role: Role) -> bool:
    """Leads invite caseworkers and leads; only admins create admins."""
    return granter.role is Role.ADMIN or role is not Role.ADMIN


async def invite(update: Update, context: BotContext) -> None:
    message = update.effective_message
    account = context.account
    if message is None or account is None:
        return
    requested = (context.args or [""])[0].lower()
    by_name = {"lead": Role.LEAD, "teamleitung": Role.LEAD, "admin": Role.ADMIN}
    by_name |= {"caseworker": Role.CASEWORKER, "integrationsmanager": Role.CASEWORKER}
    if requested in by_name:
        await _create_invite(update, context, by_name[requested])
        return
    roles = [r for r in Role if _may_grant(account, r)]
    rows = [[Button(texts.ROLE_NAMES[r.value], Action(actions.INVITE, (r.value,)))] for r in roles]
    await send(context.bot, message.chat_id, Reply(texts.INVITE_CHOOSE_ROLE, rows))


async def invite_role_chosen(update: Update, context: BotContext, role_name: str) -> None:
    query = update.callback_query
    if query is None or not await require(update, context, Role.LEAD):
        return
    try:
        role = Role(role_name)
    except ValueError:
        await acknowledge(query, texts.OUTDATED_BUTTON, alert=True)
        return
    await acknowledge(query)
    await _create_invite(update, context, role)


async def _create_invite(update: Update, context: BotContext, role: Role) -> None:
    account = context.account
    chat = update.effective_chat
    if account is None or chat is None:
        return
    if not _may_grant(account, role):
        await context.bot.send_message(chat.id, texts.INVITE_ROLE_NOT_ALLOWED)
        return
    services = context.services
    now = services.clock.now()
    code = await services.users.create_invite(role, account.user_id, now)
    link = f"https://t.me/{context.bot.username}?start={code}"
    until = now + INVITE_TTL
    await context.bot.send_message(chat.id, render_team.invite_created(role, until, link))


async def list_users(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    users = await services.users.all()
    text = render_team.user_list(users, services.clock.timezone)
    await send(context.bot, chat.id, Reply(text))


async def remove_user(update: Update, context: BotContext) -> None:
    message = update.effective_message
    account = context.account
    if message is None or account is None:
        return
    args = context.args or []
    user_id = actions.number(args[0], signed=True) if len(args) == 1 else None
    if user_id is None:
        await message.reply_text(texts.REMOVE_USAGE)
        return
    services = context.services
    target = await services.users.get(user_id)
    if target is not None and target.is_lead and account.role is not Role.ADMIN:
        await message.reply_text(texts.REMOVE_NOT_ALLOWED)
        return
    if await services.users.remove(user_id):
        await message.reply_text(texts.REMOVE_DONE.format(user_id=user_id))
        if target is not None and target.is_lead:
            await menu.show(context, user_id, None)
    else:
        await message.reply_text(texts.REMOVE_UNKNOWN.format(user_id=user_id))
