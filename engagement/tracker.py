"""Where each ward stands in the seven-stage cycle, computed from its data.

The rules (also in README.md), each judged on the day the page is read:

1. Research: done when the ward's research was reviewed in the last 12 months and names at least
   one community group; due soon in its last month; overdue when older or never reviewed.
2. Engage: done when at least 3 events were held in the last 90 days and, between them, reached
   at least half of the ward's identified community groups, including one flagged hard to reach
   if there is any; in progress when events were held but reached too few groups; overdue when
   none were held.
3. Identify preferences: done when concerns came through at least 2 channels (engagement, KINs,
   young people, the web form) in the last 90 days; in progress with one channel; overdue with
   none.
4. Analyse: done when the team recorded an analysis in the last 90 days; overdue when there are
   concerns to analyse but no recent analysis; not started when there are no concerns.
5-7. Identify priorities, plan and act, review: the neighbourhood panel's stages. Their rules
   live with the priorities (the app registers them with ``register_panel_stages``); without
   it they show as not started.

Every rule is one aggregate query over all the wards asked about, so a borough's page costs the
same number of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Max, Q
from django.utils import timezone

from engagement.models import Analysis, CommunityGroup, Concern, EngagementEvent, WardResearch

RESEARCH_FRESH_DAYS = 365
RESEARCH_DUE_SOON_DAYS = 30
ENGAGEMENT_WINDOW_DAYS = 90
MIN_EVENTS = 3
MIN_GROUP_SHARE = 0.5
MIN_CHANNELS = 2
ANALYSIS_WINDOW_DAYS = 90


class State(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return {
            State.DONE: "Done",
            State.IN_PROGRESS: "In progress",
            State.OVERDUE: "Overdue",
            State.NOT_STARTED: "Not started",
        }[self]

    @property
    def tag_colour(self) -> str:
        return {
            State.DONE: "green",
            State.IN_PROGRESS: "yellow",
            State.OVERDUE: "red",
            State.NOT_STARTED: "grey",
        }[self]


STAGES = (
    ("research", "Research the neighbourhood"),
    ("engage", "Engage with the community"),
    ("preferences", "Identify public preferences"),
    ("analyse", "Investigate and analyse"),
    ("priorities", "Identify priorities for action"),
    ("plan", "Plan and act"),
    ("review", "Review"),
)


@dataclass(frozen=True)
class StageStatus:
    key: str
    name: str
    state: State
    detail: str  # what the rule found, in a sentence

    @property
    def is_overdue(self) -> bool:
        return self.state is State.OVERDUE


@dataclass(frozen=True)
class WardCycle:
    ward_id: int
    stages: tuple[StageStatus, ...]

    @property
    def overdue(self) -> list[StageStatus]:
        return [s for s in self.stages if s.is_overdue]

    @property
    def current(self) -> StageStatus:
        """The first stage not done: where the ward's team should be working now."""
        return next((s for s in self.stages if s.state is not State.DONE), self.stages[-1])


def ward_cycles(ward_ids: Iterable[int], today: dt.date | None = None) -> dict[int, WardCycle]:
    """The seven-stage status of each ward, in a fixed number of queries."""
    ids = list(ward_ids)
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=ENGAGEMENT_WINDOW_DAYS)

    reviewed = dict(
        WardResearch.objects.filter(ward_id__in=ids).values_list("ward_id", "reviewed_on")
    )
    groups = {
        row["ward_id"]: row
        for row in CommunityGroup.objects.filter(ward_id__in=ids)
        .values("ward_id")
        .annotate(total=Count("pk"), hard=Count("pk", filter=Q(hard_to_reach=True)))
    }
    held = (
        EngagementEvent.objects.filter(ward_id__in=ids)
        .held_between(since, today)
        .values("ward_id")
        .annotate(
            events=Count("pk", distinct=True),
            groups=Count("groups_reached", distinct=True),
            hard=Count(
                "groups_reached", filter=Q(groups_reached__hard_to_reach=True), distinct=True
            ),
        )
    )
    events = {row["ward_id"]: row for row in held}
    channels = {
        row["ward_id"]: row
        for row in Concern.objects.filter(ward_id__in=ids)
        .raised_between(since, today)
        .values("ward_id")
        .annotate(concerns=Count("pk"), channels=Count("source", distinct=True))
    }
    analysed = dict(
        Analysis.objects.filter(ward_id__in=ids)
        .values("ward_id")
        .annotate(latest=Max("recorded_at"))
        .values_list("ward_id", "latest")
    )

    panel_stages = _panel_stages_for(ids, today)
    return {
        ward_id: WardCycle(
            ward_id=ward_id,
            stages=(
                _research(reviewed.get(ward_id), groups.get(ward_id), today),
                _engage(events.get(ward_id), groups.get(ward_id)),
                _preferences(channels.get(ward_id)),
                _analyse(analysed.get(ward_id), channels.get(ward_id), today),
                *panel_stages[ward_id],
            ),
        )
        for ward_id in ids
    }


