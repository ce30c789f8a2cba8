"""Phone numbers in card texts, and the bidi marks that keep them in order in RTL text."""

from __future__ import annotations

import pytest

from bot.cards.bidi import LRM, RLM, protect_numbers, rtl_line
from bot.cards.numbers import leading_number, phone_numbers


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("110 – Polizei", ["110"]),
        ("116 016 – Hilfetelefon Gewalt gegen Frauen", ["116016"]),
        ("116\u00a0016", ["116016"]),  # a no-break space between the groups
        ("Zentrale 0781 21-0", ["0781210"]),
        ("110 oder 112", ["110", "112"]),
        ("rund um die Uhr, 24/7", []),  # hours and days are not phone numbers
        ("Wie viele Verletzte?", []),
        # Arabic-Indic and Persian digits count as the same number as Latin digits.
        ("\u0661\u0661\u0660 – الشرطة", ["110"]),
        ("\u06f1\u06f1\u06f6 \u06f0\u06f1\u06f6", ["116016"]),
    ],
)
def test_phone_numbers(text: str, numbers: list[str]) -> None:
    assert phone_numbers(text) == numbers


def test_leading_number_only_at_the_start() -> None:
    assert leading_number("116 016 – Hilfetelefon") == "116 016"
    assert leading_number("Polizei: 110") is None
    assert leading_number("24/7 erreichbar") is None


def test_rtl_numbers_are_wrapped_in_left_to_right_marks() -> None:
    """Without the LRM, '116 016' in a right-to-left line is displayed as '016 116'."""
    assert protect_numbers("116 016 – هاتف") == f"{LRM}116 016{LRM} – هاتف"
    assert protect_numbers("اتصل بـ 110 أو 112") == f"اتصل بـ {LRM}110{LRM} أو {LRM}112{LRM}"
    assert rtl_line("Team Kinzigtal") == f"{RLM}Team Kinzigtal"
