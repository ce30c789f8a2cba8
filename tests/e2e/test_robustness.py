"""Old buttons after a knowledge change, and failures inside a handler: the bot keeps serving."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from bot import texts
from bot.render import ECHO_LIMIT
from bot.telegram.io import SEND_ATTEMPTS
from fakebotapi import RecordedRequest
from tests.conftest import MINIMAL
from tests.e2e.conftest import ADMIN, LEAD, BotProcess, new_user, shown

RESIDENCE = textwrap.dedent(
    """\
    entries:
      - id: wohnsitzauflage
        title: Wohnsitzauflage
        category: behoerden
        keywords: [Wohnsitzauflage]
        text: Die Wohnsitzauflage regelt, wo eine Person wohnen muss.
        related: [{related}]
    """
)
LEAFLET = textwrap.dedent(
    """\
    entries:
      - id: wohnsitz-merkblatt
        title: Merkblatt Wohnsitz
        category: behoerden
        text: Das Merkblatt zur Wohnsitzauflage liegt im Migrationsamt aus.
    """
)


def test_outdated_button_after_knowledge_change(
    launch_bot: Callable[..., BotProcess], knowledge_dir: Callable[[dict[str, str]], Path]
) -> None:
    """Restarted without an entry: its old buttons say "outdated", the rest still works."""
    before = knowledge_dir(
        {
            **MINIMAL,
            "residence.yaml": RESIDENCE.format(related="wohnsitz-merkblatt"),
            "leaflet.yaml": LEAFLET,
        }
    )
    after = knowledge_dir({**MINIMAL, "residence.yaml": RESIDENCE.format(related="migrationsamt")})
    bot = launch_bot(before)
    answer = bot.ask_one(ADMIN, "wohnsitzauflage")
    assert answer.buttons[0] == [("➡️ Merkblatt Wohnsitz", "e|wohnsitz-merkblatt")]
    bot.press(ADMIN, answer, "Merkblatt Wohnsitz")
    leaflet = bot.api.wait_for_message(ADMIN)
    assert leaflet.plain_text.startswith("Merkblatt Wohnsitz\n")
    bot.stop()

    bot = launch_bot(after)
    assert bot.press(ADMIN, answer, "Merkblatt Wohnsitz") == texts.OUTDATED_BUTTON
    assert bot.press(ADMIN, leaflet, "👍") == texts.OUTDATED_BUTTON
    outdated = [a for a in bot.api.callback_answers if a.text == texts.OUTDATED_BUTTON]
    assert len(outdated) == 2
    assert all(a.show_alert for a in outdated)
    # Buttons of the old message whose targets still exist keep working.
    assert bot.press(ADMIN, answer, "👍") == texts.FEEDBACK_THANKS
    # Forged data that the bot never produced gets the same notice.
    query_id = bot.forge_callback(ADMIN, "zz|nothing")
    assert bot.api.wait_for_callback_answer(query_id).text == texts.OUTDATED_BUTTON
    bot.sync(ADMIN)
    bot.api.assert_no_new_messages(ADMIN, within=0)
    # And the bot keeps answering.
    fresh = bot.ask_one(ADMIN, "wohnsitzauflage")
    assert fresh.buttons[0] == [("➡️ Migrationsamt", "e|migrationsamt")]


def test_a_send_failing_once_is_retried(shared_bot: BotProcess) -> None:
    """sendMessage fails once (500): the bot sends again and the answer arrives."""
    api = shared_bot.api
    worker = new_user("Rita", "Retry")
    shared_bot.register(worker)
    since = len(api.requests)
    api.faults.set("sendMessage", "500", count=1)
    answer = shared_bot.ask_one(worker, "polizei hausach")
    assert answer.plain_text.startswith("Polizeirevier Haslach")

    def is_answer(request: RecordedRequest) -> bool:
        return "Polizeirevier Haslach" in str(request.params.get("text"))

    delivered = api.wait_for_request("sendMessage", lambda r: is_answer(r) and r.ok, since=since)
    sends = [r for r in api.requests[since : delivered.seq + 1] if r.method == "sendMessage"]
    assert [r.fault for r in sends if is_answer(r)] == ["500", None]
    shared_bot.sync(worker)
    api.assert_no_new_messages(worker, within=0)  # sent once, not twice


def test_exception_in_a_handler_is_reported_and_the_bot_keeps_serving(
    shared_bot: BotProcess,
) -> None:
    """sendMessage keeps failing: the handler raises, the user is told (with 110/112),
    the error is logged without the question, and the next user is answered normally."""
    api = shared_bot.api
    unlucky, next_one = new_user("Pech", "Vogel"), new_user("Glück", "Pilz")
    shared_bot.register(unlucky)
    shared_bot.register(next_one)
    log_before = shared_bot.log()

    api.faults.set("sendMessage", "500", count=SEND_ATTEMPTS)  # every retry fails too
    api.send_text(unlucky, "polizei hausach")
    sorry = api.wait_for_message(unlucky, timeout=30)
    assert sorry.plain_text == shown(texts.SOMETHING_WENT_WRONG)
    assert "110" in sorry.plain_text
    assert "112" in sorry.plain_text

    answer = shared_bot.ask_one(next_one, "polizei hausach")
    assert answer.plain_text.startswith("Polizeirevier Haslach")
    log = shared_bot.log()[len(log_before) :]
    assert "ERROR bot.telegram.errors: error while handling update" in log
    assert f"user={unlucky.id}" in log
    assert "polizei hausach" not in log  # questions stay out of the log

    # The same after a button press (the query is answered once, by the handler). An
    # invalid response from the server is not retried, so this one fails at once.
    since = len(api.requests)
    api.faults.set("sendMessage", "bad_json", count=1)
    query_id = api.press_button(next_one, answer, label="Team Kinzigtal")
    sorry = api.wait_for_message(next_one)
    assert sorry.plain_text == shown(texts.SOMETHING_WENT_WRONG)
    assert api.callback_answer(query_id) is not None
    answers = [r for r in api.requests[since:] if r.method == "answerCallbackQuery"]
    assert len(answers) == 1
    shared_bot.press(next_one, answer, "Team Kinzigtal")
    assert api.wait_for_message(next_one).plain_text.startswith("Team Kinzigtal\n")


def test_a_4096_character_input_is_not_echoed_whole(shared_bot: BotProcess) -> None:
    """Inputs quoted back are shortened: /ort, /bestaetigen and mid-/eskalation a place of
    4096 characters get their normal answer, not Telegram's "message is too long"."""
    user = new_user("Lang", "Schreiber")
    shared_bot.register(user, role="lead", inviter=LEAD)
    long_place = "Ortschaft" * 455  # 4095 characters, one word
    quoted = long_place[: ECHO_LIMIT - 1] + "…"
    reply = shared_bot.ask_one(user, f"/ort {long_place}")
    assert reply.plain_text == shown(texts.PLACE_UNKNOWN.format(place=quoted))
    reply = shared_bot.ask_one(user, f"/bestaetigen {long_place}")
    assert reply.plain_text == shown(texts.CONFIRM_UNKNOWN.format(id=quoted))
    start = shared_bot.ask_one(user, "/eskalation")
    shared_bot.press(user, start, "Gewalt/Bedrohung")
    shared_bot.api.wait_for_edit(start)
    reply = shared_bot.ask_one(user, "x" * 4096)
    assert reply.plain_text == shown(
        texts.ESC_PLACE_UNKNOWN.format(place="x" * (ECHO_LIMIT - 1) + "…")
    )
    assert shared_bot.ask_one(user, "/abbrechen").plain_text == shown(texts.ESC_CANCELLED)
