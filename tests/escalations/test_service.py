"""Escalations without Telegram: durable storage, outbox delivery, reminders, retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import logs
from bot.clock import Clock
from bot.escalations.model import EscalationReport, Kind, Status, Urgency
from bot.escalations.privacy import PersonalData, personal_data
from bot.escalations.reports import chart_png, statistics, to_csv, to_json
from bot.escalations.service import (
    Change,
    DeliveryError,
    EscalationService,
    EscalationSettings,
    Outgoing,
    Purpose,
    Reach,
)
from bot.render import escalations as render
from bot.render import split_message
from bot.storage.database import Database
from tests.conftest import BERLIN

LEAD_CHAT = -100
LEADS = [10, 11]
ADMINS = [1]


class Telegram:
    """A recording sender: our code's collaborator played by the test, like a fake server."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.failures: list[DeliveryError] = []
        self.unreachable: dict[int, str] = {}  # chat id → Telegram's permanent refusal
        self.tried: list[Outgoing] = []
        self.next_id = 100

    async def __call__(self, item: Outgoing) -> int:
        self.tried.append(item)
        if item.chat_id in self.unreachable:
            raise DeliveryError(self.unreachable[item.chat_id], permanent=True)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(item)
        self.next_id += 1
        return self.next_id


async def recipients() -> tuple[list[int], list[int]]:
    return [*LEADS, *ADMINS], ADMINS


