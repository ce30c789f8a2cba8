"""/notfall and /themen: menus tapped through, edited in place."""

from __future__ import annotations

from collections.abc import Callable

from bot import texts
from fakebotapi import BotMessage, FakeBotApiThread, RecordedRequest
from tests.e2e.conftest import ADMIN, BotProcess, Watch, new_user, shown, too_old_button_press


def test_emergency_menu_puts_own_police_first(shared_bot: BotProcess) -> None:
    """/notfall lists the urgent entries; with /ort Hausach the Revier Haslach comes first."""
    worker = new_user("Ute", "Notfall")
    shared_bot.register(worker)
    # The menu, then the one-tap location button in a message of its own (issue 14).
    menu, _location = shared_bot.ask(worker, "/notfall", count=2)
    assert menu.plain_text == shown(texts.EMERGENCY_MENU)
    without_place = [b.callback_data for b in menu.flat_buttons]
    assert "e|notruf" in without_place
    assert "e|polizei-haslach" not in without_place

    shared_bot.ask_one(worker, "/ort Hausach")
    menu, _location = shared_bot.ask(worker, "/notfall", count=2)
    first = menu.flat_buttons[0]
    assert (first.text, first.callback_data) == (
        "👮 Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
        "e|polizei-haslach",
    )
    assert [b.callback_data for b in menu.flat_buttons[1:]] == without_place
    assert all(len(row) == 1 for row in menu.inline_buttons)

    assert shared_bot.press(worker, menu, "Polizeirevier Haslach") == ""
    police = shared_bot.api.wait_for_message(worker)
    assert police.plain_text.split("\n")[:2] == [
        "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
        "📍 Für Hausach (dein Ort, ändern mit /ort)",
    ]
    assert shared_bot.press(worker, menu, "Suizidgefahr") == ""
    suicide = shared_bot.api.wait_for_message(worker)
    assert suicide.plain_text.split("\n")[:3] == [
        "🚨 Bei Gefahr sofort anrufen:",
        "110 Polizei · 112 Rettungsdienst/Feuerwehr",
        "",
    ]
    assert "Suizidgefahr – was tun?" in suicide.plain_text


def edits_of(requests: list[RecordedRequest], message: BotMessage) -> list[RecordedRequest]:
    return [
        r
        for r in requests
        if r.method == "editMessageText"
        and int(r.params["message_id"]) == message.message_id
        and int(r.params["chat_id"]) == message.chat_id
    ]


def test_topics_are_browsed_in_one_message(shared_bot: BotProcess) -> None:
    """/themen → a category → back → next page → a category: always the same message."""
    api = shared_bot.api
    worker = new_user("Theo", "Themen")
    shared_bot.register(worker)
    since = len(api.requests)
    menu = shared_bot.ask_one(worker, "/themen")
    assert menu.plain_text == shown(texts.TOPICS)
    assert len(menu.flat_buttons) == 9  # 8 of the 9 categories and "Weiter"
    assert menu.buttons[-1] == [(texts.NEXT_PAGE, "t|1")]

    shared_bot.press(worker, menu, "Polizei")
    police = api.wait_for_edit(menu)
    assert police.plain_text == "Polizei: Wähle einen Eintrag."
    assert "Polizeirevier Lahr (Posten Ettenheim, Rust)" in [b.text for b in police.flat_buttons]
    assert police.buttons[-1] == [(texts.BACK, "t|0")]

    shared_bot.press(worker, police, texts.BACK)
    back = api.wait_for_edit(police)
    assert (back.plain_text, back.buttons) == (menu.plain_text, menu.buttons)

    shared_bot.press(worker, back, texts.NEXT_PAGE)
    page_two = api.wait_for_edit(back)
    assert page_two.buttons == [
        [("Abläufe im Team", "c|ablaeufe|0")],
        [(texts.PREVIOUS_PAGE, "t|0")],
    ]
    shared_bot.press(worker, page_two, "Abläufe im Team")
    procedures = api.wait_for_edit(page_two)
    assert procedures.plain_text == "Abläufe im Team: Wähle einen Eintrag."

    shared_bot.press(worker, procedures, "Dolmetscher")
    entry = api.wait_for_message(worker)
    assert entry.message_id != menu.message_id
    assert entry.buttons[-1] == [("👍", "f|+|dolmetscher"), ("👎", "f|-|dolmetscher")]

    # One message, edited four times in place; nothing else was sent meanwhile.
    assert len(edits_of(api.requests[since:], menu)) == 4
    assert [m.message_id for m in api.messages(worker)][-2:] == [
        menu.message_id,
        entry.message_id,
    ]
    assert api.current(menu).version == 4


def test_a_button_pressed_too_long_ago_still_does_its_job(
    launch_bot: Callable[..., BotProcess], fake_api: FakeBotApiThread, watch: Watch
) -> None:
    """After an outage or a restart Telegram refuses to acknowledge old presses ("query is
    too old"); the entry is shown all the same, and the bot keeps going."""
    bot = launch_bot()
    worker = new_user("Vera", "Spät")
    bot.register(worker, inviter=ADMIN)
    menu, _location = bot.ask(worker, "/notfall", count=2)
    watch.expected_refusals.append(too_old_button_press)
    fake_api.state.callback_query_ttl = 0.0  # every press is too old by the time it is answered
    fake_api.press_button(worker, menu, label="Suizidgefahr")
    suicide = fake_api.wait_for_message(worker)
    assert "Suizidgefahr – was tun?" in suicide.plain_text
    refused = [r for r in fake_api.requests if too_old_button_press(r)]
    assert len(refused) == 1  # the press was acknowledged (and refused) once
    fake_api.state.callback_query_ttl = None
    assert bot.ask_one(worker, "polizei hausach").plain_text.startswith("Polizeirevier Haslach")
