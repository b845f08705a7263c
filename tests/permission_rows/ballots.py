"""Permission-matrix rows for the ballots URLs (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin).

Targets are ballots at a meeting of world.panel_a1 or world.panel_b1, made inside the row.
POST-only views answer a redirect (302) to whoever may act, whatever the outcome: the first
allowed role acts and the later ones are told the ballot has moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from priorities.models import Ballot, Candidate
from tests.factories import MeetingFactory

#                  anon pcso  pc  sgt insp panM panC  bm  cen  adm
EVERYONE = (302, 200, 200, 200, 200, 200, 200, 200, 200, 200)  # VIEW_PANEL over A1
READ_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)
RUN_A1 = (302, 403, 403, 403, 403, 403, 200, 403, 403, 200)  # RUN_BALLOTS
RUN_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)
RUN_POST_A1 = (302, 403, 403, 403, 403, 403, 302, 403, 403, 302)
RUN_POST_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 302)
VOTE_A1 = (302, 403, 403, 403, 403, 200, 200, 403, 403, 403)  # VOTE: panel members only
VOTE_OUTSIDE_A = (302, 404, 404, 404, 404, 404, 404, 404, 403, 403)


def _meeting(panel: Any) -> int:
    return int(MeetingFactory.create(panel=panel).pk)


def _ballot(panel: Any, status: str = Ballot.Status.DRAFT) -> int:
    ballot = Ballot.objects.create(
        meeting_id=_meeting(panel),
        status=status,
        opened_at=timezone.now() if status != Ballot.Status.DRAFT else None,
    )
    Candidate.objects.bulk_create(
        Candidate(ballot=ballot, issue=issue, category=category, order=n)
        for n, (issue, category) in enumerate(
            [
                ("Burglary", "burglary"),
                ("Groups of youths by the shops", "asb_youths"),
                ("Speeding on the High Road", "road_safety"),
                ("Drug dealing in the park", "drugs"),
            ]
        )
    )
    return ballot.pk


def _a1(status: str = Ballot.Status.DRAFT) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": _ballot(w.panel_a1, status)}


def _b1(status: str = Ballot.Status.DRAFT) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": _ballot(w.panel_b1, status)}


OPEN = Ballot.Status.OPEN

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "priorities:ballot_create": ("get", lambda w: {"pk": _meeting(w.panel_a1)}, RUN_A1),
    "priorities:ballot_create[other borough]": (
        "get",
        lambda w: {"pk": _meeting(w.panel_b1)},
        RUN_OUTSIDE_A,
    ),
    "priorities:ballot_detail": ("get", _a1(OPEN), EVERYONE),
    "priorities:ballot_detail[other borough]": ("get", _b1(OPEN), READ_OUTSIDE_A),
    "priorities:ballot_open": ("post", _a1(), RUN_POST_A1),
    "priorities:ballot_open[other borough]": ("post", _b1(), RUN_POST_OUTSIDE_A),
    "priorities:ballot_vote": ("get", _a1(OPEN), VOTE_A1),
    "priorities:ballot_vote[post]": ("post", _a1(OPEN), VOTE_A1),
    "priorities:ballot_vote[other borough]": ("get", _b1(OPEN), VOTE_OUTSIDE_A),
    "priorities:ballot_vote[post, other borough]": ("post", _b1(OPEN), VOTE_OUTSIDE_A),
    "priorities:ballot_close": ("get", _a1(OPEN), RUN_A1),
    # Nobody is recorded present: the close is refused and the page says why.
    "priorities:ballot_close[post, not quorate]": ("post", _a1(OPEN), RUN_A1),
    "priorities:ballot_close[other borough]": ("get", _b1(OPEN), RUN_OUTSIDE_A),
    "priorities:ballot_close[post, other borough]": ("post", _b1(OPEN), RUN_OUTSIDE_A),
}
