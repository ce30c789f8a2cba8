"""Telegram misbehaving: random, seeded faults on every method (also getUpdates) while people
ask and report, and flood control with retry_after. The bot keeps running, every question
is answered once the faults stop, and no escalation alert is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from bot import texts
from fakebotapi import FakeBotApiThread, FaultKind, RecordedRequest, User
from tests.e2e.conftest import (
    ADMIN,
    BotProcess,
    Watch,
    describe_escalation,
    escalation_id,
    new_group_id,
    new_user,
    own_bot,
    report_escalation,
    sent_message,
    shown,
    wait_until,
)

GROUP = new_group_id()
SEED = 20261126
FAULT_KINDS: list[FaultKind] = ["500", "502", "timeout", "drop", "429", "bad_json"]
# Questions and the first line of their answers.
QUESTIONS = {
    "polizei hausach": "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
    "polizei lahr": "Polizeirevier Lahr (Posten Ettenheim, Rust)",
    "polizei kehl": "Polizeirevier Kehl",
    "jugendamt": "Jugendamt des Landratsamts (Kommunaler Sozialer Dienst)",
    "ausländerbehörde": "Migrationsamt des Landratsamts Ortenaukreis",
    "dolmetscher": "Dolmetscher und Sprachmittler",
}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, watch: Watch) -> Iterator[BotProcess]:
    """A bot with a leads' group, on a fake Bot API of its own (faults hit everything)."""
    with own_bot(
        watch,
        tmp_path_factory.mktemp("faults-bot"),
        group=GROUP,
        settings={"TEAM_LEAD_CHAT_ID": str(GROUP), "THROTTLE_BURST": "200"},
    ) as bot:
        yield bot


def answered(bot: BotProcess, user: User, question: str) -> bool:
    first_line = QUESTIONS[question]
    return any(m.plain_text.split("\n")[0] == first_line for m in bot.api.messages(user))


def test_random_faults_lose_no_answer_and_no_alert(bot: BotProcess) -> None:
    """500, 502, timeouts, dropped connections, 429 and broken JSON at random on every method
    while three people ask and one reports: afterwards every question has its answer (asked
    once more only where the bot said "something went wrong"), the alert arrives, and every
    retry after a 429 waited as long as Telegram asked."""
    api = bot.api
    askers = [new_user("Fee", f"Frage{n}") for n in range(3)]
    reporter = new_user("Ron", "Report")
    for user in [*askers, reporter]:
        bot.register(user)
    summary = describe_escalation(
        bot, reporter, "Bedrohung im Treppenhaus der Unterkunft.", place="Wolfach"
    )
    since = len(api.requests)

    rule = api.faults.set(
        None,
        FAULT_KINDS,
        probability=0.3,
        seed=SEED,
        include_get_updates=True,
        duration=6.0,  # longer than the bot's read timeout: a real client-side timeout
        retry_after=2,
    )
    try:
        # For a few seconds, everyone asks every question, one every 0.3 s.
        for n, question in enumerate(QUESTIONS):
            for user in askers:
                api.send_text(user, question)
                time.sleep(0.3)
            if n == 2:
                api.press_button(reporter, summary, label="Senden")
    finally:
        api.faults.clear()
    assert bot.running
    assert rule.hits >= 5, rule.hits

    # Everyone is served once Telegram works again. Where the bot had to give up and said
    # so, the person asks again, as the message tells them to.
    sorry = shown(texts.SOMETHING_WENT_WRONG)
    for user in askers:
        for question in QUESTIONS:
            wait_until(
                lambda u=user, q=question: (
                    answered(bot, u, q) or any(m.plain_text == sorry for m in api.messages(u))
                ),
                timeout=60,
                what=f"an answer to {question!r}",
            )
    again = 0
    for user in askers:
        for question in QUESTIONS:
            if not answered(bot, user, question):
                again += 1
                api.send_text(user, question)
                wait_until(lambda u=user, q=question: answered(bot, u, q), what=question)
    assert again <= 5, f"{again} of {len(askers) * len(QUESTIONS)} questions asked again"

    [(number, status)] = bot.query(
        "SELECT id, status FROM escalations WHERE reporter_id = ?", reporter.id
    )
    assert status == "open"
    alert = sent_message(api, GROUP, f"Eskalation #{number} ", since=since, timeout=60)
    assert "Art: Gewalt/Bedrohung" in alert.plain_text.split("\n")
    confirmations = [m for m in api.messages(reporter) if "Gespeichert als" in m.plain_text]
    assert [escalation_id(m) for m in confirmations] in ([], [number])

    faulted = [r for r in api.requests[since:] if r.fault]
    assert {r.fault for r in faulted} >= {"500", "429", "drop"}, [r.fault for r in faulted]
    assert any(r.method == "getUpdates" for r in faulted)
    assert_retry_after_honoured(api.requests[since:], rule.retry_after)


