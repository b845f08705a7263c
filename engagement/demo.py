"""Demo engagement for ``manage.py seed_demo``: the first four stages of the cycle, alive.

Every current Met ward with a team gets what a Safer Neighbourhoods team keeps for the first
four stages: research notes (mostly reviewed in the last year, some stale, some never), the
communities identified in the ward (some hard to reach), its demand generators and hotspots, a
Key Individual Network with consent recorded, a year of engagement events with the concerns
raised at them, a few public web submissions, the next month's public events, and the team's
recorded analyses of the ranked preferences. The year of held events is London's year in the
seeds (004 §36, §38, §42: 2006/07), spread over the current Met wards: about 12,647 public
meetings with about 188,763 people attending (15 a meeting), 1,364 street briefings and 40,904
victim visits, the 1,560 "have a say" days and mapping exercises of §36, and the other kinds at
rates a team could keep up (``YEAR_HELD``); about 120 events a ward. Concerns are led by
anti-social behaviour, burglary, vehicle crime, drugs and street crime as in 2006/07 and the
2009 ward priorities (shared/data/priorities).

Teams differ, so the tracker does too: thriving teams finish stages one to four, steady and
stretched ones are part way, and a few have lapsed (nothing held for three months or more).

As in wards.demo, everything is generated from random.Random seeded with the ward's code, and
a ward that already has any engagement data is left alone, so a second run changes nothing.
People's names and contact details are generated (phone numbers in Ofcom's drama range,
e-mail at example.org): no real person is named. Rows are written with bulk_create, the
many-to-many through rows included; the generator respects every model constraint and the
services' rules (held events in the past, planned ones ahead, concerns' sources as
engagement.services.concern_source sets them, KINs' last contact from their interviews,
public contact details erased after SNT_PUBLIC_CONTACT_DAYS).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from crime.categories import CrimeCategory
from crime.imports import import_crimes, import_lsoa_lookup
from crime.models import CrimeImport, WardCrimeMonth
from crime.selectors import add_months, latest_crime_month, month_start
from engagement.concerns import POLICE_UK_CATEGORY, ConcernCategory
from engagement.imports import import_ward_profiles
from engagement.models import (
    Analysis,
    CommunityGroup,
    Concern,
    EngagementEvent,
    EventKind,
    GlaWardProfile,
    Kin,
    LocalFeature,
    PublicSubmission,
    WardResearch,
)
from engagement.selectors import PreferenceRow, preferences
from engagement.services import concern_source
from engagement.tracker import STAGES, State, ward_cycles
from wards.demo import demo_ward, generated_name
from wards.models import Posting, PostingRole, Team, Ward

Progress = Callable[[str], None]
Category = ConcernCategory
Group = CommunityGroup.Kind


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


# The shared real data beside the ward lists ----------------------------------------------------

LSOA_LOOKUP_FILES = (
    "wards/london_lsoa11_to_ward22_bestfit.csv",
    "wards/london_lsoa21_to_ward22_bestfit.csv",
)
CRIME_FILES = ("crime/2023-01-metropolitan-street-sample.csv",)
WARD_PROFILES_FILE = "wards/gla_ward_profiles_2015.csv"


def import_shared_evidence(*, directory: Path | None, progress: Progress = _quiet) -> None:
    """Import the LSOA → ward lookups, the crime sample and the GLA ward profiles.

    Through the same idempotent imports as the management commands; run after the wards and
    boundaries are in. ``directory`` None (no shared data) skips them all, saying so.
    """
    if directory is None:
        progress("No shared data: skipping the LSOA lookups, crime sample and GLA ward profiles")
        return
    with transaction.atomic():
        for name in LSOA_LOOKUP_FILES:
            if path := _shared_file(directory, name, progress):
                progress(f"Importing the LSOA lookup {name}")
                _indented(progress, import_lsoa_lookup(path=path).lines())
        for name in CRIME_FILES:
            if path := _shared_file(directory, name, progress):
                progress(f"Importing crimes from {name}")
                _indented(progress, import_crimes(path=path).lines())
        if path := _shared_file(directory, WARD_PROFILES_FILE, progress):
            progress(f"Importing the GLA ward profiles from {WARD_PROFILES_FILE}")
            _indented(progress, import_ward_profiles(path=path).lines())


def _shared_file(directory: Path, name: str, progress: Progress) -> Path | None:
    path = directory / name
    if path.is_file():
        return path
    progress(f"Not found, skipped: {name}")
    return None


def _indented(progress: Progress, lines: Iterable[str]) -> None:
    for line in lines:
        progress(f"  {line}")


# Rates -----------------------------------------------------------------------------------------

YEAR_DAYS = 365
PLANNED_AHEAD_DAYS = 28
CANCELLED_SHARE = 0.04  # of the events a team arranged
KIN_DUE_SHARE = 0.15


@dataclass(frozen=True)
class Tier:
    """How well a team keeps the cycle going: the tracker's states come from this."""

    name: str
    weight: int
    activity: float  # how much it holds, against London's average team (1.0)
    extras: float  # how much of the optional engagement (KINs, youth, groups …) it keeps up
    kins: tuple[int, int]
    outreach: float  # how readily the team reaches groups flagged hard to reach
    follow_up: float  # share of groups not yet reached this quarter that it goes out to
    analysis_recent: float  # chance of an analysis recorded in the last 90 days
    analysis_older: float  # chance of one recorded before that
    lapsed: bool = False  # nothing held for the last three to five months


TIERS = (
    Tier("thriving", 34, 1.25, 1.4, (8, 15), 1.0, 0.8, 0.85, 0.7),
    Tier("steady", 36, 1.0, 1.0, (6, 12), 0.5, 0.4, 0.55, 0.5),
    Tier("stretched", 18, 0.8, 0.15, (4, 9), 0.25, 0.1, 0.25, 0.4),
    Tier("lapsed", 12, 0.9, 0.5, (4, 8), 0.25, 0.0, 0.0, 0.6, lapsed=True),
)
_TIER_WEIGHTS = [tier.weight for tier in TIERS]
# A lapsed team has held nothing for the last LAPSED_GAP days (three to five months).
LAPSED_GAP = (95, 160)


@dataclass(frozen=True)
class KindStyle:
    """How an engagement activity usually goes."""

    hours: tuple[int, ...]  # usual start times
    minutes: int  # how long; 0 for a leaflet drop
    attendance: tuple[int, int, int] | None  # low, high, mode; None: not counted
    officers: tuple[int, int]
    concerns: tuple[int, int, int, int, int]  # weights for 0 to 4 concerns raised
    reach: int  # community groups it reaches at most
    reaches: tuple[str, ...]  # the kinds of group it reaches (empty: any)
    weekdays_only: bool = False


_ANY: tuple[str, ...] = ()
KIND_STYLES: dict[EventKind, KindStyle] = {
    EventKind.PUBLIC_MEETING: KindStyle(
        (18, 19, 19), 90, (4, 30, 11), (2, 3), (10, 30, 30, 20, 10), 2, _ANY
    ),
    EventKind.STREET_BRIEFING: KindStyle(
        (10, 11, 14, 16, 17),
        60,
        (4, 25, 9),
        (1, 3),
        (10, 30, 30, 20, 10),
        1,
        (Group.RESIDENTS, Group.HOUSING, Group.BUSINESS),
    ),
    EventKind.SURGERY: KindStyle(
        (10, 11, 13, 14),
        120,
        (3, 15, 6),
        (1, 2),
        (15, 35, 30, 15, 5),
        1,
        (Group.FAITH, Group.ETHNIC_CULTURAL, Group.OLDER_PEOPLE, Group.DISABILITY),
    ),
    EventKind.HAVE_A_SAY_DAY: KindStyle(
        (10, 11), 240, (20, 90, 40), (2, 4), (0, 10, 25, 30, 35), 3, _ANY
    ),
    EventKind.EVA: KindStyle(
        (10, 11, 14),
        90,
        (3, 12, 5),
        (1, 2),
        (10, 30, 35, 20, 5),
        1,
        (Group.RESIDENTS, Group.HOUSING),
    ),
    EventKind.MAPPING_EXERCISE: KindStyle(
        (11, 14, 18), 120, (8, 30, 12), (1, 2), (5, 20, 35, 25, 15), 2, _ANY
    ),
    EventKind.KIN_INTERVIEW: KindStyle(
        (10, 11, 12, 14, 15, 16), 30, (1, 1, 1), (1, 1), (10, 40, 35, 15, 0), 1, _ANY
    ),
    EventKind.VICTIM_VISIT: KindStyle(
        (10, 12, 14, 16, 18), 45, (1, 3, 1), (1, 2), (80, 17, 3, 0, 0), 0, _ANY
    ),
    EventKind.SCHOOL_YOUTH_SESSION: KindStyle(
        (9, 10, 11, 13, 14),
        60,
        (15, 60, 28),
        (1, 2),
        (10, 25, 30, 25, 10),
        1,
        (Group.SCHOOL, Group.YOUTH),
        weekdays_only=True,
    ),
    EventKind.COMMUNITY_GROUP_MEETING: KindStyle(
        (10, 13, 18, 19),
        90,
        (8, 45, 15),
        (1, 2),
        (10, 25, 35, 20, 10),
        1,
        (
            Group.FAITH,
            Group.ETHNIC_CULTURAL,
            Group.OLDER_PEOPLE,
            Group.DISABILITY,
            Group.LGBT,
            Group.VOLUNTARY,
            Group.RESIDENTS,
            Group.BUSINESS,
            Group.YOUTH,
        ),
    ),
    EventKind.YOUTH_SURVEY: KindStyle(
        (12, 15, 16),
        120,
        (20, 120, 45),
        (1, 2),
        (0, 10, 25, 35, 30),
        1,
        (Group.YOUTH, Group.SCHOOL),
        weekdays_only=True,
    ),
    EventKind.NEWSLETTER: KindStyle((9,), 0, None, (1, 1), (100, 0, 0, 0, 0), 0, _ANY),
}
_HELD_KINDS = list(KIND_STYLES)

