"""End-to-end harness: the real bot as a subprocess, talking real HTTP to the fake Bot API.

Tests play users on :mod:`fakebotapi` and read what the bot sent. One bot on the shipped
knowledge serves most journeys (``shared_bot``); journeys that need a pinned clock or their
own knowledge start their own with ``launch_bot``. After every test, no request of the bot
may have been refused by the server (4xx), and a failing test shows the bot's log.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.config import Settings
from fakebotapi import BotMessage, FakeBotApiThread, RecordedRequest, User, WaitTimeout, rules
from fakebotapi.state import CallbackQueryState
from tests.conftest import SHARED_VECTORS, SHIPPED_KNOWLEDGE, write_files

BERLIN = ZoneInfo("Europe/Berlin")
ADMIN = User(1, "Ada", last_name="Admin")  # in ADMIN_USER_IDS of every bot
LEAD = User(100, "Lena", last_name="Leitung")  # registered as lead with the CLI (shared bot)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Every setting of the bot: removed from the inherited environment so that nothing of the
# developer's shell (or a .env file: the bot runs in a temporary directory) leaks in.
SETTINGS = frozenset(name.upper() for name in Settings.model_fields)
_user_ids = itertools.count(1000)
_group_ids = itertools.count(-1001)


def new_user(first_name: str, last_name: str | None = None) -> User:
    """A Telegram user nobody has seen yet (unique id per test session)."""
    return User(next(_user_ids), first_name, last_name=last_name)


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    return {**env, **settings}


def run_bot(workdir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot run`` without a terminal, with only the given settings, to its end."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=clean_environment(**settings),
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def new_group_id() -> int:
    return next(_group_ids)


def shown(markup: str) -> str:
    """What a Telegram user sees for HTML ``markup`` (parsed by the fake server's rules)."""
    return rules.check_message_text(markup, "HTML", None).text


@dataclass
class BotProcess:
    """``python -m bot run`` against a fake Bot API, with its own database and log file."""

    api: FakeBotApiThread
    workdir: Path
    knowledge: Path = SHIPPED_KNOWLEDGE
    database: Path | None = None
    now: str | None = None  # CASEWORKER_BOT_NOW: the bot's clock starts there
    admins: tuple[int, ...] = (ADMIN.id,)
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def environment(self) -> dict[str, str]:
        env = clean_environment(
            TELEGRAM_BOT_TOKEN=self.api.token,
            TELEGRAM_API_BASE_URL=self.api.base_url,
            TELEGRAM_API_FILE_URL=self.api.base_file_url,
            DATABASE_PATH=str(self.database_path),
            KNOWLEDGE_DIR=str(self.knowledge),
            ADMIN_USER_IDS=",".join(map(str, self.admins)),
            VECTOR_CACHE_PATH=str(SHARED_VECTORS),
        )
        if self.now is not None:
            env["CASEWORKER_BOT_NOW"] = self.now
        env.update(self.settings)
        return env

    @property
    def database_path(self) -> Path:
        return self.database or self.workdir / "bot.sqlite3"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The real command line with this bot's settings, e.g. ``cli("users", "add", "7")``."""
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=self.environment(),
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def add_lead(self, user: User = LEAD) -> None:
        """Register ``user`` as a team lead with the real command line."""
        seeded = self.cli("users", "add", str(user.id), "--role", "lead")
        assert seeded.returncode == 0, seeded.stderr

    # -- lifecycle ---------------------------------------------------------------------------

    def spawn(self) -> BotProcess:
        """Start ``python -m bot run`` (output to a new log file in workdir); do not wait."""
        assert self.process is None, "already started"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = _free_path(self.workdir / "bot.log")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=self.environment(),
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def start(self) -> BotProcess:
        """Start the bot and wait until it long-polls; fails with the log if it dies first."""
        self.spawn()
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.api.wait_until_polling(timeout=0.5)
                return self
            except WaitTimeout:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"the bot exited with {self.process.returncode} before polling\n"
                        + self.log()
                    ) from None
                if time.monotonic() > deadline:
                    raise AssertionError("the bot did not start polling\n" + self.log()) from None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM, then the bot must exit by itself with status 0 within STOP_TIMEOUT."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(
                f"the bot did not exit within {STOP_TIMEOUT}s of SIGTERM\n" + self.log()
            ) from None
        assert code == 0, f"the bot exited with {code} on SIGTERM\n{self.log()}"

    def kill(self) -> None:
        """SIGKILL: the bot dies at once, without any clean-up (a crash or a power cut)."""
        assert self.process is not None and self.process.poll() is None, "not running"
        self.process.kill()
        self.process.wait(STOP_TIMEOUT)

    def log(self) -> str:
        text = self.log_path.read_text("utf-8", "replace") if self.log_path else "(not started)"
        return f"----- log of the bot in {self.workdir} -----\n{text}"

    # -- playing -----------------------------------------------------------------------------

    def sync(self, user: User) -> None:
        """Return once the bot has handled every update of ``user`` sent so far.

        The bot handles each person's updates in order, so when a button press of ``user``
        is answered, everything before it is done (replies sent, database rows committed).
        The press is of data the bot never produced: answered with an alert, no message.
        """
        self.api.wait_for_callback_answer(self.forge_callback(user, "sync"))

    def ask(self, user: User, text: str, count: int = 1, **kwargs: Any) -> list[BotMessage]:
        """``user`` sends ``text``; the next ``count`` bot messages in the chat."""
        self.api.send_text(user, text, **kwargs)
        chat = kwargs.get("chat") or user
        return self.api.wait_for_messages(chat, count)

    def ask_all(self, user: User, text: str) -> list[BotMessage]:
        """``user`` sends ``text``; every message the bot sends in reply, however many."""
        self.api.skip_messages(user)
        before = len(self.api.messages(user))
        self.api.send_text(user, text)
        self.sync(user)
        return self.api.wait_for_messages(user, len(self.api.messages(user)) - before)

    def ask_one(self, user: User, text: str, **kwargs: Any) -> BotMessage:
        [reply] = self.ask(user, text, **kwargs)
        return reply

    def press(self, user: User, message: BotMessage, label: str) -> str:
        """Tap the button labelled ``label``; the text of the callback answer ("" if none)."""
        query_id = self.api.press_button(user, message, label=label)
        return str(self.api.wait_for_callback_answer(query_id).text or "")

    def forge_callback(self, user: User, data: str) -> str:
        """A callback query with ``data`` from no message the bot sent; returns its id.

        Registered with the fake server so that the bot can answer it as Telegram would let it.
        """
        state = self.api.state
        with state.lock:
            query_id = state.next_callback_query_id()
            state.callback_queries[query_id] = CallbackQueryState(
                query_id=query_id,
                chat_id=user.id,
                message_id=0,
                user_id=user.id,
                data=data,
                created=time.monotonic(),
            )
        self.api.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_json(),
                    "chat_instance": str(user.id * 7919),
                    "data": data,
                }
            }
        )
        return query_id

    def invite_code(self, inviter: User, role: str = "caseworker") -> str:
        """``inviter`` runs ``/einladen ROLE``; the code of the deep link they get."""
        [reply] = self.ask(inviter, f"/einladen {role}")
        return invite_code(reply, self.api.bot_user.username or "")

    def register(self, user: User, role: str = "caseworker", inviter: User = LEAD) -> None:
        """Register ``user`` through the invitation flow (welcome and tour are skipped)."""
        code = self.invite_code(inviter, role)
        welcome, _tour = self.ask(user, f"/start {code}", count=2)
        assert welcome.plain_text.startswith("Willkommen"), welcome

    def query(self, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
        """Rows from the bot's SQLite file (call :meth:`sync` first)."""
        connection = sqlite3.connect(self.database_path, timeout=10)
        try:
            return list(connection.execute(sql, parameters))
        finally:
            connection.close()


def sent_message(
    api: FakeBotApiThread, chat: int, text: str, *, since: int = 0, timeout: float = 10.0
) -> BotMessage:
    """The first message sent to ``chat`` (from request ``since`` on) that shows ``text``.

    Unlike ``wait_for_messages`` this picks one message among others, e.g. the alert of one
    escalation in the leads' group. Returns its current state (edits applied).
    """

    def matches(request: RecordedRequest) -> bool:
        result = request.result if request.ok else None
        return (
            isinstance(result, dict)
            and result.get("chat", {}).get("id") == chat
            and text in str(result.get("text", ""))
        )

    request = api.wait_for_request("sendMessage", matches, timeout=timeout, since=since)
    return api.message(chat, request.result["message_id"])


def report_escalation(bot: BotProcess, user: User, description: str, **choices: str) -> BotMessage:
    """``user`` reports with /eskalation and sends it ("Senden"); returns the bot's
    confirmation. ``choices``: ``kind``, ``place``, ``urgency`` as for describe_escalation."""
    summary = describe_escalation(bot, user, description, **choices)
    bot.press(user, summary, "Senden")
    return bot.api.wait_for_message(user, timeout=20)


def describe_escalation(
    bot: BotProcess,
    user: User,
    description: str,
    *,
    kind: str = "Gewalt/Bedrohung",
    place: str = "Hausach",
    urgency: str = "heute",
) -> BotMessage:
    """``user`` walks /eskalation: ``kind``, ``place`` typed, ``urgency``, then sends
    ``description``; returns the bot's reply to it (the summary with its "Senden" button, or
    a warning), nothing pressed."""
    api = bot.api
    start = bot.ask_one(user, "/eskalation")
    bot.press(user, start, kind)
    api.wait_for_edit(start)
    question = bot.ask_one(user, place)
    bot.press(user, question, urgency)
    api.wait_for_edit(question)
    return bot.ask_one(user, description)


def escalation_id(confirmation: BotMessage) -> int:
    """N of "Gespeichert als #N."."""
    found = re.search(r"Gespeichert als #(\d+)\.", confirmation.plain_text)
    assert found, f"not a confirmation: {confirmation}"
    return int(found.group(1))


def wait_until(check: Callable[[], Any], timeout: float = 10.0, what: str = "a condition") -> Any:
    """Poll ``check`` (e.g. a database query) until it returns something truthy.

    For state outside the fake Bot API, which has its own ``wait_*`` helpers.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def confirmed_escalations(api: FakeBotApiThread, users: Iterable[User]) -> set[int]:
    """Every escalation one of ``users`` was told was saved ("Gespeichert als #N."), in any
    message of their chats, whatever happened since (a crash, a restart)."""
    return {
        int(number)
        for user in users
        for message in api.messages(user)
        for number in re.findall(r"Gespeichert als #(\d+)\.", message.plain_text)
    }


def assert_alerted_once(
    api: FakeBotApiThread, group: int, ids: Iterable[int], timeout: float = 30.0
) -> None:
    """Each escalation of ``ids`` is alerted in the leads' ``group``; an alert shown more than
    once carries the redelivery mark on every later copy (the outbox may repeat a delivery
    whose answer a crash lost, but must say so)."""
    wanted = set(ids)

    def alerts() -> list[tuple[int, BotMessage]]:
        return [
            (int(number), message)
            for message in api.messages(group)
            for number in re.findall(r"Eskalation #(\d+) –", message.plain_text)
        ]

    wait_until(
        lambda: wanted <= {number for number, _ in alerts()} or None,
        timeout=timeout,
        what=f"an alert for each of {sorted(wanted)}",
    )
    seen: set[int] = set()
    for number, message in alerts():
        if number in seen:
            assert shown(texts.ALERT_REDELIVERY) in message.plain_text, message.plain_text
        seen.add(number)


def invite_code(message: BotMessage, bot_username: str) -> str:
    link = re.search(rf"https://t\.me/{bot_username}\?start=([A-Za-z0-9_-]+)", message.plain_text)
    assert link, f"no invitation link in {message}"
    return link.group(1)


def _free_path(path: Path) -> Path:
    for n in itertools.count(1):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise AssertionError("unreachable")


# -- bookkeeping: logs on failure, no refused requests ------------------------------------------


@dataclass
class Watch:
    """The fake servers and bots of the session, for the checks after each test."""

    apis: list[FakeBotApiThread] = field(default_factory=list)
    bots: list[BotProcess] = field(default_factory=list)
    # Refusals the running test provokes on purpose (as Telegram would refuse them too).
    expected_refusals: list[Callable[[RecordedRequest], bool]] = field(default_factory=list)


def too_old_button_press(request: RecordedRequest) -> bool:
    """Telegram's refusal to acknowledge a button press older than ~15 s (or answered)."""
    return request.method == "answerCallbackQuery" and request.error == rules.ERR_QUERY_INVALID


@pytest.fixture(scope="session", autouse=True)
def _vectors_warm(meaning: object) -> None:
    """Every bot of the session finds the shipped knowledge's vectors in the shared cache."""


@pytest.fixture(scope="session")
def watch() -> Watch:
    return Watch()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call" and report.failed:
        bots: Callable[[], list[BotProcess]] = getattr(item, "e2e_bots", list)
        for bot in bots():
            report.sections.append((f"bot log ({bot.workdir.name})", bot.log()))


@pytest.fixture(autouse=True)
def _checks(request: pytest.FixtureRequest, watch: Watch) -> Iterator[None]:
    """After each test: every request of the bot was accepted (injected faults aside)."""
    seen = {id(api): len(api.requests) for api in watch.apis}
    bots_before = len(watch.bots)
    running = [bot for bot in watch.bots if bot.running]
    # A failing test shows the logs of the bots running now and of those it starts.
    request.node.e2e_bots = lambda: running + watch.bots[bots_before:]
    watch.expected_refusals.clear()
    yield
    refused: list[RecordedRequest] = []
    for api in watch.apis:
        refused += [
            r
            for r in api.requests[seen.get(id(api), 0) :]
            if r.fault is None
            and r.status is not None
            and 400 <= r.status < 500
            # A long poll cut short by the bot's own final getUpdates at shutdown: harmless.
            and r.method != "getUpdates"
            and not any(expected(r) for expected in watch.expected_refusals)
        ]
    assert not refused, "the server refused requests of the bot:\n" + "\n".join(
        f"{r} {r.params}" for r in refused
    )


@pytest.fixture
def fake_api(watch: Watch) -> Iterator[FakeBotApiThread]:
    """A fresh fake Bot API for bots with special settings."""
    with FakeBotApiThread() as api:
        watch.apis.append(api)
        yield api


@pytest.fixture
def launch_bot(
    tmp_path: Path, fake_api: FakeBotApiThread, watch: Watch
) -> Iterator[Callable[..., BotProcess]]:
    """Start bots (on ``fake_api`` unless given), each stopped cleanly at the end."""
    started: list[BotProcess] = []
    counter = itertools.count(1)

    def launch(
        knowledge: Path = SHIPPED_KNOWLEDGE,
        *,
        now: str | None = None,
        database: Path | None = None,
        api: FakeBotApiThread | None = None,
        **settings: str,
    ) -> BotProcess:
        bot = BotProcess(
            api=api or fake_api,
            workdir=tmp_path / f"bot{next(counter)}",
            knowledge=knowledge,
            database=database or tmp_path / "bot.sqlite3",
            now=now,
            settings=settings,
        )
        watch.bots.append(bot)
        started.append(bot)
        return bot.start()

    yield launch
    for bot in started:
        bot.stop()


@pytest.fixture(scope="session")
def shared_api(watch: Watch) -> Iterator[FakeBotApiThread]:
    with FakeBotApiThread() as api:
        watch.apis.append(api)
        yield api


@pytest.fixture(scope="session")
def shared_bot(
    shared_api: FakeBotApiThread, tmp_path_factory: pytest.TempPathFactory, watch: Watch
) -> Iterator[BotProcess]:
    """The bot on the shipped knowledge with the real clock; LEAD is a team lead.

    LEAD invites a new caseworker for nearly every test on this bot, faster than a person
    writes, so the flood throttle is opened here (it is tested on its own bot in
    test_flood.py); with the shipped burst of 10 a fast run throttled LEAD's /einladen."""
    bot = BotProcess(
        api=shared_api,
        workdir=tmp_path_factory.mktemp("shared-bot"),
        settings={"THROTTLE_BURST": "200"},
    )
    bot.add_lead()
    watch.bots.append(bot)
    bot.start()
    yield bot
    bot.stop()


@contextmanager
def own_bot(
    watch: Watch,
    workdir: Path,
    *,
    lead: bool = True,
    group: int | None = None,
    users: Iterable[User] = (),
    knowledge: Path = SHIPPED_KNOWLEDGE,
    now: str | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[BotProcess]:
    """A running bot on a fake Bot API of its own, for the journeys of one module (wrap it
    in a module-scoped fixture). LEAD is registered as a team lead (unless ``lead`` is false)
    and is a member of the leads' ``group`` if one is given; ``users`` have opened the bot.
    The bot is stopped cleanly at the end."""
    with FakeBotApiThread() as api:
        watch.apis.append(api)
        if group is not None:
            api.add_group(group, "Teamleitungen Ortenau", members=[LEAD])
        for user in users:
            api.add_user(user)
        bot = BotProcess(
            api=api, workdir=workdir, knowledge=knowledge, now=now, settings=settings or {}
        )
        if lead:
            bot.add_lead()
        watch.bots.append(bot)
        bot.start()
        yield bot
        bot.stop()


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write knowledge files (name → YAML) to a new temporary directory."""
    counter = itertools.count(1)

    def make(files: dict[str, str]) -> Path:
        return write_files(tmp_path / f"knowledge{next(counter)}", files)

    return make
