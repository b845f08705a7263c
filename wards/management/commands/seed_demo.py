"""manage.py seed_demo: build the demo London, its teams and one login per role."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings
from django.utils import timezone

from engagement.demo import import_shared_evidence, seed_engagement
from epic import rollups
from epic.demo import seed_epic
from epic.pas import seed_demo_pas
from panels.demo import seed_panels
from priorities.demo import seed_priorities
from snt_portal.otp import give_demo_authenticators
from wards.demo import (
    DEMO_USERNAMES,
    SEED_PER_WARD,
    DemoReport,
    seed_demo,
    shared_data_available,
)
from wards.establishment import COUNTED_ROLES


@contextmanager
def _no_query_log() -> Iterator[None]:
    """Run without Django's debug query log. The embedded demo runs with DEBUG on, which logs
    every query and, on SQLite, quotes every parameter of it again: that doubles the time of a
    bulk insert, for a log this command never reads."""
    with override_settings(DEBUG=False):
        yield


class Command(BaseCommand):
    help = (
        "Build a realistic demo: the real London wards and boundaries from SNT_SHARED_DATA_DIR "
        "when present (else a generated London), inspector clusters, staffed ward and Safer "
        "Transport teams, abstractions, one login per role; with the shared data, the LSOA "
        "lookups, the crime sample and the GLA ward profiles; then a year of engagement in "
        "every ward (research, groups, KINs, events at the seeds' London volumes, concerns, "
        "analyses), panels, priorities, a year of EPIC activity by every ward team and two "
        "years of Public Attitude Survey results per borough; the EPIC rollups are rebuilt at "
        "the end. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-shared-data",
            action="store_true",
            help="generate a plausible London even when the shared real data is present",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        shared: Path | None = Path(settings.SNT_SHARED_DATA_DIR)
        if options["no_shared_data"] or not shared_data_available(shared):
            shared = None
        with _no_query_log():
            report = seed_demo(shared_data_dir=shared, progress=self.stdout.write)
            import_shared_evidence(directory=shared, progress=self.stdout.write)
            today = timezone.localdate()
            seed_engagement(today=today, progress=self.stdout.write)
            seed_panels(today=today, progress=self.stdout.write)
            seed_priorities(today=today, progress=self.stdout.write)
            seed_epic(today=today, progress=self.stdout.write)
            seed_demo_pas(today=today, progress=self.stdout.write)
            self.stdout.write("Rebuilding the EPIC rollups")
            rebuilt = rollups.rebuild()
            self.stdout.write(
                f"  {rebuilt.ward_days:,} ward-days, {rebuilt.ward_months:,} ward-months, "
                f"{rebuilt.borough_months:,} borough-months in {rebuilt.seconds:.1f}s"
            )
        with_codes = give_demo_authenticators(DEMO_USERNAMES)
        self._summarise(report)
        if with_codes:
            self.stdout.write(
                f"{', '.join(with_codes)} also enter a code after the password: "
                "`make otp-code WHO=<username>` prints it (DEBUG only)."
            )
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.1f}s."))

    def _summarise(self, report: DemoReport) -> None:
        wards = report.staffed_wards
        self.stdout.write(f"Ward teams staffed: {wards}. Current strength (per ward; seeds' mix):")
        for role in COUNTED_ROLES:
            count = report.ward_strength.get(role, 0)
            per_ward = count / wards if wards else 0.0
            self.stdout.write(
                f"  {role.label:<18} {count:>6,}  ({per_ward:.2f}; {SEED_PER_WARD[role]:.2f})"
            )
        rows = [("Username", "Role", "Where", "Password")] + [
            (login.username, login.role, login.where, login.password) for login in report.logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for number, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
