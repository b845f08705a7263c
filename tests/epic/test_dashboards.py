"""The dashboards: figures equal to the raw records, periods, exports, map data, access and a
query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementEvent, EventKind
from epic import dashboards, rollups
from epic.catalogue import LOGGED_TYPES, TYPES, Category
from epic.dashboards import Place
from epic.models import Activity, PasMeasure, PasResult
from tests.factories import EngagementEventFactory
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _log(world: World, ward: Any, day: dt.date, type_key: str, quantity: str = "1") -> Activity:
    officer = world.users["pcso"]
    return Activity.objects.create(
        officer=officer,
        ward=ward,
        date=day,
        type=type_key,
        category=TYPES[type_key].category,
        quantity=Decimal(quantity),
        created_by=officer,
    )


def _scatter(world: World, n: int, seed: int = 1, since: dt.date | None = None) -> None:
    """n EPIC records and n // 4 engagement events over the last 14 months in all wards."""
    rnd = random.Random(seed)
    today = timezone.localdate()
    for _ in range(n):
        kind = rnd.choice(LOGGED_TYPES)
        _log(
            world,
            rnd.choice([world.a1, world.a2, world.b1]),
            today - dt.timedelta(days=rnd.randrange(420)),
            kind.key,
            "2.5" if kind.unit == "hours" else str(rnd.randint(1, 3)),
        )
    for _ in range(n // 4):
        EngagementEventFactory.create(
            ward=rnd.choice([world.a1, world.a2, world.b1]),
            kind=rnd.choice([EventKind.PUBLIC_MEETING, EventKind.STREET_BRIEFING]),
            starts_at=timezone.now() - dt.timedelta(days=rnd.randrange(420)),
            attendance=rnd.randint(0, 30),
            created_by=world.users["pcso"],
        )
    rollups.rebuild(since)


def _raw_by_category(period: dashboards.Period, wards: list[Any]) -> dict[str, int]:
    """Records per category counted directly from the raw tables (the independent answer)."""
    counts = {cat.value: 0 for cat in Category}
    for activity in Activity.objects.filter(
        ward__in=wards, date__gte=period.start, date__lte=period.last_day
    ):
        counts[activity.category] += 1
    for event in EngagementEvent.objects.filter(ward__in=wards, status="held"):
        day = timezone.localdate(event.starts_at)
        if period.start <= day <= period.last_day:
            counts[Category.COMMUNICATION] += 1
    return counts


def _shown_records(html: str, category: Category) -> int:
    """The records figure the page shows for a category, read from its HTML."""
    table = html.split('id="table-epic_by_category"', 1)[1].split("</table>", 1)[0]
    found = re.search(
        rf'>{category.label}</th><td class="govuk-table__cell govuk-table__cell--numeric">'
        r"([\d,]+)</td>",
        table,
    )
    assert found, table
    return int(found.group(1).replace(",", ""))


def _by_category(board: dashboards.Dashboard) -> dict[str, int]:
    labels = {cat.label: cat.value for cat in Category}
    return {labels[row[0]]: row[1] for row in board.table("epic_by_category").rows}


@pytest.mark.parametrize("period_key", ["12m", "3m", "1m", "prev"])
def test_borough_and_london_totals_equal_the_raw_records(world: World, period_key: str) -> None:
    _scatter(world, 120)
    period = dashboards.parse_period(period_key)
    borough = dashboards.build(Place.of_borough(world.a1.borough), period)
    assert _by_category(borough) == _raw_by_category(period, [world.a1, world.a2])
    london = dashboards.build(Place.london(), period)
    assert _by_category(london) == _raw_by_category(period, [world.a1, world.a2, world.b1])
    ward = dashboards.build(Place.of_ward(world.b1), period)
    assert _by_category(ward) == _raw_by_category(period, [world.b1])

    # The league table adds up to the same, ward by ward.
    league = {row[0]: row for row in london.table("ward_league").rows}
    for w in (world.a1, world.a2, world.b1):
        raw = _raw_by_category(period, [w])
        assert league[w.name][2:6] == tuple(raw[cat.value] for cat in Category)


def test_quantities_and_rates_per_1000_residents(world: World) -> None:
    today = timezone.localdate()
    _log(world, world.a1, today, "patrol_hours", "2.5")
    _log(world, world.a1, today, "patrol_hours", "1.25")
    _log(world, world.a2, today, "arrest", "2")
    rollups.rebuild()
    board = dashboards.build(Place.of_borough(world.a1.borough), dashboards.parse_period("1m"))
    rows = {row[1]: row for row in board.table("epic_by_type").rows}
    assert rows["High-visibility patrol"][2:4] == (2, "3.75 hours")
    assert rows["Arrest"][2:4] == (1, "2")
    population = (world.a1.population or 0) + (world.a2.population or 0)
    assert board.population == population
    expected = (Decimal("3.75") * 1000 / population).quantize(Decimal("0.1"))
    assert rows["High-visibility patrol"][4] == expected


def test_a_new_record_shows_after_the_refresh_and_the_page_says_as_of_when(
    world: World, client: Client
) -> None:
    client.force_login(world.users["borough_manager"])
    url = reverse("epic:borough_dashboard", kwargs={"code": world.a1.borough.code})
    rollups.rebuild()
    before = client.get(url)
    assert "EPIC figures as of" in before.content.decode()
    _log(world, world.a1, timezone.localdate(), "arrest")
    rollups.mark_dirty([(world.a1.pk, timezone.localdate())])
    rollups.refresh()
    assert _shown_records(client.get(url).content.decode(), Category.ENFORCEMENT) == 1


def test_the_period_selector_and_a_bad_period(world: World, client: Client) -> None:
    today = timezone.localdate()
    _log(world, world.a1, today - dt.timedelta(days=200), "arrest")
    rollups.rebuild()
    client.force_login(world.users["central_analyst"])
    url = reverse("epic:london_dashboard")
    year = client.get(url, {"period": "12m"}).content.decode()
    month = client.get(url, {"period": "1m"}).content.decode()
    assert _shown_records(year, Category.ENFORCEMENT) == 1
    assert _shown_records(month, Category.ENFORCEMENT) == 0
    bad = client.get(url, {"period": "forever"})
    assert bad.status_code == 400
    assert "Choose a period from the list" in bad.content.decode()


def test_every_table_exports_as_csv(world: World, client: Client) -> None:
    _scatter(world, 40)
    client.force_login(world.users["borough_manager"])
    code = world.a1.borough.code
    assert client.get(reverse("epic:borough_dashboard", kwargs={"code": code})).status_code == 200
    board = dashboards.dashboard(Place.of_borough(world.a1.borough), dashboards.parse_period(None))
    assert {"epic_by_type", "ward_league", "strength", "panels", "stages", "confidence"} <= set(
        board.tables
    )
    for name, table in board.tables.items():
        response = client.get(reverse("epic:borough_export", kwargs={"code": code, "table": name}))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert tuple(rows[0]) == table.headers
        assert len(rows) == len(table.rows) + 1
    missing = reverse("epic:borough_export", kwargs={"code": code, "table": "nothing"})
    assert client.get(missing).status_code == 404


def test_the_ward_league_links_to_the_ward_dashboard(world: World, client: Client) -> None:
    rollups.rebuild()
    client.force_login(world.users["borough_manager"])
    page = client.get(reverse("epic:borough_dashboard", kwargs={"code": world.a1.borough.code}))
    ward_url = reverse("epic:ward_dashboard", kwargs={"code": world.a1.code})
    assert f'href="{ward_url}?period=12m"' in page.content.decode()
    assert client.get(ward_url).status_code == 200


def test_a_borough_manager_cannot_read_another_borough(world: World, client: Client) -> None:
    client.force_login(world.users["borough_manager"])
    code = world.b1.borough.code
    for name, kwargs in (
        ("epic:borough_dashboard", {"code": code}),
        ("epic:borough_export", {"code": code, "table": "ward_league"}),
        ("epic:borough_map", {"code": code}),
        ("epic:ward_dashboard", {"code": world.b1.code}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client.get(reverse("epic:london_dashboard")).status_code == 403


def test_map_data_is_geojson_with_measures(world: World, client: Client) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]],
    }
    world.a1.boundary = square
    world.a1.save()
    _log(world, world.a1, timezone.localdate(), "arrest")
    rollups.rebuild()
    client.force_login(world.users["borough_manager"])
    data = client.get(
        reverse("epic:borough_map", kwargs={"code": world.a1.borough.code}), {"period": "1m"}
    ).json()
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]  # Amber has no boundary: left off the map, kept in the table
    assert feature["properties"]["code"] == world.a1.code
    population = world.a1.population
    assert population
    assert feature["properties"]["measures"]["E"] == float(
        (Decimal(1000) / population).quantize(Decimal("0.1"))
    )
    assert feature["geometry"]["type"] == "Polygon"


