"""Quick edits of one field of one entry, keeping the rest of the file as the lead wrote it.

``ruamel.yaml`` round-trips the file: comments, key order and formatting of untouched parts
stay. Only the edited value is rewritten.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString


class Field(enum.StrEnum):
    PHONE = "phone"
    HOURS = "hours"
    TEXT = "text"
    STEPS = "steps"
    KEYWORDS = "keywords"
    VERIFIED = "verified"

    @property
    def per_contact(self) -> bool:
        return self in (Field.PHONE, Field.HOURS)


class EditError(ValueError):
    """The edit cannot be made (entry or contact not in the file, empty value)."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap lines the edit did not touch
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def edit_entry(
    text: str, entry_id: str, field: Field, value: str, contact: int | None = None
) -> str:
    """``text`` with the field replaced; ``value`` is what the lead typed."""
    yaml = _yaml()
    document = yaml.load(text)
    entries = document.get("entries") if isinstance(document, CommentedMap) else None
    entry = next(
        (e for e in entries or [] if isinstance(e, CommentedMap) and e.get("id") == entry_id),
        None,
    )
    if entry is None:
        raise EditError(f"entry {entry_id} is not in this file")
    value = value.strip()
    if field.per_contact:
        contacts = entry.get("contacts")
        index = contact or 0
        if not isinstance(contacts, CommentedSeq) or not 0 <= index < len(contacts):
            raise EditError(f"entry {entry_id} has no contact {index + 1}")
        target: CommentedMap = contacts[index]
        if value in ("", "-"):
            target.pop(field.value, None)
        else:
            target[field.value] = value
    elif field.value in entry or "source" not in entry:
        entry[field.value] = _value(field, value)
    else:
        # A new key goes before ``source`` (the usual order), not after the last value:
        # a block text there carries the blank line that separates the entries.
        entry.insert(list(entry).index("source"), field.value, _value(field, value))
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _value(field: Field, value: str) -> Any:
    if field is Field.TEXT:
        if not value:
            raise EditError("text must not be empty")
        return LiteralScalarString(value + "\n") if "\n" in value else value
    if field is Field.STEPS:
        steps = CommentedSeq(line.strip() for line in value.splitlines() if line.strip())
        return steps
    if field is Field.KEYWORDS:
        keywords = CommentedSeq(k.strip() for k in value.replace("\n", ",").split(",") if k.strip())
        keywords.fa.set_flow_style()
        return keywords
    if field is Field.VERIFIED:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    raise EditError(f"unsupported field {field}")


def set_verified(text: str, entry_id: str, day: dt.date) -> str:
    """The "I checked it, still right" edit."""
    return edit_entry(text, entry_id, Field.VERIFIED, day.isoformat())
