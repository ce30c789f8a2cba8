"""Spotting personal data in escalation descriptions before they are sent.

Descriptions are pseudonymous by design. This check catches the usual slips: a phone
number, a date (of birth), an e-mail address, or a name after a form of address. It is a
guard rail, not a guarantee; the caseworker decides.
"""

from __future__ import annotations

import re

import phonenumbers

from bot import texts

_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{2}|\d{4})\b|\bgeb(?:\.|oren)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NAME = re.compile(
    r"\b(?:Herr|Herrn|Frau|Hr\.|Fr\.|Familie|Fam\.|namens|heißt|heisst)\s+[A-ZÄÖÜ][a-zäöüß]+",
)


def personal_data(text: str) -> list[str]:
    """What in ``text`` looks like personal data, as German labels (empty: looks clean)."""
    found: list[str] = []
    if any(True for _ in phonenumbers.PhoneNumberMatcher(text, "DE")):
        found.append(texts.PII_PHONE)
    if _DATE.search(text):
        found.append(texts.PII_DATE)
    if _EMAIL.search(text):
        found.append(texts.PII_EMAIL)
    if _NAME.search(text):
        found.append(texts.PII_NAME)
    return found
