"""Priorities, their plans and reviews through the API: read by anyone who sees the ward's
panel, as the ward's priorities page; nothing from another borough, not even its existence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from priorities.models import PlannedAction, Priority
from tests.api import data
from tests.world import World

PRIORITIES = reverse("api:priority_list")
REVIEWS = reverse("api:review_list")
Clients = Callable[[str], APIClient]


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def held(world: World) -> dict[str, Any]:
    a1, b1 = data.priority(world.a1), data.priority(world.b1, issue="Burglary on the estate")
    PlannedAction.objects.create(
        priority=a1,
        description="Weekly patrols of the park",
        owner=world.users["pc"],
        due_date=data.TODAY + dt.timedelta(days=20),
    )
    PlannedAction.objects.create(priority=a1, description="Lighting survey", partner="Council")
    return {
        "a1": a1,
        "b1": b1,
        "review_a1": data.review(a1, world.panel_a1, world.users["panel_chair"]),
        "review_b1": data.review(b1, world.panel_b1, world.users["admin"]),
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [("panel_member", {"a1"}), ("pcso", {"a1"}), ("central_analyst", {"a1", "b1"})],
)
def test_lists_hold_what_the_role_may_see(
    token_client: Clients, held: dict[str, Any], role: str, sees: set[str]
) -> None:
    api = token_client(role)
    assert _ids(api.get(PRIORITIES)) == {held[name].pk for name in sees}
    assert _ids(api.get(REVIEWS)) == {held[f"review_{name}"].pk for name in sees}


def test_the_lists_cost_a_fixed_number_of_queries(
    world: World, token_client: Clients, held: dict[str, Any], query_count: Any
) -> None:
    api = token_client("central_analyst")
    api.get(PRIORITIES)  # the token's first use
    counts = []
    for more in (0, 6):
        for i in range(more):
            priority = data.priority(world.a2, issue=f"Issue {i}")
            PlannedAction.objects.create(priority=priority, description="Patrol", partner="Council")
            data.review(priority, world.panel_a1, world.users["admin"])
        with query_count() as queries:
            assert api.get(PRIORITIES).status_code == 200
            assert api.get(REVIEWS).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 14


def test_a_priority_reads_in_police_uk_terms_with_its_plan(
    world: World, token_client: Clients, held: dict[str, Any]
) -> None:
    url = reverse("api:priority_detail", kwargs={"pk": held["a1"].pk})
    row = token_client("panel_chair").get(url).json()
    assert (row["ward"], row["issue"], row["status"]) == (
        world.a1.code,
        "Drug dealing in the park",
        "active",
    )
    assert row["issue_date"] == held["a1"].issue_date.isoformat()
    assert (row["action"], row["action_date"]) == ("", None)
    assert [(a["description"], a["owner"], a["partner"]) for a in row["actions"]] == [
        ("Weekly patrols of the park", world.users["pc"].display_name, ""),
        ("Lighting survey", None, "Council"),
    ]


def test_a_review_reads_with_its_meeting(
    world: World, token_client: Clients, held: dict[str, Any]
) -> None:
    review = held["review_a1"]
    row = (
        token_client("sergeant").get(reverse("api:review_detail", kwargs={"pk": review.pk})).json()
    )
    assert (row["priority"], row["ward"], row["rating"], row["decision"]) == (
        held["a1"].pk,
        world.a1.code,
        "amber",
        "continue",
    )
    assert row["meeting"]["id"] == review.meeting_id


def test_filters(world: World, token_client: Clients, held: dict[str, Any]) -> None:
    resolved = data.priority(world.a1, issue="Motorbikes on the green")
    Priority.objects.filter(pk=resolved.pk).update(
        status="resolved", action="Barriers installed", action_date=data.TODAY
    )
    api = token_client("admin")
    assert _ids(api.get(PRIORITIES, {"ward": world.a1.code, "status": "resolved"})) == {resolved.pk}
    assert _ids(api.get(PRIORITIES, {"borough": world.b1.borough.code})) == {held["b1"].pk}
    assert _ids(api.get(PRIORITIES, {"category": "drugs", "status": "active"})) == {
        held["a1"].pk,
        held["b1"].pk,
    }
    assert _ids(api.get(REVIEWS, {"priority": held["b1"].pk})) == {held["review_b1"].pk}
    assert _ids(api.get(REVIEWS, {"ward": world.a1.code, "rating": "amber"})) == {
        held["review_a1"].pk
    }
    for url, bad in (
        (PRIORITIES, {"status": "dormant"}),
        (PRIORITIES, {"ward": world.b1.code + "X"}),
        (REVIEWS, {"priority": "first"}),
        (REVIEWS, {"rating": "purple"}),
    ):
        assert api.get(url, bad).status_code == 400


@pytest.mark.parametrize("role", ["pcso", "panel_member", "sergeant", "borough_manager"])
def test_another_boroughs_priority_and_review_are_not_found(
    token_client: Clients, held: dict[str, Any], role: str
) -> None:
    api = token_client(role)
    assert api.get(reverse("api:priority_detail", kwargs={"pk": held["b1"].pk})).status_code == 404
    review = reverse("api:review_detail", kwargs={"pk": held["review_b1"].pk})
    assert api.get(review).status_code == 404
    missing = reverse("api:review_detail", kwargs={"pk": held["review_b1"].pk + 1000})
    assert api.get(missing).json() == api.get(review).json()


def test_priorities_are_read_only(token_client: Clients, held: dict[str, Any]) -> None:
    url = reverse("api:priority_detail", kwargs={"pk": held["a1"].pk})
    api = token_client("admin")
    assert api.patch(url, {"issue": "Changed"}).status_code == 405
    assert api.post(PRIORITIES, {"issue": "New"}).status_code == 405
    held["a1"].refresh_from_db()
    assert held["a1"].issue == "Drug dealing in the park"
