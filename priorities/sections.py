"""The priorities' part of the ward page: the active priorities with the rating of their
latest review, those overdue for review, the youth-priority flag, and the ways in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from priorities.rules import REVIEW_INTERVAL_DAYS
from priorities.selectors import ward_summary
from snt_portal.permissions import Perm, holds
from snt_portal.sections import register_ward_section
from wards.models import Ward


@register_ward_section(order=15, template="priorities/plans/ward_section.html")
def ward_priorities_section(request: HttpRequest, ward: Ward) -> dict[str, Any] | None:
    if not ward.is_current or not holds(
        request.user, Perm.VIEW_PANEL, ward_id=ward.pk, borough_id=ward.borough_id
    ):
        return None
    return {
        "ward": ward,
        "summary": ward_summary(ward),
        "interval": REVIEW_INTERVAL_DAYS,
    }
