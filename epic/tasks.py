"""EPIC rollup tasks: thin, argument-free, safe to run twice or to be killed half-way."""

from __future__ import annotations

from celery import shared_task

from epic import rollups


@shared_task(name="epic.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """Recompute every bucket in the outbox; returns how many buckets were recomputed."""
    return rollups.refresh()
