"""Escalations, durably: stored, alerted through an outbox, reminded, taken, resolved.

Every change is one SQLite transaction that also writes the audit trail and, where someone
must be told, an outbox row. Delivery reads the outbox and retries with backoff until
Telegram accepts the message, also after a restart: the alert can be late, never lost.
Delivery is at-least-once: a row whose previous attempt may have reached Telegram (the bot
died or the request timed out mid-way) is sent again *marked* as a possible duplicate.

Some failures are permanent (Telegram: "chat not found", "bot was kicked"): retrying would
only hide them. Such a row is given up at once (``delivered_at`` set, ``message_id`` NULL,
``last_error`` says why); when it was meant for the leads' group, the admins get the alert
in their private chats instead, in the same delivery run (:attr:`Purpose.FALLBACK`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiosqlite

from bot import logs
from bot.clock import Clock
from bot.escalations.model import AuditEvent, Escalation, EscalationReport, Kind, Status, Urgency
from bot.storage.database import Database, from_timestamp, timestamp

log = logging.getLogger(__name__)

BACKOFF_FIRST = dt.timedelta(seconds=2)
BACKOFF_MAX = dt.timedelta(minutes=5)
OUTBOX_BATCH = 20


class Purpose(enum.StrEnum):
    """Why an outbox message is sent; decides its text and buttons."""

    ALERT = "alert"  # to the leads: a new escalation
    REMINDER = "reminder"  # to the leads: still not taken
    ADMIN_ALERT = "admin-alert"  # to each admin: reminders ran out
    FALLBACK = "lead-chat-fallback"  # to each admin: the leads' group cannot be reached
    TAKEN = "taken"  # to the reporter: a lead took it
    RESOLVED = "resolved"  # to the reporter: done


_ALERTS = frozenset({Purpose.ALERT, Purpose.REMINDER, Purpose.ADMIN_ALERT, Purpose.FALLBACK})


class Change(enum.Enum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY_TAKEN = "already_taken"
    ALREADY_RESOLVED = "already_resolved"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One outbox row to deliver."""

    id: int
    escalation: Escalation
    purpose: Purpose
    chat_id: int
    redelivery: bool


class DeliveryError(Exception):
    """Sending failed. ``maybe_delivered``: the request may have reached Telegram.

    ``permanent``: sending it again cannot succeed (the chat does not exist, the bot was
    removed or blocked); the row is given up instead of retried.
    """

    def __init__(
        self,
        message: str,
        *,
        maybe_delivered: bool = False,
        retry_after: float = 0.0,
        permanent: bool = False,
    ) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered
        self.retry_after = retry_after  # Telegram's flood control asked to wait this long
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Reach:
    """Who an escalation's alert reached so far, for the reporter's confirmation.

    ``group``: the leads' group's alert (``None`` without a group): "delivered", "pending"
    (being retried) or "failed" (given up). ``direct``: alerts in private chats delivered,
    ``direct_pending`` still being retried, ``direct_failed`` given up.
    """

    group: str | None
    direct: int
    direct_pending: int
    direct_failed: int

    @property
    def anyone(self) -> bool:
        return self.group == "delivered" or self.direct > 0

    @property
    def nobody(self) -> bool:
        """Nobody was reached, and nothing is being retried: nobody will be told."""
        return not self.anyone and self.direct_pending == 0 and self.group != "pending"


Send = Callable[[Outgoing], Awaitable[int]]  # returns the Telegram message id


@dataclass(frozen=True)
class EscalationSettings:
    lead_chat_id: int | None
    reminder_after: dt.timedelta = dt.timedelta(minutes=10)
    max_reminders: int = 3
    retention: dt.timedelta = dt.timedelta(days=365)


