"""The render layer: domain results become German HTML replies (texts from bot.texts).

One module per domain (answers, cards, knowledge review and reports, escalations, team) and
the reply primitives with escaping and message splitting in :mod:`bot.render.reply`,
re-exported here.
"""

from bot.render.reply import (
    ECHO_LIMIT,
    Button,
    Reply,
    echo,
    esc,
    split_message,
    to_plain,
    utf16_length,
)

__all__ = [
    "ECHO_LIMIT",
    "Button",
    "Reply",
    "answers",
    "cards",
    "echo",
    "esc",
    "escalations",
    "knowledge",
    "split_message",
    "team",
    "to_plain",
    "utf16_length",
]
