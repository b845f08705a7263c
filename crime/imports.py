"""Imports of police.uk crime data: the LSOA → ward lookups and street-level crime files.

As in ``wards.imports``, a bad file changes nothing: every problem is reported as
``line N: …`` (physical lines, the header being line 1) in a ``DataImportError``, and the
write happens in one transaction. Both imports are idempotent.

A street file is read once, streaming: each row is validated and, while the file is still
clean, written straight away (PostgreSQL ``COPY``; ``bulk_create`` on SQLite). At the first
bad row writing stops, the rest of the file is still checked so that every problem is
listed, and the transaction is rolled back: nothing partial lands, and a million-row file is
never held in memory. The management commands ``import_lsoa_lookup`` and ``import_crimes``
wrap these functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TextIO

from django.db import connection, transaction

from crime.categories import CATEGORY_BY_CRIME_TYPE
from crime.models import CrimeImport, LsoaVintage, LsoaWard, StreetCrime, WardCrimeMonth, WardMatch
from wards.imports import WARD_CODE, DataImportError, Tally, first_undecodable_line, not_utf8
from wards.models import User, Ward

LSOA_CODE = re.compile(r"E01\d{6}")

# The street-level CSV's header, as data.police.uk writes it (``*-street.csv``).
CRIME_COLUMNS = (
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
# Columns that only data.police.uk's other files have: they name the file that was given.
OTHER_FILE_KINDS = {
    "Outcome type": "an outcomes file (*-outcomes.csv)",
    "Object of search": "a stop-and-search file (*-stop-and-search.csv)",
}

# A bad file is usually bad throughout (a wrong column, a shifted export): the first problems
# say what is wrong, and thousands more would bury them.
ERROR_LIMIT = 50
# Rows between progress callbacks: often enough for a smooth bar, rarely enough to cost nothing.
PROGRESS_EVERY = 16_384
# Rows per INSERT on databases without COPY (the embedded SQLite demo).
BULK_BATCH_SIZE = 2_000

MONTH = re.compile(r"(\d{4})-(\d{2})")
# police.uk coordinates are plain decimals; Python's float() would also take "1_0", "nan" or
# "1e3", which PostgreSQL's numeric would not, so the shape is checked first.
COORDINATE = re.compile(r"-?\d{1,3}(?:\.\d+)?")
# StreetCrime's short text columns and their sizes (the free-text columns are unlimited).
CRIME_ID_MAX, FORCE_MAX, LSOA_CODE_MAX = 64, 100, 9

# Any constant: it names the crime imports' lock among the database's advisory locks.
_IMPORT_LOCK_KEY = 0x736E_7463_7269_6D65  # "sntcrime"

Progress = Callable[[int], None]


# LSOA → ward lookups -----------------------------------------------------------------------


@dataclass(frozen=True)
class LsoaRow:
    """One validated row of an LSOA → ward lookup."""

    line: int
    lsoa_code: str
    ward_code: str


@dataclass
class LsoaImportReport:
    """What an LSOA lookup import did."""

    vintage: int
    lsoas: Tally = field(default_factory=Tally)
    # Codes that a newer lookup already maps: the newer best fit is kept (see LsoaWard).
    kept_newer: int = 0
    # Ward codes in the file that are not in the database → how many LSOAs name each.
    unknown_wards: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as lines for a command's output."""
        lines = [f"{self.vintage} LSOAs: {self.lsoas}"]
        if self.kept_newer:
            lines.append(f"Already mapped by a newer LSOA lookup (kept): {self.kept_newer}")
        if self.unknown_wards:
            codes = sorted(self.unknown_wards)
            shown = ", ".join(codes[:20])
            more = f" and {len(codes) - 20} more" if len(codes) > 20 else ""
            lines.append(
                f"Skipped {sum(self.unknown_wards.values())} LSOAs whose ward is not in the "
                f"database (import_wards first): {len(codes)} ward codes: {shown}{more}"
            )
        return lines


