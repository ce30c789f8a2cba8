"""Phone numbers and opening hours: hostile strings raise only the documented errors.

``parse_phone`` raises :class:`PhoneError` and nothing else; what it accepts it can read
again from its own display form. ``check_hours`` raises :class:`HoursError` and nothing else
(not even the Rust parser's panic, a ``BaseException``); what it accepts, ``status`` can
evaluate at any time without raising.
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

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
from bot.knowledge.phones import PhoneError, parse_phone
from tests.conftest import BERLIN

EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CALENDAR = HolidayCalendar("BW")

HOSTILE = [
    "",
    " ",
    "\x00",
    "\u200b",
    "\u202e",
    "🚨",
    "<b>",
    "&amp;",
    "'; DROP TABLE x; --",
    "{0}",
    "%s",
    "9" * 5000,
    "(" * 500,
    "-" * 500,
    "+" * 50,
]

_phone_part = st.one_of(
    st.sampled_from(["+", "+49", "0", "00", "0049", "(0)", " ", "-", "/", "(", ")", "110", "112"]),
    st.sampled_from(["116", "117", "116 117", "116016", "0781", "21-0", "805 1660", "07821"]),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
)
phones = st.one_of(st.text(max_size=300), st.lists(_phone_part, max_size=10).map("".join))

_hours_part = st.one_of(
    st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "SH", "Mo-Fr", "Sa-Su"]),
    st.sampled_from(["08:00-16:00", "00:00-24:00", "22:00-02:00", "10:00+", "24/7", "25:00"]),
    st.sampled_from(["off", "open", "closed", "unknown", ";", ",", "||", " ", "-", "+", ":"]),
    st.sampled_from(["sunrise-sunset", "(sunrise+01:00)", "week 1-53/2", "Jan-Dec", "Dec 24"]),
    st.sampled_from(["easter", "easter +1 day", "2026", "1970-9999", "Mo[1,-1]", "PH +1 day"]),
    st.sampled_from(['"Kommentar <b> & so"', "[1]", "/01:00", "2026 Dec 24 off", "Fr 12:00-"]),
    st.sampled_from(HOSTILE),
    st.text(max_size=10),
)
hours = st.one_of(st.text(max_size=300), st.lists(_hours_part, max_size=12).map(" ".join))
# Mostly valid rules, so that ``status`` gets to evaluate many of them.
_days = st.sampled_from(["", "Mo-Fr ", "Sa,Su ", "Mo,We,Fr ", "PH ", "Dec 24 ", "week 1-53/2 "])
_times = st.lists(
    st.sampled_from(["08:00-12:00", "13:00-16:00", "22:00-02:00", "00:00-24:00", "10:00+"]),
    min_size=1,
    max_size=3,
).map(",".join)
_state = st.sampled_from(["", " off", " open", " closed", " unknown", ' "nach <Absprache>"'])
rules = st.lists(st.tuples(_days, _times, _state).map("".join), min_size=1, max_size=4).map(
    "; ".join
)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 12, 31),
    timezones=st.just(BERLIN),
    allow_imaginary=False,  # see test_answers: a time in the skipped hour is a known bug
)


@EXAMPLES
@given(text=phones)
def test_parse_phone_raises_only_phone_error(text: str) -> None:
    """Any text: a dialable number whose display form reads back to it, or PhoneError."""
    try:
        phone = parse_phone(text)
    except PhoneError:
        return
    assert phone.display.strip() and phone.e164
    assert parse_phone(phone.display).e164 == phone.e164


@pytest.mark.parametrize("text", ["001", "00200", "(00) 12"])
def test_an_international_prefix_with_too_few_digits_is_a_phone_error(text: str) -> None:
    with pytest.raises(PhoneError):
        parse_phone(text)


@EXAMPLES
@given(expression=st.one_of(hours, rules), moment=moments)
def test_opening_hours_raise_only_hours_error_and_valid_ones_evaluate(
    expression: str, moment: dt.datetime
) -> None:
    """Any text: HoursError, or hours that ``status`` evaluates at any moment."""
    try:
        check_hours(expression)
    except HoursError:
        event("invalid")
        return
    event("valid")
    state = status(expression, moment, CALENDAR)
    assert state.state in set(OpenState)
    assert state.next_change is None or state.next_change > moment


# The German forms a team lead writes, mixed with OSM and noise.
_german_days = st.sampled_from(
    ["", "Mo–Fr ", "Mo bis Do ", "Di, Do ", "Montag ", "Sa und So ", "Feiertage ", "täglich "]
)
_german_times = st.lists(
    st.sampled_from(["9–12", "9:30 - 12:00", "14.00-16.00", "22-2", "0–24", "18 bis 0", "25-26"]),
    min_size=0,
    max_size=3,
).map(" und ".join)
_german_end = st.sampled_from(["", " Uhr", " geschlossen", " Uhr;", ",", " nach Absprache"])
german = st.lists(
    st.tuples(_german_days, _german_times, _german_end).map("".join), min_size=1, max_size=4
).map("; ".join)


@EXAMPLES
@given(written=st.one_of(german, rules, hours), moment=moments)
def test_normalised_hours_raise_only_hours_error_and_read_back_the_same(
    written: str, moment: dt.datetime
) -> None:
    """Any text: HoursError, or an OSM expression the library evaluates, shown in German in
    a form that normalises to the same expression; the overlap check never raises."""
    try:
        stored = normalise_hours(written)
    except HoursError:
        event("invalid")
        return
    event("valid")
    check_hours(stored)
    assert status(stored, moment, CALENDAR).state in set(OpenState)
    assert normalise_hours(german_hours(stored)) == stored
    for overlap in overlaps(stored):
        assert normalise_hours(overlap.both) and normalise_hours(overlap.later_only)


def test_the_hostile_strings_themselves() -> None:
    """The fixed list, and text far beyond any real length, without hypothesis luck."""
    for text in [*HOSTILE, "Mo-Fr 08:00-16:00; " * 5000, "[" * 50_000, "0" * 100_000]:
        with suppress(PhoneError):
            parse_phone(text)
        with suppress(HoursError):
            check_hours(text)
        with suppress(HoursError):
            german_hours(normalise_hours(text))
