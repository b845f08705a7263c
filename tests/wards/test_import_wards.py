"""import_wards: the real ONS ward lists in shared/data/wards, their vintages, and bad files."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wards.imports import CITY_OF_LONDON, DataImportError, import_wards
from wards.management.commands.import_wards import infer_vintage
from wards.models import Borough, Team, Ward

pytestmark = pytest.mark.django_db

FROM_2014, FROM_2018, FROM_2022 = dt.date(2014, 5, 22), dt.date(2018, 5, 3), dt.date(2022, 5, 5)


def ward_file(shared_data: Path, vintage: int) -> Path:
    return shared_data / "wards" / f"london_wards_{vintage}.csv"


def read_rows(path: Path) -> list[list[str]]:
    """The file's rows, header first; each row is one physical line in these files."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def codes_in(path: Path) -> set[str]:
    header, *rows = read_rows(path)
    column = header.index("ward_code")
    return {row[column] for row in rows}


def ward_rows() -> list[tuple[Any, ...]]:
    """Every ward as stored, to compare before and after."""
    return list(
        Ward.objects.order_by("code").values_list(
            "pk",
            "code",
            "name",
            "borough__code",
            "population",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
        )
    )


def broken_copy(
    shared_data: Path, tmp_path: Path, vintage: int, edits: dict[tuple[int, str], str]
) -> Path:
    """A copy of a ward list with cells changed, by (physical line number, column name)."""
    rows = read_rows(ward_file(shared_data, vintage))
    header = rows[0]
    for (line, column), value in edits.items():
        rows[line - 1][header.index(column)] = value
    return write_rows(tmp_path / f"london_wards_{vintage}.csv", rows)


def test_it_imports_the_2022_wards_and_their_boroughs(shared_data: Path) -> None:
    path = ward_file(shared_data, 2022)

    report = import_wards(path=path, vintage=2022)

    assert Ward.objects.count() == len(codes_in(path)) == 704
    assert Borough.objects.count() == 33
    assert (report.wards.created, report.wards.updated, report.wards.unchanged) == (704, 0, 0)
    assert (report.boroughs.created, report.boroughs.updated) == (33, 0)
    assert list(Borough.objects.filter(is_met=False).values_list("code", flat=True)) == [
        CITY_OF_LONDON
    ]
    aldersgate = Ward.objects.get(code="E05009288")
    assert aldersgate.name == "Aldersgate"
    assert aldersgate.borough.name == "City of London"
    assert aldersgate.population == 1749
    assert aldersgate.latitude == Decimal("51.518950")
    assert (aldersgate.valid_from, aldersgate.valid_to) == (FROM_2022, None)
    assert Ward.objects.filter(population__isnull=True).count() == 21  # per PROVENANCE.md


def test_it_gives_each_current_met_ward_one_team(shared_data: Path) -> None:
    report = import_wards(path=ward_file(shared_data, 2022), vintage=2022)

    met_wards = Ward.objects.filter(borough__is_met=True)
    assert report.teams_created == met_wards.count() == 679
    teams = Team.objects.filter(kind=Team.Kind.WARD)
    assert set(teams.values_list("ward_id", flat=True)) == set(
        met_wards.values_list("pk", flat=True)
    )
    assert not teams.filter(ward__borough__code=CITY_OF_LONDON).exists()


