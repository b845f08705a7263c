"""Demo ballots, priorities, plans and reviews for seed_demo (being written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable


def seed_priorities(*, today: dt.date, progress: Callable[[str], None]) -> None:
    """Closed ballots with their adopted priorities, plans and reviews (idempotent)."""
