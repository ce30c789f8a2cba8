"""Reports for team leads: knowledge gaps (what found nothing) and stale entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.knowledge.base import Knowledge
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
    entry: Entry
    verified: dt.date | None
    days: int | None  # since verification; None: never verified


def stale(knowledge: Knowledge, today: dt.date, threshold_days: int) -> dict[str, list[Stale]]:
    """Entries never verified or verified too long ago, grouped by owner (oldest first)."""
    by_owner: dict[str, list[Stale]] = {}
    for entry in knowledge.entries.values():
        if not knowledge.is_stale(entry, today, threshold_days):
            continue
        days = (today - entry.verified).days if entry.verified else None
        by_owner.setdefault(entry.owner or "", []).append(Stale(entry, entry.verified, days))
    for items in by_owner.values():
        items.sort(key=lambda s: (s.days is not None, -(s.days or 0), s.entry.id))
    return dict(sorted(by_owner.items()))
