"""Reading YAML while remembering the line of every value, so errors can say ``file:line``.

PyYAML's ``compose`` gives nodes with positions; we build plain Python data from them
ourselves, and :class:`LineMap` gives, for each path (``("entries", 3, "contacts", 0,
"phone")``), the line of the key or item. Limits on size, depth and node count keep hostile
files (alias bombs, deep nesting, huge files) from hanging or exhausting the bot.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

Path = tuple[str | int, ...]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 40
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SHALLOW = 3  # paths this long get their line while parsing: ("entries", 3, "verified")

# libyaml (PyYAML's C parser, in every PyYAML wheel) reads a file near MAX_BYTES in about a
# second instead of eight, which matters for a reload inside the bot's event loop; it also
# refuses nesting deeper than 1000 levels and surrogate escapes such as "\ud800" itself.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The safe loader's implicit resolvers by first character; it has no wildcard (None) ones
# and no path resolvers (tests/knowledge/test_yamlsource.py checks both).
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}


class _Loader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader with a faster tag resolver (the same tags).

    Even with libyaml, PyYAML asks Python code for every node's tag; its resolver also
    walks path resolvers, which the safe loader has none of. This one looks only at the
    implicit resolvers for the scalar's first character, as PyYAML's does, and was a
    fifth of the parse time at 10,000 entries.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        result: str = super().resolve(kind, value, implicit)
        return result


_LOADER = _Loader
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line


class YamlSourceError(ValueError):
    """The text is not YAML we accept; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class LineMap:
    """Lines of the values in one document, by path.

    Parsing records the lines of the top levels (a file's lists, their items and the items'
    fields: where validation and the checks point, warnings included). Deeper lines are
    worked out only when first asked for, by parsing the text once more with positions:
    recording a line for every value of 10,000 entries took longer than parsing them.
    """

    def __init__(self, text: str, shallow: dict[Path, int]) -> None:
        self._text = text
        self._shallow = shallow
        self._full: dict[Path, int] | None = None

    def line_of(self, path: Path) -> int:
        """The line of ``path`` or of its nearest ancestor that has one (1 as a last resort)."""
        path = tuple(path)
        if len(path) <= _SHALLOW and path in self._shallow:
            return self._shallow[path]
        if self._full is None:
            self._full = _lines_of(self._text)
        for end in range(len(path), -1, -1):
            line = self._full.get(path[:end])
            if line is not None:
                return line
        return 1


