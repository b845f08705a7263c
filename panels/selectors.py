"""Reads for panels: members, meetings, quorum, the evidence pack and representativeness.

Callers pass a ward, panel or meeting they have already checked access to (through
snt_portal.permissions); nothing here decides who sees what.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Max, Min, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from engagement.models import Analysis, GlaWardProfile
from engagement.selectors import PreferenceRow, preferences
from panels.diversity import (
    DECLARATION_FIELDS,
    CharacteristicTable,
    Figure,
    share_range,
    tabulate,
)
from panels.models import (
    Attendance,
    DiversityDeclaration,
    Meeting,
    Panel,
    PanelMembership,
)
from wards.models import Borough, User, Ward

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from priorities.models import PlannedAction, Priority, Review

Position = PanelMembership.Position

# The order members are listed in: officers of the panel first.
POSITION_ORDER = Case(
    *(When(position=p, then=Value(i)) for i, p in enumerate(Position)),
    output_field=IntegerField(),
)

# Preferences for an evidence pack when the panel has not met before: a quarter.
FIRST_PACK_DAYS = 90


def quorum_rule() -> tuple[int, float]:
    """(minimum, fraction): present members must be at least max(minimum, ceil(fraction x
    current members)). Defaults 3 and 0.5, from SNT_PANEL_QUORUM_MIN and
    SNT_PANEL_QUORUM_FRACTION when set."""
    return (
        int(getattr(settings, "SNT_PANEL_QUORUM_MIN", 3)),
        float(getattr(settings, "SNT_PANEL_QUORUM_FRACTION", 0.5)),
    )


def quorum_required(members: int) -> int:
    minimum, fraction = quorum_rule()
    # A small tolerance so that 0.5 x 6 is 3, not 3.0000000001 rounded up to 4.
    return max(minimum, math.ceil(fraction * members - 1e-9))


@dataclass(frozen=True)
class Quorum:
    members: int  # current members on the meeting's day
    present: int
    required: int
    recorded: bool  # whether any attendance is recorded yet

    @property
    def is_quorate(self) -> bool:
        return self.present >= self.required


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localdate(meeting.scheduled_at)


def members_on(panel: Panel, day: dt.date) -> QuerySet[PanelMembership]:
    """Members whose term covers ``day``, officers of the panel first."""
    return (
        PanelMembership.objects.current(day)
        .filter(panel=panel)
        .select_related("user")
        .annotate(position_order=POSITION_ORDER)
        .order_by("position_order", "user__last_name", "user__first_name", "pk")
    )


def meeting_quorum(meeting: Meeting) -> Quorum:
    members = members_on(meeting.panel, meeting_day(meeting))
    counts = members.aggregate(
        n=Count("pk", distinct=True),
        present=Count(
            "attendance",
            filter=Q(attendance__meeting=meeting, attendance__status=Attendance.Status.PRESENT),
            distinct=True,
        ),
    )
    recorded = Attendance.objects.filter(meeting=meeting).exists()
    return Quorum(counts["n"], counts["present"], quorum_required(counts["n"]), recorded)


@dataclass(frozen=True)
class AttendanceRow:
    membership: PanelMembership
    status: str | None


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """Every member on the meeting's day with their recorded attendance (None if not yet)."""
    recorded = dict(
        Attendance.objects.filter(meeting=meeting).values_list("membership_id", "status")
    )
    members = list(members_on(meeting.panel, meeting_day(meeting)))
    rows = [AttendanceRow(m, recorded.pop(m.pk, None)) for m in members]
    # Attendance of someone whose term has since been shortened still shows.
    if recorded:
        extra = PanelMembership.objects.filter(pk__in=recorded).select_related("user")
        rows += [AttendanceRow(m, recorded[m.pk]) for m in extra]
    return rows


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The panel's last meeting held before this one: the one whose minutes this one approves."""
    return (
        Meeting.objects.filter(
            panel_id=meeting.panel_id,
            status=Meeting.Status.HELD,
            scheduled_at__lt=meeting.scheduled_at,
        )
        .order_by("-scheduled_at", "-pk")
        .first()
    )


def minutes_to_approve(meeting: Meeting) -> Meeting | None:
    """The previous meeting, if its minutes are drafted and waiting for this meeting."""
    previous = previous_meeting(meeting)
    if previous is None or previous.minutes_status != Meeting.MinutesStatus.DRAFT:
        return None
    return previous


