"""Borough, pan-London and ward dashboards, built from summaries only.

A dashboard is plain data: ``Table``s (every table on the page, each exportable as CSV under
its ``name``), one ``Chart`` with a table alternative, and a few headline figures. ``build``
computes one from the rollup tables (``WardMonth``, ``BoroughMonth``) and the small summary
queries of the other apps (strength, panels, priorities, the seven stages, PAS results), in a
fixed number of queries whatever the volume of activity; it never reads ``Activity`` or the
engagement events.

``dashboard`` caches what ``build`` returns, per place and period, under the rollups'
generation (``rollups.GENERATION``): a refresh or a rebuild replaces it, so EPIC figures are
never older than the rollups themselves, and the other sections (postings, panels, stages) are
at most ``CACHE_SECONDS`` old; the page says when the figures were computed. Every five
minutes the Celery task ``epic.tasks.warm_dashboards`` builds the default period of London and
every borough, so a manager opening a dashboard reads a cached one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from engagement.concerns import ConcernCategory
from engagement.tracker import STAGES, State, ward_cycles
from epic import rollups
from epic.catalogue import TYPES, Category, Unit
from epic.models import Activity, BoroughMonth, PasMeasure, PasResult, WardMonth
from epic.pas import quarter_start
from panels.models import Panel, PanelMembership
from priorities.models import Priority
from priorities.rules import categories_by_borough, review_status
from snt_portal.caching import Generation
from wards.models import Abstraction, Borough, Posting, Team, Ward
from wards.selectors import contracted_hours, with_strength

CACHE_SECONDS = 300
LEAGUE_SHOWN = 15  # on the London page, the top and bottom wards; the CSV has all

# Periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole calendar months from ``start`` to ``end`` (both the first day of a month)."""

    key: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month += relativedelta(months=1)
        return out

    @property
    def last_day(self) -> dt.date:
        return self.end + relativedelta(months=1, days=-1)


DEFAULT_PERIOD = "12m"


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def period_choices(today: dt.date | None = None) -> tuple[Period, ...]:
    """The periods a dashboard offers: rolling months, the last four quarters and the last two
    financial years (April to March), each in whole months up to this one."""
    return _period_choices(today or timezone.localdate())


@functools.lru_cache(maxsize=8)
def _period_choices(today: dt.date) -> tuple[Period, ...]:
    this = _month(today)
    choices = [
        Period("12m", "Last 12 months", this - relativedelta(months=11), this),
        Period("3m", "Last 3 months", this - relativedelta(months=2), this),
        Period("1m", f"{this:%B %Y} so far", this, this),
        Period(
            "prev",
            f"{this - relativedelta(months=1):%B %Y}",
            this - relativedelta(months=1),
            this - relativedelta(months=1),
        ),
    ]
    first_quarter = quarter_start(this)
    for back in range(4):
        start = first_quarter - relativedelta(months=3 * back)
        end = min(start + relativedelta(months=2), this)
        number = (start.month - 1) // 3 + 1
        choices.append(Period(f"{start.year}-q{number}", f"{start.year} Q{number}", start, end))
    fy = today.year if today.month >= 4 else today.year - 1
    for year in (fy, fy - 1):
        start = dt.date(year, 4, 1)
        end = min(dt.date(year + 1, 3, 1), this)
        choices.append(
            Period(f"fy{year}", f"Financial year {year}/{(year + 1) % 100:02d}", start, end)
        )
    return tuple(choices)


def parse_period(key: str | None, today: dt.date | None = None) -> Period:
    """The period called ``key``; ValueError naming the choices when there is none."""
    choices = period_choices(today)
    wanted = key or DEFAULT_PERIOD
    for period in choices:
        if period.key == wanted:
            return period
    raise ValueError(
        "Choose a period from the list: " + ", ".join(p.label.lower() for p in choices) + "."
    )


