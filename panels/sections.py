"""The panels app's part of the ward page: the panel at a glance, its next meeting, the way in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from panels.models import Panel
from panels.selectors import panel_summary
from snt_portal.permissions import Perm, holds
from snt_portal.sections import register_ward_section
from wards.models import Ward


@register_ward_section(order=30, template="panels/includes/ward_panel.html")
def ward_panel(request: HttpRequest, ward: Ward) -> dict[str, Any] | None:
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    if not ward.is_current or not holds(request.user, Perm.VIEW_PANEL, **place):
        return None
    panel = Panel.objects.filter(ward=ward).first()
    return {
        "ward": ward,
        "summary": panel_summary(panel) if panel else None,
        "can_manage": holds(request.user, Perm.MANAGE_PANEL, **place),
    }
