"""The shared services of a running bot, created once at start-up.

Handlers reach them through ``context.services`` (see :class:`bot.app.BotContext`); nothing
here knows about Telegram, so the CLI and the tests build the very same objects.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from bot.assistant import Assistant
from bot.clock import Clock
from bot.config import Settings
from bot.knowledge.loader import load_knowledge
from bot.render import Renderer
from bot.storage.database import Database, StorageError
from bot.storage.questions import QuestionLog
from bot.storage.users import UserStore

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The bot cannot start; the message says why in one line."""


@dataclass
class Services:
    settings: Settings
    clock: Clock
    assistant: Assistant
    renderer: Renderer
    db: Database
    users: UserStore
    questions: QuestionLog

    async def close(self) -> None:
        await self.db.close()


def load_assistant(settings: Settings, clock: Clock) -> Assistant:
    """The assistant over the configured knowledge; refuses to start on broken knowledge."""
    result = load_knowledge(
        settings.knowledge_dir, today=clock.today(), stale_after_days=settings.stale_after_days
    )
    if result.knowledge is None:
        for problem in result.errors:
            log.error("%s", problem)
        raise StartupError(
            f"Wissen in {settings.knowledge_dir} ist fehlerhaft ({len(result.errors)} Fehler); "
            "'caseworker-bot validate' zeigt alle."
        )
    return Assistant(result.knowledge, clock, settings.calendar())


async def create_services(
    settings: Settings, assistant: Assistant, *, can_escalate: bool = False
) -> Services:
    """Open the database and assemble the services around an already loaded assistant."""
    clock = assistant.clock
    try:
        db = await Database.open(settings.database_path)
    except (StorageError, OSError, sqlite3.Error) as exc:
        raise StartupError(f"Datenbank {settings.database_path} nicht nutzbar: {exc}") from exc
    users = UserStore(db, frozenset(settings.admin_user_ids))
    await users.ensure_admins(clock.now())
    return Services(
        settings=settings,
        clock=clock,
        assistant=assistant,
        renderer=Renderer(assistant, settings.stale_after_days, can_escalate=can_escalate),
        db=db,
        users=users,
        questions=QuestionLog(db),
    )