# Places ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    kind: Literal["london", "borough", "ward"]
    name: str
    code: str = ""
    borough_id: int = 0  # 0 for London
    ward_id: int = 0  # 0 unless a ward

    @classmethod
    def london(cls) -> Place:
        return cls("london", "London")

    @classmethod
    def of_borough(cls, borough: Borough) -> Place:
        return cls("borough", borough.name, borough.code, borough_id=borough.pk)

    @classmethod
    def of_ward(cls, ward: Ward) -> Place:
        return cls("ward", ward.name, ward.code, borough_id=ward.borough_id, ward_id=ward.pk)

    @property
    def key(self) -> str:
        return self.kind if self.kind == "london" else f"{self.kind}:{self.code}"

    def url(self, name: str = "dashboard", **kwargs: Any) -> str:
        if self.kind == "london":
            return reverse(f"epic:london_{name}", kwargs=kwargs)
        return reverse(f"epic:{self.kind}_{name}", kwargs={"code": self.code, **kwargs})


# Met boroughs and current wards by code. Geography changes by import: any write to wards or
# boroughs makes these stale (epic.apps watches them); the key's date covers wards coming into
# or going out of force.
PLACES = Generation("epic.places")


def ward_place(code: str) -> Place | None:
    """The current Met ward with this code, as a dashboard place (None if there is none)."""
    return _place("ward", code)


def borough_place(code: str) -> Place | None:
    """The Met borough with this code, as a dashboard place (None if there is none)."""
    return _place("borough", code)


def _place(kind: Literal["ward", "borough"], code: str) -> Place | None:
    key = f"epic:place:{kind}:{code}:{timezone.localdate().isoformat()}"
    return PLACES.get_or_compute(key, lambda: _find_place(kind, code), 24 * 3600)


def _find_place(kind: Literal["ward", "borough"], code: str) -> Place | None:
    if kind == "borough":
        borough = Borough.objects.filter(is_met=True, code=code).only("pk", "code", "name").first()
        return None if borough is None else Place.of_borough(borough)
    wards = Ward.objects.current().filter(borough__is_met=True, code=code)
    ward = wards.only("pk", "code", "name", "borough").first()
    return None if ward is None else Place.of_ward(ward)


# What a dashboard holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as shown and as exported: ``links`` gives the first column's link per row."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    numeric: tuple[bool, ...] = ()
    links: tuple[str | None, ...] = ()
    caption: str = ""

    @property
    def lines(self) -> list[tuple[str | None, list[tuple[Any, bool]]]]:
        """Each row as (link, [(value, is_numeric), ...]) for the template."""
        links = self.links or (None,) * len(self.rows)
        numeric = self.numeric or (False,) * len(self.headers)
        return [
            (link, list(zip(row, numeric, strict=True)))
            for link, row in zip(links, self.rows, strict=True)
        ]

    @property
    def trimmed_lines(self) -> list[tuple[str | None, list[tuple[Any, bool]]]]:
        """The first and last LEAGUE_SHOWN lines (all of them when there are few)."""
        lines = self.lines
        if len(lines) <= 2 * LEAGUE_SHOWN:
            return lines
        return [*lines[:LEAGUE_SHOWN], *lines[-LEAGUE_SHOWN:]]

    @property
    def trimmed(self) -> bool:
        return len(self.rows) > 2 * LEAGUE_SHOWN

    @property
    def left_out(self) -> int:
        """How many rows ``trimmed_lines`` leaves out."""
        return max(0, len(self.rows) - 2 * LEAGUE_SHOWN)


@dataclass(frozen=True)
class Chart:
    """Records per category per month, drawn as an SVG line chart; ``table`` is its text."""

    title: str
    months: tuple[dt.date, ...]
    series: tuple[tuple[str, str, tuple[int, ...]], ...]  # (label, css class, values)
    table: str
    width: int = 640
    height: int = 220
    pad: int = 30

    @property
    def top(self) -> int:
        peak = max((v for _, _, values in self.series for v in values), default=0)
        return max(peak, 1)

    def points(self, values: Sequence[int]) -> str:
        n = max(len(values) - 1, 1)
        span_x, span_y = self.width - 2 * self.pad, self.height - 2 * self.pad
        return " ".join(
            f"{self.pad + span_x * i / n:.1f},{self.height - self.pad - span_y * v / self.top:.1f}"
            for i, v in enumerate(values)
        )

    @property
    def lines(self) -> list[tuple[str, str, str]]:
        return [(label, css, self.points(values)) for label, css, values in self.series]

    @property
    def x_labels(self) -> list[tuple[float, str]]:
        n = max(len(self.months) - 1, 1)
        span_x = self.width - 2 * self.pad
        step = 1 if len(self.months) <= 6 else 2
        return [
            (self.pad + span_x * i / n, f"{m:%b %y}")
            for i, m in enumerate(self.months)
            if i % step == 0
        ]


