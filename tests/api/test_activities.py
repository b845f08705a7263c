"""EPIC activity through the API: lists scoped and filtered as the page, logging, correcting
and deleting through epic.services (rollup outbox, audit), and every refusal — by token, across
wards and boroughs — answering as the pages do and changing nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from epic import rollups
from epic.models import Activity, DirtyBucket
from tests.api import data
from tests.api.data import TODAY
from tests.factories import PostingFactory, RoleAssignmentFactory
from tests.world import ROLES, World
from wards.models import Posting, RoleAssignment

LIST = reverse("api:activity_list")
Clients = Callable[[str], APIClient]


def _detail(activity: Activity) -> str:
    return reverse("api:activity_detail", kwargs={"pk": activity.pk})


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def records(world: World) -> dict[str, Activity]:
    DirtyBucket.objects.all().delete()
    pcso, b1_pc = world.users["pcso"], world.posting_b1.person
    return {
        "a1": data.activity(world.a1, pcso),
        "a1_patrol": data.activity(
            world.a1, world.users["pc"], type="patrol_hours", quantity="2.5", day=TODAY
        ),
        "a2": data.activity(world.a2, world.posting_a2.person),
        "b1": data.activity(world.b1, b1_pc),
    }


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("pcso", {"a1", "a1_patrol"}),
        ("sergeant", {"a1", "a1_patrol"}),
        ("inspector", {"a1", "a1_patrol", "a2"}),
        ("borough_manager", {"a1", "a1_patrol", "a2"}),
        ("central_analyst", {"a1", "a1_patrol", "a2", "b1"}),
        ("admin", {"a1", "a1_patrol", "a2", "b1"}),
    ],
)
def test_the_list_holds_what_the_role_may_see(
    token_client: Clients, records: dict[str, Activity], role: str, sees: set[str]
) -> None:
    response = token_client(role).get(LIST)
    assert response.status_code == 200
    assert _ids(response) == {records[name].pk for name in sees}


def test_a_record_reads_as_the_list_shows_it(
    world: World, token_client: Clients, records: dict[str, Activity]
) -> None:
    row = token_client("pcso").get(_detail(records["a1_patrol"])).json()
    assert row["ward"] == world.a1.code
    assert row["borough"] == world.a1.borough.code
    assert (row["type"], row["category"], row["unit"]) == ("patrol_hours", "P", "hours")
    assert row["quantity"] == "2.50"
    assert row["officer"] == "pc"
    assert row["date"] == TODAY.isoformat()
    # The PCSO may not change the PC's record; the PC and their sergeant may.
    assert row["can_change"] is False
    assert token_client("pc").get(_detail(records["a1_patrol"])).json()["can_change"] is True
    assert token_client("sergeant").get(_detail(records["a1"])).json()["can_change"] is True


def test_filters(world: World, token_client: Clients, records: dict[str, Activity]) -> None:
    api = token_client("central_analyst")
    assert _ids(api.get(LIST, {"ward": world.a2.code})) == {records["a2"].pk}
    assert _ids(api.get(LIST, {"borough": world.b1.borough.code})) == {records["b1"].pk}
    assert _ids(api.get(LIST, {"type": "patrol_hours"})) == {records["a1_patrol"].pk}
    assert _ids(api.get(LIST, {"category": "P"})) == {records["a1_patrol"].pk}
    assert _ids(api.get(LIST, {"date_from": TODAY.isoformat()})) == {records["a1_patrol"].pk}
    assert _ids(api.get(LIST, {"date_to": (TODAY - dt.timedelta(days=1)).isoformat()})) == {
        records[name].pk for name in ("a1", "a2", "b1")
    }
    assert _ids(api.get(LIST, {"officer": "pc"})) == {records["a1_patrol"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ward": "E05999999"}, "ward"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"type": "engagement:public_meeting"}, "type"),
        ({"category": "X"}, "category"),
        ({"officer": "nobody"}, "officer"),
        ({"page_size": "lots", "ward": "nowhere"}, "ward"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(
    token_client: Clients, records: dict[str, Activity], params: dict[str, str], field: str
) -> None:
    response = token_client("admin").get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_ward_or_officer_outside_the_users_area_is_refused_like_an_unknown_one(
    world: World, token_client: Clients, records: dict[str, Activity]
) -> None:
    api = token_client("pcso")
    outside = api.get(LIST, {"ward": world.b1.code})
    unknown = api.get(LIST, {"ward": "E05999999"})
    assert outside.status_code == unknown.status_code == 400
    assert outside.json() == unknown.json()
    b1_officer = records["b1"].officer.username
    assert (
        api.get(LIST, {"officer": b1_officer}).json()
        == api.get(LIST, {"officer": "nobody-at-all"}).json()
    )


def test_pages(world: World, token_client: Clients) -> None:
    for day in range(5):
        data.activity(world.a1, world.users["pcso"], day=TODAY - dt.timedelta(days=day))
    api = token_client("pcso")
    first = api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"] and first["previous"] is None
    assert len(api.get(LIST, {"page_size": 2, "page": 3}).json()["results"]) == 1
    assert api.get(LIST, {"page_size": 2, "page": 4}).status_code == 404
    assert api.get(LIST, {"page": "last-but-one"}).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, token_client: Clients, query_count: Any
) -> None:
    api = token_client("sergeant")
    api.get(LIST)  # the token's first use
    for _ in range(30):
        data.activity(world.a1, world.users["pcso"])
    with query_count() as few:
        assert api.get(LIST, {"ward": world.a1.code}).status_code == 200
    for _ in range(30):
        data.activity(world.a1, world.users["pc"])
    with query_count() as many:
        assert api.get(LIST, {"ward": world.a1.code}).status_code == 200
    assert len(many) == len(few) <= 8


# --- logging ----------------------------------------------------------------------------------


def test_logging_goes_through_the_service(world: World, token_client: Clients) -> None:
    DirtyBucket.objects.all().delete()
    response = token_client("pcso").post(
        LIST,
        {"ward": world.a1.code, "type": "stop_search", "quantity": 2, "note": " By the station "},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert response["Location"] == _detail(activity)
    # Today, by the user themselves, as the quick form defaults; the API is its source.
    assert (activity.date, activity.officer, activity.created_by) == (
        TODAY,
        world.users["pcso"],
        world.users["pcso"],
    )
    assert (activity.type, activity.category, activity.quantity) == (
        "stop_search",
        "E",
        Decimal(2),
    )
    assert activity.note == "By the station"
    assert activity.source == Activity.Source.API
    assert body["can_change"] is True
    # The rollup outbox and the audit, as the pages' writes.
    assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {(world.a1.pk, TODAY)}
    assert activity.history.get().history_user == world.users["pcso"]


def test_logging_for_a_colleague_on_a_day_and_a_priority(
    world: World, token_client: Clients
) -> None:
    priority = data.priority(world.a1)
    day = TODAY - dt.timedelta(days=3)
    response = token_client("sergeant").post(
        LIST,
        {
            "ward": world.a1.code,
            "type": "patrol_hours",
            "quantity": "1.75",
            "date": day.isoformat(),
            "officer": "pc",
            "priority": priority.pk,
        },
    )
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.officer, activity.created_by) == (world.users["pc"], world.users["sergeant"])
    assert (activity.date, activity.priority, activity.quantity) == (day, priority, Decimal("1.75"))


def test_an_officer_is_named_by_collar_number_too(world: World, token_client: Clients) -> None:
    pc = world.users["pc"]
    pc.collar_number = "123AB"
    pc.save()
    response = token_client("pcso").post(
        LIST, {"ward": world.a1.code, "type": "arrest", "quantity": 1, "officer": "123AB"}
    )
    assert response.status_code == 201
    assert response.json()["officer"] == "pc"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": (TODAY + dt.timedelta(days=1)).isoformat()}, "date", "future"),
        ({"type": "engagement:public_meeting"}, "type", "engagement page"),
        ({"type": "teleportation"}, "type", "valid choice"),
        ({"quantity": "1.5"}, "quantity", "whole numbers"),
        ({"quantity": "0"}, "quantity", "greater than 0"),
        ({"quantity": "501"}, "quantity", "at most 500"),
        ({"quantity": "twelve"}, "quantity", "valid number"),
        ({"type": "patrol_hours", "quantity": "1.1"}, "quantity", "quarter hours"),
        ({"date": "2026-13-01"}, "date", "wrong format"),
        ({"officer": "central_analyst"}, "officer", "has been on"),
        ({"ward": "E05999999"}, "ward", "current ward you may see"),
        ({"ward": None}, "ward", "may not be null"),
        ({"note": "x" * 1001}, "note", "1000"),
        ({"priority": 0}, "priority", "greater than or equal to 1"),
        ({"priority": 2**70}, "priority", "less than or equal to"),
    ],
)
def test_invalid_records_are_400s_naming_the_field_and_save_nothing(
    world: World, token_client: Clients, change: dict[str, Any], field: str, message: str
) -> None:
    before = data.activity_state()
    body = {"ward": world.a1.code, "type": "arrest", "quantity": "1", **change}
    response = token_client("pcso").post(LIST, body)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert data.activity_state() == before


def test_the_officer_must_have_been_on_the_team_that_day(
    world: World, token_client: Clients
) -> None:
    newcomer = PostingFactory.create(
        team=world.team_a1, role=Posting.Role.PC, start_date=TODAY - dt.timedelta(days=1)
    ).person
    response = token_client("sergeant").post(
        LIST,
        {
            "ward": world.a1.code,
            "type": "arrest",
            "quantity": 1,
            "officer": newcomer.username,
            "date": (TODAY - dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "was not on" in response.json()["officer"][0]


def test_a_priority_of_another_ward_is_refused(world: World, token_client: Clients) -> None:
    elsewhere = data.priority(world.b1)
    response = token_client("pcso").post(
        LIST, {"ward": world.a1.code, "type": "arrest", "quantity": 1, "priority": elsewhere.pk}
    )
    assert response.status_code == 400
    assert response.json() == {"priority": ["Choose one of this ward's priorities."]}


def test_a_body_that_is_not_an_object_or_not_json(world: World, token_client: Clients) -> None:
    api = token_client("pcso")
    listed = api.post(LIST, [1, 2], format="json")
    assert listed.status_code == 400
    assert "non_field_errors" in listed.json()
    broken = api.post(LIST, '{"ward": ', content_type="application/json")
    assert broken.status_code == 400
    assert "JSON parse error" in broken.json()["non_field_errors"][0]
    form = api.post(LIST, "ward=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415


@pytest.mark.parametrize(
    ("role", "ward", "status"),
    [
        ("pcso", "a1", 201),
        ("pc", "a2", 400),  # not a ward they can see: refused like an unknown one
        ("sergeant", "b1", 400),
        ("inspector", "a2", 201),
        ("panel_chair", "a1", 403),  # no role of theirs logs EPIC anywhere
        ("borough_manager", "a1", 403),
        ("central_analyst", "b1", 403),
        ("admin", "b1", 400),  # the admin is on nobody's team: the officer is refused
    ],
)
def test_who_may_log_where(
    world: World, token_client: Clients, role: str, ward: str, status: int
) -> None:
    before = data.activity_state()
    target = getattr(world, ward)
    officer = {"a1": "pcso", "a2": world.posting_a2.person.username, "b1": "x"}[ward]
    response = token_client(role).post(
        LIST, {"ward": target.code, "type": "arrest", "quantity": 1, "officer": officer}
    )
    assert response.status_code == status, response.json()
    if status != 201:
        assert data.activity_state() == before


def test_a_ward_the_user_sees_but_may_not_log_in_is_a_403(
    world: World, token_client: Clients
) -> None:
    """The PCSO also manages borough B: they see B1, but log only in A1."""
    RoleAssignmentFactory.create(
        user=world.users["pcso"],
        role=RoleAssignment.Role.BOROUGH_MANAGER,
        borough=world.b1.borough,
    )
    before = data.activity_state()
    response = token_client("pcso").post(
        LIST,
        {
            "ward": world.b1.code,
            "type": "arrest",
            "quantity": 1,
            "officer": world.posting_b1.person.username,
        },
    )
    assert response.status_code == 403
    assert data.activity_state() == before


# --- correcting and deleting ----------------------------------------------------------------------


def test_correcting_goes_through_the_service(
    world: World, token_client: Clients, records: dict[str, Activity]
) -> None:
    activity = records["a1"]
    old_day = activity.date
    new_day = TODAY - dt.timedelta(days=1)
    response = token_client("pcso").patch(
        _detail(activity), {"quantity": 3, "date": new_day.isoformat()}
    )
    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert (activity.quantity, activity.date, activity.type) == (Decimal(3), new_day, "arrest")
    assert {(world.a1.pk, old_day), (world.a1.pk, new_day)} <= set(
        DirtyBucket.objects.values_list("ward_id", "day")
    )
    latest = activity.history.order_by("-history_id").first()
    assert latest is not None and latest.history_user == world.users["pcso"]


def test_an_inspector_moves_a_record_to_another_ward_of_the_cluster(
    world: World, token_client: Clients, records: dict[str, Activity]
) -> None:
    activity = records["a2"]
    response = token_client("inspector").patch(_detail(activity), {"ward": world.a1.code})
    # The officer is A2's: not on A1's team.
    assert response.status_code == 400
    assert "officer" in response.json()
    response = token_client("inspector").patch(
        _detail(activity), {"ward": world.a1.code, "officer": "pcso"}
    )
    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert (activity.ward, activity.officer) == (world.a1, world.users["pcso"])
    buckets = set(DirtyBucket.objects.values_list("ward_id", "day"))
    assert {(world.a2.pk, activity.date), (world.a1.pk, activity.date)} <= buckets


@pytest.mark.parametrize(
    ("role", "record", "change", "status"),
    [
        # Across wards and boroughs: not even confirmed to exist.
        ("pcso", "a2", {"quantity": 9}, 404),
        ("pcso", "b1", {"quantity": 9}, 404),
        ("sergeant", "b1", {"quantity": 9}, 404),
        ("inspector", "b1", {"quantity": 9}, 404),
        ("borough_manager", "b1", {"quantity": 9}, 404),
        ("panel_member", "b1", {"quantity": 9}, 404),
        # Seen but not theirs to change.
        ("pc", "a1", {"quantity": 9}, 403),
        ("borough_manager", "a1", {"quantity": 9}, 403),
        ("central_analyst", "b1", {"quantity": 9}, 403),
        ("panel_chair", "a1", {"quantity": 9}, 403),
        # Theirs, but moved where they may not log (or cannot see).
        ("sergeant", "a1", {"ward": "__b1__"}, 400),
        ("sergeant", "a1", {"ward": "__a2__"}, 400),
    ],
)
def test_refused_corrections_change_nothing(
    world: World,
    token_client: Clients,
    records: dict[str, Activity],
    role: str,
    record: str,
    change: dict[str, Any],
    status: int,
) -> None:
    if str(change.get("ward", "")).startswith("__"):
        change = {"ward": getattr(world, change["ward"].strip("_")).code}
    before = data.activity_state()
    response = token_client(role).patch(_detail(records[record]), change)
    assert response.status_code == status, response.json()
    assert data.activity_state() == before


@pytest.mark.parametrize(
    ("role", "record", "status"),
    [
        ("pcso", "a2", 404),
        ("pcso", "b1", 404),
        ("sergeant", "b1", 404),
        ("borough_manager", "b1", 404),
        ("pc", "a1", 403),
        ("borough_manager", "a1", 403),
        ("central_analyst", "b1", 403),
        ("panel_member", "a1", 403),
        ("anonymous", "a1", 401),
    ],
)
def test_refused_deletions_change_nothing(
    token_client: Clients, records: dict[str, Activity], role: str, record: str, status: int
) -> None:
    before = data.activity_state()
    response = token_client(role).delete(_detail(records[record]))
    assert response.status_code == status
    assert data.activity_state() == before


@pytest.mark.parametrize(
    ("role", "status"),
    list(zip(ROLES, (401, 204, 403, 204, 204, 403, 403, 403, 403, 204), strict=True)),
)
def test_who_may_delete_a_pcsos_record(
    world: World, token_client: Clients, role: str, status: int
) -> None:
    """Its officer, their supervisors (sergeant, inspector) and administrators."""
    activity = data.activity(world.a1, world.users["pcso"])
    DirtyBucket.objects.all().delete()
    response = token_client(role).delete(_detail(activity))
    assert response.status_code == status
    assert Activity.objects.filter(pk=activity.pk).exists() is (status != 204)
    if status == 204:
        assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {
            (world.a1.pk, activity.date)
        }
        deleted = Activity.history.filter(id=activity.pk, history_type="-").get()
        assert deleted.history_user == world.users[role]


# --- the dashboards see it ------------------------------------------------------------------------


def _enforcement(api: APIClient, world: World) -> int:
    url = reverse(
        "api:dashboard_borough_table",
        kwargs={"code": world.a1.borough.code, "table": "epic_by_category"},
    )
    rows = {row[0]: row[1] for row in api.get(url).json()["rows"]}
    return int(rows["Enforcement"])


def test_a_record_logged_through_the_api_reaches_the_dashboard_after_the_refresh(
    world: World,
    token_client: Clients,
    tasks_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rollups.rebuild()
    manager = token_client("borough_manager")
    assert _enforcement(manager, world) == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = token_client("pcso").post(
            LIST, {"ward": world.a1.code, "type": "arrest", "quantity": 2}
        )
    assert response.status_code == 201
    assert callbacks, "the write queued its rollup refresh on commit"
    # The refresh ran (in process) from the commit: the outbox is drained, the figure is there.
    assert not DirtyBucket.objects.exists()
    assert _enforcement(manager, world) == 1
