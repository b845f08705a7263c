"""Every import, given bad input: a clear error, and nothing partially imported.

The imports are the management commands import_wards, import_lsoa_lookup, import_crimes,
import_ward_profiles and import_pas, and a borough's EPIC activity upload on the web. Each is
given the same bad files, built here from one valid row of its own format: an empty file, a
header alone, Windows-1252 text, UTF-8 with a byte-order mark, a wrong header, a broken row
in the middle, and (for the web upload) a file over the size limit. A refused import must say
what is wrong (and where, for a row) and leave every table as it was.

(import_boundaries reads GeoJSON, not CSV: its bad files are in tests/wards/.)
"""

from __future__ import annotations

import datetime as dt
import re
import resource
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from crime.imports import CRIME_COLUMNS
from crime.models import LsoaWard, StreetCrime
from engagement.models import GlaWardProfile
from epic.models import Activity, PasResult
from tests.factories import BoroughFactory, WardFactory
from tests.snapshot import changed_tables, database_state
from tests.world import World
from wards.models import Ward

pytestmark = pytest.mark.django_db

WARD_CODE = "E05013806"
# Text outside ASCII, as it comes in real files: a name with an accent, money, a typographic
# apostrophe (all three are in Windows-1252, the encoding older Excel saves CSV in).
NON_ASCII = "Café £5 O\u2019Neill"


class Refused(Exception):
    """The import said no; the message is everything it told the user."""


@dataclass
class Importer:
    name: str
    header: list[str]
    row: Callable[[int], list[str]]  # the n-th valid row (n from 1), unique per n
    run: Callable[[Path], None]  # raises Refused
    # The text the import kept from the rows' NON_ASCII cells ([] if it keeps none).
    stored_text: Callable[[], list[str]]
    count: Callable[[], int]  # the records it writes


def _command(name: str, *options: str) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        stderr = StringIO()
        try:
            call_command(name, str(path), *options, stdout=StringIO(), stderr=stderr)
        except CommandError as exc:
            raise Refused(f"{stderr.getvalue()}\n{exc}") from exc

    return run


def _wards() -> Importer:
    return Importer(
        name="import_wards",
        header=["ward_code", "ward_name", "lad_code", "lad_name", "latitude", "longitude"],
        row=lambda n: [
            *(f"E05{950000 + n:06d}", f"{NON_ASCII} {n}", "E09000032", "Wandsworth"),
            *("51.45", "-0.19"),
        ],
        run=_command("import_wards", "--vintage", "2022"),
        stored_text=lambda: list(Ward.objects.values_list("name", flat=True)),
        count=Ward.objects.count,
    )


def _lsoa_lookup() -> Importer:
    WardFactory.create(code=WARD_CODE)
    return Importer(
        name="import_lsoa_lookup",
        header=["lsoa11cd", "lsoa11nm", "ward22cd"],
        row=lambda n: [f"E01{n:06d}", f"{NON_ASCII} {n}", WARD_CODE],
        run=_command("import_lsoa_lookup"),
        stored_text=lambda: [],
        count=LsoaWard.objects.count,
    )


CRIME_HEADER = list(CRIME_COLUMNS)


def _crime_row(n: int) -> list[str]:
    force = "Metropolitan Police Service"
    return [f"{n:064x}", "2023-01", force, force, "-0.141", "51.501", f"On or near {NON_ASCII}"]


def _crimes() -> Importer:
    return Importer(
        name="import_crimes",
        header=CRIME_HEADER,
        row=lambda n: [
            *_crime_row(n),
            "E01004736",
            "Westminster 018A",
            "Burglary",
            "Under investigation",
            "",
        ],
        run=_command("import_crimes"),
        stored_text=lambda: list(StreetCrime.objects.values_list("location", flat=True)),
        count=StreetCrime.objects.count,
    )


def _ward_profiles() -> Importer:
    return Importer(
        name="import_ward_profiles",
        header=["Ward name", "Old code", "New code", "Population - 2015"],
        row=lambda n: [f"{NON_ASCII} {n}", f"00A{n:03d}", f"E05{950000 + n:06d}", "12000"],
        run=_command("import_ward_profiles"),
        stored_text=lambda: list(GlaWardProfile.objects.values_list("name", flat=True)),
        count=GlaWardProfile.objects.count,
    )


def _pas() -> Importer:
    BoroughFactory.create(code="E09000002", name="Barking and Dagenham")
    return Importer(
        name="import_pas",
        header=["borough_code", "quarter", "measure", "percent", "respondents"],
        # One quarter each, going back from 2020: all in the past whatever today is.
        row=lambda n: [
            *("E09000002", f"{2020 - n // 4}-Q{n % 4 + 1}", "feel_safe_after_dark"),
            *("74.5", "312"),
        ],
        run=_command("import_pas"),
        stored_text=lambda: [],
        count=PasResult.objects.count,
    )


def _epic_upload(world: World) -> Importer:
    """A borough manager's upload of borough A's EPIC activity, through the page."""
    client = Client()
    client.force_login(world.users["borough_manager"])
    url = reverse("epic:activity_upload", args=[world.a1.borough.code])
    day = timezone.localdate() - dt.timedelta(days=3)

    def run(path: Path) -> None:
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        response = client.post(url, {"file": upload})
        if response.status_code != 302:
            raise Refused(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))

    return Importer(
        name="epic upload",
        header=["date", "ward_code", "officer", "type", "quantity", "note"],
        row=lambda n: [day.isoformat(), world.a1.code, "pcso", "arrest", str(n), NON_ASCII],
        run=run,
        stored_text=lambda: list(Activity.objects.values_list("note", flat=True)),
        count=Activity.objects.count,
    )


