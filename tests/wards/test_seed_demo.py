"""seed_demo: a staffed, realistic London with one login per role, built idempotently."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsFixture

from crime.models import StreetCrime
from engagement.models import WardResearch
from wards.demo import DEMO_PASSWORD, DEMO_USERNAMES
from wards.establishment import rule_2007, strength
from wards.models import (
    Abstraction,
    Borough,
    Cluster,
    Posting,
    RoleAssignment,
    Team,
    User,
    Ward,
)

pytestmark = pytest.mark.django_db

# The seeds' London, 2006/07: 617 sergeants, 1,327 PCs and 2,284 PCSOs for 630 ward teams.
SEEDS_PER_WARD = {"sergeant": 617 / 630, "pc": 1327 / 630, "pcso": 2284 / 630}


def row_counts() -> dict[str, int]:
    """Rows in every table seed_demo fills (wards, engagement, crime), history included."""
    return {
        model.__name__: model._default_manager.count()
        for app in ("wards", "engagement", "crime")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def check_staffed_london(client: Client) -> None:
    """What any demo must have, whichever London it was built on."""
    today = timezone.localdate()
    wards = Ward.objects.current(today).filter(borough__is_met=True)
    met = Borough.objects.filter(is_met=True)
    assert met.count() == 32

    # Every current Met ward sits in a cluster of four to six led by one current inspector.
    assert not wards.filter(cluster__isnull=True).exists()
    sizes = set(Cluster.objects.annotate(n=Count("wards")).values_list("n", flat=True))
    assert sizes <= {4, 5, 6}
    inspectors = Counter(
        Posting.objects.current(today)
        .filter(role=Posting.Role.INSPECTOR, team__kind=Team.Kind.CLUSTER)
        .values_list("team__cluster_id", flat=True)
    )
    assert set(inspectors) == set(Cluster.objects.values_list("pk", flat=True))
    assert set(inspectors.values()) == {1}

    # Each Met borough has a Safer Transport Team and staffed ward teams.
    transport = Team.objects.filter(kind=Team.Kind.TRANSPORT, postings__isnull=False)
    assert transport.values("borough").distinct().count() == 32
    staffed = Posting.objects.current(today).filter(team__kind=Team.Kind.WARD, team__ward__in=wards)
    assert staffed.values("team__ward__borough").distinct().count() == 32

    # Current ward strength close to the seeds' mix, scaled to the wards staffed.
    counts = dict(staffed.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    n_wards = wards.count()
    for role, per_ward in SEEDS_PER_WARD.items():
        assert counts[role] == pytest.approx(per_ward * n_wards, rel=0.1), role
    assert counts["special"] > 0
    assert counts["volunteer"] > 0

    # Measured against the 2007 establishment, some wards show gaps, some need six PCSOs.
    by_ward: dict[int, dict[str, int]] = {}
    for ward_id, role, n in staffed.values_list("team__ward", "role").annotate(n=Count("pk")):
        by_ward.setdefault(ward_id, {})[role] = n
    strengths = [
        strength(ward.population, by_ward.get(ward.pk, {}), "2007")
        for ward in wards.only("pk", "population")
    ]
    assert any(s.is_short for s in strengths)
    assert not all(s.is_short for s in strengths)
    large = wards.filter(population__gt=14_000).first()
    assert large is not None
    assert rule_2007(large.population)[Posting.Role.PCSO] == 6

    # Posts turn over: a share of postings have ended, with a reason.
    ended = Posting.objects.filter(end_date__isnull=False)
    assert 0.1 < ended.count() / Posting.objects.count() < 0.4
    assert not ended.filter(end_reason="").exists()
    starts = staffed.values_list("start_date", flat=True)
    assert min(starts) >= today - dt.timedelta(days=4 * 366)

    # Abstractions in the last 90 days, authorised by the ward's sergeant or cluster inspector.
    abstractions = Abstraction.objects.all()
    assert abstractions.count() > 1000
    assert not abstractions.filter(date__lt=today - dt.timedelta(days=90)).exists()
    assert not abstractions.filter(Q(hours__lt=2) | Q(hours__gt=10)).exists()
    authorisers = set(
        Posting.objects.filter(person__in=abstractions.values("authorised_by")).values_list(
            "role", flat=True
        )
    )
    assert authorisers <= {"sergeant", "inspector"}
    # The audit trail has a row for every posting and abstraction written in bulk.
    assert Posting.history.count() >= Posting.objects.count()
    assert Abstraction.history.count() >= Abstraction.objects.count()

    # Generated people cannot sign in; every demo login can.
    assert User.objects.filter(password__startswith="!").count() > 4000
    for username in DEMO_USERNAMES:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


def check_demo_logins() -> None:
    today = timezone.localdate()
    sergeant_posting = Posting.objects.current(today).get(
        person__username="sergeant", role=Posting.Role.SERGEANT
    )
    ward = sergeant_posting.team.ward
    assert ward is not None
    barnet_first = (
        Ward.objects.current(today).filter(borough__name="Barnet").order_by("name", "code").first()
    )
    assert ward == barnet_first
    for username, role in (("pc", Posting.Role.PC), ("pcso", Posting.Role.PCSO)):
        assert (
            Posting.objects.current(today)
            .filter(person__username=username, role=role, team__ward=ward)
            .exists()
        )
    assert (
        Posting.objects.current(today)
        .filter(
            person__username="inspector", role=Posting.Role.INSPECTOR, team__cluster=ward.cluster
        )
        .exists()
    )
    assigned = set(RoleAssignment.objects.values_list("user__username", "role", "ward", "borough"))
    assert assigned == {
        ("panel_chair", "panel_chair", ward.pk, None),
        ("panel_member", "panel_member", ward.pk, None),
        ("borough_manager", "borough_manager", None, ward.borough_id),
        ("central_analyst", "central_analyst", None, None),
        ("admin", "administrator", None, None),
    }
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser


def test_seed_demo_on_the_real_wards(shared_data: Path, client: Client) -> None:
    out = StringIO()

    call_command("seed_demo", stdout=out)

    # The three vintages coexist; 2022 boundaries are in.
    assert Ward.objects.count() == 1274
    assert Ward.objects.current().count() == 704
    assert not Ward.objects.current().filter(boundary__isnull=True).exists()
    assert not Borough.objects.filter(boundary__isnull=True).exists()
    check_staffed_london(client)
    check_demo_logins()
    output = out.getvalue()
    assert "Demo logins:" in output
    for username in DEMO_USERNAMES:
        assert f"  {username} " in output
    counts = row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert row_counts() == counts


def test_seed_demo_without_shared_data_generates_london(
    settings: SettingsFixture, tmp_path: Path, client: Client
) -> None:
    settings.SNT_SHARED_DATA_DIR = tmp_path / "no-such-directory"
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert Borough.objects.count() == 32
    per_borough = Counter(Ward.objects.values_list("borough__code", flat=True))
    assert set(per_borough.values()) <= set(range(18, 25))
    assert Ward.objects.filter(code__regex=r"^E05\d{6}$").count() == Ward.objects.count()
    check_staffed_london(client)
    check_demo_logins()
    # No real evidence to import, but the cycle runs in every ward of the generated London.
    assert "No shared data: skipping" in out.getvalue()
    assert not StreetCrime.objects.exists()
    met_wards = Ward.objects.current().filter(borough__is_met=True)
    assert WardResearch.objects.filter(ward__in=met_wards).count() == met_wards.count()
    counts = row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert row_counts() == counts