@dataclass(frozen=True)
class Dashboard:
    place: Place
    period: Period
    built_at: dt.datetime
    figures_as_of: dt.datetime | None
    population: int
    wards: int
    headline: tuple[tuple[str, str], ...]
    chart: Chart
    tables: dict[str, Table] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        return self.tables[name]


# Building one ------------------------------------------------------------------------------------


def _per_1000(value: Decimal | int, population: int) -> Decimal | None:
    if not population:
        return None
    return (Decimal(value) * 1000 / population).quantize(Decimal("0.1"))


def _wards(place: Place, today: dt.date) -> list[Ward]:
    wards = Ward.objects.current(today).select_related("borough").order_by("name")
    if place.kind == "borough":
        wards = wards.filter(borough_id=place.borough_id)
    elif place.kind == "ward":
        wards = Ward.objects.select_related("borough").filter(pk=place.ward_id)
    else:
        wards = wards.filter(borough__is_met=True)
    return list(wards)


Group = tuple[str, ...]  # any of "type", "category", "month", "ward_id", "borough_id"


class Summaries:
    """Figures from the rollup tables: what every page reads."""

    def totals(
        self, place: Place, period: Period, group: Group, *, engagement_only: bool = False
    ) -> list[dict[str, Any]]:
        by_ward = "ward_id" in group or place.kind == "ward"
        rows: Any = (WardMonth if by_ward else BoroughMonth).objects.filter(
            month__gte=period.start, month__lte=period.end
        )
        if place.kind == "ward":
            rows = rows.filter(ward_id=place.ward_id)
        elif place.kind == "borough":
            rows = rows.filter(
                **{"ward__borough_id" if by_ward else "borough_id": place.borough_id}
            )
        else:
            rows = rows.filter(**{"ward__borough__is_met" if by_ward else "borough__is_met": True})
        if engagement_only:
            rows = rows.filter(type__startswith="engagement:")
        fields = ["ward__borough_id" if g == "borough_id" and by_ward else g for g in group]
        out = []
        for row in rows.values(*fields).annotate(
            n=Sum("records"), q=Sum("quantity"), people=Sum("people")
        ):
            if "ward__borough_id" in row:
                row["borough_id"] = row.pop("ward__borough_id")
            out.append(row)
        return out


class RawRecords:
    """The same figures aggregated from the raw records on request: the naive way, kept as the
    benchmark's comparator and as the tests' independent check of the rollups."""

    def totals(
        self, place: Place, period: Period, group: Group, *, engagement_only: bool = False
    ) -> list[dict[str, Any]]:
        from django.db.models import CharField, IntegerField, Value
        from django.db.models.functions import Coalesce, Concat, TruncMonth

        from engagement.models import EngagementEvent

        def where(rows: Any) -> Any:
            if place.kind == "ward":
                return rows.filter(ward_id=place.ward_id)
            if place.kind == "borough":
                return rows.filter(ward__borough_id=place.borough_id)
            return rows.filter(ward__borough__is_met=True)

        names = {"month": "month", "ward_id": "ward_id", "borough_id": "ward__borough_id"}
        combined: dict[tuple[Any, ...], dict[str, Any]] = {}

        def add(rows: Any, fields: list[str], aggregates: dict[str, Any]) -> None:
            for row in rows.values(*fields).annotate(**aggregates):
                if isinstance(row.get("month"), dt.datetime):  # events: local midnight
                    row["month"] = timezone.localtime(row["month"]).date()
                key = tuple(row[f] for f in fields)
                acc = combined.setdefault(key, {"n": 0, "q": Decimal(0), "people": 0})
                acc["n"] += row["n"]
                acc["q"] += Decimal(row["q"] or 0)
                acc["people"] += row["people"] or 0

        fields = [names.get(g, g) for g in group]
        last = period.last_day
        if not engagement_only:
            activity = where(
                Activity.objects.filter(date__gte=period.start, date__lte=last)
            ).annotate(month=TruncMonth("date"))
            add(activity, fields, {"n": Count("pk"), "q": Sum("quantity"), "people": Value(0)})
        tz = timezone.get_current_timezone()
        events = (
            where(EngagementEvent.objects.filter(status=EngagementEvent.Status.HELD))
            .annotate(day=TruncDate("starts_at", tzinfo=tz))
            .filter(day__gte=period.start, day__lte=last)
            .annotate(
                month=TruncMonth("starts_at", tzinfo=tz),
                type=Concat(Value("engagement:"), "kind", output_field=CharField()),
                category=Value(Category.COMMUNICATION.value, output_field=CharField()),
            )
        )
        add(
            events,
            fields,
            {
                "n": Count("pk"),
                "q": Count("pk"),
                "people": Coalesce(Sum("attendance"), 0, output_field=IntegerField()),
            },
        )
        out = []
        for key, acc in combined.items():
            out.append(dict(zip(group, key, strict=True)) | acc)
        return out


