"""Escalations end to end: reporting, the leads' alert, take and resolve, lists, export,
reminders, forged buttons, Telegram outages, a crash, a database that cannot be written,
and retention.

Most journeys share one bot with a leads' group, fast reminders and short conversations;
journeys that restart or kill the bot start their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import resource
import sqlite3
from collections.abc import Callable, Iterator

import pytest

from bot import texts
from fakebotapi import BotMessage, FakeBotApiThread, RecordedRequest, User
from tests.e2e.conftest import (
    ADMIN,
    BERLIN,
    LEAD,
    BotProcess,
    Watch,
    describe_escalation,
    escalation_id,
    new_group_id,
    new_user,
    own_bot,
    report_escalation,
    shown,
    wait_until,
)

GROUP = new_group_id()  # the team leads' group of the shared bot
CONVERSATION_TIMEOUT = 3.0
DESCRIPTION = "Klient (m, 30) bedroht einen Mitbewohner mit einem Messer; Polizei ist informiert."
HASLACH = "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, watch: Watch) -> Iterator[BotProcess]:
    """The bot of most journeys: LEAD in the leads' group GROUP, reminders of acute
    escalations after ~1 s (two, then the admins), conversations expire after 3 s, and no
    flood limit for the fast test users."""
    with own_bot(
        watch,
        tmp_path_factory.mktemp("escalation-bot"),
        group=GROUP,
        users=[ADMIN],  # admins get the last alarm directly
        settings={
            "TEAM_LEAD_CHAT_ID": str(GROUP),
            "ESCALATION_REMINDER_MINUTES": "0.02",
            "ESCALATION_MAX_REMINDERS": "2",
            "ESCALATION_CHECK_SECONDS": "0.5",
            "CONVERSATION_TIMEOUT_SECONDS": str(CONVERSATION_TIMEOUT),
            "THROTTLE_BURST": "200",  # tests tap faster than people
        },
    ) as bot:
        yield bot


@pytest.fixture
def worker(bot: BotProcess) -> User:
    """A freshly registered caseworker without a town; the group's old messages are skipped."""
    user = new_user("Ida", "Fall")
    bot.register(user)
    bot.api.skip_messages(GROUP)
    return user


def lines(message: BotMessage) -> list[str]:
    return message.plain_text.split("\n")


def local_time(stored: str) -> str:
    """A stored UTC timestamp as the bot shows it."""
    return f"{dt.datetime.fromisoformat(stored).astimezone(BERLIN):%d.%m.%Y %H:%M}"


def escalations_of(bot: BotProcess, user: User) -> list[tuple[object, ...]]:
    return bot.query(
        "SELECT id, status, description FROM escalations WHERE reporter_id = ? ORDER BY id",
        user.id,
    )


# -- reporting --------------------------------------------------------------------------------


