"""Webhook mode: with WEBHOOK_URL set, PTB's own webhook server receives the updates."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx

from bot import texts
from tests.botapi import FakeBotApiThread
from tests.e2e.conftest import ADMIN, BotProcess, Watch, new_user

SECRET = "webhook-secret-for-the-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_mode_registers_the_webhook_and_answers_posted_updates(
    fake_api: FakeBotApiThread, tmp_path: Path, watch: Watch
) -> None:
    port = free_port()
    bot = BotProcess(
        api=fake_api,
        workdir=tmp_path / "webhook-bot",
        settings={
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        },
    )
    watch.bots.append(bot)
    bot.workdir.mkdir(parents=True)
    bot.log_path = bot.workdir / "bot.log"
    with bot.log_path.open("wb") as log:
        bot.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=bot.environment(),
            cwd=bot.workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        registered = fake_api.wait_for_request("setWebhook", timeout=30)
        assert registered.params["url"] == "https://bot.example.org/telegram"
        assert registered.params["secret_token"] == SECRET
        stranger = new_user("Fremd")
        fake_api.add_user(stranger)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": stranger.id, "type": "private", "first_name": "Fremd"},
                "from": stranger.to_json(),
                "text": "polizei hausach",
            },
        }
        url = f"http://127.0.0.1:{port}/telegram"
        forged = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
        assert forged.status_code == 403  # without the secret, nothing is processed
        fake_api.add_user(ADMIN)
        update["message"]["from"] = ADMIN.to_json()  # type: ignore[index]
        update["message"]["chat"]["id"] = ADMIN.id  # type: ignore[index]
        accepted = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert accepted.status_code == 200
        [answer] = fake_api.wait_for_messages(ADMIN, 1, timeout=15)
        assert "Polizeirevier Haslach" in answer.plain_text
        assert fake_api.messages(stranger) == []
        assert texts.NOT_REGISTERED not in answer.plain_text
    finally:
        bot.stop()
