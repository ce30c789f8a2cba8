"""What a danger question gets when no entry is clear enough to answer."""

from __future__ import annotations

from bot.assistant import Assistant
from bot.search.engine import MAX_CHOICES, _danger_choices
from bot.search.index import Hit


def _ranked(shipped: Assistant, ids: list[str]) -> list[Hit]:
    entries = shipped.knowledge.entries
    return [Hit(entries[i], float(len(ids) - n), 0.0) for n, i in enumerate(ids)]


def test_sure_danger_gets_the_emergency_entries_calling_110_or_112_first(
    shipped: Assistant,
) -> None:
    ranked = _ranked(
        shipped, ["trauma", "frauenhaus-ortenau", "datenschutz", "notruf", "kinderschutz-akut"]
    )
    chosen = _danger_choices(ranked, sure=True)
    assert [h.entry.id for h in chosen] == ["notruf", "kinderschutz-akut", "frauenhaus-ortenau"]


def test_danger_just_above_the_threshold_keeps_the_closest_entries(shipped: Assistant) -> None:
    """Often a false alarm: the entry the question is about stays first."""
    ranked = _ranked(shipped, ["migrationsamt", "notruf", "dolmetscher", "trauma", "datenschutz"])
    chosen = _danger_choices(ranked, sure=False)
    assert [h.entry.id for h in chosen] == [h.entry.id for h in ranked[:MAX_CHOICES]]


def test_an_urgent_entry_is_always_among_the_choices(shipped: Assistant) -> None:
    ranked = _ranked(
        shipped,
        ["migrationsamt", "dolmetscher", "trauma", "datenschutz", "erstgespraech", "notruf"],
    )
    chosen = _danger_choices(ranked, sure=False)
    assert len(chosen) == MAX_CHOICES
    assert chosen[0].entry.id == "migrationsamt"
    assert chosen[-1].entry.id == "notruf"