SUMMARIES = Summaries()
RAW = RawRecords()


def _quantity(value: Decimal, unit: Unit) -> str:
    return f"{value:,.2f} hours" if unit == Unit.HOURS else f"{value:,.0f}"


def build(
    place: Place,
    period: Period,
    today: dt.date | None = None,
    *,
    source: Summaries | RawRecords = SUMMARIES,
) -> Dashboard:
    """Compute a dashboard from the summaries (a fixed number of queries), or with
    ``source=RAW`` the naive way, from the raw records."""
    today = today or timezone.localdate()
    wards = _wards(place, today)
    ward_ids = [w.pk for w in wards]
    population = sum(w.population or 0 for w in wards)
    tables: dict[str, Table] = {}

    # EPIC by type, by category, by month
    by_type = {row["type"]: row for row in source.totals(place, period, ("type",))}
    type_rows: list[tuple[Any, ...]] = []
    category_totals: dict[str, int] = defaultdict(int)
    for key, kind in TYPES.items():
        row = by_type.get(key)
        if row is None:
            continue
        category_totals[kind.category] += row["n"]
        type_rows.append(
            (
                kind.category.label,
                kind.label,
                row["n"],
                _quantity(row["q"], kind.unit),
                _per_1000(row["q"], population),
            )
        )
    tables["epic_by_type"] = Table(
        "epic_by_type",
        "EPIC activity by type",
        ("Category", "Type", "Records", "Quantity", "Quantity per 1,000 residents"),
        tuple(type_rows),
        (False, False, True, True, True),
        caption="Communication includes every engagement event held (logged once, as engagement).",
    )
    tables["epic_by_category"] = Table(
        "epic_by_category",
        "EPIC activity by category",
        ("Category", "Records", "Records per 1,000 residents"),
        tuple(
            (cat.label, category_totals[cat], _per_1000(category_totals[cat], population))
            for cat in Category
        ),
        (False, True, True),
    )
    monthly: dict[tuple[dt.date, str], int] = {
        (row["month"], row["category"]): row["n"]
        for row in source.totals(place, period, ("month", "category"))
    }
    month_list = period.months
    tables["epic_by_month"] = Table(
        "epic_by_month",
        "EPIC records by month",
        ("Month", *(cat.label for cat in Category)),
        tuple(
            (f"{m:%B %Y}", *(monthly.get((m, cat.value), 0) for cat in Category))
            for m in month_list
        ),
        (False, True, True, True, True),
    )
    chart = Chart(
        "EPIC records by month",
        tuple(month_list),
        tuple(
            (
                cat.label,
                f"snt-chart__line--{cat.name.lower()}",
                tuple(monthly.get((m, cat.value), 0) for m in month_list),
            )
            for cat in Category
        ),
        table="epic_by_month",
    )

    if place.kind != "ward":
        tables["ward_league"] = _ward_league(place, period, wards, source)
    if place.kind == "london":
        tables["borough_league"] = _borough_league(place, period, wards, source)
    tables["strength"] = _strength(place, period, wards, today)
    tables["panels"] = _panels(place, wards, today)
    tables.update(_priorities(place, wards, today))
    tables.update(_stages(place, wards, ward_ids, today))
    tables["confidence"] = _confidence(place, period, wards, population, source)

    total = sum(category_totals.values())
    headline = (
        ("EPIC records", f"{total:,}"),
        ("Per 1,000 residents", f"{_per_1000(total, population) or 0:,}"),
        ("Wards", f"{len(wards):,}"),
        ("Residents", f"{population:,}"),
    )
    return Dashboard(
        place=place,
        period=period,
        built_at=timezone.now(),
        figures_as_of=rollups.figures_as_of(),
        population=population,
        wards=len(wards),
        headline=headline,
        chart=chart,
        tables=tables,
    )


