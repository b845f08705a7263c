"""Every write for the engagement stages: research, events and concerns, public submissions,
KINs and analyses. Keyword-only, typed, one transaction each; views, commands and tasks call
these and nothing else writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from engagement.concerns import ConcernCategory
from engagement.models import (
    KIN_PERSONAL_FIELDS,
    Analysis,
    CommunityGroup,
    Concern,
    EngagementEvent,
    EventKind,
    Kin,
    LocalFeature,
    PublicSubmission,
    WardResearch,
)
from epic.rollups import mark_dirty
from wards.models import User, Ward

MAX_PUBLIC_CONCERNS = 3


@dataclass(frozen=True)
class ConcernInput:
    category: ConcernCategory | str
    text: str = ""
    location: str = ""


# --- research ---------------------------------------------------------------------------------


@transaction.atomic
def save_research(
    *, acting_user: User, ward: Ward, notes: str, reviewed: bool = False
) -> WardResearch:
    """Update the ward's research notes; ``reviewed`` dates the research as checked today."""
    research, _ = WardResearch.objects.select_for_update().get_or_create(ward=ward)
    research.notes = notes.strip()
    if reviewed:
        research.reviewed_on = timezone.localdate()
        research.reviewed_by = acting_user
    research.full_clean()
    research.save()
    return research


@transaction.atomic
def save_community_group(
    *,
    acting_user: User,
    ward: Ward,
    name: str,
    kind: CommunityGroup.Kind | str,
    hard_to_reach: bool,
    notes: str = "",
    group: CommunityGroup | None = None,
) -> CommunityGroup:
    """Add a community group to the ward, or update one (``group``)."""
    if group is not None and group.ward_id != ward.pk:
        raise ValidationError("This group belongs to another ward.")
    group = group or CommunityGroup(ward=ward)
    group.name, group.kind, group.hard_to_reach = name.strip(), kind, hard_to_reach
    group.notes, group.updated_by = notes.strip(), acting_user
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def save_local_feature(
    *,
    acting_user: User,
    ward: Ward,
    kind: LocalFeature.Kind | str,
    name: str,
    location: str = "",
    notes: str = "",
    feature: LocalFeature | None = None,
) -> LocalFeature:
    if feature is not None and feature.ward_id != ward.pk:
        raise ValidationError("This place belongs to another ward.")
    feature = feature or LocalFeature(ward=ward)
    feature.kind, feature.name = kind, name.strip()
    feature.location, feature.notes = location.strip(), notes.strip()
    feature.updated_by = acting_user
    feature.full_clean()
    feature.save()
    return feature


# --- engagement events and concerns ----------------------------------------------------------


def concern_source(event: EngagementEvent) -> Concern.Source:
    """Concerns take their channel from the event: youth sessions and surveys are youth,
    a KIN interview is the KIN's, anything else is engagement."""
    if event.is_youth:
        return Concern.Source.YOUTH
    if event.kind == EventKind.KIN_INTERVIEW:
        return Concern.Source.KIN
    return Concern.Source.ENGAGEMENT


@transaction.atomic
def log_event(
    *,
    acting_user: User,
    ward: Ward,
    kind: EventKind | str,
    starts_at: dt.datetime,
    status: EngagementEvent.Status | str = EngagementEvent.Status.HELD,
    ends_at: dt.datetime | None = None,
    title: str = "",
    place: str = "",
    description: str = "",
    officers: Iterable[User] = (),
    attendance: int | None = None,
    groups_reached: Iterable[CommunityGroup] = (),
    kin: Kin | None = None,
    notes: str = "",
    concerns: Sequence[ConcernInput] = (),
) -> EngagementEvent:
    """Record an engagement event with the concerns raised at it, in one go."""
    event = EngagementEvent(
        ward=ward,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title.strip(),
        place=place.strip(),
        description=description.strip(),
        attendance=attendance,
        kin=kin,
        notes=notes.strip(),
        created_by=acting_user,
    )
    _validate_event(event, groups_reached=groups_reached, concerns=concerns)
    event.save()
    event.officers.set(list(officers) or [acting_user])
    event.groups_reached.set(list(groups_reached))
    _add_concerns(event, concerns, acting_user)
    _touch_kin(event)
    mark_dirty([_bucket(event)])
    return event


