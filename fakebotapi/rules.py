"""Telegram Bot API validation rules, as pure functions.

Everything here raises :class:`ApiError` with the same ``error_code`` and
``description`` the real Bot API returns, so the fake server can forward the
error unchanged and tests can call the functions directly.

The HTML parser is a port of TDLib's ``parse_html`` (``td/telegram/MessageEntity.cpp``),
which is what the Bot API server runs: it works on UTF-8 bytes, reports byte offsets in
its error messages and produces entities with UTF-16 offsets.

Deliberate deviations (all controlled by ``strict=True``, the default) make the fake
*stricter* than Telegram so that sloppy bots fail loudly in tests:

* A ``&`` in text content that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;``
  or a numeric reference (terminated by ``;``) is rejected. Telegram silently shows it
  as a literal ``&``, which hides a missing ``html.escape()`` until a user types ``&lt;``.
* ``<a>`` without a non-empty ``href`` is rejected (Telegram would use the inner text as
  the URL or silently drop the link).
* An inline keyboard button must have exactly one action field (Telegram silently uses
  the first one it recognises).

With ``strict=False`` the behaviour follows TDLib.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_BOT_COMMANDS = 100
MAX_COMMAND_LENGTH = 32
MAX_COMMAND_DESCRIPTION_LENGTH = 256

# Telegram's canonical error texts, reused by the server and by tests.
ERR_TEXT_EMPTY = "Bad Request: message text is empty"
ERR_TEXT_TOO_LONG = "Bad Request: message is too long"
ERR_CAPTION_TOO_LONG = "Bad Request: message caption is too long"
ERR_BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
ERR_MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
ERR_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
ERR_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
ERR_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
ERR_CHAT_NOT_FOUND = "Bad Request: chat not found"
ERR_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
ERR_ANSWER_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"
ERR_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
ERR_COMMAND_DESCRIPTION_INVALID = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
ERR_TOO_MANY_COMMANDS = "Bad Request: BOT_COMMANDS_TOO_MUCH"
ERR_MARKUP_JSON = "Bad Request: can't parse reply keyboard markup JSON object"
ERR_UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"
ERR_BAD_ACTION = "Bad Request: wrong parameter action in request"


class ApiError(Exception):
    """An error response of the Bot API (``{"ok": false, ...}``)."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """The response body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body

    def __repr__(self) -> str:
        return f"ApiError({self.error_code}, {self.description!r})"


def bad_request(description: str) -> ApiError:
    """A 400 error; ``description`` may be given with or without the ``Bad Request:`` prefix."""
    if not description.startswith("Bad Request: "):
        description = "Bad Request: " + description
    return ApiError(400, description)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, which is how Telegram counts lengths and offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class ParsedText:
    """Text after entity parsing: what a Telegram client would display."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- HTML parser

_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SPACES = frozenset(b" \t\r\n\0\v\f")  # TDLib's is_space(); NUL doubles as end of text
_NAMED_HTML_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_TG_USER_LINK = re.compile(r"^tg://user\?id=(\d{1,19})$", re.IGNORECASE)


def _parse_error(message: str) -> ApiError:
    return bad_request("can't parse entities: " + message)


def _decode_html_entity(data: bytes, pos: int, *, require_semicolon: bool) -> tuple[int, int]:
    """Decode a character reference at ``data[pos] == '&'``.

    Returns ``(code_point, next_pos)``; ``code_point == 0`` means "not an entity", in which
    case TDLib keeps the ``&`` as a literal character.
    """
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    end = pos + 1
    value = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF":
                value = value * 16 + int(chr(at(end)), 16)
                end += 1
                if value >= 0x10FFFF:
                    return 0, pos
        else:
            while ord("0") <= at(end) <= ord("9"):
                value = value * 10 + at(end) - ord("0")
                end += 1
                if value >= 0x10FFFF:
                    return 0, pos
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        named = _NAMED_HTML_ENTITIES.get(data[pos + 1 : end])
        if named is None:
            return 0, pos
        value = ord(named)
    if at(end) == ord(";"):
        return value, end + 1
    if require_semicolon:
        return 0, pos
    return value, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    result_pos: int
    byte_offset: int


_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)


def _explicit_scheme(url: str) -> str | None:
    """The URL's scheme, or ``None`` if there is none (``host:port/...`` has none)."""
    match = _SCHEME_RE.match(url)
    if not match:
        return None
    rest = match.group(2)
    if not rest.startswith("/") and re.match(r"^\d+(?:[/?#]|$)", rest):
        return None  # "example.com:8080/path"
    return match.group(1).lower()


