"""The one entry point for answering questions, shared by the CLI, the console and the bot.

:class:`Assistant` owns the live search engine and swaps it in one assignment when the
knowledge changes, so a question sees either the old or the new knowledge, never a mix.

With a semantic stage (:class:`~bot.search.engine.MeaningSource`), a new knowledge gets its
passage vectors from the on-disk cache; the few an edit changed are embedded right away.
When many are missing (a new knowledge base, a new model), the engine answers lexically at
once and a background thread embeds them; the engine with meaning is swapped in when ready,
unless the knowledge has changed again meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal

from bot.clock import Clock
from bot.knowledge.base import Knowledge
from bot.knowledge.hours import HolidayCalendar, HoursStatus, status
from bot.knowledge.loader import bulk_allocation
from bot.knowledge.model import Contact, Entry, Place
from bot.knowledge.phones import Phone, PhoneError, parse_phone
from bot.normalize import tokens
from bot.search.engine import Engine, MeaningSource
from bot.search.index import MAX_CHOICES, Hit, Outcome, SearchIndex, choices

log = logging.getLogger(__name__)

# Passages embedded while a knowledge change is applied; more go to the background.
EMBED_NOW_LIMIT = 64

PlaceSource = Literal["question", "default"]


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact with its phone number parsed and its state at the time of the answer."""

    contact: Contact
    phone: Phone | None
    status: HoursStatus | None


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    outcome: Outcome
    results: list[Hit]
    place: Place | None
    place_source: PlaceSource | None
    urgent: bool
    now: dt.datetime
    place_only: bool = False  # the question named a town and nothing else

    @property
    def best(self) -> Entry | None:
        return self.results[0].entry if self.results and self.outcome == "answer" else None

    @property
    def candidates(self) -> list[Entry]:
        """The entries to offer when the outcome is ``choose``: those scored close to the
        best; in danger the first few whatever their scores, as the engine ranked them (an
        option too many costs a glance there, a missing one can cost the right contact)."""
        if self.outcome != "choose":
            return []
        offered = self.results[:MAX_CHOICES] if self.urgent else choices(self.results)
        return [h.entry for h in offered]

    def to_json(self, limit: int = 5) -> dict[str, object]:
        """The documented machine format of ``caseworker-bot ask --json``."""
        return {
            "query": self.query,
            "outcome": self.outcome,
            "urgent": self.urgent,
            "place": self.place.name if self.place else None,
            "results": [
                {"id": h.entry.id, "title": h.entry.title, "score": round(h.score, 4)}
                for h in self.results[:limit]
            ],
        }


