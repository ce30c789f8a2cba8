"""Rendering for team leads: reviews of knowledge changes, problems, histories, reports."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import replace

from bot import texts
from bot.knowledge.diff import Review
from bot.knowledge.hours import german_hours
from bot.knowledge.loader import Problem
from bot.knowledge.reports import Gap, Stale
from bot.render.reply import echo
from bot.storage.revisions import Revision

MAX_LISTED = 25
VALUE_LIMIT = 300


def _esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def shown_value(value: object) -> str:
    """A field value as a lead reads it: lists joined, long texts shortened."""
    if value is None or value == [] or value == "":
        return "–"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    elif isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = " ".join(text.split())
    return _esc(text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…")


def _list_change(old: object, new: object) -> tuple[list[str], list[str]]:
    """Items added to and removed from a list of texts (nothing if either is no such list)."""
    if not (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(v, str) for v in [*old, *new])
    ):
        return [], []
    return [v for v in new if v not in old], [v for v in old if v not in new]


def _german_hours(value: object) -> object:
    return german_hours(value) if isinstance(value, str) else value


def field_label(name: str) -> str:
    """'contacts[0].phone' reads as 'Kontakt 1 · Telefon'."""
    if name.startswith("contacts[") and "]." in name:
        index, _, key = name.removeprefix("contacts[").partition("].")
        label = texts.FIELD_LABELS.get(key, key)
        return texts.CONTACT_FIELD.format(number=int(index) + 1, field=label)
    return texts.FIELD_LABELS.get(name, name)


def review(file: str, changes: Review, warnings: Sequence[Problem] = ()) -> str:
    """The change field by field; warnings of the new load about hours that changed (a
    later rule that replaces an earlier one, holiday hours) are listed below it, so the
    lead sees them before applying."""
    lines = change_lines(changes)
    # Only what the lead can fix in the same edit: warnings on the hours just written.
    hours_changed = {c.entry_id for c in changes.changed if c.field.endswith(".hours")}
    concerned = [p for p in warnings if p.field == "hours" and p.entry_id in hours_changed]
    if concerned:
        lines += "\n\n" + texts.EDIT_WARNINGS.format(warnings=problems(concerned))
    return texts.EDIT_REVIEW.format(file=_esc(file), changes=lines)


def changed_meanwhile(
    file: str, who: str | None, changes: Review, again: Review, warnings: Sequence[Problem] = ()
) -> str:
    """A change reviewed against an older file: the other change first, then a new review."""
    return texts.CHANGED_MEANWHILE.format(
        file=_esc(file),
        who=_esc(who or texts.CHANGED_MEANWHILE_SOMEONE),
        changes=change_lines(changes) or texts.CHANGE_NOTHING,
        review=review(file, again, warnings),
    )


def change_lines(changes: Review) -> str:
    lines: list[str] = []
    for entry in changes.added:
        lines.append(texts.CHANGE_ADDED.format(title=_esc(entry.title), id=_esc(entry.id)))
    for entry in changes.removed:
        lines.append(texts.CHANGE_REMOVED.format(title=_esc(entry.title), id=_esc(entry.id)))
    for change in changes.changed:
        if change.field.endswith(".hours"):  # stored as OSM, shown as the lead writes it
            change = replace(change, old=_german_hours(change.old), new=_german_hours(change.new))
        added, removed = _list_change(change.old, change.new)
        if added or removed:  # long lists (keywords): only what changed, not cut-off lists
            line = texts.CHANGE_LIST.format(
                id=_esc(change.entry_id),
                field=_esc(field_label(change.field)),
                added=shown_value(added),
                removed=shown_value(removed),
            )
        else:
            line = texts.CHANGE_FIELD.format(
                id=_esc(change.entry_id),
                field=_esc(field_label(change.field)),
                old=shown_value(change.old),
                new=shown_value(change.new),
            )
        lines.append(line)
    lines.extend(texts.CHANGE_OTHER.format(what=_esc(other)) for other in changes.other)
    if len(lines) > MAX_LISTED:
        lines = [*lines[:MAX_LISTED], texts.CHANGE_MORE.format(count=len(lines) - MAX_LISTED)]
    return "\n".join(lines)


def problems(found: list[Problem]) -> str:
    shown = [f"• <code>{_esc(p)}</code>" for p in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        shown.append(texts.CHANGE_MORE.format(count=len(found) - MAX_LISTED))
    return "\n".join(shown)


def refused(found: list[Problem]) -> str:
    """Why a change was not applied: every problem with its file and line."""
    return texts.EDIT_INVALID.format(problems=problems(found))


def revision_history(revisions: list[Revision], zone: dt.tzinfo) -> str:
    if not revisions:
        return texts.HISTORY_EMPTY
    lines = [texts.HISTORY_HEADING]
    for revision in revisions:
        lines.append(
            texts.HISTORY_LINE.format(
                id=revision.id,
                at=f"{revision.at.astimezone(zone):%d.%m.%Y %H:%M}",
                file=_esc(revision.file),
                source=texts.SOURCE_LABELS.get(revision.source, revision.source),
                actor=_esc(revision.actor_name or "–"),
                summary=_esc(revision.summary),
            )
        )
    return "\n".join(lines)


def gaps(found: list[Gap]) -> str:
    if not found:
        return texts.GAPS_EMPTY
    lines = [texts.GAPS_HEADING]
    for index, gap in enumerate(found[:MAX_LISTED], 1):
        lines.append(
            texts.GAPS_LINE.format(index=index, example=echo(gap.example), count=gap.count)
        )
    return "\n".join(lines)


def stale_list(report: dict[str, list[Stale]], threshold_days: int) -> str:
    if not report:
        return texts.STALE_EMPTY
    lines = [texts.STALE_HEADING.format(days=threshold_days)]
    for owner, items in report.items():
        lines.append("")
        lines.append(texts.STALE_OWNER.format(owner=_esc(owner or texts.STALE_NO_OWNER)))
        for item in items:
            if item.stale and item.verified is None:
                lines.append(
                    texts.STALE_NEVER.format(title=_esc(item.entry.title), id=item.entry.id)
                )
            elif item.stale and item.verified is not None:
                lines.append(
                    texts.STALE_DAYS.format(
                        title=_esc(item.entry.title),
                        id=item.entry.id,
                        date=texts.german_date(item.verified),
                        days=item.days,
                    )
                )
            lines.extend(
                texts.STALE_NOTE.format(
                    title=_esc(item.entry.title), id=item.entry.id, note=_esc(note)
                )
                for note in item.notes
            )
    return "\n".join(lines)


def applied(revision: int, changes: Review) -> str:
    return texts.EDIT_APPLIED.format(revision=revision, summary=html.escape(changes.summary()))


def confirmed(title: str, date: dt.date, revision: int) -> str:
    return texts.CONFIRMED.format(
        title=html.escape(title), date=texts.german_date(date), revision=revision
    )


def rolled_back(old: int, revision: int, changes: Review) -> str:
    return texts.ROLLBACK_DONE.format(
        old=old, revision=revision, summary=html.escape(changes.summary())
    )


def reloaded(changes: Review) -> str:
    return texts.RELOAD_CHANGED.format(summary=html.escape(changes.summary()))


def choose_field(title: str, entry_id: str) -> str:
    return texts.EDIT_CHOOSE_FIELD.format(title=html.escape(title), id=entry_id)


def phone_changed(title: str, phones: Sequence[tuple[str, str]]) -> str:
    """The notice to everyone when an urgent entry's number changed: (contact, number) lines."""
    lines = "\n".join(
        texts.PHONE_CHANGED_LINE.format(name=html.escape(name), phone=html.escape(phone))
        for name, phone in phones
    )
    return texts.PHONE_CHANGED_NOTICE.format(title=html.escape(title), phones=lines)
