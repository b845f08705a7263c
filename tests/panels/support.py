"""Small helpers shared by the panels tests: signed-in clients, form dates, meetings, people."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

from django.test import Client
from django.utils import timezone

from panels.models import Meeting, Panel, PanelMembership
from tests.factories import MeetingFactory, PanelMembershipFactory, UserFactory
from tests.world import World
from wards.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def role_client(world: World, role: str) -> Client:
    return client_for(world.users[role])


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK date input's three boxes (day, month, year)."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def days_ago(days: int, hour: int = 19) -> dt.datetime:
    """A local time ``days`` days ago (negative: ahead) at ``hour`` o'clock."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def meeting(panel: Panel, *, days: int = 1, **fields: Any) -> Meeting:
    """A meeting ``days`` days ago (held by default), or ahead when ``days`` is negative."""
    if days < 0:
        fields.setdefault("status", Meeting.Status.SCHEDULED)
    return MeetingFactory.create(panel=panel, scheduled_at=days_ago(days), **fields)


def seat(panel: Panel, *, name: str = "", email: str = "", **fields: Any) -> PanelMembership:
    """A current member of ``panel``; ``name`` "First Last" and ``email`` when given."""
    person: dict[str, Any] = {}
    if name:
        person["first_name"], _, person["last_name"] = name.partition(" ")
    if email:
        person["email"] = email
    if "user" not in fields:
        fields["user"] = UserFactory.create(**person)
    return PanelMembershipFactory.create(panel=panel, **fields)


def text_of(html: str) -> str:
    """The page's visible text on one line: tags dropped, entities decoded, spaces squeezed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def content(response: Any) -> str:
    return text_of(response.content.decode())