class Assistant:
    """Answers questions from the current knowledge, aware of place and time."""

    def __init__(
        self,
        knowledge: Knowledge,
        clock: Clock,
        calendar: HolidayCalendar,
        meaning: MeaningSource | None = None,
        semantic_problem: str | None = None,
        embed_now: int | None = EMBED_NOW_LIMIT,
    ) -> None:
        """``embed_now``: passages embedded before a new knowledge is used; beyond that the
        engine answers lexically until the background thread is done (``None``: always wait,
        as the one-shot CLI commands do)."""
        self.clock = clock
        self.calendar = calendar
        self.meaning = meaning
        # Why the semantic stage is off although it was asked for (shown to admins).
        self.semantic_problem = semantic_problem
        self.embed_now = embed_now
        self._lock = threading.Lock()
        self._ready: dict[int, Engine] = {}  # engines with meaning, by id of their lexical index
        engine = self.build_index(knowledge)
        with self._lock:
            self._index = self._ready.pop(id(engine.lexical), engine)

    @property
    def knowledge(self) -> Knowledge:
        return self._index.knowledge

    @property
    def index(self) -> Engine:
        return self._index

    @property
    def semantic_ready(self) -> bool:
        return self._index.semantic

    def build_index(self, knowledge: Knowledge) -> Engine:
        """A complete engine for ``knowledge``; fine in a worker thread (swap it in after)."""
        with bulk_allocation():
            engine = Engine(SearchIndex(knowledge))
        if self.meaning is None:
            return engine
        cached = self.meaning.meaning(knowledge, engine.entries, compute=False)
        if cached is not None:  # every vector cached: a restart, or nothing changed
            return engine.with_meaning(cached)
        missing = self.meaning.missing(knowledge, engine.entries)
        if self.embed_now is None or missing <= self.embed_now:
            meaning = self.meaning.meaning(knowledge, engine.entries)
            return engine if meaning is None else engine.with_meaning(meaning)
        # At start-up the bot says so itself once it is up (a start that fails, e.g. on a
        # wrong token, prints one line and nothing of this); after that, every reload does.
        log.log(
            logging.WARNING if hasattr(self, "_index") else logging.DEBUG,
            "semantic search pending: embedding %d passages in the background; "
            "answering lexically meanwhile",
            missing,
        )
        threading.Thread(
            target=self._embed_later, args=(engine,), name="embed-knowledge", daemon=True
        ).start()
        return engine

    def _embed_later(self, engine: Engine) -> None:
        assert self.meaning is not None
        started = time.monotonic()
        try:
            meaning = self.meaning.meaning(engine.knowledge, engine.entries)
        except Exception:
            log.exception("embedding the knowledge failed; lexical search only")
            return
        if meaning is None:
            return
        upgraded = engine.with_meaning(meaning)
        with self._lock:
            current: Engine | None = getattr(self, "_index", None)  # None: still starting
            if current is not None and current.lexical is engine.lexical:
                self._index = upgraded
            else:  # not swapped in yet (or replaced already): swap() picks it up
                self._ready = {id(engine.lexical): upgraded}
        log.info("semantic search ready after %.1f s", time.monotonic() - started)

    def swap(self, index: Engine) -> None:
        """Replace the live engine in one step; an answer in progress keeps its snapshot."""
        with self._lock:
            self._index = self._ready.pop(id(index.lexical), index)
            self._ready.clear()

    def answer(
        self, question: str, place: str | Place | None = None, now: dt.datetime | None = None
    ) -> Answer:
        """Answer ``question``; ``place`` (e.g. the user's town) applies if it names none."""
        index = self._index  # one snapshot for the whole answer
        default = self.find_place(place) if isinstance(place, str) else place
        result = index.search(question, default)
        if result.place is not None:
            found: Place | None = result.place.place
            source: PlaceSource | None = "question"
        elif default is not None and result.hits:
            found, source = default, "default"
        else:
            found, source = None, None
        return Answer(
            query=question,
            outcome=result.outcome,
            results=result.hits,
            place=found,
            place_source=source,
            # Danger words, or the one answer is an emergency entry: 110/112 come first.
            urgent=result.urgent or (result.outcome == "answer" and result.hits[0].entry.urgent),
            now=now or self.clock.now(),
            place_only=not result.words and result.place is not None,
        )

    def find_place(self, name: str) -> Place | None:
        """A place by its exact name or alias, or as the search would recognise it."""
        place = self._index.places.by_name(name)
        if place is not None:
            return place
        match = self._index.places.find(tokens(name))
        return match.place if match else None

    def entry(self, entry_id: str) -> Entry | None:
        return self._index.knowledge.entries.get(entry_id)

    def contacts(self, entry: Entry, now: dt.datetime | None = None) -> list[ContactView]:
        """The entry's contacts with parsed phones and their open/closed state at ``now``."""
        at = now or self.clock.now()
        views = []
        for contact in entry.contacts:
            phone: Phone | None = None
            if contact.phone:
                try:
                    phone = parse_phone(contact.phone)
                except PhoneError:  # validated at load; never crash an answer
                    phone = None
            state = status(contact.hours, at, self.calendar) if contact.hours else None
            views.append(ContactView(contact, phone, state))
        return views
