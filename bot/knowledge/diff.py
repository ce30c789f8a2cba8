"""What a change of the knowledge changes: entries added, removed, and changed field by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.base import Knowledge
from bot.knowledge.model import Entry


@dataclass(frozen=True, slots=True)
class FieldChange:
    entry_id: str
    field: str
    old: object
    new: object


@dataclass
class Review:
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # places, categories, synonyms

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other)

    def summary(self) -> str:
        """A short English summary for the revision log."""
        parts = []
        if self.added:
            parts.append("added " + ", ".join(e.id for e in self.added))
        if self.removed:
            parts.append("removed " + ", ".join(e.id for e in self.removed))
        changed = sorted({f"{c.entry_id}.{c.field}" for c in self.changed})
        if changed:
            parts.append("changed " + ", ".join(changed))
        parts.extend(self.other)
        return "; ".join(parts) or "no change"

    def urgent_phone_changes(self, new: Knowledge) -> list[Entry]:
        """Urgent entries whose phone numbers changed: caseworkers must hear of these."""
        ids = sorted({c.entry_id for c in self.changed if c.field.endswith(".phone") and c.new})
        entries = [new.entries.get(entry_id) for entry_id in ids]
        return [e for e in entries if e is not None and e.urgent]


def _contact_changes(
    entry_id: str, old: list[dict[str, object]], new: list[dict[str, object]]
) -> list[FieldChange]:
    """Contacts compared one by one and field by field: "contacts[0].phone"."""
    changes = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else {}
        after = new[index] if index < len(new) else {}
        for key in dict.fromkeys([*before, *after]):
            if before.get(key) != after.get(key):
                changes.append(
                    FieldChange(
                        entry_id, f"contacts[{index}].{key}", before.get(key), after.get(key)
                    )
                )
    return changes


def review(old: Knowledge, new: Knowledge) -> Review:
    result = Review()
    for entry_id, entry in new.entries.items():
        before = old.entries.get(entry_id)
        if before is None:
            result.added.append(entry)
            continue
        old_data = before.model_dump(mode="json")
        new_data = entry.model_dump(mode="json")
        for name in new_data:
            if old_data.get(name) == new_data[name]:
                continue
            if name == "contacts":
                result.changed.extend(_contact_changes(entry_id, old_data[name], new_data[name]))
            else:
                result.changed.append(
                    FieldChange(entry_id, name, old_data.get(name), new_data[name])
                )
    result.removed = [e for i, e in old.entries.items() if i not in new.entries]
    if [p.model_dump() for p in old.places] != [p.model_dump() for p in new.places]:
        result.other.append("places changed")
    if {k: v.label for k, v in old.categories.items()} != {
        k: v.label for k, v in new.categories.items()
    }:
        result.other.append("categories changed")
    if old.synonyms != new.synonyms:
        result.other.append("synonyms changed")
    return result