# Held in a year across the current Met wards. Public meetings (and their 15 people each),
# street briefings and victim visits are London's 2006/07 in the seeds (004 §36, §38, §42),
# "have a say" days and mapping exercises share the 1,560 of §36; the rest are what a team
# could keep up (a surgery, a KIN interview or a school session every month or two, a
# quarterly newsletter).
SEED_WARDS = 679  # the current Met wards those London totals are spread over
SEED_MEETING_ATTENDANCE = 188_763
YEAR_HELD: dict[EventKind, int] = {
    EventKind.PUBLIC_MEETING: 12_647,
    EventKind.STREET_BRIEFING: 1_364,
    EventKind.VICTIM_VISIT: 40_904,
    EventKind.HAVE_A_SAY_DAY: 950,
    EventKind.MAPPING_EXERCISE: 610,
    EventKind.SURGERY: 4_100,
    EventKind.EVA: 2_000,
    EventKind.KIN_INTERVIEW: 4_100,
    EventKind.SCHOOL_YOUTH_SESSION: 4_100,
    EventKind.COMMUNITY_GROUP_MEETING: 5_400,
    EventKind.YOUTH_SURVEY: 1_000,
    EventKind.NEWSLETTER: 2_700,
}
# What a stretched team lets slide first (Tier.extras); the rest every team keeps up.
OPTIONAL_KINDS = frozenset(
    {
        EventKind.SURGERY,
        EventKind.KIN_INTERVIEW,
        EventKind.SCHOOL_YOUTH_SESSION,
        EventKind.COMMUNITY_GROUP_MEETING,
        EventKind.YOUTH_SURVEY,
        EventKind.MAPPING_EXERCISE,
    }
)


_NEVER_CANCELLED = frozenset({EventKind.KIN_INTERVIEW, EventKind.NEWSLETTER})
_CANCELLED_PER_HELD = CANCELLED_SHARE / (1 - CANCELLED_SHARE)


def _tier_factor(tier: Tier, kind: EventKind) -> float:
    return tier.activity * (tier.extras if kind in OPTIONAL_KINDS else 1.0)


def share_of_year(tier: Tier) -> float:
    """The share of the year a team of this tier holds events in, on average."""
    if not tier.lapsed:
        return 1.0
    return (YEAR_DAYS - sum(LAPSED_GAP) / 2 + 1) / YEAR_DAYS


# Each kind's average over the tiers, so that London's totals come out at YEAR_HELD.
_TIER_MEAN: dict[EventKind, float] = {
    kind: sum(t.weight * _tier_factor(t, kind) * share_of_year(t) for t in TIERS)
    / sum(_TIER_WEIGHTS)
    for kind in _HELD_KINDS
}


def held_a_year(tier: Tier, kind: EventKind) -> float:
    """How many events of ``kind`` a team of ``tier`` holds in a full year, on average."""
    return YEAR_HELD[kind] / SEED_WARDS * _tier_factor(tier, kind) / _TIER_MEAN[kind]


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method; a normal approximation for large means)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# What a team advertises for the coming weeks.
_PLANNED_KINDS = {
    EventKind.PUBLIC_MEETING: 40,
    EventKind.STREET_BRIEFING: 20,
    EventKind.SURGERY: 15,
    EventKind.HAVE_A_SAY_DAY: 8,
    EventKind.COMMUNITY_GROUP_MEETING: 10,
    EventKind.EVA: 4,
    EventKind.MAPPING_EXERCISE: 3,
}

# Concerns: London-wide weights, led as in the seeds (ASB youths and general; then theft from
# motor vehicles, burglary, drugs, street crime) and the 2009 ward priorities (burglary 364
# wards, groups of youths 359, motor vehicle crime 193, drugs 187, general ASB 124 …).
CONCERN_WEIGHTS: dict[Category, float] = {
    Category.ASB_YOUTHS: 9,
    Category.ASB_GENERAL: 5,
    Category.BURGLARY: 8,
    Category.THEFT_FROM_VEHICLES: 6.5,
    Category.DRUGS: 4.5,
    Category.STREET_CRIME: 3.5,
    Category.ALCOHOL_ASB: 3.5,
    Category.ROAD_SAFETY: 3,
    Category.PARKING: 2,
    Category.FLY_TIPPING: 2,
    Category.CRIMINAL_DAMAGE: 2,
    Category.NOISE: 1.5,
    Category.VIOLENCE: 1.5,
    Category.GRAFFITI: 1,
    Category.CYCLING_ON_FOOTPATHS: 1,
    Category.WEAPONS: 1,
    Category.OTHER: 1,
    Category.SHOPLIFTING: 0.8,
    Category.BICYCLE_THEFT: 0.8,
    Category.BEGGING: 0.8,
    Category.DOGS: 0.8,
    Category.PROSTITUTION: 0.4,
    Category.HATE_CRIME: 0.4,
}
# Each ward has its own few problems: a category is one of the ward's about as often as it
# was a ward priority in 2009 (burglary in 364 of 630 wards …), and weighs four times as much.
LOCAL_ISSUE_CHANCE: dict[Category, float] = {
    Category.BURGLARY: 0.55,
    Category.ASB_YOUTHS: 0.55,
    Category.THEFT_FROM_VEHICLES: 0.3,
    Category.DRUGS: 0.3,
    Category.ASB_GENERAL: 0.18,
    Category.STREET_CRIME: 0.12,
    Category.ALCOHOL_ASB: 0.12,
    Category.ROAD_SAFETY: 0.1,
    Category.PARKING: 0.05,
    Category.FLY_TIPPING: 0.05,
    Category.VIOLENCE: 0.04,
    Category.WEAPONS: 0.04,
    Category.CRIMINAL_DAMAGE: 0.04,
    Category.NOISE: 0.03,
    Category.BEGGING: 0.03,
    Category.PROSTITUTION: 0.02,
    Category.SHOPLIFTING: 0.02,
}
LOCAL_ISSUE_BOOST = 4
# What young people raise (seed 004 §59: each team adopts a youth-identified priority).
YOUTH_WEIGHTS: dict[Category, float] = {
    Category.STREET_CRIME: 8,
    Category.WEAPONS: 6,
    Category.ASB_YOUTHS: 5,
    Category.DRUGS: 3,
    Category.VIOLENCE: 4,
    Category.BICYCLE_THEFT: 3,
    Category.ASB_GENERAL: 3,
    Category.ROAD_SAFETY: 2,
    Category.OTHER: 2,
    Category.HATE_CRIME: 1,
}
# What a walk round with the council (an EVA) finds.
EVA_WEIGHTS: dict[Category, float] = {
    Category.FLY_TIPPING: 8,
    Category.GRAFFITI: 5,
    Category.CRIMINAL_DAMAGE: 5,
    Category.PARKING: 4,
    Category.ROAD_SAFETY: 3,
    Category.ASB_GENERAL: 3,
    Category.DRUGS: 1,
    Category.OTHER: 2,
}
# Victims visited after burglary or robbery (seed 004 §42) talk about what happened to them.
VICTIM_WEIGHTS: dict[Category, float] = {
    Category.BURGLARY: 6,
    Category.THEFT_FROM_VEHICLES: 3,
    Category.STREET_CRIME: 2,
    Category.CRIMINAL_DAMAGE: 1,
    Category.ASB_GENERAL: 1,
}

# Words -----------------------------------------------------------------------------------------

STREETS = (
    "Station Road", "High Street", "Church Road", "Park Road", "Victoria Road", "Green Lane",
    "Kings Road", "Albert Road", "Queens Road", "Mill Lane", "The Broadway", "Manor Road",
    "Grove Road", "York Road", "Windsor Road", "Elm Road", "Springfield Road", "Cedar Avenue",
    "Orchard Way", "Oak Avenue", "Grange Road", "Hillside Gardens", "Meadow Close",
    "Priory Road", "Alexandra Road", "Richmond Avenue", "Salisbury Road", "Stanley Road",
    "St John's Road", "Cromwell Road", "Nelson Road", "Wellington Road", "Kingsway",
    "Market Street", "Brook Lane", "Bridge Road", "Heath Road", "Lime Grove", "Beech Avenue",
    "Chestnut Road", "Sycamore Close", "Crescent Road", "Vicarage Road", "Tower Road",
)  # fmt: skip
ESTATE_NAMES = (
    "Wordsworth", "Keats", "Milton", "Shelley", "Chaucer", "Tennyson", "Blake", "Byron",
    "Dickens", "Hardy", "Austen", "Kipling", "Ruskin", "Brunel", "Faraday", "Nightingale",
    "Attlee", "Lansbury", "Cedars", "Elmwood", "Hawthorn", "Rowan", "Willow", "Poplar",
)  # fmt: skip
ESTATE_SUFFIXES = ("Estate", "Estate", "Court", "House", "Gardens")
PARKS = ("{ward} Park", "{ward} Recreation Ground", "Jubilee Park", "King George's Field",
         "Memorial Gardens", "{ward} Common", "Victoria Park", "Coronation Gardens")  # fmt: skip
