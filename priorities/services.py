"""Every write to adopted priorities, their action plans and their reviews goes through these.

Each function is keyword-only, takes ``acting_user`` (recorded in the audit history), checks
the domain rules and runs in one transaction. The ballots (on close), the pages, the admin and
the demo all call the same functions. Ballots themselves are written in
``priorities/ballots.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from engagement.concerns import ConcernCategory
from panels.models import Meeting
from priorities.models import Ballot, PlannedAction, Priority, PrioritySource, Review
from priorities.rules import REVIEW_INTERVAL_DAYS, reviews_due
from snt_portal.notifications import send_once
from wards.models import Posting, Team, User, Ward

_Audited = TypeVar("_Audited", Priority, PlannedAction, Review)


def _audited(obj: _Audited, acting_user: User | None) -> _Audited:
    # simple-history reads the author from here when no request is in flight.
    obj._history_user = acting_user  # type: ignore[attr-defined]
    return obj


def max_active_priorities() -> int:
    return int(settings.SNT_MAX_ACTIVE_PRIORITIES)


@transaction.atomic
def adopt_priority(
    *,
    acting_user: User | None,
    ward: Ward,
    issue: str,
    category: ConcernCategory | str,
    source: PrioritySource | str = PrioritySource.COMMUNITY,
    issue_date: dt.date | None = None,
    ballot: Ballot | None = None,
) -> Priority:
    """Adopt a priority for the ward: from a closed ballot, or recorded by the panel's chair.

    A ward holds at most ``SNT_MAX_ACTIVE_PRIORITIES`` active priorities (3 by default). The
    ward's row is locked first, so two adoptions at once for one ward queue up rather than
    both counting the same active priorities; then the active priorities themselves are
    locked and counted.
    """
    today = timezone.localdate()
    Ward.objects.select_for_update().filter(pk=ward.pk).get()
    active = list(
        Priority.objects.select_for_update().filter(ward=ward, status=Priority.Status.ACTIVE)
    )
    limit = max_active_priorities()
    if len(active) >= limit:
        raise ValidationError(
            f"{ward.name} already has {len(active)} active priorities, the most allowed "
            f"({limit}). Resolve one at a review before adopting another."
        )
    issue = issue.strip()
    if not issue:
        raise ValidationError({"issue": "Describe the issue the panel wants tackled."})
    if any(p.issue.strip().lower() == issue.lower() for p in active):
        raise ValidationError({"issue": "This issue is already one of the ward's priorities."})
    if ballot is not None:
        meeting = Meeting.objects.select_related("panel").get(pk=ballot.meeting_id)
        if meeting.panel.ward_id != ward.pk:
            raise ValidationError("This ballot was held by another ward's panel.")
        if ballot.status != Ballot.Status.CLOSED:
            raise ValidationError("A ballot adopts priorities only once it is closed.")
        # Set on the day of the meeting, or today if the ballot closed ahead of its date.
        issue_date = issue_date or min(timezone.localdate(meeting.scheduled_at), today)
    issue_date = issue_date or today
    if issue_date > today:
        raise ValidationError({"issue_date": "The date set cannot be in the future."})
    priority = Priority(
        ward=ward,
        issue=issue,
        category=category,
        source=source,
        issue_date=issue_date,
        ballot=ballot,
        status=Priority.Status.ACTIVE,
    )
    priority.full_clean()
    _audited(priority, acting_user).save()
    return priority


def _check_owner(
    priority: Priority, owner: User | None, partner: str, *, keep: int | None = None
) -> str:
    """The partner name, cleaned; refuses an action with no owner, two owners, or an owner
    not on the ward's team (``keep``: an existing owner, kept even after they moved on)."""
    partner = partner.strip()
    if owner is None and not partner:
        raise ValidationError(
            {"owner": "Choose the team member who owns the action, or name the partner."}
        )
    if owner is not None and partner:
        raise ValidationError(
            {"partner": "An action has one owner: a team member or a partner, not both."}
        )
    if owner is not None and owner.pk != keep:
        on_team = (
            Posting.objects.current()
            .filter(person=owner)
            .filter(
                Q(team__kind=Team.Kind.WARD, team__ward=priority.ward_id)
                | Q(team__kind=Team.Kind.CLUSTER, team__cluster__wards=priority.ward_id)
            )
            .exists()
        )
        if not on_team:
            raise ValidationError(
                {"owner": f"{owner.display_name} is not on this ward's team or its cluster's."}
            )
    return partner


@transaction.atomic
def add_planned_action(
    *,
    acting_user: User | None,
    priority: Priority,
    description: str,
    owner: User | None = None,
    partner: str = "",
    due_date: dt.date | None = None,
    status: PlannedAction.Status | str = PlannedAction.Status.PLANNED,
) -> PlannedAction:
    """Add a step to the plan for an active priority, owned by a team member or a partner."""
    priority = Priority.objects.select_for_update().get(pk=priority.pk)
    if priority.status != Priority.Status.ACTIVE:
        raise ValidationError("This priority is resolved: its plan is closed.")
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe the action."})
    partner = _check_owner(priority, owner, partner)
    if due_date is not None and due_date < priority.issue_date:
        raise ValidationError(
            {"due_date": "The due date cannot be before the priority was adopted."}
        )
    action = PlannedAction(
        priority=priority,
        description=description,
        owner=owner,
        partner=partner,
        due_date=due_date,
        status=status,
    )
    action.full_clean()
    _audited(action, acting_user).save()
    return action


