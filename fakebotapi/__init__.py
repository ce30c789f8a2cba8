"""A local fake Telegram Bot API server for end-to-end tests of the bot.

Quick start (synchronous test, bot in a subprocess)::

    from fakebotapi import FakeBotApiThread, User

    with FakeBotApiThread() as api:
        user = User(1001, "Anna", username="anna")
        # start the bot with api.token, api.base_url, api.base_file_url ...
        api.wait_until_polling()
        api.send_text(user, "/start")
        [reply] = api.wait_for_messages(user.id)
        api.press_button(user, reply, label="Weiter")

See ``server.py`` (HTTP + thread wrapper), ``testside.py`` (the test-facing API),
``rules.py`` (Telegram's validation rules) and ``faults.py`` (fault injection).
"""

from .faults import FaultInjector, FaultKind, FaultRule
from .models import (
    BotMessage,
    CallbackAnswer,
    Chat,
    ChatAction,
    InlineButton,
    MessageVersion,
    RecordedRequest,
    SentFile,
    User,
    WaitTimeout,
)
from .rules import ApiError, ParsedText
from .server import (
    DEFAULT_BOT_NAME,
    DEFAULT_BOT_USERNAME,
    DEFAULT_TOKEN,
    FakeBotApi,
    FakeBotApiThread,
    run_in_thread,
)
from .testside import TestSideApi

__all__ = [
    "DEFAULT_BOT_NAME",
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "Chat",
    "ChatAction",
    "FakeBotApi",
    "FakeBotApiThread",
    "FaultInjector",
    "FaultKind",
    "FaultRule",
    "InlineButton",
    "MessageVersion",
    "ParsedText",
    "RecordedRequest",
    "SentFile",
    "TestSideApi",
    "User",
    "WaitTimeout",
    "run_in_thread",
]