def test_vintages_coexist_with_their_in_force_dates(shared_data: Path) -> None:
    sets = {vintage: codes_in(ward_file(shared_data, vintage)) for vintage in (2014, 2018, 2022)}
    for vintage in (2022, 2018, 2014):
        import_wards(path=ward_file(shared_data, vintage), vintage=vintage)

    assert Ward.objects.count() == len(sets[2014] | sets[2018] | sets[2022])
    expected = {
        # codes: (valid_from, valid_to)
        frozenset(sets[2014] - sets[2018] - sets[2022]): (FROM_2014, FROM_2018),
        frozenset((sets[2014] & sets[2018]) - sets[2022]): (FROM_2014, FROM_2022),
        frozenset(sets[2014] & sets[2018] & sets[2022]): (FROM_2014, None),
        frozenset((sets[2018] & sets[2022]) - sets[2014]): (FROM_2018, None),
        frozenset(sets[2022] - sets[2018] - sets[2014]): (FROM_2022, None),
    }
    assert sum(len(codes) for codes in expected) == Ward.objects.count()
    for codes, (valid_from, valid_to) in expected.items():
        assert codes, "each kind of ward occurs in the real files"
        stored = Ward.objects.filter(code__in=codes)
        assert set(stored.values_list("valid_from", "valid_to")) == {(valid_from, valid_to)}
    assert Ward.objects.current(dt.date(2016, 1, 1)).count() == len(sets[2014])
    assert Ward.objects.current(dt.date(2020, 1, 1)).count() == len(sets[2018])
    assert Ward.objects.current().count() == len(sets[2022])


def test_import_order_does_not_change_the_result(shared_data: Path) -> None:
    def import_in(order: tuple[int, ...]) -> list[tuple[Any, ...]]:
        Team.objects.all().delete()
        Ward.objects.all().delete()
        Borough.objects.all().delete()
        for vintage in order:
            import_wards(path=ward_file(shared_data, vintage), vintage=vintage)
        return [row[1:] for row in ward_rows()]  # without the primary key

    assert import_in((2014, 2018, 2022)) == import_in((2022, 2018, 2014))


def test_a_file_without_population_keeps_a_known_population(shared_data: Path) -> None:
    import_wards(path=ward_file(shared_data, 2014), vintage=2014)
    with_population = set(
        Ward.objects.filter(population__isnull=False).values_list("code", "population")
    )
    assert len(with_population) == 570  # per PROVENANCE.md

    report = import_wards(path=ward_file(shared_data, 2018), vintage=2018)

    assert report.wards.updated > 0  # the 2018 set widens their in-force dates
    assert with_population <= set(Ward.objects.values_list("code", "population"))


def test_a_second_run_changes_nothing(shared_data: Path) -> None:
    path = ward_file(shared_data, 2022)
    import_wards(path=path, vintage=2022)
    before, teams = ward_rows(), Team.objects.count()

    report = import_wards(path=path, vintage=2022)

    assert (report.wards.created, report.wards.updated, report.wards.unchanged) == (0, 0, 704)
    assert (report.boroughs.created, report.boroughs.updated, report.boroughs.unchanged) == (
        0,
        0,
        33,
    )
    assert report.teams_created == 0
    assert ward_rows() == before
    assert Team.objects.count() == teams


def test_a_bad_row_is_named_by_line_and_nothing_is_imported(
    shared_data: Path, tmp_path: Path
) -> None:
    path = broken_copy(
        shared_data, tmp_path, 2022, {(101, "ward_code"): "E5123", (350, "latitude"): "north"}
    )

    with pytest.raises(DataImportError) as caught:
        import_wards(path=path, vintage=2022)

    assert caught.value.errors == [
        "line 101: ward_code 'E5123' is not an ONS ward code (E05 and 6 digits)",
        "line 350: latitude 'north' is not a number",
    ]
    assert Ward.objects.count() == 0
    assert Borough.objects.count() == 0
    assert Team.objects.count() == 0


