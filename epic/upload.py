"""A borough's CSV upload of EPIC activity: all or nothing.

The file (UTF-8, with or without a byte-order mark, or Windows-1252 as older Excel saves it)
starts with a header line naming its columns, in any order, case and spacing aside:

=============  ========  ==============================================================
column         required  what it holds
=============  ========  ==============================================================
date           yes       the day it was done: 2026-05-03 (or 03/05/2026)
ward_code      yes       the ward's ONS code (E05…), a ward of the borough uploading
officer        yes       the officer's collar number (or their username if they have none)
type           yes       the activity's code from the list (``arrest``) or its name
quantity       yes       a whole number, or hours in quarter hours for hours types (1.25)
priority       no        the number of one of the ward's active priorities
note           no        free text, up to 1,000 characters
=============  ========  ==============================================================

Every row is checked first (the columns here, then the same rules as the forms, in
``epic.services``); any error and nothing is saved, and each error is reported with its line
number in the file (the header is line 1). Engagement types are refused: engagement events
are logged in the engagement app and counted as Communication from there.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower, Upper

from epic import services
from epic.catalogue import ENGAGEMENT_TYPES, TYPES, ActivityType
from epic.models import Activity
from epic.services import MAX_NOTE, ActivityInput
from priorities.models import Priority
from snt_portal.permissions import Perm
from wards.models import Borough, User, Ward

REQUIRED = ("date", "ward_code", "officer", "type", "quantity")
OPTIONAL = ("priority", "note")
COLUMNS = (*REQUIRED, *OPTIONAL)
MAX_ROWS = 5000
MAX_ERRORS_SHOWN = 100
EXAMPLE_ROW = ("2026-05-03", "E05013500", "123456", "arrest", "1", "", "Warrant, High Road")


class UploadRejected(ValidationError):
    """The file was refused: ``errors`` lists what is wrong, each with its line if it has one."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(errors)


@dataclass
class _Parsed:
    rows: list[tuple[int, ActivityInput]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = "\x00"
    if "\x00" in text:
        raise UploadRejected(
            ["This is not a CSV text file. In Excel, choose Save As, then “CSV UTF-8”."]
        )
    return text


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _header(row: list[str]) -> list[str]:
    names = [_normalise(n) for n in row]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n or "(blank)" for n in names if n not in COLUMNS]
    doubled = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    if missing or unknown or doubled:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"not known: {', '.join(unknown)}")
        if doubled:
            problems.append(f"named twice: {', '.join(doubled)}")
        raise UploadRejected(
            [
                "Line 1 must name the columns: "
                f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)}). "
                f"This file's first line has {'; '.join(problems)}."
            ]
        )
    return names


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, values) for each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for values in reader:
        if any(v.strip() for v in values):
            yield line, values
        line = reader.line_num + 1


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"the date “{value}” is not a date like 2026-05-03 (or 03/05/2026)")


def _quantity(value: str) -> Decimal:
    try:
        quantity = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"the quantity “{value}” is not a number like 2 or 1.5") from None
    if not quantity.is_finite():
        raise ValueError(f"the quantity “{value}” is not a number like 2 or 1.5")
    return quantity


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 10


_TYPES_BY_NAME: dict[str, ActivityType] = {
    **{kind.lower(): t for kind, t in ENGAGEMENT_TYPES.items()},
    **{t.label.lower(): t for t in TYPES.values()},
    **{t.key.lower(): t for t in TYPES.values()},
}


