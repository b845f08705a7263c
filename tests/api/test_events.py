"""Engagement events through the API: scoped lists and filters, logging with concerns and
recording outcomes through engagement.services (the EPIC rollup outbox), KIN ids only for the
KIN register's readers, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from engagement.models import Concern, EngagementEvent
from epic.models import DirtyBucket
from tests.api import data
from tests.factories import (
    CommunityGroupFactory,
    EngagementEventFactory,
    KinFactory,
    RoleAssignmentFactory,
)
from tests.world import World
from wards.models import RoleAssignment

LIST = reverse("api:event_list")
Clients = Callable[[str], APIClient]


def _detail(event: EngagementEvent) -> str:
    return reverse("api:event_detail", kwargs={"pk": event.pk})


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def _yesterday(hour: int = 18) -> str:
    day = timezone.localdate() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30))).isoformat()


def _held(world: World, **extra: Any) -> dict[str, Any]:
    return {"ward": world.a1.code, "kind": "street_briefing", "starts_at": _yesterday(), **extra}


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("pcso", {"event_a1"}),
        ("inspector", {"event_a1", "event_a2"}),
        ("borough_manager", {"event_a1", "event_a2"}),
        ("central_analyst", {"event_a1", "event_a2", "event_b1"}),
    ],
)
def test_the_list_holds_what_the_role_may_see(
    world: World, token_client: Clients, role: str, sees: set[str]
) -> None:
    events = {
        "event_a1": world.event_a1,
        "event_a2": EngagementEventFactory.create(ward=world.a2),
        "event_b1": world.event_b1,
    }
    assert _ids(token_client(role).get(LIST)) == {events[name].pk for name in sees}


def test_panels_do_not_read_individual_engagement_records(
    world: World, token_client: Clients
) -> None:
    for role in ("panel_member", "panel_chair"):
        api = token_client(role)
        assert api.get(LIST).status_code == 403
        assert api.get(_detail(world.event_a1)).status_code == 403
        assert api.get(_detail(world.event_b1)).status_code == 404


def test_filters(world: World, token_client: Clients) -> None:
    planned = EngagementEventFactory.create(
        ward=world.a1,
        kind="public_meeting",
        status="planned",
        starts_at=timezone.now() + dt.timedelta(days=10),
        attendance=None,
    )
    api = token_client("admin")
    assert _ids(api.get(LIST, {"ward": world.a1.code, "status": "planned"})) == {planned.pk}
    assert _ids(api.get(LIST, {"ward": world.a1.code, "kind": "street_briefing"})) == {
        world.event_a1.pk
    }
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert _ids(api.get(LIST, {"date_from": tomorrow})) == {planned.pk}
    assert planned.pk not in _ids(api.get(LIST, {"date_to": tomorrow}))
    assert _ids(api.get(LIST, {"borough": world.b1.borough.code})) == {world.event_b1.pk}
    for bad in ({"kind": "rave"}, {"date_from": "soon"}, {"ward": "E05999999"}):
        assert api.get(LIST, bad).status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, token_client: Clients, query_count: Any
) -> None:
    api = token_client("sergeant")
    api.get(LIST)  # the token's first use

    def add(n: int) -> None:
        for _ in range(n):
            event = EngagementEventFactory.create(ward=world.a1)
            event.officers.set([world.users["pc"], world.users["pcso"]])
            event.groups_reached.set([world.group_a1])
            Concern.objects.create(
                ward=world.a1, category="noise", source="engagement", event=event,
                raised_on=timezone.localdate(),
            )  # fmt: skip

    add(5)
    with query_count() as few:
        assert api.get(LIST).status_code == 200
    add(20)
    with query_count() as many:
        assert api.get(LIST).status_code == 200
    assert len(many) == len(few) <= 10


def test_an_event_reads_with_its_concerns_and_epic_type(
    world: World, token_client: Clients
) -> None:
    Concern.objects.create(
        ward=world.a1,
        category="drugs",
        text="Dealing by the garages",
        source=Concern.Source.ENGAGEMENT,
        raised_on=timezone.localdate(),
        event=world.event_a1,
    )
    world.event_a1.officers.set([world.users["pcso"]])
    row = token_client("pc").get(_detail(world.event_a1)).json()
    assert row["ward"] == world.a1.code
    assert row["officers"] == ["pcso"]
    assert row["epic_type"] == "engagement:street_briefing"
    assert [c["text"] for c in row["concerns"]] == ["Dealing by the garages"]


def test_the_kin_interviewed_is_shown_only_to_the_kin_registers_readers(
    world: World, token_client: Clients
) -> None:
    interview = EngagementEventFactory.create(ward=world.a1, kind="kin_interview", kin=world.kin_a1)
    assert token_client("pcso").get(_detail(interview)).json()["kin"] == world.kin_a1.pk
    assert token_client("inspector").get(_detail(interview)).json()["kin"] == world.kin_a1.pk
    for role in ("borough_manager", "central_analyst", "admin"):
        assert token_client(role).get(_detail(interview)).json()["kin"] is None


# --- logging ----------------------------------------------------------------------------------


def test_logging_a_held_event_with_its_concerns(world: World, token_client: Clients) -> None:
    DirtyBucket.objects.all().delete()
    response = token_client("pcso").post(
        LIST,
        _held(
            world,
            attendance=14,
            place="Outside the library",
            groups_reached=[world.group_a1.pk],
            officers=["pc"],
            concerns=[
                {"category": "asb_youths", "text": "Groups by the shops", "location": "Parade"},
                {"category": "drugs"},
            ],
        ),
    )
    assert response.status_code == 201, response.json()
    event = EngagementEvent.objects.get(pk=response.json()["id"])
    assert response["Location"] == _detail(event)
    assert (event.ward, event.status, event.attendance, event.created_by) == (
        world.a1,
        "held",
        14,
        world.users["pcso"],
    )
    assert list(event.officers.all()) == [world.users["pc"]]
    assert list(event.groups_reached.all()) == [world.group_a1]
    assert sorted(event.concerns.values_list("category", "source")) == [
        ("asb_youths", "engagement"),
        ("drugs", "engagement"),
    ]
    # It counts as EPIC Communication: its bucket waits in the rollup outbox.
    day = timezone.localdate(event.starts_at)
    assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {(world.a1.pk, day)}


def test_the_officers_present_default_to_the_user(world: World, token_client: Clients) -> None:
    response = token_client("sergeant").post(LIST, _held(world))
    assert response.status_code == 201
    assert response.json()["officers"] == ["sergeant"]


def test_a_kin_interview_updates_the_kins_last_contact(world: World, token_client: Clients) -> None:
    response = token_client("pcso").post(
        LIST, _held(world, kind="kin_interview", kin=world.kin_a1.pk)
    )
    assert response.status_code == 201, response.json()
    world.kin_a1.refresh_from_db()
    assert world.kin_a1.last_contact_on == timezone.localdate() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "kin_interview"}, "kin"),
        ({"kind": "kin_interview", "kin": "__kin_b1__"}, "kin"),
        ({"kind": "kin_interview", "kin": "__erased__"}, "kin"),
        ({"groups_reached": ["__group_b1__"]}, "groups_reached"),
        ({"officers": ["central_analyst"]}, "officers"),
        ({"ends_at": "__before__"}, "ends_at"),
        ({"starts_at": "__next_week__"}, "starts_at"),  # held, so not in the future
        ({"status": "planned", "starts_at": "__last_week__"}, "status"),
        ({"status": "cancelled"}, "status"),
        (
            {
                "status": "planned",
                "starts_at": "__next_week__",
                "concerns": [{"category": "drugs"}],
            },
            "status",
        ),
        ({"starts_at": "1066-10-14T09:00:00Z"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"attendance": -1}, "attendance"),
        ({"kind": "rave"}, "kind"),
        ({"concerns": [{"category": "drugs"}] * 11}, "concerns"),
        ({"concerns": [{"text": "no category"}]}, "concerns"),
        ({"ward": "E05999999"}, "ward"),
    ],
)
def test_invalid_events_are_400s_naming_the_field_and_save_nothing(
    world: World, token_client: Clients, change: dict[str, Any], field: str
) -> None:
    now = timezone.now()
    erased = KinFactory.create(ward=world.a1, name="", phone="", erased_at=now)
    stand_ins = {
        "__kin_b1__": world.kin_b1.pk,
        "__erased__": erased.pk,
        "__group_b1__": world.group_b1.pk,
        "__before__": _yesterday(hour=9),
        "__next_week__": (now + dt.timedelta(days=7)).isoformat(),
        "__last_week__": (now - dt.timedelta(days=7)).isoformat(),
    }

    def real(value: Any) -> Any:
        if isinstance(value, list):
            return [real(v) for v in value]
        return stand_ins.get(value, value) if isinstance(value, str) else value

    before = data.event_state()
    response = token_client("pcso").post(
        LIST, _held(world, **{k: real(v) for k, v in change.items()})
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert data.event_state() == before


@pytest.mark.parametrize(
    ("role", "ward", "status"),
    [
        ("pcso", "a1", 201),
        ("pc", "b1", 400),  # a ward they cannot see
        ("inspector", "a2", 201),
        ("panel_chair", "a1", 403),
        ("borough_manager", "a1", 403),
        ("central_analyst", "b1", 403),
        ("admin", "b1", 201),
    ],
)
def test_who_may_log_where(
    world: World, token_client: Clients, role: str, ward: str, status: int
) -> None:
    before = data.event_state()
    response = token_client(role).post(
        LIST, {"ward": getattr(world, ward).code, "kind": "eva", "starts_at": _yesterday()}
    )
    assert response.status_code == status, response.json()
    if status != 201:
        assert data.event_state() == before


def test_a_ward_the_user_sees_but_may_not_log_in_is_a_403(
    world: World, token_client: Clients
) -> None:
    RoleAssignmentFactory.create(
        user=world.users["pcso"],
        role=RoleAssignment.Role.BOROUGH_MANAGER,
        borough=world.b1.borough,
    )
    before = data.event_state()
    response = token_client("pcso").post(
        LIST, {"ward": world.b1.code, "kind": "eva", "starts_at": _yesterday()}
    )
    assert response.status_code == 403
    assert data.event_state() == before


# --- recording how it went ------------------------------------------------------------------------


def test_recording_how_a_planned_event_went(world: World, token_client: Clients) -> None:
    planned = EngagementEventFactory.create(
        ward=world.a1,
        kind="public_meeting",
        status="planned",
        starts_at=timezone.now() - dt.timedelta(hours=3),
        attendance=None,
    )
    group = CommunityGroupFactory.create(ward=world.a1)
    DirtyBucket.objects.all().delete()
    response = token_client("pc").patch(
        _detail(planned),
        {
            "status": "held",
            "attendance": 41,
            "groups_reached": [group.pk],
            "notes": "Lively",
            "add_concerns": [{"category": "burglary", "text": "Sheds broken into"}],
        },
    )
    assert response.status_code == 200, response.json()
    planned.refresh_from_db()
    assert (planned.status, planned.attendance, planned.notes) == ("held", 41, "Lively")
    assert list(planned.groups_reached.all()) == [group]
    assert list(planned.concerns.values_list("category", flat=True)) == ["burglary"]
    assert (world.a1.pk, timezone.localdate(planned.starts_at)) in set(
        DirtyBucket.objects.values_list("ward_id", "day")
    )
    # Only what is sent changes; concerns are added to those already there.
    again = token_client("pc").patch(_detail(planned), {"add_concerns": [{"category": "noise"}]})
    assert again.status_code == 200
    planned.refresh_from_db()
    assert (planned.attendance, planned.concerns.count()) == (41, 2)


def test_an_outcome_names_only_the_wards_groups(world: World, token_client: Clients) -> None:
    before = data.event_state()
    response = token_client("pcso").patch(
        _detail(world.event_a1), {"groups_reached": [world.group_b1.pk]}
    )
    assert response.status_code == 400
    assert "groups_reached" in response.json()
    assert data.event_state() == before


@pytest.mark.parametrize(
    ("role", "event", "status"),
    [
        ("pcso", "event_b1", 404),
        ("sergeant", "event_b1", 404),
        ("inspector", "event_b1", 404),
        ("borough_manager", "event_b1", 404),
        ("borough_manager", "event_a1", 403),
        ("central_analyst", "event_b1", 403),
        ("panel_chair", "event_a1", 403),
        ("anonymous", "event_a1", 401),
    ],
)
def test_refused_outcomes_change_nothing(
    world: World, token_client: Clients, role: str, event: str, status: int
) -> None:
    before = data.event_state()
    response = token_client(role).patch(
        _detail(getattr(world, event)), {"status": "cancelled", "attendance": 0}
    )
    assert response.status_code == status
    assert data.event_state() == before


def test_events_are_not_deleted(world: World, token_client: Clients) -> None:
    """Neither here nor on the pages: a planned event that did not happen is cancelled."""
    response = token_client("admin").delete(_detail(world.event_a1))
    assert response.status_code == 405
    assert EngagementEvent.objects.filter(pk=world.event_a1.pk).exists()
    assert token_client("pcso").delete(_detail(world.event_b1)).status_code == 405


def test_each_concern_added_needs_its_category(world: World, token_client: Clients) -> None:
    """A PATCH is partial; the concerns it adds are not."""
    before = data.event_state()
    response = token_client("pcso").patch(
        _detail(world.event_a1), {"add_concerns": [{"category": "noise"}, {"text": "Loud"}]}
    )
    assert response.status_code == 400
    assert response.json() == {"add_concerns": {"1": {"category": ["This field is required."]}}}
    assert data.event_state() == before
