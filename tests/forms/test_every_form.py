"""Property-based bad input for every form in the web pages: no 500, no partial write.

For each URL that takes a POST, the page holding its form is fetched as someone allowed to use
it and the form is read from the HTML as a browser would submit it (tests/forms/html_forms.py).
Hypothesis then sends bodies built around the form's own valid values: everything as the page
offers it, with a few controls replaced by junk (a NUL, which PostgreSQL refuses in text; right
to left and emoji text; 10,000 characters; integers past 2**63; impossible dates and years
past 9999), left out, sent twice, or with unknown extra fields; file inputs get empty, binary,
re-encoded and oversized files. Every response must be below 500 (the test client re-raises a
view's exception, so a traceback fails the test with the body that caused it). A refusal (any
answer but a redirect) must leave every table exactly as it was; a success must be whole (each
new record with its history row, each new EPIC record with its rollup outbox row) and the page
it leads to must render.

Each example runs in a savepoint rolled back afterwards, so examples do not see each other's
writes, and the cache (rate limits) is emptied first. ``test_every_post_url_has_its_form_test``
fails when a URL that takes a POST is neither here nor exempt with a reason.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given, settings
from hypothesis import strategies as st

from epic.models import Activity, DirtyBucket
from panels.models import Attendance, DiversityDeclaration, Meeting
from priorities.models import Ballot
from tests.factories import ConcernFactory, MeetingFactory, PanelMembershipFactory
from tests.forms.html_forms import Control, Form, forms_in
from tests.snapshot import changed_tables, database_state
from tests.test_permission_matrix import MATRIX
from tests.world import ROLES, World

Prepare = Callable[[World, dict[str, Any]], None]


@dataclass(frozen=True)
class Host:
    """Where a form is, who fills it in, and what must exist before the page offers it."""

    page: str | None = None  # the URL name of the page holding the form, if not its own
    role: str | None = None  # default: the first role the permission matrix lets in
    prepare: Prepare | None = None  # given the world and the URL's kwargs
    values: dict[str, list[str]] = field(default_factory=dict)  # valid values the page lacks
    unverified: bool = False  # signed in with the password only, the second factor to come
    accepts: bool = True  # False when no drawn body can be right (a one-time code)
    writes_on_200: bool = False  # the page shows what it made instead of redirecting
    counts_refusals_in: tuple[str, ...] = ()  # tables a refusal writes on purpose


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
# django-axes records failed sign-ins, to lock out guessing.
FAILED_SIGN_INS = ("axes_accessattempt", "axes_accessfailurelog", "axes_accesslog")
# django-otp counts wrong codes on the device, to slow down guessing.
WRONG_CODES = TOTPDevice._meta.db_table


def _no_authenticator(world: World, kwargs: dict[str, Any]) -> None:
    """The inspector has yet to set up an authenticator app."""
    TOTPDevice.objects.filter(user=world.users["inspector"]).delete()


def _concern_raised(world: World, kwargs: dict[str, Any]) -> None:
    """Something to analyse: the preferences page offers the analysis form only then."""
    ConcernFactory.create(event=world.event_a1)


def _declared(world: World, kwargs: dict[str, Any]) -> None:
    """The panel member has a declaration to withdraw."""
    seat = world.panel_a1.memberships.get(user=world.users["panel_member"])
    answers = {
        f.name: DiversityDeclaration.PREFER_NOT
        for f in DiversityDeclaration._meta.concrete_fields
        if f.choices and DiversityDeclaration.PREFER_NOT in dict(f.choices)
    }
    DiversityDeclaration.objects.create(membership=seat, consent_given_at=timezone.now(), **answers)


def _minutes_waiting(world: World, kwargs: dict[str, Any]) -> None:
    """The meeting before this one has draft minutes for it to approve."""
    meeting = Meeting.objects.get(pk=kwargs["pk"])
    MeetingFactory.create(
        panel=meeting.panel,
        scheduled_at=meeting.scheduled_at - dt.timedelta(days=60),
        minutes="Agreed to focus on the shops.",
        minutes_status=Meeting.MinutesStatus.DRAFT,
    )


def _present(world: World, kwargs: dict[str, Any]) -> None:
    """The panel is quorate at the ballot's meeting, its members recorded present: they may
    vote, and the chair may close the ballot."""
    meeting = Ballot.objects.get(pk=kwargs["pk"]).meeting
    PanelMembershipFactory.create_batch(3, panel=world.panel_a1)
    for seat in world.panel_a1.memberships.all():
        Attendance.objects.create(meeting=meeting, membership=seat, status="present")


def _to_come(world: World, kwargs: dict[str, Any]) -> None:
    """The meeting is next month, not held yet: it may still be moved or cancelled."""
    Meeting.objects.filter(pk=kwargs["pk"]).update(
        status=Meeting.Status.SCHEDULED, scheduled_at=timezone.now() + dt.timedelta(days=30)
    )


def _meeting_held(world: World, kwargs: dict[str, Any]) -> None:
    """The panel has met: a review records what a meeting decided."""
    MeetingFactory.create(panel=world.panel_a1)


FORMS: dict[str, Host] = {
    "login": Host(
        role="anonymous",
        values={"username": ["sergeant", "panel_member"], "password": [PASSWORD]},
        counts_refusals_in=FAILED_SIGN_INS,
    ),
    "api:token_page": Host(writes_on_200=True),  # a new token is shown once, on this page
    # the second factor, for an inspector signed in with their password only
    "otp_verify": Host(
        role="inspector",
        unverified=True,
        values={"code": ["123456"]},
        accepts=False,
        counts_refusals_in=(WRONG_CODES,),
    ),
    "otp_enrol": Host(
        role="inspector",
        prepare=_no_authenticator,
        unverified=True,
        accepts=False,
        counts_refusals_in=(WRONG_CODES,),
    ),
    # wards
    "wards:posting_create": Host(),
    "wards:posting_end": Host(),
    "wards:abstraction_create": Host(),
    # engagement
    "engagement:research_edit": Host(),
    "engagement:group_create": Host(),
    "engagement:group_edit": Host(),
    "engagement:feature_create": Host(),
    "engagement:feature_edit": Host(),
    "engagement:event_create": Host(),
    "engagement:event_update": Host(),
    "engagement:analysis_create": Host(
        page="engagement:preferences", role="sergeant", prepare=_concern_raised
    ),
    "engagement:kin_create": Host(),
    "engagement:kin_edit": Host(),
    "engagement:kin_erase": Host(),
    "engagement:public_concern": Host(role="anonymous"),
    # panels
    "panels:panel_create": Host(),
    "panels:membership_create": Host(values={"position": ["member"]}),
    "panels:membership_edit": Host(),
    "panels:membership_end": Host(),
    "panels:declaration": Host(),
    "panels:declaration_withdraw": Host(prepare=_declared),
    "panels:meeting_create": Host(),
    "panels:meeting_edit": Host(prepare=_to_come),
    "panels:meeting_cancel": Host(prepare=_to_come),
    "panels:agenda_item_create": Host(),
    "panels:agenda_item_delete": Host(),
    "panels:meeting_attendance": Host(),
    "panels:meeting_minutes": Host(),
    "panels:minutes_approve": Host(prepare=_minutes_waiting),
    # priorities
    "priorities:ballot_create": Host(),
    "priorities:ballot_open": Host(page="priorities:ballot_detail", role="panel_chair"),
    "priorities:ballot_vote": Host(prepare=_present),
    "priorities:ballot_close": Host(prepare=_present),
    "priorities:priority_create": Host(),
    "priorities:action_create": Host(values={"partner": [""]}),  # or an owner, not both
    "priorities:action_update": Host(values={"partner": [""]}),
    # Only a priority being resolved records the action taken, and then it must.
    "priorities:review_create": Host(
        prepare=_meeting_held,
        values={"decision": ["continue"], "action": [""]}
        | {f"action_date_{part}": [""] for part in range(3)},
    ),
    # EPIC
    "epic:activity_create": Host(),
    "epic:activity_shift": Host(),
    "epic:activity_edit": Host(),
    "epic:activity_delete": Host(),
    "epic:activity_upload": Host(),
}

# URLs that take a POST but have no form to fuzz here, and why.
EXEMPT: dict[str, str] = {
    "logout": "no fields: the POST is the whole of signing out",
    "api:activity_list": "JSON API: tests/api/test_bad_input.py",
    "api:activity_detail": "JSON API: tests/api/test_bad_input.py",
    "api:event_list": "JSON API: tests/api/test_bad_input.py",
    "api:event_detail": "JSON API: tests/api/test_bad_input.py",
    "api:token_obtain": "JSON API: tests/api/test_bad_input.py",
}

FORM_SETTINGS = settings(settings.get_profile("forms"))

# --- what to send --------------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "Patrol\x00by the shops",
        "\u202e\u0627\u0644\u0634\u0631\u0637\u0629 \u05e9\u05dc\u05d5\u05dd",  # RTL override
        "\U0001f46e\u200d\u2640\ufe0f" * 40,
        "x" * 10_000,
        "\r\n\t\x0b\x1b[2J",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "-1",
        "0",
        "-0",
        "1.5",
        "0.0001",
        "1e400",
        "NaN",
        "-Infinity",
        str(2**31),
        str(2**63),
        str(-(2**63) - 1),
        str(10**30),
        "\u0661\u0662",  # Arabic-Indic digits, which int() accepts
        "\uff11\uff12",  # full-width digits
        "\u00b2",  # a superscript two, which isdigit() accepts and int() does not
        "31",
        "13",
        "99999",
        "2026-02-31",
        "31/2/2026",
        "0000-00-00",
        "99999-01-01",
    ]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # no lone surrogates
JUNK = st.one_of(NASTY, TEXT, st.integers(-(2**70), 2**70).map(str))
# Parts of a GOV.UK date (name_0 day, name_1 month, name_2 year).
DATE_PART = re.compile(r"_(0|1|2)\Z")
PLAUSIBLE_TEXT = ["Patrols by the shops", "Alex Smith", "PC 123", "Tuesday evening"]
# What a text box is for, from its name, when the page does not say (times, counts).
BY_NAME = [
    (re.compile(r"time\Z"), ["18:30", "19:45"]),
    (re.compile(r"(attendance|attendees|quantity|hours)\Z"), ["12", "1"]),
]
PLAUSIBLE = {
    "email": ["someone@example.com"],
    "number": ["1", "3", "10"],
    "date": [(timezone.localdate()).isoformat()],
    "time": ["18:30"],
    "datetime-local": [f"{timezone.localdate().isoformat()}T18:30"],
    "tel": ["020 7946 0000"],
    "url": ["https://example.com/"],
}


def _date_part(name: str) -> list[str]:
    today, near = timezone.localdate(), timezone.localdate() + dt.timedelta(days=7)
    position = int(name[-1])
    return sorted({str((today.day, today.month, today.year)[position]),
                   str((near.day, near.month, near.year)[position])})  # fmt: skip


def _valid(control: Control) -> list[str]:
    """Values a person filling in the page might send for the control."""
    offered = [value for value in control.offered if value]
    if offered or control.kind == "select":
        return offered or [""]
    if control.kind in ("hidden", "button") or (control.value and control.kind != "text"):
        return [control.value]
    if DATE_PART.search(control.name) and control.kind in ("text", "number"):
        return _date_part(control.name)
    values = PLAUSIBLE.get(control.kind, PLAUSIBLE_TEXT)
    if control.kind == "text":
        values = next((v for name, v in BY_NAME if name.search(control.name)), values)
    return [control.value, *values] if control.value else values


def _files(template: bytes) -> st.SearchStrategy[SimpleUploadedFile]:
    text = template.decode("utf-8")
    contents = st.one_of(
        st.sampled_from(
            [
                b"",
                template,
                b"\xef\xbb\xbf" + template,  # a UTF-8 byte-order mark
                text.replace("e", "\u00e9").encode("cp1252"),  # saved by Excel on Windows
                text.encode("utf-16"),
                b"\x00" * 64,
                template + b"x" * (3 * 1024 * 1024),  # over the 2 MB limit
                b"PK\x03\x04 an xlsx, not a CSV",
            ]
        ),
        st.binary(max_size=300),
        st.lists(
            st.lists(st.one_of(JUNK, st.just("1")), min_size=1, max_size=8), min_size=1, max_size=6
        ).map(lambda rows: template + "\n".join(",".join(r) for r in rows).encode("utf-8")),
    )
    names = st.sampled_from(["activities.csv", "ACTIVITIES.CSV", "a.xlsx", "", "\u202e.csv"])
    return st.builds(lambda c, n: SimpleUploadedFile(n or "upload", c, "text/csv"), contents, names)


@st.composite
def bodies(
    draw: st.DrawFn, form: Form, template: bytes, values: dict[str, list[str]]
) -> dict[str, Any]:
    """A body around the form's valid one: a few controls spoilt, dropped or doubled."""
    body: dict[str, Any] = {}
    for name, control in form.controls.items():
        if control.kind == "file":
            body[name] = draw(_files(template))
        elif control.kind == "checkbox" and control.multiple:
            body[name] = draw(st.lists(st.sampled_from(control.offered), unique=True))
        elif control.kind == "checkbox":
            if draw(st.booleans()):
                body[name] = control.value
        else:
            body[name] = draw(st.sampled_from(values.get(name) or _valid(control)))
    spoilable = sorted(name for name in form.controls if name != "csrfmiddlewaretoken")
    if not spoilable:
        return body
    how_many = draw(st.one_of(st.just(0), st.just(1), st.integers(0, len(spoilable))))
    for name in draw(
        st.lists(st.sampled_from(spoilable), unique=True, min_size=how_many, max_size=how_many)
    ):
        control = form.controls[name]
        if control.kind == "file":
            continue  # the file's own strategy already spoils it
        spoil = draw(st.sampled_from(["junk", "junk", "drop", "double"]))
        if spoil == "drop":
            body.pop(name, None)
        elif spoil == "double":
            body[name] = [draw(JUNK), draw(st.sampled_from(values.get(name) or _valid(control)))]
        else:
            body[name] = draw(JUNK)
    if draw(st.booleans()):
        body.update(draw(st.dictionaries(st.sampled_from(["id", "pk", "ward", "x"]), JUNK)))
    return body


