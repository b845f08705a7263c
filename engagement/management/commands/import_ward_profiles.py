"""manage.py import_ward_profiles PATH: load the GLA Ward Profiles (see engagement.imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engagement.imports import import_ward_profiles
from wards.imports import DataImportError


class Command(BaseCommand):
    help = (
        "Import the GLA Ward Profiles and Atlas (2015) CSV: one profile per ward row (New code "
        "E05…); borough, London and England rows are skipped. Nothing is imported if any row "
        "is invalid. Profiles are linked to wards by code only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the GLA ward profiles CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        self.stdout.write(f"Importing GLA ward profiles from {path.name}.")
        try:
            report = import_ward_profiles(path=path)
        except DataImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path.name}: {exc.count:,} problem(s) found; nothing was imported."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Done."))