@pytest.fixture
def clock() -> Clock:
    return Clock(BERLIN, dt.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


def service(db: Database, clock: Clock, lead_chat: int | None = LEAD_CHAT) -> EscalationService:
    return EscalationService(db, clock, EscalationSettings(lead_chat_id=lead_chat), recipients)


def report(urgency: Urgency = Urgency.ACUTE) -> EscalationReport:
    return EscalationReport(
        reporter_id=5,
        kind=Kind.VIOLENCE,
        urgency=urgency,
        place="Hausach",
        team="team-kinzigtal",
        description="Klient bedroht Mitbewohner mit Messer",
    )


async def test_report_is_stored_with_its_alert_before_anything_is_sent(
    db: Database, clock: Clock, tmp_path: Path
) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    # Another connection (as after a crash) sees the committed escalation and its outbox row.
    other = sqlite3.connect(tmp_path / "bot.sqlite3")
    assert other.execute("SELECT kind, status FROM escalations").fetchall() == [("gewalt", "open")]
    assert other.execute("SELECT purpose, chat_id, delivered_at FROM outbox").fetchall() == [
        ("alert", LEAD_CHAT, None)
    ]
    other.close()
    assert [e.action for e in await escalations.history(created.id)] == ["created"]


async def test_without_a_lead_group_every_lead_and_admin_is_alerted(
    db: Database, clock: Clock
) -> None:
    escalations = service(db, clock, lead_chat=None)
    await escalations.create(report(), "Erika")
    telegram = Telegram()
    assert await escalations.deliver_due(telegram) == 3
    assert sorted(item.chat_id for item in telegram.sent) == [1, 10, 11]


async def test_failed_delivery_is_retried_with_backoff_and_not_lost(
    db: Database, clock: Clock
) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.failures = [DeliveryError("500"), DeliveryError("502")]
    assert await escalations.deliver_due(telegram) == 0
    assert await escalations.deliver_due(telegram) == 0  # not due yet: backoff
    assert await escalations.pending() == 1
    clock.advance(dt.timedelta(seconds=3))
    assert await escalations.deliver_due(telegram) == 0  # second failure
    clock.advance(dt.timedelta(seconds=5))
    assert await escalations.deliver_due(telegram) == 1
    assert telegram.sent[0].escalation.id == created.id
    assert telegram.sent[0].redelivery is False  # the failures were definite: no duplicate
    assert await escalations.pending() == 0
    assert await escalations.alert_messages(created.id) == [(LEAD_CHAT, 101)]


async def test_an_attempt_that_may_have_arrived_is_redelivered_with_a_mark(
    db: Database, clock: Clock
) -> None:
    escalations = service(db, clock)
    await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.failures = [DeliveryError("timed out", maybe_delivered=True)]
    await escalations.deliver_due(telegram)
    clock.advance(dt.timedelta(seconds=3))
    await escalations.deliver_due(telegram)
    assert [item.redelivery for item in telegram.sent] == [True]


async def test_a_crash_mid_send_leads_to_a_marked_redelivery_after_restart(
    db: Database, clock: Clock, tmp_path: Path
) -> None:
    escalations = service(db, clock)
    await escalations.create(report(), "Erika")

    async def dies(item: Outgoing) -> int:
        raise SystemExit("killed while sending")  # the process dies mid-request

    with pytest.raises(SystemExit):
        await escalations.deliver_due(dies)
    restarted = await Database.open(tmp_path / "bot.sqlite3")
    try:
        telegram = Telegram()
        assert await service(restarted, clock).deliver_due(telegram) == 1
        assert telegram.sent[0].redelivery is True
    finally:
        await restarted.close()


async def test_an_unreachable_group_is_given_up_and_the_admins_alerted_at_once(
    db: Database, clock: Clock
) -> None:
    """400 "chat not found" (or 403 "kicked") is not retried: in the same delivery run the
    admins get the alert in their private chats, and the reach says so truthfully."""
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.unreachable[LEAD_CHAT] = "rejected: Bad Request: chat not found"
    assert await escalations.deliver_due(telegram) == 1
    assert [(i.purpose, i.chat_id) for i in telegram.tried] == [
        (Purpose.ALERT, LEAD_CHAT),
        (Purpose.FALLBACK, ADMINS[0]),
    ]
    assert await escalations.pending() == 0
    assert await escalations.reach(created.id) == Reach("failed", 1, 0, 0)
    clock.advance(dt.timedelta(hours=1))
    assert await escalations.deliver_due(telegram) == 0
    assert len(telegram.tried) == 2  # the group is not tried again for this alert
    [(error,)] = await db.fetchall("SELECT last_error FROM outbox WHERE chat_id = ?", (LEAD_CHAT,))
    assert error == "undeliverable: rejected: Bad Request: chat not found"
    actions = [e.action for e in await escalations.history(created.id)]
    assert actions == ["created", "undeliverable", "lead-chat-fallback", "notified"]
    assert await escalations.alert_messages(created.id) == [(ADMINS[0], 101)]


async def test_reminders_for_an_unreachable_group_go_to_the_admins(
    db: Database, clock: Clock
) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.unreachable[LEAD_CHAT] = "rejected: Forbidden: bot was kicked from the supergroup chat"
    await escalations.deliver_due(telegram)
    clock.advance(dt.timedelta(minutes=10))
    assert await escalations.schedule_reminders() == 1
    await escalations.deliver_due(telegram)
    assert [(i.purpose, i.chat_id) for i in telegram.sent] == [
        (Purpose.FALLBACK, ADMINS[0]),
        (Purpose.REMINDER, ADMINS[0]),
    ]
    assert all(i.escalation.id == created.id for i in telegram.sent)


async def test_nobody_reachable_is_reported_as_such(db: Database, clock: Clock) -> None:
    """Group and admin refuse: nothing is retried, and the reach says nobody was told."""
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.unreachable[LEAD_CHAT] = "rejected: Bad Request: chat not found"
    telegram.unreachable[ADMINS[0]] = "rejected: Forbidden: bot was blocked by the user"
    assert await escalations.deliver_due(telegram) == 0
    reach = await escalations.reach(created.id)
    assert reach == Reach("failed", 0, 0, 1) and reach.nobody
    assert await escalations.pending() == 0


async def test_a_transient_failure_is_pending_not_nobody(db: Database, clock: Clock) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.failures = [DeliveryError("network: reset")]
    await escalations.deliver_due(telegram)
    reach = await escalations.reach(created.id)
    assert reach == Reach("pending", 0, 0, 0) and not reach.nobody and not reach.anyone


async def test_stored_error_texts_hold_no_secret(db: Database, clock: Clock) -> None:
    """An error text with the token (an aiohttp message naming the URL) is stored redacted:
    the database and every backup of it would keep it otherwise."""
    token = "4711:geheim-genug"
    logs.register_secrets([token])
    escalations = service(db, clock)
    await escalations.create(report(), "Erika")
    telegram = Telegram()
    telegram.failures = [DeliveryError(f"network: http://x/bot{token}/sendMessage failed")]
    await escalations.deliver_due(telegram)
    [(error,)] = await db.fetchall("SELECT last_error FROM outbox")
    assert "geheim-genug" not in error and "***" in error


async def test_take_resolve_and_outcome(db: Database, clock: Clock) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    clock.advance(dt.timedelta(minutes=4))
    assert await escalations.take(created.id, 10, "Leitung") is Change.OK
    assert await escalations.take(created.id, 11, "Andere") is Change.ALREADY_TAKEN
    taken = await escalations.get(created.id)
    assert taken is not None and taken.status is Status.TAKEN and taken.taken_by == 10
    assert await escalations.resolve(created.id, 10, "Leitung") is Change.OK
    assert await escalations.resolve(created.id, 10, "Leitung") is Change.ALREADY_RESOLVED
    assert await escalations.set_outcome(created.id, 10, "Leitung", "Polizei vor Ort") is Change.OK
    done = await escalations.get(created.id)
    assert done is not None and done.outcome == "Polizei vor Ort"
    telegram = Telegram()
    await escalations.deliver_due(telegram)
    assert [(i.purpose, i.chat_id) for i in telegram.sent] == [
        (Purpose.ALERT, LEAD_CHAT),
        (Purpose.TAKEN, 5),
        (Purpose.RESOLVED, 5),
    ]
    actions = [e.action for e in await escalations.history(created.id)]
    assert actions == ["created", "taken", "resolved", "outcome", "notified"]
    assert await escalations.take(999, 10, "Leitung") is Change.NOT_FOUND


async def test_acute_escalations_are_reminded_then_sent_to_admins(
    db: Database, clock: Clock
) -> None:
    escalations = service(db, clock)
    acute = await escalations.create(report(), "Erika")
    await escalations.create(report(Urgency.TODAY), "Erika")
    assert await escalations.schedule_reminders() == 0  # not yet 10 minutes
    for expected in (1, 2, 3):
        clock.advance(dt.timedelta(minutes=10))
        assert await escalations.schedule_reminders() == 1
        current = await escalations.get(acute.id)
        assert current is not None and current.reminders_sent == expected
    clock.advance(dt.timedelta(minutes=10))
    assert await escalations.schedule_reminders() == 1  # admins now
    clock.advance(dt.timedelta(minutes=10))
    assert await escalations.schedule_reminders() == 0  # nothing more after that
    telegram = Telegram()
    await escalations.deliver_due(telegram)
    purposes = [(i.purpose, i.chat_id, i.escalation.id) for i in telegram.sent]
    assert purposes.count((Purpose.REMINDER, LEAD_CHAT, acute.id)) == 3
    assert (Purpose.ADMIN_ALERT, 1, acute.id) in purposes
    assert all(p[2] == acute.id for p in purposes if p[0] is not Purpose.ALERT)


async def test_taken_escalations_are_not_reminded(db: Database, clock: Clock) -> None:
    escalations = service(db, clock)
    created = await escalations.create(report(), "Erika")
    await escalations.take(created.id, 10, "Leitung")
    clock.advance(dt.timedelta(minutes=30))
    assert await escalations.schedule_reminders() == 0


async def test_retention_erases_descriptions_and_keeps_counts(db: Database, clock: Clock) -> None:
    escalations = service(db, clock)
    old = await escalations.create(report(), "Erika")
    await escalations.resolve(old.id, 10, "Leitung")
    await escalations.set_outcome(old.id, 10, "Leitung", "erledigt")
    still_open = await escalations.create(report(), "Erika")
    clock.advance(dt.timedelta(days=366))
    assert await escalations.erase_expired() == 1
    erased = await escalations.get(old.id)
    assert erased is not None and erased.description is None and erased.outcome is None
    assert erased.kind is Kind.VIOLENCE and erased.place == "Hausach"
    kept = await escalations.get(still_open.id)
    assert kept is not None and kept.description is not None
    assert await escalations.erase_expired() == 0


async def test_the_audit_trail_is_append_only(db: Database, clock: Clock) -> None:
    await service(db, clock).create(report(), "Erika")
    with pytest.raises(Exception, match="append-only"):
        await db.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(Exception, match="append-only"):
        await db.execute("DELETE FROM audit")


async def test_export_and_statistics(db: Database, clock: Clock) -> None:
    escalations = service(db, clock)
    first = await escalations.create(report(), "Erika")
    clock.advance(dt.timedelta(minutes=6))
    await escalations.take(first.id, 10, "Leitung")
    await escalations.create(report(Urgency.WEEK), "Erika")
    rows = await escalations.between(
        dt.datetime(2026, 11, 1, tzinfo=BERLIN), dt.datetime(2026, 12, 1, tzinfo=BERLIN)
    )
    csv_text = to_csv(rows, BERLIN)
    assert csv_text.splitlines()[0].startswith("\ufeffid;created_at;kind;urgency;place;team")
    assert len(csv_text.splitlines()) == 3 and "Messer" in csv_text
    assert '"minutes_to_take": 6.0' in to_json(rows)
    stats = statistics(rows, "unbekannt")
    assert stats.total == 2 and stats.by_kind["gewalt"] == 2
    assert stats.by_month["2026-11"] == 2 and stats.median_minutes_to_take == 6.0
    assert chart_png(stats, {}, "Eskalationen").startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Klient bedroht Mitbewohner, Polizei informiert", []),
        ("Herr Yilmaz hat gedroht", [PersonalData.NAME]),
        ("Rückruf unter 0176 12345678", [PersonalData.PHONE]),
        ("geb. 01.02.1990, droht mit Suizid", [PersonalData.DATE]),
        ("Mail an a.b@example.org", [PersonalData.EMAIL]),
    ],
)
def test_personal_data_is_spotted(text: str, found: list[PersonalData]) -> None:
    assert personal_data(text) == found