# --- what must hold ------------------------------------------------------------------------


def _historied() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if hasattr(model, "history")]


def _last_pks() -> dict[type[models.Model], int]:
    return {
        model: model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
        for model in _historied()
    }


def assert_whole(before: dict[type[models.Model], int]) -> None:
    """Every record the form made has its history row; every new EPIC record its outbox row."""
    for model, last in before.items():
        history = model.history.model  # type: ignore[attr-defined]
        new = model._default_manager.filter(pk__gt=last)
        lost = new.exclude(pk__in=history.objects.values(model._meta.pk.attname))
        assert not lost.exists(), f"{model.__name__} saved without its history row"
    for activity in Activity.objects.filter(pk__gt=before[Activity]):
        assert DirtyBucket.objects.filter(ward_id=activity.ward_id, day=activity.date).exists()


# --- the tests -----------------------------------------------------------------------------


def _role(name: str, host: Host) -> str:
    if host.role:
        return host.role
    method, _, statuses = MATRIX[name]
    assert method == "get", f"{name}: name the page holding its form (Host(page=...))"
    return next(role for role, status in zip(ROLES, statuses, strict=True) if status == 200)


def _form_on(html: str, action: str, page_url: str) -> Form:
    for form in forms_in(html):
        target = urlsplit(form.action or page_url).path
        if form.method == "post" and target == action:
            return form
    raise AssertionError(f"no form posting to {action} on {page_url}")


