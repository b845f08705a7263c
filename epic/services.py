"""Every write to EPIC activity: log it (one record, a shift's rows, a borough's CSV), correct
it, delete it. Keyword-only, typed, one transaction each; the pages, the CSV upload and the
admin call these and nothing else writes ``Activity``.

Who may do what, decided here through ``snt_portal.permissions`` (nothing else decides):

- Logging needs ``Perm.LOG_EPIC`` over the ward: its PCSOs, PCs and sergeant, the cluster's
  inspector, administrators. Any of them may log for any officer on the ward's team (partners
  on a shift log together); the record keeps who logged it (``created_by``).
- A CSV upload needs ``Perm.UPLOAD_EPIC`` over every row's ward: borough managers for their
  borough, administrators.
- Correcting or deleting a record needs ``Perm.LOG_EPIC`` over its ward and either being its
  officer or the one who logged it, or supervising the ward's team, which is holding
  ``Perm.MANAGE_POSTINGS`` over it (the sergeant, the cluster's inspector, administrators).
  A PC cannot change a colleague's record; moving a record to another ward needs the same
  right over that ward too.

Domain rules for every record: the type comes from the catalogue and is not an engagement type
(those are the engagement app's events, counted as Communication from there, never entered
twice); the quantity suits the type's unit (whole numbers, or hours in quarter hours); the
date is not in the future and the ward was in force on it; the officer was on the ward's team
(its ward team or its cluster's) that day; a priority is an active priority of the same ward
(a correction may keep a link to a priority resolved since, but not add one).

Every write marks the (ward, day) buckets it touched dirty in the same transaction
(``epic.rollups.mark_dirty``): the new bucket on logging, old and new on a correction, the
old on deletion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from epic.catalogue import TYPES, ActivityType
from epic.models import Activity
from epic.rollups import mark_dirty
from priorities.models import Priority
from snt_portal.permissions import Perm, holds
from wards.models import Posting, User, Ward

MAX_NOTE = 1000


@dataclass(frozen=True)
class ActivityInput:
    """One record to log, as the forms and the CSV upload hand it over."""

    officer: User
    ward: Ward
    date: dt.date
    type: str
    quantity: Decimal
    priority: Priority | None = None
    note: str = ""

    def as_kwargs(self) -> dict[str, Any]:
        """The fields as ``log_activity`` and ``update_activity`` take them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class RowErrors(ValidationError):
    """Some of several rows are invalid: ``rows`` maps a row's index to its errors."""

    def __init__(self, rows: dict[int, ValidationError]) -> None:
        self.rows = rows
        super().__init__(
            [f"Row {i + 1}: {message}" for i, error in rows.items() for message in error.messages]
        )


def engagement_message(activity_type: ActivityType) -> str:
    return (
        f"“{activity_type.label}” is engagement: log it on the engagement page, where it "
        "counts as Communication automatically."
    )


def _audited(activity: Activity, acting_user: User) -> Activity:
    # simple-history reads the author from here when no request is in flight.
    activity._history_user = acting_user  # type: ignore[attr-defined]
    return activity


# --- who may change what ---------------------------------------------------------------------


def change_rule(user: User, ward: Ward) -> Callable[[Activity], bool]:
    """Which of ``ward``'s records ``user`` may correct or delete (see the module docstring)."""
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    if not holds(user, Perm.LOG_EPIC, **place):
        return lambda activity: False
    if holds(user, Perm.MANAGE_POSTINGS, **place):
        return lambda activity: activity.ward_id == ward.pk
    return lambda activity: (
        activity.ward_id == ward.pk
        and user.pk
        in (
            activity.officer_id,
            activity.created_by_id,
        )
    )


def can_change(user: User, activity: Activity) -> bool:
    return change_rule(user, activity.ward)(activity)


def _require(user: User, perm: Perm, wards: Iterable[Ward]) -> None:
    for ward in {w.pk: w for w in wards}.values():
        if not holds(user, perm, ward_id=ward.pk, borough_id=ward.borough_id):
            raise PermissionDenied(f"Your role does not allow this in {ward.name}.")


# --- validation ------------------------------------------------------------------------------


class _Teams:
    """Who was on which ward's team when, for a batch of records (one query)."""

    def __init__(self, inputs: Sequence[ActivityInput]) -> None:
        self.spans: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = {}
        if not inputs:
            return
        wards = {i.ward.pk: i.ward for i in inputs}
        clusters = {w.cluster_id for w in wards.values() if w.cluster_id is not None}
        postings = (
            Posting.objects.overlapping(min(i.date for i in inputs), max(i.date for i in inputs))
            .filter(person_id__in={i.officer.pk for i in inputs})
            .filter(Q(team__ward_id__in=wards) | Q(team__cluster_id__in=clusters))
            .values_list("person_id", "team__ward_id", "team__cluster_id", "start_date", "end_date")
        )
        ward_ids_by_cluster: dict[int, list[int]] = {}
        for ward in wards.values():
            if ward.cluster_id is not None:
                ward_ids_by_cluster.setdefault(ward.cluster_id, []).append(ward.pk)
        for person_id, ward_id, cluster_id, start, end in postings:
            covered = [ward_id] if ward_id is not None else ward_ids_by_cluster.get(cluster_id, [])
            for covered_id in covered:
                self.spans.setdefault((person_id, covered_id), []).append((start, end))

    def on_team(self, officer: User, ward: Ward, day: dt.date) -> bool:
        return any(
            start <= day and (end is None or day <= end)
            for start, end in self.spans.get((officer.pk, ward.pk), [])
        )


