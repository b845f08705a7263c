"""manage.py import_boundaries PATH [PATH...]: ward and borough GeoJSON (see wards.imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wards.imports import DataImportError, import_boundaries


class Command(BaseCommand):
    help = (
        "Set ward and borough boundaries from GeoJSON FeatureCollections whose features carry "
        "ward_code (wards) or lad_code (boroughs). Codes not in the database are reported. "
        "If any file is invalid, nothing from any file is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="GeoJSON files")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        # One transaction over all the files: a bad second file undoes the first.
        with transaction.atomic():
            for path in paths:
                self.stdout.write(f"Importing boundaries from {path.name}.")
                try:
                    report = import_boundaries(path=path)
                except DataImportError as exc:
                    for error in exc.errors:
                        self.stderr.write(f"{path.name}: {error}")
                    raise CommandError(
                        f"{path.name}: {exc.count:,} problem(s) found; nothing was imported."
                    ) from exc
                for line in report.lines():
                    self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Done."))