def test_pas_results_sit_beside_engagement_by_quarter(world: World) -> None:
    today = timezone.localdate()
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    PasResult.objects.create(
        borough=world.a1.borough, quarter=quarter, measure=PasMeasure.GOOD_JOB, percent=71
    )
    PasResult.objects.create(
        borough=world.b1.borough, quarter=quarter, measure=PasMeasure.GOOD_JOB, percent=64
    )
    rollups.rebuild()
    period = dashboards.parse_period("1m")
    table = dashboards.build(Place.of_borough(world.a1.borough), period).table("confidence")
    good_job = table.headers.index(f"{PasMeasure.GOOD_JOB.label} %")
    assert table.rows[-1][good_job] == Decimal("71.0")
    london = dashboards.build(Place.london(), period).table("confidence")
    assert london.rows[-1][good_job] == Decimal("67.5")  # the mean of the boroughs


def test_the_query_count_does_not_grow_with_the_data(
    world: World, client: Client, query_count: Any
) -> None:
    client.force_login(world.users["central_analyst"])
    url = reverse("epic:london_dashboard")
    _scatter(world, 20, seed=2)
    cache.clear()
    with query_count() as small:
        assert client.get(url).status_code == 200
    _scatter(world, 200, seed=3, since=timezone.localdate() - dt.timedelta(days=500))
    cache.clear()
    with query_count() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    # Read from the cache, a page costs the session and the user; the verified authenticator
    # (an analyst signs in with a second factor), the user's grants, the place and the page's
    # sections come from the cache.
    with query_count() as cached:
        client.get(url)
    assert len(cached) <= 2, "\n".join(q["sql"][:90] for q in cached.captured_queries)
    # And never reads the raw records.
    assert not any("epic_activity" in q["sql"] for q in large.captured_queries)


