"""Value objects of the fake Bot API: users, chats and immutable snapshots for tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class WaitTimeout(AssertionError):
    """A test-side wait ran out of time.

    Subclasses ``AssertionError`` so pytest reports it as a failed expectation; the message
    carries a summary of what the bot did meanwhile.
    """


@dataclass(frozen=True)
class User:
    """A Telegram user played by the test. Their private chat with the bot has ``id == user.id``."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "de"
    last_name: str | None = None
    is_bot: bool = False

    @property
    def chat_id(self) -> int:
        """The id of the user's private chat with the bot."""
        return self.id

    def to_json(self) -> dict[str, Any]:
        """Telegram ``User`` object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Chat:
    """A chat the bot can talk to: private (``id > 0``) or a group (``id < 0``)."""

    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Telegram ``Chat`` object (as embedded in messages)."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a ``multipart/form-data`` request."""

    filename: str | None
    content: bytes
    content_type: str | None

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes, {self.content_type!r})"


@dataclass(frozen=True)
class StoredFile:
    """A file known to the server (uploaded by a user or by the bot)."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes | None  # None for files the bot sent by URL
    filename: str | None
    mime_type: str | None
    url: str | None = None

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


@dataclass(frozen=True)
class SentFile:
    """A document or photo the bot sent."""

    filename: str | None
    content: bytes | None  # None if sent by URL
    mime_type: str | None
    caption: str | None  # as sent (raw markup)
    file_id: str
    url: str | None = None  # set if the bot passed an http(s) URL instead of uploading

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button."""

    text: str
    callback_data: str | None
    url: str | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class MessageVersion:
    """One historic state of a bot message (before an edit)."""

    text: str | None
    parse_mode: str | None
    plain_text: str
    entities: tuple[dict[str, Any], ...]
    reply_markup: dict[str, Any] | None
    edit_date: int | None


@dataclass(frozen=True)
class BotMessage:
    """Snapshot of a message the bot sent, with all edits up to the snapshot applied.

    ``text`` is the raw text (or caption) exactly as sent, including HTML markup;
    ``plain_text`` is what the user sees. Use ``FakeBotApi.current(msg)`` for a fresh snapshot.
    """

    chat_id: int
    message_id: int
    date: int
    kind: str  # "text" | "document" | "photo"
    text: str | None
    parse_mode: str | None
    plain_text: str
    entities: tuple[dict[str, Any], ...]
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    document: SentFile | None
    photo: SentFile | None
    edit_date: int | None
    edits: tuple[MessageVersion, ...]  # previous versions, oldest first
    deleted: bool
    raw: dict[str, Any] = field(repr=False)  # the Message JSON as last returned to the bot
    params: dict[str, Any] = field(repr=False)  # parameters of the sending request

    @property
    def version(self) -> int:
        """0 for an unedited message, +1 per successful edit."""
        return len(self.edits)

    @property
    def caption(self) -> str | None:
        """Raw caption of a document/photo (``None`` for text messages)."""
        return self.text if self.kind != "text" else None

    @property
    def inline_buttons(self) -> list[list[InlineButton]]:
        """Inline keyboard as rows of :class:`InlineButton` (empty if there is none)."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            [InlineButton(b["text"], b.get("callback_data"), b.get("url"), dict(b)) for b in row]
            for row in self.reply_markup["inline_keyboard"]
        ]

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of ``(text, callback_data or url)``."""
        return [
            [(b.text, b.callback_data if b.callback_data is not None else b.url) for b in row]
            for row in self.inline_buttons
        ]

    @property
    def flat_buttons(self) -> list[InlineButton]:
        """All inline buttons, row by row."""
        return [b for row in self.inline_buttons for b in row]

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a ``ReplyKeyboardMarkup`` (empty if there is none)."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            [b["text"] if isinstance(b, dict) else str(b) for b in row]
            for row in self.reply_markup["keyboard"]
        ]

    def button(self, label: str) -> InlineButton:
        """The only inline button whose text contains ``label`` (case-insensitive)."""
        matches = [b for b in self.flat_buttons if label.lower() in b.text.lower()]
        if len(matches) != 1:
            labels = [b.text for b in self.flat_buttons]
            raise LookupError(
                f"expected exactly one button containing {label!r} in message "
                f"{self.message_id}, found {len(matches)}; buttons: {labels}"
            )
        return matches[0]

    def __str__(self) -> str:
        keyboard = f" buttons={self.buttons}" if self.reply_markup else ""
        return f"[{self.chat_id}/{self.message_id} {self.kind}] {self.plain_text!r}{keyboard}"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the bot made to the fake server."""

    seq: int  # position in FakeBotApi.requests
    method: str  # canonical method name, e.g. "sendMessage"
    params: dict[str, Any]  # decoded form/JSON parameters (nested objects still JSON strings)
    files: dict[str, UploadedFile]
    time: float  # time.time() when the request arrived
    duration: float  # seconds until the response (or the drop)
    status: int | None  # HTTP status sent, None if the connection was dropped
    response: Any  # decoded response body, None if dropped or not JSON
    fault: str | None  # injected fault kind, if any

    @property
    def ok(self) -> bool:
        return (
            self.status == 200
            and isinstance(self.response, dict)
            and self.response.get("ok") is True
        )

    @property
    def error(self) -> str | None:
        """The error description, if Telegram-style error JSON was returned."""
        if isinstance(self.response, dict) and not self.response.get("ok", True):
            return str(self.response.get("description"))
        return None

    @property
    def result(self) -> Any:
        return self.response.get("result") if isinstance(self.response, dict) else None

    def json_param(self, name: str) -> Any:
        """A parameter with JSON-encoded string values decoded (e.g. ``reply_markup``)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def __str__(self) -> str:
        outcome = self.fault or ((self.error or "ok") if self.status else "dropped")
        return f"#{self.seq} {self.method} -> {self.status} {outcome}"


@dataclass(frozen=True)
class CallbackAnswer:
    """A successful ``answerCallbackQuery`` call."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float


@dataclass(frozen=True)
class ChatAction:
    """A successful ``sendChatAction`` call."""

    chat_id: int
    action: str
    time: float
