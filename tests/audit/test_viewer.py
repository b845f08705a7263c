"""The audit viewer: administrators see every audited change, newest first, and filter it by
kind of record, who, when, what kind of change and where; it shows field names, never values,
so no KIN's personal data and no secret vote appear on it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import escape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.registry import AUDITED
from engagement.models import KIN_PERSONAL_FIELDS, Kin
from epic import services as epic_services
from epic.models import Activity
from panels.models import Attendance, PanelMembership
from priorities import services as priority_services
from priorities.models import BallotPaper, Candidate, PlannedAction
from tests.audit.test_trail import _kin_form, _open_ballot, signed_in
from tests.world import World
from wards import services as ward_services
from wards.models import Abstraction

URL = reverse("audit:change_list")
TODAY = timezone.localdate()


@pytest.fixture
def admin(world: World) -> Client:
    return signed_in(world.users["admin"])


def rows(html: str) -> list[str]:
    """The table's body rows, as text without tags."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.S)
    ]


def listed(client: Client, **filters: Any) -> list[str]:
    response = client.get(URL, filters)
    assert response.status_code == 200, response.content.decode()
    return rows(response.content.decode())


def _log(world: World, role: str = "pcso", **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "officer": world.users["pcso"],
        "ward": world.a1,
        "date": TODAY,
        "type": "arrest",
        "quantity": Decimal(1),
        **fields,
    }
    return epic_services.log_activity(acting_user=world.users[role], **values)


def test_changes_are_listed_newest_first_with_who_what_and_where(
    world: World, admin: Client
) -> None:
    activity = _log(world)
    priority = priority_services.adopt_priority(
        acting_user=world.users["sergeant"], ward=world.b1, issue="Burglary", category="burglary"
    )
    action = priority_services.add_planned_action(
        acting_user=world.users["sergeant"],
        priority=priority,
        description="Visits",
        partner="Council",
    )
    priority_services.update_planned_action(
        acting_user=world.users["inspector"],
        action=action,
        description="Visits to 40 homes",
        partner="Council",
        status=PlannedAction.Status.IN_PROGRESS,
    )

    first, second, third, *_ = listed(admin)
    inspector, sergeant = world.users["inspector"], world.users["sergeant"]
    assert first.startswith(timezone.localtime().strftime("%-d %b %Y"))
    assert f"{inspector.display_name} {inspector.username}" in first
    assert f"Planned action {action.pk} Changed description, status" in first
    assert f"{world.b1.name}, {world.b1.borough.name}" in first
    assert f"Planned action {action.pk} Created" in second and sergeant.username in second
    assert f"Priority {priority.pk} Created" in third

    html = admin.get(URL).content.decode()
    assert reverse("priorities:ward_priorities", kwargs={"code": world.b1.code}) in html
    assert reverse("epic:activity_list", kwargs={"code": world.a1.code}) in html
    assert f"EPIC activity {activity.pk}" in html


def test_the_count_covers_every_audited_table(world: World, admin: Client) -> None:
    html = admin.get(URL).content.decode()
    total = sum(entry.history.count() for entry in AUDITED)
    assert total > 0
    count = int(re.search(r"(\d+) changes?</caption>", html).group(1))  # type: ignore[union-attr]
    assert count == total and len(rows(html)) == min(total, 50)


def test_filters_narrow_the_list(world: World, admin: Client) -> None:
    pcso, sergeant = world.users["pcso"], world.users["sergeant"]
    _log(world, officer=pcso)
    other = _log(world, "sergeant", officer=sergeant)
    epic_services.delete_activity(acting_user=sergeant, activity=other)
    ward_services.record_abstraction(
        acting_user=sergeant,
        posting=world.posting_a1,
        date=TODAY,
        hours=Decimal(2),
        reason=Abstraction.Reason.COURT,
        authorised_by=sergeant,
    )
    priority_services.adopt_priority(
        acting_user=world.users["sergeant"], ward=world.b1, issue="Burglary", category="burglary"
    )

    by_kind = listed(admin, kind="epic_activity")
    assert len(by_kind) == 3 and all("EPIC activity" in row for row in by_kind)
    by_user = listed(admin, user=sergeant.username)
    assert len(by_user) == 4 and all(sergeant.username in row for row in by_user)
    deleted = listed(admin, change="-")
    assert len(deleted) == 1 and f"EPIC activity {other.pk} Deleted" in deleted[0]
    in_b1 = listed(admin, ward=world.b1.code, kind="priority")
    assert len(in_b1) == 1 and "Priority" in in_b1[0]
    assert listed(admin, ward=world.a1.code, kind="priority") == ["No changes match these filters."]
    in_borough_b = listed(admin, borough=world.b1.borough.pk, kind="priority")
    assert in_borough_b == in_b1
    in_a1_abstractions = listed(admin, ward=world.a1.code, kind="abstraction")
    assert len(in_a1_abstractions) == 1 and "Abstraction" in in_a1_abstractions[0]
    # The role assignments of the world: borough-wide ones count for the borough.
    in_borough_a = listed(admin, borough=world.a1.borough.pk, kind="role_assignment")
    assert len(in_borough_a) == 3  # the panel member and chair on A1, the borough manager