class EscalationService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: EscalationSettings,
        recipients: Callable[[], Awaitable[tuple[list[int], list[int]]]],
    ) -> None:
        """``recipients`` returns (lead and admin user ids, admin user ids) at call time."""
        self.db = db
        self.clock = clock
        self.settings = settings
        self._recipients = recipients
        self._delivering = asyncio.Lock()
        self._requeued = False  # a delivery run queued fallbacks: run once more

    # -- reporting ---------------------------------------------------------------------------

    async def create(self, report: EscalationReport, reporter_name: str) -> Escalation:
        """Store the report and its alerts in one durable transaction."""
        now = self.clock.now()
        targets = await self._lead_targets()
        async with self.db.transaction() as db:
            cursor = await db.execute(
                """
                INSERT INTO escalations (created_at, reporter_id, reporter_name, kind,
                    urgency, place, team, description, last_alert_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    timestamp(now),
                    report.reporter_id,
                    reporter_name,
                    report.kind.value,
                    report.urgency.value,
                    report.place,
                    report.team,
                    report.description,
                    timestamp(now),
                ),
            )
            escalation_id = cursor.lastrowid
            assert escalation_id is not None
            await _audit(db, escalation_id, now, report.reporter_id, reporter_name, "created")
            for chat_id in targets:
                await _enqueue(db, escalation_id, Purpose.ALERT, chat_id, now)
        created = await self.get(escalation_id)
        assert created is not None
        return created

    async def _lead_targets(self) -> list[int]:
        """The lead group, or every lead and admin directly when no group is configured."""
        if self.settings.lead_chat_id is not None:
            return [self.settings.lead_chat_id]
        leads, _admins = await self._recipients()
        return leads

    async def fallback_targets(self) -> list[int]:
        """Who gets the leads' alerts when their group cannot be reached: the admins (every
        lead if there is no admin)."""
        leads, admins = await self._recipients()
        return admins or leads

    # -- reading -----------------------------------------------------------------------------

    async def get(self, escalation_id: int) -> Escalation | None:
        row = await self.db.fetchone("SELECT * FROM escalations WHERE id = ?", (escalation_id,))
        return _escalation(row) if row else None

    async def open_escalations(self, reporter_id: int | None = None) -> list[Escalation]:
        """Not yet resolved, newest first; only ``reporter_id``'s own when given."""
        sql = "SELECT * FROM escalations WHERE status != 'resolved'"
        parameters: list[object] = []
        if reporter_id is not None:
            sql += " AND reporter_id = ?"
            parameters.append(reporter_id)
        rows = await self.db.fetchall(sql + " ORDER BY id DESC", parameters)
        return [_escalation(r) for r in rows]

    async def between(self, since: dt.datetime, until: dt.datetime) -> list[Escalation]:
        rows = await self.db.fetchall(
            "SELECT * FROM escalations WHERE created_at >= ? AND created_at < ? ORDER BY id",
            (timestamp(since), timestamp(until)),
        )
        return [_escalation(r) for r in rows]

    async def history(self, escalation_id: int) -> list[AuditEvent]:
        rows = await self.db.fetchall(
            "SELECT at, actor_id, actor_name, action, detail FROM audit "
            "WHERE escalation_id = ? ORDER BY id",
            (escalation_id,),
        )
        return [
            AuditEvent(
                from_timestamp(r["at"]), r["actor_id"], r["actor_name"], r["action"], r["detail"]
            )
            for r in rows
        ]

    async def alert_messages(self, escalation_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of every delivered alert, to update them in place."""
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM outbox WHERE escalation_id = ? AND purpose IN "
            "('alert', 'reminder', 'admin-alert', 'lead-chat-fallback') "
            "AND message_id IS NOT NULL ORDER BY id",
            (escalation_id,),
        )
        return [(int(r["chat_id"]), int(r["message_id"])) for r in rows]

    async def reach(self, escalation_id: int) -> Reach:
        """Whom the escalation's first alert reached (group, private chats), and what is open."""
        rows = await self.db.fetchall(
            "SELECT chat_id, delivered_at, message_id FROM outbox WHERE escalation_id = ? "
            "AND purpose IN ('alert', 'lead-chat-fallback') ORDER BY id",
            (escalation_id,),
        )
        group: str | None = None
        direct = direct_pending = direct_failed = 0
        lead_chat = self.settings.lead_chat_id
        for row in rows:
            if row["delivered_at"] is None:
                state = "pending"
            elif row["message_id"] is None:
                state = "failed"
            else:
                state = "delivered"
            if lead_chat is not None and int(row["chat_id"]) == lead_chat:
                group = state
            elif state == "delivered":
                direct += 1
            elif state == "pending":
                direct_pending += 1
            else:
                direct_failed += 1
        if lead_chat is not None and group is None:
            group = "pending"
        return Reach(group, direct, direct_pending, direct_failed)

    # -- leads act ---------------------------------------------------------------------------

    async def take(self, escalation_id: int, actor_id: int, actor_name: str) -> Change:
        now = self.clock.now()
        async with self.db.transaction() as db:
            row = await _fetch(db, escalation_id)
            if row is None:
                return Change.NOT_FOUND
            if row["status"] == Status.RESOLVED:
                return Change.ALREADY_RESOLVED
            if row["status"] == Status.TAKEN:
                return Change.ALREADY_TAKEN
            await db.execute(
                "UPDATE escalations SET status = 'taken', taken_by = ?, taken_by_name = ?, "
                "taken_at = ? WHERE id = ?",
                (actor_id, actor_name, timestamp(now), escalation_id),
            )
            await _audit(db, escalation_id, now, actor_id, actor_name, "taken")
            await _enqueue(db, escalation_id, Purpose.TAKEN, int(row["reporter_id"]), now)
        return Change.OK

    async def resolve(self, escalation_id: int, actor_id: int, actor_name: str) -> Change:
        now = self.clock.now()
        async with self.db.transaction() as db:
            row = await _fetch(db, escalation_id)
            if row is None:
                return Change.NOT_FOUND
            if row["status"] == Status.RESOLVED:
                return Change.ALREADY_RESOLVED
            taken = row["taken_by"] is not None
            await db.execute(
                "UPDATE escalations SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
                "taken_by = COALESCE(taken_by, ?), taken_by_name = COALESCE(taken_by_name, ?), "
                "taken_at = COALESCE(taken_at, ?) WHERE id = ?",
                (actor_id, timestamp(now), actor_id, actor_name, timestamp(now), escalation_id),
            )
            if not taken:
                await _audit(db, escalation_id, now, actor_id, actor_name, "taken")
            await _audit(db, escalation_id, now, actor_id, actor_name, "resolved")
            await _enqueue(db, escalation_id, Purpose.RESOLVED, int(row["reporter_id"]), now)
        return Change.OK

    async def set_outcome(
        self, escalation_id: int, actor_id: int, actor_name: str, outcome: str
    ) -> Change:
        """The optional one-line outcome after resolving (kept only as long as descriptions)."""
        now = self.clock.now()
        async with self.db.transaction() as db:
            row = await _fetch(db, escalation_id)
            if row is None or row["status"] != Status.RESOLVED:
                return Change.NOT_FOUND
            await db.execute(
                "UPDATE escalations SET outcome = ? WHERE id = ?",
                (outcome.strip()[:300], escalation_id),
            )
            await _audit(db, escalation_id, now, actor_id, actor_name, "outcome")
        return Change.OK

    async def record_denied(self, escalation_id: int | None, actor_id: int, action: str) -> None:
        """A take/resolve from someone who may not: nothing changes, but it is on record."""
        log.warning("denied %s of escalation %s by user %s", action, escalation_id, actor_id)
        async with self.db.transaction() as db:
            await _audit(db, escalation_id, self.clock.now(), actor_id, None, "denied", action)

    # -- reminders and retention -------------------------------------------------------------

    async def schedule_reminders(self) -> int:
        """Queue reminders for acute escalations nobody took; then alert admins directly."""
        now = self.clock.now()
        due_before = timestamp(now - self.settings.reminder_after)
        rows = await self.db.fetchall(
            "SELECT id, reminders_sent, admins_alerted FROM escalations WHERE status = 'open' "
            "AND urgency = 'akut' AND admins_alerted = 0 AND last_alert_at <= ?",
            (due_before,),
        )
        if not rows:
            return 0
        targets = await self._lead_targets()
        _leads, admins = await self._recipients()
        queued = 0
        async with self.db.transaction() as db:
            for row in rows:
                escalation_id = int(row["id"])
                sent = int(row["reminders_sent"])
                if sent < self.settings.max_reminders:
                    for chat_id in targets:
                        await _enqueue(db, escalation_id, Purpose.REMINDER, chat_id, now)
                    await db.execute(
                        "UPDATE escalations SET reminders_sent = ?, last_alert_at = ? WHERE id = ?",
                        (sent + 1, timestamp(now), escalation_id),
                    )
                    await _audit(db, escalation_id, now, None, None, "reminded", str(sent + 1))
                else:
                    for admin_id in admins:
                        await _enqueue(db, escalation_id, Purpose.ADMIN_ALERT, admin_id, now)
                    await db.execute(
                        "UPDATE escalations SET admins_alerted = 1, last_alert_at = ? WHERE id = ?",
                        (timestamp(now), escalation_id),
                    )
                    await _audit(
                        db, escalation_id, now, None, None, "admins-alerted", str(len(admins))
                    )
                queued += 1
        return queued

    async def erase_expired(self) -> int:
        """Erase descriptions and outcomes of escalations resolved before the retention period.

        What remains (kind, town, team, times) is anonymous and keeps the statistics.
        """
        now = self.clock.now()
        cutoff = timestamp(now - self.settings.retention)
        async with self.db.transaction() as db:
            cursor = await db.execute(
                "SELECT id FROM escalations WHERE status = 'resolved' AND resolved_at < ? "
                "AND erased_at IS NULL",
                (cutoff,),
            )
            ids = [int(r[0]) for r in await cursor.fetchall()]
            for escalation_id in ids:
                await db.execute(
                    "UPDATE escalations SET description = NULL, outcome = NULL, erased_at = ? "
                    "WHERE id = ?",
                    (timestamp(now), escalation_id),
                )
                await _audit(db, escalation_id, now, None, None, "erased")
        return len(ids)

    # -- delivery ----------------------------------------------------------------------------

    async def deliver_due(self, send: Send) -> int:
        """Send every due outbox message; returns how many were delivered now."""
        if self._delivering.locked():
            return 0
        async with self._delivering:
            delivered = 0
            while True:
                self._requeued = False
                batch = await self._due()
                if not batch:
                    return delivered
                for item in batch:
                    if await self._deliver_one(item, send):
                        delivered += 1
                # Fallbacks for an unreachable group go out in this same run, at once.
                if len(batch) < OUTBOX_BATCH and not self._requeued:
                    return delivered

    async def pending(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
        return int(row[0]) if row else 0

    async def _due(self) -> list[Outgoing]:
        now = timestamp(self.clock.now())
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? "
            "ORDER BY id LIMIT ?",
            (now, OUTBOX_BATCH),
        )
        items = []
        for row in rows:
            escalation = await self.get(int(row["escalation_id"]))
            if escalation is None:
                continue
            items.append(
                Outgoing(
                    id=int(row["id"]),
                    escalation=escalation,
                    purpose=Purpose(row["purpose"]),
                    chat_id=int(row["chat_id"]),
                    # The last attempt may have reached Telegram: mark this one.
                    redelivery=row["in_flight_since"] is not None,
                )
            )
        return items

    async def _deliver_one(self, item: Outgoing, send: Send) -> bool:
        now = self.clock.now()
        # Recorded before sending, so a crash mid-send leads to a *marked* redelivery.
        await self.db.execute(
            "UPDATE outbox SET in_flight_since = ?, attempts = attempts + 1 WHERE id = ?",
            (timestamp(now), item.id),
        )
        try:
            message_id = await send(item)
        except DeliveryError as exc:
            if exc.permanent:
                await self._give_up(item, exc)
                return False
            row = await self.db.fetchone("SELECT attempts FROM outbox WHERE id = ?", (item.id,))
            attempts = int(row[0]) if row else 1
            delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempts - 1))
            delay = max(delay, dt.timedelta(seconds=exc.retry_after))
            log.warning(
                "outbox %s (escalation #%s, %s) failed, attempt %s, retry in %ss: %s",
                item.id,
                item.escalation.id,
                item.purpose.value,
                attempts,
                int(delay.total_seconds()),
                logs.redact(str(exc)),
            )
            await self.db.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = ?, "
                "in_flight_since = CASE WHEN ? THEN in_flight_since ELSE NULL END WHERE id = ?",
                (
                    timestamp(self.clock.now() + delay),
                    _error_text(exc),
                    exc.maybe_delivered,
                    item.id,
                ),
            )
            return False
        now = self.clock.now()
        async with self.db.transaction() as db:
            await db.execute(
                "UPDATE outbox SET delivered_at = ?, message_id = ?, in_flight_since = NULL, "
                "redelivered = ? WHERE id = ?",
                (timestamp(now), message_id, int(item.redelivery), item.id),
            )
            if item.purpose in _ALERTS:
                detail = f"{item.purpose.value} chat {item.chat_id}"
                await _audit(db, item.escalation.id, now, None, None, "notified", detail)
        return True

    async def _give_up(self, item: Outgoing, exc: DeliveryError) -> None:
        """A permanent failure: settle the row now; the group's alert goes to the admins."""
        now = self.clock.now()
        to_group = (
            self.settings.lead_chat_id is not None
            and item.chat_id == self.settings.lead_chat_id
            and item.purpose in (Purpose.ALERT, Purpose.REMINDER)
        )
        targets = await self.fallback_targets() if to_group else []
        async with self.db.transaction() as db:
            await db.execute(
                "UPDATE outbox SET delivered_at = ?, message_id = NULL, in_flight_since = NULL, "
                "last_error = ? WHERE id = ?",
                (timestamp(now), _error_text(exc, "undeliverable: "), item.id),
            )
            if item.purpose in _ALERTS:
                detail = f"{item.purpose.value} chat {item.chat_id}"
                await _audit(db, item.escalation.id, now, None, None, "undeliverable", detail)
            if to_group:
                # The admins get what the group should have got: the alert (marked as such)
                # or the reminder, in their private chats, now.
                purpose = Purpose.FALLBACK if item.purpose is Purpose.ALERT else Purpose.REMINDER
                for chat_id in targets:
                    await _enqueue(db, item.escalation.id, purpose, chat_id, now)
                await _audit(
                    db, item.escalation.id, now, None, None, "lead-chat-fallback", str(len(targets))
                )
        if targets:
            self._requeued = True
        log.error(
            "outbox %s (escalation #%s, %s) cannot be delivered to chat %s: %s%s",
            item.id,
            item.escalation.id,
            item.purpose.value,
            item.chat_id,
            logs.redact(str(exc)),
            f"; sent to {len(targets)} admins directly instead" if to_group else "; given up",
        )


