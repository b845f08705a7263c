"""The public preferences pack: concerns ranked, youth marked, real crime evidence beside each,
and the analysis recorded from it."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from crime.imports import import_crimes, import_lsoa_lookup
from engagement import services
from engagement.models import Analysis
from engagement.selectors import preferences
from tests.factories import ConcernFactory, EngagementEventFactory, KinFactory
from tests.world import World
from wards.imports import import_wards
from wards.models import Ward

JANUARY = (dt.date(2023, 1, 1), dt.date(2023, 1, 31))


def _independent_counts(shared: Path) -> dict[str, Counter[str]]:
    """Crime rows per ward and crime type in the sample, counted straight from the CSVs."""
    with (shared / "wards/london_lsoa11_to_ward22_bestfit.csv").open(encoding="utf-8-sig") as f:
        lsoa_ward = {row["lsoa11cd"]: row["ward22cd"] for row in csv.DictReader(f)}
    counts: dict[str, Counter[str]] = {}
    with (shared / "crime/2023-01-metropolitan-street-sample.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            ward = lsoa_ward.get(row["LSOA code"])
            if ward:
                counts.setdefault(ward, Counter())[row["Crime type"]] += 1
    return counts


@pytest.fixture
def barnet_ward(db: None, shared_data: Path) -> tuple[Ward, Counter[str]]:
    import_wards(path=shared_data / "wards/london_wards_2022.csv", vintage=2022)
    import_lsoa_lookup(path=shared_data / "wards/london_lsoa11_to_ward22_bestfit.csv")
    import_crimes(path=shared_data / "crime/2023-01-metropolitan-street-sample.csv")
    counts = _independent_counts(shared_data)
    barnet = {w.code for w in Ward.objects.filter(borough__name="Barnet")}
    code = max(barnet & counts.keys(), key=lambda c: counts[c]["Anti-social behaviour"])
    return Ward.objects.get(code=code), counts[code]


def test_preferences_rank_concerns_with_their_crime_evidence(
    barnet_ward: tuple[Ward, Counter[str]],
) -> None:
    ward, crimes = barnet_ward
    day = dt.date(2023, 1, 10)
    meeting = EngagementEventFactory.create(ward=ward, kind="public_meeting")
    for _ in range(3):
        ConcernFactory.create(event=meeting, category="asb_general", raised_on=day)
    kin = KinFactory.create(ward=ward)
    ConcernFactory.create(
        event__ward=ward, event__kind="kin_interview", event__kin=kin, kin=kin,
        source="kin", category="burglary", raised_on=day,
    )  # fmt: skip
    ConcernFactory.create(
        event__ward=ward, event__kind="school_youth_session", source="youth",
        category="road_safety", raised_on=day,
    )  # fmt: skip
    ConcernFactory.create(event=meeting, category="drugs", raised_on=dt.date(2022, 12, 1))

    rows = preferences(ward, start=JANUARY[0], end=JANUARY[1])
    assert [r.category for r in rows] == ["asb_general", "road_safety", "burglary"]
    asb, road, burglary = rows
    assert (asb.times_raised, asb.sources, asb.events) == (3, 1, 1)
    assert asb.crimes == crimes["Anti-social behaviour"] > 0
    # December 2022 was never imported: not "no crime", but not known.
    assert asb.crimes_before is None
    assert burglary.crimes == crimes["Burglary"]
    assert road.youth == 1
    assert road.crimes is None  # road safety has no recorded-crime measure


def test_panel_members_see_the_ranking_but_not_what_individuals_said(
    world: World, client: Client
) -> None:
    ConcernFactory.create(event=world.event_a1, category="noise", text="The flat above at 3am")
    client.force_login(world.users["panel_member"])
    page = client.get(
        reverse("engagement:preferences", kwargs={"code": world.a1.code})
    ).content.decode()
    assert "Noise" in page
    assert "The flat above at 3am" not in page
    assert "Record the analysis" not in page
    client.force_login(world.users["pcso"])
    page = client.get(
        reverse("engagement:preferences", kwargs={"code": world.a1.code})
    ).content.decode()
    assert "The flat above at 3am" in page


def test_a_sergeant_records_the_analysis(world: World, client: Client) -> None:
    ConcernFactory.create(event=world.event_a1, category="burglary")
    client.force_login(world.users["sergeant"])
    url = reverse("engagement:analysis_create", kwargs={"code": world.a1.code})
    end = world.event_a1.starts_at.date()
    start = end - dt.timedelta(days=89)
    response = client.post(url, {"start": start, "end": end, "summary": ""})
    assert response.status_code == 200
    assert "Write what the analysis found" in response.content.decode()
    assert not Analysis.objects.exists()

    response = client.post(url, {"start": start, "end": end, "summary": "Burglary leads."})
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    assert analysis.ranking[0]["category"] == "burglary"
    assert analysis.recorded_by == world.users["sergeant"]
    page = client.get(response["Location"]).content.decode()
    assert "Burglary leads." in page


def test_an_analysis_needs_concerns_to_analyse(world: World) -> None:
    with pytest.raises(Exception, match="no concerns in this period"):
        services.record_analysis(
            acting_user=world.users["sergeant"],
            ward=world.a2,
            start=dt.date(2020, 1, 1),
            end=dt.date(2020, 3, 31),
            summary="Nothing",
        )


def test_without_crime_data_the_evidence_is_not_known_rather_than_zero(
    world: World, client: Client
) -> None:
    ConcernFactory.create(event=world.event_a1, category="burglary")
    [row] = preferences(
        world.a1, start=world.event_a1.starts_at.date(), end=world.event_a1.starts_at.date()
    )
    assert (row.crime_category, row.crimes, row.crimes_before) == ("burglary", None, None)
    client.force_login(world.users["sergeant"])
    page = client.get(
        reverse("engagement:preferences", kwargs={"code": world.a1.code})
    ).content.decode()
    assert "No police.uk data for this period" in page
