"""Invitations: a lead's deep link registers one new person, once, within 72 hours."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot import texts
from tests.e2e.conftest import ADMIN, BERLIN, LEAD, BotProcess, invite_code, new_user, shown

LINK = re.compile(r"https://t\.me/caseworker_test_bot\?start=[A-Za-z0-9_-]{16,64}")


def test_invite_by_button_registers_with_welcome_and_tour(shared_bot: BotProcess) -> None:
    """/einladen offers the roles as buttons; the link registers the new person."""
    api = shared_bot.api
    menu = shared_bot.ask_one(LEAD, "/einladen")
    assert menu.plain_text == texts.INVITE_CHOOSE_ROLE
    assert [b.text for b in menu.flat_buttons] == ["Integrationsmanager:in", "Teamleitung"]
    assert shared_bot.press(LEAD, menu, "Integrationsmanager:in") == ""
    invitation = api.wait_for_message(LEAD)
    assert invitation.plain_text.startswith("Einladung als Integrationsmanager:in, gültig bis ")
    assert LINK.search(invitation.plain_text), invitation.plain_text
    code = invite_code(invitation, "caseworker_test_bot")

    newcomer = new_user("Nora", "Neu")
    welcome, tour = shared_bot.ask(newcomer, f"/start {code}", count=2)
    assert welcome.plain_text == "Willkommen, Nora! Du bist als Integrationsmanager:in registriert."
    assert tour.plain_text == shown(texts.TOUR)
    answer = shared_bot.ask_one(newcomer, "polizei hausach")
    assert "Polizeirevier Haslach" in answer.plain_text
    role = shared_bot.query("SELECT role FROM users WHERE user_id = ?", newcomer.id)
    assert role == [("caseworker",)]


def test_invite_link_works_only_once(shared_bot: BotProcess) -> None:
    """`/einladen lead` makes a lead; the same code again, or an unknown one, is refused."""
    code = shared_bot.invite_code(LEAD, "lead")
    first, second = new_user("Olga", "Erst"), new_user("Piet", "Zweit")
    welcome, _tour = shared_bot.ask(first, f"/start {code}", count=2)
    assert welcome.plain_text == "Willkommen, Olga! Du bist als Teamleitung registriert."

    assert shared_bot.ask_one(second, f"/start {code}").plain_text == texts.INVITE_USED
    assert shared_bot.ask_one(second, "/start 0123456789abcdefghijkl").plain_text == (
        texts.INVITE_UNKNOWN
    )
    assert shared_bot.ask_one(second, "polizei hausach").plain_text == texts.NOT_REGISTERED
    # The new lead can invite in turn; a caseworker invite via the argument.
    invitation = shared_bot.ask_one(first, "/einladen caseworker")
    assert invitation.plain_text.startswith("Einladung als Integrationsmanager:in")


def test_expired_invite_is_refused(
    launch_bot: Callable[..., BotProcess],
) -> None:
    """A code created under one clock is refused 4 days later (valid for 72 hours)."""
    before = launch_bot(now="2026-11-20T09:00")
    invitation = before.ask_one(ADMIN, "/einladen caseworker")
    assert "gültig bis 23.11.2026 09:00" in invitation.plain_text
    code = invite_code(invitation, "caseworker_test_bot")
    before.stop()

    after = launch_bot(now="2026-11-24T09:00")
    late = new_user("Udo", "Spät")
    assert after.ask_one(late, f"/start {code}").plain_text == texts.INVITE_EXPIRED
    assert after.ask_one(late, "polizei hausach").plain_text == texts.NOT_REGISTERED


def test_lead_lists_users_with_role_and_last_activity(shared_bot: BotProcess) -> None:
    """/nutzer: everyone with role, id and last activity (registering counts), admins first."""
    member, newcomer = new_user("Mia", "Mitglied"), new_user("Nico", "Neuling")
    shared_bot.register(member)
    shared_bot.ask_one(member, "polizei lahr")
    shared_bot.register(newcomer)
    today = dt.datetime.now(BERLIN).strftime("%d.%m.%Y")
    listing = shared_bot.ask_one(LEAD, "/nutzer")
    heading, *lines = listing.plain_text.split("\n")
    count = len(shared_bot.query("SELECT user_id FROM users"))
    assert heading == f"Registrierte Personen ({count})"
    assert len(lines) == count

    line = re.compile(r"• (.+) – (.+) – ID (\d+) – zuletzt aktiv: (.+)")
    rows = {int(m[3]): (m[1], m[2], m[4]) for m in map(line.fullmatch, lines) if m}
    assert len(rows) == count, lines
    for user, role in [
        (LEAD, "Teamleitung"),
        (member, "Integrationsmanager:in"),
        (newcomer, "Integrationsmanager:in"),
    ]:
        name, shown_role, seen = rows[user.id]
        assert (name, shown_role) == (f"{user.first_name} {user.last_name}", role)
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", seen), seen
        assert seen.startswith(today)
    ranks = {"Admin": 0, "Teamleitung": 1, "Integrationsmanager:in": 2}
    order = [ranks[role] for _name, role, _seen in rows.values()]
    assert order == sorted(order), lines