SAINTS = ("Mary", "John", "Peter", "Paul", "Andrew", "Michael", "Alban", "Margaret", "James")
PUBS = ("The Red Lion", "The Crown", "The Railway Tavern", "The Royal Oak", "The White Hart",
        "The King's Head", "The Plough", "The Rose and Crown", "The Victoria")  # fmt: skip

# Community groups: (kind, weight, name patterns, chance it is hard to reach).
GROUP_KINDS: tuple[tuple[CommunityGroup.Kind, int, tuple[str, ...], float], ...] = (
    (
        Group.RESIDENTS,
        14,
        (
            "{ward} Residents' Association",
            "{street} Residents' Association",
            "{estate} Tenants' and Residents' Association",
        ),
        0.05,
    ),
    (
        Group.FAITH,
        16,
        (
            "St {saint}'s Church",
            "{ward} Mosque",
            "{ward} Islamic Centre",
            "{ward} United Synagogue",
            "{ward} Gurdwara",
            "{ward} Hindu Temple",
            "{ward} Baptist Church",
            "{ward} Methodist Church",
            "New Life Pentecostal Church, {ward}",
            "{ward} Buddhist Centre",
        ),
        0.15,
    ),
    (
        Group.ETHNIC_CULTURAL,
        10,
        (
            "{ward} Somali Community Association",
            "{borough} Tamil Welfare Association",
            "{borough} Turkish and Kurdish Community Centre",
            "Bangladeshi Women's Group, {ward}",
            "{ward} Caribbean Elders' Club",
            "{borough} Irish Centre",
            "{ward} Chinese Community Centre",
            "{borough} Romanian Community Association",
            "{ward} Afghan Community Association",
            "{borough} Eritrean Community Group",
            "{borough} Polish Community Centre",
            "{ward} Gypsy and Traveller families",
        ),
        0.35,
    ),
    (
        Group.YOUTH,
        10,
        (
            "{ward} Youth Club",
            "1st {ward} Scouts",
            "{ward} Boxing Club",
            "Young people in {park}",
            "{ward} Youth Forum",
            "Young people on the {estate}",
        ),
        0.45,
    ),
    (
        Group.SCHOOL,
        10,
        (
            "{ward} Primary School",
            "St {saint}'s C of E Primary School",
            "{ward} Academy",
            "{ward} High School",
            "{borough} College, {ward} campus",
        ),
        0.05,
    ),
    (
        Group.OLDER_PEOPLE,
        8,
        ("{ward} Over-60s Club", "{ward} Pensioners' Lunch Club", "{estate} sheltered housing"),
        0.15,
    ),
    (
        Group.DISABILITY,
        4,
        (
            "{borough} Deaf Association",
            "{borough} Centre for Independent Living",
            "{ward} Learning Disability Carers' Group",
            "{borough} Sight Loss Group",
        ),
        0.35,
    ),
    (Group.LGBT, 3, ("{borough} LGBT+ Forum", "{borough} Pride Network"), 0.5),
    (
        Group.BUSINESS,
        8,
        (
            "{ward} Traders' Association",
            "{street} Business Association",
            "{ward} Pubwatch",
            "{ward} market traders",
        ),
        0.1,
    ),
    (Group.HOUSING, 8, ("{estate}",), 0.4),
    (
        Group.VOLUNTARY,
        9,
        (
            "{ward} Neighbourhood Watch",
            "{ward} Food Bank",
            "{borough} Street Pastors",
            "Friends of {park}",
            "{ward} Mothers' Group",
        ),
        0.05,
    ),
)
_GROUP_KIND_WEIGHTS = [weight for _, weight, _, _ in GROUP_KINDS]
GROUP_NOTES = (
    "Meets monthly at the community centre.",
    "Chair keen to work with the team.",
    "Contact through the council's community development officer.",
    "Meets on Sunday afternoons; attend after the service.",
    "Newsletter goes to about 300 households.",
    "",
    "",
)
HARD_TO_REACH_NOTES = (
    "Not yet engaged: no regular meeting place.",
    "Hard to reach: working through a key individual to make contact.",
    "Language barrier: arrange an interpreter for the next visit.",
    "Distrust of police after a stop-and-search incident; rebuilding contact.",
    "Mostly out at work in the day: try an evening session.",
)

FEATURES: dict[LocalFeature.Kind, tuple[tuple[str, str, str], ...]] = {
    # (name, location, notes)
    LocalFeature.Kind.DEMAND_GENERATOR: (
        ("{ward} station", "Station forecourt and bus interchange", "Busy at rush hour."),
        ("Late-night takeaways", "{street}", "Demand Thursday to Saturday after 11pm."),
        ("{pub}", "{street}", "Large crowds on match days."),
        ("{school} at home time", "{street}", "Fights and robberies reported at 3.30pm."),
        ("{ward} shopping parade", "{street}", "Shoplifting and begging in the day."),
        ("{ward} Leisure Centre", "{street}", "Young people gather outside in the evening."),
        ("24-hour off-licence", "{street}", "Street drinking nearby."),
    ),
    LocalFeature.Kind.HOTSPOT: (
        ("Alleyway behind {street}", "{street}", "Poorly lit; drug litter found."),
        ("{park} after dark", "{park}", "Groups gather by the playground."),
        ("Garages on the {estate}", "{estate}", "Fly-tipping and drug dealing reported."),
        ("Stairwells on the {estate}", "{estate}", "Door entry often broken."),
        ("Bus stop outside the shops", "{street}", "After-school disorder."),
        ("Underpass by {ward} station", "{ward} station", "Robbery hotspot in winter."),
    ),
}

# What people said, by category ({street}, {park}, {estate} filled in for the ward).
CONCERN_TEXTS: dict[Category, tuple[str, ...]] = {
    Category.ASB_YOUTHS: (
        "Groups of teenagers gathering outside the shops on {street} in the evenings, "
        "shouting and intimidating people",
        "Young people on mopeds riding through {park} at night",
        "Youths congregating in the stairwells on the {estate}, smoking and leaving rubbish",
        "Gangs of kids hanging around the bus stop on {street} after school",
    ),
    Category.ASB_GENERAL: (
        "Ongoing nuisance from a neighbour: loud parties and abuse",
        "People shouting and fighting on {street} late at night",
        "Motorbikes doing wheelies up and down {street}",
        "People using the alley behind {street} as a toilet",
    ),
    Category.ALCOHOL_ASB: (
        "Street drinkers on the benches in {park}",
        "Drunk customers leaving the pubs on {street} at closing time",
        "Off-licence on {street} selling to people who are already drunk",
    ),
    Category.NOISE: (
        "Loud music from cars parked on {street} late at night",
        "Noise from a house party every weekend on {street}",
    ),
    Category.CYCLING_ON_FOOTPATHS: (
        "Cyclists riding fast on the pavement along {street}",
        "Delivery riders on e-bikes using the footpath by the station",
    ),
    Category.GRAFFITI: (
        "Tagging on the shop shutters along {street}",
        "Graffiti on the railway bridge and the bus shelter",
    ),
    Category.CRIMINAL_DAMAGE: (
        "Car windows smashed on {street}",
        "Bus shelter on {street} vandalised again",
        "Fences and garden walls damaged on the {estate}",
    ),
    Category.FLY_TIPPING: (
        "Mattresses and rubbish dumped in the alley off {street}",
        "Fly-tipping by the garages on the {estate}",
    ),
    Category.ROAD_SAFETY: (
        "Cars speeding on {street}, especially at school times",
        "Dangerous driving and racing on {street} at night",
        "Parents parking on the zigzags outside the school",
    ),
    Category.PARKING: (
        "Vans parked on the pavement on {street}",
        "Abandoned car on {street} for weeks",
        "Cars blocking driveways on match days",
    ),
    Category.PROSTITUTION: (
        "Kerb-crawling on {street} late at night",
        "Used condoms and needles in the alley by {street}",
    ),
    Category.DRUGS: (
        "Drug dealing from cars on {street}",
        "Strong smell of cannabis in the stairwells on the {estate}",
        "Nitrous oxide canisters left all over {park}",
        "People dealing openly near the station",
    ),
    Category.BURGLARY: (
        "Several break-ins on {street} in the past month",
        "Sheds and garages broken into on {street}",
        "Worried after a neighbour's house was burgled while they were away",
        "Attempted break-ins through back gardens on {street}",
    ),
    Category.THEFT_FROM_VEHICLES: (
        "Catalytic converters stolen from cars on {street}",
        "Cars broken into overnight on {street}; tools taken from vans",
        "Number plates stolen from cars on {street}",
        "Keyless car thefts on {street}",
    ),
    Category.STREET_CRIME: (
        "Phones snatched by moped riders on {street}",
        "Young people robbed of their phones on the way home from school",
        "Bag snatched near the station",
    ),
    Category.VIOLENCE: (
        "Fights outside the takeaways on {street} late at night",
        "Fights after school near the bus station",
    ),
    Category.WEAPONS: (
        "Young people carrying knives; worried about stabbings",
        "Knife found in {park} near the playground",
    ),
    Category.SHOPLIFTING: ("Repeated shoplifting at the shops on {street}; staff threatened",),
    Category.BICYCLE_THEFT: (
        "Bikes stolen from the racks at the station",
        "Bike stolen from the communal hallway on the {estate}",
    ),
    Category.BEGGING: (
        "Aggressive begging outside the cash machine on {street}",
        "Street drinking and begging by the station",
    ),
    Category.HATE_CRIME: (
        "Verbal abuse of women wearing headscarves on {street}",
        "Racist graffiti on the {estate}",
        "Homophobic abuse outside the pub on {street}",
    ),
    Category.DOGS: ("Dog fouling all over {park}", "Dangerous dog off the lead in {park}"),
    Category.OTHER: (
        "Scam callers targeting elderly residents",
        "Broken street lights on {street} make it feel unsafe",
        "Would like to see officers on foot more often",
    ),
}

