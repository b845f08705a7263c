"""EPIC activity, the rollup tables the dashboards read, and Public Attitude Survey results.

Raw records: ``Activity`` (what officers log) and, for Communication, the engagement app's held
events (read in place, never copied). Summaries, written only by ``epic.rollups``:

- ``WardDay``: ward x day x type: records, quantity (a count or hours) and people reached;
- ``WardMonth``: ward x month x type, summed from ``WardDay``;
- ``BoroughMonth``: borough x month x type, summed from ``WardMonth``.

Every write to raw records adds its (ward, day) to ``DirtyBucket`` in the same transaction
(a transactional outbox): the rollup task recomputes exactly those buckets from the raw
records and deletes their outbox rows when it commits. A task that runs twice recomputes the
same values; one killed half-way commits nothing and leaves the outbox for the next run; a
broker that is down when a record is saved loses nothing, because the outbox row is in the
database and the nightly reconciliation drains it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from epic.catalogue import LOGGED_CHOICES, TYPE_KEY_MAX_LENGTH, Category
from snt_portal.permissions import Area, ScopedQuerySet
from wards.models import Borough, User, Ward


class ActivityQuerySet(ScopedQuerySet["Activity"]):
    def scope_q(self, area: Area) -> Q:
        return area.ward_q("ward")


class Activity(models.Model):
    """One line of EPIC activity: an officer did ``quantity`` of ``type`` in a ward on a day."""

    class Source(models.TextChoices):
        FORM = "form", "Quick form"
        SHIFT = "shift", "Shift form"
        UPLOAD = "upload", "CSV upload"
        API = "api", "API"
        DEMO = "demo", "Demo data"

    officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="epic_activities")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="epic_activities")
    date = models.DateField()
    category = models.CharField(max_length=1, choices=Category.choices, editable=False)
    type = models.CharField(max_length=TYPE_KEY_MAX_LENGTH, choices=LOGGED_CHOICES)
    quantity = models.DecimalField(max_digits=7, decimal_places=2)
    priority = models.ForeignKey(
        "priorities.Priority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="epic_activities",
        help_text="The ward priority this worked on, if any.",
    )
    note = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activities"
        ordering = ("-date", "-pk")
        indexes: ClassVar = [
            # The rollup recomputes (ward, day) buckets; lists filter a ward by date.
            models.Index(fields=["ward", "date", "type"], name="epic_activity_bucket_idx"),
            models.Index(fields=["date"], name="epic_activity_date_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="epic_activity_quantity_positive",
                violation_error_message="Enter a quantity greater than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} x {self.quantity:g} ({self.date:%d %b %Y})"


class DirtyBucket(models.Model):
    """A (ward, day) whose rollup must be recomputed: the outbox of raw-record writes."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ward", "day"], name="epic_dirty_bucket_unique")
        ]

    def __str__(self) -> str:
        return f"ward {self.ward_id}, {self.day}"


class _Totals(models.Model):
    type = models.CharField(max_length=TYPE_KEY_MAX_LENGTH)
    category = models.CharField(max_length=1, choices=Category.choices)
    records = models.PositiveIntegerField(default=0)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    people = models.PositiveIntegerField(default=0, help_text="People attending (engagement).")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.type}: {self.records} records, {self.quantity} ({self.people} people)"


# The summaries' foreign keys have no database constraint and no index of their own: the raw
# records already guarantee the ward, a per-row constraint check would dominate a full rebuild,
# and each unique constraint's index leads with the ward (or borough).


class WardDay(_Totals):
    """The finest summary. Like the months, its key is the bucket itself, with no surrogate
    id and no other index: a full rebuild on PostgreSQL writes each summary as a new table and
    builds its one index at the end (epic.rollups)."""

    pk = models.CompositePrimaryKey("ward_id", "day", "type")
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField()


class WardMonth(_Totals):
    pk = models.CompositePrimaryKey("ward_id", "month", "type")
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(help_text="The first day of the month.")


class BoroughMonth(_Totals):
    pk = models.CompositePrimaryKey("borough_id", "month", "type")
    borough = models.ForeignKey(
        Borough, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(help_text="The first day of the month.")


class RollupStatus(models.Model):
    """When the rollups last caught up with the outbox (one row)."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    buckets_refreshed = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "rollup status"

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}, rebuilt {self.rebuilt_at}"


class PasMeasure(models.TextChoices):
    """Public Attitude Survey measures (the percentage agreeing)."""

    FEEL_SAFE = "feel_safe_after_dark", "Feel safe walking alone after dark"
    GOOD_JOB = "police_do_good_job", "Police do a good job in the local area"
    WORRY_VIOLENCE = "worry_about_violence", "Worried about violence"
    INFORMED = "feel_informed", "Feel well informed about local police activity"
    UNIFORMED_PRESENCE = "see_uniformed_weekly", "See a uniformed presence at least weekly"


class PasResult(models.Model):
    """One borough's result on one PAS measure in one quarter (imported by ``import_pas``)."""

    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="pas_results")
    quarter = models.DateField(help_text="The first day of the quarter.")
    measure = models.CharField(max_length=30, choices=PasMeasure.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("borough", "quarter", "measure")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["borough", "quarter", "measure"], name="epic_pas_unique"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="epic_pas_percent_range",
                violation_error_message="A percentage is between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.borough_id} {self.quarter} {self.measure}: {self.percent}%"
