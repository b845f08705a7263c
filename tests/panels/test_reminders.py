"""Meeting reminders: one email per member per meeting in the next 48 hours, and none again
when the task runs again (the beat runs it hourly; a retried task sends no duplicate)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from panels import services
from panels.models import AgendaItem, Meeting
from panels.tasks import send_meeting_reminders
from tests.factories import MeetingFactory
from tests.panels.support import seat
from tests.world import World

pytestmark = pytest.mark.django_db


def set_emails(world: World) -> None:
    for role in ("panel_chair", "panel_member"):
        user = world.users[role]
        user.email = f"{role.replace('_', '.')}@example.org"
        user.save()


def soon(world: World, hours: int = 24, **fields: object) -> Meeting:
    fields.setdefault("status", Meeting.Status.SCHEDULED)
    return MeetingFactory.create(
        panel=world.panel_a1,
        scheduled_at=timezone.now() + dt.timedelta(hours=hours),
        place="Alpha Library, meeting room",
        **fields,
    )


def recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_each_member_is_reminded_once(world: World, tasks_inline: None) -> None:
    set_emails(world)
    seat(world.panel_a1, name="Rita Shah", email="rita@example.org")
    # Not reminded: a former member, one whose term starts after the meeting, one without an
    # email address, and the members of another ward's panel.
    today = timezone.localdate()
    gone = seat(world.panel_a1, email="gone@example.org", term_start=today - dt.timedelta(days=90))
    services.end_membership(
        acting_user=None, membership=gone, term_end=today - dt.timedelta(days=1)
    )
    seat(world.panel_a1, email="later@example.org", term_start=today + dt.timedelta(days=30))
    seat(world.panel_a1)
    b1 = world.panel_b1.memberships.get().user
    b1.email = "beta.chair@example.org"
    b1.save()

    meeting = soon(world)
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and apologies")
    AgendaItem.objects.create(meeting=meeting, order=2, title="Setting the ward's priorities")
    MeetingFactory.create(  # Beta's meeting is in three days: not yet
        panel=world.panel_b1,
        scheduled_at=timezone.now() + dt.timedelta(days=3),
        status=Meeting.Status.SCHEDULED,
    )

    assert send_meeting_reminders.delay().get() == 3
    assert recipients() == [
        "panel.chair@example.org",
        "panel.member@example.org",
        "rita@example.org",
    ]
    when = timezone.localtime(meeting.scheduled_at)
    email = mail.outbox[0]
    assert email.subject == (
        f"Alpha Neighbourhood Panel: meeting on {when:%A} {when.day} {when:%B} at {when:%H:%M}"
    )
    assert f"{when.day} {when:%B %Y} at {when:%H:%M}, at Alpha Library, meeting room." in email.body
    assert "1. Welcome and apologies" in email.body
    assert "2. Setting the ward's priorities" in email.body
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None

    # Run again (the next hour, or a retry): nothing more is sent.
    assert send_meeting_reminders.delay().get() == 0
    assert send_meeting_reminders.delay().get() == 0
    assert len(mail.outbox) == 3


def test_only_meetings_in_the_next_48_hours_are_reminded(world: World) -> None:
    set_emails(world)
    later = soon(world, hours=60)
    soon(world, hours=12, status=Meeting.Status.CANCELLED)
    MeetingFactory.create(panel=world.panel_a1)  # held an hour ago
    assert services.send_meeting_reminders() == 0
    assert mail.outbox == []
    # Half a day later the next meeting is within 48 hours.
    assert services.send_meeting_reminders(now=timezone.now() + dt.timedelta(hours=13)) == 2
    assert services.send_meeting_reminders(now=timezone.now() + dt.timedelta(hours=14)) == 0
    later.refresh_from_db()
    assert later.reminder_sent_at is not None
    assert recipients() == ["panel.chair@example.org", "panel.member@example.org"]


def test_a_moved_meeting_is_reminded_at_its_new_time(world: World) -> None:
    set_emails(world)
    meeting = soon(world, hours=20)
    assert services.send_meeting_reminders() == 2
    new_time = timezone.now() + dt.timedelta(hours=40)
    services.update_meeting(
        acting_user=None, meeting=meeting, scheduled_at=new_time, place="Alpha Youth Centre"
    )
    assert services.send_meeting_reminders() == 2
    assert services.send_meeting_reminders() == 0
    latest = mail.outbox[-1]
    when = timezone.localtime(new_time)
    assert f"{when:%A} {when.day} {when:%B} at {when:%H:%M}" in latest.subject
    assert "at Alpha Youth Centre." in latest.body
    assert len(mail.outbox) == 4
