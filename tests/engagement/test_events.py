"""Logging engagement: quick defaults, concerns inline, clear errors, the right channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from engagement.models import Concern, EngagementEvent, Kin
from tests.factories import CommunityGroupFactory, KinFactory
from tests.world import World


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def _event_data(day: dt.date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "street_briefing",
        "status": "held",
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "10:30",
        "end_time": "",
        "place": "Outside the library",
        "attendance": "14",
        "notes": "",
        "title": "",
        "description": "",
        "concerns-TOTAL_FORMS": "3",
        "concerns-INITIAL_FORMS": "0",
        "concerns-MIN_NUM_FORMS": "0",
        "concerns-MAX_NUM_FORMS": "10",
    }
    for i in range(3):
        data.update(
            {f"concerns-{i}-category": "", f"concerns-{i}-text": "", f"concerns-{i}-location": ""}
        )
    data.update(overrides)
    return data


@pytest.fixture
def pcso(world: World, client: Client) -> Client:
    client.force_login(world.users["pcso"])
    return client


def test_the_form_defaults_to_today_and_the_officer(world: World, pcso: Client) -> None:
    page = pcso.get(reverse("engagement:event_create", kwargs={"code": world.a1.code}))
    form = page.context["form"]
    assert form.initial["date"] == timezone.localdate()
    assert form.initial["officers"] == [world.users["pcso"].pk]
    assert "Log engagement" in page.content.decode()


def test_log_engagement_goes_straight_to_the_officers_ward(world: World, pcso: Client) -> None:
    response = pcso.get(reverse("engagement:event_start"))
    assert response["Location"] == reverse(
        "engagement:event_create", kwargs={"code": world.a1.code}
    )


def test_a_street_briefing_with_two_concerns(world: World, pcso: Client) -> None:
    today = _yesterday()  # 10:30 yesterday is past whenever the suite runs
    data = _event_data(
        today,
        **{
            "officers": [world.users["pcso"].pk, world.users["pc"].pk],
            "groups_reached": [world.group_a1.pk],
            "concerns-0-category": "asb_youths",
            "concerns-0-text": "Youths on mopeds by the parade",
            "concerns-1-category": "drugs",
            "concerns-1-location": "Alley behind the chemist",
        },
    )
    response = pcso.post(reverse("engagement:event_create", kwargs={"code": world.a1.code}), data)
    assert response.status_code == 302
    event = EngagementEvent.objects.filter(ward=world.a1).exclude(pk=world.event_a1.pk).get()
    assert (event.kind, event.status, event.attendance) == ("street_briefing", "held", 14)
    assert timezone.localtime(event.starts_at).time() == dt.time(10, 30)
    assert set(event.officers.all()) == {world.users["pcso"], world.users["pc"]}
    assert list(event.groups_reached.all()) == [world.group_a1]
    concerns = event.concerns.order_by("category")
    assert [(c.category, c.source, c.raised_on) for c in concerns] == [
        ("asb_youths", "engagement", today),
        ("drugs", "engagement", today),
    ]
    page = pcso.get(response["Location"]).content.decode()
    assert "Street briefing logged for Alpha with 2 concerns." in page
    assert "Youths on mopeds by the parade" in page


def test_youth_sessions_raise_youth_concerns(world: World, pcso: Client) -> None:
    data = _event_data(
        _yesterday(),
        kind="school_youth_session",
        **{"concerns-0-category": "street_crime", "concerns-0-text": "Phones snatched"},
    )
    pcso.post(reverse("engagement:event_create", kwargs={"code": world.a1.code}), data)
    assert Concern.objects.get(text="Phones snatched").source == Concern.Source.YOUTH


def test_a_kin_interview_updates_the_kins_last_contact(world: World, pcso: Client) -> None:
    kin = KinFactory.create(
        ward=world.a1, last_contact_on=timezone.localdate() - dt.timedelta(days=400)
    )
    url = reverse("engagement:event_create", kwargs={"code": world.a1.code})
    # The KIN page links here with the kind and KIN chosen.
    page = pcso.get(url, {"kind": "kin_interview", "kin": str(kin.pk)})
    assert page.context["form"].initial["kin"] == kin.pk
    data = _event_data(
        _yesterday(),
        kind="kin_interview",
        kin=kin.pk,
        **{"concerns-0-category": "burglary", "concerns-0-text": "Sheds broken into"},
    )
    assert pcso.post(url, data).status_code == 302
    kin.refresh_from_db()
    assert kin.last_contact_on == _yesterday()
    assert Concern.objects.get(text="Sheds broken into").source == Concern.Source.KIN


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Choose the type of engagement"),
        ({"start_time": "25:00"}, "Enter a time like 14:30"),
        ({"start_time": "10:30", "end_time": "09:00"}, "The end time must be after the start time"),
        ({"attendance": "lots"}, "Enter the number of people as a whole number, like 12"),
        ({"concerns-0-text": "Noise at night"}, "Choose the kind of concern for what was said"),
        ({"kind": "kin_interview"}, "Choose the key individual who was interviewed"),
    ],
)
def test_bad_input_re_renders_with_errors_and_keeps_what_was_typed(
    world: World, pcso: Client, overrides: dict[str, object], message: str
) -> None:
    before = EngagementEvent.objects.count()
    data = _event_data(
        _yesterday(), **{"concerns-1-text": "Keep me", "concerns-1-category": "noise"}
    )
    data.update(overrides)
    response = pcso.post(reverse("engagement:event_create", kwargs={"code": world.a1.code}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "Keep me" in page
    assert EngagementEvent.objects.count() == before
    assert not Concern.objects.exists()


def test_a_held_event_cannot_be_in_the_future(world: World, pcso: Client) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = pcso.post(
        reverse("engagement:event_create", kwargs={"code": world.a1.code}), _event_data(tomorrow)
    )
    assert "An event that has been held cannot start in the future." in response.content.decode()


def test_plan_an_event_then_record_how_it_went(world: World, pcso: Client) -> None:
    next_week = timezone.localdate() + dt.timedelta(days=7)
    data = _event_data(
        next_week, kind="public_meeting", status="planned", title="Ward panel open meeting"
    )
    response = pcso.post(reverse("engagement:event_create", kwargs={"code": world.a1.code}), data)
    event = EngagementEvent.objects.get(title="Ward panel open meeting")
    assert event.is_public
    assert EngagementEvent.objects.public().filter(pk=event.pk).exists()

    # Concerns cannot be recorded before it has happened.
    bad = _event_data(
        next_week, kind="public_meeting", status="planned", **{"concerns-0-category": "noise"}
    )
    response = pcso.post(reverse("engagement:event_create", kwargs={"code": world.a1.code}), bad)
    assert "Concerns can only be recorded at an event that was held." in response.content.decode()

    EngagementEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2)
    )
    group = CommunityGroupFactory.create(ward=world.a1, hard_to_reach=True)
    outcome = {
        "status": "held",
        "attendance": "40",
        "groups_reached": [group.pk],
        "notes": "",
        "concerns-TOTAL_FORMS": "1",
        "concerns-INITIAL_FORMS": "0",
        "concerns-MIN_NUM_FORMS": "0",
        "concerns-MAX_NUM_FORMS": "10",
        "concerns-0-category": "road_safety",
        "concerns-0-text": "Speeding on the high road",
        "concerns-0-location": "",
    }
    response = pcso.post(reverse("engagement:event_update", kwargs={"pk": event.pk}), outcome)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attendance) == ("held", 40)
    assert not event.is_public
    assert event.concerns.get().category == "road_safety"


def test_kin_names_stay_off_event_pages_for_those_outside_the_team(
    world: World, client: Client
) -> None:
    kin: Kin = world.kin_a1
    event = EngagementEvent.objects.create(
        ward=world.a1,
        kind="kin_interview",
        kin=kin,
        starts_at=timezone.now() - dt.timedelta(days=1),
        created_by=world.users["pcso"],
    )
    client.force_login(world.users["borough_manager"])
    page = client.get(reverse("engagement:event_detail", kwargs={"pk": event.pk})).content.decode()
    # As the page writes it: a name like O'Sullivan is escaped in HTML.
    assert kin.name not in page and escape(kin.name) not in page
    assert "A key individual (details kept by the ward team)" in page
    client.force_login(world.users["sergeant"])
    assert escape(kin.name) in (
        client.get(reverse("engagement:event_detail", kwargs={"pk": event.pk})).content.decode()
    )
