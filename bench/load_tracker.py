"""Which update each request of the bot answers, seen from inside the fake Bot API.

The tracker wraps the fake server's request log (:meth:`BotApiState.record_request`, called
on the server's event loop for every request once it is handled) and matches each request
to the update it answers. A simulated user has at most one update in flight, so the chat of
a request (or the callback query it answers) names the update. Times are the server's
``RecordedRequest.time``: when the request arrived, before the fake did any work on it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import texts
from fakebotapi import FakeBotApi, RecordedRequest, User

Final = Callable[[RecordedRequest], bool]

_ALERT_ID = re.compile(r"Eskalation #(\d+)")
_REDELIVERY = "Erneut zugestellt"
_REMINDER = "Erinnerung"
# Texts that mean "the bot failed" even though the request itself was accepted.
_FAILURE_TEXTS = (texts.SOMETHING_WENT_WRONG[:40], texts.THROTTLED[:40])


@dataclass
class Offer:
    """One update offered to the bot, and the requests that answered it."""

    kind: str
    chat_id: int
    offered: float  # time.time() when the update was queued for getUpdates
    is_final: Final
    done: asyncio.Future[RecordedRequest]
    first: float | None = None  # arrival of the first request answering it
    final: RecordedRequest | None = None
    requests: int = 0

    @property
    def latency(self) -> float | None:
        """Seconds from offering the update to the first reply request arriving."""
        return None if self.first is None else self.first - self.offered

    @property
    def complete(self) -> float | None:
        """Seconds until the request that completes the reply (e.g. the answer message)."""
        return None if self.final is None else self.final.time - self.offered

    @property
    def finished_at(self) -> float | None:
        return None if self.final is None else self.final.time


@dataclass(frozen=True)
class Alert:
    """A message in the leads' group about one escalation."""

    escalation_id: int
    time: float
    redelivery: bool
    reminder: bool