@transaction.atomic
def update_planned_action(
    *,
    acting_user: User | None,
    action: PlannedAction,
    description: str,
    owner: User | None = None,
    partner: str = "",
    due_date: dt.date | None = None,
    status: PlannedAction.Status | str,
) -> PlannedAction:
    """Change an action's description, owner, due date or status (e.g. mark it done)."""
    action = PlannedAction.objects.select_for_update().select_related("priority").get(pk=action.pk)
    priority = action.priority
    if priority.status != Priority.Status.ACTIVE:
        raise ValidationError("This priority is resolved: its plan is closed.")
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe the action."})
    partner = _check_owner(priority, owner, partner, keep=action.owner_id)
    if due_date is not None and due_date < priority.issue_date:
        raise ValidationError(
            {"due_date": "The due date cannot be before the priority was adopted."}
        )
    action.description = description
    action.owner = owner
    action.partner = partner
    action.due_date = due_date
    action.status = status
    action.full_clean()
    _audited(action, acting_user).save()
    return action


@transaction.atomic
def record_review(
    *,
    acting_user: User,
    priority: Priority,
    meeting: Meeting,
    rating: Review.Rating | str,
    note: str,
    decision: Review.Decision | str,
    action: str = "",
    action_date: dt.date | None = None,
) -> Review:
    """Record a meeting's review of one active priority: a red/amber/green rating, a note,
    and the decision to continue or resolve it. Resolving sets the priority's public action
    and action-date (police.uk's ``action`` and ``action-date``) and makes it resolved.
    One review per priority per meeting (the database refuses a second)."""
    priority = Priority.objects.select_for_update().get(pk=priority.pk)
    if priority.status != Priority.Status.ACTIVE:
        raise ValidationError("This priority is already resolved.")
    meeting = Meeting.objects.select_related("panel").get(pk=meeting.pk)
    if meeting.panel.ward_id != priority.ward_id:
        raise ValidationError({"meeting": "Choose a meeting of this ward's panel."})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"meeting": "That meeting was cancelled."})
    today = timezone.localdate()
    held_on = timezone.localdate(meeting.scheduled_at)
    if held_on > today:
        raise ValidationError({"meeting": "A review is recorded at a meeting that has happened."})
    if held_on < priority.issue_date:
        raise ValidationError({"meeting": "That meeting was before the priority was adopted."})
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what progress the team reported."})
    action = action.strip()
    if decision == Review.Decision.RESOLVE:
        errors = {}
        if not action:
            errors["action"] = "Say what was done, for the public page."
        if action_date is None:
            errors["action_date"] = "Enter the date of the action."
        elif action_date < priority.issue_date:
            errors["action_date"] = "The action date cannot be before the priority was adopted."
        elif action_date > today:
            errors["action_date"] = "The action date cannot be in the future."
        if errors:
            raise ValidationError(errors)
    elif action or action_date is not None:
        raise ValidationError(
            {"action": "Only a priority being resolved records the action taken."}
        )
    review = Review(
        priority=priority,
        meeting=meeting,
        rating=rating,
        note=note,
        decision=decision,
        recorded_by=acting_user,
    )
    review.full_clean()
    _audited(review, acting_user).save()
    if decision == Review.Decision.RESOLVE:
        priority.status = Priority.Status.RESOLVED
        priority.action = action
        priority.action_date = action_date
        priority.full_clean()
        _audited(priority, acting_user).save()
    return review


def send_review_reminders(*, today: dt.date | None = None) -> int:
    """Email each active priority's ward sergeants when its review is due within
    REVIEW_REMINDER_DAYS or overdue: once per priority per due date, however often this runs
    (a review moves the due date on, so the next one is reminded afresh). Returns the number
    of emails sent now."""
    today = today or timezone.localdate()
    due = reviews_due(today)
    if not due:
        return 0
    priorities = Priority.objects.select_related("ward").in_bulk([d.priority_id for d in due])
    sergeants: dict[int, list[User]] = {}
    for posting in (
        Posting.objects.current(today)
        .filter(
            role=Posting.Role.SERGEANT,
            team__kind=Team.Kind.WARD,
            team__ward_id__in={d.ward_id for d in due},
        )
        .select_related("person", "team")
    ):
        assert posting.team.ward_id is not None
        sergeants.setdefault(posting.team.ward_id, []).append(posting.person)
    sent = 0
    for item in due:
        priority = priorities[item.priority_id]
        subject, body = _review_reminder(priority, item.due, item.last_reviewed, today)
        for sergeant in sergeants.get(item.ward_id, []):
            sent += send_once(
                key=f"review-due:{priority.pk}:{item.due.isoformat()}",
                recipient=sergeant.email,
                subject=subject,
                body=body,
            )
    return sent


def _review_reminder(
    priority: Priority, due: dt.date, last_reviewed: dt.date | None, today: dt.date
) -> tuple[str, str]:
    ward = priority.ward
    when = "is overdue" if due <= today else f"is due by {due:%-d %B %Y}"
    subject = f"Priority review {when}: {ward.name}"
    history = (
        f"It was last reviewed at the panel meeting of {last_reviewed:%-d %B %Y}."
        if last_reviewed
        else f"It was set on {priority.issue_date:%-d %B %Y} and has not been reviewed yet."
    )
    path = reverse("priorities:ward_priorities", kwargs={"code": ward.code})
    body = (
        f"The review of this {ward.name} priority {when}:\n\n"
        f"  {priority.issue}\n\n"
        f"{history} Priorities are reviewed at least every {REVIEW_INTERVAL_DAYS} days: "
        f"put it on the agenda of the panel's next meeting and record the review in the "
        f"SNT Portal ({path}).\n"
    )
    return subject, body
