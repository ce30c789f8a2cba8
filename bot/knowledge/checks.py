"""Checks across all files: references, duplicates, coverage and staleness.

Per-field rules (types, unknown keys, phone numbers, opening hours) live in the schema
(:mod:`bot.knowledge.model`); what needs the whole knowledge at once is here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.cards.numbers import phone_numbers
from bot.geo.geonames import DISTRICT_BOX
from bot.knowledge.base import Knowledge
from bot.knowledge.hours import german_days, german_hours, normalise_hours, overlaps
from bot.knowledge.model import Contact, Entry
from bot.knowledge.phones import PhoneError, parse_phone
from bot.normalize import fold

POLICE_CATEGORY = "polizei"
GERMAN_CARD = "de"
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ps", "ur", "he", "ckb", "yi", "dv"})


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    path: tuple[str | int, ...]
    message: str
    severity: Literal["error", "warning"] = "error"
    entry_id: str | None = None  # the entry it is about, for the per-owner report
    field: str | None = None  # the field that has to change: "hours", "phone", "text" …


def check_knowledge(
    knowledge: Knowledge, *, today: dt.date, stale_after_days: int
) -> list[Finding]:
    return [
        *_duplicates(knowledge),
        *_references(knowledge),
        *_places(knowledge),
        *_coordinates(knowledge),
        *_coverage(knowledge),
        *_staleness(knowledge, today, stale_after_days),
        *_cards(knowledge),
        *upkeep(knowledge, today),
    ]


def _duplicates(knowledge: Knowledge) -> Iterator[Finding]:
    seen_entries: dict[str, str] = {}
    seen_categories: dict[str, str] = {}
    for name, content in knowledge.contents.items():
        for index, category in enumerate(content.categories):
            if category.id in seen_categories:
                yield Finding(
                    name,
                    ("categories", index, "id"),
                    f"Kategorie '{category.id}' ist schon in {seen_categories[category.id]} "
                    "definiert",
                )
            seen_categories.setdefault(category.id, name)
        for index, entry in enumerate(content.entries):
            if entry.id in seen_entries:
                yield Finding(
                    name,
                    ("entries", index, "id"),
                    f"Eintrag '{entry.id}' ist schon in {seen_entries[entry.id]} definiert "
                    "(ids müssen über alle Dateien eindeutig sein)",
                )
            seen_entries.setdefault(entry.id, name)


def _references(knowledge: Knowledge) -> Iterator[Finding]:
    tags = {tag for place in knowledge.places for tag in place.tags}
    for name, content in knowledge.contents.items():
        for index, entry in enumerate(content.entries):
            at = ("entries", index)
            label = f"entries[{index}] ({entry.id})"
            if entry.category not in knowledge.categories:
                yield Finding(
                    name,
                    (*at, "category"),
                    f"{label}.category: Kategorie '{entry.category}' gibt es nicht "
                    f"(bekannt: {', '.join(sorted(knowledge.categories)) or 'keine'})",
                )
            for r, target in enumerate(entry.related):
                if target not in knowledge.entries:
                    yield Finding(
                        name,
                        (*at, "related", r),
                        f"{label}.related: Eintrag '{target}' gibt es nicht",
                    )
                elif target == entry.id:
                    yield Finding(
                        name, (*at, "related", r), f"{label}.related: verweist auf sich selbst"
                    )
            for s, tag in enumerate(entry.scope):
                if tag not in tags:
                    yield Finding(
                        name,
                        (*at, "scope", s),
                        f"{label}.scope: kein Ort trägt das Tag '{tag}'",
                    )
            for c, contact in enumerate(entry.contacts):
                if contact.after_hours is not None and contact.after_hours not in knowledge.entries:
                    yield Finding(
                        name,
                        (*at, "contacts", c, "after_hours"),
                        f"{label}.contacts[{c}].after_hours: Eintrag '{contact.after_hours}' "
                        "gibt es nicht",
                    )


def _places(knowledge: Knowledge) -> Iterator[Finding]:
    claimed: dict[str, str] = {}
    for name, content in knowledge.contents.items():
        for index, place in enumerate(content.places):
            names = [("name", place.name)] + [
                (f"aliases[{a}]", alias) for a, alias in enumerate(place.aliases)
            ]
            own: set[str] = set()
            for field_label, value in names:
                key = fold(value)
                if key in own:
                    continue
                own.add(key)
                owner = claimed.get(key)
                if owner is not None:
                    path: tuple[str | int, ...] = ("places", index, "name")
                    if field_label.startswith("aliases"):
                        path = ("places", index, "aliases", int(field_label[8:-1]))
                    yield Finding(
                        name,
                        path,
                        f"places[{index}] ({place.name}).{field_label}: '{value}' gehört schon "
                        f"zu {owner}",
                    )
                else:
                    claimed[key] = place.name


def _coordinates(knowledge: Knowledge) -> Iterator[Finding]:
    """Coordinates must lie in the district (a typo such as 84.3 or swapped lat/lon)."""
    box = DISTRICT_BOX
    for name, content in knowledge.contents.items():
        for index, place in enumerate(content.places):
            points: list[tuple[tuple[str | int, ...], str, float | None, float | None]] = [
                (("places", index, "lat"), place.name, place.lat, place.lon)
            ]
            points += [
                (
                    ("places", index, "parts", p, "lat"),
                    f"{place.name}-{part.name}",
                    part.lat,
                    part.lon,
                )
                for p, part in enumerate(place.parts)
            ]
            for path, label, lat, lon in points:
                if lat is not None and lon is not None and not box.contains(lat, lon):
                    yield Finding(
                        name,
                        path,
                        f"places[{index}] ({label}): Koordinaten {lat}, {lon} liegen nicht im "
                        f"Ortenaukreis (erwartet: Breite {box.south}–{box.north}, Länge "
                        f"{box.west}–{box.east})",
                    )


def _coverage(knowledge: Knowledge) -> Iterator[Finding]:
    police = [e for e in knowledge.entries.values() if e.category == POLICE_CATEGORY]
    unscoped = any(not e.scope for e in police)
    if unscoped:
        return
    covered = {tag for e in police for tag in e.scope}
    for name, content in knowledge.contents.items():
        for index, place in enumerate(content.places):
            if not covered.intersection(place.tags):
                yield Finding(
                    name,
                    ("places", index, "name"),
                    f"places[{index}] ({place.name}): kein Eintrag der Kategorie "
                    f"'{POLICE_CATEGORY}' gilt für diesen Ort (Tags: "
                    f"{', '.join(place.tags) or 'keine'})",
                )


def _staleness(knowledge: Knowledge, today: dt.date, stale_after_days: int) -> Iterator[Finding]:
    for name, content in knowledge.contents.items():
        for index, entry in enumerate(content.entries):
            at = ("entries", index)
            if entry.verified is None:
                yield Finding(
                    name,
                    (*at, "id"),
                    f"Eintrag '{entry.id}' wurde nie geprüft (verified fehlt)",
                    "warning",
                )
            elif (today - entry.verified).days > stale_after_days:
                yield Finding(
                    name,
                    (*at, "verified"),
                    f"Eintrag '{entry.id}' zuletzt geprüft am {entry.verified:%d.%m.%Y}, vor mehr "
                    f"als {stale_after_days} Tagen",
                    "warning",
                )
            if not entry.keywords:
                yield Finding(
                    name, (*at, "id"), f"Eintrag '{entry.id}' hat keine keywords", "warning"
                )


def _cards(knowledge: Knowledge) -> Iterator[Finding]:
    """Emergency cards: one per language, right-to-left where the script is, and every card
    names exactly the phone numbers of the German card (no number may differ)."""
    cards = [
        (name, index, card)
        for name, content in knowledge.contents.items()
        for index, card in enumerate(content.cards)
    ]
    if not cards:
        return
    seen: dict[str, str] = {}
    for name, index, card in cards:
        if card.lang in seen:
            yield Finding(
                name,
                ("cards", index, "lang"),
                f"cards[{index}]: eine Karte für '{card.lang}' gibt es schon in {seen[card.lang]}",
            )
        seen.setdefault(card.lang, name)
        if card.lang in RTL_LANGUAGES and card.direction != "rtl":
            yield Finding(
                name,
                ("cards", index, "lang"),
                f"cards[{index}] ({card.lang}): diese Sprache wird von rechts nach links "
                "geschrieben, direction: rtl fehlt",
            )
    german = next((entry for entry in cards if entry[2].lang == GERMAN_CARD), None)
    if german is None:
        name, index, _ = cards[0]
        yield Finding(
            name,
            ("cards", index, "lang"),
            "es gibt Notfallkarten, aber keine deutsche (lang: de): ihre Nummern sind der "
            "Maßstab für alle Sprachen",
        )
        return
    expected = _card_numbers(german[2].title, german[2].lines, german[2].team_label)
    shown = ", ".join(_grouped(n) for n in sorted(expected)) or "keine"
    for name, index, card in cards:
        if card is german[2]:
            continue
        texts: list[tuple[tuple[str | int, ...], str]] = [(("title",), card.title)]
        texts += [(("lines", i), line) for i, line in enumerate(card.lines)]
        if card.team_label:
            texts.append((("team_label",), card.team_label))
        found: set[str] = set()
        for where, text in texts:
            for number in phone_numbers(text):
                found.add(number)
                if number not in expected:
                    yield Finding(
                        name,
                        ("cards", index, *where),
                        f"cards[{index}] ({card.lang}): die Nummer {_grouped(number)} steht "
                        f"nicht auf der deutschen Karte (dort: {shown})",
                    )
        for number in sorted(expected - found):
            yield Finding(
                name,
                ("cards", index, "lang"),
                f"cards[{index}] ({card.lang}): die Nummer {_grouped(number)} der deutschen "
                "Karte fehlt",
            )


def _card_numbers(title: str, lines: list[str], team_label: str | None) -> set[str]:
    return {n for text in (title, *lines, team_label or "") for n in phone_numbers(text)}


def _grouped(digits: str) -> str:
    """116016 as '116 016', as the cards write it."""
    return f"{digits[:3]} {digits[3:]}" if len(digits) == 6 else digits


# -- keeping it right: sources, check dates, "rund um die Uhr", urgent entries ------------
#
# Warnings only: they do not stop a load. ``caseworker-bot report stale`` and /veraltet list
# them per owner (bot/reports.py).

SOURCE_MAX_AGE_DAYS = 365
EMERGENCY_NUMBERS = frozenset({"110", "112"})
DOCUMENT_PREFIX = "Dokument:"
_URL = re.compile(r"https?://\S+\.\S+", re.IGNORECASE)
_ROUND_THE_CLOCK = re.compile(
    r"rund um die uhr|24/7|24 stunden|durchgehend|tag und nacht", re.IGNORECASE
)
_ROUND_THE_CLOCK_WORDS = ("rund um die uhr", "24/7", "24 stunden", "durchgehend", "tag und nacht")
_NUMBER_IN_TEXT = re.compile(r"\+?\d[\d /]*\d(?:-\d+)?")
_EMERGENCY_IN_TEXT = re.compile(r"(?<!\d)(?<!\d )(?:110|112)(?!\d)(?! \d)")
ALWAYS = "24/7"


def has_source_address(source: str | None) -> bool:
    """A public page's address (http/https) or a named internal document ("Dokument: …")."""
    if not source:
        return False
    return bool(_URL.search(source)) or source.strip().startswith(DOCUMENT_PREFIX)


