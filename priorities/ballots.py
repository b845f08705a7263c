"""The panel's ballots on priorities: every write (create, open, vote, close) and the reads the
ballot pages need.

Writes are keyword-only, typed, atomic and take ``acting_user`` (recorded in the ballot's
history). The counting rule is ``priorities.counting``. Secrecy (see ``Ballot``): a secret
ballot's paper records only that the member voted; their choices only ever raise the
candidates' counts, in the same transaction, and are kept nowhere else. The database's unique
constraint on (ballot, voter) is what refuses a second paper.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone

from engagement.concerns import ConcernCategory
from engagement.selectors import PreferenceRow, preferences
from panels.models import Attendance, Meeting, PanelMembership
from panels.selectors import Quorum, meeting_quorum, previous_meeting
from priorities import counting
from priorities.models import Approval, Ballot, BallotPaper, Candidate, Priority, PrioritySource
from priorities.services import adopt_priority, max_active_priorities
from snt_portal.notifications import send_once
from snt_portal.permissions import Perm, holds
from wards.models import User, Ward

DEFAULT_TITLE = "The ward's priorities"
DEFAULT_MAX_CHOICES = 3
DEFAULT_SEATS = 3
# Preferences for a panel's first ballot, when there is no earlier meeting: a quarter.
FIRST_BALLOT_DAYS = 90
# Issues the chair may add on the ballot page, beside the preferences.
MAX_ADDED = 3

ALREADY_VOTED = "You have already voted in this ballot."
CLOSED = "This ballot is closed: its result cannot be changed."


@dataclass(frozen=True)
class NewCandidate:
    """An issue for the ballot: a suggestion from the preferences, or one the chair adds."""

    issue: str
    category: str
    source: str = PrioritySource.COMMUNITY


@dataclass(frozen=True)
class Suggestion:
    """A candidate suggested by the ward's preferences since the panel last met."""

    row: PreferenceRow

    @property
    def category(self) -> str:
        return self.row.category

    @property
    def source(self) -> PrioritySource:
        # Mostly raised by young people: it can be the ward's youth-identified priority.
        youth = self.row.youth * 2 > self.row.times_raised
        return PrioritySource.YOUTH if youth else PrioritySource.COMMUNITY

    def as_candidate(self) -> NewCandidate:
        return NewCandidate(issue=self.row.label, category=self.category, source=self.source)


class BallotTie(ValidationError):
    """Closing needs the chair's casting vote between these tied candidates."""

    def __init__(self, message: str, *, tied: list[Candidate], seats_left: int) -> None:
        super().__init__(message)
        self.tied = tied
        self.seats_left = seats_left


# Reads ---------------------------------------------------------------------------------------


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localdate(meeting.scheduled_at)


def preference_window(meeting: Meeting) -> tuple[dt.date, dt.date]:
    """The days whose preferences the ballot draws on: since the panel's previous meeting (or
    FIRST_BALLOT_DAYS before, at a first meeting) up to this meeting's day."""
    end = meeting_day(meeting)
    previous = previous_meeting(meeting)
    if previous is None:
        start = end - dt.timedelta(days=FIRST_BALLOT_DAYS - 1)
    else:
        start = min(meeting_day(previous) + dt.timedelta(days=1), end)
    return start, end


def suggestions(meeting: Meeting) -> list[Suggestion]:
    """The ward's preferences since the last meeting, ranked, as candidate issues."""
    start, end = preference_window(meeting)
    return [Suggestion(row) for row in preferences(meeting.panel.ward, start=start, end=end)]


def quorum(meeting: Meeting) -> Quorum:
    """Present members vs. those needed: max(SNT_PANEL_QUORUM_MIN, ceil(SNT_PANEL_QUORUM_FRACTION
    x current members)); the rule is the panels app's, for meetings and ballots alike."""
    return meeting_quorum(meeting)


def seat_for(ballot: Ballot, user: User) -> PanelMembership | None:
    """The user's current seat on the panel whose meeting holds the ballot."""
    if not user.is_authenticated:
        return None
    return (
        PanelMembership.objects.current()
        .filter(panel_id=ballot.meeting.panel_id, user=user)
        .select_related("user")
        .first()
    )


@dataclass(frozen=True)
class VoterStatus:
    seat: PanelMembership | None
    present: bool
    has_voted: bool

    @property
    def can_vote(self) -> bool:
        return self.seat is not None and self.present and not self.has_voted


