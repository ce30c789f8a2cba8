"""The loaded knowledge: an immutable snapshot that the search index is built from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.knowledge.model import Category, Entry, KnowledgeFile, Place


@dataclass(frozen=True, slots=True)
class Origin:
    """Where something was defined: file name (relative) and path inside the file."""

    file: str
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class Knowledge:
    """All files of one load. Never mutated: a reload builds a new one and swaps it in."""

    categories: dict[str, Category]
    entries: dict[str, Entry]
    places: list[Place]
    synonyms: list[list[str]]
    origins: dict[str, Origin]
    files: dict[str, str]
    contents: dict[str, KnowledgeFile]
    version: str

    def entries_in(self, category_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.category == category_id]

    def file_of(self, entry_id: str) -> str | None:
        origin = self.origins.get(entry_id)
        return origin.file if origin else None

    def is_stale(self, entry: Entry, today: dt.date, stale_after_days: int) -> bool:
        """Never verified, or verified longer ago than the threshold."""
        return entry.verified is None or (today - entry.verified).days > stale_after_days
