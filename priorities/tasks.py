"""Priority notification tasks (being written)."""

from celery import shared_task


@shared_task(name="priorities.tasks.send_review_reminders")
def send_review_reminders() -> int:
    return 0
