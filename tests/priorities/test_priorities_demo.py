"""seed_priorities: stages 5-7 alive in every ward with a panel, idempotent and deterministic.

The panels come from panels.demo in seed_demo; here a small London of panels with a meeting
every ten weeks stands in for them, so the priorities' demo is checked on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from engagement.tracker import State
from panels.models import Meeting, Panel, PanelMembership
from priorities.demo import seed_priorities
from priorities.models import PlannedAction, Priority, PrioritySource, Review
from priorities.rules import panel_stages, wards_without_youth_priority
from tests.factories import BoroughFactory, PostingFactory, TeamFactory, UserFactory, WardFactory
from wards.models import Posting, Ward

pytestmark = pytest.mark.django_db

BOROUGHS, WARDS = 6, 12


def small_london(today: dt.date) -> list[Ward]:
    """Six boroughs of twelve wards, each with a sergeant and a PC; all but one ward in each
    borough with a panel, its chair, and a meeting every ten weeks for two years."""
    wards, no_panel = [], set()
    for b in range(BOROUGHS):
        borough = BoroughFactory.create(code=f"E0900009{b}", name=f"Borough {b}")
        for w in range(WARDS):
            ward = WardFactory.create(code=f"E051{b}{w:04d}", borough=borough)
            team = TeamFactory.create(ward=ward)
            PostingFactory.create(team=team, role=Posting.Role.SERGEANT)
            PostingFactory.create(team=team, role=Posting.Role.PC)
            wards.append(ward)
            if w == 0:
                no_panel.add(ward.pk)
    panels = Panel.objects.bulk_create(
        Panel(ward=ward, name=f"{ward.name} panel") for ward in wards if ward.pk not in no_panel
    )
    chairs = UserFactory.create_batch(len(panels))
    PanelMembership.objects.bulk_create(
        PanelMembership(
            panel=panel,
            user=chair,
            position="chair",
            term_start=today - dt.timedelta(days=800),
        )
        for panel, chair in zip(panels, chairs, strict=True)
    )
    now = timezone.now()
    meetings = []
    for i, panel in enumerate(panels):
        at = now - dt.timedelta(days=730 - i % 60)
        while at < now + dt.timedelta(days=60):
            status = Meeting.Status.HELD if at < now else Meeting.Status.SCHEDULED
            meetings.append(Meeting(panel=panel, scheduled_at=at, place="Hall", status=status))
            at += dt.timedelta(days=70)
    Meeting.objects.bulk_create(meetings)
    return wards


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Priority.objects.order_by("ward__code", "issue_date", "category").values_list(
            "ward__code", "issue", "category", "source", "issue_date", "status", "action_date"
        )
    )


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Priority, PlannedAction, Review, Priority.history.model)
    }


def test_without_panels_it_does_nothing_and_says_so() -> None:
    WardFactory.create()
    said: list[str] = []
    seed_priorities(today=timezone.localdate(), progress=said.append)
    assert Priority.objects.count() == 0
    assert said == ["Priorities: no ward has a neighbourhood panel yet, so nothing to seed"]


def test_the_demo_priorities() -> None:
    today = timezone.localdate()
    wards = small_london(today)
    with_panel = [w.pk for w in wards if hasattr(w, "panel")]
    said: list[str] = []
    report = seed_priorities(today=today, progress=said.append)
    assert report.wards_seeded == len(with_panel) == BOROUGHS * (WARDS - 1)
    assert said[0].startswith(f"Priorities: seeding {len(with_panel)} wards with a panel")

    check_priorities(with_panel, today)
    check_plans_and_reviews()
    check_the_rules_vary(with_panel, today, report)

    # A second run changes nothing.
    before, rows = counts(), snapshot()
    again = seed_priorities(today=today, progress=lambda _: None)
    assert (again.wards_seeded, again.wards_kept) == (0, len(with_panel))
    assert counts() == before and snapshot() == rows

    # And it is deterministic: the same London gives the same priorities.
    Review.objects.all().delete()
    PlannedAction.objects.all().delete()
    Priority.objects.all().delete()
    seed_priorities(today=today, progress=lambda _: None)
    assert snapshot() == rows


def check_priorities(with_panel: list[int], today: dt.date) -> None:
    # Only wards with a panel; two or three active each, never more than three.
    per_ward = Counter(Priority.objects.filter(status="active").values_list("ward_id", flat=True))
    assert set(per_ward) == set(with_panel)
    assert set(per_ward.values()) == {2, 3}
    assert not Priority.objects.filter(ballot__isnull=False).exists()
    # Resolved ones say what was done and when.
    resolved = Priority.objects.filter(status="resolved")
    assert resolved.count() >= len(with_panel)
    assert not resolved.filter(Q(action="") | Q(action_date__isnull=True)).exists()
    assert not resolved.filter(action_date__lt=F("issue_date")).exists()
    # Mostly from community consultation; some from crime analysis and youth engagement.
    sources = Counter(Priority.objects.values_list("source", flat=True))
    assert sources[PrioritySource.COMMUNITY] > sources[PrioritySource.CRIME_ANALYSIS] > 0
    assert sources[PrioritySource.YOUTH] > 0
    # Led by the seeds' London ranking: anti-social behaviour first.
    top = Counter(Priority.objects.values_list("category", flat=True)).most_common(4)
    assert {"asb_youths", "asb_general"} & {category for category, _ in top}
    assert not Priority.objects.filter(issue_date__gt=today).exists()


def check_plans_and_reviews() -> None:
    # One to three actions for each planned priority, each with one owner.
    actions = Counter(PlannedAction.objects.values_list("priority_id", flat=True))
    assert set(actions.values()) <= {1, 2, 3}
    assert not PlannedAction.objects.filter(owner__isnull=True, partner="").exists()
    assert PlannedAction.objects.filter(owner__isnull=False).exists()
    assert PlannedAction.objects.exclude(partner="").exists()
    # Reviews at the ward's own panel's past meetings, after the priority was set, a mix of
    # ratings; one per priority per meeting (the database would refuse otherwise).
    reviews = Review.objects.all()
    assert reviews.exists()
    assert not reviews.exclude(meeting__panel__ward=F("priority__ward")).exists()
    assert not reviews.filter(meeting__scheduled_at__gt=timezone.now()).exists()
    assert not reviews.filter(meeting__scheduled_at__date__lte=F("priority__issue_date")).exists()
    assert set(reviews.values_list("rating", flat=True)) == {"red", "amber", "green"}
    # Recorded at the meeting, not when the demo ran.
    assert not reviews.filter(
        Q(recorded_at__lt=F("meeting__scheduled_at"))
        | Q(recorded_at__gt=F("meeting__scheduled_at") + dt.timedelta(hours=3))
    ).exists()
    # Resolving is a review's decision.
    resolved_by_review = reviews.filter(decision="resolve").values("priority")
    assert not Priority.objects.filter(pk__in=resolved_by_review, status="active").exists()
    # Written with their history.
    assert Priority.history.count() == Priority.objects.count()
    assert Review.history.filter(history_change_reason="seed_demo").count() == reviews.count()


def check_the_rules_vary(with_panel: list[int], today: dt.date, report: Any) -> None:
    stages = panel_stages(with_panel, today)
    for i, key in enumerate(("priorities", "plan", "review")):
        seen = Counter(ward[i][0] for ward in stages.values())
        assert len(seen) >= 2, (key, seen)
        assert report.stages[key] == seen
    assert {ward[0][0] for ward in stages.values()} >= {State.DONE, State.OVERDUE}
    # About one ward in three adopted a youth priority in the last 12 months.
    without = wards_without_youth_priority(with_panel, today)
    assert 0.45 <= len(without) / len(with_panel) <= 0.85
    assert report.without_youth == len(without)
    # Youth priorities and categories: not every ward holds the same ones.
    held = (
        Priority.objects.filter(status="active")
        .values("category")
        .annotate(n=Count("ward", distinct=True))
    )
    assert len(held) >= 6