def test_report_take_and_resolve(bot: BotProcess, worker: User) -> None:
    """/eskalation with an unclear town: stored before "Gespeichert", the alert in the group;
    a lead takes it (alert edited, reporter told), resolves it and stores a one-line outcome."""
    api = bot.api
    start = bot.ask_one(worker, "/eskalation")
    assert start.plain_text == shown(texts.ESC_START)
    assert [b.text for b in start.flat_buttons] == [*texts.KIND_LABELS.values(), texts.ESC_CANCEL]
    bot.press(worker, start, "Gewalt/Bedrohung")
    place = api.wait_for_edit(start)
    assert place.plain_text == texts.ESC_PLACE
    assert [b.text for b in place.flat_buttons] == [texts.ESC_PLACE_NONE, texts.ESC_CANCEL]
    choice = bot.ask_one(worker, "zell")
    assert choice.plain_text == texts.ESC_PLACE_CHOOSE
    assert "Zell am Harmersbach" in [b.text for b in choice.flat_buttons]
    bot.press(worker, choice, "Zell am Harmersbach")
    urgency = api.wait_for_edit(choice)
    assert urgency.plain_text == texts.ESC_URGENCY
    assert [b.text for b in urgency.flat_buttons] == [
        *texts.URGENCY_LABELS.values(),
        texts.ESC_CANCEL,
    ]
    bot.press(worker, urgency, "heute")
    assert api.wait_for_edit(urgency).plain_text == shown(texts.ESC_DESCRIPTION)
    summary = bot.ask_one(worker, DESCRIPTION)
    assert summary.plain_text == shown(
        texts.ESC_SUMMARY.format(
            kind="Gewalt/Bedrohung",
            place="Zell am Harmersbach",
            urgency="heute",
            description=DESCRIPTION,
        )
    )
    bot.press(worker, summary, "Senden")
    saved = api.wait_for_message(worker, timeout=15)
    number = escalation_id(saved)
    # The confirmation comes only once the row is committed: it is there right now.
    [row] = bot.query(
        "SELECT reporter_id, kind, urgency, place, description, status, created_at "
        "FROM escalations WHERE id = ?",
        number,
    )
    assert row[:6] == (worker.id, "gewalt", "heute", "Zell am Harmersbach", DESCRIPTION, "open")
    assert lines(saved)[:4] == [
        f"✅ Gespeichert als #{number}.",
        "Benachrichtigt: die Gruppe der Teamleitungen.",
        "",
        "Hilfreiche Kontakte:",
    ]
    assert f"➡️ {HASLACH}" in [b.text for b in saved.flat_buttons]

    alert = api.wait_for_message(GROUP)
    assert lines(alert) == [
        f"🚨 Eskalation #{number} – heute",
        "Art: Gewalt/Bedrohung",
        "Ort: Zell am Harmersbach",
        f"Beschreibung: {DESCRIPTION}",
        f"Gemeldet von Ida Fall am {local_time(row[6])}",
        "Status: offen",
    ]
    assert alert.buttons == [[("🙋 Übernehmen", f"xt|{number}"), ("✅ Erledigt", f"xd|{number}")]]

    assert bot.press(LEAD, alert, "Übernehmen") == texts.TAKE_DONE.format(id=number)
    taken = api.wait_for_edit(alert)
    assert lines(taken)[:5] == lines(alert)[:5]
    assert re.fullmatch(
        r"Status: übernommen von Lena Leitung um \d\d\.\d\d\.\d{4} \d\d:\d\d", lines(taken)[5]
    )
    assert taken.buttons == [[("✅ Erledigt", f"xd|{number}")]]
    told = api.wait_for_message(worker)
    assert told.plain_text == texts.REPORTER_TAKEN.format(id=number, name="Lena Leitung")

    assert bot.press(LEAD, taken, "Erledigt") == texts.RESOLVE_DONE.format(id=number)
    resolved = api.wait_for_edit(taken)
    assert lines(resolved)[5].startswith("Status: erledigt von Lena Leitung um ")
    assert resolved.reply_markup is None
    prompt = api.wait_for_message(GROUP)
    assert prompt.plain_text == texts.OUTCOME_ASK.format(id=number)
    assert prompt.reply_markup == {"force_reply": True, "selective": True}
    done = api.wait_for_message(worker)
    assert done.plain_text == texts.REPORTER_RESOLVED.format(id=number, name="Lena Leitung")

    outcome = "Polizei war vor Ort, Lage beruhigt."
    saved_outcome = bot.ask_one(LEAD, outcome, chat=GROUP, reply_to=prompt)
    assert saved_outcome.plain_text == texts.OUTCOME_SAVED.format(id=number)
    assert bot.query(
        "SELECT status, taken_by, resolved_by, outcome FROM escalations WHERE id = ?", number
    ) == [("resolved", LEAD.id, LEAD.id, outcome)]
    actions = bot.query("SELECT action FROM audit WHERE escalation_id = ? ORDER BY id", number)
    assert [a for (a,) in actions] == ["created", "notified", "taken", "resolved", "outcome"]


