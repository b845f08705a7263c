"""The EPIC rollups: ward x day -> ward x month -> borough x month (see epic.models).

``mark_dirty`` is the only thing writers call: in the transaction that changes raw records
(EPIC activity or engagement events), with every (ward, day) the change touched, the old
bucket and the new one when a record moves.

``refresh`` drains that outbox; ``rebuild`` recomputes everything (or everything from a day
on); ``figures_as_of`` says how fresh the summaries are. Both writers are set-based SQL: each
bucket is deleted and recomputed from the raw records in one ``INSERT ... SELECT``, never
incremented, so running one twice changes nothing, and each commits everything or nothing.

Why the outbox is safe against a writer racing a refresh (PostgreSQL): ``mark_dirty`` upserts
its rows, which takes a row lock; a refresh claims rows with ``FOR UPDATE SKIP LOCKED``. So a
bucket whose writer has not committed yet is either skipped (the writer holds its row) or
makes the writer wait until the refresh commits and then insert a fresh row for the next run.
A refresh therefore never deletes a row whose change it could not see. Refreshes and rebuilds
run one at a time (an advisory lock), so they never write the same summary rows at once.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from engagement.models import EngagementEvent
from epic.catalogue import Category
from epic.models import Activity, BoroughMonth, DirtyBucket, RollupStatus, WardDay, WardMonth
from snt_portal.caching import Generation
from wards.models import Ward

# Engagement events count as the Communication type "engagement:<kind>".
ENGAGEMENT_PREFIX = "engagement:"

# Buckets recomputed per transaction. PostgreSQL takes them as arrays (no parameter limit);
# SQLite as VALUES rows, kept under Django's 999-parameter budget (3 per month row).
PG_BATCH = 20_000
SQLITE_BATCH = 300
# The last days the nightly reconciliation recomputes from scratch, whatever the outbox says.
RECONCILE_DAYS = 3
STATUS_PK = 1
# Serialises refreshes and rebuilds on PostgreSQL (pg_advisory_xact_lock takes a bigint).
_LOCK_KEY = zlib.crc32(b"epic.rollups")

_ACTIVITY = Activity._meta.db_table
_EVENT = EngagementEvent._meta.db_table
_WARD = Ward._meta.db_table
_WARD_DAY = WardDay._meta.db_table
_WARD_MONTH = WardMonth._meta.db_table
_BOROUGH_MONTH = BoroughMonth._meta.db_table
_TOTALS = "type, category, records, quantity, people"

# What is cached from the summaries (the dashboards) belongs to this generation: each refresh
# and rebuild replaces it (see snt_portal.caching).
GENERATION = Generation("epic.rollups")

Bucket = tuple[int, dt.date]


@dataclass(frozen=True)
class RebuildReport:
    """What ``rebuild`` wrote: summary rows now present from ``since`` on (all when None)."""

    since: dt.date | None
    ward_days: int
    ward_months: int
    borough_months: int
    outbox_cleared: int
    seconds: float


def mark_dirty(buckets: Iterable[tuple[int, dt.date]]) -> None:
    """Queue (ward id, day) buckets for recomputation, and a refresh once this commits.

    Call it inside the transaction that writes the raw records. An existing row is "updated"
    to itself rather than ignored: the update locks it, which is what makes a concurrent
    refresh skip it (see the module docstring); its ``marked_at`` stays the oldest change.
    """
    rows = [DirtyBucket(ward_id=ward_id, day=day) for ward_id, day in sorted(set(buckets))]
    if not rows:
        return
    DirtyBucket.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["ward", "day"],
        update_fields=["day"],
        batch_size=2000,
    )
    # One refresh per transaction, however many calls. robust: a broker that is down must not
    # fail the write (it is committed by then); the outbox keeps the buckets for the sweep.
    pending = getattr(connection, "run_on_commit", [])
    if not any(entry[1] is _enqueue_refresh for entry in pending):
        transaction.on_commit(_enqueue_refresh, robust=True)


def _enqueue_refresh() -> None:
    from epic import tasks  # the task module imports this one

    # Nobody waits for the result: not asking for one keeps a save from waiting on the result
    # store (about 19 s of retries with Redis down; tests/faults/test_redis_stopped.py).
    tasks.refresh_rollups.apply_async(ignore_result=True)


def figures_as_of() -> dt.datetime | None:
    """When the summaries were last complete: the oldest change still waiting in the outbox,
    else the last refresh or rebuild; None before the first."""
    pending: dt.datetime | None = DirtyBucket.objects.aggregate(oldest=Min("marked_at"))["oldest"]
    if pending is not None:
        return pending
    status = RollupStatus.objects.filter(pk=STATUS_PK).first()
    if status is None:
        return None
    stamps = [t for t in (status.refreshed_at, status.rebuilt_at) if t is not None]
    return max(stamps, default=None)


def refresh(*, batch_size: int | None = None) -> int:
    """Recompute every bucket in the outbox and delete its rows; returns how many buckets.

    Each batch is one transaction: a refresh killed half-way commits nothing of that batch
    and leaves its outbox rows for the next run.
    """
    size = batch_size or (PG_BATCH if _is_postgres() else SQLITE_BATCH)
    total = 0
    while True:
        done = _refresh_batch(size)
        total += done
        if done < size:
            return total


def rebuild(since: dt.date | None = None) -> RebuildReport:
    """Recompute the summaries from the raw records: all of them, or from ``since`` on.

    From a date, ward-days before it are left as they are; the ward and borough months from
    the one containing it are recomputed (from the ward-days). Outbox rows the rebuild covers
    are cleared in the same transaction.
    """
    started = time.monotonic()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise(cursor)
        if _is_postgres():
            # For this transaction only: room to hash-aggregate millions of groups in memory
            # (a spill to disk doubles the time at 10 million records) and to sort the new
            # tables' primary keys in one pass.
            memory = settings.SNT_ROLLUP_WORK_MEM
            cursor.execute("SELECT set_config('work_mem', %s, true)", [memory])
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [memory])
        cleared = _claim_outbox(cursor, since)
        if since is None:
            if _is_postgres():
                ward_days, ward_months, borough_months = _swap_all(cursor)
            else:
                for table in (_WARD_DAY, _WARD_MONTH, _BOROUGH_MONTH):
                    cursor.execute(f"DELETE FROM {table}")
                ward_days = _insert_ward_days(cursor)
                ward_months = _insert_ward_months(cursor)
                borough_months = _insert_borough_months(cursor)
        else:
            month = since.replace(day=1)
            cursor.execute(f"DELETE FROM {_WARD_DAY} WHERE day >= %s", [since])
            ward_days = _insert_ward_days(cursor, since=since)
            cursor.execute(f"DELETE FROM {_WARD_MONTH} WHERE month >= %s", [month])
            ward_months = _insert_ward_months(cursor, since=month)
            cursor.execute(f"DELETE FROM {_BOROUGH_MONTH} WHERE month >= %s", [month])
            borough_months = _insert_borough_months(cursor, since=month)
        status = _locked_status()
        status.rebuilt_at = now
        status.save(update_fields=["rebuilt_at"])
        GENERATION.bump()
    return RebuildReport(
        since=since,
        ward_days=ward_days,
        ward_months=ward_months,
        borough_months=borough_months,
        outbox_cleared=cleared,
        seconds=time.monotonic() - started,
    )


def reconcile(*, days: int = RECONCILE_DAYS) -> RebuildReport:
    """The nightly catch-up: drain the outbox, then recompute the last ``days`` days outright
    (anything written without ``mark_dirty``, or whose refresh never ran)."""
    refresh()
    return rebuild(since=timezone.localdate() - dt.timedelta(days=days))


# --- the batch ---------------------------------------------------------------------------------


def _refresh_batch(size: int) -> int:
    now = timezone.now()  # the figures include every change committed before this
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise(cursor)
        claimed = list(
            DirtyBucket.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "ward_id", "day")[:size]
        )
        if claimed:
            buckets = sorted({(ward_id, day) for _, ward_id, day in claimed})
            _recompute_buckets(cursor, buckets)
            DirtyBucket.objects.filter(pk__in=[pk for pk, _, _ in claimed]).delete()
        status = _locked_status()
        status.refreshed_at = now
        status.buckets_refreshed += len(claimed)
        status.save(update_fields=["refreshed_at", "buckets_refreshed"])
        GENERATION.bump()
    return len(claimed)


def _recompute_buckets(cursor: Any, buckets: Sequence[Bucket]) -> None:
    """Delete and re-insert the buckets' ward-days, then their ward-months and borough-months."""
    days_cte, days_params = _rows_cte("d", ("ward_id", "day"), ("integer", "date"), buckets)
    cursor.execute(
        f"WITH {days_cte} DELETE FROM {_WARD_DAY} WHERE EXISTS (SELECT 1 FROM d"
        f" WHERE d.ward_id = {_WARD_DAY}.ward_id AND d.day = {_WARD_DAY}.day)",
        days_params,
    )
    _insert_ward_days(cursor, buckets_cte=(days_cte, days_params))

    months = sorted({(ward_id, *_month_span(day)) for ward_id, day in buckets})
    months_cte, months_params = _rows_cte(
        "m", ("ward_id", "month", "month_end"), ("integer", "date", "date"), months
    )
    cursor.execute(
        f"WITH {months_cte} DELETE FROM {_WARD_MONTH} WHERE EXISTS (SELECT 1 FROM m"
        f" WHERE m.ward_id = {_WARD_MONTH}.ward_id AND m.month = {_WARD_MONTH}.month)",
        months_params,
    )
    _insert_ward_months(cursor, months_cte=(months_cte, months_params))

    boroughs = dict(
        Ward.objects.filter(pk__in={ward_id for ward_id, _ in buckets}).values_list(
            "pk", "borough_id"
        )
    )
    borough_months = sorted({(boroughs[ward_id], month) for ward_id, month, _ in months})
    bm_cte, bm_params = _rows_cte(
        "bm", ("borough_id", "month"), ("integer", "date"), borough_months
    )
    cursor.execute(
        f"WITH {bm_cte} DELETE FROM {_BOROUGH_MONTH} WHERE EXISTS (SELECT 1 FROM bm WHERE"
        f" bm.borough_id = {_BOROUGH_MONTH}.borough_id AND bm.month = {_BOROUGH_MONTH}.month)",
        bm_params,
    )
    _insert_borough_months(cursor, bm_cte=(bm_cte, bm_params))