def _ward_league(
    place: Place, period: Period, wards: list[Ward], source: Summaries | RawRecords
) -> Table:
    by_ward: dict[int, dict[str, int]] = defaultdict(dict)
    for row in source.totals(place, period, ("ward_id", "category")):
        by_ward[row["ward_id"]][row["category"]] = row["n"]
    league = []
    for ward in wards:
        counts = by_ward.get(ward.pk, {})
        total = sum(counts.values())
        league.append(
            (
                _per_1000(total, ward.population or 0),
                ward,
                [counts.get(cat.value, 0) for cat in Category],
                total,
            )
        )
    league.sort(key=lambda r: (-(r[0] or 0), r[1].name))
    with_borough = place.kind == "london"
    return Table(
        "ward_league",
        "Wards by EPIC records per 1,000 residents",
        (
            "Ward",
            *(("Borough",) if with_borough else ()),
            *(cat.label for cat in Category),
            "Total",
            "Per 1,000 residents",
        ),
        tuple(
            (
                ward.name,
                *((ward.borough.name,) if with_borough else ()),
                *counts,
                total,
                rate,
            )
            for rate, ward, counts, total in league
        ),
        (False, *((False,) if with_borough else ()), True, True, True, True, True, True),
        links=tuple(Place.of_ward(ward).url() for _, ward, _, _ in league),
    )


def _borough_league(
    place: Place, period: Period, wards: list[Ward], source: Summaries | RawRecords
) -> Table:
    boroughs: dict[int, Borough] = {}
    population: dict[int, int] = defaultdict(int)
    for ward in wards:
        boroughs[ward.borough_id] = ward.borough
        population[ward.borough_id] += ward.population or 0
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in source.totals(place, period, ("borough_id", "category")):
        counts[row["borough_id"]][row["category"]] = row["n"]
    league = sorted(
        ((_per_1000(sum(counts[b].values()), population[b]), boroughs[b]) for b in boroughs),
        key=lambda r: (-(r[0] or 0), r[1].name),
    )
    return Table(
        "borough_league",
        "Boroughs by EPIC records per 1,000 residents",
        ("Borough", *(cat.label for cat in Category), "Total", "Per 1,000 residents"),
        tuple(
            (
                b.name,
                *(counts[b.pk].get(cat.value, 0) for cat in Category),
                sum(counts[b.pk].values()),
                rate,
            )
            for rate, b in league
        ),
        (False, True, True, True, True, True, True),
        links=tuple(Place.of_borough(b).url() for _, b in league),
    )


def _group(place: Place, ward: Ward) -> tuple[str, str | None]:
    """The row a ward's figures go in: its borough on the London page, itself otherwise."""
    if place.kind == "london":
        return ward.borough.name, Place.of_borough(ward.borough).url()
    return ward.name, Place.of_ward(ward).url()


