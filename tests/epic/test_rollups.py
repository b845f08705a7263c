"""The EPIC rollups against a direct count of the raw records (epic.rollups).

Writes here go straight to the models and then call ``mark_dirty`` with the buckets they
touched, as every writer must; ``refresh`` and ``rebuild`` are called in-process. The real
worker round trips (duplicate delivery, a killed worker, a broker that is down) are in
test_rollups_celery.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement import services as engagement_services
from engagement.models import EngagementEvent, EventKind
from epic import rollups
from epic.catalogue import ENGAGEMENT_TYPES, LOGGED_TYPES
from epic.models import Activity, BoroughMonth, DirtyBucket, RollupStatus, WardDay, WardMonth
from tests.factories import ActivityFactory, EngagementEventFactory
from tests.world import World

LONDON = ZoneInfo("Europe/London")
# Around the clocks going forward (31 March 2024) and back (27 October 2024), and a month end,
# so local days and months differ from UTC ones.
BASE_DAYS = (dt.date(2024, 3, 30), dt.date(2024, 10, 26), dt.date(2024, 4, 29))
TYPE_KEYS = [t.key for t in LOGGED_TYPES[:4]]
KINDS = [EventKind.PUBLIC_MEETING, EventKind.STREET_BRIEFING]
Totals = dict[tuple[Any, ...], tuple[int, Decimal, int]]


# --- the direct count ----------------------------------------------------------------------


def expected() -> tuple[Totals, Totals, Totals]:
    """Ward-day, ward-month and borough-month totals counted straight from the raw tables."""
    days: defaultdict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
    for a in Activity.objects.all():
        row = days[(a.ward_id, a.date, a.type)]
        row[0] += 1
        row[1] += a.quantity
    for e in EngagementEvent.objects.filter(status=EngagementEvent.Status.HELD):
        row = days[(e.ward_id, e.starts_at.astimezone(LONDON).date(), f"engagement:{e.kind}")]
        row[0] += 1
        row[1] += 1
        row[2] += e.attendance or 0
    months: defaultdict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
    boroughs: defaultdict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
    from wards.models import Ward

    borough_of = dict(Ward.objects.values_list("pk", "borough_id"))
    for (ward_id, day, type_key), (records, quantity, people) in days.items():
        for key, target in (
            ((ward_id, day.replace(day=1), type_key), months),
            ((borough_of[ward_id], day.replace(day=1), type_key), boroughs),
        ):
            target[key][0] += records
            target[key][1] += quantity
            target[key][2] += people
    return tuple({k: tuple(v) for k, v in d.items()} for d in (days, months, boroughs))  # type: ignore[return-value]


def actual() -> tuple[Totals, Totals, Totals]:
    def read(model: Any, *key: str) -> Totals:
        rows = model.objects.values_list(*key, "records", "quantity", "people")
        return {tuple(r[: len(key)]): (r[-3], Decimal(r[-2]), r[-1]) for r in rows}

    return (
        read(WardDay, "ward_id", "day", "type"),
        read(WardMonth, "ward_id", "month", "type"),
        read(BoroughMonth, "borough_id", "month", "type"),
    )


def assert_rollups_match_raw() -> None:
    want, got = expected(), actual()
    for level, w, g in zip(("ward-day", "ward-month", "borough-month"), want, got, strict=True):
        assert g == w, f"{level} totals differ from the raw records"


# --- writers as the services write (record, then mark the buckets touched) ------------------


def add_activity(ward_id: int, day: dt.date, type_key: str, quantity: int, officer: Any) -> None:
    ActivityFactory.create(
        ward_id=ward_id, date=day, type=type_key, quantity=Decimal(quantity), officer=officer
    )
    rollups.mark_dirty([(ward_id, day)])


def move_activity(activity: Activity, ward_id: int, day: dt.date, quantity: int) -> None:
    old = (activity.ward_id, activity.date)
    activity.ward_id, activity.date, activity.quantity = ward_id, day, Decimal(quantity)
    activity.save()
    rollups.mark_dirty([old, (ward_id, day)])


def delete_activity(activity: Activity) -> None:
    bucket = (activity.ward_id, activity.date)
    activity.delete()
    rollups.mark_dirty([bucket])


def event_bucket(event: EngagementEvent) -> tuple[int, dt.date]:
    return event.ward_id, timezone.localdate(event.starts_at)


def at(day: dt.date, minute_of_day: int) -> dt.datetime:
    """A UTC instant: near midnight UTC it is already the next day in London in summer."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=minute_of_day)


