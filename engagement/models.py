"""The first four stages of the Safer Neighbourhoods cycle for a ward: research, engagement,
public preferences (concerns) and their analysis; and the Key Individual Network."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from engagement.concerns import ConcernCategory
from snt_portal.permissions import Area, ScopedQuerySet
from wards.models import User, Ward

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


_M = TypeVar("_M", bound=models.Model)


class WardScopedQuerySet(ScopedQuerySet[_M]):
    """Rows that belong to one ward through a ``ward`` foreign key."""

    def scope_q(self, area: Area) -> Q:
        return area.ward_q("ward")


# --- Research ---------------------------------------------------------------------------------


class GlaWardProfile(models.Model):
    """A row of the GLA Ward Profiles (2015), on pre-2014 ward codes.

    Linked to a ward only where the codes are equal: a ward whose boundary changed has a new code
    and no profile of its own vintage. Never matched by name.
    """

    code = models.CharField("ONS code", max_length=9, unique=True)
    old_code = models.CharField("ONS 6-character code", max_length=6, blank=True)
    name = models.CharField(max_length=150, help_text="As in the file: 'Borough - Ward'.")
    population = models.PositiveIntegerField("population (2015)", null=True, blank=True)
    # Every numeric column of the profile, keyed by the file's own column heading.
    measures = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class WardResearch(models.Model):
    """The sergeant's research notes on a ward, and when they were last reviewed."""

    ward = models.OneToOneField(Ward, on_delete=models.CASCADE, related_name="research")
    notes = models.TextField(blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WardScopedQuerySet["WardResearch"].as_manager()

    class Meta:
        verbose_name_plural = "ward research"

    def __str__(self) -> str:
        return f"Research for {self.ward}"


class CommunityGroup(models.Model):
    """A community or group the team has identified in the ward (seed 004 §32)."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", "Residents' or tenants' association"
        FAITH = "faith", "Faith community"
        ETHNIC_CULTURAL = "ethnic_cultural", "Ethnic or cultural community"
        YOUTH = "youth", "Young people"
        SCHOOL = "school", "School or college"
        OLDER_PEOPLE = "older_people", "Older people"
        DISABILITY = "disability", "Disabled people"
        LGBT = "lgbt", "LGBT+ community"
        BUSINESS = "business", "Businesses and traders"
        HOUSING = "housing", "Housing estate"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        OTHER = "other", "Other"

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="community_groups")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    hard_to_reach = models.BooleanField(
        "not yet engaged or hard to reach",
        default=False,
        help_text="Groups the team has not yet reached, or finds hard to reach.",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WardScopedQuerySet["CommunityGroup"].as_manager()

    if TYPE_CHECKING:
        ward_id: int

    class Meta:
        ordering = ("name",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ward", "name"],
                name="community_group_name_unique_in_ward",
                violation_error_message="This ward already has a group with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LocalFeature(models.Model):
    """A demand generator (a station, late-night venue, school gate) or a hotspot."""

    class Kind(models.TextChoices):
        DEMAND_GENERATOR = "demand_generator", "Demand generator"
        HOTSPOT = "hotspot", "Hotspot"

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="local_features")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=150)
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WardScopedQuerySet["LocalFeature"].as_manager()

    if TYPE_CHECKING:
        ward_id: int

    class Meta:
        ordering = ("kind", "name")

    def __str__(self) -> str:
        return self.name


# --- Key Individual Network -------------------------------------------------------------------


# A KIN's personal data: blanked on erasure, and never copied into the audit trail.
KIN_PERSONAL_FIELDS = (
    "name",
    "connection_detail",
    "community_represented",
    "phone",
    "email",
    "address",
    "notes",
)


class Kin(models.Model):
    """A key individual: someone well connected in the ward (seed 004 §33, §37).

    Personal data, seen only by the ward's team and its inspector. Erasing a KIN blanks every
    personal field and keeps the row, so anonymous counts of past contacts survive.
    """

    class Connection(models.TextChoices):
        TEACHER = "teacher", "Teacher or school staff"
        FAITH_LEADER = "faith_leader", "Faith leader"
        SHOPKEEPER = "shopkeeper", "Shopkeeper or trader"
        POSTAL_WORKER = "postal_worker", "Postal worker"
        RESIDENTS_ASSOCIATION = "residents_association", "Residents' association"
        YOUTH_WORKER = "youth_worker", "Youth worker"
        HEALTH_WORKER = "health_worker", "Health or care worker"
        COUNCIL = "council", "Council officer or councillor"
        HOUSING = "housing", "Housing officer or caretaker"
        COMMUNITY_LEADER = "community_leader", "Community group leader"
        OTHER = "other", "Other"

    class ConsentMethod(models.TextChoices):
        VERBAL = "verbal", "Verbally, in person"
        WRITTEN = "written", "Signed form"
        EMAIL = "email", "By email"
        PHONE = "phone", "By phone"

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="kins")
    name = models.CharField(max_length=150, blank=True)
    connection = models.CharField(max_length=30, choices=Connection.choices)
    connection_detail = models.CharField(
        max_length=200, blank=True, help_text="For example: head teacher, St Mary's Primary."
    )
    community_represented = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The audit trail records who changed which KIN when, but holds none of their personal
    # data: an erased KIN then leaves nothing behind in history either.
    history = HistoricalRecords(excluded_fields=list(KIN_PERSONAL_FIELDS))
    objects = WardScopedQuerySet["Kin"].as_manager()

    if TYPE_CHECKING:
        ward_id: int
        interviews: RelatedManager[EngagementEvent]

    class Meta:
        verbose_name = "key individual"
        ordering = ("name",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False) | ~Q(name=""),
                name="kin_has_a_name_until_erased",
                violation_error_message="Enter the key individual's name.",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(name="", phone="", email="", address="", notes="", connection_detail=""),
                name="erased_kin_holds_no_personal_data",
                violation_error_message="An erased key individual cannot hold personal data.",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Erased key individual #{self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


# --- Engagement and concerns ------------------------------------------------------------------


class EventKind(models.TextChoices):
    PUBLIC_MEETING = "public_meeting", "Public meeting"
    STREET_BRIEFING = "street_briefing", "Street briefing"
    SURGERY = "surgery", "Surgery"
    HAVE_A_SAY_DAY = "have_a_say_day", "Have-a-say day"
    EVA = "eva", "Environmental visual audit"
    MAPPING_EXERCISE = "mapping_exercise", "Mapping exercise"
    KIN_INTERVIEW = "kin_interview", "KIN interview"
    VICTIM_VISIT = "victim_visit", "Victim or reassurance visit"
    SCHOOL_YOUTH_SESSION = "school_youth_session", "School or youth session"
    COMMUNITY_GROUP_MEETING = "community_group_meeting", "Faith or community group meeting"
    YOUTH_SURVEY = "youth_survey", "Youth survey"
    NEWSLETTER = "newsletter", "Newsletter or leaflet drop"


# Concerns raised at these come from young people (seed 004 §59: a youth-identified priority).
YOUTH_EVENT_KINDS = frozenset({EventKind.SCHOOL_YOUTH_SESSION, EventKind.YOUTH_SURVEY})
# Never published, even when planned: they name or locate individuals.
PRIVATE_EVENT_KINDS = frozenset({EventKind.KIN_INTERVIEW, EventKind.VICTIM_VISIT})


class EventQuerySet(WardScopedQuerySet["EngagementEvent"]):
    def public(self) -> EventQuerySet:
        """Planned events the public may see: the ward page and the police.uk events API."""
        return self.filter(status=EngagementEvent.Status.PLANNED).exclude(
            kind__in=PRIVATE_EVENT_KINDS
        )

    def held_between(self, start: dt.date, end: dt.date) -> EventQuerySet:
        return self.filter(
            status=EngagementEvent.Status.HELD,
            starts_at__date__gte=start,
            starts_at__date__lte=end,
        )


class EngagementEvent(models.Model):
    """A public meeting, street briefing, KIN interview … planned or held in a ward."""

    Kind = EventKind

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="engagement_events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.HELD)
    title = models.CharField(max_length=200, blank=True, help_text="Shown to the public.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="Public description of the event.")
    officers = models.ManyToManyField(User, related_name="engagement_events", blank=True)
    attendance = models.PositiveIntegerField(null=True, blank=True)
    groups_reached = models.ManyToManyField(
        CommunityGroup, related_name="engagement_events", blank=True
    )
    kin = models.ForeignKey(
        Kin, on_delete=models.PROTECT, null=True, blank=True, related_name="interviews"
    )
    notes = models.TextField(blank=True, help_text="For the team only.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    if TYPE_CHECKING:
        ward_id: int
        kin_id: int | None
        concerns: RelatedManager[Concern]

    class Meta:
        ordering = ("-starts_at",)
        indexes: ClassVar = [
            models.Index(fields=["ward", "status", "starts_at"], name="event_ward_status_idx")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message="An event cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="kin_interview") | Q(kin__isnull=False),
                name="kin_interview_names_its_kin",
                violation_error_message="Choose the key individual who was interviewed.",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()}, {self.starts_at:%d %b %Y}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PLANNED and self.kind not in PRIVATE_EVENT_KINDS

    @property
    def is_youth(self) -> bool:
        return self.kind in YOUTH_EVENT_KINDS


class PublicSubmission(models.Model):
    """A resident's "tell us your concern" form. Contact details are optional and erased once
    no longer needed (SNT_PUBLIC_CONTACT_DAYS after submission)."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="public_submissions")
    submitted_at = models.DateTimeField(default=timezone.now)
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_erased_at = models.DateTimeField(null=True, blank=True)

    objects = WardScopedQuerySet["PublicSubmission"].as_manager()

    class Meta:
        ordering = ("-submitted_at",)

    def __str__(self) -> str:
        return f"Public submission {self.pk} ({self.ward})"

    @property
    def has_contact(self) -> bool:
        return bool(self.name or self.email or self.phone)


class ConcernQuerySet(WardScopedQuerySet["Concern"]):
    def raised_between(self, start: dt.date, end: dt.date) -> ConcernQuerySet:
        return self.filter(raised_on__gte=start, raised_on__lte=end)


class Concern(models.Model):
    """A concern raised by the public: what, where, and through which channel."""

    Category = ConcernCategory

    class Source(models.TextChoices):
        ENGAGEMENT = "engagement", "Engagement event"
        KIN = "kin", "Key individual"
        YOUTH = "youth", "Young people"
        PUBLIC_WEB = "public_web", "Public web form"

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="concerns")
    category = models.CharField(max_length=30, choices=ConcernCategory.choices)
    text = models.TextField("what was said", blank=True)
    location = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    raised_on = models.DateField()
    event = models.ForeignKey(
        EngagementEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="concerns"
    )
    kin = models.ForeignKey(
        Kin, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    submission = models.ForeignKey(
        PublicSubmission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="concerns",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ("-raised_on", "-created_at")
        indexes: ClassVar = [
            models.Index(fields=["ward", "raised_on"], name="concern_ward_raised_idx")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(source="engagement") | Q(event__isnull=False),
                name="engagement_concern_has_its_event",
                violation_error_message="A concern from engagement must name its event.",
            ),
            models.CheckConstraint(
                condition=~Q(source="public_web") | Q(submission__isnull=False),
                name="public_concern_has_its_submission",
                violation_error_message="A concern from the web form must name its submission.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.ward})"


class Analysis(models.Model):
    """The team's analysis of public preferences for a period (stage 4): the ranked concerns
    with their crime evidence, frozen as recorded, and the team's summary."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="analyses")
    period_start = models.DateField()
    period_end = models.DateField()
    summary = models.TextField()
    ranking = models.JSONField(default=list, help_text="The preferences table as it stood.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = WardScopedQuerySet["Analysis"].as_manager()

    class Meta:
        verbose_name_plural = "analyses"
        ordering = ("-recorded_at",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="analysis_period_ends_after_it_starts",
                violation_error_message="The period must end on or after its start.",
            )
        ]

    def __str__(self) -> str:
        return f"Analysis for {self.ward}, {self.period_start} to {self.period_end}"
