"""The audited records: which models keep history, where each record sits (ward, borough) and
which page shows it.

Every model with ``HistoricalRecords`` must be listed here (a test checks), so the audit viewer
shows all of them. What a historical row may hold is decided on the model: a KIN's history
excludes their personal data, and a ballot paper holds who voted and when, never a choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from engagement.models import Kin
from epic.models import Activity
from panels.models import PanelMembership
from priorities.models import Ballot, BallotPaper, PlannedAction, Priority, Review
from wards.models import Abstraction, Posting, RoleAssignment

# A historical row, annotated with its place (``ward_code``); returns the page to link to.
Link = Callable[[Any], str | None]


def _ward_page(name: str) -> Link:
    def link(row: Any) -> str | None:
        return reverse(name, kwargs={"code": row.ward_code}) if row.ward_code else None

    return link


def _ballot_page(attname: str) -> Link:
    def link(row: Any) -> str | None:
        # A deleted ballot has no page; its papers' ballot never goes (PROTECT).
        if attname == "id" and row.history_type == "-":
            return None
        return reverse("priorities:ballot_detail", kwargs={"pk": getattr(row, attname)})

    return link


def _no_page(row: Any) -> str | None:
    return None


@dataclass(frozen=True)
class AuditedModel:
    key: str  # in the viewer's "kind of record" filter
    label: str
    model: type[models.Model]
    ward: str | None  # path from the record to its ward, if it has one
    boroughs: tuple[str, ...]  # paths from the record to its borough: any one matching counts
    link: Link

    @property
    def history(self) -> models.QuerySet[Any]:
        return self.model.history.all()  # type: ignore[attr-defined, no-any-return]

    def ward_q(self, ward_id: int) -> Q:
        return Q(**{f"{self.ward}_id": ward_id}) if self.ward else Q(pk__in=[])

    def borough_q(self, borough_id: int) -> Q:
        q = Q(pk__in=[])
        for path in self.boroughs:
            q |= Q(**{f"{path}_id": borough_id})
        return q


AUDITED: tuple[AuditedModel, ...] = (
    AuditedModel(
        "posting",
        "Posting",
        Posting,
        "team__ward",
        ("team__borough",),
        _ward_page("wards:ward_detail"),
    ),
    AuditedModel(
        "abstraction",
        "Abstraction",
        Abstraction,
        "posting__team__ward",
        ("posting__team__borough",),
        _ward_page("wards:abstraction_list"),
    ),
    AuditedModel(
        "role_assignment",
        "Role assignment",
        RoleAssignment,
        "ward",
        ("borough", "ward__borough"),
        _no_page,  # assigned in the admin site
    ),
    AuditedModel(
        "kin",
        "Key individual",
        Kin,
        "ward",
        ("ward__borough",),
        _no_page,  # KINs are the ward team's alone, not administrators'
    ),
    AuditedModel(
        "panel_membership",
        "Panel membership",
        PanelMembership,
        "panel__ward",
        ("panel__ward__borough",),
        _ward_page("panels:panel_detail"),
    ),
    AuditedModel(
        "ballot",
        "Ballot",
        Ballot,
        "meeting__panel__ward",
        ("meeting__panel__ward__borough",),
        _ballot_page("id"),
    ),
    AuditedModel(
        "vote",
        "Vote (who voted, not how)",
        BallotPaper,
        "ballot__meeting__panel__ward",
        ("ballot__meeting__panel__ward__borough",),
        _ballot_page("ballot_id"),
    ),
    AuditedModel(
        "priority",
        "Priority",
        Priority,
        "ward",
        ("ward__borough",),
        _ward_page("priorities:ward_priorities"),
    ),
    AuditedModel(
        "planned_action",
        "Planned action",
        PlannedAction,
        "priority__ward",
        ("priority__ward__borough",),
        _ward_page("priorities:ward_priorities"),
    ),
    AuditedModel(
        "review",
        "Review",
        Review,
        "priority__ward",
        ("priority__ward__borough",),
        _ward_page("priorities:ward_priorities"),
    ),
    AuditedModel(
        "epic_activity",
        "EPIC activity",
        Activity,
        "ward",
        ("ward__borough",),
        _ward_page("epic:activity_list"),
    ),
)

BY_KEY = {entry.key: entry for entry in AUDITED}
BY_HISTORY_MODEL = {entry.model.history.model: entry for entry in AUDITED}  # type: ignore[attr-defined]
