"""Questions in the private chat: answers for the right town, choices, gaps, danger first."""

from __future__ import annotations

import pytest

from bot import texts
from fakebotapi import User
from tests.e2e.conftest import BotProcess, new_user, shown

HASLACH_PHONE = "+49 7832 975920"


@pytest.fixture
def worker(shared_bot: BotProcess) -> User:
    """A freshly registered caseworker without a town."""
    user = new_user("Ida", "Fall")
    shared_bot.register(user)
    return user


def test_plain_question_answer_and_feedback(shared_bot: BotProcess, worker: User) -> None:
    """'polizei hausach': the Revier Haslach for Hausach, a phone, related buttons, 👍 saved."""
    answer = shared_bot.ask_one(worker, "polizei hausach")
    lines = answer.plain_text.split("\n")
    assert lines[0] == "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)"
    assert lines[1] == "📍 Für Hausach"
    assert f"☎️ {HASLACH_PHONE}" in lines
    assert answer.entities[0] == {"type": "bold", "offset": 0, "length": len(lines[0])}
    labels = [b.text for b in answer.flat_buttons]
    assert "➡️ Welches Polizeirevier ist zuständig?" in labels
    assert "➡️ Team Kinzigtal" in labels
    assert answer.buttons[-1] == [("👍", "f|+|polizei-haslach"), ("👎", "f|-|polizei-haslach")]

    assert shared_bot.press(worker, answer, "👍") == texts.FEEDBACK_THANKS
    rows = shared_bot.query(
        "SELECT entry_id, helpful, question FROM feedback WHERE user_id = ?", worker.id
    )
    assert rows == [("polizei-haslach", 1, "polizei hausach")]


def test_misspelt_question(shared_bot: BotProcess, worker: User) -> None:
    """'polzei hausah' finds the same answer as 'polizei hausach'."""
    answer = shared_bot.ask_one(worker, "polzei hausah")
    assert answer.plain_text.split("\n")[:2] == [
        "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
        "📍 Für Hausach",
    ]
    assert HASLACH_PHONE in answer.plain_text


def test_ambiguous_question_offers_a_choice(shared_bot: BotProcess, worker: User) -> None:
    """'polizei' alone: "Meinst du …?" with 2-4 buttons; a tap shows that entry."""
    choice = shared_bot.ask_one(worker, "polizei")
    assert choice.plain_text == texts.CHOOSE
    assert 2 <= len(choice.flat_buttons) <= 4
    assert all(b.callback_data and b.callback_data.startswith("e|") for b in choice.flat_buttons)
    assert shared_bot.press(worker, choice, "Welches Polizeirevier ist zuständig?") == ""
    entry = shared_bot.api.wait_for_message(worker)
    assert entry.plain_text.startswith("Welches Polizeirevier ist zuständig?\n")
    assert entry.buttons[-1] == [
        ("👍", "f|+|polizei-zustaendigkeit"),
        ("👎", "f|-|polizei-zustaendigkeit"),
    ]


@pytest.mark.parametrize(
    ("question", "title", "place"),
    [
        ("polizei kippenheimweiler", "Polizeirevier Lahr (Posten Ettenheim, Rust)", "Lahr"),
        ("polizei zell-weierbach", "Polizeirevier Offenburg (Posten Gengenbach)", "Offenburg"),
    ],
)
def test_village_part_means_its_town(
    shared_bot: BotProcess, worker: User, question: str, title: str, place: str
) -> None:
    """A village part (Ortsteil) is answered for the town it belongs to, not a look-alike."""
    answer = shared_bot.ask_one(worker, question)
    assert answer.plain_text.split("\n")[:2] == [title, f"📍 Für {place}"]


def test_own_place_answers_and_is_overridden(shared_bot: BotProcess, worker: User) -> None:
    """With /ort Hausach, 'polizeirevier' means Haslach; a town in the question wins."""
    assert shared_bot.ask_one(worker, "/ort hausach").plain_text == shown(
        texts.PLACE_SET.format(place="Hausach")
    )
    answer = shared_bot.ask_one(worker, "polizeirevier")
    assert answer.plain_text.split("\n")[:2] == [
        "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)",
        "📍 Für Hausach (dein Ort, ändern mit /ort)",
    ]
    other = shared_bot.ask_one(worker, "polizeirevier lahr")
    assert other.plain_text.split("\n")[:2] == [
        "Polizeirevier Lahr (Posten Ettenheim, Rust)",
        "📍 Für Lahr",
    ]
    assert shared_bot.ask_one(worker, "/ort").plain_text == shown(
        texts.PLACE_CURRENT.format(place="Hausach")
    )


