"""Permission-matrix rows for subject-access exports: administrators only, everywhere.

Whoever can see the ward gets 403 (the record's existence is no secret to them, the export
is); whoever cannot gets 404. Even the KIN's own team cannot download the export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from panels.models import PanelMembership

#          anon pcso  pc  sgt insp panM panC  bm  cen  adm
IN_A1 = (302, 403, 403, 403, 403, 403, 403, 403, 403, 200)
ELSEWHERE = (302, 404, 404, 404, 404, 404, 404, 404, 403, 200)


def _membership(panel: str) -> Callable[[Any], dict[str, Any]]:
    def target(w: Any) -> dict[str, Any]:
        seat = PanelMembership.objects.filter(panel=getattr(w, panel)).order_by("pk").first()
        assert seat is not None
        return {"pk": seat.pk}

    return target


ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "privacy:kin_export": ("get", lambda w: {"pk": w.kin_a1.pk}, IN_A1),
    "privacy:kin_export[other borough]": ("get", lambda w: {"pk": w.kin_b1.pk}, ELSEWHERE),
    "privacy:member_export": ("get", _membership("panel_a1"), IN_A1),
    "privacy:member_export[other borough]": ("get", _membership("panel_b1"), ELSEWHERE),
}
