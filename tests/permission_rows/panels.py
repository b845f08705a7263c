"""Permission-matrix rows for the panels URLs (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin).

Panel pages are for everyone who may see the ward (VIEW_PANEL); changing the panel is for its
chair, the ward's sergeant, the cluster's inspector and administrators (MANAGE_PANEL). A
member's own declaration is for the members only: anyone else who may see the panel gets 403,
and it is never an administrator's. Confirmation pages are GETs, so every row is a GET.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from panels.models import AgendaItem, Meeting
from tests.factories import MeetingFactory

#              anon pcso  pc  sgt insp panM panC  bm  cen  adm
VIEW_A1 = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
VIEW_B1 = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
MANAGE_A1 = (302, 403, 403, 200, 200, 403, 200, 403, 403, 200)
MANAGE_B1 = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)
OWN_A1 = (302, 403, 403, 403, 403, 200, 200, 403, 403, 403)
OWN_B1 = (302, 404, 404, 404, 404, 404, 404, 404, 403, 403)


def _meeting(panel: Any) -> Meeting:
    return MeetingFactory.create(panel=panel)


def _meeting_pk(panel: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": _meeting(getattr(w, panel)).pk}


def _agenda_item(panel_name: str) -> Callable[[Any], dict[str, Any]]:
    def target(w: Any) -> dict[str, Any]:
        meeting = _meeting(getattr(w, panel_name))
        item = AgendaItem.objects.create(meeting=meeting, order=1, title="Priorities")
        return {"pk": meeting.pk, "item_pk": item.pk}

    return target


def _membership(panel_name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, panel_name).memberships.order_by("pk").first().pk}


def _ward(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).code}


def _borough(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).borough.code}


ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "panels:panel_detail": ("get", _ward("a1"), VIEW_A1),
    "panels:panel_detail[other borough]": ("get", _ward("b1"), VIEW_B1),
    "panels:panel_detail[ward without a panel]": (
        "get",
        _ward("a2"),
        (302, 404, 404, 404, 200, 404, 404, 200, 200, 200),
    ),
    # a2 has no panel yet: its managers may set one up; a1's panel exists (redirects there).
    "panels:panel_create": (
        "get",
        _ward("a2"),
        (302, 404, 404, 404, 200, 404, 404, 403, 403, 200),
    ),
    # b1 has a panel: those who may manage it are sent to it.
    "panels:panel_create[other borough]": (
        "get",
        _ward("b1"),
        (302, 404, 404, 404, 404, 404, 404, 404, 403, 302),
    ),
    "panels:borough_panels": ("get", _borough("a1"), VIEW_A1),
    "panels:borough_panels[other borough]": ("get", _borough("b1"), VIEW_B1),
    "panels:membership_create": ("get", _ward("a1"), MANAGE_A1),
    "panels:membership_create[other borough]": ("get", _ward("b1"), MANAGE_B1),
    "panels:membership_edit": ("get", _membership("panel_a1"), MANAGE_A1),
    "panels:membership_edit[other borough]": ("get", _membership("panel_b1"), MANAGE_B1),
    "panels:membership_end": ("get", _membership("panel_a1"), MANAGE_A1),
    "panels:membership_end[other borough]": ("get", _membership("panel_b1"), MANAGE_B1),
    "panels:declaration": ("get", _ward("a1"), OWN_A1),
    "panels:declaration[other borough]": ("get", _ward("b1"), OWN_B1),
    "panels:declaration_withdraw": ("get", _ward("a1"), OWN_A1),
    "panels:declaration_withdraw[other borough]": ("get", _ward("b1"), OWN_B1),
    "panels:meeting_create": ("get", _ward("a1"), MANAGE_A1),
    "panels:meeting_create[other borough]": ("get", _ward("b1"), MANAGE_B1),
    "panels:meeting_detail": ("get", _meeting_pk("panel_a1"), VIEW_A1),
    "panels:meeting_detail[other borough]": ("get", _meeting_pk("panel_b1"), VIEW_B1),
    "panels:meeting_edit": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:meeting_edit[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:meeting_cancel": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:meeting_cancel[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:agenda_item_create": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:agenda_item_create[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:agenda_item_delete": ("get", _agenda_item("panel_a1"), MANAGE_A1),
    "panels:agenda_item_delete[other borough]": ("get", _agenda_item("panel_b1"), MANAGE_B1),
    "panels:meeting_attendance": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:meeting_attendance[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:meeting_minutes": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:meeting_minutes[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:minutes_approve": ("get", _meeting_pk("panel_a1"), MANAGE_A1),
    "panels:minutes_approve[other borough]": ("get", _meeting_pk("panel_b1"), MANAGE_B1),
    "panels:evidence_pack": ("get", _meeting_pk("panel_a1"), VIEW_A1),
    "panels:evidence_pack[other borough]": ("get", _meeting_pk("panel_b1"), VIEW_B1),
}