# Panels -------------------------------------------------------------------------------------


class Led:
    COMMUNITY = "community"
    POLICE = "police"
    NO_CHAIR = "no_chair"


LED_LABELS = {
    Led.COMMUNITY: "Community-led",
    Led.POLICE: "Police-led",
    Led.NO_CHAIR: "No chair",
}


@dataclass
class PanelSummary:
    """A panel at a glance: for the ward page, the panel page and the borough list."""

    panel: Panel
    chair: PanelMembership | None
    members: int
    last_meeting: Meeting | None = None
    next_meeting: Meeting | None = None

    @property
    def led(self) -> str:
        if self.chair is None:
            return Led.NO_CHAIR
        return Led.POLICE if self.chair.is_police else Led.COMMUNITY

    @property
    def led_label(self) -> str:
        return LED_LABELS[self.led]


def panel_summaries(panels: QuerySet[Panel], today: dt.date | None = None) -> list[PanelSummary]:
    """Summaries of many panels in a fixed number of queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    panels = panels.select_related("ward", "ward__borough").annotate(
        n_members=Count(
            "memberships",
            filter=Q(memberships__term_start__lte=today)
            & (Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=today)),
            distinct=True,
        )
    )
    rows = list(panels)
    ids = [p.pk for p in rows]
    chairs = {
        m.panel_id: m
        for m in PanelMembership.objects.current(today)
        .filter(panel_id__in=ids, position=Position.CHAIR)
        .select_related("user")
        .order_by("term_start", "pk")
    }
    not_cancelled = Meeting.objects.filter(panel_id__in=ids).exclude(
        status=Meeting.Status.CANCELLED
    )
    last_at = dict(
        not_cancelled.filter(status=Meeting.Status.HELD)
        .values_list("panel_id")
        .annotate(at=Max("scheduled_at"))
    )
    next_at = dict(
        not_cancelled.filter(status=Meeting.Status.SCHEDULED, scheduled_at__gte=now)
        .values_list("panel_id")
        .annotate(at=Min("scheduled_at"))
    )
    wanted = Q(pk__in=[])
    for at_by_panel in (last_at, next_at):
        for panel_id, at in at_by_panel.items():
            wanted |= Q(panel_id=panel_id, scheduled_at=at)
    meetings: dict[tuple[int, dt.datetime], Meeting] = {
        (m.panel_id, m.scheduled_at): m for m in not_cancelled.filter(wanted)
    }
    summaries = []
    for panel in rows:
        last = last_at.get(panel.pk)
        upcoming = next_at.get(panel.pk)
        summaries.append(
            PanelSummary(
                panel=panel,
                chair=chairs.get(panel.pk),
                members=panel.n_members,
                last_meeting=meetings.get((panel.pk, last)) if last else None,
                next_meeting=meetings.get((panel.pk, upcoming)) if upcoming else None,
            )
        )
    return summaries


def panel_summary(panel: Panel, today: dt.date | None = None) -> PanelSummary:
    return panel_summaries(Panel.objects.filter(pk=panel.pk), today)[0]


def past_members(panel: Panel, today: dt.date | None = None) -> QuerySet[PanelMembership]:
    today = today or timezone.localdate()
    return (
        PanelMembership.objects.filter(panel=panel, term_end__lt=today)
        .select_related("user")
        .order_by("-term_end", "user__last_name")
    )


def panel_meetings(panel: Panel) -> QuerySet[Meeting]:
    """The panel's meetings, newest first, with how many members were present at each."""
    return Meeting.objects.filter(panel=panel).annotate(
        present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT))
    )


def own_membership(
    panel: Panel, user: User | AnonymousUser, today: dt.date | None = None
) -> PanelMembership | None:
    """The signed-in user's own current seat on ``panel`` whose term has not been ended, if they
    have one: the seat a diversity declaration belongs to."""
    if not isinstance(user, User):
        return None
    return (
        PanelMembership.objects.current(today)
        .filter(panel=panel, user=user, term_end__isnull=True)
        .select_related("panel__ward__borough", "user")
        .first()
    )


@dataclass(frozen=True)
class BoroughPanels:
    """How a borough's wards are covered by panels (counted across the whole borough)."""

    wards: int
    with_panel: int
    community_led: int
    police_led: int
    no_chair: int