# Key individuals: (connection, weight, detail patterns, community represented patterns).
KIN_CONNECTIONS: tuple[tuple[Kin.Connection, int, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        Kin.Connection.TEACHER,
        12,
        ("Head teacher, {school}", "Deputy head, {school}", "Head of year 9, {school}"),
        ("Parents and pupils at {school}",),
    ),
    (
        Kin.Connection.FAITH_LEADER,
        12,
        ("{title}, {faith}",),
        ("The congregation of {faith}",),
    ),
    (
        Kin.Connection.SHOPKEEPER,
        14,
        (
            "Owner of the newsagent on {street}",
            "Pharmacist on {street}",
            "Runs the café on {street}",
            "Barber on {street}",
        ),
        ("Traders on {street}", "Customers on {street}"),
    ),
    (
        Kin.Connection.POSTAL_WORKER,
        5,
        ("Postal worker covering {street} and {street2}",),
        ("Households on {street}",),
    ),
    (
        Kin.Connection.RESIDENTS_ASSOCIATION,
        14,
        ("Chair, {residents}", "Secretary, {residents}"),
        ("Members of {residents}",),
    ),
    (
        Kin.Connection.YOUTH_WORKER,
        8,
        ("Youth worker, {youth}", "Detached youth worker for the council"),
        ("Young people at {youth}",),
    ),
    (
        Kin.Connection.HEALTH_WORKER,
        6,
        ("Practice manager, {street} Surgery", "District nurse", "Community pharmacist"),
        ("Patients of the {street} Surgery", "Older residents"),
    ),
    (
        Kin.Connection.COUNCIL,
        7,
        ("Ward councillor", "Council ASB officer", "Street warden"),
        ("Residents of {ward}",),
    ),
    (
        Kin.Connection.HOUSING,
        8,
        ("Caretaker, {estate}", "Housing officer for the {estate}"),
        ("Tenants of the {estate}",),
    ),
    (
        Kin.Connection.COMMUNITY_LEADER,
        10,
        ("Coordinator, {group}", "Founder, {group}"),
        ("{group}",),
    ),
    (
        Kin.Connection.OTHER,
        4,
        ("School crossing patrol at {school}", "Neighbourhood Watch coordinator, {street}"),
        ("Neighbours on {street}",),
    ),
)
_KIN_WEIGHTS = [weight for _, weight, _, _ in KIN_CONNECTIONS]
FAITH_TITLES = {
    "Mosque": "Imam",
    "Islamic": "Imam",
    "Synagogue": "Rabbi",
    "Gurdwara": "Granthi",
    "Temple": "Priest",
    "Buddhist": "Teacher",
    "Pentecostal": "Pastor",
    "Baptist": "Minister",
    "Methodist": "Minister",
}
KIN_NOTES = (
    "Prefers a phone call in the morning.",
    "Happy to pass on the team's newsletter.",
    "Good source on what young people are saying.",
    "Knows most of the traders on the parade.",
    "",
    "",
    "",
)
_CONSENT_METHODS = list(Kin.ConsentMethod)
_CONSENT_WEIGHTS = [40, 30, 20, 10]

VENUES = (
    "{ward} Library",
    "{ward} Community Centre",
    "St {saint}'s Church hall",
    "{ward} Leisure Centre",
)
PUBLIC_DESCRIPTIONS = {
    EventKind.PUBLIC_MEETING: "Meet your Safer Neighbourhoods team and tell us what matters to "
    "you in {ward}. Everyone is welcome.",
    EventKind.STREET_BRIEFING: "We will be on {street} to hear your concerns about the area.",
    EventKind.SURGERY: "Drop in to talk to your local officers in confidence.",
    EventKind.HAVE_A_SAY_DAY: "Meet the team and partners from the council and housing, and "
    "have your say on local priorities.",
    EventKind.COMMUNITY_GROUP_MEETING: "The team will attend to listen to members' concerns.",
    EventKind.EVA: "Walk round with the team and the council to spot problems in the street.",
    EventKind.MAPPING_EXERCISE: "Show us on a map where you feel unsafe or have seen problems.",
}
EVENT_NOTES: dict[EventKind, tuple[str, ...]] = {
    EventKind.PUBLIC_MEETING: (
        "Good turnout; councillor attended.",
        "Residents asked for more patrols in the evening.",
        "Lively meeting; follow-up letters to be sent.",
    ),
    EventKind.STREET_BRIEFING: ("Leafleted the street beforehand.", "Several new contacts made."),
    EventKind.VICTIM_VISIT: (
        "Reassurance visit after a burglary on {street}; crime prevention advice given.",
        "Visit after a robbery; referred to Victim Support.",
        "Repeat victim of vehicle crime; property marking kit left.",
    ),
    EventKind.KIN_INTERVIEW: ("Short interview; will call again next quarter.",),
    EventKind.EVA: ("Reported fly-tips and broken lights to the council.",),
    EventKind.SCHOOL_YOUTH_SESSION: ("Assembly then a question session with year 9.",),
}
CANCELLED_NOTES = (
    "Cancelled: officers abstracted to public order duty.",
    "Cancelled: team covering a response shift shortfall.",
    "Cancelled: venue unavailable.",
)


# The report ------------------------------------------------------------------------------------


@dataclass
class EngagementReport:
    """What seed_engagement did, and where every ward stands in the cycle."""

    wards_seeded: int = 0
    wards_kept: int = 0  # already had engagement data: left alone
    research: int = 0
    groups: int = 0
    hard_to_reach: int = 0
    features: int = 0
    kins: int = 0
    kins_due: int = 0
    events_held: int = 0
    events_cancelled: int = 0
    events_planned: int = 0
    attendance: int = 0
    held_by_kind: Counter[str] = field(default_factory=Counter)
    meeting_attendance: int = 0  # at the public meetings held
    officer_links: int = 0
    group_links: int = 0
    concerns: int = 0
    submissions: int = 0
    analyses: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    # Category → wards where it is among the three most raised in the last year.
    top_three: Counter[str] = field(default_factory=Counter)
    # Stage key → state → wards, over every current Met ward with a team.
    cycle: dict[str, Counter[State]] = field(default_factory=dict)

    def _kind_lines(self) -> list[str]:
        held = self.held_by_kind
        seeds = [
            f"    public meetings {held[EventKind.PUBLIC_MEETING]:,} with "
            f"{self.meeting_attendance:,} attending (seeds: "
            f"{YEAR_HELD[EventKind.PUBLIC_MEETING]:,} with {SEED_MEETING_ATTENDANCE:,}); "
            f"street briefings {held[EventKind.STREET_BRIEFING]:,} (seeds: "
            f"{YEAR_HELD[EventKind.STREET_BRIEFING]:,}); victim visits "
            f"{held[EventKind.VICTIM_VISIT]:,} (seeds: {YEAR_HELD[EventKind.VICTIM_VISIT]:,})"
        ]
        others = ", ".join(
            f"{EventKind(kind).label.lower()} {held[kind]:,}"
            for kind in _HELD_KINDS
            if kind
            not in (EventKind.PUBLIC_MEETING, EventKind.STREET_BRIEFING, EventKind.VICTIM_VISIT)
        )
        return [*seeds, f"    {others}"]

    def lines(self) -> list[str]:
        lines = (
            []
            if not self.wards_seeded
            else [
                f"  {self.research:,} research notes; {self.groups:,} community groups "
                f"({self.hard_to_reach:,} hard to reach); {self.features:,} places",
                f"  {self.kins:,} key individuals ({self.kins_due:,} due for review)",
                f"  {self.events_held:,} events held (attendance "
                f"{self.attendance:,}), {self.events_cancelled:,} cancelled, "
                f"{self.events_planned:,} planned in the next {PLANNED_AHEAD_DAYS} days",
                *self._kind_lines(),
                f"  {self.concerns:,} concerns raised ({self.submissions:,} web submissions); "
                f"{self.analyses:,} analyses recorded",
            ]
        )
        if self.categories:
            top = ", ".join(
                f"{Category(category).label} {count:,}"
                for category, count in self.categories.most_common(6)
            )
            lines.append(f"  Most raised: {top}")
            widely = ", ".join(
                f"{Category(category).label} {count:,}"
                for category, count in self.top_three.most_common(6)
            )
            lines.append(f"  Wards where it is a top-three concern: {widely}")
        if self.cycle:
            wards = sum(next(iter(self.cycle.values())).values())
            lines.append(f"Cycle across {wards} wards:")
            for key, name in STAGES:
                states = self.cycle.get(key, Counter())
                counts = ", ".join(
                    f"{states[state]} {state.label.lower()}" for state in State if states[state]
                )
                lines.append(f"  {name}: {counts}")
        return lines


# Seeding ---------------------------------------------------------------------------------------


