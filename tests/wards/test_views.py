"""What sergeants and inspectors see and do on ward pages: forms that validate, re-render with
clear errors and lose nothing, and an audit trail of every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import AbstractionFactory, PostingFactory, UserFactory, WardFactory
from tests.world import World
from wards.models import Abstraction, Posting, User


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def sergeant(world: World, client: Client) -> Client:
    client.force_login(world.users["sergeant"])
    return client


def test_ward_page_shows_the_team_and_hides_other_wards(world: World, sergeant: Client) -> None:
    page = sergeant.get(
        reverse("wards:ward_detail", kwargs={"code": world.a1.code})
    ).content.decode()
    for role in ("pcso", "pc", "sergeant", "inspector"):
        assert escape(world.users[role].display_name) in page
    assert escape(world.posting_b1.person.display_name) not in page
    assert "Add a posting" in page and "Record an abstraction" in page


def test_a_name_with_an_apostrophe_is_shown_as_written(world: World, sergeant: Client) -> None:
    pcso = world.users["pcso"]
    pcso.last_name = "O'Brien"
    pcso.save()
    response = sergeant.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code}))
    page = response.content.decode()
    assert f"{pcso.first_name} O&#x27;Brien" in page  # escaped once: shows as O'Brien
    assert "&amp;#x27;" not in page


def test_panel_members_see_the_team_but_not_abstractions(world: World, client: Client) -> None:
    AbstractionFactory.create(
        posting=world.posting_a1, authorised_by=world.users["sergeant"], details="Op Bluebell"
    )
    client.force_login(world.users["panel_member"])
    page = client.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code})).content.decode()
    assert escape(world.users["pcso"].display_name) in page
    assert "Abstractions" not in page and "Op Bluebell" not in page
    assert "Add a posting" not in page


def test_add_a_new_person_to_the_team(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    response = sergeant.post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}),
        {
            "full_name": "Ada Okafor",
            "collar_number": "123AB",
            "role": "pc",
            **_date("start_date", today),
        },
    )
    assert response.status_code == 302
    page = sergeant.get(response["Location"]).content.decode()
    assert "Ada Okafor is posted to Alpha as Police Constable." in page
    posting = Posting.objects.get(person__collar_number="123AB")
    assert posting.team == world.team_a1 and posting.start_date == today
    # The audit trail says who added it.
    assert posting.history.get().history_user == world.users["sergeant"]


def test_collar_number_finds_the_existing_person(world: World, sergeant: Client) -> None:
    officer = UserFactory.create(first_name="Sam", last_name="Bell", collar_number="777XY")
    PostingFactory.create(person=officer, team=world.team_b1, role="pc")
    sergeant.post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}),
        {
            "full_name": "",
            "collar_number": "777XY",
            "role": "pc",
            **_date("start_date", timezone.localdate()),
        },
    )
    assert officer.postings.filter(team=world.team_a1).exists()
    assert User.objects.filter(collar_number="777XY").count() == 1


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {"full_name": "", "collar_number": "", "role": "pc"},
            "Enter the person&#x27;s full name or their collar number",
        ),
        ({"full_name": "Ann Lee", "role": ""}, "Select the person&#x27;s role on the team"),
        (
            {
                "full_name": "Ann Lee",
                "role": "pc",
                "start_date_0": "31",
                "start_date_1": "2",
                "start_date_2": "2026",
            },
            "day",
        ),
    ],
)
def test_bad_posting_input_re_renders_with_errors_and_saves_nothing(
    world: World, sergeant: Client, data: dict[str, str], field_message: str
) -> None:
    payload = {**_date("start_date", timezone.localdate()), **data}
    before = Posting.objects.count()
    response = sergeant.post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}), payload
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert field_message.lower() in page.lower()
    assert Posting.objects.count() == before
    # What was typed is still there.
    if data.get("full_name"):
        assert f'value="{data["full_name"]}"' in page


def test_collar_number_of_someone_else_is_refused(world: World, sergeant: Client) -> None:
    UserFactory.create(first_name="Sam", last_name="Bell", collar_number="777XY")
    response = sergeant.post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}),
        {
            "full_name": "Tom Hart",
            "collar_number": "777XY",
            "role": "pc",
            **_date("start_date", timezone.localdate()),
        },
    )
    assert response.status_code == 200
    assert "Collar number 777XY belongs to Sam Bell, not Tom Hart." in response.content.decode()


def test_end_a_posting_keeps_its_history(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    url = reverse("wards:posting_end", kwargs={"pk": world.posting_a1.pk})
    too_early = world.posting_a1.start_date - dt.timedelta(days=1)
    response = sergeant.post(url, {**_date("end_date", too_early), "end_reason": "Moved"})
    assert response.status_code == 200
    assert "The end date must be on or after the start" in response.content.decode()

    response = sergeant.post(url, {**_date("end_date", today), "end_reason": "Moved to response"})
    assert response.status_code == 302
    world.posting_a1.refresh_from_db()
    assert world.posting_a1.end_date == today
    before, after = world.posting_a1.history.order_by("history_date")
    delta = after.diff_against(before)
    assert {change.field: (change.old, change.new) for change in delta.changes} == {
        "end_date": (None, today),
        "end_reason": ("", "Moved to response"),
    }
    assert after.history_user == world.users["sergeant"]
    # A posting still in force tomorrow is no longer listed as current after today.
    page = sergeant.get(
        reverse("wards:ward_detail", kwargs={"code": world.a1.code})
    ).content.decode()
    assert "Moved to response" not in page or escape(world.users["pcso"].display_name) in page


def test_record_an_abstraction_and_see_it_listed_with_the_rate(
    world: World, sergeant: Client
) -> None:
    today = timezone.localdate()
    response = sergeant.post(
        reverse("wards:abstraction_create", kwargs={"code": world.a1.code}),
        {
            "posting": world.posting_a1.pk,
            **_date("date", today),
            "hours": "8",
            "reason": Abstraction.Reason.PUBLIC_ORDER,
            "details": "Notting Hill Carnival aid",
            "authorised_by": world.users["sergeant"].pk,
        },
    )
    assert response.status_code == 302
    page = sergeant.get(response["Location"]).content.decode()
    assert "Recorded 8.0 hours off ward duty" in page
    assert "Notting Hill Carnival aid" in page
    # 8 hours out of 28 days x 40/7 hours = 160 contracted hours: 5%.
    assert "160.0" in page and "5.0%" in page
    abstraction = Abstraction.objects.get()
    assert abstraction.recorded_by == world.users["sergeant"]
    assert abstraction.history.get().history_user == world.users["sergeant"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"reason": "other", "details": ""},
            "Say why the officer was abstracted when the reason is &#x27;Other&#x27;",
        ),
        ({"hours": "25"}, "Hours cannot be more than 24 in one day"),
        ({"hours": "lots"}, "Hours must be a number, like 7.5"),
        ({"authorised_by": ""}, "Select who authorised the abstraction"),
    ],
)
def test_bad_abstraction_input_re_renders_with_errors(
    world: World, sergeant: Client, changes: dict[str, str], message: str
) -> None:
    data = {
        "posting": world.posting_a1.pk,
        **_date("date", timezone.localdate()),
        "hours": "4",
        "reason": Abstraction.Reason.COURT,
        "details": "",
        "authorised_by": world.users["sergeant"].pk,
        **changes,
    }
    response = sergeant.post(
        reverse("wards:abstraction_create", kwargs={"code": world.a1.code}), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Abstraction.objects.exists()


def test_future_abstraction_is_refused(world: World, sergeant: Client) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = sergeant.post(
        reverse("wards:abstraction_create", kwargs={"code": world.a1.code}),
        {
            "posting": world.posting_a1.pk,
            **_date("date", tomorrow),
            "hours": "4",
            "reason": "court",
            "authorised_by": world.users["sergeant"].pk,
        },
    )
    assert "An abstraction cannot be recorded for a future date." in response.content.decode()
    assert not Abstraction.objects.exists()


def test_officers_of_other_wards_cannot_be_chosen(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("wards:abstraction_create", kwargs={"code": world.a1.code}),
        {
            "posting": world.posting_b1.pk,
            **_date("date", timezone.localdate()),
            "hours": "4",
            "reason": "court",
            "authorised_by": world.users["sergeant"].pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Abstraction.objects.exists()


def test_abstraction_rates_per_officer_over_a_period(world: World, sergeant: Client) -> None:
    start = timezone.localdate() - dt.timedelta(days=13)
    AbstractionFactory.create(
        posting=world.posting_a1,
        date=start,
        hours=Decimal("10"),
        authorised_by=world.users["sergeant"],
    )
    AbstractionFactory.create(
        posting=world.posting_a1,
        date=start - dt.timedelta(days=1),
        hours=Decimal("10"),
        authorised_by=world.users["sergeant"],
    )
    response = sergeant.get(
        reverse("wards:abstraction_list", kwargs={"code": world.a1.code}),
        {"start": start.isoformat(), "end": timezone.localdate().isoformat()},
    )
    page = response.content.decode()
    # 14 days x 40/7 = 80 contracted hours; only the 10 hours inside the period count.
    assert "80.0" in page and "12.5%" in page


def test_bad_period_is_explained(world: World, sergeant: Client) -> None:
    response = sergeant.get(
        reverse("wards:abstraction_list", kwargs={"code": world.a1.code}),
        {"start": "2026-05-01", "end": "2026-04-01"},
    )
    assert response.status_code == 200
    assert "The start of the period must be on or before its end" in response.content.decode()


@pytest.mark.parametrize("role", ["central_analyst", "borough_manager", "sergeant"])
def test_pages_have_a_query_budget(
    world: World, client: Client, role: str, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        PostingFactory.create(team=world.team_a1, role="pcso")
    client.force_login(world.users[role])
    for url in (
        reverse("home"),
        reverse("wards:borough_list"),
        reverse("wards:borough_detail", kwargs={"code": world.a1.borough.code}),
        reverse("wards:ward_detail", kwargs={"code": world.a1.code}),
        reverse("wards:abstraction_list", kwargs={"code": world.a1.code}),
    ):
        # A fixed budget (the ward page gathers sections from several apps): pages read
        # summaries and never loop over rows with queries, so it does not grow with the data.
        with django_assert_max_num_queries(32):
            assert client.get(url).status_code == 200


def test_an_inspector_is_told_the_borough_page_shows_only_their_wards(
    world: World, client: Client
) -> None:
    client.force_login(world.users["inspector"])
    url = reverse("wards:borough_detail", kwargs={"code": world.a1.borough.code})
    assert (
        "You see the 2 wards you cover, of the borough's 2" not in client.get(url).content.decode()
    )
    WardFactory.create(borough=world.a1.borough)  # a ward outside the inspector's cluster
    page = client.get(url).content.decode()
    assert "You see the 2 wards you cover, of the borough's 3." in page
    client.force_login(world.users["borough_manager"])
    assert "You see the" not in client.get(url).content.decode()


def test_home_names_the_roles_held(world: World, client: Client) -> None:
    client.force_login(world.users["central_analyst"])
    assert "Central analyst" in client.get(reverse("home")).content.decode()


def test_error_summary_links_reach_the_field_in_error(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("wards:posting_create", kwargs={"code": world.a1.code}),
        {
            "full_name": "Ann Lee",
            "role": "",
            "start_date_0": "",
            "start_date_1": "",
            "start_date_2": "",
        },
    )
    page = response.content.decode()
    # Radios: the first option; a date: its day box. Each target exists on the page.
    for target in ("id_role_1", "id_start_date_0"):
        assert f'href="#{target}"' in page
        assert f'id="{target}"' in page
