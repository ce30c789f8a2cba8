"""Spotting personal data in escalation descriptions before they are sent.

Descriptions are pseudonymous by design. This check catches the usual slips: a phone
number, a date (of birth), an e-mail address, or a name after a form of address. It is a
guard rail, not a guarantee; the caseworker decides.
"""

from __future__ import annotations

import enum
import re

import phonenumbers

_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{2}|\d{4})\b|\bgeb(?:\.|oren)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NAME = re.compile(
    r"\b(?:Herr|Herrn|Frau|Hr\.|Fr\.|Familie|Fam\.|namens|heißt|heisst)\s+[A-ZÄÖÜ][a-zäöüß]+",
)


class PersonalData(enum.StrEnum):
    """A kind of personal data (the render layer names it in German)."""

    PHONE = "phone"
    DATE = "date"
    EMAIL = "email"
    NAME = "name"


def personal_data(text: str) -> list[PersonalData]:
    """What in ``text`` looks like personal data (empty: looks clean)."""
    found: list[PersonalData] = []
    if any(True for _ in phonenumbers.PhoneNumberMatcher(text, "DE")):
        found.append(PersonalData.PHONE)
    if _DATE.search(text):
        found.append(PersonalData.DATE)
    if _EMAIL.search(text):
        found.append(PersonalData.EMAIL)
    if _NAME.search(text):
        found.append(PersonalData.NAME)
    return found
