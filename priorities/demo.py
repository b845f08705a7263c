"""Demo priorities for ``manage.py seed_demo``: stages 5-7 of the cycle, alive.

Every current Met ward with a neighbourhood panel (made by ``panels.demo.seed_panels``) gets
the priorities its panel set, the team's plan for each and the panel's reviews of them at its
past meetings. Ballots are the ballots' own demo: priorities here are recorded as adopted
directly (``ballot`` empty), at one of the panel's held meetings where there is one.

- Categories follow the seeds' London ranking (seed 004 §82, 2006/07: anti-social behaviour by
  youths and in general, then theft from motor vehicles, burglary, drugs, street crime; below
  them the 2009 ward priorities in shared/data/priorities), each borough leaning towards a
  concern of its own and away from another, so that some boroughs show a category held by
  half their wards or more (the pan-borough flag) and others do not.
- Two or three active priorities a ward, mostly from community consultation, some from crime
  analysis; about one ward in three adopted one from youth engagement in the last 12 months.
- One to three planned actions each, owned by the ward's officers or by partners.
- Reviews at the panel's held meetings since each priority was set, red, amber or green; older
  priorities resolved at a review, with the public action and action-date.
- Teams differ, so stages 5-7 of the tracker do too: most are up to date; some let a review
  or an action slip; a few have lapsed (no priority set for over a year, reviews stopped).

Generated from random.Random seeded with the ward's (and borough's) code, and a ward that
already has a priority is left alone, so a second run changes nothing. Rows are written in
bulk with their history rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from engagement.concerns import ConcernCategory
from engagement.tracker import State
from panels.models import Meeting, PanelMembership
from priorities.models import PlannedAction, Priority, PrioritySource, Review
from priorities.rules import (
    REVIEW_INTERVAL_DAYS,
    categories_by_borough,
    panel_stages,
    wards_without_youth_priority,
)
from wards.demo import demo_ward
from wards.models import Posting, PostingRole, Team, Ward

Progress = Callable[[str], None]
C = ConcernCategory


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


# Rates -------------------------------------------------------------------------------------------

# The seeds' ranking of ward priorities, 2006/07 (seed 004 §82): anti-social behaviour (youths,
# then general) first, then theft from motor vehicles (176 wards of 630), burglary (162), drugs
# (127), street crime (93); below them the 2009 list (alcohol 66, road safety 63, motorists
# 40) and what a demo needs besides. Drawn without replacement, so a weight is a tendency.
CATEGORY_WEIGHTS: dict[ConcernCategory, float] = {
    C.ASB_YOUTHS: 300,
    C.ASB_GENERAL: 220,
    C.THEFT_FROM_VEHICLES: 176,
    C.BURGLARY: 162,
    C.DRUGS: 127,
    C.STREET_CRIME: 93,
    C.ALCOHOL_ASB: 66,
    C.ROAD_SAFETY: 63,
    C.PARKING: 40,
    C.CRIMINAL_DAMAGE: 35,
    C.FLY_TIPPING: 25,
    C.BEGGING: 18,
    C.WEAPONS: 15,
    C.PROSTITUTION: 10,
    C.CYCLING_ON_FOOTPATHS: 10,
    C.BICYCLE_THEFT: 10,
}
# What young people raise (the 2007 youth survey: the journey to school, feeling unsafe).
YOUTH_CATEGORIES: dict[ConcernCategory, float] = {
    C.STREET_CRIME: 40,
    C.WEAPONS: 25,
    C.ASB_YOUTHS: 20,
    C.BICYCLE_THEFT: 10,
    C.DRUGS: 5,
}
# Each borough leans towards one concern of its own, and away from another.
BOROUGH_LEANS = (
    C.ASB_YOUTHS,
    C.ASB_GENERAL,
    C.BURGLARY,
    C.THEFT_FROM_VEHICLES,
    C.DRUGS,
    C.STREET_CRIME,
)
LEAN_UP = (1.2, 2.6)
LEAN_DOWN = (0.35, 0.9)

YOUTH_SHARE = 0.36  # of wards keeping up: a youth priority adopted in the last 12 months
CRIME_ANALYSIS_SHARE = 0.12
THREE_ACTIVE_SHARE = 0.6
RATINGS = (Review.Rating.GREEN, Review.Rating.AMBER, Review.Rating.RED)
RATING_WEIGHTS = (45, 40, 15)
TEAM_OWNED_SHARE = 0.6


@dataclass(frozen=True)
class Tier:
    name: str
    weight: int
    set_within: tuple[int, int]  # the active priorities were set this many days ago
    reviews_stop: int  # no review at meetings in the last this many days
    slipped_review: float  # chance that one priority misses its recent reviews
    late_action: float  # chance that one action is past its due date, still open
    unplanned: float  # chance that one priority has no action yet


TIERS = (
    Tier("keeping up", 58, (40, 300), 0, 0.0, 0.1, 0.0),
    Tier("slipping", 30, (60, 330), 0, 0.6, 0.7, 0.3),
    Tier("lapsed", 12, (380, 560), 120, 1.0, 0.8, 0.2),
)
_TIER_WEIGHTS = [tier.weight for tier in TIERS]


# Words -------------------------------------------------------------------------------------------

PLACES = (
    "{ward} town centre",
    "the {ward} estate",
    "{ward} station",
    "the shopping parade on the High Road",
    "{ward} Park",
    "the High Road",
    "the back streets off the High Road",
)

ISSUES: dict[ConcernCategory, tuple[str, ...]] = {
    C.BURGLARY: (
        "Burglaries of homes in the streets around {place}",
        "Sheds and garages broken into near {place}",
        "Distraction burglaries of older residents near {place}",
    ),
    C.ASB_YOUTHS: (
        "Groups of young people gathering and intimidating residents near {place}",
        "Youths riding mopeds and shouting late at night near {place}",
        "Groups of youths causing a nuisance outside the shops near {place}",
    ),
    C.THEFT_FROM_VEHICLES: (
        "Thefts from cars parked near {place}",
        "Catalytic converters and number plates stolen around {place}",
        "Vans broken into overnight near {place}",
    ),
    C.DRUGS: (
        "Drug dealing in and around {place}",
        "Drug use and discarded needles around {place}",
        "Cars used for drug dealing near {place}",
    ),
    C.ASB_GENERAL: (
        "Anti-social behaviour and neighbour nuisance around {place}",
        "Rowdy behaviour late at night around {place}",
    ),
    C.ALCOHOL_ASB: (
        "Street drinking and the disorder that follows it around {place}",
        "Late-night drunken behaviour outside licensed premises near {place}",
    ),
    C.ROAD_SAFETY: (
        "Speeding through residential streets near {place}",
        "Dangerous driving outside the primary school near {place}",
    ),
    C.PARKING: (
        "Obstructive parking and abandoned vehicles around {place}",
        "Pavement parking blocking buggies and wheelchairs near {place}",
    ),
    C.STREET_CRIME: (
        "Mobile phones snatched from people walking near {place}",
        "Young people robbed on their way to and from school near {place}",
    ),
    C.CRIMINAL_DAMAGE: (
        "Damage to cars and bus shelters around {place}",
        "Vandalism of the play area near {place}",
    ),
    C.FLY_TIPPING: (
        "Fly-tipping in the alleys near {place}",
        "Rubbish dumped by the garages near {place}",
    ),
    C.BEGGING: ("Aggressive begging outside the cash machines near {place}",),
    C.WEAPONS: (
        "Young people carrying knives near {place}",
        "Knives found hidden in bushes near {place}",
    ),
    C.PROSTITUTION: ("Kerb-crawling and soliciting in the streets near {place}",),
    C.CYCLING_ON_FOOTPATHS: ("Cycling on the pavement around {place}",),
    C.BICYCLE_THEFT: (
        "Bicycles stolen from the racks near {place}",
        "Young people's bikes taken from them near {place}",
    ),
}

ACTIONS: dict[ConcernCategory, tuple[str, ...]] = {
    C.BURGLARY: (
        "Crime prevention visits to every home in the affected streets",
        "Property marking events with free UV pens",
        "High-visibility patrols at the times burglaries happen",
        "Cocooning: visit neighbours of each burglary victim within 48 hours",
        "Set up a new Neighbourhood Watch scheme",
    ),
    C.ASB_YOUTHS: (
        "Evening patrols on Thursdays to Saturdays",
        "Talk with the young people and refer them to the youth service",
        "Acceptable behaviour contracts for the most persistent",
        "Ask the council for better lighting and a youth shelter",
        "Joint patrols with the housing provider's estate officers",
    ),
    C.THEFT_FROM_VEHICLES: (
        "Leaflet parked cars with 'nothing on show' advice",
        "Early-morning patrols of the car parks",
        "Number plate security screws fitted free at a community event",
        "Ask the council to cut back the hedges screening the car park",
    ),
    C.DRUGS: (
        "Gather intelligence from residents and key individuals",
        "Apply for a warrant at the address most reported",
        "Work with the housing provider on tenancy enforcement",
        "Arrange a needle sweep and a sharps bin with the council",
    ),
    C.ASB_GENERAL: (
        "Visit the households most complained about with the council's ASB team",
        "Warning letters and community protection warnings",
        "Monthly street briefings to hear residents' reports",
    ),
    C.ALCOHOL_ASB: (
        "Ask the council to extend the controlled drinking zone",
        "Licensing visits to the off-licences with Trading Standards",
        "Refer street drinkers to the local alcohol service",
    ),
    C.ROAD_SAFETY: (
        "Community Roadwatch speed checks with residents",
        "Ask the council for traffic calming outside the school",
        "Patrols at school opening and closing times",
    ),
    C.PARKING: (
        "Report abandoned vehicles to the council for removal",
        "Joint enforcement days with the council's parking team",
    ),
    C.STREET_CRIME: (
        "Patrols on the routes to and from the schools",
        "Phone safety talks at the secondary schools",
        "Plain-clothes operation at the hotspot",
    ),
    C.CRIMINAL_DAMAGE: (
        "Report damage to the council for quick repair",
        "Patrols at the times damage is reported",
    ),
    C.FLY_TIPPING: (
        "Joint clean-up day with the council and residents",
        "Ask the council for a camera at the worst spot",
    ),
    C.BEGGING: (
        "Refer people begging to the outreach team",
        "Patrols at the cash machines at busy times",
    ),
    C.WEAPONS: (
        "Weapons sweeps of the parks and open spaces",
        "Knife crime talks with the secondary schools and youth clubs",
        "Knife arch at the station with British Transport Police",
    ),
    C.PROSTITUTION: (
        "Evening operation against kerb-crawlers",
        "Refer women to the support service",
    ),
    C.CYCLING_ON_FOOTPATHS: (
        "Cycle safety events with advice and fixed penalty notices",
        "Ask the council for signs and a marked cycle lane",
    ),
    C.BICYCLE_THEFT: (
        "Bike marking events at the station",
        "Ask the council for better cycle racks",
        "Patrols at the racks in the evening",
    ),
}

RESOLUTIONS = (
    "Reports fell by more than half over the last three months; the team keeps an eye on it "
    "in routine patrols.",
    "Arrests made and a closure order obtained; residents at the last meeting reported it has "
    "stopped.",
    "The council made the changes asked for and problems have not returned since.",
    "Joint work with partners brought reports down to a handful a month; the panel agreed to "
    "resolve it.",
    "Prevention visits and patrols over the summer; no further reports for two months.",
)

PARTNERS = (
    "the council's anti-social behaviour team",
    "the housing association",
    "the council's environmental services",
    "the youth service",
    "Trading Standards",
    "the council's highways team",
    "the local secondary school",
    "Neighbourhood Watch",
    "Transport for London",
    "the council's licensing team",
)

NOTES = {
    Review.Rating.GREEN: (
        "The team reported fewer reports since the last meeting; actions on track.",
        "Good progress: patrols done as planned and residents say it is improving.",
        "Partners delivered what they promised; reports down on the same months last year.",
    ),
    Review.Rating.AMBER: (
        "Some progress, but reports are still coming in; the partner's action is delayed.",
        "Patrols held, but the problem has moved to the next street.",
        "Mixed picture: fewer reports, but residents at the meeting still see it most weeks.",
    ),
    Review.Rating.RED: (
        "No improvement: the team was abstracted for several weeks and patrols were missed.",
        "Reports have risen; the panel asked the team for a new plan by the next meeting.",
    ),
}


# Planning ----------------------------------------------------------------------------------------


@dataclass
class PrioritiesReport:
    wards_seeded: int = 0
    wards_kept: int = 0
    active: int = 0
    resolved: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    reviews: Counter[str] = field(default_factory=Counter)
    without_youth: int = 0
    wards: int = 0
    stages: dict[str, Counter[State]] = field(default_factory=dict)
    pan_borough: dict[str, list[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = []
        if self.wards_seeded:
            lines += [
                f"  {self.active:,} active and {self.resolved:,} resolved priorities; sources: "
                + ", ".join(
                    f"{PrioritySource(s).label.lower()} {n:,}"
                    for s, n in self.sources.most_common()
                ),
                "  Most held: "
                + ", ".join(f"{C(c).label} {n:,}" for c, n in self.categories.most_common(6)),
                f"  {sum(self.actions.values()):,} planned actions ("
                + ", ".join(
                    f"{PlannedAction.Status(s).label.lower()} {n:,}"
                    for s, n in self.actions.most_common()
                )
                + f"); {sum(self.reviews.values()):,} reviews ("
                + ", ".join(f"{r} {n:,}" for r, n in self.reviews.most_common())
                + ")",
            ]
        if self.wards:
            lines.append(
                f"  Wards without a youth priority in the last 12 months: "
                f"{self.without_youth} of {self.wards}"
            )
            for key, name in (
                ("priorities", "Identify priorities"),
                ("plan", "Plan and act"),
                (
                    "review",
                    "Review",
                ),
            ):
                states = self.stages.get(key, Counter())
                lines.append(
                    f"  {name}: "
                    + ", ".join(f"{states[s]} {s.label.lower()}" for s in State if states[s])
                )
            flagged = ", ".join(
                f"{borough} ({'; '.join(labels)})" for borough, labels in self.pan_borough.items()
            )
            lines.append(
                f"  Pan-borough priorities in {len(self.pan_borough)} boroughs"
                + (f": {flagged}" if flagged else "")
            )
        return lines


@dataclass(frozen=True)
class _Meeting:
    pk: int
    day: dt.date
    at: dt.datetime


@dataclass
class _Context:
    today: dt.date
    meetings: dict[int, list[_Meeting]]
    team: dict[int, list[int]]  # ward -> people on the team who own actions
    recorders: dict[int, int]  # ward -> who records reviews (the chair, else the sergeant)
    leans: dict[int, dict[ConcernCategory, float]]  # borough -> category weights
    demo_ward_id: int | None

    @classmethod
    def load(cls, wards: Sequence[Ward], today: dt.date) -> _Context:
        ids = [w.pk for w in wards]
        now = timezone.now()
        meetings: dict[int, list[_Meeting]] = defaultdict(list)
        for ward_id, pk, at in (
            Meeting.objects.filter(panel__ward_id__in=ids, scheduled_at__lt=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("scheduled_at", "pk")
            .values_list("panel__ward_id", "pk", "scheduled_at")
        ):
            meetings[ward_id].append(_Meeting(pk, timezone.localdate(at), at))
        team: dict[int, list[int]] = defaultdict(list)
        sergeants: dict[int, int] = {}
        for ward_id, person_id, role in (
            Posting.objects.current(today)
            .filter(
                team__kind=Team.Kind.WARD,
                team__ward_id__in=ids,
                role__in=(PostingRole.SERGEANT, PostingRole.PC, PostingRole.PCSO),
            )
            .order_by("team__ward_id", "role", "person_id")
            .values_list("team__ward_id", "person_id", "role")
        ):
            team[ward_id].append(person_id)
            if role == PostingRole.SERGEANT:
                sergeants.setdefault(ward_id, person_id)
        chairs = dict(
            PanelMembership.objects.current(today)
            .filter(panel__ward_id__in=ids, position=PanelMembership.Position.CHAIR)
            .values_list("panel__ward_id", "user_id")
        )
        recorders = {**sergeants, **chairs}
        leans: dict[int, dict[ConcernCategory, float]] = {}
        for ward in wards:
            if ward.borough_id not in leans:
                rng = random.Random(f"priorities:{ward.borough.code}")
                weights = dict(CATEGORY_WEIGHTS)
                up, down = rng.sample(BOROUGH_LEANS, 2)
                weights[up] *= rng.uniform(*LEAN_UP)
                weights[down] *= rng.uniform(*LEAN_DOWN)
                leans[ward.borough_id] = weights
        try:
            demo = demo_ward(today).pk
        except RuntimeError:
            demo = None
        return cls(today, meetings, team, recorders, leans, demo)


@dataclass
class _Plan:
    priorities: list[Priority] = field(default_factory=list)
    actions: list[PlannedAction] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


def _weighted_sample(
    rng: random.Random, weights: dict[ConcernCategory, float], k: int
) -> list[ConcernCategory]:
    pool = dict(weights)
    chosen: list[ConcernCategory] = []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


class _WardPlanner:
    def __init__(self, ward: Ward, context: _Context) -> None:
        self.ward = ward
        self.context = context
        self.today = context.today
        self.rng = random.Random(f"priorities:{ward.code}")
        self.meetings = context.meetings.get(ward.pk, [])
        self.team = context.team.get(ward.pk, [])
        self.recorder = context.recorders.get(ward.pk)
        self.plan = _Plan()

    def _day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def _meeting_between(self, oldest: int, newest: int) -> _Meeting | None:
        """The most recent held meeting from ``oldest`` to ``newest`` days ago."""
        lo, hi = self._day(oldest), self._day(newest)
        within = [m for m in self.meetings if lo <= m.day <= hi]
        return within[-1] if within else None

    def _issue(self, category: ConcernCategory) -> str:
        place = self.rng.choice(PLACES).format(ward=self.ward.name)
        text = self.rng.choice(ISSUES[category]).format(place=place)
        return text[0].upper() + text[1:]

    def build(self) -> _Plan:
        rng = self.rng
        is_demo = self.ward.pk == self.context.demo_ward_id
        tier = TIERS[1] if is_demo else rng.choices(TIERS, weights=_TIER_WEIGHTS)[0]
        # The demo ward keeps a place free, so the demo chair can run a ballot that adopts one.
        n_active = 2 if is_demo else 3 if rng.random() < THREE_ACTIVE_SHARE else 2
        n_resolved = rng.choice((1, 1, 2, 3))
        youth = is_demo or (not tier.reviews_stop and rng.random() < YOUTH_SHARE)

        weights = self.context.leans[self.ward.borough_id]
        youth_category = (
            rng.choices(list(YOUTH_CATEGORIES), weights=list(YOUTH_CATEGORIES.values()))[0]
            if youth
            else None
        )
        if youth_category is not None:
            weights = {c: w for c, w in weights.items() if c != youth_category}
        categories = _weighted_sample(rng, weights, n_active + n_resolved)
        if youth_category is not None:
            categories.insert(rng.randrange(n_active), youth_category)
        active_categories = categories[:n_active]
        resolved_categories = categories[n_active : n_active + n_resolved]

        # The meeting that set the current priorities (or a plausible day, with no meeting).
        newest, oldest = tier.set_within
        target = rng.randint(newest, oldest)
        set_at = self._meeting_between(min(target + 45, oldest), max(target - 45, newest))
        set_on = set_at.day if set_at else self._day(target)

        # Earlier priorities, set six months to a year before and resolved when these were set.
        earlier_on = set_on - dt.timedelta(days=rng.randint(150, 330))
        earlier_at = self._meeting_between(
            (self.today - earlier_on).days + 30, (self.today - earlier_on).days - 30
        )
        earlier_on = earlier_at.day if earlier_at else earlier_on
        for category in resolved_categories:
            self._resolved(category, earlier_on, earlier_at, set_on, set_at)

        slipped = rng.randrange(n_active) if rng.random() < tier.slipped_review else None
        late = rng.randrange(n_active) if rng.random() < tier.late_action else None
        unplanned = (
            rng.randrange(n_active) if not is_demo and rng.random() < tier.unplanned else None
        )
        for i, category in enumerate(active_categories):
            source = (
                PrioritySource.YOUTH
                if category == youth_category
                else PrioritySource.CRIME_ANALYSIS
                if rng.random() < CRIME_ANALYSIS_SHARE
                else PrioritySource.COMMUNITY
            )
            priority = Priority(
                ward=self.ward,
                issue=self._issue(category),
                category=category,
                source=source,
                issue_date=set_on,
                status=Priority.Status.ACTIVE,
            )
            self.plan.priorities.append(priority)
            if i != unplanned:
                self._actions(priority, late=i == late)
            stop = max(tier.reviews_stop, REVIEW_INTERVAL_DAYS + 10 if i == slipped else 0)
            for meeting in self.meetings:
                if set_on < meeting.day <= self._day(stop):
                    self._review(priority, meeting, Review.Decision.CONTINUE)
        return self.plan

    def _resolved(
        self,
        category: ConcernCategory,
        set_on: dt.date,
        set_at: _Meeting | None,
        resolved_on: dt.date,
        resolved_at: _Meeting | None,
    ) -> None:
        priority = Priority(
            ward=self.ward,
            issue=self._issue(category),
            category=category,
            source=(
                PrioritySource.CRIME_ANALYSIS
                if self.rng.random() < CRIME_ANALYSIS_SHARE
                else PrioritySource.COMMUNITY
            ),
            issue_date=set_on,
            status=Priority.Status.RESOLVED,
            action=self.rng.choice(RESOLUTIONS),
            action_date=resolved_on,
        )
        self.plan.priorities.append(priority)
        for description in self.rng.sample(ACTIONS[category], k=min(2, len(ACTIONS[category]))):
            due = set_on + dt.timedelta(days=self.rng.randint(20, 90))
            self.plan.actions.append(
                self._action(priority, description, min(due, resolved_on), "done")
            )
        for meeting in self.meetings:
            if set_on < meeting.day < resolved_on:
                self._review(priority, meeting, Review.Decision.CONTINUE)
        if resolved_at is not None:
            self._review(priority, resolved_at, Review.Decision.RESOLVE, Review.Rating.GREEN)

    def _actions(self, priority: Priority, *, late: bool) -> None:
        rng = self.rng
        category = ConcernCategory(priority.category)
        count = rng.randint(1, min(3, len(ACTIONS[category])))
        for j, description in enumerate(rng.sample(ACTIONS[category], k=count)):
            if late and j == 0:
                due = self._day(rng.randint(5, 40))
                status = rng.choice(("planned", "in_progress"))
                due = max(due, priority.issue_date)
            else:
                due = priority.issue_date + dt.timedelta(days=rng.randint(30, 180))
                if due < self.today:
                    status = rng.choices(("done", "dropped"), weights=(9, 1))[0]
                else:
                    status = rng.choice(("planned", "in_progress", "in_progress"))
            self.plan.actions.append(self._action(priority, description, due, status))

    def _action(
        self, priority: Priority, description: str, due: dt.date, status: str
    ) -> PlannedAction:
        owner = (
            self.rng.choice(self.team)
            if self.team and self.rng.random() < TEAM_OWNED_SHARE
            else None
        )
        return PlannedAction(
            priority=priority,
            description=description,
            owner_id=owner,
            partner="" if owner else self.rng.choice(PARTNERS),
            due_date=due,
            status=status,
        )

    def _review(
        self,
        priority: Priority,
        meeting: _Meeting,
        decision: Review.Decision,
        rating: Review.Rating | None = None,
    ) -> None:
        if self.recorder is None:
            return
        rating = rating or self.rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
        self.plan.reviews.append(
            Review(
                priority=priority,
                meeting_id=meeting.pk,
                rating=rating,
                note=self.rng.choice(NOTES[rating]),
                decision=decision,
                recorded_by_id=self.recorder,
                recorded_at=meeting.at + dt.timedelta(hours=2),
            )
        )


# Seeding -----------------------------------------------------------------------------------------

BATCH = 1000


def seed_priorities(*, today: dt.date, progress: Progress = _quiet) -> PrioritiesReport:
    """Priorities, plans and reviews for every current Met ward with a panel; see the module
    docstring. Idempotent: a ward that already has a priority is left alone."""
    report = PrioritiesReport()
    with transaction.atomic():
        wards = list(
            Ward.objects.current(today)
            .filter(borough__is_met=True, panel__isnull=False)
            .select_related("borough")
            .order_by("borough__code", "code")
        )
        if not wards:
            progress("Priorities: no ward has a neighbourhood panel yet, so nothing to seed")
            return report
        kept = set(
            Priority.objects.filter(ward__in=wards).values_list("ward_id", flat=True).distinct()
        )
        todo = [ward for ward in wards if ward.pk not in kept]
        report.wards_seeded, report.wards_kept = len(todo), len(kept)
        progress(
            f"Priorities: seeding {len(todo)} wards with a panel "
            f"({len(kept)} already have priorities: kept)"
        )
        if todo:
            context = _Context.load(todo, today)
            plans = [_WardPlanner(ward, context).build() for ward in todo]
            _write(plans, report)
        _measure(wards, today, report)
    for line in report.lines():
        progress(line)
    return report


def _write(plans: Sequence[_Plan], report: PrioritiesReport) -> None:
    priorities = [p for plan in plans for p in plan.priorities]
    actions = [a for plan in plans for a in plan.actions]
    reviews = [r for plan in plans for r in plan.reviews]
    bulk_create_with_history(
        priorities, Priority, batch_size=BATCH, default_change_reason="seed_demo"
    )
    for action in actions:
        action.priority_id = action.priority.pk
    for review in reviews:
        review.priority_id = review.priority.pk
    bulk_create_with_history(
        actions, PlannedAction, batch_size=BATCH, default_change_reason="seed_demo"
    )
    # auto_now_add stamps every review now; a review was recorded on its meeting's evening.
    recorded = [review.recorded_at for review in reviews]
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    for review, at in zip(reviews, recorded, strict=True):
        review.recorded_at = at
    Review.objects.bulk_update(reviews, ["recorded_at"], batch_size=BATCH)
    # One history row each, holding the review as seeded, backdating included.
    Review.history.bulk_history_create(reviews, batch_size=BATCH, default_change_reason="seed_demo")

    for p in priorities:
        if p.status == Priority.Status.ACTIVE:
            report.active += 1
            report.categories[p.category] += 1
        else:
            report.resolved += 1
        report.sources[p.source] += 1
    report.actions.update(a.status for a in actions)
    report.reviews.update(r.rating for r in reviews)


def _measure(wards: Sequence[Ward], today: dt.date, report: PrioritiesReport) -> None:
    """Where the seeded wards stand: stages 5-7, the youth flag and pan-borough flags."""
    ids = [w.pk for w in wards]
    report.wards = len(ids)
    report.without_youth = len(wards_without_youth_priority(ids, today))
    keys = ("priorities", "plan", "review")
    report.stages = {key: Counter() for key in keys}
    for stages in panel_stages(ids, today).values():
        for key, (state, _) in zip(keys, stages, strict=True):
            report.stages[key][state] += 1
    names = {w.borough_id: w.borough.name for w in wards}
    for borough_id, held in categories_by_borough(sorted(names), today).items():
        flagged = [c.label for c in held if c.pan_borough]
        if flagged:
            report.pan_borough[names[borough_id]] = flagged
