"""/karte: the emergency card in the client's language, over the fake Bot API (issue 14)."""

from __future__ import annotations

from bot import texts
from bot.cards.bidi import LRM, RLM
from bot.cards.numbers import phone_numbers
from fakebotapi import BotMessage
from tests.e2e.conftest import BotProcess, new_user, shown


def bold_texts(message: BotMessage) -> set[str]:
    """The bold parts of a message as Telegram delivers them (offsets in UTF-16 units)."""
    encoded = message.plain_text.encode("utf-16-le")
    return {
        encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == "bold"
    }


def test_arabic_card_has_the_numbers_of_the_german_card(shared_bot: BotProcess) -> None:
    api = shared_bot.api
    worker = new_user("Kai", "Karte")
    shared_bot.register(worker)
    shared_bot.ask_one(worker, "/ort Hausach")

    menu = shared_bot.ask_one(worker, "/karte")
    assert menu.plain_text == shown(texts.CARD_MENU)
    assert [b.callback_data for b in menu.flat_buttons][:8] == [
        "nk|de", "nk|ar", "nk|uk", "nk|ru", "nk|tr", "nk|fa", "nk|en", "nk|fr",
    ]  # fmt: skip

    assert shared_bot.press(worker, menu, "Arabisch") == ""
    note = api.wait_for_edit(menu)
    arabic = api.wait_for_message(worker)
    # The caseworker is told the translation is unchecked; the client's card is not.
    assert shown(texts.CARD_NOT_CHECKED) in note.plain_text
    assert "Arabisch" in note.plain_text
    assert note.buttons == menu.buttons  # another language is one tap away
    assert "Übersetzung" not in arabic.plain_text
    assert arabic.plain_text.startswith(RLM + "🆘 أرقام الطوارئ")
    assert f"{RLM}{LRM}116 016{LRM} – " in arabic.plain_text
    assert "Team Kinzigtal" in arabic.plain_text
    assert {"110", "112", "116 016"} <= bold_texts(arabic)

    shared_bot.press(worker, note, "Deutsch")
    german_note = api.wait_for_edit(note)
    german = api.wait_for_message(worker)
    assert shown(texts.CARD_NOT_CHECKED) not in german_note.plain_text
    assert german.plain_text.startswith("🆘 Notruf")
    assert sorted(set(phone_numbers(arabic.plain_text))) == sorted(
        set(phone_numbers(german.plain_text))
    )
    assert sorted(set(phone_numbers(german.plain_text))) == ["110", "112", "116016"]


def test_urgent_answer_offers_the_card(shared_bot: BotProcess) -> None:
    api = shared_bot.api
    worker = new_user("Nora", "Notfallkarte")
    shared_bot.register(worker)
    answer = shared_bot.ask_all(worker, "häusliche gewalt was tun")[-1]
    assert texts.CARD_BUTTON in [b.text for b in answer.flat_buttons]
    shared_bot.press(worker, answer, texts.CARD_BUTTON)
    menu = api.wait_for_message(worker)
    assert menu.plain_text == shown(texts.CARD_MENU)
    assert answer.message_id != menu.message_id  # the answer itself stays as it was

    shared_bot.press(worker, menu, "Farsi")
    api.wait_for_edit(menu)
    farsi = api.wait_for_message(worker)
    assert farsi.plain_text.startswith(RLM)
    assert shown(texts.CARD_NO_PLACE) in api.current(menu).plain_text
    assert sorted(set(phone_numbers(farsi.plain_text))) == ["110", "112", "116016"]


def test_forged_card_buttons_are_outdated(shared_bot: BotProcess) -> None:
    worker = new_user("Olaf", "Alt")
    shared_bot.register(worker)
    answer = shared_bot.api.wait_for_callback_answer(shared_bot.forge_callback(worker, "nk|xx"))
    assert answer.text == texts.OUTDATED_BUTTON
