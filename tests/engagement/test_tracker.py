"""The seven-stage tracker: each rule, shown on the ward page and across a borough."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Analysis, WardResearch
from engagement.tracker import State, ward_cycles
from tests.factories import (
    CommunityGroupFactory,
    ConcernFactory,
    EngagementEventFactory,
    KinFactory,
    WardFactory,
)
from tests.world import World
from wards.models import Ward

TODAY = dt.date(2026, 11, 23)


def _states(ward: Ward) -> dict[str, State]:
    cycle = ward_cycles([ward.pk], TODAY)[ward.pk]
    return {stage.key: stage.state for stage in cycle.stages}


def _at(days_ago: int) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12))
    )


@pytest.mark.django_db
def test_a_new_ward_has_everything_to_do() -> None:
    states = _states(WardFactory.create())
    assert states == {
        "research": State.OVERDUE,
        "engage": State.OVERDUE,
        "preferences": State.OVERDUE,
        "analyse": State.NOT_STARTED,
        "priorities": State.NOT_STARTED,
        "plan": State.NOT_STARTED,
        "review": State.NOT_STARTED,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reviewed_days_ago", "groups", "expected"),
    [
        (10, 1, State.DONE),
        (10, 0, State.IN_PROGRESS),
        (350, 1, State.IN_PROGRESS),
        (366, 1, State.OVERDUE),
    ],
)
def test_research_must_be_reviewed_yearly_and_name_groups(
    reviewed_days_ago: int, groups: int, expected: State
) -> None:
    ward = WardFactory.create()
    WardResearch.objects.create(ward=ward, reviewed_on=TODAY - dt.timedelta(days=reviewed_days_ago))
    CommunityGroupFactory.create_batch(groups, ward=ward)
    assert _states(ward)["research"] is expected


@pytest.mark.django_db
def test_engagement_needs_three_events_reaching_half_the_groups_and_a_hard_to_reach_one() -> None:
    ward = WardFactory.create()
    easy = CommunityGroupFactory.create_batch(3, ward=ward)
    hard = CommunityGroupFactory.create(ward=ward, hard_to_reach=True)
    events = [EngagementEventFactory.create(ward=ward, starts_at=_at(d)) for d in (5, 20, 40)]
    events[0].groups_reached.set(easy[:2])
    cycle = ward_cycles([ward.pk], TODAY)[ward.pk]
    engage = cycle.stages[1]
    assert engage.state is State.IN_PROGRESS
    assert "no hard-to-reach group reached" in engage.detail
    events[1].groups_reached.set([hard])
    assert _states(ward)["engage"] is State.DONE
    # Events more than 90 days ago do not count.
    for event in events:
        event.starts_at = _at(120)
        event.save()
    assert _states(ward)["engage"] is State.OVERDUE


@pytest.mark.django_db
def test_preferences_need_two_channels_and_analysis_follows() -> None:
    ward = WardFactory.create()
    ConcernFactory.create(event__ward=ward, raised_on=TODAY - dt.timedelta(days=3))
    states = _states(ward)
    assert states["preferences"] is State.IN_PROGRESS
    assert states["analyse"] is State.OVERDUE
    kin = KinFactory.create(ward=ward)
    ConcernFactory.create(
        event__ward=ward, event__kind="kin_interview", event__kin=kin, source="kin", kin=kin,
        raised_on=TODAY - dt.timedelta(days=3),
    )  # fmt: skip
    assert _states(ward)["preferences"] is State.DONE
    analysis = Analysis.objects.create(
        ward=ward, period_start=TODAY - dt.timedelta(days=90), period_end=TODAY, summary="x",
        recorded_by=kin.interviews.get().created_by,
    )  # fmt: skip
    Analysis.objects.filter(pk=analysis.pk).update(recorded_at=_at(10))
    assert _states(ward)["analyse"] is State.DONE


def test_the_ward_page_shows_the_stepper_to_the_team_not_to_the_panel(
    world: World, client: Client
) -> None:
    client.force_login(world.users["sergeant"])
    page = client.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code})).content.decode()
    assert "The Safer Neighbourhoods cycle" in page
    assert "Research the neighbourhood" in page and "Overdue" in page
    assert "Key individuals" in page
    client.force_login(world.users["panel_member"])
    page = client.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code})).content.decode()
    assert "Research the neighbourhood" not in page
    assert "Key individuals" not in page
    assert "Public preferences and crime evidence" in page


def test_the_borough_view_lists_wards_by_stage_and_overdue_items(
    world: World, client: Client, django_assert_max_num_queries
) -> None:
    WardResearch.objects.create(ward=world.a2, reviewed_on=timezone.localdate())
    CommunityGroupFactory.create(ward=world.a2)
    client.force_login(world.users["borough_manager"])
    url = reverse("engagement:borough_tracker", kwargs={"code": world.a1.borough.code})
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    # a1 has research overdue; a2's research is done, so it is working on engagement.
    assert page.index("Alpha") < page.index("Amber")
    rows = page[page.index("Wards</caption>") :]
    alpha = rows[rows.index("Alpha") : rows.index("Amber")]
    assert "Research the neighbourhood" in alpha
    amber = rows[rows.index("Amber") :]
    assert "Engage with the community" in amber
    # The query count does not grow with the number of wards.
    for _ in range(10):
        WardFactory.create(borough=world.a1.borough)
    with django_assert_max_num_queries(14):
        client.get(url)
