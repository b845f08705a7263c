"""Reading the audit trail: every audited model's history as one list, newest first.

The list is a UNION of the historical tables (ids, dates and kind only), so the database sorts
and pages it; only the rows on the page are then read in full, one query per kind of record,
with their previous versions for the diff. Changes are shown as field names, never values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value

from audit.filters import AuditFilter
from audit.registry import AUDITED, BY_KEY, AuditedModel
from wards.models import User

PAGE_SIZE = 50
CHANGE_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class AuditRow:
    when: dt.datetime
    who: User | None
    kind: str  # the AuditedModel's label
    record_id: int
    change: str  # "+", "~" or "-"
    changed_fields: Sequence[str]  # verbose names, for "~" rows
    reason: str
    ward: str
    link: str | None

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[self.change]


def _index(filters: AuditFilter) -> QuerySet[Any]:
    """(history_id, history_date, kind) of every matching historical row, newest first."""
    parts = []
    for entry in AUDITED:
        qs = filters.filter_queryset(entry.history) if filters.is_bound else entry.history
        if qs.query.is_empty():
            continue
        parts.append(
            qs.order_by()
            .annotate(kind=Value(entry.key, output_field=CharField()))
            .values_list("history_id", "history_date", "kind")
        )
    if not parts:
        return AUDITED[0].history.none()
    first, *rest = parts
    index: QuerySet[Any] = first.union(*rest, all=True)
    return index.order_by("-history_date", "-history_id")


def audit_page(filters: AuditFilter, page_number: str | None) -> tuple[Page[Any], list[AuditRow]]:
    """The page of the audit trail asked for, and its rows read in full."""
    index = _index(filters)
    page: Page[Any] = Paginator(index, PAGE_SIZE).get_page(page_number)
    wanted: dict[str, list[int]] = defaultdict(list)
    for history_id, _, kind in page.object_list:
        wanted[kind].append(history_id)
    rows = {}
    for kind, ids in wanted.items():
        for row in _read(BY_KEY[kind], ids):
            rows[(kind, row.history_id)] = row
    return page, [
        _row(BY_KEY[kind], rows[(kind, history_id)]) for history_id, _, kind in page.object_list
    ]


def _read(entry: AuditedModel, ids: list[int]) -> list[Any]:
    """The historical rows, each with its place and its previous version (``previous``)."""
    history = entry.history
    earlier = history.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        id=OuterRef("id"),
    )
    nothing = Value(None, output_field=CharField())
    place: dict[str, F | Value] = {"ward_code": nothing, "ward_name": nothing}
    if entry.ward:
        place = {"ward_code": F(f"{entry.ward}__code"), "ward_name": F(f"{entry.ward}__name")}
    rows = list(
        history.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(
            previous_id=Subquery(
                earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
            ),
            borough_name=F(f"{entry.boroughs[0]}__name"),
            **place,
        )
    )
    previous = {
        old.history_id: old
        for old in history.filter(history_id__in=[r.previous_id for r in rows if r.previous_id])
    }
    for row in rows:
        row.previous = previous.get(row.previous_id)
    return rows


def _row(entry: AuditedModel, row: Any) -> AuditRow:
    changed: list[str] = []
    if row.history_type == "~" and row.previous is not None:
        fields = {field.name: field for field in entry.model._meta.concrete_fields}
        changed = [
            str(fields[name].verbose_name) for name in row.diff_against(row.previous).changed_fields
        ]
    where = row.ward_name or row.borough_name or ""
    if row.ward_name and row.borough_name:
        where = f"{row.ward_name}, {row.borough_name}"
    return AuditRow(
        when=row.history_date,
        who=row.history_user,
        kind=entry.label,
        record_id=row.id,
        change=row.history_type,
        changed_fields=changed,
        reason=row.history_change_reason or "",
        ward=where,
        link=entry.link(row),
    )