# --- hypothesis: random writes, edits and deletes ------------------------------------------

operation = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(TYPE_KEYS),
        st.integers(1, 9),
    ),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 2), st.integers(0, 4)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(
        st.just("event"),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from([0, 30, 23 * 60 + 30]),
        st.sampled_from(KINDS),
        st.sampled_from([EngagementEvent.Status.HELD, EngagementEvent.Status.CANCELLED]),
        st.one_of(st.none(), st.integers(0, 40)),
    ),
    st.tuples(
        st.just("event_edit"),
        st.integers(0, 50),
        st.integers(0, 2),
        st.integers(0, 4),
        st.sampled_from(list(EngagementEvent.Status)),
    ),
    st.tuples(st.just("event_delete"), st.integers(0, 50)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.sampled_from(BASE_DAYS),
    # Each write, then (or not) a refresh: stale buckets only show when refreshes interleave.
    ops=st.lists(st.tuples(operation, st.booleans()), min_size=1, max_size=25),
)
def test_refresh_after_random_writes_equals_a_direct_count(
    world: World, base: dt.date, ops: list[tuple[tuple[Any, ...], bool]]
) -> None:
    wards = [world.a1.pk, world.a2.pk, world.b1.pk]
    officer = world.users["pc"]
    with transaction.atomic():  # each example starts from the same world
        rollups.rebuild()
        for op, then_refresh in ops:
            apply(op, wards, base, officer)
            if then_refresh:
                rollups.refresh()
        rollups.refresh()
        assert not DirtyBucket.objects.exists()
        assert_rollups_match_raw()

        rollups.refresh()  # again: nothing to do, nothing changes
        assert_rollups_match_raw()
        incremental = actual()
        rollups.rebuild()
        assert actual() == incremental
        transaction.set_rollback(True)


def apply(op: tuple[Any, ...], wards: list[int], base: dt.date, officer: Any) -> None:
    kind = op[0]
    activities = list(Activity.objects.order_by("pk"))
    events = list(EngagementEvent.objects.order_by("pk"))
    if kind == "add":
        _, w, d, type_key, quantity = op
        add_activity(wards[w], base + dt.timedelta(days=d), type_key, quantity, officer)
    elif kind == "move" and activities:
        _, i, w, d = op
        move_activity(activities[i % len(activities)], wards[w], base + dt.timedelta(days=d), 3)
    elif kind == "delete" and activities:
        delete_activity(activities[op[1] % len(activities)])
    elif kind == "event":
        _, w, d, minute, event_kind, status, attendance = op
        event = EngagementEventFactory.create(
            ward_id=wards[w],
            kind=event_kind,
            status=status,
            starts_at=at(base + dt.timedelta(days=d), minute),
            attendance=attendance,
            created_by=officer,
        )
        rollups.mark_dirty([event_bucket(event)])
    elif kind == "event_edit" and events:
        _, i, w, d, status = op
        event = events[i % len(events)]
        old = event_bucket(event)
        event.ward_id, event.status = wards[w], status
        event.starts_at = at(base + dt.timedelta(days=d), 12 * 60)
        event.save()
        rollups.mark_dirty([old, event_bucket(event)])
    elif kind == "event_delete" and events:
        event = events[op[1] % len(events)]
        bucket = event_bucket(event)
        event.delete()
        rollups.mark_dirty([bucket])


# --- the pieces, one at a time --------------------------------------------------------------


@pytest.fixture
def rolled(world: World) -> World:
    """The world with its summaries built (its two held events are in no outbox)."""
    rollups.rebuild()
    return world


