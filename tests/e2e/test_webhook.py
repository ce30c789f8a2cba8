"""Webhook mode: with WEBHOOK_URL set, PTB's own webhook server receives the updates."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx

from fakebotapi import FakeBotApiThread, User
from tests.e2e.conftest import ADMIN, BotProcess, Watch, run_bot

SECRET = "webhook-secret-for-the-test"
PUBLIC = "https://bot.example.org/caseworker"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_webhook_bot(api: FakeBotApiThread, workdir: Path, port: int, watch: Watch) -> BotProcess:
    bot = BotProcess(
        api=api,
        workdir=workdir,
        settings={
            "WEBHOOK_URL": PUBLIC,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        },
    )
    watch.bots.append(bot)
    return bot.spawn()  # in webhook mode it never long-polls


def message_update(update_id: int, user: User, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.to_json(),
            "text": text,
        },
    }


def test_webhook_mode_registers_a_secret_path_and_refuses_forged_updates(
    fake_api: FakeBotApiThread, tmp_path: Path, watch: Watch
) -> None:
    """The webhook URL ends in a path derived from the secret (never /telegram); a POST
    without the secret header, with a wrong one, or to /telegram changes nothing, even
    when it claims to come from the admin; the real one is answered."""
    port = free_port()
    bot = start_webhook_bot(fake_api, tmp_path / "webhook-bot", port, watch)
    try:
        registered = fake_api.wait_for_request("setWebhook", timeout=30)
        url = str(registered.params["url"])
        assert url.startswith(PUBLIC + "/") and url != PUBLIC + "/telegram"
        path = url.removeprefix(PUBLIC)
        assert len(path) > 30 and SECRET not in url
        assert registered.params["secret_token"] == SECRET
        fake_api.add_user(ADMIN)
        local = f"http://127.0.0.1:{port}"
        forged = [
            httpx.post(local + path, json=message_update(1, ADMIN, "/wissen")),
            httpx.post(
                local + path,
                json=message_update(2, ADMIN, "/wissen"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "x" * 32},
            ),
            httpx.post(
                local + "/telegram",
                json=message_update(3, ADMIN, "/wissen"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ),
        ]
        assert [r.status_code for r in forged] == [403, 403, 404]
        accepted = httpx.post(
            local + path,
            json=message_update(4, ADMIN, "polizei hausach"),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert accepted.status_code == 200
        [answer] = fake_api.wait_for_messages(ADMIN, 1, timeout=15)
        assert "Polizeirevier Haslach" in answer.plain_text  # the first answer: no /wissen
        fake_api.assert_no_new_messages(ADMIN, within=1.0)
        assert SECRET not in bot.log()
    finally:
        bot.stop()


def test_webhook_mode_without_a_secret_does_not_start(
    fake_api: FakeBotApiThread, tmp_path: Path
) -> None:
    """WEBHOOK_URL without WEBHOOK_SECRET: one line, exit 2, no webhook registered."""
    result = run_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        TELEGRAM_API_FILE_URL=fake_api.base_file_url,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        WEBHOOK_URL=PUBLIC,
        WEBHOOK_PORT=str(free_port()),
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Einstellung WEBHOOK_SECRET: fehlt")
    assert fake_api.requests_for("setWebhook") == []
    assert not (tmp_path / "bot.sqlite3").exists()