def voter_status(ballot: Ballot, user: User) -> VoterStatus:
    seat = seat_for(ballot, user)
    if seat is None:
        return VoterStatus(seat=None, present=False, has_voted=False)
    present = Attendance.objects.filter(
        meeting_id=ballot.meeting_id, membership=seat, status=Attendance.Status.PRESENT
    ).exists()
    has_voted = BallotPaper.objects.filter(ballot=ballot, voter=seat).exists()
    return VoterStatus(seat=seat, present=present, has_voted=has_voted)


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    approvals: int | None  # None: hidden (a secret ballot still open, or a draft)
    approvers: list[str]  # open ballots only: who approved it
    elected: bool = False


@dataclass(frozen=True)
class BallotPage:
    """What the ballot page may show: candidates, who voted, and totals only when allowed."""

    ballot: Ballot
    rows: list[CandidateRow]
    voters: list[str]  # who has voted, by surname (that they voted is not secret)
    show_totals: bool
    result: dict[str, Any] | None
    adopted: list[Priority]
    tied: list[str]  # the issues a casting vote decided between (closed ballots)


def ballot_page(ballot: Ballot) -> BallotPage:
    candidates = list(ballot.candidates.order_by("order", "pk"))
    # By name, not in the order they voted: the list says who voted and nothing more.
    papers = (
        BallotPaper.objects.filter(ballot=ballot)
        .select_related("voter__user")
        .order_by("voter__user__last_name", "voter__user__first_name", "voter__user__username")
    )
    voters = [p.voter.user.display_name for p in papers]
    closed = ballot.status == Ballot.Status.CLOSED
    result = ballot.result if closed else None
    stored: dict[int, int] = {}
    if result is not None:
        stored = {int(c["id"]): int(c["approvals"]) for c in result["candidates"]}

    approvers: dict[int, list[str]] = defaultdict(list)
    if not ballot.secret:
        for candidate_id, name in _approvals(ballot):
            approvers[candidate_id].append(name)
    show_totals = closed or (not ballot.secret and ballot.status == Ballot.Status.OPEN)
    elected = set(result["winners"]) if result is not None else set()
    rows = []
    for c in candidates:
        if not show_totals:
            approvals = None
        elif closed:
            approvals = stored.get(c.pk, 0)
        else:
            approvals = len(approvers[c.pk])
        rows.append(
            CandidateRow(
                c,
                approvals,
                approvers[c.pk] if not ballot.secret else [],
                elected=c.pk in elected,
            )
        )
    if show_totals:
        rows.sort(key=lambda r: -(r.approvals or 0))
    adopted = list(Priority.objects.filter(ballot=ballot).order_by("pk")) if closed else []
    tied = []
    if result is not None and result["decided_by_casting_vote"]:
        labels = {int(c["id"]): str(c["label"]) for c in result["candidates"]}
        tied = [labels[int(c)] for c in result["tied"]]
    return BallotPage(ballot, rows, voters, show_totals, result, adopted, tied)


def _approvals(ballot: Ballot) -> list[tuple[int, str]]:
    rows = (
        Approval.objects.filter(ballot=ballot)
        .select_related("paper__voter__user")
        .order_by("paper_id", "candidate_id")
    )
    return [(a.candidate_id, a.paper.voter.user.display_name) for a in rows]


# Writes --------------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _audited(ballot: Ballot, acting_user: User) -> Ballot:
    # simple-history reads the author from here when no request is in flight.
    ballot._history_user = acting_user  # type: ignore[attr-defined]
    return ballot


def _ward(meeting: Meeting) -> Ward:
    return Ward.objects.get(pk=meeting.panel.ward_id)


def _require(acting_user: User, perm: Perm, ward: Ward) -> None:
    if not holds(acting_user, perm, ward_id=ward.pk, borough_id=ward.borough_id):
        raise PermissionDenied("Only the panel's chair runs its ballots.")


def _locked(ballot: Ballot) -> Ballot:
    """The ballot row, locked: a vote and the close cannot interleave."""
    return Ballot.objects.select_for_update().select_related("meeting__panel").get(pk=ballot.pk)


