"""The simulated Telegram world: chats, messages, updates, files and the API methods.

Everything here is synchronous and guarded by one ``threading.RLock`` (``state.lock``), so
the aiohttp handlers (on the server's event loop) and test code (possibly on another
thread) can both use it. Waiters block on ``state.cond``; asynchronous listeners (the
long-polling ``getUpdates`` handlers) are woken through callbacks registered with
:meth:`BotApiState.add_listener`.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .models import (
    BotMessage,
    CallbackAnswer,
    Chat,
    ChatAction,
    MessageVersion,
    RecordedRequest,
    SentFile,
    StoredFile,
    UploadedFile,
    User,
)
from .rules import ApiError, ParsedText, bad_request

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile limit for bots
DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)

#: Every method the fake implements, by canonical name.
METHODS: tuple[str, ...] = (
    "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
    "setMyCommands", "getMyCommands", "deleteMyCommands", "setChatMenuButton",
    "getChatMenuButton", "setMyName", "getMyName", "setMyDescription", "getMyDescription",
    "setMyShortDescription", "getMyShortDescription", "sendMessage", "editMessageText",
    "editMessageCaption", "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery",
    "sendChatAction", "sendDocument", "sendPhoto", "getFile", "getChat", "getChatMember",
)  # fmt: skip
CANONICAL_METHODS: dict[str, str] = {name.lower(): name for name in METHODS}

#: Real Bot API methods the fake does not simulate. They get a 501 (which Telegram never
#: sends) instead of Telegram's 404 for non-existent methods, so the cause is obvious.
UNIMPLEMENTED_METHODS: frozenset[str] = frozenset(
    name.lower()
    for name in (
        "sendAudio", "sendVideo", "sendAnimation", "sendVoice", "sendVideoNote", "sendPaidMedia",
        "sendMediaGroup", "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendChecklist",
        "sendDice", "sendSticker", "sendInvoice", "sendGame", "sendGift", "forwardMessage",
        "forwardMessages", "copyMessage", "copyMessages", "deleteMessages", "editMessageMedia",
        "editMessageLiveLocation", "stopMessageLiveLocation", "editMessageChecklist", "stopPoll",
        "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages", "leaveChat",
        "getChatAdministrators", "getChatMemberCount", "banChatMember", "unbanChatMember",
        "restrictChatMember", "promoteChatMember", "setChatPermissions", "setChatTitle",
        "setChatDescription", "setChatPhoto", "deleteChatPhoto", "exportChatInviteLink",
        "createChatInviteLink", "editChatInviteLink", "revokeChatInviteLink",
        "approveChatJoinRequest", "declineChatJoinRequest", "answerInlineQuery",
        "answerWebAppQuery", "savePreparedInlineMessage", "getUserProfilePhotos",
        "setMessageReaction", "getMyDefaultAdministratorRights",
        "setMyDefaultAdministratorRights", "getStickerSet", "getCustomEmojiStickers",
        "getBusinessConnection", "answerPreCheckoutQuery", "answerShippingQuery",
        "createForumTopic", "editForumTopic", "closeForumTopic", "reopenForumTopic",
        "deleteForumTopic", "getForumTopicIconStickers", "getUserChatBoosts",
        "setGameScore", "getGameHighScores", "getAvailableGifts", "setUserEmojiStatus",
        "verifyUser", "verifyChat", "setChatStickerSet", "deleteChatStickerSet",
    )
)  # fmt: skip


class Params:
    """Request parameters from a query string, a form, a multipart body or a JSON body.

    Form values are strings (nested objects JSON-encoded, as PTB sends them); JSON bodies
    may carry real numbers/objects. The getters accept both.
    """

    def __init__(
        self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def get_int(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            try:
                return int(float(str(value).strip()))
            except ValueError:
                return None

    def get_float(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1", "yes", "on")

    def get_json(self, name: str, error: str) -> Any:
        """A parameter that is an object/array; strings are decoded as JSON."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error) from None
        return value

    def get_input_file(self, name: str) -> UploadedFile | str | None:
        """An ``InputFile`` parameter: an uploaded part, ``attach://<part>``, a file_id or URL."""
        if name in self.files:
            return self.files[name]
        value = self.get_str(name)
        if value and value.startswith("attach://"):
            part = self.files.get(value[len("attach://") :])
            if part is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return part
        return value


