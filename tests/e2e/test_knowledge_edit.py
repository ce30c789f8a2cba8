"""Team leads keep the knowledge current from Telegram: quick edits, confirmations, uploads
with review, rollback, reloads from disk (also watched), reports, and what a caseworker may
not do. All journeys share one bot on a copy of the shipped knowledge (plus entries with
owners), with the clock on Thursday 2026-11-26 and KNOWLEDGE_WATCH=true.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from fakebotapi import BotMessage, User
from tests.conftest import SHIPPED_KNOWLEDGE, write_files
from tests.e2e.conftest import (
    ADMIN,
    LEAD,
    BotProcess,
    Watch,
    new_group_id,
    new_user,
    own_bot,
    sent_message,
    shown,
    wait_until,
)
from tests.e2e.knowledge import OWNED

NOW = "2026-11-26T10:00"
TODAY = dt.date(2026, 11, 26)
GROUP = new_group_id()  # the team leads' group
HASLACH = "Polizeirevier Haslach (Posten Wolfach, Zell a. H.)"
LAHR = "Polizeirevier Lahr (Posten Ettenheim, Rust)"


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("knowledge-edit") / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, directory)
    return write_files(directory, OWNED)


@pytest.fixture(scope="module")
def bot(
    knowledge: Path, tmp_path_factory: pytest.TempPathFactory, watch: Watch
) -> Iterator[BotProcess]:
    """LEAD is a team lead in GROUP; every registered person has opened the bot."""
    with own_bot(
        watch,
        tmp_path_factory.mktemp("knowledge-bot"),
        group=GROUP,
        users=[ADMIN, LEAD],
        knowledge=knowledge,
        now=NOW,
        settings={
            "TEAM_LEAD_CHAT_ID": str(GROUP),
            "KNOWLEDGE_WATCH": "true",
            "THROTTLE_BURST": "200",  # tests ask faster than people
        },
    ) as bot:
        yield bot


@pytest.fixture(autouse=True)
def _fresh_chats(bot: BotProcess) -> None:
    """Each journey reads only what the bot sends the lead (and the group) from now on."""
    bot.api.skip_messages(LEAD)
    bot.api.skip_messages(GROUP)


@pytest.fixture
def worker(bot: BotProcess) -> User:
    user = new_user("Jana", "Fragt")
    bot.register(user)
    return user


def lines(message: BotMessage) -> list[str]:
    return message.plain_text.split("\n")


def files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(directory.glob("*.yaml"))}


def revisions(bot: BotProcess) -> list[tuple[object, ...]]:
    return bot.query("SELECT id, source, file, state FROM revisions ORDER BY id")


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line containing ``fragment``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def edit_phone(bot: BotProcess, entry_id: str, contact: str, value: str) -> BotMessage:
    """LEAD: /bearbeiten ENTRY → Telefon → contact → value; returns the review."""
    api = bot.api
    fields = bot.ask_one(LEAD, f"/bearbeiten {entry_id}")
    bot.press(LEAD, fields, "Telefon")
    contacts = api.wait_for_edit(fields)
    assert contacts.plain_text == texts.EDIT_CHOOSE_CONTACT
    bot.press(LEAD, contacts, contact)
    api.wait_for_edit(contacts)
    return bot.ask_one(LEAD, value)


def test_quick_edit_of_a_phone_number(bot: BotProcess, knowledge: Path) -> None:
    """/bearbeiten: search, entry, Telefon, contact, value; a wrong value is refused with
    file:line; the review shows before/after; after Übernehmen the answer has the new number
    and the file changed in that one line only (comments and all else kept)."""
    api = bot.api
    path = knowledge / "polizei.yaml"
    before = path.read_text("utf-8")
    start = bot.ask_one(LEAD, "/bearbeiten")
    assert start.plain_text == texts.EDIT_ASK_ENTRY
    choice = bot.ask_one(LEAD, "revier haslach")
    assert choice.plain_text == texts.EDIT_CHOOSE_ENTRY
    bot.press(LEAD, choice, HASLACH)
    fields = api.wait_for_edit(choice)
    assert fields.plain_text == f"{HASLACH} (polizei-haslach): Was willst du ändern?"
    assert [b.text for b in fields.flat_buttons] == [
        "Telefon",
        "Öffnungszeiten",
        "Text",
        "Schritte",
        "Stichwörter",
        "Geprüft am",
        texts.EDIT_DISCARD,
    ]
    bot.press(LEAD, fields, "Telefon")
    contacts = api.wait_for_edit(fields)
    assert [b.text for b in contacts.flat_buttons] == [
        "Polizeirevier Haslach +49 7832 975920",
        "Polizeipräsidium Offenburg +49 781 21-0",
        "Polizei 110",
        texts.EDIT_DISCARD,
    ]
    bot.press(LEAD, contacts, "Polizeirevier Haslach")
    ask = api.wait_for_edit(contacts)
    assert lines(ask) == [texts.EDIT_ASK_VALUE["phone"], "", "Bisher: +49 7832 975920"]

    refused = bot.ask_one(LEAD, "12")
    assert lines(refused)[0] == "⚠️ So geht es nicht, nichts wurde geändert:"
    phone_line = line_of(before, '"+49 7832 975920"')
    assert f"polizei.yaml:{phone_line}:" in refused.plain_text
    assert "'12' ist keine gültige Telefonnummer" in refused.plain_text
    assert path.read_text("utf-8") == before

    review = bot.ask_one(LEAD, "+49 7832 975921")
    assert lines(review) == [
        "Änderung an polizei.yaml",
        "",
        "✏️ polizei-haslach · Kontakt 1 · Telefon",
        "   vorher: +49 7832 975920",
        "   nachher: +49 7832 975921",
        "",
        "Übernehmen?",
    ]
    bot.press(LEAD, review, "Übernehmen")
    applied = api.wait_for_edit(review)
    [(revision,)] = bot.query("SELECT MAX(id) FROM revisions")
    assert applied.plain_text == texts.EDIT_APPLIED.format(
        revision=revision, summary="changed polizei-haslach.contacts[0].phone"
    )
    assert revisions(bot)[-1] == (revision, "edit", "polizei.yaml", "applied")

    answer = bot.ask_one(LEAD, "polizei hausach")
    assert "☎️ +49 7832 975921" in lines(answer)
    assert "☎️ +49 7832 975920" not in lines(answer)
    old_lines, new_lines = before.splitlines(), path.read_text("utf-8").splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(o, n) for o, n in zip(old_lines, new_lines, strict=True) if o != n]
    assert changed == [('        phone: "+49 7832 975920"', '        phone: "+49 7832 975921"')]


def test_confirm_sets_verified_to_today(bot: BotProcess, knowledge: Path) -> None:
    """/bestaetigen ID: verified becomes today (pinned clock); the answer shows it."""
    path = knowledge / "polizei.yaml"
    before = path.read_text("utf-8")
    # An entry the shipped knowledge has never marked as checked (the Reviere are checked).
    question = "ansprechpartner flüchtlingsangelegenheiten"
    answer = bot.ask_one(LEAD, question)
    assert shown(texts.NEVER_VERIFIED) in lines(answer)
    reply = bot.ask_one(LEAD, "/bestaetigen polizei-ansprechpartner-fluechtlinge")
    [(revision,)] = bot.query("SELECT MAX(id) FROM revisions")
    assert reply.plain_text == texts.CONFIRMED.format(
        title="Ansprechpartner der Polizei für Flüchtlingsangelegenheiten",
        date="26.11.2026",
        revision=revision,
    )
    answer = bot.ask_one(LEAD, question)
    assert "✅ geprüft am 26.11.2026" in lines(answer)
    assert shown(texts.NEVER_VERIFIED) not in lines(answer)
    after = path.read_text("utf-8").splitlines()
    added = after.index("    verified: 2026-11-26")
    assert after[:added] + after[added + 1 :] == before.splitlines()
    assert after[added - 1].startswith("    related:")  # in the entry, before its source
    unknown = bot.ask_one(LEAD, "/bestaetigen gibt-es-nicht")
    assert unknown.plain_text == texts.CONFIRM_UNKNOWN.format(id="gibt-es-nicht")


def test_upload_with_errors_changes_nothing(bot: BotProcess, knowledge: Path) -> None:
    """A broken file as a document: every error with file:line, nothing changed."""
    before, history = files(knowledge), revisions(bot)
    text = before["teams.yaml"].replace("    category: teams", "    kategorie: teams", 1)
    broken_line = line_of(text, "kategorie: teams")
    bot.api.send_document(LEAD, "teams.yaml", text.encode("utf-8"), "application/x-yaml")
    [reply] = bot.api.wait_for_messages(LEAD, 1, timeout=15)
    assert lines(reply)[0] == "⚠️ So geht es nicht, nichts wurde geändert:"
    assert f"teams.yaml:{broken_line}:" in reply.plain_text
    assert reply.reply_markup is None
    bot.api.send_document(LEAD, "teams.yaml", b"entries: [unclosed\n", "application/x-yaml")
    [reply] = bot.api.wait_for_messages(LEAD, 1, timeout=15)
    assert re.search(r"teams\.yaml:\d+:", reply.plain_text), reply.plain_text
    bot.sync(LEAD)
    assert files(knowledge) == before
    assert revisions(bot) == history


NEW_ENTRY = """
  - id: sprachcafe-hausach
    title: Sprachcafé Hausach
    category: teams
    keywords: [sprachcafé hausach, sprachcafe hausach]
    text: Jeden Donnerstag um 16 Uhr im Rathaus Hausach.
