"""Every write to panels, memberships, meetings and declarations goes through these functions.

Each takes ``acting_user`` (recorded in the membership history), validates the domain rules and
runs in one transaction. Views, tasks and the demo call the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from panels.diversity import DECLARATION_FIELDS
from panels.models import (
    AgendaItem,
    Attendance,
    DiversityDeclaration,
    Meeting,
    Panel,
    PanelMembership,
)
from panels.selectors import meeting_day, members_on, minutes_to_approve
from snt_portal.notifications import send_once
from snt_portal.permissions import forget_scope
from wards.models import User, Ward

Position = PanelMembership.Position
# How far ahead a meeting may be scheduled, and a term may start.
MAX_AHEAD = dt.timedelta(days=366)
REMINDER_HOURS = 48


def _audited(membership: PanelMembership, acting_user: User | None) -> PanelMembership:
    # simple-history reads the author from here when no request is in flight.
    membership._history_user = acting_user  # type: ignore[attr-defined]
    return membership


# Panels and memberships ----------------------------------------------------------------------


@transaction.atomic
def create_panel(
    *, acting_user: User | None, ward: Ward, name: str, established_on: dt.date | None = None
) -> Panel:
    """Set up the ward's panel (one per ward)."""
    if Panel.objects.filter(ward=ward).exists():
        raise ValidationError(f"{ward.name} already has a panel.")
    if established_on and established_on > timezone.localdate():
        raise ValidationError({"established_on": "The date set up cannot be in the future."})
    panel = Panel(ward=ward, name=name.strip(), established_on=established_on)
    panel.full_clean()
    panel.save()
    return panel


def _check_position(panel: Panel, position: str, partner: str, *, exclude: int | None) -> None:
    if position == Position.PARTNER and not partner:
        raise ValidationError({"partner": "Select the organisation the partner represents."})
    if position == Position.CHAIR:
        chairs = PanelMembership.objects.filter(
            panel=panel, position=Position.CHAIR, term_end__isnull=True
        )
        if exclude is not None:
            chairs = chairs.exclude(pk=exclude)
        chair = chairs.select_related("user").first()
        if chair is not None:
            raise ValidationError(
                {
                    "position": (
                        f"{chair.user.display_name} is the chair: change their position or end "
                        "their term first."
                    )
                }
            )


def find_or_create_person(*, full_name: str, email: str) -> tuple[User, bool]:
    """The user with this email, or a new one named ``full_name`` (True when created).

    A new person gets an account with no usable password: they can be reminded of meetings by
    email, and sign in to vote once an administrator sets their password.
    """
    email = email.strip()
    full_name = " ".join(full_name.split())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address like name@example.org."}) from None
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if len(matches) > 1:
        raise ValidationError(
            {"email": "More than one account has this email: ask an administrator."}
        )
    if matches:
        person = matches[0]
        if full_name and full_name.lower() != person.display_name.lower():
            raise ValidationError(
                {"email": f"{email} belongs to {person.display_name}, not {full_name}."}
            )
        return person, False
    if not full_name:
        raise ValidationError({"full_name": "Enter the person's full name."})
    first, _, last = full_name.partition(" ")
    base = "".join(ch for ch in email.split("@")[0].lower() if ch.isalnum() or ch in "._-")
    base = base or "member"
    username, suffix = base, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}{suffix}"
    person = User(username=username, first_name=first, last_name=last, email=email)
    person.set_unusable_password()
    person.full_clean()
    person.save()
    return person, True


@transaction.atomic
def add_member(
    *,
    acting_user: User | None,
    panel: Panel,
    term_start: dt.date,
    position: str = Position.MEMBER,
    partner: str = "",
    is_police: bool = False,
    person: User | None = None,
    full_name: str = "",
    email: str = "",
) -> tuple[PanelMembership, bool]:
    """Seat a person on the panel: an existing user, or one found or created by name and email.
    Returns the membership and whether a new account was created."""
    if position != Position.PARTNER:
        partner = ""
    _check_position(panel, position, partner, exclude=None)
    if term_start > timezone.localdate() + MAX_AHEAD:
        raise ValidationError({"term_start": "A term cannot start more than a year ahead."})
    created = False
    if person is None:
        person, created = find_or_create_person(full_name=full_name, email=email)
    if PanelMembership.objects.filter(panel=panel, user=person, term_end__isnull=True).exists():
        raise ValidationError(f"{person.display_name} already sits on this panel.")
    membership = PanelMembership(
        panel=panel,
        user=person,
        position=position,
        partner=partner,
        is_police=is_police,
        term_start=term_start,
    )
    membership.full_clean()
    _audited(membership, acting_user).save()
    forget_scope(person)
    return membership, created


