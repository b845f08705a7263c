"""The evidence pack: what people said since the panel last met, with the recorded crime, the
concerns young people raised marked, and progress on the current priorities; printable."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from crime.models import CrimeImport, WardCrimeMonth
from engagement.models import Concern
from panels import selectors
from panels.models import Meeting
from priorities import services as priority_services
from priorities.models import PlannedAction
from tests.factories import ConcernFactory, EngagementEventFactory
from tests.panels.support import content, meeting, role_client
from tests.world import World

pytestmark = pytest.mark.django_db


def pack_url(m: Meeting) -> str:
    return reverse("panels:evidence_pack", kwargs={"pk": m.pk})


def raise_concern(world: World, days: int, category: str, source: str = "engagement") -> Concern:
    day = timezone.localdate() - dt.timedelta(days=days)
    return ConcernFactory.create(
        event=world.event_a1, category=category, source=source, raised_on=day
    )


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    first, out = start.replace(day=1), []
    while first <= end:
        out.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return out


def test_the_pack_covers_public_preferences_since_the_last_meeting(world: World) -> None:
    today = timezone.localdate()
    last = meeting(world.panel_a1, days=30)
    meeting(world.panel_a1, days=60)  # an older meeting: the window starts after the last one
    meeting(world.panel_a1, days=15, status=Meeting.Status.CANCELLED)  # not a meeting held
    upcoming = meeting(world.panel_a1, days=-3)
    # Before the last meeting: left out.
    raise_concern(world, 45, "fly_tipping")
    # Since: burglary three times, once from young people; drugs on the first day of the window.
    for days, source in ((10, "engagement"), (8, "engagement"), (5, "youth")):
        raise_concern(world, days, "burglary", source)
    raise_concern(world, 29, "drugs")
    # Another ward's concerns are not this panel's.
    ConcernFactory.create(
        event=EngagementEventFactory.create(ward=world.b1), category="shoplifting", raised_on=today
    )

    pack = selectors.evidence_pack(upcoming)
    assert pack.since == last
    assert (pack.start, pack.end) == (today - dt.timedelta(days=29), today)
    assert [(r.category, r.times_raised, r.youth) for r in pack.preferences] == [
        ("burglary", 3, 1),
        ("drugs", 1, 0),
    ]

    page = content(role_client(world, "panel_member").get(pack_url(upcoming)))
    on = timezone.localtime(last.scheduled_at).date()
    assert f"since the panel last met, on {on.day} {on:%B %Y}" in page
    start = pack.start
    assert f"1. Public preferences, {start.day} {start:%B %Y} to {today.day} {today:%B %Y}" in page
    assert "Burglary Young people: 1 3 2" in page  # raised 3 times, through 2 channels
    assert "Drugs: dealing and use 1 1" in page
    assert "Young people raised 1 of the concerns in this period." in page
    assert "Fly-tipping" not in page
    assert "Shoplifting" not in page
    # No police.uk data was imported for the period: the pack says so rather than show zero.
    assert page.count("No police.uk data for this period") == 2


def test_the_pack_shows_recorded_crime_beside_each_concern(world: World) -> None:
    today = timezone.localdate()
    upcoming = meeting(world.panel_a1, days=-3)  # the panel's first: the last 90 days
    raise_concern(world, 3, "burglary")
    raise_concern(world, 4, "road_safety")
    period = months(today - dt.timedelta(days=89), today)
    before = months(today - dt.timedelta(days=179), today - dt.timedelta(days=90))
    counts = {month: 5 if month in period else 2 for month in {*period, *before}}
    for month, count in counts.items():
        CrimeImport.objects.create(
            month=month, reported_by="Metropolitan Police Service",
            falls_within="Metropolitan Police Service", file_name=f"{month:%Y-%m}.csv",
        )  # fmt: skip
        WardCrimeMonth.objects.create(ward=world.a1, month=month, category="burglary", count=count)
    # Data is monthly: each period counts every month it touches.
    crimes, earlier = sum(counts[m] for m in period), sum(counts[m] for m in before)
    assert crimes > earlier

    page = content(role_client(world, "panel_member").get(pack_url(upcoming)))
    assert f"Burglary 1 1 {crimes} up {crimes - earlier} on the period before" in page
    assert "Road safety" in page and "No crime measure" in page
    assert "since the start of the period" in page


def test_the_pack_shows_progress_on_the_current_priorities(world: World) -> None:
    today = timezone.localdate()
    last = meeting(world.panel_a1, days=30)
    upcoming = meeting(world.panel_a1, days=-3)
    sheds = priority_services.adopt_priority(
        acting_user=None,
        ward=world.a1,
        issue="Burglary of garden sheds",
        category="burglary",
        issue_date=today - dt.timedelta(days=90),
    )
    priority_services.add_planned_action(
        acting_user=None,
        priority=sheds,
        description="Shed-marking at the allotments",
        owner=world.users["pc"],
        due_date=today + dt.timedelta(days=20),
        status=PlannedAction.Status.IN_PROGRESS,
    )
    priority_services.add_planned_action(
        acting_user=None, priority=sheds, description="Letters to residents", partner="Council"
    )
    priority_services.record_review(
        acting_user=world.users["panel_chair"],
        priority=sheds,
        meeting=last,
        rating="amber",
        note="Two fewer reports than last quarter",
        decision="continue",
    )
    youth = priority_services.adopt_priority(
        acting_user=None,
        ward=world.a1,
        issue="Robberies on the way to school",
        category="street_crime",
        source="youth",
        issue_date=today - dt.timedelta(days=10),
    )
    done = priority_services.adopt_priority(
        acting_user=None, ward=world.a1, issue="Dealing in the park", category="drugs",
        issue_date=today - dt.timedelta(days=200),
    )  # fmt: skip
    priority_services.record_review(
        acting_user=world.users["panel_chair"], priority=done, meeting=last, rating="green",
        note="Closed down", decision="resolve", action="Two arrests", action_date=today,
    )  # fmt: skip

    pack = selectors.evidence_pack(upcoming)
    assert [p.priority for p in pack.priorities] == [sheds, youth]

    page = content(role_client(world, "panel_chair").get(pack_url(upcoming)))
    _, _, progress = page.partition("3. Progress on the current priorities")
    on = timezone.localtime(last.scheduled_at).date()
    assert (
        f"Amber: some progress Last reviewed {on.day} {on:%B %Y}: "
        "Two fewer reports than last quarter" in progress
    )
    due = today + dt.timedelta(days=20)
    pc = world.users["pc"].display_name
    assert f"Shed-marking at the allotments {pc} {due.day} {due:%b %Y} In progress" in progress
    assert "Letters to residents Council – Planned" in progress
    set_on = today - dt.timedelta(days=10)
    assert (
        "Robberies on the way to school Street crime and robbery · Youth engagement · set "
        f"{set_on.day} {set_on:%B %Y} Not reviewed yet. No actions planned yet." in progress
    )
    assert "Dealing in the park" not in progress


def test_the_pack_prints(world: World) -> None:
    upcoming = meeting(world.panel_a1, days=-3)
    html = role_client(world, "panel_member").get(pack_url(upcoming)).content.decode()
    # The print button is itself hidden in print; the priorities start on a new page; a
    # footer shows on paper only.
    assert re.search(r'class="[^"]*snt-no-print[^"]*"><button[^>]*data-snt-print', html)
    assert 'class="govuk-heading-m snt-page-break">3. Progress' in html
    assert re.search(r'class="[^"]*snt-print-only[^"]*">Printed from the SNT Portal', html)
    # And the stylesheet the page links to has the print rules for those hooks.
    href = re.search(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assert href is not None
    path = finders.find(href[1])
    assert path, f"{href[1]} is not built"
    with open(str(path), encoding="utf-8") as css:
        stylesheet = css.read()
    print_rules = "".join(re.findall(r"@media print\s*\{(.*?\})\s*\}", stylesheet, flags=re.S))
    for hook in (".snt-no-print", ".snt-print-only", ".snt-page-break", ".snt-avoid-break"):
        assert hook in print_rules, hook
    # Shown on screen only in print.
    assert re.search(r"\.snt-print-only\s*\{\s*display:\s*none", stylesheet)
