"""Seeded mutations of knowledge files: what a slip of the hand, a bad upload or an attacker
makes of them. Every mutation is a pure function of its seed (``random.Random(seed)``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

Mutator = Callable[[random.Random, bytes], bytes]

_SCALAR_LINE = re.compile(rb"^(\s*(?:- )?[A-Za-z_]+:) +(\S.*)$")
_BLOCK_LINE = re.compile(rb"^(\s*(?:- )?[A-Za-z_]+:)\s*$")
_KEY_LINE = re.compile(rb"^(\s*)(?:- )?[A-Za-z_]+:")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _pick(rng: random.Random, lines: list[bytes], pattern: re.Pattern[bytes]) -> int | None:
    candidates = [i for i, line in enumerate(lines) if pattern.match(line)]
    return rng.choice(candidates) if candidates else None


def truncate(rng: random.Random, data: bytes) -> bytes:
    """Cut the file at a random byte (a half-written upload), maybe inside a UTF-8 character."""
    return data[: rng.randrange(len(data) + 1)]


def indentation(rng: random.Random, data: bytes) -> bytes:
    """Insert or remove spaces at the start of a few lines."""
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines[i] = b" " * rng.randint(1, 4) + lines[i]
        else:
            lines[i] = lines[i][rng.randint(1, 4) :] if lines[i].startswith(b" ") else lines[i]
    return b"\n".join(lines)


def wrong_type(rng: random.Random, data: bytes) -> bytes:
    """A scalar becomes a list or a map, or a list/map becomes a scalar."""
    lines = _lines(data)
    i = _pick(rng, lines, _SCALAR_LINE)
    j = _pick(rng, lines, _BLOCK_LINE)
    if i is not None and (j is None or rng.random() < 0.6):
        match = _SCALAR_LINE.match(lines[i])
        assert match is not None
        value = rng.choice([b"[a, b, 3]", b"{x: 1, y: [2]}", b"[]", b"{}", b"[[[1]]]"])
        lines[i] = match.group(1) + b" " + value
    elif j is not None:
        match = _BLOCK_LINE.match(lines[j])
        assert match is not None
        indent = len(lines[j]) - len(lines[j].lstrip())
        end = j + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        value = rng.choice([b"17", b'"nur Text"', b"true", b"~", b"2026-11-01", b"3.14"])
        lines[j:end] = [match.group(1) + b" " + value]  # the key and its whole block
    return b"\n".join(lines)


def binary(rng: random.Random, data: bytes) -> bytes:
    """Random bytes, NUL included: pasted in, or the whole file (a picture saved as .yaml)."""
    garbage = bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000)))
    if rng.random() < 0.3:
        return garbage
    at = rng.randrange(len(data) + 1)
    return data[:at] + garbage + data[at:]


def huge(rng: random.Random, data: bytes) -> bytes:
    """More than 2 MiB: the file itself grown, or a long comment."""
    size = 2 * 1024 * 1024 + rng.randint(1, 4096)
    if rng.random() < 0.5:
        return (data + b"\n") * (size // max(len(data), 1) + 1)
    return data + b"\n# " + b"x" * size + b"\n"


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    """A value nested 10,000 levels deep, in flow or block style."""
    depth = 10_000
    if rng.random() < 0.5:
        value = b"[" * depth + b"1" + b"]" * depth
    else:
        value = b"{a: " * depth + b"1" + b"}" * depth
    lines = _lines(data)
    i = _pick(rng, lines, _SCALAR_LINE)
    if i is None or rng.random() < 0.3:
        if rng.random() < 0.5:
            return data + b"\ntief: " + value + b"\n"
        return b"- " * depth + b"x"  # block style: a list in a list in a list …
    match = _SCALAR_LINE.match(lines[i])
    assert match is not None
    lines[i] = match.group(1) + b" " + value
    return b"\n".join(lines)


def alias_bomb(rng: random.Random, data: bytes) -> bytes:
    """The "billion laughs": nine levels of aliases, each nine times the one before."""
    levels = [b'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, rng.randint(6, 9) + 1):
        refs = b", ".join([b"*a%d" % (n - 1)] * 9)
        levels.append(b"a%d: &a%d [%s]" % (n, n, refs))
    bomb = b"\n".join(levels) + b"\n"
    if rng.random() < 0.5:
        # Hidden in an entry's keywords instead of at the top level.
        last = len(levels) - 1
        return bomb + data.replace(b"keywords: [", b"keywords: [*a%d, " % last, 1)
    return data + b"\n" + bomb


def duplicate_key(rng: random.Random, data: bytes) -> bytes:
    """A key given twice in the same map (the second would silently win in plain YAML)."""
    lines = _lines(data)
    i = _pick(rng, lines, _SCALAR_LINE)
    if i is None:
        return data + b"\nentries: []\nentries: []\n"
    line = lines[i]
    copy = re.sub(rb"^(\s*)- ", rb"\1  ", line)  # the copy belongs to the same item
    lines.insert(i + 1, copy)
    return b"\n".join(lines)


def delete_lines(rng: random.Random, data: bytes) -> bytes:
    """Lines lost (a bad merge): one line or a run of lines anywhere."""
    lines = _lines(data)
    for _ in range(rng.randint(1, 3)):
        if len(lines) <= 1:
            break
        start = rng.randrange(len(lines))
        del lines[start : start + rng.randint(1, 8)]
    return b"\n".join(lines)


def unknown_key(rng: random.Random, data: bytes) -> bytes:
    """A key the format does not know (a typo such as 'phnoe') at any level."""
    lines = _lines(data)
    i = _pick(rng, lines, _KEY_LINE)
    name = rng.choice([b"phnoe", b"titel", b"Urgent", b"text2", b"__proto__", b"<<"])
    if i is None:
        return data + b"\n" + name + b": x\n"
    match = _KEY_LINE.match(lines[i])
    assert match is not None
    indent = match.group(1) + (b"  " if lines[i].lstrip().startswith(b"- ") else b"")
    lines.insert(i + 1, indent + name + b": " + rng.choice([b"x", b"[1, 2]", b"{a: b}"]))
    return b"\n".join(lines)


def invalid_utf8(rng: random.Random, data: bytes) -> bytes:
    """Bytes that are not UTF-8 (Latin-1 umlauts, lone continuation bytes, overlong forms)."""
    lines = _lines(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        bad = rng.choice(
            [b"\xe4\xf6\xfc", b"\xff\xfe", b"\x80", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0"]
        )
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + bad + lines[i][at:]
    return b"\n".join(lines)


def hostile_scalar(rng: random.Random, data: bytes) -> bytes:
    """Values YAML itself chokes on: impossible dates, wrong explicit tags, Python objects."""
    value = rng.choice(
        [
            b"2026-02-30",
            b"2026-13-01",
            b"0000-01-01",
            b"!!int zwei",
            b"!!float x",
            b"!!bool vielleicht",
            b"!!timestamp gestern",
            b"!!binary ===",
            b'!!python/object/apply:os.system ["echo pwned"]',
            b"!!set {a, b}",
            b"*nirgendwo",
            b"&anker",
            b"? [a, b]",
            b'"\\ud800"',
            b'"\\x00"',
            b"1e400",
            b"9" * 5000,
        ]
    )
    lines = _lines(data)
    i = _pick(rng, lines, _SCALAR_LINE)
    if i is None:
        return data + b"\nx: " + value + b"\n"
    match = _SCALAR_LINE.match(lines[i])
    assert match is not None
    lines[i] = match.group(1) + b" " + value
    return b"\n".join(lines)


_CONTACT_LINE = re.compile(rb"^(\s*(?:- )?(?:phone|hours|email|after_hours|verified):) +(\S.*)$")


def contact_value(rng: random.Random, data: bytes) -> bytes:
    """A phone number, opening hours or date that their own parsers may trip over."""
    value = rng.choice(
        [
            b'"001"',
            b'"00200"',
            b'"0"',
            b'"+"',
            b'"116"',
            b'"()-/"',
            b'"' + b"9" * 5000 + b'"',
            b'"Mo-Fr 25:00-26:00"',
            b'"sunrise-sunset"',
            b'"24/7 open"',
            b'"Mo-Fr 08:00-16:00 \\"Kommentar"',
            b'"' + b"Mo-Fr 08:00-16:00; " * 200 + b'"',
            b'"week 54"',
            b'"2026-02-30"',
            b"2026-11-25T10:00:00",
            b"-1",
        ]
    )
    lines = _lines(data)
    i = _pick(rng, lines, _CONTACT_LINE)
    if i is None:
        contact = b"[{id: x, title: x, category: x, text: x, contacts: [{name: x, phone: %s}]}]"
        return data + b"\nentries: " + contact % value + b"\n"
    match = _CONTACT_LINE.match(lines[i])
    assert match is not None
    lines[i] = match.group(1) + b" " + value
    return b"\n".join(lines)


MUTATORS: dict[str, Mutator] = {
    "contact_value": contact_value,
    "truncate": truncate,
    "indentation": indentation,
    "wrong_type": wrong_type,
    "binary": binary,
    "huge": huge,
    "deep_nesting": deep_nesting,
    "alias_bomb": alias_bomb,
    "duplicate_key": duplicate_key,
    "delete_lines": delete_lines,
    "unknown_key": unknown_key,
    "invalid_utf8": invalid_utf8,
    "hostile_scalar": hostile_scalar,
}


@dataclass(frozen=True)
class Mutation:
    """The changed files (name → new bytes) and what was done to them."""

    seed: int
    files: dict[str, bytes]
    steps: tuple[str, ...]

    def __str__(self) -> str:
        return f"seed {self.seed}: {', '.join(self.steps)}"


def mutate(originals: dict[str, bytes], seed: int, kind: str | None = None) -> Mutation:
    """One or more files of ``originals`` changed by one or more mutators, all from ``seed``."""
    rng = random.Random(seed)
    names = sorted(originals)
    files: dict[str, bytes] = {}
    steps: list[str] = []
    for _ in range(1 if kind else rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(names)
        chosen = kind or rng.choice(sorted(MUTATORS))
        files[name] = MUTATORS[chosen](rng, files.get(name, originals[name]))
        steps.append(f"{chosen}({name})")
    return Mutation(seed, files, tuple(steps))