@pytest.mark.django_db
def test_engagement_types_are_the_prefix_and_the_kind() -> None:
    assert all(key == f"{rollups.ENGAGEMENT_PREFIX}{kind}" for kind, key in _engagement_keys())


def _engagement_keys() -> list[tuple[str, str]]:
    return [(kind, t.key) for kind, t in ENGAGEMENT_TYPES.items()]


def test_a_held_event_counts_on_its_london_day(rolled: World) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): July's day and month.
    event = EngagementEventFactory.create(
        ward=rolled.a1, starts_at=at(dt.date(2024, 6, 30), 23 * 60 + 30), attendance=None
    )
    rollups.mark_dirty([event_bucket(event)])
    assert rollups.refresh() == 1
    row = WardDay.objects.get(
        ward=rolled.a1, type=f"engagement:{event.kind}", day__year=2024, day__month__gte=6
    )
    assert (row.day, row.category, row.records, row.quantity, row.people) == (
        dt.date(2024, 7, 1), "C", 1, Decimal(1), 0,
    )  # fmt: skip
    assert WardMonth.objects.get(ward=rolled.a1, month=dt.date(2024, 7, 1)).records == 1


def test_refresh_batches_drain_the_whole_outbox(rolled: World) -> None:
    day = dt.date(2024, 5, 1)
    for offset in range(7):
        add_activity(rolled.a1.pk, day + dt.timedelta(days=offset), "arrest", 1, rolled.users["pc"])
    assert rollups.refresh(batch_size=3) == 7
    assert not DirtyBucket.objects.exists()
    assert_rollups_match_raw()
    assert RollupStatus.objects.get().buckets_refreshed == 7


def test_refresh_leaves_alone_buckets_not_marked(rolled: World) -> None:
    """Only the outbox's buckets are recomputed: a write that forgot ``mark_dirty`` waits for
    the nightly reconciliation, which recomputes the last days outright."""
    today = timezone.localdate()
    ActivityFactory.create(ward=rolled.a1, date=today, type="arrest")
    rollups.refresh()
    assert not WardDay.objects.filter(type="arrest").exists()
    report = rollups.reconcile(days=2)
    assert report.since == today - dt.timedelta(days=2)
    assert_rollups_match_raw()


def test_rebuild_since_recomputes_only_from_that_day(rolled: World) -> None:
    officer = rolled.users["pc"]
    for day in (dt.date(2024, 5, 10), dt.date(2024, 5, 20), dt.date(2024, 6, 5)):
        add_activity(rolled.a1.pk, day, "arrest", 2, officer)
    rollups.refresh()
    # Corrupt a ward-day before the date and one after: only the later is put right.
    WardDay.objects.filter(day=dt.date(2024, 5, 10)).update(records=99)
    WardDay.objects.filter(day=dt.date(2024, 6, 5)).update(records=99)
    WardMonth.objects.filter(month=dt.date(2024, 4, 1)).delete()  # nothing there to lose

    report = rollups.rebuild(since=dt.date(2024, 5, 15))

    assert WardDay.objects.get(day=dt.date(2024, 5, 10)).records == 99
    assert WardDay.objects.get(day=dt.date(2024, 6, 5)).records == 1
    # May is recomputed from its ward-days, the untouched (corrupt) 10 May included.
    assert WardMonth.objects.get(month=dt.date(2024, 5, 1)).records == 99 + 1
    assert report.since == dt.date(2024, 5, 15) and report.ward_days >= 2

    rollups.rebuild()
    assert_rollups_match_raw()


def test_rebuild_since_clears_only_the_outbox_it_covers(rolled: World) -> None:
    officer = rolled.users["pc"]
    add_activity(rolled.a1.pk, dt.date(2024, 5, 1), "arrest", 1, officer)
    add_activity(rolled.a1.pk, dt.date(2024, 5, 30), "arrest", 1, officer)
    report = rollups.rebuild(since=dt.date(2024, 5, 15))
    assert report.outbox_cleared == 1
    assert list(DirtyBucket.objects.values_list("day", flat=True)) == [dt.date(2024, 5, 1)]


