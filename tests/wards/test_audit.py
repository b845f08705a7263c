"""The audit trail: who changed postings, abstractions and role assignments, when, from what to
what, including changes made in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PostingFactory, UserFactory, WardFactory
from tests.world import World
from wards import services
from wards.models import Posting, RoleAssignment


def test_role_assignment_grant_and_revoke_are_audited(world: World) -> None:
    admin = world.users["admin"]
    analyst = UserFactory.create()
    ward = WardFactory.create()
    assignment = services.assign_role(
        acting_user=admin, user=analyst, role=RoleAssignment.Role.PANEL_MEMBER, ward=ward
    )
    services.revoke_role(acting_user=admin, assignment=assignment)
    created, deleted = RoleAssignment.history.filter(user=analyst).order_by("history_date")
    assert (created.history_type, created.history_user, created.ward) == ("+", admin, ward)
    assert (deleted.history_type, deleted.history_user) == ("-", admin)


def test_a_role_gives_and_revoking_takes_away_access(world: World, client: Client) -> None:
    person = UserFactory.create()
    client.force_login(person)
    url = reverse("wards:ward_detail", kwargs={"code": world.b1.code})
    assert client.get(url).status_code == 404
    assignment = services.assign_role(
        acting_user=world.users["admin"],
        user=person,
        role=RoleAssignment.Role.BOROUGH_MANAGER,
        borough=world.b1.borough,
    )
    # A borough manager enters a second factor's code (snt_portal/otp.py): signed in again.
    client.force_login(person)
    assert client.get(url).status_code == 200
    services.revoke_role(acting_user=world.users["admin"], assignment=assignment)
    assert client.get(url).status_code == 404


def test_role_assignment_must_match_its_place(world: World) -> None:
    with pytest.raises(ValidationError, match="borough manager a borough"):
        services.assign_role(
            acting_user=world.users["admin"],
            user=UserFactory.create(),
            role=RoleAssignment.Role.BOROUGH_MANAGER,
            ward=world.a1,
        )


def test_bulk_end_of_postings_writes_one_audit_row_each(world: World, client: Client) -> None:
    extra = PostingFactory.create_batch(3, team=world.team_a2, role=Posting.Role.PCSO)
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("admin:wards_posting_changelist"),
        {"action": "end_selected_today", "_selected_action": [p.pk for p in extra]},
        follow=True,
    )
    assert "Ended 3 postings." in response.content.decode()
    today = timezone.localdate()
    for posting in extra:
        posting.refresh_from_db()
        assert posting.end_date == today
        latest = posting.history.latest()
        assert latest.history_type == "~"
        assert latest.history_user == world.users["admin"]
        change = latest.diff_against(latest.prev_record)
        assert [(c.field, c.old, c.new) for c in change.changes if c.field == "end_date"] == [
            ("end_date", None, today)
        ]


def test_bulk_end_is_all_or_nothing(world: World) -> None:
    ended = PostingFactory.create(
        team=world.team_a2, end_date=timezone.localdate() - dt.timedelta(days=10)
    )
    with pytest.raises(ValidationError, match="already ended"):
        services.end_postings(
            acting_user=world.users["admin"],
            postings=[world.posting_a2, ended],
            end_date=timezone.localdate(),
        )
    world.posting_a2.refresh_from_db()
    assert world.posting_a2.end_date is None
    assert world.posting_a2.history.count() == 1
