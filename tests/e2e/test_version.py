"""/version: admins see the running commit and the knowledge the bot serves."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from bot import texts
from bot.knowledge.loader import load_knowledge
from tests.conftest import SHIPPED_KNOWLEDGE
from tests.e2e.conftest import ADMIN, BotProcess, new_user

REPOSITORY = Path(__file__).resolve().parents[2]


def test_version_shows_commit_knowledge_and_last_revision(
    launch_bot: Callable[..., BotProcess], tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    loaded = load_knowledge(knowledge).knowledge
    assert loaded is not None
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    bot = launch_bot(knowledge)

    [reply] = bot.ask(ADMIN, "/version")
    assert reply.plain_text.splitlines() == [
        "Version",
        f"Programm: {head}",
        f"Wissensstand: {loaded.version} ({len(loaded.entries)} Einträge)",
        "Letzte Änderung im Bot: keine",
    ]

    [confirmed] = bot.ask(ADMIN, "/bestaetigen polizei-lahr")
    assert "#1" in confirmed.plain_text
    [after] = bot.ask(ADMIN, "/version")
    assert after.plain_text.splitlines()[-1] == "Letzte Änderung im Bot: Revision #1"


def test_version_is_for_admins_only(launch_bot: Callable[..., BotProcess]) -> None:
    bot = launch_bot()
    lead = new_user("Leitung", "Ohne Admin")
    bot.register(lead, role="lead", inviter=ADMIN)
    [refused] = bot.ask(lead, "/version")
    assert refused.plain_text == texts.ADMINS_ONLY
    assert "/version" not in bot.ask_one(lead, "/hilfe").plain_text
    assert "/version – laufende Version und Wissensstand" in bot.ask_one(ADMIN, "/hilfe").plain_text