def import_lsoa_lookup(*, path: Path | str, acting_user: User | None = None) -> LsoaImportReport:
    """Map LSOAs to current wards from a best-fit lookup (as in shared/data/wards).

    The file's header says its vintage: ``lsoa11cd`` or ``lsoa21cd``, with ``ward22cd``. Wards
    are joined on code; rows naming a ward that is not in the database are skipped and reported.
    Raises DataImportError, having written nothing, if any row is invalid.

    ``acting_user`` is accepted for the services' convention; geography keeps no audit history.
    """
    vintage, rows = read_lsoa_lookup(Path(path))
    return apply_lsoa_rows(rows=rows, vintage=vintage)


def read_lsoa_lookup(path: Path) -> tuple[int, list[LsoaRow]]:
    """Parse and validate a lookup file; every problem is collected before raising."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_lsoa_records(handle)
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc


def _read_lsoa_records(handle: TextIO) -> tuple[int, list[LsoaRow]]:
    reader = csv.reader(handle)
    try:
        # ONS files spell codes' columns in capitals (LSOA11CD), the GLA's in lower case.
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise DataImportError(["line 1: the file is empty; expected a header row"]) from None
    lsoa_columns = [
        (name, vintage)
        for vintage in LsoaVintage.values
        if (name := f"lsoa{vintage % 100:02d}cd") in header
    ]
    problems = []
    if len(lsoa_columns) != 1:
        problems.append("exactly one of the columns lsoa11cd or lsoa21cd (the LSOA vintage)")
    if "ward22cd" not in header:
        problems.append("the column ward22cd (the 2022 ward code)")
    if problems:
        raise DataImportError([f"line 1: expected {' and '.join(problems)}"])
    (lsoa_column, vintage), *_ = lsoa_columns
    lsoa_index, ward_index = header.index(lsoa_column), header.index("ward22cd")

    errors: list[str] = []
    rows: list[LsoaRow] = []
    seen: dict[str, int] = {}
    next_line = reader.line_num + 1
    for record in reader:
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.append(f"line {line}: expected {len(header)} fields, found {len(record)}")
            continue
        lsoa_code, ward_code = record[lsoa_index].strip(), record[ward_index].strip()
        row_errors = []
        if not LSOA_CODE.fullmatch(lsoa_code):
            row_errors.append(f"{lsoa_column} {lsoa_code!r} is not an LSOA code (E01 and 6 digits)")
        elif lsoa_code in seen:
            row_errors.append(f"LSOA {lsoa_code} is already on line {seen[lsoa_code]}")
        if not WARD_CODE.fullmatch(ward_code):
            row_errors.append(f"ward22cd {ward_code!r} is not an ONS ward code (E05 and 6 digits)")
        if row_errors:
            errors.extend(f"line {line}: {message}" for message in row_errors)
            continue
        seen[lsoa_code] = line
        rows.append(LsoaRow(line=line, lsoa_code=lsoa_code, ward_code=ward_code))
    if errors:
        raise DataImportError(errors)
    if not rows:
        raise DataImportError(["the file has a header but no LSOAs"])
    return int(vintage), rows


@transaction.atomic
def apply_lsoa_rows(*, rows: Sequence[LsoaRow], vintage: int) -> LsoaImportReport:
    """Write validated lookup rows of one vintage; see import_lsoa_lookup.

    A code listed by several lookups keeps the newest one's ward, whatever order the files are
    imported in (an older file reports it as kept).
    """
    report = LsoaImportReport(vintage=vintage)
    ward_ids = dict(Ward.objects.values_list("code", "pk"))
    existing = {mapping.lsoa_code: mapping for mapping in LsoaWard.objects.all()}
    unknown: Counter[str] = Counter()
    new: list[LsoaWard] = []
    changed: list[LsoaWard] = []
    for row in rows:
        ward_id = ward_ids.get(row.ward_code)
        if ward_id is None:
            unknown[row.ward_code] += 1
            continue
        mapping = existing.get(row.lsoa_code)
        if mapping is None:
            new.append(LsoaWard(lsoa_code=row.lsoa_code, vintage=vintage, ward_id=ward_id))
        elif mapping.vintage > vintage:
            report.kept_newer += 1
        elif (mapping.vintage, mapping.ward_id) != (vintage, ward_id):
            mapping.vintage, mapping.ward_id = vintage, ward_id
            changed.append(mapping)
        else:
            report.lsoas.unchanged += 1
    LsoaWard.objects.bulk_create(new, batch_size=1000)
    LsoaWard.objects.bulk_update(changed, ["vintage", "ward"], batch_size=1000)
    report.lsoas.created, report.lsoas.updated = len(new), len(changed)
    report.unknown_wards = dict(sorted(unknown.items()))
    return report


# Street-level crime ------------------------------------------------------------------------


@dataclass
class CrimeImportReport:
    """What importing one street-level file did."""

    file_name: str
    rows: int = 0  # data rows read (blank lines aside); all of them are imported
    by_lsoa: int = 0
    by_point: int = 0
    outside: int = 0
    # Rows of earlier imports of the same months and forces, replaced by this file's.
    replaced: int = 0
    months: list[dt.date] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)
    # Where the rows outside known wards are: LSOA name (or "no location") → rows.
    outside_places: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.by_lsoa + self.by_point + self.outside

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The report as lines for a command's output."""
        months = ", ".join(f"{month:%Y-%m}" for month in self.months)
        lines = [
            f"Rows: {self.rows:,}; imported: {self.imported:,} ({months}; "
            f"{', '.join(self.forces)})",
            f"Placed in a ward by LSOA: {self.by_lsoa:,}; by coordinates: {self.by_point:,}",
            f"Outside known wards (kept without a ward): {self.outside:,}",
        ]
        if self.outside_places:
            places = ", ".join(
                f"{place} ({count:,})" for place, count in self.outside_places.most_common(5)
            )
            more = len(self.outside_places) - 5
            lines.append(f"  in: {places}" + (f" and {more:,} more" if more > 0 else ""))
        if self.replaced:
            lines.append(f"Replaced {self.replaced:,} rows of an earlier import of these months")
        lines.append(f"{self.seconds:.2f} s, {self.rows_per_second:,.0f} rows/s")
        return lines


