"""Strength against establishment under both models, as ward pages report it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PostingFactory, TeamFactory, UserFactory, WardFactory
from wards.establishment import strength
from wards.models import Posting, Ward
from wards.selectors import with_strength


@pytest.mark.parametrize(
    ("population", "pcsos_required"),
    [(None, 3), (9_000, 3), (14_000, 3), (14_001, 6), (22_500, 6)],
)
def test_2007_model_adds_three_pcsos_above_14000(
    population: int | None, pcsos_required: int
) -> None:
    result = strength(population, {}, model="2007")
    required = {line.role: line.required for line in result.lines}
    assert required == {
        Posting.Role.SERGEANT: 1,
        Posting.Role.PC: 2,
        Posting.Role.PCSO: pcsos_required,
    }


@pytest.mark.parametrize("population", [5_000, 14_001, 30_000])
def test_2016_model_is_two_ward_officers_and_a_pcso_whatever_the_size(population: int) -> None:
    result = strength(population, {}, model="2016")
    required = {line.role: line.required for line in result.lines}
    assert required == {Posting.Role.SERGEANT: 0, Posting.Role.PC: 2, Posting.Role.PCSO: 1}


def test_gaps_and_overstaffing() -> None:
    result = strength(15_000, {"sergeant": 1, "pc": 3, "pcso": 4}, model="2007")
    by_role = {line.role: line for line in result.lines}
    assert by_role[Posting.Role.PCSO].gap == 2 and by_role[Posting.Role.PCSO].is_short
    assert by_role[Posting.Role.PC].gap == -1 and not by_role[Posting.Role.PC].is_short
    assert result.shortfall == 2
    assert result.required == 9 and result.actual == 8


def _staff(ward: Ward, **counts: int) -> None:
    team = TeamFactory.create(ward=ward)
    for role, n in counts.items():
        PostingFactory.create_batch(n, team=team, role=role)


@pytest.mark.django_db
def test_only_current_postings_count() -> None:
    ward = WardFactory.create(population=20_000)
    _staff(ward, sergeant=1, pc=2, pcso=5)
    team = ward.teams.get()
    today = timezone.localdate()
    # A PCSO who left yesterday and one who starts next month do not count.
    PostingFactory.create(
        team=team,
        role="pcso",
        start_date=today.replace(year=today.year - 1),
        end_date=today - dt.timedelta(days=1),
    )
    PostingFactory.create(team=team, role="pcso", start_date=today + dt.timedelta(days=30))
    [(_, result)] = with_strength(Ward.objects.filter(pk=ward.pk), today)
    pcso = next(line for line in result.lines if line.role == Posting.Role.PCSO)
    assert (pcso.required, pcso.actual, pcso.gap) == (6, 5, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "population", "expected_text", "absent_text"),
    [("2007", 14_500, "1 short", " over<"), ("2016", 14_500, "4 over", " short<")],
)
def test_ward_page_flags_gaps_under_the_deployment_model(
    client: Client, model: str, population: int, expected_text: str, absent_text: str
) -> None:
    ward = WardFactory.create(population=population)
    _staff(ward, sergeant=1, pc=2, pcso=5)
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with override_settings(SNT_ESTABLISHMENT_MODEL=model):
        page = client.get(reverse("wards:ward_detail", kwargs={"code": ward.code})).content.decode()
    assert f"{model} model" in page
    assert expected_text in page
    assert absent_text not in page