def test_the_date_range_includes_both_ends(world: World, admin: Client) -> None:
    activity = _log(world)
    row = activity.history.get()
    row.history_date = timezone.now() - dt.timedelta(days=10)
    row.save()
    day = timezone.localtime(row.history_date).date()
    on_the_day = listed(admin, kind="epic_activity", date_from=day, date_to=day)
    assert len(on_the_day) == 1 and f"EPIC activity {activity.pk}" in on_the_day[0]
    assert listed(admin, kind="epic_activity", date_from=day + dt.timedelta(days=1)) == [
        "No changes match these filters."
    ]
    assert len(listed(admin, kind="epic_activity", date_to=day)) == 1


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"user": "nobody-by-this-name"}, "There is no user with this username."),
        ({"ward": "E05999999"}, "There is no ward with this ONS code."),
        ({"date_from": "2026-05-10", "date_to": "2026-05-01"}, "The end date must be the same"),
        ({"date_from": "10 May"}, "Enter a valid date."),
        ({"kind": "everything"}, "Select a valid choice."),
    ],
)
def test_bad_filters_are_explained(
    world: World, admin: Client, filters: dict[str, str], message: str
) -> None:
    response = admin.get(URL, filters)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and escape(message) in html
    assert "<title>Error: Audit trail" in html


def test_pages_of_fifty_newest_first(world: World, admin: Client) -> None:
    inputs = [
        epic_services.ActivityInput(
            officer=world.users["pcso"], ward=world.a1, date=TODAY, type="arrest", quantity=q
        )
        for q in map(Decimal, range(1, 61))
    ]
    created = epic_services.log_activities(acting_user=world.users["sergeant"], inputs=inputs)
    first = listed(admin, kind="epic_activity")
    second = listed(admin, kind="epic_activity", page=2)
    assert len(first) == 50 and len(second) == 10
    ids = [int(re.search(r"EPIC activity (\d+)", r).group(1)) for r in first + second]  # type: ignore[union-attr]
    assert ids == sorted((a.pk for a in created), reverse=True)
    html = admin.get(URL, {"kind": "epic_activity"}).content.decode()
    assert "page=2" in html and "kind=epic_activity" in html


def test_the_page_costs_the_same_however_many_changes(
    world: World, admin: Client, query_count: Any
) -> None:
    def change(n: int) -> None:
        activity = _log(world, quantity=Decimal(n + 1))
        epic_services.update_activity(
            acting_user=world.users["pcso"],
            activity=activity,
            officer=world.users["pcso"],
            ward=world.a1,
            date=TODAY,
            type="arrest",
            quantity=Decimal(n + 2),
        )
        priority_services.add_planned_action(
            acting_user=world.users["sergeant"],
            priority=priority,
            description=f"Action {n}",
            partner="Council",
        )

    priority = priority_services.adopt_priority(
        acting_user=world.users["sergeant"], ward=world.b1, issue="Burglary", category="burglary"
    )
    change(0)
    admin.get(URL)  # grants cached
    with query_count() as few:
        admin.get(URL)
    for n in range(1, 30):
        change(n)
    with query_count() as many:
        admin.get(URL)
    assert len(many) <= len(few)


def test_nothing_personal_is_shown(world: World, admin: Client) -> None:
    sergeant = signed_in(world.users["sergeant"])
    data = _kin_form()
    sergeant.post(reverse("engagement:kin_create", kwargs={"code": world.a1.code}), data)
    kin = Kin.objects.get(name=data["name"])
    edited = _kin_form(phone="07700 900555")
    sergeant.post(reverse("engagement:kin_edit", kwargs={"pk": kin.pk}), edited)
    existing = world.kin_a1.name

    ballot = _open_ballot(world, secret=True)
    seat = PanelMembership.objects.get(panel=world.panel_a1, user=world.users["panel_member"])
    Attendance.objects.create(meeting=ballot.meeting, membership=seat, status="present")
    choice = Candidate.objects.get(ballot=ballot, issue="Drug dealing in the park")
    signed_in(seat.user).post(
        reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk}), {"choices": [choice.pk]}
    )
    paper = BallotPaper.objects.get(ballot=ballot)

    html = admin.get(URL, {"page": 1}).content.decode()
    kin_rows = listed(admin, kind="kin")
    assert f"Key individual {kin.pk} Changed" in kin_rows[0]
    assert any(f"Key individual {kin.pk} Created" in row for row in kin_rows)
    votes = listed(admin, kind="vote")
    assert len(votes) == 1 and f"Vote (who voted, not how) {paper.pk} Created" in votes[0]
    assert seat.user.username in votes[0]
    personal = [data[field] for field in KIN_PERSONAL_FIELDS]
    for secret in [*personal, "07700 900555", existing, choice.issue]:
        assert escape(secret) not in html and secret not in html, secret
    assert reverse("priorities:ballot_detail", kwargs={"pk": ballot.pk}) in html


def test_only_administrators_see_the_link(world: World, admin: Client) -> None:
    assert f'href="{URL}"' in admin.get(reverse("home")).content.decode()
    for role in ("sergeant", "inspector", "central_analyst", "panel_chair"):
        html = signed_in(world.users[role]).get(reverse("home")).content.decode()
        assert f'href="{URL}"' not in html
