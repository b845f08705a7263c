"""Records for the API tests and the permission matrix's API rows, made directly (the services
are what the tests exercise through the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from engagement.models import Concern, EngagementEvent, Kin
from epic.catalogue import TYPES
from epic.models import Activity, DirtyBucket
from panels.models import Panel
from priorities.models import Priority, PrioritySource, Review
from tests.factories import MeetingFactory
from wards.models import User, Ward

TODAY = timezone.localdate()


def activity(
    ward: Ward,
    officer: User,
    *,
    day: dt.date | None = None,
    type: str = "arrest",
    quantity: str = "1",
    created_by: User | None = None,
) -> Activity:
    return Activity.objects.create(
        officer=officer,
        ward=ward,
        date=day or TODAY - dt.timedelta(days=2),
        category=TYPES[type].category,
        type=type,
        quantity=Decimal(quantity),
        created_by=created_by or officer,
    )


def priority(ward: Ward, *, issue: str = "Drug dealing in the park") -> Priority:
    return Priority.objects.create(
        ward=ward,
        issue=issue,
        category="drugs",
        source=PrioritySource.COMMUNITY,
        issue_date=TODAY - dt.timedelta(days=120),
    )


def review(of: Priority, panel: Panel, recorded_by: User) -> Review:
    meeting = MeetingFactory.create(
        panel=panel, scheduled_at=timezone.now() - dt.timedelta(days=30)
    )
    return Review.objects.create(
        priority=of,
        meeting=meeting,
        rating=Review.Rating.AMBER,
        note="Two dispersal orders; still reported at weekends.",
        decision=Review.Decision.CONTINUE,
        recorded_by=recorded_by,
    )


def activity_state() -> list[tuple[Any, ...]]:
    """Every EPIC record, its history and the rollup outbox: what a refused write must not
    touch."""
    return [
        tuple(Activity.objects.order_by("pk").values_list()),
        tuple(Activity.history.order_by("pk").values_list("history_id")),
        tuple(DirtyBucket.objects.order_by("pk").values_list("ward_id", "day")),
    ]


def event_state() -> list[tuple[Any, ...]]:
    """Every engagement event, its concerns, officers and groups, the KINs' last contacts and
    the rollup outbox."""
    return [
        tuple(EngagementEvent.objects.order_by("pk").values_list()),
        tuple(Concern.objects.order_by("pk").values_list()),
        tuple(EngagementEvent.officers.through.objects.order_by("pk").values_list()),
        tuple(EngagementEvent.groups_reached.through.objects.order_by("pk").values_list()),
        tuple(Kin.objects.order_by("pk").values_list("last_contact_on")),
        tuple(DirtyBucket.objects.order_by("pk").values_list("ward_id", "day")),
    ]
