"""Tests for the fake Telegram Bot API in ``tests/botapi``.

Compatibility is proven with the real python-telegram-bot client; errors must surface as the
same ``telegram.error`` exceptions with the same messages Telegram produces.
"""

from __future__ import annotations

import asyncio
import os
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.botapi import (
    ApiError,
    BotMessage,
    FakeBotApi,
    FakeBotApiThread,
    User,
    WaitTimeout,
    rules,
    run_in_thread,
)

T = TypeVar("T")

ANNA = User(1001, "Anna", username="anna")
BEN = User(1002, "Ben", username="ben", language_code="en")
GROUP_ID = -1001234567890


@pytest.fixture
def api() -> Iterator[FakeBotApiThread]:
    with run_in_thread() as server:
        yield server


def call(
    api: FakeBotApiThread,
    fn: Callable[[Bot], Awaitable[T]],
    *,
    read_timeout: float = 5.0,
) -> T:
    """Run ``fn(bot)`` with a real, initialized PTB ``Bot`` talking to the fake server."""

    async def main() -> T:
        request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0)
        bot = Bot(
            api.token,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            request=request,
        )
        async with bot:
            return await fn(bot)

    return asyncio.run(main())


def ptb_message(description: str) -> str:
    """How PTB rewrites Telegram's description in ``TelegramError.message``."""
    stripped = description.removeprefix("Bad Request: ")
    return stripped.capitalize() if stripped != description else description


