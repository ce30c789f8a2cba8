"""The card as the caseworker sends it: languages, team, HTML, the caseworker's note."""

from __future__ import annotations

from bot import actions, texts
from bot.assistant import Assistant
from bot.cards.bidi import LRM, RLM
from bot.cards.card import all_cards, build
from bot.cards.numbers import phone_numbers
from bot.console import ConsoleChat
from bot.render import to_plain
from bot.render.answers import Renderer
from bot.render.cards import card_html, caseworker_note, language_menu
from fakebotapi import rules

LANGUAGES = ["de", "ar", "uk", "ru", "tr", "fa", "en", "fr"]


def shown(markup: str) -> str:
    """The text Telegram shows; raises like Telegram for HTML it would refuse."""
    return rules.check_message_text(markup, "HTML", None).text


def test_shipped_cards_cover_the_languages_german_first(shipped: Assistant) -> None:
    cards = all_cards(shipped.knowledge)
    assert next(iter(cards)) == "de"
    assert set(LANGUAGES) <= set(cards)
    assert {lang for lang, card in cards.items() if card.direction == "rtl"} == {"ar", "fa"}
    # Only the German original counts as checked; every translation still needs a reader.
    assert [lang for lang, card in cards.items() if card.checked_by_native_speaker] == ["de"]


def test_every_card_shows_the_german_numbers(shipped: Assistant) -> None:
    cards = all_cards(shipped.knowledge)
    german = sorted(set(phone_numbers(to_plain(card_html(build(shipped, cards["de"]))))))
    assert german == ["110", "112", "116016"]
    for lang, card in cards.items():
        plain = to_plain(card_html(build(shipped, card)))
        assert sorted(set(phone_numbers(plain))) == german, lang


def test_language_menu_buttons_fit_telegram(shipped: Assistant) -> None:
    menu = language_menu(shipped.knowledge)
    buttons = [button for row in menu.buttons for button in row]
    assert [b.action.args for b in buttons][: len(LANGUAGES)] == [(lang,) for lang in LANGUAGES]
    assert all(len(row) <= 2 for row in menu.buttons)
    assert buttons[1].label == "العربية · Arabisch"
    for button in buttons:
        data = actions.encode(button.action)  # raises if over 64 bytes
        assert actions.decode(data) == button.action
    shown(menu.html)  # valid Telegram HTML


def test_arabic_card_is_right_to_left_with_numbers_kept_in_order(shipped: Assistant) -> None:
    html = card_html(build(shipped, all_cards(shipped.knowledge)["ar"]))
    lines = [line for line in html.split("\n") if line]
    assert all(line.startswith(RLM) for line in lines)
    assert f"{LRM}<b>116 016</b>{LRM} – " in html
    assert f"{LRM}<b>110</b>{LRM} – الشرطة" in html
    assert "Übersetzung" not in html  # the client's card carries nothing for the caseworker
    shown(html)


def test_german_card_has_no_bidi_marks(shipped: Assistant) -> None:
    html = card_html(build(shipped, all_cards(shipped.knowledge)["de"]))
    assert LRM not in html and RLM not in html
    assert html.startswith("<b>🆘 Notruf")
    assert "<b>110</b> – Polizei" in html


def test_team_of_the_place_is_on_the_card(shipped: Assistant) -> None:
    card = all_cards(shipped.knowledge)["ar"]
    assert build(shipped, card).team is None
    content = build(shipped, card, shipped.find_place("Hausach"))
    assert content.team is not None
    assert content.team.name == "Team Kinzigtal"
    assert content.team.label == card.team_label
    html = card_html(content)
    assert f"{RLM}Team Kinzigtal" in html
    lahr = build(shipped, all_cards(shipped.knowledge)["de"], shipped.find_place("Ettenheim"))
    assert "Ihr Integrationsmanagement:</b>\nTeam Lahr Umland" in card_html(lahr)


def test_caseworker_note_says_whether_a_native_speaker_checked(shipped: Assistant) -> None:
    cards = all_cards(shipped.knowledge)
    arabic = caseworker_note(shipped.knowledge, cards["ar"], has_place=True)
    assert texts.CARD_NOT_CHECKED in arabic.html
    assert "Arabisch" in arabic.html
    assert texts.CARD_NO_PLACE not in arabic.html
    assert arabic.buttons == language_menu(shipped.knowledge).buttons
    german = caseworker_note(shipped.knowledge, cards["de"], has_place=False)
    assert texts.CARD_NOT_CHECKED not in german.html
    assert texts.CARD_NO_PLACE in german.html


def test_urgent_answers_offer_the_card(shipped: Assistant) -> None:
    renderer = Renderer(shipped)
    urgent = renderer.answer(shipped.answer("klient suizid was tun"))
    assert [texts.CARD_BUTTON] in [[b.label for b in row] for row in urgent.buttons]
    card_row = next(row for row in urgent.buttons if row[0].label == texts.CARD_BUTTON)
    assert actions.encode(card_row[0].action) == "nk"
    calm = renderer.answer(shipped.answer("dolmetscher"))
    assert texts.CARD_BUTTON not in [b.label for row in calm.buttons for b in row]


def test_console_shows_menu_card_and_note(shipped: Assistant) -> None:
    chat = ConsoleChat(shipped, Renderer(shipped))
    menu = chat.handle("/karte") or ""
    assert "[2] العربية · Arabisch" in menu
    arabic = chat.handle("2") or ""
    assert f"{RLM}{LRM}116 016{LRM} – " in arabic
    assert to_plain(texts.CARD_NOT_CHECKED) in arabic
    assert "Team Kinzigtal" not in arabic and to_plain(texts.CARD_NO_PLACE) in arabic
    chat.handle("/ort Lahr")
    german = chat.handle("/karte de") or ""
    assert german.startswith("🆘 Notruf")
    assert "Team Lahr Umland" in german
    assert to_plain(texts.CARD_NOT_CHECKED) not in german
    assert chat.handle("/karte xx") == texts.OUTDATED_BUTTON
