"""Every button kind, what it carries, and its compact encoding as ``callback_data`` (≤ 64 bytes).

Buttons in replies carry an :class:`Action`. The Telegram layer encodes it with
:func:`encode`; the console numbers the buttons and keeps the action objects. Anything of
unbounded length (a place name) is referred to by a short digest instead of itself.
Handlers claim their buttons with :func:`pattern`; no callback pattern is written elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
_SEPARATOR = "|"


class ActionTooLong(ValueError):
    """An action that would not fit Telegram's 64-byte callback data."""


@dataclass(frozen=True, slots=True)
class Action:
    """A button's meaning: a short ``kind`` and string arguments without '|'."""

    kind: str
    args: tuple[str, ...] = ()


# Kinds (kept short: they travel in every button).
OPEN_ENTRY = "e"  # (entry_id,)
FEEDBACK = "f"  # ("+" | "-", entry_id)
TOPICS = "t"  # (page,)
TOPIC = "c"  # (category_id, page)
SET_PLACE = "o"  # (place digest,)
SAVE_LOCATED = "ol"  # (place digest,) "save the place of my shared location" (issue 14)
INVITE = "i"  # (role,)
# Emergency card ("Notfallkarte"; "ka" is the knowledge editor's): () menu | (lang,) a card.
CARD = "nk"
# Escalations (all start with "x" so the conversation can claim its own buttons).
ESCALATE = "x"  # () start reporting
ESC_KIND = "xk"  # (kind,)
ESC_PLACE = "xo"  # (place digest | "-",)
ESC_URGENCY = "xu"  # (urgency,)
ESC_STEP = "xs"  # ("send" | "fix" | "keep" | "cancel",)
ESC_TAKE = "xt"  # (escalation id,)
ESC_DONE = "xd"  # (escalation id,)
ESC_SHOW = "xh"  # (escalation id,)
ESC_LIST = "xl"  # (page,)
ESC_EXPORT = "xe"  # (days | "all",)
# Knowledge editing by leads (all start with "k").
EDIT_ENTRY = "ke"  # (entry_id,)
EDIT_FIELD = "kf"  # (field,)
EDIT_CONTACT = "kc"  # (contact index,)
EDIT_TODAY = "kv"  # () "today" as the value
EDIT_APPLY = "ka"  # ("yes" | "no",)
UPLOAD = "ku"  # (token, "yes" | "no")
GAP = "kg"  # (index in the /luecken list,)

KINDS = frozenset(
    {
        OPEN_ENTRY, FEEDBACK, TOPICS, TOPIC, SET_PLACE, SAVE_LOCATED, INVITE, CARD,
        ESCALATE, ESC_KIND, ESC_PLACE, ESC_URGENCY, ESC_STEP, ESC_TAKE, ESC_DONE, ESC_SHOW,
        ESC_LIST, ESC_EXPORT,
        EDIT_ENTRY, EDIT_FIELD, EDIT_CONTACT, EDIT_TODAY, EDIT_APPLY, UPLOAD, GAP,
    }
)  # fmt: skip


def pattern(*kinds: str, args: str | None = ".*", required: bool = False) -> str:
    """The ``callback_data`` regex of buttons of ``kinds`` (for PTB's CallbackQueryHandler).

    ``args``: a regex for the arguments after the first separator; None: no arguments at
    all. Without ``required`` the arguments may be missing (the handler then says the button
    is outdated).
    """
    assert kinds and set(kinds) <= KINDS, kinds
    kind = "|".join(re.escape(k) for k in kinds)
    if args is None:
        return rf"^(?:{kind})$"
    tail = rf"\|(?:{args})"
    return rf"^(?:{kind}){tail}$" if required else rf"^(?:{kind})(?:{tail})?$"


def encode(action: Action) -> str:
    data = _SEPARATOR.join((action.kind, *action.args))
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ActionTooLong(data)
    return data


def decode(data: str) -> Action | None:
    """The action of a button press, or None for data we never produced."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    kind, *args = data.split(_SEPARATOR)
    return Action(kind, tuple(args))


def digest(text: str) -> str:
    """A short stable reference to a text (10 hex characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


MAX_NUMBER = 2**53 - 1  # Telegram ids fit in 53 bits; far below SQLite's 2^63 - 1


def number(text: str, *, signed: bool = False) -> int | None:
    """A number a button or a command argument carries, or None.

    Only ASCII digits (``str.isdigit`` also accepts "²" and other digits ``int`` refuses),
    at most :data:`MAX_NUMBER` in size (SQLite cannot store integers above 2^63 - 1).
    """
    digits = text[1:] if signed and text.startswith("-") else text
    if not digits or len(digits) > 16 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    if value > MAX_NUMBER:
        return None
    return -value if digits is not text else value
