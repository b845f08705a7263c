"""seed_panels: London's panels at the seeds' coverage (565 of 630 wards with a panel, 382 of
them community-led), each with members, a year of meetings and the next one; idempotent.

A small London of 63 current Met wards stands in for the real one, with the City's wards and
an abolished ward beside it that must get no panel.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import pairwise

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from panels import selectors
from panels.demo import SEED_COMMUNITY_LED, SEED_PANELS, SEED_WARDS, seed_panels
from panels.models import Attendance, DiversityDeclaration, Meeting, Panel, PanelMembership
from tests.factories import (
    BoroughFactory,
    ClusterFactory,
    PostingFactory,
    TeamFactory,
    UserFactory,
    WardFactory,
)
from wards.models import Borough, Posting, User, Ward

pytestmark = pytest.mark.django_db

BOROUGHS, WARDS = 3, 21


def small_london() -> tuple[list[Ward], dict[int, User]]:
    """63 current Met wards, most with a sergeant; the City's wards and an abolished ward."""
    wards, sergeants = [], {}
    for b in range(BOROUGHS):
        borough = BoroughFactory.create(code=f"E0900008{b}", name=f"Borough {b}")
        cluster = ClusterFactory.create(borough=borough)
        for w in range(WARDS):
            ward = WardFactory.create(
                code=f"E052{b}{w:04d}", name=f"Ward {b}-{w}", borough=borough, cluster=cluster
            )
            team = TeamFactory.create(ward=ward)
            if w % 7:
                posting = PostingFactory.create(team=team, role=Posting.Role.SERGEANT)
                sergeants[ward.pk] = posting.person
            wards.append(ward)
    city = BoroughFactory.create(code="E09000001", name="City of London", is_met=False)
    WardFactory.create(code="E05009999", borough=city)
    WardFactory.create(
        code="E05000001",
        borough=Borough.objects.get(code="E09000080"),
        valid_from=dt.date(2002, 5, 2),
        valid_to=dt.date(2022, 5, 5),
    )
    for username in ("panel_chair", "panel_member"):
        UserFactory.create(username=username)
    return wards, sergeants


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Panel, PanelMembership, Meeting, Attendance, DiversityDeclaration, User)
    }


def test_the_demo_panels() -> None:
    today = timezone.localdate()
    wards, sergeants = small_london()
    said: list[str] = []
    report = seed_panels(today=today, progress=said.append)

    # The seeds' proportions, scaled to these wards.
    n = len(wards)
    assert report.wards == n
    assert abs(report.panels - n * SEED_PANELS / SEED_WARDS) <= 0.5
    assert abs(report.community_led - n * SEED_COMMUNITY_LED / SEED_WARDS) <= 0.5
    assert said[0] == f"Setting up {report.panels} neighbourhood panels"
    assert f"Wards with a panel: {report.panels} of {n}" in said[2]
    assert f"Community-led: {report.community_led} (" in said[3]

    # What the borough pages will show agrees with the report.
    boroughs = Borough.objects.filter(is_met=True)
    coverage = [selectors.borough_coverage(b, today) for b in boroughs]
    assert sum(c.wards for c in coverage) == n
    assert sum(c.with_panel for c in coverage) == report.panels
    assert sum(c.community_led for c in coverage) == report.community_led
    assert sum(c.police_led for c in coverage) == report.panels - report.community_led
    assert sum(c.no_chair for c in coverage) == 0
    # Only current Met wards have panels.
    assert not Panel.objects.exclude(ward__in=wards).exists()

    check_members(sergeants, today)
    check_meetings(today)
    check_the_demo_ward(today)
    check_declarations()

    # A second run changes nothing.
    before = counts()
    again = seed_panels(today=today)
    assert (again.created_panels, again.panels) == (0, report.panels)
    assert counts() == before


