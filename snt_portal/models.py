"""What the project as a whole keeps: the log that makes notification emails idempotent."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class SentNotification(models.Model):
    """One email sent for one reason to one person. The unique key means a retried or
    duplicated task finds the row and sends nothing."""

    key = models.CharField(
        max_length=200, help_text="What the email is about, e.g. 'meeting-reminder:42'."
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-sent_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key", "recipient"],
                name="one_notification_per_reason_per_recipient",
                violation_error_message="This notification was already sent to this person.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient}"
