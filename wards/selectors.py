"""Reads for ward and borough pages. Callers pass querysets already scoped with visible_to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from wards.establishment import COUNTED_ROLES, Strength, strength
from wards.models import Abstraction, Borough, Posting, Team, Ward, WardQuerySet


def _current_posting_q(day: dt.date, prefix: str = "teams__postings__") -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def with_strength(wards: WardQuerySet, on: dt.date) -> list[tuple[Ward, Strength]]:
    """Each ward with its team's strength against establishment, in one query."""
    current = _current_posting_q(on) & Q(teams__kind=Team.Kind.WARD)
    annotated = wards.select_related("borough").annotate(
        **{
            f"n_{role.value}": Count(
                "teams__postings", filter=current & Q(teams__postings__role=role.value)
            )
            for role in COUNTED_ROLES
        }
    )
    return [
        (
            ward,
            strength(
                ward.population,
                {role: getattr(ward, f"n_{role.value}") for role in COUNTED_ROLES},
            ),
        )
        for ward in annotated
    ]


@dataclass(frozen=True)
class BoroughSummary:
    borough: Borough
    wards: int
    population: int
    strength: Strength
    wards_short: int


def borough_summaries(
    boroughs: list[Borough], wards: WardQuerySet, on: dt.date
) -> list[BoroughSummary]:
    """Per borough: wards, residents, posted strength vs establishment, wards with gaps."""
    by_borough: dict[int, list[Strength]] = defaultdict(list)
    population: dict[int, int] = defaultdict(int)
    for ward, ward_strength in with_strength(wards, on):
        by_borough[ward.borough_id].append(ward_strength)
        population[ward.borough_id] += ward.population or 0
    summaries = []
    model = settings.SNT_ESTABLISHMENT_MODEL
    for borough in boroughs:
        strengths = by_borough.get(borough.pk, [])
        summed = Strength(
            model=model,
            lines=tuple(
                type(line)(
                    role=line.role,
                    required=sum(s.lines[i].required for s in strengths),
                    actual=sum(s.lines[i].actual for s in strengths),
                )
                for i, line in enumerate(strength(None, {}, model).lines)
            ),
        )
        summaries.append(
            BoroughSummary(
                borough=borough,
                wards=len(strengths),
                population=population.get(borough.pk, 0),
                strength=summed,
                wards_short=sum(1 for s in strengths if s.is_short),
            )
        )
    return summaries


def team_postings(ward: Ward, on: dt.date) -> list[Posting]:
    """Current postings on the ward's team and on its cluster's leadership, senior first."""
    order = {role: i for i, role in enumerate(Posting.Role)}
    postings = list(
        Posting.objects.current(on)
        .filter(
            Q(team__kind=Team.Kind.WARD, team__ward=ward)
            | Q(team__kind=Team.Kind.CLUSTER, team__cluster__wards=ward)
        )
        .select_related("person", "team")
    )
    return sorted(postings, key=lambda p: (order[Posting.Role(p.role)], p.person.last_name))


def past_postings(ward: Ward, *, since: dt.date, until: dt.date) -> list[Posting]:
    """Postings on the ward's team that ended within [since, until]: who has moved on."""
    return list(
        Posting.objects.filter(
            team__kind=Team.Kind.WARD,
            team__ward=ward,
            end_date__gte=since,
            end_date__lte=until,
        )
        .select_related("person")
        .order_by("-end_date")
    )


@dataclass(frozen=True)
class AbstractionRate:
    hours_abstracted: Decimal
    hours_available: Decimal

    @property
    def rate(self) -> float | None:
        if not self.hours_available:
            return None
        return float(self.hours_abstracted / self.hours_available)

    @property
    def percent(self) -> float | None:
        rate = self.rate
        return None if rate is None else rate * 100


@dataclass(frozen=True)
class OfficerAbstractionRate(AbstractionRate):
    posting: Posting


def contracted_hours(
    posting_start: dt.date, posting_end: dt.date | None, start: dt.date, end: dt.date
) -> Decimal:
    """SNT_WEEKLY_HOURS a week for each day a posting overlaps [start, end]."""
    first = max(start, posting_start)
    last = min(end, posting_end) if posting_end else end
    days = max((last - first).days + 1, 0)
    return Decimal(settings.SNT_WEEKLY_HOURS) * days / 7


def _available_hours(posting: Posting, start: dt.date, end: dt.date) -> Decimal:
    return contracted_hours(posting.start_date, posting.end_date, start, end).quantize(
        Decimal("0.1")
    )


def abstraction_rates(
    ward: Ward, *, start: dt.date, end: dt.date
) -> tuple[list[OfficerAbstractionRate], AbstractionRate | None]:
    """Per officer on the ward team, and for the ward: hours abstracted / contracted hours.

    Contracted hours are SNT_WEEKLY_HOURS a week for each day the posting overlaps the period.
    """
    postings = (
        Posting.objects.overlapping(start, end)
        .filter(team__kind=Team.Kind.WARD, team__ward=ward)
        .exclude(role__in=[Posting.Role.VOLUNTEER, Posting.Role.SPECIAL])
        .select_related("person")
        .annotate(
            abstracted=Sum(
                "abstractions__hours",
                filter=Q(abstractions__date__gte=start, abstractions__date__lte=end),
                default=Decimal(0),
            )
        )
        .order_by("-abstracted", "person__last_name")
    )
    rates = [
        OfficerAbstractionRate(
            posting=p,
            hours_abstracted=p.abstracted,  # type: ignore[attr-defined]
            hours_available=_available_hours(p, start, end),
        )
        for p in postings
    ]
    if not rates:
        return rates, None
    total = AbstractionRate(
        hours_abstracted=sum((r.hours_abstracted for r in rates), Decimal(0)),
        hours_available=sum((r.hours_available for r in rates), Decimal(0)),
    )
    return rates, total


def recent_abstractions(
    ward: Ward, *, since: dt.date, until: dt.date | None = None, limit: int = 20
) -> list[Abstraction]:
    """Abstractions of the ward team's officers, newest first."""
    dates = Q(date__gte=since) & (Q(date__lte=until) if until else Q())
    return list(
        Abstraction.objects.filter(
            dates, posting__team__kind=Team.Kind.WARD, posting__team__ward=ward
        )
        .select_related("posting__person", "authorised_by")
        .order_by("-date", "-created_at")[:limit]
    )
