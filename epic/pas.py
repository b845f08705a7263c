"""Public Attitude Survey (PAS) results: the file ``manage.py import_pas`` reads, and the demo's.

The file
--------
A CSV file with a header row and one row per borough, quarter and measure::

    borough_code,quarter,measure,percent,respondents
    E09000003,2025-Q2,feel_safe_after_dark,74.5,312
    E09000003,2025-Q2,police_do_good_job,61,312
    E09000003,2025-Q2,worry_about_violence,12.25,312
    E09000003,2025-Q2,feel_informed,47.8,
    E09000003,2025-Q2,see_uniformed_weekly,44.1,

Columns (in any order; names are not case-sensitive):

- ``borough_code``: the borough's ONS code, E09 and six digits, for one of the 32 boroughs the
  Met polices (not the City of London, E09000001, which has its own force). The borough must
  already be in the database (``import_wards``).
- ``quarter``: the calendar quarter as ``YYYY-Qn`` (Q1 is January to March, Q2 April to June,
  Q3 July to September, Q4 October to December). The first day of the quarter as a date
  (``2025-04-01``) is accepted too. A quarter that has not started yet is refused.
- ``measure``: one of ``feel_safe_after_dark`` (feel safe walking alone after dark),
  ``police_do_good_job`` (police do a good job in the local area), ``worry_about_violence``
  (worried about violence), ``feel_informed`` (feel well informed about local police activity),
  ``see_uniformed_weekly`` (see a uniformed presence at least weekly).
- ``percent``: the percentage agreeing, from 0 to 100, with at most two decimal places
  (``74.5`` or ``74.5%``).
- ``respondents`` (optional column, values may be blank): how many people answered, a whole
  number of at least 1 (``1,204`` is read as 1204).
- ``borough_name`` (optional column): for people reading the file; ignored.

The file may be UTF-8 (with or without the byte-order mark Excel writes) or Windows-1252 (what
Excel on Windows saves as "CSV"). Blank lines are skipped.

How it is imported
------------------
All or nothing: the whole file is read and checked before anything is written, and a file with
any problem imports nothing. Every problem is reported as ``line N: ...`` (N counts physical
lines, the header being line 1): a missing, unknown or repeated column, an empty file or one
with no results, a malformed or unknown borough code, a bad quarter, measure, percentage or
number of respondents, a row with the wrong number of fields, and the same borough, quarter
and measure given twice. A clean file is written in one transaction. Importing is idempotent:
a result already held for a borough, quarter and measure is updated in place when the file
gives a different percentage or number of respondents and left alone when it gives the same,
and the report counts results created, updated and unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from epic.models import PasMeasure, PasResult
from wards.imports import BOROUGH_CODE, CITY_OF_LONDON, DataImportError, Tally
from wards.models import Borough, User

REQUIRED_COLUMNS = ("borough_code", "quarter", "measure", "percent")
OPTIONAL_COLUMNS = ("respondents", "borough_name")
ERROR_LIMIT = 100
QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)
FIRST_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
QUARTER_MONTHS = (1, 4, 7, 10)
# A survey year outside this range is a typo (the PAS began in 1983).
YEARS = (1983, 2100)
PERCENT_PLACES = Decimal("0.01")

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


@dataclass(frozen=True)
class PasRow:
    """One validated result: ``line`` is where it was in the file (0 for generated rows)."""

    line: int
    borough_id: int
    quarter: dt.date
    measure: str
    percent: Decimal
    respondents: int | None


@dataclass
class PasImportReport:
    """What an import of PAS results did."""

    results: Tally = field(default_factory=Tally)
    boroughs: int = 0
    quarters: list[dt.date] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"PAS results: {self.results}"]
        if self.quarters:
            first, last = format_quarter(self.quarters[0]), format_quarter(self.quarters[-1])
            span = first if first == last else f"{first} to {last}"
            lines.append(
                f"  {self.boroughs} borough{'s' if self.boroughs != 1 else ''}, "
                f"{len(self.quarters)} quarter{'s' if len(self.quarters) != 1 else ''} ({span})"
            )
        return lines


def format_quarter(first_day: dt.date) -> str:
    """2025-07-01 -> "2025-Q3"."""
    return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the quarter ``day`` is in."""
    return dt.date(day.year, QUARTER_MONTHS[(day.month - 1) // 3], 1)


def previous_quarter(first_day: dt.date) -> dt.date:
    return quarter_start(first_day - dt.timedelta(days=1))


def parse_quarter(text: str) -> dt.date | None:
    """ "2025-Q3" (or "2025Q3", or the first day, "2025-07-01") -> 2025-07-01; None if not."""
    if match := QUARTER.fullmatch(text):
        year, month = int(match[1]), QUARTER_MONTHS[int(match[2]) - 1]
    elif match := FIRST_DAY.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if month not in QUARTER_MONTHS or match[3] != "01":
            return None
    else:
        return None
    if not YEARS[0] <= year <= YEARS[1]:
        return None
    return dt.date(year, month, 1)


# Import ----------------------------------------------------------------------------------------


def import_pas(
    *, path: Path | str, today: dt.date | None = None, acting_user: User | None = None
) -> PasImportReport:
    """Import a PAS results file (see the module docstring for its format).

    Raises DataImportError, having written nothing, if the file has any problem.
    """
    rows = read_pas_csv(Path(path), today=today or timezone.localdate())
    return apply_pas_rows(rows=rows, acting_user=acting_user)


def read_pas_csv(path: Path, *, today: dt.date) -> list[PasRow]:
    """Parse and validate a PAS file; every problem is collected before raising."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataImportError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    return _read_records(_decode(data), today=today)


def _decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark dropped), else Windows-1252 as Excel on Windows saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataImportError(
            [f"line {line}: the file is neither UTF-8 nor Windows-1252 text"]
        ) from exc


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


def _columns(header: list[str]) -> dict[str, int]:
    """Each known column's index; DataImportError (line 1) if the header is not a PAS file's."""
    names = [name.strip().lower() for name in header]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    unexpected = [name or "(blank)" for name in names if name not in known]
    if unexpected:
        problems.append(f"unexpected column(s): {', '.join(unexpected)}")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        expected = ", ".join(REQUIRED_COLUMNS) + " and optionally " + ", ".join(OPTIONAL_COLUMNS)
        raise DataImportError([f"line 1: {'; '.join(problems)} (expected {expected})"])
    return {name: names.index(name) for name in known if name in names}


def _read_records(text: str, *, today: dt.date) -> list[PasRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DataImportError(["line 1: the file is empty; expected a header row"]) from None
    except csv.Error as exc:
        raise DataImportError([f"line 1: {exc}"]) from None
    column = _columns(header)
    boroughs = {
        code: (pk, is_met)
        for pk, code, is_met in Borough.objects.values_list("pk", "code", "is_met")
    }
    latest = quarter_start(today)

    problems = _Problems()
    rows: list[PasRow] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    next_line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(next_line, [str(exc)])
            break
        # line_num counts physical lines: a quoted field spanning lines is reported where its
        # record starts.
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.add(line, [f"expected {len(header)} fields, found {len(record)}"])
            continue
        values = {name: record[index].strip() for name, index in column.items()}
        row, messages = _parse_row(line, values, boroughs, latest)
        problems.add(line, messages)
        if row is None:
            continue
        key = (values["borough_code"].upper(), row.quarter, row.measure)
        if key in seen:
            problems.add(
                line,
                [
                    f"{key[0]} {format_quarter(row.quarter)} {row.measure} is already on "
                    f"line {seen[key]}"
                ],
            )
            continue
        seen[key] = line
        rows.append(row)
    if problems.count:
        raise problems.error()
    if not rows:
        raise DataImportError(["the file has a header but no results"])
    return rows


def _parse_row(
    line: int,
    values: dict[str, str],
    boroughs: dict[str, tuple[int, bool]],
    latest: dt.date,
) -> tuple[PasRow | None, list[str]]:
    errors: list[str] = []
    code = values["borough_code"].upper()
    borough_id = None
    if not BOROUGH_CODE.fullmatch(code):
        errors.append(
            f"borough_code {values['borough_code']!r} is not an ONS borough code (E09 and 6 digits)"
        )
    elif code == CITY_OF_LONDON:
        errors.append(
            f"borough_code {code} is the City of London, which has its own police force: "
            "the PAS results are for the 32 Met boroughs"
        )
    elif code not in boroughs:
        errors.append(f"borough_code {code} is not a borough in the database (import_wards first)")
    elif not boroughs[code][1]:
        errors.append(f"borough_code {code} is not policed by the Met")
    else:
        borough_id = boroughs[code][0]

    raw_quarter = values["quarter"]
    quarter = parse_quarter(raw_quarter)
    if quarter is None:
        errors.append(
            f"quarter {raw_quarter!r} is not a quarter: write it as YYYY-Qn (2025-Q3) or as the "
            "quarter's first day (2025-07-01)"
        )
    elif quarter > latest:
        errors.append(f"quarter {format_quarter(quarter)} has not started yet")

    measure = values["measure"].lower()
    if measure not in PasMeasure.values:
        errors.append(f"measure {values['measure']!r} is not one of {', '.join(PasMeasure.values)}")

    percent = _percent(values["percent"], errors)
    respondents = _respondents(values.get("respondents", ""), errors)
    if errors or borough_id is None or quarter is None or percent is None:
        return None, errors
    return PasRow(line, borough_id, quarter, measure, percent, respondents), []


def _percent(raw: str, errors: list[str]) -> Decimal | None:
    text = raw.removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.append(f"percent {raw!r} is not a number")
        return None
    if not 0 <= value <= 100:
        errors.append(f"percent {raw!r} is not between 0 and 100")
        return None
    if value != value.quantize(PERCENT_PLACES):
        errors.append(f"percent {raw!r} has more than two decimal places")
        return None
    return value.quantize(PERCENT_PLACES)


def _respondents(raw: str, errors: list[str]) -> int | None:
    if not raw:
        return None
    digits = raw.replace(",", "")
    if not digits.isdecimal() or not digits.isascii() or int(digits) < 1:
        errors.append(f"respondents {raw!r} is not a whole number of at least 1 (or blank)")
        return None
    return int(digits)


def apply_pas_rows(*, rows: Sequence[PasRow], acting_user: User | None = None) -> PasImportReport:
    """Write validated rows in one transaction: create, update in place, or leave unchanged.

    ``acting_user`` is accepted for symmetry with the other imports; PAS results carry no
    per-row author (they are the survey's, not a user's)."""
    report = PasImportReport()
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (result.borough_id, result.quarter, result.measure): result
            for result in PasResult.objects.filter(
                borough_id__in={row.borough_id for row in rows},
                quarter__in={row.quarter for row in rows},
            )
        }
        created: list[PasResult] = []
        updated: list[PasResult] = []
        for row in rows:
            result = existing.get((row.borough_id, row.quarter, row.measure))
            if result is None:
                created.append(
                    PasResult(
                        borough_id=row.borough_id,
                        quarter=row.quarter,
                        measure=row.measure,
                        percent=row.percent,
                        respondents=row.respondents,
                    )
                )
            elif result.percent != row.percent or result.respondents != row.respondents:
                result.percent, result.respondents = row.percent, row.respondents
                result.imported_at = now  # bulk_update does not apply auto_now
                updated.append(result)
            else:
                report.results.unchanged += 1
        PasResult.objects.bulk_create(created, batch_size=1000)
        PasResult.objects.bulk_update(
            updated, ["percent", "respondents", "imported_at"], batch_size=1000
        )
    report.results.created, report.results.updated = len(created), len(updated)
    report.boroughs = len({row.borough_id for row in rows})
    report.quarters = sorted({row.quarter for row in rows})
    return report


# The demo's results ----------------------------------------------------------------------------

DEMO_SEED = 2007
DEMO_QUARTERS = 8
# London across the first three quarters of 2006/07 (seed 004 §81).
LONDON_PERCENT: dict[str, float] = {
    PasMeasure.FEEL_SAFE: 74,
    PasMeasure.GOOD_JOB: 61,
    PasMeasure.WORRY_VIOLENCE: 12,
    PasMeasure.INFORMED: 47,
    PasMeasure.UNIFORMED_PRESENCE: 44,
}
# How much a borough's confidence in its police moves each measure (points per standard
# deviation), and how far a borough strays on its own; worry falls as confidence rises.
CONFIDENCE_EFFECT: dict[str, float] = {
    PasMeasure.FEEL_SAFE: 4,
    PasMeasure.GOOD_JOB: 5,
    PasMeasure.WORRY_VIOLENCE: -2.5,
    PasMeasure.INFORMED: 4,
    PasMeasure.UNIFORMED_PRESENCE: 2,
}
BOROUGH_SPREAD: dict[str, float] = {
    PasMeasure.FEEL_SAFE: 3,
    PasMeasure.GOOD_JOB: 2.5,
    PasMeasure.WORRY_VIOLENCE: 2,
    PasMeasure.INFORMED: 3,
    PasMeasure.UNIFORMED_PRESENCE: 6,
}
# Fewer people feel safe after dark in the long nights of Q4 and Q1.
WINTER_DIP = 1.5


def demo_pas_rows(
    boroughs: Sequence[Borough],
    *,
    today: dt.date,
    quarters: int = DEMO_QUARTERS,
    seed: int = DEMO_SEED,
) -> list[PasRow]:
    """Plausible results for each borough on every measure in the last ``quarters`` complete
    quarters before ``today``: centred on London's 2006/07 figures (seed 004 §81), each borough
    with its own level (a shared confidence factor plus its own spread), a gentle trend, the
    winter dip in feeling safe, and quarter-to-quarter sampling noise of a survey of 250-400
    people. The same boroughs, day and seed always give the same rows."""
    last = previous_quarter(quarter_start(today))
    span = [last]
    while len(span) < quarters:
        span.append(previous_quarter(span[-1]))
    span.reverse()
    rows: list[PasRow] = []
    for borough in sorted(boroughs, key=lambda b: b.code):
        rng = random.Random(f"pas:{seed}:{borough.code}")
        confidence = rng.gauss(0, 1)
        level = {
            measure: mean
            + CONFIDENCE_EFFECT[measure] * confidence
            + rng.gauss(0, BOROUGH_SPREAD[measure])
            for measure, mean in LONDON_PERCENT.items()
        }
        trend = {measure: rng.uniform(-0.4, 0.4) for measure in LONDON_PERCENT}
        for number, quarter in enumerate(span):
            respondents = rng.randint(250, 400)
            for measure in PasMeasure.values:
                value = level[measure] + trend[measure] * (number - len(span) / 2)
                if measure == PasMeasure.FEEL_SAFE and quarter.month in (1, 10):
                    value -= WINTER_DIP
                value += rng.gauss(0, 1.8)
                percent = Decimal(f"{min(98.0, max(2.0, value)):.1f}")
                rows.append(PasRow(0, borough.pk, quarter, measure, percent, respondents))
    return rows


def seed_demo_pas(
    *, today: dt.date, seed: int = DEMO_SEED, progress: Progress = _quiet
) -> PasImportReport:
    """The demo's PAS results for every Met borough, written as an import would write them
    (so a second run finds them unchanged)."""
    boroughs = list(Borough.objects.filter(is_met=True))
    rows = demo_pas_rows(boroughs, today=today, seed=seed)
    progress(f"PAS results: {len(boroughs)} Met boroughs, the last {DEMO_QUARTERS} quarters")
    report = apply_pas_rows(rows=rows)
    for line in report.lines():
        progress(f"  {line}")
    return report
