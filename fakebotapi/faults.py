"""Seeded fault injection for resilience tests.

Example::

    api.faults.set("sendMessage", "429", retry_after=2, count=1)  # next sendMessage only
    api.faults.set(None, "500", probability=0.3, seed=42)  # 30 % of all but getUpdates
    api.faults.set("getUpdates", "drop", count=2)  # getUpdates must be named
    api.faults.set("sendMessage", "500", chat_id=-100)  # only messages to that chat
    api.faults.set(None, ["500", "429", "drop"], probability=0.3, seed=7)  # a seeded mix
    api.faults.clear()
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

FaultKind = Literal["500", "502", "timeout", "drop", "429", "bad_json"]
FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))


@dataclass
class FaultRule:
    """One active fault. ``hits`` counts how often it fired."""

    methods: frozenset[str] | None  # lower-cased method names; None = every method
    kind: FaultKind
    probability: float
    remaining: int | None  # None = unlimited
    duration: float  # "timeout": seconds to hold the request before dropping it
    retry_after: int  # "429": value of parameters.retry_after
    include_get_updates: bool
    execute: bool  # run the method first, then fail (the "lost response" case)
    rng: random.Random = field(repr=False)
    hits: int = 0
    chat_id: int | None = None  # only requests whose chat_id parameter is this chat
    kinds: tuple[FaultKind, ...] = ()  # a mix: each hit draws one of these (seeded)

    def applies_to(self, method: str, chat_id: object = None) -> bool:
        name = method.lower()
        if self.chat_id is not None and str(chat_id) != str(self.chat_id):
            return False
        if self.methods is not None:
            return name in self.methods
        return name != "getupdates" or self.include_get_updates


class FaultInjector:
    """Thread-safe registry of :class:`FaultRule`; at most one rule per method selector.

    For each request the first matching rule (in insertion order) that is not exhausted rolls
    its own seeded RNG; if it fires, its ``remaining`` count decreases. A faulted request is
    not executed (unless the rule has ``execute=True``), so e.g. a faulted sendMessage is not
    recorded as a delivered message.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def set(
        self,
        method: str | Iterable[str] | None,
        kind: FaultKind | Iterable[FaultKind],
        probability: float = 1.0,
        count: int | None = None,
        seed: int = 0,
        *,
        duration: float = 5.0,
        retry_after: int = 1,
        include_get_updates: bool = False,
        execute: bool = False,
        chat_id: int | None = None,
    ) -> FaultRule:
        """Install (or replace) the rule for ``method`` (and ``chat_id``).

        Args:
            method: a method name, several names, or ``None`` for all methods (``getUpdates``
                only with ``include_get_updates=True`` or when named explicitly).
            kind: ``"500"``, ``"502"`` (nginx HTML page), ``"timeout"`` (hold ``duration``
                seconds, then close the connection), ``"drop"`` (close the connection without
                a response), ``"429"`` (``retry_after`` seconds) or ``"bad_json"`` (HTTP 200
                with a truncated body). Several kinds make a mix: each hit draws one of
                them with the rule's seeded RNG.
            probability: chance per matching request, drawn from ``random.Random(seed)``.
            count: fire at most this many times (``None`` = unlimited).
            execute: perform the method anyway and only then fail, i.e. the bot's action
                took effect but it never learns about it.
            chat_id: fail only requests with this ``chat_id`` parameter (e.g. messages to
                one group), so that other chats keep working.
        """
        kinds: tuple[FaultKind, ...] = (kind,) if isinstance(kind, str) else tuple(kind)
        for one in kinds:
            if one not in FAULT_KINDS:
                raise ValueError(
                    f"unknown fault kind {one!r}; expected one of {sorted(FAULT_KINDS)}"
                )
        if not kinds:
            raise ValueError("give at least one fault kind")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        methods: frozenset[str] | None
        if method is None:
            methods = None
        elif isinstance(method, str):
            methods = frozenset({method.lower()})
        else:
            methods = frozenset(m.lower() for m in method)
        rule = FaultRule(
            methods=methods,
            kind=kinds[0],
            probability=probability,
            remaining=count,
            duration=duration,
            retry_after=retry_after,
            include_get_updates=include_get_updates,
            execute=execute,
            rng=random.Random(seed),
            chat_id=chat_id,
            kinds=kinds if len(kinds) > 1 else (),
        )
        with self._lock:
            self._rules = [r for r in self._rules if (r.methods, r.chat_id) != (methods, chat_id)]
            self._rules.append(rule)
        return rule

    def clear(self, method: str | None = None) -> None:
        """Remove all rules, or only those that name ``method``."""
        with self._lock:
            if method is None:
                self._rules = []
            else:
                self._rules = [
                    r for r in self._rules if r.methods is None or method.lower() not in r.methods
                ]

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def match(self, method: str, chat_id: object = None) -> FaultRule | None:
        """Decide whether this request fails; consumes one ``count`` if it does.

        ``chat_id`` is the request's ``chat_id`` parameter, if any. For a mix, the result is
        a copy of the rule with the drawn ``kind``.
        """
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.applies_to(method, chat_id):
                    continue
                if rule.probability < 1.0 and rule.rng.random() >= rule.probability:
                    continue
                rule.hits += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                if rule.kinds:
                    return replace(rule, kind=rule.rng.choice(rule.kinds))
                return rule
        return None
