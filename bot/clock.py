"""The one source of "now" for every part of the bot.

Tests and demonstrations pin the time with ``CASEWORKER_BOT_NOW`` (an ISO date and time in the
configured timezone). The pinned clock moves on from that instant, so timeouts and jobs still
behave; it is never meant for production and the bot warns at start-up when it is set.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time in the configured timezone, optionally shifted to a pinned start."""

    def __init__(self, timezone: ZoneInfo, pinned: dt.datetime | None = None) -> None:
        self.timezone = timezone
        self._offset = dt.timedelta(0)
        if pinned is not None:
            if pinned.tzinfo is None:
                pinned = pinned.replace(tzinfo=timezone)
            self._offset = pinned - dt.datetime.now(tz=timezone)
        self.pinned = pinned

    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in the configured timezone."""
        return (dt.datetime.now(tz=self.timezone) + self._offset).astimezone(self.timezone)

    def advance(self, delta: dt.timedelta) -> None:
        """Move this clock on (demonstrations and tests of reminders and retention)."""
        self._offset += delta

    def today(self) -> dt.date:
        return self.now().date()

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()


def parse_local_datetime(text: str, timezone: ZoneInfo) -> dt.datetime:
    """Parse an ISO date-time; a naive one is read in ``timezone``."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone)
    return value.astimezone(timezone)
