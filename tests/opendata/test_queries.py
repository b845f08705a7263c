"""Query budgets: building an answer costs a fixed number of queries, however many officers,
events or priorities a ward has; a cached answer costs none (see test_cache)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PostingFactory
from tests.opendata.conftest import Published
from tests.world import World
from wards.models import Posting

# Per call: finding the neighbourhood, then reading what it shows.
BUDGETS = {
    "force_list": 0,
    "force_detail": 0,
    "crime_categories": 0,
    "neighbourhood_list": 1,
    "neighbourhood_detail": 1,
    "neighbourhood_people": 2,
    "neighbourhood_events": 2,
    "neighbourhood_priorities": 2,
    "neighbourhood_boundary": 1,
}


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_each_call_has_a_fixed_query_budget(
    world: World, published: Published, query_count: Callable[[], Any], name: str
) -> None:
    for _ in range(5):
        PostingFactory.create(team=world.team_a1, role=Posting.Role.PC)
    kwargs = {"force": "metropolitan"}
    if name.startswith("neighbourhood_") and name != "neighbourhood_list":
        kwargs["code"] = world.a1.code
    elif name in ("force_list", "crime_categories"):
        kwargs = {}
    with query_count() as queries:
        response = Client().get(reverse(f"opendata:{name}", kwargs=kwargs))
    assert response.status_code == 200
    assert len(queries) <= BUDGETS[name], [q["sql"] for q in queries]


def test_locating_builds_the_index_once(
    world: World, published: Published, query_count: Callable[[], Any]
) -> None:
    url = reverse("opendata:locate_neighbourhood")
    Client().get(url, {"q": "51.495,-0.1"})
    with query_count() as queries:
        for q in ("51.495,-0.1", "51.5,-0.095", "40.0,3.0"):
            Client().get(url, {"q": q})
    assert len(queries) == 0
