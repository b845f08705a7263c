"""Permission-matrix rows for the EPIC logging URLs (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin).

A ward's records are for those who may see its EPIC activity (VIEW_EPIC: the team, the
inspector, managers, analysts, administrators; not panels). Logging is for the ward's team,
its inspector and administrators (LOG_EPIC). A record is changed by its officer or whoever
logged it, or a supervisor (sergeant, inspector, administrator): the target records below were
logged by the PCSO for themselves, so the PC gets 403. Uploads are a borough's (UPLOAD_EPIC:
borough managers, administrators). Everything outside what a role may see is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epic.catalogue import Category
from epic.models import Activity

#              anon pcso  pc  sgt insp panM panC  bm  cen  adm
VIEW_A1 = (302, 200, 200, 200, 200, 403, 403, 200, 200, 200)
VIEW_B1 = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
LOG_A1 = (302, 200, 200, 200, 200, 403, 403, 403, 403, 200)
LOG_A2 = (302, 404, 404, 404, 200, 404, 404, 403, 403, 200)
LOG_B1 = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)
CHANGE_A1 = (302, 200, 403, 200, 200, 403, 403, 403, 403, 200)
UPLOAD_A = (302, 403, 403, 403, 403, 403, 403, 200, 403, 200)
UPLOAD_B = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)
# Officers posted to one ward team go straight to its quick form; others choose.
START = (302, 302, 302, 302, 200, 200, 200, 200, 200, 200)


def _record(ward_name: str) -> Callable[[Any], dict[str, Any]]:
    def target(w: Any) -> dict[str, Any]:
        ward = getattr(w, ward_name)
        officer = w.posting_a1.person if ward_name == "a1" else w.posting_b1.person
        activity = Activity.objects.create(
            officer=officer,
            ward=ward,
            date=timezone.localdate(),
            category=Category.ENFORCEMENT,
            type="arrest",
            quantity=Decimal(1),
            created_by=officer,
        )
        return {"pk": activity.pk}

    return target


def _ward(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).code}


def _borough(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).borough.code}


ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "epic:log_start": ("get", lambda w: {}, START),
    "epic:activity_list": ("get", _ward("a1"), VIEW_A1),
    "epic:activity_list[other borough]": ("get", _ward("b1"), VIEW_B1),
    "epic:activity_create": ("get", _ward("a1"), LOG_A1),
    "epic:activity_create[other ward, same cluster]": ("get", _ward("a2"), LOG_A2),
    "epic:activity_create[other borough]": ("get", _ward("b1"), LOG_B1),
    "epic:activity_shift": ("get", _ward("a1"), LOG_A1),
    "epic:activity_shift[other ward, same cluster]": ("get", _ward("a2"), LOG_A2),
    "epic:activity_shift[other borough]": ("get", _ward("b1"), LOG_B1),
    "epic:activity_edit": ("get", _record("a1"), CHANGE_A1),
    "epic:activity_edit[other borough]": ("get", _record("b1"), LOG_B1),
    "epic:activity_delete": ("get", _record("a1"), CHANGE_A1),
    "epic:activity_delete[other borough]": ("get", _record("b1"), LOG_B1),
    "epic:activity_upload": ("get", _borough("a1"), UPLOAD_A),
    "epic:activity_upload[other borough]": ("get", _borough("b1"), UPLOAD_B),
    "epic:activity_upload_template": ("get", _borough("a1"), UPLOAD_A),
    "epic:activity_upload_template[other borough]": ("get", _borough("b1"), UPLOAD_B),
}
