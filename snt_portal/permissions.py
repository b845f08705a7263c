"""The one scoping mechanism: who may do what, where.

A user holds *grants*: a role over an area (all of London, some boroughs, some wards). The
role's permissions come from ``ROLE_PERMISSIONS``; the union of a user's grants gives, for each
permission, the ``Area`` in which they hold it. Every queryset of scoped data subclasses
``ScopedQuerySet`` and says, in ``scope_q``, how an area selects its rows; views call
``visible_to(user, perm)`` and the access helpers below. Nothing else decides who sees what.

Access helpers follow one rule: an object outside what the user may *see* is a 404 (its
existence is not confirmed); an object they may see but not change is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from snt_portal.caching import Generation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from wards.models import User


class Role(StrEnum):
    """Every role the portal knows. Officer roles come from postings; the rest are assigned."""

    PCSO = "pcso"
    PC = "pc"
    SERGEANT = "sergeant"
    INSPECTOR = "inspector"
    PANEL_CHAIR = "panel_chair"
    PANEL_MEMBER = "panel_member"
    BOROUGH_MANAGER = "borough_manager"
    CENTRAL_ANALYST = "central_analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PCSO: "PCSO",
    Role.PC: "Police Constable",
    Role.SERGEANT: "Sergeant",
    Role.INSPECTOR: "Inspector",
    Role.PANEL_CHAIR: "Panel chair",
    Role.PANEL_MEMBER: "Panel member",
    Role.BOROUGH_MANAGER: "Borough manager",
    Role.CENTRAL_ANALYST: "Central analyst",
    Role.ADMINISTRATOR: "Administrator",
}


class Perm(StrEnum):
    VIEW_WARD = "view_ward"  # ward and borough pages, the team, strength vs establishment
    VIEW_ABSTRACTIONS = "view_abstractions"  # who was abstracted, when, why
    MANAGE_POSTINGS = "manage_postings"  # add or end a posting
    RECORD_ABSTRACTIONS = "record_abstractions"
    VIEW_ENGAGEMENT = "view_engagement"  # research, events, concerns, the stage tracker
    LOG_ENGAGEMENT = "log_engagement"  # record events and concerns, maintain the research
    VIEW_PREFERENCES = "view_preferences"  # the ranked public preferences with crime evidence
    RECORD_ANALYSIS = "record_analysis"
    # Key individuals are personal data: the ward's own team and its inspector, nobody else.
    VIEW_KINS = "view_kins"  # see, add and update the ward's KINs, log interviews
    ERASE_KINS = "erase_kins"
    VIEW_PANEL = "view_panel"  # the panel: members, meetings, minutes, ballots, priorities
    MANAGE_PANEL = "manage_panel"  # memberships, meetings, agenda, attendance, minutes
    RUN_BALLOTS = "run_ballots"  # open and close ballots (the chair)
    VOTE = "vote"  # cast a ballot paper (a member present at the meeting)
    MANAGE_PLAN = "manage_plan"  # the team's actions on each priority
    RECORD_REVIEWS = "record_reviews"  # a meeting's review of each active priority
    VIEW_EPIC = "view_epic"  # the ward's EPIC activity records
    LOG_EPIC = "log_epic"  # record, correct and delete EPIC activity
    UPLOAD_EPIC = "upload_epic"  # a borough's CSV upload of EPIC activity
    VIEW_DASHBOARD = "view_dashboard"  # the borough and pan-London dashboards and their exports
    EXPORT_PERSONAL_DATA = "export_personal_data"  # subject access: administrators only
    VIEW_AUDIT = "view_audit"  # the audit trail of every change: administrators only


_READER = {
    Perm.VIEW_WARD,
    Perm.VIEW_ABSTRACTIONS,
    Perm.VIEW_ENGAGEMENT,
    Perm.VIEW_PREFERENCES,
    Perm.VIEW_PANEL,
    Perm.VIEW_EPIC,
}
_OFFICER = _READER | {Perm.LOG_ENGAGEMENT, Perm.VIEW_KINS, Perm.LOG_EPIC}
_SUPERVISOR = _OFFICER | {
    Perm.VIEW_DASHBOARD,
    Perm.MANAGE_POSTINGS,
    Perm.RECORD_ABSTRACTIONS,
    Perm.RECORD_ANALYSIS,
    Perm.ERASE_KINS,
    Perm.MANAGE_PANEL,
    Perm.MANAGE_PLAN,
    Perm.RECORD_REVIEWS,
}
_PANEL_MEMBER = {Perm.VIEW_WARD, Perm.VIEW_PREFERENCES, Perm.VIEW_PANEL, Perm.VOTE}
_PANEL_CHAIR = _PANEL_MEMBER | {Perm.MANAGE_PANEL, Perm.RUN_BALLOTS, Perm.RECORD_REVIEWS}
_KIN_PERMS = {Perm.VIEW_KINS, Perm.ERASE_KINS}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.PCSO: frozenset(_OFFICER),
    Role.PC: frozenset(_OFFICER),
    Role.SERGEANT: frozenset(_SUPERVISOR),
    Role.INSPECTOR: frozenset(_SUPERVISOR),
    # Panels see their ward's team, the preferences they vote from and their own panel; not
    # staff abstractions, not individual engagement records, not KINs.
    Role.PANEL_CHAIR: frozenset(_PANEL_CHAIR),
    Role.PANEL_MEMBER: frozenset(_PANEL_MEMBER),
    # Managers and analysts read; changes are made by the ward's team.
    Role.BOROUGH_MANAGER: frozenset(_READER | {Perm.VIEW_DASHBOARD, Perm.UPLOAD_EPIC}),
    Role.CENTRAL_ANALYST: frozenset(_READER | {Perm.VIEW_DASHBOARD}),
    # Administrators run the system; they are not a ward team, so they do not see KINs, and
    # not a panel, so they do not vote.
    Role.ADMINISTRATOR: frozenset(set(Perm) - _KIN_PERMS - {Perm.VOTE}),
}


@dataclass(frozen=True)
class Area:
    """A set of places: everywhere, whole boroughs, or single wards (by primary key)."""

    everywhere: bool = False
    boroughs: frozenset[int] = frozenset()
    wards: frozenset[int] = frozenset()
    # Boroughs that contain one of ``wards``: enough to see the borough's page, not its wards.
    ward_boroughs: frozenset[int] = frozenset()

    def __or__(self, other: Area) -> Area:
        return Area(
            everywhere=self.everywhere or other.everywhere,
            boroughs=self.boroughs | other.boroughs,
            wards=self.wards | other.wards,
            ward_boroughs=self.ward_boroughs | other.ward_boroughs,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.boroughs or self.wards)

    def ward_q(self, ward: str = "ward") -> Q:
        """Rows whose ward (reached by the lookup ``ward``) lies in this area."""
        if self.everywhere:
            return Q()
        prefix = f"{ward}__" if ward else ""
        pk = ward or "pk"
        return Q(**{f"{pk}__in": self.wards}) | Q(**{f"{prefix}borough__in": self.boroughs})

    def borough_q(self, borough: str = "borough") -> Q:
        """Rows whose borough is wholly in this area."""
        if self.everywhere:
            return Q()
        return Q(**{f"{borough}__in": self.boroughs})

    def covers_ward(self, ward_id: int, borough_id: int) -> bool:
        return self.everywhere or ward_id in self.wards or borough_id in self.boroughs

    def covers_borough(self, borough_id: int) -> bool:
        """The borough page's rule: the whole borough, or a ward in it."""
        return self.everywhere or borough_id in self.boroughs or borough_id in self.ward_boroughs


