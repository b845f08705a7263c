"""The rules that flag priorities, wards and boroughs, and stages 5-7 of the cycle.

Each rule is judged on the day asked about (today by default) and is one aggregate query over
all the wards asked about, so a borough's page costs the same whatever its size. The rules
(also in README.md):

- **Review overdue.** An active priority is due for review 90 days after its last review (the
  date of the meeting that reviewed it) or, if never reviewed, 90 days after its issue date;
  from that day on it is flagged overdue. Its ward's sergeants are emailed from 7 days before.
- **Youth priority.** A ward with no priority from youth engagement adopted (issue date) in
  the last 12 months is flagged: each team must adopt one (seed 004 §59).
- **Pan-borough priority.** A category that is an active priority in at least
  ``SNT_PAN_BOROUGH_THRESHOLD`` (default one half) of a borough's current wards is flagged for
  borough tasking (seed 004 §83). Half of 3 wards is 1.5, so 2 must hold it.
- **Stage 5, identify priorities.** Not started while the ward has no panel; done when it has
  an active priority adopted in the last 12 months; in progress when all those adopted in the
  last 12 months are resolved; overdue when none was adopted in the last 12 months.
- **Stage 6, plan and act.** Not started without active priorities; done when every active
  priority has at least one action that is not dropped and no action is overdue (due date
  passed, neither done nor dropped); in progress otherwise.
- **Stage 7, review.** Not started without active priorities; overdue when any is overdue for
  review (above); done when every active priority was reviewed in the last 90 days; in
  progress while newly adopted ones await their first review.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from engagement.concerns import ConcernCategory
from engagement.tracker import State
from panels.models import Panel
from priorities.models import PlannedAction, Priority, PrioritySource
from wards.models import Ward

REVIEW_INTERVAL_DAYS = 90
REVIEW_REMINDER_DAYS = 7
PRIORITY_WINDOW_DAYS = 365  # "the last 12 months", for stage 5 and the youth rule


# Review overdue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    """When an active priority's next review is due, and whether it is overdue."""

    priority_id: int
    ward_id: int
    issue_date: dt.date
    last_reviewed: dt.date | None
    due: dt.date
    today: dt.date

    @property
    def is_overdue(self) -> bool:
        return self.today >= self.due

    @property
    def days_to_due(self) -> int:
        return (self.due - self.today).days

    @property
    def reviewed_recently(self) -> bool:
        return self.last_reviewed is not None and not self.is_overdue


def review_due_date(*, issue_date: dt.date, last_reviewed: dt.date | None) -> dt.date:
    return (last_reviewed or issue_date) + dt.timedelta(days=REVIEW_INTERVAL_DAYS)


def _active_due(ward_ids: Iterable[int] | None = None) -> QuerySet[Priority]:
    """Active priorities with their last review's meeting time (``last_review_at``)."""
    queryset = Priority.objects.active()
    if ward_ids is not None:
        queryset = queryset.filter(ward_id__in=list(ward_ids))
    return queryset.annotate(last_review_at=Max("reviews__meeting__scheduled_at"))


def review_due(row: dict[str, Any], today: dt.date) -> ReviewDue:
    """A priority's review due date from its ``pk``, ``ward_id``, ``issue_date`` and
    ``last_review_at`` (the latest reviewing meeting's time, or None)."""
    at: dt.datetime | None = row["last_review_at"]
    last = timezone.localdate(at) if at is not None else None
    return ReviewDue(
        priority_id=row["pk"],
        ward_id=row["ward_id"],
        issue_date=row["issue_date"],
        last_reviewed=last,
        due=review_due_date(issue_date=row["issue_date"], last_reviewed=last),
        today=today,
    )


_DUE_FIELDS = ("pk", "ward_id", "issue_date", "last_review_at")


def review_status(ward_ids: Iterable[int], today: dt.date | None = None) -> dict[int, ReviewDue]:
    """Priority id -> its review due date, for the active priorities of these wards."""
    today = today or timezone.localdate()
    rows = _active_due(ward_ids).values(*_DUE_FIELDS)
    return {row["pk"]: review_due(row, today) for row in rows}


def reviews_due(today: dt.date | None = None) -> list[ReviewDue]:
    """Every active priority whose review is due within REVIEW_REMINDER_DAYS or overdue."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=REVIEW_REMINDER_DAYS)
    due = [review_due(row, today) for row in _active_due().values(*_DUE_FIELDS)]
    return sorted((d for d in due if d.due <= soon), key=lambda d: (d.due, d.priority_id))


# Youth priority ------------------------------------------------------------------------------


def wards_without_youth_priority(ward_ids: Iterable[int], today: dt.date | None = None) -> set[int]:
    """The wards (of those given) with no youth-engagement priority adopted in 12 months."""
    ids = set(ward_ids)
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=PRIORITY_WINDOW_DAYS)
    with_youth = set(
        Priority.objects.filter(
            ward_id__in=ids, source=PrioritySource.YOUTH, issue_date__gt=since
        ).values_list("ward_id", flat=True)
    )
    return ids - with_youth


# Pan-borough priorities ----------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryHeld:
    """A category and how many of a borough's current wards hold it as an active priority."""

    category: str
    wards: int
    of_wards: int
    pan_borough: bool

    @property
    def label(self) -> str:
        return ConcernCategory(self.category).label

    @property
    def share(self) -> float:
        return self.wards / self.of_wards if self.of_wards else 0.0


def pan_borough_threshold() -> Fraction:
    # Exact arithmetic: 0.5 of 4 wards is exactly 2, never 1.9999.
    return Fraction(str(settings.SNT_PAN_BOROUGH_THRESHOLD))


