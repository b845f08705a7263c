"""Every URL pattern × every role, with the status each must get.

Adding a URL without a row here fails ``test_every_url_is_in_the_matrix``. Rows named
``name[...]`` are the same pattern aimed at another ward or borough: the IDOR cases.

- A URL naming a ward, borough or record needs an ``[other borough]`` row
  (``test_every_object_url_has_an_idor_row``; NOT_OBJECTS lists the arguments that name none).
- Every ward-level row is asked again on the next ward of the same cluster, where A1's
  officers and panel are strangers and the inspector is not
  (``test_ward_level_urls_are_tried_on_the_next_ward_of_the_cluster``).
- Every row aimed elsewhere is written to, as one role of each refusal, and must be refused
  as the read was with no table changed (``test_writes_aimed_elsewhere_...``).
- The /api/v1/ rows are asked again with token authentication (``test_api_matrix_with_tokens``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from engagement.models import LocalFeature
from tests.factories import (
    CommunityGroupFactory,
    EngagementEventFactory,
    KinFactory,
    PanelFactory,
    PanelMembershipFactory,
)
from tests.permission_rows import api as api_rows
from tests.permission_rows import audit as audit_rows
from tests.permission_rows import ballots as ballot_rows
from tests.permission_rows import dashboards as dashboard_rows
from tests.permission_rows import epic as epic_rows
from tests.permission_rows import opendata as opendata_rows
from tests.permission_rows import otp as otp_rows
from tests.permission_rows import panels as panel_rows
from tests.permission_rows import personal_data as personal_data_rows
from tests.permission_rows import plans as plan_rows
from tests.snapshot import changed_tables, database_state
from tests.world import ROLES, World

# Shorthands for a row: the status for each role, in ROLES order.
#            anon pcso  pc  sgt insp panM panC  bm  cen  adm
EVERYONE = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
WARD_A1_WRITERS = (302, 403, 403, 200, 200, 403, 403, 403, 403, 200)
OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)

# engagement
VIEW_ENG_A1 = (302, 200, 200, 200, 200, 403, 403, 200, 200, 200)
LOG_ENG_A1 = (302, 200, 200, 200, 200, 403, 403, 403, 403, 200)
LOG_ENG_A2 = (302, 404, 404, 404, 200, 404, 404, 403, 403, 200)
READ_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
KIN_A1 = (302, 200, 200, 200, 200, 403, 403, 403, 403, 403)
KIN_ERASE_A1 = (302, 403, 403, 200, 200, 403, 403, 403, 403, 403)
KIN_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 403)
PUBLIC = (200,) * 10
NOWHERE = (404,) * 10

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
    "engagement:group_create[other ward, same cluster]": (
        "get",
        lambda w: {"code": w.a2.code},
        LOG_ENG_A2,
    ),
    "engagement:group_create[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
    "engagement:group_edit": ("get", lambda w: {"pk": w.group_a1.pk}, LOG_ENG_A1),
    "engagement:group_edit[other borough]": ("get", lambda w: {"pk": w.group_b1.pk}, OUTSIDE_A),
    "engagement:feature_create": ("get", lambda w: {"code": w.a1.code}, LOG_ENG_A1),
    "engagement:feature_create[other ward, same cluster]": (
        "get",
        lambda w: {"code": w.a2.code},
        LOG_ENG_A2,
    ),
    "engagement:feature_create[other borough]": ("get", lambda w: {"code": w.b1.code}, OUTSIDE_A),
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
    # Public: another borough's ward is as public as one's own; a ward that is not a current
    # Met ward has no public page.
    "engagement:public_concern": ("get", lambda w: {"code": w.a1.code}, PUBLIC),
    "engagement:public_concern[other borough]": ("get", lambda w: {"code": w.b1.code}, PUBLIC),
    "engagement:public_concern[no such ward]": ("get", lambda w: {"code": "E05999999"}, NOWHERE),
    "engagement:public_concern_thanks": ("get", lambda w: {"code": w.a1.code}, PUBLIC),
    "engagement:public_concern_thanks[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        PUBLIC,
    ),
    "engagement:public_concern_thanks[no such ward]": (
        "get",
        lambda w: {"code": "E05999999"},
        NOWHERE,
    ),
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
    otp_rows.ROWS,
    personal_data_rows.ROWS,
    audit_rows.ROWS,
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


# URL keyword arguments that name nothing a role may or may not hold: every role gets the same
# answer whatever their value, so a pattern whose only arguments are these needs no IDOR row.
NOT_OBJECTS = {
    "table": "a dashboard table's name: the same tables for every place",
    "force": "a police force's id in the open data: public, and only the Met's is held",
    "rest": "the rest of a path under /api/v1/ that is no endpoint: 404 for everyone",
}
# Roles whose rights are over one ward (A1): a ward-level URL they may use needs a row aimed at
# the next ward of the same cluster (A2), where borough and cluster roles still reach.
WARD_SCOPED = ("pcso", "pc", "sergeant", "panel_member", "panel_chair")
REFUSED = {401, 403, 404, 405}
# Asked on the next ward of the cluster: A1's own roles, and the inspector whose cluster it is.
CLUSTER_ROLES = (*WARD_SCOPED, "inspector")


def _url_kwargs(
    resolver: URLResolver, namespace: str = "", outer: frozenset[str] = frozenset()
) -> Iterator[tuple[str, frozenset[str]]]:
    """Each named pattern with the keyword arguments its URL captures (includes' too)."""
    for pattern in resolver.url_patterns:
        captured = outer | frozenset(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _url_kwargs(pattern, f"{namespace}{ns}:" if ns else namespace, captured)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", captured


def _object_urls() -> dict[str, frozenset[str]]:
    """Non-admin patterns that capture an object (a ward, a borough, a record)."""
    return {
        name: kwargs - NOT_OBJECTS.keys()
        for name, kwargs in _url_kwargs(get_resolver())
        if not name.startswith("admin:") and kwargs - NOT_OBJECTS.keys()
    }


def _variants(name: str) -> list[str]:
    return [key[len(name) + 1 : -1] for key in MATRIX if key.startswith(f"{name}[")]


def test_every_object_url_has_an_idor_row() -> None:
    """A pattern naming a ward, borough or record is also tried on another borough's."""
    missing = sorted(
        name
        for name in _object_urls()
        if not any("other borough" in variant for variant in _variants(name))
    )
    assert missing == [], "object URLs without an '[other borough]' row in the matrix"


def _ward_level_rows(world: World) -> list[str]:
    """Rows for a ward-level URL (not a borough's, not public) that a role of A1 alone may use.

    For these the next ward of the same cluster (A2) matters: the inspector and the borough
    still reach it, A1's officers and panel must not.
    """
    boroughs = {world.a1.borough.code, world.b1.borough.code}
    rows = []
    for name in sorted(_object_urls()):
        if name not in MATRIX:
            continue  # test_every_url_is_in_the_matrix reports it
        _, target, expected = MATRIX[name]
        statuses = dict(zip(ROLES, expected, strict=True))
        if statuses["anonymous"] == 200 or set(target(world).values()) & boroughs:
            continue
        if all(statuses[role] in REFUSED for role in WARD_SCOPED):
            continue
        rows.append(name)
    return rows


def _same_cluster_world(world: World) -> World:
    """The world with A2 in A1's place: its team, a posting, a KIN, an event, a group and a
    panel of its own. The users keep their A1 rights, so a row's target, built from this
    world, names the same kind of object in the next ward of the cluster."""
    a2, person = world.a2, world.posting_a2.person
    panel = PanelFactory.create(ward=a2)
    PanelMembershipFactory.create(panel=panel, position="chair")
    return dataclasses.replace(
        world,
        a1=a2,
        team_a1=world.team_a2,
        posting_a1=world.posting_a2,
        kin_a1=KinFactory.create(ward=a2),
        event_a1=EngagementEventFactory.create(ward=a2, created_by=person),
        group_a1=CommunityGroupFactory.create(ward=a2),
        panel_a1=panel,
    )


def _same_cluster_expected(expected: tuple[int, ...]) -> dict[str, int]:
    """A1's row with A1's own roles refused as strangers (404); the cluster's inspector, the
    borough, London and administrators are answered as on A1."""
    statuses = dict(zip(ROLES, expected, strict=True))
    return {role: 404 if role in WARD_SCOPED else statuses[role] for role in CLUSTER_ROLES}


def test_ward_level_urls_are_tried_on_the_next_ward_of_the_cluster(world: World) -> None:
    """Every ward-level row is repeated on A2 (unless the matrix has its own
    '[other ward, same cluster]' row): A1's officers and panel get 404 there, the inspector
    the same as on A1."""
    a2_world = _same_cluster_world(world)
    clients = {role: _client_for(world, role) for role in CLUSTER_ROLES}
    wrong = {}
    for name in _ward_level_rows(world):
        if any("other ward" in variant for variant in _variants(name)):
            continue
        method, target, expected = MATRIX[name]
        kwargs = target(a2_world)
        assert kwargs != target(world), f"{name}: its target does not follow the world's A1"
        url = reverse(name, kwargs=kwargs)
        got = {role: getattr(clients[role], method)(url).status_code for role in CLUSTER_ROLES}
        if got != _same_cluster_expected(expected):
            wrong[name] = got
    assert wrong == {}, "on the next ward of the cluster"


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


def _routes(
    resolver: URLResolver, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """Each named pattern with its full route, e.g. ("api:event_list", "api/v1/engagement/...")."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _routes(pattern, f"{namespace}{ns}:" if ns else namespace, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", route


API_V1 = {name for name, route in _routes(get_resolver()) if route.startswith("api/v1/")}
API_ROWS = sorted(row for row in MATRIX if row.split("[")[0] in API_V1)


def _token_client_for(world: World, role: str) -> Client:
    """A device's client: no session, ``Authorization: Token <key>`` (none when anonymous)."""
    if role == "anonymous":
        return Client()
    token, _ = Token.objects.get_or_create(user=world.users[role])
    return Client(headers={"authorization": f"Token {token.key}"})


@pytest.mark.parametrize("row", API_ROWS)
def test_api_matrix_with_tokens(world: World, row: str) -> None:
    """The API rows again, signed in with a token instead of the session: the same answers."""
    method, target, expected = MATRIX[row]
    url = reverse(row.split("[")[0], kwargs=target(world))
    got = {role: getattr(_token_client_for(world, role), method)(url).status_code for role in ROLES}
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


# IDOR for writes ------------------------------------------------------------------------------

API_WRITES = ("post", "put", "patch", "delete")


class _FormFields(HTMLParser):
    """The fields of the page's own POST forms (those posting back to ``url``, not the sign-out
    button's) with their current values, as a browser sends them."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.data: dict[str, str] = {}
        self._in_post_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form":
            self._in_post_form = a.get("method", "").lower() == "post" and a.get("action", "") in (
                "",
                self.url,
            )
        elif not self._in_post_form or (not name and tag != "option"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data[name] = a.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            # The selected option, or else the first: what a browser submits.
            if "selected" in a or self._select not in self.data:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def _plausible_body(response: Any, url: str) -> dict[str, Any]:
    """What someone allowed to use the page would send back unchanged (an edit form's current
    values; a creation form's defaults), or the API object as it stands."""
    if response.status_code != 200:
        return {}
    if url.startswith("/api/v1/") and response["Content-Type"].startswith("application/json"):
        body = response.json()
        return body if isinstance(body, dict) else {}
    if not response["Content-Type"].startswith("text/html"):
        return {}
    fields = _FormFields(url)
    fields.feed(response.content.decode())
    fields.data.pop("csrfmiddlewaretoken", None)
    return fields.data


def _refused_roles(expected: tuple[int, ...]) -> dict[str, int]:
    """One role for each way a row refuses (sign-in redirect, 401, 403, 404): each class goes
    through a different path in the views, and one role of each keeps the run short."""
    chosen: dict[int, str] = {}
    for role, status in zip(ROLES, expected, strict=True):
        refused = status in (401, 403, 404) or (role == "anonymous" and status == 302)
        if refused and status not in chosen:
            chosen[status] = role
    return {role: status for status, role in chosen.items()}


def _elsewhere_rows(world: World) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    """The rows aimed at another ward or borough, as (row, url, statuses in ROLES order): the
    matrix's own '[other ...]', '[another ...]' and '[no such ...]' rows, and the repeats on
    the next ward of the cluster (as in test_ward_level_urls_are_tried_on_the_next_ward_...)."""
    for row in sorted(MATRIX):
        if any(f"[{word}" in row for word in ("other", "another", "no such")):
            _, target, expected = MATRIX[row]
            yield row, reverse(row.split("[")[0], kwargs=target(world)), expected
    a2_world = _same_cluster_world(world)
    for name in _ward_level_rows(world):
        if any("other ward" in variant for variant in _variants(name)):
            continue
        _, target, expected = MATRIX[name]
        on_a2 = _same_cluster_expected(expected)
        yield (
            f"{name}[next ward of the cluster]",
            reverse(name, kwargs=target(a2_world)),
            tuple(on_a2.get(role, status) for role, status in zip(ROLES, expected, strict=True)),
        )


def test_writes_aimed_elsewhere_are_refused_and_change_nothing(world: World) -> None:
    """Every row aimed at another ward or borough, written to by each kind of refused role:
    a POST to a page (with the form as an administrator would send it back), and POST, PUT,
    PATCH and DELETE to the API (with the object as it stands). Each is refused as the read
    was (or 405 where the view takes no such method) and no table changes."""
    clients = {role: _client_for(world, role) for role in ROLES}
    wrong: dict[str, Any] = {}
    rows = list(_elsewhere_rows(world))
    assert len(rows) > 100, "the rows aimed elsewhere were not found"
    for row, url, expected in rows:
        is_api = url.startswith("/api/v1/")
        seen = clients["admin"].get(url)
        body = _plausible_body(seen, url)
        # 405 is a fair answer only to a method the view does not take at all: the API says
        # which it takes (Allow); a page that shows a form takes POST.
        takes = {m.strip().lower() for m in seen.get("Allow", "").split(",")}
        if not is_api and body:
            takes.add("post")
        state = database_state()
        for role, status in _refused_roles(expected).items():
            for method in API_WRITES if is_api else ("post",):
                allowed = {status} if method in takes else {status, 405}
                if is_api:
                    response = getattr(clients[role], method)(
                        url, json.dumps(body), content_type="application/json"
                    )
                else:
                    response = clients[role].post(url, body)
                after = database_state()
                changed = changed_tables(state, after)
                if response.status_code not in allowed or changed:
                    wrong[f"{row} {method.upper()} as {role}"] = (response.status_code, changed)
                state = after
    assert wrong == {}, "writes aimed elsewhere: (status, tables changed)"
