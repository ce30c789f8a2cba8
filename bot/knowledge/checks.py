"""Checks across all files: references, duplicates, coverage and staleness.

Per-field rules (types, unknown keys, phone numbers, opening hours) live in the schema
(:mod:`bot.knowledge.model`); what needs the whole knowledge at once is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.geo.geonames import DISTRICT_BOX
from bot.knowledge.base import Knowledge
from bot.search.normalize import fold

POLICE_CATEGORY = "polizei"


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    path: tuple[str | int, ...]
    message: str
    severity: Literal["error", "warning"] = "error"


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
