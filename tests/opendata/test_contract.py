"""Contract: each open-data answer has exactly the keys, value types and formats of the same
call's answer on data.police.uk, read from police.uk's example answers in shared/data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.factories import BoroughFactory, WardFactory
from tests.opendata.conftest import PoliceUk, Published, api_get, met
from tests.opendata.shapes import mismatches
from tests.world import World

# The one call without an example answer in shared/data (the fixture library has none):
# police.uk documents its fields as contact_details (object), description, title, address,
# type, start_date and end_date (ISO 8601), with description null where there is none.
POLICE_UK_EVENTS: list[dict[str, Any]] = [
    {
        "contact_details": {},
        "description": None,
        "title": "Boundary Road residents' meeting",
        "address": "Boundary Road, Leicester",
        "type": "meeting",
        "start_date": "2016-09-21T18:00:00",
        "end_date": "2016-09-21T19:30:00",
    },
    {
        "contact_details": {},
        "description": "<p>Drop in and meet your team.</p>",
        "title": "Police surgery",
        "address": "Library, Narborough Road",
        "type": "surgery",
        "start_date": "2016-10-01T10:00:00",
        "end_date": None,
    },
]


def test_forces(client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "force_list")
    assert answer == [{"id": "metropolitan", "name": "Metropolitan Police Service"}]
    assert mismatches(answer, [[police_uk("police-force-reference")]]) == []


def test_force(client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "force_detail", force="metropolitan")
    assert mismatches(answer, [police_uk("police-force")]) == []
    assert answer["id"] == "metropolitan"


def test_neighbourhoods(world: World, client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "neighbourhood_list", force="metropolitan")
    assert mismatches(answer, [[police_uk("neighbourhood-reference")]]) == []
    assert {"id": world.a1.code, "name": "Alpha"} in answer
    assert {row["id"] for row in answer} >= {world.a1.code, world.a2.code, world.b1.code}


def test_neighbourhood(world: World, client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "neighbourhood_detail", **met(world.a1.code))
    shape = mismatches(answer, [police_uk("neighbourhood")], maps=frozenset({"$.contact_details"}))
    assert shape == []
    assert answer["id"] == world.a1.code
    assert answer["centre"] == {"latitude": "51.5", "longitude": "-0.1"}
    assert answer["population"] == "12000"
    assert answer["url_force"] == f"http://testserver/your-area/{world.a1.code}/"
    assert answer["description"].startswith("<p>") and "Alpha" in answer["description"]


def test_people(world: World, published: Published, client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "neighbourhood_people", **met(world.a1.code))
    # police.uk gives "bio": null for an officer without one; the example has one.
    officer = police_uk("police-officer")
    examples = [[officer, {**officer, "bio": None}]]
    assert mismatches(answer, examples, maps=frozenset({"$[].contact_details"})) == []
    bios = {row["name"]: row["bio"] for row in answer}
    pcso = world.users["pcso"].get_full_name()
    assert bios[pcso] == "<p>Walks the estate</p>\n\n<p>Speaks Punjabi &amp; Urdu</p>"
    assert bios[world.users["pc"].get_full_name()] is None


def test_events(world: World, published: Published, client: Client) -> None:
    answer = api_get(client, "neighbourhood_events", **met(world.a1.code))
    assert mismatches(answer, [POLICE_UK_EVENTS], maps=frozenset({"$[].contact_details"})) == []
    assert len(answer) == 1
    event = answer[0]
    assert event["title"] == "Ward public meeting"
    assert event["type"] == "meeting"
    assert event["description"] == "<p>Come and tell us what matters &lt;most&gt;.</p>"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", event["start_date"])


def test_priorities(
    world: World, published: Published, client: Client, police_uk: PoliceUk
) -> None:
    answer = api_get(client, "neighbourhood_priorities", **met(world.a1.code))
    variants = [
        police_uk("neighbourhood-priority"),
        police_uk("neighbourhood-priority-html"),
        police_uk("neighbourhood-priority-no-action"),
    ]
    assert mismatches(answer, [variants]) == []
    active, resolved = answer
    assert active == {
        "action": None,
        "issue-date": f"{published.priority.issue_date.isoformat()}T00:00:00",
        "action-date": None,
        "issue": "<p>Motorbikes ridden on the estate paths</p>",
    }
    assert resolved["action"] == "<p>Closure order on the flat; weekly patrols.</p>"
    assert resolved["action-date"] == f"{published.resolved.action_date}T00:00:00"


def test_boundary(world: World, published: Published, client: Client, police_uk: PoliceUk) -> None:
    answer = api_get(client, "neighbourhood_boundary", **met(world.a1.code))
    assert mismatches(answer, [[police_uk("coordinate")]]) == []
    assert answer[:2] == [
        {"latitude": "51.49", "longitude": "-0.11"},
        {"latitude": "51.49", "longitude": "-0.09"},
    ]


def test_a_ward_in_parts_gives_each_part_largest_first(world: World, client: Client) -> None:
    small = [[0.0, 51.0], [0.001, 51.0], [0.001, 51.001], [0.0, 51.0]]
    large = [[1.0, 51.0], [1.1, 51.0], [1.1, 51.1], [1.0, 51.0]]
    world.b1.boundary = {"type": "MultiPolygon", "coordinates": [[small], [large]]}
    world.b1.save()
    answer = api_get(client, "neighbourhood_boundary", **met(world.b1.code))
    points = [[float(p["longitude"]), float(p["latitude"])] for p in answer]
    assert points == [*large, *small]
    assert answer[0] == {"latitude": "51", "longitude": "1"}


def test_locate_neighbourhood(db: None, client: Client, police_uk: PoliceUk) -> None:
    ward = WardFactory.create(
        borough=BoroughFactory.create(),
        boundary={
            "type": "Polygon",
            "coordinates": [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]],
        },
    )
    answer = api_get(client, "locate_neighbourhood", query="q=5.5,5.5")
    assert mismatches(answer, [police_uk("neighbourhood-policing-team")]) == []
    assert answer == {"force": "metropolitan", "neighbourhood": ward.code}


@pytest.mark.parametrize("query", ["", "date=2024-01"])
def test_crime_categories(client: Client, police_uk: PoliceUk, query: str) -> None:
    answer = api_get(client, "crime_categories", query=query)
    assert mismatches(answer, [[police_uk("crime-category")]]) == []
    assert {"url": "anti-social-behaviour", "name": "Anti-social behaviour"} in answer
