"""Which neighbourhood a point is in: the crime app's ward locator, kept per process.

``crime.imports.WardLocator`` indexes the current wards' boundaries in a shapely STRtree
(about half a second to build for London's 704 wards, then microseconds a point). Each process
keeps one, rebuilt when the geography token changes (a ward or boundary was written) or the
day does (wards come into and go out of force on a date).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from django.utils import timezone

from crime.imports import WardLocator
from wards.models import Ward


@dataclass
class _Index:
    key: tuple[str, dt.date]
    locator: WardLocator = field(default_factory=WardLocator)
    # Ward id → code for the current Met wards: a point in a City of London ward is in the
    # City force's area, not in one of our neighbourhoods.
    met_codes: dict[int, str] = field(default_factory=dict)

    def build(self) -> _Index:
        self.locator.build()
        self.met_codes = dict(
            Ward.objects.current(self.key[1]).filter(borough__is_met=True).values_list("pk", "code")
        )
        return self


_lock = threading.Lock()
_index: _Index | None = None


def neighbourhood_at(*, latitude: float, longitude: float, geography: str) -> str | None:
    """The code of the current Met ward containing the point, or None.

    ``geography`` is the current geography token (``opendata.invalidation.GEOGRAPHY``). A point
    on the edge between two wards belongs to the one with the lower code, as in the crime
    imports.
    """
    global _index
    key = (geography, timezone.localdate())
    index = _index
    if index is None or index.key != key:
        with _lock:
            if _index is None or _index.key != key:
                _index = _Index(key).build()
            index = _index
    ward_id = index.locator.ward_at(longitude, latitude)
    return index.met_codes.get(ward_id) if ward_id is not None else None
