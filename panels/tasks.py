"""Panel notification tasks: thin, argument-free, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from panels import services


@shared_task(name="panels.tasks.send_meeting_reminders")
def send_meeting_reminders() -> int:
    """Remind members of meetings in the next 48 hours (once each); returns emails sent."""
    return services.send_meeting_reminders()
