"""Reports for team leads: knowledge gaps (what found nothing) and stale entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.knowledge.base import Knowledge
from bot.knowledge.checks import upkeep
from bot.knowledge.model import Entry

SIMILAR = 75  # rapidfuzz token_set_ratio at which two questions count as one gap


@dataclass
class Gap:
    """Similar questions that found nothing, or whose answer got a 👎."""

    example: str
    count: int = 0
    questions: list[str] = field(default_factory=list)
    entry_ids: set[str] = field(default_factory=set)  # answers marked unhelpful


def gaps(unanswered: Iterable[str], unhelpful: Iterable[tuple[str, str | None]]) -> list[Gap]:
    """Group similar questions, most frequent first."""
    groups: list[Gap] = []

    def add(question: str, entry_id: str | None) -> None:
        for group in groups:
            if fuzz.token_set_ratio(question, group.example) >= SIMILAR:
                break
        else:
            group = Gap(example=question)
            groups.append(group)
        group.count += 1
        if question not in group.questions:
            group.questions.append(question)
        if entry_id:
            group.entry_ids.add(entry_id)

    for question in unanswered:
        add(question, None)
    for unhelpful_id, asked in unhelpful:
        add(asked or f"👎 {unhelpful_id}", unhelpful_id)
    return sorted(groups, key=lambda g: (-g.count, g.example))


@dataclass(frozen=True, slots=True)
class Stale:
    """An entry to look at: stale (never or long ago verified) and/or with upkeep notes."""

    entry: Entry
    verified: dt.date | None
    days: int | None  # since verification; None: never verified
    stale: bool = True
    notes: tuple[str, ...] = ()  # what validate warns about it: source, check date, hours …


def stale(knowledge: Knowledge, today: dt.date, threshold_days: int) -> dict[str, list[Stale]]:
    """Entries never verified or verified too long ago, and entries with upkeep warnings
    (:func:`bot.knowledge.checks.upkeep`), grouped by owner (oldest first)."""
    notes: dict[str, list[str]] = {}
    for finding in upkeep(knowledge, today):
        if finding.entry_id is not None:
            notes.setdefault(finding.entry_id, []).append(_short_note(finding.message))
    by_owner: dict[str, list[Stale]] = {}
    for entry in knowledge.entries.values():
        is_stale = knowledge.is_stale(entry, today, threshold_days)
        entry_notes = tuple(dict.fromkeys(notes.get(entry.id, ())))
        if not is_stale and not entry_notes:
            continue
        days = (today - entry.verified).days if entry.verified else None
        by_owner.setdefault(entry.owner or "", []).append(
            Stale(entry, entry.verified, days, is_stale, entry_notes)
        )
    for items in by_owner.values():
        items.sort(key=lambda s: (not s.stale, s.days is not None, -(s.days or 0), s.entry.id))
    return dict(sorted(by_owner.items()))


def _short_note(message: str) -> str:
    """The warning without "Eintrag 'x'": the report lists it under the entry already."""
    if message.startswith("Eintrag '"):
        rest = message.split("'", 2)[2]
        return rest.removeprefix(", ").removeprefix(": ").strip()
    return message