def _national(digits_or_e164: str) -> str:
    return "0" + digits_or_e164[3:] if digits_or_e164.startswith("+49") else digits_or_e164


def _phone_key(raw: str) -> str | None:
    try:
        return _national(parse_phone(raw).e164)
    except PhoneError:
        return None


def upkeep(knowledge: Knowledge, today: dt.date) -> Iterator[Finding]:
    """The warnings that keep the knowledge right (see the module comment above)."""
    hours_by_number: dict[str, tuple[str, str | None]] = {}
    for entry in knowledge.entries.values():
        for contact in entry.contacts:
            key = _phone_key(contact.phone) if contact.phone else None
            if key is not None:
                hours_by_number.setdefault(key, (contact.name, contact.hours))
    for name, content in knowledge.contents.items():
        for index, entry in enumerate(content.entries):
            at: tuple[str | int, ...] = ("entries", index)
            for c, contact in enumerate(entry.contacts):
                where = (*at, "contacts", c)
                for message, field in _contact_upkeep(entry, contact, today):
                    path = (*where, field) if field else where
                    yield Finding(name, path, message, "warning", entry.id, field)
            for message, path in _text_upkeep(entry, hours_by_number):
                yield Finding(name, (*at, *path), message, "warning", entry.id)
            if entry.urgent and not _leads_with_emergency(entry):
                yield Finding(
                    name,
                    (*at, "text"),
                    f"Eintrag '{entry.id}' ist urgent (steht in /notfall), aber der erste Absatz "
                    "nennt weder 110 noch 112. Schreibe zuerst, was bei akuter Gefahr zu tun "
                    "ist, z. B. text: »Bei akuter Gefahr: 110 wählen.« oder »Lebensgefahr: 112.«",
                    "warning",
                    entry.id,
                )