def test_report_from_an_urgent_answer_with_own_town(bot: BotProcess, worker: User) -> None:
    """The 🚨 button under an urgent answer starts the report; the own town is a button;
    the confirmation offers the Revier Haslach for violence in Hausach."""
    api = bot.api
    bot.ask_one(worker, "/ort Hausach")
    answer = bot.ask_one(worker, "klient droht mit messer")
    assert lines(answer)[0] == "🚨 Bei Gefahr sofort anrufen:"
    bot.press(worker, answer, texts.ESCALATE_BUTTON)
    start = api.wait_for_message(worker)
    assert start.plain_text == shown(texts.ESC_START)
    bot.press(worker, start, "Gewalt/Bedrohung")
    place = api.wait_for_edit(start)
    assert [b.text for b in place.flat_buttons] == [
        "📍 Hausach",
        texts.ESC_PLACE_NONE,
        texts.ESC_CANCEL,
    ]
    bot.press(worker, place, "📍 Hausach")
    urgency = api.wait_for_edit(place)
    bot.press(worker, urgency, "diese Woche")
    api.wait_for_edit(urgency)
    summary = bot.ask_one(worker, "Drohung gegen Mitarbeiterin der Unterkunft.")
    assert "Ort: Hausach" in lines(summary)
    bot.press(worker, summary, "Senden")
    saved = api.wait_for_message(worker, timeout=15)
    number = escalation_id(saved)
    assert bot.query("SELECT place, urgency FROM escalations WHERE id = ?", number) == [
        ("Hausach", "woche")
    ]
    contacts = [b.text for b in saved.flat_buttons]
    assert contacts[0] == f"➡️ {HASLACH}"
    bot.press(worker, saved, HASLACH)
    assert lines(api.wait_for_message(worker))[0] == HASLACH
    alert = api.wait_for_message(GROUP)
    assert lines(alert)[:3] == [
        f"🚨 Eskalation #{number} – diese Woche",
        "Art: Gewalt/Bedrohung",
        "Ort: Hausach",
    ]


def test_personal_data_warning(bot: BotProcess, worker: User) -> None:
    """A name: warning, "Korrigieren" asks again. A phone number: "So lassen" keeps it."""
    api = bot.api
    warning = describe_escalation(
        bot, worker, "Herr Müller hat seine Frau geschlagen.", kind="Häusliche Gewalt", place="Lahr"
    )
    assert warning.plain_text == shown(texts.ESC_PII_WARNING.format(found=texts.PII_NAME))
    assert [b.text for b in warning.flat_buttons] == [texts.ESC_PII_FIX, texts.ESC_PII_KEEP]
    bot.press(worker, warning, "Korrigieren")
    assert api.wait_for_edit(warning).plain_text == shown(texts.ESC_DESCRIPTION)

    described = "Klient ruft die Klientin ständig an: 0171 2345678"
    warning = bot.ask_one(worker, described)
    assert warning.plain_text == shown(texts.ESC_PII_WARNING.format(found=texts.PII_PHONE))
    bot.press(worker, warning, "So lassen")
    summary = api.wait_for_edit(warning)
    assert f"Beschreibung: {described}" in lines(summary)
    bot.press(worker, summary, "Senden")
    number = escalation_id(api.wait_for_message(worker, timeout=15))
    assert escalations_of(bot, worker) == [(number, "open", described)]
    assert not bot.query("SELECT id FROM escalations WHERE description LIKE '%Müller%'")


STEPS = ["kind", "place", "urgency", "description", "summary"]


@pytest.mark.parametrize("how", ["button", "command"])
def test_cancel_at_every_step_stores_nothing(bot: BotProcess, worker: User, how: str) -> None:
    """At each step, "✖️ Abbrechen" (or /abbrechen) ends the report: nothing is stored,
    and the next text is a question again."""
    api = bot.api
    for step in STEPS:
        current = bot.ask_one(worker, "/eskalation")
        if step != "kind":
            bot.press(worker, current, "Sonstiges")
            current = api.wait_for_edit(current)
        if step not in ("kind", "place"):
            current = bot.ask_one(worker, "hausah")  # a typo is still Hausach
            assert current.plain_text == texts.ESC_URGENCY
        if step in ("description", "summary"):
            bot.press(worker, current, "woche")
            current = api.wait_for_edit(current)
        if step == "summary":
            current = bot.ask_one(worker, "Wasserschaden in der Unterkunft.")
            assert lines(current)[0] == "Zusammenfassung"
        if how == "button":
            bot.press(worker, current, "Abbrechen")
            assert api.wait_for_edit(current).plain_text == texts.ESC_CANCELLED, step
        else:
            assert bot.ask_one(worker, "/abbrechen").plain_text == texts.ESC_CANCELLED, step
    answer = bot.ask_one(worker, "polizei hausach")
    assert lines(answer)[0] == HASLACH
    bot.sync(worker)
    assert escalations_of(bot, worker) == []


