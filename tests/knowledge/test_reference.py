"""The field reference in knowledge/README.md is generated from the models and stays so."""

from __future__ import annotations

import re

import pytest
import yaml
from pydantic import BaseModel

from bot.knowledge.model import (
    REFERENCE_BEGIN,
    REFERENCE_END,
    Card,
    Category,
    Contact,
    Entry,
    KnowledgeFile,
    Part,
    Place,
    field_reference,
    with_field_reference,
)
from tests.conftest import ROOT

README = ROOT / "knowledge" / "README.md"

# The smallest valid object of each model, to which one example field is added.
BASES: dict[str, tuple[type[BaseModel], dict[str, object]]] = {
    "Datei": (KnowledgeFile, {}),
    "Kategorie": (Category, {"id": "polizei", "label": "Polizei"}),
    "Eintrag": (Entry, {"id": "x", "title": "X", "category": "polizei", "text": "X."}),
    "Kontakt": (Contact, {"name": "X"}),
    "Ort": (Place, {"name": "X"}),
    "Ortsteil": (Part, {"name": "X", "lat": 48.0, "lon": 8.0}),
    "Notfallkarte": (Card, {"lang": "de", "language": "Deutsch", "title": "X", "lines": ["X"]}),
}


def test_readme_section_is_the_generated_one() -> None:
    readme = README.read_text(encoding="utf-8")
    assert readme.count(REFERENCE_BEGIN) == 1 and readme.count(REFERENCE_END) == 1
    start = readme.index(REFERENCE_BEGIN)
    end = readme.index(REFERENCE_END) + len(REFERENCE_END)
    assert readme[start:end] + "\n" == field_reference(), (
        "knowledge/README.md is stale: caseworker-bot schema --markdown "
        "--update knowledge/README.md"
    )
    assert with_field_reference(readme) == readme


def test_every_model_field_is_in_the_reference() -> None:
    reference = field_reference()
    for model, _ in BASES.values():
        for name in model.model_fields:
            assert f"| `{name}` |" in reference, (model.__name__, name)


def _examples() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    section = ""
    for line in field_reference().splitlines():
        if line.startswith("### "):
            section = line.removeprefix("### ").split(" ")[0]
        match = re.search(r"\| `([^`]+: [^`]+)` \|$", line)
        if match:
            found.append((section, match.group(1)))
    return found


@pytest.mark.parametrize(("section", "example"), _examples())
def test_every_example_in_the_reference_is_valid(section: str, example: str) -> None:
    model, base = BASES[section]
    value = yaml.safe_load(example)
    assert isinstance(value, dict)
    model.model_validate({**base, **value})


def test_the_examples_cover_the_fields_a_lead_writes() -> None:
    examples = {example.split(":")[0] for _, example in _examples()}
    assert {"phone", "hours", "email", "verified", "source", "keywords", "urgent"} <= examples
