"""Logging set-up: readable lines, and no secret (bot token, webhook secret) written anywhere.

Secrets are registered once at start (:func:`register_secrets`, done by :func:`configure`);
:func:`redact` then removes them, and anything shaped like a bot token, from any text: every
log record and its traceback (also PTB's own), uncaught exceptions in any thread, and error
texts that the bot stores (the outbox's ``last_error``).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_SECRETS: set[str] = set()
MASK = "***"


def register_secrets(values: Iterable[str | None]) -> None:
    """Remember values that :func:`redact` must remove from now on.

    For a bot token (``<id>:<secret>``) its secret half is remembered too: it is the part
    that must never be seen, also where the token was split or quoted.
    """
    for value in values:
        if not value:
            continue
        _SECRETS.add(value)
        _head, colon, tail = value.partition(":")
        if colon and len(tail) >= 8:
            _SECRETS.add(tail)


def redact(text: str, extra: Iterable[str | None] = ()) -> str:
    """``text`` without any registered secret (or ``extra`` ones) and token-shaped string."""
    for secret in sorted({*_SECRETS, *(e for e in extra if e)}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _TOKEN_SHAPE.sub(MASK, text)


class RedactTokens(logging.Filter):
    """Replaces secrets (registered ones, ``token``, token-shaped strings) with ***.

    Also drops PTB's traceback for a rejected token: the command line reports that in one
    line of its own (and PTB's exception text contains the token).
    """

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and _is_invalid_token(record.exc_info[1]):
            return False
        message = record.getMessage()
        redacted = redact(message, [self.token])
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so the handler prints no secret.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info), [self.token])
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, [self.token])
        if record.stack_info:
            record.stack_info = redact(record.stack_info, [self.token])
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _is_invalid_token(error: BaseException | None) -> bool:
    # By name: this module stays importable without PTB (the CLI's other commands).
    return error is not None and type(error).__name__ == "InvalidToken"


def _print_exception(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(kind, value, tb))
    sys.stderr.write(redact(text))


def _thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _print_exception(args.exc_type, args.exc_value, args.exc_traceback)


def configure(
    level: str = "INFO", token: str | None = None, secrets: Iterable[str | None] = ()
) -> None:
    """One handler on standard error that redacts; uncaught tracebacks are redacted too."""
    register_secrets([token, *secrets])
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # warnings go through the handler (and the filter)
    sys.excepthook = _print_exception
    threading.excepthook = _thread_exception
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # A line per job run (the outbox runs every 2 s) would drown everything else.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