def import_crimes(
    *,
    path: Path | str,
    acting_user: User | None = None,
    on_progress: Progress | None = None,
    ward_locator: WardLocator | None = None,
) -> CrimeImportReport:
    """Import a data.police.uk street-level CSV (``*-street.csv``), placing rows in wards.

    Each row goes to the ward its LSOA best fits (``LsoaWard``), else to the current ward
    whose boundary contains its coordinates, else it is kept without a ward and counted as
    outside. The file replaces any earlier import of the same months for the same force, and
    the ward rollups of the (ward, month) buckets it touches are rebuilt, so importing a file
    again changes nothing. Raises DataImportError, having written nothing, if any row is bad.

    ``on_progress`` is called now and then with the number of bytes of the file read so far.
    ``ward_locator`` lets several files share one boundary index (one is built if not given).
    """
    path = Path(path)
    started = time.perf_counter()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            report = _import_crime_file(
                handle,
                file_name=path.name,
                acting_user=acting_user,
                on_progress=on_progress,
                ward_locator=ward_locator,
            )
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    report.seconds = time.perf_counter() - started
    return report


class _Problems:
    """Problems found in a file, kept up to ERROR_LIMIT and counted beyond."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.count = 0

    def add(self, line: int, messages: Iterable[str]) -> None:
        for message in messages:
            self.count += 1
            if self.count <= ERROR_LIMIT:
                self.messages.append(f"line {line}: {message}")

    def error(self) -> DataImportError:
        messages = list(self.messages)
        if self.count > ERROR_LIMIT:
            messages.append(
                f"and {self.count - ERROR_LIMIT:,} more problems ({self.count:,} in all)"
            )
        return DataImportError(messages, count=self.count)


def _crime_columns(header: list[str]) -> list[int]:
    """The index of each of CRIME_COLUMNS in the header; DataImportError if it is not ours."""
    names = [name.strip() for name in header]
    problems = []
    missing = [name for name in CRIME_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    unexpected = [name for name in names if name not in CRIME_COLUMNS]
    if unexpected:
        problems.append(f"unexpected column(s): {', '.join(unexpected)}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        kinds = [kind for column, kind in OTHER_FILE_KINDS.items() if column in names]
        hint = (
            f" (this looks like {kinds[0]}; import_crimes takes street files, *-street.csv)"
            if kinds
            else ""
        )
        raise DataImportError([f"line 1: {'; '.join(problems)}{hint}"])
    return [names.index(name) for name in CRIME_COLUMNS]


def _parse_month(text: str) -> dt.date | None:
    match = MONTH.fullmatch(text)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    # police.uk's data starts in December 2010; a year far from now is a typo, not a month.
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def _coordinates_ok(longitude: str, latitude: str) -> bool:
    return (
        COORDINATE.fullmatch(longitude) is not None
        and COORDINATE.fullmatch(latitude) is not None
        and -180 <= float(longitude) <= 180
        and -90 <= float(latitude) <= 90
    )


def _row_problems(values: tuple[str, ...]) -> list[str]:
    """Why a row failed the quick check in _import_crime_file, one message per problem."""
    (crime_id, month, reported_by, falls_within, longitude, latitude, _, lsoa_code, _) = values[:9]
    crime_type = values[9]
    problems = []
    if _parse_month(month) is None:
        problems.append(f"Month {month!r} is not a month (YYYY-MM)")
    if crime_type not in CATEGORY_BY_CRIME_TYPE:
        problems.append(f"Crime type {crime_type!r} is not a police.uk crime type")
    if longitude or latitude:
        if not (longitude and latitude):
            problems.append("give both Longitude and Latitude, or neither")
        else:
            for label, text, limit in (("Longitude", longitude, 180), ("Latitude", latitude, 90)):
                if COORDINATE.fullmatch(text) is None:
                    problems.append(f"{label} {text!r} is not a number")
                elif not -limit <= float(text) <= limit:
                    problems.append(f"{label} {text} is out of range (±{limit})")
    for label, text in (("Reported by", reported_by), ("Falls within", falls_within)):
        if not text:
            problems.append(f"{label} is blank")
        elif len(text) > FORCE_MAX:
            problems.append(f"{label} is longer than {FORCE_MAX} characters")
    if len(crime_id) > CRIME_ID_MAX:
        problems.append(f"Crime ID is longer than {CRIME_ID_MAX} characters")
    if len(lsoa_code) > LSOA_CODE_MAX:
        problems.append(f"LSOA code {lsoa_code!r} is longer than {LSOA_CODE_MAX} characters")
    return problems


class WardLocator:
    """Finds the current ward whose boundary contains a point, with a shapely STRtree.

    The tree is built on first use (files whose rows all match an LSOA never pay for it) and
    then kept: a command passes one locator to every file it imports.
    """

    def __init__(self) -> None:
        self._tree: Any = None
        self._point: Any = None
        self._ward_ids: list[int] = []

    @property
    def ready(self) -> bool:
        """Whether the tree is built, so that ward_at runs no query."""
        return self._tree is not None

    def ward_at(self, longitude: float, latitude: float) -> int | None:
        """The id of the ward containing the point, or None outside every known boundary."""
        if self._tree is None:
            self.build()
        hits = self._tree.query(self._point(longitude, latitude), predicate="intersects")
        # A point on a shared edge touches two wards: the lower ward code wins, every time.
        return self._ward_ids[int(hits.min())] if len(hits) else None

    def build(self) -> None:
        """Read the current wards' boundaries and index them."""
        # Imported here: shapely (GEOS, numpy) is only needed when an LSOA does not match.
        from shapely import Point, STRtree, make_valid
        from shapely.geometry import shape

        geometries, ward_ids = [], []
        wards = Ward.objects.current().filter(boundary__isnull=False).order_by("code")
        for ward_id, boundary in wards.values_list("pk", "boundary"):
            geometry = shape(boundary)
            if not geometry.is_valid:
                geometry = make_valid(geometry)
            geometries.append(geometry)
            ward_ids.append(ward_id)
        self._point, self._ward_ids, self._tree = Point, ward_ids, STRtree(geometries)


