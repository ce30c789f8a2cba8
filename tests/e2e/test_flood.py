"""A flood from one person is throttled for that person alone, with one notice.

The latency of the others during a flood is measured by the load benchmark (bench/load.py,
phase (d)), not here: no timing targets in tests.
"""

from __future__ import annotations

import time
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


def test_a_sustained_flood_gets_one_notice_with_the_shipped_settings(
    launch_bot: Callable[..., BotProcess],
) -> None:
    """100 messages a second for 4 s, THROTTLE_RATE/BURST as shipped: still one notice."""
    bot = launch_bot()
    flooder = new_user("Dauerflut")
    bot.register(flooder, inviter=ADMIN)
    before = len(bot.api.messages(flooder))  # welcome and tour
    start = time.monotonic()
    for n in range(400):
        time.sleep(max(0.0, start + n / 100 - time.monotonic()))
        bot.api.send_text(flooder, "polizei lahr")
    bot.api.wait_until_consumed(timeout=30)
    bot.sync(flooder)
    replies = [m.plain_text for m in bot.api.messages(flooder)[before:]]
    notices = [r for r in replies if r == shown(texts.THROTTLED)]
    answers = [r for r in replies if "Polizeirevier Lahr" in r]
    assert len(answers) >= 19  # the burst (20, less the /start of the registration)
    assert len(replies) == len(notices) + len(answers)
    assert len(notices) == 1, f"{len(notices)} notices"
