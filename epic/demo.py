"""Demo EPIC activity for ``manage.py seed_demo``: a year of what every ward team logged.

Every current Met ward with officers posted gets a year of EPIC lines (epic.catalogue's logged
types; Communication is mostly the engagement demo's events, read in place by the rollups), each
by an officer posted to the ward on that day and allowed to do it (a PCSO makes no arrests and
searches nobody). Rates are per ward a year (``RATES``), scaled by how busy the ward's team is
(0.6 to 1.4): about 120 lines a ward, some 80,000 across London, which a dashboard can show and
SQLite can write in seconds. Patrols are logged in hours (one to six, in quarter hours), the rest
as counts. A line whose type suits one of the ward's priorities in force that day (a crime
prevention visit for burglary, a dispersal for groups of youths) works on it about half the
time; each panel meeting held in the ward is attended and logged by the team's lead.

As in the other demo builders everything comes from random.Random seeded with the ward's code,
rows are written with bulk_create and ``source=Activity.Source.DEMO``, and a ward that already
has demo activity is left alone, so a second run adds nothing. Demo lines have no history rows
(nobody edited them) and mark no rollup buckets: seed_demo rebuilds the rollups when it ends.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from engagement.concerns import ConcernCategory
from epic.catalogue import LOGGED_TYPES, Category, Unit, type_for
from epic.models import Activity
from panels.models import Meeting
from priorities.models import Priority
from wards.models import Posting, PostingRole, Team, Ward

Progress = Callable[[str], None]
C = ConcernCategory
R = PostingRole


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


YEAR_DAYS = 365
BATCH = 1000
PRIORITY_SHARE = 0.5  # of the lines whose type suits a priority in force

_ANYONE = frozenset({R.SERGEANT, R.PC, R.PCSO, R.SPECIAL})
_WARRANTED = frozenset({R.SERGEANT, R.PC, R.SPECIAL})


@dataclass(frozen=True)
class Rate:
    """How often a ward team logs a type: lines a year, and what one line holds."""

    lines: float
    amounts: tuple[int, ...] = (1,)  # the count on a line, equally likely (COUNT types)
    roles: frozenset[str] = _ANYONE


RATES: dict[str, Rate] = {
    "arrest": Rate(9, (1, 1, 1, 1, 1, 2, 2, 3), _WARRANTED),
    "warrant": Rate(1.5, (1,), _WARRANTED),
    "stop_search": Rate(12, (1, 1, 1, 2, 2, 3), _WARRANTED),
    "fixed_penalty": Rate(5, (1, 1, 1, 2)),
    "asb_warning": Rate(7, (1, 1, 2, 3)),
    "abc": Rate(1.2),
    "asb_injunction": Rate(0.3, (1,), _WARRANTED),
    "cpn": Rate(1.5),
    "dispersal": Rate(1, (1,), _WARRANTED),
    "patrol_hours": Rate(30),
    "crime_prevention_visit": Rate(12, (1, 1, 2, 2, 3, 4, 5, 6)),
    "youth_diversion": Rate(3),
    "licensed_premises_visit": Rate(4, (1, 1, 2, 3, 4)),
    "intelligence_report": Rate(14, (1, 1, 1, 2, 3)),
    "community_intelligence": Rate(8, (1, 1, 2, 3, 4)),
    "social_media": Rate(10, (1, 1, 2, 3)),
}
# Who does most of it: PCSOs patrol and visit; warranted officers enforce.
ROLE_WEIGHTS: dict[str, float] = {R.SERGEANT: 0.7, R.PC: 1.0, R.PCSO: 1.2, R.SPECIAL: 0.4}
PATROL_HOURS = (1.0, 6.0, 2.5)  # low, high, mode
BUSY = (0.6, 1.4)

# The types that work on a priority of each category (the rest: patrols and intelligence).
PRIORITY_TYPES: dict[str, frozenset[str]] = {
    C.ASB_YOUTHS: frozenset({"asb_warning", "dispersal", "youth_diversion", "abc", "patrol_hours"}),
    C.ASB_GENERAL: frozenset({"asb_warning", "cpn", "abc", "asb_injunction", "patrol_hours"}),
    C.ALCOHOL_ASB: frozenset(
        {"licensed_premises_visit", "dispersal", "fixed_penalty", "patrol_hours"}
    ),
    C.BURGLARY: frozenset(
        {"crime_prevention_visit", "patrol_hours", "arrest", "warrant", "intelligence_report"}
    ),
    C.THEFT_FROM_VEHICLES: frozenset(
        {"crime_prevention_visit", "patrol_hours", "stop_search", "arrest"}
    ),
    C.DRUGS: frozenset(
        {"stop_search", "warrant", "arrest", "intelligence_report", "community_intelligence"}
    ),
    C.STREET_CRIME: frozenset({"stop_search", "patrol_hours", "arrest", "intelligence_report"}),
    C.WEAPONS: frozenset({"stop_search", "intelligence_report", "youth_diversion"}),
    C.VIOLENCE: frozenset({"patrol_hours", "arrest", "licensed_premises_visit"}),
    C.ROAD_SAFETY: frozenset({"fixed_penalty", "patrol_hours"}),
    C.PARKING: frozenset({"fixed_penalty", "patrol_hours"}),
    C.SHOPLIFTING: frozenset({"arrest", "crime_prevention_visit", "patrol_hours"}),
    C.BICYCLE_THEFT: frozenset({"crime_prevention_visit", "patrol_hours"}),
}
_DEFAULT_PRIORITY_TYPES = frozenset({"patrol_hours", "community_intelligence", "cpn"})

NOTES: dict[str, tuple[str, ...]] = {
    "patrol_hours": (
        "High-visibility patrol of the shopping parade.",
        "Evening patrol around the estate.",
        "School-gate patrol at home time.",
        "Patrol of the park after dark.",
    ),
    "crime_prevention_visit": (
        "Door-knocking after a burglary in the street; advice leaflets left.",
        "Property marking at the community centre.",
    ),
    "arrest": ("Arrested on a warrant.", "Arrested for possession with intent to supply."),
    "intelligence_report": ("Submitted on the intelligence system.",),
    "social_media": ("Ward update on the team's social media account.",),
}
NOTE_SHARE = 0.15


@dataclass
class EpicDemoReport:
    """What seed_epic wrote."""

    wards_seeded: int = 0
    wards_kept: int = 0
    rows: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    patrol_hours: Decimal = Decimal(0)
    for_priorities: int = 0

    def lines(self) -> list[str]:
        if not self.wards_seeded:
            return []
        by_category = ", ".join(
            f"{Category(category).label} {self.categories[category]:,}"
            for category in Category
            if self.categories[category]
        )
        top = ", ".join(
            f"{type_for(key).label.lower()} {count:,}" for key, count in self.types.most_common(6)
        )
        return [
            f"  {self.rows:,} EPIC lines: {by_category}",
            f"  Most logged: {top}; {self.patrol_hours:,.0f} hours of high-visibility patrol",
            f"  {self.for_priorities:,} lines ({self.for_priorities / max(self.rows, 1):.0%}) "
            "worked on a ward priority",
        ]


def seed_epic(*, today: dt.date, progress: Progress = _quiet) -> EpicDemoReport:
    """A year of EPIC activity for every current Met ward with officers; see the module
    docstring. Idempotent: a ward with any demo activity already is left alone."""
    report = EpicDemoReport()
    with transaction.atomic():
        with_team = Team.objects.filter(kind=Team.Kind.WARD).values("ward_id")
        wards = list(
            Ward.objects.current(today)
            .filter(borough__is_met=True, pk__in=with_team)
            .order_by("borough__code", "code")
        )
        kept = set(
            Activity.objects.filter(source=Activity.Source.DEMO, ward__in=wards)
            .values_list("ward_id", flat=True)
            .distinct()
        )
        todo = [ward for ward in wards if ward.pk not in kept]
        report.wards_kept = len(kept)
        progress(f"EPIC: seeding {len(todo)} wards ({len(kept)} already have demo activity: kept)")
        if todo:
            context = _Context.load(todo, today)
            rows = [row for ward in todo for row in _WardPlanner(ward, context).plan()]
            report.wards_seeded = len({row.ward_id for row in rows})
            bulk_create_with_history(
                rows, Activity, batch_size=BATCH, default_change_reason="seed_demo"
            )
            _count(rows, report)
    for line in report.lines():
        progress(line)
    return report


def _count(rows: Sequence[Activity], report: EpicDemoReport) -> None:
    report.rows = len(rows)
    report.categories = Counter(row.category for row in rows)
    report.types = Counter(row.type for row in rows)
    report.patrol_hours = sum(
        (row.quantity for row in rows if row.type == "patrol_hours"), Decimal(0)
    )
    report.for_priorities = sum(row.priority_id is not None for row in rows)


@dataclass(frozen=True)
class _Officer:
    person_id: int
    role: str
    start: dt.date
    end: dt.date | None

    def on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class _Priority:
    pk: int
    category: str
    start: dt.date
    end: dt.date | None

    def on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class _Context:
    """What the planners read, fetched once for all wards."""

    today: dt.date
    officers: dict[int, list[_Officer]]
    priorities: dict[int, list[_Priority]]
    panel_meetings: dict[int, list[dt.date]]

    @classmethod
    def load(cls, wards: Sequence[Ward], today: dt.date) -> _Context:
        ids = [ward.pk for ward in wards]
        officers: dict[int, list[_Officer]] = defaultdict(list)
        postings = (
            Posting.objects.filter(
                team__kind=Team.Kind.WARD, team__ward_id__in=ids, role__in=list(ROLE_WEIGHTS)
            )
            .order_by("team__ward_id", "start_date", "pk")
            .values_list("team__ward_id", "person_id", "role", "start_date", "end_date")
        )
        for ward_id, person_id, role, start, end in postings:
            officers[ward_id].append(_Officer(person_id, role, start, end))
        priorities: dict[int, list[_Priority]] = defaultdict(list)
        rows = (
            Priority.objects.filter(ward_id__in=ids)
            .order_by("ward_id", "issue_date", "pk")
            .values_list("ward_id", "pk", "category", "issue_date", "status", "action_date")
        )
        for ward_id, pk, category, issued, status, action_date in rows:
            end = None if status == Priority.Status.ACTIVE else action_date
            priorities[ward_id].append(_Priority(pk, category, issued, end))
        meetings: dict[int, list[dt.date]] = defaultdict(list)
        year_ago = today - dt.timedelta(days=YEAR_DAYS)
        held = (
            Meeting.objects.filter(
                panel__ward_id__in=ids,
                status=Meeting.Status.HELD,
                scheduled_at__lte=timezone.now(),
            )
            .order_by("scheduled_at")
            .values_list("panel__ward_id", "scheduled_at")
        )
        for ward_id, scheduled_at in held:
            day = timezone.localdate(scheduled_at)
            if day > year_ago:
                meetings[ward_id].append(day)
        return cls(today, officers, priorities, meetings)


class _WardPlanner:
    """Plans one ward's year of EPIC lines, deterministically from its code."""

    def __init__(self, ward: Ward, context: _Context) -> None:
        self.ward = ward
        self.today = context.today
        self.officers = context.officers.get(ward.pk, [])
        self.priorities = context.priorities.get(ward.pk, [])
        self.meetings = context.panel_meetings.get(ward.pk, [])
        self.rng = random.Random(f"epic:{ward.code}")

    def plan(self) -> list[Activity]:
        if not any(officer.end is None for officer in self.officers):
            return []  # nobody on the team to have done anything
        rng = self.rng
        busy = rng.uniform(*BUSY)
        rows: list[Activity] = []
        for activity_type in LOGGED_TYPES:
            rate = RATES.get(activity_type.key)
            if rate is None:
                continue  # panel meetings: from the panel's own meetings, below
            for _ in range(_count_of(rng, rate.lines * busy)):
                day = self.today - dt.timedelta(days=rng.randint(1, YEAR_DAYS))
                officer = self._officer(day, rate.roles)
                if officer is None:
                    continue
                if activity_type.unit == Unit.HOURS:
                    quantity = Decimal(round(rng.triangular(*PATROL_HOURS) * 4)) / 4
                else:
                    quantity = Decimal(rng.choice(rate.amounts))
                rows.append(self._row(activity_type.key, day, officer, quantity))
        for day in self.meetings:
            lead = self._lead(day)
            if lead is not None:
                rows.append(self._row("panel_meeting", day, lead, Decimal(1)))
        return rows

    def _row(self, key: str, day: dt.date, officer: _Officer, quantity: Decimal) -> Activity:
        rng = self.rng
        note = ""
        if key in NOTES and rng.random() < NOTE_SHARE:
            note = rng.choice(NOTES[key])
        # Now and then the sergeant enters a line for an officer.
        author = officer.person_id
        if rng.random() < 0.1:
            lead = self._lead(day)
            author = lead.person_id if lead is not None else author
        return Activity(
            officer_id=officer.person_id,
            ward_id=self.ward.pk,
            date=day,
            category=type_for(key).category,
            type=key,
            quantity=quantity,
            priority_id=self._priority(key, day),
            note=note,
            source=Activity.Source.DEMO,
            created_by_id=author,
        )

    def _officer(self, day: dt.date, roles: frozenset[str]) -> _Officer | None:
        """Someone posted to the ward on ``day`` (the current team if nobody was) who may do
        it, chosen by how much of it their role does."""
        on = [o for o in self.officers if o.on(day)] or [o for o in self.officers if o.end is None]
        able = [o for o in on if o.role in roles]
        if not able:
            return None
        return self.rng.choices(able, weights=[ROLE_WEIGHTS[o.role] for o in able])[0]

    def _lead(self, day: dt.date) -> _Officer | None:
        """Who attends the panel: the sergeant then, else anyone posted then."""
        on = [o for o in self.officers if o.on(day)] or [o for o in self.officers if o.end is None]
        sergeants = [o for o in on if o.role == R.SERGEANT]
        leads = sergeants or on
        return leads[0] if leads else None

    def _priority(self, key: str, day: dt.date) -> int | None:
        suits = [
            p
            for p in self.priorities
            if p.on(day) and key in PRIORITY_TYPES.get(p.category, _DEFAULT_PRIORITY_TYPES)
        ]
        if not suits or self.rng.random() >= PRIORITY_SHARE:
            return None
        return self.rng.choice(suits).pk


def _count_of(rng: random.Random, mean: float) -> int:
    """A whole number of lines averaging ``mean`` (the fraction decided by chance)."""
    whole = int(mean)
    spread = round(whole * 0.25)
    count = whole + (rng.random() < mean - whole) + rng.randint(-spread, spread)
    return max(0, count)