# One row for StreetCrime, in _COPY_COLUMNS order.
_Row = tuple[Any, ...]
_COPY_COLUMNS = (
    "crime_import",
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "category",
    "last_outcome",
    "context",
    "ward",
    "ward_match",
)


class _Sink(Protocol):
    """Where validated rows go. ``pause`` lets other statements run between rows."""

    def write(self, row: _Row) -> None: ...

    def pause(self) -> None: ...

    def __enter__(self) -> _Sink: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _CopySink:
    """Streams rows into StreetCrime with PostgreSQL's COPY (psycopg 3).

    A COPY holds the connection, so ``pause`` ends it and the next row starts another. An
    exception inside the block aborts the COPY, and the transaction around it rolls back.
    """

    def __init__(self, cursor: Any) -> None:
        quote = connection.ops.quote_name
        column = {field.name: field.column for field in StreetCrime._meta.concrete_fields}
        columns = ", ".join(quote(column[name]) for name in _COPY_COLUMNS)
        self._statement = f"COPY {quote(StreetCrime._meta.db_table)} ({columns}) FROM STDIN"
        self._cursor = cursor
        self._stack: ExitStack | None = None
        self._write_row: Callable[[_Row], None] | None = None

    def write(self, row: _Row) -> None:
        if self._write_row is None:
            self._stack = ExitStack()
            copy = self._stack.enter_context(self._cursor.copy(self._statement))
            self._write_row = copy.write_row
        self._write_row(row)

    def pause(self) -> None:
        self.__exit__(None, None, None)

    def __enter__(self) -> _CopySink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack, self._write_row = self._stack, None, None
        if stack is not None:
            stack.__exit__(exc_type, exc, tb)


