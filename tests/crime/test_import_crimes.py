"""import_crimes: the real street-level sample in shared/data/crime, placed in wards and rolled
up, checked against an independent count; re-imports, bad files and the point fallback."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from shapely.geometry import shape

import crime.imports
from crime.categories import CrimeCategory
from crime.imports import ERROR_LIMIT, import_crimes
from crime.models import CrimeImport, StreetCrime, WardCrimeMonth, WardMatch
from tests.crime.conftest import FIELDS, Expected, read_rows, write_rows
from wards.imports import DataImportError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lsoa11")]

MET = "Metropolitan Police Service"
COLUMN = {name: index for index, name in enumerate(FIELDS)}


def rows_per_ward() -> Counter[str]:
    counts = StreetCrime.objects.filter(ward__isnull=False).values_list("ward__code")
    return Counter(dict(counts.annotate(n=Count("pk")).values_list("ward__code", "n")))


def rollup() -> list[tuple[Any, ...]]:
    """The whole rollup, to compare before and after."""
    return list(
        WardCrimeMonth.objects.order_by("ward__code", "month", "category").values_list(
            "ward__code", "month", "category", "count"
        )
    )


def database_state() -> tuple[Any, ...]:
    crimes = StreetCrime.objects.order_by("pk").values_list("pk", "ward_id", "category")
    imports = CrimeImport.objects.order_by("pk").values_list("pk", "rows_imported")
    return list(crimes), list(imports), rollup()


def edited(sample: Path, tmp_path: Path, line: int, **changes: str) -> Path:
    """A copy of the sample with fields of one physical line changed (header = line 1)."""
    rows = read_rows(sample)
    for name, value in changes.items():
        rows[line - 1][COLUMN[name.replace("_", " ")]] = value
    return write_rows(tmp_path / "edited.csv", rows)


def test_rows_land_in_the_wards_an_independent_count_finds(
    sample: Path, expected: Expected
) -> None:
    report = import_crimes(path=sample)

    assert (report.rows, report.imported) == (4000, 4000)
    assert (report.by_lsoa, report.by_point, report.outside) == (3994, 0, 6)
    assert rows_per_ward() == expected.by_ward
    by_borough = Counter(
        dict(
            StreetCrime.objects.filter(ward__isnull=False)
            .values_list("ward__borough__name")
            .annotate(n=Count("pk"))
            .values_list("ward__borough__name", "n")
        )
    )
    assert by_borough == expected.by_borough
    assert by_borough == {"Barnet": 1992, "Barking and Dagenham": 2002}
    assert StreetCrime.objects.filter(crime_id="").count() == expected.asb == 699


def test_the_rollup_counts_each_ward_month_and_category(sample: Path, expected: Expected) -> None:
    import_crimes(path=sample)

    label = {category.value: category.label for category in CrimeCategory}
    found = Counter({(ward, label[category]): count for ward, month, category, count in rollup()})
    assert found == expected.by_ward_type
    assert {month for _, month, _, _ in rollup()} == {CrimeImport.objects.get().month}


def test_rows_outside_london_are_kept_without_a_ward_and_reported(
    sample: Path, expected: Expected
) -> None:
    report = import_crimes(path=sample)

    assert report.outside == expected.outside == 6
    outside = StreetCrime.objects.filter(ward__isnull=True)
    assert outside.count() == 6
    assert set(outside.values_list("ward_match", flat=True)) == {WardMatch.NONE}
    assert set(outside.values_list("lsoa_name", flat=True)) <= set(report.outside_places)
    assert "Outside known wards (kept without a ward): 6" in report.lines()
    record = CrimeImport.objects.get()
    assert (record.rows_imported, record.rows_by_lsoa, record.rows_outside) == (4000, 3994, 6)


def test_a_row_keeps_the_file_text(sample: Path) -> None:
    import_crimes(path=sample)

    first = read_rows(sample)[1]
    crime = StreetCrime.objects.get(crime_id=first[0])
    assert crime.month.isoformat() == "2023-01-01"
    assert (crime.reported_by, crime.falls_within) == (MET, MET)
    assert (str(crime.longitude), str(crime.latitude)) == (first[4], first[5])
    assert (crime.location, crime.lsoa_code, crime.lsoa_name) == (first[6], first[7], first[8])
    assert crime.category == CrimeCategory.VIOLENT_CRIME
    assert (crime.last_outcome, crime.context) == (first[10], first[11])


def test_text_with_copy_special_characters_is_stored_as_it_is(sample: Path, tmp_path: Path) -> None:
    # COPY's text format gives tabs, newlines, backslashes and "\\N" meanings of their own.
    context = 'Seen by a "witness"\nover two lines,\twith a tab, a \\ and \\N'
    path = edited(sample, tmp_path, 10, Context=context, Location="On or near \\N")

    import_crimes(path=path)

    crime = StreetCrime.objects.get(location="On or near \\N")
    assert crime.context == context


def test_importing_the_file_again_replaces_it_without_duplicates(sample: Path) -> None:
    import_crimes(path=sample)
    per_ward, before = rows_per_ward(), rollup()

    report = import_crimes(path=sample)

    assert (report.imported, report.replaced) == (4000, 4000)
    assert StreetCrime.objects.count() == 4000
    assert CrimeImport.objects.count() == 1
    assert rows_per_ward() == per_ward
    assert rollup() == before


def test_a_smaller_file_for_the_same_month_replaces_the_rollup_too(
    sample: Path, tmp_path: Path
) -> None:
    import_crimes(path=sample)
    header, *rows = read_rows(sample)
    # The sample's rows run: 6 outside London, Barking and Dagenham's, then Barnet's. Keeping
    # the last 100 leaves Barking and Dagenham's wards with no crimes this month.
    smaller = write_rows(tmp_path / "smaller.csv", [header, *rows[-100:]])

    import_crimes(path=smaller)

    assert StreetCrime.objects.count() == 100
    assert sum(count for *_, count in rollup()) == 100
    assert set(WardCrimeMonth.objects.values_list("ward__borough__name", flat=True)) == {"Barnet"}


def test_another_force_for_the_same_month_is_kept_alongside(sample: Path, tmp_path: Path) -> None:
    import_crimes(path=sample)
    crime = StreetCrime.objects.exclude(ward=None).exclude(crime_id="").earliest("pk")
    header, *rows = read_rows(sample)
    row = next(row for row in rows if row[0] == crime.crime_id)
    btp = [*row[:2], "British Transport Police", "British Transport Police", *row[4:]]
    before = WardCrimeMonth.objects.get(ward=crime.ward, category=crime.category).count

    import_crimes(path=write_rows(tmp_path / "btp.csv", [header, btp, btp, btp]))

    assert StreetCrime.objects.count() == 4003
    assert CrimeImport.objects.count() == 2
    after = WardCrimeMonth.objects.get(ward=crime.ward, category=crime.category).count
    assert after == before + 3


def test_a_file_of_several_months_is_one_import_per_month(sample: Path, tmp_path: Path) -> None:
    header, *rows = read_rows(sample)
    february = [[row[0], "2023-02", *row[2:]] for row in rows[:10]]
    path = write_rows(tmp_path / "two-months.csv", [header, *rows, *february])

    report = import_crimes(path=path)

    assert [f"{month:%Y-%m}" for month in report.months] == ["2023-01", "2023-02"]
    assert list(
        CrimeImport.objects.order_by("month").values_list("month__month", "rows_imported")
    ) == [(1, 4000), (2, 10)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Month": "2023-13"}, "Month '2023-13' is not a month (YYYY-MM)"),
        ({"Longitude": "abc"}, "Longitude 'abc' is not a number"),
        ({"Latitude": ""}, "give both Longitude and Latitude, or neither"),
        ({"Crime_type": "Littering"}, "Crime type 'Littering' is not a police.uk crime type"),
        ({"Falls_within": ""}, "Falls within is blank"),
    ],
)
def test_a_bad_row_is_named_by_line_and_nothing_changes(
    sample: Path, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    import_crimes(path=sample)
    before = database_state()

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=edited(sample, tmp_path, 1234, **changes))

    assert raised.value.errors == [f"line 1234: {message}"]
    assert database_state() == before


def test_a_row_with_the_wrong_number_of_fields_is_named_by_line(
    sample: Path, tmp_path: Path
) -> None:
    rows = read_rows(sample)
    rows[99] = rows[99][:-2]
    path = write_rows(tmp_path / "short.csv", rows)

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=path)

    assert raised.value.errors == ["line 100: expected 12 fields, found 10"]
    assert not StreetCrime.objects.exists()
    assert not CrimeImport.objects.exists()


def test_line_numbers_are_physical_lines(sample: Path, tmp_path: Path) -> None:
    header, *rows = read_rows(sample)
    rows[0][COLUMN["Context"]] = "a context\nover two lines"
    rows[2][COLUMN["Month"]] = "January"
    # Line 1 header, lines 2-3 the first row, line 4 the second, line 5 blank, line 6 the third.
    path = write_rows(tmp_path / "multiline.csv", [header, rows[0], rows[1], [], rows[2]])

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=path)

    assert raised.value.errors == ["line 6: Month 'January' is not a month (YYYY-MM)"]


def test_many_bad_rows_are_listed_up_to_a_limit(sample: Path, tmp_path: Path) -> None:
    header, *rows = read_rows(sample)
    for row in rows[:500]:
        row[COLUMN["Month"]] = "2023-00"
    path = write_rows(tmp_path / "bad.csv", [header, *rows])

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=path)

    errors = raised.value.errors
    assert len(errors) == ERROR_LIMIT + 1
    assert errors[0] == "line 2: Month '2023-00' is not a month (YYYY-MM)"
    assert errors[-1] == f"and {500 - ERROR_LIMIT} more problems (500 in all)"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            [name for name in FIELDS if name != "Crime type"],
            "line 1: missing column(s): Crime type",
        ),
        (
            [*FIELDS[:9], "Outcome type"],
            "line 1: missing column(s): Crime type, Last outcome category, Context; unexpected "
            "column(s): Outcome type (this looks like an outcomes file (*-outcomes.csv); "
            "import_crimes takes street files, *-street.csv)",
        ),
        ([*FIELDS, "Month"], "line 1: repeated column(s): Month"),
    ],
)
def test_a_wrong_header_says_what_is_wrong(tmp_path: Path, header: list[str], message: str) -> None:
    path = write_rows(tmp_path / "wrong.csv", [header])

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=path)

    assert raised.value.errors == [message]


def test_empty_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    header_only = write_rows(tmp_path / "header.csv", [list(FIELDS)])

    for path, message in (
        (empty, "line 1: the file is empty; expected a header row"),
        (header_only, "the file has a header but no rows"),
    ):
        with pytest.raises(DataImportError) as raised:
            import_crimes(path=path)
        assert raised.value.errors == [message]


def test_a_byte_order_mark_is_not_part_of_the_header(
    sample: Path, tmp_path: Path, expected: Expected
) -> None:
    path = write_rows(tmp_path / "bom.csv", read_rows(sample), bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfCrime ID,")

    import_crimes(path=path)

    assert rows_per_ward() == expected.by_ward


@pytest.fixture
def inside_a_ward(shared_data: Path) -> tuple[str, str, str]:
    """A ward code (West Finchley, Barnet) and a point inside its 2022 boundary."""
    path = shared_data / "boundaries" / "london_wards_2022.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    feature = next(f for f in features if f["properties"]["ward_code"] == "E05013648")
    point = shape(feature["geometry"]).representative_point()
    return "E05013648", f"{point.x:.6f}", f"{point.y:.6f}"


@pytest.mark.usefixtures("boundaries")
def test_a_row_without_a_known_lsoa_is_placed_by_its_coordinates(
    sample: Path, tmp_path: Path, inside_a_ward: tuple[str, str, str]
) -> None:
    ward_code, longitude, latitude = inside_a_ward
    # Line 8 is the first London row (lines 2-7 are outside London), moved to an unknown LSOA.
    path = edited(
        sample, tmp_path, 8, Longitude=longitude, Latitude=latitude, LSOA_code="E01099999"
    )

    report = import_crimes(path=path)

    assert (report.by_lsoa, report.by_point, report.outside) == (3993, 1, 6)
    crime = StreetCrime.objects.get(lsoa_code="E01099999")
    assert crime.ward is not None
    assert (crime.ward.code, crime.ward_match) == (ward_code, WardMatch.POINT)
    assert CrimeImport.objects.get().rows_by_point == 1
    assert WardCrimeMonth.objects.filter(ward=crime.ward, category=crime.category).exists()


def test_without_boundaries_such_a_row_is_outside(
    sample: Path, tmp_path: Path, inside_a_ward: tuple[str, str, str]
) -> None:
    _, longitude, latitude = inside_a_ward
    path = edited(
        sample, tmp_path, 8, Longitude=longitude, Latitude=latitude, LSOA_code="E01099999"
    )

    report = import_crimes(path=path)

    assert (report.by_point, report.outside) == (0, 7)
    assert StreetCrime.objects.get(lsoa_code="E01099999").ward is None


@pytest.mark.usefixtures("boundaries")
def test_the_lsoa_wins_over_the_coordinates(sample: Path) -> None:
    report = import_crimes(path=sample)

    # Every London row has a known LSOA: none is placed by its point, though all could be.
    assert (report.by_lsoa, report.by_point) == (3994, 0)


def test_without_copy_rows_are_written_in_batches_to_the_same_result(
    sample: Path, expected: Expected, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded demo's path (bulk_create, for SQLite), exercised on PostgreSQL."""
    monkeypatch.setattr(crime.imports, "BULK_BATCH_SIZE", 700)
    monkeypatch.setattr(crime.imports, "_use_copy", lambda: False)

    import_crimes(path=sample)
    import_crimes(path=sample)

    assert rows_per_ward() == expected.by_ward
    assert StreetCrime.objects.count() == 4000
    assert sum(count for *_, count in rollup()) == 3994