def _strength(place: Place, period: Period, wards: list[Ward], today: dt.date) -> Table:
    start, end = period.start, min(period.last_day, today)
    strengths = {
        w.pk: s for w, s in with_strength(Ward.objects.filter(pk__in=[w.pk for w in wards]), today)
    }
    postings = (
        Posting.objects.overlapping(start, end)
        .filter(team__kind=Team.Kind.WARD, team__ward_id__in=[w.pk for w in wards])
        .exclude(role__in=[Posting.Role.VOLUNTEER, Posting.Role.SPECIAL])
        .values_list("team__ward_id", "start_date", "end_date")
    )
    available: dict[int, Decimal] = defaultdict(Decimal)
    for ward_id, first, last in postings:
        available[ward_id] += contracted_hours(first, last, start, end)
    abstracted = dict(
        Abstraction.objects.filter(
            date__gte=start,
            date__lte=end,
            posting__team__kind=Team.Kind.WARD,
            posting__team__ward_id__in=[w.pk for w in wards],
        )
        .values("posting__team__ward_id")
        .annotate(h=Sum("hours"))
        .values_list("posting__team__ward_id", "h")
    )
    groups: dict[tuple[str, str | None], list[Any]] = {}
    for ward in wards:
        strength = strengths[ward.pk]
        key = _group(place, ward)
        acc = groups.setdefault(key, [0, 0, 0, 0, 0, 0, 0, Decimal(0), Decimal(0)])
        for i, line in enumerate(strength.lines[:3]):
            acc[2 * i] += line.actual
            acc[2 * i + 1] += line.required
        acc[6] += 1 if strength.is_short else 0
        acc[7] += abstracted.get(ward.pk, Decimal(0))
        acc[8] += available.get(ward.pk, Decimal(0))
    roles = (
        [line.role.label for line in next(iter(strengths.values())).lines[:3]] if strengths else []
    )
    rows, links = [], []
    for (name, link), acc in groups.items():
        rate = (acc[7] * 100 / acc[8]).quantize(Decimal("0.1")) if acc[8] else None
        rows.append(
            (name, *(f"{acc[2 * i]} of {acc[2 * i + 1]}" for i in range(len(roles))), acc[6], rate)
        )
        links.append(link)
    return Table(
        "strength",
        "Team strength against establishment, and abstraction",
        (
            "Borough" if place.kind == "london" else "Ward",
            *(f"{role} posted of required" for role in roles),
            "Wards short" if place.kind == "london" else "Short of establishment (1 = yes)",
            "Abstraction rate % (period)",
        ),
        tuple(rows),
        (False, *(True for _ in roles), True, True),
        links=tuple(links),
        caption=f"Establishment model {settings.SNT_ESTABLISHMENT_MODEL}; abstraction is hours "
        f"abstracted over contracted hours ({settings.SNT_WEEKLY_HOURS} a week) in the period.",
    )


def _panels(place: Place, wards: list[Ward], today: dt.date) -> Table:
    ward_ids = [w.pk for w in wards]
    with_panel = set(Panel.objects.filter(ward_id__in=ward_ids).values_list("ward_id", flat=True))
    led = dict(
        PanelMembership.objects.current(today)
        .filter(panel__ward_id__in=ward_ids, position=PanelMembership.Position.CHAIR)
        .values_list("panel__ward_id", "is_police")
    )
    groups: dict[tuple[str, str | None], list[int]] = {}
    for ward in wards:
        acc = groups.setdefault(_group(place, ward), [0, 0, 0, 0])
        acc[0] += 1
        if ward.pk in with_panel:
            acc[1] += 1
            if ward.pk in led:
                acc[2 if not led[ward.pk] else 3] += 1
    return Table(
        "panels",
        "Neighbourhood panels",
        (
            "Borough" if place.kind == "london" else "Ward",
            "Wards",
            "With a panel",
            "Community-led",
            "Police-led",
        ),
        tuple((name, *acc) for (name, _), acc in groups.items()),
        (False, True, True, True, True),
        links=tuple(link for _, link in groups),
    )


