"""A shared point → the town of the district, how sure that is, and who is responsible.

Inside or outside is decided by the nearest GeoNames town, not by distance to our towns:
Strasbourg's centre is about 5 km from Kehl's, closer than many of Kehl's own village
parts. A point whose nearest GeoNames town lies in another country, or is a German town of
another name that is nearer than any of our places, is outside. Inside, the nearest of our
places and village parts names the place; when the nearest point of another town is almost
as near, both are named and the user is asked to check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.assistant import Assistant, ContactView
from bot.geo.geonames import Gazetteer, Town, distance_km
from bot.knowledge.base import Knowledge
from bot.knowledge.model import Entry, Place

POLICE_CATEGORY = "polizei"
TEAM_CATEGORY = "teams"
# Our nearest point farther than this: outside, whatever GeoNames says.
MAX_DISTANCE_KM = 15.0
# Another town's nearest point within this factor of the nearest distance: uncertain.
UNCERTAIN_RATIO = 1.5
# ... but never uncertain while the point is this close to the nearest place or part.
CERTAIN_WITHIN_KM = 1.0

Certainty = Literal["near", "between", "outside", "unknown"]


@dataclass(frozen=True, slots=True)
class Spot:
    """A point of the knowledge: a town centre (``part`` None) or one of its village parts."""

    place: Place
    part: str | None
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.place.name}-{self.part}" if self.part else self.place.name


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a point is. ``certainty``:

    - ``near``: ``place`` (and possibly its village part ``part``) is clearly nearest;
    - ``between``: ``place`` is nearest, ``alternative`` (another town) almost as near;
    - ``outside``: not in the district; ``town`` is the nearest GeoNames town, if any;
    - ``unknown``: the knowledge has no coordinates to compare with.
    """

    certainty: Certainty
    place: Place | None = None
    part: str | None = None
    alternative: Place | None = None
    town: Town | None = None
    distance_km: float | None = None


def spots(knowledge: Knowledge) -> list[Spot]:
    """Every town centre and village part of the knowledge that has coordinates."""
    found = []
    for place in knowledge.places:
        if place.lat is not None and place.lon is not None:
            found.append(Spot(place, None, place.lat, place.lon))
        found.extend(Spot(place, part.name, part.lat, part.lon) for part in place.parts)
    return found


def _our_names(knowledge: Knowledge) -> set[str]:
    names = set()
    for place in knowledge.places:
        names.add(place.name.casefold())
        names.update(alias.casefold() for alias in place.aliases)
        names.update(part.name.casefold() for part in place.parts)
    return names


def resolve(knowledge: Knowledge, gazetteer: Gazetteer, lat: float, lon: float) -> Resolution:
    """Where ``lat``/``lon`` lies in terms of the knowledge's places."""
    ours = spots(knowledge)
    if not ours:
        return Resolution("unknown")
    ranked = sorted(ours, key=lambda s: distance_km(lat, lon, s.lat, s.lon))
    best = ranked[0]
    best_km = distance_km(lat, lon, best.lat, best.lon)
    nearest = gazetteer.nearest(lat, lon)
    if nearest is None:
        return Resolution("outside")
    town, town_km = nearest
    foreign = town.country != "DE" or (
        town.name.casefold() not in _our_names(knowledge) and town_km < best_km
    )
    if foreign or best_km > MAX_DISTANCE_KM:
        return Resolution("outside", town=town, distance_km=town_km)
    other = next((s for s in ranked if s.place.name != best.place.name), None)
    if other is not None and best_km > CERTAIN_WITHIN_KM:
        other_km = distance_km(lat, lon, other.lat, other.lon)
        if other_km <= best_km * UNCERTAIN_RATIO:
            return Resolution("between", best.place, best.part, other.place, distance_km=best_km)
    return Resolution("near", best.place, best.part, distance_km=best_km)


@dataclass(frozen=True, slots=True)
class Responsible:
    """The police station and team of a place, with the station's contacts as of now."""

    place: Place
    police: Entry | None
    police_contacts: list[ContactView]
    team: Entry | None


@dataclass(frozen=True, slots=True)
class LocationAnswer:
    resolution: Resolution
    responsible: Responsible | None  # None outside the district
    alternative: Responsible | None  # the other town's, if its station differs
    now: dt.datetime


def _scoped(assistant: Assistant, question: str, category: str, place: Place) -> Entry | None:
    """The entry the bot answers to ``question`` for ``place``, if it is the place's own."""
    entry = assistant.answer(question, place).best
    if entry is None or entry.category != category:
        return None
    if entry.scope and not set(entry.scope) & set(place.tags):
        return None
    return entry


def responsible(assistant: Assistant, place: Place, now: dt.datetime) -> Responsible:
    """Who is responsible for ``place``: the same answers as "polizei" and "team" there."""
    police = _scoped(assistant, "polizei", POLICE_CATEGORY, place)
    contacts = assistant.contacts(police, now) if police is not None else []
    return Responsible(place, police, contacts, _scoped(assistant, "team", TEAM_CATEGORY, place))


def locate(assistant: Assistant, gazetteer: Gazetteer, lat: float, lon: float) -> LocationAnswer:
    """The full answer to a shared location."""
    now = assistant.clock.now()
    resolution = resolve(assistant.knowledge, gazetteer, lat, lon)
    if resolution.place is None:
        return LocationAnswer(resolution, None, None, now)
    main = responsible(assistant, resolution.place, now)
    alternative = None
    if resolution.alternative is not None:
        other = responsible(assistant, resolution.alternative, now)
        if other.police is not None and (main.police is None or other.police.id != main.police.id):
            alternative = other
    return LocationAnswer(resolution, main, alternative, now)