def seed_engagement(*, today: dt.date, progress: Progress = _quiet) -> EngagementReport:
    """Give every current Met ward with a team a year of engagement; see the module docstring.

    Idempotent: a ward with any research, groups, KINs or events already is left alone.
    """
    report = EngagementReport()
    with transaction.atomic():
        wards = _wards_with_teams(today)
        kept = _wards_with_engagement([ward.pk for ward in wards])
        todo = [ward for ward in wards if ward.pk not in kept]
        report.wards_seeded, report.wards_kept = len(todo), len(kept)
        progress(
            f"Engagement: seeding {len(todo)} wards ({len(kept)} already have engagement: kept)"
        )
        if todo:
            context = _Context.load(todo, today)
            plans = [plan for ward in todo if (plan := _WardPlanner(ward, context).plan())]
            _write(plans, today, report)
            _record_analyses(plans, context, report)
        cycles = ward_cycles([ward.pk for ward in wards], today)
        report.cycle = {key: Counter() for key, _ in STAGES}
        for cycle in cycles.values():
            for stage in cycle.stages:
                report.cycle[stage.key][stage.state] += 1
    for line in report.lines():
        progress(line)
    return report


def _wards_with_teams(today: dt.date) -> list[Ward]:
    with_team = Team.objects.filter(kind=Team.Kind.WARD).values("ward_id")
    return list(
        Ward.objects.current(today)
        .filter(borough__is_met=True, pk__in=with_team)
        .select_related("borough")
        .order_by("borough__code", "code")
    )


def _wards_with_engagement(ward_ids: Sequence[int]) -> set[int]:
    kept: set[int] = set()
    for model in (WardResearch, CommunityGroup, Kin, EngagementEvent):
        kept.update(
            model._default_manager.filter(ward_id__in=ward_ids)
            .values_list("ward_id", flat=True)
            .distinct()
        )
    return kept


@dataclass(frozen=True)
class _Officer:
    person_id: int
    role: str
    start: dt.date
    end: dt.date | None

    def on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


_ENGAGING_ROLES = (PostingRole.SERGEANT, PostingRole.PC, PostingRole.PCSO, PostingRole.SPECIAL)


@dataclass
class _Context:
    """What the planners read from the database, fetched once for all wards."""

    today: dt.date
    now: dt.datetime
    officers: dict[int, list[_Officer]]  # ward id → everyone ever posted on its team
    profiles: dict[str, dict[str, float | None]]  # ward code → GLA profile measures
    demo_ward_id: int | None
    crime_month: dt.date | None  # the latest month of crime data, if the demo ward has any
    crime_months: set[dt.date]  # every month with crime data imported

    @classmethod
    def load(cls, wards: Sequence[Ward], today: dt.date) -> _Context:
        ids = [ward.pk for ward in wards]
        officers: dict[int, list[_Officer]] = defaultdict(list)
        postings = (
            Posting.objects.filter(
                team__kind=Team.Kind.WARD, team__ward_id__in=ids, role__in=_ENGAGING_ROLES
            )
            .order_by("team__ward_id", "start_date", "pk")
            .values_list("team__ward_id", "person_id", "role", "start_date", "end_date")
        )
        for ward_id, person_id, role, start, end in postings:
            officers[ward_id].append(_Officer(person_id, role, start, end))
        profiles = dict(
            GlaWardProfile.objects.filter(code__in=[ward.code for ward in wards]).values_list(
                "code", "measures"
            )
        )
        try:
            demo_id: int | None = demo_ward(today).pk
        except RuntimeError:
            demo_id = None
        month = latest_crime_month()
        if (
            month is None
            or demo_id is None
            or not WardCrimeMonth.objects.filter(ward_id=demo_id, month=month).exists()
        ):
            month = None
        months = set(CrimeImport.objects.values_list("month", flat=True))
        return cls(today, timezone.now(), officers, profiles, demo_id, month, months)


@dataclass
class _EventPlan:
    event: EngagementEvent
    officer_ids: list[int]
    groups: list[CommunityGroup]


@dataclass
class _AnalysisPlan:
    start: dt.date
    end: dt.date
    recorded_at: dt.datetime
    recorded_by_id: int


@dataclass
class _WardPlan:
    ward: Ward
    research: WardResearch
    groups: list[CommunityGroup]
    features: list[LocalFeature]
    kins: list[Kin]
    submissions: list[PublicSubmission]
    events: list[_EventPlan]
    concerns: list[Concern]
    analyses: list[_AnalysisPlan]