@transaction.atomic
def create_ballot(
    *,
    acting_user: User,
    meeting: Meeting,
    preference_categories: Collection[str] | None = None,
    added: Sequence[NewCandidate] = (),
    title: str = DEFAULT_TITLE,
    secret: bool = True,
    max_choices: int = DEFAULT_MAX_CHOICES,
    seats: int = DEFAULT_SEATS,
) -> Ballot:
    """Prepare a ballot (a draft) at a meeting: the chosen preferences since the last meeting
    (all of them when ``preference_categories`` is None) and the issues the chair adds (the
    page offers MAX_ADDED). Nothing can be voted on until ``open_ballot``."""
    meeting = Meeting.objects.select_related("panel").get(pk=meeting.pk)
    ward = _ward(meeting)
    _require(acting_user, Perm.RUN_BALLOTS, ward)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled: hold the ballot at another meeting.")
    suggested = {s.category: s for s in suggestions(meeting)}
    chosen = list(suggested) if preference_categories is None else list(preference_categories)
    unknown = [c for c in chosen if c not in suggested]
    if unknown:
        raise ValidationError(
            {"preferences": "Choose from the ward's preferences since the last meeting."}
        )
    entries = [suggested[c].as_candidate() for c in suggested if c in chosen]
    entries += [_clean_added(n) for n in added]

    errors: dict[str, str] = {}
    limit = max_active_priorities()
    if not 1 <= seats <= limit:
        errors["seats"] = f"A ballot adopts between 1 and {limit} priorities."
    if len(entries) < max(seats, 1):
        errors["preferences"] = (
            f"Put at least {_plural(max(seats, 1), 'issue')} on the ballot: choose preferences "
            "or add issues."
        )
    if not 1 <= max_choices <= max(len(entries), 1):
        errors["max_choices"] = (
            f"Members can choose between 1 and {max(len(entries), 1)} issues on this ballot."
        )
    seen: set[str] = set()
    for entry in entries:
        key = entry.issue.casefold()
        if key in seen:
            errors.setdefault("added", f"“{entry.issue}” is on the ballot twice.")
        seen.add(key)
    title = title.strip() or DEFAULT_TITLE
    if errors:
        raise ValidationError(errors)

    ballot = Ballot(
        meeting=meeting, title=title, secret=secret, max_choices=max_choices, seats=seats
    )
    ballot.full_clean()
    _audited(ballot, acting_user).save()
    Candidate.objects.bulk_create(
        Candidate(
            ballot=ballot, issue=e.issue, category=e.category, source=e.source, order=position
        )
        for position, e in enumerate(entries)
    )
    return ballot


def _clean_added(candidate: NewCandidate) -> NewCandidate:
    issue = " ".join(candidate.issue.split())
    if not issue:
        raise ValidationError({"added": "Describe each issue you add."})
    if len(issue) > 300:
        raise ValidationError({"added": "An issue must be 300 characters or fewer."})
    if candidate.category not in ConcernCategory.values:
        raise ValidationError({"added": f"Choose a category for “{issue}”."})
    if candidate.source not in PrioritySource.values:
        raise ValidationError({"added": f"Choose where “{issue}” came from."})
    return NewCandidate(issue=issue, category=candidate.category, source=candidate.source)


@transaction.atomic
def open_ballot(*, acting_user: User, ballot: Ballot) -> Ballot:
    """Open a draft ballot for voting, on or after its meeting's day, and email the members
    recorded present (once the transaction commits)."""
    ballot = _locked(ballot)
    ward = _ward(ballot.meeting)
    _require(acting_user, Perm.RUN_BALLOTS, ward)
    if ballot.status == Ballot.Status.CLOSED:
        raise ValidationError(CLOSED)
    if ballot.status != Ballot.Status.DRAFT:
        raise ValidationError("This ballot is already open.")
    meeting = ballot.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled: the ballot cannot open.")
    day = meeting_day(meeting)
    if day > timezone.localdate():
        raise ValidationError(f"Open the ballot at the meeting, on {day:%-d %B %Y}.")
    candidates = ballot.candidates.count()
    if candidates < ballot.seats:
        raise ValidationError(
            f"The ballot adopts {_plural(ballot.seats, 'priority', 'priorities')} but has "
            f"{_plural(candidates, 'candidate')}: it needs at least {ballot.seats}."
        )
    ballot.status = Ballot.Status.OPEN
    ballot.opened_at = timezone.now()
    ballot.opened_by = acting_user
    _audited(ballot, acting_user).save()

    from priorities import tasks  # the task module imports this one

    ballot_id = ballot.pk
    # Robust: the ballot is open whether or not the broker takes the email job right now.
    # ignore_result: opening a ballot must not wait on the result store when Redis is down.
    transaction.on_commit(
        lambda: tasks.send_ballot_opened.apply_async((ballot_id,), ignore_result=True),
        robust=True,
    )
    return ballot


