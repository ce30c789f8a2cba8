"""Settings: every one documented in .env.example, each invalid one named in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_env_example_itself_is_a_valid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    settings = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert settings.telegram_bot_token is None  # empty values count as unset
    assert settings.timezone == "Europe/Berlin" and settings.admin_user_ids == []


def test_invalid_settings_are_reported_one_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("WEBHOOK_PORT", "99999")
    monkeypatch.setenv("ADMIN_USER_IDS", "12, 34")
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    lines = raised.value.lines
    assert len(lines) == 2
    assert lines[0].startswith("Einstellung ") and any("TIMEZONE" in line for line in lines)
    assert any("WEBHOOK_PORT" in line for line in lines)


def test_admin_ids_are_read_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "12, 34;56")
    assert load_settings(_env_file=None).admin_user_ids == [12, 34, 56]


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        # Each of these used to pass and then crash or hang the start after the database opened.
        ("ESCALATION_REMINDER_MINUTES", "inf", "muss eine endliche Zahl sein"),
        ("ESCALATION_REMINDER_MINUTES", "nan", "muss eine endliche Zahl sein"),
        ("ESCALATION_CHECK_SECONDS", "inf", "muss eine endliche Zahl sein"),
        ("CONVERSATION_TIMEOUT_SECONDS", "1e400", "muss eine endliche Zahl sein"),
        ("THROTTLE_RATE", "-inf", "muss eine endliche Zahl sein"),
        ("ESCALATION_REMINDER_MINUTES", "1e12", "darf höchstens 10080 sein"),
        ("QUESTION_RETENTION_DAYS", "99999999999", "darf höchstens 36500 sein"),
        ("ESCALATION_MAX_REMINDERS", "-1", "muss mindestens 0 sein"),
        ("WEBHOOK_PORT", "99999", "darf höchstens 65535 sein"),
        ("STALE_AFTER_DAYS", "viele", "muss eine ganze Zahl sein"),
        (
            "ADMIN_USER_IDS",
            "99999999999999999999",
            "99999999999999999999 ist keine Telegram-Nutzer-ID (positive Zahl)",
        ),
        ("ADMIN_USER_IDS", "0", "0 ist keine Telegram-Nutzer-ID (positive Zahl)"),
        ("TEAM_LEAD_CHAT_ID", "-99999999999999999999", "muss mindestens"),
        ("LOG_LEVEL", "VERBOSE", "unbekannte Stufe 'VERBOSE'"),
        # Without /bot, PTB would put the token into the URL as a path of its own.
        ("TELEGRAM_API_BASE_URL", "https://api.telegram.org/", "muss auf /bot enden"),
        ("TELEGRAM_API_FILE_URL", "https://api.telegram.org/file/", "muss auf /file/bot enden"),
        ("WEBHOOK_URL", "http://bot.example.org", "muss mit https:// beginnen"),
        ("WEBHOOK_SECRET", "kurz", "16 bis 256 Zeichen"),
    ],
)
def test_out_of_range_settings_are_one_german_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, line: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    [message] = raised.value.lines
    assert message.startswith(f"Einstellung {name}: ")
    assert line in message


def test_webhook_mode_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/caseworker")
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    [message] = raised.value.lines
    assert message.startswith("Einstellung WEBHOOK_SECRET: fehlt, WEBHOOK_URL braucht es")


def test_the_webhook_path_is_secret_and_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Derived from the secret: never /telegram, the same after a restart, another per secret."""
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/caseworker/")
    monkeypatch.setenv("WEBHOOK_SECRET", "a" * 32)
    first = load_settings(_env_file=None)
    assert first.webhook_path != "telegram" and len(first.webhook_path) >= 32
    assert "a" * 16 not in first.webhook_path  # the secret itself is not in the URL
    assert load_settings(_env_file=None).webhook_path == first.webhook_path
    assert first.webhook_endpoint == f"https://bot.example.org/caseworker/{first.webhook_path}"
    monkeypatch.setenv("WEBHOOK_SECRET", "b" * 32)
    assert load_settings(_env_file=None).webhook_path != first.webhook_path


UNIT = ROOT / "deploy" / "caseworker-bot.service"
UNIT_ENV = ROOT / "deploy" / "caseworker-bot.env.example"


def unit_lines() -> list[str]:
    return [
        line.strip()
        for line in UNIT.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_units_env_template_holds_only_what_the_operator_must_set() -> None:
    """No paths (they would override the unit's /var/lib paths), only real settings."""
    text = UNIT_ENV.read_text(encoding="utf-8")
    names = set(re.findall(r"^#?([A-Z_]+)=", text, re.M))
    settings = {name.upper() for name in Settings.model_fields}
    assert {"TELEGRAM_BOT_TOKEN", "ADMIN_USER_IDS", "TEAM_LEAD_CHAT_ID"} <= names
    assert {"WEBHOOK_URL", "WEBHOOK_SECRET"} <= names
    assert names <= settings | {"HTTPS_PROXY", "NO_PROXY"}
    assert not names & {"DATABASE_PATH", "KNOWLEDGE_DIR", "CASEWORKER_BOT_NOW"}


def test_the_unit_sets_absolute_paths_and_does_not_restart_for_settings_errors() -> None:
    lines = unit_lines()
    environment = dict(
        line.removeprefix("Environment=").split("=", 1)
        for line in lines
        if line.startswith("Environment=")
    )
    assert environment["DATABASE_PATH"].startswith("/var/lib/caseworker-bot/")
    assert environment["KNOWLEDGE_DIR"].startswith("/var/lib/caseworker-bot/")
    assert "WorkingDirectory=/var/lib/caseworker-bot" in lines  # relative paths land there
    assert "EnvironmentFile=/etc/caseworker-bot.env" in lines
    assert "RestartPreventExitStatus=2" in lines and "Restart=on-failure" in lines


def test_the_filled_in_template_with_the_units_paths_is_a_valid_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled = (
        UNIT_ENV.read_text(encoding="utf-8")
        .replace(
            "TELEGRAM_BOT_TOKEN=\n", "TELEGRAM_BOT_TOKEN=123456789:AAF-caseworker-test-token\n"
        )
        .replace("ADMIN_USER_IDS=\n", "ADMIN_USER_IDS=123456789\n")
        .replace("TEAM_LEAD_CHAT_ID=\n", "TEAM_LEAD_CHAT_ID=-1001234567890\n")
    )
    env_file = tmp_path / "caseworker-bot.env"
    env_file.write_text(filled, encoding="utf-8")
    monkeypatch.setenv("DATABASE_PATH", "/var/lib/caseworker-bot/caseworker-bot.sqlite3")
    settings = load_settings(_env_file=env_file)
    assert settings.admin_user_ids == [123456789] and settings.team_lead_chat_id == -1001234567890
    assert str(settings.database_path).startswith("/var/lib/caseworker-bot/")
    assert settings.webhook_url is None
