"""Reads for the priorities pages. Callers pass wards and boroughs they have already checked
access to (through snt_portal.permissions); the public page passes a current Met ward."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from engagement.concerns import ConcernCategory
from panels.models import Meeting
from priorities.models import PlannedAction, Priority, PrioritySource, Review
from priorities.rules import (
    PRIORITY_WINDOW_DAYS,
    CategoryHeld,
    ReviewDue,
    categories_by_borough,
    review_due,
    review_status,
    wards_without_youth_priority,
)
from wards.models import Borough, Posting, Team, User, Ward
from wards.selectors import team_postings


@dataclass(frozen=True)
class PriorityRow:
    """An active priority with its plan, its reviews (latest first) and when it is due."""

    priority: Priority
    actions: list[PlannedAction]
    reviews: list[Review]
    due: ReviewDue

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[0] if self.reviews else None

    @property
    def late_action_ids(self) -> set[int]:
        """Actions past their due date and neither done nor dropped."""
        open_ = (PlannedAction.Status.PLANNED, PlannedAction.Status.IN_PROGRESS)
        return {
            a.pk
            for a in self.actions
            if a.due_date is not None and a.due_date < self.due.today and a.status in open_
        }


@dataclass(frozen=True)
class WardPriorities:
    active: list[PriorityRow]
    resolved: list[Priority]
    needs_youth_priority: bool
    slots_left: int

    @property
    def overdue(self) -> list[PriorityRow]:
        return [row for row in self.active if row.due.is_overdue]


def _with_plan(queryset: QuerySet[Priority], *, public: bool = False) -> QuerySet[Priority]:
    actions = PlannedAction.objects.select_related("owner").order_by("due_date", "pk")
    if public:
        actions = actions.exclude(status=PlannedAction.Status.DROPPED)
    return queryset.prefetch_related(Prefetch("actions", queryset=actions))


def ward_priorities(
    ward: Ward, *, today: dt.date | None = None, resolved_limit: int = 20
) -> WardPriorities:
    """The ward's active priorities with their plans and review history, and the most recently
    resolved, in a fixed number of queries."""
    today = today or timezone.localdate()
    reviews = Review.objects.select_related("meeting", "recorded_by").order_by(
        "-meeting__scheduled_at", "-pk"
    )
    active = list(
        _with_plan(Priority.objects.active().filter(ward=ward))
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("issue_date", "pk")
    )
    due = review_status([ward.pk], today)
    resolved = list(
        Priority.objects.filter(ward=ward, status=Priority.Status.RESOLVED).order_by(
            "-action_date", "-pk"
        )[:resolved_limit]
    )
    return WardPriorities(
        active=[
            PriorityRow(
                priority=p,
                actions=list(p.actions.all()),
                reviews=list(p.reviews.all()),
                due=due[p.pk],
            )
            for p in active
        ],
        resolved=resolved,
        needs_youth_priority=bool(wards_without_youth_priority([ward.pk], today)),
        slots_left=max(settings.SNT_MAX_ACTIVE_PRIORITIES - len(active), 0),
    )


@dataclass(frozen=True)
class ActiveSummary:
    """An active priority as the ward page lists it, with its latest review's rating."""

    issue: str
    category: str
    issue_date: dt.date
    latest_rating: str | None
    due: ReviewDue

    @property
    def category_label(self) -> str:
        return ConcernCategory(self.category).label


@dataclass(frozen=True)
class WardSummary:
    active: list[ActiveSummary]
    needs_youth_priority: bool

    @property
    def overdue(self) -> list[ActiveSummary]:
        return [row for row in self.active if row.due.is_overdue]


