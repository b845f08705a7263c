"""A borough's CSV upload of EPIC activity: all or nothing, errors by line, encodings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from epic.catalogue import ENGAGEMENT_TYPES
from epic.models import Activity, DirtyBucket
from epic.upload import UploadRejected, decode, upload_activities
from priorities.models import Priority, PrioritySource
from tests.world import World

DAY = timezone.localdate() - dt.timedelta(days=3)
HEADER = "date,ward_code,officer,type,quantity,priority,note"


@pytest.fixture
def collars(world: World) -> World:
    """Collar numbers for the A1 officers (the usual way a file names them)."""
    for role, number in (("pcso", "7001AB"), ("pc", "7002AB")):
        user = world.users[role]
        user.collar_number = number
        user.save()
    DirtyBucket.objects.all().delete()
    return world


def _post(world: World, content: bytes, role: str = "borough_manager", borough: str = "a1"):
    client = Client()
    client.force_login(world.users[role])
    code = getattr(world, borough).borough.code
    upload = SimpleUploadedFile("activity.csv", content, content_type="text/csv")
    return client.post(reverse("epic:activity_upload", args=[code]), {"file": upload})


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode()


def _upload(world: World, data: bytes) -> list[Activity]:
    return upload_activities(
        acting_user=world.users["borough_manager"], borough=world.a1.borough, data=data
    )


def test_a_valid_file_is_saved_whole(collars: World) -> None:
    world = collars
    a1, a2 = world.a1.code, world.a2.code
    data = _csv(
        f"{DAY.isoformat()},{a1},7001AB,arrest,2,,Warrant",
        f"{DAY:%d/%m/%Y},{a1.lower()},7002ab,High-visibility patrol,3.25,,",
        f"{DAY.isoformat()},{a2},{world.posting_a2.person.username},cpn,1,,",
        f"{DAY.isoformat()},{a1},inspector,social_media,4,,",
    )
    response = _post(world, data)
    assert response.status_code == 302
    saved = Activity.objects.order_by("pk")
    assert [(a.officer.username, a.ward, a.type, a.quantity) for a in saved] == [
        ("pcso", world.a1, "arrest", Decimal(2)),
        ("pc", world.a1, "patrol_hours", Decimal("3.25")),
        (world.posting_a2.person.username, world.a2, "cpn", Decimal(1)),
        ("inspector", world.a1, "social_media", Decimal(4)),
    ]
    assert {(a.source, a.created_by_id, a.date) for a in saved} == {
        (Activity.Source.UPLOAD, world.users["borough_manager"].pk, DAY)
    }
    assert [a.category for a in saved] == ["E", "P", "E", "C"]
    assert saved[0].note == "Warrant"
    assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {
        (world.a1.pk, DAY),
        (world.a2.pk, DAY),
    }
    assert saved[0].history.get().history_user == world.users["borough_manager"]


def test_any_bad_row_saves_nothing_and_errors_name_their_lines(collars: World) -> None:
    world = collars
    a1, b1 = world.a1.code, world.b1.code
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    data = _csv(
        f"{DAY},{a1},7001AB,arrest,1,,",  # line 2: fine
        f"{DAY},{a1},7001AB,arrest,1.5,,",  # line 3: not a whole number
        "",  # line 4: blank, skipped
        f'{DAY},{a1},7001AB,arrest,1,,"a note',  # lines 5-6: a quoted note over two lines
        'still the note"',
        f"{DAY},{b1},7001AB,arrest,1,,",  # line 7: another borough's ward
        f"yesterday,{a1},nobody,juggling,lots,,",  # line 8: four problems at once
        f"{future},{a1},7002AB,patrol_hours,1.1,,",  # line 9: two domain rules
    )
    response = _post(world, data)
    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert not DirtyBucket.objects.exists()
    errors = response.context["errors"]
    assert [e.split(":")[0] for e in errors] == ["Line 3", "Line 7", "Line 8", "Line 9"]
    assert "whole numbers" in errors[0]
    assert f"no ward with the code “{b1}”" in errors[1]
    for problem in ("date", "no officer", "not in the list", "quantity"):
        assert problem in errors[2]
    assert "future" in errors[3] and "quarter hours" in errors[3]
    assert "Nothing was saved" in response.text


def test_engagement_types_are_refused(collars: World) -> None:
    kind, activity_type = next(iter(ENGAGEMENT_TYPES.items()))
    for name in (kind, activity_type.key, activity_type.label):
        with pytest.raises(UploadRejected) as exc:
            _upload(collars, _csv(f"{DAY},{collars.a1.code},7001AB,{name},1,,"))
        assert "engagement page" in exc.value.errors[0]
    assert not Activity.objects.exists()


def test_officers_must_have_been_on_the_wards_team(collars: World) -> None:
    # The PCSO is on A1's team, not A2's.
    with pytest.raises(UploadRejected) as exc:
        _upload(collars, _csv(f"{DAY},{collars.a2.code},7001AB,arrest,1,,"))
    assert exc.value.errors[0].startswith("Line 2:") and "was not on" in exc.value.errors[0]


def test_priorities_are_named_by_number_and_must_be_active(collars: World) -> None:
    world = collars

    def priority(status: str) -> Priority:
        return Priority.objects.create(
            ward=world.a1,
            issue="Burglary",
            category="burglary",
            source=PrioritySource.COMMUNITY,
            issue_date=DAY - dt.timedelta(days=30),
            status=status,
            action="Done" if status == "resolved" else "",
            action_date=DAY if status == "resolved" else None,
        )

    active, resolved = priority("active"), priority("resolved")
    with pytest.raises(UploadRejected) as exc:
        _upload(
            world,
            _csv(
                f"{DAY},{world.a1.code},7001AB,arrest,1,{resolved.pk},",
                f"{DAY},{world.a1.code},7001AB,arrest,1,99999999,",
                f"{DAY},{world.a1.code},7001AB,arrest,1,9999999999999999999999,",
            ),
        )
    assert [e.split(":")[0] for e in exc.value.errors] == ["Line 2", "Line 3", "Line 4"]
    assert "no longer active" in exc.value.errors[0]
    assert "no priority number" in exc.value.errors[1]
    (saved,) = _upload(world, _csv(f"{DAY},{world.a1.code},7001AB,arrest,1,{active.pk},"))
    assert saved.priority == active


def test_utf8_with_a_byte_order_mark(collars: World) -> None:
    data = "\ufeff".encode() + _csv(f"{DAY},{collars.a1.code},7001AB,arrest,1,,Café – £5")
    (saved,) = _upload(collars, data)
    assert saved.note == "Café – £5"


def test_windows_1252_as_older_excel_saves_it(collars: World) -> None:
    text = f"{HEADER}\r\n{DAY},{collars.a1.code},7001AB,arrest,1,,Café – £5 “quoted”\r\n"
    (saved,) = _upload(collars, text.encode("cp1252"))
    assert saved.note == "Café – £5 “quoted”"


def test_utf16_is_refused_with_a_clear_message() -> None:
    with pytest.raises(UploadRejected, match="CSV UTF-8"):
        decode(f"{HEADER}\r\n".encode("utf-16"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("day,ward,officer,type,quantity", "missing date, ward_code"),
        ("date,ward_code,officer,type,quantity,colour", "not known: colour"),
        ("date,ward_code,officer,type,quantity,type", "named twice: type"),
        (f"{DAY},E05000001,7001AB,arrest,1", "missing date"),  # no header at all
    ],
)
def test_a_wrong_header_is_explained(collars: World, header: str, expected: str) -> None:
    data = _csv(f"{DAY},{collars.a1.code},7001AB,arrest,1", header=header)
    response = _post(collars, data)
    (error,) = response.context["errors"]
    assert error.startswith("Line 1 must name the columns: date, ward_code, officer")
    assert expected in error
    assert not Activity.objects.exists()


def test_header_names_are_forgiving_about_case_spacing_and_order(collars: World) -> None:
    header = " Quantity , TYPE,Officer,Ward Code,Date"
    (saved,) = _upload(collars, _csv(f"2,arrest,7001AB,{collars.a1.code},{DAY}", header=header))
    assert saved.quantity == Decimal(2)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty"),
        (b"\r\n  \r\n", "The file is empty."),
        (HEADER.encode() + b"\r\n", "no rows of activity"),
    ],
)
def test_empty_files_are_refused(collars: World, content: bytes, expected: str) -> None:
    response = _post(collars, content)
    assert response.status_code == 200
    messages = list(response.context["errors"]) + list(
        response.context["form"].errors.get("file", [])
    )
    assert any(expected in m for m in messages)


def test_a_row_with_too_many_values_is_reported(collars: World) -> None:
    with pytest.raises(UploadRejected) as exc:
        _upload(collars, _csv(f"{DAY},{collars.a1.code},7001AB,arrest,1,,note,extra"))
    assert exc.value.errors == ["Line 2: it has 8 values but the header names 7 columns"]


def test_only_those_who_may_upload_for_the_borough_can(collars: World) -> None:
    data = _csv(f"{DAY},{collars.a1.code},7001AB,arrest,1,,")
    assert _post(collars, data, role="sergeant").status_code == 403
    assert _post(collars, data, role="central_analyst").status_code == 403
    assert _post(collars, data, role="borough_manager", borough="b1").status_code == 404
    assert not Activity.objects.exists()
    assert _post(collars, data, role="admin").status_code == 302
    assert Activity.objects.get().created_by == collars.users["admin"]


def test_the_template_file_has_the_columns(world: World) -> None:
    client = Client()
    client.force_login(world.users["borough_manager"])
    response = client.get(reverse("epic:activity_upload_template", args=[world.a1.borough.code]))
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == HEADER
    assert response["Content-Disposition"].startswith("attachment")
