"""A sergeant on a phone: sign in, see the ward's team, record an abstraction, see it listed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.signin import sign_in
from tests.world import World
from wards.models import Abstraction

pytestmark = pytest.mark.browser


def test_sergeant_records_an_abstraction_on_a_phone(
    transactional_db: None,
    world: World,
    live_server,
    phone,
    screenshot,
) -> None:
    page = phone
    page.goto(live_server.url + reverse("home"))
    assert "/sign-in/" in page.url

    screenshot(page, "1-sign-in")
    sign_in(page, live_server.url, "sergeant")

    # Home lists the sergeant's ward; follow it to the team.
    page.get_by_role("link", name="Alpha").click()
    page.wait_for_url(f"**/wards/{world.a1.code}/")
    team = page.get_by_role("table", name="Current postings")
    for role in ("pcso", "pc", "sergeant", "inspector"):
        assert team.get_by_role(
            "cell", name=world.users[role].display_name, exact=True
        ).is_visible()
    assert page.get_by_text(world.posting_b1.person.display_name).count() == 0
    # Nothing overflows a 360px screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "2-ward")

    page.get_by_role("link", name="Record an abstraction").first.click()
    pcso = world.users["pcso"].display_name
    page.get_by_label("Officer").select_option(label=f"{pcso} (PCSO)")
    page.get_by_label("Hours off ward duty").fill("7.5")
    page.get_by_label("Public order, protest or major event").check()
    page.get_by_role("textbox", name="Details").fill("Aid to Notting Hill Carnival")
    # Date defaults to today and "authorised by" to the sergeant, who is signed in.
    screenshot(page, "3-form")
    page.get_by_role("button", name="Record abstraction").click()

    page.wait_for_url(f"**/wards/{world.a1.code}/abstractions/")
    assert page.get_by_text(f"Recorded 7.5 hours off ward duty for {pcso}").is_visible()
    recorded = page.get_by_role("table", name="Abstractions")
    assert recorded.get_by_text("Aid to Notting Hill Carnival").is_visible()
    screenshot(page, "4-listed")

    abstraction = Abstraction.objects.get()
    assert abstraction.posting == world.posting_a1
    assert abstraction.authorised_by == world.users["sergeant"]


def test_form_errors_are_shown_and_input_kept_on_a_phone(
    transactional_db: None,
    world: World,
    live_server,
    phone,
    screenshot,
) -> None:
    page = phone
    sign_in(page, live_server.url, "sergeant")
    page.goto(live_server.url + reverse("wards:abstraction_create", kwargs={"code": world.a1.code}))
    page.get_by_label("Hours off ward duty").fill("30")
    page.get_by_label("Other (give details)").check()
    page.get_by_role("button", name="Record abstraction").click()

    summary = page.get_by_role("alert")
    assert summary.get_by_text("There is a problem").is_visible()
    assert summary.get_by_text("Hours cannot be more than 24 in one day").is_visible()
    assert summary.get_by_text("Say why the officer was abstracted").is_visible()
    assert page.get_by_label("Hours off ward duty").input_value() == "30"
    screenshot(page, "errors")
    assert not Abstraction.objects.exists()
