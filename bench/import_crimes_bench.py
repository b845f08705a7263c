"""How fast import_crimes loads a month of street-level crime into PostgreSQL (make bench).

    python -m bench.import_crimes_bench [--rows 1000000] [--target 50000]

Uses its own database (BENCH_DATABASE_URL, by default snt_portal_bench on the local
PostgreSQL), created if missing and migrated, with the 2022 wards, their boundaries and both
LSOA lookups loaded from the shared data. It writes a synthetic file of ``--rows`` rows in the
real format to a temporary directory (bench.generate_street_crimes), then times two imports:
into empty crime tables, and again, replacing that month. It prints rows per second and exits
non-zero when the first is below ``--target``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

from bench.generate_street_crimes import SHARED_DATA, generate

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/snt_portal_bench"


def ensure_database(url: str) -> None:
    """Create the database named at the end of ``url`` if it does not exist."""
    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            print(f"Creating database {name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    """Point Django at the bench database: its own settings, never the suite's or the demo's."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "snt_portal.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def load_geography() -> None:
    """Migrate and load the wards, boundaries and lookups (idempotent: quick after the first)."""
    from django.core.management import call_command

    from crime.imports import import_lsoa_lookup
    from wards.imports import import_boundaries, import_wards

    call_command("migrate", verbosity=0)
    wards = SHARED_DATA / "wards"
    import_wards(path=wards / "london_wards_2022.csv", vintage=2022)
    import_boundaries(path=SHARED_DATA / "boundaries" / "london_wards_2022.geojson")
    for vintage in (11, 21):
        import_lsoa_lookup(path=wards / f"london_lsoa{vintage}_to_ward22_bestfit.csv")


def empty_crime_tables() -> None:
    """Start from no crime data, so the first import measures a load, not a replacement."""
    from django.db import connection

    from crime.models import CrimeImport, StreetCrime, WardCrimeMonth

    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (StreetCrime, CrimeImport, WardCrimeMonth)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")
        # Fresh statistics, as a production database would have; VACUUM cannot run in a block.
        cursor.execute("ANALYZE")


def timed_import(path: Path, label: str) -> float:
    from crime.imports import import_crimes

    started = time.perf_counter()
    report = import_crimes(path=path)
    seconds = time.perf_counter() - started
    rate = report.rows / seconds
    print(f"{label}: {report.rows:,} rows in {seconds:.2f} s = {rate:,.0f} rows/s")
    for line in report.lines():
        print(f"    {line}")
    return rate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--target", type=float, default=50_000, help="rows/s to reach")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url!r}")

    ensure_database(url)
    setup_django(url)
    print(f"Database: {url}")
    load_geography()
    with tempfile.TemporaryDirectory(prefix="snt-crime-bench-") as directory:
        path = Path(directory) / "2023-01-metropolitan-street.csv"
        started = time.perf_counter()
        generate(path, rows=args.rows)
        size = path.stat().st_size / 1e6
        print(
            f"Generated {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        empty_crime_tables()
        rate = timed_import(path, "Import into empty tables")
        timed_import(path, "Re-import (replaces the month)")
    verdict = "meets" if rate >= args.target else "is BELOW"
    print(f"import_crimes: {rate:,.0f} rows/s {verdict} the target of {args.target:,.0f} rows/s")
    return 0 if rate >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
