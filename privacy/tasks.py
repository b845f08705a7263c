"""Retention jobs: thin, argument-free, safe to run twice (scheduled in snt_portal/celery.py)."""

from __future__ import annotations

from celery import shared_task

from privacy import services


@shared_task(name="privacy.tasks.erase_unreviewed_kins")
def erase_unreviewed_kins() -> int:
    """Erase KINs left uncontacted SNT_KIN_ERASE_AFTER_REVIEW_DAYS after being flagged for
    review; returns how many were erased."""
    return services.erase_unreviewed_kins()


@shared_task(name="privacy.tasks.delete_ended_declarations")
def delete_ended_declarations() -> int:
    """Delete diversity declarations whose membership has ended; returns how many."""
    return services.delete_ended_declarations()