def _who(entry: Entry, contact: Contact) -> str:
    return f"Eintrag '{entry.id}', Kontakt '{contact.name}'"


def _contact_upkeep(entry: Entry, contact: Contact, today: dt.date) -> Iterator[tuple[str, str]]:
    who = _who(entry, contact)
    if contact.hours is not None:
        for overlap in overlaps(contact.hours):
            days = german_days(overlap.days)
            yield (
                f"{who}: '{overlap.later}' ersetzt am {days} die frühere Regel "
                f"'{overlap.earlier}' – an diesem Tag gilt nur die spätere. Sollen beide Zeiten "
                f'gelten, schreibe: hours: "{overlap.both}" '
                f"(gleichbedeutend: {normalise_hours(overlap.both)}). Soll nur die spätere "
                f'gelten, schreibe es eindeutig: hours: "{overlap.later_only}"',
                "hours",
            )
        if re.search(r"(^|[;,] ?)PH(?!\s+off)\b", contact.hours):
            yield (
                f"{who}: Zeiten an Feiertagen ({german_hours(contact.hours)}) zeigt der Bot "
                "nicht an: an Feiertagen in Baden-Württemberg gilt jede Stelle als geschlossen, "
                "außer bei 24/7",
                "hours",
            )
    if contact.phone is None:
        return
    key = _phone_key(contact.phone)
    if key is None or key in EMERGENCY_NUMBERS:
        return
    if not (has_source_address(contact.source) or has_source_address(entry.source)):
        yield (
            f"{who}: Telefonnummer {contact.phone} ohne Quellenadresse. Trage bei source die "
            "Internetadresse der Seite ein, auf der die Nummer steht (source: https://…), bei "
            f"internen Nummern '{DOCUMENT_PREFIX} ' und den Namen des Dokuments",
            "source" if contact.source else "phone",
        )
    checked = contact.verified or entry.verified
    if checked is None:
        yield (
            f"{who}: Telefonnummer {contact.phone} ohne Prüfdatum. Prüfe sie an der Quelle und "
            f"trage das Datum ein, z. B. verified: {today.isoformat()}",
            "phone",
        )
    elif (today - checked).days > SOURCE_MAX_AGE_DAYS:
        yield (
            f"{who}: Telefonnummer {contact.phone} zuletzt am {checked:%d.%m.%Y} geprüft, vor "
            f"mehr als einem Jahr. Prüfe sie an der Quelle und setze verified: "
            f"{today.isoformat()}",
            "verified" if contact.verified else "phone",
        )


