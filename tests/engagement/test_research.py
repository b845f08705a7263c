"""Stage 1, research: the GLA profile linked on code, notes and their review, community groups,
demand generators and hotspots; and who may see and change them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.imports import import_ward_profiles
from engagement.models import CommunityGroup, LocalFeature, WardResearch
from engagement.profiles import review_cutoff
from tests.factories import RoleAssignmentFactory, UserFactory, WardFactory
from tests.world import ROLES, World
from wards.imports import import_wards
from wards.models import RoleAssignment, Ward


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def sergeant(world: World, client: Client) -> Client:
    client.force_login(world.users["sergeant"])
    return client


@pytest.fixture
def features(world: World) -> dict[str, LocalFeature]:
    return {
        "a1": LocalFeature.objects.create(
            ward=world.a1, kind=LocalFeature.Kind.HOTSPOT, name="Station forecourt"
        ),
        "b1": LocalFeature.objects.create(
            ward=world.b1, kind=LocalFeature.Kind.DEMAND_GENERATOR, name="Late-night bar"
        ),
    }


def row_with(page: str, text: str) -> str:
    """The table row of a page that contains ``text``."""
    return next(row for row in page.split("<tr")[1:] if text in row).split("</tr>")[0]


def detail_url(ward: Ward) -> str:
    return reverse("engagement:research_detail", kwargs={"code": ward.code})


# --- the GLA profile, linked on code only --------------------------------------------------


@pytest.mark.django_db
def test_profiles_link_to_wards_by_code_only(shared_data: Path, client: Client) -> None:
    wards_2022 = shared_data / "wards" / "london_wards_2022.csv"
    wards_2018 = shared_data / "wards" / "london_wards_2018.csv"
    profiles_path = shared_data / "wards" / "gla_ward_profiles_2015.csv"
    profiles = {
        row["New code"]: row for row in read_csv(profiles_path) if row["New code"][:3] == "E05"
    }
    current = read_csv(wards_2022)
    # Every London ward code changed between the 2015 profiles and the 2022 boundaries, so no
    # current ward has a profile: the pages must say so rather than borrow one by name.
    assert not {row["ward_code"] for row in current} & set(profiles)
    current_codes = {row["ward_code"] for row in current}
    profiled = next(
        row
        for row in read_csv(wards_2018)
        if row["ward_code"] in profiles and row["ward_code"] not in current_codes
    )
    unprofiled = next(row for row in current if row["lad_name"] != "City of London")
    # A current ward that shares a name with a profiled ward still gets no profile.
    profile_names = {row["Ward name"].split(" - ", 1)[1] for row in profiles.values()}
    same_name = next(
        row
        for row in current
        if row["ward_name"] in profile_names and row["lad_name"] != "City of London"
    )

    import_wards(path=wards_2022, vintage=2022)
    import_wards(path=wards_2018, vintage=2018)
    import_ward_profiles(path=profiles_path)
    analyst = UserFactory.create()
    RoleAssignmentFactory.create(user=analyst, role=RoleAssignment.Role.CENTRAL_ANALYST)
    client.force_login(analyst)

    old_ward = Ward.objects.get(code=profiled["ward_code"])
    page = client.get(detail_url(old_ward)).content.decode()
    population = round(float(profiles[profiled["ward_code"]]["Population - 2015"]))
    assert f"{population:,}" in page
    assert "Population (2015)" in page and "No profile for this ward" not in page
    assert "can no longer be changed" in page  # a 2018 ward: readable, not editable

    for row in (unprofiled, same_name):
        page = client.get(detail_url(Ward.objects.get(code=row["ward_code"]))).content.decode()
        assert "No profile for this ward&#x27;s vintage" in page
        assert "Population (2015)" not in page


# --- notes, review and staleness -----------------------------------------------------------


def test_editing_and_reviewing_research_updates_last_reviewed(
    world: World, sergeant: Client
) -> None:
    page = sergeant.get(detail_url(world.a1)).content.decode()
    assert "Last reviewed: never" in page and "has never been reviewed" in page

    response = sergeant.post(
        reverse("engagement:research_edit", kwargs={"code": world.a1.code}),
        {"notes": "Two estates; busy high street; new academy opening.", "reviewed": "on"},
    )

    assert response.status_code == 302
    page = sergeant.get(response["Location"]).content.decode()
    today = timezone.localdate()
    name = world.users["sergeant"].display_name
    assert f"Last reviewed: {today:%-d %B %Y} by {name}" in page
    assert "out of date" not in page
    assert "busy high street" in page
    research = WardResearch.objects.get(ward=world.a1)
    assert research.reviewed_on == today and research.reviewed_by == world.users["sergeant"]


def test_saving_notes_without_review_keeps_the_review_date(world: World, sergeant: Client) -> None:
    earlier = timezone.localdate() - dt.timedelta(days=30)
    WardResearch.objects.create(
        ward=world.a1, notes="Old", reviewed_on=earlier, reviewed_by=world.users["pc"]
    )
    form = sergeant.get(reverse("engagement:research_edit", kwargs={"code": world.a1.code}))
    assert ">\nOld</textarea>" in form.content.decode()

    sergeant.post(
        reverse("engagement:research_edit", kwargs={"code": world.a1.code}), {"notes": "New"}
    )

    research = WardResearch.objects.get(ward=world.a1)
    assert research.notes == "New"
    assert research.reviewed_on == earlier and research.reviewed_by == world.users["pc"]


def test_research_reviewed_13_months_ago_is_out_of_date(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    thirteen_months_ago = review_cutoff(today) - dt.timedelta(days=31)
    WardResearch.objects.create(
        ward=world.a1, reviewed_on=thirteen_months_ago, reviewed_by=world.users["sergeant"]
    )
    page = sergeant.get(detail_url(world.a1)).content.decode()
    assert "This research is out of date" in page
    assert "was last reviewed more than 12 months ago" in page

    # Eleven months ago is still in date.
    WardResearch.objects.filter(ward=world.a1).update(reviewed_on=today - dt.timedelta(days=335))
    page = sergeant.get(detail_url(world.a1)).content.decode()
    assert "out of date" not in page


def test_review_cutoff_is_twelve_months_back() -> None:
    assert review_cutoff(dt.date(2026, 3, 15)) == dt.date(2025, 3, 15)
    assert review_cutoff(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


# --- groups, demand generators and hotspots -------------------------------------------------


def test_add_a_hard_to_reach_group(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("engagement:group_create", kwargs={"code": world.a1.code}),
        {
            "name": "Somali Women's Association",
            "kind": CommunityGroup.Kind.ETHNIC_CULTURAL,
            "hard_to_reach": "on",
            "notes": "Meets Thursdays at the library.",
        },
    )

    assert response.status_code == 302
    group = CommunityGroup.objects.get(ward=world.a1, name="Somali Women's Association")
    assert group.hard_to_reach and group.updated_by == world.users["sergeant"]
    page = sergeant.get(response["Location"]).content.decode()
    assert "Somali Women&#x27;s Association saved to the research for Alpha." in page
    row = row_with(page, "Somali Women&#x27;s Association")
    assert "Not yet engaged or hard to reach" in row
    assert f"{timezone.localdate():%-d %b %Y}" in row


def test_a_groups_name_must_be_unique_in_its_ward(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("engagement:group_create", kwargs={"code": world.a1.code}),
        {"name": world.group_a1.name, "kind": CommunityGroup.Kind.FAITH},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This ward already has a group with this name." in page
    assert CommunityGroup.objects.filter(ward=world.a1).count() == 1


def test_edit_a_group(world: World, sergeant: Client) -> None:
    url = reverse("engagement:group_edit", kwargs={"pk": world.group_a1.pk})
    assert f'value="{world.group_a1.name}"' in sergeant.get(url).content.decode()

    response = sergeant.post(url, {"name": "Elm Estate TRA", "kind": "residents"})

    assert response.status_code == 302
    world.group_a1.refresh_from_db()
    assert world.group_a1.name == "Elm Estate TRA" and not world.group_a1.hard_to_reach


def test_add_and_edit_hotspots_and_demand_generators(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("engagement:feature_create", kwargs={"code": world.a1.code}),
        {"kind": "demand_generator", "name": "Alpha Road station", "location": "Alpha Road"},
    )
    assert response.status_code == 302
    feature = LocalFeature.objects.get(ward=world.a1)
    sergeant.post(
        reverse("engagement:feature_edit", kwargs={"pk": feature.pk}),
        {"kind": "hotspot", "name": "Alpha Road station", "location": "Ticket hall"},
    )

    page = sergeant.get(detail_url(world.a1)).content.decode()
    hotspots = page.split("<caption", 3)[3]
    assert "Alpha Road station" in hotspots and "Ticket hall" in hotspots
    assert f"{timezone.localdate():%-d %b %Y}" in hotspots
    assert "No demand generators recorded yet." in page


def test_missing_answers_re_render_with_errors(world: World, sergeant: Client) -> None:
    response = sergeant.post(
        reverse("engagement:feature_create", kwargs={"code": world.a1.code}),
        {"name": "", "location": "Somewhere"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Select whether it is a demand generator or a hotspot" in page
    assert "Enter a name for the place" in page
    assert 'value="Somewhere"' in page
    assert not LocalFeature.objects.exists()


def test_research_page_query_budget(world: World, sergeant: Client, query_count) -> None:
    for n in range(5):
        LocalFeature.objects.create(ward=world.a1, kind="hotspot", name=f"Hotspot {n}")
        CommunityGroup.objects.create(ward=world.a1, kind="faith", name=f"Group {n}")
    with query_count() as queries:
        assert sergeant.get(detail_url(world.a1)).status_code == 200
    assert len(queries) <= 12


# --- who may see and change research ---------------------------------------------------------

#            anon pcso  pc  sgt insp panM panC  bm  cen  adm
A1_READERS = (302, 200, 200, 200, 200, 403, 403, 200, 200, 200)
A1_WRITERS = (302, 200, 200, 200, 200, 403, 403, 403, 403, 200)
B1_READERS = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
B1_WRITERS = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)

ACCESS = [
    ("research_detail", lambda w, f: {"code": w.a1.code}, A1_READERS),
    ("research_detail", lambda w, f: {"code": w.b1.code}, B1_READERS),
    ("research_edit", lambda w, f: {"code": w.a1.code}, A1_WRITERS),
    ("research_edit", lambda w, f: {"code": w.b1.code}, B1_WRITERS),
    ("group_create", lambda w, f: {"code": w.a1.code}, A1_WRITERS),
    ("group_create", lambda w, f: {"code": w.b1.code}, B1_WRITERS),
    ("group_edit", lambda w, f: {"pk": w.group_a1.pk}, A1_WRITERS),
    ("group_edit", lambda w, f: {"pk": w.group_b1.pk}, B1_WRITERS),
    ("feature_create", lambda w, f: {"code": w.a1.code}, A1_WRITERS),
    ("feature_create", lambda w, f: {"code": w.b1.code}, B1_WRITERS),
    ("feature_edit", lambda w, f: {"pk": f["a1"].pk}, A1_WRITERS),
    ("feature_edit", lambda w, f: {"pk": f["b1"].pk}, B1_WRITERS),
]


@pytest.mark.parametrize(
    ("name", "target", "expected"),
    ACCESS,
    ids=[f"{name}-{'a1' if n % 2 == 0 else 'b1'}" for n, (name, _, _) in enumerate(ACCESS)],
)
def test_access_by_role(
    world: World, features: dict[str, LocalFeature], name: str, target, expected
) -> None:
    url = reverse(f"engagement:{name}", kwargs=target(world, features))
    got = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        got[role] = client.get(url).status_code
    assert got == dict(zip(ROLES, expected, strict=True))


def test_writes_outside_scope_change_nothing(
    world: World, features: dict[str, LocalFeature]
) -> None:
    sergeant, manager = Client(), Client()
    sergeant.force_login(world.users["sergeant"])
    manager.force_login(world.users["borough_manager"])
    group = {"name": "Intruders", "kind": "other"}

    assert (
        sergeant.post(
            reverse("engagement:group_create", kwargs={"code": world.b1.code}), group
        ).status_code
        == 404
    )
    assert (
        sergeant.post(
            reverse("engagement:group_edit", kwargs={"pk": world.group_b1.pk}), group
        ).status_code
        == 404
    )
    assert (
        sergeant.post(
            reverse("engagement:feature_edit", kwargs={"pk": features["b1"].pk}),
            {"kind": "hotspot", "name": "Intruders"},
        ).status_code
        == 404
    )
    assert (
        manager.post(
            reverse("engagement:research_edit", kwargs={"code": world.a1.code}),
            {"notes": "x", "reviewed": "on"},
        ).status_code
        == 403
    )
    assert not CommunityGroup.objects.filter(name="Intruders").exists()
    assert not LocalFeature.objects.filter(name="Intruders").exists()
    assert not WardResearch.objects.exists()


def test_past_wards_are_readable_but_not_editable(world: World, sergeant: Client) -> None:
    analyst = Client()
    analyst.force_login(world.users["central_analyst"])
    old = WardFactory.create(
        borough=world.a1.borough, valid_from=dt.date(2014, 5, 22), valid_to=dt.date(2018, 5, 3)
    )
    assert analyst.get(detail_url(old)).status_code == 200
    assert "Edit notes" not in analyst.get(detail_url(old)).content.decode()
    admin = Client()
    admin.force_login(world.users["admin"])
    edit = reverse("engagement:research_edit", kwargs={"code": old.code})
    assert admin.get(edit).status_code == 404
    assert "Edit notes or mark as reviewed" not in admin.get(detail_url(old)).content.decode()