def test_unfinished_report_expires(bot: BotProcess, worker: User) -> None:
    """A report left open expires with a message; nothing is stored, text is a question again."""
    api = bot.api
    start = bot.ask_one(worker, "/eskalation")
    bot.press(worker, start, "Brand/Unfall")
    api.wait_for_edit(start)
    expired = api.wait_for_message(worker, timeout=CONVERSATION_TIMEOUT + 10)
    assert expired.plain_text == texts.ESC_EXPIRED
    answer = bot.ask_one(worker, "hausach")
    assert answer.plain_text != texts.ESC_URGENCY
    bot.sync(worker)
    assert escalations_of(bot, worker) == []


def test_acute_escalation_nobody_takes_is_reminded_then_sent_to_admins(
    bot: BotProcess, worker: User
) -> None:
    """Acute and not taken: alerted again twice (ESCALATION_MAX_REMINDERS), then every admin
    gets it directly; reminders stop."""
    api = bot.api
    number = escalation_id(
        report_escalation(bot, worker, "Klientin droht mit Suizid.", kind="Suizid", urgency="akut")
    )
    alert = api.wait_for_message(GROUP)
    assert lines(alert)[0] == f"🚨 Eskalation #{number} – akut"
    for count in (1, 2):
        reminder = api.wait_for_message(GROUP, timeout=15)
        assert lines(reminder)[:3] == [
            shown(texts.ALERT_REMINDER.format(count=count, max=2)),
            "",
            f"🚨 Eskalation #{number} – akut",
        ]
        assert reminder.buttons == alert.buttons
    to_admin = api.wait_for_message(ADMIN, timeout=15)
    assert lines(to_admin)[:3] == [
        shown(texts.ALERT_ADMIN.format(count=2)),
        "",
        f"🚨 Eskalation #{number} – akut",
    ]
    assert bot.query(
        "SELECT reminders_sent, admins_alerted, status FROM escalations WHERE id = ?", number
    ) == [(2, 1, "open")]
    audit = bot.query(
        "SELECT action, detail FROM audit WHERE escalation_id = ? AND action IN "
        "('reminded', 'admins-alerted') ORDER BY id",
        number,
    )
    assert audit == [("reminded", "1"), ("reminded", "2"), ("admins-alerted", "1")]
    api.assert_no_new_messages(GROUP, within=0)  # no third reminder: the admins instead
    assert bot.press(ADMIN, to_admin, "Übernehmen") == texts.TAKE_DONE.format(id=number)


# -- leads only -------------------------------------------------------------------------------


def test_forged_and_replayed_buttons_change_nothing(bot: BotProcess, worker: User) -> None:
    """A caseworker forging take/resolve gets "leads only" (audited as denied); a replayed
    take of a taken escalation and a look at someone else's history change nothing."""
    api = bot.api
    number = escalation_id(report_escalation(bot, worker, "Streit in der Unterkunft."))
    alert = api.wait_for_message(GROUP)
    for data in (f"xt|{number}", f"xd|{number}"):
        answer = api.wait_for_callback_answer(bot.forge_callback(worker, data))
        assert (answer.text, answer.show_alert) == (texts.LEADS_ONLY, True)
    # Even from the alert itself, if the caseworker were in the group.
    assert bot.press(worker, alert, "Übernehmen") == texts.LEADS_ONLY
    assert bot.query("SELECT status, taken_by FROM escalations WHERE id = ?", number) == [
        ("open", None)
    ]
    denied = bot.query(
        "SELECT actor_id, detail FROM audit WHERE escalation_id = ? AND action = 'denied' "
        "ORDER BY id",
        number,
    )
    assert denied == [(worker.id, "xt"), (worker.id, "xd"), (worker.id, "xt")]
    assert api.current(alert).version == alert.version  # the alert is untouched

    assert bot.press(LEAD, alert, "Übernehmen") == texts.TAKE_DONE.format(id=number)
    taken = api.wait_for_edit(alert)
    replay = api.wait_for_callback_answer(bot.forge_callback(ADMIN, f"xt|{number}"))
    assert (replay.text, replay.show_alert) == (texts.TAKE_ALREADY.format(id=number), True)
    assert bot.query("SELECT status, taken_by FROM escalations WHERE id = ?", number) == [
        ("taken", LEAD.id)
    ]
    assert api.current(taken).version == taken.version

    other = new_user("Olaf", "Anders")
    bot.register(other)
    peek = api.wait_for_callback_answer(bot.forge_callback(other, f"xh|{number}"))
    assert (peek.text, peek.show_alert) == (texts.ESC_NOT_FOUND, True)
    bot.sync(other)
    api.assert_no_new_messages(other, within=0)


