"""Priority notification tasks: thin, taking ids at most, safe to run twice (send_once)."""

from celery import shared_task

from priorities import services


@shared_task(name="priorities.tasks.send_review_reminders")
def send_review_reminders() -> int:
    """Email ward sergeants about priority reviews due within 7 days or overdue; returns how
    many emails went out (none for a priority and due date already reminded)."""
    return services.send_review_reminders()


@shared_task(name="priorities.tasks.send_ballot_opened")
def send_ballot_opened(ballot_id: int) -> int:
    """Email the members recorded present that a ballot is open (enqueued on commit by
    open_ballot); returns how many emails went out now (none if already sent)."""
    from priorities.ballots import send_ballot_opened_notices

    return send_ballot_opened_notices(ballot_id=ballot_id)
