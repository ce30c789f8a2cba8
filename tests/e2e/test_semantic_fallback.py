"""The semantic stage cannot start: the bot still answers, logs one warning, tells admins."""

from __future__ import annotations

from collections.abc import Callable

from bot import texts
from tests.e2e.conftest import ADMIN, BotProcess


def test_a_broken_embedder_leaves_the_word_search_and_tells_the_admins(
    launch_bot: Callable[..., BotProcess],
) -> None:
    first = launch_bot()
    first.ask_one(ADMIN, "polizei hausach")  # the admin has a chat with the bot (Telegram's rule)
    first.stop()
    bot = launch_bot(EMBEDDER="no_such_embedder_module:make")
    notice = bot.api.wait_for_message(ADMIN)
    assert notice.plain_text.startswith(texts.SEMANTIC_OFF_ADMIN.split("{")[0].strip()[:40])
    assert "no_such_embedder_module" in notice.plain_text
    answer = bot.ask_one(ADMIN, "polizei hausach")
    assert answer.plain_text.startswith("Polizeirevier Haslach")
    warnings = [line for line in bot.log().splitlines() if "semantic search off" in line]
    assert len(warnings) == 1
    assert "Traceback" not in bot.log()


def test_embedder_off_sends_no_notice(launch_bot: Callable[..., BotProcess]) -> None:
    bot = launch_bot(EMBEDDER="off")
    answer = bot.ask_one(ADMIN, "polizei hausach")
    assert answer.plain_text.startswith("Polizeirevier Haslach")
    sent_to_admin = [m for m in bot.api.messages(ADMIN) if "Bedeutungssuche" in m.plain_text]
    assert sent_to_admin == []
