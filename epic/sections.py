"""EPIC's part of the ward page: the way in to the ward's activity records and, for its team,
to logging. It shows no totals: those come from the rollups, on the dashboards."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from snt_portal.permissions import Perm, holds
from snt_portal.sections import register_ward_section
from wards.models import Ward


@register_ward_section(order=25, template="epic/activity_ward_section.html")
def ward_activity_section(request: HttpRequest, ward: Ward) -> dict[str, Any] | None:
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    if not holds(request.user, Perm.VIEW_EPIC, **place):
        return None
    can_log = ward.is_current and holds(request.user, Perm.LOG_EPIC, **place)
    can_upload = holds(request.user, Perm.UPLOAD_EPIC, **place)
    return {"ward": ward, "can_log": can_log, "can_upload": can_upload}