IMPORTERS: dict[str, Callable[[Any], Importer]] = {
    "import_wards": lambda request: _wards(),
    "import_lsoa_lookup": lambda request: _lsoa_lookup(),
    "import_crimes": lambda request: _crimes(),
    "import_ward_profiles": lambda request: _ward_profiles(),
    "import_pas": lambda request: _pas(),
    "epic upload": lambda request: _epic_upload(request.getfixturevalue("world")),
}


@pytest.fixture(params=sorted(IMPORTERS))
def importer(request: pytest.FixtureRequest) -> Importer:
    return IMPORTERS[request.param](request)


def _csv(rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value

    return "".join(",".join(cell(value) for value in row) + "\r\n" for row in rows)


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return path


def _refusal(importer: Importer, path: Path) -> str:
    """What the import said when it refused the file; fails if it took it or changed a table."""
    before = database_state()
    with pytest.raises(Refused) as refused:
        importer.run(path)
    assert changed_tables(before, database_state()) == []
    return " ".join(str(refused.value).split())


def test_an_empty_file_is_refused_as_empty(importer: Importer, tmp_path: Path) -> None:
    message = _refusal(importer, _write(tmp_path, b""))
    assert "empty" in message.lower()


def test_a_header_alone_is_refused(importer: Importer, tmp_path: Path) -> None:
    message = _refusal(importer, _write(tmp_path, _csv([importer.header]).encode()))
    assert re.search(r"no (rows|results|LSOAs|records|ward)|header but", message), message


def test_a_wrong_header_names_the_missing_column(importer: Importer, tmp_path: Path) -> None:
    # The first column misspelt: a file from elsewhere, or hand-edited.
    first, *others = importer.header
    rows = [[f"{first}x", *others], importer.row(1)]
    message = _refusal(importer, _write(tmp_path, _csv(rows).encode()))
    assert "line 1" in message.lower()
    assert first.lower() in message.lower()


def test_a_broken_row_in_the_middle_is_named_by_line(importer: Importer, tmp_path: Path) -> None:
    rows = [importer.header, *(importer.row(n) for n in range(1, 6))]
    rows[3] = rows[3][:-2]  # line 4 lost its last two fields
    message = _refusal(importer, _write(tmp_path, _csv(rows).encode()))
    assert "line 4" in message.lower()
    assert importer.count() == 0


def test_utf8_with_a_byte_order_mark_imports(importer: Importer, tmp_path: Path) -> None:
    rows = [importer.header, *(importer.row(n) for n in range(1, 4))]
    before = importer.count()
    importer.run(_write(tmp_path, _csv(rows).encode("utf-8-sig")))
    assert importer.count() == before + 3
    for text in importer.stored_text():
        assert not text.startswith("\ufeff")
    assert sum(NON_ASCII in text for text in importer.stored_text()) in (0, 3)


def test_windows_1252_is_read_or_refused_by_name(importer: Importer, tmp_path: Path) -> None:
    """Either the text arrives as written, or the error names the encoding; never mojibake."""
    rows = [importer.header, *(importer.row(n) for n in range(1, 4))]
    path = _write(tmp_path, _csv(rows).encode("cp1252"))
    before = database_state()
    try:
        importer.run(path)
    except Refused as refused:
        message = " ".join(str(refused).split())
        assert re.search(r"UTF-8|Windows-1252|encoding", message), message
        assert "line 2" in message  # the first row, where the accented text is
        assert changed_tables(before, database_state()) == []
        return
    assert importer.count() == 3
    stored = importer.stored_text()
    assert all(NON_ASCII in text for text in stored), stored
    assert not any("Ã" in text or "\ufffd" in text for text in stored), stored


@override_settings(SNT_UPLOAD_MAX_BYTES=10_000)
def test_an_upload_over_the_size_limit_is_refused_unread(world: World, tmp_path: Path) -> None:
    importer = _epic_upload(world)
    rows = [importer.header, *(importer.row(n) for n in range(1, 400))]
    data = _csv(rows).encode()
    assert len(data) > 10_000
    message = _refusal(importer, _write(tmp_path, data))
    assert "must be at most 9.8 KB" in message
    assert importer.count() == 0


def test_a_very_large_crime_file_streams(tmp_path: Path) -> None:
    """200,000 rows (about 40 MB) import without holding the file in memory."""
    importer = _crimes()
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_csv([importer.header]))
        for start in range(1, 200_001, 10_000):
            handle.write(_csv([importer.row(n) for n in range(start, start + 10_000)]))
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    importer.run(path)
    assert importer.count() == 200_000
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < path.stat().st_size / 2**20, f"memory grew by {grown_mb:.0f} MB"


@pytest.mark.parametrize("name", sorted(set(IMPORTERS) - {"epic upload"}))
def test_a_very_large_bad_file_is_refused_in_brief(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """200,000 rows, each with a bad first column (the wrong file, say): refused, telling the
    first problems and how many there are in all, not a line for every row."""
    importer = IMPORTERS[name](request)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_csv([importer.header]))
        for start in range(1, 200_001, 10_000):
            rows = [importer.row(n) for n in range(start, start + 10_000)]
            handle.write(_csv([[f"bad{first}", *others] for first, *others in rows]))
    before = database_state()
    with pytest.raises(Refused) as refused:
        importer.run(path)
    assert changed_tables(before, database_state()) == []
    told = str(refused.value).splitlines()
    assert len(told) < 120
    assert re.search(r"more problems \([\d,]+ in all\)", str(refused.value))
    assert re.match(r"(\S+: )?line \d+: ", told[0]), told[0]  # each problem says where
