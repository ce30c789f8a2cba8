"""The simulated caseworkers: what they send and tap, and the three load profiles.

A person has at most one update in flight (people wait for an answer before they tap on
it), which is also what lets :class:`~bench.load_tracker.Tracker` match replies to updates.
"""

from __future__ import annotations

import asyncio
import random
import re
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_tracker import (
    Offer,
    Tracker,
    any_message,
    buttons,
    callback_answer,
    edit_with_buttons,
    message_key,
    message_with_buttons,
    saved_escalation,
)
from fakebotapi import RecordedRequest, User

# Towns typed as the place of an escalation (each names exactly one place of the knowledge).
TOWNS = ("Offenburg", "Lahr", "Kehl", "Achern", "Oberkirch", "Haslach", "Gengenbach", "Wolfach")
# What a caseworker does next, with weights; taps need a suitable earlier answer.
MIX = (("question", 0.55), ("feedback", 0.15), ("entry", 0.20), ("notfall", 0.10))
_SAVED_ID = re.compile(r"Gespeichert als #(\d+)")


@dataclass
class Person:
    user: User
    place: str | None
    shown: tuple[tuple[int, int], list[str]] | None = None  # last message with buttons
    busy: bool = False


def _refused_or(final: Callable[[RecordedRequest], bool]) -> Callable[[RecordedRequest], bool]:
    """A tap is also finished when the bot refuses it with an alert (e.g. "outdated")."""

    def is_final(request: RecordedRequest) -> bool:
        return final(request) or (callback_answer(request) and "show_alert" in request.params)

    return is_final


class Behaviour:
    """Chooses and offers each person's next update; remembers what they were shown."""

    def __init__(
        self, tracker: Tracker, questions: Sequence[str], rng: random.Random, timeout: float
    ) -> None:
        self.tracker = tracker
        self.questions = questions
        self.rng = rng
        self.timeout = timeout

    def offer(self, person: Person) -> Offer:
        """Queue the person's next update now (synchronously) and mark them busy."""
        kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        offer = self._offer(person, kind)
        person.busy = True
        return offer

    def _offer(self, person: Person, kind: str) -> Offer:
        user, data = person.user, self._button(person, kind)
        if data is not None and person.shown is not None:
            message = person.shown[0]
            if kind == "feedback":
                return self.tracker.press(user, message, data, kind, _refused_or(callback_answer))
            return self.tracker.press(user, message, data, kind, _refused_or(message_with_buttons))
        if kind == "notfall":
            return self.tracker.send_text(user, "/notfall", kind, message_with_buttons)
        question = self.rng.choice(self.questions)
        return self.tracker.send_text(user, question, "question", message_with_buttons)

    def _button(self, person: Person, kind: str) -> str | None:
        if person.shown is None or kind not in ("feedback", "entry"):
            return None
        prefix = "f|+|" if kind == "feedback" else "e|"
        choices = [b for b in person.shown[1] if b.startswith(prefix)]
        return self.rng.choice(choices) if choices else None

    async def finish(self, person: Person, offer: Offer) -> Offer:
        try:
            await self.tracker.wait(offer, self.timeout)
            final = offer.final
            if final is not None and final.method == "sendMessage":
                key = message_key(final)
                if key is not None:
                    person.shown = (key, buttons(final))
            return offer
        finally:
            person.busy = False

    async def act(self, person: Person) -> Offer:
        return await self.finish(person, self.offer(person))


# -- the profiles ----------------------------------------------------------------------------


# (CPU seconds of the bot so far, seconds its threads waited for a CPU so far)
Meter = Callable[[], tuple[float, float]]


@dataclass
class Window:
    """A measured stretch of time: wall clock, and CPU seconds of the bot and the harness."""

    start: float
    end: float = 0.0
    bot_cpu: float = 0.0
    bot_wait: float = 0.0  # ready to run, but another process had the CPU
    harness_cpu: float = 0.0
    harness_wait: float = 0.0  # the harness's loop, ready to run, waiting for its CPU

    @property
    def seconds(self) -> float:
        return self.end - self.start


def harness_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def harness_wait() -> float:
    """Seconds this process's main thread was ready to run but waited for its CPU."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class PhaseResult:
    name: str
    offers: list[Offer]
    window: Window
    offered_late_ms: list[float] = field(default_factory=list)  # open loop: schedule lag
    skipped: int = 0  # open loop: nobody idle at a tick

    def finished_in_window(self) -> int:
        return sum(
            1
            for o in self.offers
            if o.finished_at is not None and self.window.start <= o.finished_at <= self.window.end
        )


async def measured(seconds: float, meter: Meter, window: Window) -> Window:
    """Sleep ``seconds``; fill in ``window`` with the CPU used meanwhile."""
    (cpu0, wait0), harness0, harness_wait0 = meter(), harness_cpu(), harness_wait()
    await asyncio.sleep(seconds)
    window.end = time.time()
    cpu1, wait1 = meter()
    window.bot_cpu, window.bot_wait = cpu1 - cpu0, wait1 - wait0
    window.harness_cpu = harness_cpu() - harness0
    window.harness_wait = harness_wait() - harness_wait0
    return window


async def open_loop(
    name: str,
    behaviour: Behaviour,
    people: Sequence[Person],
    rate: float,
    seconds: float,
    meter: Meter,
) -> PhaseResult:
    """Offer ``rate`` updates per second on a fixed schedule, whatever the bot does."""
    loop = asyncio.get_running_loop()
    result = PhaseResult(name, [], Window(time.time()))
    measuring = asyncio.create_task(measured(seconds, meter, result.window))
    tasks = []
    start = loop.time()
    for k in range(round(rate * seconds)):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.offered_late_ms.append(max(0.0, -delay) * 1000)
        idle = [p for p in people if not p.busy]
        if not idle:
            result.skipped += 1
            continue
        person = behaviour.rng.choice(idle)
        tasks.append(asyncio.create_task(behaviour.finish(person, behaviour.offer(person))))
    await measuring
    result.offers = list(await asyncio.gather(*tasks))
    return result


async def closed_loop(
    name: str,
    behaviour: Behaviour,
    people: Sequence[Person],
    seconds: float,
    meter: Meter,
) -> PhaseResult:
    """Every person offers the next update as soon as the last one is answered.

    With more people than the bot handles at once (64 concurrent updates), there is always
    a backlog, so the rate of finished updates is what the bot sustains.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    result = PhaseResult(name, [], Window(time.time()))

    async def run(person: Person) -> list[Offer]:
        offers = []
        while loop.time() < end:
            offers.append(await behaviour.act(person))
        return offers

    measuring = asyncio.create_task(measured(seconds, meter, result.window))
    per_person = await asyncio.gather(*(run(p) for p in people))
    await measuring
    result.offers = [o for offers in per_person for o in offers]
    return result


