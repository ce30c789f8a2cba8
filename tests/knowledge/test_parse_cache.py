"""A reload parses only the files that changed, and still sees every change and every error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.knowledge.loader import ParseCache, load_knowledge

TODAY = dt.date(2026, 11, 25)


def test_unchanged_files_are_reused_and_a_changed_file_is_read_again(minimal_dir: Path) -> None:
    cache = ParseCache()
    first = load_knowledge(minimal_dir, today=TODAY, cache=cache).knowledge
    assert first is not None
    entries = minimal_dir / "entries.yaml"
    entries.write_text(
        entries.read_text(encoding="utf-8").replace("Revier Lahr]", "Revier Lahr, Wache]"),
        encoding="utf-8",
    )
    second = load_knowledge(minimal_dir, today=TODAY, cache=cache).knowledge
    assert second is not None
    assert second.entries["polizei-lahr"].keywords == ["Revier Lahr", "Wache"]
    assert second.contents["places.yaml"] is first.contents["places.yaml"]  # not parsed again
    assert second.contents["entries.yaml"] is not first.contents["entries.yaml"]
    uncached = load_knowledge(minimal_dir, today=TODAY).knowledge
    assert uncached is not None
    assert second.contents == uncached.contents
    assert second.version == uncached.version


def test_with_a_cache_a_broken_file_is_still_refused_with_its_line(minimal_dir: Path) -> None:
    cache = ParseCache()
    assert load_knowledge(minimal_dir, today=TODAY, cache=cache).ok
    entries = minimal_dir / "entries.yaml"
    entries.write_text(
        entries.read_text(encoding="utf-8").replace(
            "    title: Polizeirevier Lahr\n", "    titel: x\n"
        ),
        encoding="utf-8",
    )
    result = load_knowledge(minimal_dir, today=TODAY, cache=cache)
    assert not result.ok
    messages = [str(p) for p in result.errors]
    assert any("entries.yaml:14:" in m and "'titel'" in m for m in messages), messages
    # Loaded again: the same errors (a broken file is never taken from the cache).
    assert load_knowledge(minimal_dir, today=TODAY, cache=cache).errors == result.errors


def test_warnings_of_a_cached_file_name_the_same_lines(minimal_dir: Path) -> None:
    cache = ParseCache()
    fresh = load_knowledge(minimal_dir, today=TODAY, cache=cache)
    again = load_knowledge(minimal_dir, today=TODAY, cache=cache)
    assert fresh.warnings, "MINIMAL has entries without 'verified'"
    assert [str(p) for p in again.warnings] == [str(p) for p in fresh.warnings]