def test_figures_as_of(world: World) -> None:
    assert rollups.figures_as_of() is None
    report_time = timezone.now()
    rollups.rebuild()
    status = RollupStatus.objects.get()
    assert status.rebuilt_at is not None and status.rebuilt_at >= report_time
    assert rollups.figures_as_of() == status.rebuilt_at

    add_activity(world.a1.pk, dt.date(2024, 5, 1), "arrest", 1, world.users["pc"])
    add_activity(world.a2.pk, dt.date(2024, 5, 2), "arrest", 1, world.users["pc"])
    oldest = DirtyBucket.objects.order_by("marked_at").first()
    assert oldest is not None
    assert rollups.figures_as_of() == oldest.marked_at  # the oldest change still waiting

    rollups.refresh()
    status.refresh_from_db()
    assert status.refreshed_at is not None
    assert rollups.figures_as_of() == max(status.refreshed_at, status.rebuilt_at)


def test_marking_a_bucket_again_keeps_its_first_time(world: World) -> None:
    day = dt.date(2024, 5, 1)
    rollups.mark_dirty([(world.a1.pk, day)])
    first = DirtyBucket.objects.get().marked_at
    rollups.mark_dirty([(world.a1.pk, day), (world.a1.pk, day)])
    assert DirtyBucket.objects.get().marked_at == first


def test_engagement_services_mark_the_buckets_they_touch(rolled: World) -> None:
    starts_at = timezone.now() - dt.timedelta(days=1)
    event = engagement_services.log_event(
        acting_user=rolled.users["pcso"],
        ward=rolled.a1,
        kind=EventKind.STREET_BRIEFING,
        starts_at=starts_at,
        attendance=7,
    )
    assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {event_bucket(event)}
    rollups.refresh()
    assert_rollups_match_raw()

    engagement_services.update_event(
        acting_user=rolled.users["pcso"],
        event=event,
        status=EngagementEvent.Status.CANCELLED,
        attendance=None,
        groups_reached=[],
        notes="",
    )
    assert DirtyBucket.objects.exists()
    rollups.refresh()
    assert_rollups_match_raw()
    assert (
        not WardDay.objects.filter(type__startswith="engagement:", ward=rolled.a1)
        .filter(day=timezone.localdate(starts_at))
        .exists()
    )


# --- the command ----------------------------------------------------------------------------


def test_rebuild_rollups_command(rolled: World) -> None:
    add_activity(rolled.a1.pk, dt.date(2024, 5, 1), "arrest", 4, rolled.users["pc"])
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    text = out.getvalue()
    assert "Rebuilding the EPIC rollups in full" in text
    assert "ward-days" in text and "Done in" in text
    assert not DirtyBucket.objects.exists()
    assert_rollups_match_raw()


def test_rebuild_rollups_command_since(world: World) -> None:
    out = StringIO()
    call_command("rebuild_rollups", "--since", "2024-05-15", stdout=out)
    assert "from 15 May 2024" in out.getvalue()
    assert RollupStatus.objects.get().rebuilt_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["15/05/2024", "2024-13-01", "yesterday"])
def test_rebuild_rollups_command_rejects_a_bad_date(value: str) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_rollups", "--since", value)
    assert not RollupStatus.objects.exists()


def test_the_beat_schedules_the_nightly_reconciliation() -> None:
    from snt_portal.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"epic.tasks.reconcile_rollups", "epic.tasks.refresh_rollups"} <= tasks


def test_one_refresh_is_queued_per_transaction(world: World, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        rollups.mark_dirty([(world.a1.pk, dt.date(2024, 5, 1))])
        rollups.mark_dirty([(world.a2.pk, dt.date(2024, 5, 2)), (world.a1.pk, dt.date(2024, 5, 1))])
        rollups.mark_dirty([])
    assert len(callbacks) == 1
    assert DirtyBucket.objects.count() == 2
