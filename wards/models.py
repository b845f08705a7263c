"""London's geography, its Safer Neighbourhoods teams, the people posted to them, and roles."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from snt_portal.permissions import Area, ScopedQuerySet

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class User(AbstractUser):
    """Anyone who signs in or holds a posting: officers, staff, panel members, volunteers."""

    collar_number = models.CharField(
        "collar or warrant number",
        max_length=20,
        blank=True,
        help_text="Officers' shoulder number; blank for volunteers and panel members.",
    )
    # Published with the officer's name and rank in the open data (police.uk's "bio"), unless
    # they opt out: then no biography is published at all, whatever is written here.
    public_bio = models.TextField(
        "public biography",
        blank=True,
        help_text="Plain text; blank lines separate paragraphs. Shown to the public.",
    )
    bio_opt_out = models.BooleanField(
        "do not publish my biography",
        default=False,
        help_text="Keeps the biography off the open data; name and rank are still published.",
    )

    if TYPE_CHECKING:
        postings: RelatedManager[Posting]
        role_assignments: RelatedManager[RoleAssignment]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["collar_number"],
                condition=~Q(collar_number=""),
                name="user_collar_number_unique",
                violation_error_message="Another person already has this collar number.",
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class BoroughQuerySet(ScopedQuerySet["Borough"]):
    def scope_q(self, area: Area) -> Q:
        # Area.covers_borough in SQL.
        return Q(pk__in=area.boroughs | area.ward_boroughs)


class Borough(models.Model):
    """A London borough (ONS local authority district, E09…)."""

    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100)
    # The City of London has its own force; its wards are held but are not Met wards.
    is_met = models.BooleanField("policed by the Met", default=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84).")

    objects = BoroughQuerySet.as_manager()

    if TYPE_CHECKING:
        wards: RelatedManager[Ward]

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wards:borough_detail", kwargs={"code": self.code})


class Cluster(models.Model):
    """A group of a borough's wards led by one inspector."""

    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="clusters")
    name = models.CharField(max_length=100)

    if TYPE_CHECKING:
        wards: RelatedManager[Ward]

    class Meta:
        ordering = ("borough__name", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["borough", "name"],
                name="cluster_name_unique_in_borough",
                violation_error_message="This borough already has a cluster with this name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.borough})"


class WardQuerySet(ScopedQuerySet["Ward"]):
    def scope_q(self, area: Area) -> Q:
        # Area.covers_ward in SQL.
        return area.ward_q("")

    def current(self, on: dt.date | None = None) -> WardQuerySet:
        """Wards in force on a date (today by default)."""
        day = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)


class Ward(models.Model):
    """An electoral ward, identified by its ONS code (E05…).

    A code names one boundary: when boundaries change, ONS issues new codes. ``valid_from`` and
    ``valid_to`` record when the ward was in force, so the 2014, 2018 and 2022 sets coexist and
    other data joins on code, never on name.
    """

    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100)
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="wards")
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="wards"
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84).")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Blank while in force.")

    objects = WardQuerySet.as_manager()

    if TYPE_CHECKING:
        teams: RelatedManager[Team]
        borough_id: int
        cluster_id: int | None

    class Meta:
        ordering = ("borough__name", "name")
        indexes: ClassVar = [models.Index(fields=["borough", "name"], name="ward_borough_name_idx")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="ward_valid_to_after_valid_from",
                violation_error_message="A ward must stop being in force after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wards:ward_detail", kwargs={"code": self.code})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to > today)


def team_scope_q(area: Area, team: str = "") -> Q:
    """Rows of a team (reached by the lookup prefix ``team``) that an area covers: a ward
    team by its ward, a cluster team by any of its wards, a borough team by its borough."""
    return (
        area.ward_q(f"{team}ward")
        | Q(**{f"{team}cluster__wards__in": area.wards})
        | area.borough_q(f"{team}borough")
    )


class TeamQuerySet(ScopedQuerySet["Team"]):
    def scope_q(self, area: Area) -> Q:
        return team_scope_q(area)


