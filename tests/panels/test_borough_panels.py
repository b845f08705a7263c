"""A borough's panels: how many wards have one, how many are community-led, the list each
user may see; and query budgets for the panel and borough pages that do not grow with data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import Panel, PanelMembership
from tests.factories import PanelFactory, WardFactory
from tests.panels.support import content, meeting, role_client, seat
from tests.world import World

pytestmark = pytest.mark.django_db


def borough_url(world: World) -> str:
    return reverse("panels:borough_panels", kwargs={"code": world.a1.borough.code})


def panel_url(world: World) -> str:
    return reverse("panels:panel_detail", kwargs={"code": world.a1.code})


def coverage_text(page: str) -> str:
    return page.split("Neighbourhood panels", 2)[2].split("Panels", 1)[0].strip()


def test_the_borough_page_counts_coverage_and_who_leads(world: World) -> None:
    client = role_client(world, "borough_manager")
    page = content(client.get(borough_url(world)))
    assert coverage_text(page) == "Wards with a panel 1 of 2 Community-led 1 Police-led 0"

    # Amber gets a police-led panel; a third ward a panel with no chair yet.
    amber = PanelFactory.create(ward=world.a2)
    seat(amber, user=world.users["sergeant"], position="chair", is_police=True)
    third = WardFactory.create(name="Aspen", borough=world.a1.borough)
    PanelFactory.create(ward=third)
    # A ward no longer in force is not counted, nor is its panel.
    old = WardFactory.create(
        name="Oldtown", borough=world.a1.borough, valid_from=dt.date(2014, 5, 22),
        valid_to=dt.date(2022, 5, 5),
    )  # fmt: skip
    PanelFactory.create(ward=old)

    page = content(client.get(borough_url(world)))
    assert coverage_text(page) == (
        "Wards with a panel 3 of 3 Community-led 1 Police-led 1 Without a chair 1"
    )
    _, _, listing = page.partition("Next meeting")
    assert "Alpha Community-led 2" in listing
    assert "Amber Police-led 1" in listing
    assert "Aspen No chair 0" in listing
    assert "Oldtown" not in listing


def test_a_chair_who_left_leaves_the_panel_without_a_chair(world: World) -> None:
    chair = world.panel_a1.memberships.get(position="chair")
    services.end_membership(
        acting_user=None, membership=chair, term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    page = content(role_client(world, "borough_manager").get(borough_url(world)))
    assert (
        coverage_text(page)
        == "Wards with a panel 1 of 2 Community-led 0 Police-led 0 Without a chair 1"
    )


def test_the_list_shows_the_panels_the_user_may_see_and_the_counts_the_whole_borough(
    world: World,
) -> None:
    amber = PanelFactory.create(ward=world.a2)
    seat(amber, name="Quinn Amber", position="chair")
    upcoming = meeting(world.panel_a1, days=-12)
    held = meeting(world.panel_a1, days=20)

    member = content(role_client(world, "panel_member").get(borough_url(world)))
    assert coverage_text(member) == "Wards with a panel 2 of 2 Community-led 2 Police-led 0"
    assert "You can see 1 of the borough's 2 panels: those of your own ward." in member
    assert "Amber" not in member.partition("Next meeting")[2]

    manager = content(role_client(world, "borough_manager").get(borough_url(world)))
    assert "You can see" not in manager
    last, nxt = (timezone.localtime(m.scheduled_at).date() for m in (held, upcoming))
    assert f"Alpha Community-led 2 {last.day} {last:%b %Y} {nxt.day} {nxt:%b %Y}" in manager
    assert "Amber Community-led 1 – None scheduled" in manager


def test_another_borough_is_not_shown(world: World) -> None:
    url = reverse("panels:borough_panels", kwargs={"code": world.b1.borough.code})
    assert role_client(world, "borough_manager").get(url).status_code == 404


# Query budgets --------------------------------------------------------------------------------


def grow_panel(panel: Panel, n: int) -> None:
    """``n`` more members with declarations, former members, meetings with attendance."""
    today = timezone.localdate()
    for i in range(n):
        m = seat(panel, name=f"Extra Member{i}")
        services.save_declaration(acting_user=m.user, membership=m, answers={"sex": "female"})
        gone = seat(panel, name=f"Gone Member{i}", term_start=today - dt.timedelta(days=300))
        gone.term_end = today - dt.timedelta(days=10)
        gone.save()
        held = meeting(panel, days=30 + 40 * i)
        services.draft_minutes(acting_user=None, meeting=held, minutes="Minutes")
        members = PanelMembership.objects.current(timezone.localdate(held.scheduled_at))
        for membership in members.filter(panel=panel):
            held.attendance.create(membership=membership, status="present")
        meeting(panel, days=-5 - i)


def queries_for(query_count: Callable[[], Any], client: Any, url: str) -> tuple[int, list[str]]:
    with query_count() as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


PANEL_PAGE_BUDGET = 21
BOROUGH_PAGE_BUDGET = 17


def test_the_panel_page_has_a_query_budget(world: World, query_count: Any) -> None:
    client = role_client(world, "panel_chair")
    client.get(panel_url(world))  # warm the session and the user's scope
    grow_panel(world.panel_a1, 1)
    small, _ = queries_for(query_count, client, panel_url(world))
    grow_panel(world.panel_a1, 6)
    large, sql = queries_for(query_count, client, panel_url(world))
    assert large == small, "\n".join(sql)
    assert large <= PANEL_PAGE_BUDGET, "\n".join(sql)
    page = content(client.get(panel_url(world)))
    assert "Extra Member5" in page and "Former members (7)" in page


def test_the_borough_page_has_a_query_budget(world: World, query_count: Any) -> None:
    client = role_client(world, "borough_manager")
    client.get(borough_url(world))
    grow_panel(world.panel_a1, 1)
    small, _ = queries_for(query_count, client, borough_url(world))
    for i in range(6):
        ward = WardFactory.create(name=f"Acre {i}", borough=world.a1.borough)
        panel = PanelFactory.create(ward=ward)
        seat(panel, position="chair", is_police=i % 2 == 0)
        grow_panel(panel, 2)
    large, sql = queries_for(query_count, client, borough_url(world))
    assert large == small, "\n".join(sql)
    assert large <= BOROUGH_PAGE_BUDGET, "\n".join(sql)
    assert coverage_text(content(client.get(borough_url(world)))).startswith(
        "Wards with a panel 7 of 8 Community-led 4 Police-led 3"
    )
