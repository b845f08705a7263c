"""seed_demo's engagement: the first four stages of the cycle alive in every Met ward.

One seeded database serves every check (seeding London takes seconds), so the checks are
helpers called from one test, as in tests/wards/test_seed_demo.py.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crime.models import LsoaWard, StreetCrime, WardCrimeMonth
from crime.selectors import latest_crime_month
from engagement.models import (
    YOUTH_EVENT_KINDS,
    Analysis,
    CommunityGroup,
    Concern,
    EngagementEvent,
    EventKind,
    GlaWardProfile,
    Kin,
    LocalFeature,
    PublicSubmission,
    WardResearch,
)
from engagement.selectors import kin_review_cutoff
from engagement.services import erase_expired_public_contacts
from engagement.tracker import STAGES, State, ward_cycles
from epic.catalogue import Category
from epic.models import Activity, PasResult, WardDay
from panels.models import Meeting
from wards.demo import DEMO_PASSWORD, demo_ward
from wards.models import Posting, Team, Ward

pytestmark = pytest.mark.django_db

COUNTED = (
    WardResearch,
    CommunityGroup,
    LocalFeature,
    Kin,
    EngagementEvent,
    EngagementEvent.officers.through,
    EngagementEvent.groups_reached.through,
    Concern,
    PublicSubmission,
    Analysis,
    GlaWardProfile,
    LsoaWard,
    StreetCrime,
    WardCrimeMonth,
    Activity,
    PasResult,
    WardDay,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def wards_with_teams(today: dt.date) -> list[Ward]:
    teams = Team.objects.filter(kind=Team.Kind.WARD).values("ward_id")
    return list(Ward.objects.current(today).filter(borough__is_met=True, pk__in=teams))


def per_ward(queryset: QuerySet[Any], ward_ids: list[int]) -> dict[int, int]:
    rows = queryset.values_list("ward_id").annotate(n=Count("pk")).values_list("ward_id", "n")
    counts = dict(rows)
    return {ward_id: counts.get(ward_id, 0) for ward_id in ward_ids}


def check_every_ward_engaged(ids: list[int], today: dt.date) -> None:
    """Each ward has research, groups, places, KINs, a year of events and concerns."""
    assert WardResearch.objects.filter(ward_id__in=ids).count() == len(ids)
    assert set(per_ward(CommunityGroup.objects.all(), ids).values()) <= set(range(3, 9))
    assert set(per_ward(LocalFeature.objects.all(), ids).values()) <= set(range(1, 5))
    assert set(per_ward(Kin.objects.all(), ids).values()) <= set(range(4, 16))
    # Within a year (a school session on a weekend moves to the Friday before it).
    year_ago = timezone.now() - dt.timedelta(days=370)
    held = per_ward(EngagementEvent.objects.filter(status="held", starts_at__gte=year_ago), ids)
    # About 120 a ward (London's year over 679 wards); a lapsed or stretched team holds fewer.
    assert min(held.values()) >= 30
    assert max(held.values()) <= 220
    planned = per_ward(EngagementEvent.objects.filter(status="planned"), ids)
    assert set(planned.values()) <= {1, 2, 3}
    assert min(per_ward(Concern.objects.all(), ids).values()) > 0

    # The seeds' London: about 15 people at a public meeting (188,763 at 12,647 meetings).
    meetings = EngagementEvent.objects.filter(kind=EventKind.PUBLIC_MEETING, status="held")
    average = meetings.aggregate(average=Avg("attendance"))["average"]
    assert 14 <= average <= 16
    # Half the events are victim visits, where a wider concern is seldom recorded.
    held_events = EngagementEvent.objects.filter(status="held").count()
    assert Concern.objects.count() / held_events >= 0.8
    kinds = set(EngagementEvent.objects.values_list("kind", flat=True))
    assert kinds == set(EventKind)

    # Research: about 70% reviewed in the last year, about 10% never.
    reviewed = WardResearch.objects.filter(ward_id__in=ids)
    fresh = reviewed.filter(reviewed_on__gt=today - dt.timedelta(days=365)).count() / len(ids)
    never = reviewed.filter(reviewed_on__isnull=True).count() / len(ids)
    assert 0.6 <= fresh <= 0.8
    assert 0.05 <= never <= 0.15
    hard = (
        CommunityGroup.objects.filter(hard_to_reach=True).count() / CommunityGroup.objects.count()
    )
    assert 0.1 <= hard <= 0.3

    # KINs: consent recorded for all; about 15% not contacted for a year.
    kins = Kin.objects.filter(ward_id__in=ids)
    assert not kins.filter(Q(consent_given_on__isnull=True) | Q(consent_method="")).exists()
    due = kins.filter(last_contact_on__lt=kin_review_cutoff(today)).count() / kins.count()
    assert 0.1 <= due <= 0.2
    # Analyses in the last 90 days in about half the wards.
    recent = Analysis.objects.filter(recorded_at__gte=timezone.now() - dt.timedelta(days=90))
    share = recent.values("ward").distinct().count() / len(ids)
    assert 0.4 <= share <= 0.65


def check_londons_year_resembles_the_seeds(today: dt.date) -> None:
    """The year's engagement at the seeds' London volumes (004 §36, §38, §42, §68).

    Each ward's count of a kind is Poisson and its team's tier random, so London's total
    strays from the seeds' by about 1.2% (one standard deviation) for public meetings, 0.9%
    for victim visits and 3% for street briefings: 5% and (briefings) 10% are over three
    standard deviations. The panels' meetings come from their own two-to-three-month cycle.
    """
    year_ago = timezone.now() - dt.timedelta(days=365)
    held = EngagementEvent.objects.filter(status="held", starts_at__gte=year_ago)
    kinds = dict(held.values_list("kind").annotate(n=Count("pk")))
    assert kinds[EventKind.PUBLIC_MEETING] == pytest.approx(12_647, rel=0.05)
    assert kinds[EventKind.VICTIM_VISIT] == pytest.approx(40_904, rel=0.05)
    assert kinds[EventKind.STREET_BRIEFING] == pytest.approx(1_364, rel=0.1)
    attended = held.filter(kind=EventKind.PUBLIC_MEETING).aggregate(n=Sum("attendance"))["n"]
    assert attended == pytest.approx(188_763, rel=0.05)
    panel_meetings = Meeting.objects.filter(
        status=Meeting.Status.HELD, scheduled_at__gte=year_ago, scheduled_at__lte=timezone.now()
    ).count()
    assert panel_meetings == pytest.approx(2_921, rel=0.1)


def check_epic_and_pas(ids: list[int]) -> None:
    """A year of EPIC lines in every ward, all four categories; PAS for every Met borough;
    the rollups rebuilt from them."""
    assert set(Activity.objects.values_list("ward_id", flat=True).distinct()) == set(ids)
    assert not Activity.objects.exclude(source=Activity.Source.DEMO).exists()
    assert set(Activity.objects.values_list("category", flat=True).distinct()) == set(Category)
    assert PasResult.objects.count() == 32 * 8 * 5
    assert WardDay.objects.filter(type="patrol_hours").exists()
    assert WardDay.objects.filter(type="engagement:victim_visit").exists()


def check_concerns_resemble_the_seeds() -> None:
    """ASB (youths), burglary, vehicle crime and drugs lead, as in 2006/07 and 2009."""
    ranking = [
        row["category"]
        for row in Concern.objects.values("category").annotate(n=Count("pk")).order_by("-n")
    ]
    assert set(ranking[:2]) == {"asb_youths", "burglary"}
    assert {"theft_from_vehicles", "drugs", "asb_general"} <= set(ranking[:6])
    assert {"street_crime", "road_safety", "alcohol_asb"} <= set(ranking[:10])


def check_rules_respected(today: dt.date) -> None:
    """What the services would have enforced, had each row been entered through them."""
    now = timezone.now()
    assert not EngagementEvent.objects.filter(status="held", starts_at__gt=now).exists()
    planned = EngagementEvent.objects.filter(status="planned")
    assert not planned.filter(starts_at__lt=now).exists()
    assert not planned.filter(starts_at__gt=now + dt.timedelta(days=29)).exists()
    unheld = EngagementEvent.objects.exclude(status="held")
    assert not unheld.filter(concerns__isnull=False).exists()

    # Concerns take their channel from their event, as engagement.services.concern_source.
    sources = set(Concern.objects.values_list("event__kind", "source").distinct())
    for kind, source in sources:
        if kind is None:
            assert source == "public_web"
        elif kind in YOUTH_EVENT_KINDS:
            assert source == "youth"
        elif kind == EventKind.KIN_INTERVIEW:
            assert source == "kin"
        else:
            assert source == "engagement"
    assert {source for _, source in sources} == set(Concern.Source)
    assert not Concern.objects.filter(source="kin", kin__isnull=True).exists()
    assert not Concern.objects.exclude(raised_on=F("event__starts_at__date")).filter(
        event__isnull=False
    )

    # Officers were on the ward's team; the groups reached are the ward's own.
    posted = Posting.objects.filter(
        person_id=OuterRef("user_id"), team__ward_id=OuterRef("engagementevent__ward_id")
    )
    officers = EngagementEvent.officers.through.objects
    assert not officers.filter(~Exists(posted)).exists()
    reached = EngagementEvent.groups_reached.through.objects
    assert not reached.exclude(communitygroup__ward_id=F("engagementevent__ward_id")).exists()
    assert not EngagementEvent.objects.filter(officers__isnull=True).exists()

    # A KIN's last contact is no earlier than their latest interview; the review follows it.
    interviews = Kin.objects.annotate(latest=Max("interviews__starts_at")).exclude(latest=None)
    for kin in interviews.only("last_contact_on"):
        assert kin.last_contact_on is not None
        assert kin.last_contact_on >= timezone.localdate(kin.latest)
    review = dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS)
    for last, due in Kin.objects.values_list("last_contact_on", "next_review_due"):
        assert last is not None
        assert due == last + review

    # Contact details are gone after SNT_PUBLIC_CONTACT_DAYS: the daily job finds nothing.
    assert erase_expired_public_contacts() == 0
    with_contact = PublicSubmission.objects.exclude(name="", email="", phone="")
    assert with_contact.exists()
    assert PublicSubmission.objects.filter(contact_erased_at__isnull=False).exists()
    # Generated contact details only: Ofcom's drama numbers and example.org.
    assert not Kin.objects.exclude(phone="").exclude(phone__startswith="07700 900").exists()
    assert not Kin.objects.exclude(email="").exclude(email__endswith="@example.org").exists()

    # Every model's own validation (constraints included) passes on a sample of each.
    rng = random.Random(0)
    for model in (
        WardResearch,
        CommunityGroup,
        LocalFeature,
        Kin,
        EngagementEvent,
        Concern,
        PublicSubmission,
        Analysis,
    ):
        pks = list(model._default_manager.values_list("pk", flat=True))
        for row in model._default_manager.filter(pk__in=rng.sample(pks, min(40, len(pks)))):
            row.full_clean()


def check_tracker_states_vary(ids: list[int], today: dt.date) -> dict[str, Counter[State]]:
    states: dict[str, Counter[State]] = {key: Counter() for key, _ in STAGES}
    for cycle in ward_cycles(ids, today).values():
        for stage in cycle.stages:
            states[stage.key][stage.state] += 1
    for key in ("research", "engage", "preferences"):
        assert {State.DONE, State.IN_PROGRESS, State.OVERDUE} <= set(states[key]), key
        assert states[key][State.DONE] >= len(ids) * 0.3, key
    assert {State.DONE, State.OVERDUE} <= set(states["analyse"])
    return states


def check_demo_ward(client: Client, today: dt.date) -> None:
    """The sergeant's ward is complete enough to show, with real crime beside its concerns."""
    ward = demo_ward(today)
    assert ward.borough.name == "Barnet"
    cycle = ward_cycles([ward.pk], today)[ward.pk]
    assert [stage.state for stage in cycle.stages[:4]] == [State.DONE] * 4
    assert CommunityGroup.objects.filter(ward=ward).count() >= 7
    assert Kin.objects.filter(ward=ward).count() >= 12
    assert EngagementEvent.objects.filter(ward=ward, officers__username="sergeant").exists()

    assert client.login(username="sergeant", password=DEMO_PASSWORD)
    url = reverse("engagement:preferences", args=[ward.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["rows"]
    assert response.context["concerns"]

    # The crime sample is January 2023: the ward's engagement that month has evidence beside it.
    month = latest_crime_month()
    assert month == dt.date(2023, 1, 1)
    response = client.get(url, {"start": "2023-01-01", "end": "2023-01-31"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows
    assert sum(row.crimes or 0 for row in rows) > 0
    assert b"Recorded crime in the period" in response.content  # the analysis then

    for name in ("ward_detail",):
        assert client.get(reverse(f"wards:{name}", args=[ward.code])).status_code == 200
    for name in ("research_detail", "event_list", "kin_list"):
        assert client.get(reverse(f"engagement:{name}", args=[ward.code])).status_code == 200


def test_seed_demo_brings_the_first_four_stages_alive(shared_data: Path, client: Client) -> None:
    out = StringIO()

    call_command("seed_demo", stdout=out)

    today = timezone.localdate()
    ids = [ward.pk for ward in wards_with_teams(today)]
    assert len(ids) == 679
    output = out.getvalue()
    assert "Importing the LSOA lookup" in output
    assert "Importing crimes from" in output
    assert "Importing the GLA ward profiles" in output
    assert StreetCrime.objects.filter(ward__borough__name="Barnet").exists()
    assert GlaWardProfile.objects.exists()
    check_every_ward_engaged(ids, today)
    check_londons_year_resembles_the_seeds(today)
    check_epic_and_pas(ids)
    assert "public meetings" in output
    assert "EPIC lines: Enforcement" in output
    assert "Rebuilding the EPIC rollups" in output
    check_concerns_resemble_the_seeds()
    check_rules_respected(today)
    states = check_tracker_states_vary(ids, today)
    # The engagement step prints stages 1-4 as it leaves them; the panel's stages 5-7 are
    # seeded after it, by the panels and priorities steps.
    for key, name in STAGES[:4]:
        found = states[key]
        line = ", ".join(f"{found[s]} {s.label.lower()}" for s in State if found[s])
        assert f"  {name}: {line}" in output
    check_demo_ward(client, today)
    counts = row_counts()

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert row_counts() == counts
    assert "seeding 0 wards (679 already have engagement: kept)" in out.getvalue()
    assert "EPIC: seeding 0 wards (679 already have demo activity: kept)" in out.getvalue()
    assert "PAS results: 0 created, 0 updated, 1280 unchanged" in out.getvalue()
