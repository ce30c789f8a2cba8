"""Escalation messages as replies (HTML + buttons): alerts, notices, summaries, lists."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from bot import actions, texts
from bot.actions import Action
from bot.escalations.model import AuditEvent, Escalation, Kind, Status, Urgency
from bot.escalations.privacy import PersonalData
from bot.escalations.reports import Statistics
from bot.escalations.service import Outgoing, Purpose, Reach
from bot.render.reply import Button, Reply, split_message

LIST_PAGE = 8


def _esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def _time(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return f"{moment.astimezone(zone):%d.%m.%Y %H:%M}"


def place_label(escalation: Escalation) -> str:
    return escalation.place or texts.ESC_NO_PLACE


def status_line(escalation: Escalation, zone: dt.tzinfo) -> str:
    if escalation.status is Status.RESOLVED and escalation.resolved_at:
        name = escalation.taken_by_name or str(escalation.resolved_by)
        return texts.ALERT_RESOLVED_BY.format(
            name=_esc(name), time=_time(escalation.resolved_at, zone)
        )
    if escalation.status is Status.TAKEN and escalation.taken_at:
        return texts.ALERT_TAKEN_BY.format(
            name=_esc(escalation.taken_by_name), time=_time(escalation.taken_at, zone)
        )
    return texts.STATUS_LABELS[escalation.status.value]


def alert(escalation: Escalation, zone: dt.tzinfo, lines_before: list[str] | None = None) -> Reply:
    """The leads' alert; its buttons disappear once the escalation is resolved.

    Always one message: the alert is later edited in place ("übernommen von …"), and an edit
    can only replace one message. A description too long for that is shortened here (the
    full text stays in the database, the export and the history).
    """
    text = escalation.description
    keep = len(text) if text is not None else 0
    while True:
        reply = _alert(escalation, zone, lines_before, keep)
        if keep == 0 or len(split_message(reply.html)) == 1:
            return reply
        keep = keep * 9 // 10


def _alert(
    escalation: Escalation, zone: dt.tzinfo, lines_before: list[str] | None, keep: int
) -> Reply:
    text = escalation.description
    if text is None:
        description = texts.ALERT_ERASED
    else:
        description = _esc(text if keep >= len(text) else text[:keep] + "…")
    body = texts.ALERT.format(
        id=escalation.id,
        urgency=texts.URGENCY_LABELS[escalation.urgency.value],
        kind=texts.KIND_LABELS[escalation.kind.value],
        place=_esc(place_label(escalation)),
        description=description,
        reporter=_esc(escalation.reporter_name or str(escalation.reporter_id)),
        created=_time(escalation.created_at, zone),
        status=status_line(escalation, zone),
    )
    rows: list[list[Button]] = []
    if escalation.status is Status.OPEN:
        rows.append(
            [
                Button(texts.ALERT_TAKE, Action(actions.ESC_TAKE, (str(escalation.id),))),
                Button(texts.ALERT_DONE, Action(actions.ESC_DONE, (str(escalation.id),))),
            ]
        )
    elif escalation.status is Status.TAKEN:
        rows.append([Button(texts.ALERT_DONE, Action(actions.ESC_DONE, (str(escalation.id),)))])
    return Reply("\n\n".join([*(lines_before or []), body]), rows)


def outgoing(item: Outgoing, zone: dt.tzinfo, max_reminders: int) -> Reply:
    """The message an outbox row stands for."""
    escalation = item.escalation
    mark = [texts.ALERT_REDELIVERY] if item.redelivery else []
    if item.purpose is Purpose.ALERT:
        return alert(escalation, zone, mark)
    if item.purpose is Purpose.REMINDER:
        reminder = texts.ALERT_REMINDER.format(count=escalation.reminders_sent, max=max_reminders)
        return alert(escalation, zone, [*mark, reminder])
    if item.purpose is Purpose.FALLBACK:
        return alert(escalation, zone, [*mark, texts.ALERT_LEAD_CHAT_FALLBACK])
    if item.purpose is Purpose.ADMIN_ALERT:
        admin = texts.ALERT_ADMIN.format(count=escalation.reminders_sent)
        return alert(escalation, zone, [*mark, admin])
    name = _esc(escalation.taken_by_name or "einer Teamleitung")
    if item.purpose is Purpose.TAKEN:
        text = texts.REPORTER_TAKEN.format(id=escalation.id, name=name)
    else:
        text = texts.REPORTER_RESOLVED.format(id=escalation.id, name=name)
    return Reply("\n\n".join([*mark, text]))


def escalation_list(escalations: list[Escalation], page: int) -> Reply:
    if not escalations:
        return Reply(texts.ESC_LIST_EMPTY)
    pages = max(1, -(-len(escalations) // LIST_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = escalations[page * LIST_PAGE : (page + 1) * LIST_PAGE]
    rows = [
        [
            Button(
                texts.ESC_LIST_ITEM.format(
                    id=e.id,
                    kind=texts.KIND_LABELS[e.kind.value],
                    place=place_label(e),
                    status=texts.STATUS_LABELS[e.status.value],
                ),
                Action(actions.ESC_SHOW, (str(e.id),)),
            )
        ]
        for e in chunk
    ]
    nav = []
    if page > 0:
        nav.append(Button(texts.PREVIOUS_PAGE, Action(actions.ESC_LIST, (str(page - 1),))))
    if page < pages - 1:
        nav.append(Button(texts.NEXT_PAGE, Action(actions.ESC_LIST, (str(page + 1),))))
    if nav:
        rows.append(nav)
    return Reply(texts.ESC_LIST_HEADING.format(count=len(escalations)), rows)


def escalation_history(escalation: Escalation, events: list[AuditEvent], zone: dt.tzinfo) -> Reply:
    lines = [texts.ESC_HISTORY_HEADING.format(id=escalation.id), alert(escalation, zone).html, ""]
    for event in events:
        who = f" ({_esc(event.actor_name)})" if event.actor_name else ""
        lines.append(
            f"{_time(event.at, zone)} {texts.AUDIT_LABELS.get(event.action, event.action)}{who}"
        )
    return Reply("\n".join(lines), [[Button(texts.BACK, Action(actions.ESC_LIST, ("0",)))]])


def statistics_text(stats: Statistics) -> str:
    if stats.total == 0:
        return texts.STATS_EMPTY
    blocks = [texts.STATS_HEADING.format(count=stats.total)]
    sections = {
        "kind": {texts.KIND_LABELS.get(k, k): v for k, v in stats.by_kind.items()},
        "place": dict(stats.by_place),
        "team": dict(stats.by_team),
        "month": dict(sorted(stats.by_month.items())),
    }
    for key, counts in sections.items():
        ordered = counts.items() if key == "month" else sorted(counts.items(), key=lambda i: -i[1])
        width = max(len(str(name)) for name, _ in ordered)
        table = "\n".join(f"{name!s:<{width}}  {count:>4}" for name, count in ordered)
        blocks.append(
            texts.STATS_SECTION.format(title=texts.STATS_TITLES[key])
            + f"\n<pre>{_esc(table)}</pre>"
        )
    if stats.median_minutes_to_take is None:
        blocks.append(texts.STATS_NO_MEDIAN)
    else:
        blocks.append(texts.STATS_MEDIAN.format(minutes=f"{stats.median_minutes_to_take:.0f}"))
    return "\n\n".join(blocks)


def reach_lines(reach: Reach) -> list[str]:
    """The reporter's confirmation: whom the alert really reached, and what is still open."""
    if reach.group == "delivered":
        return [texts.ESC_REACHED_GROUP]
    if reach.nobody:
        return [texts.ESC_REACHED_NOBODY]
    if reach.group == "failed":
        lines = [texts.ESC_GROUP_UNREACHABLE]
        if reach.direct:
            lines.append(texts.ESC_REACHED_ADMINS.format(count=reach.direct))
        if reach.direct_pending:
            lines.append(texts.ESC_REACH_PENDING)
        return lines
    lines = []
    if reach.direct:
        lines.append(texts.ESC_REACHED_DIRECT.format(count=reach.direct))
    if reach.group == "pending" or reach.direct_pending:
        lines.append(texts.ESC_REACH_PENDING)
    return lines


