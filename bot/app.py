"""The one wiring place: builds the Application, creates the services, registers every handler.

Read this file to see the whole bot. Handlers only translate updates into calls on the
services (:mod:`bot.services`) and render replies; all logic lives in Telegram-free modules.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import actions, logs, texts
from bot.assistant import Assistant
from bot.commands import COMMANDS, command, guide, handler
from bot.config import Settings
from bot.escalations.service import BACKOFF_MAX
from bot.handlers import (
    access,
    buttons,
    cards,
    escalation,
    escalation_leads,
    knowledge_edit,
    knowledge_files,
    location,
    questions,
)
from bot.handlers.access import guarded
from bot.render.answers import semantic_off_notice
from bot.services import Services, StartupError, create_services, load_assistant
from bot.storage.users import Role
from bot.telegram import errors, jobs
from bot.telegram.context import BROADCASTER_KEY, GUIDE_KEY, SERVICES_KEY, BotContext
from bot.telegram.processor import PerUserUpdateProcessor
from bot.telegram.request import AiohttpRequest, Connectivity

log = logging.getLogger(__name__)

# Our conversations mix buttons and typed answers per user and chat, on purpose (PTB FAQ).
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

CONNECTIVITY_KEY = "connectivity"
REQUESTS_KEY = "requests"
# Updates handled at once: enough to overlap Telegram round trips; more only holds more
# updates half-done in memory. Updates waiting for their person's turn do not count.
MAX_CONCURRENT_UPDATES = 16


def build_application(settings: Settings, assistant: Assistant) -> Application:  # type: ignore[type-arg]
    """The configured Application; the database opens in ``post_init`` (inside the loop)."""
    assert settings.telegram_bot_token
    # One view of "can Telegram be reached" for every request: one log line per change.
    # Polling tries again within 30 s; in webhook mode the outbox's backoff is the limit.
    retry = "30 s" if not settings.webhook_url else f"{BACKOFF_MAX.seconds // 60} min"
    connectivity = Connectivity(retry)
    requests = [
        AiohttpRequest(connection_pool_size=MAX_CONCURRENT_UPDATES + 4, connectivity=connectivity),
        AiohttpRequest(connection_pool_size=1, connectivity=connectivity),
    ]
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerUserUpdateProcessor(max_running=MAX_CONCURRENT_UPDATES))
        # aiohttp instead of PTB's default httpx: about half the CPU per Bot API call.
        .request(requests[0])
        .get_updates_request(requests[1])
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=settings.zone,
            )
        )
        .post_init(_post_init(settings, assistant))
        .post_stop(jobs.stop_watching)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[CONNECTIVITY_KEY] = connectivity
    application.bot_data[REQUESTS_KEY] = requests
    register_handlers(application, settings)
    return application


def register_handlers(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    timeout = settings.conversation_timeout_seconds
    application.bot_data[GUIDE_KEY] = guide()
    # Group -1: the access gate runs before everything and stops strangers.
    application.add_handler(TypeHandler(Update, access.gate), group=-1)
    application.add_handlers(
        [
            # Conversations first: each claims its own steps' messages and buttons.
            escalation.conversation(timeout, handler(command("eskalation"))),
            knowledge_edit.conversation(timeout, handler(command("bearbeiten"))),
            # Every other command, from the table (role checked at registration).
            *(handler(row) for row in COMMANDS if row.callback and not row.conversation),
            CallbackQueryHandler(
                escalation_leads.button,
                pattern=actions.pattern(
                    actions.ESC_TAKE,
                    actions.ESC_DONE,
                    actions.ESC_SHOW,
                    actions.ESC_LIST,
                    actions.ESC_EXPORT,
                    required=True,
                ),
            ),
            CallbackQueryHandler(
                guarded(knowledge_files.upload_decided, Role.LEAD),
                pattern=actions.pattern(actions.UPLOAD, required=True),
            ),
            # Emergency card in the client's language (issue 14): its buttons.
            CallbackQueryHandler(cards.button, pattern=cards.BUTTON_PATTERN),
            MessageHandler(filters.Document.ALL, guarded(knowledge_files.upload, Role.LEAD)),
            # Shared locations (issue 14): the consent button and the location itself.
            CallbackQueryHandler(
                location.save_place, pattern=actions.pattern(actions.SAVE_LOCATED, required=True)
            ),
            MessageHandler(
                filters.LOCATION & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE,
                location.shared,
            ),
            CallbackQueryHandler(buttons.button),
            MessageHandler(
                filters.REPLY & filters.TEXT & ~filters.COMMAND, escalation_leads.reply_or_question
            ),
            MessageHandler(filters.TEXT & ~filters.COMMAND, questions.question),
        ]
    )
    # After the emergency menu (group 0), the one-tap location button (issue 14).
    application.add_handler(
        CommandHandler(command("notfall").name, location.offer, filters=filters.ChatType.PRIVATE),
        group=1,
    )
    application.add_error_handler(errors.on_error)


def _post_init(
    settings: Settings, assistant: Assistant
) -> Callable[[Application], Coroutine[Any, Any, None]]:  # type: ignore[type-arg]
    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        services = await create_services(settings, assistant)
        application.bot_data[SERVICES_KEY] = services
        if services.clock.pinned is not None:
            log.warning(
                "CASEWORKER_BOT_NOW is set: the clock starts at %s (tests only, never in "
                "production)",
                services.clock.pinned.isoformat(),
            )
        jobs.schedule(application, settings)
        # Broadcasts (e.g. a changed emergency number) go through PTB's rate limiter.
        connectivity = application.bot_data[CONNECTIVITY_KEY]
        broadcaster = ExtBot(
            token=application.bot.token,
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_api_file_url,
            defaults=application.bot.defaults,
            rate_limiter=AIORateLimiter(max_retries=3),
            request=AiohttpRequest(connection_pool_size=8, connectivity=connectivity),
            get_updates_request=AiohttpRequest(connection_pool_size=1, connectivity=connectivity),
        )
        await broadcaster.initialize()
        application.bot_data[BROADCASTER_KEY] = broadcaster
        log.info(
            "serving %d entries (knowledge %s) as @%s",
            len(services.assistant.knowledge.entries),
            services.assistant.knowledge.version,
            application.bot.username,
        )
        if assistant.meaning is not None and not assistant.semantic_ready:
            log.warning(
                "semantic search pending: the knowledge is being embedded in the background; "
                "answering lexically meanwhile"
            )
        if assistant.semantic_problem:
            await _tell_admins(
                application, settings, semantic_off_notice(assistant.semantic_problem)
            )

    return post_init


async def _tell_admins(application: Application, settings: Settings, text: str) -> None:  # type: ignore[type-arg]
    """A start-up notice to every admin's private chat; an admin who cannot be reached is logged."""
    for admin in settings.admin_user_ids:
        try:
            await application.bot.send_message(admin, text)
        except TelegramError as exc:
            log.warning("admin %s not told at start-up: %s", admin, exc)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    broadcaster = application.bot_data.get(BROADCASTER_KEY)
    if isinstance(broadcaster, ExtBot):
        await broadcaster.shutdown()
    services = application.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        await services.close()


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM: long polling, or PTB's webhook server with WEBHOOK_URL.

    Every failure to start is a :class:`~bot.services.StartupError` with one line (and the
    exit code for the command line), never a traceback: broken knowledge, an unusable
    database, a token Telegram rejects (exit code 2), anything else that stops the start.
    """
    assistant = load_assistant(settings, settings.clock())
    application = build_application(settings, assistant)
    try:
        if settings.webhook_url:
            # The path is derived from the secret, and PTB's webhook server answers 403 to
            # every request without the secret header: nobody who merely finds the server
            # can post updates in anybody's name.
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_endpoint,
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
                close_loop=False,
            )
        else:
            application.run_polling(
                allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1, close_loop=False
            )
    except InvalidToken:
        raise StartupError(texts.TOKEN_REJECTED, exit_code=2) from None
    except StartupError:
        raise
    except Exception as exc:
        log.debug("start-up failed", exc_info=True)
        reason = logs.redact(f"{type(exc).__name__}: {exc}", settings.secrets())
        raise StartupError(texts.STARTUP_FAILED.format(reason=reason)) from None
    finally:
        _close(application)


def _close(application: Application) -> None:  # type: ignore[type-arg]
    """Close our HTTP sessions and the loop. PTB shuts the bot's requests down only when
    it got as far as initialising them all (not when getMe failed, e.g. a wrong token)."""
    loop = asyncio.get_event_loop()
    requests: list[AiohttpRequest] = application.bot_data.get(REQUESTS_KEY, [])
    loop.run_until_complete(asyncio.gather(*(r.shutdown() for r in requests)))
    loop.close()
