"""import_lsoa_lookup: the GLA best-fit LSOA → 2022 ward lookups in shared/data/wards."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crime.imports import import_lsoa_lookup
from crime.models import LsoaWard
from tests.crime.conftest import lookup_file, read_rows, write_rows
from wards.imports import DataImportError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wards_2022")]


def mappings() -> list[tuple[Any, ...]]:
    return list(
        LsoaWard.objects.order_by("lsoa_code").values_list("lsoa_code", "vintage", "ward__code")
    )


def lookup_rows(path: Path, key: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row[key]: row["ward22cd"] for row in csv.DictReader(handle)}


def test_every_lsoa_of_the_2011_lookup_maps_to_its_ward(shared_data: Path) -> None:
    path = lookup_file(shared_data, 2011)

    report = import_lsoa_lookup(path=path)

    expected = lookup_rows(path, "lsoa11cd")
    assert (report.vintage, report.lsoas.created, report.unknown_wards) == (2011, 4835, {})
    assert {code: ward for code, _, ward in mappings()} == expected
    assert set(LsoaWard.objects.values_list("vintage", flat=True)) == {2011}


def test_a_second_run_changes_nothing(shared_data: Path) -> None:
    import_lsoa_lookup(path=lookup_file(shared_data, 2011))
    before = mappings()

    report = import_lsoa_lookup(path=lookup_file(shared_data, 2011))

    assert (report.lsoas.created, report.lsoas.updated, report.lsoas.unchanged) == (0, 0, 4835)
    assert mappings() == before


def test_both_lookups_give_the_same_result_in_either_order(shared_data: Path) -> None:
    old, new = lookup_file(shared_data, 2011), lookup_file(shared_data, 2021)
    import_lsoa_lookup(path=old)
    import_lsoa_lookup(path=new)
    forwards = mappings()
    LsoaWard.objects.all().delete()

    import_lsoa_lookup(path=new)
    report = import_lsoa_lookup(path=old)

    assert mappings() == forwards
    in_2011, in_2021 = lookup_rows(old, "lsoa11cd"), lookup_rows(new, "lsoa21cd")
    # Codes in both lookups are one area: the newer best fit is kept, the older file says so.
    assert report.kept_newer == len(in_2011.keys() & in_2021.keys())
    assert {code: ward for code, _, ward in forwards} == {**in_2011, **in_2021}
    vintages = {code: vintage for code, vintage, _ in forwards}
    assert {vintages[code] for code in in_2011.keys() - in_2021.keys()} == {2011}


def test_unknown_ward_codes_are_skipped_and_reported(shared_data: Path, tmp_path: Path) -> None:
    header, first, *_ = read_rows(lookup_file(shared_data, 2011))
    stranger = [*first]
    stranger[0], stranger[1] = "E01099999", "E05999999"
    path = write_rows(tmp_path / "lookup.csv", [header, first, stranger])

    report = import_lsoa_lookup(path=path)

    assert report.unknown_wards == {"E05999999": 1}
    assert report.lsoas.created == 1
    assert not LsoaWard.objects.filter(lsoa_code="E01099999").exists()
    assert any("E05999999" in line for line in report.lines())


def test_bad_rows_are_reported_by_line_and_nothing_is_written(
    shared_data: Path, tmp_path: Path
) -> None:
    header, first, second, third, *_ = read_rows(lookup_file(shared_data, 2011))
    bad_code = [*second]
    bad_code[0] = "X01000002"
    path = write_rows(tmp_path / "lookup.csv", [header, first, bad_code, third, first, ["E01"]])

    with pytest.raises(DataImportError) as raised:
        import_lsoa_lookup(path=path)

    assert raised.value.errors == [
        "line 3: lsoa11cd 'X01000002' is not an LSOA code (E01 and 6 digits)",
        f"line 5: LSOA {first[0]} is already on line 2",
        "line 6: expected 5 fields, found 1",
    ]
    assert not LsoaWard.objects.exists()


def test_a_file_without_the_code_columns_is_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "lookup.csv", [["lsoa_code", "ward_code"], ["E01", "E05"]])

    with pytest.raises(DataImportError) as raised:
        import_lsoa_lookup(path=path)

    assert raised.value.errors == [
        "line 1: expected exactly one of the columns lsoa11cd or lsoa21cd (the LSOA vintage) "
        "and the column ward22cd (the 2022 ward code)"
    ]


def test_the_command_imports_both_files_in_one_transaction(
    shared_data: Path, tmp_path: Path
) -> None:
    out = StringIO()
    call_command(
        "import_lsoa_lookup",
        str(lookup_file(shared_data, 2011)),
        str(lookup_file(shared_data, 2021)),
        stdout=out,
    )
    assert "2011 LSOAs: 4835 created" in out.getvalue()
    assert LsoaWard.objects.count() == len(
        lookup_rows(lookup_file(shared_data, 2011), "lsoa11cd").keys()
        | lookup_rows(lookup_file(shared_data, 2021), "lsoa21cd").keys()
    )

    LsoaWard.objects.all().delete()
    bad = write_rows(tmp_path / "bad.csv", [["lsoa21cd", "ward22cd"], ["nope", "E05000026"]])
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_lsoa_lookup", str(lookup_file(shared_data, 2011)), str(bad), stderr=err
        )
    assert "bad.csv: line 2: lsoa21cd 'nope' is not an LSOA code" in err.getvalue()
    assert not LsoaWard.objects.exists()
