"""Panel meetings: scheduling, moving and cancelling them, the agenda, attendance and the
quorum, and minutes drafted then approved at the next meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.fixtures import Settings as SettingsFixture

from panels import selectors, services
from panels.models import AgendaItem, Attendance, Meeting, PanelMembership
from tests.factories import MeetingFactory
from tests.panels.support import content, date_fields, days_ago, meeting, role_client, seat
from tests.world import World

pytestmark = pytest.mark.django_db


def meeting_url(m: Meeting, name: str = "meeting_detail") -> str:
    return reverse(f"panels:{name}", kwargs={"pk": m.pk})


def members_of(world: World) -> list[PanelMembership]:
    return list(selectors.members_on(world.panel_a1, timezone.localdate()))


# Scheduling -----------------------------------------------------------------------------------


def test_scheduling_a_meeting_with_its_agenda(world: World) -> None:
    when = days_ago(-14)
    m = services.schedule_meeting(
        acting_user=world.users["panel_chair"],
        panel=world.panel_a1,
        scheduled_at=when,
        place=" Library meeting room ",
        agenda=["Apologies", "  ", "Priorities for the quarter"],
    )
    assert (m.status, m.place, m.scheduled_at) == ("scheduled", "Library meeting room", when)
    assert list(m.agenda_items.values_list("order", "title")) == [
        (1, "Apologies"),
        (2, "Priorities for the quarter"),
    ]
    with pytest.raises(ValidationError, match="more than a year ahead"):
        services.schedule_meeting(
            acting_user=None, panel=world.panel_a1, scheduled_at=days_ago(-370), place="Hall"
        )


def test_the_chair_schedules_a_meeting_on_the_page(world: World) -> None:
    client = role_client(world, "panel_chair")
    url = reverse("panels:meeting_create", kwargs={"code": world.a1.code})
    day = timezone.localdate() + dt.timedelta(days=10)
    data = {
        **date_fields("date", day),
        "start_time": "18.30",
        "place": "St Mary's Church Hall",
        "agenda": "Welcome\nWard crime update\n\nAny other business",
    }
    response = client.post(url, data, follow=True)
    m = Meeting.objects.get(panel=world.panel_a1)
    assert response.redirect_chain == [(meeting_url(m), 302)]
    assert timezone.localtime(m.scheduled_at).replace(tzinfo=None) == dt.datetime.combine(
        day, dt.time(18, 30)
    )
    page = content(response)
    assert "The meeting is scheduled." in page
    assert "St Mary's Church Hall" in page
    assert "Welcome" in page and "Ward crime update" in page and "Any other business" in page
    # The panel page lists it as coming up.
    panel_page = content(client.get(reverse("panels:panel_detail", kwargs={"code": world.a1.code})))
    assert f"{day:%A} {day.day} {day:%B %Y}, 18:30 Coming up St Mary's Church Hall" in panel_page


def test_the_meeting_form_shows_what_is_wrong(world: World) -> None:
    client = role_client(world, "panel_chair")
    url = reverse("panels:meeting_create", kwargs={"code": world.a1.code})
    day = timezone.localdate() + dt.timedelta(days=10)
    bad_time = client.post(
        url, {**date_fields("date", day), "start_time": "25:00", "place": "Hall"}
    )
    assert "Enter a time like 19:00" in content(bad_time)
    far = timezone.localdate() + dt.timedelta(days=400)
    too_far = client.post(url, {**date_fields("date", far), "start_time": "19:00", "place": "Hall"})
    assert too_far.status_code == 200
    assert "A meeting cannot be scheduled more than a year ahead." in content(too_far)
    no_place = client.post(url, {**date_fields("date", day), "start_time": "19:00"})
    assert "Enter where the panel meets" in content(no_place)
    assert not Meeting.objects.exists()


def test_a_member_cannot_schedule_meetings(world: World) -> None:
    url = reverse("panels:meeting_create", kwargs={"code": world.a1.code})
    day = timezone.localdate() + dt.timedelta(days=10)
    data = {**date_fields("date", day), "start_time": "19:00", "place": "Hall"}
    assert role_client(world, "panel_member").post(url, data).status_code == 403
    assert not Meeting.objects.exists()


# Moving and cancelling ------------------------------------------------------------------------


def test_moving_a_meeting_on_the_page(world: World) -> None:
    m = meeting(world.panel_a1, days=-7)
    client = role_client(world, "panel_chair")
    day = timezone.localdate() + dt.timedelta(days=9)
    data = {**date_fields("date", day), "start_time": "19:30", "place": "Youth centre"}
    response = client.post(meeting_url(m, "meeting_edit"), data, follow=True)
    assert "The meeting's time and place are saved." in content(response)
    m.refresh_from_db()
    assert m.place == "Youth centre"
    assert timezone.localtime(m.scheduled_at).replace(tzinfo=None) == dt.datetime.combine(
        day, dt.time(19, 30)
    )


def test_a_held_or_cancelled_meeting_cannot_be_moved(world: World) -> None:
    held = meeting(world.panel_a1, days=3)
    with pytest.raises(ValidationError, match=r"This meeting is held: it cannot be moved\."):
        services.update_meeting(
            acting_user=None, meeting=held, scheduled_at=days_ago(-3), place="Hall"
        )
    client = role_client(world, "panel_chair")
    day = timezone.localdate() + dt.timedelta(days=9)
    data = {**date_fields("date", day), "start_time": "19:30", "place": "Elsewhere"}
    response = client.post(meeting_url(held, "meeting_edit"), data)
    assert response.status_code == 200
    assert "This meeting is held: it cannot be moved." in content(response)
    held.refresh_from_db()
    assert held.place != "Elsewhere"


def test_cancelling_a_meeting(world: World) -> None:
    m = meeting(world.panel_a1, days=-7)
    client = role_client(world, "panel_chair")
    response = client.post(meeting_url(m, "meeting_cancel"), follow=True)
    assert "The meeting is cancelled." in content(response)
    m.refresh_from_db()
    assert m.status == Meeting.Status.CANCELLED
    panel_page = content(client.get(reverse("panels:panel_detail", kwargs={"code": world.a1.code})))
    assert "Cancelled" in panel_page
    assert "Coming up" not in panel_page
    # Nothing more happens at a cancelled meeting.
    with pytest.raises(ValidationError, match="cancelled"):
        services.cancel_meeting(acting_user=None, meeting=m)
    with pytest.raises(ValidationError, match=r"This meeting is cancelled\."):
        services.add_agenda_item(acting_user=None, meeting=m, title="Anything")
    with pytest.raises(ValidationError, match="cancelled"):
        services.update_meeting(acting_user=None, meeting=m, scheduled_at=days_ago(-8), place="X")


def test_a_meeting_with_attendance_cannot_be_cancelled(world: World) -> None:
    m = meeting(world.panel_a1, days=0, status=Meeting.Status.SCHEDULED)
    Attendance.objects.create(meeting=m, membership=members_of(world)[0], status="present")
    response = role_client(world, "panel_chair").post(meeting_url(m, "meeting_cancel"))
    assert response.status_code == 200
    assert "Attendance is recorded for this meeting: it took place." in content(response)
    m.refresh_from_db()
    assert m.status == Meeting.Status.SCHEDULED


# The agenda -----------------------------------------------------------------------------------


def test_adding_and_removing_agenda_items_on_the_page(world: World) -> None:
    m = services.schedule_meeting(
        acting_user=None, panel=world.panel_a1, scheduled_at=days_ago(-5), place="Hall",
        agenda=["Welcome"],
    )  # fmt: skip
    client = role_client(world, "panel_chair")
    response = client.post(
        meeting_url(m, "agenda_item_create"),
        {"title": "Youth survey results", "notes": "From the school visits"},
        follow=True,
    )
    page = content(response)
    assert "The item is on the agenda." in page
    assert "Youth survey results From the school visits" in page
    assert list(m.agenda_items.values_list("order", "title")) == [
        (1, "Welcome"),
        (2, "Youth survey results"),
    ]
    empty = client.post(meeting_url(m, "agenda_item_create"), {"title": ""})
    assert "Enter the agenda item" in content(empty)

    item = m.agenda_items.get(title="Welcome")
    url = reverse("panels:agenda_item_delete", kwargs={"pk": m.pk, "item_pk": item.pk})
    response = client.post(url, follow=True)
    assert "“Welcome” is off the agenda." in content(response)
    assert list(m.agenda_items.values_list("title", flat=True)) == ["Youth survey results"]


def test_an_item_is_removed_only_from_its_own_meeting(world: World) -> None:
    m, other = meeting(world.panel_a1, days=-5), meeting(world.panel_a1, days=-40)
    item = AgendaItem.objects.create(meeting=other, order=1, title="Keep me")
    url = reverse("panels:agenda_item_delete", kwargs={"pk": m.pk, "item_pk": item.pk})
    assert role_client(world, "panel_chair").post(url).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_agenda_of_a_meeting_with_approved_minutes_is_final(world: World) -> None:
    first, second = approved_pair(world)
    item = AgendaItem.objects.create(meeting=first, order=1, title="Welcome")
    with pytest.raises(ValidationError, match="agenda is final"):
        services.remove_agenda_item(acting_user=None, item=item)
    with pytest.raises(ValidationError, match="agenda is final"):
        services.add_agenda_item(acting_user=None, meeting=first, title="Added afterwards")
    assert list(first.agenda_items.values_list("title", flat=True)) == ["Welcome"]
    page = content(role_client(world, "panel_chair").get(meeting_url(first)))
    assert "Add an agenda item" not in page
    assert "Remove Welcome" not in page
    # The next meeting's agenda is still open.
    assert "Add an agenda item" in content(
        role_client(world, "panel_chair").get(meeting_url(second))
    )


# Attendance and the quorum --------------------------------------------------------------------


def attendance_form(
    statuses: dict[int, str], public: str = "", organisations: str = ""
) -> dict[str, str]:
    return {
        **{f"member_{pk}": status for pk, status in statuses.items()},
        "public_attendees": public,
        "organisations": organisations,
    }


def test_recording_attendance_on_the_page(world: World) -> None:
    seat(world.panel_a1, name="Ann Bell")
    seat(world.panel_a1, name="Cy Dunn")
    seat(world.panel_a1, name="Eve Ford")
    members = members_of(world)
    assert len(members) == 5  # 3 needed: max(3, ceil(0.5 x 5))
    m = meeting(world.panel_a1, days=0, status=Meeting.Status.SCHEDULED)
    statuses = dict(
        zip(
            (x.pk for x in members),
            ("present", "present", "present", "apologies", "absent"),
            strict=True,
        )
    )
    client = role_client(world, "panel_chair")
    form_page = content(client.get(meeting_url(m, "meeting_attendance")))
    assert "The meeting is quorate with 3 present" in form_page
    response = client.post(
        meeting_url(m, "meeting_attendance"),
        attendance_form(statuses, "14", "Council ASB team\nHousing association"),
        follow=True,
    )
    page = content(response)
    assert "Attendance is saved: 3 of 5 members present, quorate." in page
    assert "Quorate 3 of 5 members present; 3 needed." in page
    assert "Public attending 14" in page
    assert "Organisations present Council ASB team Housing association" in page
    for x in members:
        assert escape(f"{x.user.display_name}: {statuses[x.pk]}") in page
    m.refresh_from_db()
    assert (m.status, m.public_attendees) == (Meeting.Status.HELD, 14)
    assert dict(m.attendance.values_list("membership_id", "status")) == statuses


def test_recording_again_replaces_the_record(world: World) -> None:
    members = members_of(world)
    m = meeting(world.panel_a1, days=0, status=Meeting.Status.SCHEDULED)
    first = {members[0].pk: "present", members[1].pk: "absent"}
    services.record_attendance(acting_user=None, meeting=m, statuses=first, public_attendees=3)
    second = {members[0].pk: "present", members[1].pk: "apologies"}
    services.record_attendance(acting_user=None, meeting=m, statuses=second, public_attendees=None)
    assert dict(m.attendance.values_list("membership_id", "status")) == second
    assert Attendance.objects.filter(meeting=m).count() == 2
    m.refresh_from_db()
    assert m.public_attendees is None
    page = content(role_client(world, "panel_member").get(meeting_url(m)))
    assert "Not quorate 1 of 2 members present; 3 needed." in page
    assert "Public attending Not recorded" in page


def test_attendance_is_for_the_day_of_the_meeting_and_the_panels_members(world: World) -> None:
    members = members_of(world)
    statuses = {x.pk: "present" for x in members}
    ahead = meeting(world.panel_a1, days=-2)
    with pytest.raises(ValidationError, match="not before"):
        services.record_attendance(
            acting_user=None, meeting=ahead, statuses=statuses, public_attendees=0
        )
    client = role_client(world, "panel_chair")
    assert "Record attendance" not in content(client.get(meeting_url(ahead)))
    refused = client.post(meeting_url(ahead, "meeting_attendance"), attendance_form(statuses, "2"))
    assert "Attendance can be recorded on the day of the meeting, not before." in content(refused)
    assert not Attendance.objects.exists()

    today = meeting(world.panel_a1, days=0, status=Meeting.Status.SCHEDULED)
    outsider = world.panel_b1.memberships.get()
    with pytest.raises(ValidationError, match="only be recorded for the panel's members"):
        services.record_attendance(
            acting_user=None,
            meeting=today,
            statuses={**statuses, outsider.pk: "present"},
            public_attendees=0,
        )
    with pytest.raises(ValidationError, match="Choose present, absent or apologies"):
        services.record_attendance(
            acting_user=None,
            meeting=today,
            statuses={members[0].pk: "late"},
            public_attendees=0,
        )
    negative = client.post(
        meeting_url(today, "meeting_attendance"), attendance_form(statuses, "-4")
    )
    assert "The number of people cannot be negative" in content(negative)
    cancelled = meeting(world.panel_a1, days=1, status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError, match=r"This meeting was cancelled\."):
        services.record_attendance(
            acting_user=None, meeting=cancelled, statuses=statuses, public_attendees=0
        )
    assert not Attendance.objects.exists()


def test_a_member_whose_term_started_later_is_not_on_an_earlier_meetings_list(
    world: World,
) -> None:
    seat(world.panel_a1, name="New Comer", term_start=timezone.localdate())
    m = meeting(world.panel_a1, days=10, status=Meeting.Status.SCHEDULED)
    page = content(role_client(world, "panel_chair").get(meeting_url(m, "meeting_attendance")))
    assert escape(world.users["panel_member"].display_name) in page
    assert "New Comer" not in page


@pytest.mark.parametrize(
    ("members", "required"), [(1, 3), (5, 3), (6, 3), (7, 4), (10, 5), (13, 7)]
)
def test_the_default_quorum(members: int, required: int) -> None:
    assert selectors.quorum_rule() == (3, 0.5)
    assert selectors.quorum_required(members) == required


def test_the_quorum_rule_is_configurable_and_shown(world: World, settings: SettingsFixture) -> None:
    settings.SNT_PANEL_QUORUM_MIN = 2
    settings.SNT_PANEL_QUORUM_FRACTION = 0.75
    for name in ("Ann Bell", "Cy Dunn"):
        seat(world.panel_a1, name=name)
    members = members_of(world)  # 4: at least max(2, ceil(0.75 x 4)) = 3
    m = meeting(world.panel_a1, days=0, status=Meeting.Status.SCHEDULED)
    services.record_attendance(
        acting_user=None,
        meeting=m,
        statuses={x.pk: "present" if i < 2 else "apologies" for i, x in enumerate(members)},
        public_attendees=0,
    )
    quorum = selectors.meeting_quorum(m)
    assert (quorum.members, quorum.present, quorum.required, quorum.is_quorate) == (4, 2, 3, False)
    page = content(role_client(world, "panel_member").get(meeting_url(m)))
    assert "Not quorate 2 of 4 members present; 3 needed." in page
    assert "Quorum: at least 2 members, and at least 75% of current members, rounded up." in page


# Minutes --------------------------------------------------------------------------------------


def approved_pair(world: World) -> tuple[Meeting, Meeting]:
    first = meeting(world.panel_a1, days=60)
    second = meeting(world.panel_a1, days=1)
    services.draft_minutes(acting_user=None, meeting=first, minutes="Agreed three priorities.")
    services.approve_minutes(acting_user=None, meeting=second)
    first.refresh_from_db()
    return first, second


def test_minutes_are_drafted_for_a_held_meeting_only(world: World) -> None:
    ahead = meeting(world.panel_a1, days=-3)
    with pytest.raises(ValidationError, match="has been held"):
        services.draft_minutes(acting_user=None, meeting=ahead, minutes="Too soon")
    held = meeting(world.panel_a1, days=2)
    with pytest.raises(ValidationError, match="Write the minutes"):
        services.draft_minutes(acting_user=None, meeting=held, minutes="   ")

    client = role_client(world, "panel_chair")
    response = client.post(
        meeting_url(held, "meeting_minutes"), {"minutes": "1. Welcome\n2. Priorities"}, follow=True
    )
    page = content(response)
    assert "The draft minutes are saved." in page
    assert "Draft to be approved at the next meeting. 1. Welcome 2. Priorities" in page
    held.refresh_from_db()
    assert held.minutes_status == Meeting.MinutesStatus.DRAFT
    # A draft can be revised.
    client.post(meeting_url(held, "meeting_minutes"), {"minutes": "1. Welcome (revised)"})
    held.refresh_from_db()
    assert held.minutes == "1. Welcome (revised)"


def test_minutes_are_approved_at_the_next_meeting(world: World) -> None:
    first = meeting(world.panel_a1, days=70)
    cancelled = meeting(world.panel_a1, days=35, status=Meeting.Status.CANCELLED)
    services.draft_minutes(acting_user=None, meeting=first, minutes="Agreed three priorities.")
    # Not at the same meeting: it has no earlier meeting's minutes to approve.
    with pytest.raises(ValidationError, match="no draft minutes to approve"):
        services.approve_minutes(acting_user=None, meeting=first)
    # Not at a cancelled one.
    with pytest.raises(ValidationError, match=r"A cancelled meeting approves nothing\."):
        services.approve_minutes(acting_user=None, meeting=cancelled)
    # Not before the next meeting has started.
    following = meeting(world.panel_a1, days=-1)
    with pytest.raises(ValidationError, match="once it has started"):
        services.approve_minutes(acting_user=None, meeting=following)
    first.refresh_from_db()
    assert first.minutes_status == Meeting.MinutesStatus.DRAFT

    Meeting.objects.filter(pk=following.pk).update(scheduled_at=timezone.now())
    client = role_client(world, "panel_chair")
    confirm = content(client.get(meeting_url(following, "minutes_approve")))
    held_on = timezone.localtime(first.scheduled_at).date()
    assert f"Approve the minutes of {held_on.day} {held_on:%B %Y}?" in confirm
    assert "Agreed three priorities." in confirm
    response = client.post(meeting_url(following, "minutes_approve"), follow=True)
    assert f"The minutes of the meeting on {held_on.day} {held_on:%B %Y} are approved." in content(
        response
    )
    first.refresh_from_db()
    assert (first.minutes_status, first.minutes_approved_at) == ("approved", following)

    following.refresh_from_db()
    page = content(client.get(meeting_url(first)))
    on = timezone.localtime(following.scheduled_at).date()
    assert f"Approved at the meeting on {on.day} {on:%B %Y}" in page
    assert "Edit the draft minutes" not in page
    with pytest.raises(ValidationError, match="approved and can no longer be changed"):
        services.draft_minutes(acting_user=None, meeting=first, minutes="Rewritten")
    # And a second approval finds nothing waiting.
    again = client.post(meeting_url(following, "minutes_approve"))
    assert "The previous meeting has no draft minutes to approve." in content(again)


def test_the_meeting_page_offers_the_approval_once_the_meeting_has_started(world: World) -> None:
    first = meeting(world.panel_a1, days=60)
    services.draft_minutes(acting_user=None, meeting=first, minutes="Notes")
    upcoming = meeting(world.panel_a1, days=-2)
    client = role_client(world, "panel_chair")
    page = content(client.get(meeting_url(upcoming)))
    assert "are a draft, waiting for this meeting to approve them" in page
    assert "Approve those minutes at this meeting" not in page
    started = MeetingFactory.create(
        panel=world.panel_a1,
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),  # today, whatever the hour
        status=Meeting.Status.SCHEDULED,
    )
    Meeting.objects.filter(pk=upcoming.pk).delete()
    assert "Approve those minutes at this meeting" in content(client.get(meeting_url(started)))
    # Members see the draft waiting but cannot approve it.
    member = role_client(world, "panel_member")
    assert "Approve those minutes" not in content(member.get(meeting_url(started)))
    assert member.post(meeting_url(started, "minutes_approve")).status_code == 403
