"""The Key Individual Network register: the ward's team keeps it, nobody else sees a name, and
erasure leaves only anonymous counts."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Concern, EngagementEvent, Kin
from tests.factories import ConcernFactory, EngagementEventFactory, KinFactory
from tests.world import ROLES, World

# Statuses in ROLES order:
#          anon pcso  pc  sgt insp panM panC  bm  cen  adm
A1_VIEW = (302, 200, 200, 200, 200, 403, 403, 403, 403, 403)
A1_ERASE = (302, 403, 403, 200, 200, 403, 403, 403, 403, 403)
A2_VIEW = (302, 404, 404, 404, 200, 404, 404, 403, 403, 403)  # the inspector's other ward
B1_ANY = (302, 404, 404, 404, 404, 404, 404, 404, 403, 403)  # another borough

ACCESS = {
    "kin_list": ("code", {"kin_a1": A1_VIEW, "kin_b1": B1_ANY}),
    "kin_create": ("code", {"kin_a1": A1_VIEW, "kin_b1": B1_ANY}),
    "kin_detail": ("pk", {"kin_a1": A1_VIEW, "kin_b1": B1_ANY}),
    "kin_edit": ("pk", {"kin_a1": A1_VIEW, "kin_b1": B1_ANY}),
    "kin_erase": ("pk", {"kin_a1": A1_ERASE, "kin_b1": B1_ANY}),
}


def _url(world: World, view: str, target: str) -> str:
    key, _ = ACCESS[view]
    kin: Kin = getattr(world, target)
    kwargs: dict[str, object] = {"code": kin.ward.code} if key == "code" else {"pk": kin.pk}
    return reverse(f"engagement:{view}", kwargs=kwargs)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _mentions(page: str, text: str) -> bool:
    return text in page or escape(text) in page


def _row(page: str, name: str) -> str:
    """The table row that names ``name`` on the register."""
    rows = [row for row in re.split(r"<tr\b", page) if escape(name) in row]
    assert len(rows) == 1, f"expected one row for {name}"
    return rows[0]


def _kin_data(**changes: str) -> dict[str, str]:
    return {
        "name": "Grace Adeyemi",
        "connection": Kin.Connection.FAITH_LEADER,
        "connection_detail": "Pastor, New Life Church",
        "community_represented": "West African families on the Alpha estate",
        "phone": "020 7946 0123",
        "email": "grace@example.org",
        "address": "1 Church Lane",
        **_date("consent_given_on", timezone.localdate()),
        "consent_method": Kin.ConsentMethod.WRITTEN,
        "notes": "Best reached after Sunday service.",
        **changes,
    }


@pytest.fixture
def sergeant(world: World, client: Client) -> Client:
    client.force_login(world.users["sergeant"])
    return client


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "target"),
    [(view, target) for view, (_, targets) in ACCESS.items() for target in targets],
)
def test_who_may_reach_the_register(world: World, view: str, target: str) -> None:
    url = _url(world, view, target)
    got = {role: _client(world, role).get(url).status_code for role in ROLES}
    assert got == dict(zip(ROLES, ACCESS[view][1][target], strict=True))


@pytest.mark.parametrize("view", ["kin_list", "kin_create"])
def test_the_inspector_reaches_every_ward_of_the_cluster(world: World, view: str) -> None:
    url = reverse(f"engagement:{view}", kwargs={"code": world.a2.code})
    got = {role: _client(world, role).get(url).status_code for role in ROLES}
    assert got == dict(zip(ROLES, A2_VIEW, strict=True))


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("engagement:kin_detail", kwargs={"pk": world.kin_a1.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_inspector_sees_the_clusters_kins(world: World) -> None:
    page = (
        _client(world, "inspector")
        .get(reverse("engagement:kin_list", kwargs={"code": world.a1.code}))
        .content.decode()
    )
    assert _mentions(page, world.kin_a1.name)
    assert not _mentions(page, world.kin_b1.name)


@pytest.mark.parametrize(
    "role", ["panel_member", "panel_chair", "borough_manager", "central_analyst", "admin"]
)
def test_a_kins_name_appears_on_no_page_for_those_outside_the_team(world: World, role: str) -> None:
    client = _client(world, role)
    kin = world.kin_a1
    urls = [
        reverse("home"),
        reverse("wards:borough_list"),
        reverse("wards:borough_detail", kwargs={"code": world.a1.borough.code}),
        reverse("wards:ward_detail", kwargs={"code": world.a1.code}),
        *(_url(world, view, "kin_a1") for view in ACCESS),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        page = response.content.decode()
        assert not _mentions(page, kin.name), url
        assert kin.phone not in page, url
    # Nor a way in to the register from the ward page.
    ward_page = client.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code}))
    assert reverse("engagement:kin_list", kwargs={"code": world.a1.code}) not in (
        ward_page.content.decode()
    )


@pytest.mark.parametrize("view", list(ACCESS))
def test_kin_pages_are_never_cached(world: World, sergeant: Client, view: str) -> None:
    response = sergeant.get(_url(world, view, "kin_a1"))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


@pytest.mark.parametrize("view", ["kin_detail", "kin_edit", "kin_erase"])
def test_page_titles_carry_no_personal_data(world: World, sergeant: Client, view: str) -> None:
    page = sergeant.get(_url(world, view, "kin_a1")).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert not _mentions(title[1], world.kin_a1.name)


# --- the register -------------------------------------------------------------------------------


def test_a_sergeant_adds_a_kin(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    response = sergeant.post(
        reverse("engagement:kin_create", kwargs={"code": world.a1.code}), _kin_data()
    )
    assert response.status_code == 302
    kin = Kin.objects.get(name="Grace Adeyemi")
    assert response["Location"] == reverse("engagement:kin_detail", kwargs={"pk": kin.pk})
    assert kin.ward == world.a1 and kin.created_by == world.users["sergeant"]
    assert kin.consent_given_on == today and kin.consent_method == Kin.ConsentMethod.WRITTEN
    assert kin.next_review_due == today + dt.timedelta(days=365)
    detail = sergeant.get(response["Location"]).content.decode()
    assert "Grace Adeyemi has been added to the register." in detail
    assert "Pastor, New Life Church" in detail and "020 7946 0123" in detail

    page = sergeant.get(
        reverse("engagement:kin_list", kwargs={"code": world.a1.code})
    ).content.decode()
    row = _row(page, "Grace Adeyemi")
    assert "Faith leader" in row and "West African families on the Alpha estate" in row
    assert "Review due" not in row
    assert re.search(r'id="kin-active-count">2<', page)


def test_the_consent_date_defaults_to_today(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    page = sergeant.get(
        reverse("engagement:kin_create", kwargs={"code": world.a1.code})
    ).content.decode()
    assert f'name="consent_given_on_2" value="{today.year}"' in page
    assert "novalidate" in page


def test_missing_consent_is_explained_and_nothing_is_saved(world: World, sergeant: Client) -> None:
    before = Kin.objects.count()
    data = _kin_data(consent_method="")
    for part in ("_0", "_1", "_2"):
        data[f"consent_given_on{part}"] = ""
    response = sergeant.post(reverse("engagement:kin_create", kwargs={"code": world.a1.code}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the date the key individual agreed to be on the register" in page
    assert "Select how the key individual gave consent" in page
    assert Kin.objects.count() == before
    # What was typed is still there.
    assert 'value="Grace Adeyemi"' in page and "Best reached after Sunday service." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Enter the key individual&#x27;s full name"),
        ({"connection": ""}, "Select how the key individual is connected to the ward"),
        ({"email": "grace-at-example"}, "Enter an email address in the correct format"),
        ({"phone": "call the church"}, "Enter a phone number, like 020 7946 0000"),
        (_date("consent_given_on", timezone.localdate() + dt.timedelta(days=3)), "future"),
    ],
)
def test_bad_kin_input_re_renders_with_errors(
    world: World, sergeant: Client, changes: dict[str, str], message: str
) -> None:
    before = Kin.objects.count()
    response = sergeant.post(
        reverse("engagement:kin_create", kwargs={"code": world.a1.code}), _kin_data(**changes)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert Kin.objects.count() == before


def test_a_future_consent_date_is_refused_by_the_service(world: World, sergeant: Client) -> None:
    future = timezone.localdate() + dt.timedelta(days=3)
    response = sergeant.post(
        reverse("engagement:kin_create", kwargs={"code": world.a1.code}),
        _kin_data(**_date("consent_given_on", future)),
    )
    page = response.content.decode()
    assert "Consent cannot be dated in the future." in page
    assert 'href="#id_consent_given_on_0"' in page  # the summary links to the field


def test_edit_a_kin(world: World, sergeant: Client) -> None:
    kin = world.kin_a1
    url = reverse("engagement:kin_edit", kwargs={"pk": kin.pk})
    page = sergeant.get(url).content.decode()
    assert f'value="{escape(kin.name)}"' in page and 'value="020 7946 0000"' in page

    data = _kin_data(
        name=kin.name,
        connection=Kin.Connection.POSTAL_WORKER,
        phone="07700 900982",
        **_date("consent_given_on", kin.consent_given_on or timezone.localdate()),
    )
    response = sergeant.post(url, data)
    assert response.status_code == 302
    kin.refresh_from_db()
    assert kin.connection == Kin.Connection.POSTAL_WORKER and kin.phone == "07700 900982"
    assert kin.ward == world.a1
    detail = sergeant.get(response["Location"]).content.decode()
    assert "The key individual&#x27;s details have been saved." in detail
    assert "Postal worker" in detail


def test_the_review_flag(world: World, sergeant: Client) -> None:
    today = timezone.localdate()
    stale = KinFactory.create(
        ward=world.a1,
        name="Stale Contact",
        last_contact_on=today - dt.timedelta(days=396),  # 13 months ago
        next_review_due=today + dt.timedelta(days=30),  # the contact date alone flags it
    )
    fresh = KinFactory.create(
        ward=world.a1,
        name="Fresh Contact",
        last_contact_on=today - dt.timedelta(days=30),
        next_review_due=today + dt.timedelta(days=335),
    )
    page = sergeant.get(
        reverse("engagement:kin_list", kwargs={"code": world.a1.code})
    ).content.decode()
    assert "Review due" in _row(page, stale.name)
    assert "Review due" not in _row(page, fresh.name)
    assert re.search(r'id="kin-due-count"><span class="snt-gap">1<', page)
    assert (
        "Review due"
        in sergeant.get(reverse("engagement:kin_detail", kwargs={"pk": stale.pk})).content.decode()
    )
    assert (
        "Review due"
        not in sergeant.get(
            reverse("engagement:kin_detail", kwargs={"pk": fresh.pk})
        ).content.decode()
    )


def test_the_detail_page_lists_interviews_newest_first(world: World, sergeant: Client) -> None:
    kin = world.kin_a1
    now = timezone.now()
    older = EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.KIN_INTERVIEW,
        kin=kin,
        starts_at=now - dt.timedelta(days=40),
        created_by=world.users["pcso"],
    )
    newer = EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.KIN_INTERVIEW,
        kin=kin,
        starts_at=now - dt.timedelta(days=3),
        created_by=world.users["pcso"],
    )
    ConcernFactory.create(
        event=newer,
        kin=kin,
        source=Concern.Source.KIN,
        category=Concern.Category.DRUGS,
        text="Dealing behind the launderette",
    )
    page = sergeant.get(reverse("engagement:kin_detail", kwargs={"pk": kin.pk})).content.decode()
    assert page.index(reverse("engagement:event_detail", kwargs={"pk": newer.pk})) < page.index(
        reverse("engagement:event_detail", kwargs={"pk": older.pk})
    )
    assert "Dealing behind the launderette" in page
    log_url = reverse("engagement:event_create", kwargs={"code": world.a1.code})
    assert f'href="{log_url}?kind=kin_interview&amp;kin={kin.pk}"' in page
    assert "Log an interview" in page


# --- erasure ------------------------------------------------------------------------------------


def test_a_sergeant_erases_a_kin(world: World, sergeant: Client) -> None:
    kin = world.kin_a1
    name = kin.name
    interview = EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.KIN_INTERVIEW,
        kin=kin,
        place="Back office of the corner shop",
        notes="Lives above the shop with her sister",
        created_by=world.users["pcso"],
    )
    concern = ConcernFactory.create(
        event=interview, kin=kin, source=Concern.Source.KIN, location="Outside number 14"
    )
    url = reverse("engagement:kin_erase", kwargs={"pk": kin.pk})

    confirm = sergeant.get(url).content.decode()
    assert "You cannot undo this." in confirm and "1 interview," in confirm

    response = sergeant.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:kin_list", kwargs={"code": world.a1.code})

    kin.refresh_from_db()
    assert kin.is_erased and kin.erased_by == world.users["sergeant"]
    for field in (
        "name",
        "connection_detail",
        "community_represented",
        "phone",
        "email",
        "address",
        "notes",
        "consent_method",
    ):
        assert getattr(kin, field) == "", field
    assert kin.consent_given_on is None
    interview.refresh_from_db()  # the interview still counts, without what identifies her
    assert interview.kin == kin and interview.notes == "" and interview.place == ""
    concern.refresh_from_db()  # it still counts towards preferences, saying nothing of her
    assert (concern.location, concern.text) == ("", "")
    assert concern.category == Concern.Category.ASB_YOUTHS

    page = sergeant.get(response["Location"]).content.decode()
    assert "personal data has been erased" in page
    assert not _mentions(page, name) and "020 7946 0000" not in page
    assert re.search(r'id="kin-active-count">0<', page)
    assert re.search(r'id="kin-erased-count">1, with 1 past interview between them<', page)
    assert reverse("engagement:kin_detail", kwargs={"pk": kin.pk}) not in page

    detail = sergeant.get(reverse("engagement:kin_detail", kwargs={"pk": kin.pk}))
    assert "Erased key individual" in detail.content.decode()
    assert not _mentions(detail.content.decode(), name)
    assert "Back office of the corner shop" not in detail.content.decode()


def test_an_erased_kin_cannot_be_edited(world: World, sergeant: Client) -> None:
    kin = world.kin_a1
    sergeant.post(reverse("engagement:kin_erase", kwargs={"pk": kin.pk}))
    url = reverse("engagement:kin_edit", kwargs={"pk": kin.pk})
    for response in (sergeant.get(url), sergeant.post(url, _kin_data())):
        assert response.status_code == 302
        assert response["Location"] == reverse("engagement:kin_detail", kwargs={"pk": kin.pk})
    page = sergeant.get(url, follow=True).content.decode()
    assert "record has been erased: it cannot be edited." in page
    kin.refresh_from_db()
    assert kin.name == "" and not Kin.objects.filter(name="Grace Adeyemi").exists()


@pytest.mark.parametrize("role", ["pcso", "pc"])
def test_officers_below_sergeant_cannot_erase(world: World, role: str) -> None:
    client = _client(world, role)
    kin = world.kin_a1
    url = reverse("engagement:kin_erase", kwargs={"pk": kin.pk})
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    kin.refresh_from_db()
    assert not kin.is_erased and kin.name and kin.phone == "020 7946 0000"
    detail = client.get(reverse("engagement:kin_detail", kwargs={"pk": kin.pk})).content.decode()
    assert "Erase personal data" not in detail


def test_writes_to_another_boroughs_kin_change_nothing(world: World, sergeant: Client) -> None:
    kin = world.kin_b1
    assert sergeant.post(reverse("engagement:kin_erase", kwargs={"pk": kin.pk})).status_code == 404
    response = sergeant.post(
        reverse("engagement:kin_edit", kwargs={"pk": kin.pk}), _kin_data(name="Intruder")
    )
    assert response.status_code == 404
    kin.refresh_from_db()
    assert not kin.is_erased and kin.name != "Intruder"


def test_the_register_has_a_query_budget(
    world: World, sergeant: Client, django_assert_max_num_queries
) -> None:
    for _ in range(10):
        KinFactory.create(ward=world.a1)
    with django_assert_max_num_queries(12):
        assert (
            sergeant.get(reverse("engagement:kin_list", kwargs={"code": world.a1.code})).status_code
            == 200
        )