def _upload(world: World) -> bytes:
    """A valid EPIC upload: the template's header and a record for the world's ward A1."""
    admin = Client()
    admin.force_login(world.users["admin"])
    url = reverse("epic:activity_upload_template", kwargs={"code": world.a1.borough.code})
    header = bytes(admin.get(url).getvalue()).splitlines()[0].decode()
    assert header == "date,ward_code,officer,type,quantity,priority,note", header
    row = f"{timezone.localdate()},{world.a1.code},{world.users['pcso'].username},arrest,1,,"
    return f"{header}\r\n{row}\r\n".encode()


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    for value in body.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    return client.post(url, body)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_never_fails_and_a_refusal_writes_nothing(world: World, name: str) -> None:
    host = FORMS[name]
    kwargs = MATRIX[name][1](world)
    role = _role(name, host)
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world.users[role])
    if host.unverified:
        session = client.session
        session.pop(DEVICE_ID_SESSION_KEY, None)
        session.save()
    if host.prepare:
        host.prepare(world, kwargs)
    action = reverse(name, kwargs=kwargs)
    page_url = reverse(host.page, kwargs=kwargs) if host.page else action
    page = client.get(page_url)
    assert page.status_code == 200, f"{role} cannot open {page_url}"
    form = _form_on(page.content.decode(), action, page_url)
    template = _upload(world) if any(c.kind == "file" for c in form.controls.values()) else b""

    @FORM_SETTINGS
    @given(data=st.data())
    def submit(data: st.DataObject) -> None:
        body = data.draw(bodies(form, template, host.values), label="body")
        with transaction.atomic():
            cache.clear()
            before, last_pks = database_state(), _last_pks()
            response = _post(client, action, body)
            answers[response.status_code] += 1
            assert response.status_code < 500
            if response.status_code == 302:
                assert_whole(last_pks)
                follow = client.get(response["Location"])
                assert follow.status_code < 500
            elif not host.writes_on_200:
                changed = set(changed_tables(before, database_state()))
                changed -= set(host.counts_refusals_in)
                assert changed == set(), f"refused ({response.status_code}) yet wrote {changed}"
            transaction.set_rollback(True)

    answers: Counter[int] = Counter()
    submit()
    # The valid bodies must really be valid, or the success path goes untested.
    if host.accepts and not host.writes_on_200:
        assert answers[302], f"no body was accepted: {dict(answers)}"


