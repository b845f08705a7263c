"""The objects panel views act on, reached only through snt_portal.permissions: outside what
the user may see is a 404, visible but not theirs to change a 403."""

from __future__ import annotations

from django.http import HttpRequest

from panels.models import Meeting, Panel, PanelMembership
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import Ward


def ward_for(request: HttpRequest, code: str, perm: Perm) -> Ward:
    return get_object_for(Ward.objects.select_related("borough"), request.user, perm, code=code)


def panel_for(request: HttpRequest, code: str, perm: Perm) -> Panel:
    return get_object_for(
        Panel.objects.select_related("ward__borough"), request.user, perm, ward__code=code
    )


def membership_for(request: HttpRequest, pk: int, perm: Perm) -> PanelMembership:
    return get_object_for(
        PanelMembership.objects.select_related("panel__ward__borough", "user"),
        request.user,
        perm,
        pk=pk,
    )


def meeting_for(request: HttpRequest, pk: int, perm: Perm) -> Meeting:
    return get_object_for(
        Meeting.objects.select_related("panel__ward__borough"), request.user, perm, pk=pk
    )


def can_manage(request: HttpRequest, ward: Ward) -> bool:
    return holds(request.user, Perm.MANAGE_PANEL, ward_id=ward.pk, borough_id=ward.borough_id)
