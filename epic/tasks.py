"""EPIC rollup tasks: thin, argument-free, safe to run twice or to be killed half-way."""

from __future__ import annotations

from celery import shared_task

from epic import rollups


@shared_task(name="epic.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """Recompute every bucket in the outbox; returns how many buckets were recomputed."""
    return rollups.refresh()


@shared_task(name="epic.tasks.reconcile_rollups")
def reconcile_rollups() -> dict[str, object]:
    """The nightly catch-up: drain the outbox, then rebuild the last few days outright."""
    report = rollups.reconcile()
    return {
        "since": report.since.isoformat() if report.since else None,
        "ward_days": report.ward_days,
        "outbox_cleared": report.outbox_cleared,
        "seconds": round(report.seconds, 3),
    }


@shared_task(name="epic.tasks.warm_dashboards")
def warm_dashboards() -> int:
    """Build London's and every borough's default dashboard into the cache (so a manager
    opening one reads it rather than waits for it); returns how many were built."""
    from epic import dashboards

    return dashboards.warm()
