"""The test-facing API: play users, inspect what the bot did, wait for it.

:class:`TestSideApi` is mixed into both :class:`~fakebotapi.server.FakeBotApi` (asyncio)
and :class:`~fakebotapi.server.FakeBotApiThread` (server in a background thread, for
plain synchronous tests). All methods are thread-safe. The blocking ``wait_*`` methods
must not be called on the server's own event loop; use the ``*_async`` twins there.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from . import rules
from .models import (
    BotMessage,
    CallbackAnswer,
    Chat,
    ChatAction,
    RecordedRequest,
    User,
    WaitTimeout,
)
from .state import BotApiState, CallbackQueryState, ChatState, StoredMessage

T = TypeVar("T")
ChatRef = int | Chat | User
MessageRef = BotMessage | tuple[int, int]


def _chat_id(chat: ChatRef) -> int:
    return chat.id if isinstance(chat, Chat | User) else int(chat)


class TestSideApi:
    """Methods for tests; subclasses provide ``state`` and override ``_server_thread``."""

    __test__ = False  # not a pytest test class despite the name
    state: BotApiState

    def _server_thread(self) -> threading.Thread | None:
        """The thread running the server's event loop (waits must not block it)."""
        return None

    # ------------------------------------------------------------------ identity

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_user(self) -> User:
        """The bot's own ``User`` (as returned by getMe)."""
        return self.state.bot_user

    # ------------------------------------------------------------------ world setup

    def add_user(self, user: User) -> User:
        """Make ``user`` known as if they had opened the bot, so the bot may message them."""
        with self.state.lock:
            self.state.ensure_user(user, started=True)
            self.state.changed()
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        username: str | None = None,
        bot_is_admin: bool = False,
        members: dict[User, str] | list[User] | None = None,
    ) -> Chat:
        """Register a group (``chat_id < 0``) the bot is a member of.

        ``members`` lists users (status "member") or maps users to a ChatMember status
        ("creator", "administrator", "member", "left", "kicked").
        """
        member_status: dict[int, str] = {}
        with self.state.lock:
            if isinstance(members, dict):
                items = list(members.items())
            else:
                items = [(user, "member") for user in members or []]
            for user, status in items:
                self.state.ensure_user(user, started=False)
                member_status[user.id] = status
            return self.state.add_group(
                chat_id,
                title,
                type=type,
                username=username,
                bot_status="administrator" if bot_is_admin else "member",
                members=member_status,
            )

    def set_member_status(self, chat: ChatRef, user: User, status: str) -> None:
        """Change a user's (or, with ``user == api.bot_user``, the bot's) status in a group."""
        with self.state.lock:
            state = self.state.chat_state(_chat_id(chat))
            if user.id == self.state.bot_user.id:
                state.bot_status = status
            else:
                self.state.ensure_user(user, started=False)
                state.members[user.id] = status
            self.state.changed()

    def block_bot(self, user: User, blocked: bool = True) -> None:
        """The user blocks the bot: further sends to them fail with 403 Forbidden."""
        with self.state.lock:
            self.state.ensure_user(user, started=True).blocked = blocked
            self.state.changed()

    # ------------------------------------------------------------------ playing users

    def _chat_for(self, user: User, chat: ChatRef | None) -> ChatState:
        """The chat a user acts in (their private chat unless ``chat`` is a group)."""
        if chat is None or _chat_id(chat) == user.id:
            private = self.state.ensure_user(user, started=True)
            private.blocked = False  # writing to a bot unblocks it
            return private
        chat_id = _chat_id(chat)
        state = self.state.chats.get(chat_id)
        if state is None or state.chat.type == "private":
            raise ValueError(f"chat {chat_id} is not a known group; use add_group() first")
        self.state.ensure_user(user, started=False)
        if state.members.get(user.id) in (None, "left"):
            state.members[user.id] = "member"
        return state

    def _reply_target(self, state: ChatState, reply_to: MessageRef | int | None) -> int | None:
        if reply_to is None:
            return None
        message_id = reply_to if isinstance(reply_to, int) else _message_key(reply_to)[1]
        if message_id not in state.messages:
            raise ValueError(f"message {message_id} does not exist in chat {state.chat.id}")
        return message_id

    def _user_message(
        self, user: User, state: ChatState, reply_to: int | None, **fields: Any
    ) -> StoredMessage:
        msg = StoredMessage(
            chat_id=state.chat.id,
            message_id=state.allocate_id(),
            date=self.state.now(),
            sender=user,
            reply_to=reply_to,
            reply_markup=None,
            params={},
            **fields,
        )
        state.messages[msg.message_id] = msg
        return msg

    def send_text(
        self,
        user: User,
        text: str,
        chat: ChatRef | None = None,
        reply_to: MessageRef | int | None = None,
    ) -> int:
        """The user sends ``text`` (private chat unless ``chat`` is a group); returns update_id.

        Commands ("/start abc", "/help@caseworker_test_bot") get ``bot_command`` entities.
        """
        if not text:
            raise ValueError("Telegram users cannot send empty messages")
        with self.state.lock:
            state = self._chat_for(user, chat)
            target = self._reply_target(state, reply_to)
            parsed = rules.ParsedText(text, rules.bot_command_entities(text))
            msg = self._user_message(
                user, state, target, kind="text", text=text, parse_mode=None, parsed=parsed
            )
            return self.state.enqueue({"message": self.state.message_json(msg)})

    def send_document(
        self,
        user: User,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat: ChatRef | None = None,
        reply_to: MessageRef | int | None = None,
    ) -> int:
        """The user uploads a document; the bot can fetch it via getFile. Returns update_id."""
        with self.state.lock:
            state = self._chat_for(user, chat)
            target = self._reply_target(state, reply_to)
            stored = self.state.store_file(
                content, filename=filename, mime_type=mime_type, folder="documents"
            )
            parsed = rules.ParsedText(caption or "", rules.bot_command_entities(caption or ""))
            msg = self._user_message(
                user,
                state,
                target,
                kind="document",
                text=caption,
                parse_mode=None,
                parsed=parsed,
                user_file=stored,
            )
            return self.state.enqueue({"message": self.state.message_json(msg)})

    def send_location(
        self,
        user: User,
        latitude: float,
        longitude: float,
        *,
        live_period: int | None = None,
        chat: ChatRef | None = None,
    ) -> int:
        """The user shares a location (attachment → location, or a ``request_location``
        keyboard button); ``live_period`` (seconds) makes it a live location. Returns update_id.
        """
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("Telegram clients only send valid coordinates")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        with self.state.lock:
            state = self._chat_for(user, chat)
            msg = self._user_message(
                user,
                state,
                None,
                kind="location",
                text=None,
                parse_mode=None,
                parsed=rules.ParsedText("", []),
                location=location,
            )
            return self.state.enqueue({"message": self.state.message_json(msg)})

    def move_live_location(
        self, user: User, message: MessageRef | int, latitude: float, longitude: float
    ) -> int:
        """A live location moves: Telegram sends the message again as ``edited_message``."""
        with self.state.lock:
            chat_id, message_id = (
                (user.id, message) if isinstance(message, int) else _message_key(message)
            )
            state = self.state.chats[chat_id]
            msg = state.messages[message_id]
            if msg.kind != "location" or msg.location is None or "live_period" not in msg.location:
                raise ValueError(f"message {message_id} is no live location")
            msg.location = {**msg.location, "latitude": latitude, "longitude": longitude}
            msg.edit_date = self.state.now()
            return self.state.enqueue({"edited_message": self.state.message_json(msg)})

    def press_button(
        self,
        user: User,
        message: MessageRef,
        callback_data: str | None = None,
        *,
        label: str | None = None,
    ) -> str:
        """The user taps an inline button of a bot message; returns the callback_query_id.

        Give either ``callback_data`` or ``label`` (substring of the button text). The button
        must exist in the message's *current* keyboard, as a real user can only tap what is
        shown; the callback query carries the current message.
        """
        chat_id, message_id = _message_key(message)
        with self.state.lock:
            state = self.state.chats.get(chat_id)
            msg = state.messages.get(message_id) if state else None
            if state is None or msg is None or not msg.from_bot:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            if msg.deleted:
                raise ValueError(f"message {message_id} in chat {chat_id} was deleted")
            if state.chat.type == "private" and chat_id != user.id:
                raise ValueError(f"user {user.id} cannot see private chat {chat_id}")
            self._chat_for(user, chat_id)
            snapshot = self.state.snapshot(msg)
            if label is not None:
                button = snapshot.button(label)
                if button.callback_data is None:
                    raise ValueError(f"button {button.text!r} is not a callback button")
                data = button.callback_data
            elif callback_data is not None:
                if callback_data not in {b.callback_data for b in snapshot.flat_buttons}:
                    raise LookupError(
                        f"message {message_id} has no button with callback_data "
                        f"{callback_data!r}; buttons: {snapshot.buttons}"
                    )
                data = callback_data
            else:
                raise ValueError("give callback_data or label")
            query_id = self.state.next_callback_query_id()
            self.state.callback_queries[query_id] = CallbackQueryState(
                query_id=query_id,
                chat_id=chat_id,
                message_id=message_id,
                user_id=user.id,
                data=data,
                created=time.monotonic(),
            )
            self.state.enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user.to_json(),
                        "message": self.state.message_json(msg),
                        "chat_instance": str(abs(chat_id) * 7919 + 104729),
                        "data": data,
                    }
                }
            )
            return query_id

    def inject_update(self, payload: dict[str, Any]) -> int:
        """Queue a raw update (without ``update_id``) for anything not covered above."""
        with self.state.lock:
            return self.state.enqueue(dict(payload))

    # ------------------------------------------------------------------ inspection

    def messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[BotMessage]:
        """Current state of every bot message in the chat, in send order."""
        with self.state.lock:
            state = self.state.chats.get(_chat_id(chat))
            if state is None:
                return []
            result = [self.state.snapshot(state.messages[mid]) for mid in state.bot_order]
        return [m for m in result if include_deleted or not m.deleted]

    def message(self, chat: ChatRef, message_id: int) -> BotMessage:
        """Current state of one bot message."""
        with self.state.lock:
            msg = self.state.chat_state(_chat_id(chat)).messages[message_id]
            return self.state.snapshot(msg)

    def current(self, message: BotMessage) -> BotMessage:
        """A fresh snapshot of ``message`` (edits applied)."""
        return self.message(message.chat_id, message.message_id)

    def last_message(self, chat: ChatRef) -> BotMessage | None:
        msgs = self.messages(chat)
        return msgs[-1] if msgs else None

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request the bot made, oldest first."""
        with self.state.lock:
            return list(self.state.requests)

    def requests_for(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self.state.lock:
            return list(self.state.callback_answers)

    def callback_answer(self, callback_query_id: str) -> CallbackAnswer | None:
        return next(
            (a for a in self.callback_answers if a.callback_query_id == callback_query_id), None
        )

    @property
    def chat_actions(self) -> list[ChatAction]:
        with self.state.lock:
            return list(self.state.chat_actions)

    @property
    def pending_updates(self) -> int:
        """Injected updates not yet confirmed by the bot (via a later getUpdates offset)."""
        with self.state.lock:
            return len(self.state.queue)

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update ever injected (including confirmed ones)."""
        with self.state.lock:
            return list(self.state.injected)

    @property
    def is_polling(self) -> bool:
        """Whether a getUpdates long poll is currently waiting."""
        with self.state.lock:
            return self.state.active_polls > 0

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands registered with setMyCommands for that scope/language."""
        key = (json_key(scope or {"type": "default"}), language_code.lower())
        with self.state.lock:
            return [dict(c) for c in self.state.commands.get(key, [])]

    @property
    def menu_buttons(self) -> dict[int | None, dict[str, Any]]:
        with self.state.lock:
            return dict(self.state.menu_buttons)

    @property
    def webhook_url(self) -> str:
        with self.state.lock:
            return self.state.webhook_url

    @property
    def allowed_updates(self) -> list[str] | None:
        with self.state.lock:
            return None if self.state.allowed_updates is None else list(self.state.allowed_updates)

    def file_content(self, file_id: str) -> bytes | None:
        with self.state.lock:
            stored = self.state.files.get(file_id)
            return stored.content if stored else None

    # ------------------------------------------------------------------ waiting

    def _describe(self, chat_id: int | None = None) -> str:
        lines = ["recent requests:"]
        lines += [f"  {r}" for r in self.state.requests[-12:]] or ["  (none)"]
        if chat_id is not None:
            lines.append(f"bot messages in chat {chat_id}:")
            lines += [f"  {m}" for m in self.messages(chat_id, include_deleted=True)[-8:]] or [
                "  (none)"
            ]
        lines.append(
            f"pending updates: {len(self.state.queue)}; polling: {self.state.active_polls > 0}"
        )
        return "\n".join(lines)

    def _wait(self, check: Callable[[], T | None], timeout: float, what: Callable[[], str]) -> T:
        """Block until ``check()`` (called with the lock held) returns non-None."""
        if threading.current_thread() is self._server_thread():
            raise RuntimeError("blocking wait on the server's event loop; use the *_async variant")
        deadline = time.monotonic() + timeout
        with self.state.cond:
            while True:
                result = check()
                if result is not None:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(f"timed out after {timeout}s waiting for {what()}")
                self.state.cond.wait(min(remaining, 0.5))

    async def _wait_async(
        self, check: Callable[[], T | None], timeout: float, what: Callable[[], str]
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            with self.state.lock:
                result = check()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                with self.state.lock:
                    raise WaitTimeout(f"timed out after {timeout}s waiting for {what()}")
            await asyncio.sleep(0.01)

    # --- wait_for_messages

    def _messages_check(self, chat: ChatRef, count: int) -> Callable[[], list[BotMessage] | None]:
        chat_id = _chat_id(chat)

        def check() -> list[BotMessage] | None:
            state = self.state.chats.get(chat_id)
            if state is None or len(state.bot_order) - state.cursor < count:
                return None
            ids = state.bot_order[state.cursor : state.cursor + count]
            state.cursor += count
            return [self.state.snapshot(state.messages[mid]) for mid in ids]

        return check

    def _messages_what(self, chat: ChatRef, count: int) -> Callable[[], str]:
        chat_id = _chat_id(chat)

        def what() -> str:
            state = self.state.chats.get(chat_id)
            new = len(state.bot_order) - state.cursor if state else 0
            return f"{count} new bot message(s) in chat {chat_id} (got {new})\n" + self._describe(
                chat_id
            )

        return what

    def wait_for_messages(
        self, chat: ChatRef, count: int = 1, timeout: float = 10.0
    ) -> list[BotMessage]:
        """Wait for ``count`` bot messages in ``chat`` that no earlier call returned.

        Returns exactly the ``count`` oldest unseen messages (snapshots at return time) and
        advances the chat's cursor past them; later messages stay for the next call.
        """
        return self._wait(
            self._messages_check(chat, count), timeout, self._messages_what(chat, count)
        )

    async def wait_for_messages_async(
        self, chat: ChatRef, count: int = 1, timeout: float = 10.0
    ) -> list[BotMessage]:
        return await self._wait_async(
            self._messages_check(chat, count), timeout, self._messages_what(chat, count)
        )

    def wait_for_message(self, chat: ChatRef, timeout: float = 10.0) -> BotMessage:
        """Shortcut for ``wait_for_messages(chat, 1, timeout)[0]``."""
        return self.wait_for_messages(chat, 1, timeout)[0]

    def skip_messages(self, chat: ChatRef) -> None:
        """Move the chat's cursor to the end (ignore everything sent so far)."""
        with self.state.lock:
            state = self.state.chats.get(_chat_id(chat))
            if state is not None:
                state.cursor = len(state.bot_order)

    def assert_no_new_messages(self, chat: ChatRef, within: float = 0.5) -> None:
        """Fail if the bot sends anything new to ``chat`` within ``within`` seconds.

        "New" means not yet returned by :meth:`wait_for_messages`; the cursor is not moved.
        """
        chat_id = _chat_id(chat)

        def unseen() -> list[BotMessage] | None:
            state = self.state.chats.get(chat_id)
            if state is None or len(state.bot_order) <= state.cursor:
                return None
            ids = state.bot_order[state.cursor :]
            return [self.state.snapshot(state.messages[mid]) for mid in ids]

        try:
            unexpected = self._wait(unseen, within, lambda: "")
        except WaitTimeout:
            return
        raise AssertionError(
            f"unexpected bot message(s) in chat {chat_id}: {[str(m) for m in unexpected]}"
        )

    # --- wait_for_request

    def _request_check(
        self, method: str, predicate: Callable[[RecordedRequest], bool] | None, since: int | None
    ) -> Callable[[], RecordedRequest | None]:
        key = method.lower()

        def check() -> RecordedRequest | None:
            start = since if since is not None else self.state.request_cursors.get(key, 0)
            for request in self.state.requests[start:]:
                if request.method.lower() == key and (predicate is None or predicate(request)):
                    if since is None:
                        self.state.request_cursors[key] = request.seq + 1
                    return request
            return None

        return check

    def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 10.0,
        *,
        since: int | None = None,
    ) -> RecordedRequest:
        """Wait for a completed request to ``method`` matching ``predicate``.

        Without ``since``, successive calls for the same method return successive requests
        (a per-method cursor, like :meth:`wait_for_messages`). With ``since`` (a
        ``RecordedRequest.seq`` or ``len(api.requests)``), the search starts there and no
        cursor is moved.
        """
        return self._wait(
            self._request_check(method, predicate, since),
            timeout,
            lambda: f"a {method} request\n" + self._describe(),
        )

    async def wait_for_request_async(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 10.0,
        *,
        since: int | None = None,
    ) -> RecordedRequest:
        return await self._wait_async(
            self._request_check(method, predicate, since),
            timeout,
            lambda: f"a {method} request\n" + self._describe(),
        )

    # --- other waits

    def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Wait until the bot answered the given callback query."""

        def check() -> CallbackAnswer | None:
            return next(
                (
                    a
                    for a in self.state.callback_answers
                    if a.callback_query_id == callback_query_id
                ),
                None,
            )

        return self._wait(
            check, timeout, lambda: f"answerCallbackQuery({callback_query_id})\n" + self._describe()
        )

    def wait_for_edit(self, message: BotMessage, timeout: float = 10.0) -> BotMessage:
        """Wait until ``message`` is edited (or deleted) after the given snapshot."""
        chat_id, message_id = message.chat_id, message.message_id

        def check() -> BotMessage | None:
            msg = self.state.chat_state(chat_id).messages[message_id]
            if len(msg.edits) > message.version or msg.deleted != message.deleted:
                return self.state.snapshot(msg)
            return None

        return self._wait(
            check, timeout, lambda: f"an edit of message {message_id}\n" + self._describe(chat_id)
        )

    def _consumed_check(self) -> bool | None:
        return True if not self.state.queue else None

    def wait_until_consumed(self, timeout: float = 10.0) -> None:
        """Wait until every injected update was fetched and confirmed by a later offset."""
        self._wait(
            self._consumed_check,
            timeout,
            lambda: "the bot to confirm all updates\n" + self._describe(),
        )

    async def wait_until_consumed_async(self, timeout: float = 10.0) -> None:
        await self._wait_async(
            self._consumed_check,
            timeout,
            lambda: "the bot to confirm all updates\n" + self._describe(),
        )

    def _polling_check(self) -> bool | None:
        return True if self.state.active_polls > 0 else None

    def wait_until_polling(self, timeout: float = 20.0) -> None:
        """Wait until the bot has a getUpdates long poll open (i.e. it is up and listening)."""
        self._wait(
            self._polling_check,
            timeout,
            lambda: "the bot to start long polling\n" + self._describe(),
        )

    async def wait_until_polling_async(self, timeout: float = 20.0) -> None:
        await self._wait_async(
            self._polling_check,
            timeout,
            lambda: "the bot to start long polling\n" + self._describe(),
        )


def _message_key(message: MessageRef) -> tuple[int, int]:
    if isinstance(message, BotMessage):
        return message.chat_id, message.message_id
    chat_id, message_id = message
    return int(chat_id), int(message_id)


def json_key(scope: dict[str, Any]) -> str:
    """Key under which commands for a BotCommandScope are stored."""
    return json.dumps(scope, sort_keys=True)
