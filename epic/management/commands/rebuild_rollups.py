"""manage.py rebuild_rollups [--since YYYY-MM-DD]: recompute the EPIC summaries (epic.rollups)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from epic.rollups import rebuild


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date; give it as YYYY-MM-DD, for example 2024-04-01."
        ) from None


class Command(BaseCommand):
    help = (
        "Recompute the EPIC summary tables (ward-day, ward-month, borough-month) from the raw "
        "activity and engagement records, in one transaction. With --since, only ward-days "
        "from that date and months from its month on are recomputed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", type=_date, metavar="YYYY-MM-DD", help="recompute from this date on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since: dt.date | None = options["since"]
        scope = f"from {since:%d %b %Y}" if since else "in full"
        self.stdout.write(f"Rebuilding the EPIC rollups {scope}…")
        report = rebuild(since=since)
        self.stdout.write(
            f"Wrote {report.ward_days:,} ward-days, {report.ward_months:,} ward-months and "
            f"{report.borough_months:,} borough-months; cleared {report.outbox_cleared:,} "
            "outbox rows."
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {report.seconds:.2f} s."))