def _stage(index: int, state: State, detail: str) -> StageStatus:
    key, name = STAGES[index]
    return StageStatus(key=key, name=name, state=state, detail=detail)


def _research(
    reviewed_on: dt.date | None, groups: dict[str, int] | None, today: dt.date
) -> StageStatus:
    n_groups = groups["total"] if groups else 0
    if reviewed_on is None:
        return _stage(0, State.OVERDUE, "The ward's research has never been reviewed.")
    age = (today - reviewed_on).days
    if age > RESEARCH_FRESH_DAYS:
        return _stage(0, State.OVERDUE, f"Last reviewed {reviewed_on:%-d %B %Y}: over a year ago.")
    if n_groups == 0:
        return _stage(0, State.IN_PROGRESS, "Reviewed, but no community groups are identified.")
    if age > RESEARCH_FRESH_DAYS - RESEARCH_DUE_SOON_DAYS:
        due = reviewed_on + dt.timedelta(days=RESEARCH_FRESH_DAYS)
        return _stage(0, State.IN_PROGRESS, f"Review due by {due:%-d %B %Y}.")
    return _stage(
        0, State.DONE, f"Reviewed {reviewed_on:%-d %B %Y}; {n_groups} community groups identified."
    )


def _engage(events: dict[str, int] | None, groups: dict[str, int] | None) -> StageStatus:
    if not events:
        return _stage(1, State.OVERDUE, "No engagement held in the last 90 days.")
    n_groups = groups["total"] if groups else 0
    n_hard = groups["hard"] if groups else 0
    reached, reached_hard = events["groups"], events["hard"]
    shortfalls = []
    if events["events"] < MIN_EVENTS:
        shortfalls.append(f"only {events['events']} of {MIN_EVENTS} events held")
    if n_groups and reached < n_groups * MIN_GROUP_SHARE:
        shortfalls.append(f"{reached} of {n_groups} identified groups reached")
    if n_hard and not reached_hard:
        shortfalls.append("no hard-to-reach group reached")
    if shortfalls:
        return _stage(1, State.IN_PROGRESS, "In the last 90 days: " + "; ".join(shortfalls) + ".")
    return _stage(
        1,
        State.DONE,
        f"{events['events']} events in the last 90 days reached {reached} of {n_groups} groups.",
    )


def _preferences(channels: dict[str, int] | None) -> StageStatus:
    if not channels:
        return _stage(2, State.OVERDUE, "No concerns recorded in the last 90 days.")
    if channels["channels"] < MIN_CHANNELS:
        return _stage(
            2,
            State.IN_PROGRESS,
            f"{channels['concerns']} concerns in the last 90 days, all through one channel.",
        )
    return _stage(
        2,
        State.DONE,
        f"{channels['concerns']} concerns through {channels['channels']} channels in 90 days.",
    )


def _analyse(
    latest: dt.datetime | None, channels: dict[str, int] | None, today: dt.date
) -> StageStatus:
    if latest is not None and (today - timezone.localdate(latest)).days <= ANALYSIS_WINDOW_DAYS:
        return _stage(3, State.DONE, f"Analysis recorded {timezone.localdate(latest):%-d %B %Y}.")
    if not channels:
        return _stage(3, State.NOT_STARTED, "No recent concerns to analyse.")
    return _stage(3, State.OVERDUE, "Concerns are waiting: no analysis in the last 90 days.")


# Computes stages 5-7 for many wards at once: ward id -> (state, detail) for each of the three.
PanelStages = Callable[[list[int], dt.date], dict[int, tuple[tuple[State, str], ...]]]
_PANEL_STAGES: list[PanelStages] = []


def register_panel_stages(rule: PanelStages) -> PanelStages:
    """The priorities app supplies the rules for stages 5-7 (it is built on this one)."""
    _PANEL_STAGES[:] = [rule]
    return rule


def _panel_stages_for(ids: list[int], today: dt.date) -> dict[int, tuple[StageStatus, ...]]:
    if not _PANEL_STAGES:
        detail = "Tracked once the ward's panel and its priorities are recorded in the portal."
        blank = tuple(_stage(i, State.NOT_STARTED, detail) for i in (4, 5, 6))
        return dict.fromkeys(ids, blank)
    computed = _PANEL_STAGES[0](ids, today)
    return {
        ward_id: tuple(
            _stage(4 + i, state, detail) for i, (state, detail) in enumerate(computed[ward_id])
        )
        for ward_id in ids
    }