@transaction.atomic
def update_event(
    *,
    acting_user: User,
    event: EngagementEvent,
    status: EngagementEvent.Status | str,
    attendance: int | None,
    groups_reached: Iterable[CommunityGroup],
    notes: str,
    concerns: Sequence[ConcernInput] = (),
) -> EngagementEvent:
    """Record how a planned event went (held or cancelled), adding the concerns raised."""
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    before = _bucket(event)
    event.status, event.attendance, event.notes = status, attendance, notes.strip()
    _validate_event(event, groups_reached=groups_reached, concerns=concerns)
    event.save()
    event.groups_reached.set(list(groups_reached))
    _add_concerns(event, concerns, acting_user)
    _touch_kin(event)
    mark_dirty([before, _bucket(event)])
    return event


def _bucket(event: EngagementEvent) -> tuple[int, dt.date]:
    """The EPIC rollup bucket a held event counts in: its ward and local day."""
    return event.ward_id, timezone.localdate(event.starts_at)


def _validate_event(
    event: EngagementEvent,
    *,
    groups_reached: Iterable[CommunityGroup],
    concerns: Sequence[ConcernInput],
) -> None:
    errors: dict[str, str] = {}
    now = timezone.now()
    if event.status == EngagementEvent.Status.HELD and event.starts_at > now + dt.timedelta(
        hours=1
    ):
        errors["starts_at"] = "An event that has been held cannot start in the future."
    if event.status == EngagementEvent.Status.PLANNED and event.starts_at < now - dt.timedelta(
        days=1
    ):
        errors["status"] = "A planned event must be in the future; record past events as held."
    if event.status != EngagementEvent.Status.HELD and concerns:
        errors["status"] = "Concerns can only be recorded at an event that was held."
    if event.kin is not None and event.kin.ward_id != event.ward_id:
        errors["kin"] = "That key individual belongs to another ward."
    if event.kin is not None and event.kin.is_erased:
        errors["kin"] = "That key individual's record has been erased."
    if any(group.ward_id != event.ward_id for group in groups_reached):
        errors["groups_reached"] = "Choose groups identified in this ward."
    if errors:
        raise ValidationError(errors)
    event.full_clean()


def _add_concerns(
    event: EngagementEvent, concerns: Sequence[ConcernInput], acting_user: User
) -> None:
    source = concern_source(event)
    rows = [
        Concern(
            ward_id=event.ward_id,
            category=c.category,
            text=c.text.strip(),
            location=c.location.strip(),
            source=source,
            raised_on=timezone.localdate(event.starts_at),
            event=event,
            kin=event.kin,
            created_by=acting_user,
        )
        for c in concerns
    ]
    for row in rows:
        row.full_clean()
    Concern.objects.bulk_create(rows)


def _touch_kin(event: EngagementEvent) -> None:
    """A held KIN interview is the KIN's latest contact (never moves it backwards)."""
    if event.kin_id is None or event.status != EngagementEvent.Status.HELD:
        return
    day = timezone.localdate(event.starts_at)
    kin = Kin.objects.select_for_update().get(pk=event.kin_id)
    if kin.last_contact_on is None or kin.last_contact_on < day:
        kin.last_contact_on = day
        kin.next_review_due = day + dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS)
        kin.save(update_fields=["last_contact_on", "next_review_due"])


@transaction.atomic
def submit_public_concerns(
    *,
    ward: Ward,
    concerns: Sequence[ConcernInput],
    name: str = "",
    email: str = "",
    phone: str = "",
) -> PublicSubmission:
    """A resident's concerns from the public web form: one to three, contact optional."""
    if not concerns:
        raise ValidationError("Tell us at least one concern.")
    if len(concerns) > MAX_PUBLIC_CONCERNS:
        raise ValidationError(f"Tell us at most {MAX_PUBLIC_CONCERNS} concerns at a time.")
    submission = PublicSubmission(
        ward=ward, name=name.strip(), email=email.strip(), phone=phone.strip()
    )
    submission.full_clean()
    submission.save()
    today = timezone.localdate()
    rows = [
        Concern(
            ward=ward,
            category=c.category,
            text=c.text.strip(),
            location=c.location.strip(),
            source=Concern.Source.PUBLIC_WEB,
            raised_on=today,
            submission=submission,
        )
        for c in concerns
    ]
    for row in rows:
        row.full_clean()
    Concern.objects.bulk_create(rows)
    return submission


