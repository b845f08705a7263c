"""Finding the objects a request body names (a ward by its code, an officer by collar number
or username), only among those the user may see: an unknown one and one outside their area
get the same answer, so a body never confirms what exists elsewhere."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from snt_portal.permissions import Perm
from wards.models import Team, User, Ward, WardQuerySet

# Primary keys are 64-bit: a larger id in a body is refused, not sent to the database.
MAX_ID = 2**63 - 1

NO_WARD = "Enter the ONS code of a current ward you may see (like E05013628)."


def visible_ward(
    user: User, code: str, *, perm: Perm = Perm.VIEW_WARD, among: WardQuerySet | None = None
) -> Ward | None:
    """The ward with ``code`` if ``user`` may see it (and it is among ``among``)."""
    wards = among if among is not None else Ward.objects.current()
    return wards.visible_to(user, perm).select_related("borough").filter(code=code).first()


def team_people(ward: Ward, *, current: bool = False) -> QuerySet[User]:
    """People posted to the ward's team or its cluster's: ever, or (``current``) today."""
    on_team = Q(postings__team__kind=Team.Kind.WARD, postings__team__ward=ward)
    if ward.cluster_id is not None:
        on_team |= Q(
            postings__team__kind=Team.Kind.CLUSTER, postings__team__cluster_id=ward.cluster_id
        )
    if current:
        today = timezone.localdate()
        on_team &= Q(postings__start_date__lte=today) & (
            Q(postings__end_date__isnull=True) | Q(postings__end_date__gte=today)
        )
    return User.objects.filter(on_team).distinct()


def find_person(people: QuerySet[User], name: str) -> User | None:
    """By collar number first (as the CSV upload does), then by username."""
    return people.filter(collar_number=name).first() or people.filter(username=name).first()
