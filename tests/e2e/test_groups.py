"""In a group the bot answers only what is meant for it: commands, @mentions, replies."""

from __future__ import annotations

import time
from typing import Any

from bot import texts
from bot.commands import help_text
from bot.storage.users import Role
from tests.e2e.conftest import BotProcess, new_group_id, new_user, shown


def edited(updates: list[dict[str, Any]], update_id: int, text: str) -> dict[str, Any]:
    """The message of update ``update_id``, as edited by its sender to ``text``."""
    message = next(u["message"] for u in updates if u["update_id"] == update_id)
    return {**message, "text": text, "entities": [], "edit_date": int(time.time())}


def test_group_answers_only_what_is_addressed_to_the_bot(shared_bot: BotProcess) -> None:
    """Chatter is ignored; @mention, a reply to the bot and commands are answered."""
    api = shared_bot.api
    member, stranger = new_user("Gabi", "Gruppe"), new_user("Fritz", "Fremd")
    shared_bot.register(member)
    group = api.add_group(new_group_id(), "Team Kinzigtal", members=[member, stranger])

    api.send_text(member, "polizei hausach", chat=group)
    api.send_text(member, "/hilfe@some_other_bot", chat=group)
    api.send_text(stranger, "polizei hausach", chat=group)
    update_id = api.send_text(member, "morgen Teamsitzung?", chat=group)
    api.inject_update({"edited_message": edited(api.updates, update_id, "polizei hausach")})
    shared_bot.sync(member)
    shared_bot.sync(stranger)
    api.assert_no_new_messages(group, within=0)

    mentioned = shared_bot.ask_one(member, "@caseworker_test_bot polizei hausach", chat=group)
    assert mentioned.chat_id == group.id
    assert mentioned.plain_text.split("\n")[:2] == [
        "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
        "📍 Für Hausach",
    ]
    reply = shared_bot.ask_one(member, "polizei lahr", chat=group, reply_to=mentioned)
    assert reply.plain_text.split("\n")[:2] == [
        "Polizeirevier Lahr (Posten Ettenheim, Rust)",
        "📍 Für Lahr",
    ]
    topics = shared_bot.ask_one(member, "/themen@caseworker_test_bot", chat=group)
    assert topics.plain_text == shown(texts.TOPICS)
    shared_bot.press(member, topics, "Polizei")
    assert api.wait_for_edit(topics).plain_text == "Polizei: Wähle einen Eintrag."
    help_in_group = shared_bot.ask_one(member, "/hilfe", chat=group)
    assert help_in_group.plain_text == shown(help_text(Role.CASEWORKER))

    # A stranger who addresses the bot in the group gets the refusal, nothing more.
    refusal = shared_bot.ask_one(stranger, "@caseworker_test_bot polizei", chat=group)
    assert refusal.plain_text == texts.NOT_REGISTERED
    assert refusal.reply_markup is None