def png(width: int = 3, height: int = 2) -> bytes:
    """A tiny valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ Ja", callback_data="yes")],
        [
            InlineKeyboardButton("Nein", callback_data="no"),
            InlineKeyboardButton("Website", url="https://example.org/hilfe"),
        ],
    ]
)


# =============================================================================== rules.py


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("plain", "plain", []),
        ("<b>b</b><strong>s</strong>", "bs", [("bold", 0, 1), ("bold", 1, 1)]),
        ("<i>i</i><em>e</em>", "ie", [("italic", 0, 1), ("italic", 1, 1)]),
        ("<u>u</u><ins>n</ins>", "un", [("underline", 0, 1), ("underline", 1, 1)]),
        (
            "<s>s</s><strike>t</strike><del>d</del>",
            "std",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>',
            "xy",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link", [("text_link", 0, 4)]),
        ("<code>x = 1</code>", "x = 1", [("code", 0, 5)]),
        ("<pre>block</pre>", "block", [("pre", 0, 5)]),
        ('<pre><code class="language-python">p</code></pre>', "p", [("pre", 0, 1)]),
        ("<blockquote>q</blockquote>", "q", [("blockquote", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
        ("<b>a <i>b</i></b>", "a b", [("bold", 0, 3), ("italic", 2, 1)]),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#65;&#x42;", '<tag> & "q" AB', []),
        ("a > b", "a > b", []),
        ("<B>upper</b>", "upper", [("bold", 0, 5)]),
        ("<b >x</b >", "x", [("bold", 0, 1)]),
        ("<b>x</>", "x", [("bold", 0, 1)]),
        ("👍 <b>ü</b>", "👍 ü", [("bold", 3, 1)]),
        ("<b></b>text", "text", []),
        ("  <b>x</b>\n", "x", [("bold", 0, 1)]),
    ],
)
def test_valid_html_is_parsed_like_telegram(
    html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed = rules.check_message_text(html, "HTML")
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_parsed_entity_arguments() -> None:
    parsed = rules.parse_html(
        '<pre><code class="language-python">p</code></pre>'
        '<a href="https://example.org/x?a=1&amp;b=2">l</a>'
        '<a href="tg://user?id=42">m</a>'
        '<tg-emoji emoji-id="123">e</tg-emoji>'
    )
    assert parsed.entities[0] == {"type": "pre", "offset": 0, "length": 1, "language": "python"}
    assert parsed.entities[1]["url"] == "https://example.org/x?a=1&b=2"
    assert parsed.entities[2]["type"] == "text_mention"
    assert parsed.entities[2]["user"]["id"] == 42
    assert parsed.entities[3]["custom_emoji_id"] == "123"


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a<b", "Unclosed start tag at byte offset 1"),
        ("x <= y", 'Unsupported start tag "=" at byte offset 2'),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("ä<div>", 'Unsupported start tag "div" at byte offset 2'),
        ("line<br/>", 'Unsupported start tag "br/" at byte offset 4'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b foo>x</b>", 'Expected equal sign in declaration of an attribute of the tag "b"'),
        ("<a href=http://x.org>x</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("Tom & Jerry", 'Character "&" at byte offset 4'),
        ("AT&T", 'Character "&" at byte offset 2'),
        ("&copy; 2024", 'Character "&" at byte offset 0'),
        ("&amp without semicolon", 'Character "&" at byte offset 0'),
        ('<a href="">x</a>', 'Tag "a" must have a non-empty "href"'),
        ("<a>https://example.org</a>", 'Tag "a" must have a non-empty "href"'),
    ],
)
def test_invalid_html_is_rejected(html: str, description: str) -> None:
    with pytest.raises(ApiError) as err:
        rules.check_message_text(html, "HTML")
    assert err.value.error_code == 400
    assert err.value.description.startswith("Bad Request: can't parse entities: ")
    assert description in err.value.description


def test_entity_decoding_edge_cases() -> None:
    assert rules.parse_html("&#128077; &#x1F44D;").text == "👍 👍"
    with pytest.raises(ApiError, match="unmatched surrogate"):
        rules.parse_html("&#xD83D;")
    with pytest.raises(ApiError, match='Character "&"'):
        rules.parse_html("&#;")
    assert rules.parse_html('<a href="https://x.org/?a=1&b=2">x</a>').entities[0]["url"] == (
        "https://x.org/?a=1&b=2"  # a bare & inside an attribute value is fine
    )


def test_non_strict_mode_follows_tdlib() -> None:
    assert rules.parse_html("Tom & Jerry &copy;", strict=False).text == "Tom & Jerry &copy;"
    assert rules.parse_html("&amp x", strict=False).text == "& x"
    link = rules.parse_html("<a>https://example.org</a>", strict=False)
    assert link.entities == [
        {"type": "text_link", "offset": 0, "length": 19, "url": "https://example.org"}
    ]
    # invalid URLs are dropped silently, the text stays
    assert rules.parse_html('<a href="tel:+4912345">call</a>').entities == []


def test_utf16_length_counting() -> None:
    assert rules.utf16_len("abc") == 3
    assert rules.utf16_len("äöü") == 3
    assert rules.utf16_len("👍") == 2
    assert rules.utf16_len("👨‍👩‍👧") == 8
    rules.check_message_text("a" * 4096)
    rules.check_message_text("👍" * 2048)
    with pytest.raises(ApiError, match="message is too long"):
        rules.check_message_text("a" * 4097)
    with pytest.raises(ApiError, match="message is too long"):
        rules.check_message_text("👍" * 2049)  # 2049 code points, 4098 UTF-16 units
    # the limit applies after entity parsing
    rules.check_message_text("<b>" + "a" * 4096 + "</b>", "HTML")
    rules.check_message_text("&lt;" * 4096, "HTML")
    with pytest.raises(ApiError, match="message is too long"):
        rules.check_message_text("&lt;" * 4097, "HTML")


def test_empty_texts_and_captions() -> None:
    for text in ("", " \n ", "<b></b>", "<b> </b>"):
        with pytest.raises(ApiError, match="message text is empty"):
            rules.check_message_text(text, "HTML")
    assert rules.check_caption(None).text == ""
    rules.check_caption("c" * 1024)
    with pytest.raises(ApiError, match="message caption is too long"):
        rules.check_caption("c" * 1025)
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        rules.check_message_text("x", "Textile")
    assert rules.check_message_text("<b>x</b>", "html").entities  # case-insensitive


def test_callback_data_limits() -> None:
    rules.check_callback_data("x" * 64)
    rules.check_callback_data("ä" * 32)  # 64 bytes
    for bad in ("", "x" * 65, "ä" * 33):
        with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
            rules.check_callback_data(bad)


def test_reply_markup_rules() -> None:
    ok_inline = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    assert rules.check_reply_markup(ok_inline) == ok_inline
    rules.check_reply_markup({"keyboard": [["a", {"text": "b"}]], "resize_keyboard": True})
    rules.check_reply_markup({"remove_keyboard": True})
    rules.check_reply_markup({"force_reply": True})
    cases: list[tuple[Any, str]] = [
        ({"inline_keyboard": [[{"text": "a"}]]}, "Text buttons are unallowed"),
        ({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}, "BUTTON_TEXT_INVALID"),
        ({"inline_keyboard": [[{"callback_data": "a"}]]}, 'Can\'t find field "text"'),
        (
            {"inline_keyboard": [[{"text": "a", "callback_data": "a", "url": "https://x.org"}]]},
            "exactly one of the optional fields",
        ),
        ({"inline_keyboard": [[{"text": "a", "url": "localhost x"}]]}, "Wrong HTTP URL"),
        ({"inline_keyboard": [[{"text": "a", "url": "tel:+49123"}]]}, "Unsupported URL protocol"),
        ({"inline_keyboard": [{"text": "a", "callback_data": "a"}]}, "Array of Arrays"),
        (
            {"inline_keyboard": [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]},
            "reply markup is too long",
        ),
        ({"foo": 1}, "can't parse reply keyboard markup JSON object"),
        ([], "can't parse reply keyboard markup JSON object"),
    ]
    for markup, description in cases:
        with pytest.raises(ApiError) as err:
            rules.check_reply_markup(markup)
        assert description in err.value.description, markup
    with pytest.raises(ApiError, match="inline keyboard expected"):
        rules.check_reply_markup({"remove_keyboard": True}, inline_only=True)


def test_bot_command_rules() -> None:
    good = [
        {"command": "start", "description": "Start"},
        {"command": "hilfe_2", "description": "x"},
    ]
    assert rules.check_bot_commands(good) == good
    bad: list[tuple[Any, str]] = [
        ([{"command": "Start", "description": "x"}], "BOT_COMMAND_INVALID"),
        ([{"command": "/start", "description": "x"}], "BOT_COMMAND_INVALID"),
        ([{"command": "a" * 33, "description": "x"}], "BOT_COMMAND_INVALID"),
        ([{"command": "", "description": "x"}], "BOT_COMMAND_INVALID"),
        ([{"command": "ok", "description": ""}], "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([{"command": "ok", "description": "d" * 257}], "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([{"command": f"c{i}", "description": "x"} for i in range(101)], "BOT_COMMANDS_TOO_MUCH"),
    ]
    for commands, description in bad:
        with pytest.raises(ApiError, match=description):
            rules.check_bot_commands(commands)


def test_bot_command_entities() -> None:
    assert rules.bot_command_entities("/start abc") == [
        {"type": "bot_command", "offset": 0, "length": 6}
    ]
    assert rules.bot_command_entities("/hilfe@caseworker_test_bot")[0]["length"] == 26
    assert rules.bot_command_entities("👍 /x")[0]["offset"] == 3
    assert rules.bot_command_entities("no/command here") == []


# =============================================================================== PTB compatibility


def test_get_me_and_tokens(api: FakeBotApiThread) -> None:
    me = call(api, lambda bot: bot.get_me())
    assert me.id == 123456789
    assert me.username == "caseworker_test_bot"
    assert me.is_bot

    async def wrong_token() -> None:
        async with Bot("987:WRONG", base_url=api.base_url) as bot:
            await bot.get_me()

    with pytest.raises(InvalidToken, match="was rejected by the server"):
        asyncio.run(wrong_token())
    assert api.requests[-1].status == 401


def test_raw_http_unknown_method_get_and_json_bodies(api: FakeBotApiThread) -> None:
    base = f"{api.base_url}{api.token}"
    response = httpx.post(f"{base}/sendTelepathy", data={"chat_id": "1"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert httpx.get(f"{api.url}/nothing/here").status_code == 404
    unimplemented = httpx.post(f"{base}/pinChatMessage", data={"chat_id": "1"})
    assert unimplemented.status_code == 501
    assert "does not simulate" in unimplemented.json()["description"]
    assert httpx.get(f"{base}/getMe").json()["result"]["username"] == "caseworker_test_bot"
    assert httpx.get(f"{base}/getme").json()["ok"]  # method names are case-insensitive

    api.add_user(ANNA)
    body = {
        "chat_id": ANNA.id,
        "text": "<i>json</i>",
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]},
    }
    result = httpx.post(f"{base}/sendMessage", json=body).json()
    assert result["ok"] and result["result"]["entities"][0]["type"] == "italic"
    query = httpx.get(f"{base}/sendMessage", params={"chat_id": ANNA.id, "text": "q"}).json()
    assert query["result"]["text"] == "q"
    bad = httpx.post(
        f"{base}/sendMessage", data={"chat_id": str(ANNA.id), "text": "a < b", "parse_mode": "HTML"}
    )
    assert bad.status_code == 400
    assert bad.json()["description"] == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'
    )


def test_send_message_html_and_inline_keyboard(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    html = "<b>Polizei</b> Hausach &amp; Umgebung 👮\n<a href='https://polizei.de'>Website</a>"
    sent = call(
        api,
        lambda bot: bot.send_message(ANNA.id, html, parse_mode="HTML", reply_markup=KEYBOARD),
    )
    assert sent.text == "Polizei Hausach & Umgebung 👮\nWebsite"
    assert sent.parse_entities()  # PTB can resolve the UTF-16 offsets
    assert [e.type for e in sent.entities] == ["bold", "text_link"]
    assert sent.entities[1].url == "https://polizei.de"
    assert sent.reply_markup == KEYBOARD
    assert sent.from_user is not None and sent.from_user.is_bot

    [msg] = api.wait_for_messages(ANNA.id, timeout=1)
    assert msg.message_id == sent.message_id
    assert msg.text == html
    assert msg.parse_mode == "HTML"
    assert msg.plain_text == sent.text
    assert msg.buttons == [
        [("✅ Ja", "yes")],
        [("Nein", "no"), ("Website", "https://example.org/hilfe")],
    ]
    assert msg.button("ja").callback_data == "yes"
    assert msg.button("web").url == "https://example.org/hilfe"
    with pytest.raises(LookupError):
        msg.button("Vielleicht")

    second = call(api, lambda bot: bot.send_message(ANNA.id, "zwei"))
    assert second.message_id == sent.message_id + 1


def test_other_reply_markups_are_accepted(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)

    async def scenario(bot: Bot) -> None:
        keyboard = ReplyKeyboardMarkup([["Ja", "Nein"]], resize_keyboard=True)
        sent = await bot.send_message(ANNA.id, "Tastatur", reply_markup=keyboard)
        assert sent.reply_markup is None  # Telegram only echoes inline keyboards
        await bot.send_message(ANNA.id, "weg", reply_markup=ReplyKeyboardRemove())
        await bot.send_message(ANNA.id, "antworte", reply_markup=ForceReply())

    call(api, scenario)
    first, _, _ = api.wait_for_messages(ANNA.id, count=3, timeout=1)
    assert first.reply_keyboard == [["Ja", "Nein"]]


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, rules.ERR_TEXT_EMPTY),
        ("x" * 4097, None, rules.ERR_TEXT_TOO_LONG),
        ("<b>" + "x" * 4097 + "</b>", "HTML", rules.ERR_TEXT_TOO_LONG),
        (
            "Treffer: 3 < 5",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 11',
        ),
        (
            "<h1>Titel</h1>",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "h1" at byte offset 0',
        ),
        (
            "<b>offen",
            "HTML",
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
    ],
)
def test_send_message_errors(
    api: FakeBotApiThread, text: str, parse_mode: str | None, description: str
) -> None:
    api.add_user(ANNA)
    with pytest.raises(BadRequest) as err:
        call(api, lambda bot: bot.send_message(ANNA.id, text, parse_mode=parse_mode))
    assert err.value.message == ptb_message(description)
    assert api.messages(ANNA.id) == []
    assert api.requests_for("sendMessage")[-1].status == 400


def test_unescaped_ampersand_is_rejected(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        call(api, lambda bot: bot.send_message(ANNA.id, "Müller & Söhne", parse_mode="HTML"))
    assert api.messages(ANNA.id) == []


def test_callback_data_of_65_bytes_is_rejected(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ä" * 32 + "x")]])
    with pytest.raises(BadRequest) as err:
        call(api, lambda bot: bot.send_message(ANNA.id, "x", reply_markup=markup))
    assert err.value.message == ptb_message(rules.ERR_BUTTON_DATA_INVALID)


def test_chat_not_found_blocked_and_groups(api: FakeBotApiThread) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        call(api, lambda bot: bot.send_message(4242, "hallo"))
    api.add_user(BEN)
    api.block_bot(BEN)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        call(api, lambda bot: bot.send_message(BEN.id, "hallo"))
    api.send_text(BEN, "wieder da")  # writing to the bot unblocks it
    call(api, lambda bot: bot.send_message(BEN.id, "hallo"))

    with pytest.raises(BadRequest, match="Chat not found"):
        call(api, lambda bot: bot.send_message(GROUP_ID, "hallo"))
    api.add_group(GROUP_ID, "Team", username="team_chat", members=[ANNA])
    update_id = api.send_text(ANNA, "/hilfe@caseworker_test_bot", chat=GROUP_ID)
    update = next(u for u in api.updates if u["update_id"] == update_id)
    assert update["message"]["chat"] == {
        "id": GROUP_ID,
        "type": "supergroup",
        "title": "Team",
        "username": "team_chat",
    }
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]

    async def in_group(bot: Bot) -> None:
        await bot.send_message(GROUP_ID, "an alle")
        await bot.send_message("@team_chat", "per username")
        chat = await bot.get_chat(GROUP_ID)
        assert chat.title == "Team"
        member = await bot.get_chat_member(GROUP_ID, ANNA.id)
        assert member.status == "member"
        assert (await bot.get_chat_member(GROUP_ID, BEN.id)).status == "left"
        private = await bot.get_chat(ANNA.id)
        assert private.first_name == "Anna" and private.type == "private"

    call(api, in_group)
    assert [m.plain_text for m in api.messages(GROUP_ID)] == ["an alle", "per username"]

    # Users seen only in a group never opened the bot: no private messages to them.
    carla = User(1003, "Carla")
    api.send_text(carla, "hallo gruppe", chat=GROUP_ID)
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        call(api, lambda bot: bot.send_message(carla.id, "privat"))
    api.add_user(carla)  # she presses Start
    call(api, lambda bot: bot.send_message(carla.id, "privat"))

    api.set_member_status(GROUP_ID, api.bot_user, "kicked")
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        call(api, lambda bot: bot.send_message(GROUP_ID, "noch da?"))

    # wait_for_request walks through matching requests one by one
    first = api.wait_for_request("sendMessage", timeout=1)
    second = api.wait_for_request("sendMessage", timeout=1)
    assert second.seq > first.seq
    denied = api.wait_for_request("sendMessage", lambda r: r.status == 403, timeout=1, since=0)
    assert denied.error == "Forbidden: bot was blocked by the user"


def test_edit_delete_and_not_modified(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)

    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(
            ANNA.id, "<b>v1</b>", parse_mode="HTML", reply_markup=KEYBOARD
        )
        with pytest.raises(BadRequest) as err:
            await bot.edit_message_text(
                "<b>v1</b>", ANNA.id, sent.message_id, parse_mode="HTML", reply_markup=KEYBOARD
            )
        assert err.value.message == ptb_message(rules.ERR_NOT_MODIFIED)
        # Same text but different formatting is a modification.
        await bot.edit_message_text("v1", ANNA.id, sent.message_id, reply_markup=KEYBOARD)
        # Leaving out reply_markup removes the keyboard, as on Telegram.
        edited = await bot.edit_message_text("v2", ANNA.id, sent.message_id)
        assert isinstance(edited, Message)
        assert edited.reply_markup is None and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(ANNA.id, sent.message_id, reply_markup=None)
        await bot.edit_message_reply_markup(ANNA.id, sent.message_id, reply_markup=KEYBOARD)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", ANNA.id, 999)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.edit_message_text("<b></b>", ANNA.id, sent.message_id, parse_mode="HTML")
        assert await bot.delete_message(ANNA.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(ANNA.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", ANNA.id, sent.message_id)

    call(api, scenario)
    [msg] = api.messages(ANNA.id, include_deleted=True)
    assert msg.deleted and api.messages(ANNA.id) == []
    assert [v.plain_text for v in msg.edits] == ["v1", "v1", "v2"]
    assert msg.edits[0].parse_mode == "HTML" and msg.edits[1].parse_mode is None
    assert msg.plain_text == "v2" and msg.buttons[0] == [("✅ Ja", "yes")]
    assert msg.version == 3


def test_reply_parameters(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.send_text(ANNA, "frage")
    user_message_id = api.updates[-1]["message"]["message_id"]

    async def scenario(bot: Bot) -> None:
        reply = await bot.send_message(
            ANNA.id, "antwort", reply_parameters=ReplyParameters(user_message_id)
        )
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.text == "frage"
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(ANNA.id, "x", reply_parameters=ReplyParameters(777))
        await bot.send_message(
            ANNA.id, "x", reply_parameters=ReplyParameters(777, allow_sending_without_reply=True)
        )

    call(api, scenario)
    assert api.messages(ANNA.id)[0].reply_to_message_id == user_message_id


def test_get_updates_long_poll_and_offsets(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    sent = call(api, lambda bot: bot.send_message(ANNA.id, "Wähle", reply_markup=KEYBOARD))
    [bot_msg] = api.wait_for_messages(ANNA.id, timeout=1)

    async def scenario(bot: Bot) -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, api.send_text, ANNA, "polizei hausach")
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        assert 0.2 < time.monotonic() - started < 2.0  # it really blocked, then returned early
        [update] = updates
        assert update.message is not None and update.message.text == "polizei hausach"
        assert update.message.from_user is not None and update.message.from_user.id == ANNA.id

        query_id = api.press_button(ANNA, bot_msg, "no")
        file_update_id = api.send_document(
            ANNA, "bescheid.pdf", b"%PDF-1.4 fake", mime_type="application/pdf", caption="Bitte"
        )
        # Not confirmed yet: the same update comes again, followed by the new ones.
        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in again] == [
            update.update_id,
            update.update_id + 1,
            file_update_id,
        ]
        assert api.pending_updates == 3

        updates = await bot.get_updates(offset=update.update_id + 1, timeout=0, limit=1)
        assert api.pending_updates == 2
        [callback] = updates
        assert callback.callback_query is not None
        assert callback.callback_query.id == query_id
        assert callback.callback_query.data == "no"
        assert callback.callback_query.message is not None
        assert callback.callback_query.message.message_id == sent.message_id
        assert await callback.callback_query.answer("Notiert")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)

        [doc_update] = await bot.get_updates(offset=callback.update_id + 1, timeout=0)
        assert doc_update.message is not None and doc_update.message.document is not None
        assert doc_update.message.document.file_name == "bescheid.pdf"
        assert doc_update.message.caption == "Bitte"
        await bot.get_updates(offset=doc_update.update_id + 1, timeout=0)
        assert api.pending_updates == 0

        # Negative offsets keep only the newest updates.
        for i in range(3):
            api.send_text(ANNA, f"n{i}")
        [last] = await bot.get_updates(offset=-1, timeout=0)
        assert last.message is not None and last.message.text == "n2"
        assert api.pending_updates == 1

    call(api, scenario)
    [answer] = api.callback_answers
    assert answer.text == "Notiert" and not answer.show_alert


def test_concurrent_get_updates_conflict(api: FakeBotApiThread) -> None:
    """A second bot instance polling terminates the first one's request, as on Telegram."""

    async def scenario(first_bot: Bot) -> None:
        async with Bot(api.token, base_url=api.base_url) as second_bot:
            first = asyncio.create_task(first_bot.get_updates(timeout=3))
            await asyncio.sleep(0.2)
            second = asyncio.create_task(second_bot.get_updates(timeout=0))
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await first
            assert await second == ()

    call(api, scenario)


