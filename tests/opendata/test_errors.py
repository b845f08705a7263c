"""Unknown forces and neighbourhoods are a plain 404, as on police.uk; a bad point or month a
400 with the reason; open data is read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import BoroughFactory, WardFactory
from tests.opendata.conftest import NEIGHBOURHOOD_CALLS, api_get
from tests.world import World
from wards.models import Ward


def assert_not_found(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404, url
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"Not Found"


@pytest.mark.parametrize("force", ["leicestershire", "city-of-london", "neighbourhoods"])
def test_a_force_this_portal_does_not_hold_is_not_found(
    world: World, client: Client, force: str
) -> None:
    assert_not_found(client, reverse("opendata:force_detail", kwargs={"force": force}))
    assert_not_found(client, reverse("opendata:neighbourhood_list", kwargs={"force": force}))
    for name in NEIGHBOURHOOD_CALLS:
        url = reverse(f"opendata:{name}", kwargs={"force": force, "code": world.a1.code})
        assert_not_found(client, url)


def test_force_ids_are_not_case_sensitive(world: World, client: Client) -> None:
    answer = api_get(client, "neighbourhood_detail", force="Metropolitan", code=world.a1.code)
    assert answer["id"] == world.a1.code


def _not_neighbourhoods(world: World) -> dict[str, Ward]:
    city = BoroughFactory.create(code="E09000001", name="City of London", is_met=False)
    return {
        "unknown code": Ward(code="E05999999"),
        "City of London ward": WardFactory.create(borough=city),
        "ward of an earlier vintage": WardFactory.create(
            borough=world.a1.borough,
            valid_from=dt.date(2014, 5, 22),
            valid_to=dt.date(2018, 5, 3),
        ),
    }


def test_a_neighbourhood_the_met_does_not_have_is_not_found(world: World, client: Client) -> None:
    wards = _not_neighbourhoods(world)
    for case, ward in wards.items():
        for name in NEIGHBOURHOOD_CALLS:
            url = reverse(f"opendata:{name}", kwargs={"force": "metropolitan", "code": ward.code})
            assert client.get(url).status_code == 404, (case, name)
    listed = {row["id"] for row in api_get(client, "neighbourhood_list", force="metropolitan")}
    assert listed == {world.a1.code, world.a2.code, world.b1.code}


def test_unknown_paths_under_the_api_are_not_found(world: World, client: Client) -> None:
    assert client.get(f"/api/metropolitan/{world.a1.code}/crimes").status_code == 404
    assert client.get("/api/forces/").status_code == 404


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("", "Give the point as q=latitude,longitude"),
        ("51.5", "two numbers and a comma"),
        ("51.5,-0.1,3", "two numbers and a comma"),
        ("north,west", "in decimal degrees"),
        ("51.5,", "in decimal degrees"),
        ("nan,0", "is not between -90 and 90"),
        ("91,0", "is not between -90 and 90"),
        ("51.5,-181", "is not between -180 and 180"),
        ("51.5,inf", "is not between -180 and 180"),
    ],
)
def test_a_bad_point_is_a_bad_request_with_the_reason(db: None, q: str, reason: str) -> None:
    url = reverse("opendata:locate_neighbourhood")
    response = Client().get(url, {"q": q} if q else {})
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_a_point_outside_every_neighbourhood_is_not_found(world: World) -> None:
    url = reverse("opendata:locate_neighbourhood")
    assert_not_found(Client(), f"{url}?q=52.6389,-1.13619")  # Leicester


@pytest.mark.parametrize("date", ["2024", "2024-13", "24-01", "2024-1", "january"])
def test_a_bad_month_is_a_bad_request(db: None, date: str) -> None:
    response = Client().get(reverse("opendata:crime_categories"), {"date": date})
    assert response.status_code == 400
    assert "YYYY-MM" in response.json()["detail"]


def test_open_data_is_read_only(world: World) -> None:
    client = Client(enforce_csrf_checks=False)
    url = reverse("opendata:neighbourhood_detail", kwargs={"force": "metropolitan", "code": "x"})
    assert client.post(url).status_code == 405
    assert client.delete(reverse("opendata:force_list")).status_code == 405
    assert client.head(reverse("opendata:force_list")).status_code == 200


def test_answers_can_be_read_from_any_web_page(world: World, client: Client) -> None:
    for url in (
        reverse("opendata:force_list"),
        reverse("opendata:locate_neighbourhood"),
        reverse("opendata:force_detail", kwargs={"force": "nowhere"}),
    ):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"