@transaction.atomic
def change_position(
    *,
    acting_user: User | None,
    membership: PanelMembership,
    position: str,
    partner: str = "",
    is_police: bool = False,
) -> PanelMembership:
    membership = PanelMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.term_end is not None and membership.term_end < timezone.localdate():
        raise ValidationError("This term has ended; add the person again for a new term.")
    if position != Position.PARTNER:
        partner = ""
    _check_position(membership.panel, position, partner, exclude=membership.pk)
    membership.position, membership.partner, membership.is_police = position, partner, is_police
    membership.full_clean()
    _audited(membership, acting_user).save(update_fields=["position", "partner", "is_police"])
    forget_scope(membership.user)
    return membership


@transaction.atomic
def end_membership(
    *, acting_user: User | None, membership: PanelMembership, term_end: dt.date
) -> PanelMembership:
    """End a member's term. Their diversity declaration is deleted in the same transaction:
    it was given for their time on the panel."""
    membership = PanelMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.term_end is not None:
        raise ValidationError(f"This term already ended on {membership.term_end:%-d %B %Y}.")
    if term_end < membership.term_start:
        started = f"{membership.term_start:%-d %B %Y}"
        raise ValidationError({"term_end": f"The term cannot end before it started ({started})."})
    if term_end > timezone.localdate():
        raise ValidationError({"term_end": "Record the end of a term once it has ended."})
    membership.term_end = term_end
    _audited(membership, acting_user).save(update_fields=["term_end"])
    DiversityDeclaration.objects.filter(membership=membership).delete()
    forget_scope(membership.user)
    return membership


# Meetings -------------------------------------------------------------------------------------


def _check_when(scheduled_at: dt.datetime) -> None:
    if scheduled_at > timezone.now() + MAX_AHEAD:
        raise ValidationError({"date": "A meeting cannot be scheduled more than a year ahead."})


@transaction.atomic
def schedule_meeting(
    *,
    acting_user: User | None,
    panel: Panel,
    scheduled_at: dt.datetime,
    place: str,
    agenda: Sequence[str] = (),
) -> Meeting:
    _check_when(scheduled_at)
    meeting = Meeting(panel=panel, scheduled_at=scheduled_at, place=place.strip())
    meeting.full_clean()
    meeting.save()
    titles = [title.strip()[:200] for title in agenda if title.strip()]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=i, title=title) for i, title in enumerate(titles, 1)
    )
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("panel__ward").get(pk=meeting.pk)


@transaction.atomic
def update_meeting(
    *, acting_user: User | None, meeting: Meeting, scheduled_at: dt.datetime, place: str
) -> Meeting:
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: it cannot be moved."
        )
    _check_when(scheduled_at)
    meeting.scheduled_at, meeting.place = scheduled_at, place.strip()
    meeting.full_clean()
    meeting.save(update_fields=["scheduled_at", "place"])
    return meeting


@transaction.atomic
def cancel_meeting(*, acting_user: User | None, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: it cannot be cancelled."
        )
    if meeting.attendance.exists():
        raise ValidationError("Attendance is recorded for this meeting: it took place.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def add_agenda_item(
    *, acting_user: User | None, meeting: Meeting, title: str, notes: str = ""
) -> AgendaItem:
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting is cancelled.")
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("The minutes of this meeting are approved: its agenda is final.")
    last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first()
    item = AgendaItem(meeting=meeting, order=(last or 0) + 1, title=title.strip(), notes=notes)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def remove_agenda_item(*, acting_user: User | None, item: AgendaItem) -> None:
    meeting = _locked(item.meeting)
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("The minutes of this meeting are approved: its agenda is final.")
    item.delete()


@transaction.atomic
def record_attendance(
    *,
    acting_user: User | None,
    meeting: Meeting,
    statuses: Mapping[int, str],
    public_attendees: int | None,
    organisations: str = "",
) -> Meeting:
    """Record who was present, absent or sent apologies (by membership id), with the public
    count and organisations present; the meeting is then held. Recorded again, it replaces
    the earlier record (members recorded present may vote in the meeting's ballots)."""
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    if meeting_day(meeting) > timezone.localdate():
        raise ValidationError("Attendance can be recorded on the day of the meeting, not before.")
    members = {m.pk: m for m in members_on(meeting.panel, meeting_day(meeting))}
    recorded = set(
        Attendance.objects.filter(meeting=meeting).values_list("membership_id", flat=True)
    )
    unknown = set(statuses) - set(members) - recorded
    if unknown:
        raise ValidationError("Attendance can only be recorded for the panel's members.")
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in statuses.values()):
        raise ValidationError("Choose present, absent or apologies for each member.")
    if public_attendees is not None and public_attendees < 0:
        raise ValidationError({"public_attendees": "The number cannot be negative."})
    existing = {a.membership_id: a for a in Attendance.objects.filter(meeting=meeting)}
    changed = []
    for membership_id, status in statuses.items():
        row = existing.get(membership_id)
        if row is None:
            Attendance.objects.create(meeting=meeting, membership_id=membership_id, status=status)
        elif row.status != status:
            row.status = status
            changed.append(row)
    Attendance.objects.bulk_update(changed, ["status"])
    meeting.public_attendees = public_attendees
    meeting.organisations = organisations.strip()
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["public_attendees", "organisations", "status"])
    return meeting


