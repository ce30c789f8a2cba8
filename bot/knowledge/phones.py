"""Phone numbers: validation and the German display format, via ``phonenumbers``.

A ``-`` in a number written in the knowledge marks the extension (DIN 5008: ``0781 21-0`` is
the switchboard). ``phonenumbers`` knows German emergency and most short numbers; the
EU-harmonised 116 xxx numbers (116 016 …) it does not, so those are accepted by pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

DEFAULT_REGION = "DE"
_EU_HARMONISED = re.compile(r"^116\d{3}$")
_ALLOWED_CHARS = re.compile(r"^\+?[0-9 ()/-]+$")


_EXAMPLES = 'So geht es: phone: "0781 21-0", phone: "+49 7821 277-0", phone: "110"'


class PhoneError(ValueError):
    """The text is not a phone number that anyone could dial."""


@dataclass(frozen=True, slots=True)
class Phone:
    """A validated number: ``display`` is what people read and tap, ``e164`` what machines use."""

    raw: str
    display: str
    e164: str
    short: bool


@lru_cache(maxsize=8192)
def parse_phone(raw: str, region: str = DEFAULT_REGION) -> Phone:
    """Validate ``raw`` and build its display form; raise :class:`PhoneError` when invalid.

    Cached: the same numbers recur in many entries and are checked at every load.
    """
    text = raw.strip()
    if not text or not _ALLOWED_CHARS.match(text):
        raise PhoneError(_not_a_number(raw))
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+") and (
        _EU_HARMONISED.match(digits) or _is_short_number(digits, region)
    ):
        return Phone(raw=raw, display=_group_short(digits), e164=digits, short=True)
    extension = re.sub(r"\D", "", text.rpartition("-")[2]) if "-" in text else ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise PhoneError(f"'{raw}' ist keine gültige Telefonnummer. {_EXAMPLES}") from None
    if not phonenumbers.is_valid_number(number):
        if not text.startswith(("+", "0")) and 3 <= len(digits) <= 8:
            raise PhoneError(
                f"'{raw}' ist keine vollständige Telefonnummer: die Vorwahl fehlt. "
                f'Schreibe sie mit Vorwahl, z. B. phone: "0781 34311" (nicht "{text}")'
            )
        reason = phonenumbers.is_possible_number_with_reason(number)
        what = {
            phonenumbers.ValidationResult.TOO_SHORT: "zu kurz (fehlt eine Ziffer?)",
            phonenumbers.ValidationResult.TOO_LONG: "zu lang (eine Ziffer zu viel?)",
            phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "unbekannte Ländervorwahl",
        }.get(reason, "diese Nummer gibt es so nicht – bitte die Ziffern prüfen")
        raise PhoneError(f"'{raw}' ist keine gültige Telefonnummer: {what}. {_EXAMPLES}")
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if extension:
        display = _mark_extension(display, len(extension))
    return Phone(raw=raw, display=display, e164=e164, short=False)


def _not_a_number(raw: str) -> str:
    if re.search(r"[,;]|\boder\b|\bund\b", raw) or len(re.findall(r"\d{3,}", raw)) > 3:
        return (
            f"'{raw}': nur eine Nummer pro Kontakt; lege für die zweite Nummer einen eigenen "
            "Kontakt an (mit name und phone)"
        )
    if re.search(r"[A-Za-zÄÖÜäöüß]", raw):
        return (
            f"'{raw}': im Feld phone steht nur die Nummer (Ziffern, +, Leerzeichen, -, /); "
            f"Erklärungen gehören in role. {_EXAMPLES}"
        )
    return f"'{raw}' ist keine Telefonnummer (nur Ziffern, +, Leerzeichen, -, /). {_EXAMPLES}"


def _mark_extension(formatted: str, digits: int) -> str:
    """'+49 781 212200' with a 4-digit extension becomes '+49 781 21-2200'."""
    seen = 0
    for position in range(len(formatted) - 1, -1, -1):
        if formatted[position].isdigit():
            seen += 1
            if seen == digits:
                head = formatted[:position].rstrip()
                tail = formatted[position:].replace(" ", "")
                return f"{head}-{tail}" if head and head[-1].isdigit() else formatted
    return formatted


def _is_short_number(digits: str, region: str) -> bool:
    if not 3 <= len(digits) <= 6:
        return False
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False  # e.g. "001": an international prefix with nothing after it
    return bool(shortnumberinfo.is_valid_short_number_for_region(number, region))


def _group_short(digits: str) -> str:
    """116117 reads as '116 117', as every German source writes it; 110 stays 110."""
    if len(digits) == 6:
        return f"{digits[:3]} {digits[3:]}"
    return digits
