"""The SQLite file: WAL, durable commits, and migrations that upgrade an older file in place."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.storage.database import Database, StorageError
from bot.storage.migrations import MIGRATIONS
from bot.storage.users import Role, UserStore

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


async def test_new_database_is_wal_and_current(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "sub" / "bot.sqlite3")
    try:
        assert await db.version() == len(MIGRATIONS)
        mode = await db.fetchone("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
        sync = await db.fetchone("PRAGMA synchronous")
        assert sync is not None and sync[0] == 2  # FULL
    finally:
        await db.close()


async def test_an_older_file_is_upgraded_in_place_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, MIGRATIONS[:1])
    await old.execute(
        "INSERT INTO users (user_id, role, display_name, created_at) VALUES (?, ?, ?, ?)",
        (42, "lead", "Alte Leitung", NOW.isoformat()),
    )
    assert await old.version() == 1
    await old.close()

    db = await Database.open(path)
    try:
        assert await db.version() == len(MIGRATIONS)
        user = await UserStore(db).get(42)
        assert user is not None and user.role is Role.LEAD and user.display_name == "Alte Leitung"
        assert user.place is None  # column added by migration 2
    finally:
        await db.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


async def test_a_failing_migration_leaves_the_older_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    await (await Database.open(path, MIGRATIONS[:1])).close()
    broken = (*MIGRATIONS[:1], "CREATE TABLE ok (x INTEGER);\nTHIS IS NOT SQL;\n")
    with pytest.raises(Exception, match="syntax error"):
        await Database.open(path, broken)
    db = await Database.open(path, MIGRATIONS[:1])
    try:
        assert await db.version() == 1
        assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'ok'") is None
    finally:
        await db.close()


async def test_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    await db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    await db.close()
    with pytest.raises(StorageError, match="newer than this program"):
        await Database.open(path)


async def test_read_only_file_reports_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    await db.close()
    uri_db = await Database.open(path)
    await uri_db.execute("PRAGMA query_only = ON")
    try:
        with pytest.raises(StorageError):
            await uri_db.execute(
                "INSERT INTO users (user_id, role, created_at) VALUES (1, 'lead', 'x')"
            )
    finally:
        await uri_db.close()


async def test_a_cancelled_write_leaves_the_database_usable(tmp_path: Path) -> None:
    """Cancelling a write at any await (a timeout around it) must not wedge the connection."""
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        for _ in range(20):
            task = asyncio.ensure_future(
                db.execute(
                    "INSERT INTO users (user_id, role, created_at) VALUES (?, 'caseworker', 'x')",
                    (len(await db.fetchall("SELECT 1 FROM users")) + 1000,),
                )
            )
            await asyncio.sleep(0)  # let it reach BEGIN (or further), then cancel
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, StorageError):
                await task
        # The connection is not stuck inside a transaction: a new write commits.
        await db.execute(
            "INSERT INTO users (user_id, role, created_at) VALUES (1, 'lead', ?)",
            (NOW.isoformat(),),
        )
        assert await UserStore(db).get(1) is not None
    finally:
        await db.close()


async def test_writes_that_may_skip_the_fsync_and_durable_ones_mix(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        await db.execute(
            "INSERT INTO users (user_id, role, created_at) VALUES (1, 'lead', 'x')", durable=False
        )
        sync = await db.fetchone("PRAGMA synchronous")
        assert sync is not None and sync[0] == 1  # NORMAL for that write
        await db.execute("INSERT INTO users (user_id, role, created_at) VALUES (2, 'lead', 'x')")
        sync = await db.fetchone("PRAGMA synchronous")
        assert sync is not None and sync[0] == 2  # back to FULL
        assert len(await db.fetchall("SELECT * FROM users")) == 2
    finally:
        await db.close()