def ward_summary(ward: Ward, *, today: dt.date | None = None) -> WardSummary:
    """For the ward page, in one query: the active priorities with their latest review's
    rating and when the next is due, and whether the ward needs a youth priority."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=PRIORITY_WINDOW_DAYS)
    latest = Review.objects.filter(priority=OuterRef("pk")).order_by("-meeting__scheduled_at")
    youth = Q(source=PrioritySource.YOUTH, issue_date__gt=since)
    rows = list(
        Priority.objects.filter(ward=ward)
        .filter(Q(status=Priority.Status.ACTIVE) | youth)
        .annotate(
            last_review_at=Subquery(latest.values("meeting__scheduled_at")[:1]),
            latest_rating=Subquery(latest.values("rating")[:1]),
        )
        .order_by("issue_date", "pk")
        .values(
            "pk",
            "ward_id",
            "issue",
            "category",
            "source",
            "status",
            "issue_date",
            "last_review_at",
            "latest_rating",
        )
    )
    return WardSummary(
        active=[
            ActiveSummary(
                issue=row["issue"],
                category=row["category"],
                issue_date=row["issue_date"],
                latest_rating=row["latest_rating"],
                due=review_due(row, today),
            )
            for row in rows
            if row["status"] == Priority.Status.ACTIVE
        ],
        needs_youth_priority=not any(
            row["source"] == PrioritySource.YOUTH and row["issue_date"] > since for row in rows
        ),
    )


def priority_slots_left(ward: Ward) -> int:
    """How many more priorities the ward may adopt now (for a ballot's seats)."""
    active = Priority.objects.active().filter(ward=ward).count()
    return max(int(settings.SNT_MAX_ACTIVE_PRIORITIES) - active, 0)


def team_members(ward: Ward, on: dt.date | None = None) -> list[User]:
    """Who may own an action: current postings on the ward's team and its cluster's."""
    seen: dict[int, User] = {}
    for posting in team_postings(ward, on or timezone.localdate()):
        seen.setdefault(posting.person_id, posting.person)
    return sorted(seen.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def meetings_for_review(priority: Priority) -> QuerySet[Meeting]:
    """Meetings of the ward's panel at which this priority could be reviewed: held (or due
    to have been), not cancelled, on or after its issue date, not already reviewing it."""
    return (
        Meeting.objects.filter(
            panel__ward_id=priority.ward_id,
            scheduled_at__lte=timezone.now(),
            scheduled_at__date__gte=priority.issue_date,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(reviews__priority=priority)
        .order_by("-scheduled_at")
    )


# The public ward page ------------------------------------------------------------------------

# Ranks shown to the public, senior first. Volunteers are not police officers: their names
# are not published.
PUBLIC_ROLES = (
    Posting.Role.INSPECTOR,
    Posting.Role.SERGEANT,
    Posting.Role.PC,
    Posting.Role.PCSO,
    Posting.Role.SPECIAL,
)


@dataclass(frozen=True)
class TeamMember:
    """What the public sees of an officer: name and rank, nothing else."""

    name: str
    rank: str
    leads_cluster: bool


@dataclass(frozen=True)
class PublicWard:
    team: list[TeamMember]
    active: list[Priority]
    resolved: list[Priority]
    next_meeting: Meeting | None


def public_ward(ward: Ward, *, resolved_limit: int = 10) -> PublicWard:
    """The public page's content: names and ranks, priorities and the (not dropped) actions
    on them, the latest resolved, the next panel meeting. No contact details anywhere."""
    postings = [
        p
        for p in team_postings(ward, timezone.localdate())
        if p.role in PUBLIC_ROLES and p.team.kind in (Team.Kind.WARD, Team.Kind.CLUSTER)
    ]
    team = [
        TeamMember(
            name=p.person.display_name,
            rank=p.get_role_display(),
            leads_cluster=p.team.kind == Team.Kind.CLUSTER,
        )
        for p in postings
    ]
    active = list(
        _with_plan(Priority.objects.active().filter(ward=ward), public=True).order_by(
            "issue_date", "pk"
        )
    )
    resolved = list(
        Priority.objects.filter(ward=ward, status=Priority.Status.RESOLVED).order_by(
            "-action_date", "-pk"
        )[:resolved_limit]
    )
    return PublicWard(team=team, active=active, resolved=resolved, next_meeting=next_meeting(ward))


def next_meeting(ward: Ward) -> Meeting | None:
    """The ward panel's next scheduled meeting, if one is in the diary."""
    return (
        Meeting.objects.filter(
            panel__ward=ward, status=Meeting.Status.SCHEDULED, scheduled_at__gt=timezone.now()
        )
        .order_by("scheduled_at")
        .first()
    )


# The borough page ----------------------------------------------------------------------------


@dataclass
class WardFlags:
    ward: Ward
    categories: list[str] = field(default_factory=list)
    overdue_reviews: int = 0
    needs_youth_priority: bool = False

    @property
    def category_labels(self) -> list[str]:
        return [ConcernCategory(c).label for c in self.categories]


@dataclass(frozen=True)
class BoroughPriorities:
    borough: Borough
    wards_in_borough: int
    categories: list[CategoryHeld]
    wards: list[WardFlags]  # the wards the reader may see

    @property
    def pan_borough(self) -> list[CategoryHeld]:
        return [c for c in self.categories if c.pan_borough]

    @property
    def overdue(self) -> list[WardFlags]:
        return [w for w in self.wards if w.overdue_reviews]

    @property
    def without_youth(self) -> list[WardFlags]:
        return [w for w in self.wards if w.needs_youth_priority]

    @property
    def partial(self) -> bool:
        return len(self.wards) < self.wards_in_borough


def borough_priorities(
    borough: Borough, visible_wards: QuerySet[Ward], *, today: dt.date | None = None
) -> BoroughPriorities:
    """Categories held across all the borough's current wards (the pan-borough rule needs the
    whole borough; priorities are public), and per-ward flags for the wards the reader may
    see. Five queries whatever the borough's size."""
    today = today or timezone.localdate()
    categories = categories_by_borough([borough.pk], today)[borough.pk]
    in_borough = Ward.objects.current(today).filter(borough=borough)
    wards = list(visible_wards.filter(pk__in=in_borough).order_by("name"))
    ids = [w.pk for w in wards]
    flags = {w.pk: WardFlags(ward=w) for w in wards}
    held: dict[int, set[str]] = defaultdict(set)
    for ward_id, category in (
        Priority.objects.active().filter(ward_id__in=ids).values_list("ward_id", "category")
    ):
        held[ward_id].add(category)
    for ward_id, categories_held in held.items():
        flags[ward_id].categories = sorted(categories_held)
    for due in review_status(ids, today).values():
        if due.is_overdue:
            flags[due.ward_id].overdue_reviews += 1
    for ward_id in wards_without_youth_priority(ids, today):
        flags[ward_id].needs_youth_priority = True
    return BoroughPriorities(
        borough=borough,
        wards_in_borough=in_borough.count(),
        categories=categories,
        wards=list(flags.values()),
    )