async def test_csv_opens_in_a_german_office(db: Database, clock: Clock) -> None:
    """';', a BOM, local times, decimal commas, and formulas kept as text."""
    escalations = service(db, clock)
    cells = ['=HYPERLINK("http://example.org")', "+49 Anruf", "-x", "@SUM(A1)", "\tTab", "\rCR"]
    for text in cells:
        created = await escalations.create(replace(report(), description=text), "Erika")
    clock.advance(dt.timedelta(minutes=7, seconds=30))
    await escalations.take(created.id, 10, "=Leitung")
    rows = await escalations.between(
        dt.datetime(2026, 11, 1, tzinfo=BERLIN), dt.datetime(2026, 12, 1, tzinfo=BERLIN)
    )
    text = to_csv(rows, BERLIN)
    assert text.startswith("\ufeff")
    read = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [r["description"] for r in read] == ["'" + c for c in cells]
    last = read[-1]
    local = created.created_at.astimezone(BERLIN)
    assert last["created_at"] == f"{local:%d.%m.%Y %H:%M}"
    assert last["minutes_to_take"] == "7,5"


async def test_a_long_alert_keeps_its_status_after_being_taken(db: Database, clock: Clock) -> None:
    """2000 emoji are 4000 UTF-16 units: the alert is still one message, so the edit after
    Übernehmen shows "übernommen von …" (an edit replaces one message only)."""
    escalations = service(db, clock)
    created = await escalations.create(replace(report(), description="🚨" * 2000), "Erika")
    await escalations.take(created.id, 10, "Lena Leitung")
    taken = await escalations.get(created.id)
    assert taken is not None
    reply = render.alert(taken, BERLIN)
    [message] = split_message(reply.html)
    assert "übernommen von Lena Leitung" in message
    assert taken.description == "🚨" * 2000  # only the alert is shortened
