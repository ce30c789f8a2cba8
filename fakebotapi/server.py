"""HTTP front end of the fake Telegram Bot API (aiohttp), plus a thread wrapper.

The bot under test is pointed at it with::

    ApplicationBuilder().token(api.token)
        .base_url(api.base_url).base_file_url(api.base_file_url)

Requests go to ``/bot<token>/<method>`` (GET or POST; query string, urlencoded form,
multipart form or JSON body), files are served from ``/file/bot<token>/<file_path>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from aiohttp import web

from .faults import FaultInjector, FaultRule
from .models import UploadedFile, User
from .rules import ApiError, bad_request
from .state import CANONICAL_METHODS, UNIMPLEMENTED_METHODS, BotApiState, Params
from .testside import TestSideApi

DEFAULT_TOKEN = "123456789:AAF-caseworker-test-token"
DEFAULT_BOT_USERNAME = "caseworker_test_bot"
DEFAULT_BOT_NAME = "Caseworker Test Bot"
MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # bots may upload up to 50 MB

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
_UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
_NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def _json_response(status: int, payload: Any) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(payload, ensure_ascii=False).encode(),
        content_type="application/json",
    )


class FakeBotApi(TestSideApi):
    """A local Telegram Bot API server for one bot, to be used from asyncio code.

    Args:
        token: the only token accepted; others get 401 Unauthorized (malformed ones 404).
        bot_username / bot_first_name: identity returned by getMe; the bot id is the
            numeric prefix of the token, as on Telegram.
        strict: enable the fake's extra strictness (see :mod:`fakebotapi.rules`).
        callback_query_ttl: seconds after which unanswered callback queries expire
            (``None``: never).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_NAME,
        strict: bool = True,
        callback_query_ttl: float | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        self.state = BotApiState(
            token=token,
            bot_id=int(prefix) if prefix.isdigit() else 1,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            strict=strict,
            callback_query_ttl=callback_query_ttl,
        )
        self.faults = FaultInjector()
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pollers: dict[int, asyncio.Event] = {}
        self._poll_seq = 0
        self._current_poll: int | None = None
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` / ``Bot(base_url=...)``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder.base_file_url`` / ``Bot(base_file_url=...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _server_thread(self) -> threading.Thread | None:
        return self._thread

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeBotApi:
        """Start listening (``port=0`` picks a free port; see :attr:`port`)."""
        if self._runner is not None:
            raise RuntimeError("already started")
        self._loop = asyncio.get_running_loop()
        self._thread = threading.current_thread()
        self._stopping = False
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = int(self._runner.addresses[0][1])
        self.state.add_listener(self._on_state_change)
        return self

    async def stop(self) -> None:
        """Stop the server; open long polls return empty results first."""
        if self._runner is None:
            return
        self._stopping = True
        self._wake_pollers()
        await asyncio.sleep(0)
        self.state.remove_listener(self._on_state_change)
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _on_state_change(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake_pollers)

    def _wake_pollers(self) -> None:
        for event in self._pollers.values():
            event.set()

    # ------------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                raw = await request.read()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        raise bad_request("can't parse JSON encoded request parameters") from None
                    if not isinstance(body, dict):
                        raise bad_request("JSON encoded request parameters must be an Object")
                    values.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    raise ApiError(413, "Request Entity Too Large") from None
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.file.read(), value.content_type
                        )
                    else:
                        values[key] = value
            else:
                await request.read()
        return Params(values, files)

    def _record(
        self,
        method: str,
        params: Params | None,
        started: float,
        started_monotonic: float,
        status: int | None,
        response: Any,
        fault: str | None,
    ) -> None:
        self.state.record_request(
            method=method,
            params=dict(params.values) if params else {},
            files=dict(params.files) if params else {},
            time=started,
            duration=time.monotonic() - started_monotonic,
            status=status,
            response=response,
            fault=fault,
        )

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        started, t0 = time.time(), time.monotonic()
        token = request.match_info["token"]
        name = request.match_info["method"]
        method = CANONICAL_METHODS.get(name.lower(), name)
        params: Params | None = None
        status: int | None = None
        payload: Any = None
        fault: str | None = None
        try:
            if not _TOKEN_RE.match(token):
                status, payload = 404, _NOT_FOUND
                return _json_response(status, payload)
            if token != self.state.token:
                status, payload = 401, _UNAUTHORIZED
                return _json_response(status, payload)
            try:
                params = await self._read_params(request)
            except ApiError as err:
                status, payload = err.error_code, err.to_json()
                return _json_response(status, payload)
            if name.lower() in UNIMPLEMENTED_METHODS:
                status = 501
                payload = {
                    "ok": False,
                    "error_code": 501,
                    "description": f"Not Implemented: {name} is a real Bot API method "
                    "that the fake server does not simulate (extend fakebotapi/state.py)",
                }
                return _json_response(status, payload)
            if name.lower() not in CANONICAL_METHODS:
                status, payload = 404, _NOT_FOUND
                return _json_response(status, payload)
            rule = self.faults.match(method, params.values.get("chat_id"))
            if rule is not None and not rule.execute:
                fault = rule.kind
                status, payload, response = await self._fault(request, rule)
                return response
            try:
                if method == "getUpdates":
                    result = await self._get_updates(params)
                else:
                    result = self.state.dispatch(method, params)
                status, payload = 200, {"ok": True, "result": result}
            except ApiError as err:
                status, payload = err.error_code, err.to_json()
            if rule is not None:  # execute=True: the action happened, the answer is lost
                fault = rule.kind
                status, payload, response = await self._fault(request, rule)
                return response
            return _json_response(status, payload)
        finally:
            self._record(method, params, started, t0, status, payload, fault)

    async def _fault(
        self, request: web.Request, rule: FaultRule
    ) -> tuple[int | None, Any, web.StreamResponse]:
        """Build the faulty response: (status or None if dropped, decoded body, response)."""
        kind = rule.kind
        if kind == "500":
            payload = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return 500, payload, _json_response(500, payload)
        if kind == "502":
            return 502, None, web.Response(status=502, text=_NGINX_502, content_type="text/html")
        if kind == "429":
            payload = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {rule.retry_after}",
                "parameters": {"retry_after": rule.retry_after},
            }
            return 429, payload, _json_response(429, payload)
        if kind == "bad_json":
            body = b'{"ok":true,"result":{"message_id":'
            return 200, None, web.Response(status=200, body=body, content_type="application/json")
        if kind == "timeout":
            await asyncio.sleep(rule.duration)
        # "drop" and the end of "timeout": close the connection without answering.
        if request.transport is not None:
            request.transport.abort()
        return None, None, web.Response(status=500)

    async def _get_updates(self, p: Params) -> list[dict[str, Any]]:
        """Long polling with Telegram's offset/limit/timeout semantics."""
        offset = p.get_int("offset")
        limit = min(max(p.get_int("limit") or 100, 1), 100)
        timeout = max(p.get_float("timeout") or 0.0, 0.0)
        allowed = p.get_json("allowed_updates", "can't parse allowed updates JSON object")
        with self.state.lock:
            if self.state.webhook_url:
                raise ApiError(409, _CONFLICT_WEBHOOK)
            if allowed is not None:
                self.state.set_allowed_updates(allowed)
        # A new getUpdates terminates the one still waiting, like Telegram does.
        self._poll_seq += 1
        me = self._poll_seq
        self._current_poll = me
        self._wake_pollers()
        event = asyncio.Event()
        self._pollers[me] = event
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with self.state.lock:
            self.state.active_polls += 1
            self.state.changed()
        try:
            while True:
                event.clear()
                if self._current_poll != me:
                    raise ApiError(409, _CONFLICT_POLL)
                with self.state.lock:
                    updates = self.state.take_updates(offset, limit)
                    if updates:
                        self.state.changed()
                if updates or self._stopping:
                    return updates
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            self._pollers.pop(me, None)
            if self._current_poll == me:
                self._current_poll = None
            with self.state.lock:
                self.state.active_polls -= 1
                self.state.changed()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        started, t0 = time.time(), time.monotonic()
        token = request.match_info["token"]
        path = request.match_info["path"]
        status: int
        payload: Any = None
        try:
            if token != self.state.token:
                status, payload = (
                    (401, _UNAUTHORIZED) if _TOKEN_RE.match(token) else (404, _NOT_FOUND)
                )
                return _json_response(status, payload)
            with self.state.lock:
                stored = self.state.files_by_path.get(path)
            if stored is None or stored.content is None:
                status, payload = 404, _NOT_FOUND
                return _json_response(status, payload)
            status = 200
            return web.Response(
                body=stored.content, content_type=stored.mime_type or "application/octet-stream"
            )
        finally:
            self._record(
                "downloadFile",
                Params({"file_path": path}),
                started,
                t0,
                status,
                payload,
                None,
            )

    async def _handle_unknown(self, request: web.Request) -> web.StreamResponse:
        return _json_response(404, _NOT_FOUND)


class FakeBotApiThread(TestSideApi):
    """:class:`FakeBotApi` running on its own event loop in a daemon thread.

    For synchronous tests (e.g. the bot runs as a subprocess)::

        with FakeBotApiThread() as api:
            ...  # start the bot with api.base_url / api.base_file_url / api.token
            api.send_text(user, "/start")
            [reply] = api.wait_for_messages(user.id)
    """

    def __init__(self, token: str = DEFAULT_TOKEN, **kwargs: Any) -> None:
        self.api = FakeBotApi(token, **kwargs)
        self.state = self.api.state
        self.faults: FaultInjector = self.api.faults
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return self.api.base_url

    @property
    def base_file_url(self) -> str:
        return self.api.base_file_url

    @property
    def url(self) -> str:
        return self.api.url

    @property
    def port(self) -> int:
        return self.api.port

    def _server_thread(self) -> threading.Thread | None:
        return self._thread

    def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeBotApiThread:
        if self._thread is not None:
            raise RuntimeError("already started")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.api.start(host, port), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.api.stop(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
            self._loop = self._thread = None

    def __enter__(self) -> FakeBotApiThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def run_in_thread(token: str = DEFAULT_TOKEN, **kwargs: Any) -> Iterator[FakeBotApiThread]:
    """Context manager: a started :class:`FakeBotApiThread`, stopped on exit."""
    api = FakeBotApiThread(token, **kwargs)
    api.start()
    try:
        yield api
    finally:
        api.stop()


__all__ = [
    "DEFAULT_BOT_NAME",
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "FakeBotApi",
    "FakeBotApiThread",
    "User",
    "run_in_thread",
]
