"""manage.py import_wards PATH [--vintage YEAR]: load an ONS ward list (see wards.imports)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wards.imports import CURRENT_VINTAGE, VINTAGES, DataImportError, import_wards

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def infer_vintage(path: Path) -> int:
    """The vintage named by a year in the file name; the current one if it names no year."""
    years = sorted({int(year) for year in _YEAR.findall(path.name)})
    if not years:
        return CURRENT_VINTAGE
    if len(years) == 1 and years[0] in VINTAGES:
        return years[0]
    # A file named for another year (or several) would be imported with the wrong in-force
    # dates if we guessed, so ask instead.
    found = ", ".join(str(year) for year in years)
    raise CommandError(
        f"Cannot tell the ward vintage from the file name {path.name!r} (it names {found}); "
        f"pass --vintage with one of {', '.join(str(year) for year in VINTAGES)}."
    )


class Command(BaseCommand):
    help = (
        "Import an ONS ward list (CSV: ward_code, ward_name, lad_code, lad_name, latitude, "
        "longitude and optionally a population column) as the wards of one vintage. "
        "Nothing is imported if any row is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the ward CSV file")
        parser.add_argument(
            "--vintage",
            type=int,
            choices=sorted(VINTAGES),
            help=(
                "the set of boundaries the file lists (default: the year in the file name, "
                f"else {CURRENT_VINTAGE})"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        vintage: int = options["vintage"] or infer_vintage(path)
        valid_from, valid_to = VINTAGES[vintage]
        until = f"until {valid_to:%-d %B %Y}" if valid_to else "and still current"
        self.stdout.write(
            f"Importing {path.name} as the {vintage} wards (in force from "
            f"{valid_from:%-d %B %Y} {until})."
        )
        try:
            report = import_wards(path=path, vintage=vintage)
        except DataImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path.name}: {exc.count:,} problem(s) found; nothing was imported."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Done."))