NOWHERE = Area()


@dataclass(frozen=True)
class Grant:
    role: Role
    area: Area


@dataclass
class Scope:
    """A user's grants, folded into one area per permission."""

    grants: tuple[Grant, ...]
    by_perm: dict[Perm, Area] = field(init=False)

    def __post_init__(self) -> None:
        by_perm: dict[Perm, Area] = {}
        for grant in self.grants:
            for perm in ROLE_PERMISSIONS[grant.role]:
                by_perm[perm] = by_perm.get(perm, NOWHERE) | grant.area
        self.by_perm = by_perm

    def area(self, perm: Perm) -> Area:
        return self.by_perm.get(perm, NOWHERE)

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self.grants}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


_SCOPE_ATTR = "_snt_scope"

GrantSource = Callable[["User"], Iterable[Grant]]
_GRANT_SOURCES: list[GrantSource] = []

# Grants are kept in the cache between requests, in a generation that any write to the tables
# they come from replaces (the models each source ``depends_on``; see snt_portal.caching), and
# for the day: a posting or membership that starts or ends on a date changes them at midnight,
# which the key's date covers. The short lifetime bounds what a change made outside Django (SQL
# typed into psql) could leave stale.
GRANTS_CACHE_SECONDS = 300
GRANTS = Generation("permissions.grants")


def register_grant_source(
    source: GrantSource, *, depends_on: Iterable[type[models.Model]] = ()
) -> GrantSource:
    """Apps say where grants come from (postings, role assignments, panel memberships) in
    their AppConfig.ready(), and which models' rows they read: a write to one of those makes
    every cached scope stale. The mechanism itself stays in one place."""
    if source not in _GRANT_SOURCES:
        _GRANT_SOURCES.append(source)
    GRANTS.watch(*depends_on)
    return source


