"""The engagement app's part of the ward page: the seven-stage stepper and the way in to each
stage's pages, shown only to those who may see them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engagement.tracker import ward_cycles
from snt_portal.permissions import Perm, holds
from snt_portal.sections import register_ward_section
from wards.models import Ward


@register_ward_section(order=10, template="engagement/includes/ward_cycle.html")
def ward_cycle(request: HttpRequest, ward: Ward) -> dict[str, Any] | None:
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    can = {perm.value: holds(request.user, perm, **place) for perm in Perm}
    if not ward.is_current or not (
        can[Perm.VIEW_ENGAGEMENT] or can[Perm.VIEW_PREFERENCES] or can[Perm.VIEW_KINS]
    ):
        return None
    cycle = ward_cycles([ward.pk])[ward.pk] if can[Perm.VIEW_ENGAGEMENT] else None
    return {"ward": ward, "cycle": cycle, "can": can}
