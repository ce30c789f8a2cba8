"""Shared locations (issue 14) over the Bot API: town, station and team, or "outside"."""

from __future__ import annotations

import httpx

from bot import texts
from bot.assistant import Assistant
from fakebotapi import FakeBotApiThread, User, rules
from tests.e2e.conftest import BotProcess, Watch, new_group_id, new_user, shown

ICHENHEIM = (48.4325, 7.8110)  # village part of Neuried
GENGENBACH_OHLSBACH = (48.41849, 8.00408)  # midway between the two town centres
STRASBOURG = (48.58392, 7.74553)
FREIBURG = (47.9959, 7.85222)
KEHL = (48.5730, 7.8152)


def share(bot: BotProcess, user: User, point: tuple[float, float], **kwargs: int) -> str:
    """``user`` shares ``point``; the plain text of the bot's one answer."""
    bot.api.send_location(user, *point, **kwargs)
    return bot.api.wait_for_message(user).plain_text


def police_phone(shipped: Assistant, entry_id: str) -> str:
    entry = shipped.entry(entry_id)
    assert entry is not None
    phones = [v.phone.display for v in shipped.contacts(entry) if v.phone is not None]
    assert phones
    return phones[0]


def test_ort_and_notfall_offer_the_location_button(shared_bot: BotProcess) -> None:
    worker = new_user("Lotte", "Standort")
    shared_bot.register(worker)
    place = shared_bot.ask_one(worker, "/ort")
    assert place.plain_text == shown(texts.PLACE_NONE)
    assert place.reply_markup is not None
    assert place.reply_markup["keyboard"] == [
        [{"text": texts.LOCATION_BUTTON, "request_location": True}]
    ]
    menu, offer = shared_bot.ask(worker, "/notfall", count=2)
    assert menu.plain_text == shown(texts.EMERGENCY_MENU)
    assert offer.plain_text == shown(texts.LOCATION_OFFER)
    assert offer.reply_keyboard == [[texts.LOCATION_BUTTON]]


def test_location_near_a_village_part_answers_with_its_station_and_team(
    shared_bot: BotProcess, shipped: Assistant
) -> None:
    worker = new_user("Nele", "Ichenheim")
    shared_bot.register(worker)
    text = share(shared_bot, worker, ICHENHEIM)
    assert "📍 Standort: nahe Neuried-Ichenheim" in text
    assert "Gemeinde: Neuried" in text
    assert "Polizeirevier Offenburg" in text
    assert police_phone(shipped, "polizei-offenburg") in text
    assert "Team: Offenburg, Kehl und Umgebung" in text
    # Shown, never stored: the place is only saved with the button.
    shared_bot.sync(worker)
    assert shared_bot.query("SELECT place FROM users WHERE user_id = ?", worker.id) == [(None,)]
    # Nor are the coordinates logged.
    assert "48.4325" not in shared_bot.log() and "7.811" not in shared_bot.log()


def test_kehl_centre_is_kehl(shared_bot: BotProcess, shipped: Assistant) -> None:
    worker = new_user("Kai", "Kehl")
    shared_bot.register(worker)
    text = share(shared_bot, worker, KEHL)
    assert "nahe Kehl" in text
    assert police_phone(shipped, "polizei-kehl") in text


def test_uncertain_location_asks_to_check(shared_bot: BotProcess) -> None:
    worker = new_user("Gero", "Grenze")
    shared_bot.register(worker)
    text = share(shared_bot, worker, GENGENBACH_OHLSBACH)
    assert "zwischen" in text and "bitte prüfen" in text
    assert "Gengenbach" in text and "Ohlsbach" in text


def test_strasbourg_and_freiburg_are_outside_the_district(shared_bot: BotProcess) -> None:
    worker = new_user("Fritz", "Fremd")
    shared_bot.register(worker)
    for point, town in ((STRASBOURG, "Strasbourg"), (FREIBURG, "Freiburg")):
        shared_bot.api.send_location(worker, *point)
        answer = shared_bot.api.wait_for_message(worker)
        assert "außerhalb des Ortenaukreises — 110/112 gelten überall" in answer.plain_text
        assert f"Nächster Ort: {town}" in answer.plain_text
        assert "Polizeirevier" not in answer.plain_text
        assert answer.flat_buttons == []  # no local contact, nothing to save


def test_consent_button_sets_the_place_for_later_questions(shared_bot: BotProcess) -> None:
    worker = new_user("Sina", "Speichern")
    shared_bot.register(worker)
    shared_bot.api.send_location(worker, *ICHENHEIM)
    answer = shared_bot.api.wait_for_message(worker)
    assert (
        shared_bot.press(worker, answer, texts.LOCATION_SAVE_BUTTON.format(place="Neuried")) == ""
    )
    saved = shared_bot.api.wait_for_message(worker)
    assert saved.plain_text == shown(texts.LOCATION_SAVED.format(place="Neuried"))
    assert shared_bot.query("SELECT place FROM users WHERE user_id = ?", worker.id) == [
        ("Neuried",)
    ]
    police = shared_bot.ask_one(worker, "polizei")
    assert police.plain_text.startswith("Polizeirevier Offenburg")


def test_live_location_answers_the_first_point_only(shared_bot: BotProcess) -> None:
    worker = new_user("Lia", "Live")
    shared_bot.register(worker)
    update_id = shared_bot.api.send_location(worker, *KEHL, live_period=900)
    assert "nahe Kehl" in shared_bot.api.wait_for_message(worker).plain_text
    [update] = [u for u in shared_bot.api.updates if u["update_id"] == update_id]
    shared_bot.api.move_live_location(worker, update["message"]["message_id"], *STRASBOURG)
    shared_bot.sync(worker)
    shared_bot.api.assert_no_new_messages(worker)


def test_location_in_a_group_gets_no_answer(shared_bot: BotProcess) -> None:
    worker = new_user("Gina", "Gruppe")
    shared_bot.register(worker)
    group = new_group_id()
    shared_bot.api.add_group(group, "Team", members=[worker])
    shared_bot.api.send_location(worker, *KEHL, chat=group)
    shared_bot.api.send_text(worker, "/notfall", chat=group)
    shared_bot.api.wait_for_message(group)  # the emergency menu, and nothing else
    shared_bot.sync(worker)
    shared_bot.api.assert_no_new_messages(group)


def test_server_refuses_location_buttons_outside_private_chats(
    fake_api: FakeBotApiThread, watch: Watch
) -> None:
    """Telegram: "Bad Request: location can be requested in a private chats only"."""
    watch.expected_refusals.append(
        lambda r: r.error == "Bad Request: " + rules.ERR_LOCATION_PRIVATE_ONLY
    )
    group = new_group_id()
    fake_api.add_group(group, "Team")
    keyboard = {"keyboard": [[{"text": "📍", "request_location": True}]]}
    body = {"chat_id": group, "text": "Standort?", "reply_markup": keyboard}
    refused = httpx.post(f"{fake_api.base_url}{fake_api.token}/sendMessage", json=body).json()
    assert refused == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: location can be requested in a private chats only",
    }
    user = new_user("Paul", "Privat")
    fake_api.add_user(user)
    body["chat_id"] = user.id
    assert httpx.post(f"{fake_api.base_url}{fake_api.token}/sendMessage", json=body).json()["ok"]