@dataclass
class StoredMessage:
    """Mutable server-side message (by the bot or by a simulated user)."""

    chat_id: int
    message_id: int
    date: int
    sender: User | None  # None means the bot
    kind: str  # "text" | "document" | "photo" | "location"
    text: str | None  # raw text/caption as sent (with markup)
    parse_mode: str | None
    parsed: ParsedText
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    params: dict[str, Any]
    document: SentFile | None = None
    photo: SentFile | None = None
    user_file: StoredFile | None = None
    photo_size: tuple[int, int] = (0, 0)
    location: dict[str, Any] | None = None  # a user's shared (live) location
    edit_date: int | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return self.sender is None

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup
        return None


@dataclass
class ChatState:
    """A chat and its message history."""

    chat: Chat
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_order: list[int] = field(default_factory=list)  # bot message ids in send order
    next_message_id: int = 1
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    bot_status: str = "member"  # the bot's own status in a group
    blocked: bool = False  # private chat: the user blocked the bot
    started: bool = True  # private chat: the user has opened it (else the bot may not write)
    cursor: int = 0  # FakeBotApi.wait_for_messages() position in bot_order

    def allocate_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class CallbackQueryState:
    query_id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    created: float  # time.monotonic()
    answered: bool = False


_JPEG_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of PNG/GIF/JPEG/WebP/BMP data, ``None`` if it is not an image."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    if content.startswith(b"BM") and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(width), abs(height)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return 512, 512  # good enough; Telegram would recompress anyway
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                i += 1
                continue
            marker = content[i + 1]
            if marker in _JPEG_SOF_MARKERS:
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (segment_length,) = struct.unpack(">H", content[i + 2 : i + 4])
            i += 2 + segment_length
        return 640, 480  # a JPEG without a readable SOF: still an image
    return None


