"""PTB's HTTP requests over aiohttp: the same Bot API calls for about half the CPU of httpx.

Under load the bot spent roughly half of its CPU per update in httpx and httpcore (request
building, the pool's per-request connection checks, anyio streams). aiohttp's client does
the same work in far fewer Python steps. PTB documents :class:`telegram.request.BaseRequest`
for exactly this; the error mapping follows PTB's own ``HTTPXRequest``:
timeouts are :class:`~telegram.error.TimedOut`, every other transport failure a
:class:`~telegram.error.NetworkError`, and PTB turns the HTTP status into the rest.

Parameters go as one JSON body (the Bot API accepts ``application/json`` for every method
without files); requests with files as ``multipart/form-data``, like PTB sends them.

Proxies: like httpx (PTB's default), requests honour ``HTTPS_PROXY``/``HTTP_PROXY`` and
``NO_PROXY`` from the environment, as office networks usually need. The proxy is looked up
once per host, not per request as aiohttp's ``trust_env`` does: that re-read the environment
and parsed ``~/.netrc`` for every Bot API call, about 5 % of the bot's CPU under load.

Error texts never carry the request URL's token (``…/bot<token>/method``): they end up in
logs and in the outbox's ``last_error``. Whether Telegram can be reached is tracked by one
:class:`Connectivity` shared by every request: it logs one line when Telegram becomes
unreachable and one when it answers again, instead of a traceback per failed attempt.
"""

from __future__ import annotations

import functools
import json
import logging
import re

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot import logs, texts

log = logging.getLogger(__name__)
_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+")
_Proxy = tuple[URL | None, aiohttp.BasicAuth | None]  # the proxy and its credentials, or none


class Connectivity:
    """Whether Telegram answered the last request: one log line per change of state.

    ``retry_hint`` is what the operator reads as the time to the next attempt (the polling
    loop tries again within 30 s; the outbox within its longest backoff).
    """

    def __init__(self, retry_hint: str = "30 s") -> None:
        self.retry_hint = retry_hint
        self.reachable = True

    def failed(self, reason: str) -> None:
        if self.reachable:
            self.reachable = False
            log.warning(texts.TELEGRAM_UNREACHABLE.format(retry=self.retry_hint, reason=reason))

    def answered(self) -> None:
        if not self.reachable:
            self.reachable = True
            log.warning(texts.TELEGRAM_REACHABLE)


class ConnectionFailed(NetworkError):
    """No answer from Telegram at all (no connection, or it broke): the network, a proxy,
    Telegram down. HTTP errors (e.g. a 502 from Telegram) are PTB's own NetworkErrors."""


class MaybeDelivered(ConnectionFailed):
    """The connection failed after the request may have reached Telegram (reset, closed
    without an answer, cut-off answer): Telegram may have acted on it, so a repeat may be
    a duplicate. Failures to connect at all are a plain :class:`ConnectionFailed`.
    """


class AiohttpRequest(BaseRequest):
    """A :class:`~telegram.request.BaseRequest` on one :class:`aiohttp.ClientSession`.

    The timeouts mean what they mean for PTB's ``HTTPXRequest`` (in seconds, ``None`` for no
    limit): ``connect`` for opening a connection, ``pool`` for waiting for a free one,
    ``read`` for the answer. aiohttp has no per-write timeout; the whole request is bounded
    by the sum of the phases instead, so a server that stops reading cannot hang a request
    either (``media_write_timeout`` takes the place of ``write_timeout`` for uploads).
    """

    __slots__ = (
        "_connect_timeout",
        "_connectivity",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        connectivity: Connectivity | None = None,
    ) -> None:
        self._connectivity = connectivity or Connectivity()
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        # Created in initialize(): an aiohttp session belongs to the running event loop.
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None, int | None], _Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # The Bot API sets no cookies; not parsing them saves work on every answer.
                cookie_jar=aiohttp.DummyCookieJar(),
                json_serialize=_dumps,
            )
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        timeout = _timeout(
            _value(connect_timeout, self._connect_timeout),
            _value(pool_timeout, self._pool_timeout),
            _value(write_timeout, self._media_write_timeout if files else self._write_timeout),
            _value(read_timeout, self._read_timeout),
        )
        proxy, proxy_auth = self._proxy(url)
        try:
            if request_data is None:
                response_cm = session.request(
                    method, url, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
                )
            elif files:
                response_cm = session.request(
                    method,
                    url,
                    data=_multipart(request_data),
                    timeout=timeout,
                    proxy=proxy,
                    proxy_auth=proxy_auth,
                )
            else:
                response_cm = session.request(
                    method,
                    url,
                    json=request_data.parameters,
                    timeout=timeout,
                    proxy=proxy,
                    proxy_auth=proxy_auth,
                )
            async with response_cm as response:
                answer = response.status, await response.read()
        except TimeoutError as exc:  # before ClientError: aiohttp's timeouts are both
            self._connectivity.failed(texts.TELEGRAM_TIMED_OUT)
            raise TimedOut from exc
        except aiohttp.ClientConnectorError as exc:  # no connection: nothing was sent
            message = _describe(exc, url)
            self._connectivity.failed(message)
            raise ConnectionFailed(message) from None
        except aiohttp.ClientError as exc:
            message = _describe(exc, url)
            self._connectivity.failed(message)
            raise MaybeDelivered(message) from None
        self._connectivity.answered()
        return answer

    def _proxy(self, url: str) -> _Proxy:
        """The environment's proxy for ``url``'s host (none: direct), looked up once."""
        try:
            target = URL(url)
            key = (target.scheme, target.host, target.port)
        except ValueError:  # a malformed URL: aiohttp's own error says so, below
            return None, None
        found = self._proxies.get(key)
        if found is None:
            try:
                found = get_env_proxy_for_url(target)
            except LookupError:  # no proxy for this scheme, or NO_PROXY names the host
                found = (None, None)
            self._proxies[key] = found
        return found


def _describe(error: BaseException, url: str) -> str:
    """aiohttp's error as text, without the token its URL (or anything else) may hold.

    The cause is not chained (``from None``): its text holds the URL, and a traceback of
    it would print the token wherever no log filter stands in between.
    """
    text = f"aiohttp.{error.__class__.__name__}: {error}"
    return logs.redact(_TOKEN_IN_URL.sub("/bot" + logs.MASK, text.replace(url, _safe_url(url))))


def _safe_url(url: str) -> str:
    return _TOKEN_IN_URL.sub("/bot" + logs.MASK, url)


def _value(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


@functools.lru_cache(maxsize=64)
def _timeout(
    connect: float | None, pool: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for httpx-style ones (few distinct combinations: cached)."""
    phases = (connect, pool, write, read)
    return aiohttp.ClientTimeout(
        total=None if None in phases else sum(p for p in phases if p is not None),
        # aiohttp's "connect" covers waiting for a pooled connection and opening a new one.
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
    )


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
