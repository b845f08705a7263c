"""The API documentation in a real browser: Swagger UI (from drf-spectacular-sidecar) draws
every operation from /api/schema/ with no script error, and "Try it out" on a signed-in
session sends the CSRF token, so a write made from the page is accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from epic.models import Activity
from tests.browser.signin import sign_in
from tests.world import World

pytestmark = pytest.mark.browser


def test_the_docs_page_draws_the_api_and_its_writes_carry_the_csrf_token(
    transactional_db: None,
    world: World,
    live_server,
    browser,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, live_server.url, "pcso")
    page.goto(live_server.url + reverse("api:docs"))
    page.wait_for_selector(".opblock", timeout=20_000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/epic/activities/" in " ".join(summaries)
    assert page.locator(".opblock").count() >= 20
    assert errors == []

    # Log a record from the page with the session, as a person trying the API would.
    post = page.locator("#operations-epic-epic_activities_create")
    post.locator(".opblock-summary").click()
    post.get_by_role("button", name="Try it out").click()
    post.locator("textarea.body-param__text").fill(
        f'{{"ward": "{world.a1.code}", "type": "arrest", "quantity": 1}}'
    )
    with page.expect_response(lambda r: r.url.endswith("/api/v1/epic/activities/")) as answer:
        post.get_by_role("button", name="Execute").click()
    assert answer.value.status == 201
    assert Activity.objects.get().created_by == world.users["pcso"]
    context.close()