def assert_retry_after_honoured(requests: list[RecordedRequest], wait: float) -> None:
    """After a 429 on sendMessage, the same message was not sent again within ``wait`` s."""
    for index, refused in enumerate(requests):
        if refused.method != "sendMessage" or refused.fault != "429":
            continue
        key = (refused.params.get("chat_id"), refused.params.get("text"))
        retry = next(
            (
                r
                for r in requests[index + 1 :]
                if r.method == "sendMessage"
                and (r.params.get("chat_id"), r.params.get("text")) == key
            ),
            None,
        )
        if retry is not None:
            assert retry.time - refused.time >= wait - 0.05, (refused, retry)


def test_retry_after_is_honoured(bot: BotProcess) -> None:
    """A 429 with retry_after=3 on an answer: the next attempt comes no sooner than 3 s
    later, and the answer arrives once."""
    api = bot.api
    user = new_user("Flo", "Flut")
    bot.register(user)
    since = len(api.requests)
    api.faults.set("sendMessage", "429", retry_after=3, count=1, chat_id=user.id)
    answer = bot.ask_one(user, "polizei hausach")
    assert answer.plain_text.split("\n")[0] == QUESTIONS["polizei hausach"]

    def is_answer(request: RecordedRequest) -> bool:
        return request.method == "sendMessage" and "Haslach" in str(request.params.get("text"))

    delivered = api.wait_for_request("sendMessage", lambda r: is_answer(r) and r.ok, since=since)
    sends = [r for r in api.requests[since : delivered.seq + 1] if is_answer(r)]
    assert [r.fault for r in sends] == ["429", None]
    assert sends[1].time - sends[0].time >= 3.0
    bot.sync(user)
    api.assert_no_new_messages(user, within=0)


# -- the leads' group cannot be reached ------------------------------------------------------


def to_chat(chat_id: int) -> Callable[[RecordedRequest], bool]:
    return lambda request: str(request.params.get("chat_id")) == str(chat_id)


