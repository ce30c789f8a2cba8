"""Phone numbers: what dials, and how it is shown."""

from __future__ import annotations

import pytest

from bot.knowledge.phones import PhoneError, parse_phone


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("+49 7821 277-0", "+49 7821 277-0"),
        ("0781 21-2200", "+49 781 21-2200"),
        ("07832 975920", "+49 7832 975920"),
        ("0800 111 0 111", "+49 800 1110111"),
        ("110", "110"),
        ("112", "112"),
        ("116117", "116 117"),
        ("116 016", "116 016"),  # EU-harmonised, unknown to phonenumbers
        ("116 111", "116 111"),
    ],
)
def test_valid_numbers_and_their_display(raw: str, display: str) -> None:
    assert parse_phone(raw).display == display


@pytest.mark.parametrize("raw", ["0781 1", "123", "+49 12 34", "ruf an", "07821 277-0 oder so", ""])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(PhoneError):
        parse_phone(raw)
