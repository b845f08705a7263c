"""The scoping mechanism's shortcuts give the same answers as its querysets, and cached
grants never outlive a change to the postings, roles and memberships they come from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from snt_portal.permissions import GRANTS, Perm, get_object_for, require_place, scope_for
from tests.factories import RoleAssignmentFactory
from tests.world import ROLES, World
from wards.models import Borough, Posting, RoleAssignment, User, Ward

pytestmark = pytest.mark.django_db


def _outcome(check: Callable[..., object], *args: Any, **kwargs: Any) -> int:
    try:
        check(*args, **kwargs)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


@pytest.mark.parametrize("perm", list(Perm))
def test_require_place_agrees_with_the_querysets(world: World, perm: Perm) -> None:
    """Dashboards check a cached ward or borough with ``require_place``; every user, place and
    permission gets the 404/403/200 that ``get_object_for`` gives on the rows themselves."""
    for role in ROLES[1:]:
        user = User.objects.get(pk=world.users[role].pk)
        for ward in (world.a1, world.a2, world.b1):
            expected = _outcome(get_object_for, Ward.objects, user, perm, pk=ward.pk)
            shortcut = _outcome(
                require_place, user, perm, borough_id=ward.borough_id, ward_id=ward.pk
            )
            assert shortcut == expected, (role, ward.code, perm)
        for borough in (world.a1.borough, world.b1.borough):
            expected = _outcome(get_object_for, Borough.objects, user, perm, pk=borough.pk)
            shortcut = _outcome(require_place, user, perm, borough_id=borough.pk)
            assert shortcut == expected, (role, borough.code, perm)


def test_a_posting_ended_takes_effect_on_the_next_request(world: World) -> None:
    pcso = world.users["pcso"]
    client = Client()
    client.force_login(pcso)
    page = reverse("wards:ward_detail", kwargs={"code": world.a1.code})
    assert client.get(page).status_code == 200

    # Ended by a plain save, as the admin does: no service call to forget anything.
    world.posting_a1.end_date = timezone.localdate() - dt.timedelta(days=1)
    world.posting_a1.save()
    assert client.get(page).status_code == 404


def test_a_role_given_takes_effect_on_the_next_request(world: World) -> None:
    pcso = world.users["pcso"]
    client = Client()
    client.force_login(pcso)
    page = reverse("wards:ward_detail", kwargs={"code": world.b1.code})
    assert client.get(page).status_code == 404

    assignment = RoleAssignmentFactory.create(
        user=pcso, role="borough_manager", borough=world.b1.borough
    )
    # The role needs a second factor: the next request asks for one first...
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_enrol"))
    # ...and once past it, the borough is open.
    client.force_login(pcso)
    assert client.get(page).status_code == 200

    RoleAssignment.objects.filter(pk=assignment.pk).delete()
    assert client.get(page).status_code == 404


def test_grants_are_read_once_then_served_from_the_cache(world: World, query_count) -> None:
    manager = world.users["borough_manager"]
    client = Client()
    client.force_login(manager)
    GRANTS.bump()  # signing in past the second factor read them: start from none cached
    page = reverse("wards:borough_detail", kwargs={"code": world.a1.borough.code})
    with query_count() as first:
        assert client.get(page).status_code == 200
    with query_count() as second:
        assert client.get(page).status_code == 200
    grant_tables = ("wards_posting", "wards_roleassignment", "panels_panelmembership")

    def reads_grants(queries: list[dict[str, str]]) -> bool:
        return any(
            f'FROM "{table}"' in q["sql"] and "WHERE" in q["sql"] and '"user_id"' in q["sql"]
            for q in queries
            for table in grant_tables
        )

    assert reads_grants(first.captured_queries)
    assert not reads_grants(second.captured_queries)
    assert scope_for(User.objects.get(pk=manager.pk)).area(Perm.VIEW_DASHBOARD).boroughs == {
        world.a1.borough_id
    }


def test_a_bulk_update_is_seen_as_well(world: World) -> None:
    """Writes that send no signals (QuerySet.update, as imports and some services do) make
    cached grants stale all the same: the cache watches the tables, not the models' signals."""
    client = Client()
    client.force_login(world.users["pcso"])
    page = reverse("wards:ward_detail", kwargs={"code": world.a1.code})
    assert client.get(page).status_code == 200

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Posting.objects.filter(pk=world.posting_a1.pk).update(end_date=yesterday)
    assert client.get(page).status_code == 404


DEAD_REDIS = {
    "default": {
        "BACKEND": "snt_portal.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_pages_work_with_the_cache_unreachable(world: World, settings: Any) -> None:
    """The cache only saves work: with Redis gone, grants are read from the database on every
    request, and access is decided exactly as before."""
    settings.CACHES = DEAD_REDIS
    client = Client()
    client.force_login(world.users["pcso"])
    assert (
        client.get(reverse("wards:ward_detail", kwargs={"code": world.a1.code})).status_code == 200
    )
    assert (
        client.get(reverse("wards:ward_detail", kwargs={"code": world.b1.code})).status_code == 404
    )
    manager = Client()
    manager.force_login(world.users["borough_manager"])
    dashboard = reverse("epic:borough_dashboard", kwargs={"code": world.a1.borough.code})
    assert manager.get(dashboard).status_code == 200
