"""docs/wissen-pflegen-fuer-teamleitungen.md says exactly what the code accepts.

Every example in the guide is taken from the guide itself and checked here: the YAML
blocks load without errors or warnings, the hours table is what the bot stores and shows,
and each "Falsch" value is refused while its "Richtig" value is accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge.hours import german_hours, normalise_hours, overlaps
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Contact, Entry
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "wissen-pflegen-fuer-teamleitungen.md").read_text(encoding="utf-8")
MakeKnowledge = Callable[[dict[str, str]], Path]


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", GUIDE, re.DOTALL)


def table(first_header: str) -> list[list[str]]:
    """The rows of the Markdown table whose first column is ``first_header``."""
    lines = GUIDE.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def code(cell: str) -> str:
    match = re.fullmatch(r"`(.+)`", cell)
    assert match, cell
    return match.group(1)


def test_guide_has_examples_to_check() -> None:
    assert len(yaml_blocks()) >= 2
    assert len(table("Sie schreiben")) >= 8
    assert len(table("Falsch")) >= 8


@pytest.mark.parametrize("block", yaml_blocks())
def test_yaml_examples_load_without_errors_or_warnings(
    make_knowledge: MakeKnowledge, block: str
) -> None:
    directory = make_knowledge({"beispiel.yaml": block})
    result = load_knowledge(directory, today=dt.date(2026, 11, 25))
    assert result.ok, [str(p) for p in result.errors]
    from_example = [str(p) for p in result.warnings if p.file.endswith("beispiel.yaml")]
    assert from_example == []


@pytest.mark.parametrize("row", table("Sie schreiben"), ids=lambda row: row[0])
def test_hours_table_is_what_the_bot_stores_and_shows(row: list[str]) -> None:
    written, stored, shown = code(row[0]), code(row[1]), row[2]
    assert normalise_hours(written) == stored
    assert german_hours(stored) == shown


def test_guide_example_that_replaces_a_rule_is_warned_with_the_fixes_it_shows() -> None:
    [overlap] = overlaps(normalise_hours("Mo-Fr 09:00-12:00; Do 14:00-17:00"))
    assert f"beide Zeiten gelten: `{overlap.both}`" in GUIDE
    assert f"nur der Nachmittag gelten: `{overlap.later_only}`" in GUIDE


BASES: dict[type[BaseModel], dict[str, object]] = {
    Contact: {"name": "X"},
    Entry: {"id": "x", "title": "X", "category": "polizei", "text": "X."},
}


def _model_for(key: str) -> type[BaseModel]:
    return Entry if key in Entry.model_fields and key not in Contact.model_fields else Contact


@pytest.mark.parametrize("row", table("Falsch"), ids=lambda row: row[0])
def test_wrong_values_in_the_guide_are_refused_and_right_ones_accepted(row: list[str]) -> None:
    wrong, right = yaml.safe_load(code(row[0])), yaml.safe_load(code(row[1]))
    [right_key] = right
    model = _model_for(right_key)
    with pytest.raises(ValidationError):
        model.model_validate({**BASES[model], **wrong})
    model.model_validate({**BASES[model], **right})


def test_guide_links_the_generated_field_reference() -> None:
    assert "../knowledge/README.md#feldreferenz" in GUIDE
    readme = (ROOT / "knowledge" / "README.md").read_text(encoding="utf-8")
    assert "\n## Feldreferenz\n" in readme
    assert "caseworker-bot report stale" in GUIDE
