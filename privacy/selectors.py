"""Reads for subject access: everything held about one key individual or one panel member.

Each returns plain JSON-ready data about the subject only: no other person's name (officers,
other members, whoever recorded or changed a row) and, for secret ballots, nothing of how the
member voted (only that they did; the database keeps no more).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from engagement.models import Concern, EngagementEvent, Kin
from panels.models import Attendance, DiversityDeclaration, PanelMembership
from priorities.models import Approval, BallotPaper
from wards.models import User

KIN_FIELDS = (
    "name",
    "connection",
    "connection_detail",
    "community_represented",
    "phone",
    "email",
    "address",
    "consent_given_on",
    "consent_method",
    "last_contact_on",
    "next_review_due",
    "notes",
    "created_at",
    "erased_at",
)
DECLARATION_FIELDS = (
    "consent_given_at",
    "age_band",
    "sex",
    "ethnic_group",
    "disability",
    "religion",
    "sexual_orientation",
)


def _value(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def kin_data(kin: Kin) -> dict[str, Any]:
    """The KIN's record, the events that name them and the concerns attributed to them."""
    events = EngagementEvent.objects.filter(kin=kin).order_by("starts_at", "pk")
    concerns = Concern.objects.filter(kin=kin).order_by("raised_on", "pk")
    return {
        "subject": {"kind": "key_individual", "id": kin.pk},
        "generated_at": timezone.now().isoformat(),
        "record": {
            "id": kin.pk,
            "ward": {"code": kin.ward.code, "name": kin.ward.name},
            **{name: _value(getattr(kin, name)) for name in KIN_FIELDS},
        },
        "events": [
            {
                "id": event.pk,
                "kind": event.kind,
                "status": event.status,
                "starts_at": _value(event.starts_at),
                "place": event.place,
                "notes": event.notes,
            }
            for event in events
        ],
        "concerns": [
            {
                "id": concern.pk,
                "category": concern.category,
                "source": concern.source,
                "raised_on": _value(concern.raised_on),
                "text": concern.text,
                "location": concern.location,
                "event_id": concern.event_id,
            }
            for concern in concerns
        ],
    }


def member_data(person: User) -> dict[str, Any]:
    """A panel member's terms (with their recorded changes), attendance, own diversity
    declarations and ballot participation."""
    memberships = list(
        PanelMembership.objects.filter(user=person)
        .select_related("panel__ward")
        .order_by("term_start", "pk")
    )
    ids = [m.pk for m in memberships]
    history = PanelMembership.history.filter(id__in=ids).order_by("history_date", "history_id")
    changes: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for row in history:
        changes[row.id].append(
            {
                "at": _value(row.history_date),
                "change": row.get_history_type_display(),
                "position": row.position,
                "partner": row.partner,
                "term_start": _value(row.term_start),
                "term_end": _value(row.term_end),
            }
        )
    attendance = (
        Attendance.objects.filter(membership_id__in=ids)
        .select_related("meeting")
        .order_by("meeting__scheduled_at", "pk")
    )
    declarations = DiversityDeclaration.objects.filter(membership_id__in=ids).order_by("pk")
    papers = list(
        BallotPaper.objects.filter(voter_id__in=ids)
        .select_related("ballot__meeting")
        .order_by("cast_at", "pk")
    )
    # Open ballots record each approval; a secret ballot's paper says only that they voted.
    approved: dict[int, list[str]] = {paper.pk: [] for paper in papers}
    open_papers = [paper.pk for paper in papers if not paper.ballot.secret]
    for approval in (
        Approval.objects.filter(paper_id__in=open_papers)
        .select_related("candidate")
        .order_by("candidate__order", "pk")
    ):
        approved[approval.paper_id].append(approval.candidate.issue)
    return {
        "subject": {"kind": "panel_member", "id": person.pk},
        "generated_at": timezone.now().isoformat(),
        "person": {
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
        },
        "memberships": [
            {
                "id": m.pk,
                "panel": m.panel.name,
                "ward": {"code": m.panel.ward.code, "name": m.panel.ward.name},
                "position": m.position,
                "partner": m.partner,
                "is_police": m.is_police,
                "term_start": _value(m.term_start),
                "term_end": _value(m.term_end),
                "changes": changes[m.pk],
            }
            for m in memberships
        ],
        "attendance": [
            {
                "membership_id": a.membership_id,
                "meeting_id": a.meeting_id,
                "scheduled_at": _value(a.meeting.scheduled_at),
                "status": a.status,
            }
            for a in attendance
        ],
        "diversity_declarations": [
            {
                "membership_id": d.membership_id,
                **{name: _value(getattr(d, name)) for name in DECLARATION_FIELDS},
            }
            for d in declarations
        ],
        "ballots": [
            {
                "ballot_id": paper.ballot_id,
                "title": paper.ballot.title,
                "meeting_id": paper.ballot.meeting_id,
                "secret": paper.ballot.secret,
                "voted_at": _value(paper.cast_at),
                **({} if paper.ballot.secret else {"approved": approved[paper.pk]}),
            }
            for paper in papers
        ],
    }
