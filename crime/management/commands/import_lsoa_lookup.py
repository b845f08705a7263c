"""manage.py import_lsoa_lookup PATH [PATH...]: LSOA → 2022 ward best-fit lookups (see
crime.imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from crime.imports import import_lsoa_lookup
from wards.imports import DataImportError


class Command(BaseCommand):
    help = (
        "Map LSOAs to the current wards from GLA best-fit lookups (CSV: lsoa11cd or lsoa21cd, "
        "ward22cd). Run import_wards first: rows naming an unknown ward are skipped and "
        "reported. If any file is invalid, nothing from any file is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="lookup CSVs")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        # One transaction over all the files (they are small): a bad second file undoes the first.
        with transaction.atomic():
            for path in paths:
                self.stdout.write(f"Importing the LSOA lookup {path.name}.")
                try:
                    report = import_lsoa_lookup(path=path)
                except DataImportError as exc:
                    for error in exc.errors:
                        self.stderr.write(f"{path.name}: {error}")
                    raise CommandError(
                        f"{path.name}: {exc.count:,} problem(s) found; nothing was imported."
                    ) from exc
                for line in report.lines():
                    self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Done."))
