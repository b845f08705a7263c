"""Accessibility, measured: an axe-core scan of every page, and each role's main task done
end to end with the keyboard alone, on a phone (360x740, touch) and on a desktop (1280x800).

The pages scanned come from the permission matrix (tests/test_permission_matrix.py and
tests/permission_rows/): every GET row, not a cross-ward variant, that answers with HTML,
seen by a role that may open it; plus every role's home page, the second factor's pages and
Django's admin. Any serious or critical violation fails, except the few rules listed below
that fail only inside markup we do not write (Django's admin, Swagger UI), on those pages.

The journeys sign in, move, type, tick and press with the keyboard alone: ``tab_to`` presses
Tab until the control has the focus (failing if it never does), so every control used is shown
to be reachable; the GOV.UK focus style is checked on each link and button pressed. Only the
first page of the public's and the panel member's journeys is opened by address (a link on a
leaflet, the ballot's link). Screenshots of the key steps go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from engagement.models import Concern, EngagementEvent
from epic import rollups
from epic.catalogue import TYPES
from epic.models import Activity
from panels.models import Attendance, Meeting, PanelMembership
from priorities.models import Ballot, BallotPaper, Candidate, Priority, PrioritySource
from snt_portal.otp import requires_second_factor
from tests.browser.a11y import (
    IS_FOCUSED,
    activate,
    assert_accessible,
    axe_violations,
    blocking,
    choose_option,
    choose_radio,
    describe,
    focus_is_visible,
    tab_to,
    type_into,
)
from tests.browser.signin import sign_in
from tests.factories import MeetingFactory, RoleAssignmentFactory, UserFactory
from tests.otp import code_for, device_for
from tests.test_permission_matrix import MATRIX
from tests.world import ROLES, World
from wards.models import Posting, RoleAssignment

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}

# Who looks at a page in the scan: anyone may, if the public may; else the first of these.
VIEWERS = ROLES[1:]

# Matrix rows that are not pages: data, files and actions. The scan checks this list is exact,
# so a new page cannot slip out of the scan by being mistaken for data.
NOT_PAGES = {
    "healthz",  # plain-text health check
    "logout",  # POST only
    "engagement:analysis_create",  # POST only
    "priorities:ballot_open",  # POST only
    "api:token_obtain",  # POST only
    "epic:london_export",  # CSV
    "epic:borough_export",
    "epic:ward_export",
    "epic:london_map",  # GeoJSON for the map
    "epic:borough_map",
    "epic:ward_map",
    "epic:activity_upload_template",  # CSV
    "privacy:kin_export",  # JSON download
    "privacy:member_export",
}


# Django's admin is Django's own markup and style sheet (its breadcrumbs' links, told apart by
# colour alone, are underlined by static/css/admin-accessibility.css). One serious rule fails
# there on markup we do not write; it is allowed on /admin/ pages only, every other rule applies:
DJANGO_ADMIN_NOT_OURS = {
    # The change list's search box is labelled by a magnifier icon whose alt text is "Search"
    # (admin/search_form.html), not by visible text.
    "label-title-only",
}


# Whole namespaces that are data, not pages: the JSON API (but for its token page and its
# documentation) and the police.uk-shaped open data.
DATA_NAMESPACES = ("api:", "opendata:")
PAGES_AMONG_DATA = {"api:token_page", "api:docs"}


def is_page(row: str) -> bool:
    name = row.split("[")[0]
    if name in NOT_PAGES:
        return False
    return name in PAGES_AMONG_DATA or not name.startswith(DATA_NAMESPACES)


# The API's documentation page is Swagger UI (drf-spectacular's sidecar), drawn by its own
# script and style sheet. Two serious rules fail inside it, on markup we do not write: its
# operation headers are buttons holding buttons, and its method badges and grey text are below
# 4.5:1. Allowed on that page only; the page's own header, footer and text are still checked.
SWAGGER_UI_NOT_OURS = {"nested-interactive", "color-contrast"}


def _not_ours(url: str, violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if url.startswith(reverse("admin:index")):
        return [v for v in violations if v["id"] not in DJANGO_ADMIN_NOT_OURS]
    if url == reverse("api:docs"):
        return [v for v in violations if not _all_inside_swagger(v)]
    return violations


def _all_inside_swagger(violation: dict[str, Any]) -> bool:
    return violation["id"] in SWAGGER_UI_NOT_OURS and all(
        node["inside_swagger"] for node in violation["nodes"]
    )


def _viewer(expected: tuple[int, ...]) -> str | None:
    statuses = dict(zip(ROLES, expected, strict=True))
    if statuses["anonymous"] == 200:
        return "anonymous"
    return next((role for role in VIEWERS if statuses[role] == 200), None)


def pages(world: World) -> list[tuple[str, str, str]]:
    """(row, role, url) for every page in the matrix, plus home for every role."""
    found = []
    for row, (method, target, expected) in sorted(MATRIX.items()):
        if "[" in row or not is_page(row) or method != "get":
            continue
        role = _viewer(expected)
        if role is None:  # nobody may open it (a 404 or 400 row): nothing to look at
            assert 200 not in expected, row
            continue
        if row == "home":
            continue
        found.append((row, role, reverse(row, kwargs=target(world))))
    found += [("home", role, reverse("home")) for role in VIEWERS]
    # Django's admin, for the administrator: its index and one list of each kind.
    found += [("admin:index", "admin", reverse("admin:index"))]
    found += [
        (
            f"admin:{m._meta.model_name}",
            "admin",
            reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"),
        )
        for m in admin.site._registry
    ]
    return found


@pytest.mark.parametrize("size", SIZES)
def test_every_page_has_no_serious_or_critical_axe_violations(
    transactional_db: None, world: World, live_server, browser, size: str
) -> None:
    by_role: dict[str, list[tuple[str, str]]] = {}
    for row, role, url in pages(world):
        by_role.setdefault(role, []).append((row, url))
    failures, not_html = [], set()
    for role, rows in by_role.items():
        context = browser.new_context(**SIZES[size])
        page = context.new_page()
        if role == "anonymous":
            page.goto(live_server.url + reverse("login"))
            found = blocking(axe_violations(page))
            if found:
                failures.append(describe(found, f"login as anonymous at {size}"))
            # The second factor's set-up page, which a new analyst sees after their password.
            newcomer = UserFactory.create()
            RoleAssignmentFactory.create(user=newcomer, role=RoleAssignment.Role.CENTRAL_ANALYST)
            page.get_by_label("Username").fill(newcomer.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"**{reverse('otp_enrol')}**")
            found = blocking(axe_violations(page))
            if found:
                failures.append(describe(found, f"{page.url} (otp_enrol, {size})"))
            context.clear_cookies()
        else:
            sign_in(page, live_server.url, role)
        for row, url in rows:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, (row, role, url)
            if "text/html" not in response.headers.get("content-type", ""):
                not_html.add(row)
                continue
            if row == "api:docs":  # Swagger UI draws the operations after the page loads
                page.locator(".swagger-ui .opblock").first.wait_for()
            found = _not_ours(url, blocking(axe_violations(page)))
            if found:
                failures.append(describe(found, f"{url} ({row}, as {role}, {size})"))
        context.close()
    assert not_html == set(), "pages in the matrix that are not HTML: add them to NOT_PAGES"
    assert not failures, "\n".join(failures)


def test_what_is_not_scanned_is_not_a_page(world: World, client) -> None:
    """Every row left out of the scan answers with something other than HTML (or is POST)."""
    for row in sorted(MATRIX):
        method, target, expected = MATRIX[row]
        if "[" in row or is_page(row) or method != "get":
            continue
        role = _viewer(expected)
        if role is None:  # nobody gets a 200: a bad-request row such as opendata's
            assert 200 not in expected, row
            continue
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(reverse(row, kwargs=target(world)))
        assert response.status_code == 200, (row, role)
        assert "text/html" not in response["Content-Type"], row


# --- journeys: each role's main task, keyboard alone, on a phone and on a desktop ---------------


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser, size: str):
    context = browser.new_context(**SIZES[size], accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def keyboard_sign_in(page: Any, base: str, user: Any) -> None:
    """Sign in with the keyboard alone: username, password, and the second factor's code for
    the roles that need one (from the user's authenticator app, set up beforehand)."""
    if requires_second_factor(user):
        device_for(user)
    if urlsplit(page.url).path != reverse("login"):
        page.goto(base + reverse("login"))
    type_into(page, page.get_by_label("Username"), user.username)
    type_into(page, page.get_by_label("Password"), PASSWORD)
    button = page.get_by_role("button", name="Sign in")
    tab_to(page, button)
    assert focus_is_visible(button), "the Sign in button shows no GOV.UK focus style"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if urlsplit(page.url).path == reverse("otp_verify"):
        assert_accessible(page)
        code = page.get_by_label("Code from your authenticator app")
        type_into(page, code, code_for(device_for(user)))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert urlsplit(page.url).path not in (reverse("login"), reverse("otp_verify")), page.url


def success_banner(page: Any) -> str:
    """The success message's text; the page showing it is scanned by axe as well."""
    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    assert_accessible(page)
    return str(banner.inner_text())


def follow(page: Any, link: Any, limit: int = 80, govuk: bool = True) -> None:
    """Tab to a link, check its focus is visible, and follow it with Enter.

    ``govuk=False`` for Django's admin, which has its own focus outline, not GOV.UK's.
    """
    tab_to(page, link, limit)
    if govuk:
        assert focus_is_visible(link.first), f"{link} shows no GOV.UK focus style"
    else:
        assert link.first.evaluate("e => getComputedStyle(e).outlineStyle") != "none", link
    with page.expect_navigation():
        page.keyboard.press("Enter")


def submit(page: Any, button: Any) -> None:
    """Tab to a button, check its focus is visible, and press Enter."""
    tab_to(page, button)
    assert focus_is_visible(button.first), f"{button} shows no GOV.UK focus style"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def open_menu(page: Any) -> None:
    """On a phone the service navigation is behind its Menu button: open it by keyboard."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        tab_to(page, toggle)
        page.keyboard.press("Enter")


def menu(page: Any, name: str) -> None:
    """Follow a link in the service navigation, opening the menu first on a phone."""
    open_menu(page)
    follow(
        page, page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)
    )


def fits(page: Any, size: str) -> None:
    if size == "phone":
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 360
                        && (!e.closest('.snt-table-scroll') || e.matches('.snt-table-scroll')))
                .slice(0, 4).map(e => e.outerHTML.slice(0, 150) + getComputedStyle(e).overflowX)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide


def test_member_of_the_public_sends_a_concern(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    # The form allows five submissions an hour from one address (django-ratelimit, counted in
    # the cache): start this run's count afresh.
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].clear()
    page.goto(
        live_server.url + reverse("engagement:public_concern", kwargs={"code": world.a1.code})
    )
    # The skip link is the first thing a keyboard user reaches, and it is visible when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate(IS_FOCUSED) and focus_is_visible(skip)
    first = page.locator("fieldset").first
    choose_option(page, first.get_by_label("What is it about?"), "Drugs: dealing and use")
    type_into(page, first.get_by_label("What is happening?"), "Dealing by the station at night")
    type_into(page, first.get_by_label("Where? (optional)"), "Station Road")
    fits(page, size)
    screenshot(page, "1-form")
    submit(page, page.get_by_role("button", name="Send"))
    assert page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "2-sent")
    assert urlsplit(page.url).path == reverse(
        "engagement:public_concern_thanks", kwargs={"code": world.a1.code}
    )
    concern = Concern.objects.get(ward=world.a1, text="Dealing by the station at night")
    assert concern.category == "drugs"
    assert_accessible(page)


def test_pcso_logs_epic_activity_and_an_engagement_event(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    keyboard_sign_in(page, live_server.url, world.users["pcso"])
    menu(page, "Log activity")
    assert urlsplit(page.url).path == reverse(
        "epic:activity_create", kwargs={"code": world.a1.code}
    )
    choose_option(page, page.get_by_label("Activity", exact=True), "Arrest")
    type_into(page, page.get_by_label("How many (or hours)"), "2", clear=True)
    screenshot(page, "1-epic-form")
    submit(page, page.get_by_role("button", name="Save", exact=True))
    assert "Logged: Arrest x 2" in success_banner(page)
    activity = Activity.objects.get(ward=world.a1, type="arrest")
    assert activity.quantity == 2 and activity.officer == world.users["pcso"]
    screenshot(page, "2-epic-logged")

    menu(page, "Log engagement")
    choose_option(page, page.get_by_label("Type of engagement"), "Street briefing")
    type_into(page, page.get_by_label("Place"), "Corner of Station Road")
    type_into(page, page.get_by_label("How many people took part?"), "9")
    choose_option(
        page,
        page.get_by_label("Concern", exact=True).first,
        "Anti-social behaviour: groups of youths",
    )
    type_into(page, page.get_by_label("What was said").first, "Groups on the benches at night")
    fits(page, size)
    screenshot(page, "3-engagement-form")
    submit(page, page.get_by_role("button", name="Save", exact=True))
    assert "Street briefing logged for Alpha" in success_banner(page)
    screenshot(page, "4-engagement-logged")
    event = EngagementEvent.objects.get(ward=world.a1, place="Corner of Station Road")
    assert event.concerns.get().text == "Groups on the benches at night"


def test_pc_logs_a_whole_shift(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    keyboard_sign_in(page, live_server.url, world.users["pc"])
    menu(page, "Log activity")
    follow(page, page.get_by_role("link", name="Log a whole shift at once"))
    first, second = (
        page.locator("fieldset", has_text="Activity 1"),
        page.locator("fieldset", has_text="Activity 2"),
    )
    choose_option(
        page, first.get_by_label("Activity", exact=True), "High-visibility patrol (hours)"
    )
    type_into(page, first.get_by_label("How many (or hours)"), "3.5", clear=True)
    choose_option(page, second.get_by_label("Activity", exact=True), "Stop and search")
    type_into(page, second.get_by_label("How many (or hours)"), "2", clear=True)
    fits(page, size)
    screenshot(page, "1-shift")
    submit(page, page.get_by_role("button", name="Save the shift"))
    assert f"Logged 2 activities for {world.users['pc'].display_name}" in success_banner(page)
    screenshot(page, "2-logged")
    logged = dict(
        Activity.objects.filter(officer=world.users["pc"]).values_list("type", "quantity")
    )
    assert logged == {"patrol_hours": Decimal("3.5"), "stop_search": Decimal(2)}


def test_sergeant_adds_a_posting_to_the_team(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    keyboard_sign_in(page, live_server.url, world.users["sergeant"])
    follow(page, page.get_by_role("link", name="Alpha", exact=True))
    follow(page, page.get_by_role("link", name="Add a posting"))
    type_into(page, page.get_by_label("Full name"), "Priya Shah")
    choose_radio(page, page.get_by_label("PCSO", exact=True))
    fits(page, size)
    screenshot(page, "1-form")
    submit(page, page.get_by_role("button", name="Add posting"))
    assert "Priya Shah is posted to Alpha as PCSO" in success_banner(page)
    team = page.get_by_role("table", name="Current postings")
    assert team.get_by_role("cell", name="Priya Shah", exact=True).is_visible()
    screenshot(page, "2-listed")
    posted = Posting.objects.filter(team=world.team_a1, role=Posting.Role.PCSO)
    assert "Priya Shah" in [p.person.display_name for p in posted]


def test_inspector_adds_an_action_to_a_priority(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    priority = Priority.objects.create(
        ward=world.a1,
        issue="Groups gathering by the shops",
        category="asb_youths",
        source=PrioritySource.COMMUNITY,
        issue_date=timezone.localdate(),
    )
    keyboard_sign_in(page, live_server.url, world.users["inspector"])
    follow(page, page.get_by_role("link", name="Alpha", exact=True))
    follow(page, page.get_by_role("link", name="Priorities, plans and reviews"), limit=120)
    follow(page, page.get_by_role("link", name="Add action for Groups gathering by the shops"))
    type_into(page, page.get_by_label("What will be done"), "Weekly evening patrols")
    choose_option(
        page, page.get_by_label("Owner on the team"), world.users["sergeant"].display_name
    )
    fits(page, size)
    screenshot(page, "1-form")
    submit(page, page.get_by_role("button", name="Add action"))
    assert "The action is added to the plan." in success_banner(page)
    assert page.get_by_text("Weekly evening patrols").first.is_visible()
    screenshot(page, "2-planned")
    action = priority.actions.get()
    assert action.owner == world.users["sergeant"]


def test_panel_member_votes_in_a_ballot(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    meeting = MeetingFactory.create(panel=world.panel_a1)
    seat = PanelMembership.objects.get(user=world.users["panel_member"])
    Attendance.objects.create(meeting=meeting, membership=seat, status=Attendance.Status.PRESENT)
    ballot = Ballot.objects.create(
        meeting=meeting, status=Ballot.Status.OPEN, opened_at=timezone.now()
    )
    for n, (issue, category) in enumerate([("Burglary", "burglary"), ("Speeding", "road_safety")]):
        Candidate.objects.create(ballot=ballot, issue=issue, category=category, order=n)
    page.goto(live_server.url + reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk}))
    keyboard_sign_in(page, live_server.url, world.users["panel_member"])
    assert urlsplit(page.url).path == reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk})
    tab_to(page, page.get_by_label("Burglary", exact=True))
    page.keyboard.press("Space")
    assert page.get_by_label("Burglary", exact=True).is_checked()
    fits(page, size)
    screenshot(page, "1-ballot")
    submit(page, page.get_by_role("button", name="Cast my vote"))
    assert page.get_by_role("heading", name="You have voted").is_visible()
    screenshot(page, "2-voted")
    assert BallotPaper.objects.get(ballot=ballot).voter == seat
    burglary, speeding = ballot.candidates.order_by("order")
    approvals = (c.secret_approvals + c.approvals.count() for c in (burglary, speeding))
    assert list(approvals) == [1, 0]


def test_panel_chair_schedules_a_meeting(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    keyboard_sign_in(page, live_server.url, world.users["panel_chair"])
    follow(page, page.get_by_role("link", name="Alpha", exact=True))
    follow(page, page.get_by_role("link", name="The panel: members, meetings"), limit=120)
    follow(page, page.get_by_role("link", name="Schedule a meeting"))
    day = timezone.localdate() + dt.timedelta(days=14)
    date = page.get_by_role("group", name="Date")
    type_into(page, date.get_by_label("Day"), str(day.day))
    type_into(page, date.get_by_label("Month"), str(day.month))
    type_into(page, date.get_by_label("Year"), str(day.year))
    type_into(page, page.get_by_label("Place"), "Library meeting room, High Road")
    type_into(page, page.get_by_label("Agenda (optional)"), "Priorities ballot")
    fits(page, size)
    screenshot(page, "1-form")
    submit(page, page.get_by_role("button", name="Schedule the meeting"))
    assert "The meeting is scheduled." in success_banner(page)
    screenshot(page, "2-scheduled")
    meeting = Meeting.objects.get(panel=world.panel_a1)
    assert meeting.place == "Library meeting room, High Road"


def test_borough_manager_reads_the_borough_dashboard_and_downloads_csv(
    transactional_db: None, world: World, live_server, page, size: str, screenshot, tmp_path
) -> None:
    Activity.objects.create(
        officer=world.users["pcso"],
        ward=world.a1,
        date=timezone.localdate(),
        type="arrest",
        category=TYPES["arrest"].category,
        quantity=Decimal(1),
        created_by=world.users["pcso"],
    )
    rollups.rebuild()
    keyboard_sign_in(page, live_server.url, world.users["borough_manager"])
    follow(page, page.get_by_role("link", name="Aborough", exact=True))
    follow(page, page.get_by_role("link", name="The borough dashboard", exact=False))
    assert heading(page).endswith("last 12 months"), heading(page)
    screenshot(page, "1-dashboard")
    link = page.get_by_role("link", name="Download “EPIC activity by category” as CSV")
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / "by-category.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][0] == "Category"
    assert rows[1][:2] == ["Enforcement", "1"]


def test_central_analyst_reads_the_london_dashboard(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    keyboard_sign_in(page, live_server.url, world.users["central_analyst"])
    menu(page, "London dashboard")
    assert heading(page).endswith("last 12 months"), heading(page)
    choose_option(page, page.get_by_label("Period"), "Last 3 months")
    submit(page, page.get_by_role("button", name="Show"))
    assert heading(page).endswith("last 3 months"), heading(page)
    fits(page, size)
    screenshot(page, "1-london")


def test_admin_reads_the_audit_trail_and_finds_a_user_in_the_admin(
    transactional_db: None, world: World, live_server, page, size: str, screenshot
) -> None:
    # A change the sergeant made: ending a posting, recorded with who made it.
    posting = world.posting_a1
    posting.end_date = timezone.localdate()
    posting._history_user = world.users["sergeant"]  # type: ignore[attr-defined]
    posting.save()
    keyboard_sign_in(page, live_server.url, world.users["admin"])
    menu(page, "Audit trail")
    activate(page, page.locator("summary", has_text="Filter the changes"))
    type_into(page, page.get_by_label("Changed by (username)"), world.users["sergeant"].username)
    submit(page, page.get_by_role("button", name="Filter"))
    changes = page.get_by_role("table", name="1 change")
    assert changes.get_by_text(world.users["sergeant"].display_name).is_visible()
    assert changes.get_by_text("Changed").first.is_visible()
    fits(page, size)
    screenshot(page, "1-audit")
    assert_accessible(page)

    menu(page, "Admin")
    follow(page, page.get_by_role("link", name="Users", exact=True), limit=200, govuk=False)
    type_into(page, page.locator("#searchbar"), world.users["sergeant"].username)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator("#result_list")
    assert results.get_by_role(
        "link", name=world.users["sergeant"].username, exact=True
    ).is_visible()
    assert results.locator("tbody tr").count() == 1
    screenshot(page, "2-admin-user")
