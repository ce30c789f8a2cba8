"""Fixtures of the robustness tests: the hostile knowledge and renderers over it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.clock import Clock
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from tests.conftest import BERLIN
from tests.robustness.hostile import write_hostile_knowledge

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_knowledge(tmp_path_factory.mktemp("hostile") / "knowledge")


@pytest.fixture(scope="session")
def hostile(hostile_dir: Path) -> Assistant:
    """The assistant over a valid knowledge whose texts are all markup, emoji and length."""
    result = load_knowledge(hostile_dir, today=TODAY)
    assert result.knowledge is not None, "\n".join(map(str, result.errors))
    return Assistant(result.knowledge, Clock(BERLIN), HolidayCalendar("BW"))
