"""Registration through single-use, expiring, rate-limited invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.database import Database
from bot.storage.users import INVITE_TTL, MAX_FAILED_STARTS_PER_HOUR, Redeem, Role, UserStore

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def users(tmp_path: Path) -> AsyncIterator[UserStore]:
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield UserStore(db, frozenset({1}))
    await db.close()


async def test_admins_from_settings_are_registered_and_cannot_be_removed(
    users: UserStore,
) -> None:
    await users.ensure_admins(NOW)
    admin = await users.get(1)
    assert admin is not None and admin.role is Role.ADMIN
    assert not await users.remove(1)


async def test_invite_registers_once_with_its_role(users: UserStore) -> None:
    code = await users.create_invite(Role.LEAD, created_by=1, now=NOW)
    assert len(code) >= 22  # 128 bits, URL-safe
    result = await users.redeem(code, 7, NOW + dt.timedelta(hours=1), "Neue Leitung")
    assert result.result is Redeem.OK and result.role is Role.LEAD
    user = await users.get(7)
    assert user is not None and user.role is Role.LEAD and user.display_name == "Neue Leitung"
    again = await users.redeem(code, 8, NOW + dt.timedelta(hours=2))
    assert again.result is Redeem.USED
    assert await users.get(8) is None


async def test_expired_and_unknown_codes_are_refused(users: UserStore) -> None:
    code = await users.create_invite(Role.CASEWORKER, created_by=1, now=NOW)
    late = await users.redeem(code, 9, NOW + INVITE_TTL + dt.timedelta(seconds=1))
    assert late.result is Redeem.EXPIRED
    assert (await users.redeem("not-a-code", 9, NOW)).result is Redeem.UNKNOWN
    assert await users.get(9) is None


async def test_guessing_is_rate_limited(users: UserStore) -> None:
    code = await users.create_invite(Role.CASEWORKER, created_by=1, now=NOW)
    for attempt in range(MAX_FAILED_STARTS_PER_HOUR):
        result = await users.redeem(f"guess{attempt}", 66, NOW)
        assert result.result is Redeem.UNKNOWN
    blocked = await users.redeem(code, 66, NOW)  # even the right code, for now
    assert blocked.result is Redeem.TOO_MANY_ATTEMPTS
    later = await users.redeem(code, 66, NOW + dt.timedelta(hours=1, seconds=1))
    assert later.result is Redeem.OK


async def test_place_and_removal(users: UserStore) -> None:
    await users.add(5, Role.CASEWORKER, NOW, display_name="Fallmanagerin")
    await users.set_place(5, "Hausach")
    user = await users.get(5)
    assert user is not None and user.place == "Hausach"
    assert await users.remove(5)
    assert await users.get(5) is None
    assert not await users.remove(5)


async def test_invitations_of_a_removed_or_demoted_lead_register_nobody(
    users: UserStore,
) -> None:
    await users.add(20, Role.LEAD, NOW)
    await users.add(21, Role.LEAD, NOW)
    removed = await users.create_invite(Role.LEAD, created_by=20, now=NOW)
    demoted = await users.create_invite(Role.CASEWORKER, created_by=21, now=NOW)
    kept = await users.create_invite(Role.CASEWORKER, created_by=21, now=NOW)
    assert (await users.redeem(kept, 30, NOW)).result is Redeem.OK  # still a lead: works
    assert await users.remove(20)
    await users.add(21, Role.CASEWORKER, NOW)
    assert (await users.redeem(removed, 31, NOW)).result is Redeem.UNKNOWN
    assert (await users.redeem(demoted, 32, NOW)).result is Redeem.UNKNOWN
    assert await users.get(31) is None and await users.get(32) is None