# --- completeness ----------------------------------------------------------------------------

_TAKES_POST = re.compile(r"request\.POST|request\.FILES|request\.method|require_POST|require_http")


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _patterns(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _takes_post(pattern: URLPattern) -> bool:
    view = pattern.callback
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is not None:
        return any(hasattr(cls, m) for m in ("post", "create", "update", "partial_update"))
    return bool(_TAKES_POST.search(inspect.getsource(inspect.unwrap(view))))


def test_every_post_url_has_its_form_test() -> None:
    takes_post = {
        name
        for name, pattern in _patterns(get_resolver())
        if not name.startswith("admin:") and _takes_post(pattern)
    }
    assert takes_post - set(FORMS) - set(EXEMPT) == set(), "URLs taking a POST with no form test"
    assert (set(FORMS) | set(EXEMPT)) - takes_post == set(), "form tests for URLs without a POST"


def test_the_form_reader_sees_what_a_browser_sends() -> None:
    """The HTML reader behind every test above, on the kinds of control the portal uses."""
    html = """
    <form method="get" action="/search/"><input name="q"></form>
    <form method="POST" action="/x/" enctype="multipart/form-data">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="start_0" value="3"><input name="start_1"><input type="number" name="n">
      <input type="radio" name="role" value="pc"><input type="radio" name="role" value="pcso">
      <input type="checkbox" name="groups" value="1"><input type="checkbox" name="groups" value="2">
      <input type="checkbox" name="agree">
      <select name="kind"><option value="">Choose</option><option>walk</option></select>
      <textarea name="notes">x</textarea><input type="file" name="file">
      <input type="submit" name="go" value="Save"><button name="action" value="create">Go</button>
    </form>"""
    get, post = forms_in(html)
    assert (get.method, list(get.controls)) == ("get", ["q"])
    assert (post.action, post.method, post.enctype) == ("/x/", "post", "multipart/form-data")
    controls = post.controls
    assert controls["role"].offered == ["pc", "pcso"]
    assert controls["groups"].offered == ["1", "2"] and controls["groups"].multiple
    assert controls["agree"].value == "on" and not controls["agree"].multiple
    assert controls["kind"].offered == ["", "walk"]
    assert controls["action"].offered == ["create"]
    assert "go" not in controls
    assert controls["start_0"].value == "3" and controls["notes"].kind == "textarea"
    assert all(part.isdigit() for part in _valid(controls["start_1"]))
    assert _valid(controls["kind"]) == ["walk"]


# --- filter forms (GET) ------------------------------------------------------------------------

# Pages whose forms filter what they show: any query string gets the page or a clear error,
# and showing a page writes nothing.
FILTERS: dict[str, Host] = {
    "wards:abstraction_list": Host(),
    "engagement:preferences": Host(),
    "epic:activity_list": Host(),
    "epic:london_dashboard": Host(),
    "epic:borough_dashboard": Host(),
    "epic:ward_dashboard": Host(),
    "audit:change_list": Host(),
}


def _signed_in(world: World, name: str, host: Host) -> Client:
    client = Client(raise_request_exception=True)
    role = _role(name, host)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_form_never_fails_and_writes_nothing(world: World, name: str) -> None:
    client = _signed_in(world, name, FILTERS[name])
    url = reverse(name, kwargs=MATRIX[name][1](world))
    page = client.get(url)
    assert page.status_code == 200
    form = next(f for f in forms_in(page.content.decode()) if f.method == "get")
    assert urlsplit(form.action or url).path == url

    @FORM_SETTINGS
    @given(data=st.data())
    def search(data: st.DataObject) -> None:
        query = data.draw(bodies(form, b"", {}), label="query")
        query = {k: v for k, v in query.items() if "\x00" not in str(v)}  # not in a URL
        with transaction.atomic():
            cache.clear()
            before = database_state()
            response = client.get(url, query)
            assert response.status_code in (200, 400)
            assert changed_tables(before, database_state()) == []
            transaction.set_rollback(True)

    search()


def test_every_filter_form_is_tested(world: World) -> None:
    """Every template with a GET form is shown by one of the pages FILTERS tests."""
    templates = Path(django_settings.BASE_DIR) / "templates"
    with_get_forms = {
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r"<form[^>]*method=\"get\"", path.read_text(), re.IGNORECASE)
    }
    shown = set()
    for name, host in FILTERS.items():
        response = _signed_in(world, name, host).get(reverse(name, kwargs=MATRIX[name][1](world)))
        shown |= {t.name for t in response.templates if t.name}
    assert with_get_forms - shown == set(), "GET forms on pages no test fills in"
