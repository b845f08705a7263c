"""Personal-data writes: the retention sweeps and the audited subject-access export.

Retention is by date alone, so every sweep is idempotent: a second run finds nothing left to
do. The erasures themselves are the owning apps' (``engagement.services.erase_kin``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from engagement.models import Kin
from engagement.services import erase_kin
from panels.models import DiversityDeclaration
from privacy import selectors
from privacy.models import SubjectAccessExport
from wards.models import User

# --- retention --------------------------------------------------------------------------------


def kins_due_for_erasure(*, today: dt.date | None = None) -> QuerySet[Kin]:
    """KINs flagged for review (not contacted for SNT_KIN_REVIEW_DAYS) and still not contacted
    SNT_KIN_ERASE_AFTER_REVIEW_DAYS after the flag was raised.

    A KIN is flagged the day after its last contact falls SNT_KIN_REVIEW_DAYS behind, or the
    day after its review date, whichever rule ``engagement.selectors.kins_due_for_review``
    meets first. Erasure waits for both: a review date moved forward by the team (they have
    reviewed the KIN and keep them) holds the erasure off too.
    """
    today = today or timezone.localdate()
    grace = dt.timedelta(days=settings.SNT_KIN_ERASE_AFTER_REVIEW_DAYS)
    silent_since = today - dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS) - grace
    last_seen = Coalesce(
        "last_contact_on", "consent_given_on", TruncDate("created_at"), output_field=DateField()
    )
    return (
        Kin.objects.filter(erased_at__isnull=True)
        .annotate(last_seen=last_seen)
        .filter(last_seen__lt=silent_since)
        .filter(Q(next_review_due__isnull=True) | Q(next_review_due__lt=today - grace))
    )


def erase_unreviewed_kins(*, today: dt.date | None = None) -> int:
    """Erase (as ``erase_kin`` does: anonymous counts stay) every KIN due for erasure; returns
    how many were erased. One transaction per KIN, so a failure keeps the ones done."""
    erased = 0
    for kin in kins_due_for_erasure(today=today).only("pk").order_by("pk"):
        erase_kin(acting_user=None, kin=kin)
        erased += 1
    return erased


def delete_ended_declarations(*, today: dt.date | None = None) -> int:
    """Delete the diversity declarations of memberships whose term has ended.

    ``panels.services.end_membership`` already deletes the declaration when it ends a term;
    this sweep catches terms ended any other way (an edit, a data fix). Returns how many."""
    today = today or timezone.localdate()
    deleted, _ = DiversityDeclaration.objects.filter(membership__term_end__lt=today).delete()
    return deleted


# --- subject access ---------------------------------------------------------------------------


@transaction.atomic
def export_kin(*, acting_user: User, kin: Kin) -> dict[str, Any]:
    """Everything held about one KIN, with the export recorded in the audit trail."""
    SubjectAccessExport.objects.create(
        subject=SubjectAccessExport.Subject.KIN, subject_id=kin.pk, exported_by=acting_user
    )
    return selectors.kin_data(kin)


@transaction.atomic
def export_panel_member(*, acting_user: User, person: User) -> dict[str, Any]:
    """Everything held about one panel member (all their terms), recorded in the audit trail."""
    SubjectAccessExport.objects.create(
        subject=SubjectAccessExport.Subject.PANEL_MEMBER,
        subject_id=person.pk,
        exported_by=acting_user,
    )
    return selectors.member_data(person)
