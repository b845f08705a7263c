"""EPIC rollups and dashboards at scale (make bench).

    python -m bench.epic_bench [--sizes 1000000,10000000] [--runs 40] [--day-rows 15000]

On its own PostgreSQL database (BENCH_DATABASE_URL, default snt_portal_bench, with the 2022
wards and boundaries loaded) and a Redis cache (BENCH_REDIS_URL, default db 14), for each size
N in turn (the table grows from one size to the next by the bulk path, INSERT ... SELECT):

- bare GROUP BY: ``SELECT ward_id, date, type, count(*), sum(quantity) FROM epic_activity
  GROUP BY 1, 2, 3``, every count and sum read (summed, rather than sent) so that none can be
  skipped; the same with the sums unread, which PostgreSQL answers from an index, for
  reference;
- full rebuild: ``epic.rollups.rebuild()`` (ward x day, ward x month, borough x month);
- incremental refresh: one more day's records (--day-rows, about 15,000, spread over every
  ward) saved with their outbox rows, then ``epic.rollups.refresh()`` timed;
- server time (Django's full request path, in process, signed in) of the pan-London, a
  borough and a ward dashboard, each read --runs times after the refresh (median and p95); a
  minimal view (sign-in check and one trivial query) as the baseline; and the same dashboards
  computed naively, ``dashboards.build(..., source=RAW)``, from the raw records on request.

It prints every figure and the targets (dashboards within 3x the minimal view and at least 20x
faster than the naive comparator at the largest size; dashboard time at the largest within
1.2x of the smallest; full rebuild within 1.5x of the bare GROUP BY; incremental refresh under
2 s), and exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.import_crimes_bench import DEFAULT_DATABASE_URL, ensure_database

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
OFFICERS = 4000


def setup_django(url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "snt_portal.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"


def load_geography() -> None:
    from django.core.management import call_command

    from bench.generate_street_crimes import SHARED_DATA
    from wards.imports import import_boundaries, import_wards

    call_command("migrate", verbosity=0)
    # Pages are served as in production: hashed static files from the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    wards = SHARED_DATA / "wards"
    import_wards(path=wards / "london_wards_2022.csv", vintage=2022)
    import_boundaries(path=SHARED_DATA / "boundaries" / "london_wards_2022.geojson")


def ensure_people() -> dict[str, Any]:
    """Officers to own the records, and one reader per dashboard level."""
    from wards.models import Borough, RoleAssignment, User

    have = User.objects.filter(username__startswith="bench-officer-").count()
    User.objects.bulk_create(
        [
            User(username=f"bench-officer-{i}", first_name="Bench", last_name=f"Officer {i}")
            for i in range(have, OFFICERS)
        ],
        batch_size=2000,
    )
    borough = Borough.objects.filter(is_met=True).order_by("name").first()
    assert borough is not None, "no Met borough loaded"
    central, _ = User.objects.get_or_create(username="bench-central")
    manager, _ = User.objects.get_or_create(username="bench-manager")
    RoleAssignment.objects.get_or_create(user=central, role=RoleAssignment.Role.CENTRAL_ANALYST)
    RoleAssignment.objects.get_or_create(
        user=manager, role=RoleAssignment.Role.BOROUGH_MANAGER, borough=borough
    )
    return {"central": central, "manager": manager, "borough": borough}


def _insert_sql(day_expr: str) -> str:
    """INSERT ... SELECT of %(n)s random records on the days ``day_expr`` gives per row."""
    from epic.catalogue import LOGGED_TYPES, Unit

    keys = ",".join(f"'{t.key}'" for t in LOGGED_TYPES)
    cats = ",".join(f"'{t.category.value}'" for t in LOGGED_TYPES)
    hours = ",".join("true" if t.unit == Unit.HOURS else "false" for t in LOGGED_TYPES)
    return f"""
    WITH w AS (
        SELECT array_agg(w.id ORDER BY w.id) AS ids FROM wards_ward w
        JOIN wards_borough b ON b.id = w.borough_id
        WHERE b.is_met AND w.valid_to IS NULL
    ), o AS (
        SELECT array_agg(id ORDER BY id) AS ids FROM wards_user
        WHERE username LIKE 'bench-officer-%%'
    ), t AS (
        SELECT ARRAY[{keys}]::varchar[] AS keys, ARRAY[{cats}]::varchar[] AS cats,
               ARRAY[{hours}]::boolean[] AS hours
    ), g AS (
        SELECT 1 + floor(random() * cardinality(t.keys))::int AS ti,
               1 + floor(random() * cardinality(w.ids))::int AS wi,
               1 + floor(random() * cardinality(o.ids))::int AS oi,
               s AS n
        FROM generate_series(1, %(n)s) s, w, o, t
    )
    INSERT INTO epic_activity (officer_id, ward_id, date, category, type, quantity, note,
                               source, created_by_id, created_at, updated_at)
    SELECT o.ids[g.oi], w.ids[g.wi], {day_expr}, t.cats[g.ti], t.keys[g.ti],
           CASE WHEN t.hours[g.ti] THEN 0.25 * (2 + floor(random() * 14))
                ELSE 1 + floor(random() * 3) END,
           '', 'demo', o.ids[g.oi], now(), now()
    FROM g, w, o, t
    """


def grow_to(n: int) -> int:
    """Add random records over the last 365 days (yesterday back) until there are ``n``."""
    from django.db import connection, transaction

    from epic.models import Activity

    have = Activity.objects.count()
    if have < n:
        day = "current_date - 1 - floor(random() * 365)::int"
        with transaction.atomic(), connection.cursor() as cursor:
            # A bulk load of rows valid by construction: skip the per-row foreign key
            # triggers, as pg_restore does (the bench database's user is a superuser).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(_insert_sql(day), {"n": n - have})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE epic_activity")
    return Activity.objects.count()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# The comparator for the full rebuild: the raw table grouped by ward, day and type with the
# count and sum every summary row needs, all of them read. Selecting only count(*) over the
# groups would let PostgreSQL drop the unused sums and count the groups from an index-only scan
# of (ward_id, date, type): a cheaper query than any rebuild could be, printed for reference.
GROUP_BY = (
    "SELECT count(*), sum(n), sum(q) FROM (SELECT ward_id, date, type, count(*) AS n,"
    " sum(quantity) AS q FROM epic_activity GROUP BY 1, 2, 3) s"
)
GROUPS_ONLY = (
    "SELECT count(*) FROM (SELECT ward_id, date, type, count(*), sum(quantity)"
    " FROM epic_activity GROUP BY 1, 2, 3) s"
)


def bare_group_by(sql: str = GROUP_BY, *, work_mem: str | None = None) -> float:
    """Seconds for ``sql`` at the server's default settings, or with the rebuild's work_mem."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if work_mem:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        seconds, _ = timed(lambda: cursor.execute(sql) or cursor.fetchone())
    return seconds


