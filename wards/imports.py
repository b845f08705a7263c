"""Imports of London's ward geography: ONS ward lists (CSV) and GeoJSON boundaries.

Every import reads and validates the whole file before it writes anything, then writes in one
transaction, so a bad file changes nothing. Imports are idempotent: running the same file again
reports nothing created or updated. The management commands ``import_wards`` and
``import_boundaries`` wrap these functions; ``seed_demo`` calls them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeVar

from django.db import transaction
from django.utils import timezone

from wards.models import Borough, Team, User, Ward
from wards.services import ward_team

# When each set of ward boundaries was in force: from the borough elections that brought it in
# to the elections that replaced it (end exclusive, matching Ward.valid_to).
VINTAGES: dict[int, tuple[dt.date, dt.date | None]] = {
    2014: (dt.date(2014, 5, 22), dt.date(2018, 5, 3)),
    2018: (dt.date(2018, 5, 3), dt.date(2022, 5, 5)),
    2022: (dt.date(2022, 5, 5), None),
}
CURRENT_VINTAGE = 2022

# The City of London has its own police force; its wards are held but are not Met wards.
CITY_OF_LONDON = "E09000001"

WARD_CODE = re.compile(r"E05\d{6}")
BOROUGH_CODE = re.compile(r"E09\d{6}")

# A box around Greater London with a few kilometres to spare: a centroid outside it is a
# swapped or mistyped coordinate, not a London ward.
LATITUDE_RANGE = (Decimal("51.25"), Decimal("51.75"))
LONGITUDE_RANGE = (Decimal("-0.55"), Decimal("0.35"))
# Ward.latitude/longitude keep six decimal places (about 10 cm); rounding on read keeps a
# second import of the same file from seeing a change that the database would round away.
COORDINATE_PLACES = Decimal("0.000001")

REQUIRED_COLUMNS = ("ward_code", "ward_name", "lad_code", "lad_name", "latitude", "longitude")
# Each ONS/GLA file names its population estimate differently; the 2018 list has none.
POPULATION_COLUMNS = ("pop_mid2020_est", "population_2015_gla")
NAME_MAX_LENGTH = 100

# GeoJSON property names that carry codes: ours, and the ONS ones (WD22CD, LAD23CD, ...).
WARD_CODE_PROPERTY = re.compile(r"ward_code|WD\d\dCD", re.IGNORECASE)
BOROUGH_CODE_PROPERTY = re.compile(r"lad_code|LAD\d\dCD", re.IGNORECASE)
AREA_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


# The most problems an import lists: a file that is wrong throughout (the wrong file, or every
# row shifted) is told by its first hundred, not by a line for each of 200,000 rows.
ERROR_LIMIT = 100


class DataImportError(Exception):
    """A file that cannot be imported. ``errors`` lists the problems found, one per line: the
    first ERROR_LIMIT, then how many more; ``count`` is how many in all.

    An importer that limits its own list as it goes passes ``count``, and its list is kept.
    """

    def __init__(self, errors: Sequence[str], *, count: int | None = None) -> None:
        self.errors = list(errors)
        if count is None:
            count = len(self.errors)
            if count > ERROR_LIMIT:
                more = f"and {count - ERROR_LIMIT:,} more problems ({count:,} in all)"
                self.errors = [*self.errors[:ERROR_LIMIT], more]
        self.count = count
        super().__init__("\n".join(self.errors))


def first_undecodable_line(binary: BinaryIO) -> int:
    """The number of the first line of the file that is not UTF-8 (the last line if none)."""
    binary.seek(0)
    number = 0
    # A line break is one byte in UTF-8, never part of a character, so lines decode alone.
    for number, raw in enumerate(binary, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return number


def not_utf8(path: Path, exc: UnicodeDecodeError) -> DataImportError:
    """The error for a CSV file that is not UTF-8: where, and how to save it so that it is."""
    with path.open("rb") as binary:
        line = first_undecodable_line(binary)
    return DataImportError(
        [
            f"line {line}: not UTF-8 text ({exc.reason}); save the file as UTF-8 "
            "(in Excel: Save As, “CSV UTF-8”)"
        ]
    )


@dataclass
class Tally:
    """Rows of one kind that an import created, changed, or found already as the file says."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportReport:
    """What an import did."""

    boroughs: Tally = field(default_factory=Tally)
    wards: Tally = field(default_factory=Tally)
    teams_created: int = 0
    # Codes in a boundary file that match no ward or borough in the database.
    unmatched: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as lines for a command's output."""
        lines = [
            f"{label}: {tally}"
            for label, tally in (("Boroughs", self.boroughs), ("Wards", self.wards))
            # A ward boundary file touches no boroughs; say nothing rather than "0, 0, 0".
            if tally.created or tally.updated or tally.unchanged
        ]
        if self.teams_created:
            lines.append(f"Safer Neighbourhoods Teams created: {self.teams_created}")
        if self.unmatched:
            shown = ", ".join(self.unmatched[:20])
            more = f" and {len(self.unmatched) - 20} more" if len(self.unmatched) > 20 else ""
            lines.append(
                f"Unmatched codes (not in the database): {len(self.unmatched)}: {shown}{more}"
            )
        return lines


