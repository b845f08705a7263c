"""Import of the GLA Ward Profiles and Atlas (2015), for the research stage.

The file (as in shared/data/wards/gla_ward_profiles_2015.csv) has one row per pre-2014 London
ward, plus summary rows for the boroughs, London and England, which are counted and skipped.
As with the ward imports (wards.imports), the whole file is read and validated before anything
is written, then written in one transaction, so a bad file changes nothing; a second run of the
same file reports nothing created or updated.

Profiles are keyed on the ward's ONS code. A ward is linked to a profile only where the codes
are equal (see engagement.profiles), never by name.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from engagement.models import GlaWardProfile
from wards.imports import DataImportError, Tally, not_utf8
from wards.models import Ward

NAME_COLUMN, OLD_CODE_COLUMN, CODE_COLUMN = "Ward name", "Old code", "New code"
POPULATION_COLUMN = "Population - 2015"
REQUIRED_COLUMNS = (NAME_COLUMN, OLD_CODE_COLUMN, CODE_COLUMN, POPULATION_COLUMN)

WARD_CODE = re.compile(r"E05\d{6}")
# Borough (E09), region (E12: London) and country (E92: England) summary rows.
SUMMARY_CODE = re.compile(r"E(?:09|12|92)\d{6}")
# The GLA writes "n/a" where a figure is suppressed or not available.
MISSING_VALUES = frozenset({"", "n/a"})

NAME_MAX_LENGTH = GlaWardProfile._meta.get_field("name").max_length or 150
OLD_CODE_MAX_LENGTH = GlaWardProfile._meta.get_field("old_code").max_length or 6


@dataclass
class ProfileImportReport:
    """What an import of ward profiles did."""

    profiles: Tally = field(default_factory=Tally)
    # Borough, London and England rows: not wards, so not stored.
    summary_rows_skipped: int = 0
    # Profiles whose code is a ward in the database (linked on code only).
    matching_wards: int = 0

    def lines(self) -> list[str]:
        return [
            f"Ward profiles: {self.profiles}",
            f"Borough, London and England rows skipped: {self.summary_rows_skipped}",
            f"Profiles whose code matches a ward in the database: {self.matching_wards}",
        ]


@dataclass(frozen=True)
class ProfileRow:
    """One validated ward row of the profiles file."""

    line: int
    code: str
    old_code: str
    name: str
    population: int | None
    measures: dict[str, float | None]


def import_ward_profiles(*, path: Path | str) -> ProfileImportReport:
    """Import the GLA ward profiles file at ``path``.

    Raises DataImportError, having written nothing, if any row is invalid.
    """
    rows, skipped = read_profile_csv(Path(path))
    report = apply_profile_rows(rows=rows)
    report.summary_rows_skipped = skipped
    return report


def read_profile_csv(path: Path) -> tuple[list[ProfileRow], int]:
    """Parse and validate the file: its ward rows, and how many summary rows were skipped."""
    try:
        # utf-8-sig: files saved by Excel start with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_profile_records(handle)
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc


def _read_profile_records(handle: TextIO) -> tuple[list[ProfileRow], int]:
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise DataImportError(["line 1: the file is empty; expected a header row"]) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise DataImportError([f"line 1: missing column(s): {', '.join(missing)}"])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DataImportError([f"line 1: repeated column(s): {', '.join(repeated)}"])
    text_columns = {NAME_COLUMN, OLD_CODE_COLUMN, CODE_COLUMN}
    # Every other column is a figure: population and the measures after it.
    numeric = [(index, name) for index, name in enumerate(header) if name not in text_columns]

    errors: list[str] = []
    rows: list[ProfileRow] = []
    code_lines: dict[str, int] = {}
    skipped = 0
    next_line = reader.line_num + 1
    for record in reader:
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.append(f"line {line}: expected {len(header)} fields, found {len(record)}")
            continue
        values = dict(zip(header, (cell.strip() for cell in record), strict=True))
        code = values[CODE_COLUMN]
        if SUMMARY_CODE.fullmatch(code):
            skipped += 1
            continue
        row, row_errors = _parse_profile_row(line, values, numeric)
        errors.extend(f"line {line}: {message}" for message in row_errors)
        if row is None:
            continue
        if row.code in code_lines:
            errors.append(f"line {line}: ward {row.code} is already on line {code_lines[row.code]}")
        code_lines.setdefault(row.code, line)
        rows.append(row)
    if errors:
        raise DataImportError(errors)
    if not rows:
        raise DataImportError(["the file has no ward rows (New code E05…)"])
    return rows, skipped


def _parse_profile_row(
    line: int, values: dict[str, str], numeric: Sequence[tuple[int, str]]
) -> tuple[ProfileRow | None, list[str]]:
    errors: list[str] = []
    code, old_code, name = values[CODE_COLUMN], values[OLD_CODE_COLUMN], values[NAME_COLUMN]
    if not WARD_CODE.fullmatch(code):
        errors.append(
            f"{CODE_COLUMN} {code!r} is not an ONS ward code (E05 and 6 digits) "
            "nor a borough, London or England code"
        )
    if len(old_code) > OLD_CODE_MAX_LENGTH:
        errors.append(f"{OLD_CODE_COLUMN} {old_code!r} is longer than {OLD_CODE_MAX_LENGTH}")
    if not name:
        errors.append(f"{NAME_COLUMN} is blank")
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(f"{NAME_COLUMN} is longer than {NAME_MAX_LENGTH} characters")
    measures: dict[str, float | None] = {}
    for _, heading in numeric:
        raw = values[heading]
        if raw.lower() in MISSING_VALUES:
            measures[heading] = None
            continue
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            errors.append(f"{heading!r}: {raw!r} is not a number (or blank, or n/a)")
            continue
        measures[heading] = number
    population = None
    figure = measures.get(POPULATION_COLUMN)
    if figure is not None:
        if figure < 0 or not figure.is_integer():
            errors.append(f"{POPULATION_COLUMN!r}: {values[POPULATION_COLUMN]!r} is not a count")
        else:
            population = int(figure)
    if errors:
        return None, errors
    return ProfileRow(line, code, old_code, name, population, measures), []


@transaction.atomic
def apply_profile_rows(*, rows: Sequence[ProfileRow]) -> ProfileImportReport:
    """Write validated profile rows: create new codes, update changed ones, leave the rest."""
    report = ProfileImportReport()
    existing = {
        profile.code: profile
        for profile in GlaWardProfile.objects.filter(code__in=[row.code for row in rows])
    }
    new: list[GlaWardProfile] = []
    changed: list[GlaWardProfile] = []
    for row in rows:
        profile = existing.get(row.code)
        if profile is None:
            new.append(
                GlaWardProfile(
                    code=row.code,
                    old_code=row.old_code,
                    name=row.name,
                    population=row.population,
                    measures=row.measures,
                )
            )
            continue
        state = (row.old_code, row.name, row.population, row.measures)
        if (profile.old_code, profile.name, profile.population, profile.measures) == state:
            report.profiles.unchanged += 1
            continue
        profile.old_code, profile.name, profile.population, profile.measures = state
        changed.append(profile)
    GlaWardProfile.objects.bulk_create(new, batch_size=500)
    # bulk_update skips auto_now: set it, so imported_at says when the figures last changed.
    now = timezone.now()
    for profile in changed:
        profile.imported_at = now
    GlaWardProfile.objects.bulk_update(
        changed, ["old_code", "name", "population", "measures", "imported_at"], batch_size=500
    )
    report.profiles.created, report.profiles.updated = len(new), len(changed)
    report.matching_wards = Ward.objects.filter(code__in=[row.code for row in rows]).count()
    return report
