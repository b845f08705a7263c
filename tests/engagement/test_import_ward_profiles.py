"""import_ward_profiles: the real GLA Ward Profiles (2015) file, idempotency, and bad files."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from engagement.imports import import_ward_profiles
from engagement.models import GlaWardProfile
from wards.imports import DataImportError

pytestmark = pytest.mark.django_db


def profiles_file(shared_data: Path) -> Path:
    return shared_data / "wards" / "gla_ward_profiles_2015.csv"


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def ward_lines(rows: list[list[str]]) -> list[int]:
    """The physical line numbers of the ward rows (each row is one line in this file)."""
    return [n for n, row in enumerate(rows, start=1) if row[2].startswith("E05")]


def ward_rows(path: Path) -> list[dict[str, str]]:
    """The file's ward rows (New code E05…), read independently of the importer."""
    header, *rows = read_rows(path)
    return [dict(zip(header, row, strict=True)) for row in rows if row[2].startswith("E05")]


def test_it_imports_every_ward_row_of_the_real_file(shared_data: Path) -> None:
    path = profiles_file(shared_data)
    wards = ward_rows(path)
    header, *rows = read_rows(path)

    report = import_ward_profiles(path=path)

    assert len(wards) == 624
    assert GlaWardProfile.objects.count() == len(wards) == report.profiles.created
    # Borough (E09), London (E12) and England (E92) rows are counted and skipped.
    assert report.summary_rows_skipped == len(rows) - len(wards) == 36
    assert not GlaWardProfile.objects.exclude(code__startswith="E05").exists()

    first = wards[0]
    profile = GlaWardProfile.objects.get(code=first["New code"])
    assert profile.name == first["Ward name"] and profile.old_code == first["Old code"]
    assert profile.population == int(float(first["Population - 2015"]))
    # Every figure, keyed by its column heading; "n/a" is stored as None.
    numeric = [name for name in header if name not in ("Ward name", "Old code", "New code")]
    assert set(profile.measures) == {name.strip() for name in numeric}
    assert profile.measures["% BAME - 2011"] == float(first["% BAME - 2011"])
    suppressed = next(
        (row, name) for row in wards for name in numeric if row[name].strip() == "n/a"
    )
    row, name = suppressed
    assert GlaWardProfile.objects.get(code=row["New code"]).measures[name.strip()] is None


def test_a_second_run_changes_nothing(shared_data: Path) -> None:
    path = profiles_file(shared_data)
    import_ward_profiles(path=path)
    before = list(GlaWardProfile.objects.order_by("code").values_list("pk", "imported_at"))

    report = import_ward_profiles(path=path)

    assert (report.profiles.created, report.profiles.updated) == (0, 0)
    assert report.profiles.unchanged == 624
    assert list(GlaWardProfile.objects.order_by("code").values_list("pk", "imported_at")) == (
        before
    )


def test_a_changed_figure_is_updated_in_place(shared_data: Path, tmp_path: Path) -> None:
    import_ward_profiles(path=profiles_file(shared_data))
    rows = read_rows(profiles_file(shared_data))
    line = ward_lines(rows)[0]
    rows[line - 1][rows[0].index("% BAME - 2011")] = "99.9"

    report = import_ward_profiles(path=write_rows(tmp_path / "profiles.csv", rows))

    assert (report.profiles.created, report.profiles.updated) == (0, 1)
    profile = GlaWardProfile.objects.get(code=rows[line - 1][2])
    assert profile.measures["% BAME - 2011"] == 99.9


def test_a_broken_row_names_its_line_and_imports_nothing(shared_data: Path, tmp_path: Path) -> None:
    rows = read_rows(profiles_file(shared_data))
    header = rows[0]
    line = ward_lines(rows)[100]
    rows[line - 1][header.index("Crime rate - 2014/15")] = "lots"
    path = write_rows(tmp_path / "profiles.csv", rows)

    with pytest.raises(DataImportError) as caught:
        import_ward_profiles(path=path)

    assert caught.value.errors == [
        f"line {line}: 'Crime rate - 2014/15': 'lots' is not a number (or blank, or n/a)"
    ]
    assert GlaWardProfile.objects.count() == 0


def test_a_broken_file_leaves_earlier_imports_alone(shared_data: Path, tmp_path: Path) -> None:
    import_ward_profiles(path=profiles_file(shared_data))
    rows = read_rows(profiles_file(shared_data))
    header = rows[0]
    first, bad_code, short = (ward_lines(rows)[n] for n in (0, 10, 20))
    expected = float(rows[first - 1][header.index("% BAME - 2011")])
    rows[first - 1][header.index("% BAME - 2011")] = "0"  # a change that would apply ...
    rows[bad_code - 1][header.index("New code")] = "W05000001"  # ... but for a bad code
    rows[short - 1] = rows[short - 1][:5]

    with pytest.raises(DataImportError) as caught:
        import_ward_profiles(path=write_rows(tmp_path / "profiles.csv", rows))

    assert [error.split(":")[0] for error in caught.value.errors] == [
        f"line {bad_code}",
        f"line {short}",
    ]
    assert f"expected {len(header)} fields, found 5" in caught.value.errors[1]
    code = rows[first - 1][header.index("New code")]
    assert GlaWardProfile.objects.get(code=code).measures["% BAME - 2011"] == expected


def test_a_repeated_ward_is_refused(shared_data: Path, tmp_path: Path) -> None:
    rows = read_rows(profiles_file(shared_data))
    first = ward_lines(rows)[0]
    rows.append(rows[first - 1])

    with pytest.raises(DataImportError) as caught:
        import_ward_profiles(path=write_rows(tmp_path / "profiles.csv", rows))

    code = rows[first - 1][2]
    assert caught.value.errors == [f"line {len(rows)}: ward {code} is already on line {first}"]
    assert GlaWardProfile.objects.count() == 0


def test_a_byte_order_mark_is_handled(shared_data: Path, tmp_path: Path) -> None:
    rows = read_rows(profiles_file(shared_data))
    path = write_rows(tmp_path / "profiles.csv", rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    report = import_ward_profiles(path=path)

    assert report.profiles.created == 624
    first = rows[ward_lines(rows)[0] - 1]
    assert GlaWardProfile.objects.get(code=first[2]).name == first[0]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "profiles.csv", [["Ward name", "New code"], ["A - B", "E05000001"]]
    )

    with pytest.raises(DataImportError) as caught:
        import_ward_profiles(path=path)

    assert caught.value.errors == ["line 1: missing column(s): Old code, Population - 2015"]


def test_the_command_reports_and_fails_cleanly(shared_data: Path, tmp_path: Path) -> None:
    out = StringIO()
    call_command("import_ward_profiles", str(profiles_file(shared_data)), stdout=out)
    assert "Ward profiles: 624 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "Borough, London and England rows skipped: 36" in out.getvalue()

    rows = read_rows(profiles_file(shared_data))
    line = ward_lines(rows)[3]
    rows[line - 1][rows[0].index("Population - 2015")] = "-3"
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_ward_profiles",
            str(write_rows(tmp_path / "profiles.csv", rows)),
            stdout=StringIO(),
            stderr=err,
        )
    assert f"line {line}: 'Population - 2015': '-3' is not a count" in err.getvalue()
    assert GlaWardProfile.objects.count() == 624
