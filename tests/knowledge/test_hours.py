"""Open or closed now, with the holidays of Baden-Württemberg that only that state has."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge.hours import HolidayCalendar, HoursError, OpenState, check_hours, status
from tests.conftest import BERLIN

OFFICE = "Mo-Fr 08:00-16:00"
BW = HolidayCalendar("BW")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_open_on_a_weekday_until_the_afternoon() -> None:
    result = status(OFFICE, at("2026-11-25T10:30"), BW)
    assert result.state is OpenState.OPEN
    assert result.next_change == at("2026-11-25T16:00")


def test_closed_on_saturday_night_opens_monday_morning() -> None:
    result = status(OFFICE, at("2026-11-28T22:00"), BW)
    assert result.state is OpenState.CLOSED
    assert result.next_change == at("2026-11-30T08:00")


def test_state_only_holiday_is_closed_even_though_the_library_does_not_know_it() -> None:
    # Fronleichnam (Thursday 4 June 2026) is a holiday in BW but not in Berlin or Hamburg.
    result = status(OFFICE, at("2026-06-04T10:00"), BW)
    assert result.state is OpenState.CLOSED
    assert result.holiday == "Fronleichnam"
    assert result.next_change == at("2026-06-05T08:00")
    assert status(OFFICE, at("2026-06-04T10:00"), HolidayCalendar("HH")).state is OpenState.OPEN


def test_holiday_on_the_next_working_day_moves_the_opening() -> None:
    # Friday evening before Whit Monday (Pfingstmontag, 25 May 2026): opens Tuesday.
    result = status(OFFICE, at("2026-05-22T18:00"), BW)
    assert result.next_change == at("2026-05-26T08:00")


def test_round_the_clock_lines_stay_open_on_holidays() -> None:
    result = status("24/7", at("2026-12-25T03:00"), BW)
    assert result.state is OpenState.OPEN and result.next_change is None


@pytest.mark.parametrize("expression", ["Mo-Fx 08:00-16:00", "bis 16 Uhr", "Mo-Fr 25:00-26:00"])
def test_invalid_hours_are_rejected(expression: str) -> None:
    with pytest.raises(HoursError, match="keine gültige Öffnungszeit"):
        check_hours(expression)


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="Bundesland"):
        HolidayCalendar("XX")
