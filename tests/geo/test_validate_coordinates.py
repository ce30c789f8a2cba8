"""``validate``: coordinates must lie in the district and come in pairs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from tests.conftest import MINIMAL

MakeKnowledge = Callable[[dict[str, str]], Path]


def with_hausach(extra: str) -> str:
    return MINIMAL["places.yaml"].replace(
        "    tags: [revier-haslach]\n", "    tags: [revier-haslach]\n" + extra
    )


def test_coordinates_in_the_district_load(make_knowledge: MakeKnowledge) -> None:
    # A fictitious part: only the check is under test here.
    extra = (
        "    lat: 48.28426\n    lon: 8.17602\n"
        "    parts:\n      - {name: Testweiler, lat: 48.3, lon: 8.2}\n"
    )
    result = load_knowledge(
        make_knowledge({"places.yaml": with_hausach(extra)}), today=dt.date(2026, 11, 25)
    )
    assert result.ok, [str(p) for p in result.problems]


def test_swapped_coordinates_are_an_error(make_knowledge: MakeKnowledge) -> None:
    extra = "    lat: 8.17602\n    lon: 48.28426\n"
    result = load_knowledge(
        make_knowledge({"places.yaml": with_hausach(extra)}), today=dt.date(2026, 11, 25)
    )
    messages = [str(p) for p in result.errors]
    assert len(messages) == 1, messages
    assert "Hausach" in messages[0] and "nicht im Ortenaukreis" in messages[0]


def test_part_outside_the_district_is_an_error(make_knowledge: MakeKnowledge) -> None:
    extra = "    parts:\n      - {name: Testort, lat: 48.58392, lon: 7.5}\n"
    result = load_knowledge(
        make_knowledge({"places.yaml": with_hausach(extra)}), today=dt.date(2026, 11, 25)
    )
    messages = [str(p) for p in result.errors]
    assert len(messages) == 1 and "Hausach-Testort" in messages[0], messages


def test_lat_without_lon_is_an_error(make_knowledge: MakeKnowledge) -> None:
    result = load_knowledge(
        make_knowledge({"places.yaml": with_hausach("    lat: 48.28426\n")}),
        today=dt.date(2026, 11, 25),
    )
    assert result.knowledge is None
    assert any("lat und lon nur zusammen" in str(p) for p in result.errors)
