"""The bot under load: its database seeded, ``python -m bot run`` pinned to one core, /proc.

CPU and memory come from ``/proc/<pid>/stat`` and ``/proc/<pid>/status`` of the bot process
(all its threads, e.g. aiosqlite's), so the figures are the bot's alone, not the harness's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.storage.database import Database
from bot.storage.users import Role, UserStore

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# Every setting of the bot is removed from the inherited environment: nothing of the
# caller's shell leaks in (the bot runs in a temporary directory, so no .env either).
_SETTINGS = frozenset(name.upper() for name in Settings.model_fields)


@dataclass(frozen=True)
class Caseworker:
    user_id: int
    name: str
    place: str | None


async def seed_users(database: Path, caseworkers: Sequence[Caseworker]) -> None:
    """Register the simulated caseworkers (and their towns) with the bot's own user store.

    The same code as ``python -m bot users add ID --role caseworker``, without starting
    a Python process per user.
    """
    db = await Database.open(database)
    try:
        users = UserStore(db)
        now = dt.datetime.now(dt.UTC)
        for caseworker in caseworkers:
            await users.add(caseworker.user_id, Role.CASEWORKER, now, display_name=caseworker.name)
            if caseworker.place is not None:
                await users.set_place(caseworker.user_id, caseworker.place)
    finally:
        await db.close()


class BotProcess:
    """``python -m bot run`` against the fake server, optionally pinned to one CPU."""

    def __init__(self, workdir: Path, settings: dict[str, str], cpu: int | None) -> None:
        self.workdir = workdir
        self.settings = settings
        self.cpu = cpu
        self.log_path = workdir / "bot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.exit_code: int | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS}
        env.update(self.settings)
        cpu = self.cpu

        def pin() -> None:  # runs in the child before exec: every thread inherits it
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})

        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=pin,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def wait_until_up(self, is_polling: Callable[[], bool], timeout: float) -> None:
        """Until the bot long-polls; fails early with its log if it exits before that."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not is_polling():
            if not self.running:
                raise RuntimeError(f"the bot exited before polling:\n{self.log_tail()}")
            if loop.time() > deadline:
                raise RuntimeError(f"the bot did not start polling:\n{self.log_tail()}")
            await asyncio.sleep(0.1)

    async def exited(self) -> int:
        """Return (the exit code) once the bot process has ended: a watchdog for crashes."""
        assert self.process is not None
        while (code := self.process.poll()) is None:
            await asyncio.sleep(0.2)
        return code

    async def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait; the exit code (None if it had to be killed).

        Waits without blocking the event loop: the fake server on it must answer the bot's
        last getUpdates (which confirms the handled updates) while the bot shuts down.
        """
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            deadline = asyncio.get_running_loop().time() + timeout
            while process.poll() is None:
                if asyncio.get_running_loop().time() > deadline:
                    process.kill()
                    process.wait()
                    return None
                await asyncio.sleep(0.05)
        self.exit_code = process.returncode
        return self.exit_code

    # -- /proc ------------------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        """utime + stime of the bot process (all threads), in seconds."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        # Fields 14 and 15 of proc(5); the split drops pid and comm (fields 1 and 2).
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def cpu_wait_seconds(self) -> float:
        """Time the bot's event loop thread was ready to run but waited for its CPU.

        ``run_delay`` of schedstat: on a shared machine, other processes on the bot's core
        take turns with it; this says how much of a window the bot lost that way.
        """
        try:
            return (
                int(Path(f"/proc/{self.pid}/task/{self.pid}/schedstat").read_text().split()[1])
                / 1e9
            )
        except (OSError, IndexError, ValueError):
            return 0.0  # a kernel without schedstats

    def memory_kb(self, key: str) -> int:
        """A line of /proc/<pid>/status in kB, e.g. ``VmHWM`` (peak RSS) or ``VmRSS``."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """ERROR and CRITICAL lines (and tracebacks' last lines) of the bot's log."""
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text("utf-8", "replace").splitlines()
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line]

    def log_warnings(self) -> list[str]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text("utf-8", "replace").splitlines()
        return [line for line in lines if " WARNING " in line]
