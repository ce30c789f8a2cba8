"""Settings: every one documented in .env.example, each invalid one named in one line."""

from __future__ import annotations

import re

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