def add_one_day(rows: int) -> None:
    """One day's records (today) across the wards, saved with their outbox rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from epic import rollups

    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_insert_sql("current_date") + " RETURNING ward_id", {"n": rows})
        touched = {ward_id for (ward_id,) in cursor.fetchall()}
        rollups.mark_dirty((ward_id, today) for ward_id in touched)


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]

    def __str__(self) -> str:
        return f"median {self.median * 1000:8.2f} ms   p95 {self.p95 * 1000:8.2f} ms"


def server_times(client: Any, url: str, runs: int) -> Timing:
    # Over HTTPS, as in production (plain HTTP would be redirected there).
    client.get(url, secure=True)  # warm: the first read builds the cached page
    timing = Timing()
    for _ in range(runs):
        seconds, response = timed(lambda: client.get(url, secure=True))
        assert response.status_code == 200, (url, response.status_code)
        timing.samples.append(seconds)
    return timing


@dataclass
class SizeResult:
    size: int
    group_by: float
    rebuild: float
    refresh: float
    pages: dict[str, Timing]
    naive: dict[str, Timing]
    minimal: Timing


def signed_in(user: Any) -> Any:
    """A client signed in as ``user``, past the second factor when their role needs one, so
    the pages are timed as a verified session reads them (django-otp's device lookup too)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from snt_portal.otp import confirmed_device, give_demo_authenticators

    client = Client()
    client.force_login(user)
    if give_demo_authenticators([user.username]):
        device = confirmed_device(user)
        assert device is not None
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(size: int, people: dict[str, Any], *, runs: int, day_rows: int) -> SizeResult:
    from django.conf import settings
    from django.core.cache import cache
    from django.urls import reverse

    from epic import rollups
    from wards.models import Ward

    print(f"\n== {size:,} EPIC records ==", flush=True)
    seconds, count = timed(lambda: grow_to(size))
    print(f"generated to {count:,} rows in {seconds:.1f} s (INSERT ... SELECT)", flush=True)
    bare_group_by()  # the same warm buffers for both measurements
    group_by = min(bare_group_by() for _ in range(2))
    groups_only = min(bare_group_by(GROUPS_ONLY) for _ in range(2))
    print(f"bare GROUP BY:        {group_by:8.2f} s  (count and sum of every group read)")
    print(f"  groups only:        {groups_only:8.2f} s  (sums unread: index-only scan)", flush=True)
    memory = settings.SNT_ROLLUP_WORK_MEM
    tuned = min(bare_group_by(work_mem=memory) for _ in range(2))
    print(f"  at work_mem {memory}: {tuned:8.2f} s  (the rebuild's setting)", flush=True)
    rebuild = min(timed(rollups.rebuild)[0] for _ in range(2))
    print(f"full rebuild:         {rebuild:8.2f} s  ({rebuild / group_by:.2f}x the GROUP BY)")
    add_one_day(day_rows)
    refresh, buckets = timed(rollups.refresh)
    print(f"incremental refresh:  {refresh:8.2f} s  ({day_rows:,} rows, {buckets} buckets)")

    cache.clear()
    borough = people["borough"]
    ward = Ward.objects.filter(borough=borough, valid_to__isnull=True).order_by("code").first()
    assert ward is not None
    central, manager = signed_in(people["central"]), signed_in(people["manager"])
    pages = {
        "london": server_times(central, reverse("epic:london_dashboard"), runs),
        "borough": server_times(
            manager, reverse("epic:borough_dashboard", kwargs={"code": borough.code}), runs
        ),
        "ward": server_times(
            manager, reverse("epic:ward_dashboard", kwargs={"code": ward.code}), runs
        ),
    }
    minimal = server_times(central, "/bench/minimal/", runs)
    naive_runs = max(3, runs // 8)
    naive = {
        "london": server_times(central, "/bench/naive/london/", naive_runs),
        "borough": server_times(manager, f"/bench/naive/boroughs/{borough.code}/", naive_runs),
        "ward": server_times(manager, f"/bench/naive/wards/{ward.code}/", naive_runs),
    }
    print(f"minimal view:         {minimal}")
    for name in pages:
        print(f"{name + ' dashboard:':22}{pages[name]}   naive: {naive[name]}")
    return SizeResult(size, group_by, rebuild, refresh, pages, naive, minimal)


def check_targets(results: Sequence[SizeResult]) -> list[str]:
    small, large = results[0], results[-1]
    lines, failed = [], []

    def target(ok: bool, text: str) -> None:
        lines.append(f"[{'ok' if ok else 'MISSED'}] {text}")
        if not ok:
            failed.append(text)

    for name, timing in large.pages.items():
        ratio = timing.median / large.minimal.median
        target(
            ratio <= 3, f"{name} dashboard {ratio:.2f}x the minimal view at {large.size:,} (<= 3x)"
        )
        speedup = large.naive[name].median / timing.median
        target(speedup >= 20, f"{name} dashboard {speedup:,.0f}x faster than naive (>= 20x)")
        if small is not large:
            growth = timing.median / small.pages[name].median
            target(
                growth <= 1.2,
                f"{name} dashboard at {large.size:,} is {growth:.2f}x its time at "
                f"{small.size:,} (<= 1.2x)",
            )
    # The rebuild's target is at the largest size (the "full rebuild of 10M"); smaller
    # sizes are printed above, where a GROUP BY that fits in the default work_mem is faster.
    ratio = large.rebuild / large.group_by
    target(ratio <= 1.5, f"rebuild of {large.size:,} is {ratio:.2f}x the GROUP BY (<= 1.5x)")
    for result in results:
        target(
            result.refresh < 2,
            f"incremental refresh at {result.size:,}: {result.refresh:.2f} s (< 2 s)",
        )
    print("\n" + "\n".join(lines))
    return failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--day-rows", type=int, default=15000)
    parser.add_argument("--fresh", action="store_true", help="empty epic_activity first")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url, os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    load_geography()
    people = ensure_people()

    from django.db import connection

    with connection.cursor() as cursor:
        if args.fresh or sizes[0] < _count():
            cursor.execute("TRUNCATE epic_activity, epic_historicalactivity, epic_dirtybucket")
    results = [measure(size, people, runs=args.runs, day_rows=args.day_rows) for size in sizes]
    return 1 if check_targets(results) else 0


def _count() -> int:
    from epic.models import Activity

    return Activity.objects.count()


if __name__ == "__main__":
    sys.exit(main())