class _Lookups:
    """The borough's wards, the officers and priorities the file names: a query each."""

    def __init__(self, acting_user: User, borough: Borough, table: list[dict[str, str]]) -> None:
        wards = Ward.objects.filter(borough=borough).visible_to(acting_user, Perm.UPLOAD_EPIC)
        self.wards = {w.code.upper(): w for w in wards}
        names = {r.get("officer", "").strip() for r in table} - {""}
        people = User.objects.annotate(collar=Upper("collar_number"), login=Lower("username"))
        people = people.filter(collar__in={n.upper() for n in names}) | people.filter(
            login__in={n.lower() for n in names}
        )
        self.by_collar: dict[str, User] = {}
        self.by_login: dict[str, list[User]] = {}
        for person in people:
            if person.collar_number:
                self.by_collar[person.collar_number.upper()] = person
            self.by_login.setdefault(person.username.lower(), []).append(person)
        numbers = {r.get("priority", "").strip() for r in table}
        self.priorities = {
            p.pk: p
            for p in Priority.objects.filter(
                ward__in=self.wards.values(), pk__in={int(n) for n in numbers if _is_number(n)}
            )
        }

    def officer(self, name: str) -> User:
        if person := self.by_collar.get(name.upper()):
            return person
        found = self.by_login.get(name.lower(), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(f"“{name}” matches more than one person: use their collar number")
        raise ValueError(f"no officer has the collar number or username “{name}”")


def _row(values: dict[str, str], lookups: _Lookups, borough: Borough) -> ActivityInput:
    """One row's input, or ValueError saying what is wrong with it (all of it, at once)."""
    problems: list[str] = []
    blank = [c for c in REQUIRED if not values.get(c, "").strip()]
    if blank:
        raise ValueError(f"{', '.join(blank)} {'is' if len(blank) == 1 else 'are'} blank")
    day = ward = officer = quantity = None
    activity_type: ActivityType | None = None
    priority: Priority | None = None
    try:
        day = _date(values["date"].strip())
    except ValueError as exc:
        problems.append(str(exc))
    code = values["ward_code"].strip().upper()
    ward = lookups.wards.get(code)
    if ward is None:
        problems.append(f"no ward with the code “{code}” in {borough.name}")
    try:
        officer = lookups.officer(values["officer"].strip())
    except ValueError as exc:
        problems.append(str(exc))
    activity_type = _TYPES_BY_NAME.get(values["type"].strip().lower())
    if activity_type is None:
        problems.append(f"the type “{values['type'].strip()}” is not in the list of activities")
    elif activity_type.from_engagement:
        problems.append(services.engagement_message(activity_type))
    try:
        quantity = _quantity(values["quantity"].strip())
    except ValueError as exc:
        problems.append(str(exc))
    number = values.get("priority", "").strip()
    if number:
        priority = lookups.priorities.get(int(number)) if _is_number(number) else None
        if priority is None or (ward is not None and priority.ward_id != ward.pk):
            problems.append(f"the ward has no priority number “{number}”")
    note = values.get("note", "").strip()
    if len(note) > MAX_NOTE:
        problems.append(f"the note is longer than {MAX_NOTE} characters")
    if problems:
        raise ValueError("; ".join(problems))
    assert day and ward and officer and activity_type and quantity is not None
    return ActivityInput(officer, ward, day, activity_type.key, quantity, priority, note)


def parse(text: str, *, acting_user: User, borough: Borough) -> _Parsed:
    """Check a file's columns and each row's values (not yet the domain rules)."""
    records = list(_records(text))
    if not records:
        raise UploadRejected(["The file is empty."])
    (_, header_values), body = records[0], records[1:]
    header = _header(header_values)
    if not body:
        raise UploadRejected(["The file has a header line but no rows of activity under it."])
    if len(body) > MAX_ROWS:
        raise UploadRejected(
            [f"The file has {len(body):,} rows: split it into files of {MAX_ROWS:,} or fewer."]
        )
    parsed = _Parsed()
    table: list[tuple[int, dict[str, str] | None]] = []
    for line, values in body:
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            parsed.errors.append(
                (line, f"it has {len(values)} values but the header names {len(header)} columns")
            )
            table.append((line, None))
        else:
            table.append((line, dict(zip(header, values, strict=False))))
    lookups = _Lookups(acting_user, borough, [v for _, v in table if v is not None])
    for line, named in table:
        if named is None:
            continue
        try:
            parsed.rows.append((line, _row(named, lookups, borough)))
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
    return parsed


def upload_activities(*, acting_user: User, borough: Borough, data: bytes) -> list[Activity]:
    """Save every row of the file, or none: raises UploadRejected listing each line's errors."""
    parsed = parse(decode(data), acting_user=acting_user, borough=borough)
    inputs = [row for _, row in parsed.rows]
    errors = list(parsed.errors)
    # The domain rules for the rows that parsed, so one round of fixes covers everything.
    for index, error in services.validate_activities(
        acting_user=acting_user, inputs=inputs, perm=Perm.UPLOAD_EPIC
    ).items():
        errors.append((parsed.rows[index][0], "; ".join(error.messages)))
    if errors:
        errors.sort(key=lambda e: e[0])
        raise UploadRejected([f"Line {line}: {message}" for line, message in errors])
    try:
        return services.log_activities(
            acting_user=acting_user, inputs=inputs, source=Activity.Source.UPLOAD
        )
    except services.RowErrors as exc:  # a change between the check and the save
        raise UploadRejected(
            [
                f"Line {parsed.rows[i][0]}: {'; '.join(error.messages)}"
                for i, error in exc.rows.items()
            ]
        ) from None


def template_csv() -> str:
    """A file to start from: the header line, one example row, and the type codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return out.getvalue()
