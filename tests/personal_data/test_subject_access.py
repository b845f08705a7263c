"""Subject access: one person's data as a JSON download, for administrators only, audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Concern, EngagementEvent
from panels.models import Attendance, DiversityDeclaration, PanelMembership
from priorities.models import Approval, Ballot, BallotPaper, Candidate
from privacy.models import SubjectAccessExport
from tests.factories import (
    ConcernFactory,
    EngagementEventFactory,
    KinFactory,
    MeetingFactory,
    PanelMembershipFactory,
    UserFactory,
)
from tests.world import World
from wards.models import User

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _download(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_a_kin_export_holds_their_record_and_what_names_them(world: World) -> None:
    kin = world.kin_a1
    kin.email, kin.notes = "kin.a1@example.org", "Runs the corner shop"
    kin.save()
    other = KinFactory.create(ward=world.a1, name="Other Person", email="other@example.org")
    interview = EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.KIN_INTERVIEW,
        kin=kin,
        notes="Met at the shop",
        created_by=world.users["pcso"],
    )
    ConcernFactory.create(event=interview, kin=kin, source=Concern.Source.KIN, text="Dealing")
    unrelated = EngagementEventFactory.create(
        ward=world.a1, kind=EngagementEvent.Kind.KIN_INTERVIEW, kin=other, notes="Other notes"
    )
    ConcernFactory.create(event=unrelated, kin=other, source=Concern.Source.KIN, text="Noise")

    admin = world.users["admin"]
    data = _download(_client(admin), reverse("privacy:kin_export", kwargs={"pk": kin.pk}))

    assert data["subject"] == {"kind": "key_individual", "id": kin.pk}
    assert data["record"]["name"] == kin.name
    assert data["record"]["email"] == "kin.a1@example.org"
    assert data["record"]["notes"] == "Runs the corner shop"
    assert [e["id"] for e in data["events"]] == [interview.pk]
    assert data["events"][0]["notes"] == "Met at the shop"
    assert [c["text"] for c in data["concerns"]] == ["Dealing"]
    text = json.dumps(data)
    for elsewhere in ("Other Person", "other@example.org", "Other notes", "Noise", "pcso"):
        assert elsewhere not in text

    log = SubjectAccessExport.objects.get()
    assert (log.subject, log.subject_id, log.exported_by_id) == ("kin", kin.pk, admin.pk)


def _ballot(meeting: Any, *, secret: bool) -> tuple[Ballot, Candidate]:
    ballot = Ballot.objects.create(
        meeting=meeting, secret=secret, status=Ballot.Status.OPEN, title=f"secret={secret}"
    )
    candidate = Candidate.objects.create(
        ballot=ballot, issue=f"Burglary ({secret})", category=Concern.Category.BURGLARY
    )
    return ballot, candidate


def test_a_member_export_holds_their_terms_attendance_declaration_and_votes(
    world: World,
) -> None:
    person = UserFactory.create(first_name="Pat", last_name="Member", email="pat@example.org")
    first = PanelMembershipFactory.create(
        panel=world.panel_a1, user=person, term_start=dt.date(2022, 1, 1)
    )
    PanelMembership.objects.filter(pk=first.pk).update(term_end=dt.date(2023, 1, 1))
    seat = PanelMembershipFactory.create(panel=world.panel_a1, user=person)
    neighbour = PanelMembershipFactory.create(
        panel=world.panel_a1,
        user=UserFactory.create(first_name="Nina", last_name="Neighbour", email="n@example.org"),
    )
    DiversityDeclaration.objects.create(
        membership=seat, consent_given_at=timezone.now(), age_band="50_64"
    )
    DiversityDeclaration.objects.create(
        membership=neighbour, consent_given_at=timezone.now(), age_band="16_24"
    )
    meeting = MeetingFactory.create(panel=world.panel_a1)
    Attendance.objects.create(meeting=meeting, membership=seat, status="present")
    Attendance.objects.create(meeting=meeting, membership=neighbour, status="apologies")
    secret, secret_choice = _ballot(meeting, secret=True)
    open_, open_choice = _ballot(meeting, secret=False)
    BallotPaper.objects.create(ballot=secret, voter=seat)
    paper = BallotPaper.objects.create(ballot=open_, voter=seat)
    Approval.objects.create(ballot=open_, candidate=open_choice, paper=paper)
    other_paper = BallotPaper.objects.create(ballot=open_, voter=neighbour)
    other_choice = Candidate.objects.create(
        ballot=open_, issue="Speeding", category=Concern.Category.ROAD_SAFETY
    )
    Approval.objects.create(ballot=open_, candidate=other_choice, paper=other_paper)

    url = reverse("privacy:member_export", kwargs={"pk": first.pk})
    data = _download(_client(world.users["admin"]), url)

    assert data["subject"] == {"kind": "panel_member", "id": person.pk}
    assert data["person"]["email"] == "pat@example.org"
    assert [m["id"] for m in data["memberships"]] == [first.pk, seat.pk]
    assert data["memberships"][0]["term_end"] == "2023-01-01"
    assert data["memberships"][1]["changes"][0]["change"] == "Created"
    assert [a["status"] for a in data["attendance"]] == ["present"]
    assert [d["age_band"] for d in data["diversity_declarations"]] == ["50_64"]
    ballots = {b["ballot_id"]: b for b in data["ballots"]}
    assert set(ballots) == {secret.pk, open_.pk}
    assert "approved" not in ballots[secret.pk]  # that they voted, never how
    assert ballots[open_.pk]["approved"] == [open_choice.issue]
    text = json.dumps(data)
    for elsewhere in ("Nina", "n@example.org", "16_24", "apologies", "Speeding"):
        assert elsewhere not in text
    assert secret_choice.issue not in text

    log = SubjectAccessExport.objects.get()
    assert (log.subject, log.subject_id) == ("panel_member", person.pk)


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("sergeant", "kin_a1", 403),  # the KIN's own team: sees the KIN, not the export
        ("inspector", "kin_a1", 403),
        ("pcso", "kin_b1", 404),
        ("panel_chair", "kin_b1", 404),
        ("central_analyst", "kin_a1", 403),
    ],
)
def test_only_administrators_may_export(world: World, role: str, target: str, status: int) -> None:
    kin = getattr(world, target)
    response = _client(world.users[role]).get(reverse("privacy:kin_export", kwargs={"pk": kin.pk}))
    assert response.status_code == status
    assert not SubjectAccessExport.objects.exists()


def test_a_panel_chair_cannot_export_a_fellow_member(world: World) -> None:
    seat = PanelMembership.objects.filter(panel=world.panel_a1).first()
    assert seat is not None
    url = reverse("privacy:member_export", kwargs={"pk": seat.pk})
    assert _client(world.users["panel_chair"]).get(url).status_code == 403
    assert _client(world.users["panel_member"]).get(url).status_code == 403
    other = PanelMembership.objects.filter(panel=world.panel_b1).first()
    assert other is not None
    url = reverse("privacy:member_export", kwargs={"pk": other.pk})
    assert _client(world.users["panel_chair"]).get(url).status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_an_unknown_record_is_a_404_even_for_administrators(world: World) -> None:
    url = reverse("privacy:kin_export", kwargs={"pk": 999_999})
    assert _client(world.users["admin"]).get(url).status_code == 404
