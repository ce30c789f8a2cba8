"""Fault injection of the fake server (``fakebotapi/faults.py``) as the PTB client sees it."""

from __future__ import annotations

import time

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from fakebotapi import FakeBotApiThread
from tests.fakebotapi.conftest import ANNA, BEN, call


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