class _WardPlanner:
    """Plans one ward's engagement in memory, deterministically from its code."""

    def __init__(self, ward: Ward, context: _Context) -> None:
        self.ward = ward
        self.context = context
        self.today = context.today
        self.is_demo = ward.pk == context.demo_ward_id
        self.officers = context.officers.get(ward.pk, [])
        rng = self.rng("tier")
        self.tier = TIERS[0] if self.is_demo else rng.choices(TIERS, weights=_TIER_WEIGHTS)[0]
        self.streets = rng.sample(STREETS, 6)
        estates = rng.sample(ESTATE_NAMES, 3)
        self.estates = [f"{name} {rng.choice(ESTATE_SUFFIXES)}" for name in estates]
        self.parks = [p.format(ward=ward.name) for p in rng.sample(PARKS, 2)]
        self.weights = self._concern_weights(rng)
        self.groups: list[CommunityGroup] = []
        self.kins: list[Kin] = []
        self.concerns: list[Concern] = []

    def rng(self, part: str) -> random.Random:
        return random.Random(f"engagement:{part}:{self.ward.code}")

    def words(self, rng: random.Random) -> dict[str, str]:
        """Place names to fill patterns with."""
        return {
            "ward": self.ward.name,
            "borough": self.ward.borough.name,
            "street": rng.choice(self.streets),
            "street2": rng.choice(self.streets),
            "estate": rng.choice(self.estates),
            "park": rng.choice(self.parks),
            "saint": rng.choice(SAINTS),
            "pub": rng.choice(PUBS),
            "school": self._group_name(rng, Group.SCHOOL, f"{self.ward.name} Primary School"),
        }

    def _concern_weights(self, rng: random.Random) -> dict[Category, float]:
        weights = dict(CONCERN_WEIGHTS)
        local = [c for c, chance in LOCAL_ISSUE_CHANCE.items() if rng.random() < chance]
        while len(local) < 2:
            extra = rng.choices(
                list(LOCAL_ISSUE_CHANCE), weights=list(LOCAL_ISSUE_CHANCE.values())
            )[0]
            if extra not in local:
                local.append(extra)
        for category in local:
            weights[category] *= LOCAL_ISSUE_BOOST
        return weights

    # The plan --------------------------------------------------------------------------------

    def plan(self) -> _WardPlan | None:
        if not any(officer.end is None for officer in self.officers):
            return None  # nobody on the team to have done anything
        self.groups = self._plan_groups()
        features = self._plan_features()
        research = self._plan_research(features)
        self.kins = self._plan_kins()
        events = self._plan_held_events()
        if self.context.crime_month is not None and self.is_demo:
            events += self._plan_crime_month_events(self.context.crime_month)
        self._settle_kin_contacts(events)
        events += self._plan_planned_events()
        submissions = self._plan_submissions()
        return _WardPlan(
            ward=self.ward,
            research=research,
            groups=self.groups,
            features=features,
            kins=self.kins,
            submissions=submissions,
            events=events,
            concerns=self.concerns,
            analyses=self._plan_analyses(),
        )

    def _lead(self, day: dt.date) -> int:
        """Who records things on ``day``: the sergeant then, else an officer posted then."""
        on = [o for o in self.officers if o.on(day)] or [o for o in self.officers if o.end is None]
        sergeants = [o for o in on if o.role == PostingRole.SERGEANT]
        return (sergeants or on)[0].person_id

    def _on_duty(self, rng: random.Random, day: dt.date, count: int) -> list[int]:
        """Officers posted to the ward on ``day`` (the current team if nobody was)."""
        on = [o for o in self.officers if o.on(day)] or [o for o in self.officers if o.end is None]
        people = list(dict.fromkeys(o.person_id for o in on))
        return rng.sample(people, min(count, len(people)))

    # Research ------------------------------------------------------------------------------

    def _plan_groups(self) -> list[CommunityGroup]:
        rng = self.rng("groups")
        count = rng.randint(7, 8) if self.is_demo else rng.randint(3, 8)
        groups: dict[str, CommunityGroup] = {}
        kinds_needed = [Group.RESIDENTS, Group.SCHOOL]
        if self.is_demo:
            kinds_needed += [Group.YOUTH, Group.FAITH, Group.ETHNIC_CULTURAL]
        attempts = 0
        while len(groups) < count and attempts < 50:
            attempts += 1
            if kinds_needed:
                wanted = kinds_needed.pop(0)
                entry = next(e for e in GROUP_KINDS if e[0] == wanted)
            else:
                entry = rng.choices(GROUP_KINDS, weights=_GROUP_KIND_WEIGHTS)[0]
            kind, _, patterns, hard_chance = entry
            words = {
                "ward": self.ward.name,
                "borough": self.ward.borough.name,
                "street": rng.choice(self.streets),
                "estate": rng.choice(self.estates),
                "park": rng.choice(self.parks),
                "saint": rng.choice(SAINTS),
            }
            name = rng.choice(patterns).format(**words)[:150]
            if name in groups:
                continue
            hard = rng.random() < hard_chance
            groups[name] = CommunityGroup(
                ward=self.ward,
                name=name,
                kind=kind,
                hard_to_reach=hard,
                notes=rng.choice(HARD_TO_REACH_NOTES if hard else GROUP_NOTES),
                updated_by_id=self._lead(self.today),
            )
        if self.is_demo and not any(g.hard_to_reach for g in groups.values()):
            # The demo shows a hard-to-reach group being reached.
            young = [g for g in groups.values() if g.kind == Group.YOUTH]
            group = (young or list(groups.values()))[-1]
            group.hard_to_reach, group.notes = True, HARD_TO_REACH_NOTES[1]
        return list(groups.values())

    def _group_name(self, rng: random.Random, kind: str, default: str) -> str:
        names = [g.name for g in self.groups if g.kind == kind]
        return rng.choice(names) if names else default

    def _plan_features(self) -> list[LocalFeature]:
        rng = self.rng("features")
        count = 4 if self.is_demo else rng.randint(1, 4)
        features: dict[str, LocalFeature] = {}
        for _ in range(count * 3):
            if len(features) >= count:
                break
            kind = rng.choice(list(FEATURES))
            name, location, notes = rng.choice(FEATURES[kind])
            words = self.words(rng)
            name = name.format(**words)[:150]
            if name not in features:
                features[name] = LocalFeature(
                    ward=self.ward,
                    kind=kind,
                    name=name,
                    location=location.format(**words)[:200],
                    notes=notes,
                    updated_by_id=self._lead(self.today),
                )
        return list(features.values())

    def _plan_research(self, features: Sequence[LocalFeature]) -> WardResearch:
        rng = self.rng("research")
        draw = rng.random()
        if self.is_demo:
            age: int | None = rng.randint(20, 60)
        elif draw < 0.10:
            age = None  # never reviewed
        elif draw < 0.30:
            age = rng.randint(366, 720)  # stale
        elif draw < 0.38:
            age = rng.randint(336, 365)  # due for review this month
        else:
            age = rng.randint(5, 335)
        reviewed_on = None if age is None else self.today - dt.timedelta(days=age)
        return WardResearch(
            ward=self.ward,
            notes=self._research_notes(features),
            reviewed_on=reviewed_on,
            reviewed_by_id=None if reviewed_on is None else self._lead(reviewed_on),
        )

    def _research_notes(self, features: Sequence[LocalFeature]) -> str:
        ward = self.ward
        people = f" of about {ward.population:,} people" if ward.population else ""
        paragraphs = [f"{ward.name} is a ward{people} in {ward.borough.name}."]
        measures = self.context.profiles.get(ward.code)
        if measures:
            facts = []
            for column, label in (
                ("% BAME - 2011", "from Black, Asian and minority ethnic communities"),
                ("% Households Social Rented - 2011", "of households rent socially"),
                ("% All Children aged 0-15 - 2015", "are children under 16"),
                ("% All Older people aged 65+ - 2015", "are 65 or over"),
            ):
                value = measures.get(column)
                if value is not None:
                    facts.append(f"{value:.0f}% {label}")
            if facts:
                paragraphs.append("GLA ward profile: " + "; ".join(facts) + ".")
        else:
            paragraphs.append(
                "No GLA profile for this ward's boundaries: use the borough figures and what "
                "the team and its key individuals know."
            )
        groups = [g.name for g in self.groups]
        hard = [g.name for g in self.groups if g.hard_to_reach]
        paragraphs.append(f"Communities identified: {', '.join(groups)}.")
        if hard:
            paragraphs.append(f"Not yet reached or hard to reach: {', '.join(hard)}.")
        if features:
            places = ", ".join(f.name for f in features)
            paragraphs.append(f"Demand generators and hotspots: {places}.")
        return "\n\n".join(paragraphs)

    # Key individuals -----------------------------------------------------------------------

    def _plan_kins(self) -> list[Kin]:
        rng = self.rng("kins")
        count = rng.randint(12, 15) if self.is_demo else rng.randint(*self.tier.kins)
        used_phones: set[int] = set()
        kins = []
        for number in range(count):
            connection, _, details, communities = rng.choices(
                KIN_CONNECTIONS, weights=_KIN_WEIGHTS
            )[0]
            first, last = generated_name(rng)
            words = self.words(rng)
            faith = self._group_name(rng, Group.FAITH, f"St {words['saint']}'s Church")
            words |= {
                "faith": faith,
                "title": next((t for k, t in FAITH_TITLES.items() if k in faith), "Vicar"),
                "residents": self._group_name(
                    rng, Group.RESIDENTS, f"{self.ward.name} Residents' Association"
                ),
                "youth": self._group_name(rng, Group.YOUTH, f"{self.ward.name} Youth Club"),
                "group": self._group_name(
                    rng,
                    rng.choice([Group.ETHNIC_CULTURAL, Group.VOLUNTARY, Group.OLDER_PEOPLE]),
                    f"{self.ward.name} Neighbourhood Watch",
                ),
            }
            last_contact: dt.date | None = None  # settled from the interviews, later
            consent = self.today - dt.timedelta(days=rng.randint(30, 1100))
            if rng.random() < KIN_DUE_SHARE or (self.is_demo and number == 0):
                # Not contacted for over a year: due for review.
                last_contact = self.today - dt.timedelta(days=rng.randint(370, 800))
                consent = last_contact - dt.timedelta(days=rng.randint(0, 400))
            phone = rng.randrange(1000)
            while phone in used_phones:
                phone = rng.randrange(1000)
            used_phones.add(phone)
            kins.append(
                Kin(
                    ward=self.ward,
                    name=f"{first} {last}",
                    connection=connection,
                    connection_detail=rng.choice(details).format(**words)[:200],
                    community_represented=rng.choice(communities).format(**words)[:200],
                    phone=f"07700 900{phone:03d}" if rng.random() < 0.9 else "",
                    email=_email(first, last) if rng.random() < 0.6 else "",
                    address=f"{rng.randint(1, 180)} {words['street']}"
                    if rng.random() < 0.4
                    else "",
                    consent_given_on=consent,
                    consent_method=rng.choices(_CONSENT_METHODS, weights=_CONSENT_WEIGHTS)[0],
                    last_contact_on=last_contact,
                    notes=rng.choice(KIN_NOTES),
                    created_by_id=self._lead(self.today),
                )
            )
        return kins

    def _settle_kin_contacts(self, events: Sequence[_EventPlan]) -> None:
        """A KIN's last contact is their latest interview (as services._touch_kin keeps it),
        else a call or chat some time this year; the next review is due a year after."""
        rng = self.rng("kin-contact")
        latest: dict[int, dt.date] = {}
        for plan in events:
            event = plan.event
            if event.kin is not None and event.status == EngagementEvent.Status.HELD:
                day = timezone.localdate(event.starts_at)
                key = id(event.kin)
                latest[key] = max(day, latest.get(key, day))
        review = dt.timedelta(days=settings.SNT_KIN_REVIEW_DAYS)
        for kin in self.kins:
            if id(kin) in latest:
                kin.last_contact_on = max(latest[id(kin)], kin.last_contact_on or dt.date.min)
            elif kin.last_contact_on is None:
                assert kin.consent_given_on is not None
                earliest = max(kin.consent_given_on, self.today - dt.timedelta(days=330))
                span = max(0, (self.today - earliest).days - 1)
                kin.last_contact_on = earliest + dt.timedelta(days=rng.randint(0, span))
            kin.next_review_due = kin.last_contact_on + review

    # Events --------------------------------------------------------------------------------

    def _plan_held_events(self) -> list[_EventPlan]:
        """A year of events, each kind at its London rate for the team's tier (held_a_year),
        on days spread over the year (the last few months empty for a lapsed team)."""
        rng = self.rng("events")
        newest = rng.randint(*LAPSED_GAP) if self.tier.lapsed else 1
        share = (YEAR_DAYS - newest + 1) / YEAR_DAYS
        dated: list[tuple[dt.date, EventKind, bool]] = []
        for kind in _HELD_KINDS:
            held = held_a_year(self.tier, kind) * share
            # Some were called off as well (never a KIN interview or a leaflet drop).
            cancelled = 0.0 if kind in _NEVER_CANCELLED else held * _CANCELLED_PER_HELD
            n_held, n_cancelled = _poisson(rng, held), _poisson(rng, cancelled)
            for number in range(n_held + n_cancelled):
                day = self.today - dt.timedelta(days=rng.randint(newest, YEAR_DAYS))
                dated.append((day, kind, number >= n_held))
        dated.sort(key=lambda item: item[0], reverse=True)  # stable: ties keep kind order
        interviewable = [k for k in self.kins if k.last_contact_on is None]
        plans: list[_EventPlan] = []
        for day, kind, cancelled_event in dated:
            kin = None
            if kind == EventKind.KIN_INTERVIEW:
                ready = [k for k in interviewable if (k.consent_given_on or day) <= day]
                if not ready:
                    continue  # nobody consented yet to interview
                kin = rng.choice(ready)
            plans.append(self._held_event(rng, kind, day, kin, cancelled=cancelled_event))
        self._follow_up(rng, plans)
        return plans

    def _held_event(
        self,
        rng: random.Random,
        kind: EventKind,
        day: dt.date,
        kin: Kin | None,
        *,
        cancelled: bool = False,
        weights: dict[Category, float] | None = None,
    ) -> _EventPlan:
        style = KIND_STYLES[kind]
        if style.weekdays_only and day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)  # the Friday before
        starts_at = _at(day, rng.choice(style.hours), rng.choice((0, 0, 30)))
        words = self.words(rng)
        groups = [] if cancelled else self._reached(rng, kind, kin)
        title, place = self._title_and_place(kind, words, groups)
        status = EngagementEvent.Status.CANCELLED if cancelled else EngagementEvent.Status.HELD
        attendance = None
        if style.attendance is not None and not cancelled:
            low, high, mode = style.attendance
            attendance = round(rng.triangular(low, high, mode))
        notes = ""
        if cancelled:
            notes = rng.choice(CANCELLED_NOTES)
        elif kind in EVENT_NOTES and rng.random() < 0.4:
            notes = rng.choice(EVENT_NOTES[kind]).format(**words)
        event = EngagementEvent(
            ward=self.ward,
            kind=kind,
            status=status,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=style.minutes) if style.minutes else None,
            place=place,
            attendance=attendance,
            kin=kin,
            notes=notes,
        )
        officers = self._on_duty(rng, day, rng.randint(*style.officers))
        event.created_by_id = officers[0]
        plan = _EventPlan(event, officers, groups)
        if not cancelled:
            self._raise_concerns(rng, plan, weights)
        return plan

    def _reached(
        self, rng: random.Random, kind: EventKind, kin: Kin | None
    ) -> list[CommunityGroup]:
        style = KIND_STYLES[kind]
        if kin is not None:
            # A key individual speaks for the group they represent, when it is one of ours.
            return [g for g in self.groups if g.name in kin.community_represented][:1]
        if not style.reach:
            return []
        fitting = [g for g in self.groups if not style.reaches or g.kind in style.reaches]
        fitting = fitting or self.groups
        weights = [self.tier.outreach if g.hard_to_reach else 1.0 for g in fitting]
        count = rng.randint(0, style.reach) if kind != EventKind.COMMUNITY_GROUP_MEETING else 1
        chosen: list[CommunityGroup] = []
        for _ in range(count):
            group = rng.choices(fitting, weights=weights)[0]
            if group not in chosen:
                chosen.append(group)
        return chosen

    def _follow_up(self, rng: random.Random, plans: Sequence[_EventPlan]) -> None:
        """Teams go out to groups they have not reached this quarter: a thriving team to most
        of them, hard-to-reach ones first; a stretched team hardly at all."""
        if not self.tier.follow_up:
            return
        since = self.today - dt.timedelta(days=90)
        recent = [
            p
            for p in plans
            if p.event.status == EngagementEvent.Status.HELD
            and timezone.localdate(p.event.starts_at) > since
            and KIND_STYLES[EventKind(p.event.kind)].reach
            and p.event.kind != EventKind.KIN_INTERVIEW
        ]
        if not recent:
            return
        reached = {id(g) for p in recent for g in p.groups}
        missing = [g for g in self.groups if id(g) not in reached]
        for group in missing:
            chance = min(1.0, self.tier.follow_up * (1.5 if group.hard_to_reach else 1.0))
            if rng.random() < chance:
                rng.choice(recent).groups.append(group)

    def _title_and_place(
        self, kind: EventKind, words: dict[str, str], groups: Sequence[CommunityGroup]
    ) -> tuple[str, str]:
        ward = self.ward.name
        host = groups[0].name if groups else None
        venue = VENUES[len(words["street"]) % len(VENUES)].format(**words)
        match kind:
            case EventKind.PUBLIC_MEETING:
                return f"{ward} ward public meeting", venue
            case EventKind.STREET_BRIEFING:
                return f"Street briefing: {words['street']}", words["street"]
            case EventKind.SURGERY:
                place = host or venue
                return f"Police surgery at {place}", place
            case EventKind.HAVE_A_SAY_DAY:
                return f"Have your say day: {ward}", f"{ward} shopping parade"
            case EventKind.EVA:
                return f"Environmental visual audit: {words['estate']}", words["estate"]
            case EventKind.MAPPING_EXERCISE:
                return f"Where do you feel unsafe? Mapping {ward}", venue
            case EventKind.SCHOOL_YOUTH_SESSION:
                place = host or words["school"]
                return f"Session with young people at {place}", place
            case EventKind.COMMUNITY_GROUP_MEETING:
                place = host or venue
                return f"Meeting with {place}", place
            case EventKind.YOUTH_SURVEY:
                place = host or words["school"]
                return f"Youth survey at {place}", place
            case EventKind.NEWSLETTER:
                return f"{ward} Safer Neighbourhoods newsletter", ""
        return "", ""  # KIN interviews and victim visits are private: nothing public to say

    def _raise_concerns(
        self, rng: random.Random, plan: _EventPlan, weights: dict[Category, float] | None
    ) -> None:
        event = plan.event
        kind = EventKind(event.kind)
        count = rng.choices(range(5), weights=KIND_STYLES[kind].concerns)[0]
        if weights is None:
            if event.is_youth:
                weights = YOUTH_WEIGHTS
            elif kind == EventKind.EVA:
                weights = EVA_WEIGHTS
            elif kind == EventKind.VICTIM_VISIT:
                weights = VICTIM_WEIGHTS
            else:
                weights = self.weights
        source = concern_source(event)
        day = timezone.localdate(event.starts_at)
        for category in _distinct_categories(rng, weights, count):
            text, location = self._what_was_said(rng, category)
            self.concerns.append(
                Concern(
                    ward=self.ward,
                    category=category,
                    text=text,
                    location=location,
                    source=source,
                    raised_on=day,
                    event=event,
                    kin=event.kin,
                    created_by_id=event.created_by_id,
                )
            )

    def _what_was_said(self, rng: random.Random, category: Category) -> tuple[str, str]:
        words = self.words(rng)
        text = rng.choice(CONCERN_TEXTS[category]).format(**words) if rng.random() < 0.8 else ""
        location = ""
        if rng.random() < 0.5:
            location = rng.choice(
                (words["street"], words["street"], words["park"], words["estate"])
            )
        return text, location

    def _plan_crime_month_events(self, month: dt.date) -> list[_EventPlan]:
        """The demo ward's engagement in the month of the real crime sample (January 2023):
        its preferences for that month sit beside real recorded crime."""
        rng = self.rng("crime-month")
        # What people raised then leans on what police.uk recorded that month.
        recorded = dict(
            WardCrimeMonth.objects.filter(ward=self.ward, month=month).values_list(
                "category", "count"
            )
        )
        weights = {
            category: weight * (1 + recorded.get(POLICE_UK_CATEGORY[category] or "", 0) / 5)
            for category, weight in self.weights.items()
        }
        days_in_month = (add_months(month, 1) - month).days
        plans = []
        for kind in (
            EventKind.PUBLIC_MEETING,
            EventKind.STREET_BRIEFING,
            EventKind.SURGERY,
            EventKind.VICTIM_VISIT,
            EventKind.SCHOOL_YOUTH_SESSION,
            EventKind.PUBLIC_MEETING,
        ):
            day = month + dt.timedelta(days=rng.randint(2, days_in_month - 1))
            youth = kind == EventKind.SCHOOL_YOUTH_SESSION
            plans.append(self._held_event(rng, kind, day, None, weights=None if youth else weights))
        return plans

    def _plan_planned_events(self) -> list[_EventPlan]:
        rng = self.rng("planned")
        count = 3 if self.is_demo else rng.randint(1, 3)
        kinds, weights = list(_PLANNED_KINDS), list(_PLANNED_KINDS.values())
        plans = []
        for _ in range(count):
            kind = rng.choices(kinds, weights=weights)[0]
            day = self.today + dt.timedelta(days=rng.randint(1, PLANNED_AHEAD_DAYS))
            style = KIND_STYLES[kind]
            starts_at = _at(day, rng.choice(style.hours), rng.choice((0, 0, 30)))
            words = self.words(rng)
            hosts = self._reached(rng, kind, None)
            title, place = self._title_and_place(kind, words, hosts)
            event = EngagementEvent(
                ward=self.ward,
                kind=kind,
                status=EngagementEvent.Status.PLANNED,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=style.minutes),
                place=place,
                description=PUBLIC_DESCRIPTIONS[kind].format(**words),
            )
            officers = self._on_duty(rng, self.today, rng.randint(*style.officers))
            event.created_by_id = officers[0]
            plans.append(_EventPlan(event, officers, []))
        return plans

    # The public web form -------------------------------------------------------------------

    def _plan_submissions(self) -> list[PublicSubmission]:
        rng = self.rng("web")
        if self.is_demo:
            count = rng.randint(5, 6)
        else:
            count = rng.choices(range(7), weights=(15, 20, 22, 18, 12, 8, 5))[0]
        now = self.context.now
        keep = dt.timedelta(days=settings.SNT_PUBLIC_CONTACT_DAYS)
        submissions = []
        for _ in range(count):
            day = self.today - dt.timedelta(days=rng.randint(0, YEAR_DAYS))
            submitted_at = min(_at(day, rng.randint(7, 22), rng.randint(0, 59)), now)
            submission = PublicSubmission(ward=self.ward, submitted_at=submitted_at)
            if submitted_at < now - keep:
                # Erased by the daily job (services.erase_expired_public_contacts).
                erased = _at(timezone.localdate(submitted_at + keep) + dt.timedelta(days=1), 3)
                submission.contact_erased_at = min(erased, now)
            elif rng.random() < 0.45:
                first, last = generated_name(rng)
                submission.name = f"{first} {last}"
                submission.email = _email(first, last) if rng.random() < 0.8 else ""
                if rng.random() < 0.5 or not submission.email:
                    submission.phone = f"07700 900{rng.randrange(1000):03d}"
            submissions.append(submission)
            count_concerns = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
            for category in _distinct_categories(rng, self.weights, count_concerns):
                text, location = self._what_was_said(rng, category)
                self.concerns.append(
                    Concern(
                        ward=self.ward,
                        category=category,
                        text=text,
                        location=location,
                        source=Concern.Source.PUBLIC_WEB,
                        raised_on=timezone.localdate(submitted_at),
                        submission=submission,
                    )
                )
        return submissions

    # Analysis ------------------------------------------------------------------------------

    def _plan_analyses(self) -> list[_AnalysisPlan]:
        """When the team recorded analyses: quarterly for those who keep it up."""
        rng = self.rng("analyses")
        days: list[dt.date] = []
        recent = self.is_demo or rng.random() < self.tier.analysis_recent
        older = self.is_demo or rng.random() < self.tier.analysis_older
        if recent:
            days.append(self.today - dt.timedelta(days=rng.randint(2, 80)))
        if older:
            last = days[0] if days else self.today - dt.timedelta(days=rng.randint(10, 20))
            days.append(last - dt.timedelta(days=rng.randint(91, 130)))
        plans = [
            _AnalysisPlan(
                start=day - dt.timedelta(days=89),
                end=day,
                recorded_at=_at(day, rng.randint(9, 17), rng.randint(0, 59)),
                recorded_by_id=self._lead(day),
            )
            for day in days
        ]
        month = self.context.crime_month
        if self.is_demo and month is not None:
            end = add_months(month, 1) - dt.timedelta(days=1)
            recorded = end + dt.timedelta(days=rng.randint(7, 12))
            plans.append(_AnalysisPlan(month, end, _at(recorded, 14), self._lead(recorded)))
        return plans


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _distinct_categories(
    rng: random.Random, weights: dict[Category, float], count: int
) -> list[Category]:
    """``count`` different categories drawn by weight (one person raises different things)."""
    categories, values = list(weights), list(weights.values())
    chosen: list[Category] = []
    while len(chosen) < min(count, len(categories)):
        category = rng.choices(categories, weights=values)[0]
        if category not in chosen:
            chosen.append(category)
    return chosen