def _errors_for(
    row: ActivityInput, teams: _Teams, *, today: dt.date, kept_priority_id: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    activity_type = TYPES.get(row.type)
    if activity_type is None:
        add("type", "Choose a type of activity from the list.")
    elif activity_type.from_engagement:
        add("type", engagement_message(activity_type))
    elif (problem := activity_type.check_quantity(row.quantity)) is not None:
        add("quantity", problem)

    if row.date > today:
        add("date", "The date cannot be in the future.")
    elif row.date < row.ward.valid_from or (
        row.ward.valid_to is not None and row.date >= row.ward.valid_to
    ):
        add("date", f"{row.ward.name} ward was not in force on {row.date:%-d %B %Y}.")
    elif not teams.on_team(row.officer, row.ward, row.date):
        add(
            "officer",
            f"{row.officer.display_name} was not on {row.ward.name}'s team on "
            f"{row.date:%-d %B %Y}.",
        )

    priority = row.priority
    if priority is not None:
        if priority.ward_id != row.ward.pk:
            add("priority", "Choose one of this ward's priorities.")
        elif priority.status != Priority.Status.ACTIVE and priority.pk != kept_priority_id:
            add("priority", "That priority is no longer active: choose an active one.")

    if len(row.note) > MAX_NOTE:
        add("note", f"Keep the note to {MAX_NOTE} characters or fewer.")
    return errors


def validate_activities(
    *, acting_user: User, inputs: Sequence[ActivityInput], perm: Perm = Perm.LOG_EPIC
) -> dict[int, ValidationError]:
    """The errors of each invalid row, by index (none: all valid). Refuses (PermissionDenied)
    a row in a ward where ``acting_user`` does not hold ``perm``."""
    _require(acting_user, perm, (row.ward for row in inputs))
    teams, today = _Teams(inputs), timezone.localdate()
    found: dict[int, ValidationError] = {}
    for index, row in enumerate(inputs):
        if errors := _errors_for(row, teams, today=today):
            found[index] = ValidationError(errors)
    return found


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def log_activities(
    *,
    acting_user: User,
    inputs: Sequence[ActivityInput],
    source: Activity.Source | str = Activity.Source.FORM,
) -> list[Activity]:
    """Log several records at once, all or nothing (a shift's rows, a CSV file).

    Raises ``RowErrors`` (a ValidationError) naming each invalid row; saves nothing then.
    """
    if not inputs:
        raise ValidationError("Add at least one activity.")
    perm = Perm.UPLOAD_EPIC if source == Activity.Source.UPLOAD else Perm.LOG_EPIC
    if errors := validate_activities(acting_user=acting_user, inputs=inputs, perm=perm):
        raise RowErrors(errors)
    rows = [
        Activity(
            officer=row.officer,
            ward=row.ward,
            date=row.date,
            category=TYPES[row.type].category,
            type=row.type,
            quantity=row.quantity,
            priority=row.priority,
            note=row.note.strip(),
            source=source,
            created_by=acting_user,
        )
        for row in inputs
    ]
    created: list[Activity] = bulk_create_with_history(
        rows, Activity, batch_size=500, default_user=acting_user
    )
    mark_dirty((row.ward.pk, row.date) for row in inputs)
    return created


def log_activity(
    *,
    acting_user: User,
    officer: User,
    ward: Ward,
    date: dt.date,
    type: str,
    quantity: Decimal,
    priority: Priority | None = None,
    note: str = "",
    source: Activity.Source | str = Activity.Source.FORM,
) -> Activity:
    """Log one record (the quick form). Errors name the fields they concern."""
    row = ActivityInput(officer, ward, date, type, quantity, priority, note)
    try:
        return log_activities(acting_user=acting_user, inputs=[row], source=source)[0]
    except RowErrors as exc:
        raise exc.rows[0] from None


@transaction.atomic
def update_activity(
    *,
    acting_user: User,
    activity: Activity,
    officer: User,
    ward: Ward,
    date: dt.date,
    type: str,
    quantity: Decimal,
    priority: Priority | None = None,
    note: str = "",
) -> Activity:
    """Correct a record, possibly moving it to another ward or day (both buckets go dirty)."""
    activity = (
        Activity.objects.select_for_update(of=("self",)).select_related("ward").get(pk=activity.pk)
    )
    if not can_change(acting_user, activity):
        raise PermissionDenied("You can change only the records you logged, or your team's.")
    _require(acting_user, Perm.LOG_EPIC, [ward])
    row = ActivityInput(officer, ward, date, type, quantity, priority, note)
    errors = _errors_for(
        row, _Teams([row]), today=timezone.localdate(), kept_priority_id=activity.priority_id
    )
    if errors:
        raise ValidationError(errors)
    old_bucket = (activity.ward_id, activity.date)
    activity.officer, activity.ward, activity.date = officer, ward, date
    activity.type, activity.category = type, TYPES[type].category
    activity.quantity, activity.priority, activity.note = quantity, priority, note.strip()
    _audited(activity, acting_user).save()
    mark_dirty([old_bucket, (ward.pk, date)])
    return activity


@transaction.atomic
def delete_activity(*, acting_user: User, activity: Activity) -> None:
    """Delete a record logged in error (its history stays in the audit table)."""
    activity = (
        Activity.objects.select_for_update(of=("self",)).select_related("ward").get(pk=activity.pk)
    )
    if not can_change(acting_user, activity):
        raise PermissionDenied("You can delete only the records you logged, or your team's.")
    bucket = (activity.ward_id, activity.date)
    _audited(activity, acting_user).delete()
    mark_dirty([bucket])