def _grants(user: User) -> tuple[Grant, ...]:
    return tuple(grant for source in _GRANT_SOURCES for grant in source(user))


def _grants_key(user: User) -> str:
    flags = f"{int(user.is_active)}{int(user.is_superuser)}"
    return f"permissions:grants:{user.pk}:{flags}:{timezone.localdate().isoformat()}"


def scope_for(user: User | AnonymousUser) -> Scope:
    """The user's scope: computed once per user object (so once per request), and read from
    the cache while nothing it depends on has changed."""
    if not user.is_authenticated:
        return Scope(grants=())
    cached: Scope | None = getattr(user, _SCOPE_ATTR, None)
    if cached is None:
        grants = GRANTS.get_or_compute(
            _grants_key(user), lambda: _grants(user), GRANTS_CACHE_SECONDS
        )
        cached = Scope(grants=grants)
        setattr(user, _SCOPE_ATTR, cached)
    return cached


def forget_scope(user: Any) -> None:
    """Drop the scope cached on this user object after their postings or roles change (the
    shared cache has already seen the write)."""
    if hasattr(user, _SCOPE_ATTR):
        delattr(user, _SCOPE_ATTR)


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how an ``Area`` selects its rows."""

    def scope_q(self, area: Area) -> Q:
        raise NotImplementedError(f"{type(self).__name__} must say how an area selects rows")

    def visible_to(self, user: User | AnonymousUser, perm: Perm = Perm.VIEW_WARD) -> Self:
        area = scope_for(user).area(perm)
        if area.everywhere:
            return self.all()
        if area.is_empty and not area.ward_boroughs:
            return self.none()
        return self.filter(self.scope_q(area)).distinct()


def get_visible_or_404(
    queryset: ScopedQuerySet[_M],
    user: User | AnonymousUser,
    perm: Perm = Perm.VIEW_WARD,
    **lookup: Any,
) -> _M:
    """The object if ``user`` holds ``perm`` over it; 404 otherwise."""
    try:
        return queryset.visible_to(user, perm).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None


def get_object_for(
    queryset: ScopedQuerySet[_M],
    user: User | AnonymousUser,
    perm: Perm,
    **lookup: Any,
) -> _M:
    """The object if ``user`` holds ``perm`` over it: 404 if they cannot even see it, 403 if
    they can see it but not do this (a read-only role attempting a write). One query: whether
    ``perm`` covers the object comes back with it."""
    if perm is Perm.VIEW_WARD:
        return get_visible_or_404(queryset, user, perm, **lookup)
    area = scope_for(user).area(perm)
    if area.everywhere or (area.is_empty and not area.ward_boroughs):
        obj = get_visible_or_404(queryset, user, Perm.VIEW_WARD, **lookup)
        allowed = area.everywhere
    else:
        covered = queryset.model._default_manager.filter(pk=OuterRef("pk"))
        annotated = queryset.annotate(_snt_allowed=Exists(covered.filter(queryset.scope_q(area))))
        obj = get_visible_or_404(annotated, user, Perm.VIEW_WARD, **lookup)
        allowed = bool(getattr(obj, "_snt_allowed"))  # noqa: B009 (an annotation)
    if not allowed:
        raise PermissionDenied(
            f"Your role does not allow this for this {queryset.model._meta.verbose_name}."
        )
    return obj


def require_place(
    user: User | AnonymousUser, perm: Perm, *, borough_id: int, ward_id: int | None = None
) -> None:
    """For a ward or borough already in hand (by its ids, say from a cache): 404 if ``user``
    cannot see it, 403 if they can but do not hold ``perm`` over it. The rule and the areas of
    ``get_object_for`` on wards and boroughs, whose ``scope_q`` these ``Area`` tests mirror
    (tests/test_permissions.py holds the two to the same answers), without a query."""
    scope = scope_for(user)

    def covers(area: Area) -> bool:
        if ward_id is None:
            return area.covers_borough(borough_id)
        return area.covers_ward(ward_id, borough_id)

    if not covers(scope.area(Perm.VIEW_WARD)):
        raise Http404("No such place, or not one you may see.")
    if not covers(scope.area(perm)):
        raise PermissionDenied("Your role does not allow this here.")


def holds(user: User | AnonymousUser, perm: Perm, *, ward_id: int, borough_id: int) -> bool:
    """Whether ``user`` holds ``perm`` over one ward (for showing or hiding links)."""
    return scope_for(user).area(perm).covers_ward(ward_id, borough_id)


def can(user: User | AnonymousUser, perm: Perm, queryset: Iterable[Any] | None = None) -> bool:
    """Whether ``user`` holds ``perm`` anywhere, or over some row of a scoped queryset."""
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(user, perm).exists()
    return not scope_for(user).area(perm).is_empty