@dataclass
class Tracker:
    """Matches the bot's requests to offered updates; collects errors and lead alerts."""

    api: FakeBotApi
    lead_chat: int
    errors: list[RecordedRequest] = field(default_factory=list)
    failure_texts: list[RecordedRequest] = field(default_factory=list)
    stray: list[RecordedRequest] = field(default_factory=list)
    alerts: dict[int, list[Alert]] = field(default_factory=dict)
    # Chats of people who send without waiting (a flood): every request to them, unmatched.
    watched: dict[int, list[RecordedRequest]] = field(default_factory=dict)
    requests: int = 0
    _pending: dict[int, Offer] = field(default_factory=dict)
    _queries: dict[str, int] = field(default_factory=dict)  # callback query id -> chat id

    def __post_init__(self) -> None:
        original = self.api.state.record_request

        def record(**fields: object) -> RecordedRequest:
            request = original(**fields)
            self._on_request(request)
            return request

        # An instance attribute shadows the method: the server calls this one.
        self.api.state.record_request = record  # type: ignore[method-assign]

    # -- offering ---------------------------------------------------------------------------

    def send_text(self, user: User, text: str, kind: str, is_final: Final) -> Offer:
        """``user`` writes ``text`` to the bot."""
        return self._offer(user, kind, is_final, lambda: self.api.send_text(user, text))

    def press(
        self, user: User, message: tuple[int, int], data: str, kind: str, is_final: Final
    ) -> Offer:
        """``user`` taps the button with callback ``data`` under bot message ``message``."""

        def tap() -> None:
            query_id = self.api.press_button(user, message, data)
            self._queries[query_id] = user.id

        return self._offer(user, kind, is_final, tap)

    def _offer(self, user: User, kind: str, is_final: Final, inject: Callable[[], object]) -> Offer:
        if user.id in self._pending:
            raise RuntimeError(f"user {user.id} has an update in flight already")
        loop = asyncio.get_running_loop()
        offer = Offer(kind, user.id, time.time(), is_final, loop.create_future())
        # Registered before injecting: the server runs on this loop, so no request of the
        # bot can arrive in between, and none may find the offer missing.
        self._pending[user.id] = offer
        try:
            inject()
        except BaseException:
            del self._pending[user.id]
            raise
        return offer

    async def wait(self, offer: Offer, timeout: float) -> Offer:
        """Wait for the offer's final request; on timeout it stays unfinished (and is dropped)."""
        await asyncio.wait({offer.done}, timeout=timeout)
        if not offer.done.done():
            offer.done.cancel()
            if self._pending.get(offer.chat_id) is offer:
                del self._pending[offer.chat_id]
        return offer

    def watch(self, user: User) -> list[RecordedRequest]:
        """Collect every request to ``user``'s chat instead of matching it to an offer.

        For someone who sends without waiting for answers: what the bot sends them (answers,
        a throttle notice) is theirs to count, neither a failure text nor stray.
        """
        return self.watched.setdefault(user.id, [])

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    # -- matching ---------------------------------------------------------------------------

    def _on_request(self, request: RecordedRequest) -> None:
        if request.method == "getUpdates":
            return
        self.requests += 1
        if not request.ok:
            self.errors.append(request)
        chat_id = self._chat_of(request)
        if chat_id == self.lead_chat:
            self._on_lead_message(request)
            return
        if chat_id in self.watched:
            self.watched[chat_id].append(request)
            return
        text = str(request.params.get("text") or "")
        if text.startswith(_FAILURE_TEXTS):
            self.failure_texts.append(request)
        offer = self._pending.get(chat_id) if chat_id is not None else None
        if offer is None:
            self.stray.append(request)
            return
        offer.requests += 1
        if offer.first is None:
            offer.first = request.time
        if request.ok and offer.is_final(request):
            del self._pending[offer.chat_id]
            offer.final = request
            offer.done.set_result(request)

    def _chat_of(self, request: RecordedRequest) -> int | None:
        if request.method == "answerCallbackQuery":
            return self._queries.pop(str(request.params.get("callback_query_id")), None)
        raw = request.params.get("chat_id")
        try:
            return int(str(raw))
        except ValueError:
            return None

    def _on_lead_message(self, request: RecordedRequest) -> None:
        if request.method != "sendMessage" or not request.ok:
            return
        text = str(request.params.get("text") or "")
        match = _ALERT_ID.search(text)
        if match is None:
            return
        alert = Alert(int(match.group(1)), request.time, _REDELIVERY in text, _REMINDER in text)
        self.alerts.setdefault(alert.escalation_id, []).append(alert)


# -- what completes a reply ------------------------------------------------------------------


def message_with_buttons(request: RecordedRequest) -> bool:
    """An answer, a menu or a step of a conversation: the (last) message carries buttons."""
    return request.method == "sendMessage" and "reply_markup" in request.params


def edit_with_buttons(request: RecordedRequest) -> bool:
    """A button press answered by showing the next step in place of the pressed message."""
    return request.method == "editMessageText" and "reply_markup" in request.params


def callback_answer(request: RecordedRequest) -> bool:
    return request.method == "answerCallbackQuery"


def any_message(request: RecordedRequest) -> bool:
    return request.method == "sendMessage"


def saved_escalation(request: RecordedRequest) -> bool:
    return request.method == "sendMessage" and "Gespeichert als #" in str(
        request.params.get("text") or ""
    )


def buttons(request: RecordedRequest) -> list[str]:
    """The callback data of every inline button the request shows."""
    markup = request.json_param("reply_markup")
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [str(b["callback_data"]) for row in rows for b in row if "callback_data" in b]


def message_key(request: RecordedRequest) -> tuple[int, int] | None:
    """(chat id, message id) of the message a sendMessage/editMessageText request shows."""
    result = request.result
    if isinstance(result, dict) and "message_id" in result:
        return int(result["chat"]["id"]), int(result["message_id"])
    return None
