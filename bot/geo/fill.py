"""``caseworker-bot places fill-coordinates``: coordinates for places from GeoNames, offline.

For each place without ``lat``/``lon`` the bundled GeoNames towns are searched by the
place's official long names first (aliases that start with the name, e.g. "Haslach im
Kinzigtal"), then by its name. Only German towns inside :data:`DISTRICT_BOX` count. When a
name matches several towns there, the one nearest to the places with the same police tag
is taken and reported, to be checked. Aliases found as separate towns near the place (a few
kilometres away) become its ``parts``. The file is edited with ``ruamel.yaml``: comments and
formatting of everything else stay as the team lead wrote them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.geo.geonames import DISTRICT_BOX, Gazetteer, Town, distance_km
from bot.knowledge.edit import _yaml

# A village part found in GeoNames must lie this close to its town's coordinates ...
PART_MAX_KM = 8.0
# ... and not this close (then it is the town's own point under another name).
PART_MIN_KM = 1.0
DIGITS = 5  # about one metre


@dataclass
class FillReport:
    filled: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    check: list[str] = field(default_factory=list)  # filled, but ambiguous: please check
    missing: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.filled or self.parts)


def _candidates(gazetteer: Gazetteer, name: str) -> list[Town]:
    return [
        t
        for t in gazetteer.named(name)
        if t.country == "DE" and DISTRICT_BOX.contains(t.lat, t.lon)
    ]


def _long_names(place: CommentedMap) -> list[str]:
    name = str(place["name"])
    longer = [str(a) for a in place.get("aliases") or [] if str(a).startswith(name + " ")]
    return [*sorted(longer, key=len, reverse=True), name]


def _located(place: CommentedMap) -> tuple[float, float] | None:
    lat, lon = place.get("lat"), place.get("lon")
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


def fill_coordinates(text: str, gazetteer: Gazetteer) -> tuple[str, FillReport]:
    """``text`` (a knowledge file) with missing coordinates filled, and what was done."""
    yaml = _yaml()
    document = yaml.load(text)
    report = FillReport()
    places = document.get("places") if isinstance(document, CommentedMap) else None
    if not isinstance(places, CommentedSeq):
        return text, report
    items = [p for p in places if isinstance(p, CommentedMap) and p.get("name")]
    ambiguous: list[tuple[CommentedMap, str, list[Town]]] = []
    # First the unambiguous ones, so ambiguous ones can be placed next to their neighbours.
    for place in items:
        if _located(place) is not None:
            continue
        for name in _long_names(place):
            towns = _candidates(gazetteer, name)
            if len(towns) == 1:
                _set(place, towns[0])
                report.filled.append(f"{place['name']}: {_where(towns[0])} (GeoNames: {name})")
                break
            if towns:
                ambiguous.append((place, name, towns))
                break
        else:
            report.missing.append(str(place["name"]))
    for place, name, towns in ambiguous:
        neighbours = _neighbours(items, place)
        if not neighbours:
            report.missing.append(f"{place['name']} (mehrdeutig: {len(towns)} Orte '{name}')")
            continue
        lat = sum(n[0] for n in neighbours) / len(neighbours)
        lon = sum(n[1] for n in neighbours) / len(neighbours)
        town = min(towns, key=lambda t: distance_km(lat, lon, t.lat, t.lon))
        _set(place, town)
        others = ", ".join(_where(t) for t in towns if t is not town)
        report.check.append(
            f"{place['name']}: {_where(town)} gewählt, nahe den Orten mit denselben Tags; "
            f"auch '{name}' bei {others} – bitte prüfen"
        )
    for place in items:
        _fill_parts(place, gazetteer, report)
    if not report.changed and not report.check:
        return text, report
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue(), report


def _where(town: Town) -> str:
    return f"{town.lat:.{DIGITS}f}, {town.lon:.{DIGITS}f}"


def _set(place: CommentedMap, town: Town) -> None:
    place["lat"] = round(town.lat, DIGITS)
    place["lon"] = round(town.lon, DIGITS)


def _neighbours(items: list[CommentedMap], place: CommentedMap) -> list[tuple[float, float]]:
    tags = list(place.get("tags") or [])
    if not tags:
        return []
    found = []
    for other in items:
        point = _located(other)
        if other is not place and point is not None and tags[0] in (other.get("tags") or []):
            found.append(point)
    return found


def _fill_parts(place: CommentedMap, gazetteer: Gazetteer, report: FillReport) -> None:
    centre = _located(place)
    if centre is None:
        return
    name = str(place["name"])
    existing = place.get("parts")
    known = {str(p.get("name", "")).casefold() for p in existing or [] if isinstance(p, dict)}
    for alias in place.get("aliases") or []:
        alias = str(alias)
        if alias.startswith(name) or alias.casefold() in known:
            continue
        towns = [
            t
            for t in _candidates(gazetteer, alias)
            if PART_MIN_KM <= distance_km(*centre, t.lat, t.lon) <= PART_MAX_KM
        ]
        if not towns:
            continue
        town = min(towns, key=lambda t: distance_km(*centre, t.lat, t.lon))
        part = CommentedMap(
            [("name", alias), ("lat", round(town.lat, DIGITS)), ("lon", round(town.lon, DIGITS))]
        )
        part.fa.set_flow_style()
        if not isinstance(existing, CommentedSeq):
            existing = CommentedSeq()
            place["parts"] = existing
        existing.append(part)
        known.add(alias.casefold())
        report.parts.append(f"{name}-{alias}: {_where(town)}")
