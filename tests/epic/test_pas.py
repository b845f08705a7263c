"""import_pas: the PAS results file (epic.pas), its bad cases, encodings and re-imports; and the
demo's generated results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from epic.management.commands.import_pas import Command
from epic.models import PasMeasure, PasResult
from epic.pas import (
    LONDON_PERCENT,
    demo_pas_rows,
    format_quarter,
    import_pas,
    parse_quarter,
    seed_demo_pas,
)
from tests.factories import BoroughFactory
from wards.imports import DataImportError
from wards.models import Borough

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)
HEADER = "borough_code,quarter,measure,percent,respondents"
GOOD = [
    HEADER,
    "E09000002,2025-Q2,feel_safe_after_dark,74.5,312",
    "E09000002,2025-Q2,police_do_good_job,61,312",
    "E09000003,2025-04-01,worry_about_violence,12.25,",
    # A quoted "1,204" keeps its comma inside one field.
    'E09000003,2025-Q3,feel_informed,47.8%,"1,204"',
]


@pytest.fixture
def boroughs() -> dict[str, Borough]:
    return {
        "barking": BoroughFactory.create(code="E09000002", name="Barking and Dagenham"),
        "barnet": BoroughFactory.create(code="E09000003", name="Barnet"),
        "city": BoroughFactory.create(code="E09000001", name="City of London", is_met=False),
    }


def write(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8", bom: bool = False) -> Path:
    path = tmp_path / "pas.csv"
    data = "\r\n".join(lines).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data + b"\r\n")
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(DataImportError) as raised:
        import_pas(path=path, today=TODAY)
    assert not PasResult.objects.exists()  # all or nothing
    return raised.value.errors


def results() -> set[tuple[str, dt.date, str, Decimal, int | None]]:
    return set(
        PasResult.objects.values_list(
            "borough__code", "quarter", "measure", "percent", "respondents"
        )
    )


def test_it_imports_a_good_file(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    report = import_pas(path=write(tmp_path, GOOD), today=TODAY)

    assert results() == {
        ("E09000002", dt.date(2025, 4, 1), "feel_safe_after_dark", Decimal("74.50"), 312),
        ("E09000002", dt.date(2025, 4, 1), "police_do_good_job", Decimal("61.00"), 312),
        ("E09000003", dt.date(2025, 4, 1), "worry_about_violence", Decimal("12.25"), None),
        ("E09000003", dt.date(2025, 7, 1), "feel_informed", Decimal("47.80"), 1204),
    }
    assert (report.results.created, report.results.updated, report.results.unchanged) == (4, 0, 0)
    assert report.lines() == [
        "PAS results: 4 created, 0 updated, 0 unchanged",
        "  2 boroughs, 2 quarters (2025-Q2 to 2025-Q3)",
    ]


def test_columns_may_come_in_any_order_with_a_name_and_no_respondents(
    boroughs: dict[str, Borough], tmp_path: Path
) -> None:
    lines = [
        "Quarter,Measure,Borough_Name,Borough_Code,Percent",
        "2025-Q1,see_uniformed_weekly,Barnet,E09000003,44",
        "",  # blank lines are skipped
        "2025q1,FEEL_SAFE_AFTER_DARK,Barnet,e09000003,73.9",
    ]

    import_pas(path=write(tmp_path, lines), today=TODAY)

    assert results() == {
        ("E09000003", dt.date(2025, 1, 1), "see_uniformed_weekly", Decimal("44.00"), None),
        ("E09000003", dt.date(2025, 1, 1), "feel_safe_after_dark", Decimal("73.90"), None),
    }


def test_reimport_updates_in_place_and_is_idempotent(
    boroughs: dict[str, Borough], tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD)
    import_pas(path=path, today=TODAY)
    first = dict(PasResult.objects.values_list("measure", "pk"))

    again = import_pas(path=path, today=TODAY)

    assert (again.results.created, again.results.updated, again.results.unchanged) == (0, 0, 4)
    changed = [*GOOD[:2], "E09000002,2025-Q2,police_do_good_job,63.5,300", *GOOD[3:]]
    changed.append("E09000002,2025-Q3,police_do_good_job,62,280")

    report = import_pas(path=write(tmp_path, changed), today=TODAY)

    assert (report.results.created, report.results.updated, report.results.unchanged) == (1, 1, 3)
    assert PasResult.objects.count() == 5
    updated = PasResult.objects.get(quarter=dt.date(2025, 4, 1), measure="police_do_good_job")
    assert (updated.pk, updated.percent, updated.respondents) == (
        first["police_do_good_job"],
        Decimal("63.50"),
        300,
    )


def test_utf8_with_a_byte_order_mark(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    lines = [
        "borough_name,borough_code,quarter,measure,percent",
        "Barnet,E09000003,2025-Q1,feel_informed,40",
    ]

    import_pas(path=write(tmp_path, lines, bom=True), today=TODAY)

    assert PasResult.objects.get().percent == Decimal("40.00")


def test_windows_1252(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    # Excel on Windows: an en dash and a non-breaking space are single cp1252 bytes.
    lines = [
        "borough_code,borough_name,quarter,measure,percent",
        "E09000002,Barking – Dagenham,2025-Q1,feel_informed,40\u00a0%",
    ]
    path = write(tmp_path, lines, encoding="cp1252")
    assert b"\x96" in path.read_bytes()

    import_pas(path=path, today=TODAY)

    assert PasResult.objects.get().percent == Decimal("40.00")


def test_neither_utf8_nor_windows_1252(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    path = tmp_path / "pas.csv"
    path.write_bytes(f"{HEADER}\nE09000002,2025-Q1,feel_informed,40,\x81\n".encode("latin-1"))

    assert errors(path) == ["line 2: the file is neither UTF-8 nor Windows-1252 text"]


def test_an_empty_file(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    path = tmp_path / "pas.csv"
    path.write_bytes(b"")

    assert errors(path) == ["line 1: the file is empty; expected a header row"]


def test_a_header_and_no_results(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    assert errors(write(tmp_path, [HEADER, ""])) == ["the file has a header but no results"]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (
            "borough,quarter,measure,percent",
            "missing column(s): borough_code; unexpected column(s): borough",
        ),
        ("borough_code,quarter,measure,percent,notes", "unexpected column(s): notes"),
        ("borough_code,quarter,measure,percent,percent", "repeated column(s): percent"),
        ("ward_code,ward_name,lad_code", "missing column(s): borough_code, quarter, measure"),
    ],
)
def test_a_wrong_header(
    boroughs: dict[str, Borough], tmp_path: Path, header: str, problem: str
) -> None:
    [message] = errors(write(tmp_path, [header, "E09000002,2025-Q1,feel_informed,40"]))

    assert message.startswith(f"line 1: {problem}")
    assert "(expected borough_code, quarter, measure, percent and optionally" in message


def test_bad_rows_are_all_reported_by_line(boroughs: dict[str, Borough], tmp_path: Path) -> None:
    lines = [
        HEADER,
        "E09000002,2025-Q1,feel_informed,40,300",  # good: still not imported
        "E09000099,2025-Q1,feel_informed,40,300",
        "E09000001,2025-Q1,feel_informed,40,300",
        "X123,2025-Q1,feel_informed,40,300",
        "E09000002,2025-Q5,feel_informed,40,300",
        "E09000002,2025-05-01,feel_informed,40,300",
        "E09000002,2026-Q1,feel_informed,40,300",
        "E09000002,2025-Q1,feel_happy,40,300",
        "E09000002,2025-Q2,feel_informed,101,300",
        "E09000002,2025-Q2,police_do_good_job,about half,300",
        "E09000002,2025-Q2,worry_about_violence,12.345,300",
        "E09000002,2025-Q2,feel_safe_after_dark,70,0",
        "E09000002,2025-Q2,see_uniformed_weekly,70",
        "E09000002,2025-Q1,feel_informed,41,300",
    ]

    assert errors(write(tmp_path, lines)) == [
        "line 3: borough_code E09000099 is not a borough in the database (import_wards first)",
        "line 4: borough_code E09000001 is the City of London, which has its own police force: "
        "the PAS results are for the 32 Met boroughs",
        "line 5: borough_code 'X123' is not an ONS borough code (E09 and 6 digits)",
        "line 6: quarter '2025-Q5' is not a quarter: write it as YYYY-Qn (2025-Q3) or as the "
        "quarter's first day (2025-07-01)",
        "line 7: quarter '2025-05-01' is not a quarter: write it as YYYY-Qn (2025-Q3) or as the "
        "quarter's first day (2025-07-01)",
        "line 8: quarter 2026-Q1 has not started yet",
        "line 9: measure 'feel_happy' is not one of feel_safe_after_dark, police_do_good_job, "
        "worry_about_violence, feel_informed, see_uniformed_weekly",
        "line 10: percent '101' is not between 0 and 100",
        "line 11: percent 'about half' is not a number",
        "line 12: percent '12.345' has more than two decimal places",
        "line 13: respondents '0' is not a whole number of at least 1 (or blank)",
        "line 14: expected 5 fields, found 4",
        "line 15: E09000002 2025-Q1 feel_informed is already on line 2",
    ]


def test_a_row_spanning_lines_is_reported_where_it_starts(
    boroughs: dict[str, Borough], tmp_path: Path
) -> None:
    lines = [HEADER, 'E09000002,2025-Q1,"feel\ninformed",40,', "E09000002,2025-Q1,x,40,"]

    found = errors(write(tmp_path, lines))

    assert found[0].startswith("line 2: measure 'feel\\ninformed'")
    assert found[1].startswith("line 4: measure 'x'")


def test_the_command_reports_and_refuses_bad_files(
    boroughs: dict[str, Borough], tmp_path: Path
) -> None:
    out, err = StringIO(), StringIO()
    call_command("import_pas", str(write(tmp_path, GOOD)), stdout=out, stderr=err)
    assert "PAS results: 4 created, 0 updated, 0 unchanged" in out.getvalue()

    call_command("import_pas", str(write(tmp_path, GOOD)), stdout=out, stderr=err)
    assert "PAS results: 0 created, 0 updated, 4 unchanged" in out.getvalue()

    bad = write(tmp_path, [HEADER, "E09000002,2025-Q1,feel_informed,140,"])
    with pytest.raises(CommandError, match=r"pas.csv: 1 problem\(s\) found; nothing was imported"):
        call_command("import_pas", str(bad), stdout=out, stderr=err)
    assert "line 2: percent '140' is not between 0 and 100" in err.getvalue()
    assert PasResult.objects.count() == 4


def test_the_command_documents_the_format() -> None:
    help_text = Command().create_parser("manage.py", "import_pas").format_help()
    text = " ".join(help_text.split())
    for column in ("borough_code", "quarter", "measure", "percent", "respondents"):
        assert column in text
    assert all(measure in text for measure in PasMeasure.values)


def test_quarters() -> None:
    assert parse_quarter("2025-Q3") == parse_quarter("2025q3") == dt.date(2025, 7, 1)
    assert parse_quarter("2025-10-01") == dt.date(2025, 10, 1)
    assert parse_quarter("2025-10-02") is None
    assert parse_quarter("1899-Q1") is None
    assert format_quarter(dt.date(2025, 1, 1)) == "2025-Q1"


def test_the_demo_results_are_plausible_and_reproducible() -> None:
    boroughs = [BoroughFactory.create() for _ in range(32)]
    BoroughFactory.create(code="E09000001", is_met=False)

    report = seed_demo_pas(today=TODAY)

    assert report.results.created == 32 * 8 * 5
    quarters = sorted(set(PasResult.objects.values_list("quarter", flat=True)))
    # The last eight complete quarters before today's (2025-Q4).
    assert quarters[0] == dt.date(2023, 10, 1)
    assert quarters[-1] == dt.date(2025, 7, 1)
    assert not PasResult.objects.filter(borough__is_met=False).exists()
    for measure, london in LONDON_PERCENT.items():
        values = [
            float(p)
            for p in PasResult.objects.filter(measure=measure).values_list("percent", flat=True)
        ]
        mean = sum(values) / len(values)
        # Centred on London's 2006/07 figure (seed 004 §81), boroughs spread about it.
        assert abs(mean - london) < 3, measure
        assert max(values) - min(values) > 5, measure
        assert all(0 < value < 100 for value in values)
    # The same seed gives the same rows; a second run finds every result unchanged.
    assert demo_pas_rows(boroughs, today=TODAY) == demo_pas_rows(boroughs, today=TODAY)
    again = seed_demo_pas(today=TODAY)
    assert (again.results.created, again.results.updated, again.results.unchanged) == (
        0,
        0,
        32 * 8 * 5,
    )