class _BulkSink:
    """Writes rows into StreetCrime with bulk_create, in batches (databases without COPY)."""

    def __init__(self) -> None:
        self._batch: list[StreetCrime] = []

    def write(self, row: _Row) -> None:
        values = dict(zip(_COPY_COLUMNS, row, strict=True))
        for name in ("longitude", "latitude"):
            if values[name] is not None:
                values[name] = Decimal(values[name])
        values["crime_import_id"] = values.pop("crime_import")
        values["ward_id"] = values.pop("ward")
        self._batch.append(StreetCrime(**values))
        if len(self._batch) >= BULK_BATCH_SIZE:
            self.pause()

    def pause(self) -> None:
        StreetCrime.objects.bulk_create(self._batch)
        self._batch = []

    def __enter__(self) -> _BulkSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.pause()


@dataclass
class _Batch:
    """One (month, force) of the file being imported: its CrimeImport row and its tallies."""

    record: CrimeImport
    # Rows of an earlier import of the same month and force that this one replaced.
    replaced: int = 0
    # Rows placed by LSOA, by point, and outside.
    tally: list[int] = field(default_factory=lambda: [0, 0, 0])


def _start_batch(
    key: tuple[dt.date, str, str],
    *,
    file_name: str,
    acting_user: User | None,
    buckets: set[tuple[int, dt.date]],
) -> _Batch:
    """Replace any earlier import of this month and force with a new, empty one.

    The earlier rows' (ward, month) buckets are added to ``buckets``, to be recounted.
    """
    month, reported_by, falls_within = key
    earlier = list(
        CrimeImport.objects.filter(
            month=month, reported_by=reported_by, falls_within=falls_within
        ).values_list("pk", flat=True)
    )
    replaced = 0
    if earlier:
        # The month's buckets in the rollup include every bucket the earlier rows touched: far
        # cheaper to read than those rows, and recounting a bucket they missed is harmless.
        buckets.update(WardCrimeMonth.objects.filter(month=month).values_list("ward_id", "month"))
        # StreetCrime has no dependants or signals, so this is one DELETE, not a fetch.
        replaced, _ = StreetCrime.objects.filter(crime_import__in=earlier).delete()
        CrimeImport.objects.filter(pk__in=earlier).delete()
    record = CrimeImport.objects.create(
        month=month,
        reported_by=reported_by,
        falls_within=falls_within,
        file_name=file_name[:255],
        imported_by=acting_user,
    )
    return _Batch(record=record, replaced=replaced)


