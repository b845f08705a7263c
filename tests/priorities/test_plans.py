"""Adopting priorities (at most three active), planning actions, recording reviews, and the
ward and borough priorities pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsFixture

from panels.models import Meeting
from priorities import services
from priorities.models import PlannedAction, Priority, PrioritySource, Review
from tests.factories import MeetingFactory, UserFactory, WardFactory
from tests.world import World
from wards.models import User, Ward

pytestmark = pytest.mark.django_db


def adopt(ward: Ward, user: User | None = None, **kwargs: Any) -> Priority:
    fields: dict[str, Any] = {
        "issue": f"Issue {Priority.objects.count() + 1}",
        "category": "burglary",
        "source": PrioritySource.COMMUNITY,
        "issue_date": timezone.localdate() - dt.timedelta(days=30),
    }
    fields.update(kwargs)
    return services.adopt_priority(acting_user=user, ward=ward, **fields)


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def held_meeting(world: World, days_ago: int = 1) -> Meeting:
    return MeetingFactory.create(
        panel=world.panel_a1, scheduled_at=timezone.now() - dt.timedelta(days=days_ago)
    )


# Adopting ------------------------------------------------------------------------------------


def test_a_fourth_active_priority_is_refused_with_a_clear_message() -> None:
    ward = WardFactory.create(name="Alpha")
    for _ in range(3):
        adopt(ward)
    with pytest.raises(ValidationError) as refused:
        adopt(ward, issue="Drug dealing in the park")
    assert refused.value.messages == [
        "Alpha already has 3 active priorities, the most allowed (3). "
        "Resolve one at a review before adopting another."
    ]
    assert Priority.objects.filter(ward=ward).count() == 3


def test_resolved_priorities_do_not_count_towards_the_limit(world: World) -> None:
    first, *_ = (adopt(world.a1) for _ in range(3))
    services.record_review(
        acting_user=world.users["panel_chair"],
        priority=first,
        meeting=held_meeting(world),
        rating="green",
        note="Done",
        decision="resolve",
        action="Dispersal order",
        action_date=timezone.localdate(),
    )
    assert adopt(world.a1).status == Priority.Status.ACTIVE


def test_the_limit_is_configurable(settings: SettingsFixture) -> None:
    settings.SNT_MAX_ACTIVE_PRIORITIES = 1
    ward = WardFactory.create()
    adopt(ward)
    with pytest.raises(ValidationError, match="the most allowed \\(1\\)"):
        adopt(ward)


def test_adopting_checks_its_input(world: World) -> None:
    with pytest.raises(ValidationError, match="future"):
        adopt(world.a1, issue_date=timezone.localdate() + dt.timedelta(days=1))
    adopt(world.a1, issue="Burglary of sheds")
    with pytest.raises(ValidationError, match="already one of the ward's priorities"):
        adopt(world.a1, issue="burglary of sheds ")


def test_adopting_records_who_did_it(world: World) -> None:
    chair = world.users["panel_chair"]
    priority = adopt(world.a1, chair)
    assert priority.history.get().history_user == chair


def test_the_chair_records_a_priority_and_sees_the_refusal_on_the_form(world: World) -> None:
    client = client_for(world, "panel_chair")
    url = reverse("priorities:priority_create", kwargs={"code": world.a1.code})
    data = {
        "issue": "Young people robbed on the way to school",
        "category": "street_crime",
        "source": "youth",
        **date_fields("issue_date", timezone.localdate()),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    priority = Priority.objects.get(ward=world.a1)
    assert (priority.source, priority.ballot) == ("youth", None)
    adopt(world.a1)
    adopt(world.a1)
    response = client.post(url, {**data, "issue": "A fourth"})
    assert response.status_code == 200
    assert "Alpha already has 3 active priorities" in response.content.decode()


# Planning ------------------------------------------------------------------------------------


def test_an_action_is_owned_by_a_team_member_or_a_partner(world: World) -> None:
    priority = adopt(world.a1)
    sergeant = world.users["sergeant"]
    pc = services.add_planned_action(
        acting_user=sergeant,
        priority=priority,
        description="Evening patrols",
        owner=world.users["pc"],
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    inspector = services.add_planned_action(
        acting_user=sergeant,
        priority=priority,
        description="Tasking",
        owner=world.users["inspector"],
    )
    council = services.add_planned_action(
        acting_user=sergeant, priority=priority, description="Lighting", partner=" The council "
    )
    assert (pc.owner, inspector.owner, council.partner) == (
        world.users["pc"],
        world.users["inspector"],
        "The council",
    )
    with pytest.raises(ValidationError, match="not on this ward's team"):
        services.add_planned_action(
            acting_user=sergeant,
            priority=priority,
            description="Patrols",
            owner=world.posting_b1.person,
        )
    with pytest.raises(ValidationError, match="not both"):
        services.add_planned_action(
            acting_user=sergeant,
            priority=priority,
            description="Patrols",
            owner=world.users["pc"],
            partner="The council",
        )
    with pytest.raises(ValidationError, match="Choose the team member"):
        services.add_planned_action(acting_user=sergeant, priority=priority, description="X")


def test_the_sergeant_adds_and_updates_actions_on_the_page(world: World) -> None:
    priority = adopt(world.a1)
    client = client_for(world, "sergeant")
    due = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("priorities:action_create", kwargs={"pk": priority.pk}),
        {
            "description": "Weekly patrols at the parade",
            "owner": world.users["pcso"].pk,
            "partner": "",
            "status": "planned",
            **date_fields("due_date", due),
        },
    )
    assert response.status_code == 302
    action = PlannedAction.objects.get(priority=priority)
    assert (action.owner, action.due_date) == (world.users["pcso"], due)
    response = client.post(
        reverse("priorities:action_update", kwargs={"pk": action.pk}),
        {"description": action.description, "owner": "", "partner": "Council", "status": "done"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.partner, action.status, action.due_date) == (
        None,
        "Council",
        "done",
        None,
    )
    assert action.history.first().history_user == world.users["sergeant"]


def test_an_action_form_without_an_owner_says_so(world: World) -> None:
    priority = adopt(world.a1)
    response = client_for(world, "sergeant").post(
        reverse("priorities:action_create", kwargs={"pk": priority.pk}),
        {"description": "Patrols", "owner": "", "partner": "", "status": "planned"},
    )
    assert response.status_code == 200
    assert "Choose the team member who owns it, or name the partner" in response.content.decode()


# Reviewing -----------------------------------------------------------------------------------


def test_resolving_at_a_review_sets_the_action_and_its_date(world: World) -> None:
    priority = adopt(world.a1)
    meeting = held_meeting(world)
    today = timezone.localdate()
    review = services.record_review(
        acting_user=world.users["panel_chair"],
        priority=priority,
        meeting=meeting,
        rating="green",
        note="No burglaries for two months.",
        decision="resolve",
        action="Crime prevention visits to 400 homes; two arrests.",
        action_date=today - dt.timedelta(days=3),
    )
    priority.refresh_from_db()
    assert review.decision == Review.Decision.RESOLVE
    assert priority.status == Priority.Status.RESOLVED
    assert priority.action == "Crime prevention visits to 400 homes; two arrests."
    assert priority.action_date == today - dt.timedelta(days=3)
    assert priority.history.first().history_user == world.users["panel_chair"]
    with pytest.raises(ValidationError, match="already resolved"):
        services.record_review(
            acting_user=world.users["sergeant"],
            priority=priority,
            meeting=held_meeting(world),
            rating="green",
            note="Again",
            decision="continue",
        )


def test_continuing_keeps_the_priority_active(world: World) -> None:
    priority = adopt(world.a1)
    services.record_review(
        acting_user=world.users["sergeant"],
        priority=priority,
        meeting=held_meeting(world),
        rating="amber",
        note="Some progress.",
        decision="continue",
    )
    priority.refresh_from_db()
    assert (priority.status, priority.action, priority.action_date) == ("active", "", None)


def test_resolving_needs_the_action_and_its_date(world: World) -> None:
    priority = adopt(world.a1)
    with pytest.raises(ValidationError) as refused:
        services.record_review(
            acting_user=world.users["sergeant"],
            priority=priority,
            meeting=held_meeting(world),
            rating="green",
            note="Done",
            decision="resolve",
        )
    assert set(refused.value.message_dict) == {"action", "action_date"}
    with pytest.raises(ValidationError, match="before the priority was adopted"):
        services.record_review(
            acting_user=world.users["sergeant"],
            priority=priority,
            meeting=held_meeting(world),
            rating="green",
            note="Done",
            decision="resolve",
            action="Patrols",
            action_date=priority.issue_date - dt.timedelta(days=1),
        )


def test_one_review_per_priority_per_meeting(world: World) -> None:
    priority = adopt(world.a1)
    meeting = held_meeting(world)
    kwargs: dict[str, Any] = {
        "priority": priority,
        "meeting": meeting,
        "rating": "amber",
        "note": "Some progress",
        "decision": "continue",
    }
    services.record_review(acting_user=world.users["sergeant"], **kwargs)
    with pytest.raises(ValidationError, match="already reviewed at this meeting"):
        services.record_review(acting_user=world.users["panel_chair"], **kwargs)
    # And the database itself refuses a second.
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(recorded_by=world.users["sergeant"], **kwargs)


def test_a_review_is_at_a_past_meeting_of_the_wards_own_panel(world: World) -> None:
    priority = adopt(world.a1)
    other = MeetingFactory.create(panel=world.panel_b1)
    future = MeetingFactory.create(
        panel=world.panel_a1,
        scheduled_at=timezone.now() + dt.timedelta(days=7),
        status=Meeting.Status.SCHEDULED,
    )
    cancelled = MeetingFactory.create(panel=world.panel_a1, status=Meeting.Status.CANCELLED)
    for meeting, message in (
        (other, "this ward's panel"),
        (future, "has happened"),
        (cancelled, "cancelled"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.record_review(
                acting_user=world.users["sergeant"],
                priority=priority,
                meeting=meeting,
                rating="red",
                note="Nothing",
                decision="continue",
            )


def test_the_chair_records_a_review_on_the_page(world: World) -> None:
    priority = adopt(world.a1)
    meeting = held_meeting(world, days_ago=2)
    client = client_for(world, "panel_chair")
    url = reverse("priorities:review_create", kwargs={"pk": priority.pk})
    page = client.get(url).content.decode()
    assert meeting.place in page
    response = client.post(
        url,
        {
            "meeting": meeting.pk,
            "rating": "green",
            "note": "Burglaries down by half",
            "decision": "resolve",
            "action": "Property marking and patrols",
            **date_fields("action_date", timezone.localdate()),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    priority.refresh_from_db()
    assert (priority.status, priority.action) == ("resolved", "Property marking and patrols")
    # The meeting has reviewed it: it is no longer offered.
    assert Review.objects.get().recorded_by == world.users["panel_chair"]


# Pages ---------------------------------------------------------------------------------------


def test_the_priorities_page_shows_plans_reviews_and_resolved(world: World) -> None:
    today = timezone.localdate()
    active = adopt(world.a1, issue="Groups of youths at the parade", category="asb_youths")
    resolved = adopt(world.a1, issue="Thefts from cars")
    PlannedAction.objects.create(priority=active, description="Youth club", partner="Council")
    meeting = held_meeting(world, days_ago=3)
    services.record_review(
        acting_user=world.users["sergeant"],
        priority=active,
        meeting=meeting,
        rating="red",
        note="Reports up since the summer",
        decision="continue",
    )
    services.record_review(
        acting_user=world.users["sergeant"],
        priority=resolved,
        meeting=meeting,
        rating="green",
        note="Solved",
        decision="resolve",
        action="Two arrests; car park lighting fixed",
        action_date=today,
    )
    response = client_for(world, "panel_member").get(
        reverse("priorities:ward_priorities", kwargs={"code": world.a1.code})
    )
    page = response.content.decode()
    for text in (
        "Groups of youths at the parade",
        "Youth club",
        "Reports up since the summer",
        "Two arrests; car park lighting fixed",
    ):
        assert text in page
    # A panel member may look but neither plan nor review.
    assert "Add action" not in page and "Record review" not in page
    sergeant_page = client_for(world, "sergeant").get(response.request["PATH_INFO"])
    assert "Add action" in sergeant_page.content.decode()


def test_the_ward_page_shows_priorities_and_flags(world: World) -> None:
    adopt(
        world.a1,
        issue="Drug dealing in the stairwells",
        issue_date=timezone.localdate() - dt.timedelta(days=120),
    )
    page = (
        client_for(world, "borough_manager")
        .get(reverse("wards:ward_detail", kwargs={"code": world.a1.code}))
        .content.decode()
    )
    assert "Drug dealing in the stairwells" in page
    assert "Review overdue" in page
    assert "No priority from youth engagement was adopted in the last 12 months" in page
    assert reverse("priorities:ward_priorities", kwargs={"code": world.a1.code}) in page


def test_the_borough_page_flags_pan_borough_overdue_and_youth(world: World) -> None:
    # Borough A has two wards: a category held by both (and by one) is at the threshold.
    adopt(world.a1, category="burglary", issue_date=timezone.localdate() - dt.timedelta(days=100))
    adopt(world.a2, category="burglary", source="youth")
    page = (
        client_for(world, "borough_manager")
        .get(reverse("priorities:borough_priorities", kwargs={"code": world.a1.borough.code}))
        .content.decode()
    )
    assert "For borough tasking: Burglary (2 of 2 wards)" in page
    assert "Alpha</a>: 1 priority not reviewed for 90 days" in page
    youth = page.split("No youth priority in the last 12 months")[1].split("</ul>")[0]
    assert "Alpha" in youth and "Amber" not in youth


def test_the_borough_page_costs_the_same_for_more_wards(
    world: World, query_count: Any, settings: SettingsFixture
) -> None:
    client = client_for(world, "central_analyst")
    url = reverse("priorities:borough_priorities", kwargs={"code": world.a1.borough.code})
    adopt(world.a1)
    client.get(url)  # warm the session
    with query_count() as few:
        client.get(url)
    for _ in range(5):
        ward = WardFactory.create(borough=world.a1.borough)
        adopt(ward)
        adopt(ward, category="drugs")
    client.get(url)  # new wards retire the cached grants: read again once
    with query_count() as many:
        client.get(url)
    assert len(many) == len(few) <= 16


def test_the_ward_priorities_page_costs_the_same_for_more_priorities(
    world: World, query_count: Any
) -> None:
    client = client_for(world, "sergeant")
    url = reverse("priorities:ward_priorities", kwargs={"code": world.a1.code})
    first = adopt(world.a1)
    PlannedAction.objects.create(priority=first, description="Patrols", partner="Council")
    client.get(url)
    with query_count() as few:
        client.get(url)
    for _ in range(2):
        p = adopt(world.a1)
        PlannedAction.objects.create(priority=p, description="Patrols", owner=UserFactory.create())
        services.record_review(
            acting_user=world.users["sergeant"],
            priority=p,
            meeting=held_meeting(world),
            rating="green",
            note="Fine",
            decision="continue",
        )
    with query_count() as many:
        client.get(url)
    assert len(many) == len(few) <= 16


def test_a_resolved_priority_has_no_action_forms(world: World) -> None:
    priority = adopt(world.a1)
    services.record_review(
        acting_user=world.users["sergeant"],
        priority=priority,
        meeting=held_meeting(world),
        rating="green",
        note="Done",
        decision="resolve",
        action="Done",
        action_date=timezone.localdate(),
    )
    client = client_for(world, "sergeant")
    for name in ("priorities:action_create", "priorities:review_create"):
        assert client.get(reverse(name, kwargs={"pk": priority.pk})).status_code == 404