def _error_text(exc: DeliveryError, prefix: str = "") -> str:
    """What ``last_error`` keeps: short, and without any secret (backups hold it too)."""
    return (prefix + logs.redact(str(exc)))[:500]


async def _fetch(db: aiosqlite.Connection, escalation_id: int) -> aiosqlite.Row | None:
    cursor = await db.execute("SELECT * FROM escalations WHERE id = ?", (escalation_id,))
    return await cursor.fetchone()


async def _audit(
    db: aiosqlite.Connection,
    escalation_id: int | None,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str | None,
    action: str,
    detail: str | None = None,
) -> None:
    """Append to the audit trail. Never free text from users: it would outlive retention."""
    await db.execute(
        "INSERT INTO audit (escalation_id, at, actor_id, actor_name, action, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (escalation_id, timestamp(at), actor_id, actor_name, action, detail),
    )


async def _enqueue(
    db: aiosqlite.Connection, escalation_id: int, purpose: Purpose, chat_id: int, now: dt.datetime
) -> None:
    await db.execute(
        "INSERT INTO outbox (escalation_id, purpose, chat_id, created_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (escalation_id, purpose.value, chat_id, timestamp(now), timestamp(now)),
    )


def _optional_time(value: str | None) -> dt.datetime | None:
    return from_timestamp(value) if value else None


def _escalation(row: aiosqlite.Row) -> Escalation:
    return Escalation(
        id=int(row["id"]),
        created_at=from_timestamp(row["created_at"]),
        reporter_id=int(row["reporter_id"]),
        reporter_name=str(row["reporter_name"]),
        kind=Kind(row["kind"]),
        urgency=Urgency(row["urgency"]),
        place=row["place"],
        team=row["team"],
        description=row["description"],
        status=Status(row["status"]),
        taken_by=row["taken_by"],
        taken_by_name=row["taken_by_name"],
        taken_at=_optional_time(row["taken_at"]),
        resolved_by=row["resolved_by"],
        resolved_at=_optional_time(row["resolved_at"]),
        outcome=row["outcome"],
        reminders_sent=int(row["reminders_sent"]),
        last_alert_at=from_timestamp(row["last_alert_at"]),
        admins_alerted=bool(row["admins_alerted"]),
    )


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
