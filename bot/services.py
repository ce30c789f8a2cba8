"""The shared services of a running bot, created once at start-up.

Handlers reach them through ``context.services`` (see :class:`bot.app.BotContext`); nothing
here knows about Telegram, so the CLI and the tests build the very same objects.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.assistant import EMBED_NOW_LIMIT, Assistant
from bot.clock import Clock
from bot.config import Settings
from bot.escalations.service import EscalationService, EscalationSettings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.manager import KnowledgeManager
from bot.render.answers import Renderer
from bot.search.classifiers import DANGER_MODEL, SCOPE_MODEL, load_classifier
from bot.search.crosslingual import load_subspace
from bot.search.embedding import load_embedder
from bot.search.engine import Engine, MeaningSource
from bot.search.vectors import VectorCache
from bot.storage.database import Database, StorageError
from bot.storage.questions import QuestionLog
from bot.storage.revisions import RevisionStore
from bot.storage.users import Role, UserStore
from bot.throttle import Throttle

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The bot cannot start; the message says why in one line.

    ``exit_code`` 2 means "fix the configuration" (a wrong token, an invalid setting):
    systemd does not restart the service for it (``RestartPreventExitStatus=2``); 1 is
    anything else, which a restart may cure (a full disk, a network file system back).
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Services:
    settings: Settings
    clock: Clock
    assistant: Assistant
    renderer: Renderer
    db: Database
    users: UserStore
    questions: QuestionLog
    escalations: EscalationService
    knowledge: KnowledgeManager[Engine]
    throttle: Throttle

    async def close(self) -> None:
        await self.db.close()


def _vectors_path(settings: Settings, create_folder: bool) -> Path:
    """The configured vector cache; for a one-shot command whose data folder does not exist
    (run from another directory), the user's cache folder instead of a new folder here."""
    path = settings.vectors_path()
    if create_folder or path.parent.is_dir():
        return path
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "caseworker-bot" / "vectors.sqlite3"


def semantic_stage(
    settings: Settings, *, create_folder: bool = True
) -> tuple[MeaningSource | None, str | None]:
    """The semantic stage as configured, or ``None`` and why (never raises: the bot starts
    on the lexical engine if the embedder cannot run here). ``create_folder``: whether the
    vector cache may create its folder (the bot and the console may, one-shot commands not)."""
    loaded = load_embedder(settings.embedder, settings.query_vector_cache)
    if loaded.embedder is None:
        return None, loaded.problem
    model_id = loaded.embedder.model_id
    source = MeaningSource(
        loaded.embedder,
        VectorCache(_vectors_path(settings, create_folder)),
        load_classifier(model_id, DANGER_MODEL),
        load_subspace(model_id),
        load_classifier(model_id, SCOPE_MODEL),
    )
    return source, None


def load_assistant(settings: Settings, clock: Clock, *, wait: bool = False) -> Assistant:
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
    meaning, unavailable = semantic_stage(settings)
    return Assistant(
        result.knowledge,
        clock,
        settings.calendar(),
        meaning,
        unavailable,
        embed_now=None if wait else EMBED_NOW_LIMIT,
    )


async def create_services(settings: Settings, assistant: Assistant) -> Services:
    """Open the database and assemble the services around an already loaded assistant."""
    try:
        db = await Database.open(settings.database_path)
    except (StorageError, OSError, sqlite3.Error) as exc:
        raise StartupError(f"Datenbank {settings.database_path} nicht nutzbar: {exc}") from exc
    try:
        return await _assemble(settings, assistant, db)
    except BaseException as exc:
        # Closed on every failure: an open connection's thread would keep the process alive
        # after the start failed, and systemd would never restart it.
        await db.close()
        if isinstance(exc, (StorageError, OSError, sqlite3.Error)):
            raise StartupError(
                f"Datenbank {settings.database_path} nicht beschreibbar: {exc}"
            ) from exc
        raise


async def _assemble(settings: Settings, assistant: Assistant, db: Database) -> Services:
    clock = assistant.clock
    users = UserStore(db, frozenset(settings.admin_user_ids))
    await users.ensure_admins(clock.now())

    async def recipients() -> tuple[list[int], list[int]]:
        leads = await users.with_role_at_least(Role.LEAD)
        return [u.user_id for u in leads], [u.user_id for u in leads if u.role is Role.ADMIN]

    knowledge = KnowledgeManager(
        settings.knowledge_dir, assistant, RevisionStore(db), clock, settings.stale_after_days
    )
    for revision in await knowledge.recover():
        log.warning("knowledge revision %s was interrupted by a crash; settled", revision.id)
    escalations = EscalationService(
        db,
        clock,
        EscalationSettings(
            lead_chat_id=settings.team_lead_chat_id,
            reminder_after=dt.timedelta(minutes=settings.escalation_reminder_minutes),
            max_reminders=settings.escalation_max_reminders,
            retention=dt.timedelta(days=settings.escalation_retention_days),
        ),
        recipients,
    )
    return Services(
        settings=settings,
        clock=clock,
        assistant=assistant,
        renderer=Renderer(assistant, settings.stale_after_days, can_escalate=True),
        db=db,
        users=users,
        questions=QuestionLog(db),
        escalations=escalations,
        knowledge=knowledge,
        throttle=Throttle(settings.throttle_rate, settings.throttle_burst),
    )
