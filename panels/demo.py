"""Demo panels for seed_demo (being written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable


def seed_panels(*, today: dt.date, progress: Callable[[str], None]) -> None:
    """Panels, members, meetings and attendance for the demo wards (idempotent)."""
