"""What a button does, and its compact encoding as Telegram ``callback_data`` (≤ 64 bytes).

Buttons in replies carry an :class:`Action`. The Telegram layer encodes it with
:func:`encode`; the console numbers the buttons and keeps the action objects. Anything of
unbounded length (a place name) is referred to by a short digest instead of itself.
"""

from __future__ import annotations

import hashlib
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
EMERGENCY = "n"  # ()
SET_PLACE = "o"  # (place digest,)
SAVE_LOCATED = "ol"  # (place digest,) "save the place of my shared location" (issue 14)
INVITE = "i"  # (role,)
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
