"""Escalations: what a caseworker reports, and the states it goes through."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class Kind(enum.StrEnum):
    VIOLENCE = "gewalt"
    SUICIDE = "suizid"
    CHILD = "kindeswohl"
    DOMESTIC = "haeusliche-gewalt"
    FIRE = "brand-unfall"
    OTHER = "sonstiges"


class Urgency(enum.StrEnum):
    ACUTE = "akut"
    TODAY = "heute"
    WEEK = "woche"


class Status(enum.StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class EscalationReport:
    """What the caseworker entered; no client names by design."""

    reporter_id: int
    kind: Kind
    urgency: Urgency
    place: str | None
    team: str | None
    description: str


@dataclass(frozen=True, slots=True)
class Escalation:
    id: int
    created_at: dt.datetime
    reporter_id: int
    reporter_name: str
    kind: Kind
    urgency: Urgency
    place: str | None
    team: str | None
    description: str | None  # None once erased after the retention period
    status: Status
    taken_by: int | None
    taken_by_name: str | None
    taken_at: dt.datetime | None
    resolved_by: int | None
    resolved_at: dt.datetime | None
    outcome: str | None
    reminders_sent: int
    last_alert_at: dt.datetime
    admins_alerted: bool


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    detail: str | None