def _email(first: str, last: str) -> str:
    """A generated address at example.org (reserved: it reaches nobody)."""
    local = f"{first}.{last}".lower()
    plain = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum() or ch == ".") + "@example.org"


# Writing ---------------------------------------------------------------------------------------

BATCH = 1000


def _write(plans: Sequence[_WardPlan], today: dt.date, report: EngagementReport) -> None:
    """Write the plans in dependency order, all in bulk."""
    research = [plan.research for plan in plans]
    groups = [group for plan in plans for group in plan.groups]
    features = [feature for plan in plans for feature in plan.features]
    kins = [kin for plan in plans for kin in plan.kins]
    submissions = [submission for plan in plans for submission in plan.submissions]
    events = [event for plan in plans for event in plan.events]
    concerns = [concern for plan in plans for concern in plan.concerns]

    WardResearch.objects.bulk_create(research, batch_size=BATCH)
    CommunityGroup.objects.bulk_create(groups, batch_size=BATCH)
    LocalFeature.objects.bulk_create(features, batch_size=BATCH)
    Kin.objects.bulk_create(kins, batch_size=BATCH)  # their history once backdated, below
    PublicSubmission.objects.bulk_create(submissions, batch_size=BATCH)
    EngagementEvent.objects.bulk_create([p.event for p in events], batch_size=BATCH)
    officers = EngagementEvent.officers.through
    officers.objects.bulk_create(
        [
            officers(engagementevent_id=p.event.pk, user_id=person_id)
            for p in events
            for person_id in p.officer_ids
        ],
        batch_size=BATCH,
    )
    reached = EngagementEvent.groups_reached.through
    reached.objects.bulk_create(
        [
            reached(engagementevent_id=p.event.pk, communitygroup_id=group.pk)
            for p in events
            for group in p.groups
        ],
        batch_size=BATCH,
    )
    Concern.objects.bulk_create(concerns, batch_size=BATCH)
    _backdate(plans, research, kins)

    report.research = len(research)
    report.groups = len(groups)
    report.hard_to_reach = sum(group.hard_to_reach for group in groups)
    report.features = len(features)
    report.kins = len(kins)
    report.kins_due = sum(
        kin.next_review_due is not None and kin.next_review_due < today for kin in kins
    )
    statuses = Counter(p.event.status for p in events)
    report.events_held = statuses[EngagementEvent.Status.HELD]
    report.events_cancelled = statuses[EngagementEvent.Status.CANCELLED]
    report.events_planned = statuses[EngagementEvent.Status.PLANNED]
    report.attendance = sum(p.event.attendance or 0 for p in events)
    held = [p.event for p in events if p.event.status == EngagementEvent.Status.HELD]
    report.held_by_kind = Counter(event.kind for event in held)
    report.meeting_attendance = sum(
        event.attendance or 0 for event in held if event.kind == EventKind.PUBLIC_MEETING
    )
    report.officer_links = sum(len(p.officer_ids) for p in events)
    report.group_links = sum(len(p.groups) for p in events)
    report.concerns = len(concerns)
    report.submissions = len(submissions)
    report.categories = Counter(concern.category for concern in concerns)
    year_ago = today - dt.timedelta(days=YEAR_DAYS)
    for plan in plans:
        raised = Counter(c.category for c in plan.concerns if c.raised_on >= year_ago)
        report.top_three.update(category for category, _ in raised.most_common(3))


