"""Permission-matrix rows for the open data (police.uk shape, under /api/).

Open data needs no sign-in and answers everyone alike, signed in or not, whoever they are and
whichever ward or borough they hold: a ward of borough B is as public as one of borough A.
``locate-neighbourhood`` without its ``q`` is a bad request for everyone, also alike. Only the
Met's data is here: any other force is a 404 (``force`` is not an object a role may or may not
hold, so these rows are documentation rather than IDOR cases).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PUBLIC = (200,) * 10
BAD_REQUEST = (400,) * 10
NOWHERE = (404,) * 10


def _none(**extra: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: dict(extra)


def _ward(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"force": "metropolitan", "code": getattr(w, name).code}


_MET = _none(force="metropolitan")

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "opendata:force_list": ("get", _none(), PUBLIC),
    "opendata:force_detail": ("get", _MET, PUBLIC),
    "opendata:crime_categories": ("get", _none(), PUBLIC),
    "opendata:locate_neighbourhood": ("get", _none(), BAD_REQUEST),
    "opendata:force_detail[another force]": ("get", _none(force="city-of-london"), NOWHERE),
    "opendata:neighbourhood_list": ("get", _MET, PUBLIC),
    "opendata:neighbourhood_list[another force]": (
        "get",
        _none(force="city-of-london"),
        NOWHERE,
    ),
}
for _name in ("detail", "people", "events", "priorities", "boundary"):
    ROWS[f"opendata:neighbourhood_{_name}"] = ("get", _ward("a1"), PUBLIC)
    ROWS[f"opendata:neighbourhood_{_name}[other borough]"] = ("get", _ward("b1"), PUBLIC)
