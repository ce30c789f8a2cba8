"""What the fake Telegram server (``fakebotapi/rules.py``) would say to a reply of ours."""

from __future__ import annotations

from bot import actions
from bot.render import Reply, split_message
from fakebotapi import rules


def assert_accepted(reply: Reply) -> list[str]:
    """Every part of ``reply`` as the bot sends it, and its keyboard, pass Telegram's checks.

    Returns the parts (``rules.ApiError`` is raised for the first one Telegram refuses).
    """
    parts = split_message(reply.html)
    assert parts, "a reply must be at least one message"
    for part in parts:
        rules.check_message_text(part, "HTML")
    keyboard = [
        [{"text": button.label, "callback_data": actions.encode(button.action)} for button in row]
        for row in reply.buttons
    ]
    rules.check_reply_markup({"inline_keyboard": keyboard}, inline_only=True)
    return parts