def test_progress_is_reported_up_to_the_whole_file(sample: Path, tmp_path: Path) -> None:
    header, *rows = read_rows(sample)
    path = write_rows(tmp_path / "big.csv", [header, *(rows * 5)])
    seen: list[int] = []

    import_crimes(path=path, on_progress=seen.append)

    assert seen == sorted(seen)
    assert len(seen) >= 2
    assert seen[-1] == path.stat().st_size


def test_the_command_reports_each_file(sample: Path) -> None:
    out = StringIO()

    call_command("import_crimes", str(sample), stdout=out)

    output = out.getvalue()
    assert "Rows: 4,000; imported: 4,000 (2023-01; Metropolitan Police Service)" in output
    assert "Placed in a ward by LSOA: 3,994; by coordinates: 0" in output
    assert "Outside known wards (kept without a ward): 6" in output
    assert "rows/s" in output


def test_the_command_imports_good_files_and_fails_on_bad_ones(sample: Path, tmp_path: Path) -> None:
    bad = edited(sample, tmp_path, 3, Longitude="abc")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"1 of 2 file\(s\) had problems"):
        call_command("import_crimes", str(bad), str(sample), "--progress", stdout=out, stderr=err)

    assert "edited.csv: line 3: Longitude 'abc' is not a number" in err.getvalue()
    assert "edited.csv: nothing was imported from this file." in err.getvalue()
    assert StreetCrime.objects.count() == 4000
    assert set(CrimeImport.objects.values_list("file_name", flat=True)) == {sample.name}


def test_text_that_is_not_utf8_is_named_by_line(sample: Path, tmp_path: Path) -> None:
    rows = read_rows(sample)
    path = write_rows(tmp_path / "latin1.csv", rows)
    lines = path.read_bytes().split(b"\n")
    lines[2999] = lines[2999].replace(b"On or near", "Près de".encode("latin-1"))
    path.write_bytes(b"\n".join(lines))

    with pytest.raises(DataImportError) as raised:
        import_crimes(path=path)

    assert raised.value.errors == ["line 3000: not UTF-8 text (invalid continuation byte)"]
    assert not StreetCrime.objects.exists()


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataImportError, match="cannot read"):
        import_crimes(path=tmp_path / "nope.csv")
