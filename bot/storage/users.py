"""Registered people, their roles, towns and invitations.

Only registered people see anything. Invitation codes are random (128 bits), stored only as
a hash, single-use, expire after 72 hours, and redeeming is rate-limited per Telegram user so
codes cannot be guessed.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

import aiosqlite

from bot.storage.database import Database, from_timestamp, timestamp

INVITE_TTL = dt.timedelta(hours=72)
MAX_FAILED_STARTS_PER_HOUR = 5
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=5)


class Role(enum.StrEnum):
    CASEWORKER = "caseworker"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"caseworker": 0, "lead": 1, "admin": 2}[self.value]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    role: Role
    display_name: str
    place: str | None
    created_at: dt.datetime
    last_seen: dt.datetime | None

    @property
    def is_lead(self) -> bool:
        return self.role.at_least(Role.LEAD)


class Redeem(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


@dataclass(frozen=True, slots=True)
class Redemption:
    result: Redeem
    role: Role | None = None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class UserStore:
    def __init__(self, db: Database, admin_ids: frozenset[int] = frozenset()) -> None:
        self.db = db
        self.admin_ids = admin_ids
        self._touched: dict[int, dt.datetime] = {}

    async def ensure_admins(self, now: dt.datetime) -> None:
        """Admins named in the settings are registered as admins at start-up."""
        for user_id in sorted(self.admin_ids):
            await self.add(user_id, Role.ADMIN, now, display_name="")

    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return _user(row)

    async def add(
        self,
        user_id: int,
        role: Role,
        now: dt.datetime,
        *,
        display_name: str = "",
        invited_by: int | None = None,
    ) -> User:
        """Register ``user_id`` with ``role`` (or change the role of a registered user)."""
        await self.db.execute(
            """
            INSERT INTO users (user_id, role, display_name, created_at, invited_by)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                role = excluded.role,
                display_name = CASE WHEN excluded.display_name != ''
                    THEN excluded.display_name ELSE users.display_name END
            """,
            (user_id, role.value, display_name, timestamp(now), invited_by),
        )
        user = await self.get(user_id)
        assert user is not None
        return user

    async def remove(self, user_id: int) -> bool:
        """Unregister; the person then gets nothing but the refusal."""
        if user_id in self.admin_ids:
            return False
        row = await self.db.fetchone("SELECT 1 FROM users WHERE user_id = ?", (user_id,))
        if row is None:
            return False
        await self.db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        self._touched.pop(user_id, None)
        return True

    async def all(self) -> list[User]:
        rows = await self.db.fetchall("SELECT * FROM users ORDER BY display_name, user_id")
        # Highest role first (the roles do not sort by rank as text).
        return sorted((_user(r) for r in rows), key=lambda u: -u.role.rank)

    async def with_role_at_least(self, role: Role) -> list[User]:
        return [u for u in await self.all() if u.role.at_least(role)]

    async def set_place(self, user_id: int, place: str | None) -> None:
        await self.db.execute("UPDATE users SET place = ? WHERE user_id = ?", (place, user_id))

    async def touch(self, user: User, now: dt.datetime, display_name: str = "") -> None:
        """Record activity, at most every few minutes per user (each write is an fsync)."""
        last = self._touched.get(user.user_id)
        if last is not None and now - last < LAST_SEEN_RESOLUTION:
            return
        self._touched[user.user_id] = now
        await self.db.execute(
            "UPDATE users SET last_seen = ?, display_name = CASE WHEN ? != '' THEN ? "
            "ELSE display_name END WHERE user_id = ?",
            (timestamp(now), display_name, display_name, user.user_id),
            durable=False,
        )

    # -- invitations -----------------------------------------------------------------------

    async def create_invite(self, role: Role, created_by: int, now: dt.datetime) -> str:
        """A new single-use code; only its hash is stored."""
        code = secrets.token_urlsafe(16)
        await self.db.execute(
            "INSERT INTO invites (code_hash, role, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (_hash(code), role.value, created_by, timestamp(now), timestamp(now + INVITE_TTL)),
        )
        return code

    async def redeem(
        self, code: str, user_id: int, now: dt.datetime, display_name: str = ""
    ) -> Redemption:
        """Register ``user_id`` with the invite's role, once; failures are rate-limited."""
        since = timestamp(now - dt.timedelta(hours=1))
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM start_attempts WHERE user_id = ? AND attempted_at > ?",
            (user_id, since),
        )
        if row is not None and row[0] >= MAX_FAILED_STARTS_PER_HOUR:
            return Redemption(Redeem.TOO_MANY_ATTEMPTS)
        async with self.db.transaction() as db:
            cursor = await db.execute("SELECT * FROM invites WHERE code_hash = ?", (_hash(code),))
            invite = await cursor.fetchone()
            result = Redeem.OK
            if invite is None:
                result = Redeem.UNKNOWN
            elif invite["used_by"] is not None:
                result = Redeem.USED
            elif from_timestamp(invite["expires_at"]) <= now:
                result = Redeem.EXPIRED
            elif invite["created_by"] not in self.admin_ids and not await _may_still_invite(
                db, invite["created_by"], Role(invite["role"])
            ):
                # The inviter was removed or demoted since: their open codes die with it.
                result = Redeem.UNKNOWN
            if result is not Redeem.OK:
                await db.execute(
                    "INSERT INTO start_attempts (user_id, attempted_at) VALUES (?, ?)",
                    (user_id, timestamp(now)),
                )
                return Redemption(result)
            assert invite is not None
            role = Role(invite["role"])
            await db.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code_hash = ?",
                (user_id, timestamp(now), invite["code_hash"]),
            )
            await db.execute(
                """
                INSERT INTO users (user_id, role, display_name, created_at, invited_by, last_seen)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET role = excluded.role
                """,
                (
                    user_id,
                    role.value,
                    display_name,
                    timestamp(now),
                    invite["created_by"],
                    timestamp(now),  # registering is activity: /nutzer shows it
                ),
            )
        return Redemption(Redeem.OK, role)

    async def purge_attempts(self, before: dt.datetime) -> None:
        await self.db.execute(
            "DELETE FROM start_attempts WHERE attempted_at < ?", (timestamp(before),)
        )


async def _may_still_invite(db: aiosqlite.Connection, inviter: int, role: Role) -> bool:
    """True if ``inviter`` is still registered and could still grant ``role``."""
    cursor = await db.execute("SELECT role FROM users WHERE user_id = ?", (inviter,))
    row = await cursor.fetchone()
    if row is None:
        return False
    current = Role(row["role"])
    return current.at_least(Role.LEAD) and (current is Role.ADMIN or role is not Role.ADMIN)


def _user(row: aiosqlite.Row) -> User:
    return User(
        user_id=int(row["user_id"]),
        role=Role(row["role"]),
        display_name=str(row["display_name"]),
        place=row["place"],
        created_at=from_timestamp(row["created_at"]),
        last_seen=from_timestamp(row["last_seen"]) if row["last_seen"] else None,
    )
