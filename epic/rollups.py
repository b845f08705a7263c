"""The EPIC rollups: ward x day -> ward x month -> borough x month (see epic.models).

``mark_dirty`` is the only thing writers call: in the transaction that changes raw records
(EPIC activity or engagement events), with every (ward, day) the change touched, the old
bucket and the new one when a record moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from epic.models import DirtyBucket


def mark_dirty(buckets: Iterable[tuple[int, dt.date]]) -> None:
    """Queue (ward id, day) buckets for recomputation, and a refresh once this commits."""
    rows = [DirtyBucket(ward_id=ward_id, day=day) for ward_id, day in set(buckets)]
    if not rows:
        return
    DirtyBucket.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    transaction.on_commit(_enqueue_refresh, robust=True)


def _enqueue_refresh() -> None:
    from epic import tasks  # the task module imports this one

    tasks.refresh_rollups.delay()
