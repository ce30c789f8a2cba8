"""Secrets: the bot token never reaches the log, however it gets into a log record.

``bot.logs.configure(token=...)`` installs the one handler; everything it writes is captured
here and searched for the token (and for its secret half, after the colon). A second
token-shaped string that was never configured is caught by its shape.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import InvalidToken

from bot import logs

TOKEN = "123456789:AAF-secret-token-value-abcdefghij"
OTHER = "987654321:ZZB_another-secret_0123456789xyz"  # token-shaped, never configured
SECRETS = [TOKEN, TOKEN.split(":")[1], OTHER, OTHER.split(":")[1]]
URL = f"https://api.telegram.org/bot{TOKEN}/getMe"
WEBHOOK_SECRET = "Webhook_Secret-0123456789abcdef"


@contextmanager
def captured_log() -> Iterator[io.StringIO]:
    """The handler of ``configure``, writing to a buffer; the logging set-up is restored."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {
        name: logging.getLogger(name).level
        for name in ["httpx", "httpcore", "apscheduler", "matplotlib"]
    }
    logs.configure("DEBUG", token=TOKEN, secrets=[WEBHOOK_SECRET])
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with captured_log() as stream:
        yield stream


def assert_no_secret(output: str) -> None:
    assert output, "nothing was logged, so nothing was checked"
    for secret in SECRETS:
        assert secret not in output


def test_messages_with_the_token_as_argument_or_in_an_f_string(captured: io.StringIO) -> None:
    """%-arguments, f-strings, repr of containers, other loggers and levels."""
    log = logging.getLogger("bot.test")
    log.info("token %s", TOKEN)
    log.info(f"token {TOKEN} and {OTHER}")
    log.warning("request to %s failed", URL)
    log.debug("params %r", {"url": URL, "tokens": [TOKEN, OTHER]})
    log.error("%s|%s", TOKEN[:20], TOKEN[20:])  # split and joined again by formatting
    logging.getLogger("httpx").warning("HTTP Request: POST %s", URL)
    logging.getLogger("telegram.ext").critical(URL)
    assert_no_secret(captured.getvalue())
    assert captured.getvalue().count("***") >= 8


def test_a_traceback_with_the_token_in_the_exception(captured: io.StringIO) -> None:
    """An httpx-style error whose message holds the URL, chained and logged with exc_info."""
    log = logging.getLogger("bot.test")
    try:
        try:
            raise httpx.ConnectError(f"All connection attempts failed for {URL}")
        except httpx.ConnectError as exc:
            raise RuntimeError(f"getMe failed, token {OTHER}") from exc
    except RuntimeError:
        log.exception("network error")
        log.warning("again, as exc_info", exc_info=True)
    assert_no_secret(captured.getvalue())
    assert "Traceback" in captured.getvalue() and "ConnectError" in captured.getvalue()


def test_an_exception_object_passed_as_exc_info(captured: io.StringIO) -> None:
    """``exc_info=exc`` (not True), an exception as the message, notes and groups."""
    error = ValueError(URL)
    error.add_note(f"while calling {URL}")
    group = ExceptionGroup("several", [error, httpx.ReadTimeout(OTHER)])
    logging.getLogger("bot.test").error("failed", exc_info=error)
    logging.getLogger("bot.test").error(error)
    logging.getLogger("bot.test").error("group", exc_info=group)
    assert_no_secret(captured.getvalue())
    assert "ExceptionGroup" in captured.getvalue()


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(max_size=50),
    after=st.text(max_size=50),
    secret=st.sampled_from([TOKEN, OTHER, URL]),
)
def test_the_token_in_any_surrounding_text(before: str, after: str, secret: str) -> None:
    """Whatever text surrounds it (digits, letters, '%', newlines), the token is redacted."""
    with captured_log() as captured:
        logging.getLogger("bot.test").warning("%s%s%s", before, secret, after)
        logging.getLogger("bot.test").warning(before + secret + after)
    assert_no_secret(captured.getvalue())


def test_the_webhook_secret_is_redacted_too(captured: io.StringIO) -> None:
    logging.getLogger("telegram.ext").debug("secret_token=%s", WEBHOOK_SECRET)
    assert WEBHOOK_SECRET not in captured.getvalue() and "***" in captured.getvalue()


def test_ptbs_traceback_for_a_rejected_token_is_not_printed(captured: io.StringIO) -> None:
    """PTB logs InvalidToken with a traceback whose text holds the token; the command line
    reports it in one German line instead, so the record is dropped altogether."""
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logging.getLogger("telegram.ext._utils.networkloop").exception("Invalid token.")
    logging.getLogger("bot.test").info("still logging")
    assert "InvalidToken" not in captured.getvalue() and "Traceback" not in captured.getvalue()
    assert "still logging" in captured.getvalue()


@pytest.mark.parametrize("where", ["main", "thread"])
def test_an_uncaught_traceback_is_redacted(where: str) -> None:
    """A traceback that no log handler sees (uncaught, in the main thread or another one)
    is printed without the token too."""
    raising = f"raise RuntimeError('getMe failed: {URL}')"
    code = f"from bot import logs\nlogs.configure('INFO', token={TOKEN!r})\n" + (
        raising
        if where == "main"
        else f"import threading\ndef f():\n    {raising}\n"
        "t = threading.Thread(target=f)\nt.start()\nt.join()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" in result.stderr and "RuntimeError" in result.stderr
    assert_no_secret(result.stderr)
