"""Permission-matrix rows for the authenticated API (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin). The matrix's clients are signed in with the session;
test_api_matrix_with_tokens asks every row again with a token (a device's way), expecting the same.

The API answers an anonymous request 401 (with ``WWW-Authenticate: Token``), never a redirect
to the sign-in page; the schema and the documentation are public. Otherwise the rules are the
pages': a list needs its permission somewhere (403 for a role that never has it), an object
outside what a role may see is 404, one it may see but not read or change is 403.

The matrix sends no body. A POST therefore gets 415 (the API takes JSON only) from every role
that got past authentication and the permission check, which is what these rows show; an
empty PATCH changes nothing and answers 200 to those allowed to make it. Deleting is in
tests/api/test_activities.py, one fresh record per role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api import data

#              anon pcso  pc  sgt insp panM panC  bm  cen  adm
READ_EPIC = (401, 200, 200, 200, 200, 403, 403, 200, 200, 200)
LOG_EPIC = (401, 415, 415, 415, 415, 403, 403, 403, 403, 415)
READ_ENGAGEMENT, LOG_ENGAGEMENT = READ_EPIC, LOG_EPIC  # the same roles, as on the pages
READ_B1 = (401, 404, 404, 404, 404, 404, 404, 404, 200, 200)
CHANGE_A1 = (401, 200, 403, 200, 200, 403, 403, 403, 403, 200)
CHANGE_B1 = (401, 404, 404, 404, 404, 404, 404, 404, 403, 200)
EVERYONE = (401, 200, 200, 200, 200, 200, 200, 200, 200, 200)
LOG_ENG_A1 = (401, 200, 200, 200, 200, 403, 403, 403, 403, 200)
NOT_ALLOWED = (401, 405, 405, 405, 405, 405, 405, 405, 405, 405)
LONDON = (401, 403, 403, 403, 403, 403, 403, 403, 200, 200)
PLACE_A = (401, 403, 403, 200, 200, 403, 403, 200, 200, 200)
PUBLIC = (200,) * 10
SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
NOWHERE = (401, 404, 404, 404, 404, 404, 404, 404, 404, 404)

Target = Callable[[Any], dict[str, Any]]


def _none(**extra: str) -> Target:
    return lambda w: dict(extra)


def _record(ward: str) -> Target:
    """A record the ward's PCSO logged for themselves (in B1, B1's PC for themselves)."""

    def target(w: Any) -> dict[str, Any]:
        officer = w.posting_a1.person if ward == "a1" else w.posting_b1.person
        return {"pk": data.activity(getattr(w, ward), officer).pk}

    return target


def _event(name: str) -> Target:
    return lambda w: {"pk": getattr(w, name).pk}


def _priority(ward: str) -> Target:
    return lambda w: {"pk": data.priority(getattr(w, ward)).pk}


def _review(ward: str) -> Target:
    def target(w: Any) -> dict[str, Any]:
        panel = w.panel_a1 if ward == "a1" else w.panel_b1
        return {"pk": data.review(data.priority(panel.ward), panel, w.users["admin"]).pk}

    return target


def _borough(ward: str, **extra: str) -> Target:
    return lambda w: {"code": getattr(w, ward).borough.code, **extra}


def _ward(ward: str, **extra: str) -> Target:
    return lambda w: {"code": getattr(w, ward).code, **extra}


TABLE = {"table": "epic_by_category"}

ROWS: dict[str, tuple[str, Target, tuple[int, ...]]] = {
    # EPIC activity
    "api:activity_list": ("get", _none(), READ_EPIC),
    "api:activity_list[create]": ("post", _none(), LOG_EPIC),
    "api:activity_detail": ("get", _record("a1"), READ_EPIC),
    "api:activity_detail[other borough]": ("get", _record("b1"), READ_B1),
    "api:activity_detail[correct]": ("patch", _record("a1"), CHANGE_A1),
    "api:activity_detail[correct, other borough]": ("patch", _record("b1"), CHANGE_B1),
    "api:epic_types": ("get", _none(), EVERYONE),
    # Engagement events
    "api:event_list": ("get", _none(), READ_ENGAGEMENT),
    "api:event_list[create]": ("post", _none(), LOG_ENGAGEMENT),
    "api:event_detail": ("get", _event("event_a1"), READ_ENGAGEMENT),
    "api:event_detail[other borough]": ("get", _event("event_b1"), READ_B1),
    "api:event_detail[outcome]": ("patch", _event("event_a1"), LOG_ENG_A1),
    "api:event_detail[outcome, other borough]": ("patch", _event("event_b1"), CHANGE_B1),
    "api:event_detail[delete]": ("delete", _event("event_a1"), NOT_ALLOWED),
    # Priorities and reviews: anyone who sees the ward's panel
    "api:priority_list": ("get", _none(), EVERYONE),
    "api:priority_detail": ("get", _priority("a1"), EVERYONE),
    "api:priority_detail[other borough]": ("get", _priority("b1"), READ_B1),
    "api:review_list": ("get", _none(), EVERYONE),
    "api:review_detail": ("get", _review("a1"), EVERYONE),
    "api:review_detail[other borough]": ("get", _review("b1"), READ_B1),
    # Dashboards and their tables: as the dashboard pages
    "api:dashboard_london": ("get", _none(), LONDON),
    "api:dashboard_london_table": ("get", _none(**TABLE), LONDON),
    "api:dashboard_borough": ("get", _borough("a1"), PLACE_A),
    "api:dashboard_borough[other borough]": ("get", _borough("b1"), READ_B1),
    "api:dashboard_borough_table": ("get", _borough("a1", **TABLE), PLACE_A),
    "api:dashboard_borough_table[other borough]": ("get", _borough("b1", **TABLE), READ_B1),
    "api:dashboard_ward": ("get", _ward("a1"), PLACE_A),
    "api:dashboard_ward[other borough]": ("get", _ward("b1"), READ_B1),
    "api:dashboard_ward_table": ("get", _ward("a1", **TABLE), PLACE_A),
    "api:dashboard_ward_table[other borough]": ("get", _ward("b1", **TABLE), READ_B1),
    # Tokens: the endpoint takes no session (and here no body); the page is for the signed in
    "api:token_obtain": ("post", _none(), (415,) * 10),
    "api:token_page": ("get", _none(), SIGNED_IN),
    # The schema and its documentation are public
    "api:schema": ("get", _none(), PUBLIC),
    "api:docs": ("get", _none(), PUBLIC),
    # Any other path under /api/v1/: the API's JSON 404, once authenticated
    "api:no_such_endpoint": ("get", lambda w: {"rest": "epic/activities/not-a-number/"}, NOWHERE),
}