def check_url(url: str) -> str | None:
    """Return the normalised URL if Telegram accepts it for a text link, else ``None``.

    Accepted: http(s) URLs with a host (the scheme may be omitted), ``tg:`` and ``ton:``.
    """
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    scheme = _explicit_scheme(url)
    if scheme in ("tg", "ton"):
        return url if url.split(":", 1)[1].lstrip("/") else None
    if scheme not in (None, "http", "https"):
        return None
    candidate = url if scheme else "http://" + url
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host or ("." not in host and host != "localhost"):
        return None
    return candidate


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram-HTML into plain text and entities, raising :class:`ApiError` like TDLib.

    Entity offsets and lengths are in UTF-16 code units; error offsets are UTF-8 byte offsets.
    """
    data = text.encode("utf-8", "surrogatepass")
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    result = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    i = 0
    while i < n:
        c = data[i]
        if c == ord("&"):
            code_point, next_i = _decode_html_entity(data, i, require_semicolon=strict)
            if code_point:
                utf16 += 2 if code_point > 0xFFFF else 1
                result += chr(code_point).encode("utf-8", "surrogatepass")
                i = next_i
                continue
            if strict:
                raise _parse_error(
                    f'Character "&" at byte offset {i} must be escaped as "&amp;" '
                    "(strict mode of the fake server; Telegram would show a literal '&')"
                )
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                utf16 += 2 if c >= 0xF0 else 1
            result.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            # Start tag.
            while at(i) not in _SPACES and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise _parse_error(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _SUPPORTED_TAGS:
                raise _parse_error(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            has_href = False
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while at(i) not in _SPACES and at(i) not in (ord("="), ord(">")):
                    i += 1
                attr_name = data[attr_begin:i]
                if not attr_name:
                    raise _parse_error(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) != ord("="):
                    if tag == "blockquote" and attr_name == b"expandable":
                        argument = "1"
                        continue
                    raise _parse_error(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == 0:
                    raise _parse_error(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                        i += 1
                    value = data[token_begin:i].decode("ascii").lower()
                    if at(i) not in _SPACES and at(i) != ord(">"):
                        raise _parse_error(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    raw = bytearray()
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            code_point, next_i = _decode_html_entity(
                                data, i, require_semicolon=False
                            )
                            if code_point:
                                raw += chr(code_point).encode("utf-8", "surrogatepass")
                                i = next_i
                                continue
                        raw.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = raw.decode("utf-8", "replace")
                if at(i) == 0:
                    raise _parse_error(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr_name == b"href":
                    argument = value
                    has_href = True
                elif tag == "code" and attr_name == b"class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == b"class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == b"emoji-id":
                    argument = value
                elif tag == "blockquote" and attr_name == b"expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise _parse_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            if strict and tag == "a" and not (has_href and argument.strip()):
                raise _parse_error(
                    f'Tag "a" must have a non-empty "href" attribute at byte offset {begin} '
                    "(strict mode of the fake server)"
                )
            stack.append(_OpenTag(tag, argument, utf16, len(result), begin))
            i += 1  # skip '>'
            continue

        # End tag.
        if not stack:
            raise _parse_error(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACES and at(i) != ord(">"):
            i += 1
        end_name = data[begin + 2 : i].decode("utf-8", "replace")
        while at(i) in _SPACES and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise _parse_error(f"Unclosed end tag at byte offset {begin}")
        top = stack[-1]
        if end_name and end_name != top.name:
            raise _parse_error(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                f'found "</{end_name}>"'
            )
        stack.pop()
        i += 1  # skip '>'
        if utf16 <= top.utf16_offset:
            continue  # empty entities are dropped
        offset, length = top.utf16_offset, utf16 - top.utf16_offset
        if top.name in _SIMPLE_ENTITY_TYPES:
            entities.append(
                {"type": _SIMPLE_ENTITY_TYPES[top.name], "offset": offset, "length": length}
            )
        elif top.name == "blockquote":
            kind = "expandable_blockquote" if top.argument else "blockquote"
            entities.append({"type": kind, "offset": offset, "length": length})
        elif top.name == "tg-emoji":
            if not top.argument.isdigit() or int(top.argument) == 0:
                raise _parse_error("Invalid custom emoji identifier specified")
            entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": top.argument,
                }
            )
        elif top.name == "a":
            url = top.argument or result[top.result_pos :].decode("utf-8", "replace")
            mention = _TG_USER_LINK.match(url.strip())
            if mention:
                user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
                entities.append(
                    {"type": "text_mention", "offset": offset, "length": length, "user": user}
                )
            elif (checked := check_url(url)) is not None:
                entities.append(
                    {"type": "text_link", "offset": offset, "length": length, "url": checked}
                )
            # Invalid URLs are silently dropped, like Telegram does.
        elif top.name == "pre":
            last = entities[-1] if entities else None
            if (
                last is not None
                and last["type"] == "code"
                and last["offset"] == offset
                and last["length"] == length
                and last.get("language")
            ):
                last["type"] = "pre"
            else:
                entities.append({"type": "pre", "offset": offset, "length": length})
        elif top.name == "code":
            last = entities[-1] if entities else None
            if (
                last is not None
                and last["type"] == "pre"
                and last["offset"] == offset
                and last["length"] == length
                and top.argument
            ):
                last["language"] = top.argument
            else:
                entity: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
                if top.argument:
                    entity["language"] = top.argument
                entities.append(entity)
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    plain = result.decode("utf-8", "surrogatepass")
    try:
        plain.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    return ParsedText(plain, entities)


def html_to_plain(text: str) -> str:
    """Plain text of Telegram-HTML (lenient: never raises for bare ``&``)."""
    return parse_html(text, strict=False).text


# --------------------------------------------------------------------------- message texts

_TRIM_CHARS = " \t\r\n"


def trim_formatted(parsed: ParsedText) -> ParsedText:
    """Strip leading/trailing whitespace as Telegram does, clipping the entities."""
    text = parsed.text
    stripped_left = text.lstrip(_TRIM_CHARS)
    left = len(text) - len(stripped_left)  # ASCII only, so UTF-16 units == characters
    stripped = stripped_left.rstrip(_TRIM_CHARS)
    if left == 0 and len(stripped) == len(text):
        return parsed
    total = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, entities)


def _check_entities_param(entities: Any) -> list[dict[str, Any]]:
    if not isinstance(entities, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in entities
    ):
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def parse_text(
    text: str, parse_mode: str | None = None, entities: Any = None, *, strict: bool = True
) -> ParsedText:
    """Apply ``parse_mode`` (or explicit ``entities``) and trim, without length checks.

    Only HTML is really parsed; Markdown/MarkdownV2 are accepted and passed through as
    plain text (not validated by this fake).
    """
    if entities is not None:
        return trim_formatted(ParsedText(text, _check_entities_param(entities)))
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        return trim_formatted(parse_html(text, strict=strict))
    if mode in ("", "markdown", "markdownv2"):
        return trim_formatted(ParsedText(text, []))
    raise bad_request(ERR_UNSUPPORTED_PARSE_MODE)


def check_message_text(
    text: str | None, parse_mode: str | None = None, entities: Any = None, *, strict: bool = True
) -> ParsedText:
    """Validate a ``sendMessage``/``editMessageText`` text like Telegram and return it parsed."""
    if not text:
        raise bad_request(ERR_TEXT_EMPTY)
    parsed = parse_text(text, parse_mode, entities, strict=strict)
    if not parsed.text:
        raise bad_request(ERR_TEXT_EMPTY)
    if utf16_len(parsed.text) > MAX_MESSAGE_LENGTH:
        raise bad_request(ERR_TEXT_TOO_LONG)
    return parsed


def check_caption(
    caption: str | None, parse_mode: str | None = None, entities: Any = None, *, strict: bool = True
) -> ParsedText:
    """Validate a media caption (may be empty) and return it parsed."""
    if not caption:
        return ParsedText("", [])
    parsed = parse_text(caption, parse_mode, entities, strict=strict)
    if utf16_len(parsed.text) > MAX_CAPTION_LENGTH:
        raise bad_request(ERR_CAPTION_TOO_LONG)
    return parsed


# --------------------------------------------------------------------------- keyboards

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_callback_data(data: Any) -> str:
    """``callback_data`` must be a string of 1-64 bytes in UTF-8."""
    if not isinstance(data, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
        )
    if not 1 <= len(data.encode("utf-8", "surrogatepass")) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request(ERR_BUTTON_DATA_INVALID)
    return data


def check_button_url(url: Any) -> str:
    """URL buttons accept http(s) and tg:// links only."""
    if not isinstance(url, str):
        raise bad_request('can\'t parse inline keyboard button: Field "url" must be of type String')
    scheme = _explicit_scheme(url.strip())
    if scheme == "tg":
        return url
    if scheme not in (None, "http", "https"):
        raise bad_request(
            f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )
    if check_url(url) is None:
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return url


