"""SIGKILL at random (seeded) moments while escalations are being saved and alerted."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable

from fakebotapi import BotMessage, FakeBotApiThread, User
from tests.e2e.conftest import (
    ADMIN,
    BotProcess,
    assert_alerted_once,
    confirmed_escalations,
    describe_escalation,
    new_group_id,
    new_user,
)

ROUNDS = 3


def summary_of_a_report(bot: BotProcess, user: User, description: str) -> BotMessage:
    """Walk ``user`` through /eskalation up to the summary with its "Senden" button."""
    return describe_escalation(bot, user, description, place="Lahr", urgency="akut")


def test_every_escalation_a_user_was_told_was_saved_survives_random_kills(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread
) -> None:
    rng = random.Random(20261125)
    group = fake_api.add_group(new_group_id(), "Teamleitungen", members=[ADMIN])
    settings = {"TEAM_LEAD_CHAT_ID": str(group.id), "ESCALATION_REMINDER_MINUTES": "60"}
    bot = launch_bot(**settings)
    workers = [new_user("Absturz", str(n)) for n in range(3)]
    for worker in workers:
        bot.register(worker, inviter=ADMIN)
    for round_number in range(ROUNDS):
        for worker in workers:
            fake_api.skip_messages(worker)  # the last round's confirmations are read later
        summaries = [
            summary_of_a_report(bot, worker, f"Runde {round_number}, Meldung {index}")
            for index, worker in enumerate(workers)
        ]
        for worker, summary in zip(workers, summaries, strict=True):
            fake_api.press_button(worker, summary, label="Senden")
        time.sleep(rng.uniform(0.02, 0.6))  # somewhere in saving, replying or alerting
        bot.kill()
        with sqlite3.connect(bot.database_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        bot = launch_bot(**settings)  # same database file
    confirmed = confirmed_escalations(fake_api, workers)
    assert confirmed, "no report was confirmed at all: the kills came too early to test"
    with sqlite3.connect(bot.database_path) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM escalations")}
    assert confirmed <= stored
    assert_alerted_once(fake_api, group.id, stored)