def test_warming_builds_london_and_every_borough(world: World, query_count: Any) -> None:
    rollups.rebuild()
    assert dashboards.warm() == 3
    with query_count() as warmed:
        dashboards.body_html(Place.london(), dashboards.parse_period("12m"))
    assert len(warmed) == 0  # all from the cache, the rollups' generation included


@pytest.mark.parametrize("period_key", ["12m", "3m", "prev"])
def test_every_table_equals_the_same_table_computed_from_the_raw_records(
    world: World, period_key: str
) -> None:
    _scatter(world, 150, seed=7)
    # Edits and deletes after the rebuild, caught up by the incremental refresh.
    for activity in Activity.objects.order_by("pk")[:20]:
        old = (activity.ward_id, activity.date)
        activity.ward = world.b1
        activity.date = activity.date - dt.timedelta(days=3)
        activity.save()
        rollups.mark_dirty([old, (activity.ward_id, activity.date)])
    for activity in Activity.objects.order_by("-pk")[:10]:
        rollups.mark_dirty([(activity.ward_id, activity.date)])
        activity.delete()
    rollups.refresh()
    period = dashboards.parse_period(period_key)
    for place in (
        Place.london(),
        Place.of_borough(world.a1.borough),
        Place.of_borough(world.b1.borough),
        Place.of_ward(world.a2),
    ):
        summaries = dashboards.build(place, period)
        raw = dashboards.build(place, period, source=dashboards.RAW)
        for name in summaries.tables:
            assert summaries.tables[name].rows == raw.tables[name].rows, (place, name)


def test_beat_warms_the_dashboards_every_five_minutes(world: World) -> None:
    from snt_portal.celery import app

    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "epic.tasks.warm_dashboards"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"].minute == set(range(0, 60, 5))
    from epic import tasks

    assert tasks.warm_dashboards() == 3  # London and the two boroughs


def test_the_menu_offers_the_london_dashboard_to_the_central_unit_only(
    world: World, client: Client
) -> None:
    url = reverse("epic:london_dashboard")
    for role, shown in (("central_analyst", True), ("admin", True), ("borough_manager", False)):
        client.force_login(world.users[role])
        assert (f'href="{url}"' in client.get(reverse("home")).content.decode()) is shown, role