def test_allowed_updates_and_webhook(api: FakeBotApiThread) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.get_updates(timeout=0, allowed_updates=["message"])
        api.add_user(ANNA)
        msg = await bot.send_message(ANNA.id, "x", reply_markup=KEYBOARD)
        api.press_button(ANNA, (ANNA.id, msg.message_id), label="Nein")  # filtered out
        api.send_text(ANNA, "kommt an")
        [update] = await bot.get_updates(timeout=0)
        assert update.message is not None
        assert await bot.set_webhook("https://example.org/hook")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        info = await bot.get_webhook_info()
        assert info.url == "https://example.org/hook" and info.pending_update_count == 1
        with pytest.raises(BadRequest, match="an https url must be provided"):
            await bot.set_webhook("http://example.org/hook")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(timeout=0) == ()

    call(api, scenario)
    assert api.allowed_updates == ["message"]


def test_files_upload_and_download(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    content = bytes(range(256)) * 40
    api.send_document(ANNA, "akte.bin", content)
    file_id = api.updates[-1]["message"]["document"]["file_id"]
    image = png(4, 3)

    async def scenario(bot: Bot) -> None:
        tg_file = await bot.get_file(file_id)
        assert tg_file.file_size == len(content)
        assert tg_file.file_path is not None and tg_file.file_path.startswith(api.base_file_url)
        assert bytes(await tg_file.download_as_bytearray()) == content
        with pytest.raises(BadRequest, match="Wrong file_id"):
            await bot.get_file("nope")

        sent = await bot.send_document(
            ANNA.id,
            b"a;b\n1;2\n",
            filename="export.csv",
            caption="<b>Export</b>",
            parse_mode="HTML",
        )
        assert sent.document is not None and sent.document.file_name == "export.csv"
        assert sent.caption == "Export"
        again = await bot.send_document(ANNA.id, sent.document.file_id)  # resend by file_id
        assert again.document is not None and again.document.file_id == sent.document.file_id
        photo = await bot.send_photo(ANNA.id, image, caption="Bild")
        assert photo.photo[-1].width == 4 and photo.photo[-1].height == 3
        downloaded = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
        assert bytes(downloaded) == image
        with pytest.raises(BadRequest, match="Image_process_failed"):
            await bot.send_photo(ANNA.id, b"not an image")
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_document(ANNA.id, b"x", filename="x.txt", caption="c" * 1025)

    call(api, scenario)
    doc, _, pic = api.wait_for_messages(ANNA.id, count=3, timeout=1)
    assert doc.kind == "document" and doc.document is not None
    assert doc.document.content == b"a;b\n1;2\n"
    assert doc.document.filename == "export.csv" and doc.document.mime_type == "text/csv"
    assert doc.caption == "<b>Export</b>" and doc.plain_text == "Export"
    assert pic.photo is not None and pic.photo.content == image and pic.photo.caption == "Bild"
    assert httpx.get(f"{api.base_file_url}{api.token}/documents/missing").status_code == 404


def test_commands_menu_actions_and_callback_answers(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    commands = [BotCommand("start", "Starten"), BotCommand("hilfe", "Hilfe anzeigen")]

    async def scenario(bot: Bot) -> None:
        assert await bot.set_my_commands(commands)
        assert await bot.get_my_commands() == tuple(commands)
        assert await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        assert await bot.get_my_commands(language_code="en") == (BotCommand("start", "Start"),)
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "x")])
        with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
            await bot.set_my_commands([BotCommand("start", "")])
        assert await bot.delete_my_commands(language_code="en")
        assert await bot.get_my_commands(language_code="en") == ()
        assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        assert await bot.send_chat_action(ANNA.id, "typing")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(ANNA.id, "dancing")
        msg = await bot.send_message(ANNA.id, "?", reply_markup=KEYBOARD)
        query_id = api.press_button(ANNA, (ANNA.id, msg.message_id), label="Ja")
        with pytest.raises(BadRequest, match="Message_too_long"):
            await bot.answer_callback_query(query_id, text="x" * 201)
        assert await bot.answer_callback_query(query_id, text="x" * 200, show_alert=True)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("12345")

    call(api, scenario)
    assert api.commands() == [c.to_dict() for c in commands]
    assert api.menu_buttons[None] == {"type": "commands"}
    assert [a.action for a in api.chat_actions] == ["typing"]
    assert api.callback_answers[-1].show_alert


