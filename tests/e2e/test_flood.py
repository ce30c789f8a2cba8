"""A flood from one person is throttled for that person alone, with one notice."""

from __future__ import annotations

from collections.abc import Callable

from bot import texts
from tests.e2e.conftest import ADMIN, BotProcess, new_user, shown


def test_a_flooding_user_is_throttled_with_one_notice_and_others_are_served(
    launch_bot: Callable[..., BotProcess],
) -> None:
    bot = launch_bot(THROTTLE_BURST="10", THROTTLE_RATE="0.5")
    flooder, colleague = new_user("Flut"), new_user("Kollegin")
    bot.register(flooder, inviter=ADMIN)
    bot.register(colleague, inviter=ADMIN)
    before = len(bot.api.messages(flooder))  # welcome and tour
    for _ in range(100):  # as fast as the fake server takes them
        bot.api.send_text(flooder, "polizei lahr")
    for question in ("polizei hausach", "frauenhaus", "jugendamt", "notruf"):
        [answer] = bot.ask(colleague, question)
        assert answer.plain_text != shown(texts.THROTTLED)
    bot.api.wait_until_consumed(timeout=30)
    bot.sync(flooder)  # its own updates done (a throttled press is still answered)
    replies = [m.plain_text for m in bot.api.messages(flooder)[before:]]
    notices = [r for r in replies if r == shown(texts.THROTTLED)]
    answers = [r for r in replies if "Polizeirevier Lahr" in r]
    assert len(notices) == 1
    # The burst (10, less the /start of the registration), and what trickled back in meanwhile.
    assert 9 <= len(answers) < 20
    assert len(replies) == len(notices) + len(answers)