def _text_upkeep(
    entry: Entry, hours_by_number: dict[str, tuple[str, str | None]]
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """'rund um die Uhr' said of a number or contact whose hours are not 24/7."""
    labels = [f"{contact.name} {contact.role or ''}" for contact in entry.contacts]
    if not _says_round_the_clock("\n".join([entry.text, *entry.steps, *labels])):
        return  # nearly every entry: one look at all its text
    for c, contact in enumerate(entry.contacts):
        label = f"{contact.name} {contact.role or ''}"
        said = _ROUND_THE_CLOCK.search(label) if _says_round_the_clock(label) else None
        if said and contact.hours != ALWAYS and not _negated(label, said.start()):
            yield (
                f"{_who(entry, contact)}: '{said.group()}' steht bei einem Kontakt, dessen "
                f'Zeiten {_hours_text(contact.hours)} sind. Trage hours: "24/7" ein, wenn '
                "das stimmt, sonst streiche die Angabe",
                ("contacts", c, "role" if contact.role else "name"),
            )
    parts: list[tuple[str, tuple[str | int, ...]]] = [(entry.text, ("text",))]
    parts += [(step, ("steps", s)) for s, step in enumerate(entry.steps)]
    own_phones = [c for c in entry.contacts if c.phone]
    for part, path in parts:
        if not _says_round_the_clock(part):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+|\n", part):
            for said in _ROUND_THE_CLOCK.finditer(sentence):
                if _negated(sentence, said.start()):
                    continue  # "nicht rund um die Uhr besetzt" is the warning heeded
                number = _nearest_number(sentence, said.start(), hours_by_number)
                if number is not None:
                    contact_name, hours = hours_by_number[number]
                    if hours != ALWAYS:
                        yield (
                            f"Eintrag '{entry.id}': '{said.group()}' steht bei der Nummer von "
                            f"'{contact_name}', deren Zeiten {_hours_text(hours)} sind. Nenne "
                            'die richtigen Zeiten oder trage dort hours: "24/7" ein',
                            path,
                        )
                elif own_phones and all(c.hours != ALWAYS for c in own_phones):
                    yield (
                        f"Eintrag '{entry.id}': der Text sagt '{said.group()}', aber kein "
                        'Kontakt dieses Eintrags hat hours: "24/7"',
                        path,
                    )


def _negated(text: str, start: int) -> bool:
    """'nicht rund um die Uhr', 'kein 24/7': the text already says it is not."""
    before = text[max(0, start - 12) : start].lower().split()
    return bool(before) and before[-1].strip("(„\"'–-") in {"nicht", "kein", "keine", "nie"}


def _says_round_the_clock(text: str) -> bool:
    """A fast first look (plain substrings) before the regular expression."""
    lowered = text.lower()
    return any(word in lowered for word in _ROUND_THE_CLOCK_WORDS)


def _hours_text(hours: str | None) -> str:
    return f"»{german_hours(hours)}«" if hours else "nicht angegeben"


def _nearest_number(
    sentence: str, position: int, known: dict[str, tuple[str, str | None]]
) -> str | None:
    """The known phone number written closest to ``position`` in ``sentence``."""
    best: tuple[int, str] | None = None
    for match in _NUMBER_IN_TEXT.finditer(sentence):
        digits = re.sub(r"\D", "", match.group())
        key = _national(f"+{digits}") if match.group().startswith("+") else digits
        if key not in known:
            continue
        distance = min(abs(match.start() - position), abs(match.end() - position))
        if best is None or distance < best[0]:
            best = (distance, key)
    return best[1] if best else None


def _leads_with_emergency(entry: Entry) -> bool:
    first = entry.text.strip().split("\n\n", 1)[0]
    return bool(_EMERGENCY_IN_TEXT.search(first))
