"""Dashboards through the API: the same figures as the pages (epic.dashboards), their tables as
JSON or CSV, a bad period a 400, access as the dashboard pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from epic import dashboards, rollups
from epic.dashboards import Place
from tests.api import data
from tests.world import World

Clients = Callable[[str], APIClient]


@pytest.fixture
def logged(world: World) -> None:
    data.activity(world.a1, world.users["pcso"], type="arrest")
    data.activity(world.a1, world.users["pc"], type="patrol_hours", quantity="2.25")
    data.activity(world.b1, world.posting_b1.person, type="stop_search")
    rollups.rebuild()


def _board(world: World, code: str | None = None) -> str:
    if code is None:
        return reverse("api:dashboard_london")
    return reverse("api:dashboard_borough", kwargs={"code": code})


def test_a_boroughs_summary_is_the_pages(world: World, token_client: Clients, logged: None) -> None:
    borough = world.a1.borough
    body = token_client("borough_manager").get(_board(world, borough.code), {"period": "3m"}).json()
    board = dashboards.dashboard(Place.of_borough(borough), dashboards.parse_period("3m"))
    assert body["place"] == {"kind": "borough", "name": borough.name, "code": borough.code}
    assert body["period"]["key"] == "3m"
    assert body["wards"] == board.wards
    assert [(f["label"], f["value"]) for f in body["headline"]] == list(board.headline)
    names = [t["name"] for t in body["tables"]]
    assert names == list(board.tables)
    by_name = {t["name"]: t for t in body["tables"]}
    table = by_name["epic_by_category"]
    assert table["row_count"] == 4
    assert table["url"].endswith("?period=3m")
    rows = token_client("borough_manager").get(table["url"]).json()["rows"]
    assert rows == [[cat, records, float(rate) if rate is not None else None]
                    for cat, records, rate in board.table("epic_by_category").rows]  # fmt: skip
    assert {r[0]: r[1] for r in rows}["Enforcement"] == 1


def test_a_table_as_csv(world: World, token_client: Clients, logged: None) -> None:
    url = reverse(
        "api:dashboard_ward_table", kwargs={"code": world.a1.code, "table": "epic_by_type"}
    )
    api = token_client("sergeant")
    response = api.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{world.a1.code}-')
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["Category", "Type", "Records", "Quantity", "Quantity per 1,000 residents"]
    assert lines[2][:4] == ["Prevention", "High-visibility patrol", "1", "2.25 hours"]
    by_accept = api.get(url, HTTP_ACCEPT="text/csv")
    assert by_accept.content == response.content
    # The same file as the page's export.
    page = Client()
    page.force_login(world.users["sergeant"])
    export = page.get(
        reverse("epic:ward_export", kwargs={"code": world.a1.code, "table": "epic_by_type"})
    )
    assert export.content.decode().splitlines() == response.content.decode().splitlines()


def test_london_summary_for_the_central_unit(
    world: World, token_client: Clients, logged: None
) -> None:
    body = token_client("central_analyst").get(_board(world)).json()
    assert body["place"]["kind"] == "london"
    assert "borough_league" in [t["name"] for t in body["tables"]]
    assert token_client("sergeant").get(_board(world)).status_code == 403


@pytest.mark.parametrize("fmt", [None, "csv"])
def test_errors_are_json_whatever_was_asked_for(
    world: World, token_client: Clients, fmt: str | None
) -> None:
    api = token_client("borough_manager")
    extra = {"format": fmt} if fmt else {}
    code = world.a1.borough.code
    table = reverse("api:dashboard_borough_table", kwargs={"code": code, "table": "ward_league"})
    bad_period = api.get(table, {"period": "forever", **extra})
    assert bad_period.status_code == 400
    assert bad_period["Content-Type"] == "application/json"
    assert "Choose a period" in bad_period.json()["period"][0]
    missing = reverse("api:dashboard_borough_table", kwargs={"code": code, "table": "horoscope"})
    assert api.get(missing, extra).status_code == 404
    elsewhere = reverse(
        "api:dashboard_borough_table", kwargs={"code": world.b1.borough.code, "table": "panels"}
    )
    assert api.get(elsewhere, extra).status_code == 404
    assert api.get(elsewhere, extra)["Content-Type"] == "application/json"


def test_an_unacceptable_format(world: World, token_client: Clients) -> None:
    url = reverse("api:dashboard_london_table", kwargs={"table": "panels"})
    response = token_client("central_analyst").get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("role", "ward", "status"),
    [
        ("sergeant", "a1", 200),
        ("sergeant", "a2", 404),
        ("sergeant", "b1", 404),
        ("inspector", "a2", 200),
        ("pcso", "a1", 403),
        ("panel_chair", "a1", 403),
        ("borough_manager", "b1", 404),
        ("central_analyst", "b1", 200),
    ],
)
def test_ward_dashboards_as_the_pages(
    world: World, token_client: Clients, role: str, ward: str, status: int
) -> None:
    url = reverse("api:dashboard_ward", kwargs={"code": getattr(world, ward).code})
    assert token_client(role).get(url).status_code == status
