"""Every main page works in Chromium under the Content Security Policy: no
`securitypolicyviolation` event and no console error on any of them (the map draws, Swagger UI
draws, the admin works), and the evidence pack's print button still prints."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from tests.browser.signin import sign_in
from tests.factories import MeetingFactory
from tests.world import World

pytestmark = pytest.mark.browser

# Runs in every document before the page's own scripts: counts calls to window.print (stubbed,
# since a headless browser has no print dialogue) and reports every policy violation to Python.
INIT_SCRIPT = """
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber}) on ${document.location.pathname}`
  );
}, true);
"""


@dataclass
class Watcher:
    """What went wrong in a browser context's pages, as readable lines."""

    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _watched_page(browser, watcher: Watcher):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_binding("reportViolation", lambda _source, line: watcher.violations.append(line))
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.on("pageerror", lambda exc: watcher.errors.append(f"{page.url}: {exc}"))

    def console(message) -> None:
        if message.type == "error":
            watcher.errors.append(f"{page.url}: {message.text}")

    page.on("console", console)
    return page


def _square(x: float, y: float) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]],
    }


def test_main_pages_break_no_rule_of_the_policy_and_printing_still_works(
    transactional_db: None, world: World, live_server, browser
) -> None:
    world.a1.boundary, world.a2.boundary = _square(-0.1, 51.5), _square(-0.09, 51.5)
    world.a1.save()
    world.a2.save()
    meeting = MeetingFactory.create(panel=world.panel_a1)
    a1, borough = world.a1.code, world.a1.borough.code
    watcher = Watcher()

    def visit(page, url: str) -> None:
        response = page.goto(live_server.url + url, wait_until="networkidle")
        assert response is not None and response.status == 200, (url, response)

    # Signed out: the sign-in page and the public pages.
    page = _watched_page(browser, watcher)
    visit(page, reverse("priorities:public_ward", kwargs={"code": a1}))
    visit(page, reverse("engagement:public_concern", kwargs={"code": a1}))
    visit(page, reverse("login"))

    # A sergeant: the ward's pages, the forms, the panel and its evidence pack.
    sign_in(page, live_server.url, "sergeant")
    for url in (
        reverse("home"),
        reverse("wards:ward_detail", kwargs={"code": a1}),
        reverse("epic:ward_dashboard", kwargs={"code": a1}),
        reverse("epic:activity_create", kwargs={"code": a1}),
        reverse("engagement:event_create", kwargs={"code": a1}),
        reverse("panels:panel_detail", kwargs={"code": a1}),
        reverse("panels:meeting_detail", kwargs={"pk": meeting.pk}),
        reverse("api:docs"),
    ):
        visit(page, url)
        if url == reverse("api:docs"):
            page.wait_for_selector(".opblock", timeout=20_000)

    visit(page, reverse("panels:evidence_pack", kwargs={"pk": meeting.pk}))
    page.get_by_role("button", name="Print the evidence pack").click()
    assert page.evaluate("window.__printed") == 1
    page.context.close()

    # An administrator (with the second factor): the dashboards with the map, the admin site.
    page = _watched_page(browser, watcher)
    sign_in(page, live_server.url, "admin")
    visit(page, reverse("epic:borough_dashboard", kwargs={"code": borough}))
    # The ward map: Leaflet draws both wards' boundaries, styling them through the CSSOM.
    page.locator(".snt-map .leaflet-interactive").nth(1).wait_for()
    for url in (
        reverse("epic:london_dashboard"),
        reverse("admin:index"),
        reverse("admin:wards_ward_change", args=[world.a1.pk]),
        reverse("admin:wards_posting_changelist"),
        reverse("admin:wards_posting_history", args=[world.posting_a1.pk]),
    ):
        visit(page, url)
    page.context.close()

    assert watcher.violations == []
    assert watcher.errors == []
