"""What the privacy app keeps: the audit trail of subject-access exports."""

from __future__ import annotations

from django.db import models

from wards.models import User


class SubjectAccessExport(models.Model):
    """One download of everything held about one person, by whom and when.

    Holds no personal data about the subject (only what kind of record and its id), so the
    trail outlives an erasure without undoing it.
    """

    class Subject(models.TextChoices):
        KIN = "kin", "Key individual"
        PANEL_MEMBER = "panel_member", "Panel member"

    subject = models.CharField(max_length=20, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField(
        help_text="The key individual's id, or the panel member's user id."
    )
    exported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-exported_at",)
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_subject_display()} #{self.subject_id}, {self.exported_at:%d %b %Y}"
