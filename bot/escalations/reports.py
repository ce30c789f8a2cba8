"""Export (CSV/JSON) and statistics of escalations, with a chart for /statistik."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.escalations.model import Escalation
from bot.escalations.service import median

EXPORT_FIELDS = (
    "id",
    "created_at",
    "kind",
    "urgency",
    "place",
    "team",
    "status",
    "reporter_id",
    "taken_by",
    "taken_at",
    "resolved_by",
    "resolved_at",
    "minutes_to_take",
    "description",
    "outcome",
)


def _row(escalation: Escalation, *, iso: bool = True) -> dict[str, object]:
    """One escalation's export fields; times as ISO texts, or (``iso=False``) as they are."""
    minutes = minutes_to_take(escalation)

    def when(moment: dt.datetime | None) -> object:
        if moment is None:
            return ""
        return moment.isoformat() if iso else moment

    return {
        "id": escalation.id,
        "created_at": when(escalation.created_at),
        "kind": escalation.kind.value,
        "urgency": escalation.urgency.value,
        "place": escalation.place or "",
        "team": escalation.team or "",
        "status": escalation.status.value,
        "reporter_id": escalation.reporter_id,
        "taken_by": escalation.taken_by or "",
        "taken_at": when(escalation.taken_at),
        "resolved_by": escalation.resolved_by or "",
        "resolved_at": when(escalation.resolved_at),
        "minutes_to_take": "" if minutes is None else round(minutes, 1),
        "description": escalation.description or "",
        "outcome": escalation.outcome or "",
    }


CSV_DELIMITER = ";"  # what a German spreadsheet expects (the comma is the decimal mark)
BOM = "\ufeff"  # so that Excel reads UTF-8 (umlauts) instead of the local code page
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object, zone: dt.tzinfo) -> object:
    """One CSV cell as a German office reads it: local times, decimal commas, and a text
    that a spreadsheet would run as a formula (``=HYPERLINK(…)``) kept as text with '."""
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(zone):%d.%m.%Y %H:%M}"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(escalations: Sequence[Escalation], zone: dt.tzinfo) -> str:
    """The CSV export: ``;``-separated, starting with a BOM, times in ``zone``."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, delimiter=CSV_DELIMITER)
    writer.writeheader()
    for escalation in escalations:
        row = _row(escalation, iso=False)
        writer.writerow({key: _cell(value, zone) for key, value in row.items()})
    return buffer.getvalue()


def to_json(escalations: Sequence[Escalation]) -> str:
    return json.dumps([_row(e) for e in escalations], ensure_ascii=False, indent=2)


def minutes_to_take(escalation: Escalation) -> float | None:
    if escalation.taken_at is None:
        return None
    return (escalation.taken_at - escalation.created_at).total_seconds() / 60


@dataclass
class Statistics:
    total: int
    by_kind: Counter[str] = field(default_factory=Counter)
    by_place: Counter[str] = field(default_factory=Counter)
    by_team: Counter[str] = field(default_factory=Counter)
    by_month: Counter[str] = field(default_factory=Counter)
    median_minutes_to_take: float | None = None


def statistics(escalations: Sequence[Escalation], no_value: str) -> Statistics:
    """Counts by kind, town, team and month, and the median time until a lead took it."""
    stats = Statistics(total=len(escalations))
    for e in escalations:
        stats.by_kind[e.kind.value] += 1
        stats.by_place[e.place or no_value] += 1
        stats.by_team[e.team or no_value] += 1
        stats.by_month[f"{e.created_at:%Y-%m}"] += 1
    minutes = [m for m in (minutes_to_take(e) for e in escalations) if m is not None]
    stats.median_minutes_to_take = median(minutes)
    return stats


def chart_png(stats: Statistics, labels: dict[str, str], title: str) -> bytes:
    """A bar chart of escalations per month and per kind, as PNG bytes.

    Uses matplotlib's object API (no pyplot state), so it may run in a worker thread.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), dpi=100)
    months, kinds = figure.subplots(1, 2)
    month_keys = sorted(stats.by_month)
    months.bar(month_keys, [stats.by_month[m] for m in month_keys], color="#2f6f9f")
    months.set_title(labels.get("month", "month"))
    months.tick_params(axis="x", rotation=45)
    kind_keys = sorted(stats.by_kind, key=lambda k: -stats.by_kind[k])
    kinds.barh(
        [labels.get(k, k) for k in kind_keys],
        [stats.by_kind[k] for k in kind_keys],
        color="#b5452f",
    )
    kinds.set_title(labels.get("kind", "kind"))
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
