"""Grants from panel memberships: a current chair holds the panel-chair role for the panel's
ward, any other current member the panel-member role."""

from __future__ import annotations

from collections.abc import Iterator

from panels.models import PanelMembership
from snt_portal.permissions import Area, Grant, Role
from wards.models import User


def grants_for(user: User) -> Iterator[Grant]:
    if not user.is_active:
        return
    seats = PanelMembership.objects.current().filter(user=user)
    for position, ward_id, borough_id in seats.values_list(
        "position", "panel__ward_id", "panel__ward__borough_id"
    ):
        role = Role.PANEL_CHAIR if position == PanelMembership.Position.CHAIR else Role.PANEL_MEMBER
        yield Grant(role, Area(wards=frozenset({ward_id}), ward_boroughs=frozenset({borough_id})))
