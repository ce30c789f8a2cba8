"""Phone numbers in a card's free text: what ``validate`` compares between languages."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Arabic-Indic (Arabic) and extended Arabic-Indic (Persian) digits count as their Latin twins.
_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
# A run of digit groups separated by one space, no-break space or hyphen: "116 016", "21-0".
_NUMBER = re.compile(rf"[{_DIGITS}]+(?:[ \u00a0\u202f-][{_DIGITS}]+)*")
_TO_LATIN = str.maketrans(
    "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
    "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
    "01234567890123456789",
)
MIN_DIGITS = 3  # "24" (hours) and "7" (days) are not phone numbers; 110 is


def phone_numbers(text: str) -> list[str]:
    """The phone numbers in ``text`` as plain Latin digits, in order: '116 016' → '116016'."""
    found = []
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0).translate(_TO_LATIN))
        if len(digits) >= MIN_DIGITS:
            found.append(digits)
    return found


def number_spans(text: str) -> list[tuple[int, int]]:
    """Where the phone numbers of :func:`phone_numbers` are in ``text`` (start, end)."""
    spans = []
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0).translate(_TO_LATIN))
        if len(digits) >= MIN_DIGITS:
            spans.append(match.span())
    return spans


def leading_number(text: str) -> str | None:
    """The number a line starts with ('110 – Polizei' → '110'), as written; else None."""
    spans = number_spans(text)
    if spans and spans[0][0] == 0:
        return text[: spans[0][1]]
    return None


def numbers_of(texts: Iterable[str]) -> set[str]:
    return {number for text in texts for number in phone_numbers(text)}
