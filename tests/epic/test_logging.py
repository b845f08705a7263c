"""Logging EPIC activity: the quick form, the shift form, the list, corrections and deletions,
who may do which, and the rollup buckets each write marks dirty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from epic import services
from epic.catalogue import ENGAGEMENT_TYPES, TYPES
from epic.models import Activity, DirtyBucket
from priorities.models import Priority, PrioritySource
from tests.factories import PostingFactory
from tests.world import World
from wards.models import Posting, User, Ward

TODAY = timezone.localdate()


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _activity(
    world: World,
    *,
    ward: Ward | None = None,
    officer: User | None = None,
    day: dt.date | None = None,
    type: str = "arrest",
    quantity: str = "1",
    created_by: User | None = None,
) -> Activity:
    officer = officer or world.users["pcso"]
    return Activity.objects.create(
        officer=officer,
        ward=ward or world.a1,
        date=day or TODAY - dt.timedelta(days=2),
        category=TYPES[type].category,
        type=type,
        quantity=Decimal(quantity),
        created_by=created_by or officer,
    )


def _priority(ward: Ward, *, active: bool = True) -> Priority:
    priority = Priority(
        ward=ward,
        issue="Drug dealing in the park",
        category="drugs",
        source=PrioritySource.COMMUNITY,
        issue_date=TODAY - dt.timedelta(days=90),
    )
    if not active:
        priority.status = Priority.Status.RESOLVED
        priority.action, priority.action_date = "Dispersal order", TODAY - dt.timedelta(days=5)
    priority.save()
    return priority


def _dirty() -> set[tuple[int, dt.date]]:
    return set(DirtyBucket.objects.values_list("ward_id", "day"))


@pytest.fixture
def clean_outbox(world: World) -> None:
    DirtyBucket.objects.all().delete()


def _date(day: dt.date, prefix: str = "date") -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _quick(world: World, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "arrest",
        "quantity": "1",
        **_date(TODAY),
        "officer": str(world.users["pcso"].pk),
        "note": "",
        "then": "list",
    }
    for name, value in fields.items():
        if name == "day":
            data.update(_date(value))
        else:
            data[name] = value
    return data


def _log(world: World, role: str = "pcso", **fields: Any) -> Activity:
    """Log through the service as ``role`` (the PCSO's own record by default)."""
    values: dict[str, Any] = {
        "officer": world.users["pcso"],
        "ward": world.a1,
        "date": TODAY,
        "type": "arrest",
        "quantity": Decimal(1),
        **fields,
    }
    return services.log_activity(acting_user=world.users[role], **values)


# --- the quick form ---------------------------------------------------------------------------


def test_log_start_takes_an_officer_to_their_own_wards_quick_form(world: World) -> None:
    response = _client(world, "pcso").get(reverse("epic:log_start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("epic:activity_create", args=[world.a1.code])
    # The inspector leads a cluster of two wards: they choose.
    response = _client(world, "inspector").get(reverse("epic:log_start"))
    assert response.status_code == 200
    assert world.a1.name in response.text and world.a2.name in response.text


def test_quick_form_defaults_to_today_themselves_and_one(world: World) -> None:
    response = _client(world, "pcso").get(reverse("epic:activity_create", args=[world.a1.code]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == TODAY
    assert form["officer"].value() == world.users["pcso"].pk
    assert form["quantity"].value() == Decimal(1)
    assert "ward" not in form.fields  # the page's ward
    # The type picker is grouped by category and offers no engagement types.
    html = response.text
    for label in ("Enforcement", "Prevention", "Intelligence", "Communication"):
        assert f'<optgroup label="{label}">' in html
    assert 'value="engagement:' not in html
    assert reverse("engagement:event_create", args=[world.a1.code]) in html
    assert 'name="then" value="another"' in html


def test_quick_form_saves_and_marks_the_bucket_dirty(world: World, clean_outbox: None) -> None:
    url = reverse("epic:activity_create", args=[world.a1.code])
    response = _client(world, "pcso").post(url, _quick(world, quantity="2", note="  Warrant "))
    assert response.status_code == 302
    assert response["Location"] == reverse("epic:activity_list", args=[world.a1.code])
    activity = Activity.objects.get()
    assert (activity.officer, activity.ward, activity.date) == (
        world.users["pcso"],
        world.a1,
        TODAY,
    )
    assert (activity.type, activity.category, activity.quantity) == ("arrest", "E", Decimal(2))
    assert activity.source == Activity.Source.FORM
    assert activity.created_by == world.users["pcso"] and activity.note == "Warrant"
    assert _dirty() == {(world.a1.pk, TODAY)}


def test_save_and_log_another_keeps_the_day_and_officer(world: World) -> None:
    client = _client(world, "sergeant")
    url = reverse("epic:activity_create", args=[world.a1.code])
    yesterday = TODAY - dt.timedelta(days=1)
    pc = world.users["pc"]
    response = client.post(url, _quick(world, day=yesterday, officer=str(pc.pk), then="another"))
    assert response.status_code == 302
    assert response["Location"].startswith(url + "?")
    form = client.get(response["Location"]).context["form"]
    assert form["date"].value() == yesterday and form["officer"].value() == pc.pk
    activity = Activity.objects.get()
    assert activity.officer == pc and activity.created_by == world.users["sergeant"]


@pytest.mark.parametrize(
    ("type_", "quantity", "message"),
    [
        ("arrest", "1.5", "whole numbers"),
        ("patrol_hours", "1.3", "quarter hours"),
        ("arrest", "0", "greater than 0"),
        ("patrol_hours", "30", "at most 24"),
    ],
)
def test_quantity_must_suit_the_unit(world: World, type_: str, quantity: str, message: str) -> None:
    url = reverse("epic:activity_create", args=[world.a1.code])
    response = _client(world, "pcso").post(url, _quick(world, type=type_, quantity=quantity))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["quantity"])
    assert not Activity.objects.exists()


def test_hours_in_quarter_hours_are_accepted(world: World) -> None:
    url = reverse("epic:activity_create", args=[world.a1.code])
    _client(world, "pcso").post(url, _quick(world, type="patrol_hours", quantity="2.25"))
    activity = Activity.objects.get()
    assert activity.quantity == Decimal("2.25") and activity.category == "P"


def test_engagement_types_are_refused_and_pointed_to_the_engagement_page(world: World) -> None:
    kind = next(iter(ENGAGEMENT_TYPES.values()))
    key = kind.key  # "engagement:<event kind>"
    url = reverse("epic:activity_create", args=[world.a1.code])
    response = _client(world, "pcso").post(url, _quick(world, type=key))
    assert response.status_code == 200
    (error,) = response.context["form"].errors["type"]
    assert kind.label in error and "engagement page" in error
    with pytest.raises(ValidationError, match="engagement page"):
        _log(world, type=key)
    assert not Activity.objects.exists()


def test_future_dates_and_officers_off_the_team_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        _log(world, date=TODAY + dt.timedelta(days=1))
    assert "future" in str(exc.value.message_dict["date"])
    stranger = PostingFactory.create(team=world.team_b1).person
    with pytest.raises(ValidationError) as exc:
        _log(world, officer=stranger)
    assert "was not on" in str(exc.value.message_dict["officer"])
    # Before the officer joined the team, they were not on it.
    posting = Posting.objects.get(person=world.users["pcso"])
    with pytest.raises(ValidationError):
        _log(world, date=posting.start_date - dt.timedelta(days=1))
    assert not Activity.objects.exists()


def test_priority_must_be_an_active_one_of_the_same_ward(world: World) -> None:
    active, resolved = _priority(world.a1), _priority(world.a1, active=False)
    elsewhere = _priority(world.a2)
    assert _log(world, priority=active).priority == active
    for wrong, message in ((resolved, "no longer active"), (elsewhere, "this ward's priorities")):
        with pytest.raises(ValidationError) as exc:
            _log(world, priority=wrong)
        assert message in str(exc.value.message_dict["priority"])
    # On the form, only the ward's active priorities are offered.
    url = reverse("epic:activity_create", args=[world.a1.code])
    response = _client(world, "pcso").get(url)
    assert list(response.context["form"].fields["priority"].queryset) == [active]
    response = _client(world, "pcso").post(url, _quick(world, priority=str(resolved.pk)))
    assert response.context["form"].errors["priority"]
    assert Activity.objects.count() == 1


def test_the_priority_field_is_left_out_when_the_ward_has_none(world: World) -> None:
    url = reverse("epic:activity_create", args=[world.a1.code])
    response = _client(world, "pcso").get(url)
    assert "priority" not in response.context["form"].fields


def test_logging_needs_log_epic_over_the_ward(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _log(world, role="borough_manager")
    with pytest.raises(PermissionDenied):
        _log(world, role="pcso", ward=world.b1, officer=world.posting_b1.person)
    # A POST to another borough's ward is a 404 and writes nothing.
    url = reverse("epic:activity_create", args=[world.b1.code])
    data = _quick(world, officer=str(world.posting_b1.person.pk))
    assert _client(world, "sergeant").post(url, data).status_code == 404
    assert (
        _client(world, "borough_manager")
        .post(reverse("epic:activity_create", args=[world.a1.code]), _quick(world))
        .status_code
        == 403
    )
    assert not Activity.objects.exists()


# --- the shift form ---------------------------------------------------------------------------


def _shift(world: World, rows: list[tuple[str, str]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        **_date(fields.pop("day", TODAY)),
        "officer": str(world.users["pc"].pk),
        "note": "Late turn",
        "rows-TOTAL_FORMS": "5",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "12",
        **fields,
    }
    for i in range(5):
        type_, quantity = rows[i] if i < len(rows) else ("", "1")
        data[f"rows-{i}-type"], data[f"rows-{i}-quantity"] = type_, quantity
    return data


def test_shift_form_logs_every_filled_row_together(world: World, clean_outbox: None) -> None:
    day = TODAY - dt.timedelta(days=1)
    url = reverse("epic:activity_shift", args=[world.a1.code])
    rows = [("patrol_hours", "3.5"), ("stop_search", "2"), ("intelligence_report", "1")]
    response = _client(world, "pc").post(url, _shift(world, rows, day=day))
    assert response.status_code == 302
    saved = Activity.objects.order_by("pk")
    assert [(a.type, a.quantity) for a in saved] == [
        ("patrol_hours", Decimal("3.5")),
        ("stop_search", Decimal(2)),
        ("intelligence_report", Decimal(1)),
    ]
    assert {(a.officer, a.date, a.source, a.note) for a in saved} == {
        (world.users["pc"], day, Activity.Source.SHIFT, "Late turn")
    }
    assert [a.category for a in saved] == ["P", "E", "I"]
    assert _dirty() == {(world.a1.pk, day)}


def test_shift_form_saves_nothing_when_a_row_is_wrong(world: World) -> None:
    url = reverse("epic:activity_shift", args=[world.a1.code])
    rows = [("patrol_hours", "3"), ("arrest", "1.5")]
    response = _client(world, "pc").post(url, _shift(world, rows))
    assert response.status_code == 200
    assert "whole numbers" in str(response.context["rows"].forms[1].errors["quantity"])
    assert not Activity.objects.exists()
    # A row with a quantity but no activity is an error, not silently dropped.
    response = _client(world, "pc").post(url, _shift(world, [("arrest", "1"), ("", "4")]))
    assert response.context["rows"].forms[1].errors["type"]
    assert not Activity.objects.exists()


def test_shift_form_needs_at_least_one_row(world: World) -> None:
    url = reverse("epic:activity_shift", args=[world.a1.code])
    response = _client(world, "pc").post(url, _shift(world, []))
    assert response.status_code == 200
    assert "Add at least one activity" in response.context["rows"].non_form_errors()
    assert not Activity.objects.exists()


def test_shift_form_reports_the_shifts_officer_off_the_team(world: World) -> None:
    stranger = PostingFactory.create(team=world.team_b1).person
    url = reverse("epic:activity_shift", args=[world.a1.code])
    response = _client(world, "sergeant").post(
        url, _shift(world, [("arrest", "1")], officer=str(stranger.pk))
    )
    # Not a team member: not even offered.
    assert response.status_code == 200 and response.context["form"].errors["officer"]
    assert not Activity.objects.exists()


# --- corrections and deletions ------------------------------------------------------------------


def _edit(activity: Activity, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": activity.type,
        "quantity": str(activity.quantity),
        **_date(activity.date),
        "officer": str(activity.officer_id),
        "ward": str(activity.ward_id),
        "note": activity.note,
    }
    for name, value in fields.items():
        if name == "day":
            data.update(_date(value))
        else:
            data[name] = value
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [("pcso", 302), ("pc", 403), ("sergeant", 302), ("inspector", 302), ("admin", 302)],
)
def test_officers_correct_their_own_records_supervisors_any(
    world: World, role: str, status: int
) -> None:
    activity = _activity(world)  # the PCSO's
    url = reverse("epic:activity_edit", args=[activity.pk])
    response = _client(world, role).post(url, _edit(activity, quantity="3"))
    assert response.status_code == status
    activity.refresh_from_db()
    assert activity.quantity == (Decimal(3) if status == 302 else Decimal(1))


def test_whoever_logged_a_record_may_correct_it(world: World) -> None:
    activity = _activity(world, created_by=world.users["pc"])  # the PC logged it for the PCSO
    assert services.can_change(world.users["pc"], activity)
    assert services.can_change(world.users["pcso"], activity)
    assert not services.can_change(world.users["borough_manager"], activity)
    assert not services.can_change(world.users["panel_chair"], activity)


def test_correcting_the_date_marks_old_and_new_buckets(world: World, clean_outbox: None) -> None:
    activity = _activity(world, day=TODAY - dt.timedelta(days=3))
    url = reverse("epic:activity_edit", args=[activity.pk])
    new_day = TODAY - dt.timedelta(days=1)
    response = _client(world, "pcso").post(url, _edit(activity, day=new_day))
    assert response.status_code == 302
    assert _dirty() == {(world.a1.pk, TODAY - dt.timedelta(days=3)), (world.a1.pk, new_day)}
    activity.refresh_from_db()
    assert activity.date == new_day
    assert activity.history.latest().history_user == world.users["pcso"]


def test_moving_a_record_to_another_ward_marks_both_wards(world: World, clean_outbox: None) -> None:
    old_day = TODAY - dt.timedelta(days=4)
    activity = _activity(world, officer=world.users["inspector"], day=old_day)
    url = reverse("epic:activity_edit", args=[activity.pk])
    client = _client(world, "inspector")
    assert world.a2 in client.get(url).context["form"].fields["ward"].queryset
    response = client.post(
        url, _edit(activity, ward=str(world.a2.pk), day=TODAY, type="cpn", quantity="2")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.ward, activity.type, activity.category) == (world.a2, "cpn", "E")
    assert _dirty() == {(world.a1.pk, old_day), (world.a2.pk, TODAY)}


def test_an_officer_cannot_move_a_record_to_a_ward_they_do_not_log_in(world: World) -> None:
    activity = _activity(world)
    with pytest.raises(PermissionDenied):
        services.update_activity(
            acting_user=world.users["pcso"],
            activity=activity,
            officer=world.users["pcso"],
            ward=world.a2,
            date=activity.date,
            type="arrest",
            quantity=Decimal(1),
        )
    # The page offers only their wards.
    response = _client(world, "pcso").get(reverse("epic:activity_edit", args=[activity.pk]))
    assert list(response.context["form"].fields["ward"].queryset) == [world.a1]


def test_a_correction_may_keep_a_priority_resolved_since(world: World) -> None:
    priority = _priority(world.a1)
    activity = _log(world, priority=priority)
    priority.status, priority.action, priority.action_date = "resolved", "Done", TODAY
    priority.save()
    updated = services.update_activity(
        acting_user=world.users["pcso"],
        activity=activity,
        officer=world.users["pcso"],
        ward=world.a1,
        date=activity.date,
        type="arrest",
        quantity=Decimal(2),
        priority=priority,
    )
    assert updated.priority == priority and updated.quantity == Decimal(2)


def test_deleting_a_record_marks_its_bucket(world: World, clean_outbox: None) -> None:
    activity = _activity(world)
    url = reverse("epic:activity_delete", args=[activity.pk])
    client = _client(world, "pcso")
    assert client.get(url).status_code == 200 and Activity.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert _dirty() == {(world.a1.pk, activity.date)}
    assert Activity.history.filter(history_type="-").get().history_user == world.users["pcso"]


@pytest.mark.parametrize(("role", "status"), [("pc", 403), ("borough_manager", 403)])
def test_deletion_is_refused_to_those_who_may_not_change_the_record(
    world: World, clean_outbox: None, role: str, status: int
) -> None:
    activity = _activity(world)
    response = _client(world, role).post(reverse("epic:activity_delete", args=[activity.pk]))
    assert response.status_code == status
    assert Activity.objects.filter(pk=activity.pk).exists() and not _dirty()


def test_another_boroughs_records_are_not_found(world: World, clean_outbox: None) -> None:
    b_officer = world.posting_b1.person
    activity = _activity(world, ward=world.b1, officer=b_officer)
    client = _client(world, "sergeant")
    assert client.post(reverse("epic:activity_delete", args=[activity.pk])).status_code == 404
    edit = reverse("epic:activity_edit", args=[activity.pk])
    assert client.post(edit, _edit(activity, quantity="9")).status_code == 404
    assert client.get(reverse("epic:activity_list", args=[world.b1.code])).status_code == 404
    activity.refresh_from_db()
    assert activity.quantity == Decimal(1) and not _dirty()


def test_admin_deletes_through_the_service(world: World, clean_outbox: None) -> None:
    activity = _activity(world)
    model_admin = admin.site._registry[Activity]
    request = RequestFactory().post("/")
    request.user = world.users["admin"]
    model_admin.delete_queryset(request, Activity.objects.all())
    assert not Activity.objects.exists()
    assert _dirty() == {(world.a1.pk, activity.date)}


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_by_dates_category_type_and_officer(world: World) -> None:
    pcso, pc = world.users["pcso"], world.users["pc"]
    old = _activity(world, day=TODAY - dt.timedelta(days=20))
    patrol = _activity(world, type="patrol_hours", quantity="2")
    by_pc = _activity(world, officer=pc, type="intelligence_report")
    _activity(world, ward=world.a2, officer=world.posting_a2.person)  # another ward's
    url = reverse("epic:activity_list", args=[world.a1.code])
    client = _client(world, "sergeant")

    def listed(**query: str) -> set[int]:
        return {a.pk for a, _ in client.get(url, query).context["rows"]}

    assert listed() == {old.pk, patrol.pk, by_pc.pk}
    since = (TODAY - dt.timedelta(days=7)).isoformat()
    assert listed(date_from=since) == {patrol.pk, by_pc.pk}
    assert listed(date_to=since) == {old.pk}
    assert listed(category="P") == {patrol.pk}
    assert listed(type="intelligence_report") == {by_pc.pk}
    assert listed(officer=str(pc.pk)) == {by_pc.pk}
    assert listed(officer=str(pcso.pk), category="E") == {old.pk}


def test_the_list_offers_changes_only_where_the_role_allows(world: World) -> None:
    own = _activity(world)
    colleague = _activity(world, officer=world.users["pc"])
    url = reverse("epic:activity_list", args=[world.a1.code])
    rows = dict(_client(world, "pcso").get(url).context["rows"])
    assert rows == {own: True, colleague: False}
    rows = dict(_client(world, "sergeant").get(url).context["rows"])
    assert rows == {own: True, colleague: True}
    response = _client(world, "borough_manager").get(url)
    assert not any(dict(response.context["rows"]).values())
    assert reverse("epic:activity_create", args=[world.a1.code]) not in response.text


def test_the_list_query_count_does_not_grow_with_rows(world: World, query_count: Any) -> None:
    client = _client(world, "sergeant")
    url = reverse("epic:activity_list", args=[world.a1.code])
    officers = [world.users["pcso"], world.users["pc"], world.users["sergeant"]]
    _priority(world.a1)
    for i in range(3):
        _activity(world, officer=officers[i % 3])
    client.get(url)  # warm the session
    with query_count() as few:
        assert client.get(url, {"category": "E"}).status_code == 200
    for i in range(45):
        _activity(world, officer=officers[i % 3], day=TODAY - dt.timedelta(days=i % 10))
    with query_count() as many:
        response = client.get(url, {"category": "E"})
    assert len(response.context["rows"]) == 48
    assert len(many) == len(few)
    assert len(many) <= 20


# --- the ward page and the navigation -----------------------------------------------------------


def test_the_ward_page_and_navigation_lead_to_logging(world: World) -> None:
    ward_url = reverse("wards:ward_detail", args=[world.a1.code])
    log_url = reverse("epic:activity_create", args=[world.a1.code])
    list_url = reverse("epic:activity_list", args=[world.a1.code])
    page = _client(world, "pcso").get(ward_url).text
    assert log_url in page and list_url in page
    assert reverse("epic:log_start") in page  # the navigation
    assert reverse("epic:activity_upload", args=[world.a1.borough.code]) not in page
    page = _client(world, "borough_manager").get(ward_url).text
    assert list_url in page and log_url not in page
    assert reverse("epic:activity_upload", args=[world.a1.borough.code]) in page
    assert reverse("epic:log_start") not in page
    page = _client(world, "panel_member").get(ward_url).text
    assert list_url not in page
