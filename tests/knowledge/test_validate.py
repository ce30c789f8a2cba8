"""Every kind of breakage is reported with its file and line, and nothing broken loads."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge.loader import LoadResult, load_knowledge
from tests.conftest import MINIMAL

TODAY = dt.date(2026, 11, 25)
MakeKnowledge = Callable[[dict[str, str]], Path]


def load(directory: Path) -> LoadResult:
    return load_knowledge(directory, today=TODAY)


def only_error(result: LoadResult) -> str:
    assert result.knowledge is None
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    return str(result.errors[0])


def line_of(directory: Path, name: str, needle: str) -> int:
    for number, line in enumerate((directory / name).read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def test_minimal_knowledge_loads(minimal_dir: Path) -> None:
    result = load(minimal_dir)
    assert result.ok, [str(p) for p in result.problems]
    assert set(result.knowledge.entries) == {  # type: ignore[union-attr]
        "notruf",
        "polizei-lahr",
        "polizei-haslach",
        "migrationsamt",
    }


def test_yaml_syntax_error_names_file_and_line(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["entries.yaml"].replace(
        "    title: Migrationsamt", "    title: [Migrationsamt"
    )
    directory = make_knowledge({"entries.yaml": broken})
    message = only_error(load(directory))
    assert message.startswith(f"{directory / 'entries.yaml'}:")
    assert "YAML-Syntaxfehler" in message


def test_unknown_key_is_an_error_not_ignored(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["entries.yaml"].replace('phone: "0781 805 1660"', 'phnoe: "0781 805 1660"')
    directory = make_knowledge({"entries.yaml": broken})
    message = only_error(load(directory))
    line = line_of(directory, "entries.yaml", "phnoe")
    assert message.startswith(f"{directory / 'entries.yaml'}:{line}: ")
    assert "(migrationsamt)" in message and "unbekanntes Feld 'phnoe'" in message


def test_missing_required_field(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["entries.yaml"].replace(
        "    text: Das Revier Haslach ist für Hausach zuständig.\n", ""
    )
    directory = make_knowledge({"entries.yaml": broken})
    message = only_error(load(directory))
    line = line_of(directory, "entries.yaml", "- id: polizei-haslach")
    assert f"entries.yaml:{line}: " in message
    assert "Pflichtfeld 'text' fehlt" in message and "polizei-haslach" in message


def test_wrong_type(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["entries.yaml"].replace("keywords: [Revier Lahr]", "keywords: Revier Lahr")
    directory = make_knowledge({"entries.yaml": broken})
    message = only_error(load(directory))
    line = line_of(directory, "entries.yaml", "keywords: Revier Lahr")
    assert f"entries.yaml:{line}: " in message and "keywords" in message


def test_duplicate_id_across_files(make_knowledge: MakeKnowledge) -> None:
    extra = """\
        entries:
          - id: migrationsamt
            title: Noch ein Migrationsamt
            category: behoerden
            text: Doppelt.
        """
    directory = make_knowledge({"more/extra.yaml": extra})
    message = only_error(load(directory))
    assert f"{directory / 'more/extra.yaml'}:2: " in message
    assert "'migrationsamt' ist schon in entries.yaml definiert" in message


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("category: behoerden", "category: amt", "category: amt", "Kategorie 'amt' gibt es nicht"),
        (
            "after_hours: notruf",
            "after_hours: nachts",
            "after_hours: nachts",
            "Eintrag 'nachts' gibt es nicht",
        ),
        (
            "scope: [revier-haslach]",
            "scope: [revier-hasslach]",
            "scope: [revier-hasslach]",
            "kein Ort trägt das Tag 'revier-hasslach'",
        ),
        (
            'phone: "0781 805 1660"',
            'phone: "0781 1"',
            'phone: "0781 1"',
            "keine gültige Telefonnummer",
        ),
        (
            'hours: "Mo-Fr 08:00-16:00"',
            'hours: "Mo-Fx 8 bis 16"',
            "Mo-Fx",
            "keine gültige Öffnungszeit",
        ),
        (
            "verified: 2026-11-01",
            "verified: gestern",
            "verified: gestern",
            "verified",
        ),
    ],
)
def test_broken_field_is_reported_at_its_line(
    make_knowledge: MakeKnowledge, old: str, new: str, needle: str, expected: str
) -> None:
    directory = make_knowledge({"entries.yaml": MINIMAL["entries.yaml"].replace(old, new)})
    result = load(directory)
    assert result.knowledge is None
    messages = [str(p) for p in result.errors if expected in p.message]
    line = line_of(directory, "entries.yaml", needle)
    assert messages == [f"{directory / 'entries.yaml'}:{line}: {messages[0].split(': ', 1)[1]}"]


def test_related_pointing_nowhere(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["entries.yaml"].replace(
        "    urgent: true\n", "    urgent: true\n    related: [polizei-lahr, gibtsnicht]\n"
    )
    directory = make_knowledge({"entries.yaml": broken})
    message = only_error(load(directory))
    assert f"entries.yaml:{line_of(directory, 'entries.yaml', 'related:')}: " in message
    assert "related: Eintrag 'gibtsnicht' gibt es nicht" in message


def test_place_name_claimed_twice(make_knowledge: MakeKnowledge) -> None:
    broken = MINIMAL["places.yaml"].replace(
        "  - name: Hausach\n", "  - name: Hausach\n    aliases: [Sulz]\n"
    )
    directory = make_knowledge({"places.yaml": broken})
    message = only_error(load(directory))
    assert f"places.yaml:{line_of(directory, 'places.yaml', 'aliases: [Sulz]')}: " in message
    assert "'Sulz' gehört schon zu Lahr" in message


def test_every_place_needs_a_police_entry(make_knowledge: MakeKnowledge) -> None:
    places = MINIMAL["places.yaml"].replace(
        "synonyms:", "  - name: Kehl\n    tags: [revier-kehl]\nsynonyms:"
    )
    directory = make_knowledge({"places.yaml": places})
    message = only_error(load(directory))
    assert f"places.yaml:{line_of(directory, 'places.yaml', 'name: Kehl')}: " in message
    assert "kein Eintrag der Kategorie 'polizei' gilt für diesen Ort" in message


def test_unscoped_police_entry_covers_every_place(make_knowledge: MakeKnowledge) -> None:
    places = MINIMAL["places.yaml"].replace(
        "synonyms:", "  - name: Kehl\n    tags: [revier-kehl]\nsynonyms:"
    )
    entries = MINIMAL["entries.yaml"] + (
        "  - id: praesidium\n    title: Polizeipräsidium\n    category: polizei\n"
        "    keywords: [Präsidium]\n    text: Zentrale.\n"
    )
    result = load(make_knowledge({"places.yaml": places, "entries.yaml": entries}))
    assert result.ok, [str(p) for p in result.errors]


def test_warnings_for_unverified_stale_and_keywordless(make_knowledge: MakeKnowledge) -> None:
    entries = MINIMAL["entries.yaml"].replace("verified: 2026-11-01", "verified: 2025-01-01")
    entries += "  - id: ohne\n    title: Ohne\n    category: behoerden\n    text: Nichts.\n"
    result = load(make_knowledge({"entries.yaml": entries}))
    assert result.ok
    warnings = [str(p) for p in result.warnings]
    assert any("'migrationsamt' zuletzt geprüft am 01.01.2025" in w for w in warnings)
    assert any("'polizei-lahr' wurde nie geprüft" in w for w in warnings)
    assert any("'ohne' hat keine keywords" in w for w in warnings)
    assert all(re.match(r".+\.yaml:\d+: Warnung: ", w) for w in warnings)


def test_every_problem_is_listed_not_just_the_first(make_knowledge: MakeKnowledge) -> None:
    entries = (
        MINIMAL["entries.yaml"]
        .replace("category: behoerden", "category: amt")
        .replace("scope: [revier-haslach]", "scope: [nirgends]")
    )
    places = MINIMAL["places.yaml"].replace("tags: [revier-lahr]", "tags: [revier-lahr]\n    x: 1")
    result = load(make_knowledge({"entries.yaml": entries, "places.yaml": places}))
    # Schema errors stop before cross-file checks: places.yaml's unknown key is reported.
    assert result.knowledge is None
    assert any("unbekanntes Feld 'x'" in str(p) for p in result.errors)
    fixed = load(make_knowledge({"entries.yaml": entries}))
    messages = [p.message for p in fixed.errors]
    assert len(messages) == 3, messages
    assert any("Kategorie 'amt' gibt es nicht" in m for m in messages)
    assert any("kein Ort trägt das Tag 'nirgends'" in m for m in messages)
    # …and the scope typo leaves Hausach without police, which is reported too.
    assert any("(Hausach): kein Eintrag der Kategorie 'polizei'" in m for m in messages)


@pytest.mark.parametrize(
    "text",
    [
        "- a\n- b\n",  # a list at the top
        "entries: &a [*a]\n",  # a recursive alias
        "a: &a ['x','x','x','x','x','x','x','x','x']\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
            f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
            for i in range(8)
        ),  # a billion-laughs bomb
        "entries:\n" + "  " * 1 + "[" * 200 + "]" * 200 + "\n",  # deep nesting
        "\x00\x01binary",
        "entries: !!python/object:os.system {}\n",
    ],
)
def test_hostile_files_are_refused_with_a_clear_error(
    make_knowledge: MakeKnowledge, text: str
) -> None:
    directory = make_knowledge({"zz.yaml": text})
    result = load(directory)
    assert result.knowledge is None
    assert all(str(p).startswith(str(directory / "zz.yaml")) for p in result.errors)


def test_shipped_knowledge_validates_clean() -> None:
    from tests.conftest import SHIPPED_KNOWLEDGE

    result = load(SHIPPED_KNOWLEDGE)
    assert result.ok, "\n".join(str(p) for p in result.errors)
