"""Open or closed now, with the holidays of Baden-Württemberg that only that state has."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge.hours import (
    HolidayCalendar,
    HoursError,
    OpenState,
    check_hours,
    german_hours,
    normalise_hours,
    overlaps,
    status,
)
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


# -- the forms a German team lead writes ------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Mo–Fr 9–12 Uhr", "Mo-Fr 09:00-12:00"),
        ("Mo-Fr 9:00-12:00 und 14-16 Uhr", "Mo-Fr 09:00-12:00,14:00-16:00"),
        ("Mo-Do 08:00-16:00; Fr 08:00-12:00", "Mo-Th 08:00-16:00; Fr 08:00-12:00"),
        ("Mo, Mi, Fr 9–14 Uhr; Di, Do 15–20 Uhr", "Mo,We,Fr 09:00-14:00; Tu,Th 15:00-20:00"),
        ("Montag bis Freitag von 9 bis 12 Uhr", "Mo-Fr 09:00-12:00"),
        ("Mo. – Fr. 9.30 – 12.00 Uhr", "Mo-Fr 09:30-12:00"),
        ("Mo-Fr: 8-16 Uhr, Sa 10-12 Uhr", "Mo-Fr 08:00-16:00; Sa 10:00-12:00"),
        ("täglich 8–20 Uhr", "Mo-Su 08:00-20:00"),
        (
            "Mo-Fr 8-16 Uhr; Sa geschlossen; Feiertage geschlossen",
            "Mo-Fr 08:00-16:00; Sa off; PH off",
        ),
        ("rund um die Uhr", "24/7"),
        ("24/7", "24/7"),
        ("Mo-Fr 08:00-16:00; PH off", "Mo-Fr 08:00-16:00; PH off"),
        ("Mo-Sa 14:00-20:00", "Mo-Sa 14:00-20:00"),
    ],
)
def test_german_forms_are_stored_as_osm(written: str, stored: str) -> None:
    assert normalise_hours(written) == stored
    check_hours(stored)


def test_valid_osm_beyond_the_german_grammar_is_kept() -> None:
    assert normalise_hours("Jan-Mar Mo 10:00-12:00") == "Jan-Mar Mo 10:00-12:00"


@pytest.mark.parametrize(
    ("stored", "german"),
    [
        ("Mo-Fr 09:00-12:00", "Mo–Fr 9–12 Uhr"),
        (
            "Mo-Fr 09:00-12:00,14:00-16:00; PH off",
            "Mo–Fr 9–12 und 14–16 Uhr; Feiertage geschlossen",
        ),
        ("Mo,We,Fr 09:00-14:00; Tu,Th 15:30-20:00", "Mo, Mi, Fr 9–14 Uhr; Di, Do 15:30–20 Uhr"),
        ("24/7", "rund um die Uhr"),
        ("Jan-Mar Mo 10:00-12:00", "Jan-Mar Mo 10:00-12:00"),
    ],
)
def test_hours_are_shown_in_german_and_read_back_the_same(stored: str, german: str) -> None:
    assert german_hours(stored) == german
    assert normalise_hours(german) == stored


@pytest.mark.parametrize(
    ("written", "explained"),
    [
        ("Mo-Fx 8-16 Uhr", "'fx' verstehe ich nicht (meintest du 'Fr'?)"),
        ("Montg 9-12 Uhr", "meintest du 'Montag'?"),
        ("Mo-Fr", "bei 'Mo–Fr' fehlt die Uhrzeit"),
        ("Mo-Fr 9 Uhr", "bei '9' fehlt das Ende der Zeit"),
        ("Mo-Fr 9-12 Uhr geschlossen", "trenne sie mit ';'"),
    ],
)
def test_mistakes_are_explained_with_examples(written: str, explained: str) -> None:
    with pytest.raises(HoursError) as caught:
        normalise_hours(written)
    assert explained in str(caught.value)
    assert "So geht es: 'Mo–Fr 9–12 Uhr'" in str(caught.value)


def test_german_hours_give_the_same_open_and_closed_as_osm() -> None:
    # Thursday 26 November 2026, 10:30: open; 13:00: closed until 14:00.
    german = normalise_hours("Mo–Fr 9–12 und 14–16 Uhr")
    assert status(german, at("2026-11-26T10:30"), BW).state is OpenState.OPEN
    closed = status(german, at("2026-11-26T13:00"), BW)
    assert closed.state is OpenState.CLOSED and closed.next_change == at("2026-11-26T14:00")


def test_overlap_is_found_and_both_fixes_offered() -> None:
    [overlap] = overlaps(normalise_hours("Mo-Fr 09:00-12:00; Th 14:00-17:00"))
    assert overlap.days == (3,)
    assert overlap.both == "Mo–Mi, Fr 9–12 Uhr; Do 9–12 und 14–17 Uhr"
    assert overlap.later_only == "Mo–Mi, Fr 9–12 Uhr; Do 14–17 Uhr"
    # The fix means what it says: Thursday morning open.
    fixed = normalise_hours(overlap.both)
    assert status(fixed, at("2026-11-26T10:00"), BW).state is OpenState.OPEN


@pytest.mark.parametrize(
    "expression",
    ["Mo-Do 08:00-16:00; Fr 08:00-12:00", "Mo-Fr 9-12 Uhr; Sa geschlossen", "24/7"],
)
def test_no_overlap_where_days_do_not_repeat(expression: str) -> None:
    assert overlaps(normalise_hours(expression)) == ()
