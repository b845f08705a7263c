"""Reads for the engagement stages. Callers pass wards they have already checked access to."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from engagement.concerns import POLICE_UK_CATEGORY, ConcernCategory
from engagement.models import Concern, EngagementEvent, EventKind, Kin
from wards.models import Ward


@dataclass(frozen=True)
class PreferenceRow:
    """One concern category in a ward over a period, with its recorded-crime evidence."""

    category: str
    label: str
    times_raised: int
    sources: int  # how many different channels raised it (engagement, KIN, youth, web)
    events: int  # at how many separate engagement events
    youth: int  # times raised by young people
    crime_category: str | None
    # Recorded crimes of the related police.uk category in the period, and in the same length
    # of period just before; None when there is no such category or no data for that period.
    crimes: int | None
    crimes_before: int | None

    @property
    def crime_change(self) -> int | None:
        if self.crimes is None or self.crimes_before is None:
            return None
        return self.crimes - self.crimes_before

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def preferences(ward: Ward, *, start: dt.date, end: dt.date) -> list[PreferenceRow]:
    """The ward's concerns for [start, end], ranked, with crime evidence beside each.

    Ranking: most often raised first; ties go to the concern raised through more channels
    (a concern heard at meetings, from KINs and from young people is more widely held), then
    to the one young people raised more, then by name.
    """
    from crime.selectors import has_crime_data, ward_category_counts

    counts = (
        Concern.objects.filter(ward=ward)
        .raised_between(start, end)
        .values("category")
        .annotate(
            times=Count("pk"),
            sources=Count("source", distinct=True),
            events=Count("event", distinct=True),
            youth=Count("pk", filter=Q(source=Concern.Source.YOUTH)),
        )
    )
    if not counts:
        return []
    days = (end - start).days + 1
    before_start, before_end = start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    crimes = (
        ward_category_counts(ward, start=start, end=end)
        if has_crime_data(start=start, end=end)
        else None
    )
    before = (
        ward_category_counts(ward, start=before_start, end=before_end)
        if has_crime_data(start=before_start, end=before_end)
        else None
    )
    rows = []
    for row in counts:
        category = ConcernCategory(row["category"])
        slug = POLICE_UK_CATEGORY[category]
        rows.append(
            PreferenceRow(
                category=category.value,
                label=category.label,
                times_raised=row["times"],
                sources=row["sources"],
                events=row["events"],
                youth=row["youth"],
                crime_category=slug,
                crimes=crimes.get(slug, 0) if slug and crimes is not None else None,
                crimes_before=before.get(slug, 0) if slug and before is not None else None,
            )
        )
    return sorted(rows, key=lambda r: (-r.times_raised, -r.sources, -r.youth, r.label))


def recent_concerns(ward: Ward, *, start: dt.date, end: dt.date) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(ward=ward)
        .raised_between(start, end)
        .select_related("event")
        .order_by("-raised_on", "-created_at")
    )


def ward_events(ward: Ward) -> QuerySet[EngagementEvent]:
    return (
        EngagementEvent.objects.filter(ward=ward)
        .select_related("kin")
        .annotate(concern_count=Count("concerns"))
        .order_by("-starts_at")
    )


def upcoming_public_events(ward: Ward, *, limit: int = 10) -> QuerySet[EngagementEvent]:
    return (
        EngagementEvent.objects.filter(ward=ward, starts_at__gte=timezone.now())
        .public()
        .order_by("starts_at")[:limit]
    )


def kin_review_cutoff(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS)


def kins_due_for_review(ward: Ward, today: dt.date | None = None) -> QuerySet[Kin]:
    """KINs not contacted for SNT_KIN_REVIEW_DAYS (or whose review date has passed)."""
    today = today or timezone.localdate()
    cutoff = kin_review_cutoff(today)
    return Kin.objects.filter(ward=ward, erased_at__isnull=True).filter(
        Q(last_contact_on__lt=cutoff)
        | Q(last_contact_on__isnull=True, consent_given_on__lt=cutoff)
        | Q(next_review_due__lt=today)
    )


@dataclass(frozen=True)
class KinRegister:
    """A ward's KIN register: the active KINs (with whether each is due for review) and, for
    those erased, only counts."""

    rows: list[tuple[Kin, bool]]
    due_count: int
    erased_count: int
    erased_interviews: int


def kin_register(ward: Ward) -> KinRegister:
    kins = list(Kin.objects.filter(ward=ward, erased_at__isnull=True).order_by("name", "pk"))
    due = set(kins_due_for_review(ward).values_list("pk", flat=True))
    held_interview = Q(
        interviews__kind=EventKind.KIN_INTERVIEW,
        interviews__status=EngagementEvent.Status.HELD,
    )
    erased = Kin.objects.filter(ward=ward, erased_at__isnull=False).aggregate(
        kins=Count("pk", distinct=True),
        interviews=Count("interviews", filter=held_interview, distinct=True),
    )
    return KinRegister(
        rows=[(kin, kin.pk in due) for kin in kins],
        due_count=len(due),
        erased_count=erased["kins"],
        erased_interviews=erased["interviews"],
    )


def kin_interviews(kin: Kin) -> QuerySet[EngagementEvent]:
    """The KIN's interviews, newest first, with the concerns raised at each."""
    return (
        EngagementEvent.objects.filter(kin=kin, kind=EventKind.KIN_INTERVIEW)
        .prefetch_related("concerns")
        .order_by("-starts_at")
    )
