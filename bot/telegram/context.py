"""The typed callback context: handlers reach the shared services as ``context.services``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.services import Services
from bot.storage.users import Role, User

SERVICES_KEY = "services"
BROADCASTER_KEY = "broadcaster"
GUIDE_KEY = "guide"


@dataclass(frozen=True, slots=True)
class CommandGuide:
    """What each role is shown of the commands: the menu (name, description) and /hilfe.

    Built from the command table (:func:`bot.commands.guide`) when the Application is built.
    """

    menus: Mapping[Role, Sequence[tuple[str, str]]]
    help: Mapping[Role, str]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus typed access to the services created at start-up.

    PTB builds one context per update and passes it to every handler of that update, so the
    access gate stores the registered account here for the handlers after it.
    """

    account: User | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.get(SERVICES_KEY)
        if not isinstance(services, Services):
            raise RuntimeError("services are not initialised (post_init has not run)")
        return services

    @property
    def guide(self) -> CommandGuide:
        guide = self.bot_data.get(GUIDE_KEY)
        if not isinstance(guide, CommandGuide):
            raise RuntimeError("the command guide is not set (build_application has not run)")
        return guide

    @property
    def broadcaster(self) -> ExtBot[None]:
        """A second bot object with PTB's rate limiter, for messages to many people at once.

        Replies to questions do not go through it: they must not wait behind a broadcast.
        """
        bot = self.bot_data.get(BROADCASTER_KEY)
        return bot if isinstance(bot, ExtBot) else self.bot