@transaction.atomic
def cast_vote(
    *,
    acting_user: User,
    ballot: Ballot,
    voter: PanelMembership,
    candidate_ids: Sequence[int],
) -> BallotPaper:
    """Cast ``voter``'s paper approving ``candidate_ids`` (1 to ``max_choices`` of them).

    Only members recorded present at the ballot's meeting vote, each once: the paper's unique
    constraint refuses a second. A secret ballot raises the chosen candidates' counts and
    keeps no record of the choice; an open ballot records an approval per choice.
    """
    ballot = _locked(ballot)
    if ballot.status == Ballot.Status.CLOSED:
        raise ValidationError(CLOSED)
    if ballot.status != Ballot.Status.OPEN:
        raise ValidationError("This ballot is not open for voting yet.")
    if voter.user_id != acting_user.pk:
        raise PermissionDenied("Members cast their own vote.")
    seat_ok = (
        PanelMembership.objects.current()
        .filter(pk=voter.pk, panel_id=ballot.meeting.panel_id)
        .exists()
    )
    if not seat_ok:
        raise ValidationError("Only current members of this panel vote in its ballots.")
    present = Attendance.objects.filter(
        meeting_id=ballot.meeting_id, membership=voter, status=Attendance.Status.PRESENT
    ).exists()
    if not present:
        raise ValidationError(
            "Only members recorded present at the meeting can vote. Ask the chair to record "
            "your attendance."
        )
    choices = list(candidate_ids)
    if not choices:
        raise ValidationError({"choices": "Choose at least one issue."})
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": "Choose each issue once."})
    if len(choices) > ballot.max_choices:
        raise ValidationError({"choices": f"Choose up to {ballot.max_choices} issues."})
    on_ballot = set(
        Candidate.objects.filter(ballot=ballot, pk__in=choices).values_list("pk", flat=True)
    )
    if on_ballot != set(choices):
        raise ValidationError({"choices": "Choose from the issues on this ballot."})

    try:
        # No check first: the database's unique constraint decides, even for two at once.
        with transaction.atomic():
            paper = BallotPaper(ballot=ballot, voter=voter)
            paper._history_user = acting_user  # type: ignore[attr-defined]
            paper.save()
    except IntegrityError:
        raise ValidationError(ALREADY_VOTED) from None
    if ballot.secret:
        # One statement touching every candidate of the ballot, chosen or not, so the rows'
        # last-writer metadata is the same for all and says nothing about this paper.
        Candidate.objects.filter(ballot=ballot).update(
            secret_approvals=F("secret_approvals")
            + Case(When(pk__in=choices, then=Value(1)), default=Value(0))
        )
    else:
        Approval.objects.bulk_create(
            Approval(ballot=ballot, paper=paper, candidate_id=c) for c in sorted(choices)
        )
    return paper


def _count(
    ballot: Ballot, candidates: list[Candidate], casting_vote: Sequence[int] | None
) -> counting.BallotResult:
    """Count the ballot: a secret one from its per-candidate counts, an open one paper by
    paper (so every stored paper is checked against the rule again)."""
    labels = {c.pk: c.issue for c in candidates}
    papers = BallotPaper.objects.filter(ballot=ballot).count()
    if ballot.secret:
        approvals = {c.pk: c.secret_approvals for c in candidates}
        return counting.decide(
            approvals, seats=ballot.seats, papers=papers, labels=labels, casting_vote=casting_vote
        )
    by_paper: dict[int, list[int]] = {}
    for paper_id, candidate_id in Approval.objects.filter(ballot=ballot).values_list(
        "paper_id", "candidate_id"
    ):
        by_paper.setdefault(paper_id, []).append(candidate_id)
    result = counting.count_papers(
        by_paper.values(),
        candidates=list(labels),
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        labels=labels,
        casting_vote=casting_vote,
    )
    if result.papers != papers:
        raise counting.CountingError("A paper of this open ballot records no approvals.")
    return result


def boundary_tie(ballot: Ballot) -> tuple[list[Candidate], int] | None:
    """For the chair closing an open ballot: the candidates tied for the last seat(s) and how
    many seats they compete for, or None when the count needs no casting vote."""
    if ballot.status != Ballot.Status.OPEN:
        return None
    candidates = list(ballot.candidates.order_by("order", "pk"))
    try:
        _count(ballot, candidates, None)
    except counting.TieNeedsCastingVote as tie:
        by_id = {c.pk: c for c in candidates}
        return [by_id[c] for c in tie.tied], tie.seats_left
    except counting.CountingError:
        return None
    return None


