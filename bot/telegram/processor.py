"""Concurrent updates, in order per user.

Different people are served concurrently (a slow Telegram round trip for one does not hold
up the others), while one person's updates are handled one after another, so a
conversation never sees its steps overtake each other.

A person's updates that wait for their turn hold no slot: only updates being handled count
against ``max_running``. Otherwise one person sending a hundred messages a second fills
every slot with updates waiting behind their own earlier ones (each allowed by the flood
throttle's burst takes a whole answer), and everybody else waits for the flooder's queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own bound counts the updates admitted, running or waiting for their person's turn;
# it only has to stop a runaway, the running ones are bounded below.
MAX_ADMITTED = 4096


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_running: int = 16, max_admitted: int = MAX_ADMITTED) -> None:
        super().__init__(max(max_admitted, max_running))
        self.max_running = max_running
        self._running = asyncio.Semaphore(max_running)  # binds to a loop on first wait
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the person's turn first, then for a running slot, then handles it."""
        running = self._running
        key = _key(update)
        if key is None:
            async with running:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, running:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued: forget the lock
                del self._waiting[key]
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None
