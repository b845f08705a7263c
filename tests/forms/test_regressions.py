"""What a person sees for the bad input the property-based form tests found to cause a 500.

Each was a server error before the fix; now the page comes back with the form, a clear message
and nothing saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from epic.catalogue import Category
from epic.models import Activity
from snt_portal.forms import DateInputField
from tests.world import World
from wards.models import Posting


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(world.users[role])
    return client


def _date(prefix: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def test_a_day_of_only_spaces_is_a_missing_day_not_a_server_error(world: World) -> None:
    postings = Posting.objects.count()
    response = _client(world, "sergeant").post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}),
        {"full_name": "Alex Smith", "role": "pc", **_date("start_date", " ", "11", "2026")},
    )
    assert response.status_code == 200
    assert "Enter the day, month and year" in response.content.decode()
    assert Posting.objects.count() == postings


def _activity(world: World) -> Activity:
    return Activity.objects.create(
        officer=world.users["pcso"],
        ward=world.a1,
        date=timezone.localdate(),
        category=Category.ENFORCEMENT,
        type="arrest",
        quantity=Decimal(1),
        created_by=world.users["pcso"],
    )


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("2147483648", "11", "2026"),  # past a C int: OverflowError in the library
        ("31", "2", "2026"),
        ("1", "1", "20266"),
        ("1", "1", "0026"),
    ],
)
def test_a_date_that_cannot_be_is_refused_with_one_clear_message(
    world: World, day: str, month: str, year: str
) -> None:
    activity = _activity(world)
    before = Activity.objects.values().get(pk=activity.pk)
    response = _client(world, "sergeant").post(
        reverse("epic:activity_edit", kwargs={"pk": activity.pk}),
        {
            "type": "arrest",
            "quantity": "1",
            "officer": world.users["pcso"].pk,
            "ward": world.a1.pk,
            **_date("date", day, month, year),
        },
    )
    assert response.status_code == 200
    assert "Enter a real date, for example 3 11 2026" in response.content.decode()
    assert Activity.objects.values().get(pk=activity.pk) == before


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([" 3 ", "11", " 2026"], dt.date(2026, 11, 3)),
        (["29", "2", "2028"], dt.date(2028, 2, 29)),
    ],
)
def test_the_date_field_still_takes_real_dates(parts: list[str], expected: Any) -> None:
    assert DateInputField().clean(parts) == expected