class BotApiState:
    """All server-side state plus the implementation of the Bot API methods."""

    def __init__(
        self,
        *,
        token: str,
        bot_id: int,
        bot_username: str,
        bot_first_name: str,
        strict: bool = True,
        callback_query_ttl: float | None = None,
        first_update_id: int = 1000,
    ) -> None:
        self.token = token
        self.bot_user = User(
            id=bot_id,
            first_name=bot_first_name,
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        self.strict = strict
        self.callback_query_ttl = callback_query_ttl
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self._listeners: list[Callable[[], None]] = []

        self.users: dict[int, User] = {}
        self.chats: dict[int, ChatState] = {}
        self.queue: deque[dict[str, Any]] = deque()  # unconfirmed updates
        self.injected: list[dict[str, Any]] = []  # every update ever queued
        self.dropped_updates: list[dict[str, Any]] = []  # filtered by allowed_updates / dropped
        self.delivered_ids: set[int] = set()
        self.next_update_id = first_update_id
        self.allowed_updates: list[str] | None = None
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_counter = 0
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self._callback_counter = 0
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[ChatAction] = []
        self.requests: list[RecordedRequest] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        # (kind, language) -> value for setMyName/-Description/-ShortDescription
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook_url = ""
        self.active_polls = 0
        self.logged_out = False
        self.closed = False
        self.request_cursors: dict[str, int] = {}

    # ------------------------------------------------------------------ plumbing

    def add_listener(self, callback: Callable[[], None]) -> None:
        """``callback`` is invoked (holding the lock) after every state change."""
        with self.lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self.lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def changed(self) -> None:
        """Wake every waiter; call with the lock held."""
        self.cond.notify_all()
        for callback in list(self._listeners):
            callback()

    @staticmethod
    def now() -> int:
        return int(time.time())

    def next_callback_query_id(self) -> str:
        """A new callback query id (Telegram uses long numeric strings)."""
        self._callback_counter += 1
        return str(4_000_000_000_000_000_000 + self._callback_counter)

    def record_request(self, **fields: Any) -> RecordedRequest:
        with self.lock:
            request = RecordedRequest(seq=len(self.requests), **fields)
            self.requests.append(request)
            self.changed()
            return request

    # ------------------------------------------------------------------ world setup

    def ensure_user(self, user: User, *, started: bool) -> ChatState:
        """Make ``user`` known and return their private chat with the bot.

        ``started``: the user opened the private chat (pressed Start / wrote to the bot).
        Users only seen in groups are known, but the bot may not message them privately.
        """
        if user.id <= 0:
            raise ValueError("user ids must be positive")
        self.users[user.id] = user
        chat = Chat(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
        )
        state = self.chats.get(user.id)
        if state is None:
            state = ChatState(chat=chat, members={user.id: "member"}, started=started)
            self.chats[user.id] = state
        else:
            state.chat = chat
            state.started = state.started or started
        return state

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        username: str | None = None,
        bot_status: str = "member",
        members: dict[int, str] | None = None,
    ) -> Chat:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"bad chat type {type!r}")
        chat = Chat(id=chat_id, type=type, title=title, username=username)
        state = self.chats.get(chat_id)
        if state is None:
            self.chats[chat_id] = ChatState(
                chat=chat, members=dict(members or {}), bot_status=bot_status
            )
        else:
            state.chat = chat
            state.bot_status = bot_status
            state.members.update(members or {})
        self.changed()
        return chat

    def chat_state(self, chat_id: int) -> ChatState:
        state = self.chats.get(chat_id)
        if state is None:
            raise KeyError(f"unknown chat {chat_id}")
        return state

    # ------------------------------------------------------------------ JSON builders

    def bot_json(self) -> dict[str, Any]:
        return self.bot_user.to_json()

    def _entities_for_json(self, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = []
        for entity in entities:
            if entity["type"] == "text_mention":
                user = self.users.get(entity["user"]["id"])
                user_json = user.to_json() if user else {**entity["user"], "first_name": "User"}
                entity = {**entity, "user": user_json}
            result.append(entity)
        return result

    def message_json(self, msg: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Telegram ``Message`` object for a stored message."""
        chat = self.chats[msg.chat_id].chat
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self.bot_json() if msg.sender is None else msg.sender.to_json(),
            "chat": chat.to_json(),
            "date": msg.date,
        }
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if with_reply and msg.reply_to is not None:
            target = self.chats[msg.chat_id].messages.get(msg.reply_to)
            if target is not None and not target.deleted:
                data["reply_to_message"] = self.message_json(target, with_reply=False)
        entities = self._entities_for_json(msg.parsed.entities)
        if msg.kind == "location" and msg.location is not None:
            data["location"] = copy.deepcopy(msg.location)
        elif msg.kind == "text":
            data["text"] = msg.parsed.text
            if entities:
                data["entities"] = entities
        else:
            if msg.parsed.text:
                data["caption"] = msg.parsed.text
                if entities:
                    data["caption_entities"] = entities
            stored = msg.user_file
            if msg.kind == "document":
                file_id = (
                    msg.document.file_id if msg.document else (stored.file_id if stored else "")
                )
                data["document"] = self._document_json(self.files[file_id])
            elif msg.kind == "photo":
                file_id = msg.photo.file_id if msg.photo else (stored.file_id if stored else "")
                data["photo"] = self._photo_json(self.files[file_id], msg.photo_size)
        if msg.inline_markup is not None:
            data["reply_markup"] = copy.deepcopy(msg.inline_markup)
        return data

    @staticmethod
    def _document_json(stored: StoredFile) -> dict[str, Any]:
        data: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.filename:
            data["file_name"] = stored.filename
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
        data["file_size"] = stored.size
        return data

    @staticmethod
    def _photo_json(stored: StoredFile, size: tuple[int, int]) -> list[dict[str, Any]]:
        width, height = size
        sizes = []
        if max(width, height) > 90:
            scale = 90 / max(width, height)
            sizes.append(
                {
                    "file_id": stored.file_id + "-thumb",
                    "file_unique_id": stored.file_unique_id + "-t",
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                    "file_size": min(stored.size, 2048),
                }
            )
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": stored.size,
            }
        )
        return sizes

    def chat_full_json(self, state: ChatState) -> dict[str, Any]:
        data = state.chat.to_json()
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return data

    def snapshot(self, msg: StoredMessage) -> BotMessage:
        return BotMessage(
            chat_id=msg.chat_id,
            message_id=msg.message_id,
            date=msg.date,
            kind=msg.kind,
            text=msg.text,
            parse_mode=msg.parse_mode,
            plain_text=msg.parsed.text,
            entities=tuple(copy.deepcopy(msg.parsed.entities)),
            reply_markup=copy.deepcopy(msg.reply_markup),
            reply_to_message_id=msg.reply_to,
            document=msg.document,
            photo=msg.photo,
            edit_date=msg.edit_date,
            edits=tuple(msg.edits),
            deleted=msg.deleted,
            raw=self.message_json(msg),
            params=dict(msg.params),
        )

    # ------------------------------------------------------------------ files

    def store_file(
        self,
        content: bytes | None,
        *,
        filename: str | None,
        mime_type: str | None,
        folder: str,
        url: str | None = None,
    ) -> StoredFile:
        self._file_counter += 1
        n = self._file_counter
        ext = ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        elif folder == "photos":
            ext = ".jpg"
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{n:06d}fake",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"{folder}/file_{n}{ext}",
            content=content,
            filename=filename,
            mime_type=mime_type,
            url=url,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # ------------------------------------------------------------------ updates

    def _update_allowed(self, update_type: str) -> bool:
        if not self.allowed_updates:
            return update_type not in DEFAULT_UPDATE_TYPES_EXCLUDED
        return update_type in self.allowed_updates

    def enqueue(self, payload: dict[str, Any]) -> int:
        """Queue an update (``payload`` without ``update_id``); returns the update_id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, **payload}
        self.injected.append(update)
        kinds = [k for k in payload if k != "update_id"]
        if kinds and not self._update_allowed(kinds[0]):
            self.dropped_updates.append(update)
        else:
            self.queue.append(update)
        self.changed()
        return update_id

    def confirm(self, offset: int | None) -> None:
        """Apply getUpdates' ``offset`` semantics (forget confirmed updates)."""
        if not offset:
            return
        before = len(self.queue)
        if offset > 0:
            while self.queue and self.queue[0]["update_id"] < offset:
                self.queue.popleft()
        else:
            while len(self.queue) > -offset:
                self.queue.popleft()
        if len(self.queue) != before:
            self.changed()

    def take_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        self.confirm(offset)
        start = offset if offset and offset > 0 else None
        batch = [u for u in self.queue if start is None or u["update_id"] >= start][:limit]
        for update in batch:
            self.delivered_ids.add(update["update_id"])
        return batch

    def set_allowed_updates(self, allowed: Any) -> None:
        if not isinstance(allowed, list) or not all(isinstance(x, str) for x in allowed):
            raise bad_request("can't parse allowed updates JSON object")
        self.allowed_updates = list(allowed)

    def drop_pending(self) -> None:
        self.dropped_updates.extend(self.queue)
        self.queue.clear()
        self.changed()

    # ------------------------------------------------------------------ method dispatch

    def dispatch(self, method: str, params: Params) -> Any:
        """Run an API method (not getUpdates) and return its ``result``; raises ApiError."""
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            raise ApiError(404, "Not Found")
        with self.lock:
            result = handler(params)
            self.changed()
            return result

    # helpers

    def _chat(self, p: Params, *, sending: bool) -> ChatState:
        raw = p.raw("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        state: ChatState | None = None
        if isinstance(raw, str) and raw.strip().startswith("@"):
            name = raw.strip()[1:].lower()
            state = next(
                (
                    s
                    for s in self.chats.values()
                    if s.chat.type != "private" and (s.chat.username or "").lower() == name
                ),
                None,
            )
        else:
            chat_id = p.get_int("chat_id")
            state = self.chats.get(chat_id) if chat_id is not None else None
        if state is None:
            raise bad_request(rules.ERR_CHAT_NOT_FOUND)
        if sending:
            if state.chat.type == "private" and state.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if state.chat.type == "private" and not state.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            if state.chat.type != "private" and state.bot_status in ("left", "kicked"):
                raise ApiError(403, f"Forbidden: bot was kicked from the {state.chat.type} chat")
        return state

    def _message_id(self, p: Params) -> int:
        message_id = p.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        return message_id

    def _reply_to(self, state: ChatState, p: Params) -> int | None:
        reply = p.get_json("reply_parameters", "can't parse reply parameters JSON object")
        allow = p.get_bool("allow_sending_without_reply")
        message_id: Any = None
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply", allow))
        elif reply is not None:
            raise bad_request("can't parse reply parameters JSON object")
        elif p.has("reply_to_message_id"):
            message_id = p.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = state.messages.get(int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target.message_id

    def _markup(
        self, p: Params, *, inline_only: bool = False, state: ChatState | None = None
    ) -> dict[str, Any] | None:
        markup = p.get_json("reply_markup", rules.ERR_MARKUP_JSON)
        checked = rules.check_reply_markup(markup, inline_only=inline_only, strict=self.strict)
        if state is not None and state.chat.type != "private":
            rules.check_private_only_buttons(checked)
        return checked

    def _new_bot_message(self, state: ChatState, p: Params, **fields: Any) -> StoredMessage:
        params = {k: v for k, v in p.values.items()}
        msg = StoredMessage(
            chat_id=state.chat.id,
            message_id=state.allocate_id(),
            date=self.now(),
            sender=None,
            params=params,
            **fields,
        )
        state.messages[msg.message_id] = msg
        state.bot_order.append(msg.message_id)
        return msg

    def _editable(self, state: ChatState, message_id: int) -> StoredMessage:
        msg = state.messages.get(message_id)
        if msg is None or msg.deleted:
            raise bad_request(rules.ERR_EDIT_NOT_FOUND)
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        return msg

    @staticmethod
    def _entities_key(parsed: ParsedText) -> str:
        return json.dumps(
            sorted(parsed.entities, key=lambda e: json.dumps(e, sort_keys=True)), sort_keys=True
        )

    def _apply_edit(
        self,
        msg: StoredMessage,
        *,
        text: str | None,
        parse_mode: str | None,
        parsed: ParsedText,
        markup: dict[str, Any] | None,
    ) -> None:
        msg.edits.append(
            MessageVersion(
                text=msg.text,
                parse_mode=msg.parse_mode,
                plain_text=msg.parsed.text,
                entities=tuple(msg.parsed.entities),
                reply_markup=msg.reply_markup,
                edit_date=msg.edit_date,
            )
        )
        msg.text, msg.parse_mode, msg.parsed = text, parse_mode, parsed
        if markup is not None or msg.inline_markup is not None:
            msg.reply_markup = markup
        msg.edit_date = self.now()

    # --- bot identity & lifecycle

    def _m_getMe(self, p: Params) -> Any:
        return {
            **self.bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logOut(self, p: Params) -> Any:
        self.logged_out = True
        return True

    def _m_close(self, p: Params) -> Any:
        self.closed = True
        return True

    def _m_setWebhook(self, p: Params) -> Any:
        url = (p.get_str("url") or "").strip()
        if url and not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if p.get_bool("drop_pending_updates"):
            self.drop_pending()
        allowed = p.get_json("allowed_updates", "can't parse allowed updates JSON object")
        if allowed is not None:
            self.set_allowed_updates(allowed)
        return True

    def _m_deleteWebhook(self, p: Params) -> Any:
        self.webhook_url = ""
        if p.get_bool("drop_pending_updates"):
            self.drop_pending()
        return True

    def _m_getWebhookInfo(self, p: Params) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue),
        }
        if self.allowed_updates:
            info["allowed_updates"] = list(self.allowed_updates)
        return info

    # --- commands, menu button, names

    _SCOPES = frozenset(
        {
            "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
            "chat", "chat_administrators", "chat_member",
        }
    )  # fmt: skip

    def _command_key(self, p: Params) -> tuple[str, str]:
        scope = p.get_json("scope", "can't parse BotCommandScope JSON object") or {
            "type": "default"
        }
        if not isinstance(scope, dict) or scope.get("type") not in self._SCOPES:
            raise bad_request("unsupported bot command scope type")
        if "chat_id" in scope and int(scope["chat_id"]) not in self.chats:
            raise bad_request(rules.ERR_CHAT_NOT_FOUND)
        language = p.get_str("language_code") or ""
        if language and (len(language) != 2 or not language.isalpha()):
            raise bad_request("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language.lower()

    def _m_setMyCommands(self, p: Params) -> Any:
        if not p.has("commands"):
            raise bad_request('parameter "commands" is required')
        commands = rules.check_bot_commands(
            p.get_json("commands", "can't parse commands JSON object")
        )
        key = self._command_key(p)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    def _m_getMyCommands(self, p: Params) -> Any:
        return copy.deepcopy(self.commands.get(self._command_key(p), []))

    def _m_deleteMyCommands(self, p: Params) -> Any:
        self.commands.pop(self._command_key(p), None)
        return True

    def _m_setChatMenuButton(self, p: Params) -> Any:
        chat_id = None
        if p.has("chat_id"):
            state = self._chat(p, sending=False)
            if state.chat.type != "private":
                raise bad_request("chat must be a private chat")
            chat_id = state.chat.id
        button = p.get_json("menu_button", "can't parse menu button JSON object") or {
            "type": "default"
        }
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise bad_request("unsupported menu button type")
        self.menu_buttons[chat_id] = button
        return True

    def _m_getChatMenuButton(self, p: Params) -> Any:
        chat_id = self._chat(p, sending=False).chat.id if p.has("chat_id") else None
        button = (
            self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}
        )
        return copy.deepcopy(button if button.get("type") != "default" else {"type": "commands"})

    def _set_bot_text(self, kind: str, p: Params, limit: int) -> Any:
        value = p.get_str(kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind} is too long")
        self.bot_texts[(kind, (p.get_str("language_code") or "").lower())] = value
        return True

    def _get_bot_text(self, kind: str, p: Params) -> Any:
        language = (p.get_str("language_code") or "").lower()
        value = self.bot_texts.get((kind, language), self.bot_texts.get((kind, ""), ""))
        if kind == "name" and not value:
            value = self.bot_user.first_name
        return {kind: value}

    def _m_setMyName(self, p: Params) -> Any:
        return self._set_bot_text("name", p, 64)

    def _m_getMyName(self, p: Params) -> Any:
        return self._get_bot_text("name", p)

    def _m_setMyDescription(self, p: Params) -> Any:
        return self._set_bot_text("description", p, 512)

    def _m_getMyDescription(self, p: Params) -> Any:
        return self._get_bot_text("description", p)

    def _m_setMyShortDescription(self, p: Params) -> Any:
        return self._set_bot_text("short_description", p, 120)

    def _m_getMyShortDescription(self, p: Params) -> Any:
        return self._get_bot_text("short_description", p)

    # --- messages

    def _m_sendMessage(self, p: Params) -> Any:
        text = p.get_str("text")
        if not text:
            raise bad_request(rules.ERR_TEXT_EMPTY)
        state = self._chat(p, sending=True)
        parse_mode = p.get_str("parse_mode")
        entities = p.get_json("entities", "can't parse entities JSON object")
        parsed = rules.check_message_text(text, parse_mode, entities, strict=self.strict)
        markup = self._markup(p, state=state)
        reply_to = self._reply_to(state, p)
        msg = self._new_bot_message(
            state,
            p,
            kind="text",
            text=text,
            parse_mode=parse_mode,
            parsed=parsed,
            reply_markup=markup,
            reply_to=reply_to,
        )
        return self.message_json(msg)

    def _send_media(self, p: Params, kind: str) -> Any:
        state = self._chat(p, sending=True)
        source = p.get_input_file(kind)
        if source is None or source == "":
            raise bad_request(f"there is no {kind} in the request")
        caption = p.get_str("caption")
        parse_mode = p.get_str("parse_mode")
        entities = p.get_json("caption_entities", "can't parse entities JSON object")
        parsed = rules.check_caption(caption, parse_mode, entities, strict=self.strict)
        markup = self._markup(p, state=state)
        reply_to = self._reply_to(state, p)
        size = (0, 0)
        if isinstance(source, UploadedFile):
            if not source.content:
                raise bad_request("file must be non-empty")
            mime = source.content_type
            if kind == "document" and (not mime or mime == "application/octet-stream"):
                mime = mimetypes.guess_type(source.filename or "")[0] or mime
            if kind == "photo":
                dimensions = _image_size(source.content)
                if dimensions is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                size = dimensions
                mime = None
            stored = self.store_file(
                source.content,
                filename=source.filename if kind == "document" else None,
                mime_type=mime,
                folder="documents" if kind == "document" else "photos",
            )
            sent = SentFile(source.filename, source.content, mime, caption, stored.file_id)
        elif source in self.files:
            stored = self.files[source]
            if kind == "photo":
                size = _image_size(stored.content or b"") or (320, 320)
            sent = SentFile(
                stored.filename, stored.content, stored.mime_type, caption, stored.file_id
            )
        elif source.lower().startswith(("http://", "https://")):
            filename = source.rsplit("/", 1)[-1] or None
            stored = self.store_file(
                None, filename=filename, mime_type=None, folder=kind + "s", url=source
            )
            size = (320, 320)
            sent = SentFile(filename, None, None, caption, stored.file_id, url=source)
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        msg = self._new_bot_message(
            state,
            p,
            kind=kind,
            text=caption,
            parse_mode=parse_mode,
            parsed=parsed,
            reply_markup=markup,
            reply_to=reply_to,
            document=sent if kind == "document" else None,
            photo=sent if kind == "photo" else None,
            photo_size=size,
        )
        return self.message_json(msg)

    def _m_sendDocument(self, p: Params) -> Any:
        return self._send_media(p, "document")

    def _m_sendPhoto(self, p: Params) -> Any:
        return self._send_media(p, "photo")

    def _m_editMessageText(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self._chat(p, sending=False)
        message_id = self._message_id(p)
        text = p.get_str("text")
        if not text:
            raise bad_request(rules.ERR_TEXT_EMPTY)
        msg = self._editable(state, message_id)
        if msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        parse_mode = p.get_str("parse_mode")
        entities = p.get_json("entities", "can't parse entities JSON object")
        parsed = rules.check_message_text(text, parse_mode, entities, strict=self.strict)
        markup = self._markup(p, inline_only=True)
        self._refuse_unchanged(msg, parsed, markup)
        self._apply_edit(msg, text=text, parse_mode=parse_mode, parsed=parsed, markup=markup)
        return self.message_json(msg)

    def _refuse_unchanged(
        self, msg: StoredMessage, parsed: rules.ParsedText, markup: dict[str, Any] | None
    ) -> None:
        """Telegram refuses an edit that changes neither the text, its entities nor the markup."""
        if (
            parsed.text == msg.parsed.text
            and self._entities_key(parsed) == self._entities_key(msg.parsed)
            and rules.normalize_inline_markup(markup)
            == rules.normalize_inline_markup(msg.inline_markup)
        ):
            raise bad_request(rules.ERR_NOT_MODIFIED)

    def _m_editMessageCaption(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self._chat(p, sending=False)
        msg = self._editable(state, self._message_id(p))
        if msg.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        caption = p.get_str("caption")
        parse_mode = p.get_str("parse_mode")
        entities = p.get_json("caption_entities", "can't parse entities JSON object")
        parsed = rules.check_caption(caption, parse_mode, entities, strict=self.strict)
        markup = self._markup(p, inline_only=True)
        self._refuse_unchanged(msg, parsed, markup)
        self._apply_edit(msg, text=caption, parse_mode=parse_mode, parsed=parsed, markup=markup)
        return self.message_json(msg)

    def _m_editMessageReplyMarkup(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self._chat(p, sending=False)
        msg = self._editable(state, self._message_id(p))
        markup = self._markup(p, inline_only=True)
        if rules.normalize_inline_markup(markup) == rules.normalize_inline_markup(
            msg.inline_markup
        ):
            raise bad_request(rules.ERR_NOT_MODIFIED)
        self._apply_edit(
            msg, text=msg.text, parse_mode=msg.parse_mode, parsed=msg.parsed, markup=markup
        )
        return self.message_json(msg)

    def _m_deleteMessage(self, p: Params) -> Any:
        state = self._chat(p, sending=False)
        msg = state.messages.get(self._message_id(p))
        if msg is None or msg.deleted:
            raise bad_request(rules.ERR_DELETE_NOT_FOUND)
        if (
            not msg.from_bot
            and state.chat.type != "private"
            and state.bot_status not in ("administrator", "creator")
        ):
            raise bad_request("message can't be deleted")
        msg.deleted = True
        return True

    # --- callback queries, chat actions

    def _m_answerCallbackQuery(self, p: Params) -> Any:
        text = p.get_str("text")
        rules.check_callback_answer_text(text)
        query_id = p.get_str("callback_query_id") or ""
        query = self.callback_queries.get(query_id)
        expired = (
            query is not None
            and self.callback_query_ttl is not None
            and time.monotonic() - query.created > self.callback_query_ttl
        )
        if query is None or query.answered or expired:
            raise bad_request(rules.ERR_QUERY_INVALID)
        query.answered = True
        self.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=text,
                show_alert=p.get_bool("show_alert"),
                url=p.get_str("url"),
                cache_time=p.get_int("cache_time"),
                time=time.time(),
            )
        )
        return True

    def _m_sendChatAction(self, p: Params) -> Any:
        state = self._chat(p, sending=True)
        action = rules.check_chat_action(p.get_str("action"))
        self.chat_actions.append(ChatAction(state.chat.id, action, time.time()))
        return True

    # --- files and chats

    def _m_getFile(self, p: Params) -> Any:
        stored = self.files.get(p.get_str("file_id") or "")
        if stored is None or stored.content is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _m_getChat(self, p: Params) -> Any:
        return self.chat_full_json(self._chat(p, sending=False))

    def _m_getChatMember(self, p: Params) -> Any:
        state = self._chat(p, sending=False)
        user_id = p.get_int("user_id")
        if user_id is None:
            raise bad_request("invalid user_id specified")
        if user_id == self.bot_user.id:
            user_json = self.bot_json()
            status = "member" if state.chat.type == "private" else state.bot_status
        else:
            user = self.users.get(user_id)
            if user is None:
                raise bad_request("user not found")
            user_json = user.to_json()
            status = state.members.get(user_id, "left")
        member: dict[str, Any] = {"status": status, "user": user_json}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            raise bad_request("restricted members are not simulated")
        return member
