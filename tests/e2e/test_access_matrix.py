"""Access control, systematically: every command, button kind and upload, for everyone.

The roles are read from the command table (bot/commands.py) and the registered commands from
the Application that bot/app.py builds, so a command registered without a row makes the
first test fail instead of slipping past the matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from telegram.ext import CommandHandler, ConversationHandler

from bot import actions, texts
from bot.app import build_application
from bot.commands import COMMANDS
from bot.config import Settings
from bot.services import load_assistant
from bot.storage.users import Role
from fakebotapi import FakeBotApiThread, User
from tests.conftest import SHIPPED_KNOWLEDGE
from tests.e2e.conftest import ADMIN, BotProcess, Watch, new_user

# The roles come from the command table: a new command is in the matrix by its row.
EVERYONE = {name for row in COMMANDS if row.role is Role.CASEWORKER for name in row.names}
LEADS = {name for row in COMMANDS if row.role is Role.LEAD for name in row.names}
ADMINS = {name for row in COMMANDS if row.role is Role.ADMIN for name in row.names}
# Button data of every kind the bot produces, with arguments that name real things.
BUTTONS_EVERYONE = [
    "e|notruf", "f|+|notruf", "t|0", "c|polizei|0", "o|0123456789", "x", "xk|gewalt",
    "xl|0", "xh|1", "ol|0123456789", "xo|-", "xu|akut", "xs|send",
    "n",  # the emergency kind of old, never produced: now data the bot does not know
    "nk", "nk|ar",  # issue 14: the emergency card's menu and a card
]  # fmt: skip
BUTTONS_LEADS = [
    "i|lead", "i|admin", "xt|1", "xd|1", "xe|30", "ke|polizei-lahr", "kg|0", "ku|abcd|yes",
    "ka|yes", "kf|phone", "kc|0", "kv",
]  # fmt: skip
# The matrix sends dozens of updates in a second, far more than the flood throttle lets
# through for one person: these bots open it wide (the throttle is tested on its own).
UNTHROTTLED = {"THROTTLE_BURST": "1000", "THROTTLE_RATE": "1000"}


def registered_commands() -> set[str]:
    settings = Settings(telegram_bot_token="1:x", knowledge_dir=SHIPPED_KNOWLEDGE)
    application = build_application(settings, load_assistant(settings, settings.clock()))
    commands: set[str] = set()
    handlers = [h for group in application.handlers.values() for h in group]
    while handlers:
        handler = handlers.pop()
        if isinstance(handler, CommandHandler):
            commands |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            handlers += handler.entry_points + handler.fallbacks
            handlers += [h for state in handler.states.values() for h in state]
    return commands


def test_every_command_is_classified() -> None:
    """Every registered command has its row, and every row is registered."""
    assert registered_commands() == EVERYONE | LEADS | ADMINS
    assert "start" in EVERYONE and "einladen" in LEADS


def test_every_button_kind_is_in_the_matrix() -> None:
    kinds = {data.split("|")[0] for data in BUTTONS_EVERYONE + BUTTONS_LEADS}
    assert kinds >= actions.KINDS


def refused_everywhere(bot: BotProcess, user: User) -> None:
    """Every command, a question, an upload and every button: only the one sentence."""
    for command in [*sorted(EVERYONE | LEADS | ADMINS - {"start"}), "start", "start falsch"]:
        [reply] = bot.ask(user, f"/{command}")
        assert reply.plain_text in {texts.NOT_REGISTERED, texts.INVITE_UNKNOWN}, command
        assert reply.buttons == [], command
    [reply] = bot.ask(user, "polizei hausach")
    assert reply.plain_text == texts.NOT_REGISTERED
    bot.api.send_document(user, "polizei.yaml", b"entries: []\n")
    [reply] = bot.api.wait_for_messages(user, 1)
    assert reply.plain_text == texts.NOT_REGISTERED
    for data in BUTTONS_EVERYONE + BUTTONS_LEADS:
        answer = bot.api.wait_for_callback_answer(bot.forge_callback(user, data))
        assert answer.text == texts.NOT_REGISTERED and answer.show_alert, data
    bot.api.assert_no_new_messages(user, within=0.5)


def test_a_stranger_gets_the_refusal_for_everything(
    launch_bot: Callable[..., BotProcess],
) -> None:
    refused_everywhere(launch_bot(**UNTHROTTLED), new_user("Fremd"))


def test_a_removed_user_gets_the_refusal_for_everything(
    launch_bot: Callable[..., BotProcess],
) -> None:
    bot = launch_bot(**UNTHROTTLED)
    user = new_user("Ehemalig")
    bot.register(user, inviter=ADMIN)
    [answer] = bot.ask(user, "polizei lahr")
    assert "Polizeirevier Lahr" in answer.plain_text
    [done] = bot.ask(ADMIN, f"/entfernen {user.id}")
    assert done.plain_text == texts.REMOVE_DONE.format(user_id=user.id)
    refused_everywhere(bot, user)


@pytest.fixture(scope="module")
def matrix_bot(tmp_path_factory: pytest.TempPathFactory, watch: Watch) -> Iterator[BotProcess]:
    """A bot for this module's many quick requests by one caseworker (throttle opened).

    It has its own fake Bot API: two bots polling one server would take each other's updates.
    """
    with FakeBotApiThread() as api:
        watch.apis.append(api)
        bot = BotProcess(
            api=api, workdir=tmp_path_factory.mktemp("matrix-bot"), settings=UNTHROTTLED
        )
        watch.bots.append(bot)
        bot.start()
        yield bot
        bot.stop()


@pytest.fixture(scope="module")
def caseworker(matrix_bot: BotProcess) -> User:
    user = new_user("Fall", "Managerin")
    matrix_bot.register(user, inviter=ADMIN)
    return user


@pytest.mark.parametrize("command", sorted(LEADS))
def test_a_caseworker_gets_nothing_from_lead_commands(
    matrix_bot: BotProcess, caseworker: User, command: str
) -> None:
    replies = matrix_bot.ask_all(caseworker, f"/{command} 1")
    assert [r.plain_text for r in replies] == [texts.LEADS_ONLY]
    assert replies[0].buttons == []


@pytest.fixture(scope="module")
def lead(matrix_bot: BotProcess) -> User:
    user = new_user("Team", "Leitung")
    matrix_bot.register(user, role="lead", inviter=ADMIN)
    return user


@pytest.mark.parametrize("command", sorted(ADMINS))
def test_caseworkers_and_leads_get_nothing_from_admin_commands(
    matrix_bot: BotProcess, caseworker: User, lead: User, command: str
) -> None:
    for user in (caseworker, lead):
        replies = matrix_bot.ask_all(user, f"/{command} 1")
        assert [r.plain_text for r in replies] == [texts.ADMINS_ONLY], user
        assert replies[0].buttons == []


def test_a_caseworker_gets_nothing_from_lead_buttons_and_uploads(
    matrix_bot: BotProcess, caseworker: User
) -> None:
    shared_bot = matrix_bot
    revisions = shared_bot.query("SELECT COUNT(*) FROM revisions")
    for data in BUTTONS_LEADS:
        query = shared_bot.forge_callback(caseworker, data)
        answer = shared_bot.api.wait_for_callback_answer(query)
        # Refused, or unknown outside its conversation: either way nothing happens.
        assert answer.text in {texts.LEADS_ONLY, texts.UPLOAD_OUTDATED, texts.OUTDATED_BUTTON}, data
    shared_bot.api.send_document(caseworker, "polizei.yaml", b"entries: []\n")
    [reply] = shared_bot.api.wait_for_messages(caseworker, 1)
    assert reply.plain_text == texts.LEADS_ONLY
    shared_bot.sync(caseworker)
    assert shared_bot.query("SELECT COUNT(*) FROM revisions") == revisions
    invites = "SELECT COUNT(*) FROM invites WHERE created_by = ?"
    assert shared_bot.query(invites, caseworker.id) == [(0,)]