def parse_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain data plus a :class:`LineMap`."""
    # At most 4 bytes per character: only a long text needs encoding to know its size.
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise YamlSourceError(1, f"Datei ist größer als {MAX_BYTES // 1024} KiB")
    if "\x00" in text:
        raise YamlSourceError(1, "Datei enthält Binärdaten (NUL-Zeichen), kein YAML")
    node = _compose(text)
    if node is None:
        return None, LineMap(text, {})
    if "&" in text:
        # Only anchors make aliases, and only aliases make a small file stand for a huge
        # tree; counting first refuses such a file in milliseconds.
        _count_nodes(node, 0, {})
    builder = _Builder(record_depth=_SHALLOW)
    data = builder.build(node, (), 0)
    return data, LineMap(text, builder.lines)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        line, message = _translate(exc, text)
        # At the end of a file without a final newline libyaml counts one line too many.
        line = min(line, len(_LINE_BREAK.findall(text)) + 1)
        raise YamlSourceError(line, f"YAML-Syntaxfehler: {message}") from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(1, f"YAML-Fehler: {exc}") from None
    except RecursionError:
        raise YamlSourceError(1, "YAML ist zu tief verschachtelt") from None


_TOO_DEEP = (
    "die Zeile ist weiter eingerückt als die Felder darüber; rücke sie genauso weit "
    "ein wie die anderen Felder desselben Eintrags"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], number: int) -> str:
    """The nearest line above ``number`` with content (not blank, not a comment)."""
    for line in reversed(lines[: number - 1]):
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return ""


_QUOTED_START = re.compile(r"""^\s*(?:- )?(?:[^\s:#"'][^:#]*:\s+)?(["'])""")


def _unclosed_quote(lines: list[str]) -> int | None:
    """The first line whose value opens a quote it does not close (YAML would read on
    into the next lines and fail much later)."""
    for number, line in enumerate(lines, 1):
        match = _QUOTED_START.match(line)
        if match is None:
            continue
        quote = match.group(1)
        rest = line[match.end() :]
        if quote == "'":
            rest = rest.replace("''", "")
        else:
            rest = rest.replace("\\\\", "").replace('\\"', "")
        if quote not in rest:
            return number
    return None


def _translate(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line the mistake is on and a German explanation with the correct form.

    PyYAML's problem mark is where the parser gave up, which for an unclosed quote or
    bracket or a missing ':' is a later line; the context mark is where the broken thing
    began, the line to fix.
    """
    problem = exc.problem or exc.context or ""
    context = exc.context or ""
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 1
    context_line = exc.context_mark.line + 1 if exc.context_mark is not None else problem_line
    lines = _LINE_BREAK.split(text)

    def at(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    for number in (problem_line, context_line):
        if "\t" in at(number)[: len(at(number)) - len(at(number).lstrip())] or (
            "tab" in problem and "\t" in at(number)
        ):
            return number, (
                "Tabulator-Zeichen zum Einrücken; YAML erlaubt nur Leerzeichen. Ersetze den "
                "Tab durch Leerzeichen (im Editor: Einrückung mit Leerzeichen einstellen)"
            )
    unclosed = _unclosed_quote(lines[:problem_line])
    if unclosed is not None:
        return unclosed, (
            "das Anführungszeichen wird nicht geschlossen; setze es auch an das Ende des "
            'Werts, z. B. title: "Notruf 110"'
        )
    if "quoted scalar" in context:
        return context_line, (
            "das Anführungszeichen wird nicht geschlossen; setze es auch an das Ende des "
            'Werts, z. B. title: "Notruf 110"'
        )
    if "flow sequence" in context or "flow mapping" in context:
        return context_line, (
            "die Klammer wird nicht geschlossen oder ein Komma fehlt, "
            "z. B. keywords: [notruf, polizei]"
        )
    if "could not find expected ':'" in problem:
        return context_line, (
            "der Doppelpunkt fehlt; jede Zeile ist 'feld: wert', z. B. title: Polizeirevier "
            "Lahr (ein Listenelement beginnt mit '- ')"
        )
    if "expected '-' indicator" in problem or "expected key" in problem:
        if _indent(at(problem_line)) > _indent(_previous(lines, problem_line)):
            return problem_line, _TOO_DEEP
        return problem_line, (
            "die Einrückung passt nicht zu den Zeilen darüber. Beginnt hier ein neuer "
            "Listeneintrag, fehlt '- ' (z. B. '  - id: polizei-lahr'); gehört die Zeile zum "
            "Eintrag darüber, rücke sie genauso weit ein wie dessen andere Felder"
        )
    if "mapping values are not allowed" in problem:
        line = at(problem_line)
        column = exc.problem_mark.column if exc.problem_mark is not None else len(line)
        before = line[:column]
        if ": " in before or before.lstrip().startswith("- "):
            key, _, value = line.strip().removeprefix("- ").partition(": ")
            quoted = value.strip().replace('"', "'")
            return problem_line, (
                f"ein Doppelpunkt mit Leerzeichen im Wert; setze den ganzen Wert in "
                f'Anführungszeichen: {key}: "{quoted}"'
            )
        return problem_line, _TOO_DEEP
    if "block sequence entries are not allowed" in problem:
        return problem_line, (
            "eine Liste beginnt auf derselben Zeile wie ihr Feld; schreibe sie in eckige "
            "Klammern (keywords: [notruf, polizei]) oder jedes Element in eine eigene Zeile, "
            "eingerückt und mit '- '"
        )
    if "cannot start any token" in problem or "undefined alias" in problem:
        return problem_line, (
            "ein Wert beginnt mit einem Zeichen, das YAML besonders liest (@ ` % * & ! | >); "
            'setze den Wert in Anführungszeichen, z. B. role: "@Team"'
        )
    if "end of stream" in problem:
        return context_line, "die Datei endet mitten in einem Wert (fehlt ein Zeichen?)"
    return problem_line, f"{problem} (Einrückung und Doppelpunkte in dieser Zeile prüfen)"


def _lines_of(text: str) -> dict[Path, int]:
    """Every path's line, for a text that :func:`parse_yaml` accepted (else empty)."""
    try:
        node = _compose(text)
        builder = _Builder(record_depth=MAX_DEPTH)
        if node is not None:
            builder.build(node, (), 0)
    except YamlSourceError:
        return {}
    return builder.lines


def _count_nodes(node: yaml.Node, depth: int, counted: dict[int, int]) -> int:
    """The nodes ``node`` stands for with every alias expanded, as :class:`_Builder` counts
    them; raises once that is over ``MAX_NODES``. Shared (aliased) nodes are counted once
    and multiplied, so this takes time for the file, not for what the aliases make of it.
    """
    known = counted.get(id(node))
    if known is not None:
        return known
    if depth > MAX_DEPTH:
        return 1  # _Builder reports this as too deep
    counted[id(node)] = 1  # a node inside itself (&a [*a]): _Builder reports it as too deep
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    total = 1
    for child in children:
        total += _count_nodes(child, depth + 1, counted)
        if total > MAX_NODES:
            raise YamlSourceError(
                child.start_mark.line + 1,
                "YAML hat zu viele Elemente (Anker/Aliase vervielfachen die Datei?)",
            )
    counted[id(node)] = total
    return total


class _Builder:
    """Plain data from composed nodes, with our limits, and the lines of paths up to
    ``record_depth`` long."""

    def __init__(self, *, record_depth: int) -> None:
        self.record_depth = record_depth
        self.lines: dict[Path, int] = {}
        self.count = 0
        # The constructor alone: a whole SafeLoader holds reference cycles (parser states).
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        self._check(node, depth)
        if depth <= self.record_depth:
            self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, path, depth)
        if node.tag == _STR:
            return node.value  # what SafeConstructor does for a plain or quoted text
        return self._scalar(node)

    def _check(self, node: yaml.Node, depth: int) -> None:
        if self.count > MAX_NODES:
            raise YamlSourceError(
                node.start_mark.line + 1,
                "YAML hat zu viele Elemente (Anker/Aliase vervielfachen die Datei?)",
            )
        if depth > MAX_DEPTH:
            raise YamlSourceError(node.start_mark.line + 1, "YAML ist zu tief verschachtelt")

    # Texts, nearly every value of a knowledge file, are taken here without a call to build:
    # the same checks and lines, a third less time.

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        record = depth < self.record_depth  # the children's paths get their lines
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR:
                self.count += 1
                self._check(key_node, depth + 1)
                key = key_node.value
            else:
                if key_node.tag == _MERGE:
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, "'<<' (YAML-Merge) wird nicht unterstützt"
                    )
                key = self.build(key_node, path, depth + 1)
                if not isinstance(key, str | int | bool | float) or key is None:
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, "Schlüssel muss ein einfacher Text sein"
                    )
            if key in result:
                raise YamlSourceError(
                    key_node.start_mark.line + 1, f"Schlüssel '{key}' steht doppelt"
                )
            child: Path = path
            if record:
                child = (*path, key if isinstance(key, str) else str(key))
                self.lines[child] = key_node.start_mark.line + 1
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                self.count += 1
                self._check(value_node, depth + 1)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, child, depth + 1)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> list[Any]:
        record = depth < self.record_depth
        items: list[Any] = []
        for index, item in enumerate(node.value):
            child: Path = path
            if record:
                child = (*path, index)
                self.lines[child] = item.start_mark.line + 1
            if type(item) is yaml.ScalarNode and item.tag == _STR:
                self.count += 1
                self._check(item, depth + 1)
                items.append(item.value)
            else:
                items.append(self.build(item, child, depth + 1))
        return items

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            line = node.start_mark.line + 1
            raise YamlSourceError(line, f"YAML-Wert ungültig: {exc.problem}") from None
        except Exception as exc:  # e.g. 2026-02-30, "!!int x" or "!!bool vielleicht"
            line = node.start_mark.line + 1
            value = str(node.value)[:80]
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise YamlSourceError(
                    line,
                    f"'{value}' ist kein gültiges Datum (diesen Tag gibt es nicht); "
                    "schreibe Jahr-Monat-Tag, z. B. verified: 2026-12-01",
                ) from None
            raise YamlSourceError(line, f"YAML-Wert ungültig: '{value}' ({exc})") from None
