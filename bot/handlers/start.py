"""/start: registration through an invitation link, then a short tour."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from bot.render import team as render_team
from bot.storage.users import Redeem, Role
from bot.telegram import menu
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

_REFUSALS = {
    Redeem.UNKNOWN: texts.INVITE_UNKNOWN,
    Redeem.USED: texts.INVITE_USED,
    Redeem.EXPIRED: texts.INVITE_EXPIRED,
    Redeem.TOO_MANY_ATTEMPTS: texts.INVITE_TOO_MANY,
}


async def start(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if context.account is not None:
        await message.reply_text(texts.START_REGISTERED)
        return
    code = (context.args or [""])[0]
    services = context.services
    redemption = await services.users.redeem(
        code, user.id, services.clock.now(), display_name=user.full_name
    )
    if redemption.result is not Redeem.OK or redemption.role is None:
        log.info("invite refused for %s: %s", user.id, redemption.result.value)
        await message.reply_text(_REFUSALS[redemption.result])
        return
    log.info("user %s registered as %s", user.id, redemption.role.value)
    await message.reply_text(render_team.welcome(user.first_name, redemption.role))
    await message.reply_text(texts.TOUR)
    if redemption.role is not Role.CASEWORKER:
        await menu.show(context, user.id, redemption.role)
