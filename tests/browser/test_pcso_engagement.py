"""A PCSO on a phone logs a street briefing with two concerns; they appear in the ward's
public preferences."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engagement.models import Concern
from tests.browser.signin import sign_in
from tests.world import World

pytestmark = pytest.mark.browser


def test_pcso_logs_a_street_briefing_with_two_concerns(
    transactional_db: None, world: World, live_server, phone, screenshot
) -> None:
    page = phone
    sign_in(page, live_server.url, "pcso")

    # One tap from anywhere: the menu's "Log engagement" goes to the PCSO's own ward.
    page.goto(live_server.url + reverse("engagement:event_start"))
    page.wait_for_url(f"**/wards/{world.a1.code}/engagement/new/")
    page.get_by_label("Type of engagement").select_option(label="Street briefing")
    page.get_by_label("Place").fill("Corner of Station Road")
    page.get_by_label("How many people took part?").fill("9")
    # Today, now and the PCSO themselves are already filled in.
    assert page.get_by_label(world.users["pcso"].display_name).is_checked()

    page.get_by_label("Concern", exact=True).first.select_option(
        label="Anti-social behaviour: groups of youths"
    )
    page.get_by_label("What was said").first.fill("Teenagers gathering on the benches at night")
    page.get_by_text("Add concern 2").click()
    second = page.locator("details").nth(0)
    second.get_by_label("Concern", exact=True).select_option(label="Drugs: dealing and use")
    second.get_by_label("What was said").fill("Dealing from a car in the station car park")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "1-form")
    page.get_by_role("button", name="Save").click()

    assert page.get_by_text("Street briefing logged for Alpha with 2 concerns.").is_visible()
    screenshot(page, "2-logged")
    assert Concern.objects.filter(ward=world.a1, event__kind="street_briefing").count() == 2

    page.goto(live_server.url + reverse("engagement:preferences", kwargs={"code": world.a1.code}))
    table = page.get_by_role("table")
    assert table.get_by_role(
        "rowheader", name="Anti-social behaviour: groups of youths"
    ).is_visible()
    assert table.get_by_role("rowheader", name="Drugs: dealing and use").is_visible()
    assert page.get_by_text("Dealing from a car in the station car park").is_visible()
    screenshot(page, "3-preferences")