def test_place_choice_and_clearing(shared_bot: BotProcess, worker: User) -> None:
    """/ort with an unclear name offers buttons; a tap sets the town; '/ort -' clears it."""
    choice = shared_bot.ask_one(worker, "/ort zell")
    assert choice.plain_text == texts.PLACE_CHOOSE
    labels = [b.text for b in choice.flat_buttons]
    assert "Zell am Harmersbach" in labels
    assert 2 <= len(labels) <= 4
    assert shared_bot.press(worker, choice, "Zell am Harmersbach") == ""
    chosen = shared_bot.api.wait_for_edit(choice)
    assert chosen.plain_text == shown(texts.PLACE_SET.format(place="Zell am Harmersbach"))
    assert chosen.reply_markup is None
    assert shared_bot.query("SELECT place FROM users WHERE user_id = ?", worker.id) == [
        ("Zell am Harmersbach",)
    ]

    assert shared_bot.ask_one(worker, "/ort hausah").plain_text == shown(
        texts.PLACE_SET.format(place="Hausach")
    )
    assert shared_bot.ask_one(worker, "/ort -").plain_text == texts.PLACE_CLEARED
    assert shared_bot.ask_one(worker, "/ort").plain_text == texts.PLACE_NONE
    unknown = shared_bot.ask_one(worker, "/ort Atlantis")
    assert unknown.plain_text == texts.PLACE_UNKNOWN.format(place="Atlantis")
    assert shared_bot.query("SELECT place FROM users WHERE user_id = ?", worker.id) == [(None,)]


def test_no_answer_records_the_gap(shared_bot: BotProcess, worker: User) -> None:
    """'wlan passwort': nothing found, 110/112 and /themen; logged with outcome 'none'."""
    reply = shared_bot.ask_one(worker, "WLAN Passwort?")
    assert reply.plain_text == shown(texts.NOTHING_FOUND)
    assert reply.plain_text.startswith("Dazu habe ich nichts gefunden")
    assert "110 Polizei · 112 Rettungsdienst/Feuerwehr" in reply.plain_text
    assert "/themen" in reply.plain_text
    assert reply.buttons == [[("📚 Themen", "t|0")]]
    shared_bot.sync(worker)
    rows = shared_bot.query("SELECT question, outcome FROM questions WHERE user_id = ?", worker.id)
    assert rows == [("wlan passwort", "none")]


@pytest.mark.parametrize(
    "question",
    [
        "klient droht mit messer",
        "klient suizid was tun",
        # Danger phrased indirectly, and in English: the semantic stage's classifier.
        "meine klientin hat gesagt dass sie sich heute das leben nimmt",
        "my client says he will kill himself tonight",
    ],
)
def test_urgent_question_starts_with_110_and_112(
    shared_bot: BotProcess, worker: User, question: str
) -> None:
    """Danger: the very first lines are the 110 and 112 lines, before anything else."""
    replies = shared_bot.ask(worker, question)
    lines = replies[0].plain_text.split("\n")
    assert lines[:2] == [
        "🚨 Bei Gefahr sofort anrufen:",
        "110 Polizei · 112 Rettungsdienst/Feuerwehr",
    ]
    assert lines[2] == ""


def test_danger_with_a_separated_verb_offers_the_suicide_entry(
    shared_bot: BotProcess, worker: User
) -> None:
    """'bringt sich heute noch um': 110/112 first, then a choice of up to four entries (not
    one wrong entry alone) with the suicide entry among them; a tap opens it."""
    choice = shared_bot.ask_one(worker, "mein klient sagt er bringt sich heute noch um")
    assert choice.plain_text.split("\n")[:2] == [
        "🚨 Bei Gefahr sofort anrufen:",
        "110 Polizei · 112 Rettungsdienst/Feuerwehr",
    ]
    assert texts.CHOOSE in choice.plain_text
    entries = [b for b in choice.flat_buttons if (b.callback_data or "").startswith("e|")]
    assert 2 <= len(entries) <= 4
    assert shared_bot.press(worker, choice, "Suizidgefahr – was tun?") == ""
    entry = shared_bot.api.wait_for_message(worker)
    assert entry.buttons[-1] == [("👍", "f|+|suizidgefahr"), ("👎", "f|-|suizidgefahr")]


def test_button_of_an_old_answer_still_works(shared_bot: BotProcess, worker: User) -> None:
    """A button of an earlier answer still opens its entry after newer answers."""
    first = shared_bot.ask_one(worker, "polizei hausach")
    shared_bot.ask_one(worker, "jugendamt")
    shared_bot.ask_one(worker, "polizei lahr")
    assert shared_bot.press(worker, first, "Team Kinzigtal") == ""
    team = shared_bot.api.wait_for_message(worker)
    assert team.plain_text.startswith("Team Kinzigtal\n")
    assert shared_bot.press(worker, first, "👎") == texts.FEEDBACK_THANKS


def test_a_long_sentence_about_the_job_gets_a_choice_and_chatter_nothing(
    shared_bot: BotProcess, worker: User
) -> None:
    """A stressed sentence whose words only partly match: the closest entries as buttons
    (before: nothing found); everyday chatter still gets nothing found."""
    choice = shared_bot.ask_one(
        worker,
        "ich sitze gerade mit einer familie zusammen und brauche für das nächste gespräch "
        "jemanden der arabisch übersetzen kann",
    )
    assert texts.CHOOSE in choice.plain_text
    assert not choice.plain_text.startswith("🚨")
    assert shared_bot.press(worker, choice, "Dolmetscher") == ""
    entry = shared_bot.api.wait_for_message(worker)
    assert entry.buttons[-1] == [("👍", "f|+|dolmetscher"), ("👎", "f|-|dolmetscher")]
    chatter = shared_bot.ask_one(worker, "wie wird das wetter am wochenende in kehl")
    assert chatter.plain_text == shown(texts.NOTHING_FOUND)