@contextmanager
def _raw_cursor() -> Iterator[Any]:
    """The psycopg cursor beneath Django's, for COPY (which Django does not wrap)."""
    with connection.cursor() as cursor:
        yield cursor.cursor


def rebuild_ward_crime_months(*, buckets: Iterable[tuple[int, dt.date]]) -> None:
    """Recount these (ward id, month) buckets of WardCrimeMonth from the raw StreetCrime rows.

    Each bucket is deleted and refilled by one INSERT … SELECT … GROUP BY per month, so the
    result depends only on the rows, never on what the rollup held before.
    """
    wards_by_month: defaultdict[dt.date, set[int]] = defaultdict(set)
    for ward_id, month in buckets:
        wards_by_month[month].add(ward_id)
    quote = connection.ops.quote_name
    rollup, crimes = quote(WardCrimeMonth._meta.db_table), quote(StreetCrime._meta.db_table)
    with connection.cursor() as cursor:
        for month, ward_set in sorted(wards_by_month.items()):
            ward_ids = sorted(ward_set)
            WardCrimeMonth.objects.filter(month=month, ward_id__in=ward_ids).delete()
            placeholders = ", ".join(["%s"] * len(ward_ids))
            cursor.execute(
                f"INSERT INTO {rollup} (ward_id, month, category, count) "
                f"SELECT ward_id, month, category, COUNT(*) FROM {crimes} "
                f"WHERE month = %s AND ward_id IN ({placeholders}) "
                "GROUP BY ward_id, month, category",
                [month, *ward_ids],
            )


def _use_copy() -> bool:
    """Whether rows go in by COPY: on PostgreSQL (the embedded SQLite demo has no COPY)."""
    return connection.vendor == "postgresql"


def _ward_at(locator: WardLocator, sink: _Sink, longitude: str, latitude: str) -> int | None:
    if not locator.ready:
        sink.pause()  # building the tree reads the wards, and a COPY holds the connection
        locator.build()
    return locator.ward_at(float(longitude), float(latitude))


