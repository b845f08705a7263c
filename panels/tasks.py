"""Panel notification tasks (being written)."""

from celery import shared_task


@shared_task(name="panels.tasks.send_meeting_reminders")
def send_meeting_reminders() -> int:
    return 0
