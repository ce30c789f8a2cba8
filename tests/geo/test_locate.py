"""A shared point resolves to the right town, station and team, or to "outside"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.clock import Clock
from bot.geo.geonames import Gazetteer, Town, distance_km, gazetteer
from bot.geo.locate import locate, resolve
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.render import to_plain
from bot.render.answers import Renderer
from tests.conftest import BERLIN

# Test points near the coordinates of GeoNames (cities1000) or the shipped knowledge.
ICHENHEIM = (48.4325, 7.8110)  # village part of Neuried (GeoNames 48.43318, 7.81062)
HAUSACH = (48.2850, 8.1790)
ACHERN = (48.6300, 8.0750)
ETTENHEIM = (48.2560, 7.8130)
GENGENBACH_OHLSBACH = (48.41849, 8.00408)  # midway between the two town centres
LAHR_HOHBERG = (48.3316, 7.8843)  # between towns of two police districts
STRASBOURG = (48.58392, 7.74553)  # GeoNames: Strasbourg, FR
FREIBURG = (47.9959, 7.85222)  # GeoNames: Freiburg, DE (another district)
KEHL = (48.5730, 7.8152)
BERLIN_POINT = (52.52, 13.405)


@pytest.fixture(scope="module")
def towns() -> Gazetteer:
    return gazetteer()


@pytest.mark.parametrize(
    ("point", "place", "part", "police", "team"),
    [
        (ICHENHEIM, "Neuried", "Ichenheim", "polizei-offenburg", "team-offenburg-kehl"),
        (HAUSACH, "Hausach", None, "polizei-haslach", "team-kinzigtal"),
        (ACHERN, "Achern", None, "polizei-achern-oberkirch", "team-acher-renchtal"),
        (ETTENHEIM, "Ettenheim", None, "polizei-lahr", "team-lahr-umland"),
        (KEHL, "Kehl", None, "polizei-kehl", "team-offenburg-kehl"),
    ],
)
def test_point_near_a_place_finds_its_station_and_team(
    shipped: Assistant,
    towns: Gazetteer,
    point: tuple[float, float],
    place: str,
    part: str | None,
    police: str,
    team: str,
) -> None:
    answer = locate(shipped, towns, *point)
    assert answer.resolution.certainty == "near"
    assert answer.resolution.place is not None
    assert answer.resolution.place.name == place
    assert answer.resolution.part == part
    assert answer.responsible is not None
    assert answer.responsible.police is not None
    assert answer.responsible.police.id == police
    assert answer.responsible.police_contacts, "the station's number must be shown"
    assert answer.responsible.team is not None
    assert answer.responsible.team.id == team


def test_police_is_what_the_bot_answers_to_polizei_there(
    shipped: Assistant, towns: Gazetteer
) -> None:
    answer = locate(shipped, towns, *HAUSACH)
    assert answer.responsible is not None and answer.responsible.police is not None
    assert shipped.answer("polizei Hausach").best == answer.responsible.police


def test_point_between_two_towns_names_both(shipped: Assistant, towns: Gazetteer) -> None:
    resolution = resolve(shipped.knowledge, towns, *GENGENBACH_OHLSBACH)
    assert resolution.certainty == "between"
    assert resolution.place is not None and resolution.alternative is not None
    assert {resolution.place.name, resolution.alternative.name} == {"Gengenbach", "Ohlsbach"}
    reply = Renderer(shipped).location(locate(shipped, towns, *GENGENBACH_OHLSBACH))
    assert "bitte prüfen" in to_plain(reply.html)


@pytest.mark.parametrize(
    ("point", "nearest"), [(STRASBOURG, "Strasbourg"), (FREIBURG, "Freiburg"), (BERLIN_POINT, None)]
)
def test_point_outside_the_district_has_no_local_contact(
    shipped: Assistant, towns: Gazetteer, point: tuple[float, float], nearest: str | None
) -> None:
    answer = locate(shipped, towns, *point)
    assert answer.resolution.certainty == "outside"
    assert answer.responsible is None
    assert (answer.resolution.town.name if answer.resolution.town else None) == nearest
    text = to_plain(Renderer(shipped).location(answer).html)
    assert "außerhalb des Ortenaukreises" in text
    assert "110" in text and "112" in text
    assert "Polizeirevier" not in text


def test_strasbourg_is_outside_although_closer_to_kehl_than_kehls_own_parts(
    shipped: Assistant, towns: Gazetteer
) -> None:
    kehl = next(p for p in shipped.knowledge.places if p.name == "Kehl")
    assert kehl.lat is not None and kehl.lon is not None
    assert distance_km(*STRASBOURG, kehl.lat, kehl.lon) < 6
    assert resolve(shipped.knowledge, towns, *STRASBOURG).certainty == "outside"


PLACES_WITH_COORDINATES = """\
    places:
      - name: Lahr
        aliases: [Lahr/Schwarzwald, Sulz, Kippenheimweiler]
        tags: [revier-lahr]
        lat: 48.34042
        lon: 7.86886
      - name: Hausach
        tags: [revier-haslach]
        lat: 48.28426
        lon: 8.17602
        parts:
          - {name: Hinterhof, lat: 48.2000, lon: 8.2000}
    """


def test_a_german_town_of_another_name_decides_only_when_nearer_than_ours(
    make_knowledge: Callable[[dict[str, str]], Path],
) -> None:
    result = load_knowledge(
        make_knowledge({"places.yaml": PLACES_WITH_COORDINATES}), today=dt.date(2026, 11, 25)
    )
    assert result.knowledge is not None, [str(p) for p in result.errors]
    towns = Gazetteer(
        [Town("Hausach", 48.28426, 8.17602, "DE"), Town("Triberg", 48.13175, 8.23317, "DE")]
    )
    # Nearest GeoNames town is Triberg, and nothing of ours is nearer: outside.
    assert resolve(result.knowledge, towns, 48.1400, 8.2300).certainty == "outside"
    # Nearest GeoNames town is Triberg, but our village part is nearer: inside, named.
    inside = resolve(result.knowledge, towns, 48.2010, 8.2010)
    assert (inside.certainty, inside.part) == ("near", "Hinterhof")
    # A foreign country decides even right next to one of ours.
    foreign = Gazetteer([Town("Somewhere", 48.2850, 8.1770, "FR")])
    assert resolve(result.knowledge, foreign, 48.2843, 8.1761).certainty == "outside"


def test_knowledge_without_coordinates_says_so(
    make_knowledge: Callable[[dict[str, str]], Path], towns: Gazetteer
) -> None:
    directory = make_knowledge({})
    result = load_knowledge(directory, today=dt.date(2026, 11, 25))
    assert result.knowledge is not None
    assistant = Assistant(result.knowledge, Clock(BERLIN), HolidayCalendar("BW"))
    answer = locate(assistant, towns, *HAUSACH)
    assert answer.resolution.certainty == "unknown"
    assert "keine Koordinaten" in to_plain(Renderer(assistant).location(answer).html)


def test_reply_names_the_part_the_municipality_and_offers_consent(
    shipped: Assistant, towns: Gazetteer
) -> None:
    reply = Renderer(shipped).location(locate(shipped, towns, *ICHENHEIM))
    text = to_plain(reply.html)
    assert "nahe Neuried-Ichenheim" in text
    assert "Gemeinde: Neuried" in text
    labels = [b.label for row in reply.buttons for b in row]
    assert "Als meinen Ort speichern: Neuried" in labels


def test_between_towns_of_two_stations_names_the_other_station_too(
    shipped: Assistant, towns: Gazetteer
) -> None:
    answer = locate(shipped, towns, *LAHR_HOHBERG)
    assert answer.resolution.certainty == "between"
    assert answer.responsible is not None and answer.responsible.police is not None
    assert answer.alternative is not None and answer.alternative.police is not None
    assert {answer.responsible.police.id, answer.alternative.police.id} == {
        "polizei-lahr",
        "polizei-offenburg",
    }
    reply = Renderer(shipped).location(answer)
    labels = [b.label for row in reply.buttons for b in row]
    assert "Als meinen Ort speichern: Lahr" in labels
    assert "Als meinen Ort speichern: Hohberg" in labels
    assert "Falls du in" in to_plain(reply.html)
