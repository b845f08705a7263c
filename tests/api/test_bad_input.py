"""Property-based bad input: whatever a client sends to the create and correct endpoints (or a
list's filters), the API answers with a documented status and never a 500; a refused write
leaves nothing behind (no record, no concern, no history row, no rollup outbox row).

Bodies are drawn around valid ones: each field either a plausible value or junk of any JSON
type (and strings no database takes, a NUL or a lone surrogate), plus unknown keys; or a body
that is not an object at all. They are encoded by hand so that NaN and Infinity reach the
server as clients send them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from engagement.concerns import ConcernCategory
from engagement.models import EngagementEvent, EventKind
from epic.catalogue import TYPES
from epic.models import Activity
from tests.api import data
from tests.world import World

Clients = Callable[[str], APIClient]
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(["\x00", "\ud800", "a\udfffb", "\u202e", " ", "9" * 400, "null"])
JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    NASTY,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, valid, JUNK)


def iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


# Stand-ins for the world's wards, filled in per example.
WARDS = st.sampled_from(["@a1", "@a2", "@b1", "E05999999", "", "e05"])
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(iso)
RECENT = st.integers(min_value=-400, max_value=3).map(
    lambda days: iso(timezone.localdate() + dt.timedelta(days=days))
)
QUANTITIES = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=3).map(str),
    st.sampled_from(["1", "0.25", "2.5", "NaN", "Infinity", "-0", "1e400", "1_000"]),
    st.integers(min_value=-5, max_value=600),
)

ACTIVITY = st.fixed_dictionaries(
    {},
    optional={
        "ward": maybe(WARDS),
        "type": maybe(st.sampled_from([*TYPES, "ARREST"])),
        "quantity": maybe(QUANTITIES),
        "date": maybe(st.one_of(RECENT, DATES)),
        "officer": maybe(st.sampled_from(["pcso", "pc", "sergeant", "nobody", "", "@b1-pc"])),
        "priority": maybe(st.integers(min_value=-3, max_value=2**70)),
        "note": maybe(st.text(max_size=1100)),
        "id": JUNK,
        "category": JUNK,
    },
)

DATETIMES = st.one_of(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=-11))]),
    ).map(iso),
    st.integers(min_value=-300, max_value=300).map(
        lambda hours: iso(timezone.now() + dt.timedelta(hours=hours))
    ),
    st.sampled_from(["2026-03-29T01:30:00", "yesterday", "2026-02-30T10:00:00Z"]),
)
CONCERN = st.fixed_dictionaries(
    {},
    optional={
        "category": maybe(st.sampled_from(ConcernCategory.values)),
        "text": maybe(st.text(max_size=2100)),
        "location": maybe(st.text(max_size=210)),
    },
)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "ward": maybe(WARDS),
        "kind": maybe(st.sampled_from(EventKind.values)),
        "status": maybe(st.sampled_from(EngagementEvent.Status.values)),
        "starts_at": maybe(DATETIMES),
        "ends_at": maybe(DATETIMES),
        "title": maybe(st.text(max_size=210)),
        "place": maybe(st.text(max_size=210)),
        "officers": maybe(
            st.lists(st.sampled_from(["pcso", "pc", "nobody", "@b1-pc"]), max_size=3)
        ),
        "attendance": maybe(st.integers(min_value=-2, max_value=200_000)),
        "groups_reached": maybe(
            st.lists(st.sampled_from(["@group_a1", "@group_b1", 0]), max_size=2)
        ),
        "kin": maybe(st.sampled_from(["@kin_a1", "@kin_b1", 0])),
        "notes": maybe(st.text()),
        "concerns": maybe(st.lists(st.one_of(CONCERN, JUNK), max_size=12)),
    },
)
OUTCOME = st.fixed_dictionaries(
    {},
    optional={
        "status": maybe(st.sampled_from(EngagementEvent.Status.values)),
        "attendance": maybe(st.integers(min_value=-2, max_value=200_000)),
        "groups_reached": maybe(st.lists(st.sampled_from(["@group_a1", "@group_b1"]), max_size=2)),
        "notes": maybe(st.text()),
        "add_concerns": maybe(st.lists(st.one_of(CONCERN, JUNK), max_size=12)),
    },
)


def _real(world: World, value: Any) -> Any:
    """The body with the world's codes and ids in place of their stand-ins."""
    if isinstance(value, dict):
        return {k: _real(world, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_real(world, v) for v in value]
    stand_ins = {
        "@a1": world.a1.code,
        "@a2": world.a2.code,
        "@b1": world.b1.code,
        "@b1-pc": world.posting_b1.person.username,
        "@group_a1": world.group_a1.pk,
        "@group_b1": world.group_b1.pk,
        "@kin_a1": world.kin_a1.pk,
        "@kin_b1": world.kin_b1.pk,
    }
    return stand_ins.get(value, value) if isinstance(value, str) else value


def _send(api: APIClient, method: str, url: str, body: Any) -> Any:
    encoded = json.dumps(body)  # NaN and Infinity as some clients send them
    return getattr(api, method)(url, encoded, content_type="application/json")


@SETTINGS
@given(body=st.one_of(ACTIVITY, JUNK))
def test_logging_activity_never_fails_and_a_refusal_saves_nothing(
    world: World, token_client: Clients, body: Any
) -> None:
    before, count = data.activity_state(), Activity.objects.count()
    response = _send(
        token_client("sergeant"), "post", reverse("api:activity_list"), _real(world, body)
    )
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert data.activity_state() == before
    else:
        assert Activity.objects.count() == count + 1


@SETTINGS
@given(body=st.one_of(ACTIVITY, JUNK))
def test_correcting_activity_never_fails_and_a_refusal_changes_nothing(
    world: World, token_client: Clients, body: Any
) -> None:
    record = Activity.objects.filter(note="target").first() or data.activity(
        world.a1, world.users["pcso"]
    )
    Activity.objects.filter(pk=record.pk).update(note="target")
    url = reverse("api:activity_detail", kwargs={"pk": record.pk})
    before = data.activity_state()
    response = _send(token_client("sergeant"), "patch", url, _real(world, body))
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert data.activity_state() == before


@SETTINGS
@given(body=st.one_of(EVENT, JUNK))
def test_logging_an_event_never_fails_and_a_refusal_saves_nothing(
    world: World, token_client: Clients, body: Any
) -> None:
    before, count = data.event_state(), EngagementEvent.objects.count()
    response = _send(token_client("pcso"), "post", reverse("api:event_list"), _real(world, body))
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert data.event_state() == before
    else:
        assert EngagementEvent.objects.count() == count + 1


@SETTINGS
@given(body=st.one_of(OUTCOME, JUNK))
def test_an_events_outcome_never_fails_and_a_refusal_changes_nothing(
    world: World, token_client: Clients, body: Any
) -> None:
    url = reverse("api:event_detail", kwargs={"pk": world.event_a1.pk})
    before = data.event_state()
    response = _send(token_client("pcso"), "patch", url, _real(world, body))
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert data.event_state() == before


LISTS = [
    "api:activity_list",
    "api:event_list",
    "api:priority_list",
    "api:review_list",
]
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "ward",
            "borough",
            "date_from",
            "date_to",
            "type",
            "category",
            "officer",
            "kind",
            "status",
            "priority",
            "rating",
            "decision",
            "page",
            "page_size",
            "period",
            "format",
        ]
    ),
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(["\x00", "\u202e", "9" * 400, "-1", "0"]),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ),
    max_size=4,
)  # Query strings are bytes: a lone surrogate cannot be sent (see the raw test below).


