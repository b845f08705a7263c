"""Where a user's grants come from: current postings and role assignments.

Officers' areas follow their postings: a ward team gives its ward, a cluster team the wards of
its cluster. Assigned roles give a ward (panels), a borough (managers) or all London.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from snt_portal.permissions import Area, Grant, Role
from wards.models import Posting, RoleAssignment, User, Ward

_POSTING_ROLES = {
    Posting.Role.INSPECTOR: Role.INSPECTOR,
    Posting.Role.SERGEANT: Role.SERGEANT,
    Posting.Role.PC: Role.PC,
    Posting.Role.PCSO: Role.PCSO,
    # Specials and volunteers support a team: they read what its PCs read.
    Posting.Role.SPECIAL: Role.PC,
    Posting.Role.VOLUNTEER: Role.PCSO,
}


def _ward_area(ward_ids: set[int]) -> Area:
    boroughs = set(
        Ward.objects.filter(pk__in=ward_ids).values_list("borough_id", flat=True).distinct()
    )
    return Area(wards=frozenset(ward_ids), ward_boroughs=frozenset(boroughs))


def grants_for(user: User) -> Iterator[Grant]:
    if not user.is_active:
        return
    if user.is_superuser:
        yield Grant(Role.ADMINISTRATOR, Area(everywhere=True))

    today = timezone.localdate()
    wards_by_role: dict[Role, set[int]] = {}
    postings = (
        Posting.objects.current(today)
        .filter(person=user)
        .values_list("role", "team__ward_id", "team__cluster_id")
    )
    cluster_ids: dict[Role, set[int]] = {}
    for posting_role, ward_id, cluster_id in postings:
        role = _POSTING_ROLES[Posting.Role(posting_role)]
        if ward_id is not None:
            wards_by_role.setdefault(role, set()).add(ward_id)
        elif cluster_id is not None:
            cluster_ids.setdefault(role, set()).add(cluster_id)
    for role, clusters in cluster_ids.items():
        wards_by_role.setdefault(role, set()).update(
            Ward.objects.filter(cluster_id__in=clusters).values_list("pk", flat=True)
        )

    for assignment in RoleAssignment.objects.filter(user=user):
        role = Role(assignment.role)
        if assignment.ward_id is not None:
            wards_by_role.setdefault(role, set()).add(assignment.ward_id)
        elif assignment.borough_id is not None:
            yield Grant(role, Area(boroughs=frozenset({assignment.borough_id})))
        else:
            yield Grant(role, Area(everywhere=True))

    for role, ward_ids in wards_by_role.items():
        yield Grant(role, _ward_area(ward_ids))
