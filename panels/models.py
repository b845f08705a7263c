"""Neighbourhood panels: who sits on each ward's panel, its meetings, attendance and minutes,
and members' optional self-declared diversity (only ever shown as suppressed aggregates)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from snt_portal.permissions import Area, ScopedQuerySet
from wards.models import User, Ward

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

_M = TypeVar("_M", bound=models.Model)


class PanelScopedQuerySet(ScopedQuerySet[_M]):
    """Rows that belong to a ward through ``panel__ward``."""

    panel_path = "panel__"

    def scope_q(self, area: Area) -> Q:
        return area.ward_q(f"{self.panel_path}ward")


class PanelQuerySet(ScopedQuerySet["Panel"]):
    def scope_q(self, area: Area) -> Q:
        return area.ward_q("ward")


class Panel(models.Model):
    """A ward's neighbourhood panel (seed 004 §68): residents and partners who set the ward's
    priorities and review the team's progress on them."""

    ward = models.OneToOneField(Ward, on_delete=models.PROTECT, related_name="panel")
    name = models.CharField(max_length=200)
    established_on = models.DateField(null=True, blank=True)

    objects = PanelQuerySet.as_manager()

    if TYPE_CHECKING:
        ward_id: int
        memberships: RelatedManager[PanelMembership]
        meetings: RelatedManager[Meeting]

    class Meta:
        ordering = ("ward__borough__name", "ward__name")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(PanelScopedQuerySet["PanelMembership"]):
    def current(self, on: object = None) -> MembershipQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=day), term_start__lte=day)


class PanelMembership(models.Model):
    """A person's seat on a panel for a term."""

    class Position(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        SECRETARY = "secretary", "Secretary"
        MEMBER = "member", "Member"
        PARTNER = "partner", "Partner representative"

    class Partner(models.TextChoices):
        COUNCIL = "council", "Council"
        HOUSING = "housing", "Housing provider"
        SCHOOL = "school", "School or college"
        BUSINESS = "business", "Business"
        HEALTH = "health", "Health service"
        OTHER = "other", "Other partner"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_memberships")
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.MEMBER)
    partner = models.CharField(
        "partner organisation", max_length=20, choices=Partner.choices, blank=True
    )
    is_police = models.BooleanField(
        "a police officer",
        default=False,
        help_text="A chair who is police makes the panel police-led.",
    )
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    if TYPE_CHECKING:
        panel_id: int
        user_id: int

    class Meta:
        ordering = ("panel", "position", "user__last_name")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="membership_term_ends_after_it_starts",
                violation_error_message="A term cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(position="partner", partner__gt="")
                | (~Q(position="partner") & Q(partner="")),
                name="membership_partner_names_organisation",
                violation_error_message="A partner representative names their organisation.",
            ),
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=Q(term_end__isnull=True),
                name="one_open_membership_per_person_per_panel",
                violation_error_message="This person already sits on this panel.",
            ),
            models.UniqueConstraint(
                fields=["panel"],
                condition=Q(position="chair", term_end__isnull=True),
                name="one_open_chair_per_panel",
                violation_error_message="This panel already has a chair.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}, {self.get_position_display()} ({self.panel})"


class MeetingQuerySet(PanelScopedQuerySet["Meeting"]):
    pass


class Meeting(models.Model):
    """A panel meeting: when and where, the agenda, who attended, the minutes."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "Not written"
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    scheduled_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    public_attendees = models.PositiveIntegerField(
        "members of the public attending", null=True, blank=True
    )
    organisations = models.TextField("organisations present", blank=True)
    minutes = models.TextField(blank=True)
    minutes_status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    # Minutes are approved at the next meeting (seed 004 §68): which one.
    minutes_approved_at = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    if TYPE_CHECKING:
        panel_id: int
        agenda_items: RelatedManager[AgendaItem]
        attendance: RelatedManager[Attendance]

    class Meta:
        ordering = ("-scheduled_at",)
        indexes: ClassVar = [
            models.Index(fields=["panel", "scheduled_at"], name="meeting_panel_when_idx")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(minutes_status="approved") | Q(minutes_approved_at__isnull=False),
                name="approved_minutes_name_the_approving_meeting",
                violation_error_message="Approved minutes name the meeting that approved them.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panel} meeting, {self.scheduled_at:%d %b %Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("meeting", "order", "pk")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether a member was at a meeting. Members recorded present may vote in its ballots."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        PanelMembership, on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                name="one_attendance_per_member_per_meeting",
                violation_error_message="This member's attendance is already recorded.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.user.display_name}: {self.get_status_display()}"


class DiversityDeclaration(models.Model):
    """A member's own, optional declaration (seed 004 §72). Never shown individually: panel and
    borough pages show only aggregates with small cells suppressed. Deleted when the member
    withdraws it or their membership ends."""

    PREFER_NOT = "prefer_not_to_say"

    class AgeBand(models.TextChoices):
        UNDER_25 = "16_24", "16 to 24"
        AGE_25_34 = "25_34", "25 to 34"
        AGE_35_49 = "35_49", "35 to 49"
        AGE_50_64 = "50_64", "50 to 64"
        AGE_65_PLUS = "65_plus", "65 or over"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class EthnicGroup(models.TextChoices):
        # The five high-level groups of the 2021 Census (England and Wales).
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Religion(models.TextChoices):
        NONE = "none", "No religion"
        BUDDHIST = "buddhist", "Buddhist"
        CHRISTIAN = "christian", "Christian"
        HINDU = "hindu", "Hindu"
        JEWISH = "jewish", "Jewish"
        MUSLIM = "muslim", "Muslim"
        SIKH = "sikh", "Sikh"
        OTHER = "other", "Any other religion"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Orientation(models.TextChoices):
        STRAIGHT = "straight", "Straight or heterosexual"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Another sexual orientation"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    membership = models.OneToOneField(
        PanelMembership, on_delete=models.CASCADE, related_name="declaration"
    )
    consent_given_at = models.DateTimeField()
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, default=PREFER_NOT)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=PREFER_NOT)
    ethnic_group = models.CharField(max_length=20, choices=EthnicGroup.choices, default=PREFER_NOT)
    disability = models.CharField(
        "disabled", max_length=20, choices=YesNo.choices, default=PREFER_NOT
    )
    religion = models.CharField(
        "religion or belief", max_length=20, choices=Religion.choices, default=PREFER_NOT
    )
    sexual_orientation = models.CharField(
        max_length=20, choices=Orientation.choices, default=PREFER_NOT
    )

    # No history: a withdrawn declaration must leave nothing behind.

    class Meta:
        default_permissions = ()  # not administered through the admin: never shown singly

    def __str__(self) -> str:
        return f"Declaration {self.pk}"