def check_members(sergeants: dict[int, User], today: dt.date) -> None:
    current = PanelMembership.objects.current(today)
    sizes = Counter(current.values_list("panel_id", flat=True))
    assert len(sizes) == Panel.objects.count()
    assert min(sizes.values()) >= 6 and max(sizes.values()) <= 12
    # One chair each; police chairs are the ward's sergeant where it has one.
    chairs = current.filter(position="chair").select_related("panel")
    assert Counter(c.panel_id for c in chairs) == dict.fromkeys(sizes, 1)
    for chair in chairs.filter(is_police=True):
        expected = sergeants.get(chair.panel.ward_id)
        if expected is not None:
            assert chair.user == expected
    assert chairs.filter(is_police=True, panel__ward_id__in=list(sergeants)).exists()
    # Partner representatives name their organisation; there are former members too.
    positions = Counter(current.values_list("position", flat=True))
    assert positions["partner"] >= len(sizes)
    assert positions["vice_chair"] > 0 and positions["secretary"] > 0
    assert PanelMembership.objects.filter(term_end__lt=today).exists()
    # Generated people cannot sign in and have example.org addresses.
    generated = User.objects.filter(username__startswith="panel.")
    assert generated.exists()
    assert not generated.exclude(email__endswith="@example.org").exists()
    assert not any(u.has_usable_password() for u in generated)


def check_meetings(today: dt.date) -> None:
    now = timezone.now()
    for panel in Panel.objects.all():
        meetings = list(panel.meetings.order_by("scheduled_at"))
        held = [m for m in meetings if m.status == Meeting.Status.HELD]
        upcoming = [m for m in meetings if m.status == Meeting.Status.SCHEDULED]
        # A meeting every two to three months over the year (a few cancelled), and the next
        # one coming up.
        past = [m for m in meetings if m.scheduled_at < now]
        assert 4 <= len(past) <= 8 and len(held) >= len(past) - 1, panel
        assert len(upcoming) == 1 and upcoming[0].scheduled_at > now
        assert 7 <= (timezone.localdate(upcoming[0].scheduled_at) - today).days <= 42
        # Each held meeting's minutes are approved at the next one held; the latest is a draft.
        for earlier, later in pairwise(held):
            assert (earlier.minutes_status, earlier.minutes_approved_at) == ("approved", later)
        assert held[-1].minutes_status == Meeting.MinutesStatus.DRAFT
        assert all(m.public_attendees is not None and m.organisations for m in held)
    # Attendance only of members whose term covers the meeting's day; agendas everywhere.
    attendance = Attendance.objects.select_related("meeting", "membership")
    for row in attendance:
        day = timezone.localdate(row.meeting.scheduled_at)
        term = row.membership
        assert term.term_start <= day and (term.term_end is None or term.term_end >= day)
    assert set(attendance.values_list("status", flat=True)) == {"present", "apologies", "absent"}
    assert not Meeting.objects.annotate(n=Count("agenda_items")).filter(n=0).exists()
    # Most meetings were quorate.
    all_held = Meeting.objects.filter(status="held").select_related("panel")
    quorate = sum(selectors.meeting_quorum(m).is_quorate for m in all_held)
    assert quorate / all_held.count() >= 0.8


def check_the_demo_ward(today: dt.date) -> None:
    chair = PanelMembership.objects.current(today).get(
        user__username="panel_chair", position="chair"
    )
    assert not chair.is_police
    panel = chair.panel
    seats = PanelMembership.objects.current(today).filter(panel=panel)
    assert seats.filter(user__username="panel_member", position="member").exists()
    assert seats.count() >= 7
    # A meeting held today, quorate, with both logins present: a ballot can be run at once.
    meeting = panel.meetings.get(status="held", scheduled_at__date=today)
    assert selectors.meeting_quorum(meeting).is_quorate
    present = set(
        meeting.attendance.filter(status="present").values_list(
            "membership__user__username", flat=True
        )
    )
    assert {"panel_chair", "panel_member"} <= present


def check_declarations() -> None:
    declarations = DiversityDeclaration.objects.select_related("membership")
    assert declarations.exists()
    assert not declarations.filter(
        Q(membership__term_end__isnull=False) | Q(membership__is_police=True)
    ).exists()
    eligible = PanelMembership.objects.filter(
        term_end__isnull=True, is_police=False, user__username__startswith="panel."
    ).count()
    assert 0.25 <= declarations.count() / eligible <= 0.55
    # "Prefer not to say" is among the answers.
    assert declarations.filter(religion=DiversityDeclaration.PREFER_NOT).exists()


def test_without_met_wards_there_are_no_panels() -> None:
    city = BoroughFactory.create(code="E09000001", name="City of London", is_met=False)
    WardFactory.create(borough=city)
    said: list[str] = []
    report = seed_panels(today=timezone.localdate(), progress=said.append)
    assert (report.panels, said) == (0, ["No current Met wards: no panels"])
    assert not Panel.objects.exists()
