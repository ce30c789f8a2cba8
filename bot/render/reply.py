"""Replies independent of Telegram: HTML text plus rows of buttons, escaping, splitting.

The Telegram layer sends a :class:`Reply` as a message with an inline keyboard; the console
prints the same reply as plain text with numbered buttons. Everything that comes from the
knowledge or from a user is HTML-escaped in the render layer (:mod:`bot.render`), and
nowhere else.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.actions import Action


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: Action


@dataclass(frozen=True)
class Reply:
    """A message to show: HTML (Telegram's subset) and rows of buttons."""

    html: str
    buttons: list[list[Button]] = field(default_factory=list)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


ECHO_LIMIT = 200


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """What someone typed, quoted back in a reply: escaped and shortened.

    Telegram refuses messages over 4096 characters; a 4096-character input quoted in a
    sentence would be one, and the person would get an error instead of the answer.
    """
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return esc(text)


def to_plain(markup: str) -> str:
    """Telegram HTML to plain text, for the console and for tests."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(markup: str, limit: int = 4096) -> list[str]:
    """Split HTML at paragraph, then line, then word boundaries into parts within ``limit``.

    Measured on the HTML itself, which is never shorter than the text Telegram counts, so
    every part is accepted. A tag left open at the end of a part (a very long title in
    ``<b>``) is closed there and opened again in the next part, so every part is balanced
    HTML; a word is never cut inside a tag, an entity such as ``&amp;`` or a UTF-16 pair.
    Parts without visible text are left out (Telegram refuses empty messages).
    """
    if utf16_length(markup) <= limit:
        return [markup]
    # Room for the tags that re-open and close a part, so balancing keeps it in the limit.
    inner = max(limit - 2 * _tag_overhead(markup), limit // 2)
    parts: list[str] = []
    current, length = "", 0  # the part being filled and its UTF-16 length
    for separator, pieces in _pieces(markup, inner):
        for piece in pieces:
            size = utf16_length(piece)
            if not current:
                current, length = piece, size
            elif length + len(separator) + size <= inner:
                current, length = f"{current}{separator}{piece}", length + len(separator) + size
            else:
                parts.append(current)
                current, length = piece, size
    if current:
        parts.append(current)
    balanced = _balance(parts)
    visible = [part for part in balanced if to_plain(part).strip(" \t\r\n")]
    return visible or balanced[:1]


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>")


def _tag_overhead(markup: str) -> int:
    """The most UTF-16 units that the open tags at any point need to open and close again."""
    stack: list[int] = []
    most = 0
    for match in _TAG.finditer(markup):
        if match.group(1):
            if stack:
                stack.pop()
        else:
            stack.append(utf16_length(match.group(0)) + len(match.group(2)) + 3)
            most = max(most, sum(stack))
    return most


def _balance(parts: list[str]) -> list[str]:
    """Close the tags still open at the end of each part and re-open them in the next."""
    balanced: list[str] = []
    carried: list[tuple[str, str]] = []  # (name, opening tag) of the tags open so far
    for part in parts:
        stack = list(carried)
        for match in _TAG.finditer(part):
            name = match.group(2).lower()
            if not match.group(1):
                stack.append((name, match.group(0)))
            elif stack and stack[-1][0] == name:
                stack.pop()
        prefix = "".join(tag for _, tag in carried)
        suffix = "".join(f"</{name}>" for name, _ in reversed(stack))
        balanced.append(f"{prefix}{part}{suffix}")
        carried = stack
    return balanced


def _cut(word: str, limit: int) -> int:
    """Where to cut a word that is too long: within ``limit`` UTF-16 units, never inside a
    tag, an entity or a surrogate pair, and never before the first character."""
    cut = units = 0
    while cut < len(word):
        units += 2 if ord(word[cut]) > 0xFFFF else 1
        if units > limit:
            break
        cut += 1
    safe = cut
    tag = word.rfind("<", 0, cut)
    if tag != -1 and ">" not in word[tag:cut]:
        safe = tag  # do not cut a tag such as </b> in two
    amp = word.rfind("&", max(0, safe - 8), safe)
    if amp != -1 and ";" not in word[amp:safe]:
        safe = amp  # do not cut an entity such as &amp; in two
    return safe if safe > 0 else max(cut, 1)


def _pieces(markup: str, limit: int) -> list[tuple[str, list[str]]]:
    """Paragraphs, each broken further only if it alone is over the limit."""
    result: list[tuple[str, list[str]]] = []
    for paragraph in markup.split("\n\n"):
        if utf16_length(paragraph) <= limit:
            result.append(("\n\n", [paragraph]))
            continue
        for line in paragraph.split("\n"):
            if utf16_length(line) <= limit:
                result.append(("\n", [line]))
                continue
            words: list[str] = []
            for word in line.split(" "):
                while utf16_length(word) > limit:
                    cut = _cut(word, limit)
                    words.append(word[:cut])
                    word = word[cut:]
                words.append(word)
            result.append((" ", words))
    return result
