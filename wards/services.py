"""Every write to teams, postings, abstractions and roles goes through these functions.

Each takes ``acting_user`` (recorded in the audit history), validates the domain rules, and runs
in one transaction. Views, commands and (later) the API call the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from snt_portal.permissions import forget_scope
from wards.models import (
    Abstraction,
    Borough,
    Posting,
    PostingRole,
    RoleAssignment,
    Team,
    User,
    Ward,
)

SUPERVISOR_ROLES = (Posting.Role.SERGEANT, Posting.Role.INSPECTOR)


_Audited = TypeVar("_Audited", Posting, Abstraction, RoleAssignment)


def _audited(obj: _Audited, acting_user: User | None) -> _Audited:
    # simple-history reads the author from here when no request is in flight.
    obj._history_user = acting_user  # type: ignore[attr-defined]
    return obj


def ward_team(ward: Ward) -> Team:
    """The ward's Safer Neighbourhoods Team, created on first use."""
    team, _ = Team.objects.get_or_create(
        kind=Team.Kind.WARD,
        ward=ward,
        defaults={"name": f"{ward.name} Safer Neighbourhoods Team", "borough_id": ward.borough_id},
    )
    return team


@transaction.atomic
def add_posting(
    *,
    acting_user: User | None,
    team: Team,
    role: PostingRole | str,
    start_date: dt.date,
    person: User | None = None,
    full_name: str = "",
    collar_number: str = "",
) -> Posting:
    """Post a person to a team, finding them by collar number or creating them by name."""
    collar_number = collar_number.strip()
    if person is None:
        if collar_number:
            person = User.objects.filter(collar_number=collar_number).first()
        if person is None:
            if not full_name.strip():
                raise ValidationError({"full_name": "Enter the person's full name."})
            person = _create_person(full_name=full_name, collar_number=collar_number)
        elif full_name.strip() and full_name.strip().lower() != person.display_name.lower():
            raise ValidationError(
                {
                    "collar_number": (
                        f"Collar number {collar_number} belongs to {person.display_name}, "
                        f"not {full_name.strip()}."
                    )
                }
            )
    if Posting.objects.filter(person=person, team=team, end_date__isnull=True).exists():
        raise ValidationError(
            f"{person.display_name} already has an open posting on {team.name}; end it first."
        )
    if start_date > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError({"start_date": "A posting cannot start more than a year ahead."})
    posting = Posting(person=person, team=team, role=role, start_date=start_date)
    posting.full_clean()
    _audited(posting, acting_user).save()
    forget_scope(person)
    return posting


def _create_person(*, full_name: str, collar_number: str) -> User:
    first, _, last = full_name.strip().partition(" ")
    base = "".join(ch for ch in full_name.lower() if ch.isalnum() or ch == " ").replace(" ", ".")
    username = base or "person"
    suffix = 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}{suffix}"
    person = User(username=username, first_name=first, last_name=last, collar_number=collar_number)
    person.set_unusable_password()  # they sign in once an administrator sets them up
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def end_posting(
    *, acting_user: User | None, posting: Posting, end_date: dt.date, reason: str = ""
) -> Posting:
    """Close a posting on its last day; history is kept."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    if posting.end_date is not None:
        raise ValidationError(f"This posting already ended on {posting.end_date:%d %B %Y}.")
    if end_date < posting.start_date:
        started = f"{posting.start_date:%d %B %Y}"
        raise ValidationError(
            {"end_date": f"The end date must be on or after the start ({started})."}
        )
    posting.end_date = end_date
    posting.end_reason = reason.strip()
    _audited(posting, acting_user).save(update_fields=["end_date", "end_reason"])
    forget_scope(posting.person)
    return posting


@transaction.atomic
def end_postings(
    *, acting_user: User | None, postings: Iterable[Posting], end_date: dt.date, reason: str = ""
) -> int:
    """End many postings at once (a team restructured, a cluster merged), all or none.

    Every posting gets its own audit row naming ``acting_user``, as a single change would.
    """
    locked = list(
        Posting.objects.select_for_update()
        .filter(pk__in=[p.pk for p in postings])
        .select_related("person", "team")
    )
    errors = [
        f"{p.person.display_name} ({p.team.name}): already ended on {p.end_date:%d %B %Y}."
        if p.end_date is not None
        else f"{p.person.display_name} ({p.team.name}): started after {end_date:%d %B %Y}."
        for p in locked
        if p.end_date is not None or p.start_date > end_date
    ]
    if errors:
        raise ValidationError(errors)
    for posting in locked:
        posting.end_date = end_date
        posting.end_reason = reason.strip()
    bulk_update_with_history(
        locked,
        Posting,
        ["end_date", "end_reason"],
        default_user=acting_user,
        default_change_reason=reason.strip() or "Bulk end of postings",
    )
    for posting in locked:
        forget_scope(posting.person)
    return len(locked)


@transaction.atomic
def record_abstraction(
    *,
    acting_user: User,
    posting: Posting,
    date: dt.date,
    hours: Decimal,
    reason: Abstraction.Reason | str,
    authorised_by: User,
    details: str = "",
) -> Abstraction:
    """Record hours an officer spent off ward duty."""
    errors: dict[str, str] = {}
    if not posting.is_current(date):
        errors["date"] = (
            f"{posting.person.display_name} was not on {posting.team.name} on {date:%d %B %Y}."
        )
    if date > timezone.localdate():
        errors["date"] = "An abstraction cannot be recorded for a future date."
    if (
        not Posting.objects.current(date)
        .filter(person=authorised_by, role__in=SUPERVISOR_ROLES)
        .exists()
    ):
        errors["authorised_by"] = (
            f"{authorised_by.display_name} was not a serving sergeant or inspector on that date."
        )
    if errors:
        raise ValidationError(errors)
    abstraction = Abstraction(
        posting=posting,
        date=date,
        hours=Decimal(hours).quantize(Decimal("0.1")),
        reason=reason,
        details=details.strip(),
        authorised_by=authorised_by,
        recorded_by=acting_user,
    )
    abstraction.full_clean()
    _audited(abstraction, acting_user).save()
    return abstraction


@transaction.atomic
def assign_role(
    *,
    acting_user: User | None,
    user: User,
    role: RoleAssignment.Role | str,
    borough: Borough | None = None,
    ward: Ward | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, borough=borough, ward=ward)
    assignment.full_clean()
    _audited(assignment, acting_user).save()
    forget_scope(user)
    return assignment


@transaction.atomic
def revoke_role(*, acting_user: User | None, assignment: RoleAssignment) -> None:
    _audited(assignment, acting_user).delete()
    forget_scope(assignment.user)