@transaction.atomic
def draft_minutes(*, acting_user: User | None, meeting: Meeting, minutes: str) -> Meeting:
    """Write or revise the minutes: a draft until the next meeting approves them."""
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError("Minutes are written for a meeting that has been held.")
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("These minutes are approved and can no longer be changed.")
    if not minutes.strip():
        raise ValidationError({"minutes": "Write the minutes."})
    meeting.minutes = minutes.strip()
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save(update_fields=["minutes", "minutes_status"])
    return meeting


@transaction.atomic
def approve_minutes(*, acting_user: User | None, meeting: Meeting) -> Meeting:
    """At ``meeting``, approve the draft minutes of the panel's previous meeting. Returns the
    meeting whose minutes were approved."""
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting approves nothing.")
    if meeting.status != Meeting.Status.HELD and meeting.scheduled_at > timezone.now():
        raise ValidationError("Minutes are approved at the meeting, once it has started.")
    previous = minutes_to_approve(meeting)
    if previous is None:
        raise ValidationError("The previous meeting has no draft minutes to approve.")
    previous = _locked(previous)
    previous.minutes_status = Meeting.MinutesStatus.APPROVED
    previous.minutes_approved_at = meeting
    previous.full_clean()
    previous.save(update_fields=["minutes_status", "minutes_approved_at"])
    return previous


# Declarations ---------------------------------------------------------------------------------


@transaction.atomic
def save_declaration(
    *, acting_user: User, membership: PanelMembership, answers: Mapping[str, str]
) -> DiversityDeclaration:
    """The member's own declaration, given with consent; answers left out are "prefer not to
    say". Only the member may make it."""
    if membership.user_id != acting_user.pk:
        raise ValidationError("Only members make their own declaration.")
    # An ended term (even one ending today, its last day) has had its declaration deleted:
    # one made now would outlive the membership it was given for.
    if (
        not PanelMembership.objects.current()
        .filter(pk=membership.pk, term_end__isnull=True)
        .exists()
    ):
        raise ValidationError("Only current members can make a declaration.")
    declaration = DiversityDeclaration.objects.filter(membership=membership).first()
    declaration = declaration or DiversityDeclaration(membership=membership)
    for name in DECLARATION_FIELDS:
        setattr(declaration, name, answers.get(name) or DiversityDeclaration.PREFER_NOT)
    declaration.consent_given_at = timezone.now()
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def withdraw_declaration(*, acting_user: User, membership: PanelMembership) -> bool:
    """Delete the member's declaration; nothing of it is kept. True if there was one."""
    if membership.user_id != acting_user.pk:
        raise ValidationError("Only members withdraw their own declaration.")
    deleted, _ = DiversityDeclaration.objects.filter(membership=membership).delete()
    return deleted > 0


# Notifications --------------------------------------------------------------------------------


def send_meeting_reminders(*, now: dt.datetime | None = None) -> int:
    """Email every current member of each panel meeting in the next 48 hours, once per meeting,
    time and member (send_once), however often this runs: a meeting moved after its reminder
    went out is reminded again at its new time. Returns the emails sent now."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + dt.timedelta(hours=REMINDER_HOURS),
        )
        .select_related("panel__ward")
        .prefetch_related("agenda_items")
        .order_by("scheduled_at", "pk")
    )
    sent = 0
    for meeting in due:
        subject, body = _reminder(meeting)
        at = meeting.scheduled_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
        for membership in members_on(meeting.panel, meeting_day(meeting)):
            sent += send_once(
                key=f"meeting-reminder:{meeting.pk}:{at}",
                recipient=membership.user.email,
                subject=subject,
                body=body,
            )
        if meeting.reminder_sent_at is None:
            Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=now)
    return sent


def _reminder(meeting: Meeting) -> tuple[str, str]:
    when = timezone.localtime(meeting.scheduled_at)
    subject = f"{meeting.panel.name}: meeting on {when:%A %-d %B at %H:%M}"
    agenda = [f"  {i}. {item.title}" for i, item in enumerate(meeting.agenda_items.all(), 1)]
    lines = [
        f"The {meeting.panel.name} meets on {when:%A %-d %B %Y at %H:%M}, at {meeting.place}.",
        "",
        *(["Agenda:", *agenda, ""] if agenda else []),
        "The evidence pack and the panel's papers are on the SNT Portal, on your panel's page.",
        "If you cannot come, please send your apologies to the chair.",
    ]
    return subject, "\n".join(lines)
