"""Ballot rules: who may vote, one paper each (the database decides), secrecy, quorum, the
casting vote, adoption of the winners, and a result nobody can change afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.models import Concern
from panels.models import Attendance, Meeting, PanelMembership
from priorities import ballots, tasks
from priorities.models import Approval, Ballot, BallotPaper, Candidate, Priority, PrioritySource
from tests.factories import (
    ConcernFactory,
    EngagementEventFactory,
    MeetingFactory,
    PanelMembershipFactory,
    UserFactory,
)
from tests.world import World
from wards.models import User

PRESENT = Attendance.Status.PRESENT
ISSUES = [
    ("Burglary", "burglary"),
    ("Groups of youths by the shops", "asb_youths"),
    ("Speeding on the High Road", "road_safety"),
    ("Drug dealing in the park", "drugs"),
    ("Fly-tipping behind the flats", "fly_tipping"),
]


@dataclass
class Panel:
    """World's panel A1 with five members (the chair, the world's member and three more), a
    meeting held an hour ago, and helpers to record attendance and make ballots."""

    world: World
    meeting: Meeting
    chair: PanelMembership
    members: list[PanelMembership]  # all five, the chair first

    @property
    def chair_user(self) -> User:
        return self.chair.user

    def attend(self, *seats: PanelMembership, status: str = PRESENT) -> None:
        for seat in seats:
            Attendance.objects.update_or_create(
                meeting=self.meeting, membership=seat, defaults={"status": status}
            )

    def ballot(
        self, *, secret: bool = True, seats: int = 3, max_choices: int = 3, opened: bool = True
    ) -> Ballot:
        ballot = ballots.create_ballot(
            acting_user=self.chair_user,
            meeting=self.meeting,
            preference_categories=[],
            added=[ballots.NewCandidate(issue=i, category=c) for i, c in ISSUES],
            secret=secret,
            seats=seats,
            max_choices=max_choices,
        )
        if opened:
            ballots.open_ballot(acting_user=self.chair_user, ballot=ballot)
            ballot.refresh_from_db()
        return ballot

    def vote(self, ballot: Ballot, seat: PanelMembership, *issues: str) -> BallotPaper:
        ids = list(
            Candidate.objects.filter(ballot=ballot, issue__in=issues).values_list("pk", flat=True)
        )
        assert len(ids) == len(issues)
        return ballots.cast_vote(
            acting_user=seat.user, ballot=ballot, voter=seat, candidate_ids=ids
        )


@pytest.fixture
def panel(world: World) -> Panel:
    seats = list(PanelMembership.objects.filter(panel=world.panel_a1).select_related("user"))
    chair = next(s for s in seats if s.position == PanelMembership.Position.CHAIR)
    member = next(s for s in seats if s.position != PanelMembership.Position.CHAIR)
    more = [
        PanelMembershipFactory.create(
            panel=world.panel_a1, user=UserFactory.create(email=f"member{n}@example.org")
        )
        for n in range(3)
    ]
    for n, seat in enumerate([chair, member]):
        seat.user.email = f"seat{n}@example.org"
        seat.user.save()
    meeting = MeetingFactory.create(panel=world.panel_a1)
    return Panel(world, meeting, chair, [chair, member, *more])


def _candidate_ids(ballot: Ballot, *issues: str) -> list[int]:
    by_issue = dict(Candidate.objects.filter(ballot=ballot).values_list("issue", "pk"))
    return [by_issue[i] for i in issues]


def _refused(call: Callable[[], object], contains: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert contains in " ".join(caught.value.messages)


# Preparing and opening ---------------------------------------------------------------------


def test_candidates_come_from_the_preferences_since_the_last_meeting(panel: Panel) -> None:
    ward = panel.world.a1
    # The last meeting was 20 days ago: concerns from before it are not this ballot's.
    MeetingFactory.create(
        panel=panel.world.panel_a1, scheduled_at=timezone.now() - dt.timedelta(days=20)
    )
    event = EngagementEventFactory.create(ward=ward, created_by=panel.world.users["pcso"])
    recent = timezone.localdate() - dt.timedelta(days=3)
    for _ in range(3):
        ConcernFactory.create(event=event, category="burglary", raised_on=recent)
    for source in (Concern.Source.YOUTH, Concern.Source.YOUTH, Concern.Source.ENGAGEMENT):
        ConcernFactory.create(event=event, category="asb_youths", source=source, raised_on=recent)
    ConcernFactory.create(event=event, category="drugs", raised_on=recent - dt.timedelta(days=30))

    suggested = ballots.suggestions(panel.meeting)
    assert [s.category for s in suggested] == ["asb_youths", "burglary"]

    ballot = ballots.create_ballot(
        acting_user=panel.chair_user,
        meeting=panel.meeting,
        added=[
            ballots.NewCandidate(
                issue="  Speeding   on the High Road ",
                category="road_safety",
                source=PrioritySource.CRIME_ANALYSIS,
            )
        ],
    )
    candidates = list(ballot.candidates.order_by("order"))
    assert [(c.issue, c.category, c.source) for c in candidates] == [
        ("Anti-social behaviour: groups of youths", "asb_youths", PrioritySource.YOUTH),
        ("Burglary", "burglary", PrioritySource.COMMUNITY),
        ("Speeding on the High Road", "road_safety", PrioritySource.CRIME_ANALYSIS),
    ]
    assert (ballot.status, ballot.secret, ballot.max_choices, ballot.seats) == (
        Ballot.Status.DRAFT,
        True,
        3,
        3,
    )
    assert ballot.history.get().history_user == panel.chair_user


def test_a_ballot_needs_as_many_candidates_as_seats(panel: Panel) -> None:
    _refused(
        lambda: ballots.create_ballot(
            acting_user=panel.chair_user,
            meeting=panel.meeting,
            added=[ballots.NewCandidate(issue="Burglary", category="burglary")],
        ),
        "Put at least 3 issues on the ballot",
    )
    # A draft that somehow lost candidates cannot open either.
    ballot = panel.ballot(opened=False)
    ballot.candidates.exclude(issue__in=["Burglary", "Speeding on the High Road"]).delete()
    _refused(
        lambda: ballots.open_ballot(acting_user=panel.chair_user, ballot=ballot),
        "needs at least 3",
    )


def test_only_the_chair_prepares_opens_and_closes(panel: Panel) -> None:
    member = panel.members[1].user
    with pytest.raises(PermissionDenied):
        ballots.create_ballot(
            acting_user=member,
            meeting=panel.meeting,
            added=[ballots.NewCandidate(issue=i, category=c) for i, c in ISSUES],
        )
    ballot = panel.ballot(opened=False)
    with pytest.raises(PermissionDenied):
        ballots.open_ballot(acting_user=member, ballot=ballot)
    ballots.open_ballot(acting_user=panel.chair_user, ballot=ballot)
    with pytest.raises(PermissionDenied):
        ballots.close_ballot(acting_user=panel.world.users["sergeant"], ballot=ballot)


def test_opening_records_who_and_emails_the_members_present_once(
    panel: Panel, django_capture_on_commit_callbacks, tasks_inline: None
) -> None:
    panel.attend(*panel.members[:4])
    panel.attend(panel.members[4], status=Attendance.Status.APOLOGIES)
    ballot = panel.ballot(opened=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ballots.open_ballot(acting_user=panel.chair_user, ballot=ballot)
    assert len(callbacks) == 1  # the task is enqueued only once the open is committed
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert ballot.opened_by == panel.chair_user and ballot.opened_at is not None
    assert ballot.history.first().history_user == panel.chair_user
    present = sorted(s.user.email for s in panel.members[:4])
    assert sorted(m.to[0] for m in mail.outbox) == present
    vote_url = reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk})
    assert vote_url in mail.outbox[0].body

    # A retried task (run twice more, directly) sends nothing new.
    assert tasks.send_ballot_opened(ballot.pk) == 0
    assert tasks.send_ballot_opened(ballot.pk) == 0
    assert len(mail.outbox) == 4


def test_a_ballot_opens_only_from_draft_and_not_before_its_meeting(panel: Panel) -> None:
    ballot = panel.ballot()
    _refused(
        lambda: ballots.open_ballot(acting_user=panel.chair_user, ballot=ballot),
        "already open",
    )
    panel.meeting.scheduled_at = timezone.now() + dt.timedelta(days=7)
    panel.meeting.save()
    later = panel.ballot(opened=False)
    _refused(
        lambda: ballots.open_ballot(acting_user=panel.chair_user, ballot=later),
        "Open the ballot at the meeting",
    )


# Who may vote ------------------------------------------------------------------------------


def test_members_not_recorded_present_are_refused(panel: Panel) -> None:
    ballot = panel.ballot()
    absent, apologies, unrecorded = panel.members[1:4]
    panel.attend(absent, status=Attendance.Status.ABSENT)
    panel.attend(apologies, status=Attendance.Status.APOLOGIES)
    for seat in (absent, apologies, unrecorded):
        with pytest.raises(ValidationError, match="Only members recorded present"):
            panel.vote(ballot, seat, "Burglary")
    assert not BallotPaper.objects.exists()
    assert sum(ballot.candidates.values_list("secret_approvals", flat=True)) == 0


def test_a_non_member_and_another_wards_member_are_refused(panel: Panel) -> None:
    ballot = panel.ballot()
    elsewhere = PanelMembership.objects.get(panel=panel.world.panel_b1)
    _refused(
        lambda: panel.vote(ballot, elsewhere, "Burglary"),
        "Only current members of this panel vote",
    )
    # A member whose term has ended no longer votes, even if recorded present.
    former = panel.members[4]
    panel.attend(former)
    former.term_end = timezone.localdate() - dt.timedelta(days=1)
    former.save()
    _refused(lambda: panel.vote(ballot, former, "Burglary"), "Only current members")
    # Nobody casts another member's vote.
    panel.attend(panel.members[1])
    with pytest.raises(PermissionDenied):
        ballots.cast_vote(
            acting_user=panel.chair_user,
            ballot=ballot,
            voter=panel.members[1],
            candidate_ids=_candidate_ids(ballot, "Burglary"),
        )


def test_another_wards_panel_cannot_see_or_vote_in_the_ballot(panel: Panel) -> None:
    ballot = panel.ballot()
    outsider = PanelMembership.objects.get(panel=panel.world.panel_b1).user
    client = Client()
    client.force_login(outsider)
    for name in ("ballot_detail", "ballot_vote", "ballot_close"):
        assert (
            client.get(reverse(f"priorities:{name}", kwargs={"pk": ballot.pk})).status_code == 404
        )
    response = client.post(
        reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk}),
        {"choices": _candidate_ids(ballot, "Burglary")},
    )
    assert response.status_code == 404
    assert not BallotPaper.objects.exists()


def test_bad_papers_are_refused(panel: Panel) -> None:
    ballot = panel.ballot(max_choices=2)
    seat = panel.members[1]
    panel.attend(seat)
    other = panel.ballot()

    def cast(ids: list[int]) -> None:
        ballots.cast_vote(acting_user=seat.user, ballot=ballot, voter=seat, candidate_ids=ids)

    burglary, youths, speeding = _candidate_ids(
        ballot, "Burglary", "Groups of youths by the shops", "Speeding on the High Road"
    )
    _refused(lambda: cast([]), "Choose at least one issue")
    _refused(lambda: cast([burglary, youths, speeding]), "Choose up to 2 issues")
    _refused(lambda: cast([burglary, burglary]), "Choose each issue once")
    _refused(lambda: cast(_candidate_ids(other, "Burglary")), "Choose from the issues on this")
    assert not BallotPaper.objects.exists()
    cast([burglary, youths])
    assert BallotPaper.objects.filter(ballot=ballot, voter=seat).count() == 1


def test_no_votes_before_the_ballot_opens(panel: Panel) -> None:
    ballot = panel.ballot(opened=False)
    panel.attend(panel.members[1])
    _refused(lambda: panel.vote(ballot, panel.members[1], "Burglary"), "not open for voting yet")


# One paper each, and the database is what says so --------------------------------------------


def test_a_second_vote_is_refused_by_the_database(panel: Panel) -> None:
    ballot = panel.ballot()
    seat = panel.members[1]
    panel.attend(seat)
    panel.vote(ballot, seat, "Burglary", "Drug dealing in the park")
    with CaptureQueriesContext(connection) as queries:
        _refused(
            lambda: panel.vote(ballot, seat, "Speeding on the High Road"),
            "You have already voted in this ballot.",
        )
    # No check before the insert: the unique constraint refused the second paper.
    assert any('INSERT INTO "priorities_ballotpaper"' in q["sql"] for q in queries.captured_queries)
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1
    counts = dict(ballot.candidates.values_list("issue", "secret_approvals"))
    assert counts["Burglary"] == 1 and counts["Speeding on the High Road"] == 0


def test_the_constraint_itself_refuses_a_second_paper(panel: Panel) -> None:
    ballot = panel.ballot()
    BallotPaper.objects.create(ballot=ballot, voter=panel.members[1])
    with (
        pytest.raises(IntegrityError, match="one_paper_per_member_per_ballot"),
        transaction.atomic(),
    ):
        BallotPaper.objects.create(ballot=ballot, voter=panel.members[1])


# Secret and open ballots -------------------------------------------------------------------


def test_a_secret_ballot_keeps_only_counts_and_hides_them_until_it_closes(panel: Panel) -> None:
    ballot = panel.ballot(secret=True)
    panel.attend(*panel.members)
    panel.vote(ballot, panel.members[1], "Burglary", "Drug dealing in the park")
    panel.vote(ballot, panel.members[2], "Burglary")

    assert not Approval.objects.exists()  # no record of any choice
    counts = dict(ballot.candidates.values_list("issue", "secret_approvals"))
    assert counts == {
        "Burglary": 2,
        "Groups of youths by the shops": 0,
        "Speeding on the High Road": 0,
        "Drug dealing in the park": 1,
        "Fly-tipping behind the flats": 0,
    }
    # Papers record that a member voted, and nothing about how.
    assert {f.name for f in BallotPaper._meta.get_fields()} == {
        "id",
        "ballot",
        "voter",
        "cast_at",
        "approvals",
    }

    client = Client()
    client.force_login(panel.world.users["panel_member"])
    url = reverse("priorities:ballot_detail", kwargs={"pk": ballot.pk})
    response = client.get(url)
    page = response.context["page"]
    assert not page.show_totals and all(row.approvals is None for row in page.rows)
    html = response.content.decode()
    assert "Approvals" not in html and "Approved by" not in html
    assert "the totals stay hidden until the chair closes it" in html
    voters = [panel.members[1].user.display_name, panel.members[2].user.display_name]
    assert sorted(page.voters) == sorted(voters)
    for name in voters:
        assert name in html

    ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot)
    page = client.get(url).context["page"]
    assert page.show_totals
    assert {r.candidate.issue: r.approvals for r in page.rows}["Burglary"] == 2
    assert not Approval.objects.exists()


def test_an_open_ballot_shows_who_approved_what_and_the_totals(panel: Panel) -> None:
    ballot = panel.ballot(secret=False)
    panel.attend(*panel.members)
    alice, bob = panel.members[1], panel.members[2]
    panel.vote(ballot, alice, "Burglary", "Drug dealing in the park")
    panel.vote(ballot, bob, "Burglary")

    assert Approval.objects.filter(paper__voter=alice).count() == 2
    assert sum(ballot.candidates.values_list("secret_approvals", flat=True)) == 0
    client = Client()
    client.force_login(panel.world.users["sergeant"])
    response = client.get(reverse("priorities:ballot_detail", kwargs={"pk": ballot.pk}))
    rows = {r.candidate.issue: r for r in response.context["page"].rows}
    assert rows["Burglary"].approvals == 2
    assert sorted(rows["Burglary"].approvers) == sorted(
        [alice.user.display_name, bob.user.display_name]
    )
    assert rows["Drug dealing in the park"].approvers == [alice.user.display_name]
    assert rows["Speeding on the High Road"].approvals == 0
    assert "Approved by" in response.content.decode()


# Closing -----------------------------------------------------------------------------------


def _vote_round(panel: Panel, ballot: Ballot, papers: Iterable[tuple[str, ...]]) -> None:
    for seat, issues in zip(panel.members, papers, strict=False):
        panel.vote(ballot, seat, *issues)


def test_quorum_failure_blocks_closing(panel: Panel, settings) -> None:
    ballot = panel.ballot()
    # Five members: max(3, ceil(0.5 x 5)) = 3 must be present.
    panel.attend(*panel.members[:2])
    panel.attend(*panel.members[2:], status=Attendance.Status.APOLOGIES)
    _vote_round(panel, ballot, [("Burglary",), ("Burglary",)])
    _refused(
        lambda: ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot),
        "The meeting is not quorate: 2 of 5 members recorded present, 3 needed.",
    )
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN and ballot.result is None
    assert not Priority.objects.exists()

    # The rule is configurable: a smaller minimum and share make two present enough.
    settings.SNT_PANEL_QUORUM_MIN = 2
    settings.SNT_PANEL_QUORUM_FRACTION = 0.4
    ballots.close_ballot(
        acting_user=panel.chair_user,
        ballot=ballot,
    )
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED


def test_closing_counts_stores_the_result_and_adopts_the_winners(panel: Panel) -> None:
    ballot = panel.ballot()
    panel.attend(*panel.members)
    _vote_round(
        panel,
        ballot,
        [
            ("Burglary", "Drug dealing in the park", "Speeding on the High Road"),
            ("Burglary", "Drug dealing in the park"),
            ("Burglary", "Groups of youths by the shops"),
            ("Drug dealing in the park", "Speeding on the High Road"),
            ("Speeding on the High Road",),
        ],
    )
    ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert ballot.closed_by == panel.chair_user and ballot.closed_at is not None
    result = ballot.result
    assert result is not None
    assert result["papers"] == 5 and not result["decided_by_casting_vote"]
    approvals = {c["label"]: c["approvals"] for c in result["candidates"]}
    assert approvals == {
        "Burglary": 3,
        "Drug dealing in the park": 3,
        "Speeding on the High Road": 3,
        "Groups of youths by the shops": 1,
        "Fly-tipping behind the flats": 0,
    }
    adopted = list(Priority.objects.filter(ballot=ballot).order_by("pk"))
    assert [p.issue for p in adopted] == [
        "Burglary",
        "Speeding on the High Road",
        "Drug dealing in the park",
    ]
    for p in adopted:
        assert p.ward == panel.world.a1 and p.status == Priority.Status.ACTIVE
        assert p.issue_date == timezone.localdate(panel.meeting.scheduled_at)
        assert p.source == PrioritySource.COMMUNITY
    assert adopted[0].category == "burglary"
    # Who closed it is in the ballot's history.
    assert ballot.history.first().history_user == panel.chair_user


def test_a_tie_for_the_last_seat_needs_the_chairs_casting_vote(panel: Panel) -> None:
    ballot = panel.ballot(seats=2)
    panel.attend(*panel.members)
    _vote_round(
        panel,
        ballot,
        [
            ("Burglary", "Drug dealing in the park"),
            ("Burglary", "Speeding on the High Road"),
            ("Burglary", "Groups of youths by the shops"),
        ],
    )
    # Burglary 3; three issues tie on 1 for the second seat.
    with pytest.raises(ballots.BallotTie) as caught:
        ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot)
    message = caught.value.messages[0]
    for issue in (
        "Groups of youths by the shops",
        "Speeding on the High Road",
        "Drug dealing in the park",
    ):
        assert f"“{issue}”" in message
    assert "Burglary" not in message and "Fly-tipping" not in message
    assert caught.value.seats_left == 1
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN and not Priority.objects.exists()

    # A casting vote naming an issue that is not tied is refused.
    _refused(
        lambda: ballots.close_ballot(
            acting_user=panel.chair_user,
            ballot=ballot,
            casting_vote=_candidate_ids(ballot, "Fly-tipping behind the flats"),
        ),
        "can only choose between the tied candidates",
    )
    ballots.close_ballot(
        acting_user=panel.chair_user,
        ballot=ballot,
        casting_vote=_candidate_ids(ballot, "Speeding on the High Road"),
    )
    ballot.refresh_from_db()
    assert ballot.result is not None and ballot.result["decided_by_casting_vote"]
    assert ballot.result["casting_vote"] == _candidate_ids(ballot, "Speeding on the High Road")
    assert sorted(Priority.objects.values_list("issue", flat=True)) == [
        "Burglary",
        "Speeding on the High Road",
    ]


def test_the_close_page_asks_for_a_casting_vote(panel: Panel) -> None:
    ballot = panel.ballot(seats=1)
    panel.attend(*panel.members)
    _vote_round(panel, ballot, [("Burglary",), ("Drug dealing in the park",)])
    client = Client()
    client.force_login(panel.chair_user)
    url = reverse("priorities:ballot_close", kwargs={"pk": ballot.pk})
    response = client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The chair's casting vote is needed" in html
    assert "tie for the last seat" in response.context["error"]
    tied = response.context["casting_form"].fields["casting_vote"].choices
    assert sorted(label for _, label in tied) == ["Burglary", "Drug dealing in the park"]

    drugs = _candidate_ids(ballot, "Drug dealing in the park")[0]
    both = [*_candidate_ids(ballot, "Burglary"), drugs]
    response = client.post(url, {"casting": "1", "casting_vote": both})
    assert response.status_code == 200
    assert "Choose 1 of the tied issues" in response.content.decode()

    response = client.post(url, {"casting": "1", "casting_vote": [drugs]})
    assert response.status_code == 302
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert list(Priority.objects.values_list("issue", flat=True)) == ["Drug dealing in the park"]
    detail = client.get(response["Location"]).content.decode()
    assert "the chair's casting vote decided between them" in detail


def test_the_result_cannot_be_changed_after_closing(panel: Panel) -> None:
    ballot = panel.ballot(seats=1)
    panel.attend(*panel.members)
    _vote_round(panel, ballot, [("Burglary",), ("Burglary",), ("Drug dealing in the park",)])
    ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot)
    ballot.refresh_from_db()
    stored = ballot.result
    closed_at = ballot.closed_at
    closed = ballots.CLOSED

    _refused(lambda: ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot), closed)
    _refused(
        lambda: ballots.close_ballot(
            acting_user=panel.chair_user,
            ballot=ballot,
            casting_vote=_candidate_ids(ballot, "Drug dealing in the park"),
        ),
        closed,
    )
    _refused(lambda: ballots.open_ballot(acting_user=panel.chair_user, ballot=ballot), closed)
    _refused(lambda: panel.vote(ballot, panel.members[4], "Drug dealing in the park"), closed)

    ballot.refresh_from_db()
    assert ballot.result == stored and ballot.closed_at == closed_at
    assert BallotPaper.objects.filter(ballot=ballot).count() == 3
    assert Priority.objects.filter(ballot=ballot).count() == 1


def test_closing_refuses_more_than_the_active_limit_naming_the_active_ones(
    panel: Panel,
) -> None:
    Priority.objects.create(
        ward=panel.world.a1,
        issue="Cycling on the pavement by the station",
        category="cycling_on_footpaths",
        source=PrioritySource.COMMUNITY,
        issue_date=timezone.localdate() - dt.timedelta(days=60),
    )
    ballot = panel.ballot(seats=3)
    panel.attend(*panel.members)
    _vote_round(
        panel,
        ballot,
        [
            ("Burglary", "Drug dealing in the park", "Speeding on the High Road"),
            ("Burglary", "Drug dealing in the park"),
            ("Burglary",),
        ],
    )
    _refused(
        lambda: ballots.close_ballot(acting_user=panel.chair_user, ballot=ballot),
        "would give Alpha 4 active priorities; at most 3 may be active. Resolve some of the "
        "active ones at a review first: “Cycling on the pavement by the station”.",
    )
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN and ballot.result is None
    assert Priority.objects.count() == 1


# The vote page -----------------------------------------------------------------------------


def test_a_member_votes_on_the_phone_page(panel: Panel) -> None:
    ballot = panel.ballot(max_choices=2)
    seat = panel.members[1]
    client = Client()
    client.force_login(seat.user)
    url = reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk})

    assert "You are not recorded present" in client.get(url).content.decode()
    panel.attend(seat)
    html = client.get(url).content.decode()
    assert "Choose up to 2 issues" in html and 'type="checkbox"' in html

    assert "Choose at least one issue" in client.post(url, {}).content.decode()
    three = _candidate_ids(
        ballot, "Burglary", "Drug dealing in the park", "Speeding on the High Road"
    )
    response = client.post(url, {"choices": three})
    assert response.status_code == 200
    assert "Choose up to 2 issues: you chose 3" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not BallotPaper.objects.exists()

    response = client.post(url, {"choices": three[:2]})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert "You have voted" in html and 'type="checkbox"' not in html
    # Posting again (a double tap) is refused by the database and changes nothing.
    response = client.post(url, {"choices": three[2:]})
    assert "You have voted" in response.content.decode()
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1


def test_the_ballot_page_has_a_query_budget(panel: Panel, query_count) -> None:
    """The page costs the same however many members voted."""
    ballot = panel.ballot(secret=False)
    panel.attend(*panel.members)
    client = Client()
    client.force_login(panel.world.users["panel_member"])
    url = reverse("priorities:ballot_detail", kwargs={"pk": ballot.pk})
    client.get(url)  # the member's grants are read once, then cached
    counts = []
    for seat in panel.members[:3]:
        panel.vote(ballot, seat, "Burglary", "Drug dealing in the park")
        with query_count() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[-1] <= 16, counts


def test_the_prepare_page_explains_what_is_wrong(panel: Panel) -> None:
    client = Client()
    client.force_login(panel.chair_user)
    url = reverse("priorities:ballot_create", kwargs={"pk": panel.meeting.pk})
    assert "No concerns were recorded in Alpha" in client.get(url).content.decode()
    form = {
        "title": "Priorities for the spring",
        "kind": "open",
        "max_choices": "2",
        "seats": "4",
        "issue_1": "Burglary",
        "category_1": "burglary",
        "source_1": "community",
        "issue_2": "Speeding on the High Road",
        "category_2": "",
        "source_2": "community",
    }
    html = client.post(url, form).content.decode()
    assert "A ballot adopts at most 3 priorities" in html
    assert "Choose a category for the issue you added" in html
    form.update({"seats": "3", "category_2": "road_safety"})
    html = client.post(url, form).content.decode()
    assert "Put at least 3 issues on the ballot" in html
    assert not Ballot.objects.exists()

    form.update({"issue_3": "Drug dealing in the park", "category_3": "drugs"})
    response = client.post(url, form)
    ballot = Ballot.objects.get()
    assert response["Location"] == reverse("priorities:ballot_detail", kwargs={"pk": ballot.pk})
    assert (ballot.title, ballot.secret, ballot.max_choices, ballot.seats) == (
        "Priorities for the spring",
        False,
        2,
        3,
    )
    assert ballot.candidates.count() == 3
