"""Only registered people get anything: strangers and removed users get one sentence."""

from __future__ import annotations

from bot import texts
from tests.e2e.conftest import LEAD, BotProcess, new_user

STRANGER_MESSAGES = [
    "polizei hausach",
    "/start",
    "/hilfe",
    "/help",
    "/themen",
    "/notfall",
    "/ort hausach",
    "/einladen",
    "/einladen lead",
    "/nutzer",
    "/entfernen 100",
]


def assert_refused(bot: BotProcess, user_chat: int, count: int) -> None:
    replies = bot.api.wait_for_messages(user_chat, count)
    for reply in replies:
        assert reply.plain_text == texts.NOT_REGISTERED
        assert reply.reply_markup is None


def test_stranger_is_refused_everywhere(shared_bot: BotProcess) -> None:
    """Text, every command and a forged button: one polite sentence each, nothing else."""
    api = shared_bot.api
    stranger = new_user("Sam", "Fremd")
    for text in STRANGER_MESSAGES:
        api.send_text(stranger, text)
    assert_refused(shared_bot, stranger.id, len(STRANGER_MESSAGES))

    query_id = shared_bot.forge_callback(stranger, "e|notruf")
    answer = api.wait_for_callback_answer(query_id)
    assert answer.text == texts.NOT_REGISTERED
    assert answer.show_alert

    shared_bot.sync(stranger)
    api.assert_no_new_messages(stranger, within=0)
    assert len(api.messages(stranger)) == len(STRANGER_MESSAGES)


def test_removed_user_is_refused(shared_bot: BotProcess) -> None:
    """After a lead's /entfernen the person gets the refusal and nothing else."""
    leaver = new_user("Lea", "Weg")
    shared_bot.register(leaver)
    answer = shared_bot.ask_one(leaver, "polizei hausach")
    assert "Polizeirevier Haslach" in answer.plain_text

    removed = shared_bot.ask_one(LEAD, f"/entfernen {leaver.id}")
    assert removed.plain_text == texts.REMOVE_DONE.format(user_id=leaver.id)

    for text in ["polizei hausach", "/themen", "/notfall"]:
        shared_bot.api.send_text(leaver, text)
    assert_refused(shared_bot, leaver.id, 3)
    query_id = shared_bot.api.press_button(leaver, answer, label="Team Kinzigtal")
    assert shared_bot.api.wait_for_callback_answer(query_id).text == texts.NOT_REGISTERED
    shared_bot.sync(leaver)
    shared_bot.api.assert_no_new_messages(leaver, within=0)


def test_caseworker_cannot_manage_the_team(shared_bot: BotProcess) -> None:
    """/einladen, /nutzer, /entfernen (and a forged invite button) are for leads only."""
    worker = new_user("Kai", "Arbeit")
    shared_bot.register(worker)
    for command in ["/einladen", "/einladen caseworker", "/nutzer", f"/entfernen {LEAD.id}"]:
        reply = shared_bot.ask_one(worker, command)
        assert reply.plain_text == texts.LEADS_ONLY, command
        assert reply.reply_markup is None
    query_id = shared_bot.forge_callback(worker, "i|lead")
    answer = shared_bot.api.wait_for_callback_answer(query_id)
    assert (answer.text, answer.show_alert) == (texts.LEADS_ONLY, True)
    # The lead is still there.
    assert shared_bot.query("SELECT role FROM users WHERE user_id = ?", LEAD.id) == [("lead",)]