@SETTINGS
@given(name=st.sampled_from(LISTS), params=PARAMS)
def test_lists_never_fail_on_bad_filters(
    world: World, token_client: Clients, name: str, params: dict[str, str]
) -> None:
    response = token_client("admin").get(reverse(name), params)
    assert response.status_code in (200, 400, 404)


@SETTINGS
@given(
    place=st.sampled_from(["london", "borough", "ward"]),
    code=st.one_of(st.sampled_from(["@a1", "@b1"]), st.text(min_size=1, max_size=12)),
    table=st.one_of(
        st.sampled_from(["epic_by_type", "ward_league"]), st.from_regex(r"\A[-a-z_]{1,12}\Z")
    ),
    params=PARAMS,
)
def test_dashboard_tables_never_fail_on_bad_input(
    world: World, token_client: Clients, place: str, code: str, table: str, params: dict[str, str]
) -> None:
    if place == "london":
        url = reverse("api:dashboard_london_table", kwargs={"table": table})
    else:
        code = _real(world, code)
        ward = world.a1 if code == world.a1.code else world.b1
        code = ward.code if place == "ward" else ward.borough.code
        url = reverse(f"api:dashboard_{place}_table", kwargs={"code": code, "table": table})
    response = token_client("central_analyst").get(url, params)
    # 406: a ?format= that is neither json nor csv.
    assert response.status_code in (200, 400, 404, 406)


