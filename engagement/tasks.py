"""Engagement's periodic jobs: thin, argument-free, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engagement import services


@shared_task(name="engagement.tasks.erase_expired_public_contacts")
def erase_expired_public_contacts() -> int:
    """Blank residents' contact details once SNT_PUBLIC_CONTACT_DAYS have passed; returns how
    many submissions were erased."""
    return services.erase_expired_public_contacts()