def _check_inline_button(button: Any, *, strict: bool) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _BUTTON_ACTIONS if name in button]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if strict and len(actions) > 1:
        raise bad_request(
            prefix + f"exactly one of the optional fields must be used, got {', '.join(actions)} "
            "(strict mode of the fake server)"
        )
    action = actions[0]
    if action == "callback_data":
        check_callback_data(button["callback_data"])
    elif action == "url":
        check_button_url(button["url"])


def check_inline_keyboard(keyboard: Any, *, strict: bool = True) -> None:
    """Validate the ``inline_keyboard`` array of an ``InlineKeyboardMarkup``."""
    if not isinstance(keyboard, list):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    total = 0
    for row in keyboard:
        if not isinstance(row, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in row:
            _check_inline_button(button, strict=strict)
            total += 1
    if total > MAX_INLINE_BUTTONS:
        raise bad_request(ERR_MARKUP_TOO_LONG)


def _check_reply_keyboard(keyboard: Any) -> None:
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    total = 0
    for row in keyboard:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request(
                    "can't parse keyboard button: KeyboardButton must be a String or an Object"
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            total += 1
    if total > 300:
        raise bad_request(ERR_MARKUP_TOO_LONG)


ERR_LOCATION_PRIVATE_ONLY = "location can be requested in a private chats only"


def check_private_only_buttons(markup: dict[str, Any] | None) -> None:
    """Outside private chats a reply keyboard may not ask for the user's location."""
    if not markup or not isinstance(markup.get("keyboard"), list):
        return
    for row in markup["keyboard"]:
        for button in row:
            if isinstance(button, dict) and button.get("request_location"):
                raise bad_request(ERR_LOCATION_PRIVATE_ONLY)


def check_reply_markup(
    markup: Any, *, inline_only: bool = False, strict: bool = True
) -> dict[str, Any] | None:
    """Validate a decoded ``reply_markup`` object; returns it (``None`` if absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(ERR_MARKUP_JSON)
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"], strict=strict)
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
    elif "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request('field "remove_keyboard" of the ReplyKeyboardRemove must be true')
    elif "force_reply" in markup:
        if markup["force_reply"] is not True:
            raise bad_request('field "force_reply" of the ForceReply must be true')
    else:
        raise bad_request(ERR_MARKUP_JSON)
    return markup


def normalize_inline_markup(markup: dict[str, Any] | None) -> str:
    """Canonical form for comparing inline keyboards ("not modified" check)."""
    if not markup or not markup.get("inline_keyboard"):
        return ""
    rows = [row for row in markup["inline_keyboard"] if row]
    return json.dumps(rows, sort_keys=True, ensure_ascii=False) if rows else ""


# --------------------------------------------------------------------------- misc methods

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def check_bot_commands(commands: Any) -> list[dict[str, str]]:
    """Validate the ``commands`` array of ``setMyCommands``."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_BOT_COMMANDS:
        raise bad_request(ERR_TOO_MANY_COMMANDS)
    result: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.match(command):
            raise bad_request(ERR_COMMAND_INVALID)
        if (
            not isinstance(description, str)
            or not description.strip()
            or len(description) > MAX_COMMAND_DESCRIPTION_LENGTH
        ):
            raise bad_request(ERR_COMMAND_DESCRIPTION_INVALID)
        result.append({"command": command, "description": description})
    return result


def check_callback_answer_text(text: str | None) -> None:
    """``answerCallbackQuery`` text: 0-200 characters."""
    if text and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request(ERR_ANSWER_TOO_LONG)


CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def check_chat_action(action: str | None) -> str:
    """``sendChatAction`` accepts only the documented actions."""
    if action not in CHAT_ACTIONS:
        raise bad_request(ERR_BAD_ACTION)
    return action


_BOT_COMMAND_RE = re.compile(
    r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])"
)


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities Telegram attaches to a user's message text."""
    entities: list[dict[str, Any]] = []
    for match in _BOT_COMMAND_RE.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return entities
