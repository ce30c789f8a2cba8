"""The question log and feedback, for the gap and usage reports; deleted after retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, timestamp


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    asked_at: str
    user_id: int
    question: str
    outcome: str
    top_id: str | None
    latency_ms: float


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        *,
        now: dt.datetime,
        user_id: int,
        question: str,
        outcome: str,
        top_id: str | None,
        latency_ms: float,
    ) -> None:
        """Store one question in its normalised form (no original spelling, no chat)."""
        await self.db.execute(
            "INSERT INTO questions (asked_at, user_id, question, outcome, top_id, latency_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (timestamp(now), user_id, question, outcome, top_id, round(latency_ms, 3)),
            durable=False,
        )

    async def record_feedback(
        self,
        *,
        now: dt.datetime,
        user_id: int,
        entry_id: str,
        helpful: bool,
        question: str | None = None,
    ) -> None:
        """👍/👎 on an answer; ``question`` is the normalised question it answered, if known."""
        await self.db.execute(
            "INSERT INTO feedback (given_at, user_id, entry_id, helpful, question) "
            "VALUES (?, ?, ?, ?, ?)",
            (timestamp(now), user_id, entry_id, int(helpful), question),
            durable=False,
        )

    async def since(self, moment: dt.datetime) -> list[LoggedQuestion]:
        rows = await self.db.fetchall(
            "SELECT asked_at, user_id, question, outcome, top_id, latency_ms FROM questions "
            "WHERE asked_at >= ? ORDER BY asked_at",
            (timestamp(moment),),
        )
        return [LoggedQuestion(*tuple(r)) for r in rows]

    async def unanswered_since(self, moment: dt.datetime) -> list[LoggedQuestion]:
        return [q for q in await self.since(moment) if q.outcome == "none"]

    async def unhelpful_since(self, moment: dt.datetime) -> list[tuple[str, str | None]]:
        """(entry id, question) of every 👎 since ``moment``."""
        rows = await self.db.fetchall(
            "SELECT entry_id, question FROM feedback WHERE helpful = 0 AND given_at >= ? "
            "ORDER BY given_at",
            (timestamp(moment),),
        )
        return [(str(r[0]), r[1]) for r in rows]

    async def purge(self, before: dt.datetime) -> int:
        """Delete questions and feedback older than ``before``; returns the questions deleted."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM questions WHERE asked_at < ?", (timestamp(before),)
        )
        await self.db.execute("DELETE FROM questions WHERE asked_at < ?", (timestamp(before),))
        await self.db.execute("DELETE FROM feedback WHERE given_at < ?", (timestamp(before),))
        return int(row[0]) if row else 0
