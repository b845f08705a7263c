"""Permission-matrix rows for the dashboards, their CSV exports and map data.

London is for those who hold VIEW_DASHBOARD everywhere (the central unit, administrators); a
borough's for those who hold it over the borough or a ward in it (sergeants, inspectors, the
borough's managers); a ward's for those who hold it over the ward. Officers without
VIEW_DASHBOARD and panels get 403 where they can see the place, 404 where they cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#             anon pcso  pc  sgt insp panM panC  bm  cen  adm
LONDON = (302, 403, 403, 403, 403, 403, 403, 403, 200, 200)
BOROUGH_A = (302, 403, 403, 200, 200, 403, 403, 200, 200, 200)
WARD_A1 = (302, 403, 403, 200, 200, 403, 403, 200, 200, 200)
ELSEWHERE = (302, 404, 404, 404, 404, 404, 404, 404, 200, 200)


def _borough(name: str, **extra: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).borough.code, **extra}


def _ward(name: str, **extra: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).code, **extra}


def _none(**extra: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: dict(extra)


TABLE = {"table": "epic_by_category"}

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "epic:london_dashboard": ("get", _none(), LONDON),
    "epic:london_export": ("get", _none(**TABLE), LONDON),
    "epic:london_map": ("get", _none(), LONDON),
    "epic:borough_dashboard": ("get", _borough("a1"), BOROUGH_A),
    "epic:borough_dashboard[other borough]": ("get", _borough("b1"), ELSEWHERE),
    "epic:borough_export": ("get", _borough("a1", **TABLE), BOROUGH_A),
    "epic:borough_export[other borough]": ("get", _borough("b1", **TABLE), ELSEWHERE),
    "epic:borough_map": ("get", _borough("a1"), BOROUGH_A),
    "epic:borough_map[other borough]": ("get", _borough("b1"), ELSEWHERE),
    "epic:ward_dashboard": ("get", _ward("a1"), WARD_A1),
    "epic:ward_dashboard[other borough]": ("get", _ward("b1"), ELSEWHERE),
    "epic:ward_export": ("get", _ward("a1", **TABLE), WARD_A1),
    "epic:ward_export[other borough]": ("get", _ward("b1", **TABLE), ELSEWHERE),
    "epic:ward_map": ("get", _ward("a1"), WARD_A1),
    "epic:ward_map[other borough]": ("get", _ward("b1"), ELSEWHERE),
}
