"""The ward crime page: what the team sees as the evidence for analysis."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from crime.imports import import_crimes
from tests.crime.conftest import Expected
from tests.factories import RoleAssignmentFactory, UserFactory
from wards.models import RoleAssignment, Ward


def test_a_ward_page_shows_its_crime_by_type_and_top_locations(
    lsoa11: None, sample: Path, expected: Expected, client: Client
) -> None:
    import_crimes(path=sample)
    code, total = expected.by_ward.most_common(1)[0]
    analyst = UserFactory.create()
    RoleAssignmentFactory.create(user=analyst, role=RoleAssignment.Role.CENTRAL_ANALYST)
    client.force_login(analyst)

    ward_page = client.get(reverse("wards:ward_detail", kwargs={"code": code})).content.decode()
    assert f"{total} crimes and anti-social behaviour incidents recorded" in ward_page

    page = client.get(reverse("crime:ward_crime", kwargs={"code": code})).content.decode()
    top_location, top_count = next(
        (place, n)
        for place, n in expected.locations[code].most_common()
        if place not in {"On or near ", "No Location"}
    )
    assert f"{top_location}: {top_count}" in page
    asb = expected.by_ward_type[code, "Anti-social behaviour"]
    assert (
        f'<td class="govuk-table__cell govuk-table__cell--numeric"><strong>{total}</strong></td>'
        in page
    )
    assert ("Anti-social behaviour" in page) == (asb > 0)


def test_no_data_yet_is_said_plainly(wards_2022: None, client: Client) -> None:
    analyst = UserFactory.create()
    RoleAssignmentFactory.create(user=analyst, role=RoleAssignment.Role.CENTRAL_ANALYST)
    client.force_login(analyst)
    ward = Ward.objects.order_by("code").first()
    assert ward is not None
    page = client.get(reverse("crime:ward_crime", kwargs={"code": ward.code})).content.decode()
    assert "No police.uk crime data has been imported yet." in page