def test_open_escalations_and_their_history(bot: BotProcess, worker: User) -> None:
    """/eskalationen: a lead sees every open one, a caseworker only their own; a tap shows
    the history."""
    api = bot.api
    first = escalation_id(report_escalation(bot, worker, "Sachbeschädigung.", kind="Sonstiges"))
    second = escalation_id(report_escalation(bot, worker, "Brand im Keller.", kind="Brand/Unfall"))
    mine = bot.ask_one(worker, "/eskalationen")
    assert mine.plain_text == shown(texts.ESC_LIST_HEADING.format(count=2))
    assert mine.buttons == [
        [(f"#{second} Brand/Unfall · Hausach · offen", f"xh|{second}")],
        [(f"#{first} Sonstiges · Hausach · offen", f"xh|{first}")],
    ]
    bot.press(worker, mine, f"#{first}")
    history = api.wait_for_edit(mine)
    assert lines(history)[0] == f"Verlauf #{first}"
    assert lines(history)[1] == f"🚨 Eskalation #{first} – heute"
    events = [line.split(" ", 2)[2] for line in lines(history)[8:]]
    assert events == ["gemeldet (Ida Fall)", "benachrichtigt"]
    assert history.buttons == [[(texts.BACK, "xl|0")]]

    open_ids = [i for (i,) in bot.query("SELECT id FROM escalations WHERE status != 'resolved'")]
    listing = bot.ask_one(LEAD, "/eskalationen")
    assert listing.plain_text == shown(texts.ESC_LIST_HEADING.format(count=len(open_ids)))
    shown_ids = [int(b.callback_data.split("|")[1]) for b in listing.flat_buttons[:8]]
    assert shown_ids == sorted(open_ids, reverse=True)[:8]


def test_export_and_statistics_for_leads_only(bot: BotProcess, worker: User) -> None:
    """/export: a period button, then a CSV with every escalation; /statistik: a table and a
    chart. Caseworkers are refused both."""
    api = bot.api
    number = escalation_id(report_escalation(bot, worker, "Kind allein in der Unterkunft."))
    for command in ("/export", "/statistik"):
        assert bot.ask_one(worker, command).plain_text == texts.LEADS_ONLY
    refused = api.wait_for_callback_answer(bot.forge_callback(worker, "xe|all"))
    assert refused.text == texts.LEADS_ONLY

    menu = bot.ask_one(LEAD, "/export")
    assert menu.plain_text == texts.EXPORT_CHOOSE
    assert [b.text for b in menu.flat_buttons] == list(texts.EXPORT_PERIODS.values())
    bot.press(LEAD, menu, "Letzte 30 Tage")
    export = api.wait_for_message(LEAD)
    assert export.kind == "document" and export.document is not None
    assert export.document.filename.endswith(".csv")
    content = export.document.content
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    every = [str(i) for (i,) in bot.query("SELECT id FROM escalations ORDER BY id")]
    assert [r["id"] for r in rows] == every
    assert export.plain_text.endswith(f"({len(every)})")
    mine = next(r for r in rows if r["id"] == str(number))
    assert (mine["kind"], mine["place"], mine["status"], mine["reporter_id"]) == (
        "gewalt",
        "Hausach",
        "open",
        str(worker.id),
    )
    assert mine["description"] == "Kind allein in der Unterkunft."
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", mine["created_at"]), mine  # local time

    api.send_text(LEAD, "/statistik")
    table, chart = api.wait_for_messages(LEAD, 2, timeout=30)  # the first chart takes a while
    assert lines(table)[0] == f"Statistik der Eskalationen ({len(every)} insgesamt)"
    assert "Nach Art" in lines(table)
    assert chart.kind == "photo" and chart.photo is not None
    assert chart.photo.content.startswith(b"\x89PNG")
    api.assert_no_new_messages(worker, within=0)


