"""Reading YAML while remembering the line of every value, so errors can say ``file:line``.

PyYAML's ``compose`` gives nodes with positions; we build plain Python data from them
ourselves and record, for each path (``("entries", 3, "contacts", 0, "phone")``), the line of
the key or item. Limits on size, depth and node count keep hostile files (alias bombs, deep
nesting, huge files) from hanging or exhausting the bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 40

# libyaml (PyYAML's C parser, in every PyYAML wheel) reads a file near MAX_BYTES in about a
# second instead of eight, which matters for a reload inside the bot's event loop; it also
# refuses nesting deeper than 1000 levels and surrogate escapes such as "\ud800" itself.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line


class YamlSourceError(ValueError):
    """The text is not YAML we accept; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class LineMap:
    """Lines of the values in one document, by path."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of ``path`` or of its nearest ancestor that has one (1 as a last resort)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


def parse_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain data plus a :class:`LineMap`."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise YamlSourceError(1, f"Datei ist größer als {MAX_BYTES // 1024} KiB")
    if "\x00" in text:
        raise YamlSourceError(1, "Datei enthält Binärdaten (NUL-Zeichen), kein YAML")
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        # At the end of a file without a final newline libyaml counts one line too many.
        line = min(line, len(_LINE_BREAK.findall(text)) + 1)
        problem = exc.problem or exc.context or "YAML-Fehler"
        raise YamlSourceError(line, f"YAML-Syntaxfehler: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(1, f"YAML-Fehler: {exc}") from None
    except RecursionError:
        raise YamlSourceError(1, "YAML ist zu tief verschachtelt") from None
    line_map = LineMap()
    if node is None:
        return None, line_map
    _count_nodes(node, 0, {})  # before building: an alias bomb is refused in milliseconds
    builder = _Builder(line_map)
    data = builder.build(node, (), 0)
    return data, line_map


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
    def __init__(self, line_map: LineMap) -> None:
        self.line_map = line_map
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlSourceError(
                node.start_mark.line + 1,
                "YAML hat zu viele Elemente (Anker/Aliase vervielfachen die Datei?)",
            )
        if depth > MAX_DEPTH:
            raise YamlSourceError(node.start_mark.line + 1, "YAML ist zu tief verschachtelt")
        self.line_map.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, "'<<' (YAML-Merge) wird nicht unterstützt"
                    )
                key = self.build(key_node, (*path, "<key>"), depth + 1)
                if not isinstance(key, str | int | bool | float) or key is None:
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, "Schlüssel muss ein einfacher Text sein"
                    )
                if key in result:
                    raise YamlSourceError(
                        key_node.start_mark.line + 1, f"Schlüssel '{key}' steht doppelt"
                    )
                child: Path = (*path, key if isinstance(key, str) else str(key))
                self.line_map.lines[child] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                self.line_map.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child, depth + 1))
            return items
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            line = node.start_mark.line + 1
            raise YamlSourceError(line, f"YAML-Wert ungültig: {exc.problem}") from None
        except Exception as exc:  # e.g. 2026-02-30, "!!int x" or "!!bool vielleicht"
            line = node.start_mark.line + 1
            value = str(node.value)[:80]
            raise YamlSourceError(line, f"YAML-Wert ungültig: '{value}' ({exc})") from None