def erase_expired_public_contacts(*, now: dt.datetime | None = None) -> int:
    """Blank the contact details of submissions older than SNT_PUBLIC_CONTACT_DAYS.

    Idempotent: already-erased submissions are skipped; their concerns are kept.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.SNT_PUBLIC_CONTACT_DAYS)
    return PublicSubmission.objects.filter(
        submitted_at__lt=cutoff, contact_erased_at__isnull=True
    ).update(name="", email="", phone="", contact_erased_at=now or timezone.now())


# --- Key Individual Network --------------------------------------------------------------------


@transaction.atomic
def save_kin(
    *,
    acting_user: User,
    ward: Ward,
    kin: Kin | None = None,
    **fields: object,
) -> Kin:
    """Add a key individual to the ward's register, or update one (``kin``).

    ``fields`` are Kin's own editable fields (name, connection, contact details, consent …).
    Consent must be recorded (date and how) before a KIN is kept.
    """
    if kin is not None and kin.ward_id != ward.pk:
        raise ValidationError("This key individual belongs to another ward.")
    if kin is not None and kin.is_erased:
        raise ValidationError("An erased key individual cannot be edited.")
    kin = kin or Kin(ward=ward, created_by=acting_user)
    editable = {*KIN_PERSONAL_FIELDS, "connection", "consent_given_on", "consent_method"}
    editable |= {"last_contact_on", "next_review_due"}
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"save_kin() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(kin, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, str] = {}
    if not kin.consent_given_on:
        errors["consent_given_on"] = "Record when the key individual agreed to be on the register."
    elif kin.consent_given_on > timezone.localdate():
        errors["consent_given_on"] = "Consent cannot be dated in the future."
    if not kin.consent_method:
        errors["consent_method"] = "Record how the key individual gave consent."
    if errors:
        raise ValidationError(errors)
    if kin.next_review_due is None:
        start = kin.last_contact_on or kin.consent_given_on or timezone.localdate()
        kin.next_review_due = start + dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS)
    kin.full_clean()
    kin._history_user = acting_user  # type: ignore[attr-defined]
    kin.save()
    return kin


@transaction.atomic
def erase_kin(*, acting_user: User | None, kin: Kin) -> Kin:
    """Erase a KIN's personal data; the row, its connection type and its interviews stay as
    anonymous counts. ``acting_user`` is None for the retention job."""
    kin = Kin.objects.select_for_update().get(pk=kin.pk)
    if kin.is_erased:
        return kin
    for name in KIN_PERSONAL_FIELDS:
        setattr(kin, name, "")
    kin.consent_given_on = None
    kin.consent_method = ""
    kin.erased_at = timezone.now()
    kin.erased_by = acting_user
    kin.full_clean()
    kin._history_user = acting_user  # type: ignore[attr-defined]
    kin._change_reason = "Personal data erased"  # type: ignore[attr-defined]
    kin.save()
    # Concerns the KIN raised still count (category and date), but lose what was said and
    # where: either could identify them.
    Concern.objects.filter(kin=kin).update(text="", location="")
    EngagementEvent.objects.filter(kin=kin).update(notes="", place="")
    return kin


# --- analysis ---------------------------------------------------------------------------------


@transaction.atomic
def record_analysis(
    *, acting_user: User, ward: Ward, start: dt.date, end: dt.date, summary: str
) -> Analysis:
    """Record the team's analysis of the ward's preferences for a period (stage 4), freezing
    the ranked preferences and their crime evidence as they stood."""
    from engagement.selectors import preferences  # selectors import services' neighbours

    if not summary.strip():
        raise ValidationError({"summary": "Write what the analysis found."})
    rows = preferences(ward, start=start, end=end)
    if not rows:
        raise ValidationError("There are no concerns in this period to analyse.")
    analysis = Analysis(
        ward=ward,
        period_start=start,
        period_end=end,
        summary=summary.strip(),
        ranking=[row.as_dict() for row in rows],
        recorded_by=acting_user,
    )
    analysis.full_clean()
    analysis.save()
    return analysis