@dataclass(frozen=True)
class WardRow:
    """One validated row of a ward list."""

    line: int
    code: str
    name: str
    borough_code: str
    borough_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    population: int | None  # None: blank, or the file has no population column


def vintage_range(vintage: int) -> tuple[dt.date, dt.date | None]:
    """When a vintage's wards were in force: [valid_from, valid_to), valid_to None if current."""
    try:
        return VINTAGES[vintage]
    except KeyError:
        known = ", ".join(str(year) for year in VINTAGES)
        raise ValueError(f"Unknown ward vintage {vintage}; expected one of {known}.") from None


# Ward lists --------------------------------------------------------------------------------


def import_wards(
    *, path: Path | str, vintage: int, acting_user: User | None = None
) -> ImportReport:
    """Import an ONS ward list (as in shared/data/wards) as the wards of ``vintage``.

    Raises DataImportError, having written nothing, if any row is invalid.
    """
    vintage_range(vintage)  # fail on a bad vintage before reading the file
    rows = read_ward_csv(Path(path))
    return apply_ward_rows(rows=rows, vintage=vintage, acting_user=acting_user)


def read_ward_csv(path: Path) -> list[WardRow]:
    """Parse and validate a ward list; every problem is collected before raising."""
    try:
        # utf-8-sig: files saved by Excel start with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_ward_records(handle)
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc


def _read_ward_records(handle: TextIO) -> list[WardRow]:
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise DataImportError(["line 1: the file is empty; expected a header row"]) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise DataImportError([f"line 1: missing column(s): {', '.join(missing)}"])
    column = {
        name: header.index(name)
        for name in (*REQUIRED_COLUMNS, *POPULATION_COLUMNS)
        if name in header
    }
    population_column = next((name for name in POPULATION_COLUMNS if name in column), None)

    errors: list[str] = []
    rows: list[WardRow] = []
    code_lines: dict[str, int] = {}
    borough_names: dict[str, tuple[str, int]] = {}
    next_line = reader.line_num + 1
    for record in reader:
        # reader.line_num counts physical lines, so a quoted field spanning lines is reported
        # at the line where its record starts.
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.append(f"line {line}: expected {len(header)} fields, found {len(record)}")
            continue
        values = {name: record[index].strip() for name, index in column.items()}
        row, row_errors = _parse_ward_row(line, values, population_column)
        errors.extend(f"line {line}: {message}" for message in row_errors)
        if row is None:
            continue
        if row.code in code_lines:
            errors.append(f"line {line}: ward {row.code} is already on line {code_lines[row.code]}")
        code_lines.setdefault(row.code, line)
        seen = borough_names.setdefault(row.borough_code, (row.borough_name, line))
        if seen[0] != row.borough_name:
            errors.append(
                f"line {line}: {row.borough_code} is named {row.borough_name!r} here "
                f"but {seen[0]!r} on line {seen[1]}"
            )
        rows.append(row)
    if errors:
        raise DataImportError(errors)
    if not rows:
        raise DataImportError(["the file has a header but no wards"])
    return rows


def _parse_ward_row(
    line: int, values: dict[str, str], population_column: str | None
) -> tuple[WardRow | None, list[str]]:
    errors: list[str] = []
    code, name = values["ward_code"], values["ward_name"]
    borough_code, borough_name = values["lad_code"], values["lad_name"]
    if not WARD_CODE.fullmatch(code):
        errors.append(f"ward_code {code!r} is not an ONS ward code (E05 and 6 digits)")
    if not BOROUGH_CODE.fullmatch(borough_code):
        errors.append(f"lad_code {borough_code!r} is not an ONS borough code (E09 and 6 digits)")
    for label, text in (("ward_name", name), ("lad_name", borough_name)):
        if not text:
            errors.append(f"{label} is blank")
        elif len(text) > NAME_MAX_LENGTH:
            errors.append(f"{label} is longer than {NAME_MAX_LENGTH} characters")
    latitude = _coordinate(values["latitude"], "latitude", LATITUDE_RANGE, errors)
    longitude = _coordinate(values["longitude"], "longitude", LONGITUDE_RANGE, errors)
    population = None
    if population_column and values[population_column]:
        raw = values[population_column]
        if raw.isdigit():
            population = int(raw)
        else:
            errors.append(f"{population_column} {raw!r} is not a whole number (or blank)")
    if errors:
        return None, errors
    row = WardRow(
        line=line,
        code=code,
        name=name,
        borough_code=borough_code,
        borough_name=borough_name,
        latitude=latitude,
        longitude=longitude,
        population=population,
    )
    return row, []