# -- Telegram or the database failing ---------------------------------------------------------


def test_leads_group_unreachable_500(bot: BotProcess, worker: User) -> None:
    """sendMessage to the leads' group answers 500 for a while: the escalation is kept, the
    caseworker hears the alert is pending, and the alert arrives once Telegram recovers."""
    api = bot.api
    since = len(api.requests)
    api.faults.set("sendMessage", "500", chat_id=GROUP)
    try:
        saved = report_escalation(bot, worker, "Bewohner randaliert im Flur.")
        number = escalation_id(saved)
        assert lines(saved)[:2] == [f"✅ Gespeichert als #{number}.", texts.ESC_REACH_PENDING]
        assert escalations_of(bot, worker) == [(number, "open", "Bewohner randaliert im Flur.")]
        api.assert_no_new_messages(GROUP, within=0)
        # The outbox tries again (after 2 s) and fails again.
        first = api.wait_for_request("sendMessage", lambda r: r.fault == "500", since=since)
        api.wait_for_request("sendMessage", lambda r: r.fault == "500", since=first.seq + 1)
    finally:
        api.faults.clear()
    alert = api.wait_for_message(GROUP, timeout=15)
    assert lines(alert)[0] == f"🚨 Eskalation #{number} – heute"

    def to_group(request: RecordedRequest) -> bool:
        return str(request.params.get("chat_id")) == str(GROUP)

    delivered = api.wait_for_request("sendMessage", lambda r: to_group(r) and r.ok, since=since)
    attempts = [r for r in api.requests[since : delivered.seq + 1] if to_group(r)]
    assert [r.fault for r in attempts] == ["500", "500", None]
    api.assert_no_new_messages(GROUP, within=0)  # one alert, without a redelivery mark


def test_leads_group_connection_dropped(bot: BotProcess, worker: User) -> None:
    """The connection drops on sendMessage to the group: Telegram may have got it, so the
    alert that arrives after recovery is marked as possibly delivered twice."""
    api = bot.api
    since = len(api.requests)
    api.faults.set("sendMessage", "drop", chat_id=GROUP)
    try:
        saved = report_escalation(bot, worker, "Bewohner bedroht Hausmeister.")
        number = escalation_id(saved)
        assert lines(saved)[1] == texts.ESC_REACH_PENDING
        api.wait_for_request("sendMessage", lambda r: r.fault == "drop", since=since)
    finally:
        api.faults.clear()
    alert = api.wait_for_message(GROUP, timeout=15)
    assert lines(alert)[:3] == [texts.ALERT_REDELIVERY, "", f"🚨 Eskalation #{number} – heute"]
    recorded = "SELECT redelivered FROM outbox WHERE escalation_id = ? AND delivered_at IS NOT NULL"
    assert wait_until(lambda: bot.query(recorded, number), what="the delivery") == [(1,)]


@pytest.mark.skipif(not hasattr(resource, "prlimit"), reason="needs Linux prlimit")
def test_database_cannot_be_written(bot: BotProcess, worker: User) -> None:
    """The bot may no longer write any file (as on a full disk): "Senden" says it could not
    save (call instead, 110/112) and stores nothing; questions are still answered. Once
    writing works again, "Senden" saves."""
    api = bot.api
    asker = new_user("Frieda", "Frage")
    bot.register(asker)
    summary = describe_escalation(
        bot,
        worker,
        "Kleinkind allein in der Wohnung.",
        kind="Kindeswohlgefährdung",
        place="Offenburg",
    )

    assert bot.process is not None
    pid = bot.process.pid
    unlimited = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, unlimited[1]))  # no file may grow past 1 B
    try:
        answer = bot.ask_one(asker, "polizei hausach")
        assert lines(answer)[0] == HASLACH
        bot.press(worker, summary, "Senden")
        failed = api.wait_for_message(worker, timeout=15)
        assert failed.plain_text == shown(texts.ESC_SAVE_FAILED)
        assert "110" in failed.plain_text and "112" in failed.plain_text
        again = bot.ask_one(asker, "polizei lahr")
        assert lines(again)[0] == "Polizeirevier Lahr (Posten Ettenheim, Rust)"
    finally:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, unlimited)
    assert escalations_of(bot, worker) == []

    bot.press(worker, summary, "Senden")  # the draft was kept
    number = escalation_id(api.wait_for_message(worker, timeout=15))
    assert escalations_of(bot, worker) == [(number, "open", "Kleinkind allein in der Wohnung.")]
    assert lines(api.wait_for_message(GROUP))[0] == f"🚨 Eskalation #{number} – heute"