def _backdate(
    plans: Sequence[_WardPlan], research: Sequence[WardResearch], kins: Sequence[Kin]
) -> None:
    """Timestamps as the team would have left them (bulk_create stamps everything now)."""
    ward_ids = [plan.ward.pk for plan in plans]
    for item in research:
        if item.reviewed_on is not None:
            item.updated_at = _at(item.reviewed_on, 16)
    WardResearch.objects.bulk_update(
        [r for r in research if r.reviewed_on], ["updated_at"], batch_size=BATCH
    )
    for kin in kins:
        assert kin.consent_given_on is not None
        kin.created_at = _at(kin.consent_given_on, 12)
    Kin.objects.bulk_update(kins, ["created_at"], batch_size=BATCH)
    # One history row each, holding the record as seeded (never personal data: see Kin).
    Kin.history.bulk_history_create(kins, batch_size=BATCH, default_change_reason="seed_demo")
    # Groups and places were last updated when the research was.
    research_updated = WardResearch.objects.filter(
        ward_id=OuterRef("ward_id"), reviewed_on__isnull=False
    ).values("updated_at")[:1]
    for model in (CommunityGroup, LocalFeature):
        model._default_manager.filter(ward_id__in=ward_ids).update(
            updated_at=Coalesce(Subquery(research_updated), "updated_at")
        )
    # A held or cancelled event was logged when it ended.
    EngagementEvent.objects.filter(ward_id__in=ward_ids).exclude(
        status=EngagementEvent.Status.PLANNED
    ).update(created_at=Coalesce("ends_at", "starts_at"))


def _record_analyses(
    plans: Sequence[_WardPlan], context: _Context, report: EngagementReport
) -> None:
    """Each planned analysis freezes the ward's preferences for its period, as
    services.record_analysis does; a period with no concerns has nothing to analyse."""
    analyses: list[Analysis] = []
    recorded_at: list[dt.datetime] = []
    for plan in plans:
        for planned in plan.analyses:
            rows = preferences(plan.ward, start=planned.start, end=planned.end)
            if not rows:
                continue
            analysis = Analysis(
                ward=plan.ward,
                period_start=planned.start,
                period_end=planned.end,
                summary=_analysis_summary(
                    rows, before_known=_months_imported(context, planned.start, planned.end)
                ),
                ranking=[row.as_dict() for row in rows],
                recorded_by_id=planned.recorded_by_id,
            )
            analyses.append(analysis)
            recorded_at.append(planned.recorded_at)
    Analysis.objects.bulk_create(analyses, batch_size=BATCH)
    for analysis, when in zip(analyses, recorded_at, strict=True):
        analysis.recorded_at = when  # auto_now_add stamped it now
    Analysis.objects.bulk_update(analyses, ["recorded_at"], batch_size=BATCH)
    report.analyses = len(analyses)


def _months_imported(context: _Context, start: dt.date, end: dt.date) -> bool:
    """Whether crime data covers the period of the same length just before [start, end]."""
    days = (end - start).days + 1
    first = month_start(start - dt.timedelta(days=days))
    last = month_start(start - dt.timedelta(days=1))
    month = first
    while month <= last:
        if month not in context.crime_months:
            return False
        month = add_months(month, 1)
    return True


def _analysis_summary(rows: Sequence[PreferenceRow], *, before_known: bool) -> str:
    """What a sergeant might write: the leading concerns, their evidence, a recommendation."""
    top = rows[:3]
    said = "; ".join(
        f"{row.label.lower()} ({_times(row.times_raised)}, {row.sources} "
        f"channel{'s' if row.sources != 1 else ''})"
        for row in top
    )
    lines = [f"Most raised: {said}."]
    youth = max(rows, key=lambda row: row.youth)
    if youth.youth:
        lines.append(f"Young people most often raised {youth.label.lower()}.")
    evidence = []
    for row in top:
        if row.crime_category and row.crimes:
            figure = f"{CrimeCategory(row.crime_category).label.lower()} {row.crimes}"
            if before_known:
                figure += f" ({row.crimes_before} in the period before)"
            evidence.append(figure)
    if evidence:
        lines.append("Recorded crime in the period: " + "; ".join(evidence) + ".")
    else:
        lines.append("No recorded-crime figures for this period yet: police.uk publishes later.")
    names = " and ".join(row.label.lower() for row in top[:2])
    lines.append(f"Recommend the panel considers {names}.")
    return " ".join(lines)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
