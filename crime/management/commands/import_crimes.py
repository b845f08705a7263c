"""manage.py import_crimes PATH [PATH...]: data.police.uk street-level CSVs (see crime.imports)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from crime.imports import CrimeImportReport, WardLocator, import_crimes
from wards.imports import DataImportError


class Command(BaseCommand):
    help = (
        "Import data.police.uk street-level crime files (*-street.csv), placing each row in a "
        "ward by its LSOA (import_lsoa_lookup) or its coordinates (import_boundaries). A file "
        "replaces any earlier import of its months for its force. Each file is all or nothing: "
        "a file with a bad row imports nothing, and the other files are still imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", type=Path, metavar="PATH", help="street-level CSV files"
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show a progress bar on stderr even when it is not a terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        progress: bool = options["progress"]
        failed: list[str] = []
        # Built on first need, then shared: the boundaries are indexed once per run.
        locator = WardLocator()
        # Each file is its own transaction: a month of a force is the unit of replacement, and
        # a year of London files is too big to hold in one.
        for path in paths:
            self.stdout.write(f"Importing crimes from {path.name}.")
            try:
                report = self._import(path, locator=locator, progress=progress)
            except DataImportError as exc:
                for error in exc.errors:
                    self.stderr.write(f"{path.name}: {error}")
                self.stderr.write(f"{path.name}: nothing was imported from this file.")
                failed.append(path.name)
                continue
            for line in report.lines():
                self.stdout.write(f"  {line}")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(paths)} file(s) had problems and were not imported: "
                f"{', '.join(failed)}"
            )
        self.stdout.write(self.style.SUCCESS("Done."))

    def _import(self, path: Path, *, locator: WardLocator, progress: bool) -> CrimeImportReport:
        if not (progress or sys.stderr.isatty()):
            return import_crimes(path=path, ward_locator=locator)
        try:
            size = path.stat().st_size
        except OSError:
            size = None  # import_crimes reports the unreadable file
        # On a terminal the bar waits a second, so small files finish without one.
        with tqdm(
            total=size,
            desc=path.name,
            unit="B",
            unit_scale=True,
            file=sys.stderr,
            delay=0 if progress else 1,
            leave=False,
        ) as bar:
            return import_crimes(
                path=path,
                ward_locator=locator,
                on_progress=lambda done: bar.update(done - bar.n),
            )
