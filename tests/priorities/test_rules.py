"""The rules that flag priorities, wards and boroughs, stages 5-7 of the cycle, and the
review reminders they drive."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsFixture

from engagement.tracker import State, ward_cycles
from priorities import services
from priorities.models import PlannedAction, Priority, PrioritySource, Review
from priorities.rules import (
    categories_by_borough,
    panel_stages,
    review_status,
    reviews_due,
    wards_without_youth_priority,
)
from priorities.tasks import send_review_reminders
from tests.factories import (
    BoroughFactory,
    MeetingFactory,
    PanelFactory,
    PostingFactory,
    TeamFactory,
    UserFactory,
    WardFactory,
)
from wards.models import Posting, Ward

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def days_ago(n: int, today: dt.date = TODAY) -> dt.date:
    return today - dt.timedelta(days=n)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0)))


def priority(ward: Ward, **kwargs: Any) -> Priority:
    fields: dict[str, Any] = {
        "issue": f"Issue {Priority.objects.count() + 1}",
        "category": "burglary",
        "source": PrioritySource.COMMUNITY,
        "issue_date": days_ago(30),
    }
    fields.update(kwargs)
    if fields.get("status") == Priority.Status.RESOLVED:
        fields.setdefault("action", "Done")
        fields.setdefault("action_date", fields["issue_date"])
    return Priority.objects.create(ward=ward, **fields)


def review(p: Priority, day: dt.date, rating: str = "green") -> Review:
    meeting = MeetingFactory.create(panel=PanelFactory.create(ward=p.ward), scheduled_at=at(day))
    return Review.objects.create(
        priority=p,
        meeting=meeting,
        rating=rating,
        note="Progress",
        decision="continue",
        recorded_by=UserFactory.create(),
    )


# Review overdue ------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "overdue"), [(89, False), (90, True), (200, True)])
def test_a_priority_never_reviewed_is_overdue_90_days_after_it_was_set(
    age: int, overdue: bool
) -> None:
    p = priority(WardFactory.create(), issue_date=days_ago(age))
    due = review_status([p.ward_id], TODAY)[p.pk]
    assert due.last_reviewed is None
    assert due.due == p.issue_date + dt.timedelta(days=90)
    assert due.is_overdue is overdue


@pytest.mark.parametrize(("age", "overdue"), [(89, False), (90, True)])
def test_a_review_restarts_the_90_days_from_its_meeting(age: int, overdue: bool) -> None:
    p = priority(WardFactory.create(), issue_date=days_ago(400))
    review(p, days_ago(300))
    review(p, days_ago(age))
    due = review_status([p.ward_id], TODAY)[p.pk]
    assert due.last_reviewed == days_ago(age)
    assert due.is_overdue is overdue


def test_resolved_priorities_are_never_overdue() -> None:
    p = priority(WardFactory.create(), issue_date=days_ago(400), status="resolved")
    assert review_status([p.ward_id], TODAY) == {}


# Youth priority ------------------------------------------------------------------------------


def test_a_ward_without_a_youth_priority_in_12_months_is_flagged() -> None:
    none, recent, old, resolved, other = WardFactory.create_batch(5)
    priority(recent, source=PrioritySource.YOUTH, issue_date=days_ago(364))
    priority(old, source=PrioritySource.YOUTH, issue_date=days_ago(366))
    # Adopted in the last year and since resolved: the ward did adopt one.
    priority(resolved, source=PrioritySource.YOUTH, issue_date=days_ago(200), status="resolved")
    priority(other, source=PrioritySource.COMMUNITY, issue_date=days_ago(10))
    ids = [w.pk for w in (none, recent, old, resolved, other)]
    assert wards_without_youth_priority(ids, TODAY) == {none.pk, old.pk, other.pk}


# Pan-borough priorities -----------------------------------------------------------------------


def borough_with(n_wards: int, holding: int, category: str = "burglary") -> tuple[int, list[Ward]]:
    borough = BoroughFactory.create()
    wards = WardFactory.create_batch(n_wards, borough=borough)
    for ward in wards[:holding]:
        priority(ward, category=category)
    return borough.pk, wards


def held(borough_id: int, category: str = "burglary") -> Any:
    rows = categories_by_borough([borough_id], TODAY)[borough_id]
    return next(row for row in rows if row.category == category)


@pytest.mark.parametrize(
    ("n_wards", "holding", "flagged"),
    [(4, 2, True), (4, 1, False), (3, 2, True), (3, 1, False), (20, 10, True), (20, 9, False)],
)
def test_a_category_held_by_half_the_wards_is_pan_borough(
    n_wards: int, holding: int, flagged: bool
) -> None:
    borough_id, _ = borough_with(n_wards, holding)
    row = held(borough_id)
    assert (row.wards, row.of_wards) == (holding, n_wards)
    assert row.pan_borough is flagged


def test_the_threshold_is_configurable(settings: SettingsFixture) -> None:
    settings.SNT_PAN_BOROUGH_THRESHOLD = 0.75
    borough_id, _ = borough_with(4, 2)
    assert held(borough_id).pan_borough is False
    settings.SNT_PAN_BOROUGH_THRESHOLD = 0.5
    assert held(borough_id).pan_borough is True


def test_only_active_priorities_of_current_wards_count() -> None:
    borough_id, wards = borough_with(4, 1)
    # A resolved one, and a second priority in the same category in the same ward: still one.
    priority(wards[1], category="burglary", status="resolved")
    priority(wards[0], category="burglary", issue="Sheds broken into")
    # A ward no longer in force holds it too: it neither counts nor swells the borough.
    old = WardFactory.create(
        borough_id=borough_id, valid_from=dt.date(2014, 5, 22), valid_to=dt.date(2022, 5, 5)
    )
    priority(old, category="burglary")
    row = held(borough_id)
    assert (row.wards, row.of_wards, row.pan_borough) == (1, 4, False)


def test_categories_for_many_boroughs_take_two_queries(query_count: Any) -> None:
    ids = [borough_with(5, 3)[0] for _ in range(4)]
    with query_count() as queries:
        result = categories_by_borough(ids, TODAY)
    assert len(queries) == 2
    assert all(held(i).pan_borough for i in result)


# Stages 5-7 ----------------------------------------------------------------------------------


def stages(ward: Ward, today: dt.date = TODAY) -> tuple[tuple[State, str], ...]:
    return panel_stages([ward.pk], today)[ward.pk]


def states(ward: Ward) -> tuple[State, ...]:
    return tuple(state for state, _ in stages(ward))


def ward_with_panel() -> Ward:
    ward = WardFactory.create()
    PanelFactory.create(ward=ward)
    return ward


def test_without_a_panel_nothing_has_started() -> None:
    ward = WardFactory.create()
    assert states(ward) == (State.NOT_STARTED,) * 3


def test_a_panel_with_no_priority_in_12_months_is_overdue() -> None:
    ward = ward_with_panel()
    priority(ward, issue_date=days_ago(400))  # active, but set over a year ago
    identify, _, _ = stages(ward)
    assert identify[0] is State.OVERDUE
    assert "No priority adopted in the last 12 months" in identify[1]


def test_priorities_set_this_year_but_all_resolved_are_in_progress() -> None:
    ward = ward_with_panel()
    priority(ward, issue_date=days_ago(200), status="resolved")
    assert states(ward) == (State.IN_PROGRESS, State.NOT_STARTED, State.NOT_STARTED)


def test_an_active_priority_set_this_year_identifies_priorities() -> None:
    ward = ward_with_panel()
    priority(ward, issue_date=days_ago(100))
    assert states(ward)[0] is State.DONE


def test_plan_and_act() -> None:
    ward = ward_with_panel()
    first, second = priority(ward), priority(ward)
    PlannedAction.objects.create(priority=first, description="Patrols", partner="Council")
    # The second has only a dropped action: it has no plan.
    PlannedAction.objects.create(
        priority=second, description="Leaflets", partner="Council", status="dropped"
    )
    plan = stages(ward)[1]
    assert plan == (State.IN_PROGRESS, "1 active priority has no action.")

    late = PlannedAction.objects.create(
        priority=second,
        description="Visits",
        partner="Council",
        due_date=days_ago(1),
        status="in_progress",
    )
    assert stages(ward)[1] == (State.IN_PROGRESS, "1 action overdue.")
    late.status = "done"
    late.save()
    assert stages(ward)[1][0] is State.DONE
    # Due today is not yet overdue.
    late.status, late.due_date = "planned", TODAY
    late.save()
    assert stages(ward)[1][0] is State.DONE


def test_review_stage() -> None:
    ward = ward_with_panel()
    old = priority(ward, issue_date=days_ago(200))
    new = priority(ward, issue_date=days_ago(20))
    review(old, days_ago(95))
    assert stages(ward)[2] == (State.OVERDUE, "1 active priority not reviewed for 90 days.")
    review(old, days_ago(10))
    state, detail = stages(ward)[2]
    assert state is State.IN_PROGRESS  # the new one awaits its first review, not yet due
    assert "first review" in detail
    review(new, days_ago(5))
    assert stages(ward)[2][0] is State.DONE


def test_the_tracker_shows_the_panel_stages() -> None:
    ward = ward_with_panel()
    priority(ward, issue_date=timezone.localdate() - dt.timedelta(days=10))
    cycle = ward_cycles([ward.pk])[ward.pk]
    assert [s.key for s in cycle.stages[4:]] == ["priorities", "plan", "review"]
    assert [s.state for s in cycle.stages[4:]] == [
        State.DONE,
        State.IN_PROGRESS,
        State.IN_PROGRESS,
    ]


def test_stages_for_a_borough_take_two_queries(query_count: Any) -> None:
    wards = [ward_with_panel() for _ in range(6)]
    for ward in wards:
        p = priority(ward)
        PlannedAction.objects.create(priority=p, description="Patrols", partner="Council")
        review(p, days_ago(5))
    with query_count() as queries:
        result = panel_stages([w.pk for w in wards], TODAY)
    assert len(queries) == 2
    assert {state for ward in result.values() for state, _ in ward} == {State.DONE}


# Review reminders ----------------------------------------------------------------------------


def sergeant_of(ward: Ward, email: str) -> None:
    team = TeamFactory.create(ward=ward)
    PostingFactory.create(
        team=team, role=Posting.Role.SERGEANT, person=UserFactory.create(email=email)
    )


def test_reviews_due_within_7_days_or_overdue() -> None:
    ward = WardFactory.create()
    today = timezone.localdate()
    soon = priority(ward, issue_date=today - dt.timedelta(days=83))  # due in 7 days
    overdue = priority(ward, issue_date=today - dt.timedelta(days=120))
    priority(ward, issue_date=today - dt.timedelta(days=82))  # due in 8 days
    assert [d.priority_id for d in reviews_due(today)] == [overdue.pk, soon.pk]


def test_review_reminders_are_sent_once_per_priority_per_due_date() -> None:
    today = timezone.localdate()
    ward = WardFactory.create(name="Alpha")
    sergeant_of(ward, "sergeant@example.org")
    other = WardFactory.create()
    sergeant_of(other, "other@example.org")  # nothing due there
    p = priority(ward, issue_date=today - dt.timedelta(days=100), issue="Burglary of sheds")
    priority(other, issue_date=today - dt.timedelta(days=10))

    assert send_review_reminders() == 1
    assert send_review_reminders() == 0  # a retried or repeated run sends nothing
    assert services.send_review_reminders() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sergeant@example.org"]
    assert message.subject == "Priority review is overdue: Alpha"
    assert "Burglary of sheds" in message.body

    # Reviewed 85 days ago: the next review is due in 5 days, a new due date: reminded again.
    review(p, today - dt.timedelta(days=85))
    assert send_review_reminders() == 1
    assert send_review_reminders() == 0
    assert "is due by" in mail.outbox[1].subject


def test_reminders_skip_priorities_without_a_sergeant_or_email() -> None:
    today = timezone.localdate()
    priority(WardFactory.create(), issue_date=today - dt.timedelta(days=100))
    no_email = WardFactory.create()
    sergeant_of(no_email, "")
    priority(no_email, issue_date=today - dt.timedelta(days=100))
    assert send_review_reminders() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SNT_PAN_BOROUGH_THRESHOLD": "half"}, "SNT_PAN_BOROUGH_THRESHOLD must be a number"),
        ({"SNT_PAN_BOROUGH_THRESHOLD": "1.5"}, "SNT_PAN_BOROUGH_THRESHOLD must be at most 1.0"),
        ({"SNT_MAX_ACTIVE_PRIORITIES": "0"}, "SNT_MAX_ACTIVE_PRIORITIES must be at least 1"),
    ],
)
def test_a_bad_setting_stops_start_up(env: dict[str, str], message: str) -> None:
    from tests.test_settings import start_django

    result = start_django(SECRET_KEY="x", **env)
    assert result.returncode != 0
    assert message in result.stderr
