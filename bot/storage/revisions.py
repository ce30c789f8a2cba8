"""Knowledge revisions: who changed which file when, with the full old and new content.

A revision is written as *pending* before the file is replaced and marked *applied* after,
so a crash in between is detected at the next start (see
:meth:`bot.knowledge.manager.KnowledgeManager.recover`) and never leaves a half-applied
change unnoticed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.storage.database import Database, from_timestamp, timestamp


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    source: str
    file: str
    old_content: str | None
    new_content: str | None
    summary: str
    state: str


class RevisionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def begin(
        self,
        *,
        now: dt.datetime,
        actor_id: int | None,
        actor_name: str | None,
        source: str,
        file: str,
        old_content: str | None,
        new_content: str | None,
        summary: str,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO revisions (at, actor_id, actor_name, source, file, old_content, "
            "new_content, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (timestamp(now), actor_id, actor_name, source, file, old_content, new_content, summary),
        )

    async def finish(self, revision_id: int, applied: bool) -> None:
        await self.db.execute(
            "UPDATE revisions SET state = ? WHERE id = ?",
            ("applied" if applied else "failed", revision_id),
        )

    async def get(self, revision_id: int) -> Revision | None:
        row = await self.db.fetchone("SELECT * FROM revisions WHERE id = ?", (revision_id,))
        return _revision(row) if row else None

    async def recent(self, limit: int = 10) -> list[Revision]:
        rows = await self.db.fetchall(
            "SELECT * FROM revisions WHERE state = 'applied' ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [_revision(r) for r in rows]

    async def pending(self) -> list[Revision]:
        rows = await self.db.fetchall("SELECT * FROM revisions WHERE state = 'pending'")
        return [_revision(r) for r in rows]


def _revision(row: aiosqlite.Row) -> Revision:
    return Revision(
        id=int(row["id"]),
        at=from_timestamp(row["at"]),
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        source=str(row["source"]),
        file=str(row["file"]),
        old_content=row["old_content"],
        new_content=row["new_content"],
        summary=str(row["summary"]),
        state=str(row["state"]),
    )
