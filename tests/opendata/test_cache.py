"""Answers are cached (Redis in the suite) and a committed change to what they show retires
them at once: postings, people, events, priorities, wards and boundaries, whether written one
row at a time, in bulk or by the import commands. A rolled-back change retires nothing.

Most of these tests commit for real (transactional tests), as the portal's writes do.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementEvent, Kin
from opendata import invalidation
from opendata.selectors import events
from opendata.views import Answer, _timeout
from priorities.models import Priority
from priorities.services import adopt_priority
from tests.factories import EngagementEventFactory
from tests.opendata.conftest import Published, api_get, met
from tests.world import World
from wards.models import Posting, Ward
from wards.services import add_posting, end_posting

committing = pytest.mark.django_db(transaction=True)


def people(world: World) -> list[str]:
    return [row["name"] for row in api_get(Client(), "neighbourhood_people", **met(world.a1.code))]


def test_a_cached_answer_costs_no_query(
    world: World, published: Published, query_count: Callable[[], Any]
) -> None:
    client = Client()
    first = api_get(client, "neighbourhood_people", **met(world.a1.code))
    with query_count() as queries:
        again = api_get(client, "neighbourhood_people", **met(world.a1.code))
    assert again == first
    assert len(queries) == 0


@committing
def test_a_new_posting_shows_once_committed(world: World) -> None:
    assert "Priya Raman" not in people(world)
    with transaction.atomic():
        add_posting(
            acting_user=world.users["sergeant"],
            team=world.team_a1,
            role=Posting.Role.PC,
            start_date=timezone.localdate(),
            full_name="Priya Raman",
        )
    assert "Priya Raman" in people(world)


@committing
def test_an_ended_posting_goes_at_once(world: World) -> None:
    pc = world.users["pc"].get_full_name()
    assert pc in people(world)
    end_posting(
        acting_user=world.users["sergeant"],
        posting=Posting.objects.get(person=world.users["pc"], team=world.team_a1),
        end_date=timezone.localdate() - dt.timedelta(days=1),
    )
    assert pc not in people(world)


@committing
def test_a_bio_and_its_opt_out_show_at_once(world: World) -> None:
    user = world.users["pc"]

    def bio() -> str | None:
        rows = api_get(Client(), "neighbourhood_people", **met(world.a1.code))
        found: str | None = next(r["bio"] for r in rows if r["name"] == user.get_full_name())
        return found

    assert bio() is None
    user.public_bio = "Grew up on the Alpha estate."
    user.save()
    assert bio() == "<p>Grew up on the Alpha estate.</p>"
    user.bio_opt_out = True
    user.save(update_fields=["bio_opt_out"])
    assert bio() is None


@committing
def test_events_show_new_changed_and_cancelled_at_once(world: World, published: Published) -> None:
    def titles() -> list[str]:
        answer = api_get(Client(), "neighbourhood_events", **met(world.a1.code))
        return [event["title"] for event in answer]

    assert titles() == ["Ward public meeting"]
    EngagementEventFactory.create(
        ward=world.a1,
        kind=EngagementEvent.Kind.SURGERY,
        status=EngagementEvent.Status.PLANNED,
        title="Surgery at the mosque",
        starts_at=timezone.now() + dt.timedelta(days=9),
        created_by=world.users["pcso"],
    )
    assert titles() == ["Ward public meeting", "Surgery at the mosque"]
    # A bulk change sends no model signals; it retires the answer all the same.
    EngagementEvent.objects.filter(pk=published.event.pk).update(
        status=EngagementEvent.Status.CANCELLED
    )
    assert titles() == ["Surgery at the mosque"]


@committing
def test_priorities_adopted_and_resolved_show_at_once(world: World, published: Published) -> None:
    def answer() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = api_get(
            Client(), "neighbourhood_priorities", **met(world.a1.code)
        )
        return found

    assert len(answer()) == 2
    adopt_priority(
        acting_user=world.users["panel_chair"],
        ward=world.a1,
        issue="Speeding on the high road",
        category="road_safety",
    )
    assert answer()[0]["issue"] == "<p>Speeding on the high road</p>"
    Priority.objects.filter(pk=published.priority.pk).update(
        status=Priority.Status.RESOLVED, action="Bikes seized.", action_date=timezone.localdate()
    )
    assert "<p>Bikes seized.</p>" in {row["action"] for row in answer()}


@committing
def test_a_renamed_ward_and_a_new_boundary_show_at_once(world: World, published: Published) -> None:
    client = Client()
    locate = reverse("opendata:locate_neighbourhood")
    assert api_get(client, "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha"
    assert client.get(locate, {"q": "51.495,-0.1"}).json()["neighbourhood"] == world.a1.code

    # bulk_update, as the importers write: no signals.
    world.a1.name = "Alpha Park"
    world.a1.boundary = {
        "type": "Polygon",
        "coordinates": [[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]]],
    }
    Ward.objects.bulk_update([world.a1], ["name", "boundary"])

    assert api_get(client, "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha Park"
    boundary = api_get(client, "neighbourhood_boundary", **met(world.a1.code))
    assert boundary[0] == {"latitude": "1", "longitude": "1"}
    # The point-in-polygon index was rebuilt too.
    assert client.get(locate, {"q": "51.495,-0.1"}).status_code == 404
    assert client.get(locate, {"q": "1.2,1.5"}).json() == {
        "force": "metropolitan",
        "neighbourhood": world.a1.code,
    }


@committing
def test_the_import_commands_retire_the_answers(shared_data: Path) -> None:
    wards_csv = shared_data / "wards" / "london_wards_2022.csv"
    boundaries = shared_data / "boundaries" / "london_wards_2022.geojson"
    locate = reverse("opendata:locate_neighbourhood")
    assert api_get(Client(), "neighbourhood_list", force="metropolitan") == []

    call_command("import_wards", str(wards_csv), stdout=io.StringIO())
    listed = api_get(Client(), "neighbourhood_list", force="metropolitan")
    assert len(listed) == 679  # every borough ward; the City's 25 are the City force's
    assert Client().get(locate, {"q": "51.4995,-0.1248"}).status_code == 404  # no boundaries

    call_command("import_boundaries", str(boundaries), stdout=io.StringIO())
    parliament = api_get(Client(), "locate_neighbourhood", query="q=51.4995,-0.1248")
    assert parliament["force"] == "metropolitan"
    assert parliament["neighbourhood"] in {row["id"] for row in listed}


def _rename_then_fail(ward: Ward, name: str) -> None:
    with transaction.atomic():
        Ward.objects.filter(pk=ward.pk).update(name=name)
        raise RuntimeError("roll back")


@committing
def test_a_rolled_back_change_never_shows(world: World) -> None:
    assert api_get(Client(), "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha"
    with pytest.raises(RuntimeError):
        _rename_then_fail(world.a1, "Never")
    assert api_get(Client(), "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha"


@committing
def test_a_rolled_back_savepoint_does_not_stop_a_later_write_retiring(world: World) -> None:
    assert api_get(Client(), "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha"
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            _rename_then_fail(world.a1, "Never")
        Ward.objects.filter(pk=world.a1.pk).update(name="Alpha Vale")
    assert api_get(Client(), "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha Vale"


@committing
def test_a_change_to_other_data_retires_nothing(world: World) -> None:
    before = invalidation.current()
    Kin.objects.filter(pk=world.kin_a1.pk).update(name="Someone else")
    assert invalidation.current() == before


def test_an_events_answer_lasts_until_its_first_event_drops_off(
    world: World, published: Published
) -> None:
    now = timezone.now()
    assert _timeout(Answer([], expires=now + dt.timedelta(seconds=90))) in (90, 91)
    assert _timeout(Answer([], expires=now - dt.timedelta(seconds=5))) == 1
    assert _timeout(Answer([])) == 3600
    _, expires = events(world.a1)
    assert expires == published.event.ends_at


def test_without_the_cache_answers_are_built_every_time(
    world: World,
    published: Published,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    query_count: Callable[[], Any],
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    client = Client()
    assert api_get(client, "neighbourhood_detail", **met(world.a1.code))["name"] == "Alpha"
    assert len(api_get(client, "neighbourhood_people", **met(world.a1.code))) == 4
    located = client.get(reverse("opendata:locate_neighbourhood"), {"q": "51.495,-0.1"})
    assert located.json()["neighbourhood"] == world.a1.code
    # The index is kept, not rebuilt for every point.
    with query_count() as queries:
        client.get(reverse("opendata:locate_neighbourhood"), {"q": "51.5,-0.095"})
    assert len(queries) == 0
    assert "the cache is not answering" in caplog.text
