"""Starting and stopping: the command menu, refusals to start, a clean exit on SIGTERM."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import texts
from bot.commands import menu
from bot.storage.users import Role
from fakebotapi import FakeBotApiThread
from tests.conftest import MINIMAL, SHIPPED_KNOWLEDGE, write_files
from tests.e2e.conftest import ADMIN, BotProcess, Watch, clean_environment, new_user, run_bot


def test_command_menu_is_set_at_startup(shared_bot: BotProcess) -> None:
    """setMyCommands with the German descriptions, in the order of the command table; the
    menu for everyone holds no lead command (leads get theirs in their chat)."""
    commands = shared_bot.api.commands()
    assert [(c["command"], c["description"]) for c in commands] == menu(Role.CASEWORKER)
    names = {c["command"] for c in commands}
    assert {"notfall", "themen", "ort", "hilfe", "eskalation"} <= names
    assert not {"einladen", "nutzer", "entfernen", "bearbeiten", "export"} & names
    assert dict(menu(Role.CASEWORKER))["notfall"] == "Notfallkontakte, ein Tipp"


def test_a_lead_gets_the_lead_menu_in_their_chat(shared_bot: BotProcess) -> None:
    """A lead registered by invitation sees the lead commands in their own chat's menu;
    removed again, the chat falls back to the menu for everyone."""
    lead = new_user("Menu", "Leitung")
    shared_bot.register(lead, role="lead")
    shared_bot.sync(lead)
    scope = {"type": "chat", "chat_id": lead.id}
    menu_of_lead = shared_bot.api.commands(scope)
    assert [(c["command"], c["description"]) for c in menu_of_lead] == menu(Role.LEAD)
    assert {"einladen", "nutzer", "entfernen", "bearbeiten"} <= {c["command"] for c in menu_of_lead}
    [done] = shared_bot.ask(ADMIN, f"/entfernen {lead.id}")
    assert done.plain_text == texts.REMOVE_DONE.format(user_id=lead.id)
    shared_bot.sync(ADMIN)
    assert shared_bot.api.commands(scope) == []


def test_sigterm_stops_the_bot_cleanly(launch_bot: Callable[..., BotProcess]) -> None:
    """A running bot exits with status 0 on SIGTERM (also checked after every journey)."""
    bot = launch_bot()
    assert bot.running
    bot.stop()
    assert bot.process is not None and bot.process.returncode == 0
    assert "Traceback" not in bot.log()


def test_run_without_token_and_terminal_exits_2(tmp_path: Path) -> None:
    """No token, no terminal: one line pointing to @BotFather, status 2."""
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [texts.RUN_NO_TOKEN]
    assert "BotFather" in result.stderr


def test_invalid_setting_is_one_clear_line(tmp_path: Path) -> None:
    """TIMEZONE=Mars/Olympus: "Einstellung TIMEZONE: ...", no traceback, non-zero status."""
    result = run_bot(tmp_path, TELEGRAM_BOT_TOKEN="123:abc", TIMEZONE="Mars/Olympus")
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "Einstellung TIMEZONE: unbekannte Zeitzone 'Mars/Olympus', z. B. Europe/Berlin"
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_knowledge_exits_1_naming_file_and_line(tmp_path: Path) -> None:
    """Knowledge with an error: the bot does not start, status 1, FILE:LINE in the output."""
    knowledge = write_files(tmp_path / "knowledge", MINIMAL)
    entries = knowledge / "entries.yaml"
    entries.write_text(
        entries.read_text(encoding="utf-8").replace("category: behoerden", "category: unbekannt"),
        encoding="utf-8",
    )
    line = next(
        n
        for n, text in enumerate(entries.read_text(encoding="utf-8").splitlines(), 1)
        if "category: unbekannt" in text
    )
    result = run_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456789:AAF-caseworker-test-token",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        KNOWLEDGE_DIR=str(knowledge),
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{entries}:{line}:" in output
    assert "unbekannt" in output
    assert "Traceback" not in output


def fake_api_settings(api: FakeBotApiThread, workdir: Path, **settings: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_PATH": str(workdir / "bot.sqlite3"),
        "KNOWLEDGE_DIR": str(SHIPPED_KNOWLEDGE),
        **settings,
    }


def test_a_wrong_token_is_one_german_line_and_exit_2(
    fake_api: FakeBotApiThread, tmp_path: Path, watch: Watch
) -> None:
    """Telegram answers 401 to getMe: one line naming the setting, exit 2 (systemd does not
    restart for it), no traceback, and the token appears nowhere."""
    watch.expected_refusals.append(lambda r: r.method == "getMe" and r.status == 401)
    wrong = "123456789:AAF-this-token-was-revoked-long-ago"
    result = run_bot(tmp_path, **fake_api_settings(fake_api, tmp_path, TELEGRAM_BOT_TOKEN=wrong))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [texts.TOKEN_REJECTED]
    assert "AAF-this-token" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("ADMIN_USER_IDS", "99999999999999999999"), ("ESCALATION_REMINDER_MINUTES", "inf")],
)
def test_settings_that_used_to_hang_the_start_exit_2(
    fake_api: FakeBotApiThread, tmp_path: Path, name: str, value: str
) -> None:
    """These passed the settings, then failed after the database was open and the process
    hung (no exit, so no restart either). Now: one line, exit 2, nothing contacted."""
    result = run_bot(tmp_path, **fake_api_settings(fake_api, tmp_path, **{name: value}))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Einstellung {name}: ")
    assert fake_api.requests == []


def test_a_write_failing_after_the_database_opened_exits_with_one_line(
    fake_api: FakeBotApiThread, tmp_path: Path
) -> None:
    """Registering the configured admin fails (as on a full disk) after the database opened:
    one line naming the database, exit 1 (systemd restarts), no traceback, no hang."""
    settings = fake_api_settings(fake_api, tmp_path, ADMIN_USER_IDS="4711")
    database = tmp_path / "bot.sqlite3"
    listed = subprocess.run(
        [sys.executable, "-m", "bot", "users", "list"],
        env=clean_environment(**settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    connection = sqlite3.connect(database)
    connection.execute(  # every new registration fails the way a full disk makes it fail
        "CREATE TRIGGER full_disk BEFORE INSERT ON users "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    connection.commit()
    connection.close()
    result = run_bot(tmp_path, **settings)  # the 60 s timeout catches a hang
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1:] == [
        f"Datenbank {database} nicht beschreibbar: database or disk is full"
    ]
    assert "Traceback" not in result.stdout + result.stderr