def borough_coverage(borough: Borough, today: dt.date | None = None) -> BoroughPanels:
    today = today or timezone.localdate()
    wards = Ward.objects.current(today).filter(borough=borough)
    panels = Panel.objects.filter(ward__in=wards)
    chairs = PanelMembership.objects.current(today).filter(
        panel__in=panels, position=Position.CHAIR
    )
    led = dict(chairs.values_list("is_police").annotate(n=Count("panel", distinct=True)))
    with_panel = panels.count()
    community, police = led.get(False, 0), led.get(True, 0)
    return BoroughPanels(
        wards=wards.count(),
        with_panel=with_panel,
        community_led=community,
        police_led=police,
        no_chair=max(0, with_panel - community - police),
    )


# The evidence pack ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityProgress:
    priority: Priority
    latest_review: Review | None
    actions: list[PlannedAction]


def priority_progress(ward: Ward) -> list[PriorityProgress]:
    """The ward's active priorities with their latest review and planned actions."""
    from priorities.models import PlannedAction, Priority, Review

    active = (
        Priority.objects.filter(ward=ward, status=Priority.Status.ACTIVE)
        .order_by("issue_date", "pk")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("meeting").order_by("-recorded_at", "-pk"),
            ),
            Prefetch(
                "actions",
                queryset=PlannedAction.objects.select_related("owner").order_by("due_date", "pk"),
            ),
        )
    )
    return [
        PriorityProgress(
            priority=p,
            latest_review=next(iter(p.reviews.all()), None),
            actions=list(p.actions.all()),
        )
        for p in active
    ]


@dataclass(frozen=True)
class EvidencePack:
    meeting: Meeting
    since: Meeting | None  # the last meeting held before this one
    start: dt.date
    end: dt.date
    preferences: list[PreferenceRow]
    analysis: Analysis | None
    priorities: list[PriorityProgress]

    @property
    def youth_concerns(self) -> int:
        return sum(row.youth for row in self.preferences)


def evidence_pack(meeting: Meeting, today: dt.date | None = None) -> EvidencePack:
    """What the panel sees before deciding: public preferences since its last meeting, with the
    crime evidence and youth-sourced concerns, the team's latest analysis, and progress on the
    current priorities."""
    today = today or timezone.localdate()
    ward = meeting.panel.ward
    since = previous_meeting(meeting)
    end = min(meeting_day(meeting), today)
    start = (
        meeting_day(since) + dt.timedelta(days=1)
        if since
        else end - dt.timedelta(days=FIRST_PACK_DAYS - 1)
    )
    start = min(start, end)
    analysis = (
        Analysis.objects.filter(ward=ward, period_end__gte=start, recorded_at__date__lte=end)
        .select_related("recorded_by")
        .order_by("-recorded_at")
        .first()
    )
    return EvidencePack(
        meeting=meeting,
        since=since,
        start=start,
        end=end,
        preferences=preferences(ward, start=start, end=end),
        analysis=analysis,
        priorities=priority_progress(ward),
    )


# Representativeness ---------------------------------------------------------------------------


def borough_diversity(borough: Borough, today: dt.date | None = None) -> list[CharacteristicTable]:
    """The protected tables for a borough: current members' declarations only."""
    today = today or timezone.localdate()
    current = PanelMembership.objects.current(today).filter(panel__ward__borough=borough)
    rows = DiversityDeclaration.objects.filter(membership__in=current).values_list(
        "membership__panel_id", *DECLARATION_FIELDS
    )
    return tabulate((row[0], dict(zip(DECLARATION_FIELDS, row[1:], strict=True))) for row in rows)


@dataclass(frozen=True)
class Comparison:
    """One measure: the panel (or borough panels) beside the area's population. The panels'
    figure is a range when withheld counts leave it uncertain."""

    label: str
    panel: tuple[float, float] | None  # (low, high) %; None: withheld, or nobody answered
    area: float | None
    area_source: str

    @property
    def panel_exact(self) -> bool:
        return self.panel is not None and round(self.panel[0]) == round(self.panel[1])


@dataclass(frozen=True)
class FigureList:
    """One characteristic's published counts, answer by answer."""

    label: str
    figures: list[Figure]


@dataclass
class Representativeness:
    tables: list[CharacteristicTable]
    declared: int  # how many members have declared (panel, or the borough's panels)
    sections: list[FigureList] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    area_label: str = ""


_BAME = "% BAME - 2011"
_WORKING_AGE = "Working-age (16-64) - 2015"
_OLDER = "Older people aged 65+ - 2015"
_POPULATION = "Population - 2015"
PREFER_NOT = DiversityDeclaration.PREFER_NOT


