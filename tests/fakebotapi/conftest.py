"""Helpers of the fake server's tests: users, a server per test, a real PTB ``Bot`` on it."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import HTTPXRequest

from fakebotapi import FakeBotApiThread, User, run_in_thread

T = TypeVar("T")

ANNA = User(1001, "Anna", username="anna")
BEN = User(1002, "Ben", username="ben", language_code="en")
GROUP_ID = -1001234567890


@pytest.fixture
def api() -> Iterator[FakeBotApiThread]:
    with run_in_thread() as server:
        yield server


def call(
    api: FakeBotApiThread,
    fn: Callable[[Bot], Awaitable[T]],
    *,
    read_timeout: float = 5.0,
) -> T:
    """Run ``fn(bot)`` with a real, initialized PTB ``Bot`` talking to the fake server."""

    async def main() -> T:
        request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0)
        bot = Bot(
            api.token,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            request=request,
        )
        async with bot:
            return await fn(bot)

    return asyncio.run(main())


def ptb_message(description: str) -> str:
    """How PTB rewrites Telegram's description in ``TelegramError.message``."""
    stripped = description.removeprefix("Bad Request: ")
    return stripped.capitalize() if stripped != description else description


def png(width: int = 3, height: int = 2) -> bytes:
    """A tiny valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ Ja", callback_data="yes")],
        [
            InlineKeyboardButton("Nein", callback_data="no"),
            InlineKeyboardButton("Website", url="https://example.org/hilfe"),
        ],
    ]
)