def test_a_query_string_that_is_not_utf8(world: World, token_client: Clients) -> None:
    url = reverse("api:activity_list")
    response = token_client("admin").get(f"{url}?ward=%ED%A0%80&officer=%FF&date_from=%C0")
    assert response.status_code == 400


def _encodes(value: object) -> bool:
    """A form field a client can send: text that encodes (a lone surrogate only travels
    escaped, in JSON)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


CREDENTIALS = st.fixed_dictionaries(
    {},
    optional={
        "username": maybe(st.sampled_from(["sergeant", "admin", "nobody", "SERGEANT", ""])),
        "password": maybe(st.sampled_from(["correct-horse-battery", "wrong", ""])),
    },
)


@SETTINGS
@given(body=st.one_of(CREDENTIALS, JUNK), as_form=st.booleans())
def test_obtaining_a_token_never_fails_and_a_refusal_makes_none(
    world: World, body: Any, as_form: bool
) -> None:
    """Whatever a device sends for its token (JSON or a form), the answer is documented; only
    the right username and password make a token."""
    cache.clear()  # the endpoint's rate limits count here: keep drawing answers, not 429s
    before = set(Token.objects.values_list("key", flat=True))
    url = reverse("api:token_obtain")
    if as_form and isinstance(body, dict) and all(_encodes(v) for v in body.values()):
        response = APIClient().post(url, body, format="multipart")
    else:
        response = _send(APIClient(), "post", url, body)
    assert response.status_code in (200, 400, 415, 429)
    if response.status_code != 200:
        assert set(Token.objects.values_list("key", flat=True)) == before


@SETTINGS
@given(place=st.sampled_from(["london", "borough", "ward"]), params=PARAMS)
def test_dashboards_never_fail_on_bad_filters(
    world: World, token_client: Clients, place: str, params: dict[str, str]
) -> None:
    kwargs = {} if place == "london" else {"code": world.a1.code}
    if place == "borough":
        kwargs = {"code": world.a1.borough.code}
    response = token_client("central_analyst").get(
        reverse(f"api:dashboard_{place}", kwargs=kwargs), params
    )
    assert response.status_code in (200, 400, 404)


def test_a_format_in_the_query_string_is_ignored_where_there_is_one(
    world: World, token_client: Clients
) -> None:
    """An endpoint that answers only in JSON ignores ?format= (DRF answered an undocumented
    404, as if there were no such endpoint)."""
    response = token_client("central_analyst").get(
        reverse("api:dashboard_london"), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_table_asked_for_a_format_it_lacks_says_which_it_has(
    world: World, token_client: Clients
) -> None:
    url = reverse("api:dashboard_london_table", kwargs={"table": "epic_by_type"})
    response = token_client("central_analyst").get(url, {"format": "xml"})
    assert response.status_code == 406
    assert "csv, json" in response.json()["detail"]
    as_csv = token_client("central_analyst").get(url, {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")


def test_a_username_that_cannot_be_encoded_is_refused_not_a_500(world: World) -> None:
    """A JSON body may carry a lone surrogate (escaped); the rate limit's cache key once could
    not encode it."""
    response = APIClient().post(
        reverse("api:token_obtain"),
        b'{"username": "\\ud800", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Token.objects.exists()
