"""A borough manager reads the borough dashboard: the map draws the wards with no map tiles,
the period changes the figures, a ward in the league table opens its own dashboard, and a
table downloads as CSV."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from epic import rollups
from epic.catalogue import TYPES
from epic.models import Activity
from tests.browser.signin import sign_in
from tests.world import World

pytestmark = pytest.mark.browser


def _square(x: float, y: float) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]],
    }


def test_a_borough_manager_reads_changes_period_drills_down_and_downloads(
    transactional_db: None, world: World, live_server, browser, screenshot, tmp_path
) -> None:
    world.a1.boundary, world.a2.boundary = _square(-0.1, 51.5), _square(-0.09, 51.5)
    world.a1.save()
    world.a2.save()
    today = timezone.localdate()
    officer = world.users["pcso"]
    for days_ago, ward in [(0, world.a1), (2, world.a1), (200, world.a2)]:
        Activity.objects.create(
            officer=officer,
            ward=ward,
            date=today - dt.timedelta(days=days_ago),
            type="arrest",
            category=TYPES["arrest"].category,
            quantity=Decimal(1),
            created_by=officer,
        )
    rollups.rebuild()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server.url, "borough_manager")
    page.goto(
        live_server.url + reverse("epic:borough_dashboard", kwargs={"code": world.a1.borough.code})
    )
    assert page.get_by_role("heading", level=1).inner_text().endswith("last 12 months")
    enforcement = page.locator("#table-epic_by_category tbody tr").first
    assert enforcement.locator("td").first.inner_text() == "3"
    # The map: both wards drawn as shapes, shaded by the chosen measure; no tiles requested.
    page.locator(".snt-map .leaflet-interactive").nth(1).wait_for()
    assert page.locator(".snt-map .leaflet-interactive").count() == 2
    assert page.locator(".leaflet-tile").count() == 0
    page.get_by_label("Shade wards by").select_option("E")
    assert (
        "Enforcement records per 1,000 residents" in page.locator(".snt-map__legend").inner_text()
    )
    screenshot(page, "1-borough")

    # A shorter period: only this month's records.
    page.get_by_label("Period").select_option("3m")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("last 3 months")
    enforcement = page.locator("#table-epic_by_category tbody tr").first
    assert enforcement.locator("td").first.inner_text() == "2"

    # Drill into Alpha from the league table, keeping the period.
    page.locator("#table-ward_league").get_by_role("link", name="Alpha").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha: last 3 months"
    assert (
        page.locator("#table-epic_by_category tbody tr").first.locator("td").first.inner_text()
        == "2"
    )
    screenshot(page, "2-ward")

    # Download the ward's activity by type as CSV.
    page.get_by_text("Every type of activity").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “EPIC activity by type” as CSV").click()
    path = tmp_path / "by-type.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["Category", "Type", "Records", "Quantity", "Quantity per 1,000 residents"]
    assert rows[1][:3] == ["Enforcement", "Arrest", "2"]
    context.close()
