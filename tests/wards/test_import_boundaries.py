"""import_boundaries: the real GeoJSON in shared/data/boundaries, matched to wards by code."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wards.imports import DataImportError, import_boundaries, import_wards
from wards.models import Borough, Ward

pytestmark = pytest.mark.django_db


def boundary_file(shared_data: Path, name: str) -> Path:
    return shared_data / "boundaries" / f"{name}.geojson"


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def feature_codes(path: Path, key: str = "ward_code") -> set[str]:
    return {feature["properties"][key] for feature in load(path)["features"]}


@pytest.fixture
def wards_2022(shared_data: Path) -> None:
    import_wards(path=shared_data / "wards" / "london_wards_2022.csv", vintage=2022)


@pytest.mark.usefixtures("wards_2022")
def test_every_2022_ward_gets_its_boundary(shared_data: Path) -> None:
    path = boundary_file(shared_data, "london_wards_2022")

    report = import_boundaries(path=path)

    assert (report.wards.updated, report.wards.unchanged) == (704, 0)
    assert report.unmatched == []
    assert not Ward.objects.filter(boundary__isnull=True).exists()
    first = load(path)["features"][0]
    ward = Ward.objects.get(code=first["properties"]["ward_code"])
    assert ward.boundary == first["geometry"]


@pytest.mark.usefixtures("wards_2022")
def test_every_borough_gets_its_boundary(shared_data: Path) -> None:
    report = import_boundaries(path=boundary_file(shared_data, "london_boroughs"))

    assert (report.boroughs.updated, report.wards.updated) == (33, 0)
    assert report.unmatched == []
    assert not Borough.objects.filter(boundary__isnull=True).exists()
    city = Borough.objects.get(code="E09000001").boundary
    assert city is not None
    assert city["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.usefixtures("wards_2022")
def test_a_second_run_changes_nothing(shared_data: Path) -> None:
    path = boundary_file(shared_data, "london_wards_2022")
    import_boundaries(path=path)

    report = import_boundaries(path=path)

    assert (report.wards.updated, report.wards.unchanged) == (0, 704)


@pytest.mark.usefixtures("wards_2022")
def test_codes_not_in_the_database_are_reported_as_unmatched(shared_data: Path) -> None:
    path = boundary_file(shared_data, "london_wards_2018")
    in_2018, in_2022 = feature_codes(path), set(Ward.objects.values_list("code", flat=True))

    report = import_boundaries(path=path)

    assert report.unmatched == sorted(in_2018 - in_2022)
    assert report.wards.updated == len(in_2018 & in_2022) == 174
    assert any(line.startswith("Unmatched codes") for line in report.lines())


@pytest.mark.usefixtures("wards_2022")
def test_a_file_that_is_not_a_feature_collection_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": None}))

    with pytest.raises(DataImportError) as caught:
        import_boundaries(path=path)

    assert caught.value.errors == ["not a GeoJSON FeatureCollection"]


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')

    with pytest.raises(DataImportError, match="not valid JSON"):
        import_boundaries(path=path)


@pytest.mark.usefixtures("wards_2022")
def test_features_without_a_code_are_named_and_nothing_is_imported(
    shared_data: Path, tmp_path: Path
) -> None:
    document = load(boundary_file(shared_data, "london_wards_2022"))
    for number in (5, 300):
        properties = document["features"][number - 1]["properties"]
        del properties["ward_code"], properties["lad_code"]
    document["features"][9]["geometry"] = {"type": "Point", "coordinates": [-0.1, 51.5]}
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(document))

    with pytest.raises(DataImportError) as caught:
        import_boundaries(path=path)

    code_10 = document["features"][9]["properties"]["ward_code"]
    assert caught.value.errors == [
        "feature 5: has no ward_code or lad_code property",
        f"feature 10: {code_10} has no Polygon or MultiPolygon geometry",
        "feature 300: has no ward_code or lad_code property",
    ]
    assert not Ward.objects.filter(boundary__isnull=False).exists()


# The command -------------------------------------------------------------------------------


@pytest.mark.usefixtures("wards_2022")
def test_the_command_imports_several_files_and_reports_unmatched(shared_data: Path) -> None:
    out = StringIO()

    call_command(
        "import_boundaries",
        str(boundary_file(shared_data, "london_wards_2022")),
        str(boundary_file(shared_data, "london_boroughs")),
        str(boundary_file(shared_data, "london_wards_2018")),
        stdout=out,
    )

    assert not Ward.objects.filter(boundary__isnull=True).exists()
    assert not Borough.objects.filter(boundary__isnull=True).exists()
    assert "Boroughs: 0 created, 33 updated, 0 unchanged" in out.getvalue()
    assert "Unmatched codes (not in the database): 483" in out.getvalue()


@pytest.mark.usefixtures("wards_2022")
def test_the_command_imports_nothing_if_any_file_is_bad(shared_data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}))
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_boundaries",
            str(boundary_file(shared_data, "london_wards_2022")),
            str(bad),
            stdout=StringIO(),
            stderr=err,
        )

    assert "bad.geojson: feature 1: has no properties" in err.getvalue()
    assert not Ward.objects.filter(boundary__isnull=False).exists()
