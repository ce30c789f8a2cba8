"""Reloads do not leak: an old knowledge base and its index go as soon as they are dropped.

Loading freezes its objects for the garbage collector (``bulk_allocation``), so anything
that only the collector could free (a reference cycle) would stay for good.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator

import pytest

from bot.assistant import Assistant
from bot.clock import Clock
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from tests.conftest import BERLIN, SHIPPED_KNOWLEDGE


@pytest.fixture(scope="module")
def builder() -> Assistant:
    """An assistant that builds engines (words only: the model is no part of a reload)."""
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE).knowledge
    assert knowledge is not None
    return Assistant(knowledge, Clock(BERLIN), HolidayCalendar("BW"))


@pytest.fixture
def no_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@pytest.mark.usefixtures("no_collector")
def test_knowledge_and_index_are_freed_by_reference_counting_alone(builder: Assistant) -> None:
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE).knowledge
    assert knowledge is not None
    index = builder.build_index(knowledge)
    assert index.search("polizei hausach").hits  # fills the expansion cache too
    entry = next(iter(knowledge.entries.values()))
    alive = [weakref.ref(x) for x in (knowledge, index, index.lexical, index.places, entry)]
    del knowledge, index, entry
    assert [ref() is None for ref in alive] == [True] * 5


@pytest.mark.slow  # a hundred full reloads
def test_a_hundred_reloads_do_not_grow_memory(builder: Assistant) -> None:
    def reload() -> None:
        knowledge = load_knowledge(SHIPPED_KNOWLEDGE).knowledge
        assert knowledge is not None
        builder.build_index(knowledge).search("klient suizid was tun")

    for _ in range(5):  # caches of words and stems filled
        reload()
    tracemalloc.start()
    try:
        reload()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(100):
            reload()
        gc.collect()  # what is left now, the collector cannot free (or was frozen)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # One load of the shipped knowledge allocates several MB; a leak of even 1 % of that
    # per reload would show as well over this.
    assert grown < 256 * 1024, f"{grown} bytes more after 100 reloads"
