"""The audit trail: every audited kind of record names who changed it and when, through the
same pages and services people use, bulk writes included; a KIN's history holds none of their
personal data, so erasure leaves nothing behind; a secret ballot's history holds no choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from audit.registry import AUDITED
from engagement.models import KIN_PERSONAL_FIELDS, Kin
from epic import services as epic_services
from epic.models import Activity
from panels import services as panel_services
from panels.models import Attendance, PanelMembership
from priorities import ballots
from priorities import services as priority_services
from priorities.models import Ballot, BallotPaper, Candidate, PlannedAction, Priority, Review
from privacy.services import erase_unreviewed_kins
from tests.factories import (
    MeetingFactory,
    PanelMembershipFactory,
    PostingFactory,
    UserFactory,
)
from tests.world import World
from wards import services as ward_services
from wards.models import Abstraction, Posting, RoleAssignment, User

TODAY = timezone.localdate()


def latest(record: models.Model) -> Any:
    return type(record).history.filter(id=record.pk).latest()  # type: ignore[attr-defined]


def history_tables() -> list[str]:
    return sorted(m.history.model._meta.db_table for m in registered_models.values())


def rows_holding(text: str) -> dict[str, int]:
    """How many rows of each history table hold ``text`` anywhere (the whole row as text)."""
    found = {}
    with connection.cursor() as cursor:
        for table in history_tables():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS t WHERE t::text ILIKE %s',
                [f"%{text}%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        sizes = {}
        for table in history_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            sizes[table] = cursor.fetchone()[0]
    return sizes


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- every kind of record -------------------------------------------------------------------------


def _posting(w: World) -> tuple[models.Model, User, str]:
    sergeant = w.users["sergeant"]
    posting = ward_services.add_posting(
        acting_user=sergeant,
        team=w.team_a1,
        role=Posting.Role.PC,
        start_date=TODAY,
        person=UserFactory.create(),
    )
    ward_services.end_posting(acting_user=sergeant, posting=posting, end_date=TODAY)
    return posting, sergeant, "~"


def _abstraction(w: World) -> tuple[models.Model, User, str]:
    sergeant = w.users["sergeant"]
    abstraction = ward_services.record_abstraction(
        acting_user=sergeant,
        posting=w.posting_a1,
        date=TODAY,
        hours=Decimal(4),
        reason=Abstraction.Reason.TRAINING,
        authorised_by=sergeant,
    )
    return abstraction, sergeant, "+"


def _role_assignment(w: World) -> tuple[models.Model, User, str]:
    admin = w.users["admin"]
    assignment = ward_services.assign_role(
        acting_user=admin,
        user=UserFactory.create(),
        role=RoleAssignment.Role.BOROUGH_MANAGER,
        borough=w.a1.borough,
    )
    pk = assignment.pk
    ward_services.revoke_role(acting_user=admin, assignment=assignment)
    assignment.pk = pk  # deleting clears it
    return assignment, admin, "-"


def _kin(w: World) -> tuple[models.Model, User, str]:
    sergeant = w.users["sergeant"]
    response = signed_in(sergeant).post(reverse("engagement:kin_erase", kwargs={"pk": w.kin_a1.pk}))
    assert response.status_code == 302
    return w.kin_a1, sergeant, "~"


def _panel_membership(w: World) -> tuple[models.Model, User, str]:
    chair = w.users["panel_chair"]
    membership, _ = panel_services.add_member(
        acting_user=chair, panel=w.panel_a1, term_start=TODAY, person=UserFactory.create()
    )
    return membership, chair, "+"


def _open_ballot(w: World, *, secret: bool = True) -> Ballot:
    chair = w.users["panel_chair"]
    ballot = ballots.create_ballot(
        acting_user=chair,
        meeting=MeetingFactory.create(panel=w.panel_a1),
        preference_categories=[],
        added=[
            ballots.NewCandidate(issue="Burglary", category="burglary"),
            ballots.NewCandidate(issue="Drug dealing in the park", category="drugs"),
        ],
        secret=secret,
        seats=1,
        max_choices=1,
    )
    return ballots.open_ballot(acting_user=chair, ballot=ballot)


def _ballot(w: World) -> tuple[models.Model, User, str]:
    return _open_ballot(w), w.users["panel_chair"], "~"


def _vote(w: World) -> tuple[models.Model, User, str]:
    ballot = _open_ballot(w)
    seat = PanelMembership.objects.get(panel=w.panel_a1, user=w.users["panel_member"])
    Attendance.objects.create(meeting=ballot.meeting, membership=seat, status="present")
    burglary = Candidate.objects.get(ballot=ballot, issue="Burglary")
    response = signed_in(seat.user).post(
        reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk}), {"choices": [burglary.pk]}
    )
    assert response.status_code == 302
    return BallotPaper.objects.get(ballot=ballot), seat.user, "+"


def _adopt(w: World) -> Priority:
    return priority_services.adopt_priority(
        acting_user=w.users["sergeant"],
        ward=w.a1,
        issue="Burglary on the estate",
        category="burglary",
    )


def _priority(w: World) -> tuple[models.Model, User, str]:
    return _adopt(w), w.users["sergeant"], "+"


def _planned_action(w: World) -> tuple[models.Model, User, str]:
    priority, sergeant = _adopt(w), w.users["sergeant"]
    action = priority_services.add_planned_action(
        acting_user=sergeant,
        priority=priority,
        description="Crime prevention visits",
        owner=sergeant,
    )
    priority_services.update_planned_action(
        acting_user=sergeant,
        action=action,
        description="Crime prevention visits",
        owner=sergeant,
        status=PlannedAction.Status.DONE,
    )
    return action, sergeant, "~"


def _review(w: World) -> tuple[models.Model, User, str]:
    priority = _adopt(w)
    chair = w.users["panel_chair"]
    review = priority_services.record_review(
        acting_user=chair,
        priority=priority,
        meeting=MeetingFactory.create(panel=w.panel_a1),
        rating=Review.Rating.AMBER,
        note="Fewer break-ins, not yet few enough.",
        decision=Review.Decision.CONTINUE,
    )
    return review, chair, "+"


def _epic_activity(w: World) -> tuple[models.Model, User, str]:
    pcso = w.users["pcso"]
    activity = epic_services.log_activity(
        acting_user=pcso,
        officer=pcso,
        ward=w.a1,
        date=TODAY,
        type="stop_search",
        quantity=Decimal(1),
    )
    sergeant = w.users["sergeant"]
    pk = activity.pk
    epic_services.delete_activity(acting_user=sergeant, activity=activity)
    activity.pk = pk  # deleting clears it
    return activity, sergeant, "-"


CHANGES: dict[str, Callable[[World], tuple[models.Model, User, str]]] = {
    "posting": _posting,
    "abstraction": _abstraction,
    "role_assignment": _role_assignment,
    "kin": _kin,
    "panel_membership": _panel_membership,
    "ballot": _ballot,
    "vote": _vote,
    "priority": _priority,
    "planned_action": _planned_action,
    "review": _review,
    "epic_activity": _epic_activity,
}


@pytest.mark.parametrize("kind", CHANGES)
def test_each_kind_of_record_names_who_changed_it(world: World, kind: str) -> None:
    before = timezone.now()
    record, user, change = CHANGES[kind](world)
    row = latest(record)
    assert (row.history_type, row.history_user) == (change, user)
    assert before <= row.history_date <= timezone.now()


def test_every_model_with_history_is_in_the_viewer() -> None:
    historied = set(registered_models.values())
    assert historied == {entry.model for entry in AUDITED}
    assert set(CHANGES) == {entry.key for entry in AUDITED}


# --- KINs: who changed them, never what they hold -------------------------------------------------


def _kin_form(**changes: str) -> dict[str, str]:
    today = TODAY
    return {
        "name": "Oluwaseun Featherstonehaugh",
        "connection": Kin.Connection.FAITH_LEADER,
        "connection_detail": "Pastor, Zephaniah Tabernacle",
        "community_represented": "Quillfeather estate families",
        "phone": "020 7946 0777",
        "email": "oluwaseun.f@example.org",
        "address": "7 Xylophone Mews",
        "consent_given_on_0": str(today.day),
        "consent_given_on_1": str(today.month),
        "consent_given_on_2": str(today.year),
        "consent_method": Kin.ConsentMethod.WRITTEN,
        "notes": "Prefers calls after evensong.",
        **changes,
    }


def test_kin_history_holds_no_personal_data_and_erasure_leaves_none(world: World) -> None:
    sergeant = signed_in(world.users["sergeant"])
    data = _kin_form()
    response = sergeant.post(reverse("engagement:kin_create", kwargs={"code": world.a1.code}), data)
    assert response.status_code == 302
    kin = Kin.objects.get(name=data["name"])
    edited = _kin_form(phone="07700 900555", email="seun@example.net")
    edited["connection"] = Kin.Connection.COMMUNITY_LEADER
    edit_url = reverse("engagement:kin_edit", kwargs={"pk": kin.pk})
    assert sergeant.post(edit_url, edited).status_code == 302
    kin.refresh_from_db()
    assert kin.phone == "07700 900555"

    # The trail says who created and changed the KIN, and what kind of connection it is...
    created, changed = kin.history.order_by("history_date")
    assert (created.history_type, created.history_user) == ("+", world.users["sergeant"])
    assert (changed.history_type, changed.history_user) == ("~", world.users["sergeant"])
    assert changed.diff_against(created).changed_fields == ["connection"]
    # ...but not even before erasure does it hold anything personal.
    personal = [data[f] for f in KIN_PERSONAL_FIELDS] + [edited["phone"], edited["email"]]
    for value in personal:
        assert rows_holding(value) == {}, value

    assert sergeant.post(reverse("engagement:kin_erase", kwargs={"pk": kin.pk})).status_code == 302
    kin.refresh_from_db()
    assert kin.is_erased
    erased = kin.history.latest()
    assert (erased.history_user, erased.history_change_reason) == (
        world.users["sergeant"],
        "Personal data erased",
    )
    for value in personal:
        assert rows_holding(value) == {}, value
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM engagement_kin AS k WHERE k::text ILIKE %s", [f"%{value}%"]
            )
            assert cursor.fetchone()[0] == 0


def test_the_kin_history_table_has_no_personal_columns() -> None:
    columns = {f.name for f in Kin.history.model._meta.get_fields()}
    assert columns & set(KIN_PERSONAL_FIELDS) == set()
    assert {"connection", "ward", "erased_at", "history_user"} <= columns


def test_the_retention_job_erasure_is_in_the_trail(world: World) -> None:
    kin = world.kin_a1
    long_ago = TODAY - dt.timedelta(days=800)
    Kin.objects.filter(pk=kin.pk).update(last_contact_on=long_ago, next_review_due=long_ago)
    name = kin.name
    assert erase_unreviewed_kins(today=TODAY) >= 1
    row = kin.history.latest()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "~",
        None,
        "Personal data erased",
    )
    assert row.erased_at is not None
    assert rows_holding(name) == {}


# --- ballots: who voted, never how ----------------------------------------------------------------


def test_a_secret_vote_leaves_who_and_when_but_no_choice(world: World) -> None:
    ballot = _open_ballot(world, secret=True)
    voters = [
        PanelMembership.objects.get(panel=world.panel_a1, user=world.users["panel_member"]),
        PanelMembershipFactory.create(panel=world.panel_a1),
    ]
    for seat in voters:
        Attendance.objects.create(meeting=ballot.meeting, membership=seat, status="present")
    choices = list(Candidate.objects.filter(ballot=ballot).order_by("pk"))
    before = table_sizes()
    for seat, choice in zip(voters, choices, strict=True):
        response = signed_in(seat.user).post(
            reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk}), {"choices": [choice.pk]}
        )
        assert response.status_code == 302
    after = table_sizes()

    # Exactly one new history row per vote, and only in the ballot papers' history.
    grown = {
        table: after[table] - before[table] for table in after if after[table] != before[table]
    }
    assert grown == {BallotPaper.history.model._meta.db_table: 2}
    papers = BallotPaper.history.filter(ballot_id=ballot.pk).order_by("history_id")
    assert [(p.voter_id, p.history_user) for p in papers] == [(s.pk, s.user) for s in voters]
    # A paper's history has no field that could say what it approved.
    fields = {f.name for f in BallotPaper.history.model._meta.get_fields()}
    assert fields - {"history_id", "history_date", "history_change_reason", "history_type"} == {
        "id",
        "ballot",
        "voter",
        "cast_at",
        "history_user",
    }
    # Nothing records a candidate's count or an approval over time.
    historied = {entry.model for entry in AUDITED}
    assert Candidate not in historied and not hasattr(Candidate, "history")


# --- bulk writes ----------------------------------------------------------------------------------


def test_logging_a_shift_in_bulk_leaves_a_row_each_naming_the_officer(world: World) -> None:
    sergeant = world.users["sergeant"]
    inputs = [
        epic_services.ActivityInput(
            officer=world.users[role], ward=world.a1, date=TODAY, type="arrest", quantity=Decimal(1)
        )
        for role in ("pc", "sergeant")
    ]
    created = epic_services.log_activities(acting_user=sergeant, inputs=inputs)
    assert len(created) == 2
    for activity in created:
        assert [(h.history_type, h.history_user) for h in activity.history.all()] == [
            ("+", sergeant)
        ]


def test_a_csv_upload_leaves_a_row_each_naming_the_uploader(world: World) -> None:
    manager = world.users["borough_manager"]
    officers = [world.users["pc"], world.users["sergeant"]]
    body = "date,ward_code,officer,type,quantity\n" + "".join(
        f"{TODAY.isoformat()},{world.a1.code},{o.collar_number or o.username},arrest,1\n"
        for o in officers
    )
    upload = SimpleUploadedFile("epic.csv", body.encode(), content_type="text/csv")
    response = signed_in(manager).post(
        reverse("epic:activity_upload", kwargs={"code": world.a1.borough.code}),
        {"file": upload},
    )
    assert response.status_code == 302
    activities = Activity.objects.filter(source=Activity.Source.UPLOAD)
    assert sorted(a.officer_id for a in activities) == sorted(o.pk for o in officers)
    for activity in activities:
        assert [(h.history_type, h.history_user) for h in activity.history.all()] == [
            ("+", manager)
        ]


def test_ending_postings_in_bulk_leaves_a_row_each_with_the_reason(world: World) -> None:
    admin = world.users["admin"]
    postings = PostingFactory.create_batch(3, team=world.team_a2, role=Posting.Role.PC)
    ended = ward_services.end_postings(
        acting_user=admin, postings=postings, end_date=TODAY, reason="Cluster merged"
    )
    assert ended == 3
    for posting in postings:
        row = latest(posting)
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "~",
            admin,
            "Cluster merged",
        )
        assert row.end_date == TODAY


def test_closing_a_ballot_and_the_priorities_it_adopts_name_the_chair(world: World) -> None:
    ballot = _open_ballot(world, secret=True)
    chair = world.users["panel_chair"]
    PanelMembershipFactory.create(panel=world.panel_a1)  # three present make it quorate
    seats = list(PanelMembership.objects.filter(panel=world.panel_a1))
    for seat in seats:
        Attendance.objects.create(meeting=ballot.meeting, membership=seat, status="present")
    burglary = Candidate.objects.get(ballot=ballot, issue="Burglary")
    for seat in seats:
        ballots.cast_vote(
            acting_user=seat.user, ballot=ballot, voter=seat, candidate_ids=[burglary.pk]
        )
    ballots.close_ballot(acting_user=chair, ballot=ballot)

    closed = latest(ballot)
    assert (closed.history_type, closed.history_user, closed.status) == ("~", chair, "closed")
    assert {"status", "closed_at", "closed_by", "result"} <= set(
        closed.diff_against(closed.prev_record).changed_fields
    )
    adopted = Priority.objects.get(ballot=ballot)
    assert adopted.issue == "Burglary"
    assert (latest(adopted).history_type, latest(adopted).history_user) == ("+", chair)