class Team(models.Model):
    """A ward's Safer Neighbourhoods Team, an inspector's cluster, or a borough-level team."""

    class Kind(models.TextChoices):
        WARD = "ward", "Safer Neighbourhoods Team"
        CLUSTER = "cluster", "Cluster leadership"
        TRANSPORT = "transport", "Safer Transport Team"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="teams")
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )

    objects = TeamQuerySet.as_manager()

    if TYPE_CHECKING:
        postings: RelatedManager[Posting]
        ward_id: int | None
        borough_id: int

    class Meta:
        ordering = ("borough__name", "name")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(kind="ward", ward__isnull=False, cluster__isnull=True)
                    | Q(kind="cluster", ward__isnull=True, cluster__isnull=False)
                    | Q(kind="transport", ward__isnull=True, cluster__isnull=True)
                ),
                name="team_kind_matches_its_place",
                violation_error_message=(
                    "A ward team needs a ward, a cluster team a cluster, a borough team neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["ward"],
                condition=Q(kind="ward"),
                name="one_snt_per_ward",
                violation_error_message="This ward already has a Safer Neighbourhoods Team.",
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(kind="cluster"),
                name="one_team_per_cluster",
                violation_error_message="This cluster already has a leadership team.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostingQuerySet(ScopedQuerySet["Posting"]):
    def scope_q(self, area: Area) -> Q:
        return team_scope_q(area, "team__")

    def current(self, on: dt.date | None = None) -> PostingQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def overlapping(self, start: dt.date, end: dt.date) -> PostingQuerySet:
        """Postings held on at least one day of [start, end]."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end)


class PostingRole(models.TextChoices):
    INSPECTOR = "inspector", "Inspector"
    SERGEANT = "sergeant", "Sergeant"
    PC = "pc", "Police Constable"
    PCSO = "pcso", "PCSO"
    SPECIAL = "special", "Special Constable"
    VOLUNTEER = "volunteer", "Volunteer"


class Posting(models.Model):
    """A person's role on a team from a start date to an end date (blank while current).

    Postings are never deleted: ending one keeps the history, so tenure and turnover are known.
    """

    Role = PostingRole

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="postings")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="postings")
    role = models.CharField(max_length=20, choices=PostingRole.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day on the team.")
    end_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = PostingQuerySet.as_manager()

    if TYPE_CHECKING:
        person_id: int
        team_id: int

    class Meta:
        ordering = ("team", "role", "start_date")
        indexes: ClassVar = [models.Index(fields=["team", "end_date"], name="posting_team_end_idx")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="posting_ends_after_it_starts",
                violation_error_message="A posting cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=Q(end_date__isnull=True),
                name="one_open_posting_per_person_per_team",
                violation_error_message="This person already has an open posting on this team.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.display_name}, {self.get_role_display()}, {self.team}"

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def tenure_days(self, on: dt.date | None = None) -> int:
        day = on or timezone.localdate()
        last = min(day, self.end_date) if self.end_date else day
        return max((last - self.start_date).days + 1, 0)


class AbstractionQuerySet(ScopedQuerySet["Abstraction"]):
    def scope_q(self, area: Area) -> Q:
        return team_scope_q(area, "posting__team__")


class Abstraction(models.Model):
    """Hours an officer was taken off ward duty, why, and who authorised it."""

    class Reason(models.TextChoices):
        CENTRAL_TARGET = "central_target", "Central operation or target (e.g. knife crime)"
        PUBLIC_ORDER = "public_order", "Public order, protest or major event"
        RESPONSE_COVER = "response_cover", "Covering borough response or custody"
        OTHER_BOROUGH = "other_borough", "Aid to another borough"
        COURT = "court", "Court attendance"
        TRAINING = "training", "Training"
        OTHER = "other", "Other (give details)"

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="abstractions")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    details = models.TextField(blank=True)
    authorised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="abstractions_authorised"
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="abstractions_recorded"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AbstractionQuerySet.as_manager()

    if TYPE_CHECKING:
        posting_id: int

    class Meta:
        ordering = ("-date", "-created_at")
        indexes: ClassVar = [
            models.Index(fields=["posting", "date"], name="abstraction_posting_idx")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="abstraction_hours_in_a_day",
                violation_error_message="Hours abstracted must be more than 0 and at most 24.",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(details=""),
                name="abstraction_other_needs_details",
                violation_error_message="Say why when the reason is 'Other'.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posting.person.display_name}: {self.hours}h on {self.date}"


class RoleAssignment(models.Model):
    """A role that does not come from a posting: panels, borough managers, analysts, admins."""

    class Role(models.TextChoices):
        PANEL_CHAIR = "panel_chair", "Panel chair"
        PANEL_MEMBER = "panel_member", "Panel member"
        BOROUGH_MANAGER = "borough_manager", "Borough manager"
        CENTRAL_ANALYST = "central_analyst", "Central analyst"
        ADMINISTRATOR = "administrator", "Administrator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    borough = models.ForeignKey(
        Borough, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    if TYPE_CHECKING:
        user_id: int
        borough_id: int | None
        ward_id: int | None

    class Meta:
        ordering = ("user", "role")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["panel_chair", "panel_member"],
                        ward__isnull=False,
                        borough__isnull=True,
                    )
                    | Q(role="borough_manager", borough__isnull=False, ward__isnull=True)
                    | Q(
                        role__in=["central_analyst", "administrator"],
                        borough__isnull=True,
                        ward__isnull=True,
                    )
                ),
                name="role_assignment_place_matches_role",
                violation_error_message=(
                    "Panel roles need a ward, a borough manager a borough, "
                    "central analysts and administrators neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "ward"],
                condition=Q(ward__isnull=False),
                name="role_assignment_unique_per_ward",
                violation_error_message="This person already holds this role for this ward.",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "borough"],
                condition=Q(borough__isnull=False),
                name="role_assignment_unique_per_borough",
                violation_error_message="This person already holds this role for this borough.",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(ward__isnull=True, borough__isnull=True),
                name="role_assignment_unique_london_wide",
                violation_error_message="This person already holds this role.",
            ),
        ]

    def __str__(self) -> str:
        place = self.ward or self.borough or "London"
        return f"{self.user.display_name}: {self.get_role_display()} ({place})"
