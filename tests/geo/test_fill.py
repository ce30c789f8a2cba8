"""``places fill-coordinates``: fills from GeoNames, keeps the lead's file, says what it missed."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.geo.fill import fill_coordinates
from bot.geo.geonames import Gazetteer, gazetteer
from bot.knowledge.loader import load_knowledge

PLACES = textwrap.dedent(
    """\
    # yaml-language-server: $schema=./schema.json
    # Our towns (a comment that must stay)
    places:
      - name: Hausach
        # the town in the Kinzigtal
        aliases: [Einbach]
        tags: [revier-haslach, team-kinzigtal]
      - name: Sasbach
        tags: [revier-achern-oberkirch, team-acher-renchtal]  # two GeoNames towns
      - name: Achern
        tags: [revier-achern-oberkirch, team-acher-renchtal]
      - name: Neuried
        aliases: [Dundenheim, Ichenheim, Schutterzell]
        tags: [revier-offenburg]
        lat: 48.46667  # entered by hand
        lon: 7.8
      - name: Nirgendwo
        tags: [revier-offenburg]
    """
)


@pytest.fixture(scope="module")
def towns() -> Gazetteer:
    return gazetteer()


def test_fills_missing_coordinates_and_keeps_comments(towns: Gazetteer) -> None:
    text, report = fill_coordinates(PLACES, towns)
    places = {p["name"]: p for p in yaml.safe_load(text)["places"]}
    assert (places["Hausach"]["lat"], places["Hausach"]["lon"]) == (48.28426, 8.17602)
    assert (places["Achern"]["lat"], places["Achern"]["lon"]) == (48.63115, 8.07607)
    # A hand-entered value is never overwritten.
    assert (places["Neuried"]["lat"], places["Neuried"]["lon"]) == (48.46667, 7.8)
    for comment in ("# Our towns", "# the town in the Kinzigtal", "# entered by hand"):
        assert comment in text
    assert "# two GeoNames towns" in text
    assert report.missing == ["Nirgendwo"]


def test_ambiguous_name_takes_the_one_near_its_police_district_and_says_so(
    towns: Gazetteer,
) -> None:
    text, report = fill_coordinates(PLACES, towns)
    sasbach = next(p for p in yaml.safe_load(text)["places"] if p["name"] == "Sasbach")
    # Sasbach (Ortenau) near Achern, not Sasbach am Kaiserstuhl (48.13837, 7.61576).
    assert (sasbach["lat"], sasbach["lon"]) == (48.63971, 8.09375)
    assert len(report.check) == 1 and report.check[0].startswith("Sasbach:")


def test_aliases_found_near_the_town_become_parts(towns: Gazetteer) -> None:
    text, report = fill_coordinates(PLACES, towns)
    neuried = next(p for p in yaml.safe_load(text)["places"] if p["name"] == "Neuried")
    assert neuried["parts"] == [{"name": "Ichenheim", "lat": 48.43318, "lon": 7.81062}]
    assert report.parts == ["Neuried-Ichenheim: 48.43318, 7.81062"]


def test_nothing_to_fill_leaves_the_text_untouched(towns: Gazetteer) -> None:
    once, _ = fill_coordinates(PLACES, towns)
    twice, report = fill_coordinates(once, towns)
    assert twice == once
    assert not report.changed


def test_cli_writes_the_file_and_names_what_it_could_not_find(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "places.yaml").write_text(PLACES, encoding="utf-8")
    assert main(["places", "fill-coordinates", "--knowledge", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "nicht gefunden: Nirgendwo" in out
    assert "PRÜFEN Sasbach" in out
    assert "lat: 48.28426" in (tmp_path / "places.yaml").read_text(encoding="utf-8")


def test_shipped_places_all_have_coordinates_inside_the_district() -> None:
    result = load_knowledge(Path(__file__).parents[2] / "knowledge", today=dt.date(2026, 11, 25))
    assert result.knowledge is not None
    assert not [p for p in result.problems if "Koordinaten" in str(p)]
    assert all(p.lat is not None and p.lon is not None for p in result.knowledge.places)