def _claim_outbox(cursor: Any, since: dt.date | None) -> int:
    """Delete the outbox rows a rebuild covers, skipping rows a writer still holds."""
    where, params = ("WHERE day >= %s", [since]) if since is not None else ("", [])
    table = DirtyBucket._meta.db_table
    if _is_postgres():
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN"
            f" (SELECT id FROM {table} {where} FOR UPDATE SKIP LOCKED)",
            params,
        )
    else:
        cursor.execute(f"DELETE FROM {table} {where}", params)
    return int(cursor.rowcount)


# --- the set-based statements ------------------------------------------------------------------


def _build_and_swap(cursor: Any, table: str, key: str, select: str, params: list[Any]) -> int:
    """Replace ``table`` by the rows of ``select`` (a full rebuild on PostgreSQL): written as a
    new table by CREATE TABLE ... AS, with no index to maintain row by row, its primary key
    built afterwards in one sorted pass, then swapped in. In the caller's transaction: readers
    see the old table until it commits, then the new one. ``select`` names and types its
    columns as the migration made them (epic/migrations/0001_initial.py)."""
    next_table = f"{table}_next"
    cursor.execute(f"DROP TABLE IF EXISTS {next_table}")
    cursor.execute(f"CREATE TABLE {next_table} AS {select}", params)
    rows = int(cursor.rowcount)
    cursor.execute(
        f"ALTER TABLE {next_table}"
        " ALTER COLUMN type SET NOT NULL, ALTER COLUMN category SET NOT NULL,"
        " ALTER COLUMN records SET NOT NULL, ALTER COLUMN quantity SET NOT NULL,"
        " ALTER COLUMN people SET NOT NULL,"
        f" ADD CONSTRAINT {next_table}_records_check CHECK (records >= 0),"
        f" ADD CONSTRAINT {next_table}_people_check CHECK (people >= 0),"
        f" ADD PRIMARY KEY ({key})"
    )
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {next_table} RENAME TO {table}")
    cursor.execute(f"ALTER INDEX {next_table}_pkey RENAME TO {table}_pkey")
    for column in ("records", "people"):
        cursor.execute(
            f"ALTER TABLE {table} RENAME CONSTRAINT {next_table}_{column}_check"
            f" TO {table}_{column}_check"
        )
    return rows