def _table(tables: list[CharacteristicTable], field_name: str) -> CharacteristicTable:
    return next(t for t in tables if t.characteristic.field == field_name)


Share = tuple[float, float] | None


def _panel_measures(tables: list[CharacteristicTable], panel_id: int | None) -> tuple[Share, Share]:
    """(% not White, % aged 65 or over) among those who answered, from shown figures only."""
    measures = []
    for field_name, part in (
        ("ethnic_group", set(DiversityDeclaration.EthnicGroup.values) - {"white", PREFER_NOT}),
        ("age_band", {DiversityDeclaration.AgeBand.AGE_65_PLUS.value}),
    ):
        table = _table(tables, field_name)
        if panel_id is None:
            figures, total = table.borough_row, table.table.total
        else:
            figures, total = table.panel_row(panel_id) or [], table.panel_total(panel_id)
        answers = [value for value, _ in table.characteristic.choices]
        measures.append(
            share_range(
                [(a, f.value) for a, f in zip(answers, figures, strict=True)],
                total,
                part=part,
                excluded={PREFER_NOT},
            )
            if figures
            else None
        )
    return measures[0], measures[1]


def _area_measures(profiles: list[GlaWardProfile]) -> tuple[float | None, float | None]:
    """(% BAME, % of people 16 and over aged 65 or over), population-weighted over profiles."""
    weighted = [
        (p.measures[_BAME], p.measures.get(_POPULATION) or p.population or 0)
        for p in profiles
        if p.measures.get(_BAME) is not None
    ]
    weight = sum(w for _, w in weighted)
    bame = sum(v * w for v, w in weighted) / weight if weight else None
    adults = [
        (p.measures[_OLDER], p.measures[_WORKING_AGE])
        for p in profiles
        if p.measures.get(_OLDER) is not None and p.measures.get(_WORKING_AGE) is not None
    ]
    older, all_adults = sum(o for o, _ in adults), sum(o + w for o, w in adults)
    return bame, (100 * older / all_adults if all_adults else None)


def _comparisons(
    panel: tuple[Share, Share], area: tuple[float | None, float | None], source: str
) -> list[Comparison]:
    return [
        Comparison("Black, Asian and minority ethnic", panel[0], area[0], f"{source}, 2011"),
        Comparison("Aged 65 or over (of people 16 and over)", panel[1], area[1], f"{source}, 2015"),
    ]


def panel_representativeness(panel: Panel, today: dt.date | None = None) -> Representativeness:
    """The panel's row of its borough's protected tables, beside the ward's GLA profile (or,
    where the ward's boundary is newer than the profiles, the borough's)."""
    ward = panel.ward
    tables = borough_diversity(ward.borough, today)
    declared = tables[0].panel_total(panel.pk)
    profile = GlaWardProfile.objects.filter(code=ward.code).first()
    if profile is not None:
        area, label = _area_measures([profile]), "Ward (GLA ward profile)"
    else:
        area, label = (
            _area_measures(_borough_profiles(ward.borough)),
            f"{ward.borough.name} (GLA ward profiles; none for this ward's boundary)",
        )
    return Representativeness(
        tables=tables,
        declared=declared,
        sections=[FigureList(t.characteristic.label, t.panel_row(panel.pk) or []) for t in tables],
        comparisons=_comparisons(_panel_measures(tables, panel.pk), area, label),
        area_label=label,
    )


def _borough_profiles(borough: Borough) -> list[GlaWardProfile]:
    """The GLA profiles of the borough's wards of any boundary vintage (the 2015 profiles
    describe the pre-2014 wards, which together cover the borough)."""
    codes = Ward.objects.filter(borough=borough).values("code")
    return list(GlaWardProfile.objects.filter(code__in=codes))


def borough_representativeness(
    borough: Borough, today: dt.date | None = None
) -> Representativeness:
    tables = borough_diversity(borough, today)
    label = f"{borough.name} (GLA ward profiles)"
    return Representativeness(
        tables=tables,
        declared=tables[0].table.total,
        sections=[
            FigureList(t.characteristic.label, t.borough_row if t.table.total else [])
            for t in tables
        ],
        comparisons=_comparisons(
            _panel_measures(tables, None), _area_measures(_borough_profiles(borough)), label
        ),
        area_label=label,
    )