def test_a_wrong_lead_chat_id_is_found_at_start_and_alerts_go_to_the_admins(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread, watch: Watch
) -> None:
    """TEAM_LEAD_CHAT_ID names no chat the bot is in (a typo): one clear log line at start,
    each admin is told in their private chat; an escalation's alert goes to the admins at
    once instead of being retried for ever, and the caseworker is told exactly that."""
    missing = new_group_id()
    watch.expected_refusals.append(to_chat(missing))  # Telegram: 400 chat not found
    fake_api.add_user(ADMIN)
    bot = launch_bot(TEAM_LEAD_CHAT_ID=str(missing))
    notice = fake_api.wait_for_message(ADMIN, timeout=15)
    assert notice.plain_text.startswith("⚠️ Die Gruppe der Teamleitungen ist nicht erreichbar.")
    assert f"TEAM_LEAD_CHAT_ID {missing}: Chat not found" in notice.plain_text
    wait_until(lambda: "Gruppe der Teamleitungen nicht erreichbar" in bot.log(), what="log line")
    [line] = [x for x in bot.log().splitlines() if "Gruppe der Teamleitungen" in x]
    assert f"TEAM_LEAD_CHAT_ID {missing} (Chat not found)" in line

    worker = new_user("Gerd", "Gruppe")
    bot.register(worker, inviter=ADMIN)
    since = len(fake_api.requests)
    saved = report_escalation(bot, worker, "Bewohner droht mit Gewalt.")
    number = escalation_id(saved)
    assert saved.plain_text.split("\n")[1:3] == [
        shown(texts.ESC_GROUP_UNREACHABLE),
        texts.ESC_REACHED_ADMINS.format(count=1),
    ]
    alert = sent_message(fake_api, ADMIN.id, f"Eskalation #{number} ", since=since)
    assert alert.plain_text.startswith(shown(texts.ALERT_LEAD_CHAT_FALLBACK))
    assert alert.button("Übernehmen") is not None
    time.sleep(5)  # more than two backoff periods: the group would have been tried again
    tries = [
        r for r in fake_api.requests[since:] if r.method == "sendMessage" and to_chat(missing)(r)
    ]
    assert len(tries) == 1 and tries[0].error == "Bad Request: chat not found"
    [(error,)] = bot.query(
        "SELECT last_error FROM outbox WHERE escalation_id = ? AND chat_id = ?", number, missing
    )
    assert error == "undeliverable: rejected: Chat not found"


def test_a_bot_removed_from_the_group_alerts_the_admins_directly(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread, watch: Watch
) -> None:
    """The start check finds the group fine; later the bot is kicked (403): the next alert
    goes to the admins at once and the confirmation says so; the admin can take it there."""
    group = fake_api.add_group(new_group_id(), "Teamleitungen", members=[ADMIN])
    fake_api.add_user(ADMIN)
    bot = launch_bot(TEAM_LEAD_CHAT_ID=str(group.id))
    wait_until(lambda: "Gruppe der Teamleitungen erreichbar" in bot.log(), what="the check")
    worker = new_user("Kai", "Kick")
    bot.register(worker, inviter=ADMIN)
    watch.expected_refusals.append(to_chat(group.id))
    fake_api.set_member_status(group, fake_api.bot_user, "kicked")
    since = len(fake_api.requests)
    saved = report_escalation(bot, worker, "Streit in der Küche, Messer gezogen.", urgency="akut")
    number = escalation_id(saved)
    assert texts.ESC_REACHED_ADMINS.format(count=1) in saved.plain_text.split("\n")
    alert = sent_message(fake_api, ADMIN.id, f"Eskalation #{number} ", since=since)
    bot.press(ADMIN, alert, "Übernehmen")
    taken = fake_api.wait_for_message(worker, timeout=15)
    assert f"#{number}" in taken.plain_text
    assert bot.query("SELECT status FROM escalations WHERE id = ?", number) == [("taken",)]


def test_telegram_unreachable_is_one_line_each_way_not_tracebacks(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread
) -> None:
    """Every getUpdates dropped for a few seconds (the network is gone): the log gets one
    warning when Telegram becomes unreachable and one when it is back, no traceback."""
    bot = launch_bot()
    since = len(fake_api.requests)
    fake_api.faults.set("getUpdates", "drop")
    try:
        wait_until(
            lambda: sum(r.fault == "drop" for r in fake_api.requests[since:]) >= 3,
            timeout=30,
            what="three failed polls",
        )
    finally:
        fake_api.faults.clear()
    wait_until(lambda: texts.TELEGRAM_REACHABLE in bot.log(), timeout=40, what="reconnected")
    log = bot.log()
    assert log.count("Telegram nicht erreichbar, neuer Versuch in höchstens 30 s") == 1, log
    assert log.count(texts.TELEGRAM_REACHABLE) == 1
    assert "Traceback" not in log
    user = new_user("Nora", "Netz")
    bot.register(user, inviter=ADMIN)  # and it serves again