_TYPED_TOTALS = (
    "type::varchar(40) AS type, category::varchar(1) AS category,"
    " records::integer AS records, quantity::numeric(14, 2) AS quantity,"
    " people::integer AS people"
)


def _swap_all(cursor: Any) -> tuple[int, int, int]:
    """A full rebuild of the three summaries on PostgreSQL, each from the one below it."""
    select, params = _ward_days_select()
    ward_days = _build_and_swap(cursor, _WARD_DAY, "ward_id, day, type", select, params)
    month = _month_start("wd.day")
    ward_months = _build_and_swap(
        cursor,
        _WARD_MONTH,
        "ward_id, month, type",
        f"SELECT ward_id::bigint AS ward_id, month, {_TYPED_TOTALS} FROM ("
        f" SELECT wd.ward_id, {month} AS month, wd.type, MAX(wd.category) AS category,"
        " SUM(wd.records) AS records, SUM(wd.quantity) AS quantity, SUM(wd.people) AS people"
        f" FROM {_WARD_DAY} wd GROUP BY 1, 2, 3) s",
        [],
    )
    borough_months = _build_and_swap(
        cursor,
        _BOROUGH_MONTH,
        "borough_id, month, type",
        f"SELECT borough_id::bigint AS borough_id, month, {_TYPED_TOTALS} FROM ("
        " SELECT w.borough_id, wm.month, wm.type, MAX(wm.category) AS category,"
        " SUM(wm.records) AS records, SUM(wm.quantity) AS quantity, SUM(wm.people) AS people"
        f" FROM {_WARD_MONTH} wm JOIN {_WARD} w ON w.id = wm.ward_id GROUP BY 1, 2, 3) s",
        [],
    )
    return ward_days, ward_months, borough_months


