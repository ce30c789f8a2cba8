"""Answers and menus as replies (answers, entries, topics, the emergency menu, locations).

The Telegram handlers send these replies; the console prints them with numbered buttons.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot import actions, texts
from bot.actions import Action
from bot.assistant import Answer, Assistant, ContactView
from bot.geo.locate import LocationAnswer
from bot.knowledge.base import Knowledge
from bot.knowledge.hours import OpenState, german_hours
from bot.knowledge.model import Entry, Place
from bot.render.reply import Button, Reply, esc

PAGE_SIZE = 8
EMERGENCY_NUMBERS = frozenset({"110", "112"})
T = TypeVar("T")


@dataclass(frozen=True)
class Renderer:
    """Renders with the assistant's knowledge, clock and settings."""

    assistant: Assistant
    stale_after_days: int = 180
    can_escalate: bool = False
    records_questions: bool = True  # False (console, ``ask``): no "ich habe notiert"

    # -- answers ---------------------------------------------------------------------------

    def answer(self, answer: Answer) -> Reply:
        if answer.outcome == "answer" and answer.best is not None:
            return self.entry(
                answer.best,
                now=answer.now,
                place=answer.place,
                place_source=answer.place_source,
                urgent=answer.urgent,
            )
        lead = [texts.EMERGENCY_LINES] if answer.urgent else []
        if answer.outcome == "choose":
            heading = texts.CHOOSE
            if answer.place_only and answer.place is not None:
                heading = texts.PLACE_OVERVIEW.format(place=esc(answer.place.name))
            candidates = answer.candidates
            rows = [
                [Button(_short(e.title), Action(actions.OPEN_ENTRY, (e.id,)))] for e in candidates
            ]
            if answer.place is None and any(e.scope for e in candidates):
                heading += "\n\n" + texts.NAME_THE_PLACE
            rows += self._urgent_row(answer.urgent)
            return Reply("\n\n".join([*lead, heading]), rows)
        rows = [[Button("📚 Themen", Action(actions.TOPICS, ("0",)))]]
        rows += self._urgent_row(answer.urgent)
        nothing = texts.NOTHING_FOUND if self.records_questions else texts.NOTHING_FOUND_LOCAL
        return Reply("\n\n".join([*lead, nothing]), rows)

    def entry(
        self,
        entry: Entry,
        *,
        now: dt.datetime | None = None,
        place: Place | None = None,
        place_source: str | None = None,
        urgent: bool = False,
    ) -> Reply:
        at = now or self.assistant.clock.now()
        blocks: list[str] = []
        if urgent:
            blocks.append(texts.EMERGENCY_LINES)
        heading = f"<b>{esc(entry.title)}</b>"
        if place is not None and place_source == "question":
            heading += "\n" + texts.PLACE_FROM_QUESTION.format(place=esc(place.name))
        elif place is not None and place_source == "default":
            heading += "\n" + texts.PLACE_FROM_DEFAULT.format(place=esc(place.name))
        blocks.append(heading)
        blocks.extend(esc(p.strip()) for p in re.split(r"\n\s*\n", entry.text) if p.strip())
        if entry.steps:
            numbered = "\n".join(f"{i}. {esc(step)}" for i, step in enumerate(entry.steps, 1))
            blocks.append(f"{texts.STEPS_HEADING}\n{numbered}")
        rows: list[list[Button]] = []
        views = self.assistant.contacts(entry, at)
        if views:
            blocks.append(texts.CONTACTS_HEADING)
        for view in views:
            block, after_hours = self._contact(view, at)
            blocks.append(block)
            if after_hours is not None:
                label = texts.AFTER_HOURS_BUTTON.format(title=_short(after_hours.title))
                rows.append([Button(label, Action(actions.OPEN_ENTRY, (after_hours.id,)))])
        verification = self._verification(entry, at.date(), urgent=urgent)
        if verification:
            blocks.append(verification)
        for related_id in entry.related:
            related = self.assistant.entry(related_id)
            if related is not None:
                label = texts.RELATED_BUTTON.format(title=_short(related.title))
                rows.append([Button(label, Action(actions.OPEN_ENTRY, (related.id,)))])
        rows += self._urgent_row(urgent)
        rows.append(
            [
                Button(texts.FEEDBACK_UP, Action(actions.FEEDBACK, ("+", entry.id))),
                Button(texts.FEEDBACK_DOWN, Action(actions.FEEDBACK, ("-", entry.id))),
            ]
        )
        return Reply("\n\n".join(blocks), rows)

    def _contact(self, view: ContactView, at: dt.datetime) -> tuple[str, Entry | None]:
        contact = view.contact
        role = f" ({esc(contact.role)})" if contact.role else ""
        lines = [f"<b>{esc(contact.name)}</b>{role}"]
        if view.phone is not None:
            lines.append(texts.PHONE.format(phone=esc(view.phone.display)))
        if contact.email:
            lines.append(texts.EMAIL.format(email=esc(contact.email)))
        if contact.address:
            lines.append(texts.ADDRESS.format(address=esc(contact.address)))
        if contact.hours and contact.hours != "24/7":
            lines.append(texts.HOURS.format(hours=esc(german_hours(contact.hours))))
        elif not contact.hours and contact.phone:
            lines.append(texts.HOURS_ASK_FIRST)
        after_hours: Entry | None = None
        state = view.status
        if state is not None:
            holiday = texts.HOLIDAY_NOTE.format(name=esc(state.holiday)) if state.holiday else ""
            if state.state is OpenState.OPEN:
                if state.next_change is None:
                    lines.append(texts.OPEN_NOW)
                else:
                    when = f"{state.next_change:%H:%M}"
                    if state.next_change.date() != at.date():
                        when = texts.weekday_time(state.next_change, at)
                    lines.append(texts.OPEN_NOW_UNTIL.format(when=when))
            elif state.state is OpenState.CLOSED:
                if state.next_change is None:
                    lines.append(texts.CLOSED_NOW + holiday)
                else:
                    when = texts.weekday_time(state.next_change, at)
                    if state.next_change.date() == at.date():
                        when = f"heute {when}"
                    lines.append(texts.CLOSED_NOW_OPENS.format(when=when) + holiday)
                if contact.after_hours:
                    after_hours = self.assistant.entry(contact.after_hours)
                    if after_hours is not None:
                        lines.append(texts.AFTER_HOURS.format(title=esc(after_hours.title)))
            else:
                lines.append(texts.UNKNOWN_NOW.format(hours=esc(german_hours(contact.hours or ""))))
        return "\n".join(lines), after_hours

    def _verification(self, entry: Entry, today: dt.date, *, urgent: bool = False) -> str:
        """When the entry was checked; nothing of that for 110/112 alone (always valid).

        Where 110/112 stand next to local contacts (an urgent answer, a police station
        with 110 as one contact), a warning about unchecked or old facts says that it is
        about the local ones, so nobody doubts the emergency numbers.
        """
        numbers = {"".join(c.phone.split()) for c in entry.contacts if c.phone}
        emergency_only = (
            bool(entry.contacts)
            and numbers <= EMERGENCY_NUMBERS
            and all(c.phone for c in entry.contacts)
        )
        beside_emergency = urgent or bool(numbers & EMERGENCY_NUMBERS)
        if emergency_only and (
            entry.verified is None or (today - entry.verified).days > self.stale_after_days
        ):
            line = ""
        elif entry.verified is None:
            line = texts.NEVER_VERIFIED_LOCAL if beside_emergency else texts.NEVER_VERIFIED
        elif (today - entry.verified).days > self.stale_after_days:
            stale = texts.STALE_LOCAL if beside_emergency else texts.STALE
            line = stale.format(date=texts.german_date(entry.verified), days=self.stale_after_days)
        else:
            line = texts.VERIFIED.format(date=texts.german_date(entry.verified))
        if entry.source:
            source = "<i>" + texts.SOURCE.format(source=esc(entry.source)) + "</i>"
            line = f"{line}\n{source}" if line else source
        return line

    def _urgent_row(self, urgent: bool) -> list[list[Button]]:
        if not urgent:
            return []
        rows = []
        if self.can_escalate:
            rows.append([Button(texts.ESCALATE_BUTTON, Action(actions.ESCALATE))])
        # Issue 14: the client's emergency card in their language, one tap away.
        if any(content.cards for content in self.assistant.knowledge.contents.values()):
            rows.append([Button(texts.CARD_BUTTON, Action(actions.CARD))])
        return rows

    # -- browsing --------------------------------------------------------------------------

    def topics(self, page: int = 0) -> Reply:
        knowledge = self.assistant.knowledge
        categories = [c for c in knowledge.categories.values() if knowledge.entries_in(c.id)]
        items, nav = _page(categories, page, lambda p: Action(actions.TOPICS, (str(p),)))
        rows = [[Button(c.label, Action(actions.TOPIC, (c.id, "0")))] for c in items]
        return Reply(texts.TOPICS, rows + nav)

    def topic(self, category_id: str, page: int = 0) -> Reply | None:
        knowledge = self.assistant.knowledge
        category = knowledge.categories.get(category_id)
        if category is None:
            return None
        entries = knowledge.entries_in(category_id)
        items, nav = _page(entries, page, lambda p: Action(actions.TOPIC, (category_id, str(p))))
        rows = [[Button(_short(e.title), Action(actions.OPEN_ENTRY, (e.id,)))] for e in items]
        rows += nav
        rows.append([Button(texts.BACK, Action(actions.TOPICS, ("0",)))])
        return Reply(texts.TOPIC.format(label=esc(category.label)), rows)

    def emergency(self, place: Place | None) -> Reply:
        """The urgent entries, one tap each; the user's own police station first."""
        knowledge = self.assistant.knowledge
        rows: list[list[Button]] = []
        own = own_police(knowledge, place)
        if own is not None:
            label = texts.EMERGENCY_OWN_POLICE.format(title=_short(own.title))
            rows.append([Button(label, Action(actions.OPEN_ENTRY, (own.id,)))])
        for entry in knowledge.entries.values():
            if entry.urgent and (own is None or entry.id != own.id):
                if entry.scope and (place is None or not set(place.tags) & set(entry.scope)):
                    continue
                rows.append([Button(_short(entry.title), Action(actions.OPEN_ENTRY, (entry.id,)))])
        return Reply(texts.EMERGENCY_MENU, rows)

    # -- shared locations (issue 14) -------------------------------------------------------

    def location(self, answer: LocationAnswer) -> Reply:
        """Where a shared point is, the responsible station (open/closed) and the team."""
        resolution = answer.resolution
        if resolution.certainty == "unknown":
            return Reply(texts.LOCATION_UNKNOWN)
        main = answer.responsible
        if resolution.certainty == "outside" or main is None:
            blocks = [texts.LOCATION_OUTSIDE]
            if resolution.town is not None:
                blocks.append(texts.LOCATION_OUTSIDE_NEAREST.format(town=esc(resolution.town.name)))
            blocks.append(texts.LOCATION_OUTSIDE_NO_CONTACT)
            return Reply("\n\n".join(blocks))
        place = main.place
        label = f"{place.name}-{resolution.part}" if resolution.part else place.name
        if resolution.certainty == "between" and resolution.alternative is not None:
            heading = texts.LOCATION_BETWEEN.format(
                place=esc(label), other=esc(resolution.alternative.name)
            )
        else:
            heading = texts.LOCATION_NEAR.format(place=esc(label))
        if resolution.part:
            heading += "\n" + texts.LOCATION_MUNICIPALITY.format(place=esc(place.name))
        blocks = [heading, texts.EMERGENCY_SHORT]
        rows: list[list[Button]] = []
        if main.police is not None:
            blocks.append(texts.LOCATION_POLICE.format(title=esc(main.police.title)))
            for view in main.police_contacts:
                block, _after_hours = self._contact(view, answer.now)
                blocks.append(block)
            rows.append(
                [Button(_short(main.police.title), Action(actions.OPEN_ENTRY, (main.police.id,)))]
            )
        else:
            blocks.append(texts.LOCATION_NO_POLICE.format(place=esc(place.name)))
        alternative = answer.alternative
        if alternative is not None and alternative.police is not None:
            blocks.append(
                texts.LOCATION_ALTERNATIVE_POLICE.format(
                    place=esc(alternative.place.name), title=esc(alternative.police.title)
                )
            )
            rows.append(
                [
                    Button(
                        _short(alternative.police.title),
                        Action(actions.OPEN_ENTRY, (alternative.police.id,)),
                    )
                ]
            )
        if main.team is not None:
            blocks.append(texts.LOCATION_TEAM.format(title=esc(main.team.title)))
            rows.append(
                [Button(_short(main.team.title), Action(actions.OPEN_ENTRY, (main.team.id,)))]
            )
        # Uncertain: either town may be saved, each with its own tap.
        candidates = [place]
        if resolution.certainty == "between" and resolution.alternative is not None:
            candidates.append(resolution.alternative)
        for candidate in candidates:
            save = texts.LOCATION_SAVE_BUTTON.format(place=candidate.name)
            action = Action(actions.SAVE_LOCATED, (actions.digest(candidate.name),))
            rows.append([Button(_short(save), action)])
        return Reply("\n\n".join(blocks), rows)


def own_police(knowledge: Knowledge, place: Place | None) -> Entry | None:
    """The police entry scoped to the place's district, if the place is known."""
    if place is None:
        return None
    tags = set(place.tags)
    for entry in knowledge.entries.values():
        if entry.category == "polizei" and entry.scope and tags.intersection(entry.scope):
            return entry
    return None


def _page(
    items: Sequence[T], page: int, action_for: Callable[[int], Action]
) -> tuple[Sequence[T], list[list[Button]]]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(texts.PREVIOUS_PAGE, action_for(page - 1)))
    if page < pages - 1:
        nav.append(Button(texts.NEXT_PAGE, action_for(page + 1)))
    return chunk, [nav] if nav else []


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def semantic_off_notice(reason: str) -> str:
    """For admins at start-up: the semantic stage is off, and why."""
    return texts.SEMANTIC_OFF_ADMIN.format(reason=esc(reason))


def place_current(name: str) -> str:
    return texts.PLACE_CURRENT.format(place=html.escape(name))


def place_set(name: str) -> str:
    return texts.PLACE_SET.format(place=html.escape(name))


def location_saved(name: str) -> str:
    return texts.LOCATION_SAVED.format(place=html.escape(name))
