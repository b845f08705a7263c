"""seed_demo's EPIC activity (epic.demo) and its year of engagement at the seeds' volumes
(engagement.demo), each on a small London of its own.

The full seed_demo (all 679 wards, on PostgreSQL about a minute) runs once, in
tests/engagement/test_demo.py, which checks London's totals against the seeds and that a second
run adds nothing, EPIC and PAS rows included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from engagement.demo import (
    SEED_WARDS,
    TIERS,
    YEAR_HELD,
    held_a_year,
    seed_engagement,
    share_of_year,
)
from engagement.models import EngagementEvent, EventKind
from epic.catalogue import Category, Unit, type_for
from epic.demo import RATES, seed_epic
from epic.models import Activity
from priorities.models import Priority
from tests.factories import (
    BoroughFactory,
    MeetingFactory,
    PanelFactory,
    PostingFactory,
    TeamFactory,
    WardFactory,
)
from wards.models import Posting, PostingRole, Team, Ward

pytestmark = pytest.mark.django_db

TEAM = (
    PostingRole.SERGEANT,
    PostingRole.PC,
    PostingRole.PC,
    PostingRole.PCSO,
    PostingRole.PCSO,
    PostingRole.PCSO,
)
WARRANTED_ONLY = {"arrest", "warrant", "stop_search", "asb_injunction", "dispersal"}


def small_london(wards: int, today: dt.date) -> list[Ward]:
    """``wards`` current Met wards in two boroughs, each with a ward team of six (one PC left
    half-way through the year and was replaced); and a ward whose team has nobody left."""
    boroughs = [BoroughFactory.create(), BoroughFactory.create()]
    staffed = []
    for number in range(wards):
        ward = WardFactory.create(borough=boroughs[number % 2])
        team = TeamFactory.create(ward=ward)
        for role in TEAM:
            PostingFactory.create(team=team, role=role)
        left = today - dt.timedelta(days=180)
        PostingFactory.create(team=team, role=PostingRole.PC, end_date=left)
        staffed.append(ward)
    empty = TeamFactory.create(ward=WardFactory.create(borough=boroughs[0]))
    PostingFactory.create(team=empty, role=PostingRole.PCSO, end_date=today - dt.timedelta(days=9))
    return staffed


def test_the_engagement_rates_add_up_to_the_seeds_london() -> None:
    """Averaged over the tiers' mix, every kind's rate times the Met's wards is the year's
    London total; the seeds' three figures among them."""
    weights = sum(tier.weight for tier in TIERS)
    for kind, total in YEAR_HELD.items():
        mean = sum(t.weight * held_a_year(t, kind) * share_of_year(t) for t in TIERS) / weights
        assert mean * SEED_WARDS == pytest.approx(total), kind
    assert YEAR_HELD[EventKind.PUBLIC_MEETING] == 12_647
    assert YEAR_HELD[EventKind.STREET_BRIEFING] == 1_364
    assert YEAR_HELD[EventKind.VICTIM_VISIT] == 40_904


def test_a_small_london_holds_engagement_at_the_seeds_rates() -> None:
    """30 wards hold about 30/679 of the seeds' London year. Tolerance 20%: a ward's count is
    Poisson and its tier random, so 30 wards' total strays by about 5% (one standard
    deviation) for public meetings and victim visits; street briefings, 2 a ward, by ~15%."""
    today = timezone.localdate()
    wards = small_london(30, today)

    report = seed_engagement(today=today)

    held = EngagementEvent.objects.filter(status=EngagementEvent.Status.HELD)
    kinds = Counter(held.values_list("kind", flat=True))
    share = len(wards) / SEED_WARDS
    for kind in (EventKind.PUBLIC_MEETING, EventKind.VICTIM_VISIT):
        assert kinds[kind] == pytest.approx(YEAR_HELD[kind] * share, rel=0.2), kind
    assert kinds[EventKind.STREET_BRIEFING] == pytest.approx(1_364 * share, rel=0.4)
    assert set(kinds) == set(EventKind)
    # About 15 people at a public meeting (188,763 at 12,647).
    meetings = held.filter(kind=EventKind.PUBLIC_MEETING)
    attended = meetings.aggregate(total=Sum("attendance"))["total"]
    assert 13.5 <= attended / meetings.count() <= 16.5
    assert report.held_by_kind == kinds
    assert report.meeting_attendance == attended
    assert f"public meetings {kinds[EventKind.PUBLIC_MEETING]:,} with {attended:,}" in (
        "\n".join(report.lines())
    )
    # Spread over the whole year, in every ward.
    per_ward = dict(held.values_list("ward").annotate(n=Count("pk")))
    assert set(per_ward) == {ward.pk for ward in wards}
    assert min(per_ward.values()) >= 40
    months = {(e.year, e.month) for e in held.values_list("starts_at", flat=True).order_by()}
    assert len(months) >= 12