def test_a_bad_file_leaves_existing_wards_exactly_as_they_were(
    shared_data: Path, tmp_path: Path
) -> None:
    import_wards(path=ward_file(shared_data, 2022), vintage=2022)
    before = ward_rows()
    boroughs = list(Borough.objects.order_by("pk").values_list())
    # The 2018 file would widen 174 wards and add 483; one bad population stops all of it.
    path = broken_copy(shared_data, tmp_path, 2018, {(600, "longitude"): "51.5"})

    with pytest.raises(DataImportError) as caught:
        import_wards(path=path, vintage=2018)

    assert caught.value.errors == ["line 600: longitude 51.5 is outside London (-0.55 to 0.35)"]
    assert ward_rows() == before
    assert list(Borough.objects.order_by("pk").values_list()) == boroughs


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("lad_code", "E0900001", "lad_code 'E0900001' is not an ONS borough code"),
        ("ward_name", "", "ward_name is blank"),
        ("latitude", "0.12", "latitude 0.12 is outside London"),
        ("pop_mid2020_est", "12,000", "pop_mid2020_est '12,000' is not a whole number"),
        ("pop_mid2020_est", "-5", "pop_mid2020_est '-5' is not a whole number"),
    ],
)
def test_it_checks_each_value(
    shared_data: Path, tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = broken_copy(shared_data, tmp_path, 2022, {(42, column): value})

    with pytest.raises(DataImportError) as caught:
        import_wards(path=path, vintage=2022)

    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith(f"line 42: {message}")
    assert Ward.objects.count() == 0


def test_a_repeated_ward_code_is_an_error(shared_data: Path, tmp_path: Path) -> None:
    rows = read_rows(ward_file(shared_data, 2022))
    path = write_rows(tmp_path / "wards.csv", [*rows, rows[5]])

    with pytest.raises(DataImportError) as caught:
        import_wards(path=path, vintage=2022)

    assert caught.value.errors == [f"line {len(rows) + 1}: ward {rows[5][0]} is already on line 6"]


def test_a_file_with_a_byte_order_mark_imports(shared_data: Path, tmp_path: Path) -> None:
    text = ward_file(shared_data, 2022).read_text(encoding="utf-8")
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    report = import_wards(path=path, vintage=2022)

    assert report.wards.created == Ward.objects.count() == 704


def test_a_wrong_header_names_the_missing_columns(shared_data: Path, tmp_path: Path) -> None:
    rows = read_rows(ward_file(shared_data, 2022))
    rows[0] = ["lat" if n == "latitude" else "borough" if n == "lad_name" else n for n in rows[0]]
    path = write_rows(tmp_path / "wards.csv", rows)

    with pytest.raises(DataImportError) as caught:
        import_wards(path=path, vintage=2022)

    assert caught.value.errors == ["line 1: missing column(s): lad_name, latitude"]
    assert Ward.objects.count() == 0


def test_an_unknown_vintage_is_refused(shared_data: Path) -> None:
    with pytest.raises(ValueError, match="Unknown ward vintage 2010"):
        import_wards(path=ward_file(shared_data, 2022), vintage=2010)


# The command -------------------------------------------------------------------------------


def test_the_command_takes_the_vintage_from_the_file_name(shared_data: Path) -> None:
    out = StringIO()

    call_command("import_wards", str(ward_file(shared_data, 2014)), stdout=out)

    assert "as the 2014 wards" in out.getvalue()
    assert "Wards: 654 created, 0 updated, 0 unchanged" in out.getvalue()
    assert set(Ward.objects.values_list("valid_from", "valid_to")) == {(FROM_2014, FROM_2018)}


def test_the_command_takes_an_explicit_vintage(shared_data: Path, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "wards.csv", read_rows(ward_file(shared_data, 2018)))

    call_command("import_wards", str(path), "--vintage", "2018", stdout=StringIO())

    assert set(Ward.objects.values_list("valid_from", "valid_to")) == {(FROM_2018, FROM_2022)}


def test_the_command_reports_every_error_and_fails(shared_data: Path, tmp_path: Path) -> None:
    path = broken_copy(
        shared_data, tmp_path, 2022, {(3, "ward_code"): "nonsense", (9, "lad_code"): "E09"}
    )
    err = StringIO()

    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_wards", str(path), stdout=StringIO(), stderr=err)

    assert "line 3: ward_code 'nonsense'" in err.getvalue()
    assert "line 9: lad_code 'E09'" in err.getvalue()
    assert Ward.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "vintage"),
    [("london_wards_2018.csv", 2018), ("wards.csv", 2022), ("export-2014-05.csv", 2014)],
)
def test_infer_vintage(name: str, vintage: int) -> None:
    assert infer_vintage(Path(name)) == vintage


@pytest.mark.parametrize("name", ["london_wards_2002-2014_gla.csv", "wards_2019.csv"])
def test_infer_vintage_refuses_to_guess(name: str) -> None:
    with pytest.raises(CommandError, match="--vintage"):
        infer_vintage(Path(name))