def test_press_button_checks_current_keyboard(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.add_user(BEN)
    msg = call(api, lambda bot: bot.send_message(ANNA.id, "?", reply_markup=KEYBOARD))
    ref = (ANNA.id, msg.message_id)
    with pytest.raises(LookupError):
        api.press_button(ANNA, ref, "maybe")
    with pytest.raises(ValueError, match="cannot see"):
        api.press_button(BEN, ref, "yes")
    with pytest.raises(ValueError, match="not a callback button"):
        api.press_button(ANNA, ref, label="Website")
    call(api, lambda bot: bot.edit_message_reply_markup(ANNA.id, msg.message_id))
    with pytest.raises(LookupError):
        api.press_button(ANNA, ref, "yes")


# =============================================================================== fault injection


def test_fault_500_502_and_count(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.faults.set("sendMessage", "500", count=1)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        call(api, lambda bot: bot.send_message(ANNA.id, "a"))
    call(api, lambda bot: bot.send_message(ANNA.id, "b"))  # count exhausted
    api.faults.set("sendMessage", "502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        call(api, lambda bot: bot.send_message(ANNA.id, "c"))
    api.faults.clear()
    assert [m.plain_text for m in api.messages(ANNA.id)] == ["b"]
    faulted = [r for r in api.requests_for("sendMessage") if r.fault]
    assert [(r.fault, r.status) for r in faulted] == [("500", 500), ("502", 502)]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_fault_429_retry_after(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.faults.set("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as err:
        call(api, lambda bot: bot.send_message(ANNA.id, "a"))
    assert "7" in str(err.value)
    assert api.requests_for("sendMessage")[-1].response["parameters"] == {"retry_after": 7}
    assert api.messages(ANNA.id) == []


def test_fault_drop_timeout_and_bad_json(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.faults.set("sendMessage", "drop", count=1)
    with pytest.raises(NetworkError) as dropped:
        call(api, lambda bot: bot.send_message(ANNA.id, "a"))
    assert not isinstance(dropped.value, TimedOut)

    api.faults.set("sendMessage", "timeout", duration=3.0, count=1)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        call(api, lambda bot: bot.send_message(ANNA.id, "b"), read_timeout=0.3)
    assert time.monotonic() - started < 2.5  # the client gave up, not the server

    api.faults.set("sendMessage", "bad_json", count=1)
    with pytest.raises(TelegramError, match="Invalid server response"):
        call(api, lambda bot: bot.send_message(ANNA.id, "c"))
    assert api.messages(ANNA.id) == []

    # execute=True: the message is delivered but the answer is lost.
    api.faults.set("sendMessage", "drop", count=1, execute=True)
    with pytest.raises(NetworkError):
        call(api, lambda bot: bot.send_message(ANNA.id, "d"))
    assert [m.plain_text for m in api.messages(ANNA.id)] == ["d"]
    faults = [r.fault for r in api.requests_for("sendMessage")]
    assert faults == ["drop", "timeout", "bad_json", "drop"]


def test_faults_skip_get_updates_unless_asked_and_are_seeded(api: FakeBotApiThread) -> None:
    base = f"{api.base_url}{api.token}"
    api.faults.set(None, "500")
    assert httpx.post(f"{base}/getMe").status_code == 500
    assert httpx.post(f"{base}/getUpdates").json() == {"ok": True, "result": []}
    api.faults.set(None, "500", include_get_updates=True)
    assert httpx.post(f"{base}/getUpdates").status_code == 500
    api.faults.clear()
    api.faults.set("getUpdates", "429", retry_after=3)
    assert httpx.post(f"{base}/getUpdates").status_code == 429
    assert httpx.post(f"{base}/getMe").status_code == 200
    api.faults.clear()

    def pattern(seed: int) -> list[bool]:
        rule = api.faults.set("getMe", "500", probability=0.5, seed=seed)
        hits = [api.faults.match("getMe") is rule for _ in range(20)]
        api.faults.clear()
        return hits

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)
    assert 3 < sum(pattern(3)) < 17
    with pytest.raises(ValueError):
        api.faults.set("getMe", "418")  # type: ignore[arg-type]


def test_fault_for_one_chat_and_a_seeded_mix(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    api.add_user(BEN)
    api.faults.set("sendMessage", "500", chat_id=ANNA.id)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        call(api, lambda bot: bot.send_message(ANNA.id, "a"))
    call(api, lambda bot: bot.send_message(BEN.id, "b"))  # other chats are not affected
    # A rule for another chat is a rule of its own; clearing the method removes both.
    api.faults.set("sendMessage", "502", chat_id=BEN.id)
    assert [(r.kind, r.chat_id) for r in api.faults.rules] == [("500", ANNA.id), ("502", BEN.id)]
    api.faults.clear("sendMessage")
    call(api, lambda bot: bot.send_message(ANNA.id, "c"))
    assert [m.plain_text for m in api.messages(ANNA.id)] == ["c"]
    assert [m.plain_text for m in api.messages(BEN.id)] == ["b"]

    def drawn(seed: int) -> list[str | None]:
        api.faults.set("getMe", ["500", "429", "bad_json"], probability=0.5, seed=seed)
        hits = [api.faults.match("getMe") for _ in range(40)]
        api.faults.clear()
        return [rule.kind if rule else None for rule in hits]

    assert drawn(4) == drawn(4)
    assert drawn(4) != drawn(5)
    assert set(drawn(4)) == {None, "500", "429", "bad_json"}
    with pytest.raises(ValueError):
        api.faults.set("getMe", ["500", "418"])  # type: ignore[list-item]


# =============================================================================== end to end


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_html(
        "<b>Willkommen!</b> Womit kann ich helfen?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Polizei", callback_data="p")]]),
    )


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text(f"Auswahl: {query.data}")


def _scenario(api: FakeBotApiThread) -> None:
    """The synchronous side, exactly as a subprocess end-to-end test would do it."""
    api.wait_until_polling(timeout=5)
    api.send_text(ANNA, "polizei hausach")
    [echo] = api.wait_for_messages(ANNA.id, timeout=5)
    assert echo.text == "polizei hausach"

    api.send_text(ANNA, "/start")
    [welcome] = api.wait_for_messages(ANNA.id, timeout=5)
    assert welcome.plain_text == "Willkommen! Womit kann ich helfen?"
    query_id = api.press_button(ANNA, welcome, label="Polizei")
    assert api.wait_for_callback_answer(query_id, timeout=5).text == "OK"
    edited = api.wait_for_edit(welcome, timeout=5)
    assert edited.plain_text == "Auswahl: p" and edited.buttons == []
    api.wait_until_consumed(timeout=5)
    api.assert_no_new_messages(ANNA.id, within=0.2)
    with pytest.raises(WaitTimeout, match="1 new bot message"):
        api.wait_for_messages(ANNA.id, timeout=0.2)


def test_application_end_to_end_in_process(api: FakeBotApiThread) -> None:
    async def main() -> None:
        application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("start", _start))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        application.add_handler(CallbackQueryHandler(_button))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(timeout=2, poll_interval=0)
            try:
                await asyncio.to_thread(_scenario, api)
            finally:
                await application.updater.stop()
                await application.stop()

    asyncio.run(main())
    assert api.requests_for("deleteWebhook")  # PTB's bootstrap
    assert api.pending_updates == 0


BOT_SCRIPT = textwrap.dedent(
    """
    import html, os
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = html.escape(update.message.text)
        await update.message.reply_html("Du schreibst: <i>" + text + "</i>")

    app = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .base_file_url(os.environ["BOT_API_BASE_FILE_URL"])
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(timeout=1, poll_interval=0)
    """
)


def test_bot_subprocess_end_to_end(api: FakeBotApiThread, tmp_path: Path) -> None:
    script = tmp_path / "bot.py"
    script.write_text(BOT_SCRIPT)
    env = {
        **os.environ,
        "BOT_TOKEN": api.token,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_BASE_FILE_URL": api.base_file_url,
    }
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.PIPE)
    try:
        api.wait_until_polling(timeout=15)
        api.send_text(ANNA, "<script> & co")
        [reply] = api.wait_for_messages(ANNA.id, timeout=5)
        assert reply.plain_text == "Du schreibst: <script> & co"
        assert reply.entities[0]["type"] == "italic"
        api.wait_until_consumed(timeout=5)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr.decode()


def test_async_server_without_thread() -> None:
    async def main() -> None:
        async with FakeBotApi(bot_username="other_bot") as api:
            api.add_user(ANNA)
            async with Bot(api.token, base_url=api.base_url) as bot:
                assert bot.username == "other_bot"
                sender = asyncio.create_task(bot.send_message(ANNA.id, "async"))
                [msg] = await api.wait_for_messages_async(ANNA.id, timeout=2)
                await sender
                assert isinstance(msg, BotMessage) and msg.plain_text == "async"
                with pytest.raises(RuntimeError, match="_async"):
                    api.wait_for_messages(ANNA.id, timeout=0.1)

    asyncio.run(main())


def test_thread_wrapper_is_thread_safe(api: FakeBotApiThread) -> None:
    api.add_user(ANNA)
    users = [User(2000 + i, f"U{i}") for i in range(8)]

    def writer(user: User) -> None:
        for i in range(10):
            api.send_text(user, f"m{i}")

    threads = [threading.Thread(target=writer, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [u["update_id"] for u in api.updates]
    assert len(ids) == 80 and ids == sorted(ids) and len(set(ids)) == 80
    assert api.pending_updates == 80