@dataclass
class Flood:
    """One person sending the same message on a fixed schedule, never waiting for answers."""

    user: User
    rate: float
    sent: int = 0
    started: float = 0.0
    ended: float = 0.0
    offered_late_ms: list[float] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)  # to the flooder's chat


async def flood(tracker: Tracker, user: User, text: str, rate: float, seconds: float) -> Flood:
    """``user`` sends ``text`` ``rate`` times per second for ``seconds``, like a script would.

    What the bot sends back is collected by the tracker (:meth:`Tracker.watch`), not
    matched to the messages: a throttled message gets no answer at all.
    """
    result = Flood(user, rate, requests=tracker.watch(user))
    loop = asyncio.get_running_loop()
    result.started = time.time()
    start = loop.time()
    for k in range(round(rate * seconds)):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.offered_late_ms.append(max(0.0, -delay) * 1000)
        tracker.api.send_text(user, text)
        result.sent += 1
    result.ended = time.time()
    return result


# -- escalations -------------------------------------------------------------------------------


@dataclass
class EscalationRun:
    """One reporting conversation, step by step."""

    steps: list[Offer] = field(default_factory=list)
    escalation_id: int | None = None
    saved_at: float | None = None
    problem: str | None = None


class Stuck(Exception):
    """A step got no (complete) answer, or not the one the conversation needs next."""


class Reporter:
    """Reports escalations through the real conversation, reading each next button."""

    def __init__(self, tracker: Tracker, rng: random.Random, timeout: float) -> None:
        self.tracker = tracker
        self.rng = rng
        self.timeout = timeout

    async def report_many(self, person: Person, count: int) -> list[EscalationRun]:
        runs = []
        for number in range(count):
            run = EscalationRun()
            try:
                await self._report(person, number, run)
            except Stuck as exc:
                run.problem = f"user {person.user.id}, report {number + 1}: {exc}"
            runs.append(run)
        return runs

    async def _step(self, run: EscalationRun, offer: Offer) -> RecordedRequest:
        await self.tracker.wait(offer, self.timeout)
        run.steps.append(offer)
        if offer.final is None:
            got = "no reply" if offer.first is None else "no complete reply"
            raise Stuck(f"{offer.kind}: {got} within {self.timeout:.0f} s")
        return offer.final

    def _pick(self, request: RecordedRequest, prefix: str, step: str) -> str:
        choices = [b for b in buttons(request) if b.startswith(prefix)]
        if not choices:
            text = str(request.params.get("text") or "")[:120]
            raise Stuck(f"{step}: no {prefix!r} button in {buttons(request)} ({text!r})")
        return self.rng.choice(choices)

    async def _report(self, person: Person, number: int, run: EscalationRun) -> None:
        user, track = person.user, self.tracker
        start = await self._step(
            run, track.send_text(user, "/eskalation", "esc-start", message_with_buttons)
        )
        message = _key(start)
        kind = self._pick(start, "xk|", "kind")
        asked = await self._step(
            run, track.press(user, message, kind, "esc-kind", edit_with_buttons)
        )
        if number % 2:  # every other report: the town typed, else "Ohne Ort"
            town = self.rng.choice(TOWNS)
            asked = await self._step(run, track.send_text(user, town, "esc-place", any_message))
        else:
            asked = await self._step(
                run, track.press(user, message, "xo|-", "esc-no-place", edit_with_buttons)
            )
        urgency = self._pick(asked, "xu|", "urgency")
        asked = await self._step(
            run, track.press(user, _key(asked), urgency, "esc-urgency", edit_with_buttons)
        )
        text = f"Lasttest: Klient (m, 30) bedroht Mitarbeitende, Lage unklar. Meldung {number + 1}"
        summary = await self._step(
            run, track.send_text(user, text, "esc-description", message_with_buttons)
        )
        if "xs|keep" in buttons(summary):  # the personal-data check spoke up: keep it
            summary = await self._step(
                run, track.press(user, _key(summary), "xs|keep", "esc-keep", edit_with_buttons)
            )
        if "xs|send" not in buttons(summary):
            raise Stuck(f"summary: no send button in {buttons(summary)}")
        saved = await self._step(
            run, track.press(user, _key(summary), "xs|send", "esc-send", saved_escalation)
        )
        match = _SAVED_ID.search(str(saved.params.get("text") or ""))
        run.escalation_id = int(match.group(1)) if match else None
        run.saved_at = saved.time


def _key(request: RecordedRequest) -> tuple[int, int]:
    key = message_key(request)
    if key is None:
        raise Stuck(f"{request.method} returned no message")
    return key
