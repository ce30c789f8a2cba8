"""Opening hours: parsing with ``opening-hours-py`` and holidays with ``holidays``.

The ``opening_hours`` library does not know the holidays that only one German state has
(Fronleichnam, Allerheiligen in Baden-Württemberg, …). So we never let it decide about public
holidays: on a holiday of the configured state every contact is closed, whatever its
expression says, unless it is open around the clock (``24/7``), as emergency lines are.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from opening_hours import OpeningHours, State

_LOOKAHEAD = dt.timedelta(days=21)


class HoursError(ValueError):
    """The text is not valid OpenStreetMap ``opening_hours`` syntax."""


class OpenState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Status:
    """Open or closed at ``at``; ``next_change`` is when that changes (None: not within weeks)."""

    state: OpenState
    next_change: dt.datetime | None
    holiday: str | None = None


def check_hours(expression: str) -> None:
    """Raise :class:`HoursError` with the parser's explanation when ``expression`` is invalid."""
    try:
        OpeningHours(expression)
    except Exception as exc:  # the library raises its own ParserError type
        message = " ".join(str(exc).split())
        raise HoursError(f"'{expression}' ist keine gültige Öffnungszeit: {message}") from exc


class HolidayCalendar:
    """Public holidays of one German state (``BW`` by default), names in German."""

    def __init__(self, region: str = "BW") -> None:
        states = sorted(s for s in holidays.country_holidays("DE").subdivisions if len(s) == 2)
        if region not in states:
            raise ValueError(
                f"unbekanntes Bundesland '{region}', erwartet eines von {', '.join(states)}"
            )
        self.region = region
        self._holidays = holidays.country_holidays("DE", subdiv=region, language="de")

    def name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)


@lru_cache(maxsize=4096)
def _compiled(expression: str, timezone: ZoneInfo) -> OpeningHours:
    return OpeningHours(expression, timezone=timezone)


def _always_open(expression: str) -> bool:
    return expression.replace(" ", "").lower() in {"24/7", "24/7open", "mo-su00:00-24:00"}


def status(expression: str, at: dt.datetime, calendar: HolidayCalendar) -> Status:
    """The state of ``expression`` at ``at`` with holidays applied, and its next change."""
    timezone = at.tzinfo
    if not isinstance(timezone, ZoneInfo):
        raise ValueError("status() needs a datetime with a ZoneInfo timezone")
    # Through UTC: a wall-clock time that does not exist (02:30 when the clocks go forward)
    # becomes the real instant it stands for.
    at = at.astimezone(dt.UTC).astimezone(timezone)
    if _always_open(expression):
        return Status(OpenState.OPEN, None)
    oh = _compiled(expression, timezone)
    segments = _segments(oh, at, calendar)
    current = segments[0][1]
    holiday = calendar.name(at.date())
    for start, state in segments[1:]:
        if state is not current:
            return Status(current, start, holiday)
    return Status(current, None, holiday)


def _segments(
    oh: OpeningHours, at: dt.datetime, calendar: HolidayCalendar
) -> list[tuple[dt.datetime, OpenState]]:
    """(start, state) pieces from ``at`` on, split at midnight, with holidays closed."""
    timezone = at.tzinfo
    assert isinstance(timezone, ZoneInfo)
    limit = at + _LOOKAHEAD
    pieces: list[tuple[dt.datetime, OpenState]] = []
    for start, end, state, _comment in oh.intervals(at, limit):
        start = max(start.astimezone(timezone), at)
        end = limit if end is None else min(end.astimezone(timezone), limit)
        while start < end:
            midnight = dt.datetime.combine(
                start.date() + dt.timedelta(days=1), dt.time(), tzinfo=timezone
            )
            piece_end = min(end, midnight)
            effective = _state(state)
            if calendar.name(start.date()) is not None:
                effective = OpenState.CLOSED
            pieces.append((start, effective))
            start = piece_end
        if end >= limit:
            break
    return pieces or [(at, OpenState.UNKNOWN)]


def _state(state: State) -> OpenState:
    if state == State.OPEN:
        return OpenState.OPEN
    if state == State.CLOSED:
        return OpenState.CLOSED
    return OpenState.UNKNOWN