def _ward_days_select() -> tuple[str, list[Any]]:
    """Every ward-day from the raw records, typed as the ward-day table's columns."""
    local_day, tz_params = connection.ops.datetime_cast_date_sql(
        "e.starts_at", (), timezone.get_default_timezone_name()
    )
    sql = (
        "SELECT a.ward_id::bigint AS ward_id, a.date AS day, a.type::varchar(40) AS type,"
        " MAX(a.category)::varchar(1) AS category, COUNT(*)::integer AS records,"
        " SUM(a.quantity)::numeric(14, 2) AS quantity, 0::integer AS people"
        f" FROM {_ACTIVITY} a GROUP BY a.ward_id, a.date, a.type"
        " UNION ALL"
        f" SELECT e.ward_id::bigint, {local_day}, ('{ENGAGEMENT_PREFIX}' || e.kind)::varchar(40),"
        f" '{Category.COMMUNICATION.value}'::varchar(1), COUNT(*)::integer,"
        " COUNT(*)::numeric(14, 2), SUM(COALESCE(e.attendance, 0))::integer"
        f" FROM {_EVENT} e WHERE e.status = %s GROUP BY 1, 2, 3"
    )
    return sql, [*tz_params, EngagementEvent.Status.HELD.value]


def _insert_ward_days(
    cursor: Any,
    *,
    buckets_cte: tuple[str, list[Any]] | None = None,
    since: dt.date | None = None,
) -> int:
    """Ward-days from the raw records: all, those of the buckets in CTE ``d``, or from a day."""
    local_day, tz_params = connection.ops.datetime_cast_date_sql(
        "e.starts_at", (), timezone.get_default_timezone_name()
    )
    with_sql, params = "", []
    activity_filter, event_filter = "", ""
    activity_params: list[Any] = []
    event_params: list[Any] = []
    if buckets_cte is not None:
        with_sql, params = f"WITH {buckets_cte[0]} ", list(buckets_cte[1])
        activity_filter = "JOIN d ON a.ward_id = d.ward_id AND a.date = d.day"
        event_filter = f"JOIN d ON e.ward_id = d.ward_id AND {local_day} = d.day"
        event_params = [*tz_params]
    event_where = "WHERE e.status = %s"
    event_where_params: list[Any] = [EngagementEvent.Status.HELD.value]
    if since is not None:
        activity_filter = "WHERE a.date >= %s"
        activity_params = [since]
        event_where += f" AND {local_day} >= %s"
        event_where_params += [*tz_params, since]
    sql = (
        f"{with_sql}INSERT INTO {_WARD_DAY} (ward_id, day, {_TOTALS})"
        " SELECT a.ward_id, a.date, a.type, MAX(a.category), COUNT(*), SUM(a.quantity), 0"
        f" FROM {_ACTIVITY} a {activity_filter}"
        " GROUP BY 1, 2, 3"
        " UNION ALL"
        f" SELECT e.ward_id, {local_day}, '{ENGAGEMENT_PREFIX}' || e.kind,"
        f" '{Category.COMMUNICATION.value}', COUNT(*), COUNT(*), SUM(COALESCE(e.attendance, 0))"
        f" FROM {_EVENT} e {event_filter} {event_where}"
        " GROUP BY 1, 2, 3"
        # In index order: appending to the unique index is far cheaper than random inserts.
        " ORDER BY 1, 2, 3"
    )
    cursor.execute(
        sql,
        [
            *params,
            *activity_params,
            *tz_params,
            *event_params,
            *event_where_params,
        ],
    )
    return int(cursor.rowcount)


