"""Priorities: the panel's ballots on candidate issues, the priorities adopted, the team's plan
for each, and the reviews at later meetings (seed 004 §68-76, §82-83)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from engagement.concerns import ConcernCategory
from panels.models import Meeting, PanelMembership
from snt_portal.permissions import Area, ScopedQuerySet
from wards.models import User, Ward

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class PrioritySource(models.TextChoices):
    COMMUNITY = "community", "Community consultation"
    YOUTH = "youth", "Youth engagement"
    CRIME_ANALYSIS = "crime_analysis", "Crime analysis"


class BallotQuerySet(ScopedQuerySet["Ballot"]):
    def scope_q(self, area: Area) -> Q:
        return area.ward_q("meeting__panel__ward")


class Ballot(models.Model):
    """An approval ballot at a panel meeting: each member present may approve up to
    ``max_choices`` candidates; the ``seats`` most approved are adopted.

    Ties for the last seat are broken by the chair's casting vote. A secret ballot keeps no
    row per approval at all, only a count per candidate (``Candidate.secret_approvals``),
    raised in the same transaction that writes the member's unique paper: nobody, not even
    someone reading the database or its row order, can tell who approved what; the papers
    record only who voted. Open ballots keep an ``Approval`` row per choice, on its paper.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        OPEN = "open", "Open for voting"
        CLOSED = "closed", "Closed"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField(max_length=200, default="The ward's priorities")
    secret = models.BooleanField(default=True)
    max_choices = models.PositiveSmallIntegerField("choose up to", default=3)
    seats = models.PositiveSmallIntegerField("priorities to adopt", default=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The stored result: approvals per candidate, the order, any casting vote. Written once,
    # when the ballot closes, and never changed.
    result = models.JSONField(null=True, blank=True)

    history = HistoricalRecords()
    objects = BallotQuerySet.as_manager()

    if TYPE_CHECKING:
        meeting_id: int
        candidates: RelatedManager[Candidate]
        papers: RelatedManager[BallotPaper]

    class Meta:
        ordering = ("-pk",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(seats__gte=1),
                name="ballot_has_a_choice_and_a_seat",
                violation_error_message="Members must be able to choose at least one candidate.",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(result__isnull=False, closed_at__isnull=False),
                name="closed_ballot_has_its_result",
                violation_error_message="A closed ballot stores its result.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """An issue on the ballot: from the ward's preferences, or added by the chair."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates")
    issue = models.CharField(max_length=300)
    category = models.CharField(max_length=30, choices=ConcernCategory.choices)
    source = models.CharField(
        max_length=20, choices=PrioritySource.choices, default=PrioritySource.COMMUNITY
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Secret ballots only: how many papers approved this candidate (see Ballot).
    secret_approvals = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("ballot", "order", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ballot", "issue"],
                name="candidate_issue_unique_on_ballot",
                violation_error_message="This issue is already on the ballot.",
            )
        ]

    def __str__(self) -> str:
        return self.issue


class BallotPaper(models.Model):
    """That a member voted in a ballot: one paper per member per ballot, enforced here."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="papers")
    voter = models.ForeignKey(PanelMembership, on_delete=models.PROTECT, related_name="papers")
    cast_at = models.DateTimeField(auto_now_add=True)

    # Who voted and when: a paper holds no choice (see Ballot), so neither does its history.
    history = HistoricalRecords()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ballot", "voter"],
                name="one_paper_per_member_per_ballot",
                violation_error_message="You have already voted in this ballot.",
            )
        ]

    def __str__(self) -> str:
        return f"Paper {self.pk} in {self.ballot}"


class Approval(models.Model):
    """One approval of one candidate on one paper, in an open ballot."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="approvals")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="approvals")
    paper = models.ForeignKey(BallotPaper, on_delete=models.PROTECT, related_name="approvals")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["paper", "candidate"],
                name="one_approval_per_candidate_per_paper",
                violation_error_message="A paper approves a candidate once.",
            )
        ]

    def __str__(self) -> str:
        return f"Approval of {self.candidate}"


class PriorityQuerySet(ScopedQuerySet["Priority"]):
    def scope_q(self, area: Area) -> Q:
        return area.ward_q("ward")

    def active(self) -> PriorityQuerySet:
        return self.filter(status=Priority.Status.ACTIVE)


class Priority(models.Model):
    """A priority the ward's panel adopted, in police.uk's terms: issue and issue-date, then,
    once resolved, the action taken and its date."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="priorities")
    issue = models.TextField(help_text="What the panel asked the team to tackle.")
    category = models.CharField(max_length=30, choices=ConcernCategory.choices)
    source = models.CharField(max_length=20, choices=PrioritySource.choices)
    issue_date = models.DateField("date set")
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, null=True, blank=True, related_name="priorities"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    action = models.TextField(blank=True, help_text="What was done: shown once resolved.")
    action_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PriorityQuerySet.as_manager()

    if TYPE_CHECKING:
        ward_id: int
        actions: RelatedManager[PlannedAction]
        reviews: RelatedManager[Review]

    class Meta:
        verbose_name_plural = "priorities"
        ordering = ("-issue_date", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status="active") | Q(action__gt="", action_date__isnull=False),
                name="resolved_priority_says_what_was_done",
                violation_error_message="A resolved priority records the action and its date.",
            ),
            models.CheckConstraint(
                condition=Q(action_date__isnull=True) | Q(action_date__gte=F("issue_date")),
                name="priority_action_after_issue",
                violation_error_message="The action date cannot be before the issue date.",
            ),
        ]

    def __str__(self) -> str:
        return self.issue


class PlannedAction(models.Model):
    """A step in the plan for a priority, owned by a team member or a partner organisation."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="planned_actions"
    )
    partner = models.CharField("partner organisation", max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)

    history = HistoricalRecords()

    class Meta:
        ordering = ("priority", "due_date", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(partner__gt=""),
                name="action_has_an_owner",
                violation_error_message="Name the team member or partner who owns the action.",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class Review(models.Model):
    """A meeting's review of one active priority: progress, a note, continue or resolve."""

    class Rating(models.TextChoices):
        RED = "red", "Red: not on track"
        AMBER = "amber", "Amber: some progress"
        GREEN = "green", "Green: on track"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue"
        RESOLVE = "resolve", "Resolve"

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reviews")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    note = models.TextField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-recorded_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["priority", "meeting"],
                name="one_review_per_priority_per_meeting",
                violation_error_message="This priority was already reviewed at this meeting.",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.priority} ({self.get_rating_display()})"
