"""locate-neighbourhood on the real 2022 boundaries: right for every ward centroid in London.

The wards and boundaries are loaded with the project's own commands from shared/data. The
right answer for each point is worked out independently: every boundary in the GeoJSON file
is tested with shapely (no index), and the point's ward is the one whose boundary covers it.
The centroids are ONS's (``latitude``/``longitude`` in london_wards_2022.csv), which for an odd
shape could lie outside the ward itself; then the right answer is the ward it lies in, not the
one the row names.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsFixture
from shapely import Point, make_valid
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

CITY_OF_LONDON = "E09000001"


def _boundaries(path: Path) -> dict[str, BaseGeometry]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    shapes = {}
    for feature in features:
        geometry = shape(feature["geometry"])
        shapes[feature["properties"]["ward_code"]] = (
            geometry if geometry.is_valid else make_valid(geometry)
        )
    return shapes


def test_every_ward_centroid_is_located_in_the_ward_it_lies_in(
    db: None, shared_data: Path, settings: SettingsFixture
) -> None:
    settings.SNT_OPENDATA_RATE_LIMITS = "100000/m"
    wards_csv = shared_data / "wards" / "london_wards_2022.csv"
    boundaries = shared_data / "boundaries" / "london_wards_2022.geojson"
    call_command("import_wards", str(wards_csv), stdout=io.StringIO())
    call_command("import_boundaries", str(boundaries), stdout=io.StringIO())
    shapes = _boundaries(boundaries)
    with wards_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 704

    client, url = Client(), reverse("opendata:locate_neighbourhood")
    wrong: list[tuple[object, ...]] = []
    outside_own: list[str] = []
    for row in rows:
        point = Point(float(row["longitude"]), float(row["latitude"]))
        covering = [code for code, ward in shapes.items() if ward.covers(point)]
        assert len(covering) == 1, (row["ward_code"], covering)
        expected = covering[0]
        if expected != row["ward_code"]:
            outside_own.append(row["ward_code"])
        response = client.get(url, {"q": f"{row['latitude']},{row['longitude']}"})
        in_city = next(r for r in rows if r["ward_code"] == expected)["lad_code"] == CITY_OF_LONDON
        if in_city:
            # The City of London Police's area: not one of the Met's neighbourhoods.
            got = response.status_code
            if got != 404:
                wrong.append((row["ward_code"], got))
        elif response.status_code != 200 or response.json() != {
            "force": "metropolitan",
            "neighbourhood": expected,
        }:
            wrong.append((row["ward_code"], response.status_code, response.content[:80]))
    assert wrong == []
    # On these boundaries every ONS centroid lies inside its own ward.
    assert outside_own == []
