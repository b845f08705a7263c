"""The public ward page: no sign-in; the team by name and rank, the priorities and what is
being done, resolved ones with their action, public events, the next panel meeting; and
nothing personal (no KINs, declarations, collar numbers or contact details)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from engagement.models import EngagementEvent
from panels.models import DiversityDeclaration, Meeting, PanelMembership
from priorities.models import PlannedAction, Priority, PrioritySource
from tests.factories import (
    EngagementEventFactory,
    MeetingFactory,
    PostingFactory,
    UserFactory,
    WardFactory,
)
from tests.world import World
from wards.models import Posting

pytestmark = pytest.mark.django_db


def public_url(code: str) -> str:
    return reverse("priorities:public_ward", kwargs={"code": code})


@pytest.fixture
def ward_a1(world: World) -> World:
    """World's ward A1 with what its public page shows, and what it must never show."""
    today = timezone.localdate()
    users = world.users
    sergeant = users["sergeant"]
    sergeant.collar_number, sergeant.email = "123AB", "sergeant.private@example.org"
    sergeant.save()
    users["pc"].email = "pc.private@example.org"
    users["pc"].save()
    PostingFactory.create(
        team=world.team_a1,
        role=Posting.Role.VOLUNTEER,
        person=UserFactory.create(first_name="Vera", last_name="Volunteer"),
    )
    active = Priority.objects.create(
        ward=world.a1,
        issue="Groups of youths gathering outside the chip shop",
        category="asb_youths",
        source=PrioritySource.YOUTH,
        issue_date=today - dt.timedelta(days=40),
    )
    PlannedAction.objects.create(
        priority=active, description="Evening patrols on Fridays", owner=users["pc"]
    )
    PlannedAction.objects.create(
        priority=active, description="A youth club night", partner="The council's youth service"
    )
    PlannedAction.objects.create(
        priority=active, description="An idea we dropped", partner="Nobody", status="dropped"
    )
    Priority.objects.create(
        ward=world.a1,
        issue="Cars broken into at the station car park",
        category="theft_from_vehicles",
        source=PrioritySource.COMMUNITY,
        issue_date=today - dt.timedelta(days=300),
        status="resolved",
        action="Lighting fixed and two arrests made",
        action_date=today - dt.timedelta(days=60),
    )
    EngagementEventFactory.create(
        ward=world.a1,
        status=EngagementEvent.Status.PLANNED,
        kind=EngagementEvent.Kind.PUBLIC_MEETING,
        title="Ward public meeting",
        starts_at=timezone.now() + dt.timedelta(days=6),
        created_by=users["pcso"],
    )
    EngagementEventFactory.create(
        ward=world.a1,
        status=EngagementEvent.Status.PLANNED,
        kind=EngagementEvent.Kind.VICTIM_VISIT,
        title="Visit to a burglary victim",
        starts_at=timezone.now() + dt.timedelta(days=2),
        created_by=users["pcso"],
    )
    MeetingFactory.create(
        panel=world.panel_a1, scheduled_at=timezone.now() - dt.timedelta(days=20)
    )  # held: not the next one
    MeetingFactory.create(
        panel=world.panel_a1,
        scheduled_at=timezone.now() + dt.timedelta(days=40),
        place="St Mary's church hall",
        status=Meeting.Status.SCHEDULED,
    )
    MeetingFactory.create(
        panel=world.panel_a1,
        scheduled_at=timezone.now() + dt.timedelta(days=10),
        place="Cancelled venue",
        status=Meeting.Status.CANCELLED,
    )
    DiversityDeclaration.objects.create(
        membership=PanelMembership.objects.get(panel=world.panel_a1, user=users["panel_member"]),
        consent_given_at=timezone.now(),
        religion=DiversityDeclaration.Religion.BUDDHIST,
        ethnic_group=DiversityDeclaration.EthnicGroup.MIXED,
    )
    return world


def test_the_page_needs_no_sign_in_and_shows_what_the_public_should_see(
    ward_a1: World, client: Client
) -> None:
    world = ward_a1
    response = client.get(public_url(world.a1.code))
    assert response.status_code == 200
    page = response.content.decode()
    # The team: names and ranks of current postings, and the cluster's inspector.
    for role, rank in (
        ("sergeant", "Sergeant"),
        ("pc", "Police Constable"),
        ("pcso", "PCSO"),
        ("inspector", "Inspector"),
    ):
        assert escape(world.users[role].display_name) in page
        assert rank in page
    # Priorities and what is being done (not what was dropped), resolved ones and the action.
    for text in (
        "Groups of youths gathering outside the chip shop",
        "Evening patrols on Fridays",
        world.users["pc"].display_name,
        "The council&#x27;s youth service",
        "Cars broken into at the station car park",
        "Lighting fixed and two arrests made",
    ):
        assert text in page
    assert "An idea we dropped" not in page
    # Public events, the next panel meeting, and the way to raise a concern.
    assert "Ward public meeting" in page
    assert "St Mary&#x27;s church hall" in page
    assert "Cancelled venue" not in page
    assert reverse("engagement:public_concern", kwargs={"code": world.a1.code}) in page


def test_the_page_shows_nothing_personal(ward_a1: World, client: Client) -> None:
    world = ward_a1
    page = client.get(public_url(world.a1.code)).content.decode()
    kin = world.kin_a1
    forbidden = [
        kin.name,  # key individuals
        kin.phone,
        "Visit to a burglary victim",  # private engagement
        "123AB",  # collar numbers
        "@example.org",  # anybody's email
        "Vera Volunteer",  # volunteers are not published
        "Buddhist",  # panel members' declarations
        "Mixed or multiple",
        world.users["panel_member"].display_name,  # nor who sits on the panel
        world.posting_b1.person.display_name,  # nor another ward's team
    ]
    assert [text for text in forbidden if text in page] == []


def test_only_current_met_wards_have_a_page(world: World, client: Client) -> None:
    old = WardFactory.create(
        borough=world.a1.borough, valid_from=dt.date(2014, 5, 22), valid_to=dt.date(2022, 5, 5)
    )
    assert client.get(public_url(old.code)).status_code == 404
    assert client.get(public_url("E05999999")).status_code == 404


def test_a_ward_with_nothing_yet_says_so(world: World, client: Client) -> None:
    page = client.get(public_url(world.b1.code)).content.decode()
    assert "The panel has not set any priorities at the moment." in page
    assert "No date is set yet." in page


def test_the_page_costs_a_fixed_number_of_queries(
    ward_a1: World, client: Client, query_count: Any
) -> None:
    url = public_url(ward_a1.a1.code)
    with query_count() as few:
        client.get(url)
    active = Priority.objects.get(status="active")
    for n in range(2):
        p = Priority.objects.create(
            ward=ward_a1.a1,
            issue=f"More {n}",
            category="drugs",
            source="community",
            issue_date=active.issue_date,
        )
        PlannedAction.objects.create(priority=p, description="Raid", owner=ward_a1.users["pcso"])
    with query_count() as many:
        client.get(url)
    assert len(many) == len(few) <= 8