# -- crash and retention (bots of their own) ---------------------------------------------------


def test_alert_survives_sigkill_while_sending(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread
) -> None:
    """SIGKILL while the group's sendMessage hangs (it did reach Telegram): the escalation is
    there after the restart and the alert is sent again, marked as a possible duplicate."""
    group = fake_api.add_group(new_group_id(), "Teamleitungen", members=[ADMIN])
    settings = {"TEAM_LEAD_CHAT_ID": str(group.id)}
    bot = launch_bot(**settings)
    worker = new_user("Karl", "Crash")
    bot.register(worker, inviter=ADMIN)
    fake_api.faults.set("sendMessage", "timeout", chat_id=group.id, execute=True, duration=30)
    summary = describe_escalation(bot, worker, "Schlägerei vor der Unterkunft.", place="Kehl")
    fake_api.press_button(worker, summary, label="Senden")
    first = fake_api.wait_for_message(group.id)  # delivered, but the answer never comes
    bot.kill()

    connection = sqlite3.connect(bot.database_path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        [(number, status)] = connection.execute("SELECT id, status FROM escalations").fetchall()
        assert status == "open"
    finally:
        connection.close()
    assert lines(first)[0] == f"🚨 Eskalation #{number} – heute"

    fake_api.faults.clear()
    launch_bot(**settings)
    again = fake_api.wait_for_message(group.id, timeout=20)
    assert lines(again)[:3] == [texts.ALERT_REDELIVERY, "", f"🚨 Eskalation #{number} – heute"]
    fake_api.assert_no_new_messages(group.id, within=0)
    recorded = "SELECT redelivered FROM outbox WHERE escalation_id = ? AND delivered_at IS NOT NULL"
    assert wait_until(lambda: bot.query(recorded, number), what="the delivery") == [(1,)]


def test_retention_erases_old_descriptions(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread
) -> None:
    """An escalation resolved longer ago than ESCALATION_RETENTION_DAYS loses its description
    and outcome (kind, town, times stay) in the job that also runs right after a start."""
    group = fake_api.add_group(new_group_id(), "Teamleitungen", members=[ADMIN])
    settings = {"TEAM_LEAD_CHAT_ID": str(group.id), "ESCALATION_RETENTION_DAYS": "2"}
    before = launch_bot(now="2026-11-20T09:00", **settings)
    worker = new_user("Rita", "Rückblick")
    before.register(worker, inviter=ADMIN)
    number = escalation_id(report_escalation(before, worker, "Streit um die Küche."))
    alert = fake_api.wait_for_message(group.id)
    before.press(ADMIN, alert, "Erledigt")
    prompt = fake_api.wait_for_message(group.id)
    before.ask_one(ADMIN, "Geschlichtet.", chat=group.id, reply_to=prompt)
    stored = "SELECT kind, place, status, description, outcome FROM escalations WHERE id = ?"
    assert before.query(stored, number) == [
        ("gewalt", "Hausach", "resolved", "Streit um die Küche.", "Geschlichtet.")
    ]
    before.stop()

    after = launch_bot(now="2026-11-23T09:00", **settings)  # three days later
    erased = wait_until(
        lambda: after.query(stored + " AND erased_at IS NOT NULL", number),
        timeout=20,
        what="the retention job",
    )
    assert erased == [("gewalt", "Hausach", "resolved", None, None)]
    actions = after.query("SELECT action FROM audit WHERE escalation_id = ?", number)
    assert ("erased",) in actions
    listing = after.ask_one(ADMIN, "/export 2026-11-01 2026-11-30")
    assert listing.document is not None
    [row] = csv.DictReader(io.StringIO(listing.document.content.decode("utf-8-sig")), delimiter=";")
    assert (row["kind"], row["place"], row["description"], row["outcome"]) == (
        "gewalt",
        "Hausach",
        "",
        "",
    )
