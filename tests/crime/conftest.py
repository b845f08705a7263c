"""Fixtures for the crime app: the real wards, LSOA lookup and street sample in shared/data,
and an independent reading of the sample that the app's results are checked against."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crime.imports import import_lsoa_lookup
from wards.imports import import_boundaries, import_wards

FIELDS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)


def sample_file(shared_data: Path) -> Path:
    return shared_data / "crime" / "2023-01-metropolitan-street-sample.csv"


def lookup_file(shared_data: Path, vintage: int = 2011) -> Path:
    return shared_data / "wards" / f"london_lsoa{vintage % 100}_to_ward22_bestfit.csv"


def read_rows(path: Path) -> list[list[str]]:
    """The file's rows, header first (each row is one physical line in these files)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@dataclass
class Expected:
    """What the sample holds, counted straight from the CSVs with the csv module."""

    rows: int = 0
    by_ward: Counter[str] = field(default_factory=Counter)
    by_borough: Counter[str] = field(default_factory=Counter)
    # (ward code, "Crime type" text) → rows
    by_ward_type: Counter[tuple[str, str]] = field(default_factory=Counter)
    locations: dict[str, Counter[str]] = field(default_factory=dict)
    outside: int = 0
    asb: int = 0


def count_independently(crimes: Path, lookup: Path) -> Expected:
    """Rows per ward of ``crimes``, placing each by its LSOA in ``lookup`` (no app code)."""
    with lookup.open(encoding="utf-8-sig", newline="") as handle:
        wards = {
            row["lsoa11cd"]: (row["ward22cd"], row["lad_name"]) for row in csv.DictReader(handle)
        }
    expected = Expected()
    with crimes.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            expected.rows += 1
            expected.asb += row["Crime type"] == "Anti-social behaviour"
            if row["LSOA code"] not in wards:
                expected.outside += 1
                continue
            ward, borough = wards[row["LSOA code"]]
            expected.by_ward[ward] += 1
            expected.by_borough[borough] += 1
            expected.by_ward_type[ward, row["Crime type"]] += 1
            expected.locations.setdefault(ward, Counter())[row["Location"]] += 1
    return expected


@pytest.fixture
def sample(shared_data: Path) -> Path:
    return sample_file(shared_data)


@pytest.fixture
def expected(shared_data: Path) -> Expected:
    return count_independently(sample_file(shared_data), lookup_file(shared_data))


@pytest.fixture
def wards_2022(db: None, shared_data: Path) -> None:
    import_wards(path=shared_data / "wards" / "london_wards_2022.csv", vintage=2022)


@pytest.fixture
def lsoa11(wards_2022: None, shared_data: Path) -> None:
    import_lsoa_lookup(path=lookup_file(shared_data))


@pytest.fixture
def boundaries(wards_2022: None, shared_data: Path) -> None:
    import_boundaries(path=shared_data / "boundaries" / "london_wards_2022.geojson")
