"""Cards from the knowledge and the caseworker's team: what a card says, ready to render.

The card as a Telegram message is rendered in :mod:`bot.render.cards`, the printable one in
:mod:`bot.cards.printable`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant import Assistant
from bot.cards.numbers import leading_number
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Card, Entry, Place

GERMAN = "de"
TEAM_CATEGORY = "teams"


@dataclass(frozen=True, slots=True)
class CardLine:
    text: str
    number: str | None  # the phone number the line starts with: shown large
    heading: bool  # ends with ':' (e.g. "Am Telefon sagen:")


@dataclass(frozen=True, slots=True)
class Team:
    """The caseworker's team for the card: its name and how to reach it, if known."""

    label: str | None  # the card's own label for the team block (None: the German one)
    name: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardContent:
    """One card ready to show: lines with their kind, and the team block if any."""

    card: Card
    lines: tuple[CardLine, ...]
    team: Team | None

    @property
    def rtl(self) -> bool:
        return self.card.direction == "rtl"


def all_cards(knowledge: Knowledge) -> dict[str, Card]:
    """The cards by language: German first, then in file order; the first of a language wins
    (``validate`` reports a second one)."""
    found: dict[str, Card] = {}
    for content in knowledge.contents.values():
        for card in content.cards:
            found.setdefault(card.lang, card)
    if GERMAN in found:
        found = {GERMAN: found[GERMAN], **found}
    return found


def team_entry(knowledge: Knowledge, place: Place | None) -> Entry | None:
    """The team entry scoped to the place (as the search would pick it for the place)."""
    if place is None:
        return None
    tags = set(place.tags)
    for entry in knowledge.entries.values():
        if entry.category == TEAM_CATEGORY and entry.scope and tags.intersection(entry.scope):
            return entry
    return None


def build(assistant: Assistant, card: Card, place: Place | None = None) -> CardContent:
    """The card's content; with ``place``, the team responsible there and its contacts."""
    lines = tuple(
        CardLine(text, leading_number(text), text.rstrip().endswith(":")) for text in card.lines
    )
    team: Team | None = None
    entry = team_entry(assistant.knowledge, place)
    if entry is not None:
        german = all_cards(assistant.knowledge).get(GERMAN)
        label = card.team_label or (german.team_label if german else None)
        views = assistant.contacts(entry)
        team = Team(
            label=label,
            name=entry.title,
            phones=tuple(v.phone.display for v in views if v.phone is not None),
            emails=tuple(v.contact.email for v in views if v.contact.email),
        )
    return CardContent(card, lines, team)
