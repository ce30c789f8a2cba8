"""Every scheduled job of the bot, and the one place that schedules them.

The jobs only move things along; what they do is in Telegram-free modules (the outbox in
:mod:`bot.escalations.service`, reloading in :mod:`bot.knowledge.manager`, retention in the
stores).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application
from watchfiles import awatch

from bot import texts
from bot.config import Settings
from bot.knowledge import reports
from bot.render import Reply
from bot.render import knowledge as render_knowledge
from bot.telegram import deliver, menu
from bot.telegram.context import BotContext
from bot.telegram.io import send

log = logging.getLogger(__name__)

WATCH_STOP_KEY = "knowledge_watch_stop"
LEAD_CHAT_RETRY_SECONDS = 60


def schedule(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """At start-up (``post_init``): every job, and the knowledge watcher with KNOWLEDGE_WATCH."""
    jobs = application.job_queue
    if jobs is not None:
        jobs.run_once(menu.set_default_menu, when=0, name="command-menu")
        if settings.team_lead_chat_id is not None:
            jobs.run_once(check_lead_chat, when=0, name="check-lead-chat")
        jobs.run_daily(purge, time=dt.time(3, 0, tzinfo=settings.zone), name="retention")
        jobs.run_once(purge, when=5, name="retention-at-start")
        # The outbox is read at start, so alerts of a previous run are delivered now.
        jobs.run_repeating(outbox, interval=2, first=0, name="outbox")
        jobs.run_repeating(
            reminders, interval=settings.escalation_check_seconds, first=5, name="reminders"
        )
        jobs.run_daily(
            weekly_stale,
            time=dt.time(8, 0, tzinfo=settings.zone),
            days=(0,),  # Mondays
            name="stale-report",
        )
    if settings.knowledge_watch:
        stop = asyncio.Event()
        task = asyncio.get_running_loop().create_task(
            _watch_knowledge(application, settings, stop), name="watch-knowledge"
        )
        application.bot_data[WATCH_STOP_KEY] = (stop, task)


async def stop_watching(application: Application) -> None:  # type: ignore[type-arg]
    """``post_stop``: end the knowledge watcher."""
    watcher = application.bot_data.pop(WATCH_STOP_KEY, None)
    if watcher is not None:
        stop, task = watcher
        stop.set()
        await task


async def _watch_knowledge(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """KNOWLEDGE_WATCH: a change on disk schedules a reload (which keeps broken files out)."""
    async for _changes in awatch(settings.knowledge_dir, stop_event=stop, recursive=True):
        if application.job_queue is not None:
            application.job_queue.run_once(reload_knowledge, when=0, name="reload")


async def outbox(context: BotContext) -> None:
    """Every few seconds: deliver due alerts and notices (also after a restart)."""
    await deliver.deliver_now(context)


async def reminders(context: BotContext) -> None:
    """Every half minute: remind the leads of acute escalations nobody took."""
    if await context.services.escalations.schedule_reminders():
        await deliver.deliver_now(context)


async def check_lead_chat(context: BotContext) -> None:
    """At start: can the bot write to TEAM_LEAD_CHAT_ID? Network trouble: again later."""
    if not await deliver.check_lead_chat(context):
        jobs: Any = context.job_queue  # PTB types it for its default context class
        if jobs is not None:
            jobs.run_once(check_lead_chat, when=LEAD_CHAT_RETRY_SECONDS, name="check-lead-chat")


async def purge(context: BotContext) -> None:
    """Daily: delete questions and feedback older than the retention period."""
    services = context.services
    now = services.clock.now()
    deleted = await services.questions.purge(
        now - dt.timedelta(days=services.settings.question_retention_days)
    )
    await services.users.purge_attempts(now - dt.timedelta(days=1))
    erased = await services.escalations.erase_expired()
    log.info("retention: deleted %d logged questions, erased %d escalations", deleted, erased)


async def weekly_stale(context: BotContext) -> None:
    """Weekly: the stale list to the leads, when it is not empty."""
    services = context.services
    report = reports.stale(
        services.knowledge.knowledge, services.clock.today(), services.settings.stale_after_days
    )
    if not report:
        return
    text = render_knowledge.stale_list(report, services.settings.stale_after_days)
    for chat_id in await deliver.lead_chats(context):
        try:
            await send(context.bot, chat_id, Reply(text))
        except TelegramError:
            log.warning("could not send the stale report to %s", chat_id, exc_info=True)


async def reload_knowledge(context: BotContext) -> None:
    """With KNOWLEDGE_WATCH: pick up changes on disk; tell the leads once about breakage."""
    manager = context.services.knowledge
    outcome = await manager.reload_from_disk()
    if outcome.problems and manager.new_problems(outcome.problems):
        text = texts.RELOAD_BROKEN.format(problems=render_knowledge.problems(outcome.problems))
        for chat_id in await deliver.lead_chats(context):
            try:
                await send(context.bot, chat_id, Reply(text))
            except TelegramError:
                log.warning("could not tell %s about broken knowledge", chat_id, exc_info=True)
    elif outcome.changed and outcome.review is not None:
        manager.new_problems([])
        await deliver.announce_phone_changes(context, outcome.review)
