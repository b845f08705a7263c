"""Reads of a ward's crime evidence, for the ward page and the panel's analysis pack.

Everything here reads the ``WardCrimeMonth`` rollup except the top locations, which need the
raw rows' "On or near …" text. police.uk publishes a month's data weeks later, so "the last
12 months" means the 12 months ending with the latest month imported, not with today.

Crime and ASB counts are public (police.uk publishes them), so these take a ward the caller
has already fetched through the usual scoped lookup, and add no scoping of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from crime.categories import RECORD_CATEGORIES, CrimeCategory
from crime.models import CrimeImport, StreetCrime, WardCrimeMonth
from wards.models import Ward


def month_start(day: dt.date) -> dt.date:
    """The first day of the month ``day`` is in."""
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def latest_crime_month() -> dt.date | None:
    """The latest month any crime data was imported for (its first day), or None if none."""
    latest: dt.date | None = CrimeImport.objects.aggregate(latest=Max("month"))["latest"]
    return latest


@dataclass(frozen=True)
class CategoryMonths:
    """One category's counts, month by month (aligned with ``CrimeByMonth.months``)."""

    category: CrimeCategory
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CrimeByMonth:
    """A ward's crimes per category per month: a table with a row for every category.

    ``months`` is oldest first and empty when no crime data has been imported.
    """

    months: list[dt.date]
    categories: list[CategoryMonths]

    @property
    def month_totals(self) -> list[int]:
        columns = range(len(self.months))
        return [sum(row.counts[column] for row in self.categories) for column in columns]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.categories)


def ward_crime_by_month(ward: Ward, *, months: int = 12) -> CrimeByMonth:
    """Counts by category by month for the ``months`` months ending with the latest data.

    Every record category has a row, in police.uk's order, zeros included, so tables of
    different wards line up.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    latest = latest_crime_month()
    if latest is None:
        return CrimeByMonth(months=[], categories=[])
    window = [add_months(latest, offset) for offset in range(1 - months, 1)]
    counts: defaultdict[str, dict[dt.date, int]] = defaultdict(dict)
    rows = WardCrimeMonth.objects.filter(ward=ward, month__range=(window[0], latest))
    for month, category, count in rows.values_list("month", "category", "count"):
        counts[category][month] = count
    return CrimeByMonth(
        months=window,
        categories=[
            CategoryMonths(
                category=category,
                counts=[counts[category.value].get(month, 0) for month in window],
            )
            for category in RECORD_CATEGORIES
        ],
    )


@dataclass(frozen=True)
class CategoryTrend:
    """One category's count over the last 12 months against the 12 before."""

    category: CrimeCategory
    recent: int
    previous: int

    @property
    def change(self) -> int:
        return self.recent - self.previous

    @property
    def change_percent(self) -> float | None:
        """The change as a percentage of the previous count; None when that was zero."""
        return 100 * self.change / self.previous if self.previous else None


@dataclass(frozen=True)
class CrimeTrend:
    """A ward's last 12 months of crime against the previous 12, by category and in all.

    ``previous_months_with_data`` says how many of the earlier 12 months have any data
    imported: a comparison with months never imported is not a fall in crime.
    """

    recent_start: dt.date
    recent_end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    previous_months_with_data: int
    total: CategoryTrend
    categories: list[CategoryTrend]


def ward_crime_trend(ward: Ward) -> CrimeTrend | None:
    """Last-12-months totals against the previous 12, per category; None without data."""
    latest = latest_crime_month()
    if latest is None:
        return None
    recent_start, previous_start = add_months(latest, -11), add_months(latest, -23)
    previous_end = add_months(latest, -12)
    sums = (
        WardCrimeMonth.objects.filter(ward=ward, month__range=(previous_start, latest))
        .values("category")
        .annotate(
            recent=Sum("count", filter=Q(month__gte=recent_start)),
            previous=Sum("count", filter=Q(month__lt=recent_start)),
        )
    )
    by_category = {row["category"]: (row["recent"] or 0, row["previous"] or 0) for row in sums}
    categories = [
        CategoryTrend(category, *by_category.get(category.value, (0, 0)))
        for category in RECORD_CATEGORIES
    ]
    total = CategoryTrend(
        CrimeCategory.ALL_CRIME,
        recent=sum(trend.recent for trend in categories),
        previous=sum(trend.previous for trend in categories),
    )
    covered = (
        CrimeImport.objects.filter(month__range=(previous_start, previous_end))
        .values("month")
        .distinct()
        .count()
    )
    return CrimeTrend(
        recent_start=recent_start,
        recent_end=latest,
        previous_start=previous_start,
        previous_end=previous_end,
        previous_months_with_data=covered,
        total=total,
        categories=categories,
    )


# Locations that name no place: police.uk's "On or near" with an empty street name, and rows
# without a location (which are never in a ward anyway). A hotspot list must not lead with them.
NAMELESS_LOCATIONS = ("", "On or near", "On or near ", "No Location")


@dataclass(frozen=True)
class LocationCount:
    """A police.uk map location ("On or near …") and the records there."""

    location: str
    count: int


def ward_top_locations(ward: Ward, *, months: int = 12, limit: int = 10) -> list[LocationCount]:
    """The places in the ward with the most crime and ASB records over the last ``months``
    months of data, most first (ties by name); locations naming no street are left out."""
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    latest = latest_crime_month()
    if latest is None:
        return []
    rows = (
        StreetCrime.objects.filter(ward=ward, month__range=(add_months(latest, 1 - months), latest))
        .exclude(location__in=NAMELESS_LOCATIONS)
        .values("location")
        .annotate(count=Count("pk"))
        .order_by("-count", "location")[:limit]
    )
    return [LocationCount(location=row["location"], count=row["count"]) for row in rows]


def has_crime_data(*, start: dt.date, end: dt.date) -> bool:
    """Whether any month overlapping [start, end] has police.uk data imported: without it a
    count of zero means "not known", not "no crime"."""
    return CrimeImport.objects.filter(month__gte=month_start(start), month__lte=end).exists()


def ward_category_counts(ward: Ward, *, start: dt.date, end: dt.date) -> dict[str, int]:
    """Records per category slug in the months from ``start``'s to ``end``'s, inclusive.

    Data is monthly, so a period covers every month it touches. Every record category is a
    key (zero if none), so a concern's category can be looked up directly.
    """
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    counts = dict.fromkeys((category.value for category in RECORD_CATEGORIES), 0)
    rows = (
        WardCrimeMonth.objects.filter(ward=ward, month__range=(month_start(start), end))
        .values("category")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        counts[row["category"]] = row["total"]
    return counts