def test_seed_epic_logs_a_year_for_every_ward_team() -> None:
    today = timezone.localdate()
    wards = small_london(8, today)
    burglary = Priority.objects.create(
        ward=wards[0],
        issue="Burglary in the streets off the high street",
        category="burglary",
        source="community",
        issue_date=today - dt.timedelta(days=200),
    )
    resolved = Priority.objects.create(
        ward=wards[1],
        issue="Groups of youths at the station",
        category="asb_youths",
        source="youth",
        issue_date=today - dt.timedelta(days=300),
        status=Priority.Status.RESOLVED,
        action="Dispersal and diversion sessions; the group has moved on.",
        action_date=today - dt.timedelta(days=100),
    )
    panel = PanelFactory.create(ward=wards[2])
    for days in (20, 90, 160, 400):
        MeetingFactory.create(panel=panel, scheduled_at=timezone.now() - dt.timedelta(days=days))

    report = seed_epic(today=today)

    rows = Activity.objects.all()
    assert report.wards_seeded == len(wards)  # not the ward whose team has nobody left
    assert report.rows == rows.count()
    assert not rows.exclude(source=Activity.Source.DEMO).exists()
    per_ward = dict(rows.values_list("ward").annotate(n=Count("pk")))
    assert set(per_ward) == {ward.pk for ward in wards}
    # About 125 lines a ward at the average rate, 0.6 to 1.4 times that for a quiet or busy one.
    expected = sum(rate.lines for rate in RATES.values())
    assert all(0.5 * expected <= n <= 1.6 * expected for n in per_ward.values())

    # Across the year: every ward has lines in each of the last twelve months.
    year_ago = today - dt.timedelta(days=365)
    assert not rows.filter(date__lt=year_ago).exists()
    assert not rows.filter(date__gte=today).exists()
    for ward in wards:
        months = {(d.year, d.month) for d in rows.filter(ward=ward).values_list("date", flat=True)}
        assert len(months) >= 12, ward

    # Every category, each line's category its type's; patrols in quarter hours.
    categories = Counter(rows.values_list("category", flat=True))
    assert set(categories) == set(Category)
    assert categories == report.categories
    for key, category, quantity in rows.values_list("type", "category", "quantity"):
        kind = type_for(key)
        assert kind.category == category
        assert kind.check_quantity(quantity) is None, (key, quantity)
        if kind.unit == Unit.HOURS:
            assert Decimal(1) <= quantity <= Decimal(6)
    assert categories[Category.PREVENTION] > categories[Category.INTELLIGENCE]

    # By officers posted to the ward that day, PCSOs never arresting or searching.
    posted = {
        (p.team.ward_id, p.person_id): p
        for p in Posting.objects.filter(team__kind=Team.Kind.WARD).select_related("team")
    }
    for row in rows.values("ward_id", "officer_id", "date", "type", "created_by_id"):
        posting = posted[(row["ward_id"], row["officer_id"])]
        assert posting.start_date <= row["date"]
        assert posting.end_date is None or row["date"] <= posting.end_date
        if row["type"] in WARRANTED_ONLY:
            assert posting.role != PostingRole.PCSO
        assert (row["ward_id"], row["created_by_id"]) in posted

    # Work on the ward's priorities while they were in force, of a kind that suits them.
    linked = rows.filter(priority__isnull=False)
    assert set(linked.values_list("priority", flat=True)) == {burglary.pk, resolved.pk}
    assert not linked.exclude(ward=wards[0]).filter(priority=burglary).exists()
    assert not linked.filter(priority=burglary, date__lt=burglary.issue_date).exists()
    assert not linked.filter(priority=resolved, date__gt=resolved.action_date).exists()
    assert set(linked.filter(priority=burglary).values_list("type", flat=True)) <= {
        "crime_prevention_visit",
        "patrol_hours",
        "arrest",
        "warrant",
        "intelligence_report",
    }
    assert report.for_priorities == linked.count()

    # The panel meetings held in the last year, attended by the sergeant.
    attended = rows.filter(type="panel_meeting")
    assert attended.count() == 3
    assert set(attended.values_list("ward", flat=True)) == {wards[2].pk}
    sergeant = Posting.objects.get(team__ward=wards[2], role=PostingRole.SERGEANT)
    assert set(attended.values_list("officer", flat=True)) == {sergeant.person_id}

    # Deterministic, and a second run adds nothing.
    snapshot = set(rows.values_list("ward", "officer", "date", "type", "quantity", "priority"))
    again = seed_epic(today=today)
    assert (again.wards_seeded, again.wards_kept, again.rows) == (0, len(wards), 0)
    assert Activity.objects.count() == report.rows
    Activity.objects.all().delete()
    seed_epic(today=today)
    assert snapshot == set(
        Activity.objects.values_list("ward", "officer", "date", "type", "quantity", "priority")
    )