def _priorities(place: Place, wards: list[Ward], today: dt.date) -> dict[str, Table]:
    ward_ids = [w.pk for w in wards]
    held = dict(
        Priority.objects.active()
        .filter(ward_id__in=ward_ids)
        .values("category")
        .annotate(n=Count("ward_id", distinct=True))
        .values_list("category", "n")
    )
    borough_ids = sorted({w.borough_id for w in wards})
    flags = categories_by_borough(borough_ids, today) if place.kind != "ward" else {}
    flagged: dict[str, list[str]] = defaultdict(list)
    names = {w.borough_id: w.borough.name for w in wards}
    for borough_id, rows in flags.items():
        for row in rows:
            if row.pan_borough:
                flagged[row.category].append(names[borough_id])
    ranking = sorted(held.items(), key=lambda kv: (-kv[1], ConcernCategory(kv[0]).label))
    tables = {
        "priorities": Table(
            "priorities",
            "Active priorities by category"
            + (": the London-wide ranking" if place.kind == "london" else ""),
            ("Rank", "Category", "Wards holding it", "Share of wards %", "Pan-borough in"),
            tuple(
                (
                    i + 1,
                    ConcernCategory(category).label,
                    n,
                    round(100 * n / len(wards), 1) if wards else None,
                    ", ".join(flagged.get(category, [])) or "—",
                )
                for i, (category, n) in enumerate(ranking)
            ),
            (True, False, True, True, False),
            caption=(
                "A category held by at least "
                f"{settings.SNT_PAN_BOROUGH_THRESHOLD:.0%} of a borough's wards is flagged for "
                "borough tasking."
            ),
        )
    }
    return tables


def _stages(
    place: Place, wards: list[Ward], ward_ids: list[int], today: dt.date
) -> dict[str, Table]:
    cycles = ward_cycles(ward_ids, today)
    counts: dict[tuple[str, State], int] = defaultdict(int)
    for cycle in cycles.values():
        for stage in cycle.stages:
            counts[(stage.key, stage.state)] += 1
    states = (State.DONE, State.IN_PROGRESS, State.OVERDUE, State.NOT_STARTED)
    stages = Table(
        "stages",
        "The seven-stage cycle: wards at each state",
        ("Stage", *(s.label for s in states)),
        tuple((name, *(counts[(key, s)] for s in states)) for key, name in STAGES),
        (False, True, True, True, True),
    )
    due = review_status(ward_ids, today)
    overdue: dict[int, int] = defaultdict(int)
    for review in due.values():
        if review.is_overdue:
            overdue[review.ward_id] += 1
    by_id = {w.pk: w for w in wards}
    rows = sorted(
        ((by_id[w], n) for w, n in overdue.items() if w in by_id),
        key=lambda r: (-r[1], r[0].name),
    )
    with_borough = place.kind == "london"
    reviews = Table(
        "overdue_reviews",
        "Wards with priorities overdue for review (90 days)",
        ("Ward", *(("Borough",) if with_borough else ()), "Priorities overdue"),
        tuple((ward.name, *((ward.borough.name,) if with_borough else ()), n) for ward, n in rows),
        (False, *((False,) if with_borough else ()), True),
        links=tuple(Place.of_ward(ward).url() for ward, _ in rows),
    )
    return {"stages": stages, "overdue_reviews": reviews}


def _confidence(
    place: Place,
    period: Period,
    wards: list[Ward],
    population: int,
    source: Summaries | RawRecords,
) -> Table:
    """Engagement volume per quarter beside the borough's (or London's) PAS results."""
    volume: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for row in source.totals(place, period, ("month",), engagement_only=True):
        acc = volume[quarter_start(row["month"])]
        acc[0] += row["n"]
        acc[1] += row["people"]
    borough_ids = sorted({w.borough_id for w in wards})
    pas = PasResult.objects.filter(
        borough_id__in=borough_ids,
        quarter__gte=quarter_start(period.start),
        quarter__lte=quarter_start(period.end),
    )
    measures: dict[tuple[dt.date, str], list[Decimal]] = defaultdict(list)
    for quarter, measure, percent in pas.values_list("quarter", "measure", "percent"):
        measures[(quarter, measure)].append(percent)
    quarters = sorted({quarter_start(m) for m in period.months})
    rows = []
    for quarter in quarters:
        events, people = volume.get(quarter, [0, 0])
        rows.append(
            (
                f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}",
                events,
                people,
                _per_1000(events, population),
                *(_mean(measures.get((quarter, m.value), [])) for m in PasMeasure),
            )
        )
    return Table(
        "confidence",
        "Engagement and public confidence by quarter",
        (
            "Quarter",
            "Engagement events",
            "People attending",
            "Events per 1,000 residents",
            *(f"{m.label} %" for m in PasMeasure),
        ),
        tuple(rows),
        (False, True, True, True, *(True for _ in PasMeasure)),
        caption="Public Attitude Survey results (import_pas): the borough's"
        + (" mean across boroughs" if place.kind == "london" else "")
        + "; blank where no result was imported.",
    )


