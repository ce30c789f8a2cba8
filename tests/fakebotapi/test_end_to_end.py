"""Whole bots on the fake server: a PTB application in process, a bot subprocess, the asyncio
server without its thread, and the thread wrapper under concurrent writers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fakebotapi import BotMessage, FakeBotApi, FakeBotApiThread, User, WaitTimeout
from tests.fakebotapi.conftest import ANNA


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_html(
        "<b>Willkommen!</b> Womit kann ich helfen?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Polizei", callback_data="p")]]),
    )


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text(f"Auswahl: {query.data}")


def _scenario(api: FakeBotApiThread) -> None:
    """The synchronous side, exactly as a subprocess end-to-end test would do it."""
    api.wait_until_polling(timeout=5)
    api.send_text(ANNA, "polizei hausach")
    [echo] = api.wait_for_messages(ANNA.id, timeout=5)
    assert echo.text == "polizei hausach"

    api.send_text(ANNA, "/start")
    [welcome] = api.wait_for_messages(ANNA.id, timeout=5)
    assert welcome.plain_text == "Willkommen! Womit kann ich helfen?"
    query_id = api.press_button(ANNA, welcome, label="Polizei")
    assert api.wait_for_callback_answer(query_id, timeout=5).text == "OK"
    edited = api.wait_for_edit(welcome, timeout=5)
    assert edited.plain_text == "Auswahl: p" and edited.buttons == []
    api.wait_until_consumed(timeout=5)
    api.assert_no_new_messages(ANNA.id, within=0.2)
    with pytest.raises(WaitTimeout, match="1 new bot message"):
        api.wait_for_messages(ANNA.id, timeout=0.2)


def test_application_end_to_end_in_process(api: FakeBotApiThread) -> None:
    async def main() -> None:
        application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("start", _start))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        application.add_handler(CallbackQueryHandler(_button))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(timeout=2, poll_interval=0)
            try:
                await asyncio.to_thread(_scenario, api)
            finally:
                await application.updater.stop()
                await application.stop()

    asyncio.run(main())
    assert api.requests_for("deleteWebhook")  # PTB's bootstrap
    assert api.pending_updates == 0


BOT_SCRIPT = textwrap.dedent(
    """
    import html, os
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = html.escape(update.message.text)
        await update.message.reply_html("Du schreibst: <i>" + text + "</i>")

    app = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .base_file_url(os.environ["BOT_API_BASE_FILE_URL"])
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(timeout=1, poll_interval=0)
    """
)


def test_bot_subprocess_end_to_end(api: FakeBotApiThread, tmp_path: Path) -> None:
    script = tmp_path / "bot.py"
    script.write_text(BOT_SCRIPT)
    env = {
        **os.environ,
        "BOT_TOKEN": api.token,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_BASE_FILE_URL": api.base_file_url,
    }
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.PIPE)
    try:
        api.wait_until_polling(timeout=15)
        api.send_text(ANNA, "<script> & co")
        [reply] = api.wait_for_messages(ANNA.id, timeout=5)
        assert reply.plain_text == "Du schreibst: <script> & co"
        assert reply.entities[0]["type"] == "italic"
        api.wait_until_consumed(timeout=5)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr.decode()


def test_async_server_without_thread() -> None:
    async def main() -> None:
        async with FakeBotApi(bot_username="other_bot") as api:
            api.add_user(ANNA)
            async with Bot(api.token, base_url=api.base_url) as bot:
                assert bot.username == "other_bot"
                sender = asyncio.create_task(bot.send_message(ANNA.id, "async"))
                [msg] = await api.wait_for_messages_async(ANNA.id, timeout=2)
                await sender
                assert isinstance(msg, BotMessage) and msg.plain_text == "async"
                with pytest.raises(RuntimeError, match="_async"):
                    api.wait_for_messages(ANNA.id, timeout=0.1)

    asyncio.run(main())


def test_thread_wrapper_is_thread_safe(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    users = [User(2000 + i, f"U{i}") for i in range(8)]

    def writer(user: User) -> None:
        for i in range(10):
            api.send_text(user, f"m{i}")

    threads = [threading.Thread(target=writer, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [u["update_id"] for u in api.updates]
    assert len(ids) == 80 and ids == sorted(ids) and len(set(ids)) == 80
    assert api.pending_updates == 80
