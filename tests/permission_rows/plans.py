"""Permission-matrix rows for the plans URLs (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from priorities.models import PlannedAction, Priority, PrioritySource
from tests.factories import BoroughFactory, WardFactory

#                  anon pcso  pc  sgt insp panM panC  bm  cen  adm
EVERYONE = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
READ_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
CHAIR_A1 = (302, 403, 403, 403, 403, 403, 200, 403, 403, 200)  # RUN_BALLOTS: adopt directly
PLAN_A1 = (302, 403, 403, 200, 200, 403, 403, 403, 403, 200)  # MANAGE_PLAN
REVIEW_A1 = (302, 403, 403, 200, 200, 403, 200, 403, 403, 200)  # RECORD_REVIEWS
WRITE_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)
PUBLIC = (200,) * 10
NOWHERE = (404,) * 10


def _priority(ward: Any) -> int:
    return Priority.objects.create(
        ward=ward,
        issue="Groups gathering by the shops in the evening",
        category="asb_youths",
        source=PrioritySource.COMMUNITY,
        issue_date=timezone.localdate() - dt.timedelta(days=30),
    ).pk


def _action(ward: Any) -> int:
    return PlannedAction.objects.create(
        priority_id=_priority(ward), description="Weekly patrols", partner="The council"
    ).pk


def _old_ward(world: Any) -> str:
    """A ward whose boundary ended: not a current ward, so no public page."""
    return WardFactory.create(
        borough=world.a1.borough, valid_from=dt.date(2014, 5, 22), valid_to=dt.date(2022, 5, 5)
    ).code


def _city_ward(world: Any) -> str:
    """A City of London ward: policed by the City's own force, not the Met."""
    city = BoroughFactory.create(name="City of London", is_met=False)
    return WardFactory.create(borough=city).code


ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "priorities:ward_priorities": ("get", lambda w: {"code": w.a1.code}, EVERYONE),
    "priorities:ward_priorities[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        READ_OUTSIDE_A,
    ),
    "priorities:priority_create": ("get", lambda w: {"code": w.a1.code}, CHAIR_A1),
    "priorities:priority_create[other borough]": (
        "get",
        lambda w: {"code": w.b1.code},
        WRITE_OUTSIDE_A,
    ),
    "priorities:action_create": ("get", lambda w: {"pk": _priority(w.a1)}, PLAN_A1),
    "priorities:action_create[other borough]": (
        "get",
        lambda w: {"pk": _priority(w.b1)},
        WRITE_OUTSIDE_A,
    ),
    "priorities:action_update": ("get", lambda w: {"pk": _action(w.a1)}, PLAN_A1),
    "priorities:action_update[other borough]": (
        "get",
        lambda w: {"pk": _action(w.b1)},
        WRITE_OUTSIDE_A,
    ),
    "priorities:review_create": ("get", lambda w: {"pk": _priority(w.a1)}, REVIEW_A1),
    "priorities:review_create[other borough]": (
        "get",
        lambda w: {"pk": _priority(w.b1)},
        WRITE_OUTSIDE_A,
    ),
    "priorities:borough_priorities": ("get", lambda w: {"code": w.a1.borough.code}, EVERYONE),
    "priorities:borough_priorities[other borough]": (
        "get",
        lambda w: {"code": w.b1.borough.code},
        READ_OUTSIDE_A,
    ),
    # The public ward page: no sign-in, current Met wards only.
    "priorities:public_ward": ("get", lambda w: {"code": w.a1.code}, PUBLIC),
    "priorities:public_ward[other borough]": ("get", lambda w: {"code": w.b1.code}, PUBLIC),
    "priorities:public_ward[not a current ward]": (
        "get",
        lambda w: {"code": _old_ward(w)},
        NOWHERE,
    ),
    "priorities:public_ward[not a Met ward]": ("get", lambda w: {"code": _city_ward(w)}, NOWHERE),
}