def lead_chat_unreachable(chat_id: int, reason: str) -> str:
    """The notice to the admins when the leads' group cannot be reached."""
    return texts.LEAD_CHAT_UNREACHABLE_ADMIN.format(chat=chat_id, reason=html.escape(reason))


def draft_summary(kind: Kind, place: str | None, urgency: Urgency, description: str) -> Reply:
    """A report before it is sent: what, where, how urgent, and the send/cancel buttons."""
    text = texts.ESC_SUMMARY.format(
        kind=texts.KIND_LABELS[kind.value],
        place=html.escape(place or texts.ESC_NO_PLACE),
        urgency=texts.URGENCY_LABELS[urgency.value],
        description=html.escape(description),
    )
    rows = [
        [
            Button(texts.ESC_SEND, Action(actions.ESC_STEP, ("send",))),
            Button(texts.ESC_CANCEL, Action(actions.ESC_STEP, ("cancel",))),
        ]
    ]
    return Reply(text, rows)


def personal_data_warning(found: Sequence[PersonalData]) -> Reply:
    """What looks like personal data in a description, with "fix" and "keep" buttons."""
    rows = [
        [
            Button(texts.ESC_PII_FIX, Action(actions.ESC_STEP, ("fix",))),
            Button(texts.ESC_PII_KEEP, Action(actions.ESC_STEP, ("keep",))),
        ]
    ]
    labels = ", ".join(texts.PII_LABELS[kind.value] for kind in found)
    return Reply(texts.ESC_PII_WARNING.format(found=labels), rows)