"""


def test_upload_reviewed_applied_and_rolled_back(bot: BotProcess, knowledge: Path) -> None:
    """A valid upload: review (new entry, changed field with before/after), Übernehmen,
    answers use it; /verlauf shows it and /zuruecksetzen N restores the file exactly."""
    api = bot.api
    path = knowledge / "teams.yaml"
    before = path.read_text("utf-8")
    uploaded = (
        before.replace("title: Team Kinzigtal", "title: Team Kinzigtal (Haslach)", 1) + NEW_ENTRY
    )
    api.send_document(LEAD, "teams.yaml", uploaded.encode("utf-8"), "application/x-yaml")
    review = api.wait_for_message(LEAD, timeout=15)
    assert lines(review) == [
        "Änderung an teams.yaml",
        "",
        "➕ neu: Sprachcafé Hausach (sprachcafe-hausach)",
        "✏️ team-kinzigtal · Titel",
        "   vorher: Team Kinzigtal",
        "   nachher: Team Kinzigtal (Haslach)",
        "",
        "Übernehmen?",
    ]
    assert [b.text for b in review.flat_buttons] == [texts.EDIT_APPLY, texts.EDIT_DISCARD]
    bot.press(LEAD, review, "Übernehmen")
    applied = api.wait_for_edit(review)
    [(revision,)] = bot.query("SELECT MAX(id) FROM revisions")
    summary = "added sprachcafe-hausach; changed team-kinzigtal.title"
    assert applied.plain_text == texts.EDIT_APPLIED.format(revision=revision, summary=summary)
    assert path.read_text("utf-8") == uploaded
    assert lines(bot.ask_one(LEAD, "sprachcafe hausach"))[0] == "Sprachcafé Hausach"

    history = bot.ask_one(LEAD, "/verlauf")
    assert lines(history)[0] == "Letzte Änderungen am Wissen"
    assert re.fullmatch(
        rf"#{revision} 26\.11\.2026 \d\d:\d\d · teams\.yaml · Upload · Lena Leitung",
        lines(history)[1],
    ), lines(history)[1]
    assert lines(history)[2] == f"   {summary}"

    undone = bot.ask_one(LEAD, f"/zuruecksetzen {revision}")
    assert undone.plain_text == texts.ROLLBACK_DONE.format(
        old=revision,
        revision=revision + 1,
        summary="removed sprachcafe-hausach; changed team-kinzigtal.title",
    )
    assert path.read_text("utf-8") == before
    assert lines(bot.ask_one(LEAD, "sprachcafe hausach"))[0] != "Sprachcafé Hausach"
    assert revisions(bot)[-1] == (revision + 1, "rollback", "teams.yaml", "applied")


def test_upload_discarded(bot: BotProcess, knowledge: Path) -> None:
    """Verwerfen: nothing changes, and the old Übernehmen data is outdated."""
    api = bot.api
    before, history = files(knowledge), revisions(bot)
    uploaded = before["teams.yaml"] + NEW_ENTRY
    api.send_document(LEAD, "teams.yaml", uploaded.encode("utf-8"), "application/x-yaml")
    review = api.wait_for_message(LEAD, timeout=15)
    apply_data = review.button("Übernehmen").callback_data
    bot.press(LEAD, review, "Verwerfen")
    assert api.wait_for_edit(review).plain_text == texts.EDIT_DISCARDED
    late = api.wait_for_callback_answer(bot.forge_callback(LEAD, str(apply_data)))
    assert (late.text, late.show_alert) == (texts.UPLOAD_OUTDATED, True)
    assert files(knowledge) == before
    assert revisions(bot) == history


def test_broken_file_on_disk_and_reload(bot: BotProcess, knowledge: Path) -> None:
    """A broken file on disk + /neuladen: the lead is told file:line and what; the old
    knowledge keeps answering; once repaired, /neuladen finds nothing to change."""
    path = knowledge / "teams.yaml"
    before = path.read_text("utf-8")
    broken = before.replace("category: teams", "category: unbekannt", 1)
    try:
        path.write_text(broken, encoding="utf-8")
        reply = bot.ask_one(LEAD, "/neuladen")
        assert lines(reply)[0] == shown(texts.RELOAD_BROKEN.split("\n")[0])
        problem = [line for line in lines(reply) if line.startswith("• ")]
        assert len(problem) == 1
        assert f"teams.yaml:{line_of(broken, 'category: unbekannt')}:" in problem[0]
        assert "unbekannt" in problem[0]
        answer = bot.ask_one(LEAD, "polizei hausach")
        assert lines(answer)[0] == HASLACH
    finally:
        path.write_text(before, encoding="utf-8")
    assert bot.ask_one(LEAD, "/neuladen").plain_text == texts.RELOAD_UNCHANGED


def test_watched_directory_tells_once_and_picks_up_the_fix(
    bot: BotProcess, knowledge: Path
) -> None:
    """KNOWLEDGE_WATCH: a broken file on disk is reported to the leads' group once, not
    again for the same breakage; the repaired file is loaded without a command."""
    api = bot.api
    path = knowledge / "zustaendigkeiten.yaml"
    before = path.read_text("utf-8")
    broken = before.replace("owner: Team Kinzigtal", "owner: [Team Kinzigtal]")
    fixed = before.replace("bietet Integrationskurse an.", "bietet ein Sprachcafé an.", 1)
    disk_revisions = "SELECT COUNT(*) FROM revisions WHERE source = 'disk'"
    [(loaded,)] = bot.query(disk_revisions)
    since = len(api.requests)
    try:
        path.write_text(broken, encoding="utf-8")
        where = f"zustaendigkeiten.yaml:{line_of(broken, 'owner: [Team')}:"
        told = sent_message(api, GROUP, where, since=since, timeout=15)
        assert lines(told)[0] == shown(texts.RELOAD_BROKEN.split("\n")[0])
        api.skip_messages(GROUP)
        path.write_text(broken, encoding="utf-8")  # saved again, still broken
        api.assert_no_new_messages(GROUP, within=3)
        assert lines(bot.ask_one(LEAD, "sprachkurs kinzigtal"))[0] == "Sprachkurse im Kinzigtal"
    finally:
        path.write_text(fixed, encoding="utf-8")
    wait_until(lambda: bot.query(disk_revisions) != [(loaded,)], what="the reload from disk")
    answer = bot.ask_one(LEAD, "sprachkurs kinzigtal")
    assert "Die Volkshochschule Kinzigtal bietet ein Sprachcafé an." in lines(answer)
    api.assert_no_new_messages(GROUP, within=0)


def test_answers_during_a_swap_are_old_or_new(bot: BotProcess, worker: User) -> None:
    """While a lead applies a new number, another person's questions are all answered,
    each with either the old or the new number."""
    api = bot.api
    old, new = "☎️ +49 7821 277-0", "☎️ +49 7821 277-1"
    assert old in lines(bot.ask_one(worker, "polizei lahr"))
    review = edit_phone(bot, "polizei-lahr", "Polizeirevier Lahr", "+49 7821 277-1")
    asked = 15
    for _ in range(asked):
        api.send_text(worker, "polizei lahr")
    bot.press(LEAD, review, "Übernehmen")
    assert lines(api.wait_for_edit(review))[0].startswith("✅ Übernommen als Revision #")
    answers = api.wait_for_messages(worker, asked, timeout=30)
    for answer in answers:
        assert lines(answer)[0] == LAHR
        assert (old in lines(answer)) != (new in lines(answer)), answer.plain_text
    assert new in lines(bot.ask_one(worker, "polizei lahr"))


def test_changed_emergency_number_is_announced_to_everyone(bot: BotProcess) -> None:
    """A new phone number in an urgent entry: every registered person is told."""
    api = bot.api
    since = len(api.requests)
    review = edit_phone(bot, "frauenhaus-ortenau", "Frauen helfen Frauen", "+49 781 34312")
    bot.press(LEAD, review, "Übernehmen")
    api.wait_for_edit(review)
    title = "Frauenhaus: Frauen helfen Frauen Ortenau e.V., Offenburg"
    notice = shown(
        texts.PHONE_CHANGED_NOTICE.format(
            title=title,
            phones="☎️ Frauen helfen Frauen Ortenau e.V. (Frauenhaus), Offenburg: "
            "+49 781 34312\n☎️ Hilfetelefon Gewalt gegen Frauen: 116 016",
        )
    )
    everyone = [user_id for (user_id,) in bot.query("SELECT user_id FROM users")]
    assert {ADMIN.id, LEAD.id} <= set(everyone)
    for user_id in everyone:
        told = sent_message(api, user_id, "Neue Nummer im Notfallwissen", since=since, timeout=20)
        assert told.plain_text == notice


LEAD_COMMANDS = [
    "/bearbeiten",
    "/bearbeiten polizei-haslach",
    "/bestaetigen polizei-haslach",
    "/wissen",
    "/verlauf",
    "/zuruecksetzen 1",
    "/neuladen",
    "/luecken",
    "/veraltet",
]


def test_caseworker_cannot_change_knowledge(bot: BotProcess, knowledge: Path, worker: User) -> None:
    """Every lead command, an upload and forged buttons: "leads only", nothing changes."""
    api = bot.api
    before, history = files(knowledge), revisions(bot)
    for command in LEAD_COMMANDS:
        assert bot.ask_one(worker, command).plain_text == texts.LEADS_ONLY, command
    uploaded = before["polizei.yaml"].replace("975920", "975929").encode("utf-8")
    api.send_document(worker, "polizei.yaml", uploaded, "application/x-yaml")
    assert api.wait_for_message(worker, timeout=15).plain_text == texts.LEADS_ONLY
    forged = {  # Übernehmen of an upload; the ➕ of /luecken; an entry of /bearbeiten
        "ku|0000|yes": texts.LEADS_ONLY,
        # Conversation buttons mean nothing outside the lead's own conversation.
        "kg|0": texts.OUTDATED_BUTTON,
        "ke|polizei-haslach": texts.OUTDATED_BUTTON,
    }
    for data, refusal in forged.items():
        answer = api.wait_for_callback_answer(bot.forge_callback(worker, data))
        assert (answer.text, answer.show_alert) == (refusal, True), data
    assert lines(bot.ask_one(worker, "polizei hausach"))[0] == HASLACH  # a question again
    bot.sync(worker)
    api.assert_no_new_messages(worker, within=0)
    assert files(knowledge) == before
    assert revisions(bot) == history


def test_knowledge_files_as_documents(bot: BotProcess, knowledge: Path) -> None:
    """/wissen: one message, then every file as a document with its current content."""
    on_disk = files(knowledge)
    api = bot.api
    api.send_text(LEAD, "/wissen")
    heading, *documents = api.wait_for_messages(LEAD, 1 + len(on_disk), timeout=20)
    assert heading.plain_text == texts.KNOWLEDGE_FILES.format(count=len(on_disk))
    sent = {
        d.document.filename: d.document.content.decode("utf-8") for d in documents if d.document
    }
    assert sent == on_disk


def test_gaps_report_and_adding_the_question_as_keyword(bot: BotProcess, worker: User) -> None:
    """/luecken groups unanswered questions and 👎 with counts; ➕ adds the question as a
    keyword of a chosen entry, after which the same question is answered."""
    api = bot.api
    for question in ["WLAN Passwort Unterkunft?", "wlan passwort unterkunft", "Müllabfuhr Termine"]:
        assert bot.ask_one(worker, question).plain_text == shown(texts.NOTHING_FOUND)
    rules = bot.ask_one(worker, "hausordnung")
    assert bot.press(worker, rules, "👎") == texts.FEEDBACK_THANKS

    report = bot.ask_one(LEAD, "/luecken")
    assert lines(report)[0] == shown(texts.GAPS_HEADING)
    listed = {
        m[2]: (int(m[1]), int(m[3]))
        for m in (re.fullmatch(r"(\d+)\. »(.+)« – (\d+)×", line) for line in lines(report)[1:])
        if m
    }
    assert listed["wlan passwort unterkunft"][1] == 2
    assert listed["mullabfuhr termine"][1] == 1  # questions are kept folded
    assert listed["hausordnung"][1] == 1
    index = listed["wlan passwort unterkunft"][0]
    bot.press(LEAD, report, texts.GAPS_ADD.format(index=index))
    choice = api.wait_for_edit(report)
    assert choice.plain_text == texts.GAPS_CHOOSE_ENTRY.format(question="wlan passwort unterkunft")
    bot.press(LEAD, choice, "Gemeinschaftsunterkunft")
    review = api.wait_for_edit(choice)
    assert lines(review)[2:5] == [
        "✏️ gemeinschaftsunterkunft · Stichwörter",
        "   dazu: wlan passwort unterkunft",
        "   weg: –",
    ]
    bot.press(LEAD, review, "Übernehmen")
    api.wait_for_edit(review)
    answer = bot.ask_one(worker, "WLAN Passwort Unterkunft?")
    assert lines(answer)[0] == "Konflikte und Hausordnung in der Gemeinschaftsunterkunft"


def test_stale_entries_grouped_by_owner(bot: BotProcess) -> None:
    """/veraltet: never verified or older than 180 days, grouped by owner."""
    messages = bot.ask_all(LEAD, "/veraltet")
    report = "\n".join(m.plain_text for m in messages).split("\n")
    assert report[0] == "Veraltete Einträge (nie geprüft oder vor über 180 Tagen)"
    groups: dict[str, list[str]] = {}
    current = ""
    for line in report[1:]:
        if line and not line.startswith("• "):
            current = line
            groups[current] = []
        elif line:
            groups[current].append(line)
    assert list(groups) == ["ohne Zuständige", "Team Kinzigtal", "Team Lahr Umland"]
    assert groups["Team Kinzigtal"] == [
        "• Sprachkurse im Kinzigtal (sprachkurs-kinzigtal): nie geprüft"
    ]
    days = (TODAY - dt.date(2025, 1, 10)).days
    assert groups["Team Lahr Umland"] == [
        f"• Sprachkurse in Lahr (sprachkurs-lahr): geprüft am 10.01.2025, vor {days} Tagen"
    ]
    assert "• Team Acher-Renchtal (team-acher-renchtal): nie geprüft" in groups["ohne Zuständige"]


def edit_text(bot: BotProcess, lead: User, entry_id: str, value: str) -> BotMessage:
    """``lead``: /bearbeiten ENTRY → Text → value; returns the review."""
    fields = bot.ask_one(lead, f"/bearbeiten {entry_id}")
    bot.press(lead, fields, "Text")
    bot.api.wait_for_edit(fields)
    return bot.ask_one(lead, value)


def test_lead_demoted_mid_edit_cannot_apply(bot: BotProcess, knowledge: Path) -> None:
    """The role is checked at every step: a lead made a caseworker after the review gets
    "leads only" for Übernehmen, and nothing changes; the next step is refused too."""
    lead = new_user("Dora", "Degradiert")
    bot.register(lead, role="lead")
    before, history = files(knowledge), revisions(bot)
    review = edit_text(bot, lead, "polizei-kehl", "Wird nie übernommen.")
    assert lines(review)[0] == "Änderung an polizei.yaml"
    demoted = bot.cli("users", "add", str(lead.id), "--role", "caseworker")
    assert demoted.returncode == 0, demoted.stderr
    assert bot.press(lead, review, "Übernehmen") == texts.LEADS_ONLY
    bot.sync(lead)
    assert files(knowledge) == before
    assert revisions(bot) == history
    # Also a step in the middle: promoted again, entry chosen, demoted, field pressed.
    assert bot.cli("users", "add", str(lead.id), "--role", "lead").returncode == 0
    fields = bot.ask_one(lead, "/bearbeiten polizei-kehl")
    assert bot.cli("users", "add", str(lead.id), "--role", "caseworker").returncode == 0
    assert bot.press(lead, fields, "Text") == texts.LEADS_ONLY
    bot.sync(lead)
    bot.api.assert_no_new_messages(lead, within=0)
    assert files(knowledge) == before


def test_later_apply_does_not_revert_an_earlier_one(bot: BotProcess, knowledge: Path) -> None:
    """Two leads edit the same file: the one who presses Übernehmen second gets a new review
    that names the other lead and shows their change; after it, both changes are in."""
    other = new_user("Olaf", "Zweitleitung")
    bot.register(other, role="lead")
    path = knowledge / "polizei.yaml"
    mine = edit_text(bot, LEAD, "polizei-kehl", "Text von Lena.")
    theirs = edit_text(bot, other, "polizei-lahr", "Text von Olaf.")
    bot.press(other, theirs, "Übernehmen")
    bot.api.wait_for_edit(theirs)
    assert "Text von Olaf." in path.read_text("utf-8")
    history = revisions(bot)

    bot.press(LEAD, mine, "Übernehmen")
    again = bot.api.wait_for_edit(mine)
    assert revisions(bot) == history  # nothing applied yet
    assert lines(again)[0] == (
        "⚠️ Olaf Zweitleitung hat polizei.yaml inzwischen geändert – "
        "deine Änderung ist noch nicht übernommen."
    )
    assert "✏️ polizei-lahr · Text" in lines(again)
    assert "   nachher: Text von Olaf." in lines(again)
    assert "✏️ polizei-kehl · Text" in lines(again)
    bot.press(LEAD, again, "Übernehmen")
    applied = bot.api.wait_for_edit(again)
    assert applied.plain_text.startswith("✅"), applied.plain_text
    text = path.read_text("utf-8")
    assert "Text von Olaf." in text and "Text von Lena." in text


def test_later_upload_shows_what_it_would_undo(bot: BotProcess, knowledge: Path) -> None:
    """An upload reviewed before another lead's change: Übernehmen shows a new review in
    which undoing the other change is visible; nothing is written until pressed again."""
    other = new_user("Ute", "Zweitleitung")
    bot.register(other, role="lead")
    path = knowledge / "teams.yaml"
    old = path.read_text("utf-8")
    api = bot.api
    api.send_document(LEAD, "teams.yaml", (old + NEW_ENTRY).encode("utf-8"), "application/x-yaml")
    review = api.wait_for_message(LEAD, timeout=15)
    changed = edit_text(bot, other, "team-kinzigtal", "Neuer Text von Ute.")
    bot.press(other, changed, "Übernehmen")
    api.wait_for_edit(changed)
    history = revisions(bot)

    bot.press(LEAD, review, "Übernehmen")
    again = api.wait_for_edit(review)
    assert revisions(bot) == history
    assert "Neuer Text von Ute." in path.read_text("utf-8")
    shown_lines = lines(again)
    assert shown_lines[0].startswith("⚠️ Ute Zweitleitung hat teams.yaml inzwischen geändert")
    # The other change, and in the new review the upload undoing it.
    undo = shown_lines.index("Änderung an teams.yaml")
    assert "   nachher: Neuer Text von Ute." in shown_lines[:undo]
    assert "   vorher: Neuer Text von Ute." in shown_lines[undo:]
    bot.press(LEAD, again, "Verwerfen")
    api.wait_for_edit(again)
    assert "Neuer Text von Ute." in path.read_text("utf-8")


PRIVATE_COMMANDS = [
    "/wissen",
    "/nutzer",
    "/eskalationen",
    "/export",
    "/statistik",
    "/einladen",
    "/verlauf",
    "/luecken",
    "/veraltet",
    "/bearbeiten",
]


def test_lead_output_only_in_private_chats(bot: BotProcess) -> None:
    """In a group a lead's command gets one sentence pointing to the private chat."""
    for command in PRIVATE_COMMANDS:
        reply = bot.ask_one(LEAD, command, chat=GROUP)
        assert reply.plain_text == texts.PRIVATE_ONLY, command
    bot.sync(LEAD)
    bot.api.assert_no_new_messages(GROUP, within=0)
    bot.api.assert_no_new_messages(LEAD, within=0)