@transaction.atomic
def close_ballot(
    *, acting_user: User, ballot: Ballot, casting_vote: Sequence[int] | None = None
) -> Ballot:
    """Close an open ballot when the meeting is quorate: count it (``priorities.counting``),
    store the result, and adopt the winners as the ward's priorities, dated the meeting's day.

    Ties for the last seat(s) need the chair's ``casting_vote`` (an ordered preference over the
    tied candidates); without it ``BallotTie`` names them. The ward may hold at most
    SNT_MAX_ACTIVE_PRIORITIES active priorities: a close that would exceed it is refused,
    naming the active ones. Once closed, nothing about the ballot changes again.
    """
    ballot = _locked(ballot)
    meeting = ballot.meeting
    ward = _ward(meeting)
    _require(acting_user, Perm.RUN_BALLOTS, ward)
    if ballot.status == Ballot.Status.CLOSED:
        raise ValidationError(CLOSED)
    if ballot.status != Ballot.Status.OPEN:
        raise ValidationError("Only an open ballot can be closed.")
    q = quorum(meeting)
    if not q.is_quorate:
        raise ValidationError(
            f"The meeting is not quorate: {q.present} of {q.members} members recorded present, "
            f"{q.required} needed. The ballot stays open."
        )

    candidates = list(ballot.candidates.order_by("order", "pk"))
    try:
        result = _count(ballot, candidates, casting_vote)
    except counting.TieNeedsCastingVote as tie:
        by_id = {c.pk: c for c in candidates}
        raise BallotTie(
            str(tie), tied=[by_id[c] for c in tie.tied], seats_left=tie.seats_left
        ) from None
    except counting.CountingError as exc:
        raise ValidationError(str(exc)) from None

    # The ward's row first, as adopt_priority does: two closes for one ward queue up.
    Ward.objects.select_for_update().filter(pk=ward.pk).get()
    active = list(Priority.objects.active().filter(ward=ward).order_by("issue_date", "pk"))
    limit = max_active_priorities()
    if len(active) + len(result.winners) > limit:
        names = "; ".join(f"“{p.issue}”" for p in active)
        raise ValidationError(
            f"Adopting {_plural(len(result.winners), 'priority', 'priorities')} would give "
            f"{ward.name} "
            f"{len(active) + len(result.winners)} active priorities; at most {limit} may be "
            f"active. Resolve some of the active ones at a review first: {names}. "
            "The ballot stays open."
        )

    ballot.result = result.as_json()
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at = timezone.now()
    ballot.closed_by = acting_user
    ballot.full_clean()
    _audited(ballot, acting_user).save()
    by_id = {c.pk: c for c in candidates}
    for candidate_id in result.winners:
        winner = by_id[candidate_id]
        try:
            adopt_priority(
                acting_user=acting_user,
                ward=ward,
                issue=winner.issue,
                category=winner.category,
                source=winner.source,
                ballot=ballot,
            )
        except ValidationError as exc:
            raise ValidationError(
                f"“{winner.issue}” cannot be adopted: {' '.join(exc.messages)} "
                "The ballot stays open."
            ) from None
    return ballot


# Notifications -------------------------------------------------------------------------------


def send_ballot_opened_notices(*, ballot_id: int) -> int:
    """Email each member recorded present that the ballot is open: once per member, however
    often this runs. Returns how many emails went out now."""
    ballot = Ballot.objects.select_related("meeting__panel").get(pk=ballot_id)
    if ballot.status != Ballot.Status.OPEN:
        return 0
    meeting = ballot.meeting
    present = (
        PanelMembership.objects.filter(
            attendance__meeting=meeting, attendance__status=Attendance.Status.PRESENT
        )
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    path = reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk})
    subject = f"Vote now: {ballot.title} ({meeting.panel.name})"
    choose = f"choose up to {ballot.max_choices}"
    body = (
        f"The chair has opened the ballot “{ballot.title}” at the {meeting.panel.name} "
        f"meeting of {meeting_day(meeting):%-d %B %Y}.\n\n"
        f"As a member recorded present you can vote on your phone: {choose} of the issues, "
        f"in the SNT Portal ({path}).\n\n"
        + (
            "The ballot is secret: nobody can see how you voted, only that you did.\n"
            if ballot.secret
            else "The ballot is open: how each member voted is shown to the panel.\n"
        )
    )
    sent = 0
    for seat in present:
        sent += send_once(
            key=f"ballot-opened:{ballot.pk}",
            recipient=seat.user.email,
            subject=subject,
            body=body,
        )
    return sent
