"""Fixtures for the open data: police.uk's own example answers, a fresh cache and rate limit
for each test, and a small world with something to publish in ward A1."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsFixture

from engagement.models import EngagementEvent
from opendata.invalidation import bump_all
from priorities.models import Priority
from tests.factories import EngagementEventFactory
from tests.world import World


@pytest.fixture(autouse=True)
def fresh_cache_and_limits(settings: SettingsFixture) -> None:
    """Each test starts from new cache generations and counts requests from zero.

    A test's rows are rolled back, which no write watcher sees: answers cached from them
    would otherwise outlive them into the next test.
    """
    bump_all()
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"


@pytest.fixture
def police_uk(shared_data: Path) -> PoliceUk:
    return PoliceUk(shared_data / "api" / "police-data-kit-fixtures")


@dataclass(frozen=True)
class PoliceUk:
    """The data.police.uk example answers in shared/data (one element of each list)."""

    folder: Path

    def __call__(self, name: str) -> Any:
        return json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))


# The calls about one neighbourhood: /api/{force}/{id}[/...].
NEIGHBOURHOOD_CALLS = (
    "neighbourhood_detail",
    "neighbourhood_people",
    "neighbourhood_events",
    "neighbourhood_priorities",
    "neighbourhood_boundary",
)


def api_get(client: Client, name: str, **kwargs: str) -> Any:
    """GET an open-data URL by name, asserting a 200 JSON answer; its parsed body."""
    query = kwargs.pop("query", "")
    url = reverse(f"opendata:{name}", kwargs=kwargs) + (f"?{query}" if query else "")
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    return response.json()


def met(ward_code: str, **extra: str) -> dict[str, str]:
    """URL kwargs for a neighbourhood of the Met."""
    return {"force": "metropolitan", "code": ward_code, **extra}


@dataclass
class Published:
    """What ward A1 of the world has to publish, beside its team."""

    event: EngagementEvent
    priority: Priority
    resolved: Priority


@pytest.fixture
def published(world: World) -> Published:
    """A1: a planned public meeting, an active priority and a resolved one."""
    world.a1.boundary = {
        "type": "Polygon",
        "coordinates": [[[-0.11, 51.49], [-0.09, 51.49], [-0.09, 51.51], [-0.11, 51.49]]],
    }
    world.a1.save()
    for role, bio in (("pcso", "Walks the estate\n\nSpeaks Punjabi & Urdu"), ("pc", "")):
        user = world.users[role]
        user.public_bio = bio
        user.save()
    starts = timezone.now() + dt.timedelta(days=3)
    event = EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.PUBLIC_MEETING,
        status=EngagementEvent.Status.PLANNED,
        title="Ward public meeting",
        description="Come and tell us what matters <most>.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        created_by=world.users["pcso"],
    )
    today = timezone.localdate()
    priority = Priority.objects.create(
        ward=world.a1,
        issue="Motorbikes ridden on the estate paths",
        category="asb_general",
        source="community",
        issue_date=today - dt.timedelta(days=40),
    )
    resolved = Priority.objects.create(
        ward=world.a1,
        issue="Drug dealing by the station",
        category="drugs",
        source="community",
        issue_date=today - dt.timedelta(days=200),
        status=Priority.Status.RESOLVED,
        action="Closure order on the flat; weekly patrols.",
        action_date=today - dt.timedelta(days=20),
    )
    return Published(event=event, priority=priority, resolved=resolved)
