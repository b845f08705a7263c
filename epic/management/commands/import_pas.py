"""manage.py import_pas PATH: Public Attitude Survey results by borough and quarter (epic.pas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from epic.models import PasMeasure
from epic.pas import import_pas
from wards.imports import DataImportError


class Command(BaseCommand):
    help = (
        "Import Public Attitude Survey results: a CSV with a header row and one row per "
        "borough, quarter and measure, in the columns borough_code (ONS code, E09…, of a Met "
        "borough already imported), quarter (YYYY-Qn, Q1 = January to March, or the quarter's "
        "first day, 2025-07-01), measure (one of "
        f"{', '.join(PasMeasure.values)}), percent (0 to 100, at most two decimal places) and "
        "optionally respondents (a whole number, may be blank) and borough_name (ignored). "
        "UTF-8 (with or without a byte-order mark) or Windows-1252. Nothing is imported if any "
        "row is invalid; a result already held for the same borough, quarter and measure is "
        "updated in place, so importing a file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the PAS results CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        self.stdout.write(f"Importing PAS results from {path.name}.")
        try:
            report = import_pas(path=path)
        except DataImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path.name}: {exc.count:,} problem(s) found; nothing was imported."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Done."))