def is_pan_borough(wards_holding: int, wards_in_borough: int) -> bool:
    return wards_in_borough > 0 and wards_holding >= pan_borough_threshold() * wards_in_borough


def categories_by_borough(
    borough_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, list[CategoryHeld]]:
    """Per borough, each category held as an active priority by its current wards, most held
    first, flagged where at least the threshold share of the borough's wards hold it."""
    ids = list(borough_ids)
    today = today or timezone.localdate()
    current = Ward.objects.current(today).filter(borough_id__in=ids)
    sizes = dict(
        current.values_list("borough_id").annotate(n=Count("pk")).values_list("borough_id", "n")
    )
    held = (
        Priority.objects.active()
        .filter(ward__in=current)
        .values_list("ward__borough_id", "category")
        .annotate(n=Count("ward_id", distinct=True))
    )
    result: dict[int, list[CategoryHeld]] = {borough_id: [] for borough_id in ids}
    for borough_id, category, n in held:
        size = sizes.get(borough_id, 0)
        result[borough_id].append(
            CategoryHeld(
                category=category, wards=n, of_wards=size, pan_borough=is_pan_borough(n, size)
            )
        )
    for rows in result.values():
        rows.sort(key=lambda r: (-r.wards, r.label))
    return result


# Stages 5-7 of the cycle ---------------------------------------------------------------------

StageResult = tuple[State, str]


def panel_stages(ward_ids: list[int], today: dt.date) -> dict[int, tuple[StageResult, ...]]:
    """Stages 5-7 for many wards in two queries (registered with the tracker)."""
    since = today - dt.timedelta(days=PRIORITY_WINDOW_DAYS)
    recent_q = Q(priorities__issue_date__gt=since)
    wards = {
        row["pk"]: row
        for row in Ward.objects.filter(pk__in=ward_ids)
        .values("pk")
        .annotate(
            has_panel=Exists(Panel.objects.filter(ward=OuterRef("pk"))),
            adopted=Count("priorities", filter=recent_q),
            active=Count(
                "priorities", filter=recent_q & Q(priorities__status=Priority.Status.ACTIVE)
            ),
            latest=Max("priorities__issue_date", filter=recent_q),
        )
    }
    live = ~Q(actions__status=PlannedAction.Status.DROPPED)
    late = Q(
        actions__due_date__lt=today,
        actions__status__in=(PlannedAction.Status.PLANNED, PlannedAction.Status.IN_PROGRESS),
    )
    active: dict[int, list[tuple[ReviewDue, int, int]]] = defaultdict(list)
    rows = (
        _active_due(ward_ids)
        .annotate(
            live=Count("actions", filter=live, distinct=True),
            late=Count("actions", filter=late, distinct=True),
        )
        .values(*_DUE_FIELDS, "live", "late")
    )
    for row in rows:
        active[row["ward_id"]].append((review_due(row, today), row["live"], row["late"]))
    return {
        ward_id: (
            _identify(wards[ward_id]),
            _plan(active.get(ward_id, [])),
            _review(active.get(ward_id, [])),
        )
        for ward_id in ward_ids
    }


def _identify(ward: dict[str, Any]) -> StageResult:
    if not ward["has_panel"]:
        return State.NOT_STARTED, "The ward has no neighbourhood panel to set priorities."
    if not ward["adopted"]:
        return State.OVERDUE, "No priority adopted in the last 12 months."
    latest: dt.date = ward["latest"]
    if not ward["active"]:
        return (
            State.IN_PROGRESS,
            "The priorities set in the last 12 months are all resolved: time to set new ones.",
        )
    n = ward["active"]
    return (
        State.DONE,
        f"{n} active priorit{'y' if n == 1 else 'ies'} set in the last 12 months; "
        f"latest {latest:%-d %B %Y}.",
    )


def _plan(active: list[tuple[ReviewDue, int, int]]) -> StageResult:
    if not active:
        return State.NOT_STARTED, "No active priorities to plan for."
    unplanned = sum(1 for _, live, _ in active if not live)
    late = sum(late for _, _, late in active)
    if not unplanned and not late:
        return State.DONE, "Every active priority has a plan, and no action is overdue."
    shortfalls = []
    if unplanned:
        shortfalls.append(
            f"{unplanned} active priorit{'y has' if unplanned == 1 else 'ies have'} no action"
        )
    if late:
        shortfalls.append(f"{late} action{'' if late == 1 else 's'} overdue")
    return State.IN_PROGRESS, "; ".join(shortfalls).capitalize() + "."


def _review(active: list[tuple[ReviewDue, int, int]]) -> StageResult:
    if not active:
        return State.NOT_STARTED, "No active priorities to review."
    overdue = [due for due, _, _ in active if due.is_overdue]
    if overdue:
        n = len(overdue)
        return (
            State.OVERDUE,
            f"{n} active priorit{'y' if n == 1 else 'ies'} not reviewed for "
            f"{REVIEW_INTERVAL_DAYS} days.",
        )
    waiting = [due for due, _, _ in active if due.last_reviewed is None]
    if waiting:
        first = min(due.due for due in waiting)
        n = len(waiting)
        return (
            State.IN_PROGRESS,
            f"{n} newly adopted priorit{'y awaits its' if n == 1 else 'ies await their'} "
            f"first review, due by {first:%-d %B %Y}.",
        )
    return State.DONE, f"Every active priority reviewed in the last {REVIEW_INTERVAL_DAYS} days."