@transaction.atomic
def _import_crime_file(
    handle: TextIO,
    *,
    file_name: str,
    acting_user: User | None,
    on_progress: Progress | None,
    ward_locator: WardLocator | None,
) -> CrimeImportReport:
    report = CrimeImportReport(file_name=file_name)
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise DataImportError(["line 1: the file is empty; expected a header row"]) from None
    except UnicodeDecodeError as exc:
        line = first_undecodable_line(handle.buffer)
        raise DataImportError([f"line {line}: not UTF-8 text ({exc.reason})"]) from exc
    pick = itemgetter(*_crime_columns(header))
    width = len(header)

    copy = _use_copy()
    if connection.vendor == "postgresql":
        # Imports touching the same month rebuild the same rollup buckets: one at a time.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])
    lsoa_wards: dict[str, int] = dict(LsoaWard.objects.values_list("lsoa_code", "ward_id"))
    locator = ward_locator or WardLocator()
    categories = CATEGORY_BY_CRIME_TYPE
    months: dict[str, dt.date] = {}
    batches: dict[tuple[dt.date, str, str], _Batch] = {}
    buckets: set[tuple[int, dt.date]] = set()
    problems = _Problems()
    lsoa, point, none = WardMatch.LSOA.value, WardMatch.POINT.value, WardMatch.NONE.value
    key: tuple[dt.date, str, str] | None = None
    tally: list[int] = []
    import_id = 0
    rows = 0

    with ExitStack() as stack:
        if copy:
            sink: _Sink = stack.enter_context(_CopySink(stack.enter_context(_raw_cursor())))
        else:
            sink = stack.enter_context(_BulkSink())
        records: Iterator[list[str]] = iter(reader)
        next_line = reader.line_num + 1
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                # Text is decoded a block ahead of the CSV reader, so find the line itself; and
                # stop there, since later lines cannot be trusted to be what they seem.
                line = first_undecodable_line(handle.buffer)
                problems.add(line, [f"not UTF-8 text ({exc.reason})"])
                break
            except csv.Error as exc:
                problems.add(next_line, [f"not a CSV row ({exc})"])
                break
            # line_num counts physical lines: a quoted field spanning lines is reported at the
            # line where its record starts.
            line, next_line = next_line, reader.line_num + 1
            if len(record) != width:
                if any(cell.strip() for cell in record):
                    problems.add(line, [f"expected {width} fields, found {len(record)}"])
                continue
            values: tuple[str, ...] = pick(record)
            (
                crime_id,
                month_text,
                reported_by,
                falls_within,
                longitude,
                latitude,
                location,
                lsoa_code,
                lsoa_name,
                crime_type,
                outcome,
                context,
            ) = values
            month = months.get(month_text)
            if month is None and (month := _parse_month(month_text)) is not None:
                months[month_text] = month
            category = categories.get(crime_type)
            # The quick check: the hot path asks only yes or no; _row_problems says why.
            if (
                month is None
                or category is None
                or not reported_by
                or not falls_within
                or len(reported_by) > FORCE_MAX
                or len(falls_within) > FORCE_MAX
                or len(crime_id) > CRIME_ID_MAX
                or len(lsoa_code) > LSOA_CODE_MAX
                or ((longitude or latitude) and not _coordinates_ok(longitude, latitude))
            ):
                if not any(cell.strip() for cell in record):
                    continue  # a row of empty fields is a blank line
                problems.add(line, _row_problems(values))
                continue
            rows += 1
            if problems.count:
                continue  # still checking, no longer writing: the transaction will roll back
            if rows % PROGRESS_EVERY == 0 and on_progress is not None:
                on_progress(handle.buffer.tell())

            if key != (month, reported_by, falls_within):
                key = (month, reported_by, falls_within)
                batch = batches.get(key)
                if batch is None:
                    sink.pause()  # the COPY holds the connection
                    batch = batches[key] = _start_batch(
                        key, file_name=file_name, acting_user=acting_user, buckets=buckets
                    )
                    report.replaced += batch.replaced
                tally = batch.tally
                import_id = batch.record.pk

            ward_id = lsoa_wards.get(lsoa_code)
            if ward_id is not None:
                match = lsoa
                tally[0] += 1
            elif longitude and (ward_id := _ward_at(locator, sink, longitude, latitude)):
                match = point
                tally[1] += 1
            else:
                match = none
                tally[2] += 1
                report.outside_places[lsoa_name or "no location"] += 1
            if ward_id is not None:
                buckets.add((ward_id, month))
            sink.write(
                (
                    import_id,
                    crime_id,
                    month,
                    reported_by,
                    falls_within,
                    longitude or None,
                    latitude or None,
                    location,
                    lsoa_code,
                    lsoa_name,
                    category,
                    outcome,
                    context,
                    ward_id,
                    match,
                )
            )
        if problems.count:
            # Raised inside the sink, so an open COPY is aborted rather than completed.
            raise problems.error()
        if not rows:
            raise DataImportError(["the file has a header but no rows"])

    if on_progress is not None:
        on_progress(handle.buffer.tell())
    rebuild_ward_crime_months(buckets=buckets)
    for batch in batches.values():
        done = batch.record
        done.rows_by_lsoa, done.rows_by_point, done.rows_outside = batch.tally
        done.rows_imported = sum(batch.tally)
    CrimeImport.objects.bulk_update(
        [batch.record for batch in batches.values()],
        ["rows_imported", "rows_by_lsoa", "rows_by_point", "rows_outside"],
    )
    report.rows = rows
    report.by_lsoa, report.by_point, report.outside = (
        sum(batch.tally[index] for batch in batches.values()) for index in range(3)
    )
    report.months = sorted({month for month, _, _ in batches})
    report.forces = sorted({falls_within for _, _, falls_within in batches})
    return report
