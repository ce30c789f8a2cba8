"""Changing the live knowledge: validated as a whole, written atomically, recorded, swapped."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge.edit import EditError, Field, edit_entry, set_verified
from bot.knowledge.manager import EMERGENCY_REMOVED, ChangeRefused, KnowledgeManager
from tests.conftest import BERLIN, MINIMAL, SHIPPED_KNOWLEDGE, knowledge_manager

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)


@pytest.fixture
async def manager(minimal_dir: Path, tmp_path: Path) -> AsyncIterator[KnowledgeManager]:
    async with knowledge_manager(minimal_dir, tmp_path / "bot.sqlite3", NOW) as manager:
        yield manager


def phone_of(manager: KnowledgeManager, entry_id: str) -> str | None:
    entry = manager.live.entry(entry_id)
    assert entry is not None
    return entry.contacts[0].phone


async def test_quick_edit_keeps_comments_and_changes_only_that_value(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    original = "# Kommentar der Teamleitung\n" + MINIMAL["entries.yaml"]
    (minimal_dir / "entries.yaml").write_text(original, encoding="utf-8")
    edited = edit_entry(original, "polizei-lahr", Field.PHONE, "+49 7821 277-1", contact=0)
    changed = [
        (a, b) for a, b in zip(original.splitlines(), edited.splitlines(), strict=True) if a != b
    ]
    assert changed == [('        phone: "+49 7821 277-0"', '        phone: "+49 7821 277-1"')]
    assert edited.startswith("# Kommentar der Teamleitung\n")
    proposal = manager.propose("entries.yaml", edited)
    assert proposal.ok
    assert [(c.entry_id, c.field) for c in proposal.review.changed] == [
        ("polizei-lahr", "contacts[0].phone")
    ]
    revision, _ = await manager.apply(proposal, actor_id=7, actor_name="Lea", source="edit")
    assert phone_of(manager, "polizei-lahr") == "+49 7821 277-1"
    assert (minimal_dir / "entries.yaml").read_text(encoding="utf-8") == edited
    stored = await manager.revisions.get(revision)
    assert stored is not None and stored.state == "applied"
    assert stored.old_content == original and stored.new_content == edited
    assert stored.actor_name == "Lea" and stored.source == "edit"


async def test_a_broken_change_is_refused_and_nothing_changes(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    before = (minimal_dir / "entries.yaml").read_text(encoding="utf-8")
    broken = before.replace('phone: "+49 7821 277-0"', 'phone: "12"')
    proposal = manager.propose("entries.yaml", broken)
    assert not proposal.ok
    assert any(
        "entries.yaml:" in str(p) and "Telefonnummer" in str(p) for p in proposal.result.errors
    )
    with pytest.raises(ChangeRefused):
        await manager.apply(proposal, actor_id=7, actor_name="Lea", source="upload")
    assert (minimal_dir / "entries.yaml").read_text(encoding="utf-8") == before
    assert phone_of(manager, "polizei-lahr") == "+49 7821 277-0"
    assert await manager.revisions.recent() == []


async def test_upload_of_a_new_file_reviews_added_entries(manager: KnowledgeManager) -> None:
    new_file = (
        "entries:\n  - id: dolmetscher\n    title: Dolmetscher\n    category: behoerden\n"
        "    keywords: [Sprachmittler]\n    text: Über das Amt buchen.\n"
    )
    proposal = manager.propose("neu.yaml", new_file)
    assert proposal.ok and [e.id for e in proposal.review.added] == ["dolmetscher"]
    await manager.apply(proposal, actor_id=7, actor_name="Lea", source="upload")
    assert manager.live.answer("sprachmittler").results[0].entry.id == "dolmetscher"


async def test_rollback_restores_and_is_itself_a_revision(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    original = (minimal_dir / "entries.yaml").read_text(encoding="utf-8")
    edited = edit_entry(original, "migrationsamt", Field.HOURS, "Mo-Fr 09:00-12:00", contact=0)
    first, _ = await manager.apply(
        manager.propose("entries.yaml", edited), actor_id=7, actor_name="Lea", source="edit"
    )
    second, review = await manager.rollback(first, actor_id=8, actor_name="Max")
    assert (minimal_dir / "entries.yaml").read_text(encoding="utf-8") == original
    assert [c.field for c in review.changed] == ["contacts[0].hours"]
    assert [r.id for r in await manager.revisions.recent()] == [second, first]
    stored = await manager.revisions.get(second)
    assert stored is not None and stored.source == "rollback"
    with pytest.raises(KeyError):
        await manager.rollback(999, actor_id=8, actor_name="Max")


async def test_disk_changes_are_picked_up_and_broken_ones_never_replace_the_knowledge(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    path = minimal_dir / "entries.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("+49 7821 277-0", "+49 7821 277-5"), encoding="utf-8")
    outcome = await manager.reload_from_disk()
    assert outcome.changed and phone_of(manager, "polizei-lahr") == "+49 7821 277-5"
    path.write_text("entries: [\n", encoding="utf-8")
    broken = await manager.reload_from_disk()
    assert not broken.changed and broken.problems
    assert str(broken.problems[0]).startswith("entries.yaml:")  # relative: shown to leads
    assert phone_of(manager, "polizei-lahr") == "+49 7821 277-5"  # still answering
    assert manager.new_problems(broken.problems)
    assert not manager.new_problems(broken.problems)  # the leads are told once


async def test_a_question_during_a_swap_sees_old_or_new_never_a_mix(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    original = (minimal_dir / "entries.yaml").read_text(encoding="utf-8")
    versions = {original, original.replace("+49 7821 277-0", "+49 7821 277-9")}
    answers: set[str | None] = set()

    async def ask() -> None:
        for _ in range(200):
            answer = manager.live.answer("polizei lahr")
            answers.add(answer.results[0].entry.contacts[0].phone)
            await asyncio.sleep(0)

    async def swap() -> None:
        for text in [*versions, original]:
            await manager.apply(
                manager.propose("entries.yaml", text), actor_id=1, actor_name="x", source="edit"
            )
            await asyncio.sleep(0)

    await asyncio.gather(ask(), swap())
    assert answers <= {"+49 7821 277-0", "+49 7821 277-9"}


async def test_a_revision_pending_at_a_crash_is_settled_at_start(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    text = (minimal_dir / "entries.yaml").read_text(encoding="utf-8")
    written = await manager.revisions.begin(
        now=NOW,
        actor_id=1,
        actor_name="x",
        source="edit",
        file="entries.yaml",
        old_content="old",
        new_content=text,
        summary="",
    )
    lost = await manager.revisions.begin(
        now=NOW,
        actor_id=1,
        actor_name="x",
        source="edit",
        file="entries.yaml",
        old_content=text,
        new_content="never written",
        summary="",
    )
    await manager.recover()
    first, second = await manager.revisions.get(written), await manager.revisions.get(lost)
    assert first is not None and first.state == "applied"
    assert second is not None and second.state == "failed"


def test_file_names_from_uploads_are_confined_to_the_directory() -> None:
    assert KnowledgeManager.valid_name("polizei.yaml") == "polizei.yaml"
    for bad in ("../etc/passwd.yaml", "/tmp/x.yaml", "a/b.yaml", ".hidden.yaml", "x.txt"):
        assert KnowledgeManager.valid_name(bad) is None


def test_edit_errors_and_verified() -> None:
    text = MINIMAL["entries.yaml"]
    with pytest.raises(EditError):
        edit_entry(text, "gibtsnicht", Field.TEXT, "x")
    with pytest.raises(EditError):
        edit_entry(text, "polizei-haslach", Field.PHONE, "110", contact=0)  # no contacts
    updated = set_verified(text, "polizei-lahr", dt.date(2026, 11, 25))
    assert "verified: 2026-11-25" in updated
    steps = edit_entry(text, "notruf", Field.STEPS, "Ruhe bewahren\n\n110 wählen\n")
    assert "    steps:\n      - Ruhe bewahren\n      - 110 wählen\n" in steps


async def test_an_urgent_entrys_new_number_is_flagged_for_announcement(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    text = (minimal_dir / "entries.yaml").read_text(encoding="utf-8")
    urgent = manager.propose("entries.yaml", text.replace('phone: "110"', 'phone: "112"'))
    assert [e.id for e in urgent.review.urgent_phone_changes(urgent.result.knowledge)] == ["notruf"]  # type: ignore[arg-type]
    ordinary = manager.propose("entries.yaml", text.replace("+49 7821 277-0", "+49 7821 277-1"))
    assert ordinary.review.urgent_phone_changes(ordinary.result.knowledge) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name",
    ["a\x00b.yaml", "neu\n.yaml", "evil\u202elmay.yaml", "zeile\r.yaml", "tab\t.yaml"],
)
def test_upload_names_with_control_characters_are_refused(name: str) -> None:
    assert KnowledgeManager.valid_name(name) is None
    assert KnowledgeManager.valid_name("ämter-lahr.yaml") == "ämter-lahr.yaml"


@pytest.fixture
async def shipped(tmp_path: Path) -> AsyncIterator[KnowledgeManager]:
    directory = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, directory)
    async with knowledge_manager(directory, tmp_path / "bot.sqlite3", NOW) as manager:
        yield manager


async def test_the_emergency_entry_keeps_110_and_112(shipped: KnowledgeManager) -> None:
    """Neither an upload nor a quick edit may take 110 or 112 from the entry 'notruf'."""
    text = shipped.knowledge.files["notruf.yaml"]
    without_112 = text.replace('phone: "112"', 'phone: "+49 781 21-0"', 1)
    assert without_112 != text
    proposal = shipped.propose("notruf.yaml", without_112)
    assert not proposal.ok
    [problem] = proposal.result.errors
    assert problem.file == "notruf.yaml"
    assert problem.line == line_containing(without_112, "id: notruf")
    assert problem.message == EMERGENCY_REMOVED.format(id="notruf", numbers="112")
    edited = edit_entry(text, "notruf", Field.PHONE, "+49 781 21-0", contact=0)
    with pytest.raises(ChangeRefused):
        await shipped.change("notruf.yaml", edited, actor_id=1, actor_name="x", source="edit")
    assert not shipped.propose("notruf.yaml", None).ok  # deleting the file: refused too
    assert shipped.knowledge.files["notruf.yaml"] == text
    # Other changes of the same entry are fine.
    assert shipped.propose("notruf.yaml", text.replace("Beide Nummern", "Die Nummern", 1)).ok


def line_containing(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


async def test_problems_name_files_relative_to_the_knowledge_dir(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    """Leads see "entries.yaml:3: …", never where the server keeps the knowledge."""
    broken = MINIMAL["entries.yaml"].replace("category: polizei", "kategorie: polizei", 1)
    proposal = manager.propose("entries.yaml", broken)
    assert proposal.result.errors
    for problem in proposal.result.errors:
        assert problem.file == "entries.yaml", problem
        assert str(minimal_dir) not in str(problem)
    (minimal_dir / "entries.yaml").write_text(broken, encoding="utf-8")
    outcome = await manager.reload_from_disk()
    assert outcome.problems and all(p.file == "entries.yaml" for p in outcome.problems)


async def test_a_byte_that_is_not_utf8_is_an_error_with_its_line(
    manager: KnowledgeManager, minimal_dir: Path
) -> None:
    """Not silently U+FFFD: the file and line of the bad byte, and nothing replaced."""
    text = MINIMAL["entries.yaml"].replace("Bei akuter Gefahr", "Bei akuter Gef\udcffahr")
    (minimal_dir / "entries.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    outcome = await manager.reload_from_disk()
    assert not outcome.changed
    [problem] = outcome.problems
    assert (problem.file, problem.line) == ("entries.yaml", line_containing(text, "Gef\udcffahr"))
    assert "UTF-8" in problem.message
    assert manager.live.entry("notruf") is not None  # the working knowledge stays
    fixed = manager.propose("entries.yaml", MINIMAL["entries.yaml"])  # an upload repairs it
    assert fixed.ok
    await manager.apply(fixed, actor_id=1, actor_name="Lea", source="upload")
    assert (minimal_dir / "entries.yaml").read_text(encoding="utf-8") == MINIMAL["entries.yaml"]
