"""The aiohttp request for PTB: wire format, timeouts and errors against a local server."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import traceback
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot import texts
from bot.telegram.request import AiohttpRequest, Connectivity, MaybeDelivered

Seen = list[tuple[str, str, bytes]]


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Seen]]:
    seen: Seen = []

    async def answer(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        seen.append((request.path, request.content_type, body))
        if request.path.endswith("/drop"):
            assert request.transport is not None
            request.transport.close()  # no answer at all, after the request arrived
            await asyncio.sleep(1)
        if request.path.endswith("/slow"):
            await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_parameters_go_as_one_json_body(server: tuple[str, Seen]) -> None:
    url, seen = server
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="y")]])
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "Grüße <b>ä</b>"),
            RequestParameter.from_input("reply_markup", markup),
        ]
    )
    async with AiohttpRequest() as request:
        assert await request.post(f"{url}/bot1:x/sendMessage", data) is True
    path, content_type, body = seen[0]
    assert (path, content_type) == ("/bot1:x/sendMessage", "application/json")
    assert json.loads(body) == {
        "chat_id": 42,
        "text": "Grüße <b>ä</b>",
        "reply_markup": {"inline_keyboard": [[{"text": "Ja", "callback_data": "y"}]]},
    }


async def test_files_go_as_multipart(server: tuple[str, Seen]) -> None:
    url, seen = server
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("document", InputFile(b"a;b\n", filename="x.csv")),
        ]
    )
    async with AiohttpRequest() as request:
        await request.post(f"{url}/bot1:x/sendDocument", data)
    _, content_type, body = seen[0]
    assert content_type == "multipart/form-data"
    assert b'filename="x.csv"' in body and b"a;b\n" in body and b"42" in body


async def test_a_dropped_connection_may_have_been_delivered(server: tuple[str, Seen]) -> None:
    url, _ = server
    async with AiohttpRequest() as request:
        with pytest.raises(MaybeDelivered):
            await request.post(f"{url}/bot1:x/drop", RequestData())


async def test_no_connection_is_a_plain_network_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe", RequestData())
    assert not isinstance(raised.value, MaybeDelivered)


async def test_read_timeout(server: tuple[str, Seen]) -> None:
    url, _ = server
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.post(f"{url}/bot1:x/slow", RequestData())


async def test_a_bot_with_it(server: tuple[str, Seen]) -> None:
    """PTB's Bot calls through it (and bases its long-poll timeout on ``read_timeout``)."""
    url, seen = server
    request = AiohttpRequest(read_timeout=1.5)
    bot = Bot("1:x", base_url=f"{url}/bot", request=request, get_updates_request=request)
    assert request.read_timeout == 1.5
    await request.initialize()
    try:
        assert await bot.delete_webhook() is True
    finally:
        await request.shutdown()
    assert seen[0][0] == "/bot1:x/deleteWebhook"


def free_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_error_texts_and_tracebacks_hold_no_token() -> None:
    """aiohttp names the URL in some errors, and the URL holds the token: neither the
    error's text nor its traceback may show it (it goes to the log and to the outbox)."""
    token = "4711:geheim-kurz"  # not token-shaped: only the URL tells it is one
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:99999/bot{token}/getMe", RequestData())
    printed = "".join(traceback.format_exception(raised.value))
    assert "geheim-kurz" not in str(raised.value) and "geheim-kurz" not in printed
    assert "/bot***/getMe" in str(raised.value)


async def test_proxy_from_the_environment_is_used(
    server: tuple[str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY is honoured (office networks need it), NO_PROXY too."""
    url, seen = server
    monkeypatch.setenv("HTTP_PROXY", url)  # the local server plays the proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with AiohttpRequest() as request:
        assert await request.post("http://api.telegram.invalid/bot1:x/getMe", RequestData())
    assert seen[-1][0] == "/bot1:x/getMe"  # the proxy got the request for the other host
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # a dead proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AiohttpRequest() as request:
        assert await request.post(f"{url}/bot1:x/direct", RequestData())
    assert seen[-1][0] == "/bot1:x/direct"


async def test_unreachable_telegram_is_one_line_per_change(
    server: tuple[str, Seen], caplog: pytest.LogCaptureFixture
) -> None:
    """Down: one warning (not one per attempt, no traceback); back: one line; then quiet."""
    url, _ = server
    dead = f"http://127.0.0.1:{free_port()}"
    connectivity = Connectivity("30 s")
    caplog.set_level(logging.INFO, logger="bot.telegram.request")
    async with AiohttpRequest(connectivity=connectivity) as request:
        for _ in range(3):
            with pytest.raises(NetworkError):
                await request.post(f"{dead}/bot1:x/getUpdates", RequestData())
        for _ in range(2):
            await request.post(f"{url}/bot1:x/getUpdates", RequestData())
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("Telegram nicht erreichbar, neuer Versuch in höchstens 30 s (")
    assert lines[1] == texts.TELEGRAM_REACHABLE
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in caplog.records)


async def test_the_proxy_is_looked_up_once_per_host(
    server: tuple[str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not per request (aiohttp's trust_env re-read the environment and ~/.netrc each time):
    a session keeps the proxy it found for a host; a new session looks again."""
    url, seen = server
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with AiohttpRequest() as request:
        assert await request.post("http://api.telegram.invalid/bot1:x/first", RequestData())
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # dead from now
        assert await request.post("http://api.telegram.invalid/bot1:x/second", RequestData())
    assert [path for path, *_ in seen[-2:]] == ["/bot1:x/first", "/bot1:x/second"]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError):
            await request.post("http://api.telegram.invalid/bot1:x/third", RequestData())
