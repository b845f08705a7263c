"""Reads for the research stage: a ward's GLA profile figures and the team's research.

Callers pass a ward they have already checked access to. A ward has a GLA profile only where
its ONS code equals the profile's code: the 2015 profiles describe the wards in force before
May 2014, and a ward whose boundary was redrawn since has a new code. Never matched by name.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import Enum

from django.db.models import QuerySet
from django.utils import timezone

from engagement.models import CommunityGroup, GlaWardProfile, LocalFeature, WardResearch
from wards.models import Ward

NO_PROFILE = "No profile for this ward's vintage"
# Research not reviewed for this many months is flagged as out of date.
RESEARCH_REVIEW_MONTHS = 12


class Format(Enum):
    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"
    RATE = "rate"


@dataclass(frozen=True)
class Headline:
    """A profile column worth showing on the research page, with a plain-English label."""

    column: str  # the heading as in the GLA file
    label: str
    format: Format


# The figures a team most needs when researching its ward, by the file's own column headings.
HEADLINE_MEASURES: tuple[Headline, ...] = (
    Headline("Population - 2015", "Population (2015)", Format.COUNT),
    Headline("% All Children aged 0-15 - 2015", "Children aged 0 to 15 (2015)", Format.PERCENT),
    Headline(
        "% All Older people aged 65+ - 2015", "People aged 65 and over (2015)", Format.PERCENT
    ),
    Headline("% BAME - 2011", "Black, Asian and minority ethnic (2011)", Format.PERCENT),
    Headline("% Not Born in UK - 2011", "Born outside the UK (2011)", Format.PERCENT),
    Headline(
        "% English is First Language of no one in household - 2011",
        "Households where no one has English as a first language (2011)",
        Format.PERCENT,
    ),
    Headline(
        "Median Household income estimate (2012/13)",
        "Median household income (2012/13)",
        Format.MONEY,
    ),
    Headline(
        "% Households Social Rented - 2011", "Households renting socially (2011)", Format.PERCENT
    ),
    Headline(
        "% Households Private Rented - 2011", "Households renting privately (2011)", Format.PERCENT
    ),
    Headline("Crime rate - 2014/15", "Crimes per 1,000 people (2014/15)", Format.RATE),
    Headline(
        "Violence against the person rate - 2014/15",
        "Violence against the person per 1,000 people (2014/15)",
        Format.RATE,
    ),
)


@dataclass(frozen=True)
class Measure:
    label: str
    value: float | None
    display: str


def _display(value: float | None, format: Format) -> str:
    if value is None:
        return "Not available"
    if format is Format.COUNT:
        return f"{round(value):,}"
    if format is Format.MONEY:
        return f"£{round(value):,}"
    if format is Format.PERCENT:
        return f"{value:.1f}%"
    return f"{value:.1f}"


def profile_for(ward: Ward) -> GlaWardProfile | None:
    """The GLA profile whose code is the ward's code, if there is one."""
    return GlaWardProfile.objects.filter(code=ward.code).first()


def headline_measures(profile: GlaWardProfile) -> list[Measure]:
    """The headline figures of a profile, in a fixed order; columns the file lacks are left out."""
    return [
        Measure(
            headline.label,
            profile.measures[headline.column],
            _display(profile.measures[headline.column], headline.format),
        )
        for headline in HEADLINE_MEASURES
        if headline.column in profile.measures
    ]


def review_cutoff(today: dt.date | None = None) -> dt.date:
    """Research last reviewed before this date is out of date."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - RESEARCH_REVIEW_MONTHS, 12)
    month += 1
    # The same day of the month, or that month's last day (29 February a year on, say).
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ResearchOverview:
    """Everything the research page shows for one ward."""

    ward: Ward
    profile: GlaWardProfile | None
    measures: list[Measure]
    research: WardResearch | None
    groups: QuerySet[CommunityGroup]
    demand_generators: list[LocalFeature]
    hotspots: list[LocalFeature]

    @property
    def is_stale(self) -> bool:
        """Never reviewed, or last reviewed more than RESEARCH_REVIEW_MONTHS ago."""
        reviewed_on = self.research.reviewed_on if self.research else None
        return reviewed_on is None or reviewed_on < review_cutoff()


def research_overview(ward: Ward) -> ResearchOverview:
    profile = profile_for(ward)
    research = WardResearch.objects.filter(ward=ward).select_related("reviewed_by").first()
    features = list(
        LocalFeature.objects.filter(ward=ward).select_related("updated_by").order_by("name")
    )
    return ResearchOverview(
        ward=ward,
        profile=profile,
        measures=headline_measures(profile) if profile else [],
        research=research,
        groups=CommunityGroup.objects.filter(ward=ward).select_related("updated_by"),
        demand_generators=[f for f in features if f.kind == LocalFeature.Kind.DEMAND_GENERATOR],
        hotspots=[f for f in features if f.kind == LocalFeature.Kind.HOTSPOT],
    )
