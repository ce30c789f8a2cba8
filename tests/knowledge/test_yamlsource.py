"""The YAML reader: same values as PyYAML's safe loader, lines where they are asked for."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge import yamlsource
from bot.knowledge.yamlsource import parse_yaml

SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "yes",
    "No",
    "on",
    "off",
    "true",
    "False",
    "0",
    "-12",
    "+3",
    "0x1f",
    "0o17",
    "1_000",
    "1.5",
    ".inf",
    "-.inf",
    ".nan",
    "1e3",
    "2026-11-01",
    "2026-11-01 10:00:00",
    "<<",
    "=",
    "Polizei",
    "07832 975920",
    "+49 7821 277-0",
    "Mo-Fr 08:00-16:00; PH off",
    "110",
    "116 117",
]


def test_the_resolver_has_what_pyyaml_s_safe_loader_has_and_nothing_more() -> None:
    # Our fast resolver copies the implicit resolvers and skips path resolvers and the
    # wildcard resolvers: true only while PyYAML's safe loader has none of those.
    assert not yaml.SafeLoader.yaml_path_resolvers
    assert None not in yaml.SafeLoader.yaml_implicit_resolvers


@given(st.sampled_from(SCALARS) | st.text(max_size=20))
def test_plain_scalars_get_the_tags_pyyaml_gives_them(value: str) -> None:
    ours = yamlsource._Loader("")
    theirs = yaml.SafeLoader("")
    for implicit in [(True, False), (False, True), (False, False)]:
        assert ours.resolve(yaml.ScalarNode, value, implicit) == theirs.resolve(
            yaml.ScalarNode, value, implicit
        )


def test_values_are_what_yaml_safe_load_makes_of_them() -> None:
    text = "\n".join(
        f"k{i}: {value}" for i, value in enumerate(SCALARS) if value not in ("<<", "=")
    )
    text += "\nlist: [a, 'b', 1]\nmap: {x: y}\nquoted: '2026-11-01'\n"
    data, _ = parse_yaml(text)
    expected = yaml.safe_load(text)
    assert repr(data) == repr(expected)  # repr: nan != nan
    assert data["k21"] == dt.date(2026, 11, 1)
    assert data["quoted"] == "2026-11-01"


TEXT = """\
entries:
  - id: a
    title: Eins
    contacts:
      - name: Revier
        phone: "110"
  - title: Zwei
    id: b
    related:
      - a
      - c
"""


def test_lines_of_shallow_and_deep_paths() -> None:
    _, lines = parse_yaml(TEXT)
    assert lines.line_of(("entries",)) == 1
    assert lines.line_of(("entries", 1)) == 7
    assert lines.line_of(("entries", 1, "id")) == 8
    assert lines.line_of(("entries", 0, "contacts", 0, "phone")) == 6
    assert lines.line_of(("entries", 1, "related", 1)) == 11
    # A path that does not exist (a missing field) points at its nearest ancestor.
    assert lines.line_of(("entries", 1, "text")) == 7
    assert lines.line_of(("entries", 0, "contacts", 0, "email")) == 5
