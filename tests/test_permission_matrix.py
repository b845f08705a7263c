"""Every URL pattern × every role, with the status each must get.

Adding a URL without a row here fails ``test_every_url_is_in_the_matrix``. Rows named
``name[...]`` are the same pattern aimed at another ward or borough: the IDOR cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engagement.models import LocalFeature
from tests.permission_rows import api as api_rows
from tests.permission_rows import ballots as ballot_rows
from tests.permission_rows import dashboards as dashboard_rows
from tests.permission_rows import epic as epic_rows
from tests.permission_rows import opendata as opendata_rows
from tests.permission_rows import panels as panel_rows
from tests.permission_rows import personal_data as personal_data_rows
from tests.permission_rows import plans as plan_rows
from tests.world import ROLES, World

# Shorthands for a row: the status for each role, in ROLES order.
#            anon pcso  pc  sgt insp panM panC  bm  cen  adm
EVERYONE = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
WARD_A1_WRITERS = (302, 403, 403, 200, 200, 403, 403, 403, 403, 200)
OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)

# engagement
VIEW_ENG_A1 = (302, 200, 200, 200, 200, 403, 403, 200, 200, 200)
LOG_ENG_A1 = (302, 200, 200, 200, 200, 403, 403, 403, 403, 200)
READ_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
KIN_A1 = (302, 200, 200, 200, 200, 403, 403, 403, 403, 403)
KIN_ERASE_A1 = (302, 403, 403, 200, 200, 403, 403, 403, 403, 403)
KIN_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 403)
PUBLIC = (200,) * 10

Target = Callable[[World], dict[str, Any]]


def _feature(ward: Any) -> int:
    return LocalFeature.objects.create(ward=ward, kind="hotspot", name="Station forecourt").pk


MATRIX: dict[str, tuple[str, Target, tuple[int, ...]]] = {
    "home": ("get", lambda w: {}, EVERYONE),
    "healthz": ("get", lambda w: {}, (200,) * 10),
    "login": ("get", lambda w: {}, (200, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    "logout": ("post", lambda w: {}, (302,) * 10),
    "wards:borough_list": ("get", lambda w: {}, EVERYONE),
    "wards:borough_detail": ("get", lambda w: {"code": w.a1.borough.code}, EVERYONE),
    "wards:borough_detail[other borough]": (
        "get",
        lambda w: {"code": w.b1.borough.code},
        (302, 404, 404, 404, 404, 404, 404, 404, 200, 200),
    ),
    "wards:ward_detail": ("get", lambda w: {"code": w.a1.code}, EVERYONE),
    "wards:ward_detail[other ward, same cluster]": (
        "get",
        lambda w: {"code": w.a2.code},
        (302, 404, 404, 404, 200, 404, 404, 200, 200, 200),
    ),
    "wards:ward_detail[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        (302, 404, 404, 404, 404, 404, 404, 404, 200, 200),
    ),
    "wards:posting_create": ("get", lambda w: {"code": w.a1.code}, WARD_A1_WRITERS),
    "wards:posting_create[other ward, same cluster]": (
        "get",
        lambda w: {"code": w.a2.code},
        (302, 404, 404, 404, 200, 404, 404, 403, 403, 200),
    ),
    "wards:posting_create[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    "wards:posting_end": ("get", lambda w: {"pk": w.posting_a1.pk}, WARD_A1_WRITERS),
    "wards:posting_end[other borough]": ("get", lambda w: {"pk": w.posting_b1.pk}, OUTSIDE_A),
    "wards:abstraction_list": (
        "get",
        lambda w: {"code": w.a1.code},
        (302, 200, 200, 200, 200, 403, 403, 200, 200, 200),
    ),
    "wards:abstraction_list[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        (302, 404, 404, 404, 404, 404, 404, 404, 200, 200),
    ),
    "wards:abstraction_create": ("get", lambda w: {"code": w.a1.code}, WARD_A1_WRITERS),
    "wards:abstraction_create[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    # crime: police.uk evidence, for anyone who may see the ward
    "crime:ward_crime": ("get", lambda w: {"code": w.a1.code}, EVERYONE),
    "crime:ward_crime[other borough]": ("get", lambda w: {"code": w.b1.code}, READ_OUTSIDE_A),
    # engagement: research
    "engagement:research_detail": ("get", lambda w: {"code": w.a1.code}, VIEW_ENG_A1),
    "engagement:research_detail[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        READ_OUTSIDE_A,
    ),
    "engagement:research_edit": ("get", lambda w: {"code": w.a1.code}, LOG_ENG_A1),
    "engagement:research_edit[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    "engagement:group_create": ("get", lambda w: {"code": w.a1.code}, LOG_ENG_A1),
    "engagement:group_edit": ("get", lambda w: {"pk": w.group_a1.pk}, LOG_ENG_A1),
    "engagement:group_edit[other borough]": ("get", lambda w: {"pk": w.group_b1.pk}, OUTSIDE_A),
    "engagement:feature_create": ("get", lambda w: {"code": w.a1.code}, LOG_ENG_A1),
    "engagement:feature_edit": ("get", lambda w: {"pk": _feature(w.a1)}, LOG_ENG_A1),
    "engagement:feature_edit[other borough]": ("get", lambda w: {"pk": _feature(w.b1)}, OUTSIDE_A),
    # engagement: events
    "engagement:event_start": (
        "get",
        lambda w: {},
        (302, 302, 302, 302, 200, 200, 200, 200, 200, 200),
    ),
    "engagement:event_list": ("get", lambda w: {"code": w.a1.code}, VIEW_ENG_A1),
    "engagement:event_list[other borough]": ("get", lambda w: {"code": w.b1.code}, READ_OUTSIDE_A),
    "engagement:event_create": ("get", lambda w: {"code": w.a1.code}, LOG_ENG_A1),
    "engagement:event_create[other ward, same cluster]": (
        "get",
        lambda w: {"code": w.a2.code},
        (302, 404, 404, 404, 200, 404, 404, 403, 403, 200),
    ),
    "engagement:event_create[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    "engagement:event_detail": ("get", lambda w: {"pk": w.event_a1.pk}, VIEW_ENG_A1),
    "engagement:event_detail[other borough]": (
        "get",
        lambda w: {"pk": w.event_b1.pk},
        READ_OUTSIDE_A,
    ),
    "engagement:event_update": ("get", lambda w: {"pk": w.event_a1.pk}, LOG_ENG_A1),
    "engagement:event_update[other borough]": ("get", lambda w: {"pk": w.event_b1.pk}, OUTSIDE_A),
    # engagement: preferences and analysis
    "engagement:preferences": ("get", lambda w: {"code": w.a1.code}, (302,) + (200,) * 9),
    "engagement:preferences[other borough]": ("get", lambda w: {"code": w.b1.code}, READ_OUTSIDE_A),
    "engagement:analysis_create": ("post", lambda w: {"code": w.a1.code}, WARD_A1_WRITERS),
    "engagement:analysis_create[other borough]": ("post", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    # engagement: the Key Individual Network (the ward's team and inspector only)
    "engagement:kin_list": ("get", lambda w: {"code": w.a1.code}, KIN_A1),
    "engagement:kin_list[other borough]": ("get", lambda w: {"code": w.b1.code}, KIN_OUTSIDE_A),
    "engagement:kin_create": ("get", lambda w: {"code": w.a1.code}, KIN_A1),
    "engagement:kin_create[other borough]": ("get", lambda w: {"code": w.b1.code}, KIN_OUTSIDE_A),
    "engagement:kin_detail": ("get", lambda w: {"pk": w.kin_a1.pk}, KIN_A1),
    "engagement:kin_detail[other borough]": ("get", lambda w: {"pk": w.kin_b1.pk}, KIN_OUTSIDE_A),
    "engagement:kin_edit": ("get", lambda w: {"pk": w.kin_a1.pk}, KIN_A1),
    "engagement:kin_edit[other borough]": ("get", lambda w: {"pk": w.kin_b1.pk}, KIN_OUTSIDE_A),
    "engagement:kin_erase": ("get", lambda w: {"pk": w.kin_a1.pk}, KIN_ERASE_A1),
    "engagement:kin_erase[other borough]": ("get", lambda w: {"pk": w.kin_b1.pk}, KIN_OUTSIDE_A),
    # engagement: the public page, and the cycle across a borough
    "engagement:public_concern": ("get", lambda w: {"code": w.a1.code}, PUBLIC),
    "engagement:public_concern_thanks": ("get", lambda w: {"code": w.a1.code}, PUBLIC),
    "engagement:borough_tracker": (
        "get",
        lambda w: {"code": w.a1.borough.code},
        (302, 200, 200, 200, 200, 403, 403, 200, 200, 200),
    ),
    "engagement:borough_tracker[other borough]": (
        "get",
        lambda w: {"code": w.b1.borough.code},
        READ_OUTSIDE_A,
    ),
}


# Rows for later apps live beside this file, one module per area of work.
for _rows in (
    panel_rows.ROWS,
    ballot_rows.ROWS,
    plan_rows.ROWS,
    dashboard_rows.ROWS,
    epic_rows.ROWS,
    opendata_rows.ROWS,
    api_rows.ROWS,
    personal_data_rows.ROWS,
):
    assert not set(_rows) & set(MATRIX), "a URL has two rows"
    MATRIX.update(_rows)


def _named_patterns(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _named_patterns(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {pattern.pattern}>"
            )


def test_every_url_is_in_the_matrix() -> None:
    # The admin has its own test below; every other pattern must have a row.
    names = {n for n in _named_patterns(get_resolver()) if not n.startswith("admin:")}
    listed = {key.split("[")[0] for key in MATRIX}
    assert names - listed == set(), "URL patterns missing from the permission matrix"
    assert listed - names == set(), "matrix rows for URL patterns that no longer exist"


def _client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("row", sorted(MATRIX))
def test_matrix(world: World, row: str) -> None:
    method, target, expected = MATRIX[row]
    url = reverse(row.split("[")[0], kwargs=target(world))
    got = {}
    for role in ROLES:
        response = getattr(_client_for(world, role), method)(url)
        got[role] = response.status_code
    assert got == dict(zip(ROLES, expected, strict=True))


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("wards:ward_detail", kwargs={"code": world.a1.code}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_administrators_only(world: World, role: str) -> None:
    client = _client_for(world, role)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        status = client.get(url).status_code
        assert status == (200 if role == "admin" else 302), url


def test_writes_outside_scope_are_refused_and_change_nothing(world: World) -> None:
    """A sergeant POSTing to another borough's ward gets 404 and nothing is written."""
    client = _client_for(world, "sergeant")
    before = world.posting_b1.team.postings.count()
    response = client.post(
        reverse("wards:posting_create", kwargs={"code": world.b1.code}),
        {
            "full_name": "Intruder",
            "role": "pc",
            "start_date_0": "1",
            "start_date_1": "1",
            "start_date_2": "2026",
        },
    )
    assert response.status_code == 404
    response = client.post(
        reverse("wards:posting_end", kwargs={"pk": world.posting_b1.pk}),
        {"end_date_0": "1", "end_date_1": "1", "end_date_2": "2026"},
    )
    assert response.status_code == 404
    world.posting_b1.refresh_from_db()
    assert world.posting_b1.end_date is None
    assert world.posting_b1.team.postings.count() == before