def _coordinate(
    raw: str, label: str, bounds: tuple[Decimal, Decimal], errors: list[str]
) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.append(f"{label} {raw!r} is not a number")
        return None
    if not value.is_finite() or not bounds[0] <= value <= bounds[1]:
        errors.append(f"{label} {raw} is outside London ({bounds[0]} to {bounds[1]})")
        return None
    return value.quantize(COORDINATE_PLACES)


@transaction.atomic
def apply_ward_rows(
    *, rows: Sequence[WardRow], vintage: int, acting_user: User | None = None
) -> ImportReport:
    """Write validated ward rows as the wards of ``vintage``; see import_wards.

    A ward code names one boundary, so a code seen in several vintages is one Ward whose
    in-force range is widened to cover them all. Attributes (name, borough, population,
    centroid) come from the newest vintage that lists the ward; an older file only fills
    blanks. Both rules give the same result whatever order the files are imported in.

    ``acting_user`` is accepted for the services' convention; geography keeps no audit history.
    """
    valid_from, valid_to = vintage_range(vintage)
    report = ImportReport()
    boroughs = _apply_boroughs(rows, report)

    existing = {
        ward.code: ward for ward in Ward.objects.filter(code__in=[row.code for row in rows])
    }
    new: list[Ward] = []
    changed: list[Ward] = []
    for row in rows:
        borough = boroughs[row.borough_code]
        ward = existing.get(row.code)
        if ward is None:
            new.append(
                Ward(
                    code=row.code,
                    name=row.name,
                    borough=borough,
                    population=row.population,
                    latitude=row.latitude,
                    longitude=row.longitude,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        elif _update_ward(ward, row, borough, valid_from, valid_to):
            changed.append(ward)
        else:
            report.wards.unchanged += 1
    Ward.objects.bulk_create(new, batch_size=500)
    Ward.objects.bulk_update(
        changed,
        ["name", "borough", "population", "latitude", "longitude", "valid_from", "valid_to"],
        batch_size=500,
    )
    report.wards.created, report.wards.updated = len(new), len(changed)
    report.teams_created = _ensure_ward_teams([row.code for row in rows])
    return report


def _apply_boroughs(rows: Iterable[WardRow], report: ImportReport) -> dict[str, Borough]:
    names = {row.borough_code: row.borough_name for row in rows}
    boroughs = {b.code: b for b in Borough.objects.filter(code__in=names)}
    new: list[Borough] = []
    changed: list[Borough] = []
    for code, name in names.items():
        borough = boroughs.get(code)
        if borough is None:
            borough = Borough(code=code, name=name, is_met=code != CITY_OF_LONDON)
            boroughs[code] = borough
            new.append(borough)
        elif borough.name != name:
            borough.name = name
            changed.append(borough)
        else:
            report.boroughs.unchanged += 1
    Borough.objects.bulk_create(new)
    Borough.objects.bulk_update(changed, ["name"])
    report.boroughs.created, report.boroughs.updated = len(new), len(changed)
    return boroughs


def _update_ward(
    ward: Ward, row: WardRow, borough: Borough, valid_from: dt.date, valid_to: dt.date | None
) -> bool:
    """Merge a row into an existing ward; True if anything changed."""
    # Is this file at least as new as every vintage already recorded for the ward?
    newest = valid_to is None or (ward.valid_to is not None and ward.valid_to <= valid_to)
    before = _ward_state(ward)
    ward.valid_from = min(ward.valid_from, valid_from)
    ward.valid_to = (
        None if ward.valid_to is None or valid_to is None else max(ward.valid_to, valid_to)
    )
    if newest:
        ward.name = row.name
        ward.borough = borough
        ward.latitude, ward.longitude = row.latitude, row.longitude
    # A blank population (or a file without the column) never wipes a known one.
    if row.population is not None and (newest or ward.population is None):
        ward.population = row.population
    return _ward_state(ward) != before


def _ward_state(ward: Ward) -> tuple[object, ...]:
    return (
        ward.name,
        ward.borough_id,
        ward.population,
        ward.latitude,
        ward.longitude,
        ward.valid_from,
        ward.valid_to,
    )


def _ensure_ward_teams(codes: Sequence[str]) -> int:
    """Give each of these wards that is in force today and policed by the Met its SNT."""
    # City of London wards are policed by the City force, so they get no Met team.
    without_team = (
        Ward.objects.current(timezone.localdate())
        .filter(code__in=codes, borough__is_met=True)
        .exclude(teams__kind=Team.Kind.WARD)
        .select_related("borough")
        .order_by("code")
    )
    created = 0
    for ward in without_team:
        ward_team(ward)
        created += 1
    return created


# Boundaries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Boundaries:
    wards: dict[str, dict[str, Any]]
    boroughs: dict[str, dict[str, Any]]


def import_boundaries(*, path: Path | str) -> ImportReport:
    """Set ward and borough boundaries from a GeoJSON FeatureCollection, matching on code.

    Features carry a ward code (``ward_code``) or, failing that, a borough code (``lad_code``).
    Codes not in the database are reported as unmatched. Raises DataImportError, having written
    nothing, if the file is not a FeatureCollection or any feature is unusable.
    """
    boundaries = read_boundaries(Path(path))
    return _apply_boundaries(boundaries)


def read_boundaries(path: Path) -> _Boundaries:
    """Parse and validate a boundary file; every problem is collected before raising."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise DataImportError([f"not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise DataImportError([f"not valid JSON ({exc})"]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DataImportError(["not a GeoJSON FeatureCollection"])
    features = document.get("features")
    if not isinstance(features, list):
        raise DataImportError(["the FeatureCollection has no list of features"])

    errors: list[str] = []
    found: dict[str, tuple[dict[str, Any], int]] = {}
    for number, feature in enumerate(features, start=1):
        code, geometry, problem = _parse_feature(feature)
        if problem:
            errors.append(f"feature {number}: {problem}")
        elif code in found:
            errors.append(f"feature {number}: {code} is already on feature {found[code][1]}")
        elif code is not None and geometry is not None:
            found[code] = (geometry, number)
    if errors:
        raise DataImportError(errors)
    return _Boundaries(
        wards={code: geometry for code, (geometry, _) in found.items() if code.startswith("E05")},
        boroughs={
            code: geometry for code, (geometry, _) in found.items() if code.startswith("E09")
        },
    )


def _parse_feature(feature: object) -> tuple[str | None, dict[str, Any] | None, str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, None, "not a GeoJSON Feature"
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return None, None, "has no properties, so no ward_code or lad_code"
    code, pattern, label = None, WARD_CODE, "ward"
    for key, value in properties.items():
        if WARD_CODE_PROPERTY.fullmatch(key) and value:
            code = str(value).strip()
            break
    else:
        pattern, label = BOROUGH_CODE, "borough"
        for key, value in properties.items():
            if BOROUGH_CODE_PROPERTY.fullmatch(key) and value:
                code = str(value).strip()
                break
    if code is None:
        return None, None, "has no ward_code or lad_code property"
    if not pattern.fullmatch(code):
        return None, None, f"{code!r} is not an ONS {label} code"
    geometry = feature.get("geometry")
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") not in AREA_GEOMETRY_TYPES
        or not isinstance(geometry.get("coordinates"), list)
        or not geometry["coordinates"]
    ):
        return None, None, f"{code} has no Polygon or MultiPolygon geometry"
    return code, geometry, ""


@transaction.atomic
def _apply_boundaries(boundaries: _Boundaries) -> ImportReport:
    report = ImportReport()
    wards = Ward.objects.filter(code__in=boundaries.wards).only("pk", "code", "boundary")
    changed_wards = _match_boundaries(wards, boundaries.wards, report.wards)
    boroughs = Borough.objects.filter(code__in=boundaries.boroughs).only("pk", "code", "boundary")
    changed_boroughs = _match_boundaries(boroughs, boundaries.boroughs, report.boroughs)
    # Boundaries are large; small batches keep each UPDATE statement a sensible size.
    Ward.objects.bulk_update(changed_wards, ["boundary"], batch_size=50)
    Borough.objects.bulk_update(changed_boroughs, ["boundary"], batch_size=50)
    matched = {place.code for place in (*wards, *boroughs)}
    report.unmatched = sorted(
        code for code in (*boundaries.wards, *boundaries.boroughs) if code not in matched
    )
    return report


_Place = TypeVar("_Place", Ward, Borough)


def _match_boundaries(
    places: Iterable[_Place], geometries: dict[str, dict[str, Any]], tally: Tally
) -> list[_Place]:
    """Set each place's boundary from its geometry; return the places that changed."""
    changed = []
    for place in places:
        if place.boundary == geometries[place.code]:
            tally.unchanged += 1
        else:
            place.boundary = geometries[place.code]
            changed.append(place)
    tally.updated = len(changed)
    return changed