def test_button_numbers_are_parsed_strictly(bot: BotProcess) -> None:
    """ "²" and numbers above 2^63 in buttons are outdated buttons, always answered."""
    api = bot.api
    for data in ["t|²", "c|polizei|²", "xt|²", "xt|99999999999999999999", "xl|²", "kc|²"]:
        answer = api.wait_for_callback_answer(bot.forge_callback(LEAD, data))
        assert (answer.text, answer.show_alert) == (texts.OUTDATED_BUTTON, True), data
    for command in ["/zuruecksetzen ²", "/zuruecksetzen 99999999999999999999"]:
        assert bot.ask_one(LEAD, command).plain_text == texts.ROLLBACK_USAGE, command
    assert bot.ask_one(LEAD, "/entfernen ²").plain_text == texts.REMOVE_USAGE


def test_a_4096_character_value_is_refused_with_a_short_quote(bot: BotProcess) -> None:
    """Mid-/bearbeiten a 4096-character date: "so geht es nicht", not a generic error."""
    fields = bot.ask_one(LEAD, "/bearbeiten polizei-kehl")
    bot.press(LEAD, fields, "Geprüft am")
    bot.api.wait_for_edit(fields)
    refused = bot.ask_one(LEAD, "9" * 4096)
    assert lines(refused)[0] == "⚠️ So geht es nicht, nichts wurde geändert:"
    assert len(refused.plain_text) < 500
    assert bot.ask_one(LEAD, "/abbrechen").plain_text == texts.EDIT_DISCARDED
