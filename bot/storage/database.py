"""The SQLite database: one file, WAL mode, schema versioned by ordered migrations.

``PRAGMA user_version`` holds the number of applied migrations. Opening an older file applies
the missing ones in place, each in its own transaction, so an interrupted upgrade leaves a
consistent older version behind. ``synchronous=FULL`` makes every commit durable before we
tell anyone "saved".
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Sequence
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.storage.migrations import MIGRATIONS

T = TypeVar("T")
log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The database cannot be written (read-only file, full disk, …)."""


class Database:
    """A single aiosqlite connection; every write holds its lock (:meth:`transaction` for
    several statements, :meth:`execute` for one), so none lands inside another's transaction.
    """

    def __init__(self, path: Path, connection: aiosqlite.Connection) -> None:
        self.path = path
        self._connection = connection
        # One connection serves every coroutine: transactions must not interleave.
        self._lock = asyncio.Lock()
        self._durable = True  # synchronous=FULL, as set in open()

    @classmethod
    async def open(
        cls, path: Path, migrations: Sequence[str] = MIGRATIONS, *, create_folder: bool = True
    ) -> Database:
        """Open (creating if needed) and upgrade the database at ``path``.

        The file is readable by its owner only (0600), and so are SQLite's ``-wal`` and
        ``-shm`` files, which SQLite creates with the database file's permissions. Without
        ``create_folder`` a missing folder is a :class:`FileNotFoundError`.
        """
        if create_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        private_file(path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        try:
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA synchronous=FULL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            database = cls(path, connection)
            await database._migrate(migrations)
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._connection.close()

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self, migrations: Sequence[str]) -> None:
        current = await self.version()
        if current > len(migrations):
            raise StorageError(
                f"{self.path} has schema version {current}, newer than this program "
                f"({len(migrations)}); refusing to touch it"
            )
        for number, script in enumerate(migrations[current:], start=current + 1):
            # executescript would commit on its own; run statements inside one transaction.
            async with self.transaction() as db:
                for statement in _statements(script):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")

    @contextlib.asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any error or cancellation.

        ``durable=False`` is for data whose last seconds may be lost in a power cut (question
        log, activity): its commit skips the fsync (WAL with synchronous=NORMAL keeps the
        file consistent); the next durable commit makes it durable too.
        """
        async with self._lock:
            await self._set_durable(durable)
            try:
                # Shielded: a cancelled BEGIN may still run in aiosqlite's thread and would
                # leave the connection inside a transaction that nobody ends.
                await _uncancellable(self._connection.execute("BEGIN IMMEDIATE"))
            except aiosqlite.OperationalError as exc:
                raise StorageError(str(exc)) from exc
            except asyncio.CancelledError:
                with contextlib.suppress(aiosqlite.Error):  # the BEGIN did run: end it
                    await _uncancellable(self._connection.execute("ROLLBACK"))
                raise
            try:
                yield self._connection
            except BaseException:
                with contextlib.suppress(aiosqlite.Error):
                    await _uncancellable(self._connection.execute("ROLLBACK"))
                raise
            try:
                await _uncancellable(self._connection.execute("COMMIT"))
            except aiosqlite.Error as exc:
                with contextlib.suppress(aiosqlite.Error):
                    await _uncancellable(self._connection.execute("ROLLBACK"))
                raise StorageError(str(exc)) from exc

    async def _set_durable(self, durable: bool) -> None:
        """Switch ``synchronous`` for the next commit (with the lock held)."""
        if durable != self._durable:
            level = "FULL" if durable else "NORMAL"
            await _uncancellable(self._connection.execute(f"PRAGMA synchronous={level}"))
            self._durable = durable

    async def execute(
        self, sql: str, parameters: Sequence[object] = (), *, durable: bool = True
    ) -> int:
        """One write statement, atomic and committed on its own; returns the last row id.

        SQLite commits a statement outside ``BEGIN`` by itself (the connection is in
        autocommit mode), as durably as ``synchronous`` says, so this is one trip to
        aiosqlite's thread instead of three (BEGIN, the statement, COMMIT): on one core
        each trip is a thread switch and a wake-up of the event loop. A write cancelled
        while it runs may still commit, as it might have with COMMIT already sent.
        """
        try:
            async with self._lock:  # not in the middle of someone's transaction
                await self._set_durable(durable)
                cursor = await self._connection.execute(sql, parameters)
                return cursor.lastrowid or 0
        except (aiosqlite.OperationalError, aiosqlite.DatabaseError) as exc:
            raise StorageError(str(exc)) from exc

    async def fetchone(self, sql: str, parameters: Sequence[object] = ()) -> aiosqlite.Row | None:
        """The first row; for look-ups of one row (all rows are read in one trip)."""
        rows = await self._connection.execute_fetchall(sql, parameters)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, parameters: Sequence[object] = ()) -> list[aiosqlite.Row]:
        # One trip to aiosqlite's thread instead of three (execute, fetch, close the cursor).
        return list(await self._connection.execute_fetchall(sql, parameters))


async def _uncancellable(operation: Awaitable[T]) -> T:
    """Finish ``operation`` even if the caller is cancelled; then pass the cancellation on."""
    task = asyncio.ensure_future(operation)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing; narrow an existing file to 0600.

    The database holds names, questions and escalations: nobody but the bot's user may read
    it, nor its WAL, nor a backup.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:  # another owner, a read-only file system
            log.warning("cannot make %s private: %s", file, exc.strerror or exc)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def timestamp(moment: dt.datetime) -> str:
    """Stored times: ISO 8601 in UTC, so they sort and compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def from_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