def _insert_ward_months(
    cursor: Any,
    *,
    months_cte: tuple[str, list[Any]] | None = None,
    since: dt.date | None = None,
) -> int:
    """Ward-months summed from ward-days: all, those in CTE ``m``, or from a month on."""
    with_sql, params, where = "", [], ""
    month = _month_start("wd.day")
    if months_cte is not None:
        with_sql, params = f"WITH {months_cte[0]} ", list(months_cte[1])
        month = "m.month"
        where = "JOIN m ON wd.ward_id = m.ward_id AND wd.day >= m.month AND wd.day < m.month_end"
    elif since is not None:
        where, params = "WHERE wd.day >= %s", [since]
    cursor.execute(
        f"{with_sql}INSERT INTO {_WARD_MONTH} (ward_id, month, {_TOTALS})"
        f" SELECT wd.ward_id, {month}, wd.type, MAX(wd.category), SUM(wd.records),"
        " SUM(wd.quantity), SUM(wd.people)"
        f" FROM {_WARD_DAY} wd {where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        params,
    )
    return int(cursor.rowcount)


def _insert_borough_months(
    cursor: Any,
    *,
    bm_cte: tuple[str, list[Any]] | None = None,
    since: dt.date | None = None,
) -> int:
    """Borough-months summed from ward-months: all, those in CTE ``bm``, or from a month on."""
    with_sql, params, where = "", [], ""
    if bm_cte is not None:
        with_sql, params = f"WITH {bm_cte[0]} ", list(bm_cte[1])
        where = "JOIN bm ON bm.borough_id = w.borough_id AND bm.month = wm.month"
    elif since is not None:
        where, params = "WHERE wm.month >= %s", [since]
    cursor.execute(
        f"{with_sql}INSERT INTO {_BOROUGH_MONTH} (borough_id, month, {_TOTALS})"
        " SELECT w.borough_id, wm.month, wm.type, MAX(wm.category), SUM(wm.records),"
        " SUM(wm.quantity), SUM(wm.people)"
        f" FROM {_WARD_MONTH} wm JOIN {_WARD} w ON w.id = wm.ward_id {where}"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        params,
    )
    return int(cursor.rowcount)


# --- portability -------------------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _serialise(cursor: Any) -> None:
    """One refresh or rebuild at a time (SQLite has a single writer anyway)."""
    if _is_postgres():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _locked_status() -> RollupStatus:
    status, _ = RollupStatus.objects.select_for_update().get_or_create(pk=STATUS_PK)
    return status


def _rows_cte(
    name: str, columns: Sequence[str], types: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> tuple[str, list[Any]]:
    """A CTE ``name(columns)`` holding ``rows``: arrays unnested on PostgreSQL (three
    parameters however many rows), VALUES elsewhere."""
    head = f"{name}({', '.join(columns)})"
    if _is_postgres():
        arrays = ", ".join(f"%s::{sql_type}[]" for sql_type in types)
        return f"{head} AS (SELECT * FROM unnest({arrays}))", [
            list(col) for col in zip(*rows, strict=True)
        ]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = ", ".join([placeholders] * len(rows))
    params = [v.isoformat() if isinstance(v, dt.date) else v for row in rows for v in row]
    return f"{head} AS (VALUES {values})", params


def _month_start(sql: str) -> str:
    if _is_postgres():
        return f"CAST(date_trunc('month', CAST({sql} AS timestamp)) AS date)"
    return f"date({sql}, 'start of month')"


def _month_span(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end
