"""Street-level crime and ASB from data.police.uk, mapped to wards: the evidence for analysis.

Raw rows (``StreetCrime``) arrive a month of one force at a time (``CrimeImport``); each is
placed in a ward through the LSOA it falls in (``LsoaWard``) or, failing that, through its
coordinates. ``WardCrimeMonth`` counts them per ward, month and category, and is what pages
read: it is rebuilt from the raw rows by every import, never incremented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from crime.categories import RECORD_CATEGORIES
from wards.models import Ward

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

# Only real record categories are stored; "all-crime" is a query filter, never a row's value.
RECORD_CATEGORY_CHOICES = [(category.value, category.label) for category in RECORD_CATEGORIES]


class LsoaVintage(models.IntegerChoices):
    """The census whose Lower Layer Super Output Areas a code belongs to."""

    LSOA_2011 = 2011, "2011 LSOAs"
    LSOA_2021 = 2021, "2021 LSOAs"


class LsoaWard(models.Model):
    """The current (2022) ward an LSOA best fits, from the GLA best-fit lookups.

    ONS keeps an LSOA's code only while its boundary is unchanged, so a code listed by both the
    2011 and 2021 lookups is one area and one row; ``vintage`` is the newest lookup listing it.
    """

    lsoa_code = models.CharField("LSOA code", max_length=9)
    vintage = models.PositiveSmallIntegerField(choices=LsoaVintage.choices)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="lsoas")

    if TYPE_CHECKING:
        ward_id: int

    class Meta:
        verbose_name = "LSOA to ward"
        verbose_name_plural = "LSOAs to wards"
        ordering = ("lsoa_code",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["lsoa_code"],
                name="lsoa_ward_one_ward_per_lsoa",
                violation_error_message="This LSOA is already mapped to a ward.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lsoa_code} → {self.ward_id}"


class WardMatch(models.TextChoices):
    """How a crime was placed in a ward."""

    LSOA = "lsoa", "By its LSOA"
    POINT = "point", "By its coordinates, inside the ward boundary"
    NONE = "none", "Outside known wards"


class CrimeImport(models.Model):
    """One month of one force's street-level data, as imported from a file.

    A data.police.uk street file holds exactly one: its rows share a month and a force. Importing
    the same month for the same force again replaces this row and, by cascade, its crimes.
    """

    month = models.DateField(help_text="First day of the month the crimes were recorded in.")
    reported_by = models.CharField("reported by", max_length=100)
    falls_within = models.CharField("falls within", max_length=100)
    file_name = models.CharField(max_length=255)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_by_lsoa = models.PositiveIntegerField("placed by LSOA", default=0)
    rows_by_point = models.PositiveIntegerField("placed by coordinates", default=0)
    rows_outside = models.PositiveIntegerField("outside known wards", default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    if TYPE_CHECKING:
        crimes: RelatedManager[StreetCrime]

    class Meta:
        ordering = ("-month", "falls_within")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["month", "reported_by", "falls_within"],
                name="crime_import_one_per_month_and_force",
                violation_error_message="This force's crimes for this month are already imported.",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="crime_import_month_is_first_day",
                violation_error_message="A month is stored as its first day.",
            ),
            models.CheckConstraint(
                condition=Q(
                    rows_imported=F("rows_by_lsoa") + F("rows_by_point") + F("rows_outside")
                ),
                name="crime_import_rows_add_up",
                violation_error_message=(
                    "Rows imported must be those placed by LSOA, by coordinates or outside."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.falls_within}, {self.month:%B %Y}"


class StreetCrime(models.Model):
    """One row of a data.police.uk street-level file: a crime, or an ASB incident.

    Fields keep the file's text. Coordinates are police.uk's anonymised map point (blank when the
    record has no location); ``ward`` is blank for rows outside the wards we know.
    """

    crime_import = models.ForeignKey(CrimeImport, on_delete=models.CASCADE, related_name="crimes")
    crime_id = models.CharField(
        "crime ID", max_length=64, blank=True, help_text="Blank for anti-social behaviour."
    )
    month = models.DateField(help_text="First day of the month.")
    reported_by = models.CharField(max_length=100)
    falls_within = models.CharField(max_length=100)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location = models.TextField(blank=True, help_text='Usually "On or near …".')
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    lsoa_name = models.TextField("LSOA name", blank=True)
    category = models.CharField(max_length=30, choices=RECORD_CATEGORY_CHOICES)
    last_outcome = models.TextField("last outcome category", blank=True)
    context = models.TextField(blank=True)
    # The (ward, month) index below serves lookups by ward, so the FK needs none of its own.
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="street_crimes",
    )
    ward_match = models.CharField(max_length=5, choices=WardMatch.choices)

    if TYPE_CHECKING:
        crime_import_id: int
        ward_id: int | None

    class Meta:
        ordering = ("month", "pk")
        indexes: ClassVar = [
            models.Index(fields=["ward", "month"], name="street_crime_ward_month_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="street_crime_month_is_first_day",
                violation_error_message="A month is stored as its first day.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="street_crime_both_coordinates_or_neither",
                violation_error_message="Give both longitude and latitude, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(ward__isnull=True, ward_match=WardMatch.NONE)
                | Q(ward__isnull=False, ward_match__in=[WardMatch.LSOA, WardMatch.POINT]),
                name="street_crime_ward_matches_how_placed",
                violation_error_message="A crime has a ward exactly when it was placed in one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}, {self.month:%B %Y}, {self.location}"


class WardCrimeMonth(models.Model):
    """How many crimes of a category were recorded in a ward in a month (zero: no row).

    Derived from ``StreetCrime``: each import recomputes the (ward, month) buckets it touches
    from the raw rows, so a rerun or a crash never double counts.
    """

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="crime_months")
    month = models.DateField(help_text="First day of the month.")
    category = models.CharField(max_length=30, choices=RECORD_CATEGORY_CHOICES)
    count = models.PositiveIntegerField()

    if TYPE_CHECKING:
        ward_id: int

    class Meta:
        ordering = ("ward", "month", "category")
        indexes: ClassVar = [
            models.Index(fields=["month"], name="ward_crime_month_month_idx"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ward", "month", "category"],
                name="ward_crime_month_one_count_per_bucket",
                violation_error_message="This ward already has a count for this month and type.",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="ward_crime_month_is_first_day",
                violation_error_message="A month is stored as its first day.",
            ),
            models.CheckConstraint(
                condition=Q(count__gt=0),
                name="ward_crime_month_count_positive",
                violation_error_message="Empty buckets are not stored.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.month:%Y-%m} {self.category}: {self.count}"
