"""A valid knowledge base whose every text is hostile: markup, entities, quotes, emoji, length.

Written as YAML files so the real loader reads it, exactly as it would a team lead's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MARKUP = '<b>fett</b> </i> <script>alert("x")</script> &amp; &lt; & &#0; &#xD800; <a href=x>'
QUOTES = "\"doppelt\" 'einfach' „deutsch“ «franz» `back`"
EMOJI = "🚨👮‍♀️🏳️‍🌈🇩🇪👍🏽"
FORMATS = "{0} {place} {} %s %(x)s %d {{ }} ${HOME} \\n \\x00"
INVISIBLE = "\u200b\u200d\u200e\u200f\u202e\u2066\ufeff\u00ad"  # zero-width, RTL, BOM
NASTY = f"{MARKUP} {QUOTES} {EMOJI} {FORMATS} {INVISIBLE}"

LONG_WORD = ("&<>\"'" + EMOJI) * 700  # no spaces at all, ~10,000 characters
LONG_LINE = " ".join(f"{NASTY} {i}" for i in range(120))  # one line with spaces, ~16,000
LONG_PARAGRAPHS = "\n".join(f"Zeile {i} {MARKUP} {EMOJI}" for i in range(100))
BLANKS = "Tabs" + "\t" * 5000 + "Leerzeichen" + " " * 5000 + "NBSP" + "\u00a0" * 5000 + "Ende"
LONG_TEXT = f"{NASTY}\n\n{LONG_WORD}\n\n{LONG_LINE}\n\n{BLANKS}\n\n{LONG_PARAGRAPHS}"

PLACES = {
    "evil": f"<Böse&Stadt> {EMOJI}",
    "quoted": 'O\'Brien "Town" am <See>',
    "plain": "Hausach",
}


def _contact(index: int, *, long: bool = False) -> dict[str, Any]:
    return {
        "name": f'<b>Wache {index}</b> & "Co" {EMOJI}' + (LONG_WORD[:5000] if long else ""),
        "role": f"{QUOTES} <i>" + (LONG_LINE[:5000] if long else ""),
        "phone": ["110", "+49 781 21-0", "0781 805 1660", "116 117"][index % 4],
        "email": "a&b'x@example.org",  # & and ' are valid in an address and special in HTML
        "address": f"<Straße> {index} & 2, {FORMATS}",
        "hours": [
            "Mo-Fr 08:00-16:00",
            "24/7",
            'Mo-Su 10:00-12:00 unknown "nach <Vereinbarung> & so"',
            "Mo-Fr 08:00-12:00; PH off",
        ][index % 4],
        "after_hours": "notruf-evil",
    }


def knowledge_files() -> dict[str, dict[str, Any]]:
    """The files by name, as plain data."""
    categories = [
        {"id": "polizei", "label": f'<b>Polizei</b> & "Wache" {EMOJI}'},
        {"id": "notruf", "label": f"&amp; Notruf <script> {INVISIBLE}"},
        {"id": "x" * 48, "label": LONG_WORD[:3000]},
    ]
    places = [
        {"name": PLACES["evil"], "aliases": ["Bösingen & Co", f"Dorf {EMOJI}"], "tags": ["evil"]},
        {"name": PLACES["quoted"], "tags": ["quoted"]},
        {"name": PLACES["plain"], "tags": ["plain"]},
    ]
    entries: list[dict[str, Any]] = [
        {
            "id": "notruf-evil",
            "title": f"Notruf {NASTY}",
            "category": "notruf",
            "keywords": ["notruf", "gefahr", MARKUP],
            "text": f"Sofort 110 wählen. {NASTY}",
            "urgent": True,
            "verified": "2026-11-20",
            "contacts": [_contact(1)],
        },
        {
            "id": "polizei-evil",
            "title": f"Polizei {MARKUP} {EMOJI}",
            "category": "polizei",
            "keywords": ["polizei", "revier", "wache"],
            "scope": ["evil"],
            "text": f"Das Revier für die <Böse&Stadt>. {NASTY}",
            "steps": [MARKUP, QUOTES, FORMATS, LONG_WORD[:500]],
            "contacts": [_contact(i) for i in range(4)],
            "related": ["notruf-evil", "lang"],
            "source": f"{MARKUP} {LONG_LINE[:2000]}",
            "verified": "2020-01-01",
        },
        {
            "id": "polizei-rest",
            "title": f'Polizei "überall" & <sonst> {EMOJI}',
            "category": "polizei",
            "keywords": ["polizei", "revier"],
            "scope": ["quoted", "plain"],
            "text": f"{QUOTES} {FORMATS}",
            "urgent": True,
        },
        {
            "id": "lang",
            "title": LONG_WORD,
            "category": "x" * 48,
            "keywords": ["lang", "riesig", LONG_LINE[:1000]],
            "text": LONG_TEXT,
            "steps": [LONG_WORD[:2000], LONG_LINE[:6000], NASTY],
            "contacts": [_contact(i, long=i == 0) for i in range(4)],
            "related": ["polizei-evil", "notruf-evil"],
            "source": LONG_LINE[:5000],
            "verified": "2026-11-01",
        },
    ]
    # Enough entries in one category for /themen to page, each with a hostile title.
    for i in range(20):
        entries.append(
            {
                "id": f"{'e' * 44}-{i:02d}"[-48:],
                "title": f"{i} {MARKUP} {EMOJI} " + "Ä" * (i * 10),
                "category": "x" * 48,
                "keywords": [f"eintrag {i}", QUOTES],
                "text": f"{FORMATS}\n\n{NASTY}",
                "related": ["lang"],
            }
        )
    return {
        "categories.yaml": {"categories": categories},
        "places.yaml": {"places": places, "synonyms": [["polizei", "<bullen>", "cops & co"]]},
        "entries.yaml": {"entries": entries},
    }


def write_hostile_knowledge(directory: Path) -> Path:
    """Write the hostile knowledge as YAML files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in knowledge_files().items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        (directory / name).write_text(text, encoding="utf-8")
    return directory
