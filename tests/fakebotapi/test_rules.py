"""Telegram's validation rules of the fake server (``fakebotapi/rules.py``), as pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from fakebotapi import ApiError, rules


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