def _mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


# The cache -------------------------------------------------------------------------------------


def dashboard(place: Place, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """The dashboard from the cache, built when the rollups changed (their generation) or it is
    older than CACHE_SECONDS."""
    day = today or timezone.localdate()
    key = f"epic:dashboard:{place.key}:{period.key}:{day}"
    return rollups.GENERATION.get_or_compute(key, lambda: build(place, period, day), CACHE_SECONDS)


def body_html(place: Place, period: Period, *, today: dt.date | None = None) -> str:
    """The dashboard's sections as HTML, rendered once per place, period, day and rollups
    generation (the same life as the data in ``dashboard``): a cached page costs one cache
    read. Nothing in it depends on who reads it; access is checked before it is asked for."""
    day = today or timezone.localdate()

    def render() -> str:
        return render_to_string(
            "epic/dashboard_body.html",
            {
                "board": dashboard(place, period, today=day),
                "place": place,
                "period": period,
                "league_shown": LEAGUE_SHOWN if place.kind == "london" else None,
                "map_measures": MAP_MEASURES,
            },
        )

    key = f"epic:dashboard-html:{place.key}:{period.key}:{day}"
    return rollups.GENERATION.get_or_compute(key, render, CACHE_SECONDS)


def warm(today: dt.date | None = None) -> int:
    """Build the default period of London and every Met borough into the cache."""
    period = parse_period(DEFAULT_PERIOD, today)
    places = [Place.london()] + [
        Place.of_borough(b) for b in Borough.objects.filter(is_met=True).order_by("name")
    ]
    for place in places:
        body_html(place, period, today=today)
    return len(places)


# The map ---------------------------------------------------------------------------------------

MAP_MEASURES = (
    ("total", "All EPIC records per 1,000 residents"),
    *((cat.value, f"{cat.label} records per 1,000 residents") for cat in Category),
)


def map_data(place: Place, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """GeoJSON of the place's wards (simplified boundaries) with each measure per 1,000."""
    day = today or timezone.localdate()
    key = f"epic:map:{place.key}:{period.key}:{day}"
    return rollups.GENERATION.get_or_compute(
        key, lambda: _map_data(place, period, day), CACHE_SECONDS
    )


def _map_data(place: Place, period: Period, today: dt.date) -> dict[str, Any]:
    wards = list(_wards(place, today))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in SUMMARIES.totals(place, period, ("ward_id", "category")):
        counts[row["ward_id"]][row["category"]] = row["n"]
    shapes = _shapes([w.pk for w in wards])
    features = []
    for ward in wards:
        geometry = shapes.get(ward.pk)
        if geometry is None:
            continue
        c = counts.get(ward.pk, {})
        measures = {"total": _float(_per_1000(sum(c.values()), ward.population or 0))}
        measures |= {
            cat.value: _float(_per_1000(c.get(cat.value, 0), ward.population or 0))
            for cat in Category
        }
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": ward.code,
                    "name": ward.name,
                    "url": Place.of_ward(ward).url(),
                    "measures": measures,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "measures": [{"key": k, "label": label} for k, label in MAP_MEASURES],
        "features": features,
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


SIMPLIFY_DEGREES = 0.0002  # about 15-20 m in London: invisible at borough scale


def _shapes(ward_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Simplified boundary geometry per ward (cached for a day: boundaries change by import)."""
    from shapely.geometry import mapping, shape

    out: dict[int, dict[str, Any]] = {}
    keys = {pk: f"epic:shape:{pk}" for pk in ward_ids}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in cached]
    for pk, key in keys.items():
        if key in cached:
            out[pk] = cached[key]
    fresh = {}
    for pk, boundary in Ward.objects.filter(pk__in=missing, boundary__isnull=False).values_list(
        "pk", "boundary"
    ):
        geometry = mapping(shape(boundary).simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        geometry = _rounded(geometry)
        out[pk] = geometry
        fresh[keys[pk]] = geometry
    if fresh:
        cache.set_many(fresh, 24 * 3600)
    return out


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
